// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "reliab.h"

unsigned long tier_count(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v || !*v)
		return dflt;
	errno = 0;
	n = strtoul(v, &end, 0);
	cr_assert(!errno && !*end, "%s=%s: not a number", name, v);
	return n;
}

uint64_t rng_seed(struct rng *r, const char *what)
{
	const char *v = getenv("MAPDEMO_SEED");
	struct timespec ts;

	if (v && *v) {
		r->s = strtoull(v, NULL, 0);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		r->s = (uint64_t)ts.tv_sec * 1000000007ULL ^ (uint64_t)ts.tv_nsec ^
		       ((uint64_t)getpid() << 32);
	}
	if (!r->s)
		r->s = 1;	/* xorshift's one fixed point */
	note("%s: seed %llu (MAPDEMO_SEED=%llu replays it)", what,
	     (unsigned long long)r->s, (unsigned long long)r->s);
	return r->s;
}

uint64_t rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545F4914F6CDD1DULL;
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
	return rng_next(r) % n;
}

bool rng_one_in(struct rng *r, uint64_t n)
{
	return rng_below(r, n) == 0;
}

bool mode_available(int mode)
{
	struct mapdemo_device dev = open_dev(O_RDONLY, MAPDEMO_MODE_DEFAULT);
	__u32 m = (__u32)mode;
	int ret = ioctl(dev.fd, MAPDEMO_IOC_SET_MODE, &m) ? errno : 0;

	mapdemo_device_close(&dev);
	cr_assert(ret == 0 || ret == EOPNOTSUPP, "SET_MODE %d: %s", mode,
		  strerror(ret));
	return ret == 0;
}

void sparse_reset(void)
{
	struct mapdemo_device s;

	if (!mode_available(MAPDEMO_MODE_SPARSE))
		return;
	s = open_dev(O_RDWR, MAPDEMO_MODE_SPARSE);
	cr_assert_eq(ioctl(s.fd, MAPDEMO_IOC_RESET), 0, "sparse reset: %s",
		     strerror(errno));
	mapdemo_device_close(&s);
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void note(const char *fmt, ...)
{
	FILE *f = fopen(NOTES_FILE, "a");
	va_list ap;

	if (!f)
		return;	/* a note is a courtesy; the test's verdict stands */
	fputs("# ", f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}
