// SPDX-License-Identifier: MIT
/*
 * ioctl fuzzing: random commands, sizes and argument pointers on files of
 * every available mode, mapped and not.  Every call must come back with 0
 * or an errno the ABI allows for it, never an Oops; a command the driver
 * does not define must answer ENOTTY, and a bad pointer handed to a
 * command that always uses its argument must answer EFAULT.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"
#include "reliab.h"

static const unsigned long known_cmds[] = {
	MAPDEMO_IOC_SET_MODE, MAPDEMO_IOC_GET_MODE, MAPDEMO_IOC_INFO,
	MAPDEMO_IOC_STATS, MAPDEMO_IOC_RESET, MAPDEMO_IOC_RESIZE,
	MAPDEMO_IOC_SYNC, MAPDEMO_IOC_SET_DMA_STYLE, MAPDEMO_IOC_SET_DMA_CACHE,
};
#define NKNOWN (sizeof(known_cmds) / sizeof(known_cmds[0]))

/* Commands that use their argument in every mode, whatever it holds. */
static bool always_uses_arg(unsigned long cmd)
{
	return cmd == MAPDEMO_IOC_SET_MODE || cmd == MAPDEMO_IOC_GET_MODE ||
	       cmd == MAPDEMO_IOC_INFO || cmd == MAPDEMO_IOC_STATS;
}

/*
 * ioctl type bytes the VFS answers before the driver sees the command
 * (FIOCLEX, FIONBIO, FIFREEZE, FS_IOC_*, FICLONE...): freezing devtmpfs
 * is not what this test is about.
 */
static bool vfs_type(unsigned int type)
{
	return type == 0x00 || type == 'T' || type == 'X' || type == 'f' ||
	       type == 0x94;
}

enum arg_kind {
	ARG_NULL, ARG_SMALL, ARG_UNMAPPED, ARG_KERNEL, ARG_NONCANONICAL,
	ARG_HUGE, ARG_READONLY, ARG_STRADDLE, ARG_MISALIGNED, ARG_VALID,
	ARG_NR
};

static bool arg_is_bad(enum arg_kind k)
{
	return k <= ARG_HUGE;
}

struct arena {
	char *rw;		/* page_size * 2: random bytes */
	char *ro;		/* one read-only page of random bytes */
	char *edge;		/* last RW page before a PROT_NONE page */
	char *unmapped;		/* a page nothing maps */
};

