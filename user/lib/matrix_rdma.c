// SPDX-License-Identifier: MIT
/*
 * The behaviour matrix's RDMA consumer: ibv_reg_mr() of the whole mapping
 * on the first RDMA device libibverbs finds (in the guest, soft-RoCE:
 * rdma_rxe bound to a dummy netdev, set up by tests/matrix_test.c).  A
 * memory registration pins the pages for as long as the region lives:
 * ib_umem_get() calls pin_user_pages_fast() with FOLL_LONGTERM, and
 * FOLL_WRITE for a writable region (IBV_ACCESS_LOCAL_WRITE), so the
 * answer is GUP's for a long-term writable pin, as for io_uring's fixed
 * buffers, without io_uring's own checks.
 *
 * libibverbs is dlopen()ed, so that libmapdemo needs no RDMA library:
 * where libibverbs.so.1 is missing, or it finds no device (no RDMA
 * hardware, rdma_rxe not loaded or no rxe link made), the cell is
 * MAPDEMO_CELL_SKIPPED ("-"), never an errno of its own making.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>

#include "libmapdemo.h"
#include "matrix.h"

/* libibverbs' types, used only through pointers (<infiniband/verbs.h>) */
struct ibv_device;
struct ibv_context;
struct ibv_pd;
struct ibv_mr;

/* enum ibv_access_flags: what an RDMA application asks of a buffer */
#define IBV_ACCESS_LOCAL_WRITE		1
#define IBV_ACCESS_REMOTE_WRITE		2
#define IBV_ACCESS_REMOTE_READ		4

struct verbs {
	struct ibv_device **(*get_device_list)(int *num);
	void (*free_device_list)(struct ibv_device **list);
	struct ibv_context *(*open_device)(struct ibv_device *dev);
	int (*close_device)(struct ibv_context *ctx);
	struct ibv_pd *(*alloc_pd)(struct ibv_context *ctx);
	int (*dealloc_pd)(struct ibv_pd *pd);
	/* the exported function (IBVERBS_1.1), not the header's macro */
	struct ibv_mr *(*reg_mr)(struct ibv_pd *pd, void *addr, size_t len, int access);
	int (*dereg_mr)(struct ibv_mr *mr);
};

/* Look @name up in @lib into *@fn; false if it is not there. */
static bool sym(void *lib, const char *name, void *fn)
{
	void *p = dlsym(lib, name);

	/* POSIX's way to store a function pointer from dlsym() */
	*(void **)fn = p;
	return p != NULL;
}

/* libibverbs' functions; NULL where the library is not installed. */
static void *verbs_open(struct verbs *v)
{
	void *lib = dlopen("libibverbs.so.1", RTLD_NOW | RTLD_LOCAL);

	if (!lib)
		return NULL;
	if (sym(lib, "ibv_get_device_list", &v->get_device_list) &&
	    sym(lib, "ibv_free_device_list", &v->free_device_list) &&
	    sym(lib, "ibv_open_device", &v->open_device) &&
	    sym(lib, "ibv_close_device", &v->close_device) &&
	    sym(lib, "ibv_alloc_pd", &v->alloc_pd) &&
	    sym(lib, "ibv_dealloc_pd", &v->dealloc_pd) &&
	    sym(lib, "ibv_reg_mr", &v->reg_mr) &&
	    sym(lib, "ibv_dereg_mr", &v->dereg_mr))
		return lib;
	dlclose(lib);
	return NULL;
}

/*
 * ibv_reg_mr() of the mapping, local and remote write and remote read
 * (what a buffer an RDMA peer writes into is registered with): the cell
 * is its errno, or ok when it registers and the first page still holds
 * the pattern (a private mapping's pages are COW-broken by the pin, not
 * lost).  The region is deregistered at once.
 */
void matrix_rdma_reg_mr(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	struct ibv_device **list = NULL;
	struct ibv_context *dev = NULL;
	struct ibv_pd *pd = NULL;
	struct ibv_mr *mr;
	struct verbs v;
	void *lib = verbs_open(&v);
	int n = 0;

	if (lib)
		list = v.get_device_list(&n);
	if (!list || n <= 0) {
		cell_skipped(cell);
		goto out;
	}
	dev = v.open_device(list[0]);
	pd = dev ? v.alloc_pd(dev) : NULL;
	if (!pd) {
		cell_fail(cell);
		goto out;
	}
	mr = v.reg_mr(pd, ctx->addr, ctx->length, IBV_ACCESS_LOCAL_WRITE |
		      IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ);
	if (!mr) {
		cell_fail(cell);
		goto out;
	}
	if (ctx->writable)
		cell_expect(cell, ctx->addr, ctx->pattern);
	if (v.dereg_mr(mr) && cell->outcome == MAPDEMO_CELL_OK)
		cell_fail(cell);
out:
	if (pd)
		v.dealloc_pd(pd);
	if (dev)
		v.close_device(dev);
	if (list)
		v.free_device_list(list);
	if (lib)
		dlclose(lib);
}
