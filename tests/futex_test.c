// SPDX-License-Identifier: MIT
/*
 * Shared futexes, and the process-shared locks built on them, in every
 * kind of shared mapping, against MAP_SHARED | MAP_ANONYMOUS and
 * /dev/zero in the same run.
 *
 * A shared futex is keyed by the page's owner (its address_space) and
 * index.  Zero mode's pages live in the page cache of a file of the
 * mapping's own (driver/object.c), sparse mode's in the buffer's: both
 * key as /dev/zero's shmem pages do, so a PTHREAD_PROCESS_SHARED mutex,
 * condition variable or robust mutex works between a parent and its fork
 * child.  (Zero mode's pages once had no owner: FUTEX_WAIT failed EFAULT
 * and glibc aborted a contended mutex.)  dma mode's buffer has no owner
 * in either style - pfn style has no struct pages get_user_pages() may
 * take, page style's pages belong to no address_space, as device memory
 * does not - so a shared futex there fails EFAULT, by decision: put the
 * locks in a zero or sparse mapping; a private futex works.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dma_util.h"

enum kind { ANON, DEVZERO, ZERO, SPARSE, DMA_PAGE, DMA_PFN, KINDS };

static const char *const kind_name[KINDS] = {
	"MAP_ANONYMOUS", "/dev/zero", "zero", "sparse", "dma page", "dma pfn",
};

struct shared_map {
	struct mapdemo_device dev;
	int fd;
	void *p;
	size_t len;
};

/* A MAP_SHARED mapping of @len bytes of @kind. */
static struct shared_map map_kind(enum kind k, size_t len)
{
	struct shared_map m = { .fd = -1, .len = len };
	int prot = PROT_READ | PROT_WRITE;

	switch (k) {
	case ANON:
		m.p = mmap(NULL, len, prot, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		break;
	case DEVZERO:
		m.fd = open("/dev/zero", O_RDWR);
		cr_assert_geq(m.fd, 0);
		m.p = mmap(NULL, len, prot, MAP_SHARED, m.fd, 0);
		break;
	case ZERO:
	case SPARSE:
		m.dev = open_dev(O_RDWR, k == ZERO ? MAPDEMO_MODE_ZERO :
						     MAPDEMO_MODE_SPARSE);
		m.fd = m.dev.fd;
		m.p = map_dev(&m.dev, len, prot, MAP_SHARED, 0);
		break;
	case DMA_PAGE:
	case DMA_PFN:
		m.dev = open_dma(O_RDWR, k == DMA_PAGE ? MAPDEMO_DMA_PAGE :
							 MAPDEMO_DMA_PFN);
		m.fd = m.dev.fd;
		m.p = map_dev(&m.dev, len, prot, MAP_SHARED, 0);
		break;
	default:
		cr_assert_fail();
	}
	cr_assert_neq(m.p, MAP_FAILED, "%s: %s", kind_name[k], strerror(errno));
	/* the buffers are shared device-wide: start from zeros */
	memset(m.p, 0, len);
	return m;
}

static void unmap_kind(enum kind k, struct shared_map *m)
{
	cr_assert_eq(munmap(m->p, m->len), 0);
	if (k >= ZERO)
		mapdemo_device_close(&m->dev);
	else if (m->fd >= 0)
		close(m->fd);
}

static long futex(uint32_t *word, int op, uint32_t val,
		  const struct timespec *timeout)
{
	return syscall(SYS_futex, word, op, val, timeout, NULL, 0);
}

/* FUTEX_WAIT on a zero word of each kind: 10 ms and ETIMEDOUT, or EFAULT. */
Test(futex, shared_wait_keys_each_kind)
{
	const struct timespec ms10 = { 0, 10 * 1000 * 1000 };
	enum kind k;

	for (k = 0; k < KINDS; k++) {
		struct shared_map m = map_kind(k, page_size);
		uint32_t *w = m.p;
		int want = k >= DMA_PAGE ? EFAULT : ETIMEDOUT;

		cr_assert_eq(futex(w, FUTEX_WAIT, 1, &ms10), -1);
		cr_assert_eq(errno, k >= DMA_PAGE ? EFAULT : EAGAIN,
			     "%s: wait on a word that differs: %s",
			     kind_name[k], strerror(errno));
		cr_assert_eq(futex(w, FUTEX_WAIT, 0, &ms10), -1);
		cr_assert_eq(errno, want, "%s: %s, expected %s", kind_name[k],
			     strerror(errno), strerror(want));
		/* a private futex is keyed by the address: any mapping */
		cr_assert_eq(futex(w, FUTEX_WAIT_PRIVATE, 0, &ms10), -1);
		cr_assert_eq(errno, ETIMEDOUT, "%s private: %s", kind_name[k],
			     strerror(errno));
		cr_assert_eq(futex(w, FUTEX_WAKE, 1, NULL), k >= DMA_PAGE ? -1 : 0,
			     "%s: wake", kind_name[k]);
		unmap_kind(k, &m);
	}
}

/*
 * A read-only private page that was never written has no owner to key a
 * shared futex by: /dev/zero's is the kernel's zero page, zero mode's one
 * of the driver's zero pages.  Both refuse with EFAULT; a private futex
 * (keyed by the address) works on both.
 */
Test(futex, read_only_private_word_is_refused_as_on_dev_zero)
{
	const struct timespec ms10 = { 0, 10 * 1000 * 1000 };
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	int zfd = open("/dev/zero", O_RDWR);
	const char *name[2] = { "/dev/zero", "zero" };
	int fd[2] = { zfd, dev.fd }, i;

	cr_assert_geq(zfd, 0);
	for (i = 0; i < 2; i++) {
		uint32_t *w = mmap(NULL, page_size, PROT_READ, MAP_PRIVATE, fd[i], 0);

		cr_assert_neq(w, MAP_FAILED, "%s: %s", name[i], strerror(errno));
		cr_assert_eq(*(volatile uint32_t *)w, 0);
		cr_assert_eq(futex(w, FUTEX_WAIT, 0, &ms10), -1);
		cr_assert_eq(errno, EFAULT, "%s: %s", name[i], strerror(errno));
		cr_assert_eq(futex(w, FUTEX_WAIT_PRIVATE, 0, &ms10), -1);
		cr_assert_eq(errno, ETIMEDOUT, "%s private: %s", name[i], strerror(errno));
		munmap(w, page_size);
	}
	close(zfd);
	mapdemo_device_close(&dev);
}

/* A child blocked in FUTEX_WAIT on the shared word is woken by its parent. */
Test(futex, shared_wake_reaches_the_fork_child)
{
	enum kind k;

	for (k = 0; k < DMA_PAGE; k++) {
		struct shared_map m = map_kind(k, page_size);
		uint32_t *w = m.p;
		int status;
		pid_t pid = fork();

		cr_assert_geq(pid, 0);
		if (pid == 0) {
			__atomic_store_n(&w[1], 1, __ATOMIC_SEQ_CST);
			while (__atomic_load_n(&w[0], __ATOMIC_SEQ_CST) == 0)
				if (futex(w, FUTEX_WAIT, 0, NULL) && errno != EAGAIN &&
				    errno != EINTR)
					_exit(1);
			_exit(0);
		}
		while (!__atomic_load_n(&w[1], __ATOMIC_SEQ_CST))
			usleep(1000);
		usleep(20000);
		__atomic_store_n(&w[0], 1, __ATOMIC_SEQ_CST);
		cr_assert_geq(futex(w, FUTEX_WAKE, 1, NULL), 0, "%s", kind_name[k]);
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			  "%s: the child's wait failed", kind_name[k]);
		unmap_kind(k, &m);
	}
}

