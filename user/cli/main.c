// SPDX-License-Identifier: MIT
/* mapdemo: load, inspect and map /dev/mapdemo from the command line. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct command *const commands[] = {
	&cmd_load, &cmd_unload, &cmd_info, &cmd_stats, &cmd_map, &cmd_dump, &cmd_matrix, NULL
};

static void usage(FILE *f)
{
	const struct command *const *c;

	fprintf(f, "usage: mapdemo COMMAND [OPTIONS]\n\ncommands:\n");
	for (c = commands; *c; c++)
		fprintf(f, "  %-8s %s\n", (*c)->name, (*c)->summary);
	fprintf(f, "\n'mapdemo COMMAND --help' describes one command.\n"
		   "exit status: 0 done, 1 the operation failed, 2 usage error\n");
}

int main(int argc, char **argv)
{
	const struct command *const *c;

	if (argc < 2)
		return fail(EXIT_USAGE, "no command given (try mapdemo --help)");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help"))
		return usage(stdout), EXIT_DONE;

	for (c = commands; *c; c++) {
		if (strcmp(argv[1], (*c)->name))
			continue;
		if (wants_help(argc - 1, argv + 1)) {
			(*c)->help();
			return EXIT_DONE;
		}
		return (*c)->run(argc - 1, argv + 1);
	}
	return fail(EXIT_USAGE, "unknown command '%s' (try mapdemo --help)", argv[1]);
}
