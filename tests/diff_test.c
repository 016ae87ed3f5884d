// SPDX-License-Identifier: MIT
/*
 * Differential oracle: one seeded sequence of mmap, munmap, mprotect,
 * mremap, madvise, msync, fork and touches, run on MAP_ANONYMOUS, on
 * /dev/zero and on /dev/mapdemo in zero mode, each in a process of its
 * own running in lockstep, compared op by op: return value, errno,
 * signal, si_code, si_addr and the byte read.  Every difference fails,
 * printing the seed and the op, unless it is one SPEC.md intends (see
 * intended_difference()); after one, the slots involved are unmapped in
 * all three so that they agree again.  See run_ops() for where
 * MAP_ANONYMOUS itself differs from /dev/zero.
 *
 * make check runs the fixed seeds below; `diff_test --seed=N` or
 * `--seed=random` (and `--ops=N`), or MAPDEMO_DIFF_SEED and
 * MAPDEMO_DIFF_OPS in the environment, run another in place of seed 5:
 *	qemu/run -- build/tests/diff_test --seed=random --verbose
 *
 * Left out of the sequences on purpose, because an anonymous VMA and a
 * device VMA differ there by construction, not by our choice:
 * MADV_FREE, MADV_WIPEONFORK and MREMAP_DONTUNMAP work on private
 * anonymous VMAs only (a private /dev/zero mapping is one); MADV_REMOVE
 * needs fallocate(); mmap offsets (a shared /dev/zero object starts at
 * 0, zero mode ignores the offset); MREMAP_MAYMOVE without MREMAP_FIXED
 * (the kernel picks the address).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

#define SLOTS		12
#define SLOT_PAGES	64	/* address space per slot */
#define MAX_PAGES	24	/* mappings start and end below this */
#define DEFAULT_OPS	1200
#define ARENA_HINT	0x100000000000UL	/* 16 TiB */

enum backend { B_ANON, B_DEVZERO, B_MAPDEMO, B_NR };
static const char *const backend_name[B_NR] = { "anon", "/dev/zero", "mapdemo" };

enum kind { K_MMAP, K_MUNMAP, K_MPROTECT, K_MREMAP, K_MADVISE, K_MSYNC,
	    K_FORK, K_READ, K_WRITE, K_FUTEX };

struct op {
	uint8_t kind, slot, slot2, page, npages, newpages, page2, val;
	int prot, flags, arg;
};

struct outcome {
	long ret;		/* return value, addresses relative to the arena */
	int err;		/* errno when ret == -1 */
	int sig, code;		/* signal and si_code of a touch, 0 if none */
	long addr;		/* si_addr relative to the arena */
	int byte;		/* byte read, -1 if none */
};

static size_t ps;
static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11) % n;
}

static const int advices[] = { MADV_DONTNEED, MADV_WILLNEED, MADV_NORMAL,
			       MADV_RANDOM, MADV_SEQUENTIAL, MADV_DONTFORK,
			       MADV_DOFORK, MADV_DONTDUMP, MADV_DODUMP };
static const int msyncs[] = { MS_ASYNC, MS_SYNC, MS_INVALIDATE,
			      MS_SYNC | MS_INVALIDATE, MS_ASYNC | MS_SYNC };
static const int prots[] = { PROT_NONE, PROT_READ, PROT_WRITE,
			     PROT_READ | PROT_WRITE };

static void range(struct op *o)
{
	o->page = rnd(MAX_PAGES);
	o->npages = 1 + rnd(MAX_PAGES - o->page);
}