#define ROUNDS 20000

struct counter {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned long count;
	int ready;
};

static void count_up(struct counter *c)
{
	int i;

	for (i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&c->lock);
		c->count++;
		pthread_mutex_unlock(&c->lock);
	}
}

/*
 * Parent and child each add ROUNDS under one PTHREAD_PROCESS_SHARED
 * mutex (contended, so glibc sleeps on the futex), then the parent waits
 * on a shared condition variable for the child's signal.
 */
Test(futex, process_shared_mutex_and_condvar, .timeout = 300)
{
	enum kind k;

	for (k = 0; k < DMA_PAGE; k++) {
		struct shared_map m = map_kind(k, page_size);
		struct counter *c = m.p;
		pthread_mutexattr_t ma;
		pthread_condattr_t ca;
		int status;
		pid_t pid;

		pthread_mutexattr_init(&ma);
		pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
		pthread_condattr_init(&ca);
		pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
		cr_assert_eq(pthread_mutex_init(&c->lock, &ma), 0);
		cr_assert_eq(pthread_cond_init(&c->cond, &ca), 0);
		pid = fork();
		cr_assert_geq(pid, 0);
		if (pid == 0) {
			count_up(c);
			pthread_mutex_lock(&c->lock);
			c->ready = 1;
			pthread_cond_signal(&c->cond);
			pthread_mutex_unlock(&c->lock);
			_exit(0);
		}
		count_up(c);
		pthread_mutex_lock(&c->lock);
		while (!c->ready)
			cr_assert_eq(pthread_cond_wait(&c->cond, &c->lock), 0);
		pthread_mutex_unlock(&c->lock);
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			  "%s: the child died (signal %d)", kind_name[k],
			  WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		cr_assert_eq(c->count, 2UL * ROUNDS, "%s: %lu", kind_name[k],
			     c->count);
		unmap_kind(k, &m);
	}
}

/* A robust mutex whose owner died: the next locker gets EOWNERDEAD. */
Test(futex, robust_mutex_owner_dies)
{
	enum kind k;

	for (k = 0; k < DMA_PAGE; k++) {
		struct shared_map m = map_kind(k, page_size);
		pthread_mutex_t *mu = m.p;
		pthread_mutexattr_t ma;
		int status;
		pid_t pid;

		pthread_mutexattr_init(&ma);
		pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
		pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
		cr_assert_eq(pthread_mutex_init(mu, &ma), 0);
		pid = fork();
		cr_assert_geq(pid, 0);
		if (pid == 0) {
			pthread_mutex_lock(mu);
			_exit(0);	/* dies holding it */
		}
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		cr_assert_eq(pthread_mutex_lock(mu), EOWNERDEAD, "%s",
			     kind_name[k]);
		cr_assert_eq(pthread_mutex_consistent(mu), 0);
		cr_assert_eq(pthread_mutex_unlock(mu), 0);
		cr_assert_eq(pthread_mutex_lock(mu), 0, "%s", kind_name[k]);
		cr_assert_eq(pthread_mutex_unlock(mu), 0);
		unmap_kind(k, &m);
	}
}
