// SPDX-License-Identifier: MIT
/*
 * Security: no page reaches userspace with a previous owner's bytes, the
 * DMA address is for CAP_SYS_ADMIN only, the node is 0600 unless the
 * devmode parameter widens it, and ioctl replies carry no stale kernel
 * bytes in their reserved fields.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helpers.h"
#include "reliab.h"

#define DIRTY_PAGES 4096	/* 16 MiB (64 MiB on 16 KiB pages): more than the guest keeps on its free lists' hot ends */

/* Dirty a lot of memory and give it back to the page allocator. */
static void dirty_free_memory(uint8_t val)
{
	size_t len = DIRTY_PAGES * page_size;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	memset(p, val, len);
	cr_assert_eq(munmap(p, len), 0);
}

/*
 * The zeroing tests can fail only where the allocator does not zero
 * pages itself: Debian's kernels do (CONFIG_INIT_ON_ALLOC_DEFAULT_ON)
 * unless booted with init_on_alloc=0, which the harness passes.  A
 * driver with __GFP_ZERO and the dma buffer's clear_highpage() removed
 * passed them all with it on.
 */
static void assert_allocator_does_not_zero(void)
{
	char cmdline[4096] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	cr_assert_not_null(f);
	cr_assert_not_null(fgets(cmdline, sizeof(cmdline), f));
	fclose(f);
	cr_assert_not_null(strstr(cmdline, "init_on_alloc=0"),
			   "the kernel zeroes pages itself, so a driver that does not would pass: %s",
			   cmdline);
}

static void check_zero_pages(char *p, size_t npages, const char *what)
{
	size_t i;

	assert_allocator_does_not_zero();
	for (i = 0; i < npages; i++)
		cr_assert_eq(count_not(p + i * page_size, page_size, 0), 0,
			     "%s: page %zu carries old bytes", what, i);
}

static void fresh_pages_are_zero(int flags, const char *what)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	size_t len = DIRTY_PAGES * page_size;
	char *p;

	dirty_free_memory(0xa5);
	p = map_dev(&dev, len, PROT_READ | PROT_WRITE, flags, 0);
	cr_assert_neq(p, MAP_FAILED, "mmap: %s", strerror(errno));
	check_zero_pages(p, DIRTY_PAGES, what);
	/* the driver's own pages, dirtied, freed, and handed out again */
	memset(p, 0x5a, len);
	cr_assert_eq(munmap(p, len), 0);
	p = map_dev(&dev, len, PROT_READ | PROT_WRITE, flags, 0);
	cr_assert_neq(p, MAP_FAILED, "mmap: %s", strerror(errno));
	check_zero_pages(p, DIRTY_PAGES, what);
	cr_assert_eq(munmap(p, len), 0);
	mapdemo_device_close(&dev);
}

Test(security, zero_shared_pages_never_carry_old_bytes, .timeout = 300)
{
	fresh_pages_are_zero(MAP_SHARED, "zero shared");
}

Test(security, zero_private_pages_never_carry_old_bytes, .timeout = 300)
{
	fresh_pages_are_zero(MAP_PRIVATE, "zero private");
}

