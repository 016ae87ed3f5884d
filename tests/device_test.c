// SPDX-License-Identifier: MIT
/* The device: the mode ioctl, info, stats by ioctl and in sysfs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

/*
 * The driver makes the node 0600 root's (the devmode parameter widens
 * it); where the mapdemo package's udev rule applies (a box with the
 * Debian packages) its group is mapdemo.
 */
Test(device, node_is_0600_root_or_the_udev_rules_group)
{
	struct group *gr = getgrnam("mapdemo");
	struct stat st;

	cr_assert_eq(stat(MAPDEMO_DEFAULT_PATH, &st), 0);
	cr_assert(S_ISCHR(st.st_mode));
	cr_assert_eq(st.st_uid, 0);
	cr_assert(st.st_gid == 0 || (gr && st.st_gid == gr->gr_gid),
		  "group %u", (unsigned int)st.st_gid);
	cr_assert_eq(st.st_mode & 07777, 0600, "mode %o", st.st_mode & 07777);
}

Test(device, mode_is_fixed_by_first_mmap)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_DEFAULT);
	void *p;

	cr_assert_eq(mapdemo_get_mode(&dev), MAPDEMO_MODE_ZERO);
	cr_assert_eq(mapdemo_set_mode(&dev, MAPDEMO_MODE_ZERO), 0);
	p = map_dev(&dev, page_size, PROT_READ, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(mapdemo_set_mode(&dev, MAPDEMO_MODE_ZERO), -EBUSY);
	munmap(p, page_size);
	/* still busy: the file has been mapped */
	cr_assert_eq(mapdemo_set_mode(&dev, MAPDEMO_MODE_ZERO), -EBUSY);
	mapdemo_device_close(&dev);
}

/*
 * The mode is fixed as the kernel starts laying out a mapping, before the
 * driver can refuse it: a mode switch in between would unbalance the
 * kernel's count of the file's writable mappings (stress_test races it).
 */
Test(device, mode_is_fixed_by_an_mmap_that_failed)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);

	/* refused by the kernel before it reaches the device: still free */
	cr_assert_eq(map_dev(&dev, 0, PROT_READ, MAP_SHARED, 0), MAP_FAILED);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(mapdemo_set_mode(&dev, MAPDEMO_MODE_ZERO), 0);

	/* refused by the driver (no allow_exec): fixed */
	cr_assert_eq(map_dev(&dev, page_size, PROT_READ | PROT_EXEC, MAP_SHARED, 0),
		     MAP_FAILED);
	cr_assert_eq(errno, EPERM);
	cr_assert_eq(mapdemo_set_mode(&dev, MAPDEMO_MODE_SPARSE), -EBUSY);
	cr_assert_eq(mapdemo_get_mode(&dev), MAPDEMO_MODE_ZERO);
	mapdemo_device_close(&dev);
}

Test(device, bad_ioctls)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_DEFAULT);
	struct mapdemo_stats st;
	__u32 m = 99;

	cr_assert_eq(ioctl(dev.fd, MAPDEMO_IOC_SET_MODE, &m), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(ioctl(dev.fd, MAPDEMO_IOC_SET_MODE, (void *)16), -1);
	cr_assert_eq(errno, EFAULT);
	cr_assert_eq(ioctl(dev.fd, MAPDEMO_IOC_INFO, (void *)16), -1);
	cr_assert_eq(errno, EFAULT);
	cr_assert_eq(ioctl(dev.fd, _IO(MAPDEMO_IOC_MAGIC, 0x7f), 0), -1);
	cr_assert_eq(errno, ENOTTY);
	memset(&st, 0, sizeof(st));
	st.scope = 7;
	cr_assert_eq(ioctl(dev.fd, MAPDEMO_IOC_STATS, &st), -1);
	cr_assert_eq(errno, EINVAL);
	mapdemo_device_close(&dev);
}

Test(device, info)
{
	struct mapdemo_device dev = open_dev(O_RDONLY, MAPDEMO_MODE_DEFAULT);
	struct mapdemo_info info;

	cr_assert_eq(mapdemo_info(&dev, &info), 0);
	cr_assert_eq(info.mode, MAPDEMO_MODE_ZERO);
	cr_assert_eq(info.page_size, page_size);
	cr_assert_gt(info.max_pages, 0);
	cr_assert_eq(info.flags & MAPDEMO_INFO_ALLOW_EXEC, 0);
	mapdemo_device_close(&dev);
}

static unsigned long long sysfs_stat(const char *name)
{
	char path[128];
	unsigned long long v = ~0ULL;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/misc/mapdemo/stats/%s", name);
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fscanf(f, "%llu", &v), 1);
	fclose(f);
	return v;
}

/* Every counter of struct mapdemo_stats, by its sysfs name. */
#define STAT_FIELDS(X) \
	X(mmaps) X(faults) X(fault_around) X(huge_faults) X(cow) X(mkwrite) \
	X(pages_alloc) X(pages_freed) X(pages_live) X(sigbus) X(oom) X(vmas_live)
#define COUNT_ONE(f) + 1
#define NSTATS (0 STAT_FIELDS(COUNT_ONE))

/* The files of the stats directory, "." and ".." left out. */
static int sysfs_stat_files(void)
{
	struct dirent *d;
	int n = 0;
	DIR *dir = opendir("/sys/class/misc/mapdemo/stats");

	cr_assert_not_null(dir, "opendir: %s", strerror(errno));
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

Test(device, sysfs_stats_match_ioctl)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	size_t len = 5 * page_size;
	struct mapdemo_stats st;
	char *p, *q;

	/* counters that are not all zero: faults, copies, live pages and VMAs */
	p = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	memset(p, 1, len);
	q = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	cr_assert_neq(q, MAP_FAILED);
	q[0] = 1;	/* a private write fault: the driver's page, copied */
	cr_assert_eq(q[page_size], 0);
	cr_assert_eq(munmap(q, len), 0);
	st = dev_stats(&dev, MAPDEMO_STATS_DEVICE);
	cr_assert_eq(sysfs_stat_files(), NSTATS, "%d files in sysfs, %d counters",
		     sysfs_stat_files(), NSTATS);
#define CHECK_ONE(f) cr_expect_eq(sysfs_stat(#f), st.f, "sysfs " #f " %llu, ioctl %llu", \
				  sysfs_stat(#f), (unsigned long long)st.f);
	STAT_FIELDS(CHECK_ONE)
#undef CHECK_ONE
	cr_assert_geq(st.pages_live, 5);
	cr_assert_gt(st.cow, 0);
	cr_assert_gt(st.pages_freed, 0);
	munmap(p, len);
	mapdemo_device_close(&dev);
	cr_assert_eq(sysfs_stat("pages_live"), 0);
	cr_assert_eq(sysfs_stat("vmas_live"), 0);
}
