/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dma mode's one buffer: physically contiguous, zeroed, mapped for DMA on
 * a device of its own.  Allocated at load, freed at unload; it never
 * changes in between, so readers need no lock.
 */
#ifndef _MAPDEMO_DMA_BUF_H
#define _MAPDEMO_DMA_BUF_H

#include <linux/dma-mapping.h>
#include <linux/mm.h>

struct mapdemo_dma_buf {
	struct device *dev;	/* the device the buffer is mapped for */
	unsigned long pfn;	/* first page frame; PMD_SIZE aligned */
	unsigned long nr_pages;	/* 0: no buffer (dma_size=0) */
	unsigned long nr_pmd_folios; /* leading PMDs that are one folio each */
	size_t size;		/* nr_pages << PAGE_SHIFT */
	void *vaddr;		/* in the kernel's direct map */
	dma_addr_t dma_addr;	/* what the device uses */
};

int mapdemo_dma_buf_alloc(struct mapdemo_dma_buf *buf, size_t size);
void mapdemo_dma_buf_free(struct mapdemo_dma_buf *buf);
int mapdemo_dma_buf_sync(struct mapdemo_dma_buf *buf, u64 offset, u64 length,
			 bool for_device);

#endif /* _MAPDEMO_DMA_BUF_H */