Test(security, sparse_pages_after_reset_never_carry_old_bytes, .timeout = 300)
{
	struct mapdemo_device dev;
	struct mapdemo_info info;
	size_t npages;
	char *p;

	if (!mode_available(MAPDEMO_MODE_SPARSE)) {
		/* the driver refuses the mode outright: nothing to hand out */
		dev = open_dev(O_RDWR, MAPDEMO_MODE_DEFAULT);
		cr_assert_eq(mapdemo_set_mode(&dev, MAPDEMO_MODE_SPARSE), -EOPNOTSUPP);
		mapdemo_device_close(&dev);
		return;
	}
	dev = open_dev(O_RDWR, MAPDEMO_MODE_SPARSE);
	cr_assert_eq(mapdemo_info(&dev, &info), 0);
	npages = info.sparse_size / page_size;
	if (npages > DIRTY_PAGES)
		npages = DIRTY_PAGES;
	cr_assert_gt(npages, 0, "sparse_size %llu", (unsigned long long)info.sparse_size);
	cr_assert_eq(ioctl(dev.fd, MAPDEMO_IOC_RESET), 0, "reset: %s", strerror(errno));
	dirty_free_memory(0xa5);
	p = map_dev(&dev, npages * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED, "mmap: %s", strerror(errno));
	check_zero_pages(p, npages, "sparse");
	memset(p, 0x5a, npages * page_size);
	cr_assert_eq(munmap(p, npages * page_size), 0);
	cr_assert_eq(ioctl(dev.fd, MAPDEMO_IOC_RESET), 0, "reset: %s", strerror(errno));
	p = map_dev(&dev, npages * page_size, PROT_READ, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED, "mmap: %s", strerror(errno));
	check_zero_pages(p, npages, "sparse after reset");
	cr_assert_eq(munmap(p, npages * page_size), 0);
	mapdemo_device_close(&dev);
	sparse_reset();
}

/* ---- CAP_SYS_ADMIN and the DMA address ---- */

static int drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[CAP_SYS_ADMIN / 32].effective &= ~(1U << (CAP_SYS_ADMIN % 32));
	data[CAP_SYS_ADMIN / 32].permitted &= ~(1U << (CAP_SYS_ADMIN % 32));
	data[CAP_SYS_ADMIN / 32].inheritable &= ~(1U << (CAP_SYS_ADMIN % 32));
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

/* In a child without CAP_SYS_ADMIN: 0 when INFO hides the address. */
static int unprivileged_info(void *arg)
{
	struct mapdemo_device dev;
	struct mapdemo_info info;
	int mode = *(int *)arg;

	if (drop_cap_sys_admin())
		return 1;
	if (mapdemo_device_open(&dev, NULL, O_RDWR, mode))
		return 2;
	memset(&info, 0xff, sizeof(info));
	if (mapdemo_info(&dev, &info))
		return 3;
	if (info.dma_addr != 0)
		return 4;
	if (info.flags & MAPDEMO_INFO_DMA_ADDR_VALID)
		return 5;
	mapdemo_device_close(&dev);
	return 0;
}

Test(security, dma_address_hidden_from_unprivileged_opener)
{
	int mode = mode_available(MAPDEMO_MODE_DMA) ? MAPDEMO_MODE_DMA :
						       MAPDEMO_MODE_ZERO;
	struct mapdemo_device dev;
	struct mapdemo_info info;
	int ret;

	ret = in_child(unprivileged_info, &mode);
	cr_assert_eq(ret, 0, "without CAP_SYS_ADMIN, mode %d: step %d gave the address away", mode, ret);
	if (mode != MAPDEMO_MODE_DMA)
		return;
	/* and the privileged opener does get it */
	dev = open_dev(O_RDWR, MAPDEMO_MODE_DMA);
	cr_assert_eq(mapdemo_info(&dev, &info), 0);
	if (info.dma_size) {
		cr_assert_neq(info.dma_addr, 0);
		cr_assert(info.flags & MAPDEMO_INFO_DMA_ADDR_VALID);
	}
	mapdemo_device_close(&dev);
}

/*
 * The opener's credentials decide, not the caller's: a file opened with
 * CAP_SYS_ADMIN tells the address to whoever holds it, as any file's
 * rights come from its open; one opened without never does.
 */
static int info_through_inherited_file(void *arg)
{
	struct mapdemo_device *dev = arg;
	struct mapdemo_info info;

	if (drop_cap_sys_admin())
		return 100;
	if (mapdemo_info(dev, &info))
		return 101;
	return (info.flags & MAPDEMO_INFO_DMA_ADDR_VALID) && info.dma_addr ? 0 : 1;
}

