// SPDX-License-Identifier: MIT
/*
 * dma mode's 2 MiB mappings: aligned addresses for mappings of 2 MiB or
 * more, one fault per 2 MiB where the address and the buffer allow it,
 * one per 4 KiB page otherwise, and the same bytes either way.
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

static void restore_default(void)
{
	/* after a failed assertion the module may be in any state */
	mapdemo_module_unload();
	mapdemo_module_load(NULL, NULL);
}

Test(dma_huge, large_mappings_are_2m_aligned)
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
		/* offset 4 KiB: the address is 4 KiB past a 2 MiB boundary */
		p = map_dev(&dev, HUGE_SZ, PROT_READ, MAP_SHARED, page_size);
		cr_assert_neq(p, MAP_FAILED);
		cr_assert_eq((uintptr_t)p % HUGE_SZ, page_size, "%p", p);
		munmap(p, HUGE_SZ);
	}
	mapdemo_device_close(&dev);
}

Test(dma_huge, pfn_4m_costs_two_faults_page_style_one_per_page)
{
	struct mapdemo_device dev = open_dma(O_RDWR, MAPDEMO_DMA_PFN);
	size_t size = dma_buffer_size();
	struct touch_cost c;
	char *p;

	p = map_dev(&dev, size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	c = touch(&dev, p, size, false);
	cr_assert_eq(c.faults, size / HUGE_SZ, "pfn: %llu faults",
		     (unsigned long long)c.faults);
	cr_assert_eq(c.huge, size / HUGE_SZ);
	c = touch(&dev, p, size, true);
	cr_assert_eq(c.faults, 0, "writes after reads: %llu faults",
		     (unsigned long long)c.faults);
	munmap(p, size);
	mapdemo_device_close(&dev);

	dev = open_dma(O_RDWR, MAPDEMO_DMA_PAGE);
	p = map_dev(&dev, size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	c = touch(&dev, p, size, true);
	cr_assert_eq(c.faults, size / page_size, "page: %llu faults",
		     (unsigned long long)c.faults);
	cr_assert_eq(c.huge, 0);
	munmap(p, size);
	mapdemo_device_close(&dev);
}

/* A PMD maps only whole, aligned 2 MiB of both the VMA and the buffer. */
Test(dma_huge, partial_and_misaligned_pmds_fall_back_to_pages)
{
	struct mapdemo_device dev = open_dma(O_RDWR, MAPDEMO_DMA_PFN);
	size_t len = 3 * MIB, npages = MIB / page_size;
	struct touch_cost c;
	char *p, *area;

	/* 3 MiB at offset 0: one PMD, then 1 MiB of pages */
	p = map_dev(&dev, len, PROT_READ, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	c = touch(&dev, p, len, false);
	cr_assert_eq(c.huge, 1);
	cr_assert_eq(c.faults, 1 + npages);
	munmap(p, len);

	/* 2 MiB placed 4 KiB off a 2 MiB boundary: pages only */
	area = mmap(NULL, 2 * HUGE_SZ, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	cr_assert_neq(area, MAP_FAILED);
	p = (char *)(((uintptr_t)area + HUGE_SZ - 1) & ~(HUGE_SZ - 1)) +
	    page_size;
	cr_assert_eq(mmap(p, HUGE_SZ, PROT_READ, MAP_SHARED | MAP_FIXED,
			  dev.fd, 0), p);
	c = touch(&dev, p, HUGE_SZ, false);
	cr_assert_eq(c.huge, 0);
	cr_assert_eq(c.faults, HUGE_SZ / page_size);
	munmap(area, 2 * HUGE_SZ);

	/* the buffer offset decides too: 2 MiB at offset 4 KiB */
	p = map_dev(&dev, HUGE_SZ, PROT_READ, MAP_SHARED, page_size);
	cr_assert_neq(p, MAP_FAILED);
	c = touch(&dev, p, HUGE_SZ, false);
	cr_assert_eq(c.huge, 0);
	munmap(p, HUGE_SZ);
	mapdemo_device_close(&dev);
}

Test(dma_huge, nohugepage_advice_and_thp_disable_are_honoured)
{
	struct mapdemo_device dev = open_dma(O_RDWR, MAPDEMO_DMA_PFN);
	struct touch_cost c;
	char *p;

	p = map_dev(&dev, HUGE_SZ, PROT_READ, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(madvise(p, HUGE_SZ, MADV_NOHUGEPAGE), 0, "%s",
		     strerror(errno));
	c = touch(&dev, p, HUGE_SZ, false);
	cr_assert_eq(c.huge, 0);
	cr_assert_eq(c.faults, HUGE_SZ / page_size);
	munmap(p, HUGE_SZ);

	cr_assert_eq(prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0), 0);
	p = map_dev(&dev, HUGE_SZ, PROT_READ, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	c = touch(&dev, p, HUGE_SZ, false);
	cr_assert_eq(c.huge, 0);
	cr_assert_eq(prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0), 0);
	munmap(p, HUGE_SZ);
	mapdemo_device_close(&dev);
}

/* A fork child re-faults: the core does not copy PMDs of file VMAs. */
static int child_touch(void *arg)
{
	struct mapdemo_device *dev = arg;
	size_t size = 4 * MIB;
	char *p = map_dev(dev, size, PROT_READ, MAP_SHARED, 0);
	struct touch_cost c;

	if (p == MAP_FAILED)
		return 1;
	c = touch(dev, p, size, false);
	return c.faults == 2 && c.huge == 2 ? 0 : 2;
}

Test(dma_huge, fork_child_faults_its_own_pmds)
{
	struct mapdemo_device dev = open_dma(O_RDWR, MAPDEMO_DMA_PFN);

	cr_assert_eq(in_child(child_touch, &dev), 0);
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

Test(dma_huge, buffer_64m_costs_at_most_32_faults, .fini = restore_default)
{
	struct touch_cost c;

	reload_module("dma_size=67108864");
	c = touch_64m(MAPDEMO_DMA_PFN);
	cr_log_info("64 MiB pfn, huge mappings: %llu faults, %llu huge\n",
		(unsigned long long)c.faults, (unsigned long long)c.huge);
	cr_assert_eq(c.faults, 32, "at most 32 faults: exactly one a PMD");
	cr_assert_eq(c.huge, 32);
	c = touch_64m(MAPDEMO_DMA_PAGE);
	cr_log_info("64 MiB page style: %llu faults, %llu huge\n",
		(unsigned long long)c.faults, (unsigned long long)c.huge);
	cr_assert_eq(c.faults, 64 * MIB / page_size);
	cr_assert_eq(c.huge, 0);

	reload_module("dma_size=67108864 dma_huge=0");
	c = touch_64m(MAPDEMO_DMA_PFN);
	cr_log_info("64 MiB pfn, dma_huge=0: %llu faults, %llu huge\n",
		(unsigned long long)c.faults, (unsigned long long)c.huge);
	cr_assert_eq(c.faults, 64 * MIB / page_size);
	cr_assert_eq(c.huge, 0);
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
 * PMDs split by mprotect() and munmap() of one page, moved whole by
 * mremap(), and walked by /proc readers: the bytes stay where they
 * were and the kernel log stays clean.
 */
Test(dma_huge, pmds_split_moved_and_walked)
{
	struct mapdemo_device dev = open_dma(O_RDWR, MAPDEMO_DMA_PFN);
	size_t size = 4UL << 20, npages = HUGE_SZ / page_size;
	struct touch_cost c;
	char *p, *area, *q;

	p = map_dev(&dev, size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	c = touch(&dev, p, size, true);
	cr_assert_eq(c.huge, 2);
	read_proc("/proc/self/smaps");
	read_proc("/proc/self/numa_maps");
	read_pagemap(p, size);

	/* one read-only page splits the first PMD and the VMA */
	cr_assert_eq(mprotect(p + page_size, page_size, PROT_READ), 0);
	c = touch(&dev, p, HUGE_SZ, false);
	cr_assert_eq(c.huge, 0);
	cr_assert_eq(c.faults, npages, "after the split: %llu faults",
		     (unsigned long long)c.faults);
	cr_assert_eq(count_not_page_index(p, size, 0), 0);

	/* the second PMD moves whole to another 2 MiB aligned address */
	area = mmap(NULL, 2 * HUGE_SZ, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	cr_assert_neq(area, MAP_FAILED);
	q = (char *)(((uintptr_t)area + HUGE_SZ - 1) & ~(HUGE_SZ - 1));
	cr_assert_eq(mremap(p + HUGE_SZ, HUGE_SZ, HUGE_SZ,
			    MREMAP_MAYMOVE | MREMAP_FIXED, q), q);
	c = touch(&dev, q, HUGE_SZ, false);
	cr_assert_eq(c.faults, 0, "the moved PMD faulted %llu times",
		     (unsigned long long)c.faults);
	cr_assert_eq(count_not_page_index(q, HUGE_SZ, npages), 0);

	/* a hole in the first 2 MiB */
	cr_assert_eq(munmap(p + 2 * page_size, page_size), 0);
	cr_assert_eq(count_not_page_index(p + 3 * page_size,
					  HUGE_SZ - 3 * page_size, 3), 0);
	read_proc("/proc/self/smaps");
	munmap(p, HUGE_SZ);
	munmap(area, 2 * HUGE_SZ);
	cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_FILE).vmas_live, 0);
	mapdemo_device_close(&dev);
}
