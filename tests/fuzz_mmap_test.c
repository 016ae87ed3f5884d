// SPDX-License-Identifier: MIT
/*
 * mmap fuzzing: seeded random sequences of mmap, mprotect, munmap,
 * mremap, madvise, msync, touches and fork over every available mode.
 *
 * Zero mode is checked against a model: a MAP_SHARED mapping's bytes live
 * in its mmap()'s own page set, keyed by page offset, and outlive shrinks
 * and splits; a MAP_PRIVATE mapping's written pages are its own and go
 * back to zero when dropped.  Sparse and dma mappings are touched through
 * the fault probe, whose outcome (ok, SIGBUS past the end, SIGSEGV without
 * the permission) is exact too.  At the end nothing may stay mapped or
 * allocated.  A failure names the seed and the step; MAPDEMO_SEED replays.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "reliab.h"

#define MAXREG 8
#define MAXPG 32	/* pages of a mapping, and page offsets of a zero set */

/* One mmap() call's zero-mode page set, shared by its regions. */
struct obj {
	int refs;
	bool shared;
	uint8_t val[MAXPG * 2];	/* shared: first byte of each page offset */
};

struct region {
	char *addr;
	size_t npages;
	size_t pgoff;		/* of the first page */
	int prot;
	int mode;
	struct obj *obj;
	uint8_t priv[MAXPG * 2];	/* private zero mode: per page of region */
	bool dontfork;		/* some of it is left out of fork children */
	bool rdonly;		/* the file was opened O_RDONLY */
	/*
	 * madvise() may have split it into VMAs that never merge again (our
	 * vm_ops have ->close); mremap() cannot grow across VMAs.
	 */
	bool split;
	bool pfn;		/* dma mapped by PFN: VM_PFNMAP | VM_IO */
};

struct fuzz {
	struct rng r;
	uint64_t seed;
	unsigned long seq, step;
	bool exec_ok;
	size_t sparse_pages;	/* pages of the sparse buffer that exist */
	size_t dma_pages;
	int modes[MAPDEMO_MODE_NR];
	int nmodes;
	struct region reg[MAXREG];
	int nreg;
	unsigned long ops[16];
	bool trace;		/* MAPDEMO_TRACE=1: note every step */
};

#define CHECK(fz, cond, fmt, ...) do {					\
	if (!(cond))							\
		cr_assert_fail("seed %llu sequence %lu step %lu: " fmt,	\
			       (unsigned long long)(fz)->seed, (fz)->seq,	\
			       (fz)->step, ##__VA_ARGS__);			\
} while (0)

static uint8_t *cell(struct region *g, size_t i)
{
	return g->obj->shared ? &g->obj->val[g->pgoff + i] : &g->priv[i];
}

static void obj_put(struct obj *o)
{
	if (--o->refs == 0)
		free(o);
}

static void region_drop(struct fuzz *fz, int i)
{
	if (fz->reg[i].obj)
		obj_put(fz->reg[i].obj);
	fz->reg[i] = fz->reg[--fz->nreg];
}

/* The outcome a touch must have on page @i of @g. */
static int expected_outcome(struct fuzz *fz, struct region *g, size_t i,
			    int access)
{
	/* x86 page tables cannot express write-only: it reads too */
	int need = access == MAPDEMO_ACCESS_WRITE ? PROT_WRITE :
						     PROT_READ | PROT_WRITE;

	if (!(g->prot & need))
		return MAPDEMO_SIGSEGV;
	if (g->mode == MAPDEMO_MODE_SPARSE && g->pgoff + i >= fz->sparse_pages)
		return MAPDEMO_SIGBUS;
	return MAPDEMO_OK;
}

static void probe_touch(struct fuzz *fz, struct region *g, size_t i, int access)
{
	struct mapdemo_probe_result res;
	int ret = mapdemo_probe(g->addr + i * page_size, page_size, access,
				&res, 1);
	int want = expected_outcome(fz, g, i, access);

	CHECK(fz, ret == 1, "probe: %s", strerror(-ret));
	CHECK(fz, res.outcome == want,
	      "mode %d page %zu (pgoff %zu, prot %d) access %d: outcome %d, want %d",
	      g->mode, i, g->pgoff + i, g->prot, access, res.outcome, want);
}

