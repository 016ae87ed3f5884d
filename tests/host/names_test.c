// SPDX-License-Identifier: MIT
/* Names both ways: PROT and MAP bits, enums, si_codes, sizes. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#include <criterion/criterion.h>

#include "libmapdemo.h"

static int prot_of(const char *s)
{
	const char *bad = s;
	int prot = -1;
	int ret = mapdemo_parse_prot(s, &prot, &bad);

	cr_assert_eq(ret, 0, "parse_prot(\"%s\"): %d", s, ret);
	cr_assert_null(bad, "parse_prot(\"%s\") left bad_word set", s);
	return prot;
}

static int flags_of(const char *s)
{
	const char *bad = s;
	int flags = -1;
	int ret = mapdemo_parse_map_flags(s, &flags, &bad);

	cr_assert_eq(ret, 0, "parse_map_flags(\"%s\"): %d", s, ret);
	cr_assert_null(bad);
	return flags;
}

/* Parsing @s fails with -EINVAL at the word @word of length @len. */
static void prot_bad(const char *s, size_t at, size_t len)
{
	const char *bad = NULL;
	int prot = 12345;

	cr_assert_eq(mapdemo_parse_prot(s, &prot, &bad), -EINVAL, "\"%s\" parsed", s);
	cr_assert_eq(prot, 12345, "\"%s\": output written on failure", s);
	cr_assert_eq(bad, s + at, "\"%s\": bad word at %td, not %zu", s, bad - s, at);
	cr_assert_eq(mapdemo_word_length(bad), len, "\"%s\": bad word length", s);
}

static void flags_bad(const char *s, size_t at, size_t len)
{
	const char *bad = NULL;
	int flags = 12345;

	cr_assert_eq(mapdemo_parse_map_flags(s, &flags, &bad), -EINVAL, "\"%s\" parsed", s);
	cr_assert_eq(flags, 12345);
	cr_assert_eq(bad, s + at, "\"%s\": bad word at %td, not %zu", s, bad - s, at);
	cr_assert_eq(mapdemo_word_length(bad), len, "\"%s\": bad word length", s);
}

Test(names, prot_letters)
{
	cr_assert_eq(prot_of("r"), PROT_READ);
	cr_assert_eq(prot_of("rw"), PROT_READ | PROT_WRITE);
	cr_assert_eq(prot_of("rw-"), PROT_READ | PROT_WRITE);
	cr_assert_eq(prot_of("r-x"), PROT_READ | PROT_EXEC);
	cr_assert_eq(prot_of("rwx"), PROT_READ | PROT_WRITE | PROT_EXEC);
	cr_assert_eq(prot_of("wr"), PROT_READ | PROT_WRITE);
	cr_assert_eq(prot_of("---"), PROT_NONE);
	cr_assert_eq(prot_of("-"), PROT_NONE);
}

Test(names, prot_words_and_numbers)
{
	cr_assert_eq(prot_of("none"), PROT_NONE);
	cr_assert_eq(prot_of("read"), PROT_READ);
	cr_assert_eq(prot_of("read,write"), PROT_READ | PROT_WRITE);
	cr_assert_eq(prot_of("READ|Exec"), PROT_READ | PROT_EXEC);
	cr_assert_eq(prot_of("r,w"), PROT_READ | PROT_WRITE);
	cr_assert_eq(prot_of("3"), PROT_READ | PROT_WRITE);
	cr_assert_eq(prot_of("0x7"), 7);
	cr_assert_eq(prot_of("0"), 0);
	cr_assert_eq(prot_of("rw-|0x1000000"), PROT_READ | PROT_WRITE | 0x1000000);
}

Test(names, prot_bad_word_is_named)
{
	prot_bad("", 0, 0);
	prot_bad("rwz", 0, 3);
	prot_bad("rr", 0, 2);
	prot_bad("rwxr", 0, 4);
	prot_bad("RW", 0, 2);
	prot_bad("read,bogus,write", 5, 5);
	prot_bad("read|wirte", 5, 5);
	prot_bad("read,", 5, 0);
	prot_bad(",read", 0, 0);
	prot_bad("read,,write", 5, 0);
	prot_bad("-1", 0, 2);
	prot_bad("+1", 0, 2);
	prot_bad(" 1", 0, 2);
	prot_bad("0x", 0, 2);
	prot_bad("0x80000000", 0, 10);
	prot_bad("99999999999999999999999", 0, 23);
	prot_bad("1x", 0, 2);
}

