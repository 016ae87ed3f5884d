// SPDX-License-Identifier: MIT
/*
 * Faults per MiB touched, as the kernel counts them (getrusage minflt)
 * and as the driver does (its per-file stats), with the kernel's
 * fault-around on and off, on a fresh mapping, and with huge mappings
 * allowed and refused (written, and read); and the pages the driver
 * allocated for them.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

enum { ON, OFF };

static int is_device(enum backing bk)
{
	return bk != BK_ANON && bk != BK_DEVZERO;
}

/* Touch @r with @write, recording minflt and driver counts per MiB. */
static void count_touch(struct variant *v, struct region *r, int write,
			double *out)
{
	struct mapdemo_stats s0, s1;
	double mib = (double)r->len / MiB;
	int drv;
	long f0;

	drv = region_stats(r, &s0) == 0;
	f0 = minflt();
	if (write)
		touch_write(r->addr, r->len);
	else
		touch_read(r->addr, r->len);
	*out = (double)(minflt() - f0) / mib;
	if (drv && region_stats(r, &s1) == 0) {
		v->aux[0][v->rep] = (double)(s1.faults - s0.faults) / mib;
		v->aux[1][v->rep] = (double)(s1.fault_around - s0.fault_around) / mib;
		v->aux[2][v->rep] = (double)(s1.huge_faults - s0.huge_faults) / mib;
		v->aux[3][v->rep] = (double)(s1.pages_alloc - s0.pages_alloc) / mib;
	} else {
		v->aux[0][v->rep] = -1;
	}
}

/*
 * Read a range whose pages exist but are not mapped: the case
 * fault-around is for.  The pages are made by a first pass; the mapping
 * is then zapped (MADV_DONTNEED), or remapped where zapping is refused.
 */
static int fa_sample(struct variant *v, double *out)
{
	struct region r;
	int ret;

	ret = variant_map_fresh(v, &r, 0, PLACE_ANY);
	if (ret)
		return ret;
	if (v->shared)
		touch_write(r.addr, r.len);
	else
		touch_read(r.addr, r.len);
	if (madvise(r.addr, r.len, MADV_DONTNEED)) {
		region_unmap(&r);
		ret = region_map(&r, v->bk, v->shared, v->len, 0, PLACE_ANY);
		if (ret)
			return ret;
	}
	ret = fault_around(v->op == ON);
	if (!ret)
		count_touch(v, &r, 0, out);
	fault_around(1);
	region_unmap(&r);
	return ret;
}

/* A first read of a fresh mapping: what a read-mostly user meets. */
static int fresh_sample(struct variant *v, double *out)
{
	struct region r;
	int ret;

	ret = variant_map_fresh(v, &r, 0, PLACE_ANY);
	if (ret)
		return ret;
	count_touch(v, &r, 0, out);
	region_unmap(&r);
	return 0;
}

/* A fresh mapping placed for huge pages (op ON) or refused them, touched. */
static int huge_touch(struct variant *v, int write, double *out)
{
	enum placement where = PLACE_SMALL;
	struct region r;
	int ret;

	/* dma mode places its mappings itself and maps PMDs as users get them */
	if (v->op == ON)
		where = v->bk == BK_DMA_PFN || v->bk == BK_DMA_PAGE ?
			PLACE_ANY : PLACE_HUGE;
	ret = variant_map_fresh(v, &r, 0, where);
	if (ret)
		return ret;
	count_touch(v, &r, write, out);
	region_unmap(&r);
	return 0;
}

static int huge_write_sample(struct variant *v, double *out)
{
	return huge_touch(v, 1, out);
}

static int huge_read_sample(struct variant *v, double *out)
{
	return huge_touch(v, 0, out);
}

static const char *fa_name(const struct variant *v)
{
	return reason("%s %s read, fault-around %s", backing_name(v->bk),
		      v->shared ? "shared" : "private", v->op == ON ? "on" : "off");
}

static const char *fresh_name(const struct variant *v)
{
	return reason("%s %s read, fresh", backing_name(v->bk),
		      v->shared ? "shared" : "private");
}

static const char *huge_name(const struct variant *v, const char *access)
{
	return reason("%s %s %s, %s", backing_name(v->bk),
		      v->shared ? "shared" : "private", access,
		      v->op == ON ? "huge" : "no huge");
}

static const char *huge_write_name(const struct variant *v)
{
	return huge_name(v, "write");
}