static void gen(struct op *ops, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct op *o = &ops[i];
		uint32_t r = rnd(100);

		memset(o, 0, sizeof(*o));
		o->slot = rnd(SLOTS);
		o->slot2 = rnd(SLOTS);
		o->val = 1 + rnd(255);
		range(o);
		o->page2 = rnd(MAX_PAGES + 4);
		if (r < 14) {
			o->kind = K_MMAP;
			o->prot = prots[rnd(4)];
			o->flags = (rnd(2) ? MAP_SHARED : MAP_PRIVATE) |
				   (rnd(4) ? MAP_FIXED : MAP_FIXED_NOREPLACE) |
				   (rnd(5) ? 0 : MAP_POPULATE) |
				   (rnd(5) ? 0 : MAP_NORESERVE);
			/* PROT_EXEC now and then, which SPEC.md refuses */
			if (!rnd(25))
				o->prot |= PROT_EXEC;
		} else if (r < 20) {
			o->kind = K_MUNMAP;
		} else if (r < 28) {
			o->kind = K_MPROTECT;
			o->prot = prots[rnd(4)];
			if (!rnd(25))
				o->prot |= PROT_EXEC;
		} else if (r < 35) {
			o->kind = K_MREMAP;
			o->newpages = 1 + rnd(MAX_PAGES);
			o->flags = rnd(2) ? 0 : MREMAP_MAYMOVE | MREMAP_FIXED;
		} else if (r < 42) {
			o->kind = K_MADVISE;
			o->arg = advices[rnd(sizeof(advices) / sizeof(advices[0]))];
		} else if (r < 47) {
			o->kind = K_MSYNC;
			o->arg = msyncs[rnd(sizeof(msyncs) / sizeof(msyncs[0]))];
		} else if (r < 49) {
			o->kind = K_FORK;
		} else if (r < 75) {
			o->kind = K_READ;
		} else if (r < 96) {
			o->kind = K_WRITE;
		} else {
			/* a shared futex is keyed by the page's owner */
			o->kind = K_FUTEX;
		}
	}
}

static int describe(const struct op *o, char *buf, size_t size)
{
	static const char *const names[] = { "mmap", "munmap", "mprotect",
		"mremap", "madvise", "msync", "fork", "read", "write",
		"futex" };

	return snprintf(buf, size,
			"%s slot %u page %u npages %u newpages %u slot2 %u page2 %u prot %#x flags %#x arg %d val %u",
			names[o->kind], o->slot, o->page, o->npages, o->newpages,
			o->slot2, o->page2, o->prot, o->flags, o->arg, o->val);
}

/* ---- running a sequence in one backend ---- */

static char *arena;
static sigjmp_buf touch_env;
static volatile sig_atomic_t touch_sig;
static volatile int touch_code;
static volatile uintptr_t touch_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	touch_sig = sig;
	touch_code = si->si_code;
	touch_addr = (uintptr_t)si->si_addr;
	siglongjmp(touch_env, 1);
}

static char *page_at(unsigned int slot, unsigned int page)
{
	return arena + ((size_t)slot * SLOT_PAGES + page) * ps;
}

/* Read (or write @val to) the byte in the middle of a page. */
static void touch(char *p, int write, uint8_t val, struct outcome *out)
{
	volatile char *b = p + ps / 2;

	touch_sig = 0;
	if (sigsetjmp(touch_env, 1) == 0) {
		if (write)
			*b = (char)val;
		else
			out->byte = (uint8_t)*b;
	}
	if (touch_sig) {
		out->sig = touch_sig;
		out->code = touch_code;
		out->addr = (long)(touch_addr - (uintptr_t)arena);
	}
}

static void run_fork(const struct op *o, struct outcome *out, struct outcome *shared)
{
	pid_t pid = fork();
	int status;

	if (pid < 0) {
		out->ret = -1;
		out->err = errno;
		return;
	}
	if (pid == 0) {
		struct outcome c = { .byte = -1 };

		touch(page_at(o->slot, o->page), 1, o->val, &c);
		if (!c.sig)
			touch(page_at(o->slot, o->page2), 0, 0, &c);
		*shared = c;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		out->ret = -2;
		return;
	}
	*out = *shared;
	out->ret = 0;
}

static void run_op(const struct op *o, int fd, struct outcome *out,
		   struct outcome *scratch)
{
	char *a = page_at(o->slot, o->page);
	size_t len = (size_t)o->npages * ps;
	void *p;

