// SPDX-License-Identifier: GPL-2.0
/*
 * dma mode: one physically contiguous buffer of dma_size bytes, allocated
 * at load (dma_buf.c) and shared by every file in dma mode, like the
 * buffer a DMA exporter (u-dma-buf) hands out.
 *
 * Mappings are MAP_SHARED only, never dumped, never grown (VM_DONTDUMP,
 * VM_DONTEXPAND), and lie within the buffer.  A file maps it in one of
 * three styles, chosen before its first mmap(): pfn (device memory:
 * pinning is refused, 2 MiB PMDs), page (struct pages: O_DIRECT and other
 * get_user_pages() users work) or mixed (VM_MIXEDMAP, as TTM and
 * u-dma-buf map memory that has struct pages; see dma_vm.c for what that
 * gives).  This file holds the file side: the
 * parameters, mmap(), read/write/lseek and the ioctls; dma_vm.c the
 * mappings.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/platform_device.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

#include "mapdemo.h"
#include "dma.h"

static unsigned long dma_size = SZ_4M;
module_param(dma_size, ulong, 0444);
MODULE_PARM_DESC(dma_size, "bytes of the dma mode buffer, a multiple of the page size (default 4 MiB; 0: none)");

static char *dma_style = "pfn";
module_param(dma_style, charp, 0444);
MODULE_PARM_DESC(dma_style, "default dma mapping style of a file: pfn, page or mixed");

bool mapdemo_dma_huge = true;
module_param_named(dma_huge, mapdemo_dma_huge, bool, 0444);
MODULE_PARM_DESC(dma_huge, "map the dma buffer by 2 MiB PMDs where possible (default: yes)");

static const char * const style_names[MAPDEMO_DMA_STYLE_NR] = {
	[MAPDEMO_DMA_PFN] = "pfn",
	[MAPDEMO_DMA_PAGE] = "page",
	[MAPDEMO_DMA_MIXED] = "mixed",
};

static u32 default_style;
struct mapdemo_dma_buf mapdemo_dma_buffer;

/*
 * The buffer is mapped for a platform device of our own rather than for
 * the misc device (as udmabuf does): it must exist, with its DMA mask,
 * before /dev/mapdemo appears, so that no open file ever sees the mode
 * without its buffer.
 */
static struct platform_device *dma_pdev;

u32 mapdemo_dma_default_style(void)
{
	return default_style;
}

static int dma_mmap(struct mapdemo_file *mf, struct mapdemo_map_req *req)
{
	unsigned long nr = mapdemo_dma_buffer.nr_pages;

	if (!nr)
		return -ENODEV;
	/*
	 * VM_MAYSHARE is MAP_SHARED (VM_SHARED is dropped for a read-only
	 * fd).  Refusing the rest keeps every VMA of ours out of
	 * is_cow_mapping(), which the core BUG()s on for PFN inserts.
	 */
	if (!(req->flags & VM_MAYSHARE))
		return -EINVAL;
	if (req->pgoff >= nr || req->pages > nr - req->pgoff)
		return -EINVAL;

	req->flags |= VM_DONTEXPAND | VM_DONTDUMP;
	if (mf->dma_style == MAPDEMO_DMA_PFN)
		req->flags |= VM_PFNMAP | VM_IO;
	else if (mf->dma_style == MAPDEMO_DMA_MIXED)
		req->flags |= VM_MIXEDMAP;
	req->vm_ops = &mapdemo_dma_vm_ops;
	return 0;
}

/*
 * Copy between the buffer at the file position and @iter, in chunks that
 * end on 1 MiB boundaries of the buffer: where its PMDs are folios
 * (dma_buf.c), hardened usercopy refuses a copy that runs past the end
 * of one (a BUG, "Kernel memory exposure attempt detected from page
 * alloc"), and a PMD is a whole number of MiB.
 */
static ssize_t dma_rw(struct kiocb *iocb, struct iov_iter *iter, bool write)
{
	size_t size = mapdemo_dma_buffer.size, count, done = 0;
	loff_t pos = iocb->ki_pos;

	if (pos < 0)
		return -EINVAL;
	if (!iov_iter_count(iter))
		return 0;
	if (pos >= size)
		return write ? -ENOSPC : 0;

	count = min_t(size_t, iov_iter_count(iter), size - pos);
	while (done < count) {
		size_t chunk = min_t(size_t, count - done,
				     SZ_1M - (pos + done) % SZ_1M);
		void *p = mapdemo_dma_buffer.vaddr + pos + done;
		size_t n;

		n = write ? copy_from_iter(p, chunk, iter) :
			    copy_to_iter(p, chunk, iter);
		done += n;
		if (n < chunk || signal_pending(current))
			break;
		cond_resched();
	}
	if (!done)
		return signal_pending(current) ? -ERESTARTSYS : -EFAULT;
	iocb->ki_pos = pos + done;
	return done;
}

static ssize_t dma_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	return dma_rw(iocb, to, false);
}

