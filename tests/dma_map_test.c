// SPDX-License-Identifier: MIT
/*
 * dma mode mappings: MAP_SHARED only, within the buffer, never grown,
 * never dumped; the style is fixed by the first mmap; bytes are shared by
 * every mapping, process and read()/write().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dma_util.h"

/* What mmap() of one page must give for this open mode, prot and flags. */
static int expected_errno(int oflags, int prot, int flags)
{
	if ((oflags & O_ACCMODE) == O_WRONLY)
		return EACCES;		/* mmap needs a readable fd */
	if ((flags & MAP_SHARED) && (prot & PROT_WRITE) &&
	    (oflags & O_ACCMODE) == O_RDONLY)
		return EACCES;		/* shared writes need a writable fd */
	if (prot & PROT_EXEC)
		return EPERM;		/* the driver's exec policy, first */
	if (!(flags & MAP_SHARED))
		return EINVAL;		/* dma mode: MAP_SHARED only */
	return 0;
}

/*
 * Every prot, fd mode and style with MAP_PRIVATE fails before a fault can
 * reach the core's BUG_ON() for PFN inserts into copy-on-write mappings.
 */
Test(dma_map, private_refused_every_prot_fd_and_style)
{
	static const int oflags[] = { O_RDONLY, O_WRONLY, O_RDWR };
	static const int flagsv[] = {
		MAP_PRIVATE, MAP_PRIVATE | MAP_POPULATE, MAP_SHARED,
		MAP_SHARED | MAP_POPULATE, MAP_SHARED_VALIDATE,
	};
	size_t s, o, f;
	int prot;

	for (s = 0; s < DMA_NSTYLES; s++)
		for (o = 0; o < 3; o++)
			for (f = 0; f < 5; f++)
				for (prot = 0; prot <= 7; prot++) {
					struct mapdemo_device dev =
						open_dma(oflags[o], dma_styles[s]);
					int want = expected_errno(oflags[o], prot,
								  flagsv[f]);
					char *p = map_dev(&dev, page_size, prot,
							  flagsv[f], 0);
					int got = p == MAP_FAILED ? errno : 0;

					cr_assert_eq(got, want,
						     "style %d oflags %d prot %d flags %#x: %s, expected %s",
						     dma_styles[s], oflags[o], prot,
						     flagsv[f], strerror(got),
						     strerror(want));
					if (p != MAP_FAILED) {
						if (prot & PROT_READ)
							cr_assert_eq(p[0], p[0]);
						munmap(p, page_size);
					}
					mapdemo_device_close(&dev);
				}
}

Test(dma_map, range_must_lie_in_buffer)
{
	size_t size = dma_buffer_size(), s;

	cr_assert_eq(size, 4UL << 20, "default dma_size %zu", size);
	for (s = 0; s < DMA_NSTYLES; s++) {
		struct mapdemo_device dev = open_dma(O_RDWR, dma_styles[s]);
		int rw = PROT_READ | PROT_WRITE;
		char *p;

		p = map_dev(&dev, size, rw, MAP_SHARED, 0);
		cr_assert_neq(p, MAP_FAILED, "whole buffer: %s", strerror(errno));
		munmap(p, size);
		p = map_dev(&dev, page_size, rw, MAP_SHARED, size - page_size);
		cr_assert_neq(p, MAP_FAILED, "last page: %s", strerror(errno));
		munmap(p, page_size);

		cr_assert_eq(map_dev(&dev, page_size, rw, MAP_SHARED, size),
			     MAP_FAILED);
		cr_assert_eq(errno, EINVAL);
		cr_assert_eq(map_dev(&dev, size + page_size, rw, MAP_SHARED, 0),
			     MAP_FAILED);
		cr_assert_eq(errno, EINVAL);
		cr_assert_eq(map_dev(&dev, size, rw, MAP_SHARED, page_size),
			     MAP_FAILED);
		cr_assert_eq(errno, EINVAL);
		cr_assert_eq(map_dev(&dev, page_size, rw, MAP_SHARED, 1L << 40),
			     MAP_FAILED);
		cr_assert_eq(errno, EINVAL);
		mapdemo_device_close(&dev);
	}
}

