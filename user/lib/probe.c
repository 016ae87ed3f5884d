// SPDX-License-Identifier: MIT
/*
 * The fault probe: touch every page of a range and report, per page,
 * whether the access worked or which signal it raised.
 *
 * The touching is done by a helper task made with clone(CLONE_VM) and
 * without CLONE_SIGHAND or CLONE_THREAD: it faults in the caller's own
 * address space (so the caller's page tables and the driver see real
 * faults), but it is a process of its own with its own signal handler
 * table, mask and alternate stack.  The caller's handlers, its mask and
 * its other threads are never touched, and several threads may probe at
 * once.
 *
 * The helper starts with a copy of the caller's handlers, and runs on
 * the caller's memory and thread state: a caller's handler run there
 * would be run in the wrong task.  So it is born with every signal
 * blocked (the caller blocks them all around clone() only), installs its
 * own handlers for the fault signals and unblocks only those; any other
 * signal stays pending until the helper exits, and is dropped then.  It
 * also leaves the caller's process group at once, so that a signal to
 * the caller's group (kill(0, ...), a terminal's ^C) reaches the caller
 * alone.
 *
 * A fault ends the helper: its handler records the outcome and exits, and
 * the caller starts a new helper at the next page.  Nothing unwinds out
 * of a signal handler, and whatever an executed page did to the helper's
 * registers or stack dies with it.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libmapdemo.h"
#include "internal.h"

#define PROBE_STACK_SIZE (256 * 1024)

struct probe_job {
	char *base;
	size_t npages;
	size_t page_size;
	int access;
	struct mapdemo_probe_result *results;
	volatile size_t cur;	/* the page being touched; read by the handler */
};

/*
 * The helper's stack is PROBE_STACK_SIZE bytes aligned to its size, and
 * its top word, above the helper's first frame, holds the helper's job:
 * the helper's signal handler, which runs on that stack, finds its job
 * there.  Not in the thread's TLS, which the helper shares (no
 * CLONE_SETTLS): a handler of the caller's that probes while this probe
 * waits would change it under a helper that is still running, and that
 * helper's fault would land in the nested probe's results.
 */
static struct probe_job **stack_job_slot(char *stack)
{
	return (struct probe_job **)(stack + PROBE_STACK_SIZE) - 1;
}

static struct probe_job *current_job(void)
{
	/*
	 * The frame's address, not a local's: a pointer made from a local
	 * object may not reach past it, and the compiler may drop what is
	 * read through one that does (gcc -O1 dropped the whole handler).
	 */
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	uintptr_t base = sp & ~(uintptr_t)(PROBE_STACK_SIZE - 1);

	return *(struct probe_job *volatile *)stack_job_slot((char *)base);
}