static void op_touch(struct fuzz *fz, struct region *g)
{
	size_t i = rng_below(&fz->r, g->npages);
	bool write = rng_one_in(&fz->r, 2);
	uint8_t v;

	if (g->mode != MAPDEMO_MODE_ZERO ||
	    expected_outcome(fz, g, i, write ? MAPDEMO_ACCESS_WRITE :
					       MAPDEMO_ACCESS_READ) != MAPDEMO_OK) {
		probe_touch(fz, g, i, write ? MAPDEMO_ACCESS_WRITE :
					      MAPDEMO_ACCESS_READ);
		return;
	}
	if (write) {
		v = (uint8_t)(1 + rng_below(&fz->r, 255));
		g->addr[i * page_size] = (char)v;
		*cell(g, i) = v;
	} else {
		v = (uint8_t)g->addr[i * page_size];
		CHECK(fz, v == *cell(g, i), "%s page %zu (pgoff %zu) reads %u, want %u",
		      g->obj->shared ? "shared" : "private", i, g->pgoff + i,
		      v, *cell(g, i));
	}
}

static void op_mprotect(struct fuzz *fz, struct region *g)
{
	int prot = (int)rng_below(&fz->r, 8);
	int ret = mprotect(g->addr, g->npages * page_size, prot);
	int want = 0;

	if ((prot & PROT_EXEC) && !fz->exec_ok)
		want = EACCES;
	if ((prot & PROT_WRITE) && g->obj->shared && g->rdonly)
		want = EACCES;
	CHECK(fz, (ret ? errno : 0) == want, "mprotect(%d) on mode %d: %s",
	      prot, g->mode, ret ? strerror(errno) : "success");
	if (!ret)
		g->prot = prot;
}

/* Unmap the head, the tail or a hole in the middle (a split). */
static void op_munmap(struct fuzz *fz, int gi)
{
	struct region *g = &fz->reg[gi];
	size_t at = rng_below(&fz->r, g->npages);
	size_t n = 1 + rng_below(&fz->r, g->npages - at);
	struct region tail;

	CHECK(fz, munmap(g->addr + at * page_size, n * page_size) == 0,
	      "munmap: %s", strerror(errno));
	if (at == 0 && n == g->npages) {
		region_drop(fz, gi);
		return;
	}
	tail = *g;
	if (at + n < g->npages) {
		tail.addr = g->addr + (at + n) * page_size;
		tail.npages = g->npages - at - n;
		tail.pgoff = g->pgoff + at + n;
		memmove(tail.priv, g->priv + at + n, tail.npages);
	} else {
		tail.npages = 0;
	}
	g->npages = at;
	if (!g->npages) {
		*g = tail;
		return;
	}
	if (tail.npages) {
		if (fz->nreg == MAXREG) {
			CHECK(fz, munmap(tail.addr, tail.npages * page_size) == 0,
			      "munmap: %s", strerror(errno));
			return;
		}
		tail.obj->refs++;
		fz->reg[fz->nreg++] = tail;
	}
}

