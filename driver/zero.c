// SPDX-License-Identifier: GPL-2.0
/*
 * zero mode: fresh zero-filled pages for every mapping, like /dev/zero,
 * but served by our own ->fault instead of being handed to shmem.
 *
 * Each mmap() gets a struct zero_map holding the pages faulted into it,
 * indexed by page offset.  The VMAs that descend from that mmap() - its
 * splits, its mremap()ed moves, its copies in fork children - share the
 * zero_map and its pages, which is what makes MAP_SHARED shared.  The
 * pages are freed when the last of those VMAs is closed.
 *
 * MAP_PRIVATE read faults map the shared (still zero) page read-only;
 * the first write makes the core copy it into an anonymous page, so
 * private writes never reach the zero_map.
 *
 * Against the max_pages cap each zero_map is a pool: mmap() reserves its
 * length unless MAP_NORESERVE, and the reservation goes with the zero_map.
 * A mapping grown by mremap() allocates past its reservation; those pages
 * are checked against the cap one by one, as MAP_NORESERVE pages are.
 */
#include <linux/highmem.h>
#include <linux/refcount.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/xarray.h>

#include "mapdemo.h"

struct zero_map {
	refcount_t users;		/* VMAs sharing @pages */
	struct mapdemo_file *mf;	/* the file mapped; outlives its VMAs */
	struct xarray pages;		/* page offset -> struct page */
	struct mapdemo_pool pool;	/* the cap's view of @pages */
	unsigned long reserved;		/* pages reserved at mmap() */
};

/*
 * The sources for private write faults: the core copies one into the new
 * anonymous page, so they are only ever read and never mapped.  The core
 * holds the source's page lock and a reference for the copy; with one
 * source a CPU, private write faults on different CPUs neither wait for
 * each other's lock nor bounce one page's refcount between caches.
 */
static DEFINE_PER_CPU(struct page *, cow_source);

static void zero_vm_open(struct vm_area_struct *vma)
{
	struct zero_map *zm = vma->vm_private_data;

	refcount_inc(&zm->users);
	mapdemo_vma_opened(vma);
}

static void zero_map_free(struct zero_map *zm)
{
	struct page *page;
	unsigned long idx;

	xa_for_each(&zm->pages, idx, page)
		mapdemo_page_free(zm->mf, &zm->pool, page);
	xa_destroy(&zm->pages);
	mapdemo_pool_unreserve(&zm->pool, zm->reserved);
	kfree(zm);
}

static void zero_vm_close(struct vm_area_struct *vma)
{
	struct zero_map *zm = vma->vm_private_data;

	mapdemo_vma_closed(vma);
	if (refcount_dec_and_test(&zm->users))
		zero_map_free(zm);
}

/*
 * Find the page at @pgoff, allocating it zeroed on first touch.  Past
 * the cap the fault is a SIGBUS: the OOM killer could free nothing that
 * the cap would then let us use.
 */
static struct page *zero_map_page(struct zero_map *zm, pgoff_t pgoff,
				  vm_fault_t *err)
{
	struct page *page, *old;

	page = xa_load(&zm->pages, pgoff);
	if (page)
		return page;

	page = mapdemo_page_alloc(zm->mf, &zm->pool, __GFP_ACCOUNT);
	if (IS_ERR(page)) {
		*err = PTR_ERR(page) == -ENOSPC ? VM_FAULT_SIGBUS : VM_FAULT_OOM;
		return NULL;
	}

	/*
	 * Two threads may fault the same offset at once; the xarray's own
	 * lock (taken inside xa_cmpxchg) decides which page wins.
	 */
	old = xa_cmpxchg(&zm->pages, pgoff, NULL, page, GFP_KERNEL);
	if (xa_is_err(old)) {
		mapdemo_page_free(zm->mf, &zm->pool, page);
		*err = VM_FAULT_OOM;
		return NULL;
	}
	if (old) {
		mapdemo_page_free(zm->mf, &zm->pool, page);
		page = old;
	}
	return page;
}

static vm_fault_t zero_vm_fault(struct vm_fault *vmf)
{
	struct zero_map *zm = vmf->vma->vm_private_data;
	vm_fault_t err = 0;
	struct page *page;

	mapdemo_count(zm->mf, MD_STAT_FAULTS);

	if (vmf->cow_page) {
		/* A private write: only the copy source is needed. */
		mapdemo_count(zm->mf, MD_STAT_COW);
		/* a migration after this read only costs some sharing */
		page = this_cpu_read(cow_source);
	} else {
		page = zero_map_page(zm, vmf->pgoff, &err);
		if (!page) {
			mapdemo_count(zm->mf, err == VM_FAULT_SIGBUS ?
				      MD_STAT_SIGBUS : MD_STAT_OOM);
			return err;
		}
	}

	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct zero_vm_ops = {
	.open	= zero_vm_open,
	.close	= zero_vm_close,
	.fault	= zero_vm_fault,
};

static int zero_mmap(struct mapdemo_file *mf, struct vm_area_struct *vma)
{
	struct zero_map *zm;
	int ret;

	zm = kzalloc(sizeof(*zm), GFP_KERNEL);
	if (!zm)
		return -ENOMEM;
	if (!(vma->vm_flags & VM_NORESERVE)) {
		ret = mapdemo_pool_reserve(&zm->pool, vma_pages(vma));
		if (ret) {
			kfree(zm);
			return ret;
		}
		zm->reserved = vma_pages(vma);
	}
	refcount_set(&zm->users, 1);
	zm->mf = mf;
	xa_init(&zm->pages);

	vma->vm_private_data = zm;
	vma->vm_ops = &zero_vm_ops;
	return 0;
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
