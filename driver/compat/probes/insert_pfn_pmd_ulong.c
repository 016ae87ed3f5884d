// SPDX-License-Identifier: GPL-2.0
/* 6.17: vmf_insert_pfn_pmd() takes a plain pfn ("mm: remove pfn_t type") */
#include <linux/mm.h>

vm_fault_t mapdemo_probe(struct vm_fault *vmf, unsigned long pfn);
vm_fault_t mapdemo_probe(struct vm_fault *vmf, unsigned long pfn)
{
	return vmf_insert_pfn_pmd(vmf, pfn, false);
}
