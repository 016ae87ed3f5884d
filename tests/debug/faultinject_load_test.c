// SPDX-License-Identifier: MIT
/*
 * Fault injection across module load: mapdemo_init() and its unwinding
 * (make check-debug).  The module's .ko is opened once; a run arms one
 * failure (times=1) at a given `space`, turns this thread's make-it-fail
 * on, calls finit_module(2) directly - not through libkmod, so that only
 * the kernel's module loader and our init allocate while the filter is
 * on - turns it off and unloads whatever loaded.
 *
 * Where the failure lands: should_fail() lets an allocation through while
 * `space` exceeds its size (bytes of the slab object for failslab, pages
 * for fail_page_alloc), taking the size off, and fails the first one that
 * does not fit; after that (times=0) nothing is counted.  So a run armed
 * at q leaves q - S in `space`, where S is what the load consumed before
 * the allocation that failed, and arming at S fails the allocation just
 * before that one.  The sweep walks the load backwards, one allocation a
 * run: from past the end of a whole load down to below what a load
 * consumes whose init fails at once (mode=nope: -EINVAL from
 * mapdemo_parse_params(), before any allocation), with a margin either
 * side.  Sweeping all of load_module() would take far longer, and its
 * vmalloc()s report a failure with a stack (warn_alloc) that the harness
 * rightly counts as a kernel report.  fail_page_alloc's count is not the
 * same from run to run (slab refills come when a slab runs out, and
 * KASAN's quarantine keeps freed objects from coming back soon), so its
 * sweep arms every page of its window, then follows the zero pages with
 * a staircase (see staircase()) until each CPU's has failed, or for at
 * most STAIR_RUNS runs.
 * MAPDEMO_FI_VERBOSE=1 in the guest's environment prints every run.
 *
 * How a run is told apart: the trace events initcall_start and
 * initcall_finish (did our init run, what did it return) and return
 * probes on the steps of mapdemo_init() - mapdemo_{stats,zero,sparse,
 * dma}_init() and misc_register() - say which step failed.  The steps
 * that can fail, read from the driver sources:
 *   stats   alloc_percpu(): the percpu allocator has no failslab hook and
 *           takes pages only to populate a chunk, so it rarely can;
 *   zero    one page per possible CPU (fail_page_alloc);
 *   sparse  kern_mount() of our pseudo-fs (fs_context, pseudo_fs_context,
 *           super block, root inode and dentry, vfsmount) and
 *           alloc_anon_inode() (failslab);
 *   dma     platform_device_register_simple() (failslab) and the buffer,
 *           alloc_contig_range() over 2 MiB ranges, tried range after
 *           range: one failure (a migration target page) costs a range
 *           and the next one is taken, so it never fails the load;
 *   misc    misc_register(): the device, its sysfs attributes (failslab).
 *
 * What must hold: a load either succeeds or fails with ENOMEM (one
 * exception, the kernel's: see nameless_platform_device()); when our
 * init ran and failed, it returned -ENOMEM from exactly the step that
 * failed, every step before it succeeded and none after it ran; after a
 * failed load nothing of the module is left (/sys/module/mapdemo,
 * /dev/mapdemo, the misc class device and the platform device
 * mapdemo-dma are gone); at the end a normal load works and each mode
 * maps zeros.  Leaks: the harness's kmemleak scan after the suite and its
 * kernel log check; pages (which kmemleak does not track) by MemFree
 * before and after the sweep.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "helpers.h"
#include "reliab.h"
#include "faultinject.h"

#define TRACING "/sys/kernel/tracing"
/*
 * Both loads pass strings of one length, so that the loader's copy of
 * them and of the charp parameter weigh the same.
 */
#define LOAD_PARAMS "mode=zero dma_size=2097152"
#define QUICK_PARAMS "mode=nope dma_size=2097152"
#define HUGE_SPACE (1UL << 30)
#define NOT_RUN INT_MIN
/* loads of each kind that size the sweep's window */
#define SIZE_RUNS 3
/* the most runs of fail_page_alloc's staircase, after its walk */
#define STAIR_RUNS 300

/* mapdemo_init()'s steps, in its order: each one's failure unwinds the ones before */
enum step {
	STEP_STATS, STEP_PAGES, STEP_FS, STEP_ZERO, STEP_SPARSE, STEP_DMA,
	STEP_MISC, STEP_NR
};

static const char *const step_names[STEP_NR] = {
	"stats", "pages", "fs", "zero", "sparse", "dma", "misc",
};

