// SPDX-License-Identifier: MIT
/* The behaviour matrix's consumers, in the order the matrix prints them. */
#include <linux/futex.h>
#include <sys/mman.h>

#include "libmapdemo.h"
#include "matrix.h"

/* advice numbers newer than some C libraries' headers */
#ifndef MADV_COLD
#define MADV_COLD		20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE		25	/* 6.1 */
#endif
#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE	101
#endif
#ifndef MADV_HWPOISON
#define MADV_HWPOISON		100
#endif
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL	102	/* 6.13; file mappings 6.15 */
#endif

#define ADVICE(name, advice) { "madvise-" name, matrix_madvise, advice }

/* A later release appends here: the numbers are part of the ABI. */
const struct matrix_consumer matrix_consumers[] = {
	{ "read", matrix_cpu, MAPDEMO_ACCESS_READ },
	{ "write", matrix_cpu, MAPDEMO_ACCESS_WRITE },
	{ "odirect-read", matrix_odirect_read, 0 },
	{ "odirect-write", matrix_odirect_write, 0 },
	{ "iouring-register", matrix_uring_reg, 0 },
	{ "iouring-read-fixed", matrix_uring_read, 0 },
	{ "iouring-write-fixed", matrix_uring_write, 0 },
	{ "process-vm-readv", matrix_vm_readv, 0 },
	{ "process-vm-writev", matrix_vm_writev, 0 },
	{ "proc-mem-read", matrix_mem_read, 0 },
	{ "proc-mem-write", matrix_mem_write, 0 },
	{ "ptrace-peekdata", matrix_ptrace_peek, 0 },
	{ "ptrace-pokedata", matrix_ptrace_poke, 0 },
	{ "vmsplice-to-pipe", matrix_vmsplice_in, 0 },
	{ "vmsplice-from-pipe", matrix_vmsplice_out, 0 },
	{ "pipe-write-from", matrix_pipe_write, 0 },
	{ "pipe-read-into", matrix_pipe_read, 0 },
	{ "futex-private", matrix_futex, FUTEX_PRIVATE_FLAG },
	{ "futex-shared", matrix_futex, 0 },
	{ "mlock", matrix_mlock, 0 },
	{ "mlock2-onfault", matrix_mlock_onfault, 0 },
	ADVICE("normal", MADV_NORMAL),
	ADVICE("random", MADV_RANDOM),
	ADVICE("sequential", MADV_SEQUENTIAL),
	ADVICE("willneed", MADV_WILLNEED),
	ADVICE("dontneed", MADV_DONTNEED),
	ADVICE("free", MADV_FREE),
	ADVICE("remove", MADV_REMOVE),
	ADVICE("dontfork", MADV_DONTFORK),
	ADVICE("dofork", MADV_DOFORK),
	ADVICE("mergeable", MADV_MERGEABLE),
	ADVICE("unmergeable", MADV_UNMERGEABLE),
	ADVICE("hugepage", MADV_HUGEPAGE),
	ADVICE("nohugepage", MADV_NOHUGEPAGE),
	ADVICE("collapse", MADV_COLLAPSE),
	ADVICE("dontdump", MADV_DONTDUMP),
	ADVICE("dodump", MADV_DODUMP),
	ADVICE("wipeonfork", MADV_WIPEONFORK),
	ADVICE("keeponfork", MADV_KEEPONFORK),
	ADVICE("cold", MADV_COLD),
	ADVICE("pageout", MADV_PAGEOUT),
	ADVICE("populate-read", MADV_POPULATE_READ),
	ADVICE("populate-write", MADV_POPULATE_WRITE),
	ADVICE("guard-install", MADV_GUARD_INSTALL),
	{ "madvise-soft-offline", matrix_soft_offline, MADV_SOFT_OFFLINE },
	{ "mprotect-read", matrix_mprotect, PROT_READ },
	{ "mprotect-none", matrix_mprotect, PROT_NONE },
	{ "mprotect-exec", matrix_mprotect, PROT_READ | PROT_EXEC },
	{ "mprotect-read-then-write", matrix_mprotect_back, 0 },
	{ "mremap-grow", matrix_mremap_grow, 0 },
	{ "mremap-shrink", matrix_mremap_shrink, 0 },
	{ "mremap-move", matrix_mremap_move, 0 },
	{ "mremap-dontunmap", matrix_mremap_dontunmap, 0 },
	{ "mseal", matrix_mseal, 0 },
	{ "userfaultfd-register", matrix_uffd_register, 0 },
	{ "fork", matrix_fork, 0 },
	{ "msync", matrix_msync, 0 },
	{ "mincore", matrix_mincore, 0 },
	{ "mmap-populate", matrix_remap, MAP_POPULATE },
	{ "mmap-locked", matrix_remap, MAP_LOCKED },
	{ "mmap-growsdown", matrix_remap, MAP_GROWSDOWN },
	{ "core-dump", matrix_core_dump, 0 },
	{ "core-dump-dontdump", matrix_core_dump, MADV_DONTDUMP },
	{ "core-dump-dodump", matrix_core_dump, MADV_DODUMP },
	/* appended after the first release of the matrix */
	{ "rdma-reg-mr", matrix_rdma_reg_mr, 0 },
	{ "madvise-hwpoison", matrix_hwpoison, MADV_HWPOISON },
};
const size_t matrix_nconsumers = sizeof(matrix_consumers) /
				 sizeof(matrix_consumers[0]);
