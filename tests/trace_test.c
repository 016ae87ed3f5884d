// SPDX-License-Identifier: MIT
/*
 * The driver's fault tracepoints (events/mapdemo/ in tracefs): enabled
 * for a known access pattern in every mode, each event's count in the
 * trace equals the device counter of the same name over the same run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dma_util.h"




/* Occurrences of "mapdemo_@name:" in the trace. */
static unsigned long count_event(const char *trace, const char *name)
{
	char needle[64];
	unsigned long n = 0;
	const char *p = trace;

	snprintf(needle, sizeof(needle), " mapdemo_%s:", name);
	while ((p = strstr(p, needle))) {
		n++;
		p += strlen(needle);
	}
	return n;
}


/* Every kind of fault event the driver has, at least once each. */
static void access_pattern(void)
{
	struct mapdemo_device zero = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	struct mapdemo_device sparse = open_dev(O_RDWR, MAPDEMO_MODE_SPARSE);
	struct mapdemo_device dma = open_dma(O_RDWR, MAPDEMO_DMA_PFN);
	size_t huge = HUGE_SZ, i;
	volatile char *p;

	/* zero: 4 shared write faults, 2 private reads, 2 private writes (cow) */
	p = map_dev(&zero, 4 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	for (i = 0; i < 4; i++)
		p[i * page_size] = 1;
	munmap((void *)p, 4 * page_size);
	p = map_dev(&zero, 4 * page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	cr_assert_neq(p, MAP_FAILED);
	(void)p[0];
	(void)p[page_size];
	p[2 * page_size] = 1;
	p[3 * page_size] = 1;
	munmap((void *)p, 4 * page_size);

	/* sparse: populate 16 pages, read them back in batches, mkwrite, SIGBUS */
	cr_assert_eq(mapdemo_resize(&sparse, 32 * page_size), 0);
	cr_assert_eq(mapdemo_reset(&sparse), 0);
	p = map_dev(&sparse, 16 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	for (i = 0; i < 16; i++)
		(void)p[i * page_size];
	for (i = 0; i < 16; i++)
		p[i * page_size] = 2;
	munmap((void *)p, 16 * page_size);
	p = map_dev(&sparse, 16 * page_size, PROT_READ, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	for (i = 0; i < 16; i++)
		(void)p[i * page_size];
	munmap((void *)p, 16 * page_size);
	p = map_dev(&sparse, 34 * page_size, PROT_READ, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(probe_page((void *)(p + 33 * page_size),
				MAPDEMO_ACCESS_READ).outcome, MAPDEMO_SIGBUS);
	munmap((void *)p, 34 * page_size);
	cr_assert_eq(mapdemo_resize(&sparse, 16ULL << 20), 0);
	cr_assert_eq(mapdemo_reset(&sparse), 0);

	/* dma pfn: a PMD where the kernel has THP, pages elsewhere */
	p = map_dev(&dma, huge, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	for (i = 0; i < huge; i += page_size)
		(void)p[i];
	munmap((void *)p, huge);

	mapdemo_device_close(&zero);
	mapdemo_device_close(&sparse);
	mapdemo_device_close(&dma);
}

Test(trace, events_match_the_counters, .init = dma_two_pmds,
     .fini = dma_default_module)
{
	struct mapdemo_stats a, b;
	char *trace;
	size_t i;

	tracefs_ready();
	tracefs_put("tracing_on", "0");
	tracefs_put("trace", "");
	tracefs_put("buffer_size_kb", "4096");
	tracefs_put("events/mapdemo/enable", "1");
	tracefs_put("tracing_on", "1");
	a = device_stats();
	access_pattern();
	b = device_stats();
	tracefs_put("tracing_on", "0");
	tracefs_put("events/mapdemo/enable", "0");
	trace = tracefs_read_trace();

	const struct {
		const char *name;
		unsigned long want;
	} ev[] = {
		{ "fault", b.faults - a.faults },
		{ "map_pages", b.fault_around - a.fault_around },
		{ "huge_fault", b.huge_faults - a.huge_faults },
		{ "cow", b.cow - a.cow },
		{ "mkwrite", b.mkwrite - a.mkwrite },
		{ "sigbus", b.sigbus - a.sigbus },
	};

	for (i = 0; i < sizeof(ev) / sizeof(ev[0]); i++)
		cr_assert_eq(count_event(trace, ev[i].name), ev[i].want,
			     "mapdemo:%s: %lu in the trace, the counter says %lu",
			     ev[i].name, count_event(trace, ev[i].name),
			     ev[i].want);
	/* the pattern made each kind happen (PMDs only where THP is) */
	cr_assert_geq(ev[0].want, 4 + 4 + 16 + 1);
	cr_assert_gt(ev[1].want, 0, "no fault-around batch");
	cr_assert_eq(ev[2].want, kernel_maps_pmds() ? 1 : 0);
	cr_assert_eq(ev[3].want, 2);
	cr_assert_eq(ev[4].want, 16);
	cr_assert_eq(ev[5].want, 1);
	cr_assert(strstr(trace, "mode=zero") && strstr(trace, "mode=sparse") &&
		  strstr(trace, "mode=dma"), "every mode named");
	free(trace);
}
