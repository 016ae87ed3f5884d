// SPDX-License-Identifier: GPL-2.0
/*
 * mapdemo: a reference character device with its own mmap.
 *
 * /dev/mapdemo is a misc device.  Every open file has a mode (zero,
 * sparse or dma) that decides what its mappings are backed by; the mode
 * is fixed by the first mmap().  This file holds the device, the file
 * operations and the ioctls; each mode lives in a file of its own.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/module.h>
#include <linux/personality.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/sched/mm.h>
#include <linux/uio.h>

#include "mapdemo.h"

static char *mode = "zero";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "default mode of a newly opened file: zero, sparse or dma");

static bool allow_exec;
module_param(allow_exec, bool, 0444);
MODULE_PARM_DESC(allow_exec, "allow PROT_EXEC mappings (default: refused)");

static ushort devmode = 0600;
module_param(devmode, ushort, 0444);
MODULE_PARM_DESC(devmode, "permission bits of /dev/mapdemo (default 0600)");

unsigned long mapdemo_max_pages;
module_param_named(max_pages, mapdemo_max_pages, ulong, 0444);
MODULE_PARM_DESC(max_pages, "cap on pages the driver allocates in all (default: half of RAM)");

static const char * const mode_names[MAPDEMO_MODE_NR] = {
	[MAPDEMO_MODE_ZERO] = "zero",
	[MAPDEMO_MODE_SPARSE] = "sparse",
	[MAPDEMO_MODE_DMA] = "dma",
};

static u32 default_mode;

/* One line a mode; a NULL entry is a mode this build does not offer. */
static const struct mapdemo_mode_ops *const mapdemo_modes[MAPDEMO_MODE_NR] = {
	[MAPDEMO_MODE_ZERO] = &mapdemo_zero_ops,
	[MAPDEMO_MODE_SPARSE] = &mapdemo_sparse_ops,
	[MAPDEMO_MODE_DMA] = &mapdemo_dma_ops,
};

static bool mode_supported(u32 m)
{
	return m < MAPDEMO_MODE_NR && mapdemo_modes[m];
}

/*
 * Sparse mode maps the page cache of its buffer, so f_mapping follows the
 * mode.  Before the first mmap() call only: the core counts a shared
 * writable mapping on file->f_mapping before it calls ->mmap and again on
 * the VMA's file when it links the VMA, and pairs each with a decrement
 * on the same address_space.  A switch between the two counts left one
 * mapping's count short, and every later shared writable mmap() of it
 * failed EPERM (mapping_map_writable() refuses a negative count).
 */
static void set_file_mode(struct file *file, u32 m)
{
	struct mapdemo_file *mf = file->private_data;

	mf->mode = m;
	file->f_mapping = m == MAPDEMO_MODE_SPARSE ? mapdemo_sparse_mapping() :
						     file_inode(file)->i_mapping;
}

static int mapdemo_open(struct inode *inode, struct file *file)
{
	struct mapdemo_file *mf;

	mf = kzalloc(sizeof(*mf), GFP_KERNEL);
	if (!mf)
		return -ENOMEM;
	mf->stats = alloc_percpu(struct mapdemo_counters);
	if (!mf->stats) {
		kfree(mf);
		return -ENOMEM;
	}
	mutex_init(&mf->lock);
	mf->dma_style = mapdemo_dma_default_style();
	/* no audit record: an opener without it is the common case */
	mf->sees_dma_addr = ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN);
	file->private_data = mf;
	set_file_mode(file, default_mode);
	return 0;
}

static int mapdemo_release(struct inode *inode, struct file *file)
{
	struct mapdemo_file *mf = file->private_data;

	free_percpu(mf->stats);
	mutex_destroy(&mf->lock);
	kfree(mf);
	return 0;
}

int mapdemo_map(struct mapdemo_file *mf, struct mapdemo_map_req *req)
{
	int ret;

	/* Executable device memory is an attack vector: refuse it. */
	if (!allow_exec) {
		/*
		 * A READ_IMPLIES_EXEC process gets PROT_EXEC added to every
		 * PROT_READ before we are asked, which would make the device
		 * unmappable to it: drop it, as the core does for a noexec
		 * mount.  The mapping is never executable either way.
		 */
		if (current->personality & READ_IMPLIES_EXEC)
			req->flags &= ~VM_EXEC;
		if (req->flags & VM_EXEC)
			return -EPERM;
		/* and make a later mprotect(PROT_EXEC) fail with EACCES */
		req->flags &= ~VM_MAYEXEC;
	}

	mutex_lock(&mf->lock);
	ret = mapdemo_modes[mf->mode]->mmap(mf, req);
	mutex_unlock(&mf->lock);

	/* the VMA is counted once it exists (setup_vma.c, setup_desc.c) */
	if (!ret)
		mapdemo_count(mf, MD_STAT_MMAPS);
	return ret;
}