/* return probes: event (mdfi_<step>) and where */
static const char *const step_probes[STEP_NR] = {
	"mapdemo:mapdemo_stats_init",
	"mapdemo:mapdemo_pages_init",
	"mapdemo:mapdemo_fs_init",
	"mapdemo:mapdemo_zero_init",
	"mapdemo:mapdemo_sparse_init",
	"mapdemo:mapdemo_dma_init",
	"misc_register",
};

struct run {
	unsigned long space;	/* armed at */
	unsigned long before;	/* consumed before the failure, or in all */
	bool injected;		/* the failure was used */
	int err;		/* finit_module's errno; 0: it loaded */
	bool init_started;
	int init_ret;		/* NOT_RUN: init never finished */
	int step_ret[STEP_NR];	/* NOT_RUN: not reached */
	bool name_enomem;	/* a dev_set_name() of ours failed */
	int zero_freed;		/* pages mapdemo_zero_exit() freed in unwinding */
};

static int ko_fd = -1;

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/*
 * The probes' group is this process's own.  Seen once on 7.3's debug
 * kernel: the first probe of the second sweep in one binary failed with
 * EEXIST although kprobe_events had just been truncated, so the event of
 * the first sweep's probe was still registered (the cause was not
 * found).  A group no earlier test used cannot collide, and a refused
 * probe's message carries tracefs's own explanation from error_log.
 */
static char probe_group[32];

/* The last line of tracefs's error_log: why a probe was refused. */
static void last_error(char *buf, size_t len)
{
	char line[256];
	FILE *f = fopen(TRACING "/error_log", "r");

	snprintf(buf, len, "(no error_log)");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (line[0] != '\n')
			snprintf(buf, len, "%s", line);
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

/* Append one probe definition: "r|p:<group>/mdfi_<name> <where>...". */
static void add_probe(const char *kind, const char *name, const char *def)
{
	char buf[200], why[256];
	ssize_t n;
	int fd;

	snprintf(buf, sizeof(buf), "%s:%s/mdfi_%s %s\n", kind, probe_group,
		 name, def);
	fd = open(TRACING "/kprobe_events", O_WRONLY | O_APPEND);
	cr_assert_geq(fd, 0, "kprobe_events: %s", strerror(errno));
	n = write(fd, buf, strlen(buf));
	if (n != (ssize_t)strlen(buf)) {
		int err = errno;

		last_error(why, sizeof(why));
		cr_assert_fail("kprobe_events <- %s: %s; error_log: %s", buf,
			       strerror(err), why);
	}
	cr_assert_eq(close(fd), 0);
}

static void tracing_on(void)
{
	char buf[160];
	int i;

	if (!exists(TRACING "/trace"))
		cr_assert_eq(mount("nodev", TRACING, "tracefs", 0, NULL), 0,
			     "mount tracefs: %s", strerror(errno));
	snprintf(probe_group, sizeof(probe_group), "mapdemo_fi_%d", getpid());
	write_file(TRACING "/tracing_on", "0", O_TRUNC);
	write_file(TRACING "/kprobe_events", "", O_TRUNC);
	for (i = 0; i < STEP_NR; i++) {
		snprintf(buf, sizeof(buf), "%s ret=$retval:s32", step_probes[i]);
		add_probe("r", step_names[i], buf);
	}
	add_probe("r", "devname", "dev_set_name ret=$retval:s32");
	/* which CPU's zero page failed: how many the unwinding frees */
	add_probe("p", "zexit", "mapdemo:mapdemo_zero_exit");
	add_probe("p", "free", "__free_pages");
	snprintf(buf, sizeof(buf), "%d\n", getpid());
	write_file(TRACING "/set_event_pid", buf, O_TRUNC);
	write_file(TRACING "/events/initcall/initcall_start/enable", "1", 0);
	write_file(TRACING "/events/initcall/initcall_finish/enable", "1", 0);
	snprintf(buf, sizeof(buf), TRACING "/events/%s/enable", probe_group);
	write_file(buf, "1", 0);
	write_file(TRACING "/trace", "", O_TRUNC);
	write_file(TRACING "/tracing_on", "1", O_TRUNC);
}

static void tracing_off(void)
{
	char path[160];

	if (!exists(TRACING "/trace"))
		return;
	write_file(TRACING "/tracing_on", "0", O_TRUNC);
	snprintf(path, sizeof(path), TRACING "/events/%s/enable", probe_group);
	if (probe_group[0] && exists(path))
		write_file(path, "0", 0);
	write_file(TRACING "/events/initcall/initcall_start/enable", "0", 0);
	write_file(TRACING "/events/initcall/initcall_finish/enable", "0", 0);
	write_file(TRACING "/kprobe_events", "", O_TRUNC);
	write_file(TRACING "/set_event_pid", "", O_TRUNC);
	write_file(TRACING "/trace", "", O_TRUNC);
}

/* The value after "ret=" in @line. */
static int ret_of(const char *line)
{
	const char *r = strstr(line, "ret=");

	cr_assert_not_null(r, "no ret= in trace line: %s", line);
	return (int)strtol(r + 4, NULL, 0);
}

/* What this run's trace says: did init run, what did each step return. */
static void read_trace(struct run *r)
{
	char line[512], ev[32];
	FILE *f = fopen(TRACING "/trace", "r");
	bool in_zero_exit = false;
	int i;

	cr_assert_not_null(f, "trace: %s", strerror(errno));
	r->init_started = false;
	r->init_ret = NOT_RUN;
	r->name_enomem = false;
	r->zero_freed = 0;
	for (i = 0; i < STEP_NR; i++)
		r->step_ret[i] = NOT_RUN;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		if (strstr(line, " initcall_start: ")) {
			cr_assert(!r->init_started, "two initcalls in one run");
			r->init_started = true;
		} else if (strstr(line, " initcall_finish: ")) {
			r->init_ret = ret_of(line);
		} else if (strstr(line, " mdfi_devname: ") &&
			   ret_of(line) == -ENOMEM) {
			r->name_enomem = true;
		} else if (strstr(line, " mdfi_zexit: ")) {
			in_zero_exit = true;
		} else if (strstr(line, " mdfi_free: ")) {
			r->zero_freed += in_zero_exit;
		} else if (strstr(line, " mdfi_zero: ")) {
			in_zero_exit = false;
		}
		for (i = 0; i < STEP_NR; i++) {
			snprintf(ev, sizeof(ev), " mdfi_%s: ", step_names[i]);
			if (strstr(line, ev)) {
				cr_assert_eq(r->step_ret[i], NOT_RUN,
					     "step %s ran twice", step_names[i]);
				r->step_ret[i] = ret_of(line);
			}
		}
	}
	fclose(f);
}

