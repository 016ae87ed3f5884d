// SPDX-License-Identifier: MIT
/* The module's lifetime: it cannot go while a mapping holds it. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helpers.h"

Test(module, unload_busy_while_mapped)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	struct mapdemo_stats st;
	size_t len = 4 * page_size;
	int ret;
	char *p;

	cr_assert_eq(mapdemo_module_state(), MAPDEMO_MODULE_LIVE);
	p = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	memset(p, 0xee, len);
	/* the mapping alone holds the module once the fd is closed */
	mapdemo_device_close(&dev);
	cr_assert_gt(mapdemo_module_refcount(), 0, "the mapping holds no reference");
	/*
	 * The kernel's own refusal, with no library in the way: what
	 * rmmod's delete_module(2) without waiting gets.
	 */
	errno = 0;
	ret = (int)syscall(SYS_delete_module, MAPDEMO_DEVICE_NAME, O_NONBLOCK);
	cr_assert(ret == -1 && errno == EWOULDBLOCK,
		  "delete_module with a live mapping: %d (%s), not EWOULDBLOCK",
		  ret, strerror(errno));
	cr_assert_eq(mapdemo_module_state(), MAPDEMO_MODULE_LIVE);
	cr_assert_eq(count_not(p, len, 0xee), 0, "the mapping lost its bytes");
	/* and the library reports that refusal as EBUSY */
	ret = mapdemo_module_unload();
	cr_assert_eq(ret, -EBUSY, "unload with a live mapping: %s", strerror(-ret));
	cr_assert_eq(mapdemo_module_state(), MAPDEMO_MODULE_LIVE);
	cr_assert_eq(count_not(p, len, 0xee), 0, "the mapping lost its bytes");

	cr_assert_eq(munmap(p, len), 0);
	st = device_stats();
	cr_assert_eq(st.pages_live, 0);
	cr_assert_eq(st.vmas_live, 0);
	ret = mapdemo_module_unload();
	cr_assert_eq(ret, 0, "unload once unmapped: %s", strerror(-ret));
	cr_assert_eq(mapdemo_module_state(), MAPDEMO_MODULE_ABSENT);
	cr_assert_eq(mapdemo_module_unload(), -ENOENT);
	cr_assert_eq(access(MAPDEMO_DEFAULT_PATH, F_OK), -1);

	/* leave it loaded for the tests that follow */
	ret = mapdemo_module_load(NULL, NULL);
	cr_assert_eq(ret, 0, "reload: %s", strerror(-ret));
	cr_assert_eq(mapdemo_module_load(NULL, NULL), -EEXIST);
}

Test(module, unload_busy_while_open)
{
	struct mapdemo_device dev = open_dev(O_RDONLY, MAPDEMO_MODE_DEFAULT);

	cr_assert_eq(mapdemo_module_unload(), -EBUSY);
	mapdemo_device_close(&dev);
}

Test(module, bad_parameter_refused)
{
	int ret;

	cr_assert_eq(mapdemo_module_unload(), 0);
	ret = mapdemo_module_load(NULL, "mode=bogus");
	cr_assert_eq(ret, -EINVAL, "mode=bogus: %s", strerror(-ret));
	ret = mapdemo_module_load("/nonexistent/mapdemo.ko", NULL);
	cr_assert_eq(ret, -ENOENT, "missing file: %s", strerror(-ret));
	cr_assert_eq(mapdemo_module_load(NULL, NULL), 0);
}
