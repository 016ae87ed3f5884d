// SPDX-License-Identifier: MIT
/*
 * mapdemo_module_state() passes libkmod's errors on as the negative errno
 * the header promises; only "no such module" (-ENOENT) is
 * MAPDEMO_MODULE_ABSENT.
 *
 * This program defines kmod_module_get_initstate() itself: the library's
 * call to it binds to this definition rather than libkmod's, so each test
 * chooses what libkmod answers.
 */
#include <errno.h>

#include <criterion/criterion.h>
#include <libkmod.h>

#include "libmapdemo.h"

static int initstate_answer;

int kmod_module_get_initstate(const struct kmod_module *mod)
{
	(void)mod;
	return initstate_answer;
}

Test(kmod_state, errors_are_negative_errnos)
{
	static const int errs[] = { -EACCES, -EIO, -ENOMEM, -EINVAL, -EPERM };
	size_t i;

	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		initstate_answer = errs[i];
		cr_expect_eq(mapdemo_module_state(), errs[i],
			     "libkmod said %d, mapdemo_module_state() said %d",
			     errs[i], mapdemo_module_state());
	}
}

Test(kmod_state, enoent_is_absent)
{
	initstate_answer = -ENOENT;
	cr_assert_eq(mapdemo_module_state(), MAPDEMO_MODULE_ABSENT);
}

Test(kmod_state, states_map_one_to_one)
{
	initstate_answer = KMOD_MODULE_LIVE;
	cr_expect_eq(mapdemo_module_state(), MAPDEMO_MODULE_LIVE);
	initstate_answer = KMOD_MODULE_COMING;
	cr_expect_eq(mapdemo_module_state(), MAPDEMO_MODULE_COMING);
	initstate_answer = KMOD_MODULE_GOING;
	cr_expect_eq(mapdemo_module_state(), MAPDEMO_MODULE_GOING);
	initstate_answer = KMOD_MODULE_BUILTIN;
	cr_expect_eq(mapdemo_module_state(), MAPDEMO_MODULE_BUILTIN);
	/* a state this libkmod does not know yet is an error, not "absent" */
	initstate_answer = 42;
	cr_expect_lt(mapdemo_module_state(), 0);
}

Test(kmod_state, unload_passes_the_error_on)
{
	initstate_answer = -EACCES;
	cr_assert_eq(mapdemo_module_unload(), -EACCES);
	initstate_answer = -ENOENT;
	cr_assert_eq(mapdemo_module_unload(), -ENOENT);
}
