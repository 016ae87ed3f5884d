// SPDX-License-Identifier: GPL-2.0
/*
 * sparse mode: one device-wide buffer of sparse_size bytes, behaving like
 * a tmpfs file of fixed size.
 *
 * The buffer is the page cache of an inode of our own (on a pseudo
 * filesystem mounted by the module), so the core's fault-around
 * (filemap_map_pages) can map populated pages in batches, the pages get
 * proper rmap and LRU handling, and i_size is the buffer's end.  Every
 * sparse-mode file points its f_mapping at that page cache when mapped.
 *
 * Pages are allocated zeroed by mapdemo_folio_alloc() on first touch and
 * stay until reset, resize or unload.  They are kept dirty (with no
 * writeback) and the mapping unevictable, so neither reclaim nor
 * drop_caches can take them, as with ramfs.
 *
 * Past the end: a page wholly past i_size is a SIGBUS; in the last,
 * partial page the bytes past i_size are zero when the page is created,
 * are never returned by read() nor written by write(), and are zeroed
 * again when the last mapping goes and on resize, so what one mapper
 * wrote there never reaches the buffer - as mmap(2) says of files.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include "mapdemo.h"

static unsigned long long sparse_size = 16 << 20;
module_param(sparse_size, ullong, 0444);
MODULE_PARM_DESC(sparse_size, "bytes in the sparse buffer at load (default 16 MiB)");

/* Off, every page costs a fault of its own: the baseline for fault-around. */
static bool sparse_fault_around = true;
module_param(sparse_fault_around, bool, 0644);
MODULE_PARM_DESC(sparse_fault_around, "map populated neighbours of a faulting page (default on; read at mmap)");

static struct inode *sparse_inode;

/*
 * sparse_lock serialises mmap(), the end of a mapping and reset/resize,
 * so that the buffer changes size or loses pages only while nothing maps
 * it.  It nests inside mmap_lock (->mmap runs under it) and is never held
 * across a copy to or from userspace.
 *
 * A mapping is counted from its mmap() until its file (object.c) is
 * released, which is after the last of its VMAs is closed, or when the
 * mmap() fails after ->mmap: so the count is right whatever the core does
 * with the VMAs in between.
 */
static DEFINE_MUTEX(sparse_lock);
static unsigned long sparse_maps;	/* mappings of the buffer */
static unsigned long sparse_reserving;	/* those without MAP_NORESERVE */
static unsigned long sparse_reserved;	/* pages reserved for them */

struct sparse_map {
	struct mapdemo_object obj;
	bool reserve;			/* counted in sparse_reserving */
};

/* The pages in the buffer; pages.c owns its fields (under its own lock). */
static struct mapdemo_pool sparse_pool;

static struct address_space *sparse_mapping(void)
{
	return sparse_inode->i_mapping;
}

struct address_space *mapdemo_sparse_mapping(void)
{
	return sparse_mapping();
}

static pgoff_t sparse_pages(loff_t size)
{
	return DIV_ROUND_UP(size, PAGE_SIZE);
}

/* Called by the page cache once a buffer page has left it. */
static void sparse_free_folio(struct folio *folio)
{
	mapdemo_pool_uncharge(NULL, &sparse_pool, 1, true);
}

/* Migrate as shmem's pages do; see zero.c's zero_aops. */
static const struct address_space_operations sparse_aops = {
	.dirty_folio	= noop_dirty_folio,
	.migrate_folio	= filemap_migrate_folio,
	.free_folio	= sparse_free_folio,
};

/*
 * The buffer's pages are the device's, whichever file's fault or write
 * made them and whichever file's reset drops them: their allocations and
 * frees count in the device's counters only, so that every file's
 * pages_alloc, pages_freed and pages_live mean the pages of its own
 * (zero mode) mappings.
 */
static int sparse_get_folio(pgoff_t index, struct folio **foliop)
{
	return mapdemo_cache_folio(NULL, &sparse_pool, sparse_mapping(), index, 0,
				   foliop);
}

