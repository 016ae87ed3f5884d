// SPDX-License-Identifier: MIT
/*
 * MAP_POPULATE: the time of the mmap() call that faults in the whole
 * range (writable, so private mappings get their own pages).
 */
#include <sys/mman.h>

#include "bench.h"

static int pop_sample(struct variant *v, double *out)
{
	struct region r;
	int ret;

	if (v->bk == BK_SPARSE)
		sparse_reset();
	ret = region_map(&r, v->bk, v->shared, v->len, MAP_POPULATE, PLACE_ANY);
	if (ret)
		return ret;
	*out = (double)r.map_ns / 1e6;
	region_unmap(&r);
	return 0;
}

static const char *pop_name(const struct variant *v)
{
	return reason("%s %s", backing_name(v->bk),
		      v->shared ? "shared" : "private");
}

void bench_populate(void)
{
	struct variant vs[2 * BK_NR] = {};
	int n = 0, bk, shared;

	for (bk = 0; bk < BK_NR; bk++)
		for (shared = 0; shared < 2; shared++) {
			/* dma mode refuses MAP_PRIVATE: nothing to time */
			if (!shared && (bk == BK_DMA_PFN || bk == BK_DMA_PAGE))
				continue;
			vs[n++] = (struct variant){ .bk = bk, .shared = shared,
						    .len = cfg.populate_len };
		}
	variants_run(vs, n, cfg.reps, pop_sample);
	variants_figures(vs, n, cfg.reps, "populate",
			 reason("ms for mmap(MAP_POPULATE) of %zu MiB",
				cfg.populate_len / MiB), 0, pop_name);
}
