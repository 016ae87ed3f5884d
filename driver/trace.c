// SPDX-License-Identifier: GPL-2.0
/* The one place the driver's tracepoints (trace.h) are made. */
#define CREATE_TRACE_POINTS
#include "trace.h"
