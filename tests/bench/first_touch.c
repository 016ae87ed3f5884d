// SPDX-License-Identifier: MIT
/*
 * First-touch cost: a fresh mapping, one access a page, time per page.
 * Only the touches are timed; mmap and munmap are not.
 */
#include <stdio.h>

#include "bench.h"

enum { FT_READ, FT_WRITE };

static int ft_sample(struct variant *v, double *out)
{
	struct region r;
	uint64_t t0, t1;
	int ret;

	if (v->bk == BK_SPARSE)
		sparse_reset();
	ret = region_map(&r, v->bk, v->shared, v->len, 0, PLACE_ANY);
	if (ret)
		return ret;
	t0 = now_ns();
	if (v->op == FT_WRITE)
		touch_write(r.addr, r.len);
	else
		touch_read(r.addr, r.len);
	t1 = now_ns();
	region_unmap(&r);
	*out = (double)(t1 - t0) / (double)(v->len / page_size);
	return 0;
}

static const char *ft_name(const struct variant *v)
{
	return reason("%s %s %s", backing_name(v->bk),
		      v->shared ? "shared" : "private",
		      v->op == FT_WRITE ? "write" : "read");
}

void bench_first_touch(void)
{
	struct variant vs[2 * 2 * BK_NR] = {};
	int n = 0, shared, op, bk;

	for (shared = 0; shared < 2; shared++)
		for (op = FT_READ; op <= FT_WRITE; op++)
			for (bk = 0; bk < BK_NR; bk++)
				vs[n++] = (struct variant){ .bk = bk,
					.shared = shared, .op = op,
					.len = cfg.touch_len };
	variants_run(vs, n, cfg.reps, ft_sample);
	variants_figures(vs, n, cfg.reps, "first_touch", "ns per 4 KiB page",
			 0, ft_name);
}
