// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dma_util.h"

const int dma_styles[MAPDEMO_DMA_STYLE_NR] = {
	MAPDEMO_DMA_PFN, MAPDEMO_DMA_PAGE, MAPDEMO_DMA_MIXED,
};

/* the architectures whose kernels select ARCH_HAS_PTE_SPECIAL */
#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__)
#define PTE_SPECIAL true
#else
#error "which style pins on this architecture: does it have pte_special?"
#endif

bool style_pins(int style)
{
	return style == MAPDEMO_DMA_PAGE ||
	       (style == MAPDEMO_DMA_MIXED && !PTE_SPECIAL);
}

int gup_errno(int style)
{
	if (style_pins(style))
		return 0;
	return style == MAPDEMO_DMA_MIXED ? EEXIST : EFAULT;
}

int set_dma_style(struct mapdemo_device *dev, int style)
{
	__u32 s = (__u32)style;

	return ioctl(dev->fd, MAPDEMO_IOC_SET_DMA_STYLE, &s) ? -errno : 0;
}

struct mapdemo_device open_dma(int oflags, int style)
{
	struct mapdemo_device dev = open_dev(oflags, MAPDEMO_MODE_DMA);
	int ret = set_dma_style(&dev, style);

	cr_assert_eq(ret, 0, "set dma style %d: %s", style, strerror(-ret));
	return dev;
}

int dma_sync(struct mapdemo_device *dev, uint64_t off, uint64_t len,
	     uint32_t dir, uint32_t pad)
{
	struct mapdemo_sync s = {
		.offset = off, .length = len, .direction = dir, .pad = pad,
	};

	return ioctl(dev->fd, MAPDEMO_IOC_SYNC, &s) ? -errno : 0;
}

size_t dma_buffer_size(void)
{
	struct mapdemo_device dev = open_dev(O_RDONLY, MAPDEMO_MODE_DMA);
	struct mapdemo_info info;
	int ret = mapdemo_info(&dev, &info);

	cr_assert_eq(ret, 0, "info: %s", strerror(-ret));
	mapdemo_device_close(&dev);
	return info.dma_size;
}

void reload_module(const char *params)
{
	int ret = mapdemo_module_unload();

	cr_assert_eq(ret, 0, "unload: %s", strerror(-ret));
	ret = mapdemo_module_load(NULL, params);
	cr_assert_eq(ret, 0, "load %s: %s", params ? params : "(defaults)",
		     strerror(-ret));
}

void dma_two_pmds(void)
{
	char params[64];

	if (dma_buffer_size() >= 2 * HUGE_SZ)
		return;
	snprintf(params, sizeof(params), "dma_size=%zu", 2 * HUGE_SZ);
	reload_module(params);
}

void dma_default_module(void)
{
	mapdemo_module_unload();
	mapdemo_module_load(NULL, NULL);
}

static uint8_t pattern_byte(size_t off, unsigned int seed)
{
	return (uint8_t)((off * 31 + (off >> 12) * 7 + seed) ^ (off >> 20));
}

void fill_pattern(void *p, size_t len, size_t off, unsigned int seed)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = pattern_byte(off + i, seed);
}

size_t count_not_pattern(const void *p, size_t len, size_t off,
			 unsigned int seed)
{
	const uint8_t *b = p;
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += b[i] != pattern_byte(off + i, seed);
	return n;
}
