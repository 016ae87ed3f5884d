// SPDX-License-Identifier: MIT
/* The release of the library that is running. */
#include "libmapdemo.h"

int mapdemo_version(void)
{
	return MAPDEMO_VERSION;
}
