/* SPDX-License-Identifier: MIT */
/*
 * libmapdemo: drive /dev/mapdemo from userspace.
 *
 * Every function returns 0 (or a non-negative value where it says so) on
 * success and a negative errno on failure; none of them sets errno as its
 * contract or prints anything.  The library keeps no global state: every
 * function may be called from any thread, on different objects at once.
 * The man pages libmapdemo(3) and the pages it lists say more.
 *
 * The ABI is the same whatever the caller's _FILE_OFFSET_BITS or
 * _TIME_BITS: offsets are uint64_t, never off_t.  The structs below keep
 * their size for the life of soname 1: each has reserved fields, which
 * the library fills (zero in this release) and a later 1.x may give a
 * meaning.  A struct the caller fills itself should start all zero.
 * New functions come with a new symbol version node, one per release
 * (user/lib/libmapdemo.map says the policy).
 */
#ifndef LIBMAPDEMO_H
#define LIBMAPDEMO_H

#include <stddef.h>
#include <stdint.h>

#include <mapdemo.h>	/* the ioctl ABI: struct mapdemo_info, _stats, ... */

#ifdef __cplusplus
extern "C" {
#endif

#define MAPDEMO_DEFAULT_PATH	"/dev/" MAPDEMO_DEVICE_NAME

/* ---- version: libmapdemo(3) ---- */

/* The release this header belongs to. */
#define MAPDEMO_VERSION_MAJOR	1
#define MAPDEMO_VERSION_MINOR	2
#define MAPDEMO_VERSION_PATCH	0

/* A release as one number that compares in order: 0x010000 is 1.0.0. */
#define MAPDEMO_VERSION_CODE(major, minor, patch) \
	(((major) << 16) | ((minor) << 8) | (patch))
#define MAPDEMO_VERSION MAPDEMO_VERSION_CODE(MAPDEMO_VERSION_MAJOR, \
	MAPDEMO_VERSION_MINOR, MAPDEMO_VERSION_PATCH)

/*
 * The release of the library that is running, as MAPDEMO_VERSION_CODE()
 * (> 0): MAPDEMO_VERSION of the header it was built from.  A program may
 * run with a newer library of the same major version than the header it
 * was built with; comparing the two tells it which features are there.
 */
int mapdemo_version(void);

/* ---- module control (libkmod): mapdemo_module_load(3) ---- */

enum mapdemo_module_state {
	MAPDEMO_MODULE_ABSENT = 0,	/* not loaded */
	MAPDEMO_MODULE_LIVE,
	MAPDEMO_MODULE_COMING,
	MAPDEMO_MODULE_GOING,
	MAPDEMO_MODULE_BUILTIN,
};

/*
 * Load the module.  @what is a path to a .ko file (it contains a '/' or
 * ends in ".ko") or a module name looked up in /lib/modules/$(uname -r);
 * NULL means "mapdemo".
 * @params is the module's parameter string ("mode=zero max_pages=64"), or
 * NULL.  Returns 0, -EINVAL for an empty @what or a parameter the module
 * refused, -EEXIST if it is already loaded, -ENOENT if there is no such
 * file or module, -EPERM without CAP_SYS_MODULE, or another errno of
 * finit_module(2).
 */
int mapdemo_module_load(const char *what, const char *params);

/*
 * Unload the module.  Returns 0, -ENOENT if it is not loaded, -EBUSY while
 * a file or mapping of the device is open, -EPERM if it is built in or
 * without CAP_SYS_MODULE, or another errno of delete_module(2).
 */
int mapdemo_module_unload(void);

/*
 * Returns an enum mapdemo_module_state (>= 0): MAPDEMO_MODULE_ABSENT when
 * libkmod finds no such module; or libkmod's negative errno for any other
 * failure (-EACCES, -ENOMEM, ...), never taken for "absent".
 */
int mapdemo_module_state(void);

/*
 * Returns the module's reference count (>= 0: one per open file of the
 * device, where a mapping keeps its file open after close), -ENOENT if
 * it is not loaded, or a negative errno.
 */
int mapdemo_module_refcount(void);

