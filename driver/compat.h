/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel versions differ.  The modes are written
 * against the newest kernel's API; what an older kernel lacks is filled
 * in here, each shim naming the change that made it.  Features are
 * detected by compiling probes (compat/probes/, run by Kbuild into
 * compat-probes.h), not by version numbers, so that a distribution kernel
 * that backports an API gets the right side.
 */
#ifndef _MAPDEMO_COMPAT_H
#define _MAPDEMO_COMPAT_H

#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>

#include "compat-probes.h"

/* 6.3, "mm: introduce vma->vm_flags wrapper functions": vm_flags read-only */
#ifndef MAPDEMO_HAVE_VM_FLAGS_SET
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}

static inline void vm_flags_mod(struct vm_area_struct *vma, vm_flags_t set,
				vm_flags_t clear)
{
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
}
#endif

/*
 * How a mapping is set up: ->mmap_prepare (6.16, c84bf6dd2b83, "mm:
 * introduce new .mmap_prepare() file callback") where the descriptor has
 * vma_flags_t flags (after 6.18) and vm_operations have ->mapped, else
 * ->mmap.  The 6.16 to 6.18 descriptor, with a plain vm_flags field, gets
 * ->mmap, which those kernels still call.  ->mapped is where a VMA made
 * from the descriptor is counted: the core may still fail the mmap()
 * after ->mmap_prepare, and then no VMA, and no ->close, ever comes.
 */
#if defined(MAPDEMO_HAVE_MMAP_PREPARE) && \
	defined(MAPDEMO_HAVE_DESC_VMA_FLAGS) && defined(MAPDEMO_HAVE_VM_OPS_MAPPED)
#define MAPDEMO_USE_MMAP_PREPARE 1
int mapdemo_setup_mmap_prepare(struct vm_area_desc *desc);
#define MAPDEMO_FOP_SETUP	.mmap_prepare = mapdemo_setup_mmap_prepare
int mapdemo_vma_mapped(unsigned long start, unsigned long end, pgoff_t pgoff,
		       const struct file *file, void **vm_private_data);
#define MAPDEMO_VM_MAPPED	.mapped = mapdemo_vma_mapped,

/* The descriptor's flags as the VM_* word the modes test and set. */
static inline vm_flags_t mapdemo_desc_flags(const struct vm_area_desc *desc)
{
	return vma_flags_to_legacy(desc->vma_flags);
}

static inline void mapdemo_desc_set_flags(struct vm_area_desc *desc,
					  vm_flags_t flags)
{
	desc->vma_flags = legacy_to_vma_flags(flags);
}
#else
int mapdemo_setup_mmap(struct file *file, struct vm_area_struct *vma);
#define MAPDEMO_FOP_SETUP	.mmap = mapdemo_setup_mmap
/* ->mmap's VMA exists when it is called: counted there */
#define MAPDEMO_VM_MAPPED
#endif

/*
 * The mm's default address search for a mapping of @file.
 * 6.10, "mm: switch mm->get_unmapped_area() to a flag", replaced the
 * mm->get_unmapped_area pointer with mm_get_unmapped_area(mm, ...); a
 * later release dropped its mm argument (it is always current->mm).
 */
static inline unsigned long
mapdemo_mm_get_unmapped_area(struct file *file, unsigned long addr,
			     unsigned long len, unsigned long pgoff,
			     unsigned long flags)
{
#if defined(MAPDEMO_HAVE_MM_GET_UNMAPPED_AREA)
	return mm_get_unmapped_area(file, addr, len, pgoff, flags);
#elif defined(MAPDEMO_HAVE_MM_GET_UNMAPPED_AREA_MM)
	return mm_get_unmapped_area(current->mm, file, addr, len, pgoff, flags);
#else
	return current->mm->get_unmapped_area(file, addr, len, pgoff, flags);
#endif
}

/*
 * Is THP off for @vma (MADV_NOHUGEPAGE, PR_SET_THP_DISABLE)?  6.12 added
 * vma_thp_disabled(); 6.18 gave it a forced_collapse argument, with
 * PR_THP_DISABLE_EXCEPT_ADVISED.
 */
