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
#include <signal.h>
#include <linux/futex.h>
#include <linux/userfaultfd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <stdio.h>
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
#ifndef MADV_HWPOISON
#define MADV_HWPOISON	100
#endif

/* hwpoison_inject's (CONFIG_HWPOISON_INJECT) way to take a poison back */
#define UNPOISON_PFN	"/sys/kernel/debug/hwpoison/unpoison-pfn"

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

/* The page frame behind @addr (/proc/self/pagemap, CAP_SYS_ADMIN); 0 if unknown. */
static uint64_t page_frame(const void *addr, size_t page_size)
{
	uint64_t entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (pread(fd, &entry, sizeof(entry),
		  (off_t)((uintptr_t)addr / page_size * sizeof(entry))) != (ssize_t)sizeof(entry))
		entry = 0;
	close(fd);
	/* bit 63: present; bits 0-54: the frame */
	return entry >> 63 ? entry & ((1ULL << 55) - 1) : 0;
}

/*
 * Is the first page one the kernel owns and can poison and take back:
 * anonymous memory (MAP_ANONYMOUS, and a private device mapping's page
 * once written, which is the core's COW copy) or shmem (a memfd, a
 * shared /dev/zero mapping)?  The device's own pages (zero mode's shared
 * page cache, sparse mode's buffer, dma mode's buffer) are not, by
 * decision: memory_failure() marks a page poisoned before it looks at
 * whose it is, cannot unmap or free one the driver holds, and
 * unpoison_memory() refuses a page someone holds, so it would stay
 * poisoned, every later user of the buffer would meet SIGBUS, and the
 * driver would free it poisoned at unload.
 */
static bool kernel_owned_page(const struct matrix_ctx *ctx)
{
	switch (ctx->kind->mode) {
	case KIND_ANON:
	case KIND_DEVZERO:
	case KIND_MEMFD:
		return true;
	case MAPDEMO_MODE_DMA:
		return false;
	}
	return (ctx->kind->flags & MAP_PRIVATE) && ctx->writable;
}

/* The si_code of the SIGBUS that MADV_HWPOISON itself raised; -1: none. */
static volatile sig_atomic_t poison_code;

static void poison_signalled(int sig, siginfo_t *info, void *uc)
{
	(void)sig;
	(void)uc;
	poison_code = info->si_code;
}

/*
 * MADV_HWPOISON of the first page, as a machine check would: the kernel
 * unmaps the page and marks it poisoned, and a later read of it raises
 * SIGBUS.  The cell is madvise's errno; or, once the read has faulted,
 * ok where the advice returned 0 quietly, or the SIGBUS (with its
 * si_code) the advice itself sent the caller, as a kernel that injects
 * the error as an action-required machine check does (6.11: "mm/madvise:
 * add MF_ACTION_REQUIRED to madvise(MADV_HWPOISON)"); bytes if the page
 * still reads: the advice took nothing.
 * Only on request (MAPDEMO_MATRIX_OFFLINE), only for the pages
 * kernel_owned_page() allows, and only where the poison can be taken back
 * (hwpoison_inject's unpoison-pfn; a kernel without
 * CONFIG_MEMORY_FAILURE has neither and answers EINVAL, poisoning
 * nothing): once the mapping (and a memfd's file) is gone, the page has
 * no user but memory_failure()'s reference, and
 * unpoison_memory() returns it to the allocator; a failed unpoison is the
 * cell's errno.  Everywhere else the cell is not run.
 */
void matrix_hwpoison(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	struct sigaction sa, old;
	uint64_t pfn;
	char buf[32];
	int fd, n, ret, err;

	if (!ctx->config || !(ctx->config->flags & MAPDEMO_MATRIX_OFFLINE) ||
	    !kernel_owned_page(ctx)) {
		cell_skipped(cell);
		return;
	}
	/* without CONFIG_MEMORY_FAILURE the advice is unknown: EINVAL, harmless */
	if (access("/proc/sys/vm/memory_failure_recovery", F_OK)) {
		if (madvise(ctx->addr, ctx->page_size, MADV_HWPOISON))
			cell_fail(cell);
		else
			cell_bytes(cell);	/* accepted, yet no way to take it back */
		return;
	}
	if (access(UNPOISON_PFN, W_OK)) {
		cell_skipped(cell);
		return;
	}
	pfn = page_frame(ctx->addr, ctx->page_size);
	if (!pfn) {
		cell_skipped(cell);
		return;
	}
	/* a kernel that signals the caller at once does so on madvise's return */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = poison_signalled;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	poison_code = -1;
	sigaction(SIGBUS, &sa, &old);
	ret = madvise(ctx->addr, ctx->page_size, MADV_HWPOISON);
	err = errno;
	sigaction(SIGBUS, &old, NULL);
	if (ret) {
		cell_errno(cell, err);
		return;
	}
	/* the page must be gone: a read of it raises SIGBUS */
	if (cell_probe(cell, ctx->addr, MAPDEMO_ACCESS_READ))
		cell_bytes(cell);
	else if (cell->outcome == MAPDEMO_CELL_SIGNAL && cell->signo == SIGBUS) {
		if (poison_code >= 0)
			cell_signal(cell, SIGBUS, poison_code);
		else
			memset(cell, 0, sizeof(*cell));
	}
	/* no user left but the poison's own reference */
	munmap(ctx->addr, ctx->length);
	if (ctx->fd >= 0) {
		close(ctx->fd);
		ctx->fd = -1;
	}
	n = snprintf(buf, sizeof(buf), "%#llx\n", (unsigned long long)pfn);
	fd = open(UNPOISON_PFN, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, (size_t)n) != n)
		cell_fail(cell);
	if (fd >= 0)
		close(fd);
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
