// SPDX-License-Identifier: MIT
/* Names for PROT_* and MAP_* bits and for modes, both ways. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#include "libmapdemo.h"

#ifndef MAP_UNINITIALIZED
#define MAP_UNINITIALIZED 0x4000000
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif

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

/* The type bits first: they are a two-bit field, not flags. */
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
	{ "32bit", MAP_32BIT },
	{ "stack", MAP_STACK },
	{ "growsdown", MAP_GROWSDOWN },
	{ "hugetlb", MAP_HUGETLB },
	{ "uninitialized", MAP_UNINITIALIZED },
	{ NULL, 0 }
};

#define MAP_TYPE_BITS 0x03

static const char *const mode_names[MAPDEMO_MODE_NR] = {
	[MAPDEMO_MODE_ZERO] = "zero",
	[MAPDEMO_MODE_SPARSE] = "sparse",
	[MAPDEMO_MODE_DMA] = "dma",
};

/* A whole string that is a number: decimal, 0x hex or 0 octal. */
static int parse_number(const char *s, int *out)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end || v < 0 || v > 0x7fffffff)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

/* Parse a list of names separated by ',' or '|'. */
static int parse_names(const char *s, const struct bit_name *table,
		       int *out, const char **bad_word)
{
	const char *p = s;
	int bits = 0;

	if (!s || !out)
		return -EINVAL;
	if (bad_word)
		*bad_word = s;
	if (parse_number(s, out) == 0)
		return 0;
	if (!*s)
		return -EINVAL;

	while (*p) {
		size_t len = strcspn(p, ",|");
		const struct bit_name *n;

		for (n = table; n->name; n++)
			if (strlen(n->name) == len && !strncasecmp(p, n->name, len))
				break;
		if (!n->name) {
			if (bad_word)
				*bad_word = p;
			return -EINVAL;
		}
		bits |= n->bits;
		p += len;
		if (*p) {
			p++;
			if (!*p) {	/* a trailing separator */
				if (bad_word)
					*bad_word = p;
				return -EINVAL;
			}
		}
	}
	*out = bits;
	return 0;
}

/* "rwx"-style letters: each of r, w, x at most once, '-' as a gap. */
static int parse_letters(const char *s, int *out)
{
	int bits = 0, bit;

	if (!*s || strlen(s) > 3)
		return -EINVAL;
	for (; *s; s++) {
		switch (*s) {
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

int mapdemo_parse_prot(const char *s, int *prot, const char **bad_word)
{
	if (s && prot && parse_letters(s, prot) == 0) {
		if (bad_word)
			*bad_word = s;
		return 0;
	}
	return parse_names(s, prot_names, prot, bad_word);
}

int mapdemo_parse_map_flags(const char *s, int *flags, const char **bad_word)
{
	return parse_names(s, map_names, flags, bad_word);
}

int mapdemo_format_prot(int prot, char *buf, size_t size)
{
	if (!buf)
		return -EINVAL;
	if (size < 4)
		return -ENOSPC;
	buf[0] = prot & PROT_READ ? 'r' : '-';
	buf[1] = prot & PROT_WRITE ? 'w' : '-';
	buf[2] = prot & PROT_EXEC ? 'x' : '-';
	buf[3] = '\0';
	return 3;
}

/* Append "|name" (or "name" when first) to @buf at *@len. */
static int append(char *buf, size_t size, size_t *len, const char *name)
{
	int n = snprintf(buf + *len, size - *len, "%s%s", *len ? "|" : "", name);

	if (n < 0 || (size_t)n >= size - *len)
		return -ENOSPC;
	*len += (size_t)n;
	return 0;
}

int mapdemo_format_map_flags(int flags, char *buf, size_t size)
{
	const struct bit_name *n;
	size_t len = 0;
	char hex[16];
	int ret;

	if (!buf)
		return -EINVAL;
	if (!size)
		return -ENOSPC;
	buf[0] = '\0';
	for (n = map_names; n->name; n++) {
		int match;

		if (n->bits & MAP_TYPE_BITS)
			match = (flags & MAP_TYPE_BITS) == n->bits;
		else
			match = (flags & n->bits) == n->bits;
		if (!match)
			continue;
		ret = append(buf, size, &len, n->name);
		if (ret)
			return ret;
		flags &= ~n->bits;
	}
	if (flags & ~MAP_TYPE_BITS) {
		snprintf(hex, sizeof(hex), "%#x", (unsigned int)(flags & ~MAP_TYPE_BITS));
		ret = append(buf, size, &len, hex);
		if (ret)
			return ret;
	}
	return (int)len;
}

int mapdemo_parse_mode(const char *s)
{
	int i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < MAPDEMO_MODE_NR; i++)
		if (!strcasecmp(s, mode_names[i]))
			return i;
	return -EINVAL;
}

const char *mapdemo_mode_name(int mode)
{
	if (mode < 0 || mode >= MAPDEMO_MODE_NR)
		return NULL;
	return mode_names[mode];
}
