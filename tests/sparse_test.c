// SPDX-License-Identifier: MIT
/*
 * sparse mode: one device-wide buffer, shared by every mapper, copy on
 * write for MAP_PRIVATE, SIGBUS past its end, read/write/lseek on the same
 * bytes, reset and resize only while unmapped, fault-around for populated
 * pages, page_mkwrite counted, readable through /proc/PID/mem.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "helpers.h"

#define DEFAULT_SPARSE_SIZE (16ULL << 20)

/* A sparse file on a fresh buffer of @size bytes. */
static struct mapdemo_device fresh(uint64_t size)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_SPARSE);
	int ret;

	ret = mapdemo_resize(&dev, size);
	cr_assert_eq(ret, 0, "resize to %llu: %s", (unsigned long long)size,
		     strerror(-ret));
	ret = mapdemo_reset(&dev);
	cr_assert_eq(ret, 0, "reset: %s", strerror(-ret));
	return dev;
}

/* Put the buffer back as the module loads it, for the tests that follow. */
static void restore(struct mapdemo_device *dev)
{
	cr_assert_eq(mapdemo_resize(dev, DEFAULT_SPARSE_SIZE), 0);
	cr_assert_eq(mapdemo_reset(dev), 0);
	cr_assert_eq(dev_stats(dev, MAPDEMO_STATS_DEVICE).pages_live, 0);
	mapdemo_device_close(dev);
}

static long minflt(void)
{
	struct rusage ru;

	cr_assert_eq(getrusage(RUSAGE_SELF, &ru), 0);
	return ru.ru_minflt;
}

Test(sparse, default_size_in_info)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_SPARSE);
	struct mapdemo_info info;

	cr_assert_eq(mapdemo_info(&dev, &info), 0);
	cr_assert_eq(info.mode, MAPDEMO_MODE_SPARSE);
	cr_assert_eq(info.sparse_size, DEFAULT_SPARSE_SIZE);
	mapdemo_device_close(&dev);
}

