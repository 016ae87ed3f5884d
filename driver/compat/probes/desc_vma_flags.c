// SPDX-License-Identifier: GPL-2.0
/* after 6.18: struct vm_area_desc holds vma_flags_t (vma_flags_to_legacy()) */
#include <linux/mm.h>

vm_flags_t mapdemo_probe(struct vm_area_desc *desc);
vm_flags_t mapdemo_probe(struct vm_area_desc *desc)
{
	desc->vma_flags = legacy_to_vma_flags(VM_READ);
	return vma_flags_to_legacy(desc->vma_flags);
}