Test(security, dma_address_follows_the_opener)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_DMA);
	int ret;

	ret = in_child(info_through_inherited_file, &dev);
	cr_assert_eq(ret, 0, "a file opened by root, used after dropping CAP_SYS_ADMIN: %d", ret);
	mapdemo_device_close(&dev);
}

/* ---- the node's mode ---- */

static int open_as_nobody(void *arg)
{
	(void)arg;
	if (setgid(65534) || setuid(65534))
		return 100;
	if (open(MAPDEMO_DEFAULT_PATH, O_RDWR) >= 0)
		return 0;
	return errno;
}

static void reload(const char *params)
{
	int ret = mapdemo_module_unload();

	cr_assert_eq(ret, 0, "unload: %s", strerror(-ret));
	ret = mapdemo_module_load(NULL, params);
	cr_assert_eq(ret, 0, "load %s: %s", params ? params : "", strerror(-ret));
}

static mode_t node_mode(void)
{
	struct stat st;

	cr_assert_eq(stat(MAPDEMO_DEFAULT_PATH, &st), 0);
	return st.st_mode & 07777;
}

Test(security, node_mode_follows_devmode)
{
	int ret;

	cr_assert_eq(node_mode(), 0600);
	cr_assert_eq(in_child(open_as_nobody, NULL), EACCES,
		     "an unprivileged user opened a 0600 node");

	reload("devmode=0666");
	cr_assert_eq(node_mode(), 0666, "mode %o", node_mode());
	ret = in_child(open_as_nobody, NULL);
	cr_assert_eq(ret, 0, "devmode=0666 and still refused: %s",
		     ret == 100 ? "cannot become nobody" : strerror(ret));

	/* execute, set-id and sticky bits are no business of a device node */
	cr_assert_eq(mapdemo_module_unload(), 0);
	ret = mapdemo_module_load(NULL, "devmode=0777");
	cr_assert_eq(ret, -EINVAL, "devmode=0777: %s", strerror(-ret));
	ret = mapdemo_module_load(NULL, "devmode=04600");
	cr_assert_eq(ret, -EINVAL, "devmode=04600: %s", strerror(-ret));
	cr_assert_eq(mapdemo_module_load(NULL, NULL), 0);
	cr_assert_eq(node_mode(), 0600);
}

/*
 * The dma buffer comes from alloc_contig_range(), which zeroes nothing
 * with init_on_alloc=0: what the last load's users wrote into it must not
 * be there after the next load, which finds the same range (the search
 * runs from the top of the zone down).
 */
Test(security, dma_buffer_is_zero_at_load)
{
	struct mapdemo_device dev;
	struct mapdemo_info info;
	char *buf;

	assert_allocator_does_not_zero();
	cr_assert(mode_available(MAPDEMO_MODE_DMA));
	dev = open_dev(O_RDWR, MAPDEMO_MODE_DMA);
	cr_assert_eq(mapdemo_info(&dev, &info), 0);
	cr_assert_gt(info.dma_size, 0);
	buf = malloc(info.dma_size);
	cr_assert_not_null(buf);
	memset(buf, 0xa5, info.dma_size);
	cr_assert_eq(pwrite(dev.fd, buf, info.dma_size, 0),
		     (ssize_t)info.dma_size);
	mapdemo_device_close(&dev);
	reload(NULL);
	dev = open_dev(O_RDWR, MAPDEMO_MODE_DMA);
	cr_assert_eq(pread(dev.fd, buf, info.dma_size, 0),
		     (ssize_t)info.dma_size);
	cr_assert_eq(count_not(buf, info.dma_size, 0), 0,
		     "the new buffer holds the old load's bytes");
	mapdemo_device_close(&dev);
	free(buf);
}

/* ---- READ_IMPLIES_EXEC ---- */

/* Is the mapping at @p executable, by /proc/self/maps? 1, 0, or -1. */
static int mapped_exec(const void *p)
{
	unsigned long start, end;
	char perms[8], line[512];
	int ret = -1;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) == 3 &&
		    (unsigned long)p >= start && (unsigned long)p < end)
			ret = perms[2] == 'x';
	}
	fclose(f);
	return ret;
}

