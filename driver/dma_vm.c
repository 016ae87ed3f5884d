// SPDX-License-Identifier: GPL-2.0
/*
 * dma mode's mappings: faults, 2 MiB PMDs, ptrace access and addresses.
 *
 * pfn style VMAs are VM_PFNMAP | VM_IO: faults insert page frame numbers,
 * a whole PMD at a time where the VMA and the buffer allow it, and
 * get_user_pages() refuses them.  page style VMAs get the buffer's struct
 * pages one 4 KiB page at a time (see dma_vm_fault()), which
 * get_user_pages() can pin.  mixed style VMAs are VM_MIXEDMAP, and faults
 * hand vmf_insert_mixed() the frame of a page that has a struct page, as
 * TTM and u-dma-buf do; what that maps is the architecture's choice (see
 * dma_vm_fault()).
 */
#include <linux/mm.h>
#include <linux/sched/mm.h>

#include "mapdemo.h"
#include "dma.h"

#define PMD_PAGES	(PMD_SIZE >> PAGE_SHIFT)

/*
 * The buffer page offset of the PMD around the fault, if a PMD mapping
 * fits there: the 2 MiB of address space lie in the VMA and map 2 MiB of
 * the buffer that start on a 2 MiB boundary (the buffer itself starts on
 * one).  Returns false otherwise.
 */
static bool pmd_fits(struct vm_fault *vmf, pgoff_t *pgoff)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long haddr = vmf->address & PMD_MASK;
	pgoff_t first;

	if (!IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) || !mapdemo_dma_huge ||
	    (vma->vm_flags & VM_MIXEDMAP))
		return false;
	/* MADV_NOHUGEPAGE and PR_SET_THP_DISABLE are honoured, as for THP */
	if (mapdemo_vma_thp_disabled(vma))
		return false;
	if (haddr < vma->vm_start || vma->vm_end - haddr < PMD_SIZE)
		return false;
	first = vmf->pgoff - ((vmf->address - haddr) >> PAGE_SHIFT);
	if (first % PMD_PAGES ||
	    first + PMD_PAGES > mapdemo_dma_buffer.nr_pages)
		return false;
	/* page style: only where these pages are one folio (dma_buf.c) */
	if (!(vma->vm_flags & VM_PFNMAP) &&
	    first / PMD_PAGES >= mapdemo_dma_buffer.nr_pmd_folios)
		return false;
	*pgoff = first;
	return true;
}

/*
 * Map 2 MiB at once.  pfn style: as a PMD that get_user_pages_fast() must
 * refuse as it refuses our PTEs (how each kernel makes one is in
 * compat.h).  page style: the folio of those 2 MiB, which the core maps
 * with the file rmap and a reference of its own, as it does a page.
 */
static vm_fault_t insert_pmd(struct vm_fault *vmf, pgoff_t pgoff, bool write)
{
	unsigned long pfn = mapdemo_dma_buffer.pfn + pgoff;
	vm_fault_t ret;

	if (vmf->vma->vm_flags & VM_PFNMAP)
		ret = mapdemo_insert_pfn_pmd(vmf, pfn, write);
	else
		ret = mapdemo_insert_folio_pmd(vmf, pfn_folio(pfn), write);
	if (ret == VM_FAULT_NOPAGE)
		mapdemo_fault_event(vmf, MD_STAT_HUGE_FAULTS, ret);
	return ret;
}

/*
 * Kernels before 6.12 ("mm: Support huge pfnmaps") call ->huge_fault for
 * an empty PMD only in DAX and anonymous VMAs, so there the first touch
 * of a PMD arrives at ->fault, which installs the PMD itself; later ones
 * come here first.  A write to a PMD that is not writable comes here on
 * every kernel, through wp_huge_pmd().
 */
static vm_fault_t dma_vm_huge_fault(struct vm_fault *vmf, unsigned int order)
{
	pgoff_t pgoff;

	if (order != PMD_ORDER || !pmd_fits(vmf, &pgoff))
		return VM_FAULT_FALLBACK;
	return mapdemo_fault_done(vmf, insert_pmd(vmf, pgoff,
						  vmf->flags & FAULT_FLAG_WRITE));
}