Test(sparse, pages_shared_across_files_and_kept_until_reset)
{
	struct mapdemo_device a = fresh(8 * page_size);
	struct mapdemo_device b = open_dev(O_RDWR, MAPDEMO_MODE_SPARSE);
	struct mapdemo_stats st;
	size_t len = 8 * page_size;
	char *p, *q;

	p = map_dev(&a, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	q = map_dev(&b, 4 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		    4 * page_size);
	cr_assert_neq(p, MAP_FAILED);
	cr_assert_neq(q, MAP_FAILED);
	cr_assert_eq(count_not(p, len, 0), 0, "a fresh buffer is not zero");
	memset(p + 4 * page_size, 0x3c, page_size);
	cr_assert_eq(count_not(q, page_size, 0x3c), 0,
		     "the second file does not see the first one's write at the same offset");
	q[page_size] = 7;
	cr_assert_eq(p[5 * page_size], 7);

	st = dev_stats(&a, MAPDEMO_STATS_DEVICE);
	cr_assert_eq(st.pages_live, 8, "%llu pages live", (unsigned long long)st.pages_live);
	cr_assert_eq(mapdemo_reset(&a), -EBUSY);
	cr_assert_eq(mapdemo_resize(&a, page_size), -EBUSY);
	cr_assert_eq(munmap(p, len), 0);
	cr_assert_eq(mapdemo_reset(&a), -EBUSY, "the other file still maps it");
	cr_assert_eq(munmap(q, 4 * page_size), 0);

	/* unmapped, the pages stay: a new mapping sees the bytes */
	st = dev_stats(&a, MAPDEMO_STATS_DEVICE);
	cr_assert_eq(st.pages_live, 8);
	p = map_dev(&b, len, PROT_READ, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(p[5 * page_size], 7);
	cr_assert_eq(munmap(p, len), 0);

	cr_assert_eq(mapdemo_reset(&a), 0);
	st = dev_stats(&a, MAPDEMO_STATS_DEVICE);
	cr_assert_eq(st.pages_live, 0, "reset left %llu pages", (unsigned long long)st.pages_live);
	p = map_dev(&b, len, PROT_READ, MAP_SHARED, 0);
	cr_assert_eq(count_not(p, len, 0), 0, "reset did not drop the bytes");
	cr_assert_eq(munmap(p, len), 0);
	mapdemo_device_close(&b);
	restore(&a);
}

/*
 * A file's page counters are the pages of its own zero-mode mappings:
 * the buffer's pages are the device's, counted there from the write or
 * fault that made them to the reset that drops them.  (The driver once
 * counted a write's allocation to the file and the reset's free to no
 * file, leaving the file with pages_live 2 after a reset.)
 */
Test(sparse, file_counters_hold_no_buffer_pages)
{
	struct mapdemo_device dev = fresh(4 * page_size);
	struct mapdemo_stats f0, f1, d0, d1;
	char *p;

	f0 = dev_stats(&dev, MAPDEMO_STATS_FILE);
	d0 = dev_stats(&dev, MAPDEMO_STATS_DEVICE);
	cr_assert_eq(pwrite(dev.fd, "ab", 2, page_size - 1), 2);
	p = map_dev(&dev, 4 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	p[3 * page_size] = 1;
	cr_assert_eq(munmap(p, 4 * page_size), 0);
	d1 = dev_stats(&dev, MAPDEMO_STATS_DEVICE);
	cr_assert_eq(d1.pages_alloc - d0.pages_alloc, 3);
	cr_assert_eq(d1.pages_live, 3);
	cr_assert_eq(mapdemo_reset(&dev), 0);

	f1 = dev_stats(&dev, MAPDEMO_STATS_FILE);
	d1 = dev_stats(&dev, MAPDEMO_STATS_DEVICE);
	cr_assert_eq(d1.pages_freed - d0.pages_freed, 3);
	cr_assert_eq(d1.pages_live, 0);
	cr_assert_eq(f1.pages_alloc, f0.pages_alloc,
		     "file: %llu pages alloc", (unsigned long long)f1.pages_alloc);
	cr_assert_eq(f1.pages_freed, f0.pages_freed);
	cr_assert_eq(f1.pages_live, 0, "file: %llu pages live after reset",
		     (unsigned long long)f1.pages_live);
	cr_assert_eq(f1.faults - f0.faults, 1, "the fault is still the file's");
	restore(&dev);
}

Test(sparse, reset_and_resize_need_sparse_mode)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);

	cr_assert_eq(mapdemo_reset(&dev), -EINVAL);
	cr_assert_eq(mapdemo_resize(&dev, page_size), -EINVAL);
	cr_assert_eq(mapdemo_set_mode(&dev, MAPDEMO_MODE_SPARSE), 0);
	cr_assert_eq(mapdemo_resize(&dev, ~0ULL), -EINVAL, "a size no file can have");
	cr_assert_eq(ioctl(dev.fd, MAPDEMO_IOC_RESIZE, (void *)8), -1);
	cr_assert_eq(errno, EFAULT);
	mapdemo_device_close(&dev);
}

Test(sparse, mode_fixed_by_first_mmap)
{
	struct mapdemo_device dev = fresh(page_size);
	char *p = map_dev(&dev, page_size, PROT_READ, MAP_SHARED, 0);

	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(mapdemo_set_mode(&dev, MAPDEMO_MODE_ZERO), -EBUSY);
	cr_assert_eq(munmap(p, page_size), 0);
	cr_assert_eq(mapdemo_set_mode(&dev, MAPDEMO_MODE_ZERO), -EBUSY,
		     "the mode stays fixed after the mapping goes");
	restore(&dev);
}

Test(sparse, private_is_copy_on_write_of_the_buffer)
{
	struct mapdemo_device dev = fresh(4 * page_size);
	struct mapdemo_stats before, after;
	size_t len = 4 * page_size;
	char *s, *p, buf[4];

	s = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	p = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	cr_assert_neq(s, MAP_FAILED);
	cr_assert_neq(p, MAP_FAILED);
	s[0] = 1;
	cr_assert_eq(p[0], 1, "a private mapping reads the buffer");
	before = dev_stats(&dev, MAPDEMO_STATS_FILE);
	p[0] = 2;
	p[2 * page_size] = 3;	/* a hole: zeros are copied, it stays a hole */
	after = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(after.cow - before.cow, 1,
		     "only the hole's private write goes through ->fault");
	cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_DEVICE).pages_live, 1,
		     "a private write over a hole allocated a buffer page");
	cr_assert_eq(s[0], 1, "a private write reached the buffer");
	cr_assert_eq(s[2 * page_size], 0);
	cr_assert_eq(pread(dev.fd, buf, 1, 0), 1);
	cr_assert_eq(buf[0], 1);
	/* once copied, the private page no longer follows the buffer */
	s[0] = 9;
	cr_assert_eq(p[0], 2);
	munmap(s, len);
	munmap(p, len);
	restore(&dev);
}