static const struct mapdemo_mode_ops *mode_ops(struct file *file)
{
	struct mapdemo_file *mf = file->private_data;

	return mapdemo_modes[READ_ONCE(mf->mode)];
}

/*
 * The first thing the core asks of a file it is about to map, before it
 * counts the mapping on f_mapping: so the mode is fixed here, by the
 * first mmap() call, whether that call then succeeds or not.
 */
static const struct mapdemo_mode_ops *fix_mode(struct file *file)
{
	struct mapdemo_file *mf = file->private_data;
	const struct mapdemo_mode_ops *ops;

	mutex_lock(&mf->lock);
	mf->mode_fixed = true;
	ops = mapdemo_modes[mf->mode];
	mutex_unlock(&mf->lock);
	return ops;
}

static ssize_t mapdemo_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	const struct mapdemo_mode_ops *ops = mode_ops(iocb->ki_filp);

	return ops->read_iter ? ops->read_iter(iocb, to) : -EINVAL;
}

static ssize_t mapdemo_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	const struct mapdemo_mode_ops *ops = mode_ops(iocb->ki_filp);

	return ops->write_iter ? ops->write_iter(iocb, from) : -EINVAL;
}

static loff_t mapdemo_llseek(struct file *file, loff_t offset, int whence)
{
	const struct mapdemo_mode_ops *ops = mode_ops(file);

	return ops->llseek ? ops->llseek(file, offset, whence) :
			     noop_llseek(file, offset, whence);
}

static unsigned long mapdemo_get_unmapped_area(struct file *file,
					       unsigned long addr,
					       unsigned long len,
					       unsigned long pgoff,
					       unsigned long flags)
{
	const struct mapdemo_mode_ops *ops = fix_mode(file);

	if (ops->get_unmapped_area)
		return ops->get_unmapped_area(file, addr, len, pgoff, flags);
	return mapdemo_mm_get_unmapped_area(file, addr, len, pgoff, flags);
}

static long ioctl_set_mode(struct file *file, u32 __user *arg)
{
	struct mapdemo_file *mf = file->private_data;
	long ret = 0;
	u32 m;

	if (get_user(m, arg))
		return -EFAULT;
	if (m >= MAPDEMO_MODE_NR)
		return -EINVAL;
	if (!mode_supported(m))
		return -EOPNOTSUPP;

	mutex_lock(&mf->lock);
	if (mf->mode_fixed)
		ret = -EBUSY;
	else
		set_file_mode(file, m);
	mutex_unlock(&mf->lock);
	return ret;
}

