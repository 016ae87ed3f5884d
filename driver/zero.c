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
 * MAP_PRIVATE mappings get no pages of their own: a read fault maps one
 * of the driver's zero pages read-only, as anonymous memory maps the
 * kernel's zero page, and the first write makes the core copy a zero page
 * into an anonymous page, so private reads allocate nothing and private
 * writes never reach the page cache.  MAP_SHARED faults fill the page
 * cache; pages already there are mapped in batches around a read fault
 * (fault-around), as for any file.  Where 2 MiB of a shared mapping lie
 * 2 MiB aligned in both address and offset, its first fault fills them
 * with one 2 MiB folio, which the core maps by one PMD, as it does for
 * the huge pages of a tmpfs file; MADV_NOHUGEPAGE, PR_SET_THP_DISABLE and
 * zero_huge=0 keep them small.
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

static bool zero_huge = true;
module_param(zero_huge, bool, 0644);
MODULE_PARM_DESC(zero_huge, "fill aligned 2 MiB of a shared zero-mode mapping with one huge page (default: yes)");

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
 * The driver's zero pages, one a CPU: the pages private read faults map
 * and private write faults copy from (sparse mode's too, over a hole).
 * Nothing writes to them: the PTEs of a private mapping are never
 * writable, so every write through one - FOLL_FORCE's too - is the
 * core's copy on write.  With one a CPU,
 * faults on different CPUs neither wait for each other's page lock (the
 * core locks the page it maps or copies) nor bounce one refcount between
 * caches; a task that moves to another CPU only costs some sharing.
 *
 * Unlike the kernel's zero page, every PTE of one holds a reference, and
 * a reference count must never wrap: past ZERO_SOURCE_MAX_REFS, as on a
 * page memory_failure() has poisoned, a fault takes the mapping's own
 * page-cache page instead.
 */
static DEFINE_PER_CPU(struct page *, zero_source);
#define ZERO_SOURCE_MAX_REFS	(INT_MAX / 2)

struct page *mapdemo_zero_page_get(void)
{
	struct page *page = this_cpu_read(zero_source);

	if (unlikely(page_ref_count(page) > ZERO_SOURCE_MAX_REFS ||
		     PageHWPoison(page)))
		return NULL;
	get_page(page);
	return page;
}

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
 * The order of the folio a shared fault fills: PMD-sized where the 2 MiB
 * around the fault lie in the VMA, aligned in address and offset alike,
 * and nothing maps them by PTEs yet, as the core needs to map it by one
 * PMD; else a page.
 */
static unsigned int zero_fault_order(struct vm_fault *vmf)
{
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	struct vm_area_struct *vma = vmf->vma;
	unsigned long haddr = vmf->address & HPAGE_PMD_MASK;

	if (!READ_ONCE(zero_huge) || mapdemo_vma_thp_disabled(vma))
		return 0;
	if (haddr < vma->vm_start || vma->vm_end - haddr < HPAGE_PMD_SIZE)
		return 0;
	if (((vma->vm_start >> PAGE_SHIFT) - vma->vm_pgoff) % HPAGE_PMD_NR)
		return 0;
	if (!pmd_none(READ_ONCE(*vmf->pmd)))
		return 0;
	return HPAGE_PMD_ORDER;
#else
	return 0;
#endif
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

	if (vmf->cow_page)
		mapdemo_fault_event(vmf, MD_STAT_COW, 0);
	if (!(vmf->vma->vm_flags & VM_SHARED)) {
		/* the core locks it, maps it read-only or copies it */
		page = mapdemo_zero_page_get();
		if (likely(page)) {
			vmf->page = page;
			return mapdemo_fault_done(vmf, 0);
		}
	}

	err = mapdemo_cache_folio(mf, &zm->pool, zm->pages, vmf->pgoff,
				  vmf->vma->vm_flags & VM_SHARED ?
				  zero_fault_order(vmf) : 0, &folio);
	if (err) {
		ret = err == -ENOSPC ? VM_FAULT_SIGBUS : VM_FAULT_OOM;
		mapdemo_fault_event(vmf, err == -ENOSPC ? MD_STAT_SIGBUS :
				    MD_STAT_OOM, ret);
		return mapdemo_fault_done(vmf, ret);
	}
	vmf->page = folio_file_page(folio, vmf->pgoff);
	return mapdemo_fault_done(vmf, VM_FAULT_LOCKED);
}

static const struct vm_operations_struct zero_shared_vm_ops = {
	.open		= mapdemo_vma_opened,
	.close		= mapdemo_vma_closed,
	MAPDEMO_VM_MAPPED
	.fault		= zero_vm_fault,
	.map_pages	= mapdemo_map_pages,
};

/*
 * A private mapping's page cache is empty but for the rare fallback, so
 * fault-around has nothing to map; its ->map_pages is for the per-VMA
 * lock (compat.h): without one, 6.12 retried every private fault under
 * the mmap lock, and a private write cost 1.76x anonymous memory's.
 */
static const struct vm_operations_struct zero_private_vm_ops = {
	.open		= mapdemo_vma_opened,
	.close		= mapdemo_vma_closed,
	MAPDEMO_VM_MAPPED
	.fault		= zero_vm_fault,
	.map_pages	= MAPDEMO_MAP_PAGES_FOR_VMA_LOCK(mapdemo_map_pages),
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
	mapping_set_large_folios(zm->pages);
	ret = mapdemo_object_attach(req, &zm->obj, inode, zero_map_release);
	if (ret)
		goto err_unreserve;

	req->vm_ops = req->flags & VM_SHARED ? &zero_shared_vm_ops :
					       &zero_private_vm_ops;
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
	/* 2 MiB aligned where 2 MiB or more, so that huge pages can fit */
	.get_unmapped_area = mapdemo_aligned_unmapped_area,
	.read_iter	= zero_read_iter,
	.write_iter	= zero_write_iter,
};

void mapdemo_zero_exit(void)
{
	int cpu;

	/* a page pinned through a private mapping lives on until unpinned */
	for_each_possible_cpu(cpu) {
		if (per_cpu(zero_source, cpu))
			put_page(per_cpu(zero_source, cpu));
		per_cpu(zero_source, cpu) = NULL;
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
		per_cpu(zero_source, cpu) = page;
	}
	return 0;
}
