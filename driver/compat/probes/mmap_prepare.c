// SPDX-License-Identifier: GPL-2.0
/* 6.16: f_op->mmap_prepare(struct vm_area_desc *) (c84bf6dd2b83) */
#include <linux/fs.h>
#include <linux/mm.h>

static int mapdemo_probe_prepare(struct vm_area_desc *desc)
{
	return 0;
}

const struct file_operations mapdemo_probe_fops = {
	.mmap_prepare = mapdemo_probe_prepare,
};
