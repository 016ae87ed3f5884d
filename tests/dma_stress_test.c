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
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dma_util.h"

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