/*
 * Growing fails with EFAULT, not ENOMEM or EINVAL: mremap(2)'s
 * vma_to_resize() refuses any VMA with VM_DONTEXPAND or VM_PFNMAP that
 * way, and both styles set VM_DONTEXPAND.  Shrinking and moving work.
 */
Test(dma_map, mremap_grow_is_efault)
{
	size_t s, len = 8 * page_size;

	for (s = 0; s < DMA_NSTYLES; s++) {
		struct mapdemo_device dev = open_dma(O_RDWR, dma_styles[s]);
		char *p = map_dev(&dev, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
		char *q, *to;

		cr_assert_neq(p, MAP_FAILED);
		p[0] = 'a';
		cr_assert_eq(mremap(p, len, 2 * len, 0), MAP_FAILED);
		cr_assert_eq(errno, EFAULT, "grow in place: %s", strerror(errno));
		cr_assert_eq(mremap(p, len, 2 * len, MREMAP_MAYMOVE), MAP_FAILED);
		cr_assert_eq(errno, EFAULT, "grow moving: %s", strerror(errno));

		q = mremap(p, len, len / 2, 0);
		cr_assert_eq(q, p, "shrink: %s", strerror(errno));
		/* move into address space we reserved, never onto a guess */
		to = mmap(NULL, len / 2, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		cr_assert_neq(to, MAP_FAILED);
		q = mremap(p, len / 2, len / 2, MREMAP_MAYMOVE | MREMAP_FIXED,
			   to);
		cr_assert_eq(q, to, "move: %s", strerror(errno));
		cr_assert_eq(q[0], 'a');
		cr_assert(msync(p, page_size, MS_ASYNC) == -1 && errno == ENOMEM,
			  "the old place is still mapped");
		munmap(q, len / 2);
		cr_assert_eq(device_stats().vmas_live, 0);
		mapdemo_device_close(&dev);
	}
}

/* The VmFlags of the mapping at @p, from /proc/self/smaps. */
static void vm_flags_of(void *p, char *out, size_t size)
{
	char line[500], want[32];
	bool in = false;
	FILE *f = fopen("/proc/self/smaps", "r");

	cr_assert_not_null(f);
	snprintf(want, sizeof(want), "%lx-", (unsigned long)p);
	out[0] = 0;
	while (fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && strchr(line, ' ') &&
		    strchr(line, '-') < strchr(line, ' '))
			in = !strncmp(line, want, strlen(want));
		if (in && !strncmp(line, "VmFlags:", 8)) {
			snprintf(out, size, "%s", line + 8);
			break;
		}
	}
	fclose(f);
	cr_assert_neq(out[0], 0, "no VmFlags for %p", p);
}

static bool has_flag(const char *flags, const char *f)
{
	char buf[8];

	snprintf(buf, sizeof(buf), " %s", f);
	return strstr(flags, buf) != NULL;
}

Test(dma_map, never_dumped_or_expanded_pfn_only_in_pfn_style)
{
	size_t s;

	for (s = 0; s < DMA_NSTYLES; s++) {
		struct mapdemo_device dev = open_dma(O_RDWR, dma_styles[s]);
		char *p = map_dev(&dev, page_size, PROT_READ, MAP_SHARED, 0);
		char flags[512];
		bool pfn = dma_styles[s] == MAPDEMO_DMA_PFN;
		bool mixed = dma_styles[s] == MAPDEMO_DMA_MIXED;

		cr_assert_neq(p, MAP_FAILED);
		vm_flags_of(p, flags, sizeof(flags));
		cr_assert(has_flag(flags, "dd"), "no VM_DONTDUMP: %s", flags);
		cr_assert(has_flag(flags, "de"), "no VM_DONTEXPAND: %s", flags);
		cr_assert_eq(has_flag(flags, "pf"), pfn, "VM_PFNMAP: %s", flags);
		cr_assert_eq(has_flag(flags, "io"), pfn, "VM_IO: %s", flags);
		cr_assert_eq(has_flag(flags, "mm"), mixed, "VM_MIXEDMAP: %s",
			     flags);
		cr_assert(!has_flag(flags, "ex"), "executable: %s", flags);
		munmap(p, page_size);
		mapdemo_device_close(&dev);
	}
}

Test(dma_map, style_is_fixed_by_first_mmap)
{
	struct mapdemo_device dev = open_dev(O_RDWR, MAPDEMO_MODE_DMA);
	struct mapdemo_info info;
	char *p;

	cr_assert_eq(mapdemo_info(&dev, &info), 0);
	cr_assert_eq(info.dma_style, MAPDEMO_DMA_PFN, "default style");
	cr_assert_eq(set_dma_style(&dev, MAPDEMO_DMA_STYLE_NR), -EINVAL);
	cr_assert_eq(ioctl(dev.fd, MAPDEMO_IOC_SET_DMA_STYLE, (void *)16), -1);
	cr_assert_eq(errno, EFAULT);
	cr_assert_eq(set_dma_style(&dev, MAPDEMO_DMA_PAGE), 0);
	cr_assert_eq(mapdemo_info(&dev, &info), 0);
	cr_assert_eq(info.dma_style, MAPDEMO_DMA_PAGE);

	p = map_dev(&dev, page_size, PROT_READ, MAP_SHARED, 0);
	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(set_dma_style(&dev, MAPDEMO_DMA_PFN), -EBUSY);
	cr_assert_eq(set_dma_style(&dev, MAPDEMO_DMA_PAGE), -EBUSY);
	munmap(p, page_size);
	cr_assert_eq(set_dma_style(&dev, MAPDEMO_DMA_PFN), -EBUSY);
	mapdemo_device_close(&dev);
}

struct share_arg {
	size_t off, len;
	int style;
	unsigned int seed;
};

/* A process of its own maps the buffer and writes the pattern. */
static int child_writes(void *v)
{
	struct share_arg *a = v;
	struct mapdemo_device dev;
	char *p;

	if (mapdemo_device_open(&dev, NULL, O_RDWR, MAPDEMO_MODE_DMA) ||
	    set_dma_style(&dev, a->style))
		return 1;
	p = map_dev(&dev, a->len, PROT_READ | PROT_WRITE, MAP_SHARED,
		    (off_t)a->off);
	if (p == MAP_FAILED)
		return 2;
	fill_pattern(p, a->len, a->off, a->seed);
	munmap(p, a->len);
	mapdemo_device_close(&dev);
	return 0;
}

Test(dma_map, bytes_shared_by_processes_mappings_and_pread)
{
	size_t s, size = dma_buffer_size();

	for (s = 0; s < DMA_NSTYLES; s++) {
		struct share_arg a = {
			.off = 3 * page_size, .len = size - 4 * page_size,
			.style = dma_styles[s], .seed = 11 + (unsigned int)s,
		};
		struct mapdemo_device dev = open_dma(O_RDWR, dma_styles[s]);
		char *whole = map_dev(&dev, size, PROT_READ, MAP_SHARED, 0);
		char *part, *buf = malloc(a.len);

		cr_assert_neq(whole, MAP_FAILED);
		cr_assert_not_null(buf);
		/* fault it in first, so the child's bytes must reach it */
		cr_assert_eq(whole[a.off], whole[a.off]);
		cr_assert_eq(in_child(child_writes, &a), 0);

		cr_assert_eq(count_not_pattern(whole + a.off, a.len, a.off,
					       a.seed), 0, "first mapping");
		part = map_dev(&dev, a.len, PROT_READ, MAP_SHARED, (off_t)a.off);
		cr_assert_neq(part, MAP_FAILED);
		cr_assert_eq(count_not_pattern(part, a.len, a.off, a.seed), 0,
			     "second mapping");
		cr_assert_eq(pread(dev.fd, buf, a.len, (off_t)a.off),
			     (ssize_t)a.len);
		cr_assert_eq(count_not_pattern(buf, a.len, a.off, a.seed), 0,
			     "pread");
		munmap(part, a.len);
		munmap(whole, size);
		free(buf);
		mapdemo_device_close(&dev);
	}
}

Test(dma_map, read_write_lseek)
{
	struct mapdemo_device dev = open_dma(O_RDWR, MAPDEMO_DMA_PFN);
	size_t size = dma_buffer_size();
	char buf[64], *p, *q;

	cr_assert_eq(lseek(dev.fd, 0, SEEK_END), (off_t)size);
	cr_assert_eq(lseek(dev.fd, -10, SEEK_END), (off_t)size - 10);
	cr_assert_eq(write(dev.fd, "0123456789abcdef", 16), 10,
		     "a write across the end is cut at the end");
	cr_assert_eq(write(dev.fd, "x", 1), -1);
	cr_assert_eq(errno, ENOSPC);
	cr_assert_eq(read(dev.fd, buf, sizeof(buf)), 0, "read at the end");
	cr_assert_eq(lseek(dev.fd, 1, SEEK_END), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(lseek(dev.fd, -1, SEEK_SET), -1);
	cr_assert_eq(errno, EINVAL);

	p = map_dev(&dev, page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		    (off_t)(size - page_size));
	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(memcmp(p + page_size - 10, "0123456789", 10), 0);
	memcpy(p, "mapped", 6);
	cr_assert_eq(pread(dev.fd, buf, 6, (off_t)(size - page_size)), 6);
	cr_assert_eq(memcmp(buf, "mapped", 6), 0);
	cr_assert_eq(pread(dev.fd, buf, sizeof(buf), (off_t)size + 5), 0);
	cr_assert_eq(pread(dev.fd, buf, 4, (off_t)size - 2), 2);
	cr_assert_eq(read(dev.fd, buf, 4), 0, "the fd's offset is unchanged");
	q = mmap(NULL, page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(q, MAP_FAILED);
	cr_assert_eq(pread(dev.fd, q, 4, 0), -1);
	cr_assert_eq(errno, EFAULT);
	munmap(q, page_size);
	munmap(p, page_size);
	mapdemo_device_close(&dev);
}

Test(dma_map, sync_is_range_checked)
{
	struct mapdemo_device dev = open_dma(O_RDWR, MAPDEMO_DMA_PFN);
	uint64_t size = dma_buffer_size();
	int d;

	for (d = MAPDEMO_SYNC_FOR_CPU; d <= MAPDEMO_SYNC_FOR_DEVICE; d++) {
		cr_assert_eq(dma_sync(&dev, 0, size, d, 0), 0);
		cr_assert_eq(dma_sync(&dev, size - 1, 1, d, 0), 0);
		cr_assert_eq(dma_sync(&dev, size, 0, d, 0), 0);
		cr_assert_eq(dma_sync(&dev, 5, 0, d, 0), 0);
		cr_assert_eq(dma_sync(&dev, 0, size + 1, d, 0), -EINVAL);
		cr_assert_eq(dma_sync(&dev, size, 1, d, 0), -EINVAL);
		cr_assert_eq(dma_sync(&dev, size + 1, 0, d, 0), -EINVAL);
		/* offset + length wraps to a small number */
		cr_assert_eq(dma_sync(&dev, UINT64_MAX, 2, d, 0), -EINVAL);
		cr_assert_eq(dma_sync(&dev, 4096, UINT64_MAX - 4095, d, 0),
			     -EINVAL);
		cr_assert_eq(dma_sync(&dev, 0, 1, d, 1), -EINVAL, "pad");
	}
	cr_assert_eq(dma_sync(&dev, 0, 1, 2, 0), -EINVAL, "direction");
	cr_assert_eq(ioctl(dev.fd, MAPDEMO_IOC_SYNC, (void *)16), -1);
	cr_assert_eq(errno, EFAULT);
	mapdemo_device_close(&dev);

	dev = open_dev(O_RDWR, MAPDEMO_MODE_ZERO);
	cr_assert_eq(dma_sync(&dev, 0, 1, MAPDEMO_SYNC_FOR_CPU, 0), -EINVAL,
		     "sync on a file not in dma mode");
	mapdemo_device_close(&dev);
}
