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

	ret = variant_map_fresh(v, &r, MAP_POPULATE, PLACE_ANY);
	if (ret)
		return ret;
	*out = (double)r.map_ns / 1e6;
	region_unmap(&r);
	return 0;
}

void bench_populate(void)
{
	struct variant vs[2 * BK_NR] = {};
	int n = variants_every_mapping(vs, cfg.populate_len);

	variants_run(vs, n, cfg.reps, pop_sample);
	variants_figures(vs, n, cfg.reps, "populate",
			 reason("ms for mmap(MAP_POPULATE) of %zu MiB",
				cfg.populate_len / MiB), 0, variant_mapping_name);
}
