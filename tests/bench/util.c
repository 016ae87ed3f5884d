// SPDX-License-Identifier: MIT
/* Clocks, touches, fault counts and kernel knobs for the benchmarks. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* One access a page: the cost measured is the fault, not the copy. */
void touch_read(const char *p, size_t len)
{
	const volatile char *v = p;
	size_t off;

	for (off = 0; off < len; off += page_size)
		(void)v[off];
}

void touch_write(char *p, size_t len)
{
	volatile char *v = p;
	size_t off;

	for (off = 0; off < len; off += page_size)
		v[off] = 1;
}

long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

int knob_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int knob_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

/*
 * One CPU for the whole run: a migration in the middle of a timed loop
 * would be charged to whichever variant was unlucky.
 */
void pin_to_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Reasons live as long as the figures that quote them: never freed. */
const char *reason(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = "n/a";
	va_end(ap);
	return s;
}