	memset(out, 0, sizeof(*out));
	out->byte = -1;
	errno = 0;
	switch (o->kind) {
	case K_MMAP:
		p = mmap(a, len, o->prot, o->flags | (fd < 0 ? MAP_ANONYMOUS : 0),
			 fd, 0);
		out->ret = p == MAP_FAILED ? -1 : (char *)p - arena;
		break;
	case K_MUNMAP:
		out->ret = munmap(a, len);
		break;
	case K_MPROTECT:
		out->ret = mprotect(a, len, o->prot);
		break;
	case K_MREMAP:
		p = mremap(a, len, (size_t)o->newpages * ps, o->flags,
			   page_at(o->slot2, 0));
		out->ret = p == MAP_FAILED ? -1 : (char *)p - arena;
		break;
	case K_MADVISE:
		out->ret = madvise(a, len, o->arg);
		break;
	case K_MSYNC:
		out->ret = msync(a, len, o->arg);
		break;
	case K_FORK:
		run_fork(o, out, scratch);
		return;
	case K_READ:
	case K_WRITE:
		touch(page_at(o->slot, o->page2), o->kind == K_WRITE, o->val, out);
		return;
	case K_FUTEX:
		/*
		 * A shared FUTEX_WAIT that never sleeps: EAGAIN when the word
		 * is not @val, ETIMEDOUT at once when it is, EFAULT where the
		 * kernel cannot key the page (what zero mode once gave).
		 */
		out->ret = syscall(SYS_futex, page_at(o->slot, o->page2),
				   FUTEX_WAIT, (uint32_t)o->val,
				   &(struct timespec){ 0, 0 }, NULL, 0);
		break;
	}
	if (out->ret == -1)
		out->err = errno;
}

/*
 * A backend is a process of its own that runs the ops it reads from
 * @cmd and answers each with its outcome on @ans, so that all three run
 * in lockstep and the parent can bring them back in line after an
 * intended difference.
 */
static void run_backend(enum backend b, int cmd, int ans,
			struct outcome *scratch)
{
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };
	struct outcome out;
	struct op o;
	int fd = -1;

	if (b == B_DEVZERO)
		fd = open("/dev/zero", O_RDWR);
	if (b == B_MAPDEMO) {
		struct mapdemo_device dev;

		if (mapdemo_device_open(&dev, NULL, O_RDWR, MAPDEMO_MODE_ZERO))
			_exit(3);
		fd = dev.fd;
	}
	if (b != B_ANON && fd < 0)
		_exit(3);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	while (read(cmd, &o, sizeof(o)) == sizeof(o)) {
		run_op(&o, fd, &out, scratch);
		if (write(ans, &out, sizeof(out)) != sizeof(out))
			_exit(4);
	}
	_exit(0);
}

struct runner {
	pid_t pid;
	int cmd, ans;
};

static void start_backend(enum backend b, struct runner *be,
			  struct outcome *scratch)
{
	int c[2], a[2];

	cr_assert_eq(pipe(c), 0);
	cr_assert_eq(pipe(a), 0);
	be->pid = fork();
	cr_assert_geq(be->pid, 0);
	if (be->pid == 0) {
		close(c[1]);
		close(a[0]);
		run_backend(b, c[0], a[1], scratch);
	}
	close(c[0]);
	close(a[1]);
	be->cmd = c[1];
	be->ans = a[0];
}

static void step(struct runner be[B_NR], const struct op *o,
		 struct outcome out[B_NR])
{
	int b;

	for (b = 0; b < B_NR; b++)
		cr_assert_eq(write(be[b].cmd, o, sizeof(*o)), (ssize_t)sizeof(*o));
	for (b = 0; b < B_NR; b++)
		cr_assert_eq(read(be[b].ans, &out[b], sizeof(out[b])),
			     (ssize_t)sizeof(out[b]), "the %s run died",
			     backend_name[b]);
}

static void stop_backends(struct runner be[B_NR])
{
	int b, status;

	/* later backends hold copies of earlier ones' pipes: close all first */
	for (b = 0; b < B_NR; b++)
		close(be[b].cmd);
	for (b = 0; b < B_NR; b++) {
		cr_assert_eq(waitpid(be[b].pid, &status, 0), be[b].pid);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			  "the %s run ended with status %#x", backend_name[b], status);
		close(be[b].ans);
	}
}

