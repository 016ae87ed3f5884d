// SPDX-License-Identifier: MIT
/*
 * Bad input to every public function, on a host without the module: a
 * clear negative errno, never a crash, never a changed output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "libmapdemo.h"

static const struct mapdemo_device closed = { .fd = -1 };

Test(api, device_functions_refuse_null)
{
	struct mapdemo_stats st;
	struct mapdemo_info info;
	struct mapdemo_device dev = { .fd = 0 };

	cr_expect_eq(mapdemo_device_open(NULL, NULL, O_RDWR, MAPDEMO_MODE_DEFAULT), -EINVAL);
	cr_expect_eq(mapdemo_device_close(NULL), -EINVAL);
	cr_expect_eq(mapdemo_set_mode(NULL, MAPDEMO_MODE_ZERO), -EINVAL);
	cr_expect_eq(mapdemo_get_mode(NULL), -EINVAL);
	cr_expect_eq(mapdemo_info(NULL, &info), -EINVAL);
	cr_expect_eq(mapdemo_info(&dev, NULL), -EINVAL);
	cr_expect_eq(mapdemo_stats(NULL, MAPDEMO_STATS_FILE, &st), -EINVAL);
	cr_expect_eq(mapdemo_stats(&dev, MAPDEMO_STATS_FILE, NULL), -EINVAL);
	cr_expect_eq(mapdemo_reset(NULL), -EINVAL);
	cr_expect_eq(mapdemo_resize(NULL, 4096), -EINVAL);
	cr_expect_eq(mapdemo_sync(NULL, 0, 4096, MAPDEMO_SYNC_FOR_CPU), -EINVAL);
	cr_expect_eq(mapdemo_set_dma_style(NULL, MAPDEMO_DMA_PFN), -EINVAL);
}

Test(api, closed_device_is_ebadf)
{
	struct mapdemo_device dev = closed;
	struct mapdemo_stats st;
	struct mapdemo_info info;
	struct mapdemo_mapping m;

	cr_expect_eq(mapdemo_device_close(&dev), -EBADF);
	cr_expect_eq(mapdemo_set_mode(&dev, MAPDEMO_MODE_ZERO), -EBADF);
	cr_expect_eq(mapdemo_get_mode(&dev), -EBADF);
	cr_expect_eq(mapdemo_info(&dev, &info), -EBADF);
	cr_expect_eq(mapdemo_stats(&dev, MAPDEMO_STATS_DEVICE, &st), -EBADF);
	cr_expect_eq(mapdemo_reset(&dev), -EBADF);
	cr_expect_eq(mapdemo_resize(&dev, 4096), -EBADF);
	cr_expect_eq(mapdemo_sync(&dev, 0, 4096, MAPDEMO_SYNC_FOR_DEVICE), -EBADF);
	cr_expect_eq(mapdemo_set_dma_style(&dev, MAPDEMO_DMA_PAGE), -EBADF);
	cr_expect_eq(mapdemo_map(&dev, &m, NULL, 4096, PROT_READ, MAP_SHARED, 0), -EBADF);
	cr_expect_null(m.addr);
}

/* Values the library can judge itself are refused before any system call. */
Test(api, bad_values)
{
	struct mapdemo_device dev = closed;
	struct mapdemo_stats st;

	cr_expect_eq(mapdemo_set_mode(&dev, -1), -EINVAL);
	cr_expect_eq(mapdemo_set_mode(&dev, MAPDEMO_MODE_NR), -EINVAL);
	cr_expect_eq(mapdemo_stats(&dev, 2, &st), -EINVAL);
	cr_expect_eq(mapdemo_stats(&dev, -1, &st), -EINVAL);
	cr_expect_eq(mapdemo_sync(&dev, 0, 4096, 2), -EINVAL);
	cr_expect_eq(mapdemo_sync(&dev, 0, 4096, -1), -EINVAL);
	cr_expect_eq(mapdemo_set_dma_style(&dev, MAPDEMO_DMA_STYLE_NR), -EINVAL);
	cr_expect_eq(mapdemo_set_dma_style(&dev, -1), -EINVAL);
	cr_expect_eq(mapdemo_device_open(&dev, "/dev/null", O_RDONLY, MAPDEMO_MODE_NR), -EINVAL);
	cr_expect_eq(dev.fd, -1);
	cr_expect_eq(mapdemo_device_open(&dev, "/dev/null", O_RDONLY, -2), -EINVAL);
}

Test(api, open_missing_device)
{
	struct mapdemo_device dev = { .fd = 42 };

	cr_expect_eq(mapdemo_device_open(&dev, "/nonexistent/mapdemo", O_RDWR,
					 MAPDEMO_MODE_DEFAULT), -ENOENT);
	cr_expect_eq(dev.fd, -1);
}

