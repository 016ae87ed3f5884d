// SPDX-License-Identifier: MIT
/*
 * Pinning the buffer: the same operations on a mapping of each style.
 * Everything that needs get_user_pages() fails with EFAULT on pfn style,
 * as on device memory, and works on page style; mixed style is pinned or
 * fails with EEXIST by architecture (style_pins(), gup_errno()).
 * ptrace-style access through /proc/PID/mem works on all three (->access
 * where GUP fails).
 * pfn style is tried both before and after its PMDs (page table entries
 * on a kernel without THP) are in place, since the lockless
 * get_user_pages_fast() walks page tables by itself; the tests that
 * reach into the second PMD have a buffer of two (dma_two_pmds()).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "dma_util.h"

#define IO_LEN		(256UL << 10)
#define RAMDISK		"/dev/ram0"

/* brd, a RAM disk: a block device for O_DIRECT, which tmpfs lacks. */
static int open_ramdisk(void)
{
	int ret = mapdemo_module_load("brd", "rd_nr=1 rd_size=8192");
	int fd;

	cr_assert(ret == 0 || ret == -EEXIST, "load brd: %s", strerror(-ret));
	fd = open(RAMDISK, O_RDWR | O_DIRECT);
	cr_assert_geq(fd, 0, "open %s: %s", RAMDISK, strerror(errno));
	return fd;
}

/* An ordinary aligned buffer holding the pattern of @seed. */
static void *pattern_buffer(unsigned int seed)
{
	void *b = NULL;

	cr_assert_eq(posix_memalign(&b, page_size, IO_LEN), 0);
	fill_pattern(b, IO_LEN, 0, seed);
	return b;
}

/*
 * The whole buffer mapped read-write in @style and zeroed; with @touch,
 * every page is touched first (in pfn style that installs the PMDs, or
 * the page table entries on a kernel without THP).
 */
