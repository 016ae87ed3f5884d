// SPDX-License-Identifier: MIT
/*
 * Sequential bandwidth: memcpy out of (read) and into (write) a mapping
 * whose pages are all present, against memcpy between anonymous buffers.
 * Every mapping stays mapped for the whole section so that repetitions
 * interleave without a fault in the timed part.
 */
#include <string.h>

#include "bench.h"

enum { BW_READ, BW_WRITE };

static const struct { enum backing bk; int shared; } rows[] = {
	{ BK_ANON, 0 }, { BK_ANON, 1 }, { BK_DEVZERO, 0 }, { BK_DEVZERO, 1 },
	{ BK_ZERO, 0 }, { BK_ZERO, 1 }, { BK_SPARSE, 1 }, { BK_DMA_PFN, 1 },
	{ BK_DMA_PAGE, 1 },
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

static struct variant vs[2 * NROWS];
static struct region regions[2 * NROWS];
static struct region src, dst;

static int bw_sample(struct variant *v, double *out)
{
	struct region *r = &regions[v - vs];
	uint64_t t0, t;

	t0 = now_ns();
	if (v->op == BW_READ)
		memcpy(dst.addr, r->addr, v->len);
	else
		memcpy(r->addr, src.addr, v->len);
	t = now_ns() - t0;
	*out = t ? (double)v->len / 1e6 / ((double)t / 1e9) : 0;
	return 0;
}

static const char *bw_name(const struct variant *v)
{
	if (v->bk >= BK_SPARSE)	/* shared only: the sharing says nothing */
		return reason("%s %s", backing_name(v->bk),
			      v->op == BW_READ ? "read" : "write");
	return reason("%s %s %s", backing_name(v->bk),
		      v->shared ? "shared" : "private",
		      v->op == BW_READ ? "read" : "write");
}

void bench_bandwidth(void)
{
	size_t len = cfg.bw_len, i, n = 2 * NROWS;
	int ret;

	if (region_map(&src, BK_ANON, 0, len, 0, PLACE_ANY) ||
	    region_map(&dst, BK_ANON, 0, len, 0, PLACE_ANY)) {
		fprintf(stderr, "bench: no memory for the bandwidth buffers\n");
		return;
	}
	memset(src.addr, 0x5a, len);
	memset(dst.addr, 0, len);
	for (i = 0; i < n; i++) {
		vs[i] = (struct variant){ .bk = rows[i / 2].bk,
			.shared = rows[i / 2].shared, .op = i % 2, .len = len };
		vs[i].na = backing_na(vs[i].bk, vs[i].shared, len);
		if (vs[i].na)
			continue;
		ret = region_map(&regions[i], vs[i].bk, vs[i].shared, len, 0,
				 PLACE_ANY);
		if (ret)
			vs[i].na = reason("n/a: %s", strerror(-ret));
		else
			touch_write(regions[i].addr, len);
	}
	variants_run(vs, n, cfg.reps, bw_sample);
	variants_figures(vs, n, cfg.reps, "bandwidth",
			 reason("MB/s over %zu MiB", len / MiB), 1, bw_name);
	for (i = 0; i < n; i++)
		if (regions[i].addr)
			region_unmap(&regions[i]);
	region_unmap(&src);
	region_unmap(&dst);
}
