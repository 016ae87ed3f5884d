// SPDX-License-Identifier: MIT
/*
 * The max_pages cap: a mapping that could exceed it fails ENOMEM at
 * mmap(); with MAP_NORESERVE it succeeds and the fault that crosses the
 * cap raises SIGBUS (never the OOM killer, never a kernel warning).  Each
 * test reloads the module with a small cap and restores the default load.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"

#define CAP 64

static void reload(const char *params)
{
	int ret = mapdemo_module_unload();

	cr_assert_eq(ret, 0, "unload: %s", strerror(-ret));
	ret = mapdemo_module_load(NULL, params);
	cr_assert_eq(ret, 0, "load %s: %s", params, strerror(-ret));
}

/* a cap of 64 pages, a sparse buffer of 256 (1 MiB on 4 KiB pages, 4 MiB on 16 KiB) */
static void small_cap(void)
{
	char params[64];

	snprintf(params, sizeof(params), "max_pages=%d sparse_size=%zu", CAP,
		 4 * CAP * page_size);
	reload(params);
}

/* The test's device: closed here too, so a failed test cannot pin the module. */
static struct mapdemo_device dev = { .fd = -1 };

static void default_load(void)
{
	if (dev.fd >= 0)
		mapdemo_device_close(&dev);
	reload(NULL);
}

TestSuite(cap, .init = small_cap, .fini = default_load);

static void *map_mode(struct mapdemo_device *dev, size_t pages, int flags)
{
	return map_dev(dev, pages * page_size, PROT_READ | PROT_WRITE, flags, 0);
}

Test(cap, reserving_mapping_over_the_cap_fails_enomem)
{
	struct mapdemo_info info;
	char *p, *q;

	dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	cr_assert_eq(mapdemo_info(&dev, &info), 0);
	cr_assert_eq(info.max_pages, CAP);
	p = map_mode(&dev, CAP + 1, MAP_SHARED);
	cr_assert(p == MAP_FAILED && errno == ENOMEM, "%d pages: %s", CAP + 1,
		  strerror(errno));
	p = map_mode(&dev, CAP + 1, MAP_PRIVATE);
	cr_assert(p == MAP_FAILED && errno == ENOMEM);

	p = map_mode(&dev, CAP, MAP_SHARED);
	cr_assert_neq(p, MAP_FAILED, "%d pages: %s", CAP, strerror(errno));
	q = map_mode(&dev, 1, MAP_PRIVATE);
	cr_assert(q == MAP_FAILED && errno == ENOMEM,
		  "the cap is reserved by the first mapping: %s", strerror(errno));
	memset(p, 0x5e, CAP * page_size);	/* a reservation never faults SIGBUS */
	cr_assert_eq(count_not(p, CAP * page_size, 0x5e), 0);

	/* the reservation goes with the last piece of the mapping */
	cr_assert_eq(munmap(p + page_size, page_size), 0);
	q = map_mode(&dev, 1, MAP_SHARED);
	cr_assert(q == MAP_FAILED && errno == ENOMEM);
	cr_assert_eq(munmap(p, CAP * page_size), 0);
	q = map_mode(&dev, CAP, MAP_SHARED);
	cr_assert_neq(q, MAP_FAILED, "after the last unmap: %s", strerror(errno));
	cr_assert_eq(munmap(q, CAP * page_size), 0);
	mapdemo_device_close(&dev);
}

static void crossing_the_cap_raises_sigbus(int mode, int flags)
{
	struct mapdemo_stats before, after;
	struct mapdemo_probe_result r;
	size_t i, pages = 2 * CAP;
	char *p;

	dev = open_dev(O_RDWR, mode);
	p = map_mode(&dev, pages, flags | MAP_NORESERVE);
	cr_assert_neq(p, MAP_FAILED, "MAP_NORESERVE over the cap: %s", strerror(errno));
	before = dev_stats(&dev, MAPDEMO_STATS_DEVICE);
	for (i = 0; i < CAP; i++)
		(void)*(volatile char *)(p + i * page_size);
	r = probe_page(p + CAP * page_size, MAPDEMO_ACCESS_READ);
	cr_assert_eq(r.outcome, MAPDEMO_SIGBUS, "outcome %d", r.outcome);
	cr_assert_eq(r.code, BUS_ADRERR);
	cr_assert_eq(r.addr, p + CAP * page_size);
	/* a read: a private write would copy into anonymous memory instead */
	r = probe_page(p + (CAP + 5) * page_size, MAPDEMO_ACCESS_READ);
	cr_assert_eq(r.outcome, MAPDEMO_SIGBUS);
	after = dev_stats(&dev, MAPDEMO_STATS_DEVICE);
	cr_assert_eq(after.sigbus - before.sigbus, 2);
	cr_assert_eq(after.oom - before.oom, 0);
	cr_assert_eq(after.pages_live, CAP);
	/* pages already in are still there */
	r = probe_page(p, MAPDEMO_ACCESS_WRITE);
	cr_assert_eq(r.outcome, MAPDEMO_OK);
	cr_assert_eq(munmap(p, pages * page_size), 0);
	if (mode == MAPDEMO_MODE_SPARSE)
		cr_assert_eq(mapdemo_reset(&dev), 0);
	cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_DEVICE).pages_live, 0);
	mapdemo_device_close(&dev);
}