static void assert_absent(const struct run *r, const char *when)
{
	static const char *const paths[] = {
		"/sys/module/mapdemo", MAPDEMO_DEFAULT_PATH,
		"/sys/class/misc/mapdemo", "/sys/bus/platform/devices/mapdemo-dma",
	};
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		cr_assert(!exists(paths[i]), "space %lu: %s: %s is still there",
			  r->space, when, paths[i]);
}

static int finit(const char *params)
{
	return syscall(SYS_finit_module, ko_fd, params, 0) ? errno : 0;
}

static void unload(void)
{
	cr_assert_eq(syscall(SYS_delete_module, "mapdemo", O_NONBLOCK), 0,
		     "delete_module: %s", strerror(errno));
}

/* One load with one failure armed at @space of @dir. */
static void one_run(const char *dir, unsigned long space, const char *params,
		    struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->space = space;
	write_file(TRACING "/trace", "", O_TRUNC);
	arm(dir, space, 1);
	/*
	 * vmalloc()'s pages (the module's image and text) carry __GFP_HIGHMEM;
	 * none of init's do.  Leaving them out leaves a shorter, steadier
	 * count before init.
	 */
	if (!strcmp(dir, FAIL_PAGE_ALLOC))
		put(dir, "ignore-gfp-highmem", "Y");
	make_me_fail(true);
	r->err = finit(params);
	make_me_fail(false);
	r->injected = get(dir, "times") == 0;
	r->before = space - (unsigned long)get(dir, "space");
	disarm();
	read_trace(r);
	if (!r->err) {
		unload();
		assert_absent(r, "after unload");
	} else {
		assert_absent(r, "after a failed load");
	}
}

/*
 * The one load that fails otherwise than ENOMEM: platform_device_add()
 * ignores what dev_set_name() returns, so when the copy of the name
 * "mapdemo-dma" cannot be had, device_add() finds a device without a name
 * and fails -EINVAL ("if (!dev_name(dev)) { error = -EINVAL; ... }" in
 * drivers/base/core.c), which platform_device_register_simple() in
 * mapdemo_dma_init() hands on.  That is the kernel's, not ours; it is
 * accepted exactly there: the dma step returned -EINVAL in a run where a
 * dev_set_name() of this thread failed -ENOMEM.
 */
