// SPDX-License-Identifier: MIT
/* mapdemo map: map the device, touch or probe it, report the cost. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"

static void map_help(void)
{
	puts("usage: mapdemo map [OPTIONS]\n\n"
	     "Map /dev/mapdemo, touch or probe every page, print what happened\n"
	     "and the faults and pages it cost, then unmap.\n\n"
	     "  --mode MODE      zero, sparse or dma (default: the module's)\n"
	     "  --length SIZE    bytes, with K/M/G suffix (default 64K)\n"
	     "  --prot PROT      rw, r, none, read,write (default rw)\n"
	     "  --flags FLAGS    shared, private, populate, ... (default shared)\n"
	     "  --offset SIZE    file offset, page aligned (default 0)\n"
	     "  --touch WHAT     read, write or none (default write)\n"
	     "  --probe ACCESS   read, write or exec: report each page's outcome\n"
	     "  --readonly       open the device O_RDONLY");
}

struct map_opts {
	int mode;
	uint64_t length;
	int prot;
	int flags;
	uint64_t offset;
	int touch;		/* -1 none, else enum mapdemo_access */
	int probe;		/* -1 none, else enum mapdemo_access */
	int oflags;
};

static int parse_access(const char *s, int none_ok)
{
	if (!strcmp(s, "read"))
		return MAPDEMO_ACCESS_READ;
	if (!strcmp(s, "write"))
		return MAPDEMO_ACCESS_WRITE;
	if (!strcmp(s, "exec"))
		return MAPDEMO_ACCESS_EXEC;
	if (none_ok && !strcmp(s, "none"))
		return -1;
	return -2;
}

