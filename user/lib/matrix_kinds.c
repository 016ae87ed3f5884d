// SPDX-License-Identifier: MIT
/* The behaviour matrix's kinds of mapping, and how each is made. */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libmapdemo.h"
#include "internal.h"
#include "matrix.h"

#define KIB		1024UL
#define MIB		(1024UL * KIB)
/* every kind maps this much, but pfn-2m, which maps 2 MiB (one PMD on 4 KiB pages) */
#define KIND_LEN	(64 * KIB)

/* A later release appends here: the numbers are part of the ABI. */
const struct matrix_kind matrix_kinds[] = {
	{ "zero-private", MAPDEMO_MODE_ZERO, 0, MAP_PRIVATE, KIND_LEN, false },
	{ "zero-shared", MAPDEMO_MODE_ZERO, 0, MAP_SHARED, KIND_LEN, false },
	{ "sparse-private", MAPDEMO_MODE_SPARSE, 0, MAP_PRIVATE, KIND_LEN, false },
	{ "sparse-shared", MAPDEMO_MODE_SPARSE, 0, MAP_SHARED, KIND_LEN, false },
	{ "sparse-past-end", MAPDEMO_MODE_SPARSE, 0, MAP_SHARED, KIND_LEN, true },
	/* less than a PMD: the driver maps it by page table entries */
	{ "dma-pfn-4k", MAPDEMO_MODE_DMA, MAPDEMO_DMA_PFN, MAP_SHARED, KIND_LEN, false },
	/*
	 * 2 MiB at offset 0: one PMD on 4 KiB pages, on a kernel with THP.
	 * The names are ABI: on 16 KiB pages (32 MiB PMDs, more than the
	 * default buffer) this kind too is mapped by page table entries,
	 * and every cell answers as dma-pfn-4k's.
	 */
	{ "dma-pfn-2m", MAPDEMO_MODE_DMA, MAPDEMO_DMA_PFN, MAP_SHARED, 2 * MIB, false },
	{ "dma-page", MAPDEMO_MODE_DMA, MAPDEMO_DMA_PAGE, MAP_SHARED, KIND_LEN, false },
	{ "anon", KIND_ANON, 0, MAP_PRIVATE, KIND_LEN, false },
	{ "devzero-shared", KIND_DEVZERO, 0, MAP_SHARED, KIND_LEN, false },
	{ "memfd", KIND_MEMFD, 0, MAP_SHARED, KIND_LEN, false },
	{ "dma-mixed", MAPDEMO_MODE_DMA, MAPDEMO_DMA_MIXED, MAP_SHARED, KIND_LEN, false },
};
const size_t matrix_nkinds = sizeof(matrix_kinds) / sizeof(matrix_kinds[0]);

/* Open what @kind maps into @ctx->fd and choose its offset. */
static int kind_open(struct matrix_ctx *ctx)
{
	const struct matrix_kind *k = ctx->kind;
	const char *path = ctx->config && ctx->config->device ?
			   ctx->config->device : NULL;
	struct mapdemo_device dev;
	struct mapdemo_info info;
	int ret;

	ctx->fd = -1;
	ctx->offset = 0;
	switch (k->mode) {
	case KIND_ANON:
		return 0;
	case KIND_DEVZERO:
		ctx->fd = open("/dev/zero", O_RDWR | O_CLOEXEC);
		return ctx->fd < 0 ? neg_errno() : 0;
	case KIND_MEMFD:
		ctx->fd = memfd_create("mapdemo-matrix", MFD_CLOEXEC);
		if (ctx->fd < 0)
			return neg_errno();
		return ftruncate(ctx->fd, (off_t)k->length) ? neg_errno() : 0;
	}
	ret = mapdemo_device_open(&dev, path, O_RDWR, k->mode);
	if (ret)
		return ret;
	ctx->fd = dev.fd;
	if (k->mode == MAPDEMO_MODE_DMA)
		return mapdemo_set_dma_style(&dev, k->style);
	if (k->past_end) {
		ret = mapdemo_info(&dev, &info);
		if (ret)
			return ret;
		ctx->offset = (info.sparse_size + ctx->page_size - 1) &
			      ~(uint64_t)(ctx->page_size - 1);
	}
	return 0;
}

int matrix_map(struct matrix_ctx *ctx, int extra)
{
	const struct matrix_kind *k = ctx->kind;
	int flags = k->flags | extra;
	void *p;
	int ret;

	if (ctx->fd < 0 && k->mode != KIND_ANON) {
		ret = kind_open(ctx);
		if (ret)
			return ret;
	} else if (k->mode == KIND_ANON) {
		ctx->fd = -1;
	}
	if (k->mode == KIND_ANON)
		flags |= MAP_ANONYMOUS;
	p = mmap(NULL, k->length, PROT_READ | PROT_WRITE, flags, ctx->fd,
		 (off_t)ctx->offset);
	if (p == MAP_FAILED)
		return neg_errno();
	ctx->addr = p;
	ctx->length = k->length;
	return 0;
}
