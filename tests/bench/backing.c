// SPDX-License-Identifier: MIT
/*
 * The things a benchmark maps: anonymous memory, /dev/zero and each mode
 * of /dev/mapdemo.  A mode the driver lacks (SET_MODE: EOPNOTSUPP) or a
 * buffer too small for a figure makes that figure "n/a", never a guess.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "bench.h"

#define DEVICE "/dev/" MAPDEMO_DEVICE_NAME
#define FAULT_AROUND_KNOB "/sys/kernel/debug/fault_around_bytes"

static struct {
	const char *na;
	size_t max_len;		/* 0: no limit */
} avail[BK_NR];

/* a backing's name in the tables, and the word a command line names it
 * by (mapdemo-bench --workload) */
static const struct {
	const char *name, *word;
} names[BK_NR] = {
	[BK_ANON] = { "MAP_ANONYMOUS", "anon" },
	[BK_DEVZERO] = { "/dev/zero", "devzero" },
	[BK_ZERO] = { "zero", "zero" },
	[BK_SPARSE] = { "sparse", "sparse" },
	[BK_DMA_PFN] = { "dma-pfn", "dma-pfn" },
	[BK_DMA_PAGE] = { "dma-page", "dma-page" },
};

const char *backing_name(enum backing bk)
{
	return names[bk].name;
}

const char *backing_word(enum backing bk)
{
	return names[bk].word;
}

int backing_by_word(const char *word)
{
	int bk;

	for (bk = 0; bk < BK_NR; bk++)
		if (!strcmp(word, names[bk].word))
			return bk;
	return -1;
}

static int mode_of(enum backing bk)
{
	switch (bk) {
	case BK_ZERO:
		return MAPDEMO_MODE_ZERO;
	case BK_SPARSE:
		return MAPDEMO_MODE_SPARSE;
	default:
		return MAPDEMO_MODE_DMA;
	}
}

/* An fd of /dev/mapdemo set up for @bk, or a negative errno. */
static int device_open(enum backing bk, const char **why)
{
	__u32 mode = mode_of(bk), style;
	int fd = open(DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		*why = reason("n/a: %s: %s", DEVICE, strerror(errno));
		return -errno;
	}
	if (ioctl(fd, MAPDEMO_IOC_SET_MODE, &mode)) {
		int err = errno;

		*why = err == EOPNOTSUPP ? "n/a: mode not available" :
			reason("n/a: SET_MODE: %s", strerror(err));
		close(fd);
		return -err;
	}
	if (bk == BK_DMA_PFN || bk == BK_DMA_PAGE) {
		style = bk == BK_DMA_PFN ? MAPDEMO_DMA_PFN : MAPDEMO_DMA_PAGE;
		if (ioctl(fd, MAPDEMO_IOC_SET_DMA_STYLE, &style)) {
			int err = errno;

			*why = reason("n/a: %s style: %s",
				      style == MAPDEMO_DMA_PFN ? "pfn" : "page",
				      strerror(err));
			close(fd);
			return -err;
		}
	}
	return fd;
}

static void probe_device(enum backing bk, size_t sparse_want)
{
	struct mapdemo_info info;
	__u64 size = sparse_want;
	int fd = device_open(bk, &avail[bk].na);

	if (fd < 0)
		return;
	if (bk == BK_SPARSE)
		/* too small a buffer only limits the figures: no error */
		(void)ioctl(fd, MAPDEMO_IOC_RESIZE, &size);
	memset(&info, 0, sizeof(info));
	if (ioctl(fd, MAPDEMO_IOC_INFO, &info)) {
		avail[bk].na = reason("n/a: INFO: %s", strerror(errno));
	} else if (bk == BK_SPARSE) {
		avail[bk].max_len = info.sparse_size & ~(__u64)(page_size - 1);
	} else if (bk != BK_ZERO) {
		avail[bk].max_len = info.dma_size & ~(__u64)(page_size - 1);
		if (!info.dma_size)
			avail[bk].na = "n/a: no DMA buffer allocated";
	}
	if (bk != BK_ZERO && !avail[bk].na && !avail[bk].max_len)
		avail[bk].na = "n/a: buffer size 0";
	close(fd);
}

void backing_probe(size_t sparse_want)
{
	int bk;

	for (bk = BK_ZERO; bk < BK_NR; bk++)
		probe_device(bk, sparse_want);
}

