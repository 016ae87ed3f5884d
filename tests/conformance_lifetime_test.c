// SPDX-License-Identifier: MIT
/*
 * A mapping's lifetime, each mode: past close(), across fork (shared,
 * private, MADV_DONTFORK), munmap of a middle page, mremap grow, shrink
 * and move with the contents kept, msync flags; the driver's VMA and page
 * counts stay right through all of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conformance.h"

#define N 4

/*
 * Whether anything maps @addr, asked without touching it (a probe may
 * map its own helper pages into a fresh hole).
 */
static int mapped(void *addr)
{
	if (!msync(addr, page_size, MS_ASYNC))
		return 1;
	cr_assert_eq(errno, ENOMEM, "msync: %s", strerror(errno));
	return 0;
}

static void fill_pages(char *p, size_t pages)
{
	size_t i;

	for (i = 0; i < pages; i++)
		memset(p + i * page_size, (int)(0x40 + i), page_size);
}

static void check_pages(const char *p, size_t pages, size_t first)
{
	size_t i;

	for (i = 0; i < pages; i++)
		cr_assert_eq(count_not(p + i * page_size, page_size,
				       (uint8_t)(0x40 + first + i)), 0,
			     "page %zu lost its bytes", first + i);
}

MODE_TEST(lifetime, close_keeps_the_mapping)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	char *p = conf_map(&dev, N * page_size, PROT_READ | PROT_WRITE, MAP_SHARED);
	struct mapdemo_stats st;

	fill_pages(p, 2);
	mapdemo_device_close(&dev);
	fill_pages(p + 2 * page_size, 2);
	check_pages(p, 2, 0);
	cr_assert_eq(count_not(p + 2 * page_size, page_size, 0x40), 0);
	st = device_stats();
	cr_assert_eq(st.vmas_live, 1);
	cr_assert_eq(munmap(p, N * page_size), 0);
	cr_assert_eq(device_stats().vmas_live, 0);
}

struct child_arg {
	char *p;
	uint8_t expect, write;
};

static int child_reads_then_writes(void *arg)
{
	struct child_arg *a = arg;

	if (count_not(a->p, page_size, a->expect))
		return 1;
	memset(a->p, a->write, page_size);
	return 0;
}

static void fork_sharing(int mode, int flags, uint8_t parent_sees)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	char *p = conf_map(&dev, page_size, PROT_READ | PROT_WRITE, flags);
	struct child_arg a = { p, 0x11, 0x22 };

	memset(p, 0x11, page_size);
	cr_assert_eq(in_child(child_reads_then_writes, &a), 0,
		     "the child does not see the parent's bytes");
	cr_assert_eq(count_not(p, page_size, parent_sees), 0);
	munmap(p, page_size);
	mapdemo_device_close(&dev);
}

MODE_TEST(lifetime, fork_shared)
{
	fork_sharing(mode, MAP_SHARED, 0x22);
}

MODE_TEST(lifetime, fork_private)
{
	fork_sharing(mode, MAP_PRIVATE, 0x11);
}

static int child_has_it(void *arg)
{
	if (!msync(arg, page_size, MS_ASYNC))
		return 1;
	return errno == ENOMEM ? 0 : 2;
}

MODE_TEST(lifetime, dontfork_leaves_the_child_without_it)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	char *p = conf_map(&dev, N * page_size, PROT_READ | PROT_WRITE, MAP_SHARED);

	cr_assert_eq(madvise(p, N * page_size, MADV_DONTFORK), 0);
	cr_assert_eq(in_child(child_has_it, p), 0, "MADV_DONTFORK: the child has it");
	cr_assert_eq(madvise(p, N * page_size, MADV_DOFORK), 0);
	cr_assert_eq(in_child(child_has_it, p), 1, "MADV_DOFORK: the child lacks it");
	munmap(p, N * page_size);
	mapdemo_device_close(&dev);
}