/* ---- comparing ---- */

/* What the /dev/zero run says about each page, for the rules. */
struct page_model {
	bool mapped, shared;
	unsigned int obj;	/* the shmem object behind a shared page */
	unsigned int pgoff;	/* the page's offset in it */
};

static struct page_model model[SLOTS][SLOT_PAGES];
static unsigned int obj_pages[4096 * 4];
static unsigned int nobj;

static void model_apply(const struct op *o, const struct outcome *ref)
{
	struct page_model tmp[SLOT_PAGES], *src = model[o->slot];
	unsigned int i;

	if (ref->ret < 0)
		return;
	switch (o->kind) {
	case K_MMAP:
		nobj = (nobj + 1) % (sizeof(obj_pages) / sizeof(obj_pages[0]));
		obj_pages[nobj] = o->npages;
		for (i = 0; i < o->npages; i++)
			src[o->page + i] = (struct page_model){
				true, o->flags & MAP_SHARED, nobj, i };
		break;
	case K_MUNMAP:
		for (i = o->page; i < SLOT_PAGES && i < o->page + o->npages; i++)
			src[i].mapped = false;
		break;
	case K_MREMAP:
		memcpy(tmp, src + o->page, o->npages * sizeof(tmp[0]));
		for (i = o->npages; i < o->newpages; i++) {
			tmp[i] = tmp[o->npages - 1];
			tmp[i].pgoff = tmp[o->npages - 1].pgoff + i - o->npages + 1;
		}
		for (i = 0; i < o->npages; i++)
			src[o->page + i].mapped = false;
		if (o->flags & MREMAP_FIXED)
			memcpy(model[o->slot2], tmp, o->newpages * sizeof(tmp[0]));
		else
			memcpy(src + o->page, tmp, o->newpages * sizeof(tmp[0]));
		break;
	default:
		break;
	}
}

static bool same(const struct outcome *a, const struct outcome *b)
{
	return a->ret == b->ret && a->err == b->err && a->sig == b->sig &&
	       a->code == b->code && a->addr == b->addr && a->byte == b->byte;
}

/*
 * The differences from /dev/zero that SPEC.md intends, or that follow
 * from what it asks for: their name, or NULL.  *resync is set when the
 * backends no longer hold the same mappings afterwards.
 */
static const char *intended_difference(const struct op *o,
				       const struct outcome *anon,
				       const struct outcome *ref,
				       const struct outcome *md, bool *resync)
{
	const struct page_model *pm;
	unsigned long page;

	/* SPEC.md: "PROT_EXEC is refused (-EPERM at mmap, -EACCES from mprotect)" */
	*resync = true;
	if (o->kind == K_MMAP && o->prot & PROT_EXEC && md->ret == -1 &&
	    md->err == EPERM)
		return "PROT_EXEC refused by mmap";
	if (o->kind == K_MPROTECT && o->prot & PROT_EXEC && md->ret == -1 &&
	    md->err == EACCES)
		return "PROT_EXEC refused by mprotect";

	/*
	 * SPEC.md's zero mode frees its pages "at the last unmap", which
	 * takes a vm_operations ->close, and the core never merges VMAs that
	 * have one: pieces of a mapping split by mprotect() and given the
	 * same protection again stay two VMAs, where /dev/zero's join, so an
	 * mremap() across the join fails EFAULT.
	 */
	if (o->kind == K_MREMAP && ref->ret >= 0 && md->ret == -1 &&
	    md->err == EFAULT)
		return "mapdemo VMAs never merge";

	/*
	 * 6.17's "mm/mremap: permit mremap() move of multiple VMAs" moves a
	 * range that spans several VMAs only where no VMA's file has its
	 * own get_unmapped_area (which might not honour MREMAP_FIXED).  A
	 * private /dev/zero VMA keeps /dev/zero's file, which has one, so
	 * the move fails EFAULT there; a mapdemo VMA maps its mapping's own
	 * file (driver/object.c), which has none, and moves as anonymous
	 * memory does.
	 */
	if (o->kind == K_MREMAP && ref->ret == -1 && ref->err == EFAULT &&
	    md->ret >= 0 && same(anon, md))
		return "a move across VMAs, refused for /dev/zero's file only";

	/*
	 * SPEC.md: zero mode has "no end (offset ignored)": a shared mapping
	 * grown by mremap() reads zeros past its first length, where the
	 * shmem object behind a shared /dev/zero mapping ends (SIGBUS).
	 */
	*resync = false;
	if (o->kind == K_READ || o->kind == K_WRITE || o->kind == K_FORK) {
		/* the page is where the /dev/zero run faulted */
		page = (unsigned long)ref->addr / ps;
		if (ref->addr < 0 || page >= SLOTS * SLOT_PAGES)
			return NULL;
		pm = &model[page / SLOT_PAGES][page % SLOT_PAGES];
		if (ref->sig == SIGBUS && ref->code == BUS_ADRERR && !md->sig &&
		    pm->mapped && pm->shared && pm->pgoff >= obj_pages[pm->obj])
			return "zero mode has no end where shmem has";
	}
	if (o->kind == K_FUTEX && o->page2 < SLOT_PAGES) {
		pm = &model[o->slot][o->page2];
		if (ref->ret != -1 || ref->err != EFAULT || md->err == EFAULT ||
		    !pm->mapped)
			return NULL;
		/* the same, for a futex the kernel cannot key past the end */
		if (pm->shared && pm->pgoff >= obj_pages[pm->obj])
			return "zero mode has no end where shmem has (futex)";
	}
	return NULL;
}