Test(sparse, past_the_end_is_sigbus_and_the_tail_reads_zero)
{
	size_t size = 3 * page_size + 100;
	struct mapdemo_device dev = fresh(size);
	struct mapdemo_probe_result r;
	struct mapdemo_stats before, after;
	size_t len = 6 * page_size;
	char *p, buf[200];

	p = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED, "mmap past the end succeeds: %s", strerror(errno));
	before = dev_stats(&dev, MAPDEMO_STATS_FILE);
	r = probe_page(p + 4 * page_size, MAPDEMO_ACCESS_READ);
	cr_assert_eq(r.outcome, MAPDEMO_SIGBUS);
	cr_assert_eq(r.code, BUS_ADRERR);
	cr_assert_eq(r.addr, p + 4 * page_size);
	r = probe_page(p + 5 * page_size, MAPDEMO_ACCESS_WRITE);
	cr_assert_eq(r.outcome, MAPDEMO_SIGBUS);
	cr_assert_eq(r.addr, p + 5 * page_size);
	after = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(after.sigbus - before.sigbus, 2);

	/* the last, partial page: in bounds, the rest reads zero */
	cr_assert_eq(count_not(p + 3 * page_size, page_size, 0), 0);
	memset(p + 3 * page_size, 0xaa, page_size);
	cr_assert_eq(pread(dev.fd, buf, sizeof(buf), 3 * page_size), 100,
		     "read stops at the end");
	cr_assert_eq(count_not(buf, 100, 0xaa), 0);
	cr_assert_eq(pread(dev.fd, buf, 1, size), 0);
	cr_assert_eq(munmap(p, len), 0);

	/* what was written past the end never reached the buffer */
	p = map_dev(&dev, len, PROT_READ, MAP_PRIVATE, 0);
	cr_assert_eq(count_not(p + 3 * page_size, 100, 0xaa), 0);
	cr_assert_eq(count_not(p + 3 * page_size + 100, page_size - 100, 0), 0,
		     "bytes past the end do not read zero");
	cr_assert_eq(munmap(p, len), 0);

	/* grown, the old tail reads zero as well */
	cr_assert_eq(mapdemo_resize(&dev, 4 * page_size), 0);
	cr_assert_eq(pread(dev.fd, buf, sizeof(buf), 3 * page_size + 50),
		     (ssize_t)sizeof(buf));
	cr_assert_eq(count_not(buf, 50, 0xaa), 0);
	cr_assert_eq(count_not(buf + 50, 150, 0), 0);
	restore(&dev);
}