static void op_mremap(struct fuzz *fz, struct region *g)
{
	size_t npages = 1 + rng_below(&fz->r, MAXPG);
	int flags = rng_one_in(&fz->r, 4) ? 0 : MREMAP_MAYMOVE;
	void *p;
	size_t i;

	/* dma: growing past the buffer must fail, as mmap would */
	if (g->mode == MAPDEMO_MODE_DMA && g->pgoff + npages > fz->dma_pages)
		npages = fz->dma_pages - g->pgoff;
	if (g->pgoff + npages > MAXPG * 2)
		npages = MAXPG * 2 - g->pgoff;
	p = mremap(g->addr, g->npages * page_size, npages * page_size, flags);
	/* dma mappings are VM_DONTEXPAND: growing them is refused */
	if (g->mode == MAPDEMO_MODE_DMA && npages > g->npages) {
		CHECK(fz, p == MAP_FAILED && errno == EFAULT,
		      "mremap grew a dma mapping: %s",
		      p == MAP_FAILED ? strerror(errno) : "success");
		return;
	}
	if (p == MAP_FAILED && g->split && npages > g->npages && errno == EFAULT)
		return;	/* a shrink since may have left one VMA: no certainty */
	if (p == MAP_FAILED) {
		/* in place with a neighbour in the way */
		CHECK(fz, errno == ENOMEM && !flags && npages > g->npages,
		      "mremap %zu -> %zu pages (flags %d): %s", g->npages,
		      npages, flags, strerror(errno));
		return;
	}
	for (i = g->npages; i < npages; i++)
		g->priv[i] = 0;
	g->addr = p;
	g->npages = npages;
}

static int op_madvise(struct fuzz *fz, struct region *g)
{
	static const int advice[] = {
		MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED,
		MADV_DONTNEED, MADV_DONTFORK, MADV_DOFORK, MADV_COLD,
		MADV_PAGEOUT, MADV_REMOVE, MADV_FREE, MADV_HUGEPAGE,
		MADV_NOHUGEPAGE, MADV_DONTDUMP, MADV_DODUMP,
		MADV_POPULATE_READ, MADV_POPULATE_WRITE,
	};
	int adv = advice[rng_below(&fz->r, sizeof(advice) / sizeof(advice[0]))];
	size_t at = rng_below(&fz->r, g->npages);
	size_t n = 1 + rng_below(&fz->r, g->npages - at), i;
	int ret = madvise(g->addr + at * page_size, n * page_size, adv);
	int err = ret ? errno : 0, want;

	if (!err && n < g->npages &&
	    (adv == MADV_NORMAL || adv == MADV_RANDOM || adv == MADV_SEQUENTIAL ||
	     adv == MADV_DONTFORK || adv == MADV_DOFORK || adv == MADV_DONTDUMP ||
	     adv == MADV_DODUMP || adv == MADV_HUGEPAGE || adv == MADV_NOHUGEPAGE))
		g->split = true;

	switch (adv) {
	case MADV_COLD: case MADV_PAGEOUT:
		/* nothing on the LRU to age in a PFN map */
		want = g->pfn ? EINVAL : 0;
		CHECK(fz, err == want, "madvise(%d) mode %d%s: %s", adv, g->mode,
		      g->pfn ? " (pfn)" : "", strerror(err));
		break;
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL:
	case MADV_WILLNEED: case MADV_DONTDUMP:
		CHECK(fz, !err, "madvise(%d) mode %d: %s", adv, g->mode,
		      strerror(err));
		break;
	case MADV_DONTNEED:
		want = g->pfn ? EINVAL : 0;	/* a PFN map has no pages to drop */
		CHECK(fz, err == want, "madvise(DONTNEED) mode %d%s: %s", g->mode,
		      g->pfn ? " (pfn)" : "", strerror(err));
		/* private copies go; the shared set keeps its pages */
		if (g->mode == MAPDEMO_MODE_ZERO && !g->obj->shared)
			for (i = at; i < at + n; i++)
				g->priv[i] = 0;
		break;
	case MADV_DONTFORK: case MADV_DOFORK:
		/* VM_IO mappings may refuse DOFORK */
		CHECK(fz, !err || err == EINVAL, "madvise(%d): %s", adv,
		      strerror(err));
		break;
	case MADV_POPULATE_READ: case MADV_POPULATE_WRITE:
		/* the probe is what checks which pages fault; here: no Oops */
		CHECK(fz, !err || err == EFAULT || err == EINVAL ||
			  err == ENOMEM || err == EPERM,
		      "madvise(POPULATE) mode %d: %s", g->mode, strerror(err));
		break;
	case MADV_REMOVE:
		/*
		 * Hole punching needs a shared mapping that may be made
		 * writable, then fallocate(), which a character device has not.
		 */
		want = g->obj->shared && !g->rdonly ? ENODEV : EACCES;
		CHECK(fz, err == want, "madvise(REMOVE) mode %d: %s, want %s",
		      g->mode, strerror(err), strerror(want));
		break;
	default:
		/* FREE, HUGEPAGE, DODUMP: refused on device memory */
		CHECK(fz, !err || err == EINVAL || err == EOPNOTSUPP ||
			  err == EPERM,
		      "madvise(%d) mode %d: %s", adv, g->mode, strerror(err));
		break;
	}
	return err ? -1 : adv;
}

