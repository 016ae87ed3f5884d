// SPDX-License-Identifier: MIT
/*
 * The behaviour matrix's consumers that move bytes through a mapping:
 * the CPU, O_DIRECT, io_uring, process_vm_*, /proc/PID/mem, ptrace,
 * pipes and vmsplice.  Each one moves a pattern and checks the bytes at
 * the far end.
 */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libmapdemo.h"
#include "internal.h"
#include "matrix.h"

/* What a consumer reads out of the mapping: the pattern, if it is there. */
static void expect_read(struct matrix_ctx *ctx, struct mapdemo_cell *cell,
			const void *got)
{
	if (ctx->writable && memcmp(got, ctx->pattern, MATRIX_PATTERN_LEN))
		cell_bytes(cell);
}

/*
 * A read or write of @want bytes returned @n: true when all of them went
 * through, else the cell says what happened (the errno, or short bytes).
 */
static bool cell_transfer(struct mapdemo_cell *cell, ssize_t n, size_t want)
{
	if (n < 0)
		cell_fail(cell);
	else if (n != (ssize_t)want)
		cell_bytes(cell);
	else
		return true;
	return false;
}

/* A page-aligned ordinary buffer of MATRIX_IO_LEN holding @seed's pattern. */
static uint8_t *io_buffer(struct matrix_ctx *ctx, unsigned int seed)
{
	uint8_t *b = NULL;

	if (posix_memalign((void **)&b, ctx->page_size, MATRIX_IO_LEN))
		return NULL;
	memset(b, 0, MATRIX_IO_LEN);
	matrix_pattern(b, seed);
	return b;
}

/* The CPU reads (the pattern, where it could be written) or writes. */
void matrix_cpu(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	if (ctx->arg == MAPDEMO_ACCESS_READ && ctx->writable)
		cell_expect(cell, ctx->addr, ctx->pattern);
	else
		cell_probe(cell, ctx->addr, ctx->arg);
}

static int open_block(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	const char *path = ctx->config ? ctx->config->block_device : NULL;
	int fd;

	if (!path) {
		cell_skipped(cell);
		return -1;
	}
	fd = open(path, O_RDWR | O_DIRECT | O_CLOEXEC);
	if (fd < 0)
		cell_fail(cell);
	return fd;
}

/* O_DIRECT read from the disk into the mapping. */
void matrix_odirect_read(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	uint8_t *src = io_buffer(ctx, 2);
	int fd = open_block(ctx, cell);
	ssize_t n;

	if (fd < 0 || !src)
		goto out;
	if (pwrite(fd, src, MATRIX_IO_LEN, 0) != (ssize_t)MATRIX_IO_LEN) {
		cell_fail(cell);
		goto out;
	}
	n = pread(fd, ctx->addr, MATRIX_IO_LEN, 0);
	if (cell_transfer(cell, n, MATRIX_IO_LEN))
		cell_expect(cell, ctx->addr, src);
out:
	if (fd >= 0)
		close(fd);
	free(src);
}

/* O_DIRECT write from the mapping to the disk. */
void matrix_odirect_write(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	uint8_t *back = io_buffer(ctx, 0);
	int fd = open_block(ctx, cell);
	ssize_t n;

	if (fd < 0 || !back)
		goto out;
	n = pwrite(fd, ctx->addr, MATRIX_IO_LEN, MATRIX_IO_LEN);
	if (n < 0) {
		cell_fail(cell);
	} else if (n != (ssize_t)MATRIX_IO_LEN) {
		cell_bytes(cell);
	} else if (pread(fd, back, MATRIX_IO_LEN, MATRIX_IO_LEN) !=
		   (ssize_t)MATRIX_IO_LEN) {
		cell_fail(cell);
	} else {
		expect_read(ctx, cell, back);
	}
out:
	if (fd >= 0)
		close(fd);
	free(back);
}

void matrix_uring_reg(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	int ret = matrix_uring_register(ctx->addr, MATRIX_IO_LEN);

	if (ret)
		cell_errno(cell, -ret);
}

