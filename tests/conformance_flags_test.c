// SPDX-License-Identifier: MIT
/*
 * mmap(2) flags on the device, each mode: what the man page promises, or
 * where the kernel answers otherwise, what it answers and why.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conformance.h"

#define N 8

#ifndef MAP_UNINITIALIZED
#define MAP_UNINITIALIZED 0x4000000	/* <linux/mman.h>; glibc leaves it out */
#endif

static int child_writes(void *arg)
{
	memset(arg, 0x6b, N * page_size);
	return 0;
}

MODE_TEST(flags, shared_write_in_child_is_seen)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	char *p = conf_map(&dev, N * page_size, PROT_READ | PROT_WRITE, MAP_SHARED);

	cr_assert_eq(in_child(child_writes, p), 0);
	cr_assert_eq(count_not(p, N * page_size, 0x6b), 0);
	munmap(p, N * page_size);
	mapdemo_device_close(&dev);
}

MODE_TEST(flags, private_write_in_child_is_not_seen)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	char *p = conf_map(&dev, N * page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE);

	cr_assert_eq(in_child(child_writes, p), 0);
	cr_assert_eq(count_not(p, N * page_size, 0), 0);
	munmap(p, N * page_size);
	mapdemo_device_close(&dev);
}

MODE_TEST(flags, shared_validate_refuses_unknown_bits)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	void *p;

	p = map_dev(&dev, page_size, PROT_READ, MAP_SHARED_VALIDATE | 0x200000, 0);
	cr_assert(p == MAP_FAILED && errno == EOPNOTSUPP, "unknown bit: %s",
		  strerror(errno));
	/* MAP_SYNC is known, but only to DAX files */
	p = map_dev(&dev, page_size, PROT_READ, MAP_SHARED_VALIDATE | MAP_SYNC, 0);
	cr_assert(p == MAP_FAILED && errno == EOPNOTSUPP, "MAP_SYNC: %s",
		  strerror(errno));
	/* MAP_PRIVATE ignores unknown bits, as mmap(2) says */
	p = map_dev(&dev, page_size, PROT_READ, MAP_PRIVATE | 0x200000, 0);
	cr_assert_neq(p, MAP_FAILED);
	munmap(p, page_size);
	p = map_dev(&dev, page_size, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE, 0);
	cr_assert_neq(p, MAP_FAILED, "%s", strerror(errno));
	((char *)p)[0] = 1;
	munmap(p, page_size);
	mapdemo_device_close(&dev);
}

MODE_TEST(flags, fixed_replaces_and_fixed_noreplace_refuses)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	size_t len = 4 * page_size;
	char *a, *p;

	a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(a, MAP_FAILED);
	memset(a, 0xff, len);
	p = mmap(a + page_size, 2 * page_size, PROT_READ, MAP_SHARED | MAP_FIXED,
		 dev.fd, 0);
	cr_assert_eq(p, a + page_size, "MAP_FIXED put it elsewhere");
	cr_assert_eq(count_not(p, 2 * page_size, 0), 0, "the old bytes are still there");
	cr_assert_eq(count_not(a, page_size, 0xff), 0);
	cr_assert_eq(count_not(a + 3 * page_size, page_size, 0xff), 0);

	p = mmap(a, page_size, PROT_READ, MAP_SHARED | MAP_FIXED_NOREPLACE, dev.fd, 0);
	cr_assert(p == MAP_FAILED && errno == EEXIST, "%s", strerror(errno));
	p = mmap(a + 2 * page_size, page_size, PROT_READ,
		 MAP_PRIVATE | MAP_FIXED_NOREPLACE, dev.fd, 0);
	cr_assert(p == MAP_FAILED && errno == EEXIST);
	cr_assert_eq(munmap(a, len), 0);
	p = mmap(a, page_size, PROT_READ, MAP_SHARED | MAP_FIXED_NOREPLACE, dev.fd, 0);
	cr_assert_eq(p, a, "a free range: %s", strerror(errno));
	munmap(p, page_size);
	mapdemo_device_close(&dev);
}

static void check_populate(int mode, int flags)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	struct mapdemo_stats before, after;
	long flt;
	size_t i;
	char *p;

	p = conf_map(&dev, N * page_size, PROT_READ | PROT_WRITE, flags | MAP_POPULATE);
	for (i = 0; i < N; i++)
		cr_assert(page_present(p + i * page_size), "page %zu not present", i);
	before = dev_stats(&dev, MAPDEMO_STATS_FILE);
	flt = minor_faults();
	cr_assert_eq(count_not(p, N * page_size, 0), 0);
	cr_assert_eq(minor_faults(), flt, "reading a populated mapping faulted");
	after = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(after.faults, before.faults);
	munmap(p, N * page_size);
	mapdemo_device_close(&dev);
}

MODE_TEST(flags, populate_shared_maps_every_page)
{
	check_populate(mode, MAP_SHARED);
}

MODE_TEST(flags, populate_private_maps_every_page)
{
	check_populate(mode, MAP_PRIVATE);
}

/*
 * mmap(2) describes MAP_NONBLOCK as "no read-ahead"; since 2.6.23 the
 * kernel's answer is that MAP_POPULATE | MAP_NONBLOCK populates nothing.
 */
