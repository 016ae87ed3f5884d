// SPDX-License-Identifier: MIT
/*
 * First-touch cost: a fresh mapping, one access a page, time per page.
 * Only the touches are timed; mmap and munmap are not.  The threaded
 * variant writes the mapping from every CPU at once, a slice each, to
 * show what the fault path shares between CPUs.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench.h"

enum { FT_READ, FT_WRITE, FT_WRITE_MT };

#define MAX_THREADS 8

struct slice {
	pthread_barrier_t *go;
	char *addr;
	size_t len;
	int cpu;
};

static void *write_slice(void *arg)
{
	struct slice *s = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(s->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	pthread_barrier_wait(s->go);
	touch_write(s->addr, s->len);
	return NULL;
}

static int nthreads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

static long nvcsw(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_nvcsw;
}

/*
 * Time writing @r from nthreads() threads, one slice each.  Voluntary
 * context switches while they run go to *@waits: a fault that sleeps on
 * a lock another CPU holds is one.
 */
static uint64_t touch_threads(struct region *r, double *waits)
{
	struct slice s[MAX_THREADS];
	pthread_t t[MAX_THREADS];
	pthread_barrier_t go;
	int n = nthreads(), i;
	size_t slice = r->len / n / page_size * page_size;
	long sw0 = nvcsw();
	uint64_t t0;

	pthread_barrier_init(&go, NULL, n + 1);
	for (i = 0; i < n; i++) {
		s[i] = (struct slice){ .go = &go, .addr = r->addr + i * slice,
			.len = i == n - 1 ? r->len - i * slice : slice, .cpu = i };
		pthread_create(&t[i], NULL, write_slice, &s[i]);
	}
	pthread_barrier_wait(&go);
	t0 = now_ns();
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	t0 = now_ns() - t0;
	pthread_barrier_destroy(&go);
	*waits = (double)(nvcsw() - sw0);
	return t0;
}

static int ft_sample(struct variant *v, double *out)
{
	struct region r;
	uint64_t t0, t;
	int ret;

	ret = variant_map_fresh(v, &r, 0, PLACE_ANY);
	if (ret)
		return ret;
	if (v->op == FT_WRITE_MT) {
		t = touch_threads(&r, &v->aux[0][v->rep]);
	} else {
		t0 = now_ns();
		if (v->op == FT_WRITE)
			touch_write(r.addr, r.len);
		else
			touch_read(r.addr, r.len);
		t = now_ns() - t0;
	}
	region_unmap(&r);
	*out = (double)t / (double)(v->len / page_size);
	return 0;
}

static const char *ft_name(const struct variant *v)
{
	if (v->op == FT_WRITE_MT)
		return reason("%s %s write, every CPU", backing_name(v->bk),
			      v->shared ? "shared" : "private");
	return reason("%s %s %s", backing_name(v->bk),
		      v->shared ? "shared" : "private",
		      v->op == FT_WRITE ? "write" : "read");
}

void bench_first_touch(void)
{
	struct variant vs[2 * 3 * BK_NR] = {};
	int n = 0, shared, op, bk, i;

	for (shared = 0; shared < 2; shared++)
		for (op = FT_READ; op <= FT_WRITE_MT; op++)
			for (bk = 0; bk < BK_NR; bk++)
				vs[n++] = (struct variant){ .bk = bk,
					.shared = shared, .op = op,
					.len = cfg.touch_len };
	for (i = 0; i < n; i++)
		if (vs[i].op == FT_WRITE_MT && nthreads() < 2)
			vs[i].na = "n/a: one CPU";
	variants_run(vs, n, cfg.reps, ft_sample);
	for (i = 0; i < n; i++) {
		struct summary s;

		if (vs[i].op != FT_WRITE_MT || vs[i].na)
			continue;
		summarize(vs[i].aux[0], cfg.reps, &s);
		snprintf(vs[i].note, sizeof(vs[i].note),
			 "%d threads; voluntary context switches: %.0f",
			 nthreads(), s.med);
	}
	variants_figures(vs, n, cfg.reps, "first_touch", reason("ns per %zu KiB page", page_size / KiB),
			 0, ft_name);
}
