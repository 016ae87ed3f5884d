/* SPDX-License-Identifier: MIT */
/*
 * mapdemo benchmarks, run inside the guest.  Every figure is measured
 * against references (MAP_ANONYMOUS, /dev/zero, MAP_SHARED|MAP_ANONYMOUS)
 * in the same run, repetitions interleaved so that drift in the guest's
 * speed hits mode and reference alike.
 */
#ifndef MAPDEMO_BENCH_H
#define MAPDEMO_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <mapdemo.h>

#define KiB (1024UL)
#define MiB (1024UL * KiB)
#define MAX_REPS 32

/* What backs a mapping. */
enum backing {
	BK_ANON,	/* MAP_ANONYMOUS */
	BK_DEVZERO,	/* /dev/zero */
	BK_ZERO,	/* /dev/mapdemo, zero mode */
	BK_SPARSE,	/* /dev/mapdemo, sparse mode */
	BK_DMA_PFN,	/* /dev/mapdemo, dma mode, pfn style */
	BK_DMA_PAGE,	/* /dev/mapdemo, dma mode, page style */
	BK_NR
};

/* Where a mapping is placed: as the kernel likes, or relative to a PMD. */
enum placement {
	PLACE_ANY,
	PLACE_HUGE,	/* PMD aligned, THP advised for anonymous memory */
	PLACE_SMALL,	/* a page past a PMD boundary, THP refused */
};

struct region {
	enum backing bk;
	int shared;
	int fd;			/* -1 for anonymous memory */
	char *addr;
	size_t len;
	uint64_t map_ns, unmap_ns;	/* the mmap and munmap calls alone */
};

struct bench_config {
	int reps;		/* repetitions of every timed figure */
	size_t touch_len;	/* first-touch figure */
	size_t fault_len;	/* faults per MiB, zero/sparse/references */
	size_t huge_len;	/* faults per MiB with huge mappings */
	size_t populate_len;
	size_t bw_len;
	int call_iters;		/* mmap+munmap pairs a sample */
	size_t sweep_max;	/* largest mapping of the cost-vs-size plot */
	const char *accel;	/* as the host chose it */
	const char *clock;	/* "wall", or "icount": guest instructions */
	const char *host_cpu;
	const char *json_path;
	const char *plot_path;
};

extern struct bench_config cfg;
/* the running kernel's page size, and what one PMD maps (a page of
 * 8-byte entries): 4 KiB and 2 MiB, or 16 KiB and 32 MiB on arm64-16k */
extern size_t page_size, pmd_size;

/* util.c */
uint64_t now_ns(void);
void touch_read(const char *p, size_t len);
void touch_write(char *p, size_t len);
long minflt(void);
int knob_read(const char *path, char *buf, size_t size);
int knob_write(const char *path, const char *val);
void pin_to_cpu0(void);
const char *reason(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* backing.c */
const char *backing_name(enum backing bk);
/* "anon", "zero", ...: a backing as a command line names it; and back
 * (-1: no such word) */
const char *backing_word(enum backing bk);
int backing_by_word(const char *word);
/* NULL if @bk can map @len bytes with @shared, else why not. */
const char *backing_na(enum backing bk, int shared, size_t len);
void backing_probe(size_t sparse_want);
/* An fd for @bk (-1 for anonymous memory) or a negative errno. */
int backing_open(enum backing bk);
int region_map(struct region *r, enum backing bk, int shared, size_t len,
	       int extra_flags, enum placement place);
void region_unmap(struct region *r);
/* The driver's per-file counters; 0 or a negative errno (-ENODEV: none). */
int region_stats(const struct region *r, struct mapdemo_stats *st);
/* Drop sparse mode's pages so the next touch is a first touch. */
void sparse_reset(void);
/* Turn the kernel's fault-around on (its boot value) or off; 0 or -errno. */
int fault_around(int on);

/* figures.c: results, their table, their JSON, the targets. */
struct summary {
	int n;
	double med, min, max;
};

struct cell {
	const char *na;		/* why there is no value, or NULL */
	struct summary s;
};

enum ref { REF_ANON, REF_DEVZERO, REF_ANON_SHARED, REF_NR };

struct figure {
	const char *section;
	char name[64];
	const char *unit;
	int higher_better;
	struct cell value;
	struct cell ratio[REF_NR];	/* value / reference, per repetition */
	char note[96];			/* extra column: driver counts etc. */
};

void summarize(const double *v, int n, struct summary *s);
struct figure *figure_add(const char *section, const char *unit,
			  int higher_better, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
struct figure *figure_find(const char *section, const char *name);
/* Fill value and ratios from per-repetition samples (NULL: no reference). */
void figure_fill(struct figure *f, const char *na, const double *v,
		 const double *const ref[REF_NR], int n);
void figures_print(FILE *out);
void figures_json(FILE *out);
void targets_eval(void);
void targets_print(FILE *out);
void targets_json(FILE *out);

/*
 * runner.c: variants of one figure family, measured round robin so that
 * repetition i of every variant ran at about the same time.
 */
struct variant {
	enum backing bk;
	int shared;
	int op;			/* what the section makes of it */
	int rep;		/* the repetition being sampled */
	size_t len;
	const char *na;		/* set before the run or by a failed sample */
	double v[MAX_REPS];
	double aux[4][MAX_REPS];	/* side figures, e.g. driver counters */
	char note[96];
};

/* One sample of @v into *@out; 0 or a negative errno (the variant is n/a). */
typedef int (*sample_fn)(struct variant *v, double *out);

void variants_run(struct variant *vs, int n, int reps, sample_fn fn);
/*
 * Map @v's backing, sharing and length with none of its pages touched
 * (sparse mode's buffer is emptied first): region_map()'s returns.
 */
int variant_map_fresh(const struct variant *v, struct region *r,
		      int extra_flags, enum placement place);
/*
 * Fill @vs (room for 2 * BK_NR) with every backing, private and shared,
 * of length @len, leaving out what cannot be mapped (dma is shared only);
 * returns how many.
 */
int variants_every_mapping(struct variant *vs, size_t len);
/* "zero private", "dma-pfn shared", ...: the name of such a variant. */
const char *variant_mapping_name(const struct variant *v);
/* The variant with these keys, its samples or NULL when it has none. */
const double *variant_find(const struct variant *vs, int n, enum backing bk,
			   int shared, int op);
/* A figure per variant with the given references ((bk, shared) pairs). */
void variants_figures(const struct variant *vs, int n, int reps,
		      const char *section, const char *unit, int higher_better,
		      const char *(*name)(const struct variant *v));

/* Sections, in the order they run. */
void bench_first_touch(void);
void bench_faults(void);
void bench_populate(void);
void bench_bandwidth(void);
void bench_callrate(void);
void bench_sweep(FILE *plot);
void sweep_print(FILE *out);

/* workload.c: one access pattern, untimed; an exit status */
int workload_run(const char *spec, size_t len, int reps);

#endif