Test(sparse, pread_pwrite_lseek_on_the_same_bytes)
{
	size_t size = 2 * page_size + 10;
	struct mapdemo_device dev = fresh(size);
	struct mapdemo_stats st;
	char buf[64], *p;

	cr_assert_eq(pwrite(dev.fd, "hello", 5, page_size - 2), 5);
	st = dev_stats(&dev, MAPDEMO_STATS_DEVICE);
	cr_assert_eq(st.pages_live, 2, "a write across a page boundary allocates both");
	p = map_dev(&dev, 3 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(memcmp(p + page_size - 2, "hello", 5), 0);
	memcpy(p + 2 * page_size, "0123456789", 10);
	cr_assert_eq(pread(dev.fd, buf, sizeof(buf), 2 * page_size), 10);
	cr_assert_eq(memcmp(buf, "0123456789", 10), 0);

	/* a hole reads zero and stays a hole */
	cr_assert_eq(mapdemo_reset(&dev), -EBUSY);
	cr_assert_eq(munmap(p, 3 * page_size), 0);
	cr_assert_eq(mapdemo_reset(&dev), 0);
	memset(buf, 1, sizeof(buf));
	cr_assert_eq(pread(dev.fd, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	cr_assert_eq(count_not(buf, sizeof(buf), 0), 0);
	cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_DEVICE).pages_live, 0);

	/* a fixed-size file: writes stop at the end, like a block device */
	cr_assert_eq(pwrite(dev.fd, "abcdef", 6, size - 3), 3);
	cr_assert_eq(pwrite(dev.fd, "x", 1, size), -1);
	cr_assert_eq(errno, ENOSPC);
	cr_assert_eq(pwrite(dev.fd, "x", 0, size), 0);

	cr_assert_eq(lseek(dev.fd, 0, SEEK_END), (off_t)size);
	cr_assert_eq(read(dev.fd, buf, 1), 0);
	cr_assert_eq(lseek(dev.fd, -3, SEEK_END), (off_t)(size - 3));
	cr_assert_eq(read(dev.fd, buf, sizeof(buf)), 3);
	cr_assert_eq(memcmp(buf, "abc", 3), 0);
	cr_assert_eq(lseek(dev.fd, 5, SEEK_SET), 5);
	cr_assert_eq(lseek(dev.fd, 5, SEEK_CUR), 10);
	cr_assert_eq(lseek(dev.fd, size + 1, SEEK_SET), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(lseek(dev.fd, -1, SEEK_SET), -1);
	cr_assert_eq(errno, EINVAL);
	restore(&dev);
}

/* Map @len of @dev at an address aligned to @align (for fault-around). */
static char *map_aligned(struct mapdemo_device *dev, size_t len, size_t align,
			 int prot)
{
	char *area = mmap(NULL, len + align, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *at;

	cr_assert_neq(area, MAP_FAILED);
	at = (char *)(((uintptr_t)area + align - 1) & ~(uintptr_t)(align - 1));
	at = mmap(at, len, prot, MAP_SHARED | MAP_FIXED, dev->fd, 0);
	cr_assert_neq(at, MAP_FAILED, "mmap: %s", strerror(errno));
	return at;
}

static void set_fault_around(int on)
{
	FILE *f = fopen("/sys/module/mapdemo/parameters/sparse_fault_around", "w");

	cr_assert_not_null(f);
	cr_assert_geq(fprintf(f, "%d\n", on), 0);
	cr_assert_eq(fclose(f), 0);
}

/*
 * The kernel's fault-around window in bytes: debugfs's fault_around_bytes,
 * else its default, 64 KiB (mm/memory.c: fault_around_pages = 65536 >>
 * PAGE_SHIFT): 16 pages of 4 KiB, 4 of 16 KiB.
 */
static size_t fault_around_bytes(void)
{
	FILE *f = fopen("/sys/kernel/debug/fault_around_bytes", "r");
	size_t v = 65536;

	if (f) {
		cr_assert_eq(fscanf(f, "%zu", &v), 1);
		fclose(f);
	}
	return v;
}

struct read_cost {
	long minflt;
	unsigned long long faults, fault_around;
};

/* Read every page of a populated @len; what it cost. */
static struct read_cost read_populated(struct mapdemo_device *dev, size_t len)
{
	struct mapdemo_stats before, after;
	struct read_cost c;
	volatile char *p;
	long flt;
	size_t i;
	char sum = 0;

	p = map_aligned(dev, len, pmd_size, PROT_READ);
	before = dev_stats(dev, MAPDEMO_STATS_FILE);
	flt = minflt();
	for (i = 0; i < len; i += page_size)
		sum += p[i];
	c.minflt = minflt() - flt;
	after = dev_stats(dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(sum, 0);
	c.faults = after.faults - before.faults;
	c.fault_around = after.fault_around - before.fault_around;
	cr_assert_eq(munmap((void *)p, len), 0);
	return c;
}

Test(sparse, fault_around_maps_populated_pages_in_batches)
{
	size_t len = 64 << 20, i, window = fault_around_bytes() / page_size;
	struct mapdemo_device dev = fresh(len);
	struct read_cost on, off;
	char *p;

	/* populate every page through a mapping */
	p = map_aligned(&dev, len, pmd_size, PROT_READ | PROT_WRITE);
	for (i = 0; i < len; i += page_size)
		p[i] = 0;
	cr_assert_eq(munmap(p, len), 0);
	cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_DEVICE).pages_live, len / page_size);

	on = read_populated(&dev, len);
	set_fault_around(0);
	off = read_populated(&dev, len);
	set_fault_around(1);
	cr_log_info("64 MiB populated read: fault-around on: %ld CPU faults, %llu ->fault, %llu batches; off: %ld CPU faults, %llu ->fault",
		    on.minflt, on.faults, on.fault_around, off.minflt, off.faults);
	printf("# sparse 64 MiB populated read: fault-around on: %ld CPU faults, %llu ->fault, %llu batches; off: %ld CPU faults, %llu ->fault, %llu batches\n",
	       on.minflt, on.faults, on.fault_around, off.minflt, off.faults,
	       off.fault_around);
	cr_assert_eq(on.faults, 0, "populated pages went through ->fault");
	cr_assert_eq(on.fault_around, len / page_size / window);
	cr_assert_eq(off.faults, len / page_size);
	cr_assert_eq(off.fault_around, 0);
	/* page-table pages for the test's own stack and data add a few */
	cr_assert_leq(on.minflt, (long)(len / page_size / window) + 8);
	cr_assert_geq(off.minflt, (long)(len / page_size));
	restore(&dev);
}

Test(sparse, shared_write_counts_page_mkwrite)
{
	struct mapdemo_device dev = fresh(8 * page_size);
	struct mapdemo_stats before, after;
	size_t len = 8 * page_size, i;
	char *p;

	p = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	for (i = 0; i < 4; i++)
		(void)*(volatile char *)(p + i * page_size);	/* read first */
	before = dev_stats(&dev, MAPDEMO_STATS_FILE);
	for (i = 0; i < 8; i++)
		p[i * page_size] = 1;
	after = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(after.mkwrite - before.mkwrite, 8, "%llu page_mkwrite calls",
		     (unsigned long long)(after.mkwrite - before.mkwrite));
	cr_assert_eq(after.faults - before.faults, 4, "only the holes fault in");
	for (i = 0; i < 8; i++)
		p[i * page_size] = 2;
	cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_FILE).mkwrite, after.mkwrite,
		     "a second write to a dirty page is not reported");
	munmap(p, len);
	restore(&dev);
}

