// SPDX-License-Identifier: MIT
/*
 * libmapdemo against the real device: loading by path and by name with
 * parameters, the module's reference count, the mode controls passing
 * the driver's answers through, names into a mapping, and the probe on
 * device memory (SIGBUS past the sparse end and past max_pages).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "helpers.h"

/* Leave the module as the tests after us expect it: loaded, defaults. */
static void restore_module(void)
{
	if (mapdemo_module_state() != MAPDEMO_MODULE_ABSENT)
		mapdemo_module_unload();
	cr_assert_eq(mapdemo_module_load(NULL, NULL), 0);
}

static void reload(const char *what, const char *params)
{
	int ret = mapdemo_module_unload();

	cr_assert_eq(ret, 0, "unload: %s", strerror(-ret));
	ret = mapdemo_module_load(what, params);
	cr_assert_eq(ret, 0, "load %s %s: %s", what ? what : "(by name)",
		     params ? params : "", strerror(-ret));
	cr_assert_eq(mapdemo_module_state(), MAPDEMO_MODULE_LIVE);
}

static struct mapdemo_info info_of(int mode)
{
	struct mapdemo_device dev = open_dev(O_RDONLY, mode);
	struct mapdemo_info info;

	cr_assert_eq(mapdemo_info(&dev, &info), 0);
	mapdemo_device_close(&dev);
	return info;
}

/*
 * Where the running kernel's mapdemo.ko is: the harness's guest puts it
 * in extra/, DKMS in updates/dkms/, make modules_install in
 * updates/driver/ (compressed where the kernel compresses its own).
 */
static void module_path(char *path, size_t size)
{
	static const char *const where[] = {
		"extra/mapdemo.ko", "updates/dkms/mapdemo.ko",
		"updates/dkms/mapdemo.ko.xz", "updates/dkms/mapdemo.ko.zst",
		"updates/driver/mapdemo.ko", "updates/driver/mapdemo.ko.xz",
	};
	struct utsname u;
	size_t i;

	cr_assert_eq(uname(&u), 0);
	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		snprintf(path, size, "/lib/modules/%s/%s", u.release, where[i]);
		if (access(path, R_OK) == 0)
			return;
	}
	cr_assert_fail("no mapdemo.ko under /lib/modules/%s (extra/, updates/dkms/, updates/driver/)",
		       u.release);
}

Test(lib, load_by_path_and_by_name_with_parameters, .fini = restore_module)
{
	char path[256];

	module_path(path, sizeof(path));

	reload(path, "mode=sparse max_pages=64 sparse_size=12345");
	cr_expect_eq(info_of(MAPDEMO_MODE_DEFAULT).mode, MAPDEMO_MODE_SPARSE);
	cr_expect_eq(info_of(MAPDEMO_MODE_DEFAULT).max_pages, 64);
	cr_expect_eq(info_of(MAPDEMO_MODE_DEFAULT).sparse_size, 12345);
	cr_expect_eq(mapdemo_module_load(path, NULL), -EEXIST);
	cr_expect_eq(mapdemo_module_load("mapdemo", NULL), -EEXIST);

	reload("mapdemo", "mode=dma dma_style=page");
	cr_expect_eq(info_of(MAPDEMO_MODE_DEFAULT).mode, MAPDEMO_MODE_DMA);
	cr_expect_eq(info_of(MAPDEMO_MODE_DEFAULT).dma_style, MAPDEMO_DMA_PAGE);

	cr_assert_eq(mapdemo_module_unload(), 0);
	cr_expect_eq(mapdemo_module_load(path, "max_pages=1 mode=bogus"), -EINVAL);
	cr_expect_eq(mapdemo_module_state(), MAPDEMO_MODULE_ABSENT);
	cr_expect_eq(mapdemo_module_refcount(), -ENOENT);
	/* the kernel ignores a parameter the module does not have, and says so */
	cr_expect_eq(mapdemo_module_load(path, "no_such_parameter=1"), 0);
	cr_expect_eq(mapdemo_module_state(), MAPDEMO_MODULE_LIVE);
}

