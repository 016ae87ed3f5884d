// SPDX-License-Identifier: MIT
/* mapdemo load / unload */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void load_help(void)
{
	puts("usage: mapdemo load [MODULE] [PARAM=VALUE...]\n\n"
	     "Load the mapdemo module through libkmod.  MODULE is a path to a .ko\n"
	     "file (with a '/' or ending in .ko) or a module name (default:\n"
	     "mapdemo).  Parameters: mode=zero|sparse|dma, sparse_size=BYTES,\n"
	     "dma_size=BYTES, dma_style=pfn|page|mixed, max_pages=N, allow_exec=1,\n"
	     "devmode=0600 (see mapdemo(4)).\n\n"
	     "exit status: 0 done, 1 the operation failed, 2 usage error");
}

static int load_run(int argc, char **argv)
{
	const char *what = NULL;
	size_t len = 1;
	char *params;
	int i, ret;

	i = 1;
	if (i < argc && argv[i][0] == '-')
		return fail(EXIT_USAGE, "load: unknown option '%s'", argv[i]);
	if (i < argc && !strchr(argv[i], '=')) {
		what = argv[i];
		if (!*what)
			return fail(EXIT_USAGE, "load: empty module name");
		i++;
	}
	for (int j = i; j < argc; j++)
		len += strlen(argv[j]) + 1;
	params = calloc(1, len);
	if (!params)
		return fail(EXIT_FAILED, "load: out of memory");
	for (; i < argc; i++) {
		if (!strchr(argv[i], '=') || argv[i][0] == '=' || strchr(argv[i], ' ')) {
			free(params);
			return fail(EXIT_USAGE, "load: '%s' is not PARAM=VALUE", argv[i]);
		}
		if (*params)
			strcat(params, " ");
		strcat(params, argv[i]);
	}
	ret = mapdemo_module_load(what, params);
	if (ret == -EINVAL && *params)
		ret = fail(EXIT_FAILED, "load %s %s: %s (the module refused a parameter; "
			   "its reason is in the kernel log)", what ? what : "mapdemo",
			   params, strerror(-ret));
	else if (ret == -EEXIST)
		ret = fail(EXIT_FAILED, "load %s: the module is already loaded",
			   what ? what : "mapdemo");
	else if (ret)
		ret = fail(EXIT_FAILED, "load %s: %s", what ? what : "mapdemo",
			   strerror(-ret));
	free(params);
	return ret;
}

static void unload_help(void)
{
	puts("usage: mapdemo unload\n\n"
	     "Unload the mapdemo module.  Fails while a file or mapping of\n"
	     "/dev/mapdemo is open (Device or resource busy).\n\n"
	     "exit status: 0 done, 1 the operation failed, 2 usage error");
}

static int unload_run(int argc, char **argv)
{
	int ret;

	if (argc > 1)
		return fail(EXIT_USAGE, "unload: unexpected argument '%s'", argv[1]);
	ret = mapdemo_module_unload();
	if (ret == -ENOENT)
		return fail(EXIT_FAILED, "unload: the module is not loaded");
	if (ret == -EBUSY)
		return fail(EXIT_FAILED, "unload: the module is in use: a file or mapping of %s is open",
			    MAPDEMO_DEFAULT_PATH);
	if (ret)
		return fail(EXIT_FAILED, "unload: %s", strerror(-ret));
	return EXIT_DONE;
}

const struct command cmd_load = {
	"load", "load the module (libkmod), with parameters", load_run, load_help
};
const struct command cmd_unload = {
	"unload", "unload the module", unload_run, unload_help
};
