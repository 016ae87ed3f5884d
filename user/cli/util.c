// SPDX-License-Identifier: MIT
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("mapdemo: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (end == s)
		return -EINVAL;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: return -EINVAL;
	}
	if (*end == 'i' || *end == 'B') {	/* accept KiB, KB, MiB */
		if (*end == 'i')
			end++;
		if (*end == 'B')
			end++;
	}
	if (*end)
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = (uint64_t)v << shift;
	return 0;
}

int wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	return 0;
}

#define STAT_FIELDS(X) \
	X(mmaps) X(faults) X(fault_around) X(huge_faults) X(cow) X(mkwrite) \
	X(pages_alloc) X(pages_freed) X(pages_live) X(sigbus) X(oom) X(vmas_live)

void print_stats(const struct mapdemo_stats *st, int json)
{
	const char *sep = "";

	if (json) {
		printf("{");
#define X(f) printf("%s\"" #f "\": %" PRIu64, sep, (uint64_t)st->f); sep = ", ";
		STAT_FIELDS(X)
#undef X
		printf("}\n");
		return;
	}
#define X(f) printf("%-13s %" PRIu64 "\n", #f, (uint64_t)st->f);
	STAT_FIELDS(X)
#undef X
}
