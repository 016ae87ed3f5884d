// SPDX-License-Identifier: GPL-2.0
/*
 * The driver's page allocator: a zeroed page or nothing, under a cap.
 *
 * Every page mapped to userspace by zero and sparse mode comes from
 * mapdemo_page_alloc(), which is the one place that zeroes, so no page can
 * leave the driver with a previous owner's bytes in it.
 */
#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/highmem.h>

#include "mapdemo.h"

/* Pages allocated and not yet freed, across the whole device. */
static atomic_long_t pages_in_use = ATOMIC_LONG_INIT(0);

struct page *mapdemo_page_alloc(struct mapdemo_file *mf)
{
	struct page *page;

	if (atomic_long_inc_return(&pages_in_use) > mapdemo_max_pages) {
		atomic_long_dec(&pages_in_use);
		return NULL;
	}

	/*
	 * __GFP_ZERO clears the page; __GFP_ACCOUNT charges it to the
	 * faulting task's memory cgroup, as anonymous memory would be.
	 */
	page = alloc_page(GFP_HIGHUSER | __GFP_ZERO | __GFP_ACCOUNT);
	if (!page) {
		atomic_long_dec(&pages_in_use);
		return NULL;
	}
	mapdemo_count(mf, MD_STAT_PAGES_ALLOC);
	return page;
}

/*
 * Drop the driver's reference.  The page may live on for a while if
 * get_user_pages() pinned it; it is freed when that pin is dropped.
 */
void mapdemo_page_free(struct mapdemo_file *mf, struct page *page)
{
	put_page(page);
	atomic_long_dec(&pages_in_use);
	mapdemo_count(mf, MD_STAT_PAGES_FREED);
}

int mapdemo_pages_init(void)
{
	return 0;
}

void mapdemo_pages_exit(void)
{
	WARN_ON(atomic_long_read(&pages_in_use));
}
