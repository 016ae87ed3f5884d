// SPDX-License-Identifier: MIT
/*
 * Fault injection (make check-debug: the debug kernel has failslab and
 * fail_page_alloc).  The failures are aimed with the task filter: only
 * while this thread has 1 in /proc/thread-self/make-it-fail does it see
 * them, and its every allocation counts, the driver's among them.  Sweeping "space" moves the
 * one failure of a run (times=1) across open, SET_MODE, the ioctls, mmap
 * and the faults, one allocation after the other, until a run goes by
 * with no failure left to inject.
 *
 * What must hold: open, mmap and the ioctls fail with ENOMEM or succeed;
 * a fault whose page cannot be had returns VM_FAULT_OOM, which the core
 * retries, so the touch completes once the failures stop; and nothing
 * leaks - no VMA, no page (pages_live back where it was).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"
#include "reliab.h"
#include "faultinject.h"

#define NPAGES 8

TestSuite(faultinject, .fini = disarm);

/* How a run ended: where ENOMEM stopped it, or what broke. */
enum {
	RUN_DONE = 0, RUN_OPEN_ENOMEM, RUN_MODE_ENOMEM, RUN_RESIZE_ENOMEM,
	RUN_MMAP_ENOMEM, RUN_MUNMAP_ENOMEM, RUN_NR,
	RUN_BAD = 20,	/* + the step that failed otherwise */
};

struct run {
	int fd;
	char *p;
};

/*
 * One pass with the filter on; it stops at the first error and leaves
 * what it holds in @r, for the caller to release with the filter off.
 */
