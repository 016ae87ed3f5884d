// SPDX-License-Identifier: MIT
/*
 * Mappings from different mmap() calls never merge, on any kernel.
 *
 * Newer kernels merge a new VMA into its neighbour even when the VMA has
 * ->close, when the merge deletes no VMA, and 6.12 retries the merge after
 * ->mmap changed the flags, freeing the new VMA without ->close.  A driver
 * that keeps state per mmap() then leaks it, and the second mapping shares
 * the first one's pages.  The driver gives every zero and sparse mmap() a
 * file of its own, as /dev/zero's shared mappings get one from shmem, so
 * no two mappings ever look alike to the merge.  Each case here lays two
 * mappings side by side with consecutive offsets and the same flags, the
 * layout a merge wants.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"

/* The number of /proc/self/maps lines that lie within [p, p + len). */
static int vmas_in(const char *p, size_t len)
{
	unsigned long start, end;
	char line[512];
	int n = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx", &start, &end) != 2)
			continue;
		if (start >= (unsigned long)p && end <= (unsigned long)p + len)
			n++;
	}
	fclose(f);
	return n;
}

/*
 * Map 2 pages of @dev at @p + 2 pages with file offset 2 pages, beside a
 * mapping of 2 pages at @p with offset 0 that the caller made.
 */
static char *map_beside(struct mapdemo_device *dev, char *p, int flags)
{
	char *q = mmap(p + 2 * page_size, 2 * page_size,
		       PROT_READ | PROT_WRITE, flags | MAP_FIXED, dev->fd,
		       (off_t)(2 * page_size));

	cr_assert_eq(q, p + 2 * page_size, "mmap beside: %s", strerror(errno));
	return q;
}

/* Room for 4 pages, so that the two mappings can be laid side by side. */
static char *reserve4(void)
{
	char *p = mmap(NULL, 4 * page_size, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	return p;
}

static void two_mappings(int mode, int flags)
{
	struct mapdemo_device dev = open_dev(O_RDWR, mode);
	struct mapdemo_stats before = dev_stats(&dev, MAPDEMO_STATS_FILE);
	struct mapdemo_stats st;
	char *p = reserve4(), *a, *b;

	/* the first mapping is 4 pages, written; its upper half unmapped */
	a = mmap(p, 4 * page_size, PROT_READ | PROT_WRITE, flags | MAP_FIXED,
		 dev.fd, 0);
	cr_assert_eq(a, p, "mmap: %s", strerror(errno));
	memset(a, 0x5a, 4 * page_size);
	cr_assert_eq(munmap(a + 2 * page_size, 2 * page_size), 0);

	b = map_beside(&dev, p, flags);
	cr_assert_eq(vmas_in(p, 4 * page_size), 2,
		     "two mmap() calls, two VMAs");
	st = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(st.vmas_live - before.vmas_live, 2);
	if (mode == MAPDEMO_MODE_ZERO) {
		/* a fresh mapping: zeros, not the first one's old pages */
		cr_assert_eq(count_not(b, 2 * page_size, 0), 0,
			     "the new mapping shows another mapping's bytes");
	}

	cr_assert_eq(munmap(p, 4 * page_size), 0);
	st = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(st.vmas_live, before.vmas_live,
		     "%llu VMAs live after both mappings went",
		     (unsigned long long)(st.vmas_live - before.vmas_live));
	if (mode == MAPDEMO_MODE_SPARSE)
		cr_assert_eq(mapdemo_reset(&dev), 0,
			     "reset: nothing maps the buffer any more");
	mapdemo_device_close(&dev);
	cr_assert_eq(device_stats().vmas_live, 0);
}

Test(vma_merge, zero_shared_side_by_side_stay_apart)
{
	two_mappings(MAPDEMO_MODE_ZERO, MAP_SHARED);
}

Test(vma_merge, zero_private_side_by_side_stay_apart)
{
	two_mappings(MAPDEMO_MODE_ZERO, MAP_PRIVATE);
}

Test(vma_merge, sparse_shared_side_by_side_stay_apart)
{
	two_mappings(MAPDEMO_MODE_SPARSE, MAP_SHARED);
}

Test(vma_merge, sparse_private_side_by_side_stay_apart)
{
	two_mappings(MAPDEMO_MODE_SPARSE, MAP_PRIVATE);
}

/*
 * Pieces of one mapping may rejoin (mprotect back) where the kernel
 * allows; what it costs the driver's accounting is nothing: the mapping
 * counts its VMAs through ->open and ->close whatever the kernel does.
 */
Test(vma_merge, split_and_rejoined_mapping_counts_right)
{
	int modes[] = { MAPDEMO_MODE_ZERO, MAPDEMO_MODE_SPARSE };
	size_t i;

	for (i = 0; i < 2; i++) {
		struct mapdemo_device dev = open_dev(O_RDWR, modes[i]);
		char *p = map_dev(&dev, 4 * page_size, PROT_READ | PROT_WRITE,
				  MAP_SHARED, 0);

		cr_assert_neq(p, MAP_FAILED);
		memset(p, 1, 4 * page_size);
		cr_assert_eq(mprotect(p + page_size, page_size, PROT_READ), 0);
		cr_assert_eq(vmas_in(p, 4 * page_size), 3);
		cr_assert_eq(mprotect(p + page_size, page_size,
				      PROT_READ | PROT_WRITE), 0);
		cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_FILE).vmas_live,
			     (uint64_t)vmas_in(p, 4 * page_size));
		cr_assert_eq(count_not(p, 4 * page_size, 1), 0);
		cr_assert_eq(munmap(p, 4 * page_size), 0);
		cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_FILE).vmas_live, 0);
		if (modes[i] == MAPDEMO_MODE_SPARSE)
			cr_assert_eq(mapdemo_reset(&dev), 0);
		mapdemo_device_close(&dev);
	}
}
