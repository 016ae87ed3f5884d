// SPDX-License-Identifier: GPL-2.0
/*
 * The driver's page allocator: a zeroed page or nothing, under a cap.
 *
 * Every page mapped to userspace by zero and sparse mode comes from
 * mapdemo_folio_alloc(), which is the one place that zeroes, so no page can
 * leave the driver with a previous owner's bytes in it.
 *
 * The cap (max_pages) is kept as a commitment, like the kernel's own
 * overcommit accounting: every pool (a zero-mode mapping, the sparse
 * buffer) is charged max(reserved, allocated) pages, and the sum of the
 * charges never exceeds the cap.  mmap() reserves what the mapping may
 * allocate and fails -ENOMEM when that does not fit; a MAP_NORESERVE
 * mapping reserves nothing and each allocation past its pool's
 * reservation is checked on its own, so the fault that crosses the cap
 * fails instead of the mmap().  A reserving mapping therefore never meets
 * the cap in a fault.
 */
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/pagemap.h>
#include <linux/spinlock.h>

#include "mapdemo.h"

/* Pages allocated and not yet freed, across the whole device. */
static atomic_long_t pages_in_use = ATOMIC_LONG_INIT(0);

/*
 * cap_lock guards @committed and every pool's counters; it is a spinlock
 * because pages are uncharged from the page cache's free path.
 */
static DEFINE_SPINLOCK(cap_lock);
static unsigned long committed;

static unsigned long pool_charge(const struct mapdemo_pool *pool)
{
	return max(pool->reserved, pool->allocated);
}

/* Move @pool to (@reserved, @allocated) if the cap allows; cap_lock held. */
static bool pool_update(struct mapdemo_pool *pool, unsigned long reserved,
			unsigned long allocated, bool force)
{
	unsigned long now = pool_charge(pool);
	unsigned long next = max(reserved, allocated);

	if (next > now && !force && committed - now + next > mapdemo_max_pages)
		return false;
	committed = committed - now + next;
	pool->reserved = reserved;
	pool->allocated = allocated;
	return true;
}

int mapdemo_pool_reserve(struct mapdemo_pool *pool, unsigned long pages)
{
	bool ok;

	spin_lock(&cap_lock);
	ok = pages <= mapdemo_max_pages - pool->reserved &&
	     pool_update(pool, pool->reserved + pages, pool->allocated, false);
	spin_unlock(&cap_lock);
	return ok ? 0 : -ENOMEM;
}

void mapdemo_pool_unreserve(struct mapdemo_pool *pool, unsigned long pages)
{
	spin_lock(&cap_lock);
	if (!WARN_ON_ONCE(pages > pool->reserved))
		pool_update(pool, pool->reserved - pages, pool->allocated, true);
	spin_unlock(&cap_lock);
}

/*
 * A zeroed folio of 2^@order pages charged to @pool, ERR_PTR(-ENOSPC)
 * when the cap does not allow it, ERR_PTR(-ENOMEM) when the kernel has
 * none.  A large folio is only ever a saving (fewer faults, a PMD): it is
 * asked for without retrying or warning, and the caller falls back to a
 * page.  Its pages are charged to the memory cgroup by the page cache.
 */
static struct folio *mapdemo_folio_alloc(struct mapdemo_file *mf,
					 struct mapdemo_pool *pool,
					 unsigned int order)
{
	unsigned long nr = 1UL << order;
	gfp_t gfp = GFP_HIGHUSER | __GFP_ZERO;
	struct folio *folio;
	bool ok;

	spin_lock(&cap_lock);
	ok = pool_update(pool, pool->reserved, pool->allocated + nr, false);
	spin_unlock(&cap_lock);
	if (!ok)
		return ERR_PTR(-ENOSPC);

	if (order)
		gfp |= __GFP_NORETRY | __GFP_NOWARN;
	folio = folio_alloc(gfp, order);
	if (!folio) {
		mapdemo_pool_uncharge(NULL, pool, nr, false);
		return ERR_PTR(-ENOMEM);
	}
	atomic_long_add(nr, &pages_in_use);
	mapdemo_count_add(mf, MD_STAT_PAGES_ALLOC, nr);
	return folio;
}

