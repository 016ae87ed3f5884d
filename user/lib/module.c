// SPDX-License-Identifier: MIT
/* Module control through libkmod: load, unload, state. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>

#include <libkmod.h>

#include "libmapdemo.h"
#include "internal.h"

/* A fresh libkmod context per call: no global state, safe in threads. */
static int ctx_new(struct kmod_ctx **ctx)
{
	*ctx = kmod_new(NULL, NULL);
	if (!*ctx)
		return -ENOMEM;
	kmod_set_log_priority(*ctx, 0);	/* the library never prints */
	return 0;
}

static int module_get(struct kmod_ctx *ctx, const char *what,
		      struct kmod_module **mod)
{
	struct kmod_list *list = NULL;
	size_t len = strlen(what);
	int ret;

	/* "mapdemo.ko" in the current directory is a file, as for insmod */
	if (strchr(what, '/') || (len > 3 && !strcmp(what + len - 3, ".ko")))
		return kmod_module_new_from_path(ctx, what, mod);

	ret = kmod_module_new_from_lookup(ctx, what, &list);
	if (ret < 0)
		return ret;
	if (!list)
		return -ENOENT;
	*mod = kmod_module_get_module(list);
	kmod_module_unref_list(list);
	return *mod ? 0 : -ENOENT;
}

int mapdemo_module_load(const char *what, const char *params)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	int ret;

	if (!what)
		what = MAPDEMO_DEVICE_NAME;
	if (!*what)
		return -EINVAL;

	ret = ctx_new(&ctx);
	if (ret)
		return ret;
	ret = module_get(ctx, what, &mod);
	if (ret == 0) {
		ret = kmod_module_insert_module(mod, 0, params);
		/* init_module() reports "already loaded" as EEXIST */
		if (ret > 0)
			ret = -ret;
	}
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
}

static int mapdemo_module_open(struct kmod_ctx **ctx, struct kmod_module **mod)
{
	int ret = ctx_new(ctx);

	if (ret)
		return ret;
	ret = kmod_module_new_from_name(*ctx, MAPDEMO_DEVICE_NAME, mod);
	if (ret < 0)
		kmod_unref(*ctx);
	return ret;
}

/*
 * libkmod's answer as an enum mapdemo_module_state, or its error: -ENOENT
 * (neither /sys/module/mapdemo nor a built-in entry) is the one that means
 * "not loaded"; any other (a /sys that cannot be read, -ENOMEM) is passed
 * on, as the header promises, not taken for "absent".
 */
static int state_of(int initstate)
{
	switch (initstate) {
	case KMOD_MODULE_LIVE:
		return MAPDEMO_MODULE_LIVE;
	case KMOD_MODULE_COMING:
		return MAPDEMO_MODULE_COMING;
	case KMOD_MODULE_GOING:
		return MAPDEMO_MODULE_GOING;
	case KMOD_MODULE_BUILTIN:
		return MAPDEMO_MODULE_BUILTIN;
	case -ENOENT:
		return MAPDEMO_MODULE_ABSENT;
	}
	/* a state newer than this library, as libkmod says of an unknown one */
	return initstate < 0 ? initstate : -EINVAL;
}

int mapdemo_module_state(void)
{
	struct kmod_module *mod;
	struct kmod_ctx *ctx;
	int ret;

	ret = mapdemo_module_open(&ctx, &mod);
	if (ret)
		return ret;
	ret = state_of(kmod_module_get_initstate(mod));
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
}

int mapdemo_module_refcount(void)
{
	struct kmod_module *mod;
	struct kmod_ctx *ctx;
	int ret;

	ret = mapdemo_module_open(&ctx, &mod);
	if (ret)
		return ret;
	ret = kmod_module_get_refcnt(mod);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
}

int mapdemo_module_unload(void)
{
	struct kmod_module *mod;
	struct kmod_ctx *ctx;
	int ret, state;

	state = mapdemo_module_state();
	if (state < 0)
		return state;
	if (state == MAPDEMO_MODULE_ABSENT)
		return -ENOENT;
	if (state == MAPDEMO_MODULE_BUILTIN)
		return -EPERM;

	ret = mapdemo_module_open(&ctx, &mod);
	if (ret)
		return ret;
	/*
	 * The kernel decides: no look at the reference count first, which
	 * could change before delete_module(2) and would hide its answer.
	 * Without waiting (O_NONBLOCK), a module in use is EWOULDBLOCK;
	 * say what it means, as rmmod does.
	 */
	ret = kmod_module_remove_module(mod, KMOD_REMOVE_NOWAIT);
	if (ret == -EAGAIN)
		ret = -EBUSY;
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
}
