// SPDX-License-Identifier: GPL-2.0
/* 6.17: vmf_insert_mixed() takes a plain pfn ("mm: remove pfn_t type") */
#include <linux/mm.h>

vm_fault_t mapdemo_probe(struct vm_area_struct *vma, unsigned long addr,
			 unsigned long pfn);
vm_fault_t mapdemo_probe(struct vm_area_struct *vma, unsigned long addr,
			 unsigned long pfn)
{
	return vmf_insert_mixed(vma, addr, pfn);
}
