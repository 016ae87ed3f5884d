// SPDX-License-Identifier: MIT
/* mmap(2)'s ERRORS section, each mode: the exact errno of each. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "conformance.h"

#define expect_fail(call, err)						\
	do {								\
		void *r_ = (call);					\
		cr_assert(r_ == MAP_FAILED && errno == (err),		\
			  "%s: got %p, %s; want %s", #call, r_,		\
			  strerror(errno), strerror(err));		\
	} while (0)

MODE_TEST(errors, ebadf)
{
	int fd = open("/dev/null", O_RDONLY);

	(void)mode;
	expect_fail(mmap(NULL, page_size, PROT_READ, MAP_SHARED, -1, 0), EBADF);
	cr_assert_geq(fd, 0);
	close(fd);
	expect_fail(mmap(NULL, page_size, PROT_READ, MAP_PRIVATE, fd, 0), EBADF);
}

MODE_TEST(errors, eacces)
{
	struct mapdemo_device wo = conf_open(mode, O_WRONLY);
	struct mapdemo_device ro = conf_open(mode, O_RDONLY);
	char *p;

	/* every mapping needs a readable fd, even a write-only one */
	expect_fail(map_dev(&wo, page_size, PROT_READ, MAP_SHARED, 0), EACCES);
	expect_fail(map_dev(&wo, page_size, PROT_WRITE, MAP_PRIVATE, 0), EACCES);
	expect_fail(map_dev(&ro, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, 0),
		    EACCES);
	p = map_dev(&ro, page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	cr_assert_neq(p, MAP_FAILED, "a private writable copy of O_RDONLY: %s",
		      strerror(errno));
	munmap(p, page_size);
	mapdemo_device_close(&wo);
	mapdemo_device_close(&ro);
}

MODE_TEST(errors, einval)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);

	expect_fail(map_dev(&dev, 0, PROT_READ, MAP_SHARED, 0), EINVAL);
	expect_fail(map_dev(&dev, page_size, PROT_READ, MAP_SHARED, 1), EINVAL);
	expect_fail(map_dev(&dev, page_size, PROT_READ, MAP_SHARED, page_size / 2),
		    EINVAL);
	expect_fail(map_dev(&dev, page_size, PROT_READ, 0, 0), EINVAL);
	expect_fail(mmap((void *)(page_size + 1), page_size, PROT_READ,
			 MAP_SHARED | MAP_FIXED, dev.fd, 0), EINVAL);
	mapdemo_device_close(&dev);
}

/*
 * mmap(2) gives EOVERFLOW only for 32-bit offsets.  On 64 bits the kernel
 * still answers it when offset + length passes what a character device
 * may address (ULONG_MAX): the raw syscall's offset is unsigned, so -4096
 * is the last page.  glibc would pass it through unchanged as well.
 */
MODE_TEST(errors, eoverflow)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	void *p = (void *)syscall(SYS_mmap, NULL, 2 * page_size, PROT_READ,
				  MAP_SHARED, dev.fd, -(long)page_size);

	cr_assert(p == MAP_FAILED && errno == EOVERFLOW, "%p %s", p, strerror(errno));
	mapdemo_device_close(&dev);
}

MODE_TEST(errors, enomem_too_long)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);

	/* longer than any user address space: x86-64's is 2^47, arm64's 2^48 */
	expect_fail(map_dev(&dev, 1UL << 62, PROT_READ, MAP_SHARED | MAP_NORESERVE, 0),
		    ENOMEM);
	expect_fail(map_dev(&dev, (size_t)-page_size, PROT_READ, MAP_PRIVATE, 0),
		    ENOMEM);
	mapdemo_device_close(&dev);
}

static long max_map_count = -1;

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	cr_assert_not_null(f);
	cr_assert_eq(fscanf(f, "%ld", &v), 1);
	fclose(f);
	return v;
}

static void write_long(const char *path, long v)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	cr_assert_geq(fprintf(f, "%ld\n", v), 0);
	cr_assert_eq(fclose(f), 0);
}

static void restore_max_map_count(void)
{
	if (max_map_count >= 0)
		write_long("/proc/sys/vm/max_map_count", max_map_count);
	conf_fini();
}

static long count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	long n = 0;
	int c;

	cr_assert_not_null(f);
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* The limit is system-wide; lowered for this test, restored by .fini. */
ParameterizedTestParameters(errors, enomem_max_map_count)
{
	return conf_mode_params();
}

ParameterizedTest(int *mode, errors, enomem_max_map_count,
		  .fini = restore_max_map_count)
{
	struct mapdemo_device dev = conf_open(*mode, O_RDWR);
	size_t span = 64 * page_size;
	char *area, *p;
	int i;

	area = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(area, MAP_FAILED);
	max_map_count = read_long("/proc/sys/vm/max_map_count");
	write_long("/proc/sys/vm/max_map_count", count_maps() + 8);
	/* every other page of the area: each mapping splits it in two */
	for (i = 0; i < 32; i++) {
		p = mmap(area + 2 * i * page_size, page_size, PROT_READ,
			 MAP_SHARED | MAP_FIXED, dev.fd, 0);
		if (p == MAP_FAILED)
			break;
	}
	cr_assert_lt(i, 32, "max_map_count never reached");
	cr_assert_eq(errno, ENOMEM, "%s", strerror(errno));
	restore_max_map_count();
	max_map_count = -1;
	munmap(area, span);
	cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_FILE).vmas_live, 0);
	mapdemo_device_close(&dev);
}

/* The control: a device without mmap. */
MODE_TEST(errors, enodev_for_dev_null)
{
	int fd = open("/dev/null", O_RDWR);

	(void)mode;
	cr_assert_geq(fd, 0);
	expect_fail(mmap(NULL, page_size, PROT_READ, MAP_SHARED, fd, 0), ENODEV);
	close(fd);
}