/* Zero the bytes of the last page past @size, if that page exists. */
static void sparse_zero_tail(loff_t size)
{
	size_t off = offset_in_page(size);
	struct folio *folio;

	if (!off)
		return;
	folio = mapdemo_filemap_lock_folio(sparse_mapping(), size >> PAGE_SHIFT);
	if (IS_ERR(folio))
		return;
	folio_zero_segment(folio, off, PAGE_SIZE);
	folio_unlock(folio);
	folio_put(folio);
}

/*
 * For write(): the page at @pos, unlocked, if @pos is still in
 * the buffer.  The invalidate lock keeps a concurrent shrink from leaving
 * a page past the new end.
 */
static int sparse_write_folio(loff_t pos, struct folio **foliop)
{
	struct address_space *mapping = sparse_mapping();
	int ret = -ENOSPC;

	filemap_invalidate_lock_shared(mapping);
	if (pos < i_size_read(sparse_inode))
		ret = sparse_get_folio(pos >> PAGE_SHIFT, foliop);
	filemap_invalidate_unlock_shared(mapping);
	if (!ret)
		folio_unlock(*foliop);
	return ret;
}

/* A fault that cannot have its page: SIGBUS past the end or the cap. */
static vm_fault_t sparse_fault_error(struct vm_fault *vmf, int err)
{
	if (err == -ENOSPC) {
		mapdemo_fault_event(vmf, MD_STAT_SIGBUS, VM_FAULT_SIGBUS);
		return mapdemo_fault_done(vmf, VM_FAULT_SIGBUS);
	}
	mapdemo_fault_event(vmf, MD_STAT_OOM, VM_FAULT_OOM);
	return mapdemo_fault_done(vmf, VM_FAULT_OOM);
}

static vm_fault_t sparse_fault(struct vm_fault *vmf)
{
	struct folio *folio;
	int err;

	/* i_size cannot change under us: resize waits until nothing maps */
	if (vmf->pgoff >= sparse_pages(i_size_read(sparse_inode)))
		return sparse_fault_error(vmf, -ENOSPC);
	folio = ERR_PTR(-ENOENT);
	if (vmf->cow_page) {
		/*
		 * A private write over a hole copies zeros: from one of the
		 * driver's zero pages, and the buffer stays a hole.  Over a
		 * page, it copies that page, found here once.
		 */
		folio = mapdemo_filemap_lock_folio(sparse_mapping(), vmf->pgoff);
		if (IS_ERR(folio)) {
			vmf->page = mapdemo_zero_page_get();
			if (vmf->page) {
				mapdemo_fault_event(vmf, MD_STAT_COW, 0);
				return mapdemo_fault_done(vmf, 0);
			}
		}
	}
	if (IS_ERR(folio)) {
		err = sparse_get_folio(vmf->pgoff, &folio);
		if (err)
			return sparse_fault_error(vmf, err);
	}
	if (vmf->cow_page)
		mapdemo_fault_event(vmf, MD_STAT_COW, VM_FAULT_LOCKED);
	vmf->page = folio_file_page(folio, vmf->pgoff);
	return mapdemo_fault_done(vmf, VM_FAULT_LOCKED);
}

static vm_fault_t sparse_page_mkwrite(struct vm_fault *vmf)
{
	struct folio *folio = page_folio(vmf->page);
	vm_fault_t ret = VM_FAULT_LOCKED;

	folio_lock(folio);
	if (folio->mapping != sparse_mapping()) {
		/* dropped while we waited: let the fault start over */
		folio_unlock(folio);
		ret = VM_FAULT_NOPAGE;
	} else {
		folio_mark_dirty(folio);
	}
	mapdemo_fault_event(vmf, MD_STAT_MKWRITE, ret);
	return ret;
}

