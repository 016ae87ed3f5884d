// SPDX-License-Identifier: GPL-2.0
/* 6.12: vma_thp_disabled() ("mm: huge_memory: add vma_thp_disabled() and thp_disabled_by_hw()") */
#include <linux/mm.h>

bool mapdemo_probe(struct vm_area_struct *vma);
bool mapdemo_probe(struct vm_area_struct *vma)
{
	return vma_thp_disabled(vma, vma->vm_flags);
}