static int parse_opts(int argc, char **argv, struct map_opts *o)
{
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "length", required_argument, NULL, 'l' },
		{ "prot", required_argument, NULL, 'p' },
		{ "flags", required_argument, NULL, 'f' },
		{ "offset", required_argument, NULL, 'o' },
		{ "touch", required_argument, NULL, 't' },
		{ "probe", required_argument, NULL, 'P' },
		{ "readonly", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char *bad;
	int c;

	*o = (struct map_opts){
		.mode = MAPDEMO_MODE_DEFAULT, .length = 65536,
		.prot = PROT_READ | PROT_WRITE, .flags = MAP_SHARED,
		.touch = MAPDEMO_ACCESS_WRITE, .probe = -1, .oflags = O_RDWR,
	};
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			o->mode = mapdemo_parse_mode(optarg);
			if (o->mode < 0)
				return fail(EXIT_USAGE, "map: --mode '%s': not zero, sparse or dma", optarg);
			break;
		case 'l':
			if (parse_size(optarg, &o->length) || !o->length)
				return fail(EXIT_USAGE, "map: --length '%s': not a size (e.g. 4096, 64K, 2M)", optarg);
			break;
		case 'o':
			if (parse_size(optarg, &o->offset) || o->offset > INT64_MAX)
				return fail(EXIT_USAGE, "map: --offset '%s': not a size", optarg);
			break;
		case 'p':
			if (mapdemo_parse_prot(optarg, &o->prot, &bad))
				return fail(EXIT_USAGE, "map: --prot: unknown protection '%s'", bad);
			break;
		case 'f':
			if (mapdemo_parse_map_flags(optarg, &o->flags, &bad))
				return fail(EXIT_USAGE, "map: --flags: unknown flag '%s'", bad);
			break;
		case 't':
			o->touch = parse_access(optarg, 1);
			if (o->touch == -2 || o->touch == MAPDEMO_ACCESS_EXEC)
				return fail(EXIT_USAGE, "map: --touch '%s': not read, write or none", optarg);
			break;
		case 'P':
			o->probe = parse_access(optarg, 0);
			if (o->probe < 0)
				return fail(EXIT_USAGE, "map: --probe '%s': not read, write or exec", optarg);
			break;
		case 'r':
			o->oflags = O_RDONLY;
			break;
		default:
			return fail(EXIT_USAGE, "map: unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return fail(EXIT_USAGE, "map: unexpected argument '%s'", argv[optind]);
	return EXIT_DONE;
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static void touch(char *p, size_t len, size_t page, int how)
{
	volatile char *v = p;
	size_t off;

	for (off = 0; off < len; off += page) {
		if (how == MAPDEMO_ACCESS_READ)
			(void)v[off];
		else
			v[off] = 0x5a;
	}
}

static const char *code_name(int outcome, int code)
{
	if (outcome == MAPDEMO_SIGSEGV)
		return code == SEGV_MAPERR ? "SEGV_MAPERR" :
		       code == SEGV_ACCERR ? "SEGV_ACCERR" : "si_code";
	return code == BUS_ADRERR ? "BUS_ADRERR" :
	       code == BUS_ADRALN ? "BUS_ADRALN" :
	       code == BUS_OBJERR ? "BUS_OBJERR" : "si_code";
}

static const char *outcome_name(int o)
{
	return o == MAPDEMO_OK ? "ok" : o == MAPDEMO_SIGSEGV ? "SIGSEGV" : "SIGBUS";
}

/* Print runs of pages with the same outcome: "pages 0-15: ok". */
static void print_probe(const struct mapdemo_probe_result *r, size_t n)
{
	size_t i, start = 0;

	for (i = 1; i <= n; i++) {
		if (i < n && r[i].outcome == r[start].outcome &&
		    r[i].code == r[start].code)
			continue;
		printf("  pages %zu-%zu: %s", start, i - 1, outcome_name(r[start].outcome));
		if (r[start].outcome != MAPDEMO_OK)
			printf(" (%s %d, first at %p)", code_name(r[start].outcome, r[start].code),
			       r[start].code, r[start].addr);
		printf("\n");
		start = i;
	}
}

static int map_run(int argc, char **argv)
{
	struct mapdemo_stats before, after;
	struct mapdemo_probe_result *res = NULL;
	struct mapdemo_mapping m = { 0 };
	struct mapdemo_device dev;
	struct map_opts o;
	char prot_s[8], flags_s[256];
	size_t page = (size_t)sysconf(_SC_PAGESIZE), npages;
	int ret, rc = EXIT_DONE;
	long flt;

	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret;
	if (o.length > SIZE_MAX - page)
		return fail(EXIT_USAGE, "map: --length too large");
	npages = (size_t)((o.length + page - 1) / page);

	ret = mapdemo_device_open(&dev, NULL, o.oflags, o.mode);
	if (ret)
		return fail(EXIT_FAILED, "map: open %s: %s", MAPDEMO_DEFAULT_PATH, strerror(-ret));
	mapdemo_format_prot(o.prot, prot_s, sizeof(prot_s));
	mapdemo_format_map_flags(o.flags, flags_s, sizeof(flags_s));
	mapdemo_stats(&dev, MAPDEMO_STATS_FILE, &before);

	ret = mapdemo_map(&dev, &m, NULL, (size_t)o.length, o.prot, o.flags, (off_t)o.offset);
	if (ret) {
		mapdemo_device_close(&dev);
		return fail(EXIT_FAILED, "map: mmap(length %" PRIu64 ", %s, %s, offset %" PRIu64 "): %s",
			    o.length, prot_s, flags_s, o.offset, strerror(-ret));
	}
	printf("mapped %zu pages (%" PRIu64 " bytes) of %s mode at %p, %s, %s\n",
	       npages, o.length, mapdemo_mode_name(mapdemo_get_mode(&dev)),
	       m.addr, prot_s, flags_s);
	mapdemo_stats(&dev, MAPDEMO_STATS_FILE, &after);
	if (after.faults != before.faults)
		printf("mmap itself: %" PRIu64 " driver faults (populate), pages live %" PRIu64 "\n",
		       (uint64_t)(after.faults - before.faults), (uint64_t)after.pages_live);
	before = after;

	flt = minflt();
	if (o.touch >= 0) {
		touch(m.addr, m.length, page, o.touch);
		mapdemo_stats(&dev, MAPDEMO_STATS_FILE, &after);
		flt = minflt() - flt;
		printf("touched %zu pages (%s): %" PRIu64 " driver faults, %" PRIu64
		       " cow, %ld minor faults, pages live %" PRIu64 "\n",
		       npages, o.touch == MAPDEMO_ACCESS_READ ? "read" : "write",
		       (uint64_t)(after.faults - before.faults),
		       (uint64_t)(after.cow - before.cow), flt,
		       (uint64_t)after.pages_live);
		before = after;
	}
	if (o.probe >= 0) {
		res = calloc(npages, sizeof(*res));
		if (!res) {
			rc = fail(EXIT_FAILED, "map: out of memory");
			goto out;
		}
		ret = mapdemo_probe(m.addr, npages * page, o.probe, res, npages);
		if (ret < 0) {
			rc = fail(EXIT_FAILED, "map: probe: %s", strerror(-ret));
			goto out;
		}
		mapdemo_stats(&dev, MAPDEMO_STATS_FILE, &after);
		printf("probed %zu pages (%s): %" PRIu64 " driver faults\n", npages,
		       o.probe == MAPDEMO_ACCESS_READ ? "read" :
		       o.probe == MAPDEMO_ACCESS_WRITE ? "write" : "exec",
		       (uint64_t)(after.faults - before.faults));
		print_probe(res, npages);
	}
out:
	free(res);
	mapdemo_unmap(&m);
	mapdemo_stats(&dev, MAPDEMO_STATS_FILE, &after);
	printf("unmapped: pages live %" PRIu64 ", vmas live %" PRIu64 "\n",
	       (uint64_t)after.pages_live, (uint64_t)after.vmas_live);
	mapdemo_device_close(&dev);
	return rc;
}

const struct command cmd_map = {
	"map", "map, touch, probe and count faults", map_run, map_help
};
