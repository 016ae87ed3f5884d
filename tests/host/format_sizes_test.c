// SPDX-License-Identifier: MIT
/*
 * MAPDEMO_PROT_NAME_MAX and MAPDEMO_MAP_FLAGS_NAME_MAX hold the name of
 * any value: the CLI sizes its buffers by them (an 8-byte buffer for
 * --prot once printed an unnamed bit as nothing at all, -ENOSPC).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>

#include <criterion/criterion.h>

#include "libmapdemo.h"

static const int values[] = {
	-1, INT_MIN, INT_MAX, 0, PROT_READ | 0x1000000, 0x7ffffff8, (int)0xfffffff8u,
	MAP_SHARED | 0x40000000, 0x03 | 0x7ffffffc,
};

Test(format_sizes, every_prot_fits)
{
	char buf[MAPDEMO_PROT_NAME_MAX];
	size_t i;
	int n;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		n = mapdemo_format_prot(values[i], buf, sizeof(buf));
		cr_expect_gt(n, 0, "format_prot(%#x) in %zu bytes: %d", values[i], sizeof(buf), n);
		cr_expect_eq((size_t)n, strlen(buf));
	}
	for (i = 0; i < 32; i++) {
		n = mapdemo_format_prot(PROT_READ | (int)(1u << i), buf, sizeof(buf));
		cr_expect_gt(n, 0, "format_prot(bit %zu): %d", i, n);
	}
	/* the longest: every bit set */
	cr_assert_eq(mapdemo_format_prot(-1, buf, sizeof(buf)), 14);
	cr_assert_str_eq(buf, "rwx|0xfffffff8");
}

Test(format_sizes, every_flags_value_fits)
{
	char buf[MAPDEMO_MAP_FLAGS_NAME_MAX];
	size_t i;
	int n, back;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		n = mapdemo_format_map_flags(values[i], buf, sizeof(buf));
		cr_expect_gt(n, 0, "format_map_flags(%#x) in %zu bytes: %d", values[i],
			     sizeof(buf), n);
		if (values[i] < 0)	/* the parsers take numbers up to INT_MAX */
			continue;
		cr_expect_eq(mapdemo_parse_map_flags(buf, &back, NULL), 0, "\"%s\"", buf);
		cr_expect_eq(back, values[i], "\"%s\" parsed back as %#x", buf, back);
	}
	for (i = 0; i < 32; i++) {
		n = mapdemo_format_map_flags(MAP_SHARED_VALIDATE | (int)(1u << i), buf, sizeof(buf));
		cr_expect_gt(n, 0, "format_map_flags(bit %zu): %d", i, n);
	}
}