static bool nameless_platform_device(const struct run *r)
{
	return r->err == EINVAL && r->init_ret == -EINVAL &&
	       r->step_ret[STEP_DMA] == -EINVAL && r->name_enomem;
}

/*
 * A run's verdict: loaded, or ENOMEM; and when our init ran and failed,
 * the steps say where.  Returns the step that failed, or -1.
 */
static int judge(const char *dir, const struct run *r)
{
	int i, failed = -1, want = -ENOMEM;

	if (!r->injected)
		cr_assert_eq(r->err, 0, "%s, space %lu: no failure injected, yet the load failed: %s",
			     dir, r->space, strerror(r->err));
	if (nameless_platform_device(r))
		want = -EINVAL;
	cr_assert(r->err == 0 || r->err == -want,
		  "%s, space %lu: the load failed with %s, not ENOMEM (init %s, returned %d)",
		  dir, r->space, strerror(r->err),
		  r->init_started ? "ran" : "did not run", r->init_ret);
	if (r->init_started)
		cr_assert_neq(r->init_ret, NOT_RUN, "space %lu: init did not finish",
			      r->space);
	if (!r->err) {
		cr_assert(r->init_started && r->init_ret == 0,
			  "space %lu: loaded, but init returned %d", r->space,
			  r->init_ret);
		for (i = 0; i < STEP_NR; i++)
			cr_assert_eq(r->step_ret[i], 0, "space %lu: loaded, but step %s returned %d",
				     r->space, step_names[i], r->step_ret[i]);
		return -1;
	}
	if (!r->init_started) {
		for (i = 0; i < STEP_NR; i++)
			cr_assert_eq(r->step_ret[i], NOT_RUN);
		return -1;
	}
	cr_assert_eq(r->init_ret, want, "%s, space %lu: init returned %d",
		     dir, r->space, r->init_ret);
	for (i = 0; i < STEP_NR; i++) {
		if (failed >= 0) {
			cr_assert_eq(r->step_ret[i], NOT_RUN,
				     "space %lu: step %s ran after %s failed",
				     r->space, step_names[i], step_names[failed]);
		} else if (r->step_ret[i] != 0) {
			cr_assert_eq(r->step_ret[i], want,
				     "%s, space %lu: step %s returned %d",
				     dir, r->space, step_names[i], r->step_ret[i]);
			failed = i;
		}
	}
	cr_assert_geq(failed, 0, "%s, space %lu: init failed, yet every step succeeded",
		      dir, r->space);
	return failed;
}

static int possible_cpus(void)
{
	char buf[64];
	int lo, hi, n = 0;
	char *p = buf;
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");

	cr_assert_not_null(f);
	cr_assert_not_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	while (*p && *p != '\n') {
		if (sscanf(p, "%d-%d", &lo, &hi) == 2)
			n += hi - lo + 1;
		else
			n++;
		p += strcspn(p, ",\n");
		if (*p == ',')
			p++;
	}
	return n;
}

static void setup(void)
{
	char path[300];
	struct utsname u;

	cr_assert_eq(uname(&u), 0);
	snprintf(path, sizeof(path), "/lib/modules/%s/extra/mapdemo.ko", u.release);
	ko_fd = open(path, O_RDONLY | O_CLOEXEC);
	cr_assert_geq(ko_fd, 0, "%s: %s", path, strerror(errno));
	if (mapdemo_module_state() != MAPDEMO_MODULE_ABSENT)
		cr_assert_eq(mapdemo_module_unload(), 0);
	tracing_on();
}

static void teardown(void)
{
	disarm();
	tracing_off();
	if (ko_fd >= 0)
		close(ko_fd);
	/* what the rest of the suite expects: the module, as the harness loaded it */
	if (mapdemo_module_state() != MAPDEMO_MODULE_ABSENT)
		mapdemo_module_unload();
	mapdemo_module_load(NULL, NULL);
}

TestSuite(faultinject_load, .init = setup, .fini = teardown);

/* After the sweep: a normal load works and every mode maps zeros. */
static void load_and_use(void)
{
	static const int modes[] = {
		MAPDEMO_MODE_ZERO, MAPDEMO_MODE_SPARSE, MAPDEMO_MODE_DMA,
	};
	struct mapdemo_device dev;
	size_t i;
	char *p;

	cr_assert_eq(finit(LOAD_PARAMS), 0, "a normal load after the sweep");
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		dev = open_dev(O_RDWR, modes[i]);
		p = map_dev(&dev, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
		cr_assert_neq(p, MAP_FAILED, "mode %d: mmap: %s", modes[i],
			      strerror(errno));
		cr_assert_eq(count_not(p, page_size, 0), 0, "mode %d", modes[i]);
		cr_assert_eq(munmap(p, page_size), 0);
		mapdemo_device_close(&dev);
	}
	unload();
}

