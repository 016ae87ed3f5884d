// SPDX-License-Identifier: MIT
/*
 * dma mode's PMD mappings: aligned addresses for mappings of a PMD or
 * more, one fault per PMD where the address and the buffer allow it, one
 * per page otherwise, and the same bytes either way.  A PMD is 2 MiB on
 * 4 KiB pages and 32 MiB on 16 KiB pages (arm64-16k): every size here is
 * in PMDs and pages of the running kernel (HUGE_SZ, page_size), and the
 * buffer is made two PMDs long where the default 4 MiB is shorter.  A
 * kernel without transparent huge pages (PREEMPT_RT) maps pages only:
 * the tests expect its exact cost there, never skip.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "dma_util.h"

#define MIB		(1UL << 20)

struct touch_cost {
	uint64_t faults, huge;
};

static const struct touch_cost no_cost;

/* Touching @len bytes of page style, or of pfn style mapped by pages. */
static struct touch_cost page_cost(size_t len)
{
	return (struct touch_cost){ len / page_size, 0 };
}

/*
 * Does page style map PMDs?  Only where the buffer's whole PMDs are
 * folios (info's MAPDEMO_INFO_DMA_PAGE_PMDS; driver/compat.h): of the
 * supported series 7.x, with vmf_insert_folio_pmd() (6.15) and
 * alloc_contig_frozen_range(), when it has THP, dma_huge=1 and a buffer
 * of a PMD or more.  The driver's flag is checked against that in
 * page_style_pmds_on_7x_only.
 */
static bool page_style_maps_pmds(void)
{
	struct mapdemo_device dev = open_dma(O_RDONLY, MAPDEMO_DMA_PAGE);
	struct mapdemo_info info;

	cr_assert_eq(mapdemo_info(&dev, &info), 0);
	mapdemo_device_close(&dev);
	return info.flags & MAPDEMO_INFO_DMA_PAGE_PMDS;
}

/* Does @style map PMDs on this kernel, with this module's parameters? */
static bool style_maps_pmds(int style)
{
	return style == MAPDEMO_DMA_PFN ? kernel_maps_pmds() :
					  page_style_maps_pmds();
}

/*
 * Touching @len bytes of @style from a point that is PMD aligned in both
 * the address space and the buffer: one fault for each whole PMD where
 * the style maps PMDs, one for each page of the rest.
 */
static struct touch_cost style_cost(int style, size_t len)
{
	size_t pmds = style_maps_pmds(style) ? len / HUGE_SZ : 0;

	return (struct touch_cost){ pmds + (len - pmds * HUGE_SZ) / page_size,
				    pmds };
}

static struct touch_cost pfn_cost(size_t len)
{
	return style_cost(MAPDEMO_DMA_PFN, len);
}

/* The test fails unless @got is @want; @what names what was touched. */
static void assert_cost(struct touch_cost got, struct touch_cost want,
			const char *what)
{
	cr_assert(got.faults == want.faults && got.huge == want.huge,
		  "%s: %llu faults, %llu huge; expected %llu and %llu (%s)",
		  what, (unsigned long long)got.faults,
		  (unsigned long long)got.huge,
		  (unsigned long long)want.faults,
		  (unsigned long long)want.huge,
		  kernel_maps_pmds() ? "kernel maps PMDs" :
				       "kernel maps pages only");
}

/* Read one byte of every page of [p, p+len); what did it cost @dev? */
static struct touch_cost touch(struct mapdemo_device *dev, const char *p,
			       size_t len, bool write)
{
	struct mapdemo_stats a, b;
	volatile char *v = (volatile char *)p;
	size_t i;

	a = dev_stats(dev, MAPDEMO_STATS_FILE);
	for (i = 0; i < len; i += page_size) {
		if (write)
			v[i] = (char)(i / page_size);
		else
			(void)v[i];
	}
	b = dev_stats(dev, MAPDEMO_STATS_FILE);
	return (struct touch_cost){ b.faults - a.faults,
				    b.huge_faults - a.huge_faults };
}

