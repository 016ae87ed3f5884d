// SPDX-License-Identifier: MIT
/*
 * What newer kernels add to mmap(2) and friends, met on device mappings,
 * in every mode and dma style: mseal(2) (6.10), MAP_DROPPABLE (6.11) and
 * guard regions, MADV_GUARD_INSTALL / MADV_GUARD_REMOVE (6.13, for file
 * mappings from 6.15).  A kernel without one gives its own exact error,
 * which is asserted there too: nothing is skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "conformance.h"
#include "dma_util.h"

#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE		0x08
#endif
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL	102
#define MADV_GUARD_REMOVE	103
#endif
#ifndef __NR_mseal
#define __NR_mseal		462
#endif

enum kind { ZERO, SPARSE, DMA_PFN, DMA_PAGE, KINDS };

static const char *const kind_name[KINDS] = {
	"zero", "sparse", "dma pfn", "dma page",
};

static struct mapdemo_device open_kind(enum kind k)
{
	switch (k) {
	case ZERO:
		return open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	case SPARSE:
		return open_dev(O_RDWR, MAPDEMO_MODE_SPARSE);
	case DMA_PFN:
		return open_dma(O_RDWR, MAPDEMO_DMA_PFN);
	default:
		return open_dma(O_RDWR, MAPDEMO_DMA_PAGE);
	}
}

static char *map_kind(struct mapdemo_device *dev, size_t len, int flags)
{
	char *p = map_dev(dev, len, PROT_READ | PROT_WRITE, flags, 0);

	cr_assert_neq(p, MAP_FAILED, "mmap: %s", strerror(errno));
	return p;
}

/*
 * mseal(2), 6.10: a sealed device mapping can be neither unmapped, moved
 * nor reprotected, as any sealed mapping; before 6.10 there is no such
 * system call.
 */
Test(newer, mseal_seals_device_mappings, .fini = conf_fini)
{
	bool has = kernel_at_least(6, 10);
	enum kind k;

	for (k = 0; k < KINDS; k++) {
		struct mapdemo_device dev = open_kind(k);
		char *p = map_kind(&dev, 2 * page_size, MAP_SHARED);
		long ret;

		p[0] = 1;
		ret = syscall(__NR_mseal, p, 2 * page_size, 0);
		if (!has) {
			cr_assert_eq(ret, -1);
			cr_assert_eq(errno, ENOSYS, "%s: %s", kind_name[k],
				     strerror(errno));
			munmap(p, 2 * page_size);
			mapdemo_device_close(&dev);
			continue;
		}
		cr_assert_eq(ret, 0, "%s: mseal: %s", kind_name[k],
			     strerror(errno));
		cr_assert_eq(munmap(p, page_size), -1);
		cr_assert_eq(errno, EPERM, "%s: munmap", kind_name[k]);
		cr_assert_eq(mprotect(p, page_size, PROT_READ), -1);
		cr_assert_eq(errno, EPERM, "%s: mprotect", kind_name[k]);
		cr_assert_eq(mremap(p, 2 * page_size, page_size, 0), MAP_FAILED);
		cr_assert_eq(errno, EPERM, "%s: mremap", kind_name[k]);
		/* still mapped, still the same bytes */
		cr_assert_eq(p[0], 1);
		/* the mapping lives until this test's process exits */
		mapdemo_device_close(&dev);
	}
}

/*
 * MAP_DROPPABLE, 6.11, is for anonymous private memory only: a file
 * mapping asking for it is EINVAL, and before 6.11 the type 0x08 is one
 * mmap(2) does not know, which is EINVAL too.
 */
Test(newer, map_droppable_is_refused, .fini = conf_fini)
{
	enum kind k;

	for (k = 0; k < KINDS; k++) {
		struct mapdemo_device dev = open_kind(k);

		cr_assert_eq(map_dev(&dev, page_size, PROT_READ | PROT_WRITE,
				     MAP_DROPPABLE, 0), MAP_FAILED,
			     "%s", kind_name[k]);
		cr_assert_eq(errno, EINVAL, "%s: %s", kind_name[k],
			     strerror(errno));
		mapdemo_device_close(&dev);
	}
}

/*
 * Guard regions.  6.13 added them for anonymous memory; 6.15 ("mm: allow
 * guard regions in file-backed and read-only mappings") for file
 * mappings, which zero and sparse mode are: a guarded page raises
 * SIGSEGV, and after MADV_GUARD_REMOVE a shared mapping shows its bytes
 * again (they are in the page cache).  dma mappings are VM_SPECIAL,
 * which guard regions refuse (EINVAL); a kernel without guard regions
 * does not know the advice (EINVAL).
 */
Test(newer, guard_regions, .fini = conf_fini)
{
	bool file_guards = kernel_at_least(6, 15);
	enum kind k;

	for (k = 0; k < KINDS; k++) {
		struct mapdemo_device dev = open_kind(k);
		char *p = map_kind(&dev, 3 * page_size, MAP_SHARED);
		bool works = file_guards && k <= SPARSE;
		struct mapdemo_probe_result r;
		int ret;

		memset(p, 0x6b, 3 * page_size);
		ret = madvise(p + page_size, page_size, MADV_GUARD_INSTALL);
		if (!works) {
			cr_assert_eq(ret, -1, "%s", kind_name[k]);
			cr_assert_eq(errno, EINVAL, "%s: %s", kind_name[k],
				     strerror(errno));
			cr_assert_eq(count_not(p, 3 * page_size, 0x6b), 0);
			munmap(p, 3 * page_size);
			mapdemo_device_close(&dev);
			continue;
		}
		cr_assert_eq(ret, 0, "%s: %s", kind_name[k], strerror(errno));
		r = probe_page(p + page_size, MAPDEMO_ACCESS_READ);
		cr_assert_eq(r.outcome, MAPDEMO_SIGSEGV, "%s: a guarded page read",
			     kind_name[k]);
		cr_assert_eq(r.addr, p + page_size);
		cr_assert_eq(probe_page(p, MAPDEMO_ACCESS_READ).outcome,
			     MAPDEMO_OK);
		cr_assert_eq(madvise(p + page_size, page_size, MADV_GUARD_REMOVE),
			     0, "%s: %s", kind_name[k], strerror(errno));
		cr_assert_eq(count_not(p, 3 * page_size, 0x6b), 0,
			     "%s: the bytes under the guard", kind_name[k]);
		munmap(p, 3 * page_size);
		mapdemo_device_close(&dev);
	}
}