#define MAX_RUNS 20000
/*
 * What the first loads of a sweep leave is the kernel's one-time cost
 * (the trace buffers growing, kretprobe pools, the direct map split for
 * module text, KASAN's quarantine filling): on 7.3's debug kernel
 * MemFree fell by 32 MiB over one sweep and rose by 14 MiB in the first
 * 25 runs of another, then stayed within 5 MiB of that to its 179th
 * run.  A leak grows with the runs, so the sweep is judged from a
 * reading after this many.
 */
#define WARM_RUNS 25

/* named amounts, in KiB: /proc/meminfo's fields, vmalloc's callers */
#define TALLY_MAX 256
struct tally {
	int n;
	char name[TALLY_MAX][64];
	long kib[TALLY_MAX];
};

static int tally_find(const struct tally *t, const char *name)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->name[i], name))
			return i;
	return -1;
}

static void tally_add(struct tally *t, const char *name, long kib)
{
	int i = tally_find(t, name);

	if (i < 0) {
		i = t->n;
		cr_assert_lt(t->n, TALLY_MAX, "more than %d names", TALLY_MAX);
		snprintf(t->name[t->n], sizeof(t->name[0]), "%s", name);
		t->kib[t->n++] = 0;
	}
	t->kib[i] += kib;
}

static long tally_get(const struct tally *t, const char *name)
{
	int i = tally_find(t, name);

	return i < 0 ? 0 : t->kib[i];
}

/* what moved by at least @min KiB from @a to @b, as " Name +N" */
static void tally_moves(const struct tally *a, const struct tally *b, long min,
			char *buf, size_t size)
{
	size_t len = 0;
	long d;
	int i;

	buf[0] = 0;
	for (i = 0; i < b->n && len < size; i++) {
		d = b->kib[i] - tally_get(a, b->name[i]);
		if (labs(d) >= min)
			len += snprintf(buf + len, size - len, " %s %+ld",
					b->name[i], d);
	}
	for (i = 0; i < a->n && len < size; i++)
		if (tally_find(b, a->name[i]) < 0 && labs(a->kib[i]) >= min)
			len += snprintf(buf + len, size - len, " %s %+ld",
					a->name[i], -a->kib[i]);
}

/*
 * Kernel memory after a failed load must be what it was: shrink every
 * slab cache (which also empties KASAN's quarantine of freed objects,
 * megabytes after a few hundred loads) and drop the caches, then read
 * /proc/meminfo.
 */
static void settled_meminfo(struct tally *m)
{
	char path[300], line[128], name[64];
	struct dirent *d;
	DIR *dir;
	FILE *f;
	long kib;
	int fd;

	dir = opendir("/sys/kernel/slab");
	cr_assert_not_null(dir, "/sys/kernel/slab: %s", strerror(errno));
	while ((d = readdir(dir))) {
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", d->d_name);
		fd = open(path, O_WRONLY);
		if (fd < 0)
			continue;
		if (write(fd, "1", 1) != 1)
			cr_assert_fail("%s: %s", path, strerror(errno));
		close(fd);
	}
	closedir(dir);
	write_file("/proc/sys/vm/drop_caches", "3", 0);
	f = fopen("/proc/meminfo", "r");
	cr_assert_not_null(f);
	m->n = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63[^:]: %ld", name, &kib) == 2)
			tally_add(m, name, kib);
	fclose(f);
	cr_assert_gt(tally_get(m, "MemFree"), 0, "/proc/meminfo has no MemFree");
	/*
	 * Free pages that wait on the per-CPU lists are not in MemFree, and
	 * since 6.7 ("mm: pcp: auto-tune pcp->high") those lists grow and
	 * shrink by tens of MiB on their own: on 7.3's debug kernel MemFree
	 * swung by 40 MiB over a sweep while no other field moved by 1 MiB.
	 * /proc/zoneinfo counts them ("count:" of each CPU's pageset).
	 */
	f = fopen("/proc/zoneinfo", "r");
	cr_assert_not_null(f);
	kib = 0;
	while (fgets(line, sizeof(line), f)) {
		long pages;

		if (sscanf(line, " count: %ld", &pages) == 1)
			kib += pages * (page_size / 1024);
	}
	fclose(f);
	tally_add(m, "PcpFree", kib);
	tally_add(m, "MemFree+PcpFree", tally_get(m, "MemFree") + kib);
}