/* The PMD size the tests assume is the kernel's own (THP reports it). */
Test(dma_huge, pmd_size_is_the_kernels)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "r");
	size_t got = 0;

	cr_assert_eq(pmd_size, page_size == 4096 ? 2 * MIB :
		     page_size == 16384 ? 32 * MIB : page_size * page_size / 8,
		     "page size %zu, PMD %zu", page_size, pmd_size);
	if (!kernel_maps_pmds()) {
		cr_assert_null(f);
		return;
	}
	cr_assert_not_null(f);
	cr_assert_eq(fscanf(f, "%zu", &got), 1);
	fclose(f);
	cr_assert_eq(got, pmd_size, "hpage_pmd_size %zu, the tests' %zu",
		     got, pmd_size);
}

/*
 * With dma_huge=1 (the default) the driver aligns large mappings on any
 * kernel, whether or not it can map PMDs there.
 */
Test(dma_huge, large_mappings_are_pmd_aligned, .init = dma_two_pmds,
     .fini = dma_default_module)
{
	struct mapdemo_device dev = open_dma(O_RDWR, MAPDEMO_DMA_PFN);
	char *p, *q;
	int i;

	for (i = 0; i < 8; i++) {
		/* a small mapping in between moves the next free address */
		q = map_dev(&dev, page_size, PROT_READ, MAP_SHARED, 0);
		cr_assert_neq(q, MAP_FAILED);
		p = map_dev(&dev, 2 * HUGE_SZ, PROT_READ, MAP_SHARED, 0);
		cr_assert_neq(p, MAP_FAILED);
		cr_assert_eq((uintptr_t)p % HUGE_SZ, 0, "%p", p);
		munmap(p, 2 * HUGE_SZ);
		/* offset one page: the address is a page past a PMD boundary */
		p = map_dev(&dev, HUGE_SZ, PROT_READ, MAP_SHARED, page_size);
		cr_assert_neq(p, MAP_FAILED);
		cr_assert_eq((uintptr_t)p % HUGE_SZ, page_size, "%p", p);
		munmap(p, HUGE_SZ);
	}
	mapdemo_device_close(&dev);
}

/*
 * The default 4 MiB buffer, touched once a page: two PMDs on 4 KiB pages
 * (2 faults, or 1024 without THP), none on 16 KiB pages (256 faults).
 */
