// SPDX-License-Identifier: MIT
/* Names for PROT_* and MAP_* bits, modes and DMA styles, both ways. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#include "libmapdemo.h"
#include "internal.h"

#ifndef MAP_UNINITIALIZED
#define MAP_UNINITIALIZED 0x4000000
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif

#define SEPARATORS ",|"

struct bit_name {
	const char *name;
	int bits;
};

static const struct bit_name prot_names[] = {
	{ "read", PROT_READ },
	{ "write", PROT_WRITE },
	{ "exec", PROT_EXEC },
	{ "none", PROT_NONE },
	{ NULL, 0 }
};

/*
 * The type values first: they are a two-bit field, not flags, and
 * "shared_validate" (3) must be matched before "shared" (1) when
 * formatting.
 */
static const struct bit_name map_names[] = {
	{ "shared_validate", MAP_SHARED_VALIDATE },
	{ "shared", MAP_SHARED },
	{ "private", MAP_PRIVATE },
	{ "fixed", MAP_FIXED },
	{ "fixed_noreplace", MAP_FIXED_NOREPLACE },
	{ "anonymous", MAP_ANONYMOUS },
	{ "populate", MAP_POPULATE },
	{ "locked", MAP_LOCKED },
	{ "noreserve", MAP_NORESERVE },
	{ "nonblock", MAP_NONBLOCK },
#ifdef MAP_32BIT
	{ "32bit", MAP_32BIT },	/* x86-64 only */
#endif
	{ "stack", MAP_STACK },
	{ "growsdown", MAP_GROWSDOWN },
	{ "hugetlb", MAP_HUGETLB },
	{ "sync", MAP_SYNC },
	{ "uninitialized", MAP_UNINITIALIZED },
	{ NULL, 0 }
};

#define MAP_TYPE_BITS 0x03

static const char *const mode_names[MAPDEMO_MODE_NR] = {
	[MAPDEMO_MODE_ZERO] = "zero",
	[MAPDEMO_MODE_SPARSE] = "sparse",
	[MAPDEMO_MODE_DMA] = "dma",
};

static const char *const dma_cache_names[MAPDEMO_DMA_CACHE_NR] = {
	[MAPDEMO_DMA_CACHED] = "cached",
	[MAPDEMO_DMA_WC] = "wc",
	[MAPDEMO_DMA_UNCACHED] = "uncached",
};

static const char *const dma_style_names[MAPDEMO_DMA_STYLE_NR] = {
	[MAPDEMO_DMA_PFN] = "pfn",
	[MAPDEMO_DMA_PAGE] = "page",
	[MAPDEMO_DMA_MIXED] = "mixed",
};

static const char *const access_names[] = {
	[MAPDEMO_ACCESS_READ] = "read",
	[MAPDEMO_ACCESS_WRITE] = "write",
	[MAPDEMO_ACCESS_EXEC] = "exec",
};

static const char *const outcome_names[] = {
	[MAPDEMO_OK] = "ok",
	[MAPDEMO_SIGSEGV] = "SIGSEGV",
	[MAPDEMO_SIGBUS] = "SIGBUS",
};

/*
 * Digits of a number: "0x" or "0X" then hex digits, or decimal digits
 * (a leading 0 is not octal).  Written out rather than left to strtoull(),
 * which also takes blanks, a sign and, in base 16, a second "0x" after
 * the first ("0x0x10" would be 16).  Returns 0 with *@v and *@end (the
 * first character after the digits), -EINVAL without a digit, -ERANGE
 * when the value does not fit in 64 bits.
 */
static int parse_digits(const char *s, uint64_t *v, const char **end)
{
	int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	unsigned int base = hex ? 16 : 10, d;
	const char *p = hex ? s + 2 : s;
	uint64_t n = 0;

	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			d = (unsigned int)(*p - '0');
		else if (hex && *p >= 'a' && *p <= 'f')
			d = (unsigned int)(*p - 'a' + 10);
		else if (hex && *p >= 'A' && *p <= 'F')
			d = (unsigned int)(*p - 'A' + 10);
		else
			break;
		if (n > (UINT64_MAX - d) / base)
			return -ERANGE;
		n = n * base + d;
	}
	if (p == (hex ? s + 2 : s))
		return -EINVAL;
	*v = n;
	*end = p;
	return 0;
}

