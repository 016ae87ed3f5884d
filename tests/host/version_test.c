// SPDX-License-Identifier: MIT
/* mapdemo_version(): the running library's release, as the header says it. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "libmapdemo.h"

Test(version, library_is_the_headers_release)
{
	cr_assert_eq(mapdemo_version(), MAPDEMO_VERSION, "library %#x, header %#x",
		     mapdemo_version(), MAPDEMO_VERSION);
	cr_assert_eq(MAPDEMO_VERSION,
		     MAPDEMO_VERSION_CODE(MAPDEMO_VERSION_MAJOR, MAPDEMO_VERSION_MINOR,
					  MAPDEMO_VERSION_PATCH));
	cr_assert_eq(MAPDEMO_VERSION_MAJOR, 1, "soname 1 is major version 1");
}

Test(version, codes_compare_in_order)
{
	cr_assert_lt(MAPDEMO_VERSION_CODE(1, 0, 9), MAPDEMO_VERSION_CODE(1, 1, 0));
	cr_assert_lt(MAPDEMO_VERSION_CODE(1, 9, 0), MAPDEMO_VERSION_CODE(2, 0, 0));
	cr_assert_gt(mapdemo_version(), 0);
}

/* The reserved fields: zero after every call that fills a struct. */
Test(version, reserved_fields_are_zero)
{
	struct mapdemo_device dev;
	struct mapdemo_mapping m;
	size_t i;

	memset(&dev, 0xa5, sizeof(dev));
	cr_assert_lt(mapdemo_device_open(&dev, "/nonexistent/mapdemo", 0, MAPDEMO_MODE_DEFAULT), 0);
	cr_assert_eq(dev.fd, -1);
	cr_assert_eq(dev.flags, 0);
	for (i = 0; i < sizeof(dev.reserved) / sizeof(dev.reserved[0]); i++)
		cr_assert_eq(dev.reserved[i], 0);
	memset(&m, 0xa5, sizeof(m));
	cr_assert_eq(mapdemo_map(&dev, &m, NULL, 4096, 0, 0, 0), -EBADF);
	for (i = 0; i < sizeof(m.reserved) / sizeof(m.reserved[0]); i++)
		cr_assert_eq(m.reserved[i], 0);
}

Test(version, probe_results_reserved_are_zero)
{
	struct mapdemo_probe_result r[2];
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), i;
	char *p = mmap(NULL, 2 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(mprotect(p + pg, pg, PROT_NONE), 0);
	memset(r, 0xa5, sizeof(r));
	cr_assert_eq(mapdemo_probe(p, 2 * pg, MAPDEMO_ACCESS_READ, r, 2), 2);
	for (i = 0; i < 2; i++) {
		cr_assert_eq(r[i].pad[0] | r[i].pad[1] | r[i].pad[2], 0);
		cr_assert_eq(r[i].reserved[0], 0);
		cr_assert_eq(r[i].reserved[1], 0);
	}
	cr_assert_eq(r[1].outcome, MAPDEMO_SIGSEGV);
	munmap(p, 2 * pg);
}