/* sparse_lock held: the last reserving mapping gives the reservation back */
static void sparse_unreserve_one(void)
{
	if (!--sparse_reserving) {
		mapdemo_pool_unreserve(&sparse_pool, sparse_reserved);
		sparse_reserved = 0;
	}
}

/* A mapping is gone, all its VMAs with it. */
static void sparse_map_release(struct mapdemo_object *obj)
{
	struct sparse_map *sm = container_of(obj, struct sparse_map, obj);

	mutex_lock(&sparse_lock);
	if (sm->reserve)
		sparse_unreserve_one();
	if (!--sparse_maps)
		sparse_zero_tail(i_size_read(sparse_inode));
	mutex_unlock(&sparse_lock);
	kfree(sm);
}

static const struct vm_operations_struct sparse_vm_ops = {
	.open		= mapdemo_vma_opened,
	.close		= mapdemo_vma_closed,
	MAPDEMO_VM_MAPPED
	.fault		= sparse_fault,
	.map_pages	= mapdemo_map_pages,
	.page_mkwrite	= sparse_page_mkwrite,
};

static const struct vm_operations_struct sparse_vm_ops_no_around = {
	.open		= mapdemo_vma_opened,
	.close		= mapdemo_vma_closed,
	MAPDEMO_VM_MAPPED
	.fault		= sparse_fault,
	.page_mkwrite	= sparse_page_mkwrite,
};

/*
 * A mapping without MAP_NORESERVE reserves the whole buffer against the
 * cap: pages are shared between every mapper, so any one of them may
 * populate all of it.  The reservation is held until the last such
 * mapping goes.  Each mapping maps a file of its own (object.c) of the
 * buffer's inode, so its VMAs never merge with another mapping's.
 */
static int sparse_mmap(struct mapdemo_file *mf, struct mapdemo_map_req *req)
{
	struct sparse_map *sm;
	int ret = 0;

	sm = kzalloc(sizeof(*sm), GFP_KERNEL);
	if (!sm)
		return -ENOMEM;
	sm->reserve = !(req->flags & VM_NORESERVE);

	mutex_lock(&sparse_lock);
	if (sm->reserve && !sparse_reserving) {
		unsigned long pages = sparse_pages(i_size_read(sparse_inode));

		ret = mapdemo_pool_reserve(&sparse_pool, pages);
		if (ret)
			goto out;
		sparse_reserved = pages;
	}
	sparse_reserving += sm->reserve;
	ihold(sparse_inode);
	ret = mapdemo_object_attach(req, &sm->obj, sparse_inode,
				    sparse_map_release);
	if (ret) {
		if (sm->reserve)
			sparse_unreserve_one();
		goto out;
	}
	sm = NULL;
	sparse_maps++;
	req->vm_ops = READ_ONCE(sparse_fault_around) ? &sparse_vm_ops :
						       &sparse_vm_ops_no_around;
out:
	mutex_unlock(&sparse_lock);
	kfree(sm);
	return ret;
}

/*
 * read()/write() at the file offset, within the buffer only: a fixed-size
 * file, like a block device (write at or past the end: -ENOSPC).  Holes
 * read zero without being allocated.  The copies run with no lock held
 * but a reference on the page, so they may fault on a mapping of the
 * buffer itself.
 */
static ssize_t sparse_rw(struct kiocb *iocb, struct iov_iter *iter, bool write)
{
	loff_t size = i_size_read(sparse_inode);
	loff_t pos = iocb->ki_pos;
	ssize_t done = 0;
	int err = 0;

	if (pos >= size)
		return write && iov_iter_count(iter) ? -ENOSPC : 0;
	iov_iter_truncate(iter, size - pos);

	while (iov_iter_count(iter)) {
		size_t off = offset_in_page(pos);
		size_t n = min_t(size_t, iov_iter_count(iter), PAGE_SIZE - off);
		struct folio *folio = NULL;
		size_t copied;

		if (write) {
			err = sparse_write_folio(pos, &folio);
			if (err)
				break;
			copied = copy_page_from_iter(folio_page(folio, 0), off, n,
						     iter);
		} else {
			folio = mapdemo_filemap_get_folio(sparse_mapping(),
							  pos >> PAGE_SHIFT);
			if (IS_ERR(folio)) {
				folio = NULL;
				copied = iov_iter_zero(n, iter);
			} else {
				copied = copy_page_to_iter(folio_page(folio, 0),
							   off, n, iter);
			}
		}
		if (folio)
			folio_put(folio);
		done += copied;
		pos += copied;
		if (copied < n) {
			err = -EFAULT;
			break;
		}
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		cond_resched();
	}
	iocb->ki_pos = pos;
	return done ? done : err;
}