static inline bool mapdemo_vma_thp_disabled(struct vm_area_struct *vma)
{
#if !defined(CONFIG_TRANSPARENT_HUGEPAGE)
	/* PREEMPT_RT: no THP, and no helper for it (mm->flags a bitmap from 6.18) */
	return true;
#elif defined(MAPDEMO_HAVE_VMA_THP_DISABLED_FORCED)
	return vma_thp_disabled(vma, vma->vm_flags, false);
#elif defined(MAPDEMO_HAVE_VMA_THP_DISABLED)
	return vma_thp_disabled(vma, vma->vm_flags);
#else
	return (vma->vm_flags & VM_NOHUGEPAGE) ||
	       test_bit(MMF_DISABLE_THP, &vma->vm_mm->flags);
#endif
}

/*
 * A ->map_pages for a mapping whose page cache holds nothing to map
 * around (zero mode's private mappings): it is there for the per-VMA
 * lock, under which 6.7 ("mm: handle read faults under the VMA lock",
 * and its COW and shared siblings) calls ->fault only for vm_operations
 * that have a ->map_pages, retrying every other fault under the mmap
 * lock.  Without per-VMA locks (6.1) it would only cost each read fault
 * an empty walk of the page cache.
 */
#define MAPDEMO_MAP_PAGES_FOR_VMA_LOCK(fn) \
	(IS_ENABLED(CONFIG_PER_VMA_LOCK) ? (fn) : NULL)

/*
 * The ->huge_fault handler is written as 6.6 calls it ("mm: remove enum
 * page_entry_size"): with the order of the entry wanted.  Before that it
 * took an enum page_entry_size (the same type to the compiler, another
 * meaning: PE_SIZE_PMD is 1); MAPDEMO_HUGE_FAULT(fn) names a function of
 * the old shape that calls fn with the order.
 */
#ifndef PMD_ORDER
#define PMD_ORDER	(PMD_SHIFT - PAGE_SHIFT)
#endif
#ifndef MAPDEMO_HAVE_PAGE_ENTRY_SIZE
#define MAPDEMO_HUGE_FAULT(fn)	fn
#else
#define MAPDEMO_HUGE_FAULT(fn)	fn##_pe_size
#define MAPDEMO_DEFINE_HUGE_FAULT(fn)					\
static vm_fault_t fn##_pe_size(struct vm_fault *vmf,			\
			       enum page_entry_size pe_size)		\
{									\
	return fn(vmf, pe_size == PE_SIZE_PMD ? PMD_ORDER : 0);		\
}
#endif
#ifndef MAPDEMO_DEFINE_HUGE_FAULT
#define MAPDEMO_DEFINE_HUGE_FAULT(fn)
#endif

/*
 * A 2 MiB PMD mapping device memory by PFN, which get_user_pages_fast()
 * must refuse as it refuses a VM_PFNMAP PTE (pte_special).
 *  - 6.17, "mm: remove pfn_t type": vmf_insert_pfn_pmd() takes a pfn and
 *    makes the PMD special in a VM_PFNMAP VMA.
 *  - 6.12, "mm: Support huge pfnmaps" (CONFIG_ARCH_SUPPORTS_PMD_PFNMAP):
 *    a pfn_t without PFN_DEV makes a special PMD, and GUP-fast refuses it.
 *  - 6.1 has no special PMDs.  A devmap PMD (PFN_DEV | PFN_MAP) sends
 *    GUP-fast to look up a dev_pagemap; it finds none and falls back to
 *    the slow path, which refuses VM_PFNMAP.  A plain huge PMD would let
 *    GUP-fast take references on the struct pages behind it.
 */
#if !defined(CONFIG_TRANSPARENT_HUGEPAGE)
/* PREEMPT_RT kernels have no THP, and no vmf_insert_pfn_pmd() to link */
static inline vm_fault_t mapdemo_insert_pfn_pmd(struct vm_fault *vmf,
						unsigned long pfn, bool write)
{
	return VM_FAULT_FALLBACK;
}
#elif defined(MAPDEMO_HAVE_INSERT_PFN_PMD_ULONG)
static inline vm_fault_t mapdemo_insert_pfn_pmd(struct vm_fault *vmf,
						unsigned long pfn, bool write)
{
	return vmf_insert_pfn_pmd(vmf, pfn, write);
}
#else
#include <linux/pfn_t.h>
static inline vm_fault_t mapdemo_insert_pfn_pmd(struct vm_fault *vmf,
						unsigned long pfn, bool write)
{
	u64 flags = IS_ENABLED(CONFIG_ARCH_SUPPORTS_PMD_PFNMAP) ? 0 :
		    PFN_DEV | PFN_MAP;

	return vmf_insert_pfn_pmd(vmf, __pfn_to_pfn_t(pfn, flags), write);
}
#endif

