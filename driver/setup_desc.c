// SPDX-License-Identifier: GPL-2.0
/*
 * Mapping setup through ->mmap_prepare (6.16, c84bf6dd2b83): the core
 * describes the mapping before any VMA exists, and makes the VMA - or
 * merges the range into a neighbour - from what we write back.  Nothing
 * half-built is ever visible to us, and a file of our own set here is
 * put by the core if the mmap() fails after us.
 */
#include "mapdemo.h"

#ifdef MAPDEMO_USE_MMAP_PREPARE
int mapdemo_setup_mmap_prepare(struct vm_area_desc *desc)
{
	struct mapdemo_map_req req = {
		.file = desc->vm_file,
		.flags = mapdemo_desc_flags(desc),
		.pgoff = desc->pgoff,
		.pages = vma_desc_pages(desc),
	};
	int ret;

	ret = mapdemo_map(desc->vm_file->private_data, &req);
	if (ret)
		return ret;
	mapdemo_desc_set_flags(desc, req.flags);
	desc->vm_ops = req.vm_ops;
	desc->page_prot = mapdemo_cache_prot(desc->page_prot, req.cache);
	/* the core takes over the reference a new file came with */
	desc->vm_file = req.file;
	return 0;
}

/*
 * The VMA the descriptor described exists: count it, to be matched by
 * its ->close.  An mmap() that fails after ->mmap_prepare makes no VMA
 * and calls no ->close, so counting any earlier would leak.  (The core
 * calls this for no range it merged into a neighbour: ours never merge.)
 */
int mapdemo_vma_mapped(unsigned long start, unsigned long end, pgoff_t pgoff,
		       const struct file *file, void **vm_private_data)
{
	mapdemo_count(mapdemo_file_of(file), MD_STAT_VMA_OPEN);
	return 0;
}
#endif