/* ---- the device: mapdemo_device_open(3), mapdemo_info(3) ---- */

struct mapdemo_device {
	int fd;			/* the open file; -1 once closed */
	uint32_t flags;		/* reserved: 0 */
	uint64_t reserved[3];	/* reserved: 0 */
};

#define MAPDEMO_MODE_DEFAULT	(-1)	/* keep the module's default mode */

/*
 * Open @path (NULL: /dev/mapdemo) with open(2) flags @oflags (O_RDWR,
 * O_RDONLY, ...; O_CLOEXEC is always added) and set @mode (an enum
 * mapdemo_mode, or MAPDEMO_MODE_DEFAULT).  Returns 0, or -EINVAL (NULL
 * @dev, unknown mode), -ENOENT when the module is not loaded, -EACCES,
 * -EOPNOTSUPP for a mode the loaded module does not offer, or another
 * errno of open(2).  On failure @dev->fd is -1.
 */
int mapdemo_device_open(struct mapdemo_device *dev, const char *path,
			int oflags, int mode);

/*
 * Close the device.  Mappings stay valid after it.  Returns 0, -EINVAL
 * for NULL, -EBADF if it is not open, or an errno of close(2); @dev->fd
 * is -1 afterwards either way.
 */
int mapdemo_device_close(struct mapdemo_device *dev);

/*
 * Set or get the file's mode.  set: 0, -EINVAL for an unknown mode,
 * -EOPNOTSUPP for one the module does not offer, -EBUSY once mmap() has
 * reached the file, even a call that then failed.  get: the enum mapdemo_mode (>= 0) or a negative errno.
 * Both: -EINVAL for NULL, -EBADF for a closed device.
 */
int mapdemo_set_mode(struct mapdemo_device *dev, int mode);
int mapdemo_get_mode(struct mapdemo_device *dev);

/*
 * Fill @info: the file's mode, page size, sparse and DMA buffer sizes,
 * max_pages, DMA style and flags (dma_addr only for CAP_SYS_ADMIN).
 * Returns 0, -EINVAL for NULL, -EBADF, -EFAULT.
 */
int mapdemo_info(struct mapdemo_device *dev, struct mapdemo_info *info);

/*
 * Fill @stats with the counters of @scope: MAPDEMO_STATS_DEVICE (every
 * file of the device) or MAPDEMO_STATS_FILE (this file).  Returns 0,
 * -EINVAL for NULL or an unknown scope, -EBADF.
 */
int mapdemo_stats(struct mapdemo_device *dev, int scope,
		  struct mapdemo_stats *stats);

/* ---- mode controls: mapdemo_reset(3) ---- */

/*
 * Sparse mode: drop every page of the device-wide buffer, so that it
 * reads zero again.  Returns 0, -EBUSY while anything maps the buffer,
 * -EINVAL when the file is not in sparse mode, -ENOTTY from a module
 * without the ioctl, -EINVAL for NULL, -EBADF (also for a file not open
 * for writing).
 */
int mapdemo_reset(struct mapdemo_device *dev);

/*
 * Sparse mode: set the buffer's size to @size bytes (any byte count).
 * Pages past the new end are dropped.  Returns 0, -EBUSY while anything
 * maps the buffer, -EINVAL for a size the module refuses or a file not in
 * sparse mode, -ENOTTY, -EBADF (also for a file not open for writing).
 */
int mapdemo_resize(struct mapdemo_device *dev, uint64_t size);

/*
 * DMA mode: hand [@offset, @offset + @length) of the buffer to the CPU
 * (MAPDEMO_SYNC_FOR_CPU, before reading what a device wrote) or to the
 * device (MAPDEMO_SYNC_FOR_DEVICE, after writing).  Returns 0, -EINVAL for
 * an unknown direction, a range outside the buffer or a file not in dma
 * mode, -ENOTTY, -EBADF.
 */
int mapdemo_sync(struct mapdemo_device *dev, uint64_t offset, uint64_t length,
		 int direction);