static void op_msync(struct fuzz *fz, struct region *g)
{
	static const int fl[] = { MS_ASYNC, MS_SYNC, MS_INVALIDATE };
	int f = fl[rng_below(&fz->r, 3)];

	if (fz->trace)
		note("msync %p %zu pages flags %d mode %d", g->addr, g->npages, f, g->mode);

	CHECK(fz, msync(g->addr, g->npages * page_size, f) == 0,
	      "msync(%d) mode %d: %s", f, g->mode, strerror(errno));
}

/*
 * A child reads every zero-mode page it inherited and writes one byte in
 * each mapping; the parent then sees the shared writes and not the
 * private ones.
 */
static void op_fork(struct fuzz *fz)
{
	uint8_t wrote[MAXREG];
	int status, i;
	pid_t pid;

	for (i = 0; i < fz->nreg; i++)
		wrote[i] = (uint8_t)(1 + rng_below(&fz->r, 255));
	pid = fork();
	CHECK(fz, pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		for (i = 0; i < fz->nreg; i++) {
			struct region *g = &fz->reg[i];
			size_t j;

			if (g->mode != MAPDEMO_MODE_ZERO || g->dontfork ||
			    !(g->prot & PROT_READ))
				continue;
			for (j = 0; j < g->npages; j++)
				if ((uint8_t)g->addr[j * page_size] != *cell(g, j))
					_exit(10 + i);
			if (g->prot & PROT_WRITE)
				g->addr[0] = (char)wrote[i];
		}
		_exit(0);
	}
	CHECK(fz, waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	CHECK(fz, WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "fork child: status %#x (10+N: region N read wrong)", status);
	for (i = 0; i < fz->nreg; i++) {
		struct region *g = &fz->reg[i];

		if (g->mode == MAPDEMO_MODE_ZERO && !g->dontfork &&
		    (g->prot & PROT_READ) && (g->prot & PROT_WRITE) &&
		    g->obj->shared)
			*cell(g, 0) = wrote[i];
	}
}

/* mmap a new region; the refusals mmap(2) and the SPEC promise are exact. */
static void op_mmap(struct fuzz *fz, int fd, int mode, bool rdonly, bool pfn)
{
	size_t npages = 1 + rng_below(&fz->r, MAXPG);
	int prot = (int)rng_below(&fz->r, 8);
	bool shared = mode == MAPDEMO_MODE_DMA ? !rng_one_in(&fz->r, 8) :
						 rng_one_in(&fz->r, 2);
	int flags = shared ? MAP_SHARED : MAP_PRIVATE;
	size_t pgoff = rng_below(&fz->r, MAXPG);
	int want = 0, err;
	struct region *g;
	void *p;

	if (rng_one_in(&fz->r, 4))
		flags |= MAP_POPULATE;
	if (rng_one_in(&fz->r, 4))
		flags |= MAP_NORESERVE;
	if (mode == MAPDEMO_MODE_DMA && fz->dma_pages < MAXPG * 2)
		pgoff = rng_below(&fz->r, fz->dma_pages);

	/* in the order they are checked: the core, the device, the mode */
	if (shared && rdonly && (prot & PROT_WRITE))
		want = EACCES;
	else if ((prot & PROT_EXEC) && !fz->exec_ok)
		want = EPERM;
	else if (mode == MAPDEMO_MODE_DMA && !shared)
		want = EINVAL;
	else if (mode == MAPDEMO_MODE_DMA && pgoff + npages > fz->dma_pages)
		want = EINVAL;
	/* which of two refusals comes first is the kernel's business */
	p = mmap(NULL, npages * page_size, prot, flags, fd,
		 (off_t)(pgoff * page_size));
	err = p == MAP_FAILED ? errno : 0;
	CHECK(fz, err == want, "mmap mode %d, %zu pages at pgoff %zu, prot %d, flags %#x%s: %s, want %s",
	      mode, npages, pgoff, prot, flags, rdonly ? " (read-only file)" : "",
	      err ? strerror(err) : "success", want ? strerror(want) : "success");
	if (err)
		return;
	if (fz->nreg == MAXREG) {
		munmap(p, npages * page_size);
		return;
	}
	g = &fz->reg[fz->nreg++];
	memset(g, 0, sizeof(*g));
	g->addr = p;
	g->npages = npages;
	g->pgoff = pgoff;
	g->prot = prot;
	g->mode = mode;
	g->rdonly = rdonly;
	g->pfn = pfn;
	g->obj = calloc(1, sizeof(*g->obj));
	CHECK(fz, g->obj, "out of memory");
	g->obj->refs = 1;
	g->obj->shared = shared;
}

#define TOO_LONG (1ULL << 62)

/* Odd requests, each refused the same way every time. */
static void op_bad_mmap(struct fuzz *fz, int fd)
{
	void *p;

	switch (rng_below(&fz->r, 3)) {
	case 0:
		p = mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0);
		CHECK(fz, p == MAP_FAILED && errno == EINVAL, "mmap of 0 bytes: %s",
		      p == MAP_FAILED ? strerror(errno) : "success");
		break;
	case 1:
		p = mmap(NULL, page_size, PROT_READ, MAP_SHARED, fd,
			 (off_t)(1 + rng_below(&fz->r, page_size - 1)));
		CHECK(fz, p == MAP_FAILED && errno == EINVAL,
		      "mmap at an unaligned offset: %s",
		      p == MAP_FAILED ? strerror(errno) : "success");
		break;
	default:
		/* more than any user address space (x86-64's is 2^47, arm64's 2^48) */
		p = mmap(NULL, TOO_LONG, PROT_READ, MAP_SHARED, fd, 0);
		CHECK(fz, p == MAP_FAILED && (errno == ENOMEM || errno == EINVAL),
		      "mmap of 2^62 bytes: %s",
		      p == MAP_FAILED ? strerror(errno) : "success");
		break;
	}
}

