// SPDX-License-Identifier: MIT
/*
 * zero mode: pages read zero, private stays private, shared is shared with
 * fork children, signals land on the faulting address, errors match
 * mmap(2), and every page is freed at the last unmap.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

#define NPAGES 16

static void check_first_touch_zero(int flags)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	struct mapdemo_stats before, after;
	size_t len = NPAGES * page_size, i;
	uint64_t want;
	char *p;

	before = dev_stats(&dev, MAPDEMO_STATS_FILE);
	p = map_dev(&dev, len, PROT_READ | PROT_WRITE, flags, 0);
	cr_assert_neq(p, MAP_FAILED, "mmap: %s", strerror(errno));

	for (i = 0; i < NPAGES; i++)
		cr_assert_eq(count_not(p + i * page_size, page_size, 0), 0,
			     "page %zu is not all zero", i);
	after = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(after.faults - before.faults, NPAGES,
		     "reading %d pages took %llu driver faults", NPAGES,
		     (unsigned long long)(after.faults - before.faults));
	/*
	 * A private read maps one of the driver's zero pages, as anonymous
	 * memory maps the kernel's: nothing is allocated until a write.
	 */
	want = flags & MAP_SHARED ? NPAGES : 0;
	cr_assert_eq(after.pages_alloc - before.pages_alloc, want,
		     "reading %d pages allocated %llu", NPAGES,
		     (unsigned long long)(after.pages_alloc - before.pages_alloc));
	cr_assert_eq(after.pages_live, want);
	cr_assert_eq(after.vmas_live, 1);

	cr_assert_eq(munmap(p, len), 0);
	after = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(after.pages_live, 0, "%llu pages live after munmap",
		     (unsigned long long)after.pages_live);
	cr_assert_eq(after.vmas_live, 0);
	mapdemo_device_close(&dev);
}

Test(zero, private_pages_read_zero)
{
	check_first_touch_zero(MAP_PRIVATE);
}

Test(zero, shared_pages_read_zero)
{
	check_first_touch_zero(MAP_SHARED);
}

/*
 * Fault-around: a shared mapping's pages stay in its page cache when the
 * PTEs go (MADV_DONTNEED), and reading them again maps them in batches
 * of the kernel's fault_around_bytes (64 KiB by default) around each
 * fault.  A private mapping has no pages to map around: its reads fault
 * one at a time, as anonymous memory's do.
 */
Test(zero, shared_refault_is_mapped_around)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	struct mapdemo_stats before, after;
	size_t len = NPAGES * page_size, i;
	/* pages in a 64 KiB window, and the windows 16 pages can touch */
	size_t window = page_size < 65536 ? 65536 / page_size : 1;
	uint64_t calls, most = (NPAGES + window - 1) / window + 1;
	char *p;

	p = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED, "mmap: %s", strerror(errno));
	for (i = 0; i < NPAGES; i++)
		p[i * page_size] = (char)(i + 1);
	cr_assert_eq(madvise(p, len, MADV_DONTNEED), 0);
	before = dev_stats(&dev, MAPDEMO_STATS_FILE);
	for (i = 0; i < NPAGES; i++)
		cr_assert_eq(((volatile char *)p)[i * page_size], (char)(i + 1),
			     "page %zu lost its byte", i);
	after = dev_stats(&dev, MAPDEMO_STATS_FILE);
	calls = (after.faults - before.faults) +
		(after.fault_around - before.fault_around);
	cr_assert_geq(after.fault_around - before.fault_around, 1,
		      "no fault-around batch");
	cr_assert_leq(calls, most, "%llu faults and batches for %d pages",
		      (unsigned long long)calls, NPAGES);
	cr_assert_eq(after.pages_alloc - before.pages_alloc, 0);
	munmap(p, len);
	mapdemo_device_close(&dev);
}

/*
 * A shared mapping of a PMD's size or more is placed PMD aligned, and the
 * first fault in an aligned PMD's worth fills it with one huge page that
 * the kernel maps by the PMD: one fault for 2 MiB (4 KiB pages), 32 MiB
 * (16 KiB pages).
 * MADV_NOHUGEPAGE keeps a range's pages small, one fault each, and a
 * kernel without transparent huge pages (PREEMPT_RT) has no other kind.
 */
