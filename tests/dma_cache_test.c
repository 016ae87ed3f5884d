// SPDX-License-Identifier: MIT
/*
 * dma mode's cache attribute (MAPDEMO_IOC_SET_DMA_CACHE) and the device's
 * coherence (MAPDEMO_INFO_DMA_COHERENT), for the device the guest has:
 * x86's, always coherent; arm64's own platform device, not coherent; or
 * a device-tree node with or without "dma-coherent" (the harness's
 * DMA_DT=coherent|noncoherent, told to the guest as MAPDEMO_DMA_DT).
 *
 * QEMU models no caches: a missing sync never shows as a wrong byte in
 * this guest, coherent or not, so no byte test here can catch one.  What
 * can be checked is that the syncs happen, on the right ranges, in the
 * right direction: the driver's mapdemo_dma_sync event for each, and,
 * where the kernel has its own dma:dma_sync_single_* events (6.12 on),
 * that the DMA API did maintenance for a non-coherent device and skipped
 * it for a coherent one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dma_util.h"


/* Is the guest's DMA device expected to be coherent? */
static bool want_coherent(void)
{
	const char *dt = getenv("MAPDEMO_DMA_DT");

	if (dt && !strcmp(dt, "coherent"))
		return true;
	if (dt && !strcmp(dt, "noncoherent"))
		return false;
#if defined(__aarch64__)
	return false;	/* the driver's own device: arm64's default */
#else
	return true;	/* x86: every device is */
#endif
}

static struct mapdemo_info dev_info(struct mapdemo_device *dev)
{
	struct mapdemo_info info;

	cr_assert_eq(mapdemo_info(dev, &info), 0);
	return info;
}

Test(dma_cache, info_tells_coherence_and_the_attribute)
{
	struct mapdemo_device dev = open_dma(O_RDWR, MAPDEMO_DMA_PFN);
	struct mapdemo_info info = dev_info(&dev);

	cr_assert_eq(!!(info.flags & MAPDEMO_INFO_DMA_COHERENT), want_coherent(),
		     "coherent flag %d, expected %d (MAPDEMO_DMA_DT=%s)",
		     !!(info.flags & MAPDEMO_INFO_DMA_COHERENT), want_coherent(),
		     getenv("MAPDEMO_DMA_DT") ?: "unset");
	cr_assert_eq(info.dma_cache, MAPDEMO_DMA_CACHED);
	cr_assert_eq(info.reserved32, 0);
	cr_assert_eq(info.reserved[0] | info.reserved[1] | info.reserved[2], 0);
	mapdemo_device_close(&dev);
}