/*
 * /proc/vmallocinfo summed by caller, for MAPDEMO_FI_VERBOSE: whose
 * areas a sweep left behind.
 */
static void vmalloc_callers(struct tally *v)
{
	char line[512], caller[64];
	unsigned long size;
	FILE *f;

	v->n = 0;
	f = fopen("/proc/vmallocinfo", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %lu %63[^+ \n]", &size, caller) == 2)
			tally_add(v, caller, size / 1024);
	fclose(f);
}

struct sweep {
	const char *dir, *name;
	bool verbose;
	unsigned long runs, loaded, outside, in_init, einval;
	unsigned long steps[STEP_NR];
	/* a point: the step, and what the load consumed before the failure
	 * (for zero, which CPU's page: the pages its unwinding freed) */
	unsigned long points[MAX_RUNS];
	unsigned long zero_cpus;	/* bit n: CPU n's zero page failed */
	struct tally start;	/* settled meminfo, before the first run */
	long warm_free;		/* settled MemFree after WARM_RUNS runs, or -1 */
};

/* One run of the sweep, armed at @q: returns the step of init that failed, or -1. */
static int sweep_run(struct sweep *sw, unsigned long q, struct run *r)
{
	int step;

	one_run(sw->dir, q, LOAD_PARAMS, r);
	sw->runs++;
	cr_assert_lt(r->before, q, "the sweep does not move");
	if (sw->verbose)
		fprintf(stderr, "# %s q=%lu S=%lu injected=%d err=%d init=%d/%d steps=%d,%d,%d,%d,%d,%d,%d name=%d zero_freed=%d\n",
			sw->name, q, r->before, r->injected, r->err,
			r->init_started, r->init_ret, r->step_ret[0],
			r->step_ret[1], r->step_ret[2], r->step_ret[3],
			r->step_ret[4], r->step_ret[5], r->step_ret[6],
			r->name_enomem, r->zero_freed);
	if (sw->runs == WARM_RUNS || (sw->verbose && sw->runs % WARM_RUNS == 0)) {
		static struct tally now_m;
		char moves[1000];

		settled_meminfo(&now_m);
		if (sw->runs == WARM_RUNS)
			sw->warm_free = tally_get(&now_m, "MemFree+PcpFree");
		tally_moves(&sw->start, &now_m, 1024, moves, sizeof(moves));
		if (sw->verbose)
			fprintf(stderr, "# %s after %lu runs (%lu failures of init):%s\n",
				sw->name, sw->runs, sw->in_init, moves);
	}
	step = judge(sw->dir, r);
	if (!r->err) {
		sw->loaded++;
	} else if (step < 0) {
		sw->outside++;
	} else {
		if (step == STEP_ZERO) {
			cr_assert_lt(r->zero_freed, 64);
			sw->zero_cpus |= 1UL << r->zero_freed;
		}
		sw->points[sw->in_init++] = (unsigned long)step << 56 |
			(step == STEP_ZERO ? (unsigned long)r->zero_freed : r->before);
		sw->steps[step]++;
		sw->einval += r->err == EINVAL;
	}
	cr_assert_lt(sw->runs, MAX_RUNS, "the sweep does not end");
	return step;
}

/* How many distinct values among @n. */
static unsigned long distinct(const unsigned long *v, unsigned long n)
{
	unsigned long i, j, d = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i && v[j] != v[i]; j++)
			;
		d += j == i;
	}
	return d;
}

/*
 * Where a run armed at @q failed, against the zero pages: below 0 it
 * failed before them (in the loader, or in an earlier step of init), so a
 * later arming reaches further; above 0 after them (a later step, a
 * failure init tolerated, or a load that used less than @q); 0: a zero
 * page failed.
 */
static int against_zero(const struct run *r, int step)
{
	if (step == STEP_ZERO)
		return 0;
	if (step >= 0)
		return step < STEP_ZERO ? -1 : 1;
	return r->err ? -1 : 1;
}

/*
 * Aim at the zero pages when the walk met too few of them: where they
 * fall moves by tens of pages from run to run (the slab refills before
 * them), so a walk of each page once can miss them all.  An up-down
 * staircase follows them instead: one page further after a run that
 * failed before them, one back after a run that failed after them, and
 * after a hit, on to the CPU whose page has not yet failed.  It settles
 * where half the runs fail before them, and there about one run in
 * (spread / CPUs) fails one.
 */
