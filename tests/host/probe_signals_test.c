// SPDX-License-Identifier: MIT
/*
 * The probe's helper runs none of the caller's signal handlers: a signal
 * that reaches the helper, whether the helper raised it itself, it came
 * to the caller's process group, or to the whole group from a thread of
 * the caller, never runs the caller's handler inside the helper (a task
 * that shares all the caller's memory and thread state).  The caller's
 * handler runs only in the caller's threads, and one that probes itself
 * leaves the probe it interrupted intact.
 *
 * Executed pages hold a few x86-64 instructions (system calls, then ud2,
 * which the probe counts as a fetch that worked): they make the helper
 * itself send a signal, at a known moment.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "libmapdemo.h"

static size_t pg;
static pid_t caller_pid;
static atomic_int ran_in_caller, ran_elsewhere;

static void setup(void)
{
	pg = (size_t)sysconf(_SC_PAGESIZE);
	caller_pid = getpid();
	atomic_store(&ran_in_caller, 0);
	atomic_store(&ran_elsewhere, 0);
}

TestSuite(probe_signals, .init = setup, .timeout = 60);

/* The process the handler runs in: the helper is a process of its own. */
static void count_handler(int sig)
{
	(void)sig;
	if ((pid_t)syscall(SYS_getpid) == caller_pid)
		atomic_fetch_add(&ran_in_caller, 1);
	else
		atomic_fetch_add(&ran_elsewhere, 1);
}

static void handle(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	cr_assert_eq(sigaction(sig, &sa, NULL), 0);
}

#if defined(__x86_64__)
/* Append @n bytes of code at *@at. */
static void emit(uint8_t **at, const void *code, size_t n)
{
	memcpy(*at, code, n);
	*at += n;
}

/* mov $@v, %e<reg> where @op is b8 + the register number */
static void emit_mov(uint8_t **at, uint8_t op, uint32_t v)
{
	emit(at, &op, 1);
	emit(at, &v, 4);
}

#define MOV_EAX 0xb8
#define MOV_EDX 0xba
#define MOV_ESI 0xbe
#define MOV_EDI 0xbf
static const uint8_t syscall_insn[] = { 0x0f, 0x05 };
static const uint8_t ud2_insn[] = { 0x0f, 0x0b };
static const uint8_t mov_edi_eax[] = { 0x89, 0xc7 };

