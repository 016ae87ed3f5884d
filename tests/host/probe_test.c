// SPDX-License-Identifier: MIT
/*
 * The fault probe on ordinary memory: mprotect'ed and unmapped pages, a
 * truncated file, executable pages; the caller's handlers, mask and
 * children untouched; many threads at once beside a thread that keeps
 * its own SIGSEGV handler working.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "libmapdemo.h"

static size_t pg;

static void setup(void)
{
	pg = (size_t)sysconf(_SC_PAGESIZE);
}

TestSuite(probe, .init = setup, .timeout = 60);

/* @n pages, page i with protection @prot[i] (-1: unmapped). */
static char *pages(size_t n, const int *prot)
{
	char *p = mmap(NULL, n * pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t i;

	cr_assert_neq(p, MAP_FAILED);
	for (i = 0; i < n; i++) {
		p[i * pg] = (char)(0x40 + i);
		if (prot[i] < 0)
			cr_assert_eq(munmap(p + i * pg, pg), 0);
		else
			cr_assert_eq(mprotect(p + i * pg, pg, prot[i]), 0);
	}
	return p;
}

static void expect(const struct mapdemo_probe_result *r, char *page,
		   int outcome, int code)
{
	cr_expect_eq(r->outcome, outcome, "page %p: outcome %s, expected %s", (void *)page,
		     mapdemo_outcome_name(r->outcome), mapdemo_outcome_name(outcome));
	cr_expect_eq(r->code, code, "page %p: si_code %d, expected %d", (void *)page,
		     r->code, code);
	cr_expect_eq(r->addr, outcome == MAPDEMO_OK ? NULL : page,
		     "page %p: si_addr %p", (void *)page, r->addr);
}

Test(probe, read_write_on_protections)
{
	static const int prot[] = { PROT_READ | PROT_WRITE, PROT_READ, PROT_NONE,
				    -1, PROT_WRITE, PROT_READ | PROT_WRITE };
	struct mapdemo_probe_result r[6];
	char *p = pages(6, prot);

	memset(r, 0xff, sizeof(r));
	cr_assert_eq(mapdemo_probe(p, 6 * pg, MAPDEMO_ACCESS_READ, r, 6), 6);
	expect(&r[0], p, MAPDEMO_OK, 0);
	expect(&r[1], p + pg, MAPDEMO_OK, 0);
	expect(&r[2], p + 2 * pg, MAPDEMO_SIGSEGV, SEGV_ACCERR);
	expect(&r[3], p + 3 * pg, MAPDEMO_SIGSEGV, SEGV_MAPERR);
	expect(&r[4], p + 4 * pg, MAPDEMO_OK, 0);	/* x86: write implies read */
	expect(&r[5], p + 5 * pg, MAPDEMO_OK, 0);

	memset(r, 0xff, sizeof(r));
	cr_assert_eq(mapdemo_probe(p, 6 * pg, MAPDEMO_ACCESS_WRITE, r, 6), 6);
	expect(&r[0], p, MAPDEMO_OK, 0);
	expect(&r[1], p + pg, MAPDEMO_SIGSEGV, SEGV_ACCERR);
	expect(&r[2], p + 2 * pg, MAPDEMO_SIGSEGV, SEGV_ACCERR);
	expect(&r[3], p + 3 * pg, MAPDEMO_SIGSEGV, SEGV_MAPERR);
	expect(&r[4], p + 4 * pg, MAPDEMO_OK, 0);
	expect(&r[5], p + 5 * pg, MAPDEMO_OK, 0);
	/* the write kept every byte */
	cr_expect_eq(p[0], 0x40);
	cr_expect_eq(p[pg], 0x41);
	cr_expect_eq(p[5 * pg], 0x45);
}

Test(probe, exec)
{
	static const int prot[] = { PROT_READ, PROT_READ | PROT_EXEC, PROT_READ | PROT_EXEC,
				    PROT_READ | PROT_EXEC, PROT_NONE, -1 };
	struct mapdemo_probe_result r[6];
	char *p = pages(6, prot);

	/* page 1: zeros, which fault at address 0; 2: ret; 3: ud2 */
	cr_assert_eq(mprotect(p, 4 * pg, PROT_READ | PROT_WRITE), 0);
	memset(p + pg, 0, pg);
	p[2 * pg] = (char)0xc3;
	p[3 * pg] = 0x0f;
	p[3 * pg + 1] = 0x0b;
	cr_assert_eq(mprotect(p, pg, PROT_READ), 0);
	cr_assert_eq(mprotect(p + pg, 3 * pg, PROT_READ | PROT_EXEC), 0);

	memset(r, 0xff, sizeof(r));
	cr_assert_eq(mapdemo_probe(p, 6 * pg, MAPDEMO_ACCESS_EXEC, r, 6), 6);
	expect(&r[0], p, MAPDEMO_SIGSEGV, SEGV_ACCERR);
	expect(&r[1], p + pg, MAPDEMO_OK, 0);
	expect(&r[2], p + 2 * pg, MAPDEMO_OK, 0);
	expect(&r[3], p + 3 * pg, MAPDEMO_OK, 0);
	expect(&r[4], p + 4 * pg, MAPDEMO_SIGSEGV, SEGV_ACCERR);
	expect(&r[5], p + 5 * pg, MAPDEMO_SIGSEGV, SEGV_MAPERR);
}

/* A shared mapping of a file cut short: SIGBUS past its end, as mmap(2) says. */
Test(probe, sigbus_past_end_of_truncated_file)
{
	struct mapdemo_probe_result r[4];
	char path[] = "/tmp/mapdemo-probe-XXXXXX";
	int fd = mkstemp(path);
	char *p;

	cr_assert_geq(fd, 0);
	unlink(path);
	cr_assert_eq(ftruncate(fd, (off_t)(4 * pg)), 0);
	p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	cr_assert_neq(p, MAP_FAILED);
	memset(p, 0x11, 4 * pg);
	/* one and a half pages left: the partial page still maps */
	cr_assert_eq(ftruncate(fd, (off_t)(pg + pg / 2)), 0);

	memset(r, 0xff, sizeof(r));
	cr_assert_eq(mapdemo_probe(p, 4 * pg, MAPDEMO_ACCESS_READ, r, 4), 4);
	expect(&r[0], p, MAPDEMO_OK, 0);
	expect(&r[1], p + pg, MAPDEMO_OK, 0);
	expect(&r[2], p + 2 * pg, MAPDEMO_SIGBUS, BUS_ADRERR);
	expect(&r[3], p + 3 * pg, MAPDEMO_SIGBUS, BUS_ADRERR);

	cr_assert_eq(mapdemo_probe(p, 4 * pg, MAPDEMO_ACCESS_WRITE, r, 4), 4);
	expect(&r[1], p + pg, MAPDEMO_OK, 0);
	expect(&r[2], p + 2 * pg, MAPDEMO_SIGBUS, BUS_ADRERR);
	cr_expect_eq(p[pg], 0x11);
	munmap(p, 4 * pg);
	close(fd);
}

static volatile sig_atomic_t own_faults;
static sigjmp_buf own_env;

static void own_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	own_faults++;
	siglongjmp(own_env, 1);
}

