// SPDX-License-Identifier: MIT
/* mapdemo map: map the device, touch or probe it, report the cost. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
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
	     "  --mode MODE        zero, sparse or dma (default: the module's)\n"
	     "  --length SIZE      bytes, with K/M/G suffix (default 64K)\n"
	     "  --prot PROT        rw, r, none, read,write, ... (default rw)\n"
	     "  --flags FLAGS      shared, private, populate, noreserve, ...\n"
	     "                     (default shared)\n"
	     "  --offset SIZE      file offset, page aligned (default 0)\n"
	     "  --touch WHAT       read, write, fill=BYTE or none (default write:\n"
	     "                     a locked add of 0, which keeps every byte;\n"
	     "                     fill=BYTE stores BYTE, changing the device)\n"
	     "  --probe ACCESS     read, write or exec: report each page's outcome\n"
	     "  --dma-style STYLE  pfn, page or mixed (dma mode)\n"
	     "  --dma-cache ATTR   cached, wc or uncached (dma mode; wc and uncached\n"
	     "                     need a device that is not DMA-coherent)\n"
	     "  --readonly         open the device O_RDONLY\n\n"
	     "exit status: 0 done, 1 the operation failed, 2 usage error");
}

/* --touch fill=BYTE: a store, the one touch that changes the device's bytes */
#define TOUCH_FILL 100

struct map_opts {
	int mode;
	uint64_t length;
	int prot;
	int flags;
	uint64_t offset;
	int touch;		/* -1 none, TOUCH_FILL, else enum mapdemo_access */
	unsigned char fill;	/* the byte --touch fill=BYTE stores */
	int probe;		/* -1 none, else enum mapdemo_access */
	int dma_style;		/* -1 the module's */
	int dma_cache;		/* -1 the default (cached) */
	int oflags;
};

/* --touch: read, write, none, or fill=BYTE (0-255, decimal or 0x hex) */
static int touch_arg(const char *arg, struct map_opts *o)
{
	uint64_t byte;

	if (!strncmp(arg, "fill=", 5)) {
		if (mapdemo_parse_size(arg + 5, &byte) || byte > 0xff)
			return fail(EXIT_USAGE, "map: --touch '%s': BYTE is not a number 0-255", arg);
		o->touch = TOUCH_FILL;
		o->fill = (unsigned char)byte;
		return EXIT_DONE;
	}
	o->touch = strcmp(arg, "none") ? mapdemo_parse_access(arg) : -1;
	if (o->touch == -EINVAL || o->touch == MAPDEMO_ACCESS_EXEC)
		return fail(EXIT_USAGE, "map: --touch '%s': not read, write, fill=BYTE or none", arg);
	return EXIT_DONE;
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
		{ "dma-style", required_argument, NULL, 'd' },
		{ "dma-cache", required_argument, NULL, 'c' },
		{ "readonly", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	int c, ret;

	*o = (struct map_opts){
		.mode = MAPDEMO_MODE_DEFAULT, .length = 65536,
		.prot = PROT_READ | PROT_WRITE, .flags = MAP_SHARED,
		.touch = MAPDEMO_ACCESS_WRITE, .probe = -1, .dma_style = -1, .dma_cache = -1,
		.oflags = O_RDWR,
	};
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		ret = EXIT_DONE;
		switch (c) {
		case 'm':
			ret = mode_arg("map", optarg, &o->mode);
			break;
		case 'l':
			ret = size_arg("map", "--length", optarg, &o->length);
			if (!ret && !o->length)
				return fail(EXIT_USAGE, "map: --length '%s': must be at least 1", optarg);
			break;
		case 'o':
			ret = offset_arg("map", optarg, &o->offset);
			break;
		case 'p':
			ret = prot_arg("map", optarg, &o->prot);
			break;
		case 'f':
			ret = flags_arg("map", optarg, &o->flags);
			break;
		case 't':
			ret = touch_arg(optarg, o);
			break;
		case 'P':
			o->probe = mapdemo_parse_access(optarg);
			if (o->probe < 0)
				return fail(EXIT_USAGE, "map: --probe '%s': not read, write or exec", optarg);
			break;
		case 'd':
			o->dma_style = mapdemo_parse_dma_style(optarg);
			if (o->dma_style < 0)
				return fail(EXIT_USAGE, "map: --dma-style '%s': not pfn, page or mixed", optarg);
			break;
		case 'c':
			o->dma_cache = mapdemo_parse_dma_cache(optarg);
			if (o->dma_cache < 0)
				return fail(EXIT_USAGE, "map: --dma-cache '%s': not cached, wc or uncached", optarg);
			break;
		case 'r':
			o->oflags = O_RDONLY;
			break;
		default:
			return bad_option("map", c, argv);
		}
		if (ret)
			return ret;
	}
	if (optind < argc)
		return fail(EXIT_USAGE, "map: unexpected argument '%s'", argv[optind]);
	return EXIT_DONE;
}