/* A memfd of MATRIX_IO_LEN holding @src (NULL: zeros). */
static int io_memfd(const uint8_t *src)
{
	int fd = memfd_create("mapdemo-matrix-io", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (ftruncate(fd, MATRIX_IO_LEN) ||
	    (src && pwrite(fd, src, MATRIX_IO_LEN, 0) != (ssize_t)MATRIX_IO_LEN)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* io_uring READ_FIXED from a file into the registered mapping. */
void matrix_uring_read(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	uint8_t *src = io_buffer(ctx, 3);
	int fd = src ? io_memfd(src) : -1;
	int ret;

	if (fd < 0) {
		cell_fail(cell);
		goto out;
	}
	ret = matrix_uring_fixed(ctx->addr, MATRIX_IO_LEN, fd, false);
	if (ret < 0)
		cell_errno(cell, -ret);
	else if (ret != (int)MATRIX_IO_LEN)
		cell_bytes(cell);
	else
		cell_expect(cell, ctx->addr, src);
	close(fd);
out:
	free(src);
}

/* io_uring WRITE_FIXED from the registered mapping to a file. */
void matrix_uring_write(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	uint8_t *back = io_buffer(ctx, 0);
	int fd = back ? io_memfd(NULL) : -1;
	int ret;

	if (fd < 0) {
		cell_fail(cell);
		goto out;
	}
	ret = matrix_uring_fixed(ctx->addr, MATRIX_IO_LEN, fd, true);
	if (ret < 0)
		cell_errno(cell, -ret);
	else if (ret != (int)MATRIX_IO_LEN)
		cell_bytes(cell);
	else if (pread(fd, back, MATRIX_IO_LEN, 0) != (ssize_t)MATRIX_IO_LEN)
		cell_fail(cell);
	else
		expect_read(ctx, cell, back);
	close(fd);
out:
	free(back);
}

void matrix_vm_readv(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	uint8_t buf[MATRIX_PATTERN_LEN];
	struct iovec local = { buf, sizeof(buf) };
	struct iovec remote = { ctx->addr, sizeof(buf) };
	ssize_t n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);

	if (cell_transfer(cell, n, sizeof(buf)))
		expect_read(ctx, cell, buf);
}

void matrix_vm_writev(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	uint8_t buf[MATRIX_PATTERN_LEN];
	struct iovec local = { buf, sizeof(buf) };
	struct iovec remote = { ctx->addr, sizeof(buf) };
	ssize_t n;

	matrix_pattern(buf, 4);
	n = process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
	if (cell_transfer(cell, n, sizeof(buf)))
		cell_expect(cell, ctx->addr, buf);
}

static int open_mem(struct mapdemo_cell *cell)
{
	int fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		cell_fail(cell);
	return fd;
}

void matrix_mem_read(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	uint8_t buf[MATRIX_PATTERN_LEN];
	int fd = open_mem(cell);
	ssize_t n;

	if (fd < 0)
		return;
	n = pread(fd, buf, sizeof(buf), (off_t)(uintptr_t)ctx->addr);
	if (cell_transfer(cell, n, sizeof(buf)))
		expect_read(ctx, cell, buf);
	close(fd);
}

void matrix_mem_write(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	uint8_t buf[MATRIX_PATTERN_LEN];
	int fd = open_mem(cell);
	ssize_t n;

	if (fd < 0)
		return;
	matrix_pattern(buf, 5);
	n = pwrite(fd, buf, sizeof(buf), (off_t)(uintptr_t)ctx->addr);
	if (cell_transfer(cell, n, sizeof(buf)))
		cell_expect(cell, ctx->addr, buf);
	close(fd);
}

/* A child stopped under our ptrace, with the mapping as fork left it. */
static pid_t tracee(struct mapdemo_cell *cell)
{
	pid_t pid = fork();
	int status;

	if (pid < 0) {
		cell_fail(cell);
		return -1;
	}
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
		cell_errno(cell, ECHILD);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return -1;
	}
	return pid;
}

static void tracee_end(pid_t pid)
{
	int status;

	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

/* PTRACE_PEEKDATA of the mapping's first word; -1 and the cell on error. */
static int peek(pid_t pid, void *addr, long *word, struct mapdemo_cell *cell)
{
	errno = 0;
	*word = ptrace(PTRACE_PEEKDATA, pid, addr, NULL);
	if (errno) {
		cell_fail(cell);
		return -1;
	}
	return 0;
}

void matrix_ptrace_peek(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	pid_t pid = tracee(cell);
	long word;

	if (pid < 0)
		return;
	if (!peek(pid, ctx->addr, &word, cell) && ctx->writable &&
	    memcmp(&word, ctx->pattern, sizeof(word)))
		cell_bytes(cell);
	tracee_end(pid);
}

void matrix_ptrace_poke(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	uint8_t want[MATRIX_PATTERN_LEN];
	pid_t pid = tracee(cell);
	long word, back;

	if (pid < 0)
		return;
	matrix_pattern(want, 6);
	memcpy(&word, want, sizeof(word));
	if (ptrace(PTRACE_POKEDATA, pid, ctx->addr, (void *)word))
		cell_fail(cell);
	else if (!peek(pid, ctx->addr, &back, cell) && back != word)
		cell_bytes(cell);
	tracee_end(pid);
}

/* vmsplice(2) a page of the mapping into a pipe, and read it out. */
void matrix_vmsplice_in(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	struct iovec iov = { ctx->addr, ctx->page_size };
	uint8_t *buf = io_buffer(ctx, 0);
	int p[2];
	ssize_t n;

	if (!buf || pipe2(p, O_CLOEXEC)) {
		cell_fail(cell);
		free(buf);
		return;
	}
	n = vmsplice(p[1], &iov, 1, SPLICE_F_NONBLOCK);
	if (n < 0)
		cell_fail(cell);
	else if (read(p[0], buf, (size_t)n) != n || n < MATRIX_PATTERN_LEN)
		cell_bytes(cell);
	else
		expect_read(ctx, cell, buf);
	close(p[0]);
	close(p[1]);
	free(buf);
}

/* vmsplice(2) from a pipe into a page of the mapping. */
void matrix_vmsplice_out(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	struct iovec iov = { ctx->addr, ctx->page_size };
	uint8_t *buf = io_buffer(ctx, 7);
	int p[2];
	ssize_t n;

	if (!buf || pipe2(p, O_CLOEXEC)) {
		cell_fail(cell);
		free(buf);
		return;
	}
	if (write(p[1], buf, ctx->page_size) != (ssize_t)ctx->page_size) {
		cell_fail(cell);
		goto out;
	}
	n = vmsplice(p[0], &iov, 1, SPLICE_F_NONBLOCK);
	if (cell_transfer(cell, n, ctx->page_size))
		cell_expect(cell, ctx->addr, buf);
out:
	close(p[0]);
	close(p[1]);
	free(buf);
}

/* write(2) from the mapping into a pipe (copy_from_user). */
void matrix_pipe_write(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	uint8_t buf[MATRIX_PATTERN_LEN];
	int p[2];
	ssize_t n;

	if (pipe2(p, O_CLOEXEC)) {
		cell_fail(cell);
		return;
	}
	n = write(p[1], ctx->addr, sizeof(buf));
	if (n < 0)
		cell_fail(cell);
	else if (read(p[0], buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		cell_bytes(cell);
	else
		expect_read(ctx, cell, buf);
	close(p[0]);
	close(p[1]);
}

/* read(2) from a pipe into the mapping (copy_to_user). */
void matrix_pipe_read(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	uint8_t buf[MATRIX_PATTERN_LEN];
	int p[2];
	ssize_t n;

	if (pipe2(p, O_CLOEXEC)) {
		cell_fail(cell);
		return;
	}
	matrix_pattern(buf, 8);
	if (write(p[1], buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
		cell_fail(cell);
	} else {
		n = read(p[0], ctx->addr, sizeof(buf));
		if (n < 0)
			cell_fail(cell);
		else if (n != (ssize_t)sizeof(buf))
			cell_bytes(cell);
		else
			cell_expect(cell, ctx->addr, buf);
	}
	close(p[0]);
	close(p[1]);
}