static char *map_buffer(struct mapdemo_device *dev, int style, bool touch)
{
	size_t size = dma_buffer_size();
	char *p, *zeros = calloc(1, size);

	cr_assert_not_null(zeros);
	*dev = open_dma(O_RDWR, style);
	p = map_dev(dev, size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(pwrite(dev->fd, zeros, size, 0), (ssize_t)size);
	free(zeros);
	if (touch)
		cr_assert_eq(count_not(p, size, 0), 0);
	return p;
}

static void unmap_buffer(struct mapdemo_device *dev, char *p)
{
	munmap(p, dma_buffer_size());
	mapdemo_device_close(dev);
}

struct variant {
	int style;
	bool touch;
	const char *name;
};

static const struct variant variants[] = {
	{ MAPDEMO_DMA_PFN, false, "pfn, untouched" },
	{ MAPDEMO_DMA_PFN, true, "pfn, touched" },
	{ MAPDEMO_DMA_PAGE, false, "page, untouched" },
	{ MAPDEMO_DMA_PAGE, true, "page, touched" },
	{ MAPDEMO_DMA_MIXED, false, "mixed, untouched" },
	{ MAPDEMO_DMA_MIXED, true, "mixed, touched" },
};
#define NVARIANTS	(sizeof(variants) / sizeof(variants[0]))

Test(dma_gup, o_direct_read_into_and_write_from_the_mapping,
     .init = dma_two_pmds, .fini = dma_default_module)
{
	int rd = open_ramdisk();
	size_t v;

	for (v = 0; v < NVARIANTS; v++) {
		const struct variant *x = &variants[v];
		struct mapdemo_device dev;
		char *p = map_buffer(&dev, x->style, x->touch);
		void *src = pattern_buffer(7 + (unsigned int)v);
		char *dst = p + HUGE_SZ + page_size;
		ssize_t n;

		cr_assert_eq(pwrite(rd, src, IO_LEN, 0), (ssize_t)IO_LEN);
		n = pread(rd, dst, IO_LEN, 0);
		if (style_pins(x->style)) {
			cr_assert_eq(n, (ssize_t)IO_LEN, "%s: %s", x->name,
				     strerror(errno));
			cr_assert_eq(count_not_pattern(dst, IO_LEN, 0, 7 + v), 0);
			/* and out of the mapping to the disk */
			fill_pattern(dst, IO_LEN, 0, 100);
			cr_assert_eq(pwrite(rd, dst, IO_LEN, IO_LEN),
				     (ssize_t)IO_LEN);
			cr_assert_eq(pread(rd, src, IO_LEN, IO_LEN),
				     (ssize_t)IO_LEN);
			cr_assert_eq(count_not_pattern(src, IO_LEN, 0, 100), 0);
		} else {
			cr_assert_eq(n, -1, "%s: read %zd", x->name, n);
			cr_assert_eq(errno, gup_errno(x->style), "%s: %s", x->name,
				     strerror(errno));
			cr_assert_eq(count_not(dst, IO_LEN, 0), 0);
			cr_assert_eq(pwrite(rd, dst, IO_LEN, IO_LEN), -1);
			cr_assert_eq(errno, gup_errno(x->style));
		}
		free(src);
		unmap_buffer(&dev, p);
	}
	close(rd);
	cr_assert_eq(device_stats().vmas_live, 0);
}

Test(dma_gup, process_vm_readv_and_writev)
{
	size_t v;

	for (v = 0; v < NVARIANTS; v++) {
		const struct variant *x = &variants[v];
		struct mapdemo_device dev;
		char *p = map_buffer(&dev, x->style, x->touch);
		char *mine = pattern_buffer(3);
		struct iovec local = { mine, IO_LEN };
		struct iovec remote = { p + page_size, IO_LEN };
		ssize_t w, r;

		w = process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
		memset(mine, 0, IO_LEN);
		r = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
		if (style_pins(x->style)) {
			cr_assert_eq(w, (ssize_t)IO_LEN, "%s", x->name);
			cr_assert_eq(r, (ssize_t)IO_LEN, "%s", x->name);
			cr_assert_eq(count_not_pattern(mine, IO_LEN, 0, 3), 0);
			cr_assert_eq(count_not_pattern(p + page_size, IO_LEN, 0,
						       3), 0);
		} else {
			cr_assert_eq(w, -1, "%s: wrote %zd", x->name, w);
			cr_assert_eq(r, -1, "%s: read %zd", x->name, r);
			/* process_vm_rw_single_vec() makes any failed pin EFAULT */
			cr_assert_eq(errno, EFAULT, "%s: %s", x->name,
				     strerror(errno));
			cr_assert_eq(count_not(p + page_size, IO_LEN, 0), 0);
		}
		free(mine);
		unmap_buffer(&dev, p);
	}
}

/* /proc/self/mem goes through ->access when get_user_pages() fails. */
Test(dma_gup, proc_self_mem_reads_and_writes_both_styles)
{
	int mem = open("/proc/self/mem", O_RDWR);
	size_t v;

	cr_assert_geq(mem, 0);
	for (v = 0; v < NVARIANTS; v++) {
		const struct variant *x = &variants[v];
		struct mapdemo_device dev;
		char *p = map_buffer(&dev, x->style, x->touch);
		/* two pages' worth from inside page 3: across two boundaries */
		char *at = p + 3 * page_size + 100, *buf = malloc(2 * page_size);
		size_t len = 2 * page_size;
		off_t addr = (off_t)(uintptr_t)at;

		cr_assert_not_null(buf);
		fill_pattern(at, len, 0, 21);
		cr_assert_eq(pread(mem, buf, len, addr),
			     (ssize_t)len, "%s: %s", x->name,
			     strerror(errno));
		cr_assert_eq(count_not_pattern(buf, len, 0, 21), 0);
		fill_pattern(buf, len, 0, 22);
		cr_assert_eq(pwrite(mem, buf, len, addr),
			     (ssize_t)len, "%s: %s", x->name,
			     strerror(errno));
		cr_assert_eq(count_not_pattern(at, len, 0, 22), 0);
		free(buf);
		unmap_buffer(&dev, p);
	}
	close(mem);
}

/*
 * A /proc/self/mem access that starts in a one-page mapping runs on into
 * the next VMA, not into the buffer page the mapping does not map: the
 * core hands ->access the whole remaining length, which the driver must
 * cut at its own VMA.
 */
Test(dma_gup, proc_self_mem_stops_at_the_vma_end)
{
	int mem = open("/proc/self/mem", O_RDWR);
	size_t s;

	cr_assert_geq(mem, 0);
	for (s = 0; s < DMA_NSTYLES; s++) {
		int style = dma_styles[s];
		struct mapdemo_device dev = open_dma(O_RDWR, style);
		char *area = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		char *page1 = malloc(page_size), got[16], *p;

		cr_assert_neq(area, MAP_FAILED);
		cr_assert_not_null(page1);
		memset(area + page_size, 'C', page_size);
		/* buffer page 0 ends in 'A's, page 1 is all 'B' */
		memset(page1, 'A', page_size);
		cr_assert_eq(pwrite(dev.fd, page1, 8, (off_t)page_size - 8), 8);
		memset(page1, 'B', page_size);
		cr_assert_eq(pwrite(dev.fd, page1, page_size, (off_t)page_size),
			     (ssize_t)page_size);
		p = mmap(area, page_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, dev.fd, 0);
		cr_assert_eq(p, area, "style %d: %s", style, strerror(errno));

		cr_assert_eq(pread(mem, got, 16, (off_t)(uintptr_t)(p + page_size - 8)),
			     16, "style %d: %s", style, strerror(errno));
		cr_assert_eq(memcmp(got, "AAAAAAAACCCCCCCC", 16), 0,
			     "style %d read %.16s", style, got);
		cr_assert_eq(pwrite(mem, "XXXXXXXXYYYYYYYY", 16,
				    (off_t)(uintptr_t)(p + page_size - 8)), 16);
		cr_assert_eq(memcmp(p + page_size - 8, "XXXXXXXXYYYYYYYY", 16),
			     0, "style %d", style);
		cr_assert_eq(pread(dev.fd, page1, 8, (off_t)page_size), 8);
		cr_assert_eq(memcmp(page1, "BBBBBBBB", 8), 0,
			     "style %d: buffer page 1 now %.8s", style, page1);
		free(page1);
		munmap(area, 2 * page_size);
		mapdemo_device_close(&dev);
	}
	close(mem);
}

/* A read-only mapping stays read-only for /proc/PID/mem writers. */
Test(dma_gup, proc_self_mem_cannot_write_a_read_only_mapping)
{
	int mem = open("/proc/self/mem", O_RDWR);
	size_t s;

	cr_assert_geq(mem, 0);
	for (s = 0; s < DMA_NSTYLES; s++) {
		int style = dma_styles[s];
		struct mapdemo_device dev = open_dma(O_RDONLY, style);
		char *p = map_dev(&dev, page_size, PROT_READ, MAP_SHARED, 0);
		char c = 0, was;

		cr_assert_neq(p, MAP_FAILED);
		was = p[0];
		cr_assert_eq(pread(mem, &c, 1, (off_t)(uintptr_t)p), 1);
		cr_assert_eq(c, was);
		c = (char)(was + 1);
		cr_assert_eq(pwrite(mem, &c, 1, (off_t)(uintptr_t)p), -1);
		cr_assert_eq(errno, EIO, "style %d: %s", style, strerror(errno));
		cr_assert_eq(p[0], was);
		munmap(p, page_size);
		mapdemo_device_close(&dev);
	}
	close(mem);
}

/* ---- io_uring through raw system calls ---- */

struct uring {
	int fd;
	unsigned int *sq_tail, *sq_mask, *sq_array;
	unsigned int *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static void uring_init(struct uring *u)
{
	struct io_uring_params prm;
	size_t sq_len, cq_len;
	char *sq, *cq;

	memset(&prm, 0, sizeof(prm));
	u->fd = (int)syscall(__NR_io_uring_setup, 4, &prm);
	cr_assert_geq(u->fd, 0, "io_uring_setup: %s", strerror(errno));
	cr_assert(prm.features & IORING_FEAT_SINGLE_MMAP);
	sq_len = prm.sq_off.array + prm.sq_entries * sizeof(unsigned int);
	cq_len = prm.cq_off.cqes + prm.cq_entries * sizeof(struct io_uring_cqe);
	if (cq_len > sq_len)
		sq_len = cq_len;
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_SQ_RING);
	cr_assert_neq(sq, MAP_FAILED);
	cq = sq;
	u->sqes = mmap(NULL, prm.sq_entries * sizeof(struct io_uring_sqe),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		       u->fd, IORING_OFF_SQES);
	cr_assert_neq(u->sqes, MAP_FAILED);
	u->sq_tail = (unsigned int *)(sq + prm.sq_off.tail);
	u->sq_mask = (unsigned int *)(sq + prm.sq_off.ring_mask);
	u->sq_array = (unsigned int *)(sq + prm.sq_off.array);
	u->cq_head = (unsigned int *)(cq + prm.cq_off.head);
	u->cq_tail = (unsigned int *)(cq + prm.cq_off.tail);
	u->cq_mask = (unsigned int *)(cq + prm.cq_off.ring_mask);
	u->cqes = (struct io_uring_cqe *)(cq + prm.cq_off.cqes);
}

/* Submit one read of @len bytes at @off of @fd into @buf; its result. */
static int uring_read(struct uring *u, int op, int fd, void *buf,
		      unsigned int len, uint64_t off)
{
	unsigned int tail = *u->sq_tail, idx = tail & *u->sq_mask, head;
	struct io_uring_sqe *sqe = &u->sqes[idx];
	int res;

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = (uint8_t)op;
	sqe->fd = fd;
	sqe->addr = (uint64_t)(uintptr_t)buf;
	sqe->len = len;
	sqe->off = off;
	sqe->buf_index = 0;
	u->sq_array[idx] = idx;
	__atomic_store_n(u->sq_tail, tail + 1, __ATOMIC_RELEASE);
	cr_assert_eq(syscall(__NR_io_uring_enter, u->fd, 1, 1,
			     IORING_ENTER_GETEVENTS, NULL, 0), 1,
		     "io_uring_enter: %s", strerror(errno));
	head = __atomic_load_n(u->cq_head, __ATOMIC_ACQUIRE);
	cr_assert_neq(head, __atomic_load_n(u->cq_tail, __ATOMIC_ACQUIRE));
	res = u->cqes[head & *u->cq_mask].res;
	__atomic_store_n(u->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

/*
 * io_uring's O_DIRECT read into the mapping pins the pages per request:
 * it works on page style and fails on pfn and mixed style (gup_errno()).
 * Registering the mapping as a fixed buffer: pfn style cannot be pinned
 * (EFAULT) on any kernel, nor mixed (EEXIST, which io_pin_pages() hands
 * on).
 * Page style is pinned, but until 6.5 io_pin_pages() refused file-backed
 * memory other than shmem and hugetlbfs (EOPNOTSUPP); 6.5's "io_uring:
 * rsrc: delegate VMA file-backed check to GUP" leaves the question to
 * GUP, which pins our pages, so there page style registers.
 */
Test(dma_gup, io_uring_reads_and_fixed_buffers,
     .init = dma_two_pmds, .fini = dma_default_module)
{
	int rd = open_ramdisk();
	size_t v;

	for (v = 0; v < NVARIANTS; v++) {
		const struct variant *x = &variants[v];
		struct mapdemo_device dev;
		char *p = map_buffer(&dev, x->style, x->touch);
		void *src = pattern_buffer(40 + (unsigned int)v);
		struct iovec iov = { p, HUGE_SZ };
		struct uring u;
		long reg;
		int res;

		cr_assert_eq(pwrite(rd, src, IO_LEN, 0), (ssize_t)IO_LEN);
		uring_init(&u);
		res = uring_read(&u, IORING_OP_READ, rd, p + page_size,
				 IO_LEN, 0);
		reg = syscall(__NR_io_uring_register, u.fd,
			      IORING_REGISTER_BUFFERS, &iov, 1);
		if (style_pins(x->style)) {
			cr_assert_eq(res, (int)IO_LEN, "%s: %s", x->name,
				     strerror(-res));
			cr_assert_eq(count_not_pattern(p + page_size, IO_LEN, 0,
						       40 + v), 0);
			if (kernel_at_least(6, 5)) {
				cr_assert_eq(reg, 0, "%s: %s", x->name,
					     strerror(errno));
			} else {
				cr_assert_eq(reg, -1);
				cr_assert_eq(errno, EOPNOTSUPP, "%s: %s",
					     x->name, strerror(errno));
			}
		} else {
			cr_assert_eq(res, -gup_errno(x->style), "%s: %s", x->name,
				     strerror(-res));
			cr_assert_eq(count_not(p + page_size, IO_LEN, 0), 0);
			cr_assert_eq(reg, -1);
			cr_assert_eq(errno, gup_errno(x->style), "%s: %s", x->name,
				     strerror(errno));
		}
		close(u.fd);
		free(src);
		unmap_buffer(&dev, p);
	}
	close(rd);
}

/*
 * A pipe keeps references on the pages vmsplice() gave it after the
 * mapping, the file and the module are gone: every page of the buffer
 * holds a reference of its own, so the driver drops its own and the pipe
 * still reads the bytes; the next load's buffer cannot take those pages.
 * pfn style cannot be spliced at all, nor mixed where it does not pin.
 */
Test(dma_gup, vmsplice_pages_outlive_the_module)
{
	size_t len = 4 * page_size;
	struct mapdemo_device dev = open_dma(O_RDWR, MAPDEMO_DMA_PFN);
	struct iovec iov;
	char *p, *back;
	int fds[2];

	cr_assert_eq(pipe(fds), 0);
	p = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	iov = (struct iovec){ p, len };
	cr_assert_eq(vmsplice(fds[1], &iov, 1, 0), -1);
	cr_assert_eq(errno, EFAULT);
	munmap(p, len);
	mapdemo_device_close(&dev);

	if (!style_pins(MAPDEMO_DMA_MIXED)) {
		dev = open_dma(O_RDWR, MAPDEMO_DMA_MIXED);
		p = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
		cr_assert_neq(p, MAP_FAILED);
		iov = (struct iovec){ p, len };
		cr_assert_eq(vmsplice(fds[1], &iov, 1, 0), -1);
		cr_assert_eq(errno, gup_errno(MAPDEMO_DMA_MIXED), "mixed: %s",
			     strerror(errno));
		munmap(p, len);
		mapdemo_device_close(&dev);
	}

	dev = open_dma(O_RDWR, MAPDEMO_DMA_PAGE);
	p = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	fill_pattern(p, len, 0, 77);
	iov = (struct iovec){ p, len };
	cr_assert_eq(vmsplice(fds[1], &iov, 1, 0), (ssize_t)len);
	munmap(p, len);
	mapdemo_device_close(&dev);

	reload_module(NULL);
	back = malloc(len);
	cr_assert_not_null(back);
	cr_assert_eq(read(fds[0], back, len), (ssize_t)len);
	cr_assert_eq(count_not_pattern(back, len, 0, 77), 0);
	/* the new buffer is zeroed, wherever it now lies */
	dev = open_dma(O_RDWR, MAPDEMO_DMA_PFN);
	cr_assert_eq(pread(dev.fd, back, len, 0), (ssize_t)len);
	cr_assert_eq(count_not(back, len, 0), 0);
	mapdemo_device_close(&dev);
	free(back);
	close(fds[0]);
	close(fds[1]);
}