/* A word of @len bytes that is a number: decimal or 0x hex, no sign. */
static int parse_number(const char *s, size_t len, int *out)
{
	const char *end;
	char buf[24];
	uint64_t v;

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (parse_digits(buf, &v, &end) || *end || v > 0x7fffffff)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

static int lookup(const struct bit_name *table, const char *s, size_t len,
		  int *out)
{
	const struct bit_name *n;

	for (n = table; n->name; n++) {
		if (strlen(n->name) == len && !strncasecmp(s, n->name, len)) {
			*out = n->bits;
			return 0;
		}
	}
	return -EINVAL;
}

/* "rwx"-style letters: each of r, w, x at most once, '-' as a gap. */
static int parse_letters(const char *s, size_t len, int *out)
{
	int bits = 0, bit;
	size_t i;

	if (!len || len > 3)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case 'r': bit = PROT_READ; break;
		case 'w': bit = PROT_WRITE; break;
		case 'x': bit = PROT_EXEC; break;
		case '-': continue;
		default: return -EINVAL;
		}
		if (bits & bit)
			return -EINVAL;
		bits |= bit;
	}
	*out = bits;
	return 0;
}

/*
 * Parse words separated by ',' or '|'; each is a name of @table, a
 * number, or (for PROT) letters.  Nothing is stored unless all parse.
 */
static int parse_words(const char *s, const struct bit_name *table,
		       int letters, int *out, const char **bad_word)
{
	const char *p = s;
	int bits = 0;

	if (bad_word)
		*bad_word = NULL;
	if (!s || !out)
		return -EINVAL;
	for (;;) {
		size_t len = strcspn(p, SEPARATORS);
		int v;

		if (lookup(table, p, len, &v) &&
		    parse_number(p, len, &v) &&
		    (!letters || parse_letters(p, len, &v))) {
			if (bad_word)
				*bad_word = p;
			return -EINVAL;
		}
		bits |= v;
		p += len;
		if (!*p)
			break;
		p++;	/* an empty word after it is refused above */
	}
	*out = bits;
	return 0;
}

int mapdemo_parse_prot(const char *s, int *prot, const char **bad_word)
{
	return parse_words(s, prot_names, 1, prot, bad_word);
}

int mapdemo_parse_map_flags(const char *s, int *flags, const char **bad_word)
{
	return parse_words(s, map_names, 0, flags, bad_word);
}

size_t mapdemo_word_length(const char *word)
{
	return word ? strcspn(word, SEPARATORS) : 0;
}

/* Append "|word" (or "word" when first) to @buf at *@len. */
static int append(char *buf, size_t size, size_t *len, const char *word)
{
	size_t need = strlen(word) + (*len ? 1 : 0);

	if (need >= size - *len)
		return -ENOSPC;
	if (*len)
		buf[(*len)++] = '|';
	memcpy(buf + *len, word, strlen(word) + 1);
	*len += strlen(word);
	return 0;
}

/* Append the bits no name covers as one hex word, so parsing gives them back. */
static int append_rest(char *buf, size_t size, size_t *len, unsigned int rest)
{
	char hex[16];

	if (!rest)
		return 0;
	snprintf(hex, sizeof(hex), "%#x", rest);
	return append(buf, size, len, hex);
}

int mapdemo_format_prot(int prot, char *buf, size_t size)
{
	const int rwx = PROT_READ | PROT_WRITE | PROT_EXEC;
	char letters[4];
	size_t len = 0;
	int ret;

	if (!buf)
		return -EINVAL;
	if (!size)
		return -ENOSPC;
	buf[0] = '\0';
	letters[0] = prot & PROT_READ ? 'r' : '-';
	letters[1] = prot & PROT_WRITE ? 'w' : '-';
	letters[2] = prot & PROT_EXEC ? 'x' : '-';
	letters[3] = '\0';
	ret = append(buf, size, &len, letters);
	if (!ret)
		ret = append_rest(buf, size, &len, (unsigned int)prot & ~(unsigned int)rwx);
	if (ret) {
		buf[0] = '\0';
		return ret;
	}
	return (int)len;
}