static void fmt_outcome(const struct outcome *o, char *buf, size_t size)
{
	snprintf(buf, size, "ret %ld errno %d (%s) sig %d code %d addr %+ld byte %d",
		 o->ret, o->err, o->err ? strerror(o->err) : "-", o->sig,
		 o->code, o->addr, o->byte);
}

/* Unmap the slots @o used in every backend, so that they agree again. */
static void resync(struct runner be[B_NR], const struct op *o)
{
	struct op clear = { .kind = K_MUNMAP, .page = 0, .npages = SLOT_PAGES };
	struct outcome out[B_NR];

	clear.slot = o->slot;
	step(be, &clear, out);
	model_apply(&clear, &out[B_DEVZERO]);
	clear.slot = o->slot2;
	step(be, &clear, out);
	model_apply(&clear, &out[B_DEVZERO]);
}

struct tally {
	size_t ops, intended, baseline;
};

/*
 * mapdemo must do what /dev/zero does, and what MAP_ANONYMOUS does
 * wherever that agrees with /dev/zero.  Where MAP_ANONYMOUS alone
 * differs (its VMAs merge with neighbours, since their offsets follow the
 * address, where file mappings at offset 0 do not), that is the kernel's
 * business, counted and then put right like an intended difference.
 */
static void run_ops(uint64_t seed, const struct op *ops, size_t n,
		    struct runner be[B_NR], struct tally *t)
{
	char desc[256], a[160], z[160], m[160];
	struct outcome out[B_NR];
	bool again;
	size_t i;

	memset(model, 0, sizeof(model));
	nobj = 0;
	for (i = 0; i < n; i++) {
		const struct outcome *an = &out[B_ANON], *dz = &out[B_DEVZERO],
				     *md = &out[B_MAPDEMO];
		const char *why = NULL;

		step(be, &ops[i], out);
		t->ops++;
		again = false;
		if (!same(dz, md)) {
			why = intended_difference(&ops[i], an, dz, md, &again);
			if (!why) {
				describe(&ops[i], desc, sizeof(desc));
				fmt_outcome(an, a, sizeof(a));
				fmt_outcome(dz, z, sizeof(z));
				fmt_outcome(md, m, sizeof(m));
				cr_assert_fail("seed %" PRIu64 " op %zu: %s\n  %s: %s\n  %s: %s\n  %s: %s",
					       seed, i, desc, backend_name[B_ANON], a,
					       backend_name[B_DEVZERO], z,
					       backend_name[B_MAPDEMO], m);
			}
			t->intended++;
		}
		if (!same(an, dz)) {
			t->baseline++;
			again = true;
		}
		model_apply(&ops[i], dz);
		if (again)
			resync(be, &ops[i]);
	}
}