/* A file holds the module; a mapping holds its file, so the module too. */
Test(lib, refcount_follows_files_and_mappings)
{
	struct mapdemo_device dev;
	struct mapdemo_mapping m;
	int base = mapdemo_module_refcount();

	cr_assert_geq(base, 0);
	dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	cr_expect_eq(mapdemo_module_refcount(), base + 1);
	cr_assert_eq(mapdemo_map(&dev, &m, NULL, page_size, PROT_READ, MAP_SHARED, 0), 0);
	cr_expect_eq(mapdemo_module_refcount(), base + 1);
	mapdemo_device_close(&dev);
	cr_expect_eq(mapdemo_module_refcount(), base + 1, "the mapping keeps its file");
	cr_expect_eq(mapdemo_module_unload(), -EBUSY);
	cr_assert_eq(mapdemo_unmap(&m), 0);
	cr_expect_eq(mapdemo_module_refcount(), base);
}

/* The offset is 64 bits, recorded as given (zero mode ignores it). */
Test(lib, map_records_a_64_bit_offset)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	const uint64_t off = (uint64_t)1 << 40;
	struct mapdemo_mapping m;
	size_t i;

	cr_assert_eq(mapdemo_map(&dev, &m, NULL, page_size, PROT_READ, MAP_SHARED, off), 0);
	cr_expect_eq(m.offset, off);
	cr_expect_eq(m.length, page_size);
	for (i = 0; i < sizeof(m.reserved) / sizeof(m.reserved[0]); i++)
		cr_expect_eq(m.reserved[i], 0);
	cr_expect_eq(((volatile char *)m.addr)[0], 0);
	cr_assert_eq(mapdemo_unmap(&m), 0);
	mapdemo_device_close(&dev);
}

/* The wrappers return exactly what the driver answers. */
Test(lib, mode_controls_pass_the_driver_answer)
{
	struct mapdemo_device zero = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	struct mapdemo_device dma = open_dev(O_RDWR, MAPDEMO_MODE_DMA);
	struct mapdemo_info info;
	struct mapdemo_mapping m;

	cr_expect_eq(mapdemo_reset(&zero), -EINVAL, "reset outside sparse mode");
	cr_expect_eq(mapdemo_resize(&zero, page_size), -EINVAL);
	cr_expect_eq(mapdemo_sync(&zero, 0, page_size, MAPDEMO_SYNC_FOR_CPU), -EINVAL);

	cr_assert_eq(mapdemo_info(&dma, &info), 0);
	cr_assert_gt(info.dma_size, page_size);
	cr_expect_eq(mapdemo_set_dma_style(&dma, MAPDEMO_DMA_PAGE), 0);
	cr_expect_eq(mapdemo_sync(&dma, 0, info.dma_size, MAPDEMO_SYNC_FOR_DEVICE), 0);
	cr_expect_eq(mapdemo_sync(&dma, page_size, info.dma_size, MAPDEMO_SYNC_FOR_CPU), -EINVAL);
	cr_expect_eq(mapdemo_sync(&dma, ~0ULL, 2, MAPDEMO_SYNC_FOR_CPU), -EINVAL);
	cr_assert_eq(mapdemo_map(&dma, &m, NULL, page_size, PROT_READ, MAP_SHARED, 0), 0);
	cr_assert_eq(mapdemo_info(&dma, &info), 0);
	cr_expect_eq(info.dma_style, MAPDEMO_DMA_PAGE);
	cr_expect_eq(mapdemo_set_dma_style(&dma, MAPDEMO_DMA_PFN), -EBUSY);
	cr_expect_eq(mapdemo_set_mode(&dma, MAPDEMO_MODE_ZERO), -EBUSY);
	cr_expect_eq(mapdemo_get_mode(&dma), MAPDEMO_MODE_DMA);
	mapdemo_unmap(&m);
	mapdemo_device_close(&dma);
	mapdemo_device_close(&zero);
}