Test(dma_huge, pfn_default_buffer_costs_a_fault_a_pmd_or_a_page)
{
	struct mapdemo_device dev = open_dma(O_RDWR, MAPDEMO_DMA_PFN);
	size_t size = dma_buffer_size();
	struct touch_cost c;
	char *p;

	cr_assert_eq(size, 4 * MIB, "the default buffer: %zu bytes", size);
	p = map_dev(&dev, size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	c = touch(&dev, p, size, false);
	assert_cost(c, pfn_cost(size), "pfn, 4 MiB read");
	/* read faults map PMDs or PTEs writable: a shared writable VMA */
	c = touch(&dev, p, size, true);
	assert_cost(c, no_cost, "pfn, 4 MiB written after the reads");
	munmap(p, size);
	mapdemo_device_close(&dev);

	dev = open_dma(O_RDWR, MAPDEMO_DMA_PAGE);
	p = map_dev(&dev, size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	c = touch(&dev, p, size, true);
	assert_cost(c, style_cost(MAPDEMO_DMA_PAGE, size),
		    "page style, 4 MiB written");
	munmap(p, size);
	mapdemo_device_close(&dev);
}

/*
 * A PMD maps only a whole, aligned PMD of both the VMA and the buffer;
 * a kernel without THP maps all of them by pages.
 */
Test(dma_huge, partial_and_misaligned_pmds_fall_back_to_pages,
     .init = dma_two_pmds, .fini = dma_default_module)
{
	struct mapdemo_device dev = open_dma(O_RDWR, MAPDEMO_DMA_PFN);
	size_t len = HUGE_SZ + HUGE_SZ / 2;
	struct touch_cost c;
	char *p, *area;

	/* a PMD and a half at offset 0: one PMD, then half a PMD of pages */
	p = map_dev(&dev, len, PROT_READ, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	c = touch(&dev, p, len, false);
	assert_cost(c, pfn_cost(len), "1.5 PMDs at offset 0");
	munmap(p, len);

	/* a PMD's length placed a page off a PMD boundary: pages only */
	area = mmap(NULL, 2 * HUGE_SZ, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	cr_assert_neq(area, MAP_FAILED);
	p = (char *)(((uintptr_t)area + HUGE_SZ - 1) & ~(HUGE_SZ - 1)) +
	    page_size;
	cr_assert_eq(mmap(p, HUGE_SZ, PROT_READ, MAP_SHARED | MAP_FIXED,
			  dev.fd, 0), p);
	c = touch(&dev, p, HUGE_SZ, false);
	assert_cost(c, page_cost(HUGE_SZ), "a PMD's length a page off a PMD boundary");
	munmap(area, 2 * HUGE_SZ);

	/* the buffer offset decides too: a PMD's length at offset one page */
	p = map_dev(&dev, HUGE_SZ, PROT_READ, MAP_SHARED, page_size);
	cr_assert_neq(p, MAP_FAILED);
	c = touch(&dev, p, HUGE_SZ, false);
	assert_cost(c, page_cost(HUGE_SZ), "a PMD's length at buffer offset one page");
	munmap(p, HUGE_SZ);
	mapdemo_device_close(&dev);
}

/*
 * MADV_NOHUGEPAGE and PR_SET_THP_DISABLE turn PMDs off, as they do THP.
 * A kernel without THP does not know the advice (EINVAL) but takes the
 * prctl, and maps pages either way.
 */
Test(dma_huge, nohugepage_advice_and_thp_disable_leave_pages_only,
     .init = dma_two_pmds, .fini = dma_default_module)
{
	struct mapdemo_device dev = open_dma(O_RDWR, MAPDEMO_DMA_PFN);
	int want = kernel_maps_pmds() ? 0 : EINVAL, got;
	struct touch_cost c;
	char *p;

	p = map_dev(&dev, HUGE_SZ, PROT_READ, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	got = madvise(p, HUGE_SZ, MADV_NOHUGEPAGE) ? errno : 0;
	cr_assert_eq(got, want, "MADV_NOHUGEPAGE: %s, expected %s",
		     strerror(got), strerror(want));
	c = touch(&dev, p, HUGE_SZ, false);
	assert_cost(c, page_cost(HUGE_SZ), "a PMD after MADV_NOHUGEPAGE");
	munmap(p, HUGE_SZ);

	cr_assert_eq(prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0), 0, "%s",
		     strerror(errno));
	p = map_dev(&dev, HUGE_SZ, PROT_READ, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	c = touch(&dev, p, HUGE_SZ, false);
	cr_assert_eq(prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0), 0);
	assert_cost(c, page_cost(HUGE_SZ), "a PMD under PR_SET_THP_DISABLE");
	munmap(p, HUGE_SZ);
	mapdemo_device_close(&dev);
}

#define FORK_LEN	(2 * HUGE_SZ)

/* What the child's touches cost, in memory its parent shares. */
struct fork_costs {
	struct touch_cost inherited, own;
};

struct fork_arg {
	struct mapdemo_device *dev;
	const char *inherited;
	struct fork_costs *costs;
};

static int child_touch(void *arg)
{
	struct fork_arg *a = arg;
	char *p;

	a->costs->inherited = touch(a->dev, a->inherited, FORK_LEN, false);
	p = map_dev(a->dev, FORK_LEN, PROT_READ, MAP_SHARED, 0);
	if (p == MAP_FAILED)
		return 1;
	a->costs->own = touch(a->dev, p, FORK_LEN, false);
	munmap(p, FORK_LEN);
	return 0;
}

/*
 * fork() copies the page table entries of a VM_PFNMAP VMA.  Before 6.12
 * it left the PMDs behind (copy_huge_pmd() copied only anonymous ones),
 * so touching the mapping it inherited cost a child one fault a PMD
 * again; 6.12's "mm/fork: Accept huge pfnmap entries" copies them too.
 * Where the kernel maps pages only, the child inherits every PTE.  A
 * mapping of its own costs it what it costs the parent.
 */
Test(dma_huge, fork_child_refaults_pmds_but_inherits_ptes, .init = dma_two_pmds,
     .fini = dma_default_module)
{
	struct mapdemo_device dev = open_dma(O_RDWR, MAPDEMO_DMA_PFN);
	struct fork_costs *costs;
	struct fork_arg a = { .dev = &dev };
	char *p;

	costs = mmap(NULL, sizeof(*costs), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(costs, MAP_FAILED);
	p = map_dev(&dev, FORK_LEN, PROT_READ, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	assert_cost(touch(&dev, p, FORK_LEN, false), pfn_cost(FORK_LEN),
		    "parent, two PMDs");
	a.inherited = p;
	a.costs = costs;
	cr_assert_eq(in_child(child_touch, &a), 0, "the child could not map");
	assert_cost(costs->inherited,
		    kernel_maps_pmds() && !kernel_at_least(6, 12) ?
		    pfn_cost(FORK_LEN) : no_cost,
		    "child, the two PMDs it inherited");
	assert_cost(costs->own, pfn_cost(FORK_LEN),
		    "child, two PMDs it mapped itself");
	munmap(p, FORK_LEN);
	munmap(costs, sizeof(*costs));
	mapdemo_device_close(&dev);
}

/* Touch the whole 64 MiB buffer end to end in @style; returns the cost. */
static struct touch_cost touch_64m(int style)
{
	struct mapdemo_device dev = open_dma(O_RDWR, style);
	size_t size = dma_buffer_size(), i;
	struct touch_cost c;
	char *p;

	cr_assert_eq(size, 64 * MIB);
	p = map_dev(&dev, size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED, "%s", strerror(errno));
	c = touch(&dev, p, size, true);
	for (i = 0; i < size; i += page_size)
		cr_assert_eq(p[i], (char)(i / page_size));
	munmap(p, size);
	cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_FILE).vmas_live, 0);
	mapdemo_device_close(&dev);
	return c;
}

/*
 * One fault a PMD where the kernel maps PMDs, else one a page: 32 faults
 * or 16384 on 4 KiB pages, 2 or 4096 on 16 KiB pages.
 */
Test(dma_huge, buffer_64m_costs_a_fault_a_pmd_or_a_page,
     .fini = dma_default_module)
{
	struct touch_cost c;

	reload_module("dma_size=67108864");
	c = touch_64m(MAPDEMO_DMA_PFN);
	cr_log_info("64 MiB pfn, dma_huge=1: %llu faults, %llu huge\n",
		(unsigned long long)c.faults, (unsigned long long)c.huge);
	assert_cost(c, pfn_cost(64 * MIB), "64 MiB pfn, dma_huge=1");
	c = touch_64m(MAPDEMO_DMA_PAGE);
	cr_log_info("64 MiB page style: %llu faults, %llu huge\n",
		(unsigned long long)c.faults, (unsigned long long)c.huge);
	assert_cost(c, style_cost(MAPDEMO_DMA_PAGE, 64 * MIB),
		    "64 MiB page style");

	reload_module("dma_size=67108864 dma_huge=0");
	c = touch_64m(MAPDEMO_DMA_PFN);
	cr_log_info("64 MiB pfn, dma_huge=0: %llu faults, %llu huge\n",
		(unsigned long long)c.faults, (unsigned long long)c.huge);
	assert_cost(c, page_cost(64 * MIB), "64 MiB pfn, dma_huge=0");
	cr_assert(!page_style_maps_pmds(), "dma_huge=0, yet page style maps PMDs");
	c = touch_64m(MAPDEMO_DMA_PAGE);
	assert_cost(c, page_cost(64 * MIB), "64 MiB page style, dma_huge=0");
}

/* Count the bytes of [p, p+len) that are not (char)(page index + @base). */
static size_t count_not_page_index(const char *p, size_t len, size_t base)
{
	size_t i, n = 0;

	for (i = 0; i < len; i += page_size)
		n += p[i] != (char)(base + i / page_size);
	return n;
}

static void read_proc(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY);

	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

/* The pagemap entries of [p, p+len): the whole file is far too long. */
static void read_pagemap(const char *p, size_t len)
{
	size_t n = len / page_size * sizeof(uint64_t);
	uint64_t *e = malloc(n);
	int fd = open("/proc/self/pagemap", O_RDONLY);

	cr_assert_geq(fd, 0);
	cr_assert_not_null(e);
	cr_assert_eq(pread(fd, e, n, (off_t)((uintptr_t)p / page_size *
					     sizeof(uint64_t))), (ssize_t)n);
	free(e);
	close(fd);
}

/*
 * PMDs (page table entries on a kernel without THP) split by mprotect()
 * and munmap() of one page, moved whole by mremap(), and walked by /proc
 * readers: the bytes stay where they were and the kernel log stays clean.
 */
static void split_move_and_walk(int style)
{
	struct mapdemo_device dev = open_dma(O_RDWR, style);
	size_t size = 2 * HUGE_SZ, npages = HUGE_SZ / page_size;
	bool pmds = style_maps_pmds(style);
	struct touch_cost c;
	char *p, *area, *q;

	p = map_dev(&dev, size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	c = touch(&dev, p, size, true);
	assert_cost(c, style_cost(style, size), "two PMDs written");
	read_proc("/proc/self/smaps");
	read_proc("/proc/self/numa_maps");
	read_pagemap(p, size);

	/*
	 * One read-only page splits the VMA and the first PMD, which for a
	 * file VMA means zapping it: its pages fault again one by one.
	 * Page table entries outlive a split: no fault at all.
	 */
	cr_assert_eq(mprotect(p + page_size, page_size, PROT_READ), 0);
	c = touch(&dev, p, HUGE_SZ, false);
	assert_cost(c, pmds ? page_cost(HUGE_SZ) : no_cost,
		    "the first PMD after mprotect() of one page");
	cr_assert_eq(count_not_page_index(p, size, 0), 0);

	/* the second PMD moves whole to another PMD aligned address */
	area = mmap(NULL, 2 * HUGE_SZ, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	cr_assert_neq(area, MAP_FAILED);
	q = (char *)(((uintptr_t)area + HUGE_SZ - 1) & ~(HUGE_SZ - 1));
	cr_assert_eq(mremap(p + HUGE_SZ, HUGE_SZ, HUGE_SZ,
			    MREMAP_MAYMOVE | MREMAP_FIXED, q), q);
	c = touch(&dev, q, HUGE_SZ, false);
	assert_cost(c, no_cost, "the second PMD, moved by mremap()");
	cr_assert_eq(count_not_page_index(q, HUGE_SZ, npages), 0);

	/* a hole in the first PMD */
	cr_assert_eq(munmap(p + 2 * page_size, page_size), 0);
	cr_assert_eq(count_not_page_index(p + 3 * page_size,
					  HUGE_SZ - 3 * page_size, 3), 0);
	read_proc("/proc/self/smaps");
	munmap(p, HUGE_SZ);
	munmap(area, 2 * HUGE_SZ);
	cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_FILE).vmas_live, 0);
	mapdemo_device_close(&dev);
}

Test(dma_huge, pmds_or_ptes_split_moved_and_walked, .init = dma_two_pmds,
     .fini = dma_default_module)
{
	split_move_and_walk(MAPDEMO_DMA_PFN);
}

/* the same of page style, whose PMDs (7.x) map folios, not frames */
Test(dma_huge, page_style_pmds_or_ptes_split_moved_and_walked,
     .init = dma_two_pmds, .fini = dma_default_module)
{
	split_move_and_walk(MAPDEMO_DMA_PAGE);
}

/*
 * The driver says page style maps PMDs exactly where the kernel can: a
 * 7.x kernel with THP (driver/compat.h), dma_huge=1 and a buffer of at
 * least one PMD.  6.1 and 6.12 lack vmf_insert_folio_pmd() (6.15).
 */
Test(dma_huge, page_style_pmds_on_7x_only, .init = dma_two_pmds,
     .fini = dma_default_module)
{
	bool want = kernel_maps_pmds() && kernel_at_least(7, 0);

	cr_assert_eq(page_style_maps_pmds(), want,
		     "page style PMDs: driver says %d, expected %d on this kernel",
		     page_style_maps_pmds(), want);
}