static void install_own(int sig, struct sigaction *old)
{
	struct sigaction sa = { .sa_sigaction = own_handler, .sa_flags = SA_SIGINFO | SA_RESTART };

	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	cr_assert_eq(sigaction(sig, &sa, old), 0);
}

/* Fault on @page in this thread; true if our own handler caught it. */
static int own_fault(volatile char *page)
{
	sig_atomic_t before = own_faults;

	if (sigsetjmp(own_env, 1) == 0)
		(void)*page;
	return own_faults == before + 1;
}

static void same_action(int sig, void (*fn)(int, siginfo_t *, void *))
{
	struct sigaction now;

	cr_assert_eq(sigaction(sig, NULL, &now), 0);
	cr_expect_eq((void *)now.sa_sigaction, (void *)fn, "signal %d: handler replaced", sig);
	cr_expect_eq(now.sa_flags & (SA_SIGINFO | SA_RESTART), SA_SIGINFO | SA_RESTART);
	cr_expect(sigismember(&now.sa_mask, SIGUSR2), "signal %d: sa_mask changed", sig);
}

Test(probe, caller_handlers_and_mask_untouched)
{
	static const int prot[] = { PROT_NONE, -1, PROT_READ };
	struct sigaction old_segv, old_bus;
	struct mapdemo_probe_result r[3];
	sigset_t mask, now;
	char *p = pages(3, prot);

	install_own(SIGSEGV, &old_segv);
	install_own(SIGBUS, &old_bus);
	/* the caller blocks SIGUSR1 and, unwisely, SIGBUS: neither may change */
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGBUS);
	cr_assert_eq(pthread_sigmask(SIG_SETMASK, &mask, NULL), 0);

	cr_assert_eq(mapdemo_probe(p, 3 * pg, MAPDEMO_ACCESS_WRITE, r, 3), 3);
	expect(&r[0], p, MAPDEMO_SIGSEGV, SEGV_ACCERR);
	expect(&r[1], p + pg, MAPDEMO_SIGSEGV, SEGV_MAPERR);
	expect(&r[2], p + 2 * pg, MAPDEMO_SIGSEGV, SEGV_ACCERR);

	cr_assert_eq(pthread_sigmask(SIG_SETMASK, NULL, &now), 0);
	cr_expect(sigismember(&now, SIGUSR1) && sigismember(&now, SIGBUS) &&
		  !sigismember(&now, SIGSEGV), "the caller's signal mask changed");
	same_action(SIGSEGV, own_handler);
	same_action(SIGBUS, own_handler);
	cr_expect_eq(own_faults, 0, "the probe's faults reached the caller");
	cr_expect(own_fault(p), "the caller's SIGSEGV handler no longer catches");

	sigemptyset(&mask);
	pthread_sigmask(SIG_SETMASK, &mask, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
}