static long ioctl_info(struct mapdemo_file *mf, struct mapdemo_info __user *arg)
{
	struct mapdemo_info info = {
		.mode = READ_ONCE(mf->mode),
		.page_size = PAGE_SIZE,
		.max_pages = mapdemo_max_pages,
		.flags = allow_exec ? MAPDEMO_INFO_ALLOW_EXEC : 0,
	};

	mapdemo_sparse_info(&info);
	mapdemo_dma_info(mf, &info);
	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long ioctl_stats(struct mapdemo_file *mf, struct mapdemo_stats __user *arg)
{
	struct mapdemo_stats st = {};
	u32 scope, pad;

	if (get_user(scope, &arg->scope) || get_user(pad, &arg->pad))
		return -EFAULT;
	if (pad)
		return -EINVAL;

	switch (scope) {
	case MAPDEMO_STATS_DEVICE:
		mapdemo_stats_fill(mapdemo_device_stats(), &st);
		break;
	case MAPDEMO_STATS_FILE:
		mapdemo_stats_fill(mf->stats, &st);
		break;
	default:
		return -EINVAL;
	}
	st.scope = scope;
	return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
}

static long mapdemo_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct mapdemo_file *mf = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case MAPDEMO_IOC_SET_MODE:
		return ioctl_set_mode(file, uarg);
	case MAPDEMO_IOC_GET_MODE:
		return put_user(READ_ONCE(mf->mode), (u32 __user *)uarg);
	case MAPDEMO_IOC_INFO:
		return ioctl_info(mf, uarg);
	case MAPDEMO_IOC_STATS:
		return ioctl_stats(mf, uarg);
	case MAPDEMO_IOC_RESET:
	case MAPDEMO_IOC_RESIZE:
		/*
		 * They change the bytes every opener sees, so like write()
		 * they need a file opened for writing.
		 */
		if (!(file->f_mode & FMODE_WRITE))
			return -EBADF;
		return mapdemo_sparse_ioctl(mf, cmd, uarg);
	case MAPDEMO_IOC_SYNC:
		/*
		 * Either direction changes what others see: handing the
		 * buffer to the CPU on a non-coherent platform invalidates
		 * cache lines another opener may have written.
		 */
		if (!(file->f_mode & FMODE_WRITE))
			return -EBADF;
		return mapdemo_dma_ioctl(mf, cmd, uarg);
	case MAPDEMO_IOC_SET_DMA_CACHE:
		/*
		 * A wc or uncached file's mmap and read() sync the buffer,
		 * and a sync for the CPU on a non-coherent device discards
		 * cache lines another opener may have written: as for
		 * MAPDEMO_IOC_SYNC, a file open for writing only.
		 */
		if (!(file->f_mode & FMODE_WRITE))
			return -EBADF;
		return mapdemo_dma_ioctl(mf, cmd, uarg);
	case MAPDEMO_IOC_SET_DMA_STYLE:
		/* the style, like the mode, is the opener's own */
		return mapdemo_dma_ioctl(mf, cmd, uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations mapdemo_fops = {
	.owner		= THIS_MODULE,
	.open		= mapdemo_open,
	.release	= mapdemo_release,
	MAPDEMO_FOP_SETUP,	/* ->mmap_prepare or ->mmap: setup_*.c */
	.read_iter	= mapdemo_read_iter,
	.write_iter	= mapdemo_write_iter,
	.llseek		= mapdemo_llseek,
	.fsync		= noop_fsync,	/* msync(MS_SYNC): memory has no disk */
	.get_unmapped_area = mapdemo_get_unmapped_area,
	.unlocked_ioctl	= mapdemo_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static struct miscdevice mapdemo_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= MAPDEMO_DEVICE_NAME,
	.fops	= &mapdemo_fops,
	.groups	= mapdemo_groups,
};

static int __init mapdemo_parse_params(void)
{
	int m = sysfs_match_string(mode_names, mode);

	if (m < 0 || !mode_supported(m)) {
		pr_err("mode=%s: not one of zero, sparse, dma\n", mode);
		return -EINVAL;
	}
	default_mode = m;

	if (devmode & ~0666) {
		pr_err("devmode=%#o: only read and write bits may be set\n",
		       devmode);
		return -EINVAL;
	}
	mapdemo_misc.mode = devmode;

	if (!mapdemo_max_pages)
		mapdemo_max_pages = totalram_pages() / 2;
	return 0;
}

static int __init mapdemo_init(void)
{
	int ret;

	ret = mapdemo_parse_params();
	if (ret)
		return ret;

	ret = mapdemo_stats_init();
	if (ret)
		return ret;
	ret = mapdemo_pages_init();
	if (ret)
		goto err_stats;
	ret = mapdemo_fs_init();
	if (ret)
		goto err_pages;
	ret = mapdemo_zero_init();
	if (ret)
		goto err_fs;
	ret = mapdemo_sparse_init();
	if (ret)
		goto err_zero;
	ret = mapdemo_dma_init();
	if (ret)
		goto err_sparse;
	ret = misc_register(&mapdemo_misc);
	if (ret) {
		pr_err("cannot register /dev/%s: %d\n", MAPDEMO_DEVICE_NAME, ret);
		goto err_dma;
	}
	return 0;

err_dma:
	mapdemo_dma_exit();
err_sparse:
	mapdemo_sparse_exit();
err_zero:
	mapdemo_zero_exit();
err_fs:
	mapdemo_fs_exit();
err_pages:
	mapdemo_pages_exit();
err_stats:
	mapdemo_stats_exit();
	return ret;
}

static void __exit mapdemo_exit(void)
{
	misc_deregister(&mapdemo_misc);
	mapdemo_dma_exit();
	mapdemo_sparse_exit();
	mapdemo_zero_exit();
	mapdemo_fs_exit();
	mapdemo_pages_exit();
	mapdemo_stats_exit();
}

module_init(mapdemo_init);
module_exit(mapdemo_exit);

MODULE_DESCRIPTION("Reference mmap driver: zero, sparse and DMA mappings");
MODULE_AUTHOR("The mapdemo authors");
MODULE_LICENSE("GPL");
