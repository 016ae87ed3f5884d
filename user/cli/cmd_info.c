// SPDX-License-Identifier: MIT
/* mapdemo info / stats */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *const state_names[] = {
	"absent", "live", "coming", "going", "builtin"
};

static void info_help(void)
{
	puts("usage: mapdemo info\n\n"
	     "Print the module's state and the device's sizes and settings.\n\n"
	     "exit status: 0 done, 1 the operation failed, 2 usage error");
}

static int info_run(int argc, char **argv)
{
	struct mapdemo_device dev;
	struct mapdemo_info info;
	int state, ret;

	if (argc > 1)
		return fail(EXIT_USAGE, "info: unexpected argument '%s'", argv[1]);
	(void)argv;
	state = mapdemo_module_state();
	if (state < 0)
		return fail(EXIT_FAILED, "info: module state: %s", strerror(-state));
	printf("module        %s\n", state < (int)(sizeof(state_names) / sizeof(state_names[0])) ?
	       state_names[state] : "?");
	if (state == MAPDEMO_MODULE_ABSENT)
		return EXIT_DONE;

	if (open_device("info", &dev, O_RDONLY, MAPDEMO_MODE_DEFAULT))
		return EXIT_FAILED;
	ret = mapdemo_info(&dev, &info);
	mapdemo_device_close(&dev);
	if (ret)
		return fail(EXIT_FAILED, "info: %s", strerror(-ret));
	printf("default mode  %s\n", mapdemo_mode_name((int)info.mode) ?: "?");
	printf("page size     %u\n", info.page_size);
	printf("sparse size   %" PRIu64 "\n", (uint64_t)info.sparse_size);
	printf("dma size      %" PRIu64 "\n", (uint64_t)info.dma_size);
	printf("dma style     %s\n", mapdemo_dma_style_name((int)info.dma_style) ?: "?");
	printf("page PMDs     %s\n", info.flags & MAPDEMO_INFO_DMA_PAGE_PMDS ? "yes" : "no");
	printf("dma cache     %s\n", mapdemo_dma_cache_name((int)info.dma_cache) ?: "?");
	printf("dma coherent  %s\n", info.flags & MAPDEMO_INFO_DMA_COHERENT ? "yes" : "no");
	if (info.flags & MAPDEMO_INFO_DMA_ADDR_VALID)
		printf("dma address   %#" PRIx64 "\n", (uint64_t)info.dma_addr);
	printf("max pages     %" PRIu64 "\n", (uint64_t)info.max_pages);
	printf("allow exec    %s\n", info.flags & MAPDEMO_INFO_ALLOW_EXEC ? "yes" : "no");
	return EXIT_DONE;
}

static void stats_help(void)
{
	puts("usage: mapdemo stats [--json]\n\n"
	     "Print the device's counters: mmaps, faults, pages allocated,\n"
	     "freed and live, live VMAs, ...  --json prints one JSON object.\n\n"
	     "exit status: 0 done, 1 the operation failed, 2 usage error");
}

static int stats_run(int argc, char **argv)
{
	struct mapdemo_device dev;
	struct mapdemo_stats st;
	int json = 0, ret, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (argv[i][0] == '-')
			return fail(EXIT_USAGE, "stats: unknown option '%s'", argv[i]);
		else
			return fail(EXIT_USAGE, "stats: unexpected argument '%s'", argv[i]);
	}
	if (open_device("stats", &dev, O_RDONLY, MAPDEMO_MODE_DEFAULT))
		return EXIT_FAILED;
	ret = mapdemo_stats(&dev, MAPDEMO_STATS_DEVICE, &st);
	mapdemo_device_close(&dev);
	if (ret)
		return fail(EXIT_FAILED, "stats: %s", strerror(-ret));
	print_stats(&st, json);
	return EXIT_DONE;
}

const struct command cmd_info = {
	"info", "module state and device settings", info_run, info_help
};
const struct command cmd_stats = {
	"stats", "device counters (--json)", stats_run, stats_help
};
