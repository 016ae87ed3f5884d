// SPDX-License-Identifier: MIT
/*
 * The behaviour matrix on the running kernel against tests/matrix.expected,
 * the one data file that says what every supported kernel answers: every
 * cell that differs is named.  The file is built into the test (.incbin)
 * so that the guest needs nothing beside it.
 *
 * The file's lines (# starts a comment):
 *   kinds KIND...                 the columns of the rows below
 *   CONSUMER VALUE...             6.1's answer for each kind
 *   since X.Y CONSUMER KIND VALUE -- REASON
 *                                 from kernel X.Y on (the change named)
 *   without FEATURE CONSUMER KIND VALUE -- REASON
 *                                 where the kernel lacks FEATURE: thp,
 *                                 ksm, memory-failure or userfaultfd (its
 *                                 flavour's configuration)
 * KIND may be * for every kind.  Overrides apply in the file's order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

__asm__(".section .rodata\n"
	".global matrix_expected\n"
	"matrix_expected:\n"
	".incbin \"tests/matrix.expected\"\n"
	".byte 0\n"
	".previous\n");
extern const char matrix_expected[];

#define MAX_KINDS	32
#define MAX_CONSUMERS	128
#define ERRORS_MAX	16384

struct table {
	char cell[MAX_CONSUMERS][MAX_KINDS][MAPDEMO_CELL_NAME_MAX];
	int nkinds, nconsumers;
	char errors[ERRORS_MAX];
	size_t errlen;
};

static struct table t;

static void error(int line, const char *fmt, const char *arg)
{
	t.errlen += (size_t)snprintf(t.errors + t.errlen,
				     t.errlen < ERRORS_MAX ? ERRORS_MAX - t.errlen : 0,
				     "tests/matrix.expected:%d: %s '%s'\n", line, fmt, arg);
	if (t.errlen > ERRORS_MAX)
		t.errlen = ERRORS_MAX;
}

static bool feature(const char *name, bool *known)
{
	*known = true;
	if (!strcmp(name, "thp"))
		return !access("/sys/kernel/mm/transparent_hugepage", F_OK);
	if (!strcmp(name, "ksm"))
		return !access("/sys/kernel/mm/ksm", F_OK);
	if (!strcmp(name, "memory-failure"))
		return !access("/proc/sys/vm/memory_failure_recovery", F_OK);
	/* the sysctl exists exactly where the system call does */
	if (!strcmp(name, "userfaultfd"))
		return !access("/proc/sys/vm/unprivileged_userfaultfd", F_OK);
	*known = false;
	return false;
}

/* Set @consumer's cell of @kind ("*": every kind) to @value. */
static void set_cell(int line, const char *consumer, const char *kind,
		     const char *value)
{
	int c = mapdemo_matrix_parse_consumer(consumer);
	int k = kind && strcmp(kind, "*") ? mapdemo_matrix_parse_kind(kind) : -1;
	int i;

	if (c < 0)
		return error(line, "no such consumer", consumer);
	if (!kind || (k < 0 && strcmp(kind, "*")))
		return error(line, "no such kind", kind ? kind : "");
	for (i = 0; i < t.nkinds; i++)
		if (k < 0 || i == k)
			snprintf(t.cell[c][i], MAPDEMO_CELL_NAME_MAX, "%s", value);
}

#define MAX_WORDS	(MAX_KINDS + 2)