MODE_TEST(flags, nonblock_cancels_populate)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	char *p = conf_map(&dev, N * page_size, PROT_READ,
			   MAP_SHARED | MAP_POPULATE | MAP_NONBLOCK);
	size_t i;

	for (i = 0; i < N; i++)
		cr_assert_not(page_present(p + i * page_size), "page %zu present", i);
	cr_assert_eq(count_not(p, N * page_size, 0), 0);
	munmap(p, N * page_size);
	mapdemo_device_close(&dev);
}

MODE_TEST(flags, locked_counts_in_vmlck)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	long before = status_kb("VmLck");
	char *p = conf_map(&dev, N * page_size, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_LOCKED);
	size_t i;

	cr_assert_eq(status_kb("VmLck") - before, (long)(N * page_size / 1024));
	for (i = 0; i < N; i++)
		cr_assert(page_present(p + i * page_size),
			  "MAP_LOCKED populates, page %zu is not", i);
	munmap(p, N * page_size);
	cr_assert_eq(status_kb("VmLck"), before);
	mapdemo_device_close(&dev);
}

/* In a child without CAP_IPC_LOCK (root bypasses RLIMIT_MEMLOCK). */
static int locked_over_rlimit(void *arg)
{
	struct rlimit rl = { .rlim_cur = 4 * page_size, .rlim_max = 4 * page_size };
	int fd = *(int *)arg;
	void *p;

	if (setrlimit(RLIMIT_MEMLOCK, &rl) || setuid(65534))
		return 10;
	p = mmap(NULL, N * page_size, PROT_READ, MAP_SHARED | MAP_LOCKED, fd, 0);
	if (p != MAP_FAILED || errno != EAGAIN)
		return 11;
	p = mmap(NULL, 4 * page_size, PROT_READ, MAP_SHARED | MAP_LOCKED, fd, 0);
	if (p == MAP_FAILED)
		return 12;
	rl.rlim_cur = 0;
	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		return 13;
	/* a zero limit means "may not lock at all": EPERM, not EAGAIN */
	p = mmap(NULL, page_size, PROT_READ, MAP_SHARED | MAP_LOCKED, fd, 0);
	if (p != MAP_FAILED || errno != EPERM)
		return 14;
	return 0;
}

MODE_TEST(flags, locked_over_rlimit_memlock_fails)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);

	cr_assert_eq(in_child(locked_over_rlimit, &dev.fd), 0);
	mapdemo_device_close(&dev);
}

MODE_TEST(flags, noreserve_maps)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	char *p = conf_map(&dev, N * page_size, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_NORESERVE);

	memset(p, 3, N * page_size);
	cr_assert_eq(count_not(p, N * page_size, 3), 0);
	munmap(p, N * page_size);
	mapdemo_device_close(&dev);
}

/* MAP_32BIT exists on x86-64 only (glibc defines it nowhere else). */
#ifdef MAP_32BIT
MODE_TEST(flags, map_32bit_lands_below_2_gib)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	char *p = conf_map(&dev, N * page_size, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_32BIT);

	cr_assert_leq((uintptr_t)p + N * page_size, 2UL << 30, "%p", p);
	p[0] = 1;
	munmap(p, N * page_size);
	mapdemo_device_close(&dev);
}
#endif

/* MAP_STACK is accepted and, on 6.1, changes nothing. */
MODE_TEST(flags, stack_maps)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	char *p = conf_map(&dev, N * page_size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_STACK);
	char perms[5];

	maps_perms(p, perms);
	cr_assert_str_eq(perms, "rw-p");
	p[N * page_size - 1] = 1;
	munmap(p, N * page_size);
	mapdemo_device_close(&dev);
}

/*
 * MAP_GROWSDOWN: mmap(2) lists no error for it, but the kernel takes it
 * for anonymous private mappings only (a stack); on any file, shared or
 * private, do_mmap() answers EINVAL.
 */
MODE_TEST(flags, growsdown_refused_for_a_device)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	void *p;

	p = map_dev(&dev, N * page_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_GROWSDOWN, 0);
	cr_assert(p == MAP_FAILED && errno == EINVAL, "private: %s", strerror(errno));
	p = map_dev(&dev, N * page_size, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_GROWSDOWN, 4 * page_size);
	cr_assert(p == MAP_FAILED && errno == EINVAL, "shared: %s", strerror(errno));
	cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_FILE).mmaps, 0);
	mapdemo_device_close(&dev);
}

/* MAP_HUGETLB asks for hugetlbfs pages, which only hugetlbfs files have. */
MODE_TEST(flags, hugetlb_refused_for_a_device)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	void *p = map_dev(&dev, pmd_size, PROT_READ, MAP_SHARED | MAP_HUGETLB, 0);

	cr_assert(p == MAP_FAILED && errno == EINVAL, "%s", strerror(errno));
	mapdemo_device_close(&dev);
}

/* Honoured only for anonymous mappings on kernels built for it: ignored. */
MODE_TEST(flags, uninitialized_still_zero)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	char *p = conf_map(&dev, N * page_size, PROT_READ,
			   MAP_PRIVATE | MAP_UNINITIALIZED);

	cr_assert_eq(count_not(p, N * page_size, 0), 0);
	munmap(p, N * page_size);
	mapdemo_device_close(&dev);
}
