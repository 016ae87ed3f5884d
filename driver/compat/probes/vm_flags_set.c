// SPDX-License-Identifier: GPL-2.0
/*
 * 6.3, "mm: introduce vma->vm_flags wrapper functions": vm_flags is
 * read-only, changed with vm_flags_set() and vm_flags_clear()
 */
#include <linux/mm.h>

void mapdemo_probe(struct vm_area_struct *vma);
void mapdemo_probe(struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_DONTDUMP);
	vm_flags_clear(vma, VM_MAYEXEC);
}