static vm_fault_t dma_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page;
	pgoff_t pgoff;

	/*
	 * mmap() checked the range and the VMA can neither grow nor move
	 * its offset, so this only guards against a bug of ours.
	 */
	if (WARN_ON_ONCE(vmf->pgoff >= mapdemo_dma_buffer.nr_pages)) {
		mapdemo_fault_event(vmf, MD_STAT_SIGBUS, VM_FAULT_SIGBUS);
		return mapdemo_fault_done(vmf, VM_FAULT_SIGBUS);
	}

	if (vma->vm_flags & VM_PFNMAP) {
		/*
		 * The core found the PMD empty, but another thread of this mm
		 * may have filled it since, with a page table or a PMD of
		 * ours.  Read it once and decide on what was read:
		 *  - empty: map the whole PMD if it fits.  Not a write insert,
		 *    so that losing a race against a page table is harmless
		 *    (insert_pfn_pmd() then leaves the PMD alone and the
		 *    access faults again); the PMD is writable anyway in a
		 *    writable shared VMA, whose vm_page_prot allows writes.
		 *  - a huge PMD: another fault mapped these 2 MiB first; the
		 *    access is retried into it.  vmf_insert_pfn() must not
		 *    run here: 6.1's get_locked_pte() takes a huge PMD for a
		 *    page table and locks a pointer read from our buffer's
		 *    struct page (threads racing over one mapping, under
		 *    KASAN: a NULL dereference in the fault).
		 *  - a page table: map the one page.  A page table never
		 *    turns into a huge PMD under the mmap or VMA lock we
		 *    hold, and an empty PMD where none fits stays one that
		 *    none fits (pmd_fits() reads only what that lock keeps
		 *    still), so the page table vmf_insert_pfn() finds or
		 *    makes stays.
		 */
		pmd_t pmd = READ_ONCE(*vmf->pmd);

		if (pmd_none(pmd) && pmd_fits(vmf, &pgoff))
			return mapdemo_fault_done(vmf, insert_pmd(vmf, pgoff,
								  false));
		if (pmd_leaf(pmd))
			return mapdemo_fault_done(vmf, VM_FAULT_NOPAGE);
		return mapdemo_fault_done(vmf, vmf_insert_pfn(vma, vmf->address,
				mapdemo_dma_buffer.pfn + vmf->pgoff));
	}

	/*
	 * mixed style: these frames have struct pages, yet where the
	 * architecture has pte_special (x86, arm64) vmf_insert_mixed() maps
	 * them as bare frames, as VM_PFNMAP does: get_user_pages() finds no
	 * page behind the entry and refuses, and ptrace comes to
	 * dma_vm_access().  Only without pte_special does it insert the page
	 * itself, with a reference, which get_user_pages() can then pin.
	 */
	if (vma->vm_flags & VM_MIXEDMAP)
		return mapdemo_fault_done(vmf, mapdemo_insert_mixed(vma,
				vmf->address, mapdemo_dma_buffer.pfn + vmf->pgoff));

	/*
	 * page style: hand the core the page; it maps it with the file rmap
	 * and keeps the reference we take here for as long as it is mapped.
	 * Every page of the buffer holds a reference of its own, or is part
	 * of a PMD folio that holds one (dma_buf.c), so this is an ordinary
	 * page reference.  No PMD here: ->huge_fault maps those, where the
	 * buffer is made of PMD folios, and the core asks it first for an
	 * empty PMD wherever THP is allowed in the VMA.
	 */
	page = pfn_to_page(mapdemo_dma_buffer.pfn + vmf->pgoff);
	get_page(page);
	vmf->page = page;
	return mapdemo_fault_done(vmf, 0);
}

/*
 * ptrace and /proc/PID/mem: get_user_pages() fails on pfn style VMAs, so
 * the core asks us to copy.  It passes what is left of the whole request,
 * which may run on past this VMA into the next one: copy only up to the
 * end of the page (as generic_access_phys() does), which lies inside the
 * VMA, and let the core come back for the rest.  Writes need a writable
 * VMA, as a write through the mapping would.
 */
static int dma_vm_access(struct vm_area_struct *vma, unsigned long addr,
			 void *buf, int len, int write)
{
	struct mapdemo_dma_buf *b = &mapdemo_dma_buffer;
	unsigned long off = addr - vma->vm_start +
			    (vma->vm_pgoff << PAGE_SHIFT);

	if (len <= 0 || addr < vma->vm_start || addr >= vma->vm_end ||
	    off >= b->size)
		return -EFAULT;
	if (write && !(vma->vm_flags & VM_WRITE))
		return -EACCES;
	len = min_t(unsigned long, len, PAGE_SIZE - offset_in_page(addr));
	if (write)
		memcpy(b->vaddr + off, buf, len);
	else
		memcpy(buf, b->vaddr + off, len);
	return len;
}

/*
 * Nothing to map around a fault: the buffer is in no page cache.  It is
 * there for the per-VMA lock (compat.h), so that dma faults are not all
 * retried under the mmap lock; dma_vm_fault() reads only what the VMA
 * lock keeps still, as it does under the mmap lock.
 */
static vm_fault_t __maybe_unused dma_vm_map_pages(struct vm_fault *vmf,
						  pgoff_t start, pgoff_t end)
{
	return 0;
}

MAPDEMO_DEFINE_HUGE_FAULT(dma_vm_huge_fault)

const struct vm_operations_struct mapdemo_dma_vm_ops = {
	.open		= mapdemo_vma_opened,
	.close		= mapdemo_vma_closed,
	MAPDEMO_VM_MAPPED
	.fault		= dma_vm_fault,
	.huge_fault	= MAPDEMO_HUGE_FAULT(dma_vm_huge_fault),
	.map_pages	= MAPDEMO_MAP_PAGES_FOR_VMA_LOCK(dma_vm_map_pages),
	.access		= dma_vm_access,
};

/*
 * Mappings of 2 MiB or more get an address congruent to their buffer
 * offset modulo 2 MiB (vma.c), so that every whole 2 MiB of the buffer
 * they cover can be a PMD.
 */
unsigned long mapdemo_dma_get_unmapped_area(struct file *file,
					    unsigned long addr,
					    unsigned long len,
					    unsigned long pgoff,
					    unsigned long flags)
{
	if (!mapdemo_dma_huge)
		return mapdemo_mm_get_unmapped_area(file, addr, len, pgoff,
						    flags);
	return mapdemo_aligned_unmapped_area(file, addr, len, pgoff, flags);
}
