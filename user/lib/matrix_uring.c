// SPDX-License-Identifier: MIT
/*
 * The behaviour matrix's io_uring consumers, on the raw system calls (no
 * liburing): register one fixed buffer, and one READ_FIXED or WRITE_FIXED
 * between it and a file.
 */
#include <errno.h>
#include <linux/io_uring.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "internal.h"
#include "matrix.h"

struct ring {
	int fd;
	struct io_uring_params p;
	void *sq, *cq;
	size_t sq_len, cq_len;
	struct io_uring_sqe *sqes;
};

static void ring_close(struct ring *r)
{
	if (r->sqes)
		munmap(r->sqes, r->p.sq_entries * sizeof(struct io_uring_sqe));
	if (r->cq && r->cq != r->sq)
		munmap(r->cq, r->cq_len);
	if (r->sq)
		munmap(r->sq, r->sq_len);
	close(r->fd);
}

/* mmap() one of the ring's regions; NULL (errno set) on failure. */
static void *ring_map(struct ring *r, size_t len, off_t what)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, r->fd, what);

	return p == MAP_FAILED ? NULL : p;
}

static int ring_open(struct ring *r)
{
	int ret;

	memset(r, 0, sizeof(*r));
	r->fd = (int)syscall(__NR_io_uring_setup, 4, &r->p);
	if (r->fd < 0)
		return neg_errno();
	r->sq_len = r->p.sq_off.array + r->p.sq_entries * sizeof(__u32);
	r->cq_len = r->p.cq_off.cqes +
		    r->p.cq_entries * sizeof(struct io_uring_cqe);
	if (r->p.features & IORING_FEAT_SINGLE_MMAP) {
		if (r->cq_len > r->sq_len)
			r->sq_len = r->cq_len;
		r->cq_len = r->sq_len;
	}
	r->sq = ring_map(r, r->sq_len, IORING_OFF_SQ_RING);
	if (r->sq && (r->p.features & IORING_FEAT_SINGLE_MMAP))
		r->cq = r->sq;
	else if (r->sq)
		r->cq = ring_map(r, r->cq_len, IORING_OFF_CQ_RING);
	if (r->cq)
		r->sqes = ring_map(r, r->p.sq_entries * sizeof(struct io_uring_sqe),
				   IORING_OFF_SQES);
	if (r->sqes)
		return 0;
	ret = neg_errno();
	ring_close(r);
	return ret;
}

static int ring_register(struct ring *r, void *addr, size_t len)
{
	struct iovec iov = { addr, len };

	if (syscall(__NR_io_uring_register, r->fd, IORING_REGISTER_BUFFERS,
		    &iov, 1))
		return neg_errno();
	return 0;
}

int matrix_uring_register(void *addr, size_t len)
{
	struct ring r;
	int ret = ring_open(&r);

	if (ret)
		return ret;
	ret = ring_register(&r, addr, len);
	ring_close(&r);
	return ret;
}

/* One fixed read or write of the registered buffer; its result. */
static int ring_fixed(struct ring *r, void *addr, size_t len, int fd,
		      bool write_to_fd)
{
	char *sq = r->sq, *cq = r->cq;
	unsigned int *tail = (unsigned int *)(sq + r->p.sq_off.tail);
	unsigned int *array = (unsigned int *)(sq + r->p.sq_off.array);
	unsigned int mask = *(unsigned int *)(sq + r->p.sq_off.ring_mask);
	unsigned int *chead = (unsigned int *)(cq + r->p.cq_off.head);
	unsigned int *ctail = (unsigned int *)(cq + r->p.cq_off.tail);
	struct io_uring_cqe *cqes = (struct io_uring_cqe *)(cq + r->p.cq_off.cqes);
	unsigned int t = *tail, h;
	struct io_uring_sqe *sqe = &r->sqes[t & mask];
	int res;

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = write_to_fd ? IORING_OP_WRITE_FIXED : IORING_OP_READ_FIXED;
	sqe->fd = fd;
	sqe->addr = (__u64)(uintptr_t)addr;
	sqe->len = (__u32)len;
	sqe->off = 0;
	sqe->buf_index = 0;
	array[t & mask] = t & mask;
	__atomic_store_n(tail, t + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS,
		    NULL, 0) < 0)
		return neg_errno();
	h = *chead;
	if (h == __atomic_load_n(ctail, __ATOMIC_ACQUIRE))
		return -EIO;	/* entered, waited, and nothing completed */
	res = cqes[h & (r->p.cq_entries - 1)].res;
	__atomic_store_n(chead, h + 1, __ATOMIC_RELEASE);
	return res;
}

int matrix_uring_fixed(void *addr, size_t len, int fd, bool write_to_fd)
{
	struct ring r;
	int ret = ring_open(&r);

	if (ret)
		return ret;
	ret = ring_register(&r, addr, len);
	if (!ret)
		ret = ring_fixed(&r, addr, len, fd, write_to_fd);
	ring_close(&r);
	return ret;
}
