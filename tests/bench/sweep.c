// SPDX-License-Identifier: MIT
/*
 * Cost per page against mapping size, one page to cfg.sweep_max: the
 * mmap, a write to every page and the munmap, divided by the pages, so
 * that fixed per-mapping costs show at the small end and per-page costs
 * at the large one.  Written as figures (section "sweep"), as a matrix on
 * the terminal and as gnuplot data.
 */
#include <string.h>

#include "bench.h"

#define MIN_PAGES 64	/* a sample covers at least this many pages */
#define MAX_SIZES 16

static const struct { enum backing bk; int shared; } series[] = {
	{ BK_ZERO, 0 }, { BK_ZERO, 1 }, { BK_SPARSE, 1 }, { BK_DMA_PFN, 1 },
	{ BK_DMA_PAGE, 1 }, { BK_ANON, 0 }, { BK_DEVZERO, 1 },
};
#define NSERIES (sizeof(series) / sizeof(series[0]))

static int sweep_sample(struct variant *v, double *out)
{
	size_t pages = v->len / page_size, k, iters;
	uint64_t total = 0, t0;
	struct region r;
	int ret;

	iters = pages >= MIN_PAGES ? 1 : MIN_PAGES / pages;
	for (k = 0; k < iters; k++) {
		ret = variant_map_fresh(v, &r, 0, PLACE_ANY);
		if (ret)
			return ret;
		t0 = now_ns();
		touch_write(r.addr, r.len);
		total += now_ns() - t0 + r.map_ns;
		region_unmap(&r);
		total += r.unmap_ns;
	}
	*out = (double)total / (double)(iters * pages);
	return 0;
}

static const char *series_name(const struct variant *v)
{
	return reason("%s %s write", backing_name(v->bk),
		      v->shared ? "shared" : "private");
}

static const char *sweep_name(const struct variant *v)
{
	if (v->len >= MiB)
		return reason("%s @ %zu MiB", series_name(v), v->len / MiB);
	return reason("%s @ %zu KiB", series_name(v), v->len / KiB);
}

static struct variant vs[MAX_SIZES][NSERIES];
static size_t sizes[MAX_SIZES];
static int nsizes;

void sweep_print(FILE *out)
{
	int i, j;

	fprintf(out, "\n== cost per %zu KiB page against mapping size: mmap + write every page + munmap, ns/page (median) ==\n",
		page_size / KiB);
	fprintf(out, "%-9s", "size");
	for (j = 0; j < (int)NSERIES; j++)
		fprintf(out, " %14.14s", series_name(&vs[0][j]));
	fprintf(out, "\n");
	for (i = 0; i < nsizes; i++) {
		fprintf(out, "%-9s", reason("%zu %s", sizes[i] >= MiB ? sizes[i] / MiB :
				      sizes[i] / KiB, sizes[i] >= MiB ? "MiB" : "KiB"));
		for (j = 0; j < (int)NSERIES; j++) {
			const struct figure *f = figure_find("sweep",
							     sweep_name(&vs[i][j]));

			if (!f || f->value.na)
				fprintf(out, " %14s", "n/a");
			else
				fprintf(out, " %14.0f", f->value.s.med);
		}
		fprintf(out, "\n");
	}
}

/* gnuplot data: a block a series with points, its name in the header */
static void sweep_plot(FILE *plot)
{
	int i, j, points;

	for (j = 0; j < (int)NSERIES; j++) {
		for (i = 0, points = 0; i < nsizes; i++)
			points += !vs[i][j].na;
		if (!points)
			continue;
		fprintf(plot, "size_kib \"%s\" min max\n", series_name(&vs[0][j]));
		for (i = 0; i < nsizes; i++) {
			const struct figure *f = figure_find("sweep",
							     sweep_name(&vs[i][j]));

			if (f && !f->value.na)
				fprintf(plot, "%zu %.1f %.1f %.1f\n", sizes[i] / KiB,
					f->value.s.med, f->value.s.min,
					f->value.s.max);
		}
		fprintf(plot, "\n\n");
	}
}

void bench_sweep(FILE *plot)
{
	size_t len;
	int i, j, reps;

	for (len = page_size; len <= cfg.sweep_max && nsizes < MAX_SIZES; len *= 4)
		sizes[nsizes++] = len;
	for (i = 0; i < nsizes; i++) {
		for (j = 0; j < (int)NSERIES; j++)
			vs[i][j] = (struct variant){ .bk = series[j].bk,
				.shared = series[j].shared, .len = sizes[i] };
		reps = sizes[i] > 16 * MiB && cfg.reps > 3 ? 3 : cfg.reps;
		variants_run(vs[i], NSERIES, reps, sweep_sample);
		variants_figures(vs[i], NSERIES, reps, "sweep",
				 "ns per page, mmap + write touch + munmap", 0,
				 sweep_name);
	}

	if (plot)
		sweep_plot(plot);
}