static int sweep_run(struct run *r, int mode, __u64 sparse_size)
{
	struct mapdemo_info info;
	struct mapdemo_stats st;
	__u32 m = (__u32)mode;
	size_t i;
	char *p;
	int fd;

	fd = open(MAPDEMO_DEFAULT_PATH, O_RDWR);
	if (fd < 0)
		return errno == ENOMEM ? RUN_OPEN_ENOMEM : RUN_BAD + 1;
	r->fd = fd;
	if (ioctl(fd, MAPDEMO_IOC_SET_MODE, &m))
		return errno == ENOMEM ? RUN_MODE_ENOMEM : RUN_BAD + 2;
	/* these allocate nothing: they must simply work */
	if (ioctl(fd, MAPDEMO_IOC_INFO, &info))
		return RUN_BAD + 3;
	memset(&st, 0, sizeof(st));
	st.scope = MAPDEMO_STATS_FILE;
	if (ioctl(fd, MAPDEMO_IOC_STATS, &st))
		return RUN_BAD + 4;
	if (mode == MAPDEMO_MODE_SPARSE &&
	    ioctl(fd, MAPDEMO_IOC_RESIZE, &sparse_size))
		return errno == ENOMEM ? RUN_RESIZE_ENOMEM : RUN_BAD + 5;
	p = mmap(NULL, NPAGES * page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	if (p == MAP_FAILED)
		return errno == ENOMEM ? RUN_MMAP_ENOMEM : RUN_BAD + 6;
	r->p = p;
	/* a failed page is VM_FAULT_OOM, retried: these complete */
	for (i = 0; i < NPAGES; i++)
		p[i * page_size] = (char)(i + 1);
	for (i = 0; i < NPAGES; i++)
		if (p[i * page_size] != (char)(i + 1))
			return RUN_BAD + 7;
	/* 6.1's maple tree allocates even to unmap a whole VMA */
	if (munmap(p, NPAGES * page_size))
		return errno == ENOMEM ? RUN_MUNMAP_ENOMEM : RUN_BAD + 8;
	r->p = NULL;
	r->fd = -1;
	if (close(fd))
		return RUN_BAD + 9;
	return RUN_DONE;
}

static void sweep(const char *dir, int mode)
{
	unsigned long tally[RUN_NR] = { 0 }, space, runs = 0;
	struct mapdemo_stats before, after;
	struct mapdemo_device dev;
	struct mapdemo_info info;
	struct run r;
	int code;

	dev = open_dev(O_RDONLY, MAPDEMO_MODE_DEFAULT);
	cr_assert_eq(mapdemo_info(&dev, &info), 0);
	mapdemo_device_close(&dev);
	sparse_reset();
	before = device_stats();

	for (space = 0;; space += 8) {
		arm(dir, space, 1);
		r.fd = -1;
		r.p = NULL;
		make_me_fail(true);
		code = sweep_run(&r, mode, info.sparse_size);
		make_me_fail(false);
		if (r.p)
			cr_assert_eq(munmap(r.p, NPAGES * page_size), 0);
		if (r.fd >= 0)
			cr_assert_eq(close(r.fd), 0);
		cr_assert(code < RUN_NR,
			  "%s, mode %d, space %lu: step %d failed otherwise than ENOMEM: %s",
			  dir, mode, space, code - RUN_BAD, strerror(errno));
		tally[code]++;
		runs++;
		sparse_reset();
		after = device_stats();
		cr_assert_eq(after.vmas_live, 0, "space %lu: %llu VMAs live", space,
			     (unsigned long long)after.vmas_live);
		cr_assert_eq(after.pages_live, before.pages_live,
			     "%s, mode %d, space %lu: %llu pages live, %llu before",
			     dir, mode, space, (unsigned long long)after.pages_live,
			     (unsigned long long)before.pages_live);
		/* the failure was never needed: the sweep is past the end */
		if (get(dir, "times") == 1) {
			cr_assert_eq(code, RUN_DONE);
			break;
		}
		cr_assert_lt(space, 1UL << 24, "the sweep does not end");
	}
	disarm();
	note("faultinject::%s mode %d: %lu runs: %lu done, ENOMEM from open %lu, SET_MODE %lu, RESIZE %lu, mmap %lu, munmap %lu",
	     dir + strlen("/sys/kernel/debug/"), mode, runs, tally[RUN_DONE],
	     tally[RUN_OPEN_ENOMEM], tally[RUN_MODE_ENOMEM],
	     tally[RUN_RESIZE_ENOMEM], tally[RUN_MMAP_ENOMEM],
	     tally[RUN_MUNMAP_ENOMEM]);
	cr_assert_gt(tally[RUN_OPEN_ENOMEM], 0, "open never met a failure");
	cr_assert_gt(tally[RUN_MMAP_ENOMEM], 0, "mmap never met a failure");
}

Test(faultinject, failslab_sweep_zero, .timeout = 1800)
{
	sweep(FAILSLAB, MAPDEMO_MODE_ZERO);
}

Test(faultinject, failslab_sweep_sparse, .timeout = 1800)
{
	sweep(FAILSLAB, MAPDEMO_MODE_SPARSE);
}

Test(faultinject, failslab_sweep_dma, .timeout = 1800)
{
	sweep(FAILSLAB, MAPDEMO_MODE_DMA);
}

/*
 * fail_page_alloc, aimed at the faults: the file is open and mapped and
 * the page tables are in place before the thread turns make-it-fail on,
 * so the first page allocations it makes are the driver's own.
 */
static void fault_touch(int mode)
{
	struct mapdemo_device dev = open_dev(O_RDWR, mode);
	size_t i;
	char *p;

	p = map_dev(&dev, NPAGES * page_size, PROT_READ | PROT_WRITE,
		    MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED, "mmap: %s", strerror(errno));
	p[0] = 1;	/* the page table */
	make_me_fail(true);
	for (i = 1; i < NPAGES; i++)
		p[i * page_size] = (char)(i + 1);
	make_me_fail(false);
	for (i = 1; i < NPAGES; i++)
		cr_assert_eq(p[i * page_size], (char)(i + 1), "page %zu", i);
	cr_assert_eq(munmap(p, NPAGES * page_size), 0);
	mapdemo_device_close(&dev);
}

static void fault_oom(int mode)
{
	struct mapdemo_stats before, after;
	int times = 3;

	sparse_reset();
	before = device_stats();
	arm(FAIL_PAGE_ALLOC, 0, times);
	fault_touch(mode);
	cr_assert_eq(get(FAIL_PAGE_ALLOC, "times"), 0,
		     "not every failure was injected");
	disarm();
	sparse_reset();
	after = device_stats();
	cr_assert_geq(after.oom - before.oom, 1,
		      "mode %d: no fault answered VM_FAULT_OOM", mode);
	cr_assert_leq(after.oom - before.oom, (unsigned long long)times);
	cr_assert_eq(after.sigbus, before.sigbus);
	cr_assert_eq(after.vmas_live, 0);
	cr_assert_eq(after.pages_live, before.pages_live);
	note("faultinject::fail_page_alloc mode %d: %llu faults answered VM_FAULT_OOM, then retried",
	     mode, (unsigned long long)(after.oom - before.oom));
}

Test(faultinject, fault_oom_zero, .timeout = 600)
{
	fault_oom(MAPDEMO_MODE_ZERO);
}

Test(faultinject, fault_oom_sparse, .timeout = 600)
{
	fault_oom(MAPDEMO_MODE_SPARSE);
}
