// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "conformance.h"

/* The modes the conformance suite covers. */
static int conf_modes[] = { MAPDEMO_MODE_ZERO, MAPDEMO_MODE_SPARSE };

struct criterion_test_params conf_mode_params(void)
{
	return cr_make_param_array(int, conf_modes,
				   sizeof(conf_modes) / sizeof(conf_modes[0]));
}

struct mapdemo_device conf_open(int mode, int oflags)
{
	struct mapdemo_device dev, rw;
	int ret;

	/* an empty buffer to start from; a reset needs a file open for writing */
	if (mode == MAPDEMO_MODE_SPARSE) {
		rw = open_dev(O_RDWR, mode);
		ret = mapdemo_reset(&rw);
		cr_assert_eq(ret, 0, "reset the sparse buffer: %s", strerror(-ret));
		mapdemo_device_close(&rw);
	}
	dev = open_dev(oflags, mode);
	return dev;
}

void conf_fini(void)
{
	struct mapdemo_device dev;

	/* a test that failed may still map it: then there is nothing to do */
	if (!mapdemo_device_open(&dev, NULL, O_RDWR, MAPDEMO_MODE_SPARSE)) {
		mapdemo_reset(&dev);
		mapdemo_device_close(&dev);
	}
}

char *conf_map(struct mapdemo_device *dev, size_t len, int prot, int flags)
{
	char *p = map_dev(dev, len, prot, flags, 0);

	cr_assert_neq(p, MAP_FAILED, "mmap %zu prot %#x flags %#x: %s", len,
		      prot, flags, strerror(errno));
	return p;
}

void maps_perms(const void *addr, char perms[5])
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long lo, hi;
	char line[512];

	cr_assert_not_null(f);
	strcpy(perms, "none");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) != 3)
			continue;
		if ((unsigned long)addr >= lo && (unsigned long)addr < hi)
			break;
		strcpy(perms, "none");
	}
	fclose(f);
}

int page_present(const void *addr)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t e = 0;
	off_t off = (off_t)((uintptr_t)addr / page_size * sizeof(e));

	cr_assert_geq(fd, 0);
	cr_assert_eq(pread(fd, &e, sizeof(e), off), (ssize_t)sizeof(e));
	close(fd);
	return (int)(e >> 63);
}

long status_kb(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	size_t n = strlen(field);
	char line[256];
	long kb = -1;

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':')
			sscanf(line + n + 1, "%ld", &kb);
	fclose(f);
	cr_assert_geq(kb, 0, "no %s in /proc/self/status", field);
	return kb;
}

long minor_faults(void)
{
	struct rusage ru;

	cr_assert_eq(getrusage(RUSAGE_SELF, &ru), 0);
	return ru.ru_minflt;
}
