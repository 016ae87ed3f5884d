// SPDX-License-Identifier: GPL-2.0
/*
 * A file of its own for every mmap() of zero and sparse mode.
 *
 * The VMA that mmap() makes maps /dev/mapdemo; ->mmap replaces that file
 * with a new one on the driver's pseudo filesystem, as /dev/zero's shared
 * mappings get a shmem file.  The new file holds the device file (and so
 * the open file's state and the module) and whatever the mode keeps for
 * the mapping; its VMAs - the mapping's splits, moves and fork copies -
 * hold it, and it is released after the last of them is closed.
 *
 * Why: the core merges a new VMA into a neighbour that maps the same file
 * at the next offset with the same flags, and newer kernels do so even
 * for VMAs with ->close when the merge deletes none (6.12 retries the
 * merge after ->mmap changed the flags, then frees the new VMA without
 * ->close).  A file per mmap() means no VMA of one mmap() ever looks like
 * a neighbour of another's, on any kernel; within one mapping a merge
 * that would delete a VMA is refused while ->close exists.  And zero
 * mode's pages get an owner, the new file's page cache, which is what
 * shared futexes and the rest of the core key on.
 */
#include <linux/file.h>

#include "mapdemo.h"

static int object_release(struct inode *inode, struct file *file)
{
	struct mapdemo_object *obj = file->private_data;
	struct file *dev_file = obj->dev_file;

	obj->release(obj);
	fput(dev_file);
	return 0;
}

/*
 * No .owner: the object holds the device file, and that file holds the
 * module until object_release() has let go of it (fput() defers the
 * device file's release past the end of this one).  So a mapping holds
 * the module once, through its device file, as it always has.
 */
const struct file_operations mapdemo_object_fops = {
	.release	= object_release,
	.fsync		= noop_fsync,	/* msync(MS_SYNC): memory has no disk */
};

/*
 * Give the mapping @req a new file of @inode (whose reference this takes,
 * on success and on failure) that owns @obj: @release(@obj) runs when the
 * last VMA of the mapping is gone, or when the mmap() fails after this.
 */
int mapdemo_object_attach(struct mapdemo_map_req *req,
			  struct mapdemo_object *obj, struct inode *inode,
			  void (*release)(struct mapdemo_object *obj))
{
	struct file *dev_file = req->file;
	struct file *file;

	file = alloc_file_pseudo(inode, mapdemo_fs_mount(), "dev/mapdemo",
				 dev_file->f_flags & O_ACCMODE,
				 &mapdemo_object_fops);
	if (IS_ERR(file)) {
		iput(inode);
		return PTR_ERR(file);
	}
	obj->dev_file = get_file(dev_file);
	obj->mf = dev_file->private_data;
	obj->release = release;
	file->private_data = obj;
	req->file = file;
	return 0;
}
