// SPDX-License-Identifier: MIT
/*
 * Stress, for a bounded time (MAPDEMO_STRESS_SECONDS, a few seconds in
 * make check, longer in make check-debug):
 *  - threads racing first-touch faults on one shared mapping: every
 *    thread's atomic increments must land on the same page, so the counts
 *    add up exactly;
 *  - processes of threads mapping, faulting, mremapping, unmapping and
 *    forking on files of every available mode, some sharing one file
 *    whose mode they keep trying to switch;
 *  - the module unloaded and loaded again and again while other
 *    processes open, map and close the device: unload answers EBUSY while
 *    anything holds it, nothing crashes, and nothing leaks.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "reliab.h"

#define NTHREADS 4

static double stress_seconds(void)
{
	return (double)tier_count("MAPDEMO_STRESS_SECONDS", 2);
}

static int available_modes(int *modes)
{
	int n = 0, m;

	for (m = 0; m < MAPDEMO_MODE_NR; m++)
		if (mode_available(m))
			modes[n++] = m;
	return n;
}

/* ---- racing first touches ---- */

struct race {
	pthread_barrier_t go;
	unsigned long *base;	/* the mapping: one counter a page */
	size_t npages;
	int rounds;
};

static void *race_thread(void *arg)
{
	struct race *rc = arg;
	size_t stride = page_size / sizeof(unsigned long), i;
	int k;

	pthread_barrier_wait(&rc->go);
	for (k = 0; k < rc->rounds; k++)
		for (i = 0; i < rc->npages; i++)
			__atomic_fetch_add(&rc->base[i * stride], 1,
					   __ATOMIC_RELAXED);
	return NULL;
}

Test(stress, racing_first_touch_faults, .timeout = 900)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	double end = now() + stress_seconds();
	size_t stride = page_size / sizeof(unsigned long), i;
	unsigned long maps = 0;
	struct race rc = { .npages = 64, .rounds = 8 };
	pthread_t th[NTHREADS];
	int t;

	do {
		rc.base = map_dev(&dev, rc.npages * page_size,
				  PROT_READ | PROT_WRITE, MAP_SHARED, 0);
		cr_assert_neq(rc.base, MAP_FAILED, "mmap: %s", strerror(errno));
		pthread_barrier_init(&rc.go, NULL, NTHREADS);
		for (t = 0; t < NTHREADS; t++)
			cr_assert_eq(pthread_create(&th[t], NULL, race_thread, &rc), 0);
		for (t = 0; t < NTHREADS; t++)
			pthread_join(th[t], NULL);
		pthread_barrier_destroy(&rc.go);
		for (i = 0; i < rc.npages; i++)
			cr_assert_eq(rc.base[i * stride],
				     (unsigned long)NTHREADS * rc.rounds,
				     "map %lu page %zu: %lu increments, want %d: two pages won the race",
				     maps, i, rc.base[i * stride], NTHREADS * rc.rounds);
		cr_assert_eq(munmap(rc.base, rc.npages * page_size), 0);
		maps++;
	} while (now() < end);
	cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_FILE).pages_live, 0);
	mapdemo_device_close(&dev);
	note("stress::racing_first_touch_faults: %lu mappings of %zu pages, %d threads",
	     maps, rc.npages, NTHREADS);
}

/* ---- switching a file's mode while it is being mapped ---- */

struct switcher {
	pthread_barrier_t go;
	int fd;
	__u32 mode;
	int ret, err;
};

static void *switch_thread(void *arg)
{
	struct switcher *sw = arg;

	pthread_barrier_wait(&sw->go);
	sw->ret = ioctl(sw->fd, MAPDEMO_IOC_SET_MODE, &sw->mode);
	sw->err = errno;
	return NULL;
}

