// SPDX-License-Identifier: MIT
/* Round-robin measurement of a family of variants, and their figures. */
#include <errno.h>
#include <string.h>

#include "bench.h"

void variants_run(struct variant *vs, int n, int reps, sample_fn fn)
{
	int rep, i, ret;

	if (reps > MAX_REPS)
		reps = MAX_REPS;
	for (i = 0; i < n; i++)
		if (!vs[i].na)
			vs[i].na = backing_na(vs[i].bk, vs[i].shared, vs[i].len);
	for (rep = 0; rep < reps; rep++) {
		for (i = 0; i < n; i++) {
			struct variant *v = &vs[i];

			if (v->na)
				continue;
			v->rep = rep;
			ret = fn(v, &v->v[rep]);
			if (ret == -EOPNOTSUPP)
				v->na = "n/a: mode not available";
			else if (ret)
				v->na = reason("n/a: %s", strerror(-ret));
		}
	}
}

const double *variant_find(const struct variant *vs, int n, enum backing bk,
			   int shared, int op)
{
	int i;

	for (i = 0; i < n; i++)
		if (vs[i].bk == bk && vs[i].shared == shared && vs[i].op == op)
			return vs[i].na ? NULL : vs[i].v;
	return NULL;
}

void variants_figures(const struct variant *vs, int n, int reps,
		      const char *section, const char *unit, int higher_better,
		      const char *(*name)(const struct variant *v))
{
	const double *ref[REF_NR];
	struct figure *f;
	int i;

	if (reps > MAX_REPS)
		reps = MAX_REPS;
	for (i = 0; i < n; i++) {
		const struct variant *v = &vs[i];

		ref[REF_ANON] = variant_find(vs, n, BK_ANON, 0, v->op);
		ref[REF_DEVZERO] = variant_find(vs, n, BK_DEVZERO, v->shared, v->op);
		ref[REF_ANON_SHARED] = v->shared ?
			variant_find(vs, n, BK_ANON, 1, v->op) : NULL;
		f = figure_add(section, unit, higher_better, "%s", name(v));
		figure_fill(f, v->na, v->v, ref, reps);
		snprintf(f->note, sizeof(f->note), "%s", v->note);
	}
}

int variant_map_fresh(const struct variant *v, struct region *r,
		      int extra_flags, enum placement place)
{
	if (v->bk == BK_SPARSE)
		sparse_reset();
	return region_map(r, v->bk, v->shared, v->len, extra_flags, place);
}

int variants_every_mapping(struct variant *vs, size_t len)
{
	int n = 0, bk, shared;

	for (bk = 0; bk < BK_NR; bk++)
		for (shared = 0; shared < 2; shared++) {
			/* dma mode refuses MAP_PRIVATE: nothing to time */
			if (!shared && (bk == BK_DMA_PFN || bk == BK_DMA_PAGE))
				continue;
			vs[n++] = (struct variant){ .bk = bk, .shared = shared,
						    .len = len };
		}
	return n;
}

const char *variant_mapping_name(const struct variant *v)
{
	return reason("%s %s", backing_name(v->bk),
		      v->shared ? "shared" : "private");
}
