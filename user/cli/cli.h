/* SPDX-License-Identifier: MIT */
/* The mapdemo CLI: shared pieces of the subcommands. */
#ifndef MAPDEMO_CLI_H
#define MAPDEMO_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "libmapdemo.h"

/* Exit codes scripts can trust. */
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

extern const struct command cmd_load, cmd_unload, cmd_info, cmd_stats, cmd_map;

/* Print "mapdemo: <fmt>\n" to stderr; returns @code. */
int fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "4096", "64K", "2M", "1G" -> bytes; -EINVAL or -ERANGE on bad input. */
int parse_size(const char *s, uint64_t *out);

/* true when argv has -h or --help */
int wants_help(int argc, char **argv);

void print_stats(const struct mapdemo_stats *st, int json);

#endif
