/* SPDX-License-Identifier: MIT */
/* libmapdemo internals. */
#ifndef LIBMAPDEMO_INTERNAL_H
#define LIBMAPDEMO_INTERNAL_H

#include <errno.h>

/* The negative errno of the call that just failed. */
static inline int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

#endif