static const char *huge_read_name(const struct variant *v)
{
	return huge_name(v, "read");
}

/* The driver's own counts go in the figure's note. */
static void driver_notes(struct variant *vs, int n, int reps)
{
	struct summary s[4];
	int i, k;

	for (i = 0; i < n; i++) {
		if (vs[i].na || !is_device(vs[i].bk) || vs[i].aux[0][0] < 0)
			continue;
		for (k = 0; k < 4; k++)
			summarize(vs[i].aux[k], reps, &s[k]);
		snprintf(vs[i].note, sizeof(vs[i].note),
			 "driver/MiB: faults %.1f, fault-around %.1f, huge %.2f, pages %.1f",
			 s[0].med, s[1].med, s[2].med, s[3].med);
	}
}

/* The pages the driver allocated per MiB, a figure of their own. */
static void pages_figures(const struct variant *vs, int n, int reps,
			  const char *(*name)(const struct variant *v))
{
	static const double *const no_ref[REF_NR];
	struct figure *f;
	int i;

	for (i = 0; i < n; i++) {
		if (!is_device(vs[i].bk))
			continue;
		f = figure_add("faults", "pages per MiB", 0, "%s, driver pages",
			       name(&vs[i]));
		figure_fill(f, vs[i].na ? vs[i].na :
			    vs[i].aux[0][0] < 0 ? "n/a: no driver stats" : NULL,
			    vs[i].aux[3], no_ref, reps);
	}
}

void bench_faults(void)
{
	static const struct { enum backing bk; int shared; } fa_rows[] = {
		{ BK_ANON, 0 }, { BK_ANON, 1 }, { BK_DEVZERO, 0 },
		{ BK_DEVZERO, 1 }, { BK_ZERO, 0 }, { BK_ZERO, 1 },
		{ BK_SPARSE, 0 }, { BK_SPARSE, 1 }, { BK_DMA_PFN, 1 },
		{ BK_DMA_PAGE, 1 },
	};
	enum { NROWS = sizeof(fa_rows) / sizeof(fa_rows[0]) };
	struct variant vs[2 * NROWS] = {}, hv[2 * NROWS] = {}, fv[NROWS] = {};
	struct variant hr[2 * NROWS];
	int reps = cfg.reps < 3 ? cfg.reps : 3;	/* counts barely vary */
	const char *no_knob = NULL;
	int i, n = 0;

	if (fault_around(1))
		no_knob = "n/a: no debugfs fault_around_bytes";
	for (i = 0; i < 2 * NROWS; i++) {
		enum backing bk = fa_rows[i / 2].bk;
		size_t len = bk == BK_DMA_PFN || bk == BK_DMA_PAGE ?
			     cfg.huge_len : cfg.fault_len;

		vs[n] = (struct variant){ .bk = bk, .shared = fa_rows[i / 2].shared,
					  .op = i % 2, .len = len };
		if (i % 2 == OFF)
			vs[n].na = no_knob;
		hv[n] = vs[n];
		hv[n].na = NULL;
		/* zero mode's huge figure needs whole PMDs: two at least
		 * (32 MiB each on 16 KiB pages; fault_len is 4 or 16 MiB) */
		if (bk == BK_ZERO && hv[n].len < 2 * pmd_size)
			hv[n].len = 2 * pmd_size;
		if (i % 2 == ON) {
			fv[i / 2] = vs[n];
			fv[i / 2].na = NULL;
		}
		n++;
	}
	variants_run(vs, n, reps, fa_sample);
	driver_notes(vs, n, reps);
	variants_figures(vs, n, reps, "faults", "faults per MiB", 0, fa_name);
	variants_run(fv, NROWS, reps, fresh_sample);
	driver_notes(fv, NROWS, reps);
	variants_figures(fv, NROWS, reps, "faults", "faults per MiB", 0, fresh_name);
	pages_figures(fv, NROWS, reps, fresh_name);
	memcpy(hr, hv, sizeof(hr));
	variants_run(hv, n, reps, huge_write_sample);
	driver_notes(hv, n, reps);
	variants_figures(hv, n, reps, "faults", "faults per MiB", 0, huge_write_name);
	/* reads too: a THP kernel maps anonymous reads to its huge zero page */
	variants_run(hr, n, reps, huge_read_sample);
	driver_notes(hr, n, reps);
	variants_figures(hr, n, reps, "faults", "faults per MiB", 0, huge_read_name);
	pages_figures(hr, n, reps, huge_read_name);
}