/*
 * A process with the READ_IMPLIES_EXEC personality (old binaries without
 * PT_GNU_STACK) has PROT_EXEC added to every PROT_READ by the kernel.
 * It maps the device as it maps /dev/zero, and the mapping is still not
 * executable; an explicit mprotect(PROT_EXEC) is still refused.
 */
static int read_implies_exec_maps(void *arg)
{
	struct mapdemo_device dev;
	char *p;

	(void)arg;
	if (personality(READ_IMPLIES_EXEC) == -1)
		return 100;
	if (mapdemo_device_open(&dev, NULL, O_RDWR, MAPDEMO_MODE_ZERO))
		return 101;
	p = mmap(NULL, page_size, PROT_READ, MAP_SHARED, dev.fd, 0);
	if (p == MAP_FAILED)
		return 1;
	if (mapped_exec(p) != 0)
		return 2;
	if (mprotect(p, page_size, PROT_READ | PROT_WRITE))
		return 3;
	if (mapped_exec(p) != 0)
		return 4;
	if (mprotect(p, page_size, PROT_READ | PROT_EXEC) != -1 ||
	    errno != EACCES)
		return 5;
	p[0] = 1;
	return p[0] == 1 ? 0 : 6;
}

Test(security, read_implies_exec_process_maps_without_exec)
{
	int ret = in_child(read_implies_exec_maps, NULL);

	cr_assert_eq(ret, 0, "READ_IMPLIES_EXEC: step %d failed", ret);
}

/* ---- a read-only opener changes nothing ---- */

/*
 * What an O_RDONLY opener tries: every call that would change bytes
 * other openers see.  Returns 0 when each one failed EBADF, as write()
 * does, else the step that got through.
 */
static int read_only_tries(void *arg)
{
	struct mapdemo_device dev;
	int dma = *(int *)arg, fd;

	if (setgid(65534) || setuid(65534))
		return 100;
	fd = open(MAPDEMO_DEFAULT_PATH, O_RDONLY);
	if (fd < 0)
		return 101;
	close(fd);
	if (mapdemo_device_open(&dev, NULL, O_RDONLY, MAPDEMO_MODE_SPARSE))
		return 102;
	if (write(dev.fd, "x", 1) != -1 || errno != EBADF)
		return 1;
	if (mapdemo_reset(&dev) != -EBADF)
		return 2;
	if (mapdemo_resize(&dev, 0) != -EBADF)
		return 3;
	mapdemo_device_close(&dev);
	if (!dma)
		return 0;
	if (mapdemo_device_open(&dev, NULL, O_RDONLY, MAPDEMO_MODE_DMA))
		return 103;
	if (mapdemo_sync(&dev, 0, 4096, MAPDEMO_SYNC_FOR_DEVICE) != -EBADF)
		return 4;
	if (mapdemo_sync(&dev, 0, 4096, MAPDEMO_SYNC_FOR_CPU) != -EBADF)
		return 5;
	mapdemo_device_close(&dev);
	return 0;
}

Test(security, read_only_opener_cannot_change_the_buffer)
{
	int dma = mode_available(MAPDEMO_MODE_DMA), ret;
	struct mapdemo_device dev;
	struct mapdemo_info info;
	char c = 0;

	reload("devmode=0644");
	dev = open_dev(O_RDWR, MAPDEMO_MODE_SPARSE);
	cr_assert_eq(pwrite(dev.fd, "Q", 1, 0), 1);
	ret = in_child(read_only_tries, &dma);
	cr_assert_eq(ret, 0, "a read-only opener got through at step %d", ret);
	cr_assert_eq(pread(dev.fd, &c, 1, 0), 1);
	cr_assert_eq(c, 'Q', "the owner's byte is now %#x", c);
	cr_assert_eq(mapdemo_info(&dev, &info), 0);
	cr_assert_eq(info.sparse_size, 16ULL << 20, "the buffer was resized");
	cr_assert_eq(mapdemo_reset(&dev), 0, "the writer may still reset");
	mapdemo_device_close(&dev);
	reload(NULL);
}