static void one_sequence(struct fuzz *fz)
{
	int mode = fz->modes[rng_below(&fz->r, fz->nmodes)];
	bool rdonly = rng_one_in(&fz->r, 8);
	int nops = 1 + (int)rng_below(&fz->r, 12), i;
	struct mapdemo_device dev;
	bool pfn = false;

	dev = open_dev(rdonly ? O_RDONLY : O_RDWR, mode);
	if (mode == MAPDEMO_MODE_DMA) {
		__u32 style = rng_one_in(&fz->r, 2) ? MAPDEMO_DMA_PFN :
						      MAPDEMO_DMA_PAGE;

		CHECK(fz, ioctl(dev.fd, MAPDEMO_IOC_SET_DMA_STYLE, &style) == 0,
		      "SET_DMA_STYLE %u: %s", style, strerror(errno));
		pfn = style == MAPDEMO_DMA_PFN;
	}
	for (i = 0; i < nops; i++) {
		unsigned int op = rng_below(&fz->r, 100);
		struct region *g;
		int gi;

		fz->step = i;
		if (fz->trace)
			note("seq %lu step %d op %u nreg %d", fz->seq, i, op, fz->nreg);
		if (op < 20 || !fz->nreg) {
			if (rng_one_in(&fz->r, 10))
				op_bad_mmap(fz, dev.fd);
			else
				op_mmap(fz, dev.fd, mode, rdonly, pfn);
			fz->ops[0]++;
			continue;
		}
		gi = (int)rng_below(&fz->r, fz->nreg);
		g = &fz->reg[gi];
		if (op < 50) {
			op_touch(fz, g);
			fz->ops[1]++;
		} else if (op < 58) {
			op_mprotect(fz, g);
			fz->ops[2]++;
		} else if (op < 68) {
			op_munmap(fz, gi);
			fz->ops[3]++;
		} else if (op < 78) {
			op_mremap(fz, g);
			fz->ops[4]++;
		} else if (op < 90) {
			if (op_madvise(fz, g) == MADV_DONTFORK)
				g->dontfork = true;
			fz->ops[5]++;
		} else if (op < 96) {
			op_msync(fz, g);
			fz->ops[6]++;
		} else if (rng_one_in(&fz->r, 4)) {
			op_fork(fz);
			fz->ops[7]++;
		}
	}
	/* regions may outlive their file: close first, then unmap */
	mapdemo_device_close(&dev);
	while (fz->nreg) {
		struct region *g = &fz->reg[fz->nreg - 1];

		if (fz->trace)
			note("cleanup %p %zu pages", g->addr, g->npages);
		CHECK(fz, munmap(g->addr, g->npages * page_size) == 0, "munmap: %s",
		      strerror(errno));
		region_drop(fz, fz->nreg - 1);
	}
}

