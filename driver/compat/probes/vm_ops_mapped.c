// SPDX-License-Identifier: GPL-2.0
/*
 * after 6.18: vm_operations_struct->mapped, called once a VMA made from
 * ->mmap_prepare exists (not for a range merged into a neighbour)
 */
#include <linux/fs.h>
#include <linux/mm.h>

static int mapdemo_probe_mapped(unsigned long start, unsigned long end,
				pgoff_t pgoff, const struct file *file,
				void **vm_private_data)
{
	return 0;
}

const struct vm_operations_struct mapdemo_probe_vm_ops = {
	.mapped = mapdemo_probe_mapped,
};