/* The probe with SIGSEGV blocked in the caller: the helper unblocks its own. */
Test(probe, caller_blocks_sigsegv)
{
	static const int prot[] = { PROT_NONE, PROT_READ };
	struct mapdemo_probe_result r[2];
	sigset_t mask, now;
	char *p = pages(2, prot);

	sigemptyset(&mask);
	sigaddset(&mask, SIGSEGV);
	cr_assert_eq(pthread_sigmask(SIG_BLOCK, &mask, NULL), 0);
	cr_assert_eq(mapdemo_probe(p, 2 * pg, MAPDEMO_ACCESS_READ, r, 2), 2);
	expect(&r[0], p, MAPDEMO_SIGSEGV, SEGV_ACCERR);
	expect(&r[1], p + pg, MAPDEMO_OK, 0);
	cr_assert_eq(pthread_sigmask(SIG_SETMASK, NULL, &now), 0);
	cr_expect(sigismember(&now, SIGSEGV));
	pthread_sigmask(SIG_UNBLOCK, &mask, NULL);
}

static volatile sig_atomic_t sigchld_seen;

static void on_sigchld(int sig)
{
	(void)sig;
	sigchld_seen++;
}

/* The caller's wait(2) sees its own children only, and no SIGCHLD comes. */
Test(probe, caller_children_untouched)
{
	static const int prot[] = { PROT_NONE, PROT_READ };
	struct sigaction sa = { .sa_handler = on_sigchld }, old;
	struct mapdemo_probe_result r[2];
	char *p = pages(2, prot);
	int status;
	pid_t child;

	sigemptyset(&sa.sa_mask);
	cr_assert_eq(sigaction(SIGCHLD, &sa, &old), 0);
	cr_assert_eq(mapdemo_probe(p, 2 * pg, MAPDEMO_ACCESS_READ, r, 2), 2);
	cr_expect_eq(sigchld_seen, 0, "the probe's helper raised SIGCHLD");

	child = fork();
	cr_assert_geq(child, 0);
	if (child == 0)
		_exit(7);
	while (!sigchld_seen)
		usleep(1000);
	cr_assert_eq(mapdemo_probe(p, 2 * pg, MAPDEMO_ACCESS_READ, r, 2), 2);
	cr_expect_eq(wait(&status), child, "the probe reaped the caller's child");
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 7);
	cr_expect_eq(wait(&status), -1, "a helper was left behind");
	cr_expect_eq(errno, ECHILD);
	sigaction(SIGCHLD, &old, NULL);
}