/* Read the data file into the table this kernel should show. */
static void load_expected(void)
{
	char *text = strdup(matrix_expected), *next, *l;
	int cols[MAX_KINDS], ncols = 0, line = 0, c, k;

	cr_assert_not_null(text);
	memset(&t, 0, sizeof(t));
	t.nkinds = mapdemo_matrix_kinds();
	t.nconsumers = mapdemo_matrix_consumers();
	cr_assert(t.nkinds <= MAX_KINDS && t.nconsumers <= MAX_CONSUMERS);
	for (l = text; l; l = next) {
		char *nl = strchr(l, '\n'), *w[MAX_WORDS], *s = NULL, *cut;
		int n = 0;

		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		line++;
		cut = strchr(l, '#');
		if (cut)
			*cut = '\0';
		cut = strstr(l, " -- ");	/* the reason is for people */
		if (cut)
			*cut = '\0';
		for (w[n] = strtok_r(l, " \t", &s); w[n] && n < MAX_WORDS - 1;
		     w[++n] = strtok_r(NULL, " \t", &s))
			;
		if (!n)
			continue;
		if (!strcmp(w[0], "kinds")) {
			for (ncols = 0; ncols + 1 < n; ncols++) {
				cols[ncols] = mapdemo_matrix_parse_kind(w[ncols + 1]);
				if (cols[ncols] < 0)
					error(line, "no such kind", w[ncols + 1]);
			}
		} else if (strcmp(w[0], "since") && strcmp(w[0], "without")) {
			c = mapdemo_matrix_parse_consumer(w[0]);
			if (c < 0) {
				error(line, "no such consumer", w[0]);
				continue;
			}
			if (n != ncols + 1) {
				error(line, "not one cell a kind for", w[0]);
				continue;
			}
			for (k = 0; k < ncols; k++)
				if (cols[k] >= 0)
					snprintf(t.cell[c][cols[k]],
						 MAPDEMO_CELL_NAME_MAX, "%s",
						 w[k + 1]);
		} else if (n != 5) {
			error(line, "not WORD SERIES-OR-FEATURE CONSUMER KIND VALUE:",
			      w[0]);
		} else if (!strcmp(w[0], "since")) {
			unsigned int ma, mi;

			if (sscanf(w[1], "%u.%u", &ma, &mi) != 2)
				error(line, "not a kernel series", w[1]);
			else if (kernel_at_least(ma, mi))
				set_cell(line, w[2], w[3], w[4]);
		} else {
			bool known, has = feature(w[1], &known);

			if (!known)
				error(line, "no such feature", w[1]);
			else if (!has)
				set_cell(line, w[2], w[3], w[4]);
		}
	}
	free(text);
	for (c = 0; c < t.nconsumers; c++)
		for (k = 0; k < t.nkinds; k++)
			if (!t.cell[c][k][0])
				t.errlen += (size_t)snprintf(t.errors + t.errlen,
					t.errlen < ERRORS_MAX ? ERRORS_MAX - t.errlen : 0,
					"tests/matrix.expected: no cell for %s x %s\n",
					mapdemo_matrix_consumer_name(c),
					mapdemo_matrix_kind_name(k));
	if (t.errlen > ERRORS_MAX)
		t.errlen = ERRORS_MAX;
}

/* brd, a RAM disk, for the O_DIRECT cells (as the dma tests use it). */
static const char *ramdisk(void)
{
	int ret = mapdemo_module_load("brd", "rd_nr=1 rd_size=8192");

	cr_assert(ret == 0 || ret == -EEXIST, "load brd: %s", strerror(-ret));
	return "/dev/ram0";
}

Test(matrix, the_data_file_names_every_cell_the_library_runs)
{
	load_expected();
	cr_assert_eq(t.errlen, 0, "%s", t.errors);
}

Test(matrix, every_cell_is_what_this_kernel_answers, .timeout = 600)
{
	struct mapdemo_matrix_config config = {
		.block_device = ramdisk(),
		.flags = MAPDEMO_MATRIX_OFFLINE,
	};
	char got[MAPDEMO_CELL_NAME_MAX];
	int c, k, ret, wrong = 0;

	load_expected();
	cr_assert_eq(t.errlen, 0, "%s", t.errors);
	for (c = 0; c < t.nconsumers; c++) {
		for (k = 0; k < t.nkinds; k++) {
			struct mapdemo_cell cell;

			ret = mapdemo_matrix_cell(&config, k, c, &cell);
			cr_assert_eq(ret, 0, "%s x %s: %s",
				     mapdemo_matrix_consumer_name(c),
				     mapdemo_matrix_kind_name(k), strerror(-ret));
			cr_assert_gt(mapdemo_cell_format(&cell, got, sizeof(got)), 0);
			if (!strcmp(got, t.cell[c][k]))
				continue;
			wrong++;
			t.errlen += (size_t)snprintf(t.errors + t.errlen,
				t.errlen < ERRORS_MAX ? ERRORS_MAX - t.errlen : 0,
				"%s x %s: %s, expected %s\n",
				mapdemo_matrix_consumer_name(c),
				mapdemo_matrix_kind_name(k), got, t.cell[c][k]);
			if (t.errlen > ERRORS_MAX)
				t.errlen = ERRORS_MAX;
		}
	}
	cr_assert_eq(wrong, 0, "%d cells differ from tests/matrix.expected:\n%s",
		     wrong, t.errors);
	cr_assert_eq(device_stats().vmas_live, 0);
}
