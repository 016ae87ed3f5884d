// SPDX-License-Identifier: MIT
/*
 * mapdemo-example: what a program using libmapdemo looks like.
 *
 * Built against the installed library:
 *	cc -o mapdemo-example mapdemo-example.c $(pkg-config --cflags --libs mapdemo)
 *
 * It opens /dev/mapdemo in zero mode, maps 16 pages shared, writes to
 * them and reads the driver's counters, then maps them read-only and
 * probes a write to each page: every one raises SIGSEGV, and the program
 * carries on.  Exit status 0 when the device behaved as described.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libmapdemo.h>

#define PAGES 16

static int die(const char *what, int err)
{
	fprintf(stderr, "mapdemo-example: %s: %s\n", what, strerror(-err));
	return 1;
}

int main(void)
{
	struct mapdemo_probe_result res[PAGES];
	struct mapdemo_stats before, after;
	struct mapdemo_device dev;
	struct mapdemo_mapping map;
	size_t page = (size_t)sysconf(_SC_PAGESIZE), i;
	const char *code;
	char flags[MAPDEMO_MAP_FLAGS_NAME_MAX];
	int ret, prot;

	ret = mapdemo_device_open(&dev, NULL, O_RDWR, MAPDEMO_MODE_ZERO);
	if (ret)
		return die("open " MAPDEMO_DEFAULT_PATH, ret);

	/* flags by name, as a user would type them */
	ret = mapdemo_parse_map_flags("shared", &prot, NULL);
	if (ret)
		return die("parse flags", ret);
	ret = mapdemo_stats(&dev, MAPDEMO_STATS_FILE, &before);
	if (ret)
		return die("stats", ret);
	ret = mapdemo_map(&dev, &map, NULL, PAGES * page, PROT_READ | PROT_WRITE, prot, 0);
	if (ret)
		return die("map", ret);
	for (i = 0; i < PAGES; i++)
		((char *)map.addr)[i * page] = (char)i;
	ret = mapdemo_stats(&dev, MAPDEMO_STATS_FILE, &after);
	if (ret)
		return die("stats", ret);
	mapdemo_format_map_flags(map.flags, flags, sizeof(flags));
	printf("wrote %d pages of a %s zero-mode mapping: %" PRIu64 " faults, %" PRIu64
	       " pages allocated\n", PAGES, flags,
	       (uint64_t)(after.faults - before.faults),
	       (uint64_t)(after.pages_alloc - before.pages_alloc));
	if (after.faults - before.faults != PAGES ||
	    after.pages_alloc - before.pages_alloc != PAGES) {
		fprintf(stderr, "mapdemo-example: expected %d faults and pages\n", PAGES);
		return 1;
	}
	mapdemo_unmap(&map);

	/* the same pages read-only: a write to any of them is a SIGSEGV */
	ret = mapdemo_map(&dev, &map, NULL, PAGES * page, PROT_READ, MAP_SHARED, 0);
	if (ret)
		return die("map read-only", ret);
	ret = mapdemo_probe(map.addr, map.length, MAPDEMO_ACCESS_WRITE, res, PAGES);
	if (ret < 0)
		return die("probe", ret);
	for (i = 0; i < PAGES; i++) {
		if (res[i].outcome != MAPDEMO_SIGSEGV || res[i].code != SEGV_ACCERR) {
			fprintf(stderr, "mapdemo-example: page %zu: %s\n", i,
				mapdemo_outcome_name(res[i].outcome));
			return 1;
		}
	}
	code = mapdemo_code_name(res[0].outcome, res[0].code);
	printf("probed writes to %d read-only pages: each raised %s (%s), "
	       "and this program is still running\n", ret,
	       mapdemo_outcome_name(res[0].outcome), code);
	mapdemo_unmap(&map);
	mapdemo_device_close(&dev);
	return 0;
}
