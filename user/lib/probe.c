// SPDX-License-Identifier: MIT
/*
 * The fault probe: touch every page of a range and report, per page,
 * whether the access worked or which signal it raised.
 *
 * The touching is done by a helper task made with clone(CLONE_VM) and
 * without CLONE_SIGHAND: it faults in the caller's own address space (so
 * the caller's page tables and the driver see real faults), but it has a
 * signal handler table and mask of its own.  The caller's handlers, its
 * signal mask and its other threads are never touched, and several
 * threads may probe at once.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
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
	size_t cur;		/* the page being touched */
	sigjmp_buf resume;
};

/*
 * The helper shares the calling thread's TLS (no CLONE_SETTLS) while that
 * thread sleeps in waitpid(), so this is how its signal handler finds the
 * job: per calling thread, never shared between probes.
 */
static __thread struct probe_job *probe_current;

static void probe_handler(int sig, siginfo_t *info, void *uc)
{
	struct probe_job *job = probe_current;
	struct mapdemo_probe_result *r = &job->results[job->cur];
	char *page = job->base + job->cur * job->page_size;

	(void)uc;
	/*
	 * Executing a page that can be fetched runs whatever it holds: a
	 * fault anywhere but at the page's first byte means the fetch
	 * itself worked.
	 */
	if (job->access == MAPDEMO_ACCESS_EXEC && info->si_addr != page) {
		r->outcome = MAPDEMO_OK;
	} else {
		r->outcome = sig == SIGBUS ? MAPDEMO_SIGBUS : MAPDEMO_SIGSEGV;
		r->code = info->si_code;
		r->addr = info->si_addr;
	}
	siglongjmp(job->resume, 1);
}

static void touch_exec(char *p)
{
#if defined(__x86_64__)
	/*
	 * Jump to the page with the general registers cleared, so that
	 * the zero bytes of a fresh page (add %al,(%rax)) fault at
	 * address 0 instead of writing anywhere.
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

static int probe_child(void *arg)
{
	struct probe_job *job = arg;
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = probe_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	/* a blocked SIGSEGV would kill us instead of reaching the handler */
	sigemptyset(&set);
	sigaddset(&set, SIGSEGV);
	sigaddset(&set, SIGBUS);
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	for (job->cur = 0; job->cur < job->npages; job->cur++) {
		char *p = job->base + job->cur * job->page_size;

		if (sigsetjmp(job->resume, 1))
			continue;
		memset(&job->results[job->cur], 0, sizeof(job->results[0]));
		switch (job->access) {
		case MAPDEMO_ACCESS_READ:
			(void)*(volatile char *)p;
			break;
		case MAPDEMO_ACCESS_WRITE:
			/* a locked add of 0: a write that keeps the byte */
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
	struct probe_job job;
	int status, ret = 0;
	void *stack;
	pid_t pid;

	if (!addr || !length || !results || page_size <= 0)
		return -EINVAL;
	if ((uintptr_t)addr % (size_t)page_size || length % (size_t)page_size)
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

	stack = mmap(NULL, PROBE_STACK_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return -ENOMEM;

	probe_current = &job;
	/* exit signal 0: no SIGCHLD for the caller, no reaping by wait(-1) */
	pid = clone(probe_child, (char *)stack + PROBE_STACK_SIZE,
		    CLONE_VM | CLONE_UNTRACED, &job);
	if (pid < 0) {
		ret = neg_errno();
	} else {
		while (waitpid(pid, &status, __WALL) < 0) {
			if (errno != EINTR) {
				ret = neg_errno();
				break;
			}
		}
		if (!ret && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
			ret = -EIO;
	}
	probe_current = NULL;
	munmap(stack, PROBE_STACK_SIZE);
	return ret ? ret : (int)job.npages;
}
