// SPDX-License-Identifier: MIT
/*
 * Many processes and threads mapping, faulting, writing, checking and
 * unmapping the one buffer at once, in both styles, within a time bound;
 * afterwards every VMA is gone and no page is left live.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dma_util.h"
#include "reliab.h"

#define NPROC		8
#define ITERATIONS	40
#define NTHREADS	4
#define THREAD_ITERATIONS 8
#define TIME_LIMIT	60	/* seconds, for the whole test */

static unsigned int seed_of(int who, int iter)
{
	return (unsigned int)(who * 1000 + iter);
}

/* One worker's round: map (all or its slice), write its slice, check. */
static int round_trip(int who, int iter, size_t size, size_t slice)
{
	struct mapdemo_device dev;
	size_t off = (size_t)who * slice, len, base;
	unsigned int seed = seed_of(who, iter);
	char *p, *mine, *check;
	int ret = 0;

	if (mapdemo_device_open(&dev, NULL, O_RDWR, MAPDEMO_MODE_DMA) ||
	    set_dma_style(&dev, (who + iter) % 2))
		return 10;
	/* the whole buffer (PMDs in pfn style, given THP) or the slice alone */
	base = iter % 2 ? off : 0;
	len = iter % 2 ? slice : size;
	p = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_SHARED, (off_t)base);
	if (p == MAP_FAILED) {
		mapdemo_device_close(&dev);
		return 11;
	}
	mine = p + (off - base);
	fill_pattern(mine, slice, off, seed);
	if (count_not_pattern(mine, slice, off, seed))
		ret = 12;
	check = malloc(slice);
	if (!check || pread(dev.fd, check, slice, (off_t)off) != (ssize_t)slice ||
	    count_not_pattern(check, slice, off, seed))
		ret = ret ? ret : 13;
	free(check);
	/* read the others' slices too, racing their writes and unmaps */
	if (len == size)
		(void)count_not(p, size, 0);
	if (munmap(p, len))
		ret = ret ? ret : 14;
	mapdemo_device_close(&dev);
	return ret;
}

static int worker(int who, size_t size, size_t slice)
{
	int i, ret;

	alarm(TIME_LIMIT);
	for (i = 0; i < ITERATIONS; i++) {
		ret = round_trip(who, i, size, slice);
		if (ret)
			return ret;
	}
	return 0;
}

Test(dma_stress, processes_map_touch_and_unmap_at_once)
{
	size_t size = dma_buffer_size(), slice = size / NPROC;
	struct mapdemo_stats before = device_stats(), after;
	struct mapdemo_device dev;
	pid_t pids[NPROC];
	time_t start = time(NULL);
	char *check;
	int k, status;

	for (k = 0; k < NPROC; k++) {
		pids[k] = fork();
		cr_assert_geq(pids[k], 0);
		if (!pids[k])
			_exit(worker(k, size, slice));
	}
	for (k = 0; k < NPROC; k++) {
		cr_assert_eq(waitpid(pids[k], &status, 0), pids[k]);
		cr_assert(WIFEXITED(status), "worker %d: status %#x", k, status);
		cr_assert_eq(WEXITSTATUS(status), 0, "worker %d failed: %d", k,
			     WEXITSTATUS(status));
	}
	cr_assert_leq(time(NULL) - start, TIME_LIMIT);

	/* every slice holds its worker's last pattern */
	dev = open_dev(O_RDONLY, MAPDEMO_MODE_DMA);
	check = malloc(size);
	cr_assert_not_null(check);
	cr_assert_eq(pread(dev.fd, check, size, 0), (ssize_t)size);
	for (k = 0; k < NPROC; k++)
		cr_assert_eq(count_not_pattern(check + k * slice, slice,
					       k * slice,
					       seed_of(k, ITERATIONS - 1)), 0,
			     "slice %d", k);
	free(check);
	mapdemo_device_close(&dev);

	after = device_stats();
	cr_assert_eq(after.vmas_live, before.vmas_live);
	cr_assert_eq(after.pages_live, before.pages_live);
	cr_assert_geq(after.mmaps - before.mmaps, NPROC * ITERATIONS);
}

struct thread_arg {
	char *map;
	size_t size, slice;
	int who;
	int result;
};

/*
 * Threads of one process race to fault the same addresses (PMDs in pfn
 * style where the kernel maps them, page table entries otherwise), then
 * check their slices.
 */
static void *thread_main(void *v)
{
	struct thread_arg *a = v;
	size_t off = (size_t)a->who * a->slice;
	int i;

	for (i = 0; i < THREAD_ITERATIONS; i++) {
		unsigned int seed = seed_of(100 + a->who, i);
		volatile char *v = a->map;
		size_t j;

		/* one byte a page: the faults race, not the compares */
		for (j = 0; j < a->size; j += page_size)
			(void)v[j];
		fill_pattern(a->map + off, a->slice, off, seed);
		if (count_not_pattern(a->map + off, a->slice, off, seed)) {
			a->result = 1;
			break;
		}
	}
	return NULL;
}