const char *backing_na(enum backing bk, int shared, size_t len)
{
	(void)shared;
	if (avail[bk].na)
		return avail[bk].na;
	if (avail[bk].max_len && len > avail[bk].max_len)
		return reason("n/a: buffer is %zu KiB", avail[bk].max_len / KiB);
	return NULL;
}

/* Reserve room, then map at a PMD boundary or a page past it. */
static void *place(size_t len, enum placement where)
{
	size_t room = len + 2 * pmd_size;
	char *res, *at;

	res = mmap(NULL, room, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED)
		return NULL;
	at = (char *)(((uintptr_t)res + pmd_size - 1) & ~(pmd_size - 1));
	if (where == PLACE_SMALL)
		at += page_size;
	if (at > res)
		munmap(res, at - res);
	munmap(at + len, res + room - (at + len));
	return at;
}

int backing_open(enum backing bk)
{
	const char *why;
	int fd;

	if (bk == BK_ANON)
		return -1;
	if (bk == BK_DEVZERO) {
		fd = open("/dev/zero", O_RDWR | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	return device_open(bk, &why);
}

/*
 * Transparent huge pages only where a figure asks for them: anonymous
 * references are measured with base pages (Debian's kernel has THP
 * "always"), dma mode keeps its PMD mappings as users get them.
 */
static void thp_allow(int on)
{
	static int state = -1;

	if (state != on && !prctl(PR_SET_THP_DISABLE, !on, 0, 0, 0))
		state = on;
}

int region_map(struct region *r, enum backing bk, int shared, size_t len,
	       int extra_flags, enum placement where)
{
	int flags = (shared ? MAP_SHARED : MAP_PRIVATE) | extra_flags;
	void *hint = NULL, *p;
	uint64_t t0;

	memset(r, 0, sizeof(*r));
	r->bk = bk;
	r->shared = shared;
	r->len = len;
	r->fd = backing_open(bk);
	if (bk == BK_ANON)
		flags |= MAP_ANONYMOUS;
	else if (r->fd < 0)
		return r->fd;
	thp_allow(where == PLACE_HUGE ||
		  (where == PLACE_ANY && (bk == BK_DMA_PFN || bk == BK_DMA_PAGE)));
	if (where != PLACE_ANY) {
		hint = place(len, where);
		if (!hint) {
			region_unmap(r);
			return -ENOMEM;
		}
		flags |= MAP_FIXED;
	}
	t0 = now_ns();
	p = mmap(hint, len, PROT_READ | PROT_WRITE, flags, r->fd, 0);
	r->map_ns = now_ns() - t0;
	if (p == MAP_FAILED) {
		int err = errno;

		if (hint)
			munmap(hint, len);
		region_unmap(r);
		return -err;
	}
	r->addr = p;
	if (where != PLACE_ANY)
		madvise(p, len, where == PLACE_HUGE ? MADV_HUGEPAGE :
						      MADV_NOHUGEPAGE);
	return 0;
}

void region_unmap(struct region *r)
{
	uint64_t t0 = now_ns();

	if (r->addr) {
		munmap(r->addr, r->len);
		r->unmap_ns = now_ns() - t0;
	}
	if (r->fd >= 0)
		close(r->fd);
	r->addr = NULL;
	r->fd = -1;
}

int region_stats(const struct region *r, struct mapdemo_stats *st)
{
	if (r->bk == BK_ANON || r->bk == BK_DEVZERO)
		return -ENODEV;
	memset(st, 0, sizeof(*st));
	st->scope = MAPDEMO_STATS_FILE;
	return ioctl(r->fd, MAPDEMO_IOC_STATS, st) ? -errno : 0;
}

void sparse_reset(void)
{
	static int warned;
	const char *why;
	int fd = device_open(BK_SPARSE, &why);

	if (fd < 0)
		return;
	if (ioctl(fd, MAPDEMO_IOC_RESET) && !warned++)
		fprintf(stderr, "bench: sparse RESET: %s; sparse first touches may be re-touches\n",
			strerror(errno));
	close(fd);
}

int fault_around(int on)
{
	static char boot[32], one_page[32];
	int ret;

	if (!boot[0]) {
		ret = knob_read(FAULT_AROUND_KNOB, boot, sizeof(boot));
		if (ret)
			return ret;
	}
	/* off: a window of one page */
	snprintf(one_page, sizeof(one_page), "%zu", page_size);
	return knob_write(FAULT_AROUND_KNOB, on ? boot : one_page);
}