/*
 * /proc/PID/mem (ptrace, gdb) on a sparse mapping does what it does on a
 * shared memfd, a tmpfs file: get_user_pages() serves the buffer's page
 * cache, so writes need a writable shared mapping, a write through a
 * read-only one fails EIO and changes nothing (the driver once copied it
 * in through ->access), and PROT_NONE is what the kernel makes of it for
 * a memfd.
 */
static void proc_mem_case(int fd, int prot, char *was, ssize_t *rd,
			  ssize_t *wr)
{
	int mem = open("/proc/self/mem", O_RDWR);
	char *p = mmap(NULL, 4 * page_size, prot, MAP_SHARED, fd, 0);
	char buf[3];

	cr_assert_geq(mem, 0);
	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(pwrite(fd, "gdb", 3, page_size), 3);
	*rd = pread(mem, buf, 3, (off_t)(uintptr_t)(p + page_size));
	if (*rd == 3)
		cr_assert_eq(memcmp(buf, "gdb", 3), 0);
	*wr = pwrite(mem, "pok", 3, (off_t)(uintptr_t)(p + page_size + 4094));
	if (*wr < 0)
		*wr = -errno;
	cr_assert_eq(pread(fd, was, 3, page_size + 4094), 3);
	munmap(p, 4 * page_size);
	close(mem);
}

Test(sparse, proc_pid_mem_behaves_as_on_a_memfd)
{
	static const int prots[] = {
		PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE,
	};
	struct mapdemo_device dev = fresh(4 * page_size);
	int memfd = memfd_create("mapdemo-ref", 0);
	size_t i;

	cr_assert_geq(memfd, 0);
	cr_assert_eq(ftruncate(memfd, 4 * page_size), 0);
	for (i = 0; i < 3; i++) {
		char md_was[3], ref_was[3];
		ssize_t md_rd, md_wr, ref_rd, ref_wr;

		cr_assert_eq(pwrite(dev.fd, "\0\0\0", 3, page_size + 4094), 3);
		cr_assert_eq(pwrite(memfd, "\0\0\0", 3, page_size + 4094), 3);
		proc_mem_case(dev.fd, prots[i], md_was, &md_rd, &md_wr);
		proc_mem_case(memfd, prots[i], ref_was, &ref_rd, &ref_wr);
		cr_assert_eq(md_rd, ref_rd, "prot %d: read %zd, memfd %zd",
			     prots[i], md_rd, ref_rd);
		cr_assert_eq(md_wr, ref_wr, "prot %d: write %zd, memfd %zd",
			     prots[i], md_wr, ref_wr);
		cr_assert_eq(memcmp(md_was, ref_was, 3), 0,
			     "prot %d: the buffer holds what the memfd does",
			     prots[i]);
		/*
		 * Only the writable mapping writes, across the page boundary;
		 * both read.  Through PROT_NONE the kernel's own answer for
		 * a memfd holds: 6.1 reads through it, 7.3 refuses (EIO).
		 */
		if (prots[i] != PROT_NONE) {
			cr_assert_eq(md_wr, i == 2 ? 3 : -EIO, "prot %d",
				     prots[i]);
			cr_assert_eq(md_rd, 3, "prot %d", prots[i]);
		}
	}
	close(memfd);
	restore(&dev);
}