Test(names, map_flags)
{
	cr_assert_eq(flags_of("shared"), MAP_SHARED);
	cr_assert_eq(flags_of("private"), MAP_PRIVATE);
	cr_assert_eq(flags_of("shared,populate"), MAP_SHARED | MAP_POPULATE);
	cr_assert_eq(flags_of("PRIVATE|NoReserve|fixed_noreplace"),
		     MAP_PRIVATE | MAP_NORESERVE | MAP_FIXED_NOREPLACE);
	cr_assert_eq(flags_of("shared_validate"), MAP_SHARED_VALIDATE);
	cr_assert_eq(flags_of("private,anonymous,locked,stack,growsdown"),
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED | MAP_STACK |
		     MAP_GROWSDOWN);
#ifdef MAP_32BIT
	cr_assert_eq(flags_of("private,32bit"), MAP_PRIVATE | MAP_32BIT);
#endif
	cr_assert_eq(flags_of("0x22"), MAP_PRIVATE | MAP_ANONYMOUS);
	cr_assert_eq(flags_of("shared|0x40000000"), MAP_SHARED | 0x40000000);
	cr_assert_eq(flags_of("0"), 0);
}

Test(names, map_flags_bad_word_is_named)
{
	flags_bad("", 0, 0);
	flags_bad("shared,bogus", 7, 5);
	flags_bad("shared,populate,MAP_LOCKED", 16, 10);
	flags_bad("shard|populate", 0, 5);
	flags_bad("shared,", 7, 0);
	flags_bad("rw", 0, 2);	/* letters are for PROT only */
	flags_bad("shared populate", 0, 15);
}

Test(names, null_arguments)
{
	const char *bad = "x";
	int v = 5;

	cr_assert_eq(mapdemo_parse_prot(NULL, &v, &bad), -EINVAL);
	cr_assert_null(bad);
	cr_assert_eq(mapdemo_parse_prot("rw", NULL, NULL), -EINVAL);
	cr_assert_eq(mapdemo_parse_map_flags(NULL, &v, NULL), -EINVAL);
	cr_assert_eq(mapdemo_parse_map_flags("shared", NULL, &bad), -EINVAL);
	cr_assert_eq(v, 5);
	cr_assert_eq(mapdemo_word_length(NULL), 0);
	cr_assert_eq(mapdemo_format_prot(0, NULL, 10), -EINVAL);
	cr_assert_eq(mapdemo_format_map_flags(0, NULL, 10), -EINVAL);
	cr_assert_eq(mapdemo_parse_mode(NULL), -EINVAL);
	cr_assert_eq(mapdemo_parse_dma_style(NULL), -EINVAL);
	cr_assert_eq(mapdemo_parse_access(NULL), -EINVAL);
}

Test(names, format_prot)
{
	char buf[32];

	cr_assert_eq(mapdemo_format_prot(PROT_READ | PROT_WRITE, buf, sizeof(buf)), 3);
	cr_assert_str_eq(buf, "rw-");
	cr_assert_eq(mapdemo_format_prot(PROT_NONE, buf, sizeof(buf)), 3);
	cr_assert_str_eq(buf, "---");
	cr_assert_eq(mapdemo_format_prot(PROT_READ | PROT_EXEC, buf, 4), 3);
	cr_assert_str_eq(buf, "r-x");
	cr_assert_eq(mapdemo_format_prot(PROT_READ | 0x1000000, buf, sizeof(buf)), 13);
	cr_assert_str_eq(buf, "r--|0x1000000");
	cr_assert_eq(mapdemo_format_prot(PROT_READ, buf, 3), -ENOSPC);
	cr_assert_str_eq(buf, "");
	cr_assert_eq(mapdemo_format_prot(PROT_READ, buf, 0), -ENOSPC);
}