MODE_TEST(lifetime, munmap_middle_page)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	char *p = conf_map(&dev, 3 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED);
	struct mapdemo_probe_result r;

	fill_pages(p, 3);
	cr_assert_eq(munmap(p + page_size, page_size), 0);
	r = probe_page(p + page_size, MAPDEMO_ACCESS_READ);
	cr_assert_eq(r.outcome, MAPDEMO_SIGSEGV);
	cr_assert_eq(r.code, SEGV_MAPERR);
	cr_assert_eq(r.addr, p + page_size);
	check_pages(p, 1, 0);
	check_pages(p + 2 * page_size, 1, 2);
	cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_FILE).vmas_live, 2);
	munmap(p, 3 * page_size);
	cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_FILE).vmas_live, 0);
	mapdemo_device_close(&dev);
}

static void mremap_keeps_contents(int mode, int flags)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	char *p = conf_map(&dev, N * page_size, PROT_READ | PROT_WRITE, flags);
	char *area, *q;

	fill_pages(p, N);
	/* grow, moving if it must */
	q = mremap(p, N * page_size, 2 * N * page_size, MREMAP_MAYMOVE);
	cr_assert_neq(q, MAP_FAILED, "grow: %s", strerror(errno));
	check_pages(q, N, 0);
	cr_assert_eq(count_not(q + N * page_size, N * page_size, 0), 0,
		     "the grown part is not zero");
	/* shrink in place */
	p = mremap(q, 2 * N * page_size, 2 * page_size, 0);
	cr_assert_eq(p, q, "shrink: %s", strerror(errno));
	check_pages(p, 2, 0);
	cr_assert_not(mapped(p + 2 * page_size), "the shrunk part is still mapped");
	/* move to a place of our choosing */
	area = mmap(NULL, 2 * page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(area, MAP_FAILED);
	q = mremap(p, 2 * page_size, 2 * page_size, MREMAP_MAYMOVE | MREMAP_FIXED, area);
	cr_assert_eq(q, area, "move: %s", strerror(errno));
	check_pages(q, 2, 0);
	cr_assert_not(mapped(p), "the old place is still mapped");
	cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_FILE).vmas_live, 1);
	cr_assert_eq(munmap(q, 2 * page_size), 0);
	cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_FILE).vmas_live, 0);
	if (mode == MAPDEMO_MODE_ZERO)
		cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_FILE).pages_live, 0,
			     "zero mode frees its pages at the last unmap");
	mapdemo_device_close(&dev);
}

MODE_TEST(lifetime, mremap_shared_grow_shrink_move)
{
	mremap_keeps_contents(mode, MAP_SHARED);
}

MODE_TEST(lifetime, mremap_private_grow_shrink_move)
{
	mremap_keeps_contents(mode, MAP_PRIVATE);
}

MODE_TEST(lifetime, msync_flags)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	char *p = conf_map(&dev, N * page_size, PROT_READ | PROT_WRITE, MAP_SHARED);

	fill_pages(p, N);
	cr_assert_eq(msync(p, N * page_size, MS_ASYNC), 0);
	cr_assert_eq(msync(p, N * page_size, MS_SYNC), 0, "%s", strerror(errno));
	cr_assert_eq(msync(p, N * page_size, MS_INVALIDATE), 0);
	cr_assert_eq(msync(p, N * page_size, MS_SYNC | MS_INVALIDATE), 0);
	check_pages(p, N, 0);
	cr_assert_eq(msync(p, N * page_size, MS_ASYNC | MS_SYNC), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(msync(p, N * page_size, 0x100), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(msync(p + 1, page_size, MS_SYNC), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(munmap(p + page_size, page_size), 0);
	/* a hole in the range: ENOMEM, as for any unmapped address */
	cr_assert_eq(msync(p, N * page_size, MS_SYNC), -1);
	cr_assert_eq(errno, ENOMEM);
	munmap(p, N * page_size);
	mapdemo_device_close(&dev);
}
