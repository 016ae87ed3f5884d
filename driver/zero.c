// SPDX-License-Identifier: GPL-2.0
/*
 * zero mode: fresh zero-filled pages for every mapping, like /dev/zero,
 * but served by our own ->fault instead of being handed to shmem.
 *
 * Each mmap() gets a struct zero_map and a file of its own (object.c)
 * whose page cache holds the pages faulted into the mapping, indexed by
 * page offset.  The VMAs that descend from that mmap() - its splits, its
 * mremap()ed moves, its copies in fork children - map that file and share
 * its pages, which is what makes MAP_SHARED shared; the pages are freed
 * when the last of those VMAs is gone.  As pages of a file they have an
 * owner and an index, as /dev/zero's shmem pages do: shared futexes,
 * get_user_pages() and the rest of the core that keys on the page's
 * mapping treat them alike.
 *
 * MAP_PRIVATE read faults map the mapping's (still zero) page read-only;
 * the first write makes the core copy it into an anonymous page, so
 * private writes never reach the page cache.
 *
 * Against the max_pages cap each zero_map is a pool: mmap() reserves its
 * length unless MAP_NORESERVE, and the reservation goes with the zero_map.
 * A mapping grown by mremap() allocates past its reservation; those pages
 * are checked against the cap one by one, as MAP_NORESERVE pages are.
 */
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include "mapdemo.h"

struct zero_map {
	struct mapdemo_object obj;	/* the mapping's file */
	struct address_space *pages;	/* its page cache */
	struct mapdemo_pool pool;	/* the cap's view of @pages */
	unsigned long reserved;		/* pages reserved at mmap() */
};

static struct zero_map *vma_zero_map(struct vm_area_struct *vma)
{
	return container_of(vma->vm_file->private_data, struct zero_map, obj);
}

/*
 * The sources for private write faults: the core copies one into the new
 * anonymous page, so they are only ever read and never mapped.  The core
 * holds the source's page lock and a reference for the copy; with one
 * source a CPU, private write faults on different CPUs neither wait for
 * each other's lock nor bounce one page's refcount between caches.
 */
static DEFINE_PER_CPU(struct page *, cow_source);

/*
 * The page cache is never written back: its pages stay until truncated.
 * They migrate as shmem's do (compaction, hot-remove, soft offline),
 * which a dirty page without ->writepage could not otherwise.
 */
static const struct address_space_operations zero_aops = {
	.dirty_folio	= noop_dirty_folio,
	.migrate_folio	= filemap_migrate_folio,
};

/* The last VMA of the mapping is gone: so are its pages. */
static void zero_map_release(struct mapdemo_object *obj)
{
	struct zero_map *zm = container_of(obj, struct zero_map, obj);

	/* pages pinned elsewhere (vmsplice, O_DIRECT) live on without us */
	truncate_inode_pages(zm->pages, 0);
	mapdemo_pool_drain(obj->mf, &zm->pool);
	mapdemo_pool_unreserve(&zm->pool, zm->reserved);
	kfree(zm);
}

/*
 * Past the cap the fault is a SIGBUS: the OOM killer could free nothing
 * that the cap would then let us use.
 */
static vm_fault_t zero_vm_fault(struct vm_fault *vmf)
{
	struct zero_map *zm = vma_zero_map(vmf->vma);
	struct mapdemo_file *mf = zm->obj.mf;
	struct folio *folio;
	struct page *page;
	vm_fault_t ret;
	int err;

	if (vmf->cow_page) {
		/* A private write: only the copy source is needed. */
		mapdemo_fault_event(vmf, MD_STAT_COW, 0);
		/* a migration after this read only costs some sharing */
		page = this_cpu_read(cow_source);
		get_page(page);
		vmf->page = page;
		return mapdemo_fault_done(vmf, 0);
	}

	err = mapdemo_cache_folio(mf, &zm->pool, zm->pages, vmf->pgoff, &folio);
	if (err) {
		ret = err == -ENOSPC ? VM_FAULT_SIGBUS : VM_FAULT_OOM;
		mapdemo_fault_event(vmf, err == -ENOSPC ? MD_STAT_SIGBUS :
				    MD_STAT_OOM, ret);
		return mapdemo_fault_done(vmf, ret);
	}
	vmf->page = folio_file_page(folio, vmf->pgoff);
	return mapdemo_fault_done(vmf, VM_FAULT_LOCKED);
}

static const struct vm_operations_struct zero_vm_ops = {
	.open	= mapdemo_vma_opened,
	.close	= mapdemo_vma_closed,
	.fault	= zero_vm_fault,
};

static int zero_mmap(struct mapdemo_file *mf, struct mapdemo_map_req *req)
{
	struct zero_map *zm;
	struct inode *inode;
	int ret;

	zm = kzalloc(sizeof(*zm), GFP_KERNEL);
	if (!zm)
		return -ENOMEM;
	if (!(req->flags & VM_NORESERVE)) {
		ret = mapdemo_pool_reserve(&zm->pool, req->pages);
		if (ret)
			goto err_free;
		zm->reserved = req->pages;
	}
	inode = mapdemo_fs_inode(&zero_aops);
	if (IS_ERR(inode)) {
		ret = PTR_ERR(inode);
		goto err_unreserve;
	}
	/* no end: the offset is anything mmap() accepts */
	i_size_write(inode, MAX_LFS_FILESIZE);
	/*
	 * Unlinked, as shmem_file_setup() makes a shared /dev/zero mapping's
	 * file: a core dump takes a shared mapping of an unlinked file for
	 * anonymous shared memory (coredump_filter bit 1, on by default) and
	 * of a linked one for a mapped file (bit 3, off by default).
	 */
	clear_nlink(inode);
	zm->pages = inode->i_mapping;
	ret = mapdemo_object_attach(req, &zm->obj, inode, zero_map_release);
	if (ret)
		goto err_unreserve;

	req->vm_ops = &zero_vm_ops;
	return 0;

err_unreserve:
	mapdemo_pool_unreserve(&zm->pool, zm->reserved);
err_free:
	kfree(zm);
	return ret;
}

/* read() gives zeros and write() swallows, as /dev/zero does. */
static ssize_t zero_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	size_t done = 0;

	while (iov_iter_count(to)) {
		size_t chunk = min_t(size_t, iov_iter_count(to), PAGE_SIZE);
		size_t n = iov_iter_zero(chunk, to);

		done += n;
		if (n < chunk)
			return done ? done : -EFAULT;
		if (signal_pending(current))
			return done ? done : -ERESTARTSYS;
		cond_resched();
	}
	return done;
}

static ssize_t zero_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	size_t count = iov_iter_count(from);

	iov_iter_advance(from, count);
	return count;
}

const struct mapdemo_mode_ops mapdemo_zero_ops = {
	.mmap		= zero_mmap,
	.read_iter	= zero_read_iter,
	.write_iter	= zero_write_iter,
};

void mapdemo_zero_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		if (per_cpu(cow_source, cpu))
			__free_page(per_cpu(cow_source, cpu));
		per_cpu(cow_source, cpu) = NULL;
	}
}

int mapdemo_zero_init(void)
{
	struct page *page;
	int cpu;

	for_each_possible_cpu(cpu) {
		page = alloc_pages_node(cpu_to_node(cpu),
					GFP_KERNEL | __GFP_ZERO, 0);
		if (!page) {
			mapdemo_zero_exit();
			return -ENOMEM;
		}
		per_cpu(cow_source, cpu) = page;
	}
	return 0;
}