/* Give back @pool's charge for @nr pages that are gone (or never were). */
void mapdemo_pool_uncharge(struct mapdemo_file *mf, struct mapdemo_pool *pool,
			   unsigned long nr, bool was_allocated)
{
	spin_lock(&cap_lock);
	if (!WARN_ON_ONCE(pool->allocated < nr))
		pool_update(pool, pool->reserved, pool->allocated - nr, true);
	spin_unlock(&cap_lock);
	if (was_allocated) {
		atomic_long_sub(nr, &pages_in_use);
		mapdemo_count_add(mf, MD_STAT_PAGES_FREED, nr);
	}
}

/*
 * Every page of @pool is gone from the driver: give back their charge at
 * once (a zero-mode mapping's pages, dropped from its page cache as the
 * mapping goes).
 */
void mapdemo_pool_drain(struct mapdemo_file *mf, struct mapdemo_pool *pool)
{
	unsigned long n;

	spin_lock(&cap_lock);
	n = pool->allocated;
	pool_update(pool, pool->reserved, 0, true);
	spin_unlock(&cap_lock);
	atomic_long_sub(n, &pages_in_use);
	mapdemo_count_add(mf, MD_STAT_PAGES_FREED, n);
}

/*
 * The folio of @mapping holding @index, locked and with a reference,
 * allocated zeroed and charged to @pool if the mapping has none there
 * yet: how sparse mode's buffer and zero mode's mappings fill their page
 * caches.  A new folio has 2^@order pages, from @index rounded down, if
 * that much can be had and nothing of the range is in the cache yet,
 * else one page.  -ENOSPC when the cap forbids a page.  The page cache
 * charges the folio to the memory cgroup, so no __GFP_ACCOUNT here.
 */
int mapdemo_cache_folio(struct mapdemo_file *mf, struct mapdemo_pool *pool,
			struct address_space *mapping, pgoff_t index,
			unsigned int order, struct folio **foliop)
{
	struct folio *folio;
	int ret;

	for (;;) {
		folio = mapdemo_filemap_lock_folio(mapping, index);
		if (!IS_ERR(folio))
			break;

		folio = mapdemo_folio_alloc(mf, pool, order);
		if (IS_ERR(folio) && order) {
			/* no large folio to be had: one page will do */
			order = 0;
			folio = mapdemo_folio_alloc(mf, pool, 0);
		}
		if (IS_ERR(folio))
			return PTR_ERR(folio);
		/* zeroed by the allocator, so up to date before anyone sees it */
		__folio_mark_uptodate(folio);
		__folio_set_locked(folio);
		ret = filemap_add_folio(mapping, folio,
					round_down(index, 1UL << order), GFP_KERNEL);
		if (!ret) {
			/* dirty: neither reclaim nor drop_caches may drop it */
			folio_mark_dirty(folio);
			break;
		}
		__folio_clear_locked(folio);
		mapdemo_folio_free(mf, pool, folio);
		if (ret != -EEXIST && !order)
			return ret;
		/*
		 * Another fault or write added it first (use theirs), or
		 * part of the large range is in already: one page, then.
		 */
		order = 0;
	}
	*foliop = folio;
	return 0;
}

/*
 * Fault-around: the pages already in a mode's page cache are mapped in
 * batches around a read fault; a fault so served is counted as one.
 */
vm_fault_t mapdemo_map_pages(struct vm_fault *vmf, pgoff_t start, pgoff_t end)
{
	vm_fault_t ret = filemap_map_pages(vmf, start, end);

	if (ret & VM_FAULT_NOPAGE)
		mapdemo_fault_event(vmf, MD_STAT_FAULT_AROUND, ret);
	return ret;
}

/*
 * Drop the driver's reference.  The folio may live on for a while if
 * get_user_pages() pinned it; it is freed when that pin is dropped.
 */
void mapdemo_folio_free(struct mapdemo_file *mf, struct mapdemo_pool *pool,
			struct folio *folio)
{
	unsigned long nr = folio_nr_pages(folio);

	folio_put(folio);
	mapdemo_pool_uncharge(mf, pool, nr, true);
}

int mapdemo_pages_init(void)
{
	return 0;
}

void mapdemo_pages_exit(void)
{
	WARN_ON(atomic_long_read(&pages_in_use));
	WARN_ON(committed);
}