/* An aligned stack, its lowest page PROT_NONE: an overflow faults. */
static char *stack_alloc(size_t page_size)
{
	size_t size = PROBE_STACK_SIZE;
	char *raw, *stack;

	raw = mmap(NULL, 2 * size, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	stack = (char *)(((uintptr_t)raw + size - 1) & ~(uintptr_t)(size - 1));
	if (stack > raw)
		munmap(raw, (size_t)(stack - raw));
	munmap(stack + size, (size_t)(raw + 2 * size - (stack + size)));
	if (mprotect(stack + page_size, size - page_size,
		     PROT_READ | PROT_WRITE)) {
		munmap(stack, size);
		return NULL;
	}
	return stack;
}

/* Signals an executed page can raise once its first byte was fetched. */
static const int exec_signals[] = { SIGILL, SIGFPE, SIGTRAP };

static void probe_handler(int sig, siginfo_t *info, void *uc)
{
	struct probe_job *job = current_job();
	struct mapdemo_probe_result *r = &job->results[job->cur];
	char *page = job->base + job->cur * job->page_size;

	(void)uc;
	/* sent by kill() or sigqueue(), not raised by an access: no outcome */
	if (info->si_code <= 0)
		return;
	/*
	 * Executing a page that can be fetched runs whatever it holds: a
	 * fault anywhere but at the page's first byte, or an illegal
	 * instruction, means the fetch itself worked.
	 */
	if (job->access == MAPDEMO_ACCESS_EXEC &&
	    ((sig != SIGSEGV && sig != SIGBUS) || info->si_addr != page)) {
		r->outcome = MAPDEMO_OK;
	} else {
		r->outcome = sig == SIGBUS ? MAPDEMO_SIGBUS : MAPDEMO_SIGSEGV;
		r->code = info->si_code;
		r->addr = info->si_addr;
	}
	/*
	 * The raw system call: it ends this helper only, and no library's
	 * exit hooks (a sanitizer's _exit, atexit) run in a task that
	 * borrows the caller's thread state.
	 */
	syscall(SYS_exit, 0);
}

static void touch_exec(char *p)
{
#if defined(__x86_64__)
	/*
	 * Call the page with the general registers cleared, so that the
	 * zero bytes of a fresh page (add %al,(%rax)) fault at address 0
	 * instead of writing anywhere.
	 */
	__asm__ volatile("xor %%eax, %%eax\n\t"
			 "xor %%ebx, %%ebx\n\t"
			 "xor %%ecx, %%ecx\n\t"
			 "xor %%edx, %%edx\n\t"
			 "xor %%esi, %%esi\n\t"
			 "xor %%edi, %%edi\n\t"
			 "call *%0\n\t"
			 : : "r"(p)
			 : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9",
			   "r10", "r11", "memory", "cc");
#else
	((void (*)(void))p)();
#endif
}

/*
 * The signal mask through the system call itself: glibc's sigprocmask()
 * leaves its own internal signals (thread cancellation, setxid) unblocked,
 * and the helper is no thread of glibc's to take them.
 */
static int set_mask(const sigset_t *set, sigset_t *old)
{
	return (int)syscall(SYS_rt_sigprocmask, SIG_SETMASK, set, old,
			    (size_t)(_NSIG / 8));
}

/* Every signal, glibc's own included (sigfillset() leaves those out). */
static void all_signals(sigset_t *set)
{
	memset(set, 0xff, sizeof(*set));
}

/* The helper's handlers, and a mask that lets only the fault signals in. */
static void install_handlers(int access)
{
	struct sigaction sa;
	sigset_t set;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = probe_handler;
	sa.sa_flags = SA_SIGINFO;
	all_signals(&sa.sa_mask);	/* nothing else runs in the handler */
	all_signals(&set);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigdelset(&set, SIGSEGV);
	sigdelset(&set, SIGBUS);
	if (access == MAPDEMO_ACCESS_EXEC) {
		for (i = 0; i < sizeof(exec_signals) / sizeof(exec_signals[0]); i++) {
			sigaction(exec_signals[i], &sa, NULL);
			sigdelset(&set, exec_signals[i]);
		}
	}
	/* a blocked fault signal would kill the helper, not reach the handler */
	set_mask(&set, NULL);
}

static int probe_child(void *arg)
{
	struct probe_job *job = arg;

	/*
	 * Every signal is blocked from the start (see mapdemo_probe()): out
	 * of the caller's process group first, then the handlers.
	 */
	syscall(SYS_setpgid, 0, 0);
	install_handlers(job->access);
	for (; job->cur < job->npages; job->cur++) {
		char *p = job->base + job->cur * job->page_size;

		memset(&job->results[job->cur], 0, sizeof(job->results[0]));
		switch (job->access) {
		case MAPDEMO_ACCESS_READ:
			(void)*(volatile char *)p;
			break;
		case MAPDEMO_ACCESS_WRITE:
			/* a locked add of 0: a write that keeps the byte, even
			 * against a concurrent writer */
			__atomic_fetch_add((char *)p, 0, __ATOMIC_RELAXED);
			break;
		case MAPDEMO_ACCESS_EXEC:
			touch_exec(p);
			break;
		}
	}
	return 0;
}

int mapdemo_probe(void *addr, size_t length, int access,
		  struct mapdemo_probe_result *results, size_t nresults)
{
	long page_size = sysconf(_SC_PAGESIZE);
	int status, cancel_state, ret = 0;
	struct probe_job job;
	sigset_t all, mask;
	char *stack;
	pid_t pid;

	if (!addr || !length || !results || page_size <= 0)
		return -EINVAL;
	if ((uintptr_t)addr % (size_t)page_size || length % (size_t)page_size)
		return -EINVAL;
	if ((uintptr_t)addr + length < (uintptr_t)addr)
		return -EINVAL;
	if (access < MAPDEMO_ACCESS_READ || access > MAPDEMO_ACCESS_EXEC)
		return -EINVAL;
	if (length / (size_t)page_size > nresults ||
	    length / (size_t)page_size > INT32_MAX)
		return -EINVAL;

	memset(&job, 0, sizeof(job));
	job.base = addr;
	job.page_size = (size_t)page_size;
	job.npages = length / (size_t)page_size;
	job.access = access;
	job.results = results;

	stack = stack_alloc((size_t)page_size);
	if (!stack)
		return -ENOMEM;
	*stack_job_slot(stack) = &job;

	/*
	 * waitpid() is a cancellation point, and a thread cancelled there
	 * would leave the helper writing into this stack frame: hold a
	 * cancellation until the helper is gone.
	 */
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
	all_signals(&all);
	while (!ret && job.cur < job.npages) {
		/*
		 * Exit signal 0: no SIGCHLD for the caller, and only a wait
		 * with __WALL or __WCLONE sees the helper, so the caller's
		 * own wait(-1) never reaps it.  CLONE_FILES and CLONE_FS
		 * share rather than copy tables the helper never uses.
		 *
		 * The helper inherits this thread's mask: every signal is
		 * blocked for the moment of clone() only, so that none of the
		 * caller's handlers can run in the helper before it has its
		 * own.
		 */
		if (set_mask(&all, &mask)) {
			ret = neg_errno();
			break;
		}
		/* the stack starts below the job's slot, 16-byte aligned */
		pid = clone(probe_child, stack + PROBE_STACK_SIZE - 16,
			    CLONE_VM | CLONE_FILES | CLONE_FS | CLONE_UNTRACED, &job);
		if (pid < 0)
			ret = neg_errno();
		set_mask(&mask, NULL);
		if (pid < 0)
			break;
		while (waitpid(pid, &status, __WALL) < 0) {
			if (errno != EINTR) {
				ret = neg_errno();
				break;
			}
		}
		/* the helper died of something its handlers do not catch */
		if (!ret && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
			ret = -EIO;
		/* it stopped at a fault: the outcome is recorded, go on after it */
		if (job.cur < job.npages)
			job.cur++;
	}
	pthread_setcancelstate(cancel_state, NULL);
	munmap(stack, PROBE_STACK_SIZE);
	return ret ? ret : (int)job.npages;
}
