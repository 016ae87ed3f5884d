// SPDX-License-Identifier: MIT
/*
 * What the kernel decides by a page's owner, beyond futexes
 * (futex_test.c): zero and sparse mode's pages belong to a file's page
 * cache, as a shared /dev/zero mapping's belong to shmem, so
 * /proc/PID/pagemap calls them file pages, and page migration - what
 * compaction, memory hot-remove and soft offlining do - moves them with
 * their bytes.  Checked against /dev/zero in the same run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"

#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE	101
#endif

#define PM_PFN_MASK	((1ULL << 55) - 1)
#define PM_FILE		(1ULL << 61)
#define PM_PRESENT	(1ULL << 63)

enum kind { DEVZERO, ZERO, SPARSE, KINDS };

static const char *const kind_name[KINDS] = { "/dev/zero", "zero", "sparse" };

struct owner_map {
	struct mapdemo_device dev;
	int fd;
	char *p;
};

static struct owner_map map_shared(enum kind k)
{
	struct owner_map m = { .fd = -1 };

	if (k == DEVZERO) {
		m.fd = open("/dev/zero", O_RDWR);
		cr_assert_geq(m.fd, 0);
	} else {
		m.dev = open_dev(O_RDWR, k == ZERO ? MAPDEMO_MODE_ZERO :
						     MAPDEMO_MODE_SPARSE);
		m.fd = m.dev.fd;
	}
	m.p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, m.fd, 0);
	cr_assert_neq(m.p, MAP_FAILED, "%s: %s", kind_name[k], strerror(errno));
	memset(m.p, 0x3d, page_size);
	return m;
}

static void unmap_shared(enum kind k, struct owner_map *m)
{
	munmap(m->p, page_size);
	if (k == DEVZERO)
		close(m->fd);
	else
		mapdemo_device_close(&m->dev);
}

static uint64_t pagemap(const void *p)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	cr_assert_geq(fd, 0);
	cr_assert_eq(pread(fd, &e, sizeof(e),
			   (off_t)((uintptr_t)p / page_size * sizeof(e))),
		     (ssize_t)sizeof(e));
	close(fd);
	return e;
}

Test(owner, pagemap_calls_the_pages_file_pages)
{
	enum kind k;

	for (k = 0; k < KINDS; k++) {
		struct owner_map m = map_shared(k);
		uint64_t e = pagemap(m.p);

		cr_assert(e & PM_PRESENT, "%s: not present", kind_name[k]);
		cr_assert(e & PM_FILE, "%s: pagemap %#llx has no file bit",
			  kind_name[k], (unsigned long long)e);
		unmap_shared(k, &m);
	}
}

/*
 * MADV_SOFT_OFFLINE migrates the page to another frame and retires the
 * old one.  A page the kernel cannot migrate fails it (EBUSY or EIO);
 * ours move, bytes and all, as /dev/zero's shmem pages do.  A kernel
 * without memory-failure handling (cloud-amd64) refuses the advice for
 * every page (EINVAL): then ours answer as /dev/zero's do.
 */
static int soft_offline(enum kind k, uint64_t *moved_from, uint64_t *now)
{
	struct owner_map m = map_shared(k);
	int ret;

	*moved_from = pagemap(m.p) & PM_PFN_MASK;
	ret = madvise(m.p, page_size, MADV_SOFT_OFFLINE) ? errno : 0;
	cr_assert_eq(count_not(m.p, page_size, 0x3d), 0,
		     "%s: the bytes did not stay with the page", kind_name[k]);
	*now = pagemap(m.p) & PM_PFN_MASK;
	unmap_shared(k, &m);
	return ret;
}

Test(owner, pages_migrate_with_their_bytes)
{
	uint64_t from, to;
	int ref = soft_offline(DEVZERO, &from, &to);
	enum kind k;

	cr_assert(ref == 0 || ref == EINVAL, "/dev/zero: soft offline: %s",
		  strerror(ref));
	for (k = ZERO; k < KINDS; k++) {
		int ret = soft_offline(k, &from, &to);

		cr_assert_eq(ret, ref, "%s: soft offline: %s, /dev/zero: %s",
			     kind_name[k], strerror(ret), strerror(ref));
		if (!ret)
			cr_assert_neq(to, from, "%s: still at pfn %#llx",
				      kind_name[k], (unsigned long long)from);
	}
}
