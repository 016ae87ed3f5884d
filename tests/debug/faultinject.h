/* SPDX-License-Identifier: MIT */
/*
 * The fault injectors of the debug kernel (failslab, fail_page_alloc),
 * aimed at one thread: the tests of tests/debug/ share these.  A header of
 * static inline functions, so that each test binary stays one file for
 * the Makefile's wildcard rule.
 */
#ifndef MAPDEMO_TEST_FAULTINJECT_H
#define MAPDEMO_TEST_FAULTINJECT_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#define FAILSLAB "/sys/kernel/debug/failslab"
#define FAIL_PAGE_ALLOC "/sys/kernel/debug/fail_page_alloc"

/*
 * Write @val to @path in one write(): tracefs and debugfs files take a
 * command a write; @oflags adds O_TRUNC or O_APPEND.
 */
static inline void write_file(const char *path, const char *val, int oflags)
{
	int fd = open(path, O_WRONLY | oflags);
	ssize_t n;

	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	n = write(fd, val, strlen(val));
	cr_assert_eq(n, (ssize_t)strlen(val), "%s <- %s: %s", path, val,
		     strerror(errno));
	cr_assert_eq(close(fd), 0);
}

/* Set the injector attribute @file of @dir to @val. */
static inline void put(const char *dir, const char *file, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	write_file(path, val, O_TRUNC);
}

static inline long get(const char *dir, const char *file)
{
	char path[256];
	long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fscanf(f, "%ld", &v), 1, "%s", path);
	fclose(f);
	return v;
}

/*
 * Opened once: turning the filter on and off must allocate nothing, or
 * the switch itself would take the one failure.
 */
static int fail_fd = -1;

static inline void make_me_fail(bool on)
{
	if (fail_fd < 0) {
		fail_fd = open("/proc/thread-self/make-it-fail", O_WRONLY);
		cr_assert_geq(fail_fd, 0, "make-it-fail: %s", strerror(errno));
	}
	cr_assert_eq(pwrite(fail_fd, on ? "1" : "0", 1, 0), 1,
		     "make-it-fail: %s", strerror(errno));
}

/*
 * Fail the first allocation of a make-it-fail task past @space: bytes
 * (of the slab cache's object size) for failslab, pages (1 << order)
 * for fail_page_alloc.
 */
static inline void arm(const char *dir, unsigned long space, int times)
{
	char buf[32];

	put(dir, "task-filter", "Y");
	put(dir, "verbose", "0");	/* a stack per failure would read as a report */
	put(dir, "ignore-gfp-wait", "N");
	if (!strcmp(dir, FAIL_PAGE_ALLOC)) {
		put(dir, "ignore-gfp-highmem", "N");
		put(dir, "min-order", "0");
	}
	put(dir, "interval", "1");
	snprintf(buf, sizeof(buf), "%lu", space);
	put(dir, "space", buf);
	snprintf(buf, sizeof(buf), "%d", times);
	put(dir, "times", buf);
	put(dir, "probability", "100");
}

static inline void disarm(void)
{
	if (fail_fd >= 0)
		make_me_fail(false);
	put(FAILSLAB, "probability", "0");
	put(FAILSLAB, "times", "0");
	put(FAIL_PAGE_ALLOC, "probability", "0");
	put(FAIL_PAGE_ALLOC, "times", "0");
}

#endif