/* ---- replies carry no stale bytes ---- */

Test(security, replies_zero_their_reserved_fields)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_DEFAULT);
	struct mapdemo_info info;
	struct mapdemo_stats st;
	size_t i;

	memset(&info, 0xff, sizeof(info));
	cr_assert_eq(ioctl(dev.fd, MAPDEMO_IOC_INFO, &info), 0);
	for (i = 0; i < sizeof(info.reserved) / sizeof(info.reserved[0]); i++)
		cr_assert_eq(info.reserved[i], 0, "info.reserved[%zu] = %#llx", i,
			     (unsigned long long)info.reserved[i]);
	memset(&st, 0xff, sizeof(st));
	st.scope = MAPDEMO_STATS_FILE;
	st.pad = 0;
	cr_assert_eq(ioctl(dev.fd, MAPDEMO_IOC_STATS, &st), 0);
	cr_assert_eq(st.pad, 0);
	for (i = 0; i < sizeof(st.reserved) / sizeof(st.reserved[0]); i++)
		cr_assert_eq(st.reserved[i], 0, "stats.reserved[%zu] = %#llx", i,
			     (unsigned long long)st.reserved[i]);
	mapdemo_device_close(&dev);
}

/* read() of zero mode hands out zeros, whatever the buffer held. */
Test(security, zero_read_overwrites_the_whole_buffer)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	size_t len = 3 * page_size + 17;
	char *buf = malloc(len);

	cr_assert_not_null(buf);
	memset(buf, 0xa5, len);
	cr_assert_eq(read(dev.fd, buf, len), (ssize_t)len);
	cr_assert_eq(count_not(buf, len, 0), 0);
	free(buf);
	mapdemo_device_close(&dev);
}

/* ---- every size and offset the driver is handed is checked ---- */

Test(security, sync_ranges_are_checked)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_DMA);
	struct mapdemo_info info;
	__u64 size;
	const struct {
		__u64 offset, length;
		int err;
	} cases[] = {
		{ 0, 0, 0 },
		{ 0, 1, 0 },
		{ 1, 1, 0 },	/* bytes, not pages */
		{ 0, ~0ULL, EINVAL },
		{ ~0ULL, 2, EINVAL },			/* offset + length wraps */
		{ ~0ULL - 4095, 8192, EINVAL },
		{ 1ULL << 63, 1ULL << 63, EINVAL },
	};
	struct mapdemo_sync s;
	size_t i;

	cr_assert_eq(mapdemo_info(&dev, &info), 0);
	size = info.dma_size;
	cr_assert_gt(size, 1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&s, 0, sizeof(s));
		s.offset = cases[i].offset;
		s.length = cases[i].length;
		errno = 0;
		ioctl(dev.fd, MAPDEMO_IOC_SYNC, &s);
		cr_assert_eq(errno, cases[i].err, "sync offset %#llx length %#llx: %s",
			     (unsigned long long)s.offset,
			     (unsigned long long)s.length, strerror(errno));
	}
	/* the buffer's own edges */
	const __u64 edge[][3] = {
		{ size, 0, 0 }, { size - 1, 1, 0 }, { 0, size, 0 },
		{ size, 1, EINVAL }, { size + 1, 0, EINVAL }, { 1, size, EINVAL },
		{ size - 1, 2, EINVAL },
	};
	for (i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		memset(&s, 0, sizeof(s));
		s.offset = edge[i][0];
		s.length = edge[i][1];
		s.direction = i & 1 ? MAPDEMO_SYNC_FOR_DEVICE : MAPDEMO_SYNC_FOR_CPU;
		errno = 0;
		ioctl(dev.fd, MAPDEMO_IOC_SYNC, &s);
		cr_assert_eq(errno, (int)edge[i][2], "sync offset %llu length %llu of %llu: %s",
			     (unsigned long long)s.offset,
			     (unsigned long long)s.length,
			     (unsigned long long)size, strerror(errno));
	}
	memset(&s, 0, sizeof(s));
	s.direction = 2;
	cr_assert_eq(ioctl(dev.fd, MAPDEMO_IOC_SYNC, &s), -1);
	cr_assert_eq(errno, EINVAL, "direction 2: %s", strerror(errno));
	s.direction = 0;
	s.pad = 1;
	cr_assert_eq(ioctl(dev.fd, MAPDEMO_IOC_SYNC, &s), -1);
	cr_assert_eq(errno, EINVAL, "pad 1: %s", strerror(errno));
	mapdemo_device_close(&dev);
}