static int threads_on_one_mapping(int style)
{
	struct mapdemo_device dev;
	size_t size = dma_buffer_size(), slice = size / NTHREADS;
	struct thread_arg args[NTHREADS];
	pthread_t tids[NTHREADS];
	char *p;
	int t, ret = 0;

	if (mapdemo_device_open(&dev, NULL, O_RDWR, MAPDEMO_MODE_DMA) ||
	    set_dma_style(&dev, style))
		return 10;
	p = map_dev(&dev, size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	if (p == MAP_FAILED)
		return 11;
	for (t = 0; t < NTHREADS; t++) {
		args[t] = (struct thread_arg){ p, size, slice, t, 0 };
		if (pthread_create(&tids[t], NULL, thread_main, &args[t]))
			return 12;
	}
	for (t = 0; t < NTHREADS; t++) {
		pthread_join(tids[t], NULL);
		ret = ret ? ret : args[t].result;
	}
	munmap(p, size);
	mapdemo_device_close(&dev);
	return ret;
}

static int threads_child(void *arg)
{
	int rounds = *(int *)arg, i, ret;

	alarm(TIME_LIMIT);
	for (i = 0; i < rounds; i++) {
		ret = threads_on_one_mapping(i % 2);
		if (ret)
			return ret;
	}
	return 0;
}

Test(dma_stress, threads_race_to_fault_the_same_mapping)
{
	struct mapdemo_stats before = device_stats(), after;
	int rounds = 6;

	cr_assert_eq(in_child(threads_child, &rounds), 0);
	after = device_stats();
	cr_assert_eq(after.vmas_live, before.vmas_live);
	cr_assert_eq(after.pages_live, before.pages_live);
}

/*
 * The first touches of one PMD's span, by threads let go at once, each at a
 * page of its own: the core sees an empty PMD for each, and all but one
 * find it filled by the time the driver looks.  The driver once mapped a
 * page there with vmf_insert_pfn(), which on 6.1 takes a huge PMD for a
 * page table: under KASAN a NULL dereference, elsewhere a page table
 * entry written into the buffer itself.  So: no report, the buffer still
 * reads zeros, and a round costs at most one fault a thread and maps the
 * PMD at once where the kernel maps PMDs (exactly a fault a thread
 * where it does not).
 */
#define RACERS		4
#define RACE_ROUNDS	300

struct pmd_race {
	pthread_barrier_t go, done;
	volatile char *map;	/* this round's mapping, set before "go" */
	int rounds;
};

struct racer {
	struct pmd_race *race;
	int who;
};

static void *pmd_racer(void *v)
{
	struct racer *me = v;
	struct pmd_race *r = me->race;
	int i;

	for (i = 0; i < r->rounds; i++) {
		pthread_barrier_wait(&r->go);
		/* pages far apart in one PMD's span: no shared PTE */
		(void)r->map[(size_t)me->who * (HUGE_SZ / RACERS)];
		pthread_barrier_wait(&r->done);
	}
	return NULL;
}

Test(dma_stress, threads_race_to_first_touch_one_pmd, .timeout = 120,
     .init = dma_two_pmds, .fini = dma_default_module)
{
	struct mapdemo_device dev = open_dma(O_RDWR, MAPDEMO_DMA_PFN);
	struct mapdemo_stats a, b;
	struct racer racers[RACERS];
	pthread_t tids[RACERS];
	struct pmd_race r = { .rounds = RACE_ROUNDS };
	uint64_t faults, huge;
	char *zeros, *back;
	int i, t;

	cr_assert_geq(dma_buffer_size(), HUGE_SZ);
	zeros = calloc(1, HUGE_SZ);
	back = malloc(HUGE_SZ);
	cr_assert(zeros && back);
	cr_assert_eq(pwrite(dev.fd, zeros, HUGE_SZ, 0), (ssize_t)HUGE_SZ);
	cr_assert_eq(pthread_barrier_init(&r.go, NULL, RACERS + 1), 0);
	cr_assert_eq(pthread_barrier_init(&r.done, NULL, RACERS + 1), 0);
	for (t = 0; t < RACERS; t++) {
		racers[t] = (struct racer){ &r, t };
		cr_assert_eq(pthread_create(&tids[t], NULL, pmd_racer,
					    &racers[t]), 0);
	}

	a = dev_stats(&dev, MAPDEMO_STATS_FILE);
	for (i = 0; i < RACE_ROUNDS; i++) {
		char *p = map_dev(&dev, HUGE_SZ, PROT_READ | PROT_WRITE,
				  MAP_SHARED, 0);

		cr_assert_neq(p, MAP_FAILED, "round %d: %s", i, strerror(errno));
		cr_assert_eq((uintptr_t)p % HUGE_SZ, 0);
		r.map = p;
		pthread_barrier_wait(&r.go);
		pthread_barrier_wait(&r.done);
		cr_assert_eq(munmap(p, HUGE_SZ), 0);
	}
	b = dev_stats(&dev, MAPDEMO_STATS_FILE);
	for (t = 0; t < RACERS; t++)
		pthread_join(tids[t], NULL);

	faults = b.faults - a.faults;
	huge = b.huge_faults - a.huge_faults;
	if (kernel_maps_pmds()) {
		/* a racer that lost inserts nothing; one that lost late
		 * still counts its PMD insert, which changes nothing
		 */
		cr_assert_leq(faults, (uint64_t)RACE_ROUNDS * RACERS,
			      "%llu faults", (unsigned long long)faults);
		cr_assert_geq(huge, RACE_ROUNDS, "%llu PMDs in %d rounds",
			      (unsigned long long)huge, RACE_ROUNDS);
	} else {
		cr_assert_eq(faults, (uint64_t)RACE_ROUNDS * RACERS);
		cr_assert_eq(huge, 0);
	}
	cr_assert_eq(pread(dev.fd, back, HUGE_SZ, 0), (ssize_t)HUGE_SZ);
	cr_assert_eq(count_not(back, HUGE_SZ, 0), 0,
		     "the racing reads changed the buffer");
	note("dma_stress::threads_race_to_first_touch_one_pmd: %d rounds of %d threads: %llu faults, %llu PMD inserts",
	     RACE_ROUNDS, RACERS, (unsigned long long)faults,
	     (unsigned long long)huge);
	pthread_barrier_destroy(&r.go);
	pthread_barrier_destroy(&r.done);
	free(zeros);
	free(back);
	mapdemo_device_close(&dev);
}