Test(zero, shared_aligned_pmd_is_one_huge_page)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	size_t huge = pmd_size, npages = huge / page_size, i;
	bool thp = kernel_maps_pmds();
	struct mapdemo_stats before, after;
	char *p;

	p = map_dev(&dev, 2 * huge, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED, "mmap: %s", strerror(errno));
	cr_assert_eq((uintptr_t)p % huge, 0, "%zu KiB mapped at %p, not aligned",
		     2 * huge >> 10, p);
	cr_assert_eq(madvise(p + huge, huge, MADV_NOHUGEPAGE), thp ? 0 : -1);

	before = dev_stats(&dev, MAPDEMO_STATS_FILE);
	for (i = 0; i < npages; i++)
		p[i * page_size] = (char)(i + 1);
	after = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(after.faults - before.faults, thp ? 1 : npages,
		     "writing %zu pages took %llu faults", npages,
		     (unsigned long long)(after.faults - before.faults));
	cr_assert_eq(after.pages_alloc - before.pages_alloc, npages);

	before = after;
	for (i = 0; i < npages; i++)
		p[huge + i * page_size] = (char)(i + 2);
	after = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(after.faults - before.faults, npages,
		     "MADV_NOHUGEPAGE: %llu faults for %zu pages",
		     (unsigned long long)(after.faults - before.faults), npages);
	cr_assert_eq(after.pages_alloc - before.pages_alloc, npages);

	for (i = 0; i < npages; i++) {
		cr_assert_eq(p[i * page_size], (char)(i + 1));
		cr_assert_eq(p[huge + i * page_size], (char)(i + 2));
	}
	cr_assert_eq(munmap(p, 2 * huge), 0);
	cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_FILE).pages_live, 0);
	mapdemo_device_close(&dev);
}

Test(zero, private_write_is_copied_once)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	struct mapdemo_stats before, after;
	size_t len = NPAGES * page_size, i;
	char *p;

	p = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	cr_assert_neq(p, MAP_FAILED, "mmap: %s", strerror(errno));
	before = dev_stats(&dev, MAPDEMO_STATS_FILE);
	for (i = 0; i < NPAGES; i++)
		p[i * page_size] = (char)(i + 1);
	after = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(after.faults - before.faults, NPAGES);
	cr_assert_eq(after.cow - before.cow, NPAGES);
	/* a private write lands in an anonymous copy, not in the driver */
	cr_assert_eq(after.pages_alloc - before.pages_alloc, 0);
	for (i = 0; i < NPAGES; i++) {
		cr_assert_eq(p[i * page_size], (char)(i + 1));
		cr_assert_eq(count_not(p + i * page_size + 1, page_size - 1, 0), 0);
	}
	munmap(p, len);
	mapdemo_device_close(&dev);
}

Test(zero, private_write_not_seen_by_second_mapping)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	size_t len = 4 * page_size;
	char *a, *b;

	a = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	b = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	cr_assert_neq(a, MAP_FAILED);
	cr_assert_neq(b, MAP_FAILED);
	memset(a, 0xab, len);
	cr_assert_eq(count_not(b, len, 0), 0, "a private write leaked into another mapping");
	cr_assert_eq(count_not(a, len, 0xab), 0);
	munmap(a, len);
	munmap(b, len);
	mapdemo_device_close(&dev);
}

Test(zero, shared_mappings_are_separate)
{
	/* Like /dev/zero: each mmap() is its own memory, even MAP_SHARED. */
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	size_t len = 4 * page_size;
	char *a, *b;

	a = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	b = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(a, MAP_FAILED);
	cr_assert_neq(b, MAP_FAILED);
	memset(a, 0x11, len);
	cr_assert_eq(count_not(b, len, 0), 0);
	munmap(a, len);
	munmap(b, len);
	mapdemo_device_close(&dev);
}

struct fork_arg {
	char *p;
	size_t len;
	uint8_t val;
};

static int child_write(void *arg)
{
	struct fork_arg *fa = arg;

	memset(fa->p, fa->val, fa->len);
	return count_not(fa->p, fa->len, fa->val) ? 1 : 0;
}

static int child_reads_zero(void *arg)
{
	struct fork_arg *fa = arg;

	return count_not(fa->p, fa->len, 0) ? 1 : 0;
}

Test(zero, private_write_in_child_not_seen_by_parent)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	struct fork_arg fa = { .len = 8 * page_size, .val = 0x5a };

	fa.p = map_dev(&dev, fa.len, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	cr_assert_neq(fa.p, MAP_FAILED);
	fa.p[0] = 0;	/* fault one page in before the fork */
	cr_assert_eq(in_child(child_write, &fa), 0);
	cr_assert_eq(count_not(fa.p, fa.len, 0), 0, "the child's private write reached the parent");
	munmap(fa.p, fa.len);
	mapdemo_device_close(&dev);
}

/*
 * The parent reads first: its private pages are the driver's own pages,
 * mapped read-only, and the fork child shares them.  The child's write
 * must copy, not write the driver page its parent still maps.
 */
