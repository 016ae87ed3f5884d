// SPDX-License-Identifier: GPL-2.0
/*
 * Mapping setup through ->mmap, for kernels without ->mmap_prepare (6.16,
 * c84bf6dd2b83) or whose descriptor this build does not speak: the core
 * has made the VMA and lets us change it before it is linked.
 */
#include <linux/file.h>

#include "mapdemo.h"

#ifndef MAPDEMO_USE_MMAP_PREPARE
int mapdemo_setup_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct mapdemo_map_req req = {
		.file = file,
		.flags = vma->vm_flags,
		.pgoff = vma->vm_pgoff,
		.pages = vma_pages(vma),
	};
	int ret;

	ret = mapdemo_map(file->private_data, &req);
	if (ret)
		return ret;
	vm_flags_mod(vma, req.flags & ~vma->vm_flags,
		     vma->vm_flags & ~req.flags);
	vma->vm_ops = req.vm_ops;
	vma->vm_page_prot = mapdemo_cache_prot(vma->vm_page_prot, req.cache);
	if (req.file != file) {
		vma_set_file(vma, req.file);
		fput(req.file);
	}
	/* a later failure of the mmap() calls ->close on this VMA */
	mapdemo_count(file->private_data, MD_STAT_VMA_OPEN);
	return 0;
}
#endif