/*
 * DMA mode: how this file's mappings insert the buffer, an enum
 * mapdemo_dma_style (MAPDEMO_DMA_PFN, _PAGE or _MIXED); set before
 * the file's first mmap.  Returns 0, -EINVAL for an unknown style,
 * -EBUSY once mmap() has reached the file, -ENOTTY, -EBADF.
 */
int mapdemo_set_dma_style(struct mapdemo_device *dev, int style);

/*
 * DMA mode: the CPU cache attribute of this file's mappings, an enum
 * mapdemo_dma_cache (MAPDEMO_DMA_CACHED, _WC or _UNCACHED); set before
 * the file's first mmap.  Returns 0, -EINVAL for an unknown attribute,
 * -EOPNOTSUPP for WC or UNCACHED on a DMA-coherent device (every x86
 * device: mapdemo(4) says why), -EBUSY once mmap() has reached the file,
 * -ENOTTY from a module without it, -EBADF (also for a file not open for
writing: such a file's syncs change what other openers see).  Since 1.2.
 */
int mapdemo_set_dma_cache(struct mapdemo_device *dev, int cache);

/* ---- mappings: mapdemo_map(3) ---- */

struct mapdemo_mapping {
	void *addr;		/* NULL when not mapped */
	size_t length;		/* bytes */
	int prot;		/* PROT_* */
	int flags;		/* MAP_* */
	uint64_t offset;	/* the file offset, in bytes */
	uint64_t reserved[4];	/* reserved: 0 */
};

/*
 * mmap(2) @length bytes of @dev at byte @offset with @prot and @flags (the
 * PROT_* and MAP_* bits; @hint as mmap's addr).  @offset is 64 bits
 * whatever the caller's off_t; the kernel takes it as unsigned, as mmap(2)
 * does on 64-bit systems.  Returns 0 and fills @map, or -EINVAL for NULL,
 * -EBADF, or the negative errno mmap(2) failed with (for the device's own
 * answers see mapdemo(4)); @map is zeroed then.
 */
int mapdemo_map(struct mapdemo_device *dev, struct mapdemo_mapping *map,
		void *hint, size_t length, int prot, int flags, uint64_t offset);

/*
 * munmap(2) the whole mapping and zero @map->addr.  Returns 0, -EINVAL
 * for NULL or a mapping that is not mapped, or an errno of munmap(2).
 */
int mapdemo_unmap(struct mapdemo_mapping *map);

/* ---- names: mapdemo_parse_prot(3) ---- */

/*
 * Parse @s into bits.  @s is words separated by ',' or '|'; a word is a
 * name (PROT: "read", "write", "exec", "none"; MAP: a flag's name without
 * "MAP_", "shared", "populate", ...; case-insensitive), a number (decimal
 * or 0x hex) taken as the bits themselves, or for PROT letters of "rwx"
 * with '-' for a gap ("rw", "r-x").  Returns 0 with the bits ORed in *@out,
 * or -EINVAL (*@out untouched) for NULL @s or @out, an empty word or an
 * unknown one.  If @bad_word is not NULL it is set to where the word that
 * was not understood starts in @s (NULL on success, or if @s was NULL);
 * mapdemo_word_length() gives its length.
 */
int mapdemo_parse_prot(const char *s, int *prot, const char **bad_word);
int mapdemo_parse_map_flags(const char *s, int *flags, const char **bad_word);

/* The length of the word at @word: up to the next ',', '|' or the end. */
size_t mapdemo_word_length(const char *word);

/*
 * Format bits as names that the parsers above read back to the same bits:
 * "rw-"; "shared|populate"; bits without a name as one 0x word
 * ("private|0x40000000"), no bits at all as "0" for flags.  Returns the
 * length written (excluding the NUL), -EINVAL for NULL @buf, -ENOSPC if
 * @size is too small (@buf is then "" if @size > 0).
 */
int mapdemo_format_prot(int prot, char *buf, size_t size);
int mapdemo_format_map_flags(int flags, char *buf, size_t size);

/*
 * Buffer sizes that hold the name of any int, its NUL included:
 * "rwx|0xfffffff8" for PROT, every MAP_ name and a 0x word for flags.
 * They may grow in a later release, never shrink.
 */