static void arena_init(struct arena *a, struct rng *r)
{
	char *p = mmap(NULL, 6 * page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t i;

	cr_assert_neq(p, MAP_FAILED);
	for (i = 0; i < 6 * page_size; i++)
		p[i] = (char)rng_next(r);
	a->rw = p;
	a->ro = p + 2 * page_size;
	a->edge = p + 3 * page_size;
	a->unmapped = p + 5 * page_size;
	cr_assert_eq(mprotect(a->ro, page_size, PROT_READ), 0);
	cr_assert_eq(mprotect(p + 4 * page_size, page_size, PROT_NONE), 0);
	cr_assert_eq(munmap(a->unmapped, page_size), 0);
}

/* Plausible contents for the valid buffers: small numbers mostly. */
static void fill_valid(struct rng *r, char *buf, size_t len)
{
	uint64_t v[8];
	size_t i;

	for (i = 0; i < 8; i++) {
		switch (rng_below(r, 4)) {
		case 0: v[i] = rng_below(r, 4); break;
		case 1: v[i] = rng_below(r, 1 << 24); break;
		case 2: v[i] = ~0ULL - rng_below(r, 4096); break;
		default: v[i] = rng_next(r); break;
		}
	}
	memcpy(buf, v, len < sizeof(v) ? len : sizeof(v));
}

static void *pick_arg(struct rng *r, struct arena *a, enum arg_kind k)
{
	size_t off;

	switch (k) {
	case ARG_NULL: return NULL;
	case ARG_SMALL: return (void *)(uintptr_t)(1 + rng_below(r, 4095));
	case ARG_UNMAPPED: return a->unmapped + rng_below(r, page_size);
	case ARG_KERNEL:
		return (void *)(uintptr_t)(rng_one_in(r, 2) ?
			0xffff888000000000ULL + rng_below(r, 1ULL << 30) :
			0xffffffff81000000ULL + rng_below(r, 1ULL << 24));
	case ARG_NONCANONICAL:
		return (void *)(uintptr_t)(0x0000800000000000ULL +
					   rng_below(r, 1ULL << 40));
	case ARG_HUGE: return (void *)(uintptr_t)(~0ULL - rng_below(r, 4096));
	case ARG_READONLY: return a->ro + rng_below(r, 64);
	case ARG_STRADDLE:
		/* 1..63 bytes before the PROT_NONE page */
		return a->edge + page_size - 1 - rng_below(r, 63);
	case ARG_MISALIGNED:
		off = 1 + rng_below(r, 7);
		fill_valid(r, a->rw + off, 64);
		return a->rw + off;
	default:
		fill_valid(r, a->rw, 64);
		return a->rw;
	}
}

static unsigned long pick_cmd(struct rng *r)
{
	unsigned int type, nr, size, dir;
	unsigned long cmd;

	switch (rng_below(r, 8)) {
	case 0: case 1: case 2: case 3:
		return known_cmds[rng_below(r, NKNOWN)];
	case 4: case 5:	/* a known number with another size or direction */
		cmd = known_cmds[rng_below(r, NKNOWN)];
		size = rng_one_in(r, 2) ? rng_below(r, 128) :
					  rng_below(r, 1 << 14);
		dir = rng_below(r, 4);
		return _IOC(dir, MAPDEMO_IOC_MAGIC, _IOC_NR(cmd), size);
	case 6:		/* our type, any number */
		return _IOC(rng_below(r, 4), MAPDEMO_IOC_MAGIC,
			    rng_below(r, 256), rng_below(r, 256));
	default:
		do {
			type = rng_below(r, 256);
		} while (type == MAPDEMO_IOC_MAGIC || vfs_type(type));
		nr = rng_below(r, 256);
		size = rng_below(r, 1 << 14);
		dir = rng_below(r, 4);
		return _IOC(dir, type, nr, size);
	}
}

static bool is_known(unsigned long cmd)
{
	size_t i;

	for (i = 0; i < NKNOWN; i++)
		if (cmd == known_cmds[i])
			return true;
	return false;
}

/* What a call may answer; 0 in the set means success is allowed. */
static bool errno_allowed(unsigned long cmd, enum arg_kind k, int err)
{
	if (!is_known(cmd))
		return err == ENOTTY;
	if (cmd == MAPDEMO_IOC_RESET)	/* takes no argument */
		return err == 0 || err == EBUSY || err == EINVAL ||
		       err == ENOTTY || err == EOPNOTSUPP || err == EPERM ||
		       err == EBADF;
	if (arg_is_bad(k) && always_uses_arg(cmd))
		return err == EFAULT;
	if (cmd == MAPDEMO_IOC_GET_MODE || cmd == MAPDEMO_IOC_INFO) {
		if (k == ARG_READONLY)
			return err == EFAULT;
		if (k == ARG_VALID || k == ARG_MISALIGNED)
			return err == 0;
	}
	if (arg_is_bad(k) && err == 0)
		return false;	/* it cannot have read or written the argument */
	switch (err) {
	case 0: case EFAULT: case EINVAL: case EBUSY: case ENOTTY:
	case EOPNOTSUPP: case EPERM: case EBADF: case ENOMEM: case ERANGE:
		return true;
	default:
		return false;
	}
}

#define NFILES 6

struct fuzz_file {
	int fd;
	void *map;
	size_t maplen;
};

static void open_files(struct fuzz_file *f, struct rng *r)
{
	static const int modes[] = {
		MAPDEMO_MODE_ZERO, MAPDEMO_MODE_SPARSE, MAPDEMO_MODE_DMA
	};
	int i, mode;

	for (i = 0; i < NFILES; i++) {
		mode = modes[i % 3];
		if (!mode_available(mode))
			mode = MAPDEMO_MODE_ZERO;
		f[i].fd = open_dev(i == NFILES - 1 ? O_RDONLY : O_RDWR,
				   mode).fd;
		f[i].map = NULL;
		f[i].maplen = 0;
		/* the odd files are mapped: the mode is then fixed */
		if (i & 1) {
			f[i].maplen = page_size;
			f[i].map = mmap(NULL, page_size, PROT_READ, MAP_SHARED,
					f[i].fd, 0);
			cr_assert_neq(f[i].map, MAP_FAILED,
				      "map mode %d: %s", mode, strerror(errno));
		}
		(void)r;
	}
}

Test(fuzz, ioctl, .timeout = 600)
{
	unsigned long n = tier_count("MAPDEMO_FUZZ_IOCTLS", 100000), i;
	struct mapdemo_device ctl;
	struct mapdemo_info info0;
	struct fuzz_file f[NFILES];
	unsigned long known = 0, bad = 0;
	struct arena a;
	struct rng r;
	uint64_t seed = rng_seed(&r, "fuzz::ioctl");
	double t0 = now();
	int j;

	ctl = open_dev(O_RDWR, MAPDEMO_MODE_DEFAULT);
	cr_assert_eq(mapdemo_info(&ctl, &info0), 0);
	open_files(f, &r);
	/* last: no later mmap() may land in the arena's unmapped page */
	arena_init(&a, &r);

	for (i = 0; i < n; i++) {
		struct fuzz_file *ff = &f[rng_below(&r, NFILES)];
		unsigned long cmd = pick_cmd(&r);
		enum arg_kind k = rng_below(&r, ARG_NR);
		void *arg = pick_arg(&r, &a, k);
		int ret, err;

		errno = 0;
		ret = ioctl(ff->fd, cmd, arg);
		err = ret ? errno : 0;
		cr_assert(ret == 0 || ret == -1,
			  "seed %llu call %lu: ioctl(%#lx, kind %d) returned %d",
			  (unsigned long long)seed, i, cmd, k, ret);
		cr_assert(errno_allowed(cmd, k, err),
			  "seed %llu call %lu: ioctl(%#lx, %p, kind %d): %s",
			  (unsigned long long)seed, i, cmd, arg, k,
			  err ? strerror(err) : "success");
		known += is_known(cmd);
		bad += arg_is_bad(k);
	}

	/* Every file still works after all that. */
	for (j = 0; j < NFILES; j++) {
		struct mapdemo_device d = { .fd = f[j].fd };
		struct mapdemo_stats st;

		cr_assert_eq(mapdemo_stats(&d, MAPDEMO_STATS_FILE, &st), 0);
		if (f[j].map)
			cr_assert_eq(munmap(f[j].map, f[j].maplen), 0);
		cr_assert_eq(close(f[j].fd), 0);
	}
	/* the sparse buffer's size is device-wide: put it back */
	if (mode_available(MAPDEMO_MODE_SPARSE)) {
		struct mapdemo_device s = open_dev(O_RDWR, MAPDEMO_MODE_SPARSE);
		__u64 size = info0.sparse_size;

		cr_assert_eq(ioctl(s.fd, MAPDEMO_IOC_RESIZE, &size), 0,
			     "restore sparse_size %llu: %s",
			     (unsigned long long)size, strerror(errno));
		mapdemo_device_close(&s);
	}
	mapdemo_device_close(&ctl);
	cr_assert_eq(device_stats().vmas_live, 0);
	note("fuzz::ioctl: %lu calls (%lu known commands, %lu bad pointers) in %.1f s",
	       n, known, bad, now() - t0);
}
