// SPDX-License-Identifier: GPL-2.0
/*
 * Accounting shared by every mode's vm_operations.
 *
 * The core calls ->open for each VMA copied from ours (fork, split, mremap)
 * and ->close for each one removed, but never ->open for the VMA that
 * mmap() itself creates; mmap() accounts for that one.
 */
#include <linux/mman.h>
#include <linux/sched/mm.h>

#include "mapdemo.h"

void mapdemo_vma_opened(struct vm_area_struct *vma)
{
	mapdemo_count(mapdemo_vma_file(vma), MD_STAT_VMA_OPEN);
}

void mapdemo_vma_closed(struct vm_area_struct *vma)
{
	mapdemo_count(mapdemo_vma_file(vma), MD_STAT_VMA_CLOSE);
}

/*
 * An address congruent to the file offset modulo 2 MiB, for mappings of
 * 2 MiB or more.  The core's fault-around windows are aligned on virtual
 * addresses, so a mapping that starts off a window boundary pays a fault
 * for the partial window at its start: reading 16 MiB of populated pages
 * took 257 faults instead of 256.  A hint that is free is honoured.
 */
unsigned long mapdemo_aligned_unmapped_area(struct file *file,
					    unsigned long addr,
					    unsigned long len,
					    unsigned long pgoff,
					    unsigned long flags)
{
	unsigned long off = (pgoff << PAGE_SHIFT) & ~PMD_MASK;
	unsigned long ret;

	if (len < PMD_SIZE || (flags & MAP_FIXED) ||
	    len > TASK_SIZE - PMD_SIZE)
		return mapdemo_mm_get_unmapped_area(file, addr, len, pgoff, flags);
	if (addr) {
		ret = mapdemo_mm_get_unmapped_area(file, addr, len, pgoff, flags);
		if (ret == addr)
			return ret;
	}
	ret = mapdemo_mm_get_unmapped_area(file, 0, len + PMD_SIZE, pgoff, flags);
	if (IS_ERR_VALUE(ret))
		return mapdemo_mm_get_unmapped_area(file, addr, len, pgoff, flags);
	return ret + ((off - ret) & ~PMD_MASK);
}
