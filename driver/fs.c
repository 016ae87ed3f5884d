// SPDX-License-Identifier: GPL-2.0
/*
 * The driver's pseudo filesystem: never mounted in any namespace, it
 * holds the inodes whose page caches back sparse mode's buffer and zero
 * mode's mappings, and the files each mmap() of zero and sparse mode
 * gets (object.c).
 */
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>

#include "mapdemo.h"

#define MAPDEMO_FS_MAGIC 0x6d647370	/* "mdsp" */

static struct vfsmount *mapdemo_mnt;

static int mapdemo_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, MAPDEMO_FS_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type mapdemo_fs_type = {
	.name			= "mapdemo",
	.init_fs_context	= mapdemo_init_fs_context,
	.kill_sb		= kill_anon_super,
};

struct vfsmount *mapdemo_fs_mount(void)
{
	return mapdemo_mnt;
}

/*
 * A new inode whose page cache holds pages of ours: never written back,
 * never reclaimed (the pages are kept dirty, the mapping unevictable, as
 * ramfs does), order-0 pages only (the pools count pages, not folios).
 */
struct inode *mapdemo_fs_inode(const struct address_space_operations *aops)
{
	struct inode *inode = alloc_anon_inode(mapdemo_mnt->mnt_sb);

	if (IS_ERR(inode))
		return inode;
	inode->i_mapping->a_ops = aops;
	mapping_set_unevictable(inode->i_mapping);
	mapping_set_gfp_mask(inode->i_mapping, GFP_HIGHUSER);
	return inode;
}

int mapdemo_fs_init(void)
{
	mapdemo_mnt = kern_mount(&mapdemo_fs_type);
	return PTR_ERR_OR_ZERO(mapdemo_mnt);
}

void mapdemo_fs_exit(void)
{
	kern_unmount(mapdemo_mnt);
}