Test(cap, zero_shared_noreserve_fault_past_the_cap_is_sigbus)
{
	crossing_the_cap_raises_sigbus(MAPDEMO_MODE_ZERO, MAP_SHARED);
}

/*
 * A private zero mapping takes nothing from the cap: its reads map the
 * driver's zero pages and its writes copy into anonymous memory, so it
 * reads and writes past the cap as MAP_ANONYMOUS would.
 */
Test(cap, zero_private_noreserve_past_the_cap_allocates_nothing)
{
	struct mapdemo_stats before, after;
	size_t i, pages = 2 * CAP;
	char *p;

	dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	p = map_mode(&dev, pages, MAP_PRIVATE | MAP_NORESERVE);
	cr_assert_neq(p, MAP_FAILED, "MAP_NORESERVE over the cap: %s", strerror(errno));
	before = dev_stats(&dev, MAPDEMO_STATS_DEVICE);
	for (i = 0; i < pages; i++)
		cr_assert_eq(probe_page(p + i * page_size, MAPDEMO_ACCESS_READ).outcome,
			     MAPDEMO_OK, "read of page %zu", i);
	cr_assert_eq(count_not(p, pages * page_size, 0), 0);
	for (i = 0; i < pages; i++)
		p[i * page_size] = 0x6b;
	after = dev_stats(&dev, MAPDEMO_STATS_DEVICE);
	cr_assert_eq(after.sigbus - before.sigbus, 0);
	cr_assert_eq(after.pages_alloc - before.pages_alloc, 0);
	cr_assert_eq(after.pages_live, 0);
	/* each write copied a mapped zero page: the core's copy, not a fault of ours */
	cr_assert_eq(after.cow - before.cow, 0);
	for (i = 0; i < pages; i++)
		cr_assert_eq(p[i * page_size], 0x6b);
	cr_assert_eq(munmap(p, pages * page_size), 0);
	mapdemo_device_close(&dev);
}

Test(cap, sparse_noreserve_fault_past_the_cap_is_sigbus)
{
	crossing_the_cap_raises_sigbus(MAPDEMO_MODE_SPARSE, MAP_SHARED);
}

Test(cap, sparse_mapping_reserves_the_whole_buffer)
{
	char buf[16] = "over the cap";
	size_t i;
	char *p;

	dev = open_dev(O_RDWR, MAPDEMO_MODE_SPARSE);
	/* 256 pages of buffer, 64 of cap: any part may fault all of it in */
	p = map_mode(&dev, 1, MAP_SHARED);
	cr_assert(p == MAP_FAILED && errno == ENOMEM, "%s", strerror(errno));
	cr_assert_eq(mapdemo_resize(&dev, CAP * page_size), 0);
	p = map_mode(&dev, 1, MAP_SHARED);
	cr_assert_neq(p, MAP_FAILED, "%s", strerror(errno));
	cr_assert_eq(munmap(p, page_size), 0);

	/* write() meets the cap as a full file system would */
	cr_assert_eq(mapdemo_resize(&dev, 2 * CAP * page_size), 0);
	for (i = 0; i < CAP; i++)
		cr_assert_eq(pwrite(dev.fd, buf, 1, i * page_size), 1);
	cr_assert_eq(pwrite(dev.fd, buf, sizeof(buf), CAP * page_size), -1);
	cr_assert_eq(errno, ENOSPC);
	cr_assert_eq(pwrite(dev.fd, buf, 2, CAP * page_size - 1), 1,
		     "a write stops at the page the cap refuses");
	cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_DEVICE).pages_live, CAP);
	cr_assert_eq(mapdemo_reset(&dev), 0);
	cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_DEVICE).pages_live, 0);
	mapdemo_device_close(&dev);
}