static void staircase(struct sweep *sw, unsigned long q, unsigned long hi,
		      int cpus)
{
	unsigned long all = (1UL << cpus) - 1, n;
	struct run r;
	int step, where;

	for (n = 0; n < STAIR_RUNS && sw->zero_cpus != all; n++) {
		step = sweep_run(sw, q, &r);
		where = against_zero(&r, step);
		if (!where)	/* CPU r.zero_freed's page: the next one's is further on */
			where = sw->zero_cpus >> r.zero_freed == all >> r.zero_freed ? 1 : -1;
		if (where < 0 && q < hi)
			q++;
		else if (where > 0 && q > 1)	/* armed at 0, a run would not move */
			q--;
	}
}

/*
 * Walk from past the end of a load down to below where init starts.
 * failslab's allocations repeat from run to run, so the walk jumps from
 * one to the one before it.  fail_page_alloc's do not (slab refills come
 * when a slab runs out, and KASAN's quarantine keeps freed objects from
 * coming back soon): its walk arms every page of the window, then its
 * staircase follows the zero pages until each CPU's has failed.
 */
static void sweep(const char *dir, const char *unit, unsigned long margin,
		  bool every)
{
	static struct sweep sw;
	struct run full = { 0 }, quick = { 0 }, r;
	static struct tally after, vm_before, vm_after;
	long free_before, free_after;
	char moves[1000];
	unsigned long q, lo, points, pass;
	int cpus = possible_cpus();
	double t0 = now();
	char line[1700];

	memset(&sw, 0, sizeof(sw));
	sw.warm_free = -1;
	sw.dir = dir;
	sw.name = dir + strlen("/sys/kernel/debug/");
	sw.verbose = getenv("MAPDEMO_FI_VERBOSE");

	/*
	 * What a whole load consumes, and one whose init fails at once,
	 * measured warm: the first loads after boot, or after the other
	 * sweep, grow slabs and the module area's tree, and fail_page_alloc
	 * counted 130 pages for a first whole load on 6.1's debug kernel
	 * and 2 (each CPU's zero page) for the loads after it.  A window
	 * sized on the first loads armed nothing the sweep's loads reached:
	 * 158 runs, none injected.  So a few loads of each kind go first,
	 * unmeasured; then the most of a few whole loads and the least of a
	 * few quick ones size the window, as the counts still vary by a
	 * slab refill or two (both debug kernels once measured a quick load
	 * at or above a whole one).
	 */
	for (pass = 0; pass < 2 * SIZE_RUNS; pass++)
		one_run(dir, HUGE_SPACE, pass % 2 ? QUICK_PARAMS : LOAD_PARAMS, &r);
	for (pass = 0; pass < SIZE_RUNS; pass++) {
		one_run(dir, HUGE_SPACE, LOAD_PARAMS, &r);
		cr_assert(!r.injected && r.err == 0, "a load with nothing to fail: %s",
			  strerror(r.err));
		if (!pass || r.before > full.before)
			full = r;
		one_run(dir, HUGE_SPACE, QUICK_PARAMS, &r);
		cr_assert(!r.injected && r.err == EINVAL && r.init_ret == -EINVAL,
			  "mode=nope: %s, init returned %d", strerror(r.err),
			  r.init_ret);
		cr_assert_eq(r.step_ret[STEP_STATS], NOT_RUN);
		if (!pass || r.before < quick.before)
			quick = r;
	}
	cr_assert_lt(quick.before, full.before, "%s: the least of %d quick loads %lu, "
		     "the most of %d whole loads %lu", sw.name, SIZE_RUNS, quick.before,
		     SIZE_RUNS, full.before);
	lo = quick.before > margin ? quick.before - margin : 0;
	if (sw.verbose)
		fprintf(stderr, "# %s: a load %lu, init failing at once %lu\n",
			sw.name, full.before, quick.before);

	if (sw.verbose)
		vmalloc_callers(&vm_before);
	if (sw.verbose) {
		/* the control: loads that nothing fails, as many as the sweep's failures of init */
		settled_meminfo(&sw.start);
		for (q = 0; q < 80; q++)
			one_run(dir, HUGE_SPACE, q % 2 ? LOAD_PARAMS : QUICK_PARAMS, &r);
		settled_meminfo(&after);
		tally_moves(&sw.start, &after, 1024, moves, sizeof(moves));
		fprintf(stderr, "# %s: 80 loads with nothing failed, half of them init's EINVAL:%s\n",
			sw.name, moves);
	}
	settled_meminfo(&sw.start);
	free_before = tally_get(&sw.start, "MemFree+PcpFree");
	for (q = full.before + margin; q > lo; q = every ? q - 1 : r.before)
		sweep_run(&sw, q, &r);
	/*
	 * The staircase goes down to page 1, not to the walk's floor: warm
	 * loads come to take fewer pages than the sizing loads did (7.3's
	 * debug kernel: whole loads of 3 to 33 pages after sizing loads of
	 * 71 and 38), and the zero pages go with them (its CPU 0's page then
	 * failed armed at 2 to 5).
	 */
	if (every)
		staircase(&sw, quick.before + margin, full.before + margin, cpus);
	settled_meminfo(&after);
	free_after = tally_get(&after, "MemFree+PcpFree");
	tally_moves(&sw.start, &after, 1024, moves, sizeof(moves));
	if (sw.verbose) {
		char vmoves[1500];

		vmalloc_callers(&vm_after);
		tally_moves(&vm_before, &vm_after, 1, vmoves, sizeof(vmoves));
		fprintf(stderr, "# %s: vmalloc areas by caller, KiB:%s\n", sw.name,
			vmoves[0] ? vmoves : " no change");
	}
	load_and_use();
	points = distinct(sw.points, sw.in_init);

	snprintf(line, sizeof(line), "faultinject_load::%s: a load takes %lu %s, one whose init fails at once %lu; "
		 "%lu runs over %lu..%lu: %lu loaded, %lu ENOMEM outside init, %lu failures of init "
		 "(%lu EINVAL) at %lu points (stats %lu, pages %lu, fs %lu, zero %lu, sparse %lu, dma %lu, misc %lu); "
		 "free (MemFree and the per-CPU lists) %+ld KiB (%+ld KiB from run %d); moved by 1 MiB or more:%s; %.0f s",
		 sw.name, full.before, unit, quick.before, sw.runs, lo,
		 full.before + margin, sw.loaded, sw.outside, sw.in_init, sw.einval,
		 points, sw.steps[STEP_STATS], sw.steps[STEP_PAGES],
		 sw.steps[STEP_FS], sw.steps[STEP_ZERO],
		 sw.steps[STEP_SPARSE], sw.steps[STEP_DMA], sw.steps[STEP_MISC],
		 free_after - free_before,
		 sw.warm_free < 0 ? 0 : free_after - sw.warm_free, WARM_RUNS,
		 moves[0] ? moves : " none", now() - t0);
	note("%s", line);
	if (sw.verbose)
		fprintf(stderr, "# %s\n", line);

	if (every) {
		/*
		 * Where the zero pages fall in the count moves by tens of pages
		 * from run to run (the slab refills before them), so meeting
		 * each CPU's page is luck: noted, not asserted.  The verdict of
		 * every run that did meet one (the unwinding frees the pages
		 * before it, nothing is left) is asserted all the same.
		 */
		if (sw.zero_cpus != (1UL << cpus) - 1)
			note("faultinject_load::%s: the zero pages that met a failure: %#lx of %d CPUs",
			     sw.name, sw.zero_cpus, cpus);
		/* init's own page allocations are the zero pages: some must fail */
		cr_assert_geq(sw.steps[STEP_ZERO], 1,
			      "%s: no run failed a zero page (%lu runs, %lu failures of init)",
			      sw.name, sw.runs, sw.in_init);
	} else {
		/*
		 * kern_mount(), sparse's alloc_anon_inode(),
		 * platform_device_register_simple(), misc_register()
		 */
		cr_assert_geq(sw.steps[STEP_FS], 1);
		cr_assert_geq(sw.steps[STEP_SPARSE], 1);
		cr_assert_geq(sw.steps[STEP_DMA], 1);
		cr_assert_geq(sw.steps[STEP_MISC], 1);
		cr_assert_geq(points, 4);
	}
	/*
	 * MemFree moves by a few MiB under KASAN even so; a dma buffer
	 * (2 MiB) leaked by the runs that fail after it (dozens) would show.
	 */
	if (sw.warm_free < 0)
		sw.warm_free = free_before;
	cr_assert_lt(sw.warm_free - free_after, 16384,
		     "%s: free memory (MemFree and the per-CPU lists) fell by %ld KiB from run %d to run %lu",
		     sw.name, sw.warm_free - free_after, WARM_RUNS, sw.runs);
}

Test(faultinject_load, failslab_sweep, .timeout = 1800)
{
	sweep(FAILSLAB, "bytes", 1024, false);
}

Test(faultinject_load, fail_page_alloc_sweep, .timeout = 1800)
{
	sweep(FAIL_PAGE_ALLOC, "pages", 4, true);
}