Test(lib, mapping_from_names)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	struct mapdemo_stats before, after;
	struct mapdemo_mapping m;
	int prot, flags;

	cr_assert_eq(mapdemo_parse_prot("rw", &prot, NULL), 0);
	cr_assert_eq(mapdemo_parse_map_flags("shared,populate", &flags, NULL), 0);
	before = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(mapdemo_map(&dev, &m, NULL, 8 * page_size, prot, flags, 0), 0);
	after = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_expect_eq(after.faults - before.faults, 8, "populate faulted every page in");
	cr_expect_eq(after.pages_live, 8);
	cr_expect_eq(m.prot, PROT_READ | PROT_WRITE);
	cr_expect_eq(m.flags, MAP_SHARED | MAP_POPULATE);
	cr_assert_eq(mapdemo_unmap(&m), 0);
	cr_expect_eq(dev_stats(&dev, MAPDEMO_STATS_FILE).pages_live, 0);
	mapdemo_device_close(&dev);
}

static void expect_run(const struct mapdemo_probe_result *r, size_t from, size_t to,
		       char *base, int outcome, int code)
{
	size_t i;

	for (i = from; i < to; i++) {
		cr_expect_eq(r[i].outcome, outcome, "page %zu: %s, expected %s", i,
			     mapdemo_outcome_name(r[i].outcome), mapdemo_outcome_name(outcome));
		cr_expect_eq(r[i].code, code, "page %zu: si_code %d, expected %d", i,
			     r[i].code, code);
		cr_expect_eq(r[i].addr, outcome == MAPDEMO_OK ? NULL : base + i * page_size);
	}
}

Test(lib, probe_sigbus_past_the_sparse_end)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_SPARSE);
	struct mapdemo_probe_result r[4];
	struct mapdemo_info info;
	off_t last;
	char *p;

	cr_assert_eq(mapdemo_info(&dev, &info), 0);
	last = (off_t)((info.sparse_size - 1) & ~(uint64_t)(page_size - 1));
	p = map_dev(&dev, 4 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, last - (off_t)page_size);
	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(mapdemo_probe(p, 4 * page_size, MAPDEMO_ACCESS_READ, r, 4), 4);
	expect_run(r, 0, 2, p, MAPDEMO_OK, 0);
	expect_run(r, 2, 4, p, MAPDEMO_SIGBUS, BUS_ADRERR);
	cr_assert_eq(mapdemo_probe(p, 4 * page_size, MAPDEMO_ACCESS_WRITE, r, 4), 4);
	expect_run(r, 0, 2, p, MAPDEMO_OK, 0);
	expect_run(r, 2, 4, p, MAPDEMO_SIGBUS, BUS_ADRERR);
	munmap(p, 4 * page_size);
	mapdemo_device_close(&dev);
}

/* MAP_NORESERVE past max_pages: the fault that crosses the cap is a SIGBUS. */
Test(lib, probe_sigbus_past_max_pages, .fini = restore_module)
{
	struct mapdemo_probe_result r[8];
	struct mapdemo_device dev;
	struct mapdemo_mapping m;

	reload(NULL, "max_pages=4");
	dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	cr_expect_eq(mapdemo_map(&dev, &m, NULL, 8 * page_size, PROT_READ | PROT_WRITE,
				 MAP_SHARED, 0), -ENOMEM);
	cr_assert_eq(mapdemo_map(&dev, &m, NULL, 8 * page_size, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_NORESERVE, 0), 0);
	cr_assert_eq(mapdemo_probe(m.addr, m.length, MAPDEMO_ACCESS_WRITE, r, 8), 8);
	expect_run(r, 0, 4, m.addr, MAPDEMO_OK, 0);
	expect_run(r, 4, 8, m.addr, MAPDEMO_SIGBUS, BUS_ADRERR);
	cr_expect_eq(dev_stats(&dev, MAPDEMO_STATS_FILE).sigbus, 4);
	cr_assert_eq(mapdemo_unmap(&m), 0);
	mapdemo_device_close(&dev);
}

/*
 * Eight threads probe device mappings of their own - zero mode read-only,
 * and across the end of the sparse buffer - over and over, while a ninth
 * keeps taking SIGSEGVs in the process's own handler.
 */
#define THREADS 8
#define ROUNDS 10

static volatile sig_atomic_t own_faults;
static __thread sigjmp_buf own_env;

