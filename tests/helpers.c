// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

size_t page_size, pmd_size;

static void __attribute__((constructor)) init_page_size(void)
{
	page_size = (size_t)sysconf(_SC_PAGESIZE);
	pmd_size = page_size / sizeof(uint64_t) * page_size;
}

struct mapdemo_device open_dev(int oflags, int mode)
{
	struct mapdemo_device dev;
	int ret = mapdemo_device_open(&dev, NULL, oflags, mode);

	cr_assert_eq(ret, 0, "open %s in mode %d: %s", MAPDEMO_DEFAULT_PATH,
		     mode, strerror(-ret));
	return dev;
}

void *map_dev(struct mapdemo_device *dev, size_t len, int prot, int flags,
	      off_t off)
{
	return mmap(NULL, len, prot, flags, dev->fd, off);
}

struct mapdemo_stats dev_stats(struct mapdemo_device *dev, int scope)
{
	struct mapdemo_stats st;
	int ret = mapdemo_stats(dev, scope, &st);

	cr_assert_eq(ret, 0, "stats: %s", strerror(-ret));
	return st;
}

struct mapdemo_stats device_stats(void)
{
	struct mapdemo_device dev = open_dev(O_RDONLY, MAPDEMO_MODE_DEFAULT);
	struct mapdemo_stats st = dev_stats(&dev, MAPDEMO_STATS_DEVICE);

	mapdemo_device_close(&dev);
	return st;
}

size_t count_not(const void *p, size_t len, uint8_t val)
{
	const uint8_t *b = p;
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += b[i] != val;
	return n;
}

struct mapdemo_probe_result probe_page(void *page, int access)
{
	struct mapdemo_probe_result r;
	int ret = mapdemo_probe(page, page_size, access, &r, 1);

	cr_assert_eq(ret, 1, "probe %p: %s", page, strerror(-ret));
	return r;
}

int in_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(fn(arg));
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "child died with status %#x", status);
	return WEXITSTATUS(status);
}

bool kernel_at_least(unsigned int major, unsigned int minor)
{
	unsigned int ma = 0, mi = 0;
	struct utsname u;

	cr_assert_eq(uname(&u), 0);
	cr_assert_eq(sscanf(u.release, "%u.%u", &ma, &mi), 2,
		     "kernel release '%s'", u.release);
	return ma > major || (ma == major && mi >= minor);
}/*
 * mm/huge_memory.c, built only with CONFIG_TRANSPARENT_HUGEPAGE, is what
 * creates this directory: rt-amd64 has /sys/kernel/mm but not it.
 */
bool kernel_maps_pmds(void)
{
	return access("/sys/kernel/mm/transparent_hugepage", F_OK) == 0;
}



void tracefs_ready(void)
{
	if (access(TRACEFS "/trace", F_OK) == 0)
		return;
	cr_assert_eq(mount("tracefs", TRACEFS, "tracefs", 0, NULL), 0,
		     "mount tracefs: %s", strerror(errno));
}

void tracefs_put(const char *file, const char *val)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	fd = open(path, O_WRONLY | O_TRUNC);
	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, val, strlen(val)), (ssize_t)strlen(val),
		     "%s: %s", path, strerror(errno));
	close(fd);
}

char *tracefs_read_trace(void)
{
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	ssize_t n;
	int fd = open(TRACEFS "/trace", O_RDONLY);

	cr_assert_geq(fd, 0);
	cr_assert_not_null(buf);
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 4096) {
			cap *= 2;
			buf = realloc(buf, cap);
			cr_assert_not_null(buf);
		}
	}
	close(fd);
	buf[len] = 0;
	return buf;
}
