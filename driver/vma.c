// SPDX-License-Identifier: GPL-2.0
/*
 * Accounting shared by every mode's vm_operations.
 *
 * The core calls ->open for each VMA copied from ours (fork, split, mremap)
 * and ->close for each one removed, but never ->open for the VMA that
 * mmap() itself creates; mmap() accounts for that one.
 */
#include "mapdemo.h"

void mapdemo_vma_opened(struct vm_area_struct *vma)
{
	mapdemo_count(mapdemo_vma_file(vma), MD_STAT_VMA_OPEN);
}

void mapdemo_vma_closed(struct vm_area_struct *vma)
{
	mapdemo_count(mapdemo_vma_file(vma), MD_STAT_VMA_CLOSE);
}
