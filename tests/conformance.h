/* SPDX-License-Identifier: MIT */
/*
 * The conformance suite (tests/conformance_*_test.c) runs every test once
 * per mapping mode listed in conformance.c; a mode joins by one line there.
 */
#ifndef MAPDEMO_CONFORMANCE_H
#define MAPDEMO_CONFORMANCE_H

#include <criterion/parameterized.h>

#include "helpers.h"

struct criterion_test_params conf_mode_params(void);

/*
 * After each test: the sparse buffer emptied again, so that the tests
 * that follow see pages_live count only their own pages.
 */
void conf_fini(void);

/* A test run for each mode; the body sees `int mode`. */
#define MODE_TEST(suite, name)						\
	ParameterizedTestParameters(suite, name)			\
	{								\
		return conf_mode_params();				\
	}								\
	static void suite##_##name##_body(int mode);			\
	ParameterizedTest(int *m, suite, name, .fini = conf_fini)	\
	{								\
		suite##_##name##_body(*m);				\
	}								\
	static void suite##_##name##_body(int mode)

/* Open the device in @mode; a sparse buffer is reset so it reads zero. */
struct mapdemo_device conf_open(int mode, int oflags);

/* mmap() @len of @dev at offset 0 (the test fails if it cannot). */
char *conf_map(struct mapdemo_device *dev, size_t len, int prot, int flags);

/* The "rwxp" field of /proc/self/maps for the mapping holding @addr. */
void maps_perms(const void *addr, char perms[5]);

/* Whether /proc/self/pagemap says the page at @addr is present. */
int page_present(const void *addr);

/* A field of /proc/self/status in kB, e.g. "VmLck". */
long status_kb(const char *field);

/* Minor faults taken by this process so far. */
long minor_faults(void);

#endif
