// SPDX-License-Identifier: GPL-2.0
/*
 * A range of RAM as one compound folio (alloc_contig_frozen_range() with
 * __GFP_COMP, 7.x), mapped whole by a PMD of struct pages
 * (vmf_insert_folio_pmd(), 6.15)
 */
#include <linux/mm.h>

vm_fault_t mapdemo_probe(struct vm_fault *vmf, unsigned long pfn);
vm_fault_t mapdemo_probe(struct vm_fault *vmf, unsigned long pfn)
{
	if (alloc_contig_frozen_range(pfn, pfn + 512, ACR_FLAGS_NONE,
				      GFP_KERNEL | __GFP_COMP))
		return VM_FAULT_OOM;
	folio_ref_unfreeze(pfn_folio(pfn), 1);
	return vmf_insert_folio_pmd(vmf, pfn_folio(pfn), false);
}