static void own_handler(int sig)
{
	(void)sig;
	own_faults++;
	siglongjmp(own_env, 1);
}

struct faulter {
	volatile int stop;
	volatile char *page;
	long faults, caught;
};

static void *faulter(void *arg)
{
	struct faulter *f = arg;

	while (!f->stop) {
		sig_atomic_t before = own_faults;

		f->faults++;
		if (sigsetjmp(own_env, 1) == 0)
			(void)*f->page;
		f->caught += own_faults == before + 1;
	}
	return NULL;
}

struct prober {
	char *zero;		/* 2 pages, read-only */
	char *sparse;		/* 2 pages: the buffer's last, then past it */
	int failures;
};

static void *prober(void *arg)
{
	struct prober *pr = arg;
	struct mapdemo_probe_result r[2];
	int round;

	for (round = 0; round < ROUNDS; round++) {
		if (mapdemo_probe(pr->zero, 2 * page_size, MAPDEMO_ACCESS_WRITE, r, 2) != 2 ||
		    r[0].outcome != MAPDEMO_SIGSEGV || r[0].code != SEGV_ACCERR ||
		    r[1].outcome != MAPDEMO_SIGSEGV || r[1].addr != pr->zero + page_size)
			pr->failures++;
		if (mapdemo_probe(pr->sparse, 2 * page_size, MAPDEMO_ACCESS_READ, r, 2) != 2 ||
		    r[0].outcome != MAPDEMO_OK ||
		    r[1].outcome != MAPDEMO_SIGBUS || r[1].code != BUS_ADRERR ||
		    r[1].addr != pr->sparse + page_size)
			pr->failures++;
	}
	return NULL;
}

Test(lib, probe_threads_beside_a_caller_handler)
{
	struct mapdemo_device zero = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	struct mapdemo_device sparse = open_dev(O_RDWR, MAPDEMO_MODE_SPARSE);
	struct sigaction sa = { .sa_handler = own_handler }, old, now;
	struct prober pr[THREADS];
	pthread_t tid[THREADS], ftid;
	struct faulter f = { 0 };
	struct mapdemo_info info;
	off_t last;
	int t;

	cr_assert_eq(mapdemo_info(&sparse, &info), 0);
	last = (off_t)((info.sparse_size - 1) & ~(uint64_t)(page_size - 1));
	f.page = mmap(NULL, page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(f.page, MAP_FAILED);
	sigemptyset(&sa.sa_mask);
	cr_assert_eq(sigaction(SIGSEGV, &sa, &old), 0);
	cr_assert_eq(pthread_create(&ftid, NULL, faulter, &f), 0);

	for (t = 0; t < THREADS; t++) {
		pr[t].failures = 0;
		pr[t].zero = map_dev(&zero, 2 * page_size, PROT_READ, MAP_SHARED, 0);
		pr[t].sparse = map_dev(&sparse, 2 * page_size, PROT_READ, MAP_SHARED, last);
		cr_assert_neq(pr[t].zero, MAP_FAILED);
		cr_assert_neq(pr[t].sparse, MAP_FAILED);
		cr_assert_eq(pthread_create(&tid[t], NULL, prober, &pr[t]), 0);
	}
	for (t = 0; t < THREADS; t++) {
		pthread_join(tid[t], NULL);
		cr_expect_eq(pr[t].failures, 0, "thread %d: %d wrong probes", t, pr[t].failures);
		munmap(pr[t].zero, 2 * page_size);
		munmap(pr[t].sparse, 2 * page_size);
	}
	f.stop = 1;
	pthread_join(ftid, NULL);
	cr_expect_gt(f.faults, 0);
	cr_expect_eq(f.caught, f.faults, "the caller's handler caught %ld of %ld faults",
		     f.caught, f.faults);
	cr_assert_eq(sigaction(SIGSEGV, &old, &now), 0);
	cr_expect_eq(now.sa_handler, own_handler, "the caller's handler was replaced");
	munmap((void *)f.page, page_size);
	mapdemo_device_close(&sparse);
	mapdemo_device_close(&zero);
}
