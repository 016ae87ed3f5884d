// SPDX-License-Identifier: MIT
/*
 * Numbers in names and sizes: one "0x" prefix and nothing else before the
 * digits, as the header says ("decimal or 0x hex").  strtol() and
 * strtoull() take a second "0x" after the first for base 16, and the
 * parsers once read "0x0x10" as 16.
 */
#include <errno.h>
#include <stdint.h>

#include <criterion/criterion.h>

#include "libmapdemo.h"

static const char *const not_numbers[] = {
	"0x0x10", "0X0x10", "0x0X10", "0x0x", "0x0x0", "0x 10", "0x+10",
	"0x-10", "00x10", "x10", "0xx10",
};

Test(numbers, prot_refuses_a_second_hex_prefix)
{
	size_t i;

	for (i = 0; i < sizeof(not_numbers) / sizeof(not_numbers[0]); i++) {
		const char *s = not_numbers[i], *bad = NULL;
		int prot = -1;

		cr_expect_eq(mapdemo_parse_prot(s, &prot, &bad), -EINVAL,
			     "parse_prot(\"%s\") gave %d", s, prot);
		cr_expect_eq(bad, s, "parse_prot(\"%s\"): bad word not at the start", s);
		cr_expect_eq(prot, -1, "parse_prot(\"%s\") changed its output", s);
	}
}

Test(numbers, map_flags_refuse_a_second_hex_prefix)
{
	const char *bad = NULL, *s = "shared|0x0x10";
	int flags = -1;
	size_t i;

	for (i = 0; i < sizeof(not_numbers) / sizeof(not_numbers[0]); i++) {
		flags = -1;
		cr_expect_eq(mapdemo_parse_map_flags(not_numbers[i], &flags, &bad), -EINVAL,
			     "parse_map_flags(\"%s\") gave %#x", not_numbers[i], flags);
		cr_expect_eq(flags, -1);
	}
	flags = -1;
	cr_expect_eq(mapdemo_parse_map_flags(s, &flags, &bad), -EINVAL);
	cr_expect_eq(bad, s + 7, "bad word should be the second one");
}

Test(numbers, size_refuses_a_second_hex_prefix)
{
	static const char *const sizes[] = { "0x0x10", "0x0X10K", "0X0x1M", "0x0x" };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t v = 12345;

		cr_expect_eq(mapdemo_parse_size(sizes[i], &v), -EINVAL,
			     "parse_size(\"%s\") gave %llu", sizes[i], (unsigned long long)v);
		cr_expect_eq(v, 12345);
	}
}

Test(numbers, hex_still_parses)
{
	uint64_t v = 0;
	int bits = 0;

	cr_assert_eq(mapdemo_parse_prot("0x0", &bits, NULL), 0);
	cr_assert_eq(bits, 0);
	cr_assert_eq(mapdemo_parse_prot("0x03", &bits, NULL), 0);
	cr_assert_eq(bits, 3);
	cr_assert_eq(mapdemo_parse_map_flags("0X22", &bits, NULL), 0);
	cr_assert_eq(bits, 0x22);
	cr_assert_eq(mapdemo_parse_size("0x00010", &v), 0);
	cr_assert_eq(v, 16);
	cr_assert_eq(mapdemo_parse_size("0x0", &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(mapdemo_parse_size("0X10k", &v), 0);
	cr_assert_eq(v, 16384);
	cr_assert_eq(mapdemo_parse_size("0", &v), 0);
	cr_assert_eq(v, 0);
}