int mapdemo_format_map_flags(int flags, char *buf, size_t size)
{
	unsigned int rest = (unsigned int)flags;
	const struct bit_name *n;
	size_t len = 0;
	int ret = 0;

	if (!buf)
		return -EINVAL;
	if (!size)
		return -ENOSPC;
	buf[0] = '\0';
	for (n = map_names; n->name && !ret; n++) {
		unsigned int bits = (unsigned int)n->bits;

		if (bits & MAP_TYPE_BITS) {
			if ((rest & MAP_TYPE_BITS) != bits)
				continue;
		} else if ((rest & bits) != bits) {
			continue;
		}
		ret = append(buf, size, &len, n->name);
		rest &= ~bits;
	}
	if (!ret)
		ret = append_rest(buf, size, &len, rest);
	if (!ret && !len)	/* no bits at all: still a word that parses */
		ret = append(buf, size, &len, "0");
	if (ret) {
		buf[0] = '\0';
		return ret;
	}
	return (int)len;
}

/* Index of @s in @names (case-insensitive), or -EINVAL. */
static int name_index(const char *const *names, int n, const char *s)
{
	int i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (names[i] && !strcasecmp(s, names[i]))
			return i;
	return -EINVAL;
}

static const char *index_name(const char *const *names, int n, int i)
{
	return i >= 0 && i < n ? names[i] : NULL;
}

#define NAMES_NR(a) ((int)(sizeof(a) / sizeof((a)[0])))

int mapdemo_parse_mode(const char *s)
{
	return name_index(mode_names, NAMES_NR(mode_names), s);
}

const char *mapdemo_mode_name(int mode)
{
	return index_name(mode_names, NAMES_NR(mode_names), mode);
}

int mapdemo_parse_dma_style(const char *s)
{
	return name_index(dma_style_names, NAMES_NR(dma_style_names), s);
}

const char *mapdemo_dma_style_name(int style)
{
	return index_name(dma_style_names, NAMES_NR(dma_style_names), style);
}

int mapdemo_parse_dma_cache(const char *s)
{
	return name_index(dma_cache_names, NAMES_NR(dma_cache_names), s);
}

const char *mapdemo_dma_cache_name(int cache)
{
	return index_name(dma_cache_names, NAMES_NR(dma_cache_names), cache);
}

int mapdemo_parse_access(const char *s)
{
	return name_index(access_names, NAMES_NR(access_names), s);
}

const char *mapdemo_access_name(int access)
{
	return index_name(access_names, NAMES_NR(access_names), access);
}

const char *mapdemo_outcome_name(int outcome)
{
	return index_name(outcome_names, NAMES_NR(outcome_names), outcome);
}

const char *mapdemo_code_name(int outcome, int code)
{
	switch (outcome) {
	case MAPDEMO_SIGSEGV:
		switch (code) {
		case SEGV_MAPERR: return "SEGV_MAPERR";
		case SEGV_ACCERR: return "SEGV_ACCERR";
#ifdef SEGV_BNDERR
		case SEGV_BNDERR: return "SEGV_BNDERR";
#endif
#ifdef SEGV_PKUERR
		case SEGV_PKUERR: return "SEGV_PKUERR";
#endif
		}
		break;
	case MAPDEMO_SIGBUS:
		switch (code) {
		case BUS_ADRALN: return "BUS_ADRALN";
		case BUS_ADRERR: return "BUS_ADRERR";
		case BUS_OBJERR: return "BUS_OBJERR";
		case BUS_MCEERR_AR: return "BUS_MCEERR_AR";
		case BUS_MCEERR_AO: return "BUS_MCEERR_AO";
		}
		break;
	}
	return NULL;
}

int mapdemo_parse_size(const char *s, uint64_t *bytes)
{
	unsigned int shift = 0;
	const char *end;
	uint64_t v;
	int ret;

	if (!s || !bytes)
		return -EINVAL;
	ret = parse_digits(s, &v, &end);
	if (ret)
		return ret;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: return -EINVAL;
	}
	/* memory comes in binary units: 64K, 64KiB and 64KB all mean 65536 */
	if (shift && *end == 'i')
		end++;
	if (shift && *end == 'B')
		end++;
	if (*end)
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*bytes = v << shift;
	return 0;
}
