// SPDX-License-Identifier: GPL-2.0
/* 6.18: vma_thp_disabled() takes forced_collapse (PR_THP_DISABLE_EXCEPT_ADVISED) */
#include <linux/mm.h>

bool mapdemo_probe(struct vm_area_struct *vma);
bool mapdemo_probe(struct vm_area_struct *vma)
{
	return vma_thp_disabled(vma, vma->vm_flags, false);
}
