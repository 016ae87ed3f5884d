// SPDX-License-Identifier: MIT
/*
 * The behaviour matrix's consumers that change the mapping or the
 * process around it: futexes, mlock, madvise, mprotect, mremap, mseal,
 * userfaultfd, fork, and mapping the kind again with one more MAP_ flag.
 * A call's return is the cell; where the call moves the mapping, the
 * bytes must move with it.
 */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/userfaultfd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libmapdemo.h"
#include "internal.h"
#include "matrix.h"

#ifndef __NR_mseal
#define __NR_mseal	462	/* 6.10, the same number on every architecture */
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT	0x01
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

/*
 * A shared FUTEX_WAIT (arg 0) or a private one (FUTEX_PRIVATE_FLAG) on
 * the first word, with a value it does not hold and no wait: EAGAIN (or
 * ETIMEDOUT, if the word happens to hold it) says the kernel found the
 * word and compared it.
 */
void matrix_futex(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	struct timespec now = { 0, 0 };
	uint32_t word;
	long ret;

	memcpy(&word, ctx->pattern, sizeof(word));
	ret = syscall(SYS_futex, ctx->addr, FUTEX_WAIT | ctx->arg, word + 1,
		      &now, NULL, 0);
	if (ret && errno != EAGAIN && errno != ETIMEDOUT)
		cell_fail(cell);
}

void matrix_mlock(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	if (mlock(ctx->addr, ctx->length))
		cell_fail(cell);
	else if (munlock(ctx->addr, ctx->length))
		cell_fail(cell);
}

void matrix_mlock_onfault(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	if (syscall(SYS_mlock2, ctx->addr, ctx->length, MLOCK_ONFAULT))
		cell_fail(cell);
	else if (munlock(ctx->addr, ctx->length))
		cell_fail(cell);
}

/* madvise(2) of the whole mapping with the advice in arg. */
void matrix_madvise(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	if (madvise(ctx->addr, ctx->length, ctx->arg))
		cell_fail(cell);
}

/*
 * MADV_SOFT_OFFLINE of the first page: the kernel migrates it and takes
 * the old one out of service for good, so only on request.
 */
void matrix_soft_offline(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	if (!ctx->config || !(ctx->config->flags & MAPDEMO_MATRIX_OFFLINE)) {
		cell_skipped(cell);
		return;
	}
	if (madvise(ctx->addr, ctx->page_size, ctx->arg))
		cell_fail(cell);
	else if (ctx->writable)
		cell_expect(cell, ctx->addr, ctx->pattern);
}

/* mprotect(2) from read-write to the PROT_ bits in arg. */
void matrix_mprotect(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	if (mprotect(ctx->addr, ctx->length, ctx->arg))
		cell_fail(cell);
}

/* To read-only and back to read-write: VM_MAYWRITE must have stayed. */
void matrix_mprotect_back(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	if (mprotect(ctx->addr, ctx->length, PROT_READ) ||
	    mprotect(ctx->addr, ctx->length, PROT_READ | PROT_WRITE))
		cell_fail(cell);
	else if (ctx->writable)
		cell_probe(cell, ctx->addr, MAPDEMO_ACCESS_WRITE);
}

/* After a move, the first page must hold what it held. */
static void expect_moved(struct matrix_ctx *ctx, struct mapdemo_cell *cell,
			 void *to)
{
	if (to == MAP_FAILED)
		cell_fail(cell);
	else if (ctx->writable)
		cell_expect(cell, to, ctx->pattern);
}

void matrix_mremap_grow(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	expect_moved(ctx, cell, mremap(ctx->addr, ctx->length,
				       2 * ctx->length, MREMAP_MAYMOVE));
}

void matrix_mremap_shrink(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	expect_moved(ctx, cell, mremap(ctx->addr, ctx->length,
				       ctx->length / 2, 0));
}

/* To a place of our choosing (MREMAP_FIXED over a reservation). */
void matrix_mremap_move(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	void *to = mmap(NULL, ctx->length, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (to == MAP_FAILED) {
		cell_fail(cell);
		return;
	}
	expect_moved(ctx, cell, mremap(ctx->addr, ctx->length, ctx->length,
				       MREMAP_MAYMOVE | MREMAP_FIXED, to));
}

void matrix_mremap_dontunmap(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	expect_moved(ctx, cell, mremap(ctx->addr, ctx->length, ctx->length,
				       MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL));
}

/* mseal(2) (6.10); a sealed mapping must then refuse munmap with EPERM. */
void matrix_mseal(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	if (syscall(__NR_mseal, ctx->addr, ctx->length, 0))
		cell_fail(cell);
	else if (!munmap(ctx->addr, ctx->length) || errno != EPERM)
		cell_bytes(cell);
}

/* UFFDIO_REGISTER of the mapping for missing-page faults. */
void matrix_uffd_register(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {
		.range = { (uintptr_t)ctx->addr, ctx->length },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		cell_fail(cell);
		return;
	}
	if (ioctl(fd, UFFDIO_API, &api) || ioctl(fd, UFFDIO_REGISTER, &reg))
		cell_fail(cell);
	close(fd);
}

/*
 * fork(2): the child must read the parent's bytes, and its write must
 * reach the parent through a shared mapping and only there.
 */
void matrix_fork(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	uint8_t mine[MATRIX_PATTERN_LEN];
	struct mapdemo_cell *seen;
	int status;
	pid_t pid;

	seen = mmap(NULL, sizeof(*seen), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (seen == MAP_FAILED) {
		cell_fail(cell);
		return;
	}
	memset(seen, 0, sizeof(*seen));
	matrix_pattern(mine, 9);
	pid = fork();
	if (pid < 0) {
		cell_fail(cell);
		munmap(seen, sizeof(*seen));
		return;
	}
	if (pid == 0) {
		if (ctx->writable ? cell_expect(seen, ctx->addr, ctx->pattern) :
				    cell_probe(seen, ctx->addr, MAPDEMO_ACCESS_READ))
			memcpy(ctx->addr, mine, sizeof(mine));
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		cell_errno(cell, ECHILD);
	else
		*cell = *seen;
	/* the parent sees the child's write through a shared mapping only */
	if (cell->outcome == MAPDEMO_CELL_OK && ctx->writable &&
	    memcmp(ctx->addr, ctx->kind->flags & MAP_SHARED ? mine :
			      ctx->pattern, sizeof(mine)))
		cell_bytes(cell);
	munmap(seen, sizeof(*seen));
}

/* The kind mapped once more, with the MAP_ flag in arg. */
void matrix_remap(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	int ret;

	if (munmap(ctx->addr, ctx->length)) {
		cell_fail(cell);
		return;
	}
	ret = matrix_map(ctx, ctx->arg);
	if (ret)
		cell_errno(cell, -ret);
}

void matrix_msync(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	if (msync(ctx->addr, ctx->length, MS_SYNC))
		cell_fail(cell);
}

/* mincore(2): the first page, written, must be resident. */
void matrix_mincore(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	unsigned char *vec = calloc(ctx->length / ctx->page_size, 1);

	if (!vec || mincore(ctx->addr, ctx->length, vec))
		cell_fail(cell);
	else if (ctx->writable && !(vec[0] & 1))
		cell_bytes(cell);
	free(vec);
}