/* A page of @npages whose first one runs @code; the others are PROT_NONE. */
static char *code_pages(size_t npages, void (*code)(uint8_t **, void *), void *arg)
{
	char *p = mmap(NULL, npages * pg, PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *at;

	cr_assert_neq(p, MAP_FAILED);
	at = (uint8_t *)p;
	code(&at, arg);
	emit(&at, ud2_insn, sizeof(ud2_insn));
	__builtin___clear_cache(p, (char *)at);
	if (npages > 1)
		cr_assert_eq(mprotect(p + pg, (npages - 1) * pg, PROT_NONE), 0);
	return p;
}

/* kill(getpid(), @sig): the helper signals itself. */
static void code_kill_self(uint8_t **at, void *arg)
{
	emit_mov(at, MOV_EAX, SYS_getpid);
	emit(at, syscall_insn, sizeof(syscall_insn));
	emit(at, mov_edi_eax, sizeof(mov_edi_eax));
	emit_mov(at, MOV_ESI, (uint32_t)(uintptr_t)arg);
	emit_mov(at, MOV_EAX, SYS_kill);
	emit(at, syscall_insn, sizeof(syscall_insn));
}

/* kill(0, @sig): the helper signals its process group. */
static void code_kill_group(uint8_t **at, void *arg)
{
	emit_mov(at, MOV_EDI, 0);
	emit_mov(at, MOV_ESI, (uint32_t)(uintptr_t)arg);
	emit_mov(at, MOV_EAX, SYS_kill);
	emit(at, syscall_insn, sizeof(syscall_insn));
}

struct tgkill_arg {
	pid_t tgid, tid;
	int sig;
};

/* tgkill(tgid, tid, sig): the helper signals the thread that probes. */
static void code_tgkill(uint8_t **at, void *arg)
{
	struct tgkill_arg *a = arg;

	emit_mov(at, MOV_EDI, (uint32_t)a->tgid);
	emit_mov(at, MOV_ESI, (uint32_t)a->tid);
	emit_mov(at, MOV_EDX, (uint32_t)a->sig);
	emit_mov(at, MOV_EAX, SYS_tgkill);
	emit(at, syscall_insn, sizeof(syscall_insn));
}

/* A signal the helper sends itself stays blocked there: no handler runs. */
Test(probe_signals, helper_signalling_itself_runs_no_handler)
{
	struct mapdemo_probe_result r;
	char *p;

	handle(SIGUSR1, count_handler);
	p = code_pages(1, code_kill_self, (void *)(uintptr_t)SIGUSR1);
	cr_assert_eq(mapdemo_probe(p, pg, MAPDEMO_ACCESS_EXEC, &r, 1), 1);
	cr_expect_eq(r.outcome, MAPDEMO_OK, "the page's code did not run to its ud2");
	cr_expect_eq(atomic_load(&ran_elsewhere), 0,
		     "the caller's SIGUSR1 handler ran %d times inside the helper",
		     atomic_load(&ran_elsewhere));
	munmap(p, pg);
}

/*
 * kill(0) from the helper: in a child of this test with a process group
 * of its own, so that nothing else gets the signal.  The helper is in no
 * group of the caller's: the caller's handler runs nowhere.
 */
Test(probe_signals, helper_signalling_its_group_runs_no_handler)
{
	struct mapdemo_probe_result r;
	int status;
	pid_t pid;
	char *p;

	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		caller_pid = getpid();
		if (setpgid(0, 0))
			_exit(10);
		handle(SIGUSR1, count_handler);
		p = code_pages(1, code_kill_group, (void *)(uintptr_t)SIGUSR1);
		if (mapdemo_probe(p, pg, MAPDEMO_ACCESS_EXEC, &r, 1) != 1)
			_exit(11);
		if (r.outcome != MAPDEMO_OK)
			_exit(12);
		_exit(atomic_load(&ran_elsewhere) ? 20 + atomic_load(&ran_elsewhere) : 0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "the child died of signal %d", WTERMSIG(status));
	cr_expect_eq(WEXITSTATUS(status), 0, "status %d: %s", WEXITSTATUS(status),
		     WEXITSTATUS(status) > 20 ? "the caller's handler ran inside the helper" :
		     "the probe failed");
}

/* The outer probe that a handler's probe interrupts. */
static char *nested_page;
static int nested_ret;
static struct mapdemo_probe_result nested_result;

static void nested_handler(int sig)
{
	count_handler(sig);
	nested_ret = mapdemo_probe(nested_page, pg, MAPDEMO_ACCESS_READ, &nested_result, 1);
}

/*
 * A handler that probes, run while the caller waits for a helper: the
 * outer probe goes on with its own job after it, page by page.
 */
Test(probe_signals, nested_probe_in_a_handler_restores_the_outer_one)
{
	struct tgkill_arg a = { getpid(), (pid_t)syscall(SYS_gettid), SIGUSR1 };
	struct mapdemo_probe_result r[4];
	int ret, i;
	char *p;

	nested_page = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(nested_page, MAP_FAILED);
	handle(SIGUSR1, nested_handler);
	p = code_pages(4, code_tgkill, &a);
	memset(r, 0xff, sizeof(r));
	ret = mapdemo_probe(p, 4 * pg, MAPDEMO_ACCESS_EXEC, r, 4);
	cr_assert_eq(atomic_load(&ran_in_caller), 1, "the handler ran %d times in the caller",
		     atomic_load(&ran_in_caller));
	cr_expect_eq(nested_ret, 1, "the nested probe: %d", nested_ret);
	cr_expect_eq(nested_result.outcome, MAPDEMO_SIGSEGV);
	cr_expect_eq(nested_result.addr, nested_page);
	cr_assert_eq(ret, 4, "the outer probe after the nested one: %d (%s)", ret,
		     ret < 0 ? strerror(-ret) : "");
	cr_expect_eq(r[0].outcome, MAPDEMO_OK);
	for (i = 1; i < 4; i++) {
		cr_expect_eq(r[i].outcome, MAPDEMO_SIGSEGV, "page %d: %s", i,
			     mapdemo_outcome_name(r[i].outcome));
		cr_expect_eq(r[i].code, SEGV_ACCERR, "page %d: si_code %d", i, r[i].code);
		cr_expect_eq(r[i].addr, p + (size_t)i * pg, "page %d: si_addr %p", i, r[i].addr);
	}
	munmap(p, 4 * pg);
	munmap(nested_page, pg);
}
#endif

/* kill(0, SIGUSR1) from another thread, over and over, during probes. */
static atomic_int stop_sending;

static void *send_to_group(void *arg)
{
	sigset_t set;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);	/* the probing thread takes them */
	while (!atomic_load(&stop_sending)) {
		kill(0, SIGUSR1);
		usleep(50);
	}
	return NULL;
}

Test(probe_signals, group_signals_during_probes_run_only_in_the_caller)
{
	int status;
	pid_t pid;

	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct mapdemo_probe_result *r;
		size_t n = 256, i;
		pthread_t t;
		int round;
		char *p;

		caller_pid = getpid();
		if (setpgid(0, 0))
			_exit(10);
		handle(SIGUSR1, count_handler);
		p = mmap(NULL, n * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		r = calloc(n, sizeof(*r));
		if (p == MAP_FAILED || !r || pthread_create(&t, NULL, send_to_group, NULL))
			_exit(11);
		for (round = 0; round < 20; round++) {
			if (mapdemo_probe(p, n * pg, MAPDEMO_ACCESS_READ, r, n) != (int)n)
				_exit(12);
			for (i = 0; i < n; i++)
				if (r[i].outcome != MAPDEMO_SIGSEGV || r[i].addr != p + i * pg)
					_exit(13);
		}
		atomic_store(&stop_sending, 1);
		pthread_join(t, NULL);
		if (!atomic_load(&ran_in_caller))
			_exit(14);
		_exit(atomic_load(&ran_elsewhere) ? 20 + (atomic_load(&ran_elsewhere) > 200 ?
							  200 : atomic_load(&ran_elsewhere)) : 0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "the child died of signal %d", WTERMSIG(status));
	cr_expect_eq(WEXITSTATUS(status), 0, "status %d: %s", WEXITSTATUS(status),
		     WEXITSTATUS(status) > 20 ?
		     "the caller's handler ran inside a helper (status - 20 times)" :
		     "the probe failed or the caller saw no signal");
}