/* Minor faults of this process (RUSAGE_SELF) or of the probe's helpers. */
static long minflt(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return ru.ru_minflt;
}

/*
 * A touch that faults (SIGBUS past a sparse buffer's end, SIGSEGV on a
 * read-only mapping) is reported, not a crash.  The CLI is one thread, so
 * one static landing place is enough.
 */
static sigjmp_buf touch_env;
static siginfo_t touch_info;

static void touch_fault(int sig, siginfo_t *info, void *uc)
{
	(void)sig;
	(void)uc;
	touch_info = *info;
	siglongjmp(touch_env, 1);
}

/*
 * Touch the first byte of every page.  A write is a locked add of 0, as
 * the probe's: it takes the write fault (copy on write, page_mkwrite) and
 * keeps the byte, even against another writer of the shared buffer; only
 * fill stores a byte of its own.  Returns the index of the page that
 * faulted, or @len / @page if none did.
 */
static size_t touch(char *p, size_t len, size_t page, int how, unsigned char fill)
{
	struct sigaction sa = { .sa_sigaction = touch_fault, .sa_flags = SA_SIGINFO };
	struct sigaction old_segv, old_bus;
	volatile char *v = p;
	volatile size_t off;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	if (sigsetjmp(touch_env, 1) == 0) {
		for (off = 0; off < len; off += page) {
			if (how == MAPDEMO_ACCESS_READ)
				(void)v[off];
			else if (how == MAPDEMO_ACCESS_WRITE)
				__atomic_fetch_add(&v[off], 0, __ATOMIC_RELAXED);
			else
				v[off] = (char)fill;
		}
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return off / page;
}

/*
 * This file's counters, with pages_live where the mode keeps its pages:
 * a zero-mode mapping's pages are the file's, the sparse buffer's are
 * the device's (mapdemo(4), STATISTICS).
 */
static void read_stats(struct mapdemo_device *dev, struct mapdemo_stats *st)
{
	struct mapdemo_stats device;

	mapdemo_stats(dev, MAPDEMO_STATS_FILE, st);
	if (mapdemo_get_mode(dev) == MAPDEMO_MODE_SPARSE &&
	    !mapdemo_stats(dev, MAPDEMO_STATS_DEVICE, &device))
		st->pages_live = device.pages_live;
}

/* Print runs of pages with the same outcome: "pages 0-15: ok". */
static void print_probe(const struct mapdemo_probe_result *r, size_t n)
{
	size_t i, start = 0;

	for (i = 1; i <= n; i++) {
		if (i < n && r[i].outcome == r[start].outcome &&
		    r[i].code == r[start].code)
			continue;
		const char *code = mapdemo_code_name(r[start].outcome, r[start].code);

		printf("  pages %zu-%zu: %s", start, i - 1,
		       mapdemo_outcome_name(r[start].outcome));
		if (r[start].outcome != MAPDEMO_OK)
			printf(" (%s %d, first at %p)", code ? code : "si_code",
			       r[start].code, r[start].addr);
		printf("\n");
		start = i;
	}
}

/*
 * Faults that map more than one page: fault-around batches (sparse) and
 * 2 MiB mappings (dma).  Shown only when they happened, ending the line.
 */
static void print_batches(const struct mapdemo_stats *before,
			  const struct mapdemo_stats *after)
{
	uint64_t around = after->fault_around - before->fault_around;
	uint64_t huge = after->huge_faults - before->huge_faults;

	if (around)
		printf(", %" PRIu64 " fault-around batches", around);
	if (huge)
		printf(", %" PRIu64 " of them 2 MiB", huge);
	printf("\n");
}

static int map_run(int argc, char **argv)
{
	struct mapdemo_stats before, after;
	struct mapdemo_probe_result *res = NULL;
	struct mapdemo_mapping m = { 0 };
	struct mapdemo_device dev;
	struct map_opts o;
	char prot_s[MAPDEMO_PROT_NAME_MAX], flags_s[MAPDEMO_MAP_FLAGS_NAME_MAX];
	char touch_s[16];
	size_t page = (size_t)sysconf(_SC_PAGESIZE), npages;
	int ret, rc = EXIT_DONE;
	long flt;

	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret;
	if (o.length > SIZE_MAX - page)
		return fail(EXIT_USAGE, "map: --length %" PRIu64 ": too large", o.length);
	npages = (size_t)((o.length + page - 1) / page);

	rc = open_device("map", &dev, o.oflags, o.mode);
	if (rc)
		return rc;
	if (o.dma_style >= 0) {
		ret = mapdemo_set_dma_style(&dev, o.dma_style);
		if (ret) {
			mapdemo_device_close(&dev);
			return fail(EXIT_FAILED, "map: --dma-style %s: %s",
				    mapdemo_dma_style_name(o.dma_style), strerror(-ret));
		}
	}
	if (o.dma_cache >= 0) {
		ret = mapdemo_set_dma_cache(&dev, o.dma_cache);
		if (ret) {
			mapdemo_device_close(&dev);
			return fail(EXIT_FAILED, "map: --dma-cache %s: %s",
				    mapdemo_dma_cache_name(o.dma_cache), strerror(-ret));
		}
	}
	mapdemo_format_prot(o.prot, prot_s, sizeof(prot_s));
	mapdemo_format_map_flags(o.flags, flags_s, sizeof(flags_s));
	read_stats(&dev, &before);

	ret = mapdemo_map(&dev, &m, NULL, (size_t)o.length, o.prot, o.flags, o.offset);
	if (ret) {
		mapdemo_device_close(&dev);
		return fail(EXIT_FAILED, "map: mmap(length %" PRIu64 ", %s, %s, offset %" PRIu64 "): %s",
			    o.length, prot_s, flags_s, o.offset, strerror(-ret));
	}
	printf("mapped %zu pages (%" PRIu64 " bytes) of %s mode at %p, %s, %s\n",
	       npages, o.length, mapdemo_mode_name(mapdemo_get_mode(&dev)),
	       m.addr, prot_s, flags_s);
	read_stats(&dev, &after);
	if (after.faults != before.faults)
		printf("mmap itself: %" PRIu64 " driver faults (populate), pages live %" PRIu64 "\n",
		       (uint64_t)(after.faults - before.faults), (uint64_t)after.pages_live);
	before = after;

	if (o.touch >= 0) {
		size_t done;

		flt = minflt(RUSAGE_SELF);
		done = touch(m.addr, m.length, page, o.touch, o.fill);
		if (o.touch == TOUCH_FILL)
			snprintf(touch_s, sizeof(touch_s), "fill 0x%02x", o.fill);
		else
			snprintf(touch_s, sizeof(touch_s), "%s", mapdemo_access_name(o.touch));
		read_stats(&dev, &after);
		flt = minflt(RUSAGE_SELF) - flt;
		if (done < npages) {
			const char *code = mapdemo_code_name(
				touch_info.si_signo == SIGBUS ? MAPDEMO_SIGBUS : MAPDEMO_SIGSEGV,
				touch_info.si_code);

			rc = fail(EXIT_FAILED, "map: --touch %s: page %zu raised %s (%s) at %p",
				  touch_s, done,
				  touch_info.si_signo == SIGBUS ? "SIGBUS" : "SIGSEGV",
				  code ? code : "si_code", touch_info.si_addr);
		}
		printf("touched %zu pages (%s): %" PRIu64 " driver faults, %" PRIu64
		       " cow, %ld minor faults, pages live %" PRIu64,
		       done, touch_s,
		       (uint64_t)(after.faults - before.faults),
		       (uint64_t)(after.cow - before.cow), flt,
		       (uint64_t)after.pages_live);
		print_batches(&before, &after);
		before = after;
	}
	if (o.probe >= 0) {
		res = calloc(npages, sizeof(*res));
		if (!res) {
			rc = fail(EXIT_FAILED, "map: out of memory");
			goto out;
		}
		flt = minflt(RUSAGE_CHILDREN);
		ret = mapdemo_probe(m.addr, npages * page, o.probe, res, npages);
		if (ret < 0) {
			rc = fail(EXIT_FAILED, "map: --probe: %s", strerror(-ret));
			goto out;
		}
		read_stats(&dev, &after);
		flt = minflt(RUSAGE_CHILDREN) - flt;
		printf("probed %zu pages (%s): %" PRIu64 " driver faults, %ld minor faults",
		       npages, mapdemo_access_name(o.probe),
		       (uint64_t)(after.faults - before.faults), flt);
		print_batches(&before, &after);
		print_probe(res, npages);
	}
out:
	free(res);
	mapdemo_unmap(&m);
	read_stats(&dev, &after);
	printf("unmapped: pages live %" PRIu64 ", vmas live %" PRIu64 "\n",
	       (uint64_t)after.pages_live, (uint64_t)after.vmas_live);
	mapdemo_device_close(&dev);
	return rc;
}

const struct command cmd_map = {
	"map", "map, touch, probe and count faults", map_run, map_help
};
