/* SPDX-License-Identifier: MIT */
/* The mapdemo CLI: shared pieces of the subcommands. */
#ifndef MAPDEMO_CLI_H
#define MAPDEMO_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "libmapdemo.h"

/* Exit codes scripts can trust; mapdemo(1) documents them. */
enum {
	EXIT_DONE = 0,		/* the operation was carried out */
	EXIT_FAILED = 1,	/* the operation failed */
	EXIT_USAGE = 2,		/* the command line was wrong */
};

struct command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	void (*help)(void);
};

extern const struct command cmd_load, cmd_unload, cmd_info, cmd_stats,
	cmd_map, cmd_dump, cmd_matrix;

/* Print "mapdemo: <fmt>\n" to stderr; returns @code. */
int fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* true when argv has -h or --help before a "--" */
int wants_help(int argc, char **argv);

/*
 * The usage error for getopt_long()'s answer @c ('?' or ':') on
 * argv[optind - 1]; returns EXIT_USAGE.
 */
int bad_option(const char *cmd, int c, char **argv);

/* Parse a size option; on error print "CMD: OPT 'ARG': ..." and return 2. */
int size_arg(const char *cmd, const char *opt, const char *arg, uint64_t *out);

/* --offset: a size up to INT64_MAX, the largest off_t. */
int offset_arg(const char *cmd, const char *arg, uint64_t *out);

/* --mode: zero, sparse or dma. */
int mode_arg(const char *cmd, const char *arg, int *mode);

/* Parse --prot or --flags; on error name the word that was not understood. */
int prot_arg(const char *cmd, const char *arg, int *prot);
int flags_arg(const char *cmd, const char *arg, int *flags);

/* Open /dev/mapdemo; on error print "CMD: open /dev/mapdemo: ..." and return 1. */
int open_device(const char *cmd, struct mapdemo_device *dev, int oflags, int mode);

void print_stats(const struct mapdemo_stats *st, int json);

#endif
