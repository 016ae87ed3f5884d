// SPDX-License-Identifier: MIT
/*
 * madvise() and mlock() on dma mappings, as driver/DMA.md documents.
 * Every style sets VM_DONTEXPAND, which makes the VMA VM_SPECIAL: mlock
 * succeeds without locking (page and mixed style are populated),
 * MADV_DODUMP is refused.  pfn style adds VM_PFNMAP, which the LRU advice
 * refuses; on page and mixed style it is accepted and does nothing to
 * pages that are not on an LRU.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dma_util.h"

#define LEN	(16 * page_size)

/* "Locked:" of the mapping at @p in /proc/self/smaps, in kB. */
static long locked_kb(void *p)
{
	char line[256], want[32];
	bool in = false;
	long kb = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	cr_assert_not_null(f);
	snprintf(want, sizeof(want), "%lx-", (unsigned long)p);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, want, strlen(want)))
			in = true;
		else if (in && sscanf(line, "Locked: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	cr_assert_geq(kb, 0, "no Locked: line for %p", p);
	return kb;
}

Test(dma_advice, mlock_succeeds_and_locks_nothing)
{
	size_t s;

	for (s = 0; s < DMA_NSTYLES; s++) {
		struct mapdemo_device dev = open_dma(O_RDWR, dma_styles[s]);
		char *p = map_dev(&dev, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
		struct mapdemo_stats a, b;

		cr_assert_neq(p, MAP_FAILED);
		a = dev_stats(&dev, MAPDEMO_STATS_FILE);
		cr_assert_eq(mlock(p, LEN), 0, "%s", strerror(errno));
		b = dev_stats(&dev, MAPDEMO_STATS_FILE);
		/*
		 * VM_SPECIAL: never VM_LOCKED.  mlock() still populates
		 * the range, which __mm_populate() skips for VM_IO and
		 * VM_PFNMAP only: page and mixed style are faulted in,
		 * unlocked.
		 */
		cr_assert_eq(b.faults - a.faults,
			     dma_styles[s] != MAPDEMO_DMA_PFN ? LEN / page_size : 0,
			     "style %d: mlock took %llu faults", dma_styles[s],
			     (unsigned long long)(b.faults - a.faults));
		cr_assert_eq(locked_kb(p), 0);
		cr_assert_eq(mlock2(p, LEN, MLOCK_ONFAULT), 0);
		p[0] = 1;
		cr_assert_eq(locked_kb(p), 0);
		cr_assert_eq(munlock(p, LEN), 0);
		munmap(p, LEN);
		mapdemo_device_close(&dev);
	}
}

/*
 * What madvise(@advice) gives on a fresh mapping of each style: pfn
 * style's errno, and page and mixed style's, which VM_MIXEDMAP does not
 * change.
 */
static void advice_gives(int advice, int pfn_errno, int page_errno)
{
	size_t s;

	for (s = 0; s < DMA_NSTYLES; s++) {
		struct mapdemo_device dev = open_dma(O_RDWR, dma_styles[s]);
		char *p = map_dev(&dev, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
		int want = dma_styles[s] == MAPDEMO_DMA_PFN ? pfn_errno :
			   page_errno;
		int got;

		cr_assert_neq(p, MAP_FAILED);
		p[0] = 1;
		got = madvise(p, LEN, advice) ? errno : 0;
		cr_assert_eq(got, want, "advice %d, style %d: %s, expected %s",
			     advice, dma_styles[s], strerror(got), strerror(want));
		munmap(p, LEN);
		mapdemo_device_close(&dev);
	}
}

Test(dma_advice, accepted_and_refused_advice)
{
	/* madvise() knows the huge page advice only on a kernel with THP */
	int thp_advice = kernel_maps_pmds() ? 0 : EINVAL;
	/* and MADV_MERGEABLE only with KSM (the debug kernel has none) */
	int ksm_advice = access("/sys/kernel/mm/ksm", F_OK) ? EINVAL : 0;

	advice_gives(MADV_NORMAL, 0, 0);
	advice_gives(MADV_RANDOM, 0, 0);
	advice_gives(MADV_SEQUENTIAL, 0, 0);
	advice_gives(MADV_WILLNEED, 0, 0);
	advice_gives(MADV_DONTDUMP, 0, 0);
	advice_gives(MADV_DONTFORK, 0, 0);
	advice_gives(MADV_HUGEPAGE, thp_advice, thp_advice);
	advice_gives(MADV_NOHUGEPAGE, thp_advice, thp_advice);
	/* VM_SPECIAL: never made dumpable again */
	advice_gives(MADV_DODUMP, EINVAL, EINVAL);
	/* anonymous memory only */
	advice_gives(MADV_FREE, EINVAL, EINVAL);
	advice_gives(MADV_MERGEABLE, ksm_advice, ksm_advice);
	/* VM_PFNMAP has no pages to age or drop */
	advice_gives(MADV_COLD, EINVAL, 0);
	advice_gives(MADV_PAGEOUT, EINVAL, 0);
	advice_gives(MADV_DONTNEED, EINVAL, 0);
	/* populating goes through get_user_pages(), which refuses PFN maps */
	advice_gives(MADV_POPULATE_READ, EINVAL, 0);
	advice_gives(MADV_POPULATE_WRITE, EINVAL, 0);
	/* a hole punch needs fallocate(), which a device does not have */
	advice_gives(MADV_REMOVE, ENODEV, ENODEV);
}

/* page style: DONTNEED unmaps; the next touch maps the same bytes again. */
Test(dma_advice, dontneed_on_page_style_keeps_the_bytes)
{
	struct mapdemo_device dev = open_dma(O_RDWR, MAPDEMO_DMA_PAGE);
	char *p = map_dev(&dev, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	struct mapdemo_stats a, b;

	cr_assert_neq(p, MAP_FAILED);
	fill_pattern(p, LEN, 0, 5);
	cr_assert_eq(madvise(p, LEN, MADV_DONTNEED), 0);
	a = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(count_not_pattern(p, LEN, 0, 5), 0);
	b = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(b.faults - a.faults, LEN / page_size);
	munmap(p, LEN);
	mapdemo_device_close(&dev);
}

/* VM_DONTDUMP: a core dump leaves the buffer out (smaps shows "dd"). */
Test(dma_advice, dodump_cannot_undo_dontdump)
{
	struct mapdemo_device dev = open_dma(O_RDWR, MAPDEMO_DMA_PAGE);
	char *p = map_dev(&dev, LEN, PROT_READ, MAP_SHARED, 0);

	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(madvise(p, LEN, MADV_DODUMP), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(madvise(p, page_size, MADV_DODUMP), -1);
	munmap(p, LEN);
	mapdemo_device_close(&dev);
}