Test(zero, private_read_then_child_write_not_seen_by_parent)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	struct fork_arg fa = { .len = 8 * page_size, .val = 0x6b };
	struct mapdemo_stats before, after;
	size_t i;

	fa.p = map_dev(&dev, fa.len, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	cr_assert_neq(fa.p, MAP_FAILED);
	before = dev_stats(&dev, MAPDEMO_STATS_FILE);
	for (i = 0; i < fa.len; i += page_size)
		cr_assert_eq(((volatile char *)fa.p)[i], 0);
	after = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(after.faults - before.faults, fa.len / page_size,
		     "the reads were not driver faults");
	cr_assert_eq(after.cow, before.cow);
	cr_assert_eq(in_child(child_write, &fa), 0, "the child did not see its own write");
	cr_assert_eq(count_not(fa.p, fa.len, 0), 0,
		     "the child's private write reached the parent's read-only driver pages");
	/* and the parent's own write copies too, into a page of its own */
	memset(fa.p, 0x11, fa.len);
	cr_assert_eq(count_not(fa.p, fa.len, 0x11), 0);
	munmap(fa.p, fa.len);
	mapdemo_device_close(&dev);
}

Test(zero, private_write_in_parent_not_seen_by_child)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	struct fork_arg fa = { .len = 8 * page_size };
	pid_t pid;
	int status;
	int pfd[2];
	char c;

	fa.p = map_dev(&dev, fa.len, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	cr_assert_neq(fa.p, MAP_FAILED);
	cr_assert_eq(pipe(pfd), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* wait for the parent's write, then look */
		if (read(pfd[0], &c, 1) != 1)
			_exit(2);
		_exit(child_reads_zero(&fa));
	}
	memset(fa.p, 0x77, fa.len);
	cr_assert_eq(write(pfd[1], "x", 1), 1);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "the child saw the parent's private write");
	munmap(fa.p, fa.len);
	mapdemo_device_close(&dev);
}

Test(zero, shared_write_in_child_seen_by_parent)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	struct fork_arg fa = { .len = 8 * page_size, .val = 0xc3 };
	struct mapdemo_stats st;

	fa.p = map_dev(&dev, fa.len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(fa.p, MAP_FAILED);
	cr_assert_eq(in_child(child_write, &fa), 0);
	cr_assert_eq(count_not(fa.p, fa.len, 0xc3), 0, "the parent does not see the child's shared write");
	st = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(st.pages_live, 8, "child and parent share 8 pages, %llu live",
		     (unsigned long long)st.pages_live);
	cr_assert_eq(st.vmas_live, 1, "the child's VMA is gone, %llu live",
		     (unsigned long long)st.vmas_live);
	munmap(fa.p, fa.len);
	st = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(st.pages_live, 0);
	mapdemo_device_close(&dev);
}

Test(zero, shared_split_keeps_pages_until_last_unmap)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	size_t len = 4 * page_size;
	struct mapdemo_stats st;
	char *p;

	p = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	memset(p, 0x42, len);
	/* punch out page 1: pages 0 and 2-3 remain, in two VMAs */
	cr_assert_eq(munmap(p + page_size, page_size), 0);
	st = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(st.vmas_live, 2);
	cr_assert_eq(st.pages_live, 4, "pages are freed at the last unmap, not before");
	cr_assert_eq(p[0], 0x42);
	cr_assert_eq(p[2 * page_size], 0x42);
	cr_assert_eq(munmap(p, page_size), 0);
	st = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(st.pages_live, 4);
	cr_assert_eq(munmap(p + 2 * page_size, 2 * page_size), 0);
	st = dev_stats(&dev, MAPDEMO_STATS_FILE);
	cr_assert_eq(st.pages_live, 0);
	cr_assert_eq(st.vmas_live, 0);
	mapdemo_device_close(&dev);
}

Test(zero, close_keeps_mapping_valid)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	size_t len = 2 * page_size;
	char *p;

	p = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	mapdemo_device_close(&dev);
	memset(p, 0x9, len);
	cr_assert_eq(count_not(p, len, 0x9), 0);
	cr_assert_eq(munmap(p, len), 0);
}

Test(zero, write_to_read_only_mapping_raises_sigsegv_there)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	struct mapdemo_probe_result r;
	char *p;

	p = map_dev(&dev, 2 * page_size, PROT_READ, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	r = probe_page(p + page_size, MAPDEMO_ACCESS_WRITE);
	cr_assert_eq(r.outcome, MAPDEMO_SIGSEGV);
	cr_assert_eq(r.code, SEGV_ACCERR);
	cr_assert_eq(r.addr, p + page_size);
	r = probe_page(p, MAPDEMO_ACCESS_READ);
	cr_assert_eq(r.outcome, MAPDEMO_OK);
	munmap(p, 2 * page_size);
	mapdemo_device_close(&dev);
}

/* What the child's SIGSEGV said, for its parent to check. */
struct segv_seen {
	int signo, code;
	void *addr;
};

static struct segv_seen *segv_seen;