static ssize_t sparse_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	return sparse_rw(iocb, to, false);
}

static ssize_t sparse_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	return sparse_rw(iocb, from, true);
}

static loff_t sparse_llseek(struct file *file, loff_t offset, int whence)
{
	return fixed_size_llseek(file, offset, whence,
				 i_size_read(sparse_inode));
}

const struct mapdemo_mode_ops mapdemo_sparse_ops = {
	.mmap		= sparse_mmap,
	.read_iter	= sparse_read_iter,
	.write_iter	= sparse_write_iter,
	.llseek		= sparse_llseek,
	.get_unmapped_area = mapdemo_aligned_unmapped_area,
};

void mapdemo_sparse_info(struct mapdemo_info *info)
{
	info->sparse_size = i_size_read(sparse_inode);
}

/* Drop pages from @from on and set the size; sparse_lock held, unmapped. */
static void sparse_truncate(loff_t from, loff_t size)
{
	struct address_space *mapping = sparse_mapping();

	filemap_invalidate_lock(mapping);
	truncate_inode_pages(mapping, from);
	i_size_write(sparse_inode, size);
	filemap_invalidate_unlock(mapping);
}

static long sparse_reset(void)
{
	long ret = 0;

	mutex_lock(&sparse_lock);
	if (sparse_maps)
		ret = -EBUSY;
	else
		sparse_truncate(0, i_size_read(sparse_inode));
	mutex_unlock(&sparse_lock);
	return ret;
}

static long sparse_resize(u64 __user *arg)
{
	loff_t old;
	long ret = 0;
	u64 size;

	if (get_user(size, arg))
		return -EFAULT;
	if (size > MAX_LFS_FILESIZE)
		return -EINVAL;

	mutex_lock(&sparse_lock);
	if (sparse_maps) {
		ret = -EBUSY;
	} else {
		/*
		 * Truncating at the smaller size drops the pages past it and
		 * zeroes the rest of its last page, so a grown buffer shows
		 * zeros where the old end was.
		 */
		old = i_size_read(sparse_inode);
		sparse_truncate(min_t(loff_t, old, size), size);
	}
	mutex_unlock(&sparse_lock);
	return ret;
}

long mapdemo_sparse_ioctl(struct mapdemo_file *mf, unsigned int cmd,
			  void __user *arg)
{
	if (READ_ONCE(mf->mode) != MAPDEMO_MODE_SPARSE)
		return -EINVAL;
	switch (cmd) {
	case MAPDEMO_IOC_RESET:
		return sparse_reset();
	case MAPDEMO_IOC_RESIZE:
		return sparse_resize(arg);
	default:
		return -ENOTTY;
	}
}

int mapdemo_sparse_init(void)
{
	if (sparse_size > MAX_LFS_FILESIZE) {
		pr_err("sparse_size=%llu: larger than a file can be\n",
		       sparse_size);
		return -EINVAL;
	}

	sparse_inode = mapdemo_fs_inode(&sparse_aops);
	if (IS_ERR(sparse_inode))
		return PTR_ERR(sparse_inode);
	i_size_write(sparse_inode, sparse_size);
	return 0;
}

void mapdemo_sparse_exit(void)
{
	truncate_inode_pages_final(sparse_inode->i_mapping);
	iput(sparse_inode);
}