/*
 * No timeout of its own: the runner's (MAPDEMO_TEST_TIMEOUT) is the one
 * that scales with the tier: 120 s for make check's 1000 sequences,
 * 1800 s for check-debug's 3000 (7.3's debug kernel under TCG did not
 * finish 10000 in 600 s).
 */
Test(fuzz, mmap)
{
	unsigned long n = tier_count("MAPDEMO_FUZZ_MMAPS", 1000);
	struct mapdemo_stats before, after;
	struct mapdemo_device dev;
	struct mapdemo_info info;
	struct fuzz *fz = calloc(1, sizeof(*fz));
	double t0 = now();
	int m;

	cr_assert_not_null(fz);
	fz->seed = rng_seed(&fz->r, "fuzz::mmap");
	fz->trace = tier_count("MAPDEMO_TRACE", 0);
	for (m = 0; m < MAPDEMO_MODE_NR; m++)
		if (mode_available(m))
			fz->modes[fz->nmodes++] = m;
	dev = open_dev(O_RDONLY, MAPDEMO_MODE_DEFAULT);
	cr_assert_eq(mapdemo_info(&dev, &info), 0);
	mapdemo_device_close(&dev);
	fz->exec_ok = info.flags & MAPDEMO_INFO_ALLOW_EXEC;
	fz->sparse_pages = (info.sparse_size + page_size - 1) / page_size;
	fz->dma_pages = info.dma_size / page_size;
	if (!fz->dma_pages) {	/* no buffer: dma mappings cannot exist */
		for (m = 0; m < fz->nmodes; m++)
			if (fz->modes[m] == MAPDEMO_MODE_DMA)
				fz->modes[m] = fz->modes[--fz->nmodes];
	}

	sparse_reset();
	before = device_stats();
	for (fz->seq = 0; fz->seq < n; fz->seq++)
		one_sequence(fz);
	sparse_reset();
	after = device_stats();
	cr_assert_eq(after.vmas_live, 0, "seed %llu: %llu VMAs live at the end",
		     (unsigned long long)fz->seed, (unsigned long long)after.vmas_live);
	cr_assert_eq(after.pages_live, before.pages_live,
		     "seed %llu: pages_live %llu at the end, %llu before",
		     (unsigned long long)fz->seed,
		     (unsigned long long)after.pages_live,
		     (unsigned long long)before.pages_live);
	note("fuzz::mmap: %lu sequences over %d modes in %.1f s: %lu mmap, %lu touch, %lu mprotect, %lu munmap, %lu mremap, %lu madvise, %lu msync, %lu fork",
	     n, fz->nmodes, now() - t0, fz->ops[0], fz->ops[1], fz->ops[2],
	     fz->ops[3], fz->ops[4], fz->ops[5], fz->ops[6], fz->ops[7]);
	free(fz);
}