/* Record, then let the signal kill: the fault is taken again, unhandled. */
static void record_segv(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	segv_seen->signo = sig;
	segv_seen->code = info->si_code;
	segv_seen->addr = info->si_addr;
	sigaction(SIGSEGV, &(struct sigaction){ .sa_handler = SIG_DFL }, NULL);
}

Test(zero, write_to_read_only_mapping_kills)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	struct sigaction sa = { .sa_sigaction = record_segv, .sa_flags = SA_SIGINFO };
	volatile char *p = map_dev(&dev, 2 * page_size, PROT_READ, MAP_PRIVATE, 0);
	volatile char *at;
	int status;
	pid_t pid;

	cr_assert_neq((void *)p, MAP_FAILED);
	segv_seen = mmap(NULL, sizeof(*segv_seen), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(segv_seen, MAP_FAILED);
	memset(segv_seen, 0, sizeof(*segv_seen));
	at = p + page_size + 123;	/* not the mapping's first byte */
	(void)p[page_size];		/* the page is there: ACCERR, not MAPERR */
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		sigemptyset(&sa.sa_mask);
		sigaction(SIGSEGV, &sa, NULL);
		*at = 1;
		_exit(0);	/* the write went through */
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
		  "the write to a PROT_READ mapping did not kill: status %#x", status);
	cr_assert_eq(segv_seen->signo, SIGSEGV);
	cr_assert_eq(segv_seen->code, SEGV_ACCERR, "si_code %d, not SEGV_ACCERR", segv_seen->code);
	cr_assert_eq(segv_seen->addr, (void *)at, "si_addr %p, not the byte written, %p",
		     segv_seen->addr, (void *)at);
	cr_assert_eq(p[page_size + 123], 0, "the refused write reached the page");
	munmap(segv_seen, sizeof(*segv_seen));
	munmap((void *)p, 2 * page_size);
	mapdemo_device_close(&dev);
}

Test(zero, access_after_munmap_raises_sigsegv)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	struct mapdemo_probe_result r;
	char *p;

	p = map_dev(&dev, 3 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	memset(p, 1, 3 * page_size);
	/* a one-page hole: nothing else can be mapped into it meanwhile */
	cr_assert_eq(munmap(p + page_size, page_size), 0);
	r = probe_page(p + page_size, MAPDEMO_ACCESS_READ);
	cr_assert_eq(r.outcome, MAPDEMO_SIGSEGV);
	cr_assert_eq(r.code, SEGV_MAPERR);
	cr_assert_eq(r.addr, p + page_size);
	r = probe_page(p + 2 * page_size, MAPDEMO_ACCESS_WRITE);
	cr_assert_eq(r.outcome, MAPDEMO_OK);
	cr_assert_eq(p[2 * page_size], 1, "the probe's write changed the byte");
	munmap(p, 3 * page_size);
	mapdemo_device_close(&dev);
}

Test(zero, errors_match_mmap)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	struct mapdemo_device ro = open_dev(O_RDONLY, MAPDEMO_MODE_ZERO);
	void *p;

	p = map_dev(&dev, 0, PROT_READ, MAP_SHARED, 0);
	cr_assert(p == MAP_FAILED && errno == EINVAL, "length 0: %s", strerror(errno));
	p = map_dev(&dev, page_size, PROT_READ, MAP_SHARED, 100);
	cr_assert(p == MAP_FAILED && errno == EINVAL, "unaligned offset: %s", strerror(errno));
	p = map_dev(&ro, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert(p == MAP_FAILED && errno == EACCES, "O_RDONLY shared write: %s", strerror(errno));
	p = map_dev(&dev, page_size, PROT_READ | PROT_EXEC, MAP_PRIVATE, 0);
	cr_assert(p == MAP_FAILED && errno == EPERM, "PROT_EXEC: %s", strerror(errno));
	p = map_dev(&dev, page_size, PROT_EXEC, MAP_SHARED, 0);
	cr_assert(p == MAP_FAILED && errno == EPERM, "PROT_EXEC shared: %s", strerror(errno));
	mapdemo_device_close(&dev);
	mapdemo_device_close(&ro);
}

Test(zero, mprotect_exec_refused)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	char *p = map_dev(&dev, page_size, PROT_READ, MAP_PRIVATE, 0);

	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(mprotect(p, page_size, PROT_READ | PROT_EXEC), -1);
	cr_assert_eq(errno, EACCES);
	munmap(p, page_size);
	mapdemo_device_close(&dev);
}

Test(zero, read_gives_zeros_write_is_swallowed)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	char buf[10000];

	memset(buf, 0xff, sizeof(buf));
	cr_assert_eq(write(dev.fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	cr_assert_eq(read(dev.fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	cr_assert_eq(count_not(buf, sizeof(buf), 0), 0);
	mapdemo_device_close(&dev);
}
