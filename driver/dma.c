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
#include <linux/dma-map-ops.h>
#include <linux/of.h>
#include <linux/of_device.h>
#include <linux/of_platform.h>
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
 * without its buffer.  Where the device tree has a node compatible with
 * MAPDEMO_DT_COMPATIBLE, the device the kernel made for it at boot is
 * used instead, configured for DMA from that node (of_dma_configure()):
 * its "dma-coherent" property then decides whether the CPU's caches need
 * maintenance, as for a real device on a board.  Without a node, arm64
 * takes a device as not coherent; x86 always as coherent.
 */
#define MAPDEMO_DT_COMPATIBLE	"mapdemo,dma-buffer"
static struct platform_device *dma_pdev;
static struct device_node *dma_np;	/* the node dma_pdev came from, or NULL */

u32 mapdemo_dma_default_style(void)
{
	return default_style;
}

static bool dma_coherent(void)
{
	return dev_is_dma_coherent(&dma_pdev->dev);
}

/*
 * Can a mapping be given the attribute @cache?  CACHED always.  WC and
 * UNCACHED only for a device that is not DMA-coherent.  Every page of
 * the buffer keeps a cacheable alias, the kernel's direct map, which
 * zeroed it and which read() and write() use.  The DMA API cleans and
 * invalidates that alias for a non-coherent device only; for a coherent
 * one it does nothing, so a dirty line of it could later be written back
 * over what the uncached mapping stored, and nothing the driver may call
 * would prevent it.  That covers x86 too, whose devices are all coherent,
 * and where the alias is itself forbidden: with PAT, RAM whose direct
 * map is write-back must not be mapped WC or UC elsewhere.  The kernel
 * keeps pfn and mixed inserts (track_pfn_insert() on 6.1,
 * pfnmap_setup_cachemode() from 6.16's "mm: introduce pfnmap_track()")
 * to the page's own memtype (WB) whatever the VMA asks, while
 * vm_insert_page() (page style) would honour the VMA's attribute and
 * make the forbidden alias; set_memory_wc() on the direct map would make
 * it legal, but page style's pages can outlive the module in a pinner's
 * hands and would go back to the allocator still WC.  arm64 permits the
 * mismatched alias (the kernel's own non-coherent DMA remaps so) as long
 * as the cacheable side is maintained, which the syncs do.
 */
static bool cache_possible(u32 cache)
{
	return cache == MAPDEMO_DMA_CACHED || !dma_coherent();
}

pgprot_t mapdemo_cache_prot(pgprot_t prot, u32 cache)
{
	switch (cache) {
	case MAPDEMO_DMA_WC:
		return pgprot_writecombine(prot);
	case MAPDEMO_DMA_UNCACHED:
		return pgprot_noncached(prot);
	default:
		return prot;
	}
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
	req->cache = mf->dma_cache;
	/*
	 * An uncached mapping reads memory, not the caches: write back what
	 * the direct map holds dirty for this range (the zeroing at load, a
	 * write()) before the mapping can see it.
	 */
	if (req->cache != MAPDEMO_DMA_CACHED)
		mapdemo_dma_buf_sync(&mapdemo_dma_buffer,
				     (u64)req->pgoff << PAGE_SHIFT,
				     (u64)req->pages << PAGE_SHIFT, true);
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
	struct mapdemo_file *mf = iocb->ki_filp->private_data;
	size_t size = mapdemo_dma_buffer.size, count, done = 0;
	bool uncached = READ_ONCE(mf->dma_cache) != MAPDEMO_DMA_CACHED;
	loff_t pos = iocb->ki_pos;

	if (pos < 0)
		return -EINVAL;
	if (!iov_iter_count(iter))
		return 0;
	if (pos >= size)
		return write ? -ENOSPC : 0;

	count = min_t(size_t, iov_iter_count(iter), size - pos);
	/*
	 * read() and write() go through the cacheable direct map.  A file
	 * whose mappings are uncached sees memory there: hand the range to
	 * the CPU first, and back to memory after a write, so that both
	 * ways of reaching the buffer agree.
	 */
	if (uncached)
		mapdemo_dma_buf_sync(&mapdemo_dma_buffer, pos, count, false);
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
	if (uncached && write && done)
		mapdemo_dma_buf_sync(&mapdemo_dma_buffer, pos, done, true);
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
	info->dma_cache = READ_ONCE(mf->dma_cache);
	if (dma_pdev && dma_coherent())
		info->flags |= MAPDEMO_INFO_DMA_COHERENT;
	/* a bus address is a way into physical memory: root's only */
	if (mapdemo_dma_buffer.nr_pages && mf->sees_dma_addr) {
		info->dma_addr = mapdemo_dma_buffer.dma_addr;
		info->flags |= MAPDEMO_INFO_DMA_ADDR_VALID;
	}
}

