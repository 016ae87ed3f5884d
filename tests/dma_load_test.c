// SPDX-License-Identifier: MIT
/*
 * dma mode's module parameters and info: a buffer that cannot be had
 * fails the load with a message naming its size; the bus address goes to
 * CAP_SYS_ADMIN only.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dma_util.h"

static void restore_default(void)
{
	mapdemo_module_unload();
	mapdemo_module_load(NULL, NULL);
}

/* Does the kernel log hold @needle? */
static bool kernel_log_has(const char *needle)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf;
	bool found;

	cr_assert_gt(len, 0, "klogctl: %s", strerror(errno));
	buf = calloc(1, (size_t)len + 1);
	cr_assert_not_null(buf);
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	cr_assert_geq(len, 0);
	found = strstr(buf, needle) != NULL;
	free(buf);
	return found;
}

static void load_fails(const char *params, int err, const char *message)
{
	int ret = mapdemo_module_load(NULL, params);

	cr_assert_eq(ret, -err, "load %s: %s, expected %s", params,
		     strerror(-ret), strerror(err));
	cr_assert_eq(mapdemo_module_state(), MAPDEMO_MODULE_ABSENT);
	cr_assert(kernel_log_has(message), "no \"%s\" in the kernel log",
		  message);
}

Test(dma_load, impossible_or_bad_parameters_fail_the_load,
     .fini = restore_default)
{
	cr_assert_eq(mapdemo_module_unload(), 0);
	/* 1 TiB: far more than the guest has */
	load_fails("dma_size=1099511627776", ENOMEM,
		   "mapdemo: dma_size=1099511627776: cannot allocate");
	/* more than RAM can give contiguously after what is in use */
	load_fails("dma_size=4294967296", ENOMEM,
		   "mapdemo: dma_size=4294967296: cannot allocate");
	load_fails("dma_size=1000", EINVAL,
		   "mapdemo: dma_size=1000: not a multiple of the page size");
	load_fails("dma_style=dma", EINVAL,
		   "mapdemo: dma_style=dma: not one of pfn, page, mixed");
	/* nothing of a failed load is left behind */
	cr_assert_eq(mapdemo_module_load(NULL, NULL), 0);
	cr_assert_eq(device_stats().pages_live, 0);
}

Test(dma_load, style_parameter_sets_the_default, .fini = restore_default)
{
	struct mapdemo_device dev;
	struct mapdemo_info info;
	char *p;

	reload_module("dma_style=page mode=dma");
	dev = open_dev(O_RDWR, MAPDEMO_MODE_DEFAULT);
	cr_assert_eq(mapdemo_info(&dev, &info), 0);
	cr_assert_eq(info.mode, MAPDEMO_MODE_DMA);
	cr_assert_eq(info.dma_style, MAPDEMO_DMA_PAGE);
	p = map_dev(&dev, page_size, PROT_READ, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	munmap(p, page_size);
	mapdemo_device_close(&dev);
}

Test(dma_load, no_buffer_with_dma_size_zero, .fini = restore_default)
{
	struct mapdemo_device dev;
	struct mapdemo_info info;
	char c;

	reload_module("dma_size=0");
	dev = open_dma(O_RDWR, MAPDEMO_DMA_PFN);
	cr_assert_eq(mapdemo_info(&dev, &info), 0);
	cr_assert_eq(info.dma_size, 0);
	cr_assert_eq(info.dma_addr, 0);
	cr_assert_eq(info.flags & MAPDEMO_INFO_DMA_ADDR_VALID, 0);
	cr_assert_eq(map_dev(&dev, page_size, PROT_READ, MAP_SHARED, 0),
		     MAP_FAILED);
	cr_assert_eq(errno, ENODEV);
	cr_assert_eq(read(dev.fd, &c, 1), 0);
	cr_assert_eq(write(dev.fd, &c, 1), -1);
	cr_assert_eq(errno, ENOSPC);
	cr_assert_eq(dma_sync(&dev, 0, 0, MAPDEMO_SYNC_FOR_CPU, 0), 0);
	cr_assert_eq(dma_sync(&dev, 0, 1, MAPDEMO_SYNC_FOR_CPU, 0), -EINVAL);
	mapdemo_device_close(&dev);
}

static struct mapdemo_info info_of_new_file(void)
{
	struct mapdemo_device dev = open_dma(O_RDONLY, MAPDEMO_DMA_PFN);
	struct mapdemo_info info;

	cr_assert_eq(mapdemo_info(&dev, &info), 0);
	mapdemo_device_close(&dev);
	return info;
}

/* Drop CAP_SYS_ADMIN from every set, keep the others (DAC for the node). */
static int child_without_sys_admin(void *arg)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	struct mapdemo_info info;
	unsigned int word = CAP_SYS_ADMIN / 32, bit = 1U << (CAP_SYS_ADMIN % 32);

	(void)arg;
	if (syscall(SYS_capget, &hdr, data))
		return 10;
	data[word].effective &= ~bit;
	data[word].permitted &= ~bit;
	data[word].inheritable &= ~bit;
	if (syscall(SYS_capset, &hdr, data))
		return 11;
	info = info_of_new_file();
	if (info.flags & MAPDEMO_INFO_DMA_ADDR_VALID)
		return 1;
	if (info.dma_addr)
		return 2;
	if (info.dma_size != 4UL << 20 || info.dma_style != MAPDEMO_DMA_PFN)
		return 3;
	return 0;
}

Test(dma_load, dma_address_for_cap_sys_admin_only)
{
	struct mapdemo_info info = info_of_new_file();

	cr_assert_eq(info.dma_size, 4UL << 20);
	cr_assert_eq(info.page_size, page_size);
	cr_assert(info.flags & MAPDEMO_INFO_DMA_ADDR_VALID);
	/*
	 * the buffer starts on a PMD boundary (2 MiB, 32 MiB on 16 KiB
	 * pages), and without an IOMMU (x86, QEMU's arm64 virt) the device
	 * sees physical addresses
	 */
	cr_assert_neq(info.dma_addr, 0);
	cr_assert_eq(info.dma_addr % HUGE_SZ, 0, "%#llx",
		     (unsigned long long)info.dma_addr);
	cr_assert_eq(in_child(child_without_sys_admin, NULL), 0);
}
