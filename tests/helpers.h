/* SPDX-License-Identifier: MIT */
/* Shared helpers of the in-guest tests. */
#ifndef MAPDEMO_TEST_HELPERS_H
#define MAPDEMO_TEST_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <criterion/criterion.h>

#include "libmapdemo.h"

/* The running kernel's page size (sysconf): 4 KiB on amd64, 4 or 16 KiB on arm64. */
extern size_t page_size;
/*
 * What one PMD maps: a page table is one page of 8-byte entries, so
 * page_size * page_size / 8: 2 MiB on 4 KiB pages, 32 MiB on 16 KiB
 * (arm64-16k), 512 MiB on 64 KiB.
 */
extern size_t pmd_size;

/* Open /dev/mapdemo with @oflags in @mode; the test fails if it cannot. */
struct mapdemo_device open_dev(int oflags, int mode);

/* mmap() the device, returning MAP_FAILED with errno set on failure. */
void *map_dev(struct mapdemo_device *dev, size_t len, int prot, int flags,
	      off_t off);

struct mapdemo_stats dev_stats(struct mapdemo_device *dev, int scope);

/* The whole device's counters, through a file of its own. */
struct mapdemo_stats device_stats(void);

/* Count bytes in [p, p+len) that differ from @val. */
size_t count_not(const void *p, size_t len, uint8_t val);

/* Probe one page; returns its result (the test fails if probing fails). */
struct mapdemo_probe_result probe_page(void *page, int access);

/* Run @fn(arg) in a fork child; returns its exit status (0-255). */
int in_child(int (*fn)(void *), void *arg);

/*
 * Is the running kernel @major.@minor or later?  For the tests that
 * assert what each kernel answers where an upstream change moved it.
 */
bool kernel_at_least(unsigned int major, unsigned int minor);
/* The kernel has transparent huge pages: PMD mappings (not PREEMPT_RT). */
bool kernel_maps_pmds(void);

#define TRACEFS "/sys/kernel/tracing"
/* Mount tracefs where it is not yet. */
void tracefs_ready(void);
/* Write @val to TRACEFS/@file, truncating it. */
void tracefs_put(const char *file, const char *val);
/* The whole of TRACEFS/trace, NUL-terminated; free() it. */
char *tracefs_read_trace(void);

#endif
