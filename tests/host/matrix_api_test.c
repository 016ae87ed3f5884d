// SPDX-License-Identifier: MIT
/*
 * The behaviour matrix's API on the host: bad input, names both ways, the
 * cell's text, and the reference kinds (which need no module) run for
 * real, with a caller whose own handlers must not run.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "libmapdemo.h"

Test(matrix_api, bad_input_is_einval)
{
	struct mapdemo_matrix_config bad = { .reserved = { [4] = 1 } };
	struct mapdemo_matrix_config badflag = { .flags = 0x80 };
	int anon = mapdemo_matrix_parse_kind("anon");
	int read = mapdemo_matrix_parse_consumer("read");
	struct mapdemo_cell cell;

	cr_assert_geq(anon, 0);
	cr_assert_geq(read, 0);
	cr_expect_eq(mapdemo_matrix_cell(NULL, anon, read, NULL), -EINVAL);
	cr_expect_eq(mapdemo_matrix_cell(NULL, -1, read, &cell), -EINVAL);
	cr_expect_eq(mapdemo_matrix_cell(NULL, mapdemo_matrix_kinds(), read, &cell), -EINVAL);
	cr_expect_eq(mapdemo_matrix_cell(NULL, anon, mapdemo_matrix_consumers(), &cell), -EINVAL);
	cr_expect_eq(mapdemo_matrix_cell(&bad, anon, read, &cell), -EINVAL);
	cr_expect_eq(mapdemo_matrix_cell(&badflag, anon, read, &cell), -EINVAL);
	cr_expect_eq(mapdemo_matrix_parse_kind(NULL), -EINVAL);
	cr_expect_eq(mapdemo_matrix_parse_kind("no-such-kind"), -EINVAL);
	cr_expect_eq(mapdemo_matrix_parse_consumer(NULL), -EINVAL);
	cr_expect_eq(mapdemo_matrix_parse_consumer("read-ish"), -EINVAL);
	cr_expect_null(mapdemo_matrix_kind_name(-1));
	cr_expect_null(mapdemo_matrix_consumer_name(mapdemo_matrix_consumers()));
	cr_expect_eq(mapdemo_cell_format(NULL, (char[8]){ 0 }, 8), -EINVAL);
	cr_expect_eq(mapdemo_cell_format(&cell, NULL, 8), -EINVAL);
}

Test(matrix_api, every_name_reads_back_to_its_number)
{
	int i;

	cr_assert_gt(mapdemo_matrix_kinds(), 10);
	cr_assert_gt(mapdemo_matrix_consumers(), 50);
	for (i = 0; i < mapdemo_matrix_kinds(); i++)
		cr_expect_eq(mapdemo_matrix_parse_kind(mapdemo_matrix_kind_name(i)), i);
	for (i = 0; i < mapdemo_matrix_consumers(); i++)
		cr_expect_eq(mapdemo_matrix_parse_consumer(mapdemo_matrix_consumer_name(i)), i);
	cr_expect_eq(mapdemo_matrix_parse_kind("DMA-PFN-2M"), mapdemo_matrix_parse_kind("dma-pfn-2m"));
}

static void format_is(const struct mapdemo_cell *cell, const char *want)
{
	char buf[MAPDEMO_CELL_NAME_MAX];

	cr_expect_eq(mapdemo_cell_format(cell, buf, sizeof(buf)), (int)strlen(want));
	cr_expect_str_eq(buf, want);
}

Test(matrix_api, cells_print_as_the_table_shows_them)
{
	char small[4] = "xyz";

	format_is(&(struct mapdemo_cell){ .outcome = MAPDEMO_CELL_OK }, "ok");
	format_is(&(struct mapdemo_cell){ .outcome = MAPDEMO_CELL_ERRNO, .error = EOPNOTSUPP },
		  "EOPNOTSUPP");
	format_is(&(struct mapdemo_cell){ .outcome = MAPDEMO_CELL_SIGNAL, .signo = SIGBUS,
					  .code = BUS_ADRERR }, "SIGBUS/BUS_ADRERR");
	format_is(&(struct mapdemo_cell){ .outcome = MAPDEMO_CELL_SIGNAL, .signo = SIGALRM },
		  "SIGALRM");
	format_is(&(struct mapdemo_cell){ .outcome = MAPDEMO_CELL_BYTES }, "bytes");
	format_is(&(struct mapdemo_cell){ .outcome = MAPDEMO_CELL_SKIPPED }, "-");
	cr_expect_eq(mapdemo_cell_format(&(struct mapdemo_cell){ .outcome = 9 }, small, 4), -EINVAL);
	cr_expect_eq(mapdemo_cell_format(&(struct mapdemo_cell){ .outcome = MAPDEMO_CELL_ERRNO,
								 .error = EINVAL }, small, 4), -ENOSPC);
	cr_expect_str_eq(small, "");
}

static volatile sig_atomic_t caller_handler_ran;

static void caller_handler(int sig)
{
	(void)sig;
	caller_handler_ran = 1;
}

static struct mapdemo_cell cell_of(const char *kind, const char *consumer,
				   const struct mapdemo_matrix_config *config)
{
	struct mapdemo_cell cell;
	int ret = mapdemo_matrix_cell(config, mapdemo_matrix_parse_kind(kind),
				      mapdemo_matrix_parse_consumer(consumer), &cell);

	cr_assert_eq(ret, 0, "%s x %s: %s", kind, consumer, strerror(-ret));
	return cell;
}

/* What holds for anonymous memory on any kernel since 5.x. */
Test(matrix_api, anonymous_memory_takes_every_ordinary_consumer)
{
	static const char *const works[] = {
		"read", "write", "process-vm-readv", "process-vm-writev",
		"proc-mem-read", "proc-mem-write", "ptrace-peekdata",
		"ptrace-pokedata", "vmsplice-to-pipe", "vmsplice-from-pipe",
		"pipe-write-from", "pipe-read-into", "futex-private",
		"futex-shared", "madvise-dontneed", "madvise-free",
		"mprotect-exec", "mremap-grow", "mremap-move", "fork",
		"mincore", "mmap-growsdown",
	};
	struct sigaction sa = { .sa_handler = caller_handler }, old[2];
	size_t i;

	sigaction(SIGSEGV, &sa, &old[0]);
	sigaction(SIGBUS, &sa, &old[1]);
	for (i = 0; i < sizeof(works) / sizeof(works[0]); i++)
		cr_expect_eq(cell_of("anon", works[i], NULL).outcome, MAPDEMO_CELL_OK,
			     "anon x %s", works[i]);
	/* a private anonymous mapping has nothing to punch a hole in */
	cr_expect_eq(cell_of("anon", "madvise-remove", NULL).error, EINVAL);
	/* not asked for */
	cr_expect_eq(cell_of("anon", "madvise-soft-offline", NULL).outcome,
		     MAPDEMO_CELL_SKIPPED);
	/* nor the poison, which only MAPDEMO_MATRIX_OFFLINE allows */
	cr_expect_eq(cell_of("anon", "madvise-hwpoison", NULL).outcome,
		     MAPDEMO_CELL_SKIPPED);
	cr_expect_eq(cell_of("memfd", "odirect-read", NULL).outcome,
		     MAPDEMO_CELL_SKIPPED);
	sigaction(SIGSEGV, &old[0], NULL);
	sigaction(SIGBUS, &old[1], NULL);
	cr_expect_eq(caller_handler_ran, 0);
}

Test(matrix_api, the_device_kinds_without_the_module_are_enoent)
{
	struct mapdemo_matrix_config config = { .device = "/nonexistent/mapdemo" };
	struct mapdemo_cell cell;

	cr_expect_eq(mapdemo_matrix_cell(&config, mapdemo_matrix_parse_kind("zero-private"),
					 mapdemo_matrix_parse_consumer("read"), &cell),
		     -ENOENT);
}
