// SPDX-License-Identifier: GPL-2.0
/*
 * dma mode's buffer: one physically contiguous range of RAM, zeroed and
 * mapped for DMA.
 *
 * Why not dma_alloc_coherent(): Debian's amd64 kernel is built without
 * CONFIG_CMA, so dma-direct takes a coherent buffer from the buddy
 * allocator.  That caps it at one MAX_ORDER - 1 block (4 MiB), and the
 * block is not compound: only its first page holds a reference, the
 * others have a refcount of zero.  Such pages can be mapped by PFN only
 * (dma_mmap_coherent() uses remap_pfn_range()); inserting them as struct
 * pages, or letting get_user_pages() take references on them, would free
 * them under us.  And even a CMA buffer must come back to
 * dma_free_coherent() with no reference but ours (free_contig_range()
 * WARNs otherwise), while page style lets references outlive the module
 * (a pipe filled by vmsplice()).  So we do what CMA does underneath:
 * alloc_contig_range() on a free range we search for, any number of
 * pages, each with a reference of its own that we drop at unload; and we
 * give the range to the device with dma_map_page().  On x86 that mapping
 * is cache coherent; on platforms that are not, MAPDEMO_IOC_SYNC does the
 * maintenance.  Where the kernel can map a PMD of struct pages
 * (compat.h: MAPDEMO_DMA_PAGE_PMDS), each whole PMD of the range is taken
 * as one compound folio instead, holding one reference for all its pages,
 * so that page style can map it whole.  driver/DMA.md tells the whole
 * decision.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-map-ops.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/memory_hotplug.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/sched/signal.h>

#include "compat.h"
#include "dma.h"
#include "dma_buf.h"
#include "trace.h"

#define PMD_PAGES	(PMD_SIZE >> PAGE_SHIFT)

/* Can [pfn, pfn + nr) be handed to alloc_contig_range() at all? */
static bool range_usable(struct zone *zone, unsigned long pfn,
			 unsigned long nr)
{
	unsigned long end = pfn + nr;

	for (; pfn < end; pfn++) {
		struct page *page = pfn_to_online_page(pfn);

		/* holes, other zones and reserved pages never migrate */
		if (!page || page_zone(page) != zone || PageReserved(page))
			return false;
	}
	return true;
}

/* Drop our reference on each page or folio; a pinned one lives on alone. */
static void put_range(unsigned long pfn, unsigned long nr,
		      unsigned long pmd_folios)
{
	unsigned long i;

	for (i = 0; i < pmd_folios * PMD_PAGES; i += PMD_PAGES)
		folio_put(pfn_folio(pfn + i));
	for (; i < nr; i++)
		put_page(pfn_to_page(pfn + i));
}

/*
 * Take [pfn, pfn + nr), PMD aligned: its whole PMDs as one folio each
 * where page style can map them so (and dma_huge allows), the rest as
 * pages.  On success *@pmd_folios says how many PMDs are folios; on
 * failure nothing is kept.
 */
static int alloc_range(unsigned long pfn, unsigned long nr,
		       unsigned long *pmd_folios)
{
	unsigned long done = 0;

	if (MAPDEMO_DMA_PAGE_PMDS && mapdemo_dma_huge)
		for (; nr - done >= PMD_PAGES; done += PMD_PAGES)
			if (mapdemo_alloc_contig_folio(pfn + done, PMD_ORDER))
				goto undo;
	if (done < nr &&
	    alloc_contig_range(pfn + done, pfn + nr, MAPDEMO_CONTIG_ORDINARY,
			       GFP_KERNEL | __GFP_NOWARN))
		goto undo;
	*pmd_folios = done / PMD_PAGES;
	return 0;
undo:
	put_range(pfn, done, done / PMD_PAGES);
	return -EBUSY;
}

/*
 * Try PMD-aligned ranges of @zone from its top down (away from the low
 * memory other users want), so that 2 MiB mappings are possible.
 * Returns the first pfn, or 0 when no range could be had.
 */
static unsigned long zone_alloc_contig(struct zone *zone, unsigned long nr,
				       unsigned long *pmd_folios)
{
	unsigned long start = zone->zone_start_pfn;
	unsigned long end = zone_end_pfn(zone);
	unsigned long pfn;

	if (end - start < nr)
		return 0;
	pfn = ALIGN_DOWN(end - nr, PMD_PAGES);
	while (pfn >= start && pfn) {
		if (range_usable(zone, pfn, nr) &&
		    !alloc_range(pfn, nr, pmd_folios))
			return pfn;
		if (fatal_signal_pending(current) || pfn < PMD_PAGES)
			break;
		pfn -= PMD_PAGES;
		cond_resched();
	}
	return 0;
}

/*
 * Not ZONE_MOVABLE: its pages cannot be pinned for long (page style's
 * O_DIRECT and io_uring users pin them).  The zones below ZONE_NORMAL,
 * which small-mask devices need, are tried last.
 */
static unsigned long alloc_contig(unsigned long nr, unsigned long *pmd_folios)
{
	unsigned long pfn;
	int nid, zt;

	for_each_online_node(nid) {
		for (zt = ZONE_NORMAL; zt >= 0; zt--) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[zt];

			if (!populated_zone(zone))
				continue;
			pfn = zone_alloc_contig(zone, nr, pmd_folios);
			if (pfn)
				return pfn;
		}
	}
	return 0;
}

int mapdemo_dma_buf_alloc(struct mapdemo_dma_buf *buf, size_t size)
{
	unsigned long nr = size >> PAGE_SHIFT, i;

	buf->nr_pages = 0;
	buf->nr_pmd_folios = 0;
	buf->size = 0;
	if (!nr)
		return 0;

	buf->pfn = alloc_contig(nr, &buf->nr_pmd_folios);
	if (!buf->pfn)
		return -ENOMEM;

	for (i = 0; i < nr; i++) {
		clear_highpage(pfn_to_page(buf->pfn + i));
		if (!(i % PMD_PAGES))
			cond_resched();
	}

	buf->vaddr = page_address(pfn_to_page(buf->pfn));
	buf->dma_addr = dma_map_page(buf->dev, pfn_to_page(buf->pfn), 0, size,
				     DMA_BIDIRECTIONAL);
	if (dma_mapping_error(buf->dev, buf->dma_addr)) {
		put_range(buf->pfn, nr, buf->nr_pmd_folios);
		/* not -ENOMEM: the range was had, the device cannot reach it */
		return -EIO;
	}
	buf->nr_pages = nr;
	buf->size = size;
	return 0;
}

void mapdemo_dma_buf_free(struct mapdemo_dma_buf *buf)
{
	if (!buf->nr_pages)
		return;
	dma_unmap_page(buf->dev, buf->dma_addr, buf->size, DMA_BIDIRECTIONAL);
	put_range(buf->pfn, buf->nr_pages, buf->nr_pmd_folios);
	buf->nr_pages = 0;
	buf->nr_pmd_folios = 0;
	buf->size = 0;
}

/* The caller has checked that the range lies within the buffer. */
int mapdemo_dma_buf_sync(struct mapdemo_dma_buf *buf, u64 offset, u64 length,
			 bool for_device)
{
	if (!length)
		return 0;
	trace_mapdemo_dma_sync(offset, length, for_device,
			       dev_is_dma_coherent(buf->dev));
	if (for_device)
		dma_sync_single_for_device(buf->dev, buf->dma_addr + offset,
					   length, DMA_BIDIRECTIONAL);
	else
		dma_sync_single_for_cpu(buf->dev, buf->dma_addr + offset,
					length, DMA_BIDIRECTIONAL);
	return 0;
}
