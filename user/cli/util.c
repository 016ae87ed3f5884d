// SPDX-License-Identifier: MIT
/* Helpers shared by the subcommands: errors, option values, stats output. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int fail(int code, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("mapdemo: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	return 0;
}

int bad_option(const char *cmd, int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		return fail(EXIT_USAGE, "%s: option '%s' needs a value", cmd, arg);
	if (optopt && arg[0] == '-' && arg[1] != '-')
		return fail(EXIT_USAGE, "%s: unknown option '-%c'", cmd, optopt);
	return fail(EXIT_USAGE, "%s: unknown option '%s'", cmd, arg);
}

int size_arg(const char *cmd, const char *opt, const char *arg, uint64_t *out)
{
	int ret = mapdemo_parse_size(arg, out);

	if (ret == -ERANGE)
		return fail(EXIT_USAGE, "%s: %s '%s': too large", cmd, opt, arg);
	if (ret)
		return fail(EXIT_USAGE, "%s: %s '%s': not a size (4096, 0x1000, 64K, 2M, 1G)",
			    cmd, opt, arg);
	return EXIT_DONE;
}

int offset_arg(const char *cmd, const char *arg, uint64_t *out)
{
	int ret = size_arg(cmd, "--offset", arg, out);

	if (!ret && *out > INT64_MAX)
		return fail(EXIT_USAGE, "%s: --offset '%s': too large", cmd, arg);
	return ret;
}

int mode_arg(const char *cmd, const char *arg, int *mode)
{
	*mode = mapdemo_parse_mode(arg);
	if (*mode < 0)
		return fail(EXIT_USAGE, "%s: --mode '%s': not zero, sparse or dma", cmd, arg);
	return EXIT_DONE;
}

/* The one-line error for a name list, naming the word that was not understood. */
static int bad_word(const char *cmd, const char *opt, const char *arg,
		    const char *word, const char *what)
{
	size_t len = mapdemo_word_length(word);

	if (!word)
		return fail(EXIT_USAGE, "%s: %s: no value", cmd, opt);
	if (!len)
		return fail(EXIT_USAGE, "%s: %s '%s': empty %s at offset %td",
			    cmd, opt, arg, what, word - arg);
	return fail(EXIT_USAGE, "%s: %s '%s': unknown %s '%.*s'", cmd, opt, arg,
		    what, (int)len, word);
}

int prot_arg(const char *cmd, const char *arg, int *prot)
{
	const char *word;

	if (mapdemo_parse_prot(arg, prot, &word))
		return bad_word(cmd, "--prot", arg, word, "protection");
	return EXIT_DONE;
}

int flags_arg(const char *cmd, const char *arg, int *flags)
{
	const char *word;

	if (mapdemo_parse_map_flags(arg, flags, &word))
		return bad_word(cmd, "--flags", arg, word, "flag");
	return EXIT_DONE;
}

int open_device(const char *cmd, struct mapdemo_device *dev, int oflags, int mode)
{
	int ret = mapdemo_device_open(dev, NULL, oflags, mode);

	if (ret == -ENOENT)
		return fail(EXIT_FAILED, "%s: open %s: %s (is the module loaded?)", cmd,
			    MAPDEMO_DEFAULT_PATH, strerror(-ret));
	if (ret == -EOPNOTSUPP)
		return fail(EXIT_FAILED, "%s: --mode %s: not offered by the loaded module",
			    cmd, mapdemo_mode_name(mode));
	if (ret)
		return fail(EXIT_FAILED, "%s: open %s: %s", cmd, MAPDEMO_DEFAULT_PATH,
			    strerror(-ret));
	return EXIT_DONE;
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