#define MAPDEMO_PROT_NAME_MAX		32
#define MAPDEMO_MAP_FLAGS_NAME_MAX	256

/*
 * Names of enumerations, both ways, case-insensitive: modes ("zero",
 * "sparse", "dma"), DMA styles ("pfn", "page", "mixed"), probe accesses
 * ("read", "write", "exec").  The parsers return the value (>= 0) or
 * -EINVAL for NULL or an unknown name; the *_name functions return a
 * static string, or NULL for a value without a name.
 */
int mapdemo_parse_mode(const char *s);
const char *mapdemo_mode_name(int mode);
int mapdemo_parse_dma_style(const char *s);
const char *mapdemo_dma_style_name(int style);
/* "cached", "wc", "uncached"; since 1.2 */
int mapdemo_parse_dma_cache(const char *s);
const char *mapdemo_dma_cache_name(int cache);
int mapdemo_parse_access(const char *s);
const char *mapdemo_access_name(int access);

/*
 * A byte count: decimal or 0x hex digits, then optionally K, M, G or T
 * (powers of 1024; "KiB" and "KB" mean the same).  Returns 0 with *@bytes
 * set, -EINVAL for NULL, a sign, blanks or any other character, -ERANGE
 * when it does not fit in 64 bits.
 */
int mapdemo_parse_size(const char *s, uint64_t *bytes);

/* ---- fault probe: mapdemo_probe(3) ---- */

enum mapdemo_access {
	MAPDEMO_ACCESS_READ = 0,
	MAPDEMO_ACCESS_WRITE,	/* an atomic add of 0: the byte is kept */
	MAPDEMO_ACCESS_EXEC,	/* calls the page: it runs what it holds */
};

enum mapdemo_outcome {
	MAPDEMO_OK = 0,
	MAPDEMO_SIGSEGV,
	MAPDEMO_SIGBUS,
};

struct mapdemo_probe_result {
	uint8_t outcome;	/* enum mapdemo_outcome */
	uint8_t pad[3];		/* 0 */
	int32_t code;		/* si_code: SEGV_MAPERR, BUS_ADRERR, ...; 0 if OK */
	void *addr;		/* si_addr: the faulting address; NULL if OK */
	uint64_t reserved[2];	/* reserved: 0 */
};

/*
 * "ok", "SIGSEGV", "SIGBUS"; and the si_code's name for an outcome
 * ("SEGV_ACCERR", "BUS_ADRERR", ...).  NULL for values without a name.
 */
const char *mapdemo_outcome_name(int outcome);
const char *mapdemo_code_name(int outcome, int code);

/*
 * Touch the first byte of every page of [@addr, @addr + @length) with
 * @access and record per page what happened in @results (@nresults
 * entries, at least one per page).  Faults are taken in a helper task
 * that shares the caller's memory but has signal handlers and a mask of
 * its own, so the caller's handlers, mask and other threads are never
 * disturbed, and several threads may probe at once.  The helper blocks
 * every signal but the faults it handles and leaves the caller's process
 * group: none of the caller's handlers ever runs in it.  A handler may
 * probe while the thread it interrupted probes.  The helper's page
 * faults count in the caller's RUSAGE_CHILDREN, not RUSAGE_SELF.
 * Returns the number of pages probed (>= 1), or -EINVAL (NULL, unknown
 * access, unaligned, empty or wrapping range, @nresults too small), -EIO
 * if the helper died of a signal it does not catch, -ENOMEM, or an errno
 * of clone(2) or waitpid(2).
 */
int mapdemo_probe(void *addr, size_t length, int access,
		  struct mapdemo_probe_result *results, size_t nresults);

/* ---- the behaviour matrix: mapdemo_matrix_cell(3) ---- */

/*
 * What one consumer (an operation a program applies to memory: O_DIRECT,
 * io_uring, ptrace, madvise, ...) did with one kind of mapping (zero
 * private, dma pfn, MAP_ANONYMOUS, ...).  Kinds and consumers are
 * numbered from 0; a later release appends to both lists and never
 * renumbers, so a program looks them up by name.
 */
