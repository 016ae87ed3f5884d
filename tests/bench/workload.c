// SPDX-License-Identifier: MIT
/*
 * One figure's access pattern, untimed, for a profiler to sample (make
 * profile): map a fresh BACKING with SHARING and touch every page once
 * (read or write), or map it with MAP_POPULATE, REPS times over.  The
 * profile is then a path length per page: the samples a symbol took,
 * times the sampling period, over the pages this printed.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

enum access { ACC_READ, ACC_WRITE, ACC_POPULATE };

static const char *const access_names[] = { "read", "write", "populate" };

static int lookup(const char *word, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(word, names[i]))
			return i;
	return -1;
}

/* "zero:private:write" into its three parts; 0 or -1 (and why, said). */
static int parse_spec(const char *spec, enum backing *bk, int *shared,
		      enum access *acc)
{
	char buf[64], *sharing, *access;
	int i;

	if (strlen(spec) >= sizeof(buf))
		goto bad;
	strcpy(buf, spec);
	sharing = strchr(buf, ':');
	access = sharing ? strchr(sharing + 1, ':') : NULL;
	if (!access)
		goto bad;
	*sharing++ = '\0';
	*access++ = '\0';
	i = backing_by_word(buf);
	if (i < 0)
		goto bad;
	*bk = i;
	if (!strcmp(sharing, "shared"))
		*shared = 1;
	else if (!strcmp(sharing, "private"))
		*shared = 0;
	else
		goto bad;
	i = lookup(access, access_names, 3);
	if (i < 0)
		goto bad;
	*acc = i;
	return 0;
bad:
	fprintf(stderr, "mapdemo-bench: --workload %s: not BACKING:SHARING:ACCESS (anon, devzero, zero, sparse, dma-pfn or dma-page; private or shared; read, write or populate)\n",
		spec);
	return -1;
}

int workload_run(const char *spec, size_t len, int reps)
{
	enum backing bk;
	enum access acc;
	struct region r;
	const char *na;
	long flt = minflt();
	int shared, i, ret;

	if (parse_spec(spec, &bk, &shared, &acc))
		return 2;
	na = backing_na(bk, shared, len);
	if (na) {
		fprintf(stderr, "mapdemo-bench: --workload %s: %s\n", spec, na);
		return 1;
	}
	for (i = 0; i < reps; i++) {
		if (bk == BK_SPARSE)
			sparse_reset();
		ret = region_map(&r, bk, shared, len,
				 acc == ACC_POPULATE ? MAP_POPULATE : 0,
				 PLACE_ANY);
		if (ret) {
			fprintf(stderr, "mapdemo-bench: --workload %s: mmap: %s\n",
				spec, strerror(-ret));
			return 1;
		}
		if (acc == ACC_READ)
			touch_read(r.addr, r.len);
		else if (acc == ACC_WRITE)
			touch_write(r.addr, r.len);
		region_unmap(&r);
	}
	printf("workload: %s %s %s: %zu pages x %d, %ld faults\n",
	       backing_word(bk), shared ? "shared" : "private",
	       access_names[acc], len / page_size, reps, minflt() - flt);
	return 0;
}