static ssize_t dma_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	return dma_rw(iocb, from, true);
}

/* Like a file of fixed size: positions from 0 to the end of the buffer. */
static loff_t dma_llseek(struct file *file, loff_t offset, int whence)
{
	return fixed_size_llseek(file, offset, whence, mapdemo_dma_buffer.size);
}

const struct mapdemo_mode_ops mapdemo_dma_ops = {
	.mmap			= dma_mmap,
	.read_iter		= dma_read_iter,
	.write_iter		= dma_write_iter,
	.llseek			= dma_llseek,
	.get_unmapped_area	= mapdemo_dma_get_unmapped_area,
};

void mapdemo_dma_info(struct mapdemo_file *mf, struct mapdemo_info *info)
{
	info->dma_size = mapdemo_dma_buffer.size;
	info->dma_style = READ_ONCE(mf->dma_style);
	if (mapdemo_dma_buffer.nr_pmd_folios)
		info->flags |= MAPDEMO_INFO_DMA_PAGE_PMDS;
	/* a bus address is a way into physical memory: root's only */
	if (mapdemo_dma_buffer.nr_pages && mf->sees_dma_addr) {
		info->dma_addr = mapdemo_dma_buffer.dma_addr;
		info->flags |= MAPDEMO_INFO_DMA_ADDR_VALID;
	}
}

static long ioctl_set_style(struct mapdemo_file *mf, u32 __user *arg)
{
	long ret = 0;
	u32 style;

	if (get_user(style, arg))
		return -EFAULT;
	if (style >= MAPDEMO_DMA_STYLE_NR)
		return -EINVAL;

	/* mf->lock: the style, like the mode, is fixed by the first mmap call */
	mutex_lock(&mf->lock);
	if (mf->mode_fixed)
		ret = -EBUSY;
	else
		WRITE_ONCE(mf->dma_style, style);
	mutex_unlock(&mf->lock);
	return ret;
}

static long ioctl_sync(struct mapdemo_file *mf, struct mapdemo_sync __user *arg)
{
	u64 size = mapdemo_dma_buffer.size;
	struct mapdemo_sync s;

	if (copy_from_user(&s, arg, sizeof(s)))
		return -EFAULT;
	if (READ_ONCE(mf->mode) != MAPDEMO_MODE_DMA)
		return -EINVAL;
	if (s.pad || s.direction > MAPDEMO_SYNC_FOR_DEVICE)
		return -EINVAL;
	/* written so that no sum can wrap */
	if (s.offset > size || s.length > size - s.offset)
		return -EINVAL;
	return mapdemo_dma_buf_sync(&mapdemo_dma_buffer, s.offset, s.length,
				    s.direction == MAPDEMO_SYNC_FOR_DEVICE);
}

long mapdemo_dma_ioctl(struct mapdemo_file *mf, unsigned int cmd,
		       void __user *arg)
{
	switch (cmd) {
	case MAPDEMO_IOC_SET_DMA_STYLE:
		return ioctl_set_style(mf, arg);
	case MAPDEMO_IOC_SYNC:
		return ioctl_sync(mf, arg);
	default:
		return -ENOTTY;
	}
}

int mapdemo_dma_init(void)
{
	int style = sysfs_match_string(style_names, dma_style);
	int ret;

	if (style < 0) {
		pr_err("dma_style=%s: not one of pfn, page, mixed\n", dma_style);
		return -EINVAL;
	}
	default_style = style;
	if (!PAGE_ALIGNED(dma_size)) {
		pr_err("dma_size=%lu: not a multiple of the page size %lu\n",
		       dma_size, PAGE_SIZE);
		return -EINVAL;
	}

	dma_pdev = platform_device_register_simple("mapdemo-dma",
						   PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(dma_pdev))
		return PTR_ERR(dma_pdev);
	/* the buffer may lie anywhere in RAM: the device reaches all of it */
	ret = dma_set_mask_and_coherent(&dma_pdev->dev, DMA_BIT_MASK(64));
	if (ret) {
		pr_err("no 64-bit DMA mask for the buffer's device: %d\n", ret);
		goto err_pdev;
	}

	mapdemo_dma_buffer.dev = &dma_pdev->dev;
	ret = mapdemo_dma_buf_alloc(&mapdemo_dma_buffer, dma_size);
	if (ret == -ENOMEM) {
		pr_err("dma_size=%lu: cannot allocate %lu contiguous bytes: %d\n",
		       dma_size, dma_size, ret);
		goto err_pdev;
	}
	if (ret) {
		pr_err("dma_size=%lu: cannot map the buffer for DMA: %d\n",
		       dma_size, ret);
		goto err_pdev;
	}
	return 0;

err_pdev:
	platform_device_unregister(dma_pdev);
	return ret;
}

void mapdemo_dma_exit(void)
{
	mapdemo_dma_buf_free(&mapdemo_dma_buffer);
	platform_device_unregister(dma_pdev);
}