/* Many faults in one call: the helper is restarted after each one. */
Test(probe, many_pages)
{
	const size_t n = 512;
	struct mapdemo_probe_result *r = calloc(n, sizeof(*r));
	char *p = mmap(NULL, n * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t i;

	cr_assert_not_null(r);
	cr_assert_neq(p, MAP_FAILED);
	for (i = 0; i < n; i += 2)
		cr_assert_eq(mprotect(p + i * pg, pg, PROT_READ), 0);
	cr_assert_eq(mapdemo_probe(p, n * pg, MAPDEMO_ACCESS_WRITE, r, n), (int)n);
	for (i = 0; i < n; i++)
		expect(&r[i], p + i * pg, i % 2 ? MAPDEMO_OK : MAPDEMO_SIGSEGV,
		       i % 2 ? 0 : SEGV_ACCERR);
	munmap(p, n * pg);
	free(r);
}

Test(probe, bad_arguments)
{
	static const int prot[] = { PROT_READ, PROT_READ };
	struct mapdemo_probe_result r[2];
	char *p = pages(2, prot);

	memset(r, 0x5a, sizeof(r));
	cr_expect_eq(mapdemo_probe(NULL, pg, MAPDEMO_ACCESS_READ, r, 2), -EINVAL);
	cr_expect_eq(mapdemo_probe(p, 0, MAPDEMO_ACCESS_READ, r, 2), -EINVAL);
	cr_expect_eq(mapdemo_probe(p + 1, pg, MAPDEMO_ACCESS_READ, r, 2), -EINVAL);
	cr_expect_eq(mapdemo_probe(p, pg + 1, MAPDEMO_ACCESS_READ, r, 2), -EINVAL);
	cr_expect_eq(mapdemo_probe(p, pg, -1, r, 2), -EINVAL);
	cr_expect_eq(mapdemo_probe(p, pg, 3, r, 2), -EINVAL);
	cr_expect_eq(mapdemo_probe(p, pg, MAPDEMO_ACCESS_READ, NULL, 2), -EINVAL);
	cr_expect_eq(mapdemo_probe(p, 2 * pg, MAPDEMO_ACCESS_READ, r, 1), -EINVAL);
	cr_expect_eq(mapdemo_probe(p, pg, MAPDEMO_ACCESS_READ, r, 0), -EINVAL);
	cr_expect_eq(mapdemo_probe((void *)(UINTPTR_MAX - pg + 1), 2 * pg,
				   MAPDEMO_ACCESS_READ, r, 2), -EINVAL);
	cr_expect_eq(mapdemo_probe(p, SIZE_MAX - pg + 1, MAPDEMO_ACCESS_READ, r, 2), -EINVAL);
	cr_expect_eq(r[0].outcome, 0x5a, "results written on a refused call");
	/* the kernel's half of the address space: every page faults */
	cr_assert_eq(mapdemo_probe((void *)0xffff800000000000ull, pg,
				   MAPDEMO_ACCESS_READ, r, 1), 1);
	cr_expect_eq(r[0].outcome, MAPDEMO_SIGSEGV);
}

/*
 * Eight threads probe ranges of their own, each with its own pattern of
 * protections, over and over, while a ninth keeps taking SIGSEGVs in its
 * own handler.  Every result must be exact and every one of the ninth's
 * faults must reach its handler.
 */
#define THREADS 8
#define THREAD_PAGES 12
#define ROUNDS 25

struct prober {
	int index;
	char *base;
	int failures;
};

static int pattern_prot(int t, int i)
{
	switch ((t + i) % 3) {
	case 0: return PROT_NONE;
	case 1: return PROT_READ;
	default: return PROT_READ | PROT_WRITE;
	}
}

static void *prober(void *arg)
{
	struct prober *pr = arg;
	struct mapdemo_probe_result r[THREAD_PAGES];
	int round, i;

	for (round = 0; round < ROUNDS; round++) {
		int access = round % 2 ? MAPDEMO_ACCESS_WRITE : MAPDEMO_ACCESS_READ;

		memset(r, 0xff, sizeof(r));
		if (mapdemo_probe(pr->base, THREAD_PAGES * pg, access, r, THREAD_PAGES) !=
		    THREAD_PAGES) {
			pr->failures++;
			continue;
		}
		for (i = 0; i < THREAD_PAGES; i++) {
			int prot = pattern_prot(pr->index, i);
			int fault = prot == PROT_NONE ||
				    (access == MAPDEMO_ACCESS_WRITE && !(prot & PROT_WRITE));
			char *page = pr->base + i * pg;

			if (r[i].outcome != (fault ? MAPDEMO_SIGSEGV : MAPDEMO_OK) ||
			    r[i].code != (fault ? SEGV_ACCERR : 0) ||
			    r[i].addr != (fault ? page : NULL))
				pr->failures++;
		}
	}
	return NULL;
}

struct faulter {
	volatile int stop;
	volatile char *page;
	long faults, caught;
};

static void *faulter(void *arg)
{
	struct faulter *f = arg;

	while (!f->stop) {
		f->faults++;
		f->caught += own_fault(f->page);
	}
	return NULL;
}

Test(probe, threads_beside_a_caller_handler)
{
	struct prober pr[THREADS];
	pthread_t tid[THREADS], ftid;
	struct faulter f = { 0 };
	struct sigaction old;
	int t, i;

	f.page = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(f.page, MAP_FAILED);
	install_own(SIGSEGV, &old);
	own_faults = 0;
	cr_assert_eq(pthread_create(&ftid, NULL, faulter, &f), 0);

	for (t = 0; t < THREADS; t++) {
		pr[t] = (struct prober){ .index = t };
		pr[t].base = mmap(NULL, THREAD_PAGES * pg, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		cr_assert_neq(pr[t].base, MAP_FAILED);
		for (i = 0; i < THREAD_PAGES; i++)
			cr_assert_eq(mprotect(pr[t].base + i * pg, pg, pattern_prot(t, i)), 0);
		cr_assert_eq(pthread_create(&tid[t], NULL, prober, &pr[t]), 0);
	}
	for (t = 0; t < THREADS; t++) {
		pthread_join(tid[t], NULL);
		cr_expect_eq(pr[t].failures, 0, "thread %d: %d wrong results", t, pr[t].failures);
	}
	f.stop = 1;
	pthread_join(ftid, NULL);
	cr_expect_gt(f.faults, 0);
	cr_expect_eq(f.caught, f.faults, "the caller's handler caught %ld of %ld faults",
		     f.caught, f.faults);
	same_action(SIGSEGV, own_handler);
	sigaction(SIGSEGV, &old, NULL);
}

struct cancel_job {
	char *base;
	size_t n;
	struct mapdemo_probe_result *r;
	volatile int started;
	volatile int ret;
};

static void *cancelled_prober(void *arg)
{
	struct cancel_job *j = arg;

	j->started = 1;
	j->ret = mapdemo_probe(j->base, j->n * pg, MAPDEMO_ACCESS_READ, j->r, j->n);
	pthread_testcancel();
	return NULL;
}

/* A thread cancelled while probing finishes the probe first. */
Test(probe, cancel_waits_for_the_helper)
{
	struct cancel_job j = { .n = 2048 };
	void *retval;
	pthread_t tid;
	size_t i;

	j.r = calloc(j.n, sizeof(*j.r));
	j.base = mmap(NULL, j.n * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_not_null(j.r);
	cr_assert_neq(j.base, MAP_FAILED);
	j.ret = -1;
	cr_assert_eq(pthread_create(&tid, NULL, cancelled_prober, &j), 0);
	while (!j.started)
		usleep(100);
	usleep(2000);
	cr_assert_eq(pthread_cancel(tid), 0);
	cr_assert_eq(pthread_join(tid, &retval), 0);
	cr_expect_eq(retval, PTHREAD_CANCELED);
	cr_expect_eq(j.ret, (int)j.n, "the probe was cut short: %d", j.ret);
	for (i = 0; i < j.n; i++)
		cr_assert_eq(j.r[i].outcome, MAPDEMO_SIGSEGV, "page %zu", i);
	munmap(j.base, j.n * pg);
	free(j.r);
}