/* Another device answers our ioctls with ENOTTY: open with a mode fails. */
Test(api, not_our_device)
{
	struct mapdemo_device dev;
	struct mapdemo_info info;
	int lowest = open("/dev/null", O_RDONLY);

	cr_assert_geq(lowest, 0);
	close(lowest);
	cr_expect_eq(mapdemo_device_open(&dev, "/dev/null", O_RDONLY, MAPDEMO_MODE_ZERO), -ENOTTY);
	cr_expect_eq(dev.fd, -1);
	/* the lowest free descriptor is free again: the failed open closed it */
	cr_expect_eq(open("/dev/null", O_RDONLY), lowest, "the failed open leaked its file");
	close(lowest);

	cr_assert_eq(mapdemo_device_open(&dev, "/dev/null", O_RDONLY, MAPDEMO_MODE_DEFAULT), 0);
	cr_expect_geq(dev.fd, 0);
	cr_expect_eq(fcntl(dev.fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	cr_expect_eq(mapdemo_info(&dev, &info), -ENOTTY);
	cr_expect_eq(mapdemo_get_mode(&dev), -ENOTTY);
	cr_expect_eq(mapdemo_reset(&dev), -ENOTTY);
	cr_expect_eq(mapdemo_resize(&dev, 1), -ENOTTY);
	cr_expect_eq(mapdemo_sync(&dev, 0, 1, MAPDEMO_SYNC_FOR_CPU), -ENOTTY);
	cr_expect_eq(mapdemo_set_dma_style(&dev, MAPDEMO_DMA_PFN), -ENOTTY);
	cr_expect_eq(mapdemo_device_close(&dev), 0);
	cr_expect_eq(dev.fd, -1);
	cr_expect_eq(mapdemo_device_close(&dev), -EBADF);
}

Test(api, map_and_unmap)
{
	struct mapdemo_device dev;
	struct mapdemo_mapping m;

	cr_expect_eq(mapdemo_map(NULL, &m, NULL, 4096, PROT_READ, MAP_SHARED, 0), -EINVAL);
	cr_expect_eq(mapdemo_map(&dev, NULL, NULL, 4096, PROT_READ, MAP_SHARED, 0), -EINVAL);
	cr_expect_eq(mapdemo_unmap(NULL), -EINVAL);
	memset(&m, 0, sizeof(m));
	cr_expect_eq(mapdemo_unmap(&m), -EINVAL);

	/* /dev/zero stands in for the device: the errors are mmap(2)'s own */
	cr_assert_eq(mapdemo_device_open(&dev, "/dev/zero", O_RDWR, MAPDEMO_MODE_DEFAULT), 0);
	cr_expect_eq(mapdemo_map(&dev, &m, NULL, 0, PROT_READ, MAP_SHARED, 0), -EINVAL);
	cr_expect_null(m.addr);
	cr_expect_eq(mapdemo_map(&dev, &m, NULL, 4096, PROT_READ, 0, 0), -EINVAL);
	cr_expect_eq(mapdemo_map(&dev, &m, NULL, 4096, PROT_READ, MAP_SHARED, 1), -EINVAL);
	cr_assert_eq(mapdemo_map(&dev, &m, NULL, 8192, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE, 4096), 0);
	cr_expect_neq(m.addr, NULL);
	cr_expect_eq(m.length, 8192);
	cr_expect_eq(m.prot, PROT_READ | PROT_WRITE);
	cr_expect_eq(m.flags, MAP_PRIVATE);
	cr_expect_eq(m.offset, 4096);
	((char *)m.addr)[8191] = 1;
	cr_expect_eq(mapdemo_unmap(&m), 0);
	cr_expect_null(m.addr);
	cr_expect_eq(mapdemo_unmap(&m), -EINVAL);
	mapdemo_device_close(&dev);
}

/* The host has no mapdemo module: each call says so, none loads anything. */
Test(api, module_absent)
{
	cr_expect_eq(mapdemo_module_state(), MAPDEMO_MODULE_ABSENT);
	cr_expect_eq(mapdemo_module_refcount(), -ENOENT);
	cr_expect_eq(mapdemo_module_unload(), -ENOENT);
	cr_expect_eq(mapdemo_module_load("", NULL), -EINVAL);
	cr_expect_eq(mapdemo_module_load("/nonexistent/mapdemo.ko", NULL), -ENOENT);
	cr_expect_eq(mapdemo_module_load("/nonexistent/mapdemo.ko", "mode=zero"), -ENOENT);
	cr_expect_eq(mapdemo_module_load("mapdemo_no_such_module", NULL), -ENOENT);
	/* a name ending in .ko is a file in the current directory */
	cr_expect_eq(mapdemo_module_load("no-such-file.ko", NULL), -ENOENT);
}

/* Failing calls print nothing: not the library, not libkmod under it. */
Test(api, never_prints)
{
	struct mapdemo_device dev;
	struct mapdemo_probe_result r;
	char tmpl[] = "/tmp/mapdemo-stderr-XXXXXX";
	int out = mkstemp(tmpl), saved_err, saved_out;
	char *p;

	cr_assert_geq(out, 0);
	unlink(tmpl);
	p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(p, MAP_FAILED);
	fflush(stdout);
	fflush(stderr);
	saved_err = dup(2);
	saved_out = dup(1);
	dup2(out, 2);
	dup2(out, 1);

	mapdemo_module_load("/nonexistent/mapdemo.ko", "mode=zero");
	mapdemo_module_load("mapdemo_no_such_module", NULL);
	mapdemo_module_unload();
	mapdemo_module_state();
	mapdemo_module_refcount();
	mapdemo_device_open(&dev, "/nonexistent", O_RDWR, MAPDEMO_MODE_ZERO);
	mapdemo_device_open(&dev, "/dev/null", O_RDWR, MAPDEMO_MODE_SPARSE);
	mapdemo_probe(p, 4096, MAPDEMO_ACCESS_WRITE, &r, 1);
	mapdemo_probe(p, 4096, MAPDEMO_ACCESS_EXEC, &r, 1);

	fflush(stdout);
	fflush(stderr);
	dup2(saved_err, 2);
	dup2(saved_out, 1);
	close(saved_err);
	close(saved_out);
	cr_expect_eq(lseek(out, 0, SEEK_END), 0, "the library printed something");
	close(out);
	munmap(p, 4096);
}