Test(names, format_map_flags)
{
	char buf[64];

	cr_assert_eq(mapdemo_format_map_flags(MAP_SHARED | MAP_POPULATE, buf, sizeof(buf)), 15);
	cr_assert_str_eq(buf, "shared|populate");
	mapdemo_format_map_flags(MAP_SHARED_VALIDATE, buf, sizeof(buf));
	cr_assert_str_eq(buf, "shared_validate");
	mapdemo_format_map_flags(MAP_PRIVATE | MAP_NORESERVE, buf, sizeof(buf));
	cr_assert_str_eq(buf, "private|noreserve");
	mapdemo_format_map_flags(MAP_PRIVATE | 0x40000000, buf, sizeof(buf));
	cr_assert_str_eq(buf, "private|0x40000000");
	cr_assert_eq(mapdemo_format_map_flags(0, buf, sizeof(buf)), 1);
	cr_assert_str_eq(buf, "0");
	cr_assert_eq(mapdemo_format_map_flags(MAP_SHARED | MAP_POPULATE, buf, 15), -ENOSPC);
	cr_assert_str_eq(buf, "");
	cr_assert_eq(mapdemo_format_map_flags(MAP_SHARED, buf, 7), 6);
	cr_assert_eq(mapdemo_format_map_flags(MAP_SHARED, buf, 6), -ENOSPC);
	cr_assert_eq(mapdemo_format_map_flags(MAP_SHARED, buf, 0), -ENOSPC);
}

/* Every bit pattern formats to a string that parses back to it. */
Test(names, round_trip)
{
	static const int flags[] = {
		MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE, MAP_SHARED | MAP_FIXED,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_NORESERVE,
		MAP_SHARED | MAP_LOCKED | MAP_NONBLOCK | MAP_HUGETLB, 0x7fffffff, 0,
		MAP_PRIVATE | 0x10000000,
	};
	char buf[512];
	size_t i;
	int p;

	for (p = 0; p < 16; p++) {
		int v = p == 15 ? 0x7fffffff : p;

		cr_assert_gt(mapdemo_format_prot(v, buf, sizeof(buf)), 0);
		cr_assert_eq(prot_of(buf), v, "prot %#x -> \"%s\"", v, buf);
	}
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		cr_assert_gt(mapdemo_format_map_flags(flags[i], buf, sizeof(buf)), 0);
		cr_assert_eq(flags_of(buf), flags[i], "flags %#x -> \"%s\"", flags[i], buf);
	}
}

Test(names, enums_both_ways)
{
	cr_assert_eq(mapdemo_parse_mode("zero"), MAPDEMO_MODE_ZERO);
	cr_assert_eq(mapdemo_parse_mode("Sparse"), MAPDEMO_MODE_SPARSE);
	cr_assert_eq(mapdemo_parse_mode("DMA"), MAPDEMO_MODE_DMA);
	cr_assert_eq(mapdemo_parse_mode("zeros"), -EINVAL);
	cr_assert_eq(mapdemo_parse_mode(""), -EINVAL);
	cr_assert_str_eq(mapdemo_mode_name(MAPDEMO_MODE_SPARSE), "sparse");
	cr_assert_null(mapdemo_mode_name(MAPDEMO_MODE_NR));
	cr_assert_null(mapdemo_mode_name(-1));

	cr_assert_eq(mapdemo_parse_dma_style("pfn"), MAPDEMO_DMA_PFN);
	cr_assert_eq(mapdemo_parse_dma_style("page"), MAPDEMO_DMA_PAGE);
	cr_assert_eq(mapdemo_parse_dma_style("Mixed"), MAPDEMO_DMA_MIXED);
	cr_assert_eq(mapdemo_parse_dma_style("pages"), -EINVAL);
	cr_assert_str_eq(mapdemo_dma_style_name(MAPDEMO_DMA_MIXED), "mixed");
	cr_assert_str_eq(mapdemo_dma_style_name(MAPDEMO_DMA_PAGE), "page");
	cr_assert_null(mapdemo_dma_style_name(MAPDEMO_DMA_STYLE_NR));

	cr_assert_eq(mapdemo_parse_access("read"), MAPDEMO_ACCESS_READ);
	cr_assert_eq(mapdemo_parse_access("write"), MAPDEMO_ACCESS_WRITE);
	cr_assert_eq(mapdemo_parse_access("exec"), MAPDEMO_ACCESS_EXEC);
	cr_assert_eq(mapdemo_parse_access("none"), -EINVAL);
	cr_assert_str_eq(mapdemo_access_name(MAPDEMO_ACCESS_EXEC), "exec");
	cr_assert_null(mapdemo_access_name(3));

	cr_assert_str_eq(mapdemo_outcome_name(MAPDEMO_OK), "ok");
	cr_assert_str_eq(mapdemo_outcome_name(MAPDEMO_SIGSEGV), "SIGSEGV");
	cr_assert_str_eq(mapdemo_outcome_name(MAPDEMO_SIGBUS), "SIGBUS");
	cr_assert_null(mapdemo_outcome_name(3));
	cr_assert_null(mapdemo_outcome_name(-1));
}