/*
 * A frame of RAM, with a struct page, into a VM_MIXEDMAP VMA.  6.17, "mm:
 * remove pfn_t type": vmf_insert_mixed() takes a plain pfn.  Before, a
 * pfn_t without flags (neither PFN_DEV nor PFN_MAP) says the same.
 */
#ifdef MAPDEMO_HAVE_INSERT_MIXED_ULONG
static inline vm_fault_t mapdemo_insert_mixed(struct vm_area_struct *vma,
					      unsigned long addr,
					      unsigned long pfn)
{
	return vmf_insert_mixed(vma, addr, pfn);
}
#else
#include <linux/pfn_t.h>
static inline vm_fault_t mapdemo_insert_mixed(struct vm_area_struct *vma,
					      unsigned long addr,
					      unsigned long pfn)
{
	return vmf_insert_mixed(vma, addr, __pfn_to_pfn_t(pfn, 0));
}
#endif

/*
 * 6.17 turned alloc_contig_range()'s migratetype into acr_flags_t
 * ("mm/page_alloc: make alloc_contig_range() take acr_flags_t"): the old
 * MIGRATE_MOVABLE (1) would now mean ACR_FLAGS_CMA.
 */
#ifdef ACR_FLAGS_NONE
#define MAPDEMO_CONTIG_ORDINARY	ACR_FLAGS_NONE
#else
#define MAPDEMO_CONTIG_ORDINARY	MIGRATE_MOVABLE
#endif

/*
 * dma page style's PMDs: a PMD of struct pages maps one folio of PMD
 * size, so the buffer must be made of such folios.  vmf_insert_folio_pmd()
 * (6.15, "mm/huge_memory: add vmf_insert_folio_pmd()") maps one, and
 * alloc_contig_frozen_range() (7.x, which made alloc_contig_range() refuse
 * __GFP_COMP) makes one of a PMD-aligned range, with no reference: we
 * take the first.  A kernel with both builds the buffer of PMD folios
 * (dma_buf.c); any other maps page style by pages, as 6.1 and 6.12 do.
 * 6.15 to 6.19, where alloc_contig_range() took __GFP_COMP itself, are
 * not supported series, and get pages.
 */
#if defined(CONFIG_TRANSPARENT_HUGEPAGE) && defined(MAPDEMO_HAVE_CONTIG_FOLIO_PMD)
#define MAPDEMO_DMA_PAGE_PMDS	true
static inline int mapdemo_alloc_contig_folio(unsigned long pfn,
					     unsigned int order)
{
	int ret = alloc_contig_frozen_range(pfn, pfn + (1UL << order),
					    ACR_FLAGS_NONE,
					    GFP_KERNEL | __GFP_NOWARN |
					    __GFP_COMP);

	if (!ret)
		folio_ref_unfreeze(pfn_folio(pfn), 1);
	return ret;
}

static inline vm_fault_t mapdemo_insert_folio_pmd(struct vm_fault *vmf,
						  struct folio *folio,
						  bool write)
{
	return vmf_insert_folio_pmd(vmf, folio, write);
}
#else
#define MAPDEMO_DMA_PAGE_PMDS	false
static inline int mapdemo_alloc_contig_folio(unsigned long pfn,
					     unsigned int order)
{
	return -EOPNOTSUPP;
}

static inline vm_fault_t mapdemo_insert_folio_pmd(struct vm_fault *vmf,
						  struct folio *folio,
						  bool write)
{
	return VM_FAULT_FALLBACK;
}
#endif

/*
 * 6.3, "mm: return an ERR_PTR from __filemap_get_folio": a missing page
 * is ERR_PTR(-ENOENT), where 6.1 returned NULL.  Both compile; NULL
 * tested with IS_ERR() is an Oops.  These give 6.3's answer everywhere.
 */
static inline struct folio *mapdemo_filemap_get_folio(struct address_space *m,
						      pgoff_t index)
{
	struct folio *folio = filemap_get_folio(m, index);

	return folio ? folio : ERR_PTR(-ENOENT);
}

static inline struct folio *mapdemo_filemap_lock_folio(struct address_space *m,
						       pgoff_t index)
{
	struct folio *folio = filemap_lock_folio(m, index);

	return folio ? folio : ERR_PTR(-ENOENT);
}

#endif /* _MAPDEMO_COMPAT_H */