enum mapdemo_cell_outcome {
	MAPDEMO_CELL_OK = 0,	/* it worked, with the bytes it should see */
	MAPDEMO_CELL_ERRNO,	/* the call failed with .error */
	MAPDEMO_CELL_SIGNAL,	/* an access raised .signo with si_code .code */
	MAPDEMO_CELL_BYTES,	/* the calls worked but the bytes were wrong */
	MAPDEMO_CELL_SKIPPED,	/* not run: what it needs was not given */
};

struct mapdemo_cell {
	uint8_t outcome;	/* enum mapdemo_cell_outcome */
	uint8_t pad[3];		/* 0 */
	int32_t error;		/* MAPDEMO_CELL_ERRNO: the errno (> 0) */
	int32_t signo;		/* MAPDEMO_CELL_SIGNAL: SIGSEGV, SIGBUS, ... */
	int32_t code;		/* MAPDEMO_CELL_SIGNAL: si_code, 0 if unknown */
	uint64_t reserved[3];	/* reserved: 0 */
};

/* MAPDEMO_MATRIX_*: bits of struct mapdemo_matrix_config's flags. */
/*
 * Run the cells that take a page of physical memory out of service for
 * good (MADV_SOFT_OFFLINE migrates the page and retires the old one):
 * for a test machine or a guest, not for a box in use.  Without it those
 * cells are MAPDEMO_CELL_SKIPPED.
 */
#define MAPDEMO_MATRIX_OFFLINE	0x1U

/* Where the matrix runs.  Start from all zero: every field has a default. */
struct mapdemo_matrix_config {
	const char *device;	/* the device node; NULL: /dev/mapdemo */
	/*
	 * A block device (or a file on a file system with O_DIRECT) whose
	 * first 32 KiB the O_DIRECT cells may overwrite (NULL: those cells
	 * are MAPDEMO_CELL_SKIPPED)
	 */
	const char *block_device;
	uint32_t flags;		/* MAPDEMO_MATRIX_* */
	uint32_t pad;		/* 0 */
	uint64_t reserved[5];	/* reserved: 0 */
};

/*
 * The number of kinds and of consumers this library knows (> 0); the
 * name of one ("zero-private", "odirect-read"; NULL out of range), and
 * the number of a name (-EINVAL for NULL or an unknown name).
 */
int mapdemo_matrix_kinds(void);
const char *mapdemo_matrix_kind_name(int kind);
int mapdemo_matrix_parse_kind(const char *name);
int mapdemo_matrix_consumers(void);
const char *mapdemo_matrix_consumer_name(int consumer);
int mapdemo_matrix_parse_consumer(const char *name);

/*
 * Run one cell on the running kernel: make a fresh mapping of @kind, apply
 * @consumer to it and fill @cell with what happened.  Each cell runs in a
 * child process of its own (fork(2)), so that nothing it does (a seal, a
 * lock, a fault, a tracee) stays with the caller; the caller's signal
 * handlers never run.  The cells of the sparse and dma kinds write their
 * patterns into the device's shared buffers.  Returns 0 with @cell
 * filled, -EINVAL for NULL @cell, an unknown @kind or @consumer or
 * non-zero reserved fields in @config (NULL: every default), or the
 * negative errno that kept the mapping from being made (-ENOENT: the
 * module is not loaded; the errno of mmap(2)) or the child from running.
 */
int mapdemo_matrix_cell(const struct mapdemo_matrix_config *config,
			int kind, int consumer, struct mapdemo_cell *cell);

/*
 * Format @cell as the matrix prints it: "ok", the errno's name
 * ("EINVAL"), "SIGBUS/BUS_ADRERR" (the signal alone if its si_code has
 * no name), "bytes", "-" for skipped.  Returns the length written
 * (excluding the NUL), -EINVAL for NULL or an unknown outcome, -ENOSPC
 * if @size is too small.  MAPDEMO_CELL_NAME_MAX holds any of them.
 */
int mapdemo_cell_format(const struct mapdemo_cell *cell, char *buf,
			size_t size);
#define MAPDEMO_CELL_NAME_MAX	32

#ifdef __cplusplus
}
#endif

#endif /* LIBMAPDEMO_H */