/*
 * Set @field of @mf (its style or cache attribute) to @val.  mf->lock:
 * like the mode, both are fixed by the file's first mmap call.
 */
static long set_until_mmap(struct mapdemo_file *mf, u32 *field, u32 val)
{
	long ret = 0;

	mutex_lock(&mf->lock);
	if (mf->mode_fixed)
		ret = -EBUSY;
	else
		WRITE_ONCE(*field, val);
	mutex_unlock(&mf->lock);
	return ret;
}

static long ioctl_set_style(struct mapdemo_file *mf, u32 __user *arg)
{
	u32 style;

	if (get_user(style, arg))
		return -EFAULT;
	if (style >= MAPDEMO_DMA_STYLE_NR)
		return -EINVAL;
	return set_until_mmap(mf, &mf->dma_style, style);
}

static long ioctl_set_cache(struct mapdemo_file *mf, u32 __user *arg)
{
	u32 cache;

	if (get_user(cache, arg))
		return -EFAULT;
	if (cache >= MAPDEMO_DMA_CACHE_NR)
		return -EINVAL;
	if (!cache_possible(cache))
		return -EOPNOTSUPP;
	return set_until_mmap(mf, &mf->dma_cache, cache);
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
	case MAPDEMO_IOC_SET_DMA_CACHE:
		return ioctl_set_cache(mf, arg);
	case MAPDEMO_IOC_SYNC:
		return ioctl_sync(mf, arg);
	default:
		return -ENOTTY;
	}
}

/*
 * The device tree's node, if any: the platform device of_platform_populate()
 * made for it at boot, which no driver binds (so nothing configured its
 * DMA: really_probe()'s platform_dma_configure() never ran), configured
 * here from the node as a bus would.
 */
static int dma_device_get_of(struct device_node *np)
{
	int ret;

	dma_pdev = of_find_device_by_node(np);
	if (!dma_pdev) {
		pr_err("no platform device for the %s node\n", MAPDEMO_DT_COMPATIBLE);
		of_node_put(np);
		return -ENODEV;
	}
	ret = of_dma_configure(&dma_pdev->dev, np, true);
	if (ret) {
		pr_err("cannot configure DMA from the %s node: %d\n",
		       MAPDEMO_DT_COMPATIBLE, ret);
		put_device(&dma_pdev->dev);
		dma_pdev = NULL;
		of_node_put(np);
		return ret;
	}
	dma_np = np;
	return 0;
}

static int dma_device_get(void)
{
	struct device_node *np;
	int ret;

	np = of_find_compatible_node(NULL, NULL, MAPDEMO_DT_COMPATIBLE);
	if (np)
		return dma_device_get_of(np);
	dma_pdev = platform_device_register_simple("mapdemo-dma",
						   PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(dma_pdev)) {
		ret = PTR_ERR(dma_pdev);
		dma_pdev = NULL;
		return ret;
	}
	return 0;
}

static void dma_device_put(void)
{
	if (dma_np) {
		put_device(&dma_pdev->dev);
		of_node_put(dma_np);
		dma_np = NULL;
	} else {
		platform_device_unregister(dma_pdev);
	}
	dma_pdev = NULL;
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

	ret = dma_device_get();
	if (ret)
		return ret;
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
	dma_device_put();
	return ret;
}

void mapdemo_dma_exit(void)
{
	mapdemo_dma_buf_free(&mapdemo_dma_buffer);
	dma_device_put();
}