Test(security, resize_sizes_are_checked)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_SPARSE);
	struct mapdemo_info info;
	__u64 size;

	cr_assert_eq(mapdemo_info(&dev, &info), 0);
	size = ~0ULL;
	cr_assert_eq(ioctl(dev.fd, MAPDEMO_IOC_RESIZE, &size), -1);
	cr_assert_eq(errno, EINVAL, "resize to 2^64-1: %s", strerror(errno));
	size = 1ULL << 63;
	cr_assert_eq(ioctl(dev.fd, MAPDEMO_IOC_RESIZE, &size), -1);
	cr_assert_eq(errno, EINVAL, "resize to 2^63: %s", strerror(errno));
	size = info.sparse_size;
	cr_assert_eq(ioctl(dev.fd, MAPDEMO_IOC_RESIZE, &size), 0);
	mapdemo_device_close(&dev);
}

/* read() and write() at any offset: a count or an errno, never a crash. */
Test(security, read_write_at_any_offset)
{
	static const int modes[] = { MAPDEMO_MODE_SPARSE, MAPDEMO_MODE_DMA };
	const off_t offsets[] = {
		0, 1, 4095, 4096, (off_t)1 << 32, ((off_t)1 << 62) - 1,
		0x7fffffffffffffffLL - 1, 0x7fffffffffffffffLL,
	};
	char buf[64];
	size_t i, m;

	for (m = 0; m < 2; m++) {
		struct mapdemo_device dev = open_dev(O_RDWR, modes[m]);
		struct mapdemo_info info;

		cr_assert_eq(mapdemo_info(&dev, &info), 0);
		for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
			__u64 size = modes[m] == MAPDEMO_MODE_DMA ? info.dma_size :
								     info.sparse_size;
			ssize_t r = pread(dev.fd, buf, sizeof(buf), offsets[i]);
			ssize_t w = pwrite(dev.fd, buf, sizeof(buf), offsets[i]);
			__u64 left = (__u64)offsets[i] < size ? size - offsets[i] : 0;
			ssize_t want = left < sizeof(buf) ? (ssize_t)left : (ssize_t)sizeof(buf);

			/* where offset + count would pass LLONG_MAX, the VFS refuses */
			if (offsets[i] > 0x7fffffffffffffffLL - (off_t)sizeof(buf)) {
				cr_assert(r == -1 && errno == EINVAL && w == -1,
					  "mode %d at %lld: read %zd, write %zd",
					  modes[m], (long long)offsets[i], r, w);
				continue;
			}
			/* past the end: nothing read; a write has no room */
			cr_assert_eq(r, want, "mode %d pread at %lld: %zd (%s)", modes[m],
				     (long long)offsets[i], r, strerror(errno));
			cr_assert(w == want || (w == -1 && want == 0),
				  "mode %d pwrite at %lld: %zd (%s)", modes[m],
				  (long long)offsets[i], w, strerror(errno));
		}
		cr_assert_eq(pread(dev.fd, buf, sizeof(buf), -1), -1);
		cr_assert_eq(errno, EINVAL);
		mapdemo_device_close(&dev);
	}
	sparse_reset();
}
