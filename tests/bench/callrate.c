// SPDX-License-Identifier: MIT
/*
 * mmap+munmap call rate: pairs per second for an untouched mapping of
 * 64 KiB on one open file (the open is not timed).
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

#define CALL_LEN (64 * KiB)

static int call_sample(struct variant *v, double *out)
{
	int flags = v->shared ? MAP_SHARED : MAP_PRIVATE;
	int fd = backing_open(v->bk), i, ret = 0;
	uint64_t t0, t;
	void *p;

	if (v->bk == BK_ANON)
		flags |= MAP_ANONYMOUS;
	else if (fd < 0)
		return fd;
	t0 = now_ns();
	for (i = 0; i < cfg.call_iters; i++) {
		p = mmap(NULL, CALL_LEN, PROT_READ | PROT_WRITE, flags, fd, 0);
		if (p == MAP_FAILED) {
			ret = -errno;
			break;
		}
		munmap(p, CALL_LEN);
	}
	t = now_ns() - t0;
	if (fd >= 0)
		close(fd);
	*out = t ? cfg.call_iters / ((double)t / 1e9) : 0;
	return ret;
}

void bench_callrate(void)
{
	struct variant vs[2 * BK_NR] = {};
	int n = variants_every_mapping(vs, CALL_LEN);

	variants_run(vs, n, cfg.reps, call_sample);
	variants_figures(vs, n, cfg.reps, "callrate",
			 "mmap+munmap pairs per second, 64 KiB", 1,
			 variant_mapping_name);
}