/* A shared writable mmap of a fresh file in @mode; its errno, or 0. */
static int fresh_shared_mmap(int mode)
{
	struct mapdemo_device dev = open_dev(O_RDWR, mode);
	void *p = map_dev(&dev, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	int err = p == MAP_FAILED ? errno : 0;

	if (p != MAP_FAILED)
		munmap(p, page_size);
	mapdemo_device_close(&dev);
	return err;
}

/*
 * The core counts a file's shared writable mappings on file->f_mapping
 * before it calls the driver's mmap and again when it links the VMA, and
 * sparse mode points f_mapping at its buffer's page cache.  A mode switch
 * landing between the two unbalanced those counts (each round that lost
 * the race left one mapping's count one short) and from then on every
 * shared writable mmap of the device, or of the sparse buffer, failed
 * EPERM until the module was reloaded.  The driver fixes the mode as the
 * core starts laying out the mapping; this races the two.
 */
Test(stress, mode_switch_racing_the_first_mmap, .timeout = 900)
{
	static const char *const name[] = {
		[MAPDEMO_MODE_ZERO] = "zero", [MAPDEMO_MODE_SPARSE] = "sparse",
	};
	double end = now() + stress_seconds();
	unsigned long rounds = 0, switched = 0, busy = 0;
	struct switcher sw;
	pthread_t th;
	int from, to, err;

	do {
		struct mapdemo_device dev;
		void *p;

		from = rounds % 2 ? MAPDEMO_MODE_SPARSE : MAPDEMO_MODE_ZERO;
		to = rounds % 2 ? MAPDEMO_MODE_ZERO : MAPDEMO_MODE_SPARSE;
		dev = open_dev(O_RDWR, from);
		sw.fd = dev.fd;
		sw.mode = (__u32)to;
		pthread_barrier_init(&sw.go, NULL, 2);
		cr_assert_eq(pthread_create(&th, NULL, switch_thread, &sw), 0);
		pthread_barrier_wait(&sw.go);
		p = map_dev(&dev, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
		err = errno;
		pthread_join(th, NULL);
		pthread_barrier_destroy(&sw.go);
		cr_assert_neq(p, MAP_FAILED, "round %lu: mmap: %s", rounds,
			      strerror(err));
		cr_assert(sw.ret == 0 || sw.err == EBUSY,
			  "round %lu: SET_MODE: %s", rounds, strerror(sw.err));
		if (sw.ret)
			busy++;
		else
			switched++;
		/* the mapping is in the mode the file now reports */
		cr_assert_eq(mapdemo_get_mode(&dev), sw.ret ? from : to);
		cr_assert_eq(munmap(p, page_size), 0);
		mapdemo_device_close(&dev);

		err = fresh_shared_mmap(MAPDEMO_MODE_ZERO);
		cr_assert_eq(err, 0, "round %lu (%s to %s): a zero-mode file can no longer be mapped shared: %s",
			     rounds, name[from], name[to], strerror(err));
		err = fresh_shared_mmap(MAPDEMO_MODE_SPARSE);
		cr_assert_eq(err, 0, "round %lu (%s to %s): the sparse buffer can no longer be mapped shared: %s",
			     rounds, name[from], name[to], strerror(err));
		rounds++;
	} while (now() < end);
	note("stress::mode_switch_racing_the_first_mmap: %lu rounds, switched before the mmap %lu, EBUSY %lu",
	     rounds, switched, busy);
}

/* ---- a process of threads doing everything ---- */

struct worker {
	int id;
	double end;
	int shared_fd;		/* one file every thread of the process uses */
	int modes[MAPDEMO_MODE_NR];
	int nmodes;
	size_t sparse_pages, dma_pages;
	unsigned long ops;
	int failed;		/* a line number: what went wrong */
};

#define WFAIL(w) do { (w)->failed = __LINE__; return; } while (0)

/* Map, fill, check, mremap, check, maybe fork, unmap; on one file. */
static void work_once(struct worker *w, struct rng *r, int fd, int mode)
{
	size_t npages = 1 + rng_below(r, 16), grow, i;
	bool shared = mode == MAPDEMO_MODE_DMA || rng_one_in(r, 2);
	uint8_t tag = (uint8_t)(1 + rng_below(r, 255));
	char *p, *q;
	pid_t pid;
	int status;

	if (mode == MAPDEMO_MODE_DMA && npages > w->dma_pages)
		npages = w->dma_pages;
	if (mode == MAPDEMO_MODE_SPARSE && npages > w->sparse_pages)
		npages = w->sparse_pages;
	p = mmap(NULL, npages * page_size, PROT_READ | PROT_WRITE,
		 shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		WFAIL(w);
	/*
	 * Sparse and dma pages are shared by every opener: other threads
	 * write there too, so only zero mode's own bytes can be checked.
	 */
	for (i = 0; i < npages; i++)
		p[i * page_size] = (char)tag;
	if (mode == MAPDEMO_MODE_ZERO || !shared)
		for (i = 0; i < npages; i++)
			if ((uint8_t)p[i * page_size] != tag)
				WFAIL(w);

	grow = mode == MAPDEMO_MODE_DMA ? npages : npages + rng_below(r, 8);
	if (mode == MAPDEMO_MODE_SPARSE && grow > w->sparse_pages)
		grow = w->sparse_pages;
	q = mremap(p, npages * page_size, grow * page_size, MREMAP_MAYMOVE);
	if (q == MAP_FAILED)
		WFAIL(w);
	if (mode == MAPDEMO_MODE_ZERO) {
		for (i = 0; i < npages; i++)
			if ((uint8_t)q[i * page_size] != tag)
				WFAIL(w);
		for (i = npages; i < grow; i++)
			if (q[i * page_size] != 0)
				WFAIL(w);
	}

	if (rng_one_in(r, 16)) {
		pid = fork();
		if (pid < 0)
			WFAIL(w);
		if (pid == 0) {
			/* the child's copy: touch everything, then go */
			for (i = 0; i < grow; i++)
				q[i * page_size] ^= 1;
			_exit(0);
		}
		if (waitpid(pid, &status, 0) != pid || status != 0)
			WFAIL(w);
	}
	if (munmap(q, grow * page_size))
		WFAIL(w);
	w->ops++;
}

static void *worker_thread(void *arg)
{
	struct worker *w = arg;
	struct rng r = { .s = 0x9e3779b97f4a7c15ULL * (uint64_t)(w->id + 1) ^
			      (uint64_t)getpid() };

	while (!w->failed && now() < w->end) {
		int mode = w->modes[rng_below(&r, w->nmodes)];
		__u32 m = (__u32)mode;
		int fd, ret;

		if (rng_one_in(&r, 3)) {
			/*
			 * The process's shared file: switching its mode races
			 * the other threads' mmap()s; EBUSY once one mapped it.
			 */
			void *pin;

			ret = ioctl(w->shared_fd, MAPDEMO_IOC_SET_MODE, &m);
			if (ret && errno != EBUSY) {
				w->failed = __LINE__;
				break;
			}
			/* one page, valid in every mode, fixes the mode */
			pin = mmap(NULL, page_size, PROT_READ, MAP_SHARED,
				   w->shared_fd, 0);
			if (pin == MAP_FAILED ||
			    ioctl(w->shared_fd, MAPDEMO_IOC_GET_MODE, &m)) {
				w->failed = __LINE__;
				break;
			}
			work_once(w, &r, w->shared_fd, (int)m);
			munmap(pin, page_size);
			continue;
		}
		fd = open(MAPDEMO_DEFAULT_PATH, O_RDWR | O_CLOEXEC);
		if (fd < 0 || ioctl(fd, MAPDEMO_IOC_SET_MODE, &m)) {
			w->failed = __LINE__;
			break;
		}
		work_once(w, &r, fd, mode);
		close(fd);
	}
	return NULL;
}

/* A process: NTHREADS workers; exits with the first failing line. */
static int stress_process(int id, double end)
{
	struct mapdemo_device dev;
	struct mapdemo_info info;
	struct worker w[NTHREADS];
	pthread_t th[NTHREADS];
	int t, shared_fd, failed = 0;
	unsigned long ops = 0;

	shared_fd = open(MAPDEMO_DEFAULT_PATH, O_RDWR | O_CLOEXEC);
	if (shared_fd < 0)
		return 1;
	dev.fd = shared_fd;
	if (mapdemo_info(&dev, &info))
		return 2;
	for (t = 0; t < NTHREADS; t++) {
		memset(&w[t], 0, sizeof(w[t]));
		w[t].id = id * NTHREADS + t;
		w[t].end = end;
		w[t].shared_fd = shared_fd;
		w[t].nmodes = available_modes(w[t].modes);
		w[t].sparse_pages = info.sparse_size / page_size;
		w[t].dma_pages = info.dma_size / page_size;
		/* a mode with no pages to map cannot be stressed */
		if (!w[t].sparse_pages || !w[t].dma_pages) {
			int k, n = 0;

			for (k = 0; k < w[t].nmodes; k++)
				if (!(w[t].modes[k] == MAPDEMO_MODE_SPARSE && !w[t].sparse_pages) &&
				    !(w[t].modes[k] == MAPDEMO_MODE_DMA && !w[t].dma_pages))
					w[t].modes[n++] = w[t].modes[k];
			w[t].nmodes = n;
		}
		if (pthread_create(&th[t], NULL, worker_thread, &w[t]))
			return 3;
	}
	for (t = 0; t < NTHREADS; t++) {
		pthread_join(th[t], NULL);
		if (w[t].failed && !failed)
			failed = w[t].failed;
		ops += w[t].ops;
	}
	close(shared_fd);
	if (failed)
		return failed > 255 ? 255 : failed;	/* see WFAIL */
	return ops ? 0 : 4;
}

Test(stress, processes_of_threads_on_every_mode, .timeout = 900)
{
	double end = now() + stress_seconds();
	struct mapdemo_stats before, after;
	int nproc = 3, i, status;
	pid_t pid[3];

	sparse_reset();
	before = device_stats();
	for (i = 0; i < nproc; i++) {
		pid[i] = fork();
		cr_assert_geq(pid[i], 0);
		if (pid[i] == 0)
			_exit(stress_process(i, end));
	}
	for (i = 0; i < nproc; i++) {
		cr_assert_eq(waitpid(pid[i], &status, 0), pid[i]);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			  "stress process %d: status %#x (exit code: the failing line of tests/stress_test.c, mod 256)",
			  i, status);
	}
	sparse_reset();
	after = device_stats();
	cr_assert_eq(after.vmas_live, 0);
	cr_assert_eq(after.pages_live, before.pages_live,
		     "%llu pages live after the stress, %llu before",
		     (unsigned long long)after.pages_live,
		     (unsigned long long)before.pages_live);
	note("stress::processes_of_threads_on_every_mode: %d processes of %d threads, %llu mmaps",
	     nproc, NTHREADS, (unsigned long long)(after.mmaps - before.mmaps));
}

/* ---- unloading while others open ---- */

/* opener()'s status when mmap() fails: this plus the errno */
#define OPENER_MMAP_FAILED	100

static int opener(double end)
{
	unsigned long n = 0;

	/*
	 * Until the end, and past it until one round went through: on a
	 * loaded host the unloader can keep the module out for the whole
	 * window, and after it the module stays loaded.
	 */
	while (now() < end || (!n && now() < end + 60)) {
		int fd = open(MAPDEMO_DEFAULT_PATH, O_RDWR | O_CLOEXEC);
		void *p;

		if (fd < 0) {
			/* gone, going, or not yet back */
			if (errno != ENOENT && errno != ENODEV && errno != ENXIO)
				return 1;
			continue;
		}
		p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return OPENER_MMAP_FAILED + errno;	/* which errno */
		close(fd);
		/* the mapping alone holds the module */
		((volatile char *)p)[0] = 1;
		if (munmap(p, page_size))
			return 3;
		n++;
		/* leave the unloader a window now and then */
		if (n % 4 == 0)
			usleep(1000);
	}
	return n ? 0 : 4;
}

/* One unload attempt: EBUSY or done (and loaded again); nothing else. */
static void unload_once(unsigned long *unloads, unsigned long *busy)
{
	int ret = mapdemo_module_unload();

	if (ret == -EBUSY) {
		(*busy)++;
		return;
	}
	cr_assert_eq(ret, 0, "unload: %s", strerror(-ret));
	(*unloads)++;
	ret = mapdemo_module_load(NULL, NULL);
	cr_assert_eq(ret, 0, "load: %s", strerror(-ret));
}

Test(stress, unload_and_load_while_others_open, .timeout = 900)
{
	double end = now() + stress_seconds();
	unsigned long unloads = 0, busy = 0, raced_unloads, raced_busy;
	struct mapdemo_device dev;
	int i, status;
	pid_t pid[3];

	/*
	 * Both outcomes are made to happen once for certain, before and
	 * after the race: how often each happens during it depends on the
	 * scheduler (and under TCG on the host's load), so the race itself
	 * asserts only that every attempt ends in one of the two.
	 */
	dev = open_dev(O_RDONLY, MAPDEMO_MODE_DEFAULT);
	unload_once(&unloads, &busy);
	mapdemo_device_close(&dev);
	cr_assert_eq(busy, 1, "unload with the device open did not give EBUSY");

	for (i = 0; i < 3; i++) {
		pid[i] = fork();
		cr_assert_geq(pid[i], 0);
		if (pid[i] == 0)
			_exit(opener(end));
	}
	while (now() < end)
		unload_once(&unloads, &busy);
	for (i = 0; i < 3; i++) {
		cr_assert_eq(waitpid(pid[i], &status, 0), pid[i]);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			  "opener %d: status %#x (%d and up: mmap failed, errno %d)",
			  i, status, OPENER_MMAP_FAILED,
			  WEXITSTATUS(status) - OPENER_MMAP_FAILED);
	}
	raced_unloads = unloads;
	raced_busy = busy - 1;

	/* nothing holds the module now: this unload must go through */
	cr_assert_eq(mapdemo_module_unload(), 0, "unload after the openers left");
	cr_assert_eq(mapdemo_module_load(NULL, NULL), 0);
	cr_assert_eq(mapdemo_module_state(), MAPDEMO_MODULE_LIVE);
	sparse_reset();
	cr_assert_eq(device_stats().pages_live, 0);
	cr_assert_eq(device_stats().vmas_live, 0);
	note("stress::unload_and_load_while_others_open: during the race %lu unloads, %lu EBUSY",
	     raced_unloads, raced_busy);
}
