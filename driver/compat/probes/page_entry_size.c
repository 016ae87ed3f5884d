// SPDX-License-Identifier: GPL-2.0
/*
 * Before 6.6 ("mm: remove enum page_entry_size") ->huge_fault took an
 * enum page_entry_size.  Probed by the enum itself: a handler taking an
 * unsigned int order compiles against either (the enum is an unsigned
 * int to gcc), and would be called with PE_SIZE_PMD (1) for a PMD.
 */
#include <linux/mm.h>

const enum page_entry_size mapdemo_probe_size = PE_SIZE_PMD;
