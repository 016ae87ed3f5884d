/* SPDX-License-Identifier: MIT */
/* Helpers of the dma mode tests. */
#ifndef MAPDEMO_TEST_DMA_UTIL_H
#define MAPDEMO_TEST_DMA_UTIL_H

#include "helpers.h"

/* dma mode's huge mappings: one PMD (2 MiB on 4 KiB pages, 32 MiB on 16 KiB) */
#define HUGE_SZ		pmd_size

/*
 * Can this kernel map dma mode's buffer by PMDs?  The driver needs
 * CONFIG_TRANSPARENT_HUGEPAGE for that and maps pages only without it
 * (PREEMPT_RT: rt-amd64); the same option decides whether madvise()
 * knows MADV_HUGEPAGE and MADV_NOHUGEPAGE.  Whether the module's
 * dma_huge parameter allows PMDs is a separate question.
 */

/* Every style, in enum mapdemo_dma_style's order. */
extern const int dma_styles[MAPDEMO_DMA_STYLE_NR];
#define DMA_NSTYLES	MAPDEMO_DMA_STYLE_NR

/*
 * Does get_user_pages() pin what a mapping of @style maps?  page style's
 * pages, always; pfn style's frames, never.  mixed style's only where the
 * architecture has no pte_special: with it (x86, arm64) vmf_insert_mixed()
 * maps bare frames, as VM_PFNMAP does, and GUP finds no page behind them.
 */
bool style_pins(int style);

/*
 * The errno get_user_pages() gives where it does not pin @style: EFAULT
 * for pfn style (check_vma_flags() refuses VM_IO and VM_PFNMAP before
 * any walk); EEXIST for mixed style, whose entries it walks and finds
 * without a page (follow_pfn_pte(): "Proper page table entry exists, but
 * no corresponding struct page"), which __get_user_pages() hands back to
 * a caller that wants the pages, on every supported series.  0 where it
 * pins.
 */
int gup_errno(int style);

/* Open the device in dma mode with @style (enum mapdemo_dma_style). */
struct mapdemo_device open_dma(int oflags, int style);

/* MAPDEMO_IOC_SET_DMA_STYLE; returns 0 or -errno. */
int set_dma_style(struct mapdemo_device *dev, int style);

/* MAPDEMO_IOC_SYNC; returns 0 or -errno. */
int dma_sync(struct mapdemo_device *dev, uint64_t off, uint64_t len,
	     uint32_t dir, uint32_t pad);

/* The buffer's size, from MAPDEMO_IOC_INFO. */
size_t dma_buffer_size(void);

/* Reload the module with @params (NULL: the defaults); asserts. */
void reload_module(const char *params);

/*
 * Criterion .init: a buffer of two PMDs at least.  The default 4 MiB is
 * two on 4 KiB pages (nothing to do), an eighth of one on 16 KiB pages,
 * where the module is reloaded with a buffer of 2 * HUGE_SZ (64 MiB).
 */
void dma_two_pmds(void);

/* Criterion .fini: the module as the suite loads it, in whatever state a
 * failed assertion left it. */
void dma_default_module(void);

/* Fill [p, p+len) with a pattern that depends on @seed and the offset. */
void fill_pattern(void *p, size_t len, size_t off, unsigned int seed);
/* Bytes of [p, p+len) that differ from fill_pattern()'s. */
size_t count_not_pattern(const void *p, size_t len, size_t off,
			 unsigned int seed);

#endif