Test(names, si_codes)
{
	cr_assert_str_eq(mapdemo_code_name(MAPDEMO_SIGSEGV, SEGV_MAPERR), "SEGV_MAPERR");
	cr_assert_str_eq(mapdemo_code_name(MAPDEMO_SIGSEGV, SEGV_ACCERR), "SEGV_ACCERR");
	cr_assert_str_eq(mapdemo_code_name(MAPDEMO_SIGBUS, BUS_ADRERR), "BUS_ADRERR");
	cr_assert_str_eq(mapdemo_code_name(MAPDEMO_SIGBUS, BUS_ADRALN), "BUS_ADRALN");
	cr_assert_str_eq(mapdemo_code_name(MAPDEMO_SIGBUS, BUS_OBJERR), "BUS_OBJERR");
	cr_assert_str_eq(mapdemo_code_name(MAPDEMO_SIGBUS, BUS_MCEERR_AR), "BUS_MCEERR_AR");
	/* the same number means another thing under another signal */
	cr_assert_str_eq(mapdemo_code_name(MAPDEMO_SIGBUS, 1), "BUS_ADRALN");
	cr_assert_str_eq(mapdemo_code_name(MAPDEMO_SIGSEGV, 1), "SEGV_MAPERR");
	cr_assert_null(mapdemo_code_name(MAPDEMO_OK, 0));
	cr_assert_null(mapdemo_code_name(MAPDEMO_SIGSEGV, 0));
	cr_assert_null(mapdemo_code_name(MAPDEMO_SIGBUS, 99));
	cr_assert_null(mapdemo_code_name(7, 1));
}

static uint64_t size_of(const char *s)
{
	uint64_t v = 0;
	int ret = mapdemo_parse_size(s, &v);

	cr_assert_eq(ret, 0, "parse_size(\"%s\"): %d", s, ret);
	return v;
}

static void size_bad(const char *s, int err)
{
	uint64_t v = 77;

	cr_assert_eq(mapdemo_parse_size(s, &v), err, "parse_size(\"%s\")", s);
	cr_assert_eq(v, 77, "parse_size(\"%s\") wrote on failure", s);
}

Test(names, sizes)
{
	cr_assert_eq(size_of("0"), 0);
	cr_assert_eq(size_of("4096"), 4096);
	cr_assert_eq(size_of("010"), 10);
	cr_assert_eq(size_of("0x1000"), 4096);
	cr_assert_eq(size_of("0X10k"), 16384);
	cr_assert_eq(size_of("64K"), 65536);
	cr_assert_eq(size_of("64k"), 65536);
	cr_assert_eq(size_of("64KiB"), 65536);
	cr_assert_eq(size_of("64KB"), 65536);
	cr_assert_eq(size_of("2M"), 2u << 20);
	cr_assert_eq(size_of("3G"), 3ull << 30);
	cr_assert_eq(size_of("1T"), 1ull << 40);
	cr_assert_eq(size_of("18446744073709551615"), UINT64_MAX);
	cr_assert_eq(size_of("16777215T"), 16777215ull << 40);
}

Test(names, bad_sizes)
{
	size_bad(NULL, -EINVAL);
	size_bad("", -EINVAL);
	size_bad("-1", -EINVAL);
	size_bad("+1", -EINVAL);
	size_bad(" 1", -EINVAL);
	size_bad("1 ", -EINVAL);
	size_bad("K", -EINVAL);
	size_bad("1Q", -EINVAL);
	size_bad("1KK", -EINVAL);
	size_bad("1B", -EINVAL);
	size_bad("1iB", -EINVAL);
	size_bad("1.5M", -EINVAL);
	size_bad("0x", -EINVAL);
	size_bad("0x-1", -EINVAL);
	size_bad("0xg", -EINVAL);
	size_bad("18446744073709551616", -ERANGE);
	size_bad("16777216T", -ERANGE);
	size_bad("17179869184G", -ERANGE);
	cr_assert_eq(mapdemo_parse_size("1", NULL), -EINVAL);
}