/* WC and UNCACHED exactly where the device is not coherent; fixed by mmap */
Test(dma_cache, choice_per_file_until_first_mmap)
{
	int want = want_coherent() ? -EOPNOTSUPP : 0, c;
	struct mapdemo_device dev = open_dma(O_RDWR, MAPDEMO_DMA_PFN);
	struct mapdemo_device ro = open_dma(O_RDONLY, MAPDEMO_DMA_PFN);
	__u32 bad = MAPDEMO_DMA_CACHE_NR;
	void *p;

	/* its syncs change what other openers see, as MAPDEMO_IOC_SYNC's */
	for (c = 0; c < MAPDEMO_DMA_CACHE_NR; c++)
		cr_assert_eq(mapdemo_set_dma_cache(&ro, c), -EBADF);
	mapdemo_device_close(&ro);
	cr_assert_eq(mapdemo_set_dma_cache(&dev, MAPDEMO_DMA_CACHE_NR), -EINVAL);
	cr_assert_eq(mapdemo_set_dma_cache(&dev, -1), -EINVAL);
	cr_assert_eq(ioctl(dev.fd, MAPDEMO_IOC_SET_DMA_CACHE, &bad), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(ioctl(dev.fd, MAPDEMO_IOC_SET_DMA_CACHE, (void *)8), -1);
	cr_assert_eq(errno, EFAULT);
	for (c = MAPDEMO_DMA_WC; c <= MAPDEMO_DMA_UNCACHED; c++) {
		int ret = mapdemo_set_dma_cache(&dev, c);

		cr_assert_eq(ret, want, "%s: %d", mapdemo_dma_cache_name(c), ret);
		cr_assert_eq(dev_info(&dev).dma_cache,
			     want ? MAPDEMO_DMA_CACHED : (__u32)c);
	}
	cr_assert_eq(mapdemo_set_dma_cache(&dev, MAPDEMO_DMA_CACHED), 0);
	cr_assert_eq(dev_info(&dev).dma_cache, MAPDEMO_DMA_CACHED);
	p = map_dev(&dev, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(mapdemo_set_dma_cache(&dev, MAPDEMO_DMA_CACHED), -EBUSY);
	cr_assert_eq(mapdemo_set_dma_cache(&dev, MAPDEMO_DMA_WC),
		     want ? want : -EBUSY);
	munmap(p, page_size);
	mapdemo_device_close(&dev);
}

/*
 * A non-coherent device: every style maps WC and UNCACHED, and the bytes
 * agree with a cached mapping and with read().  Word stores and loads
 * only: arm64's Device memory (UNCACHED) faults an unaligned access or a
 * DC ZVA, which memset() and memcpy() may use.
 */
Test(dma_cache, every_style_maps_wc_and_uncached_on_a_noncoherent_device)
{
	size_t len = 2 * page_size, n = len / 4, i;
	int style, c;

	if (want_coherent())
		cr_skip_test("the device is DMA-coherent: WC and UNCACHED are refused");
	for (style = 0; style < DMA_NSTYLES; style++) {
		for (c = MAPDEMO_DMA_WC; c <= MAPDEMO_DMA_UNCACHED; c++) {
			struct mapdemo_device dev = open_dma(O_RDWR, style);
			struct mapdemo_device ref = open_dma(O_RDWR, style);
			uint32_t seed = (uint32_t)(style * 16 + c) << 24, w;
			volatile uint32_t *p, *q;

			cr_assert_eq(mapdemo_set_dma_cache(&dev, c), 0);
			p = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
			q = map_dev(&ref, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
			cr_assert_neq(p, MAP_FAILED);
			cr_assert_neq(q, MAP_FAILED);
			for (i = 0; i < n; i++)
				p[i] = seed + (uint32_t)i;
			for (i = 0; i < n; i++)
				cr_assert_eq(q[i], seed + (uint32_t)i, "%s %s: word %zu",
					     mapdemo_dma_style_name(style),
					     mapdemo_dma_cache_name(c), i);
			q[7] = 0xfeedf00d;
			cr_assert_eq(p[7], 0xfeedf00d);
			cr_assert_eq(pread(dev.fd, &w, 4, 8 * 4), 4);
			cr_assert_eq(w, seed + 8);
			cr_assert_eq(dev_info(&dev).dma_cache, (__u32)c);
			munmap((void *)p, len);
			munmap((void *)q, len);
			mapdemo_device_close(&dev);
			mapdemo_device_close(&ref);
		}
	}
}



/* Lines of @trace that contain every one of @a, @b (NULL: any) */
static unsigned int count_lines(const char *trace, const char *a, const char *b)
{
	unsigned int n = 0;
	const char *line = trace;

	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char *l = strndup(line, len);

		cr_assert_not_null(l);
		if (l[0] != '#' && strstr(l, a) && (!b || strstr(l, b)))
			n++;
		free(l);
		line += len + (end ? 1 : 0);
	}
	return n;
}

static bool kernel_dma_events(void)
{
	return access(TRACEFS "/events/dma/dma_sync_single_for_cpu", F_OK) == 0;
}

/*
 * The syncs, each once, with the range and direction asked: the ioctl's
 * own; an uncached file's mmap (for the device: the direct map's dirty
 * lines to memory), write() (for the CPU before, for the device after)
 * and read() (for the CPU).  A cached file's read and write do none.
 */
Test(dma_cache, syncs_happen_on_the_range_in_the_direction)
{
	bool coherent = want_coherent(), kev;
	struct mapdemo_device dev = open_dma(O_RDWR, MAPDEMO_DMA_PFN);
	struct mapdemo_device nc = open_dma(O_RDWR, MAPDEMO_DMA_PAGE);
	char buf[100], want[128], *trace;
	unsigned int events, cpu = 0, device = 0;
	const char *coh = coherent ? "coherent=1" : "coherent=0";
	void *p;

	memset(buf, 0x5a, sizeof(buf));
	tracefs_ready();
	kev = kernel_dma_events();
	tracefs_put("tracing_on", "0");
	tracefs_put("trace", "");
	tracefs_put("events/mapdemo/mapdemo_dma_sync/enable", "1");
	if (kev) {
		tracefs_put("events/dma/dma_sync_single_for_cpu/enable", "1");
		tracefs_put("events/dma/dma_sync_single_for_device/enable", "1");
	}
	tracefs_put("tracing_on", "1");

	cr_assert_eq(mapdemo_sync(&dev, page_size, 3 * page_size + 5,
				  MAPDEMO_SYNC_FOR_CPU), 0);
	cr_assert_eq(mapdemo_sync(&dev, 0, page_size, MAPDEMO_SYNC_FOR_DEVICE), 0);
	cr_assert_eq(mapdemo_sync(&dev, 0, 0, MAPDEMO_SYNC_FOR_DEVICE), 0);
	cr_assert_eq(mapdemo_sync(&dev, 0, page_size + 1, 2), -EINVAL);
	cr_assert_eq(pwrite(dev.fd, buf, sizeof(buf), 10), (ssize_t)sizeof(buf));
	cr_assert_eq(pread(dev.fd, buf, sizeof(buf), 10), (ssize_t)sizeof(buf));
	cpu++;
	device++;
	events = 2;
	if (!coherent) {
		cr_assert_eq(mapdemo_set_dma_cache(&nc, MAPDEMO_DMA_UNCACHED), 0);
		p = map_dev(&nc, 3 * page_size, PROT_READ | PROT_WRITE,
			    MAP_SHARED, 2 * page_size);
		cr_assert_neq(p, MAP_FAILED);
		cr_assert_eq(pwrite(nc.fd, buf, sizeof(buf), 10), (ssize_t)sizeof(buf));
		cr_assert_eq(pread(nc.fd, buf, 50, 20), 50);
		munmap(p, 3 * page_size);
		cpu += 2;
		device += 2;
		events += 4;
	}
	tracefs_put("tracing_on", "0");
	tracefs_put("events/mapdemo/mapdemo_dma_sync/enable", "0");
	if (kev) {
		tracefs_put("events/dma/dma_sync_single_for_cpu/enable", "0");
		tracefs_put("events/dma/dma_sync_single_for_device/enable", "0");
	}
	trace = tracefs_read_trace();

	cr_assert_eq(count_lines(trace, "mapdemo_dma_sync:", NULL), events,
		     "%u sync events, expected %u:\n%s",
		     count_lines(trace, "mapdemo_dma_sync:", NULL), events, trace);
	snprintf(want, sizeof(want), "offset=%zu length=%zu dir=cpu %s",
		 page_size, 3 * page_size + 5, coh);
	cr_assert_eq(count_lines(trace, "mapdemo_dma_sync:", want), 1, "%s", want);
	snprintf(want, sizeof(want), "offset=0 length=%zu dir=device %s",
		 page_size, coh);
	cr_assert_eq(count_lines(trace, "mapdemo_dma_sync:", want), 1, "%s", want);
	if (!coherent) {
		snprintf(want, sizeof(want), "offset=%zu length=%zu dir=device %s",
			 2 * page_size, 3 * page_size, coh);
		cr_assert_eq(count_lines(trace, "mapdemo_dma_sync:", want), 1,
			     "the mmap's: %s", want);
		cr_assert_eq(count_lines(trace, "mapdemo_dma_sync:",
					 "offset=10 length=100 dir=cpu coherent=0"), 1);
		cr_assert_eq(count_lines(trace, "mapdemo_dma_sync:",
					 "offset=10 length=100 dir=device coherent=0"), 1);
		cr_assert_eq(count_lines(trace, "mapdemo_dma_sync:",
					 "offset=20 length=50 dir=cpu coherent=0"), 1);
	}
	cr_assert_eq(count_lines(trace, "mapdemo_dma_sync:", "dir=cpu"), cpu);
	cr_assert_eq(count_lines(trace, "mapdemo_dma_sync:", "dir=device"), device);
	/*
	 * The DMA API's own view (its events: "dma-mapping: trace more
	 * dma-mapping API calls", 6.12; dma_skip_sync: "dma: avoid
	 * redundant calls for sync operations", 6.11): it syncs for
	 * a non-coherent device, each time the driver asks, and does not
	 * even get called for a coherent one.
	 */
	if (kev) {
		cr_assert_eq(count_lines(trace, "dma_sync_single_for_cpu:", "mapdemo-dma"),
			     coherent ? 0 : cpu, "%s", trace);
		cr_assert_eq(count_lines(trace, "dma_sync_single_for_device:", "mapdemo-dma"),
			     coherent ? 0 : device, "%s", trace);
	}
	free(trace);
	mapdemo_device_close(&dev);
	mapdemo_device_close(&nc);
}
