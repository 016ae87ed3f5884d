/* SPDX-License-Identifier: MIT */
/* The behaviour matrix's internals: kinds, consumers and their context. */
#ifndef LIBMAPDEMO_MATRIX_H
#define LIBMAPDEMO_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libmapdemo.h"

/* The bytes a cell writes into a mapping and looks for. */
#define MATRIX_PATTERN_LEN	64
/* O_DIRECT and io_uring move this much; a multiple of any block size */
#define MATRIX_IO_LEN		(16UL << 10)

/* One kind of mapping: how to make it. */
struct matrix_kind {
	const char *name;
	int mode;		/* enum mapdemo_mode, or a reference below */
	int style;		/* dma: enum mapdemo_dma_style */
	int flags;		/* MAP_SHARED or MAP_PRIVATE */
	size_t length;		/* bytes mapped */
	bool past_end;		/* sparse: map just past the buffer's end */
};

enum {	/* kinds that are not the device's: the references */
	KIND_ANON = MAPDEMO_MODE_NR,
	KIND_DEVZERO,
	KIND_MEMFD,
};

/* A mapping made for one cell, in the cell's own child process. */
struct matrix_ctx {
	const struct mapdemo_matrix_config *config;
	const struct matrix_kind *kind;
	int fd;			/* what is mapped: the device, /dev/zero, a memfd; -1 anon */
	uint64_t offset;	/* the file offset mapped */
	char *addr;
	size_t length;
	size_t page_size;
	/* the first page took a write: the pattern is in it */
	bool writable;
	int arg;		/* the consumer's arg */
	uint8_t pattern[MATRIX_PATTERN_LEN];
};

struct matrix_consumer {
	const char *name;
	/* fill @cell (zeroed, MAPDEMO_CELL_OK) with what happened */
	void (*run)(struct matrix_ctx *ctx, struct mapdemo_cell *cell);
	int arg;		/* the advice, the flag, ... */
};

extern const struct matrix_kind matrix_kinds[];
extern const size_t matrix_nkinds;
extern const struct matrix_consumer matrix_consumers[];
extern const size_t matrix_nconsumers;

/* Map @ctx->kind with @extra MAP_* flags into @ctx; 0 or -errno. */
int matrix_map(struct matrix_ctx *ctx, int extra);

/* The cell's outcomes. */
void cell_errno(struct mapdemo_cell *cell, int err);
void cell_signal(struct mapdemo_cell *cell, int signo, int code);
void cell_bytes(struct mapdemo_cell *cell);
void cell_skipped(struct mapdemo_cell *cell);
/* A failed call: its errno is the cell's. */
void cell_fail(struct mapdemo_cell *cell);

/*
 * Probe the page at @p with @access (enum mapdemo_access); true when it
 * worked, else the cell is the signal it raised.
 */
bool cell_probe(struct mapdemo_cell *cell, void *p, int access);

/*
 * Do @p's first MATRIX_PATTERN_LEN bytes hold @pattern?  They are read
 * only after a probe says they can be: the cell is the signal otherwise,
 * or MAPDEMO_CELL_BYTES when they differ.  true when they match.
 */
bool cell_expect(struct mapdemo_cell *cell, void *p, const uint8_t *pattern);

/* A pattern of its own for @seed. */
void matrix_pattern(uint8_t *out, unsigned int seed);

/* The consumers (matrix_io.c, matrix_vm.c). */
#define CONSUMER(name) void name(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
CONSUMER(matrix_cpu);
CONSUMER(matrix_odirect_read);
CONSUMER(matrix_odirect_write);
CONSUMER(matrix_uring_reg);
CONSUMER(matrix_uring_read);
CONSUMER(matrix_uring_write);
CONSUMER(matrix_vm_readv);
CONSUMER(matrix_vm_writev);
CONSUMER(matrix_mem_read);
CONSUMER(matrix_mem_write);
CONSUMER(matrix_ptrace_peek);
CONSUMER(matrix_ptrace_poke);
CONSUMER(matrix_vmsplice_in);
CONSUMER(matrix_vmsplice_out);
CONSUMER(matrix_pipe_write);
CONSUMER(matrix_pipe_read);
CONSUMER(matrix_futex);
CONSUMER(matrix_mlock);
CONSUMER(matrix_mlock_onfault);
CONSUMER(matrix_madvise);
CONSUMER(matrix_soft_offline);
CONSUMER(matrix_mprotect);
CONSUMER(matrix_mprotect_back);
CONSUMER(matrix_mremap_grow);
CONSUMER(matrix_mremap_shrink);
CONSUMER(matrix_mremap_move);
CONSUMER(matrix_mremap_dontunmap);
CONSUMER(matrix_mseal);
CONSUMER(matrix_uffd_register);
CONSUMER(matrix_fork);
CONSUMER(matrix_remap);
CONSUMER(matrix_msync);
CONSUMER(matrix_mincore);
CONSUMER(matrix_core_dump);
CONSUMER(matrix_rdma_reg_mr);
CONSUMER(matrix_hwpoison);
#undef CONSUMER

/* io_uring: register [addr, addr+len) and move it from or to @fd. */
int matrix_uring_register(void *addr, size_t len);
int matrix_uring_fixed(void *addr, size_t len, int fd, bool write_to_fd);

#endif
