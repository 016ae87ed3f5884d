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

int mapdemo_module_state(void)
{
	struct kmod_module *mod;
	struct kmod_ctx *ctx;
	int ret;

	ret = mapdemo_module_open(&ctx, &mod);
	if (ret)
		return ret;
	switch (kmod_module_get_initstate(mod)) {
	case KMOD_MODULE_LIVE:
		ret = MAPDEMO_MODULE_LIVE;
		break;
	case KMOD_MODULE_COMING:
		ret = MAPDEMO_MODULE_COMING;
		break;
	case KMOD_MODULE_GOING:
		ret = MAPDEMO_MODULE_GOING;
		break;
	case KMOD_MODULE_BUILTIN:
		ret = MAPDEMO_MODULE_BUILTIN;
		break;
	default:
		ret = MAPDEMO_MODULE_ABSENT;
		break;
	}
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
	 * delete_module(2) answers a module in use with EWOULDBLOCK; say
	 * what it means, as rmmod does.
	 */
	if (kmod_module_get_refcnt(mod) > 0) {
		ret = -EBUSY;
	} else {
		ret = kmod_module_remove_module(mod, KMOD_REMOVE_NOWAIT);
		if (ret == -EAGAIN)
			ret = -EBUSY;
	}
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
}