static void run_seed(uint64_t seed, size_t n)
{
	struct runner be[B_NR];
	struct outcome *scratch;
	struct mapdemo_stats st, st0 = device_stats();
	struct tally t = {};
	struct op *ops;
	int b;

	cr_log_info("seed %" PRIu64 ", %zu ops", seed, n);
	ps = page_size;
	rng = seed ? seed : 1;
	ops = calloc(n, sizeof(*ops));
	cr_assert_not_null(ops);
	gen(ops, n);

	/*
	 * An arena of free address space, the same in every backend, far
	 * below where the kernel puts mappings of its own choosing, so that
	 * nothing a library maps lands in it.
	 */
	arena = mmap((void *)ARENA_HINT, SLOTS * SLOT_PAGES * ps, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
		     MAP_FIXED_NOREPLACE, -1, 0);
	cr_assert_neq(arena, MAP_FAILED);
	cr_assert_eq(munmap(arena, SLOTS * SLOT_PAGES * ps), 0);

	/* where each backend's fork children leave their outcome */
	scratch = mmap(NULL, B_NR * sizeof(*scratch), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(scratch, MAP_FAILED);
	for (b = 0; b < B_NR; b++)
		start_backend(b, &be[b], &scratch[b]);
	run_ops(seed, ops, n, be, &t);
	stop_backends(be);
	cr_log_info("seed %" PRIu64 ": %zu ops compared; %zu intended differences, %zu where MAP_ANONYMOUS alone differs",
		    seed, t.ops, t.intended, t.baseline);

	/* every page and VMA of the mapdemo run went with its process */
	st = device_stats();
	cr_assert_eq(st.pages_live, st0.pages_live, "seed %" PRIu64 ": %llu pages live",
		     seed, (unsigned long long)(st.pages_live - st0.pages_live));
	cr_assert_eq(st.vmas_live, st0.vmas_live, "seed %" PRIu64 ": %llu VMAs live",
		     seed, (unsigned long long)(st.vmas_live - st0.vmas_live));
	munmap(scratch, B_NR * sizeof(*scratch));
	free(ops);
}

/*
 * Criterion runs each test in a fresh worker process, so the options
 * reach the tests through the environment, where main() puts them.
 */
static size_t env_size(const char *name, size_t dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

static size_t nops(void)
{
	return env_size("MAPDEMO_DIFF_OPS", DEFAULT_OPS);
}

Test(diff, seed_1) { run_seed(1, nops()); }
Test(diff, seed_2) { run_seed(2, nops()); }
Test(diff, seed_c0ffee) { run_seed(0xc0ffee, nops()); }

Test(diff, seed_5_or_requested)
{
	run_seed(env_size("MAPDEMO_DIFF_SEED", 5), nops());
}

/* Our own options first (--seed=N|random, --ops=N), then Criterion's. */
int main(int argc, char *argv[])
{
	struct criterion_test_set *tests;
	char num[32];
	int i, j, ok = 1;

	for (i = j = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--seed=", 7)) {
			if (!strcmp(argv[i] + 7, "random"))
				snprintf(num, sizeof(num), "%" PRIu64,
					 (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32));
			else
				snprintf(num, sizeof(num), "%s", argv[i] + 7);
			setenv("MAPDEMO_DIFF_SEED", num, 1);
			printf("# diff: seed %s\n", num);
		} else if (!strncmp(argv[i], "--ops=", 6)) {
			setenv("MAPDEMO_DIFF_OPS", argv[i] + 6, 1);
		} else {
			argv[j++] = argv[i];
		}
	}
	argc = j;
	tests = criterion_initialize();
	if (criterion_handle_args(argc, argv, true))
		ok = criterion_run_all_tests(tests);
	criterion_finalize(tests);
	return !ok;
}
