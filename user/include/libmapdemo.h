/* SPDX-License-Identifier: MIT */
/*
 * libmapdemo: drive /dev/mapdemo from userspace.
 *
 * Every function returns 0 (or a non-negative count where it says so) on
 * success and a negative errno on failure; none of them sets errno as its
 * contract or prints anything.  The library keeps no global state: every
 * function may be called from any thread.
 */
#ifndef LIBMAPDEMO_H
#define LIBMAPDEMO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <mapdemo.h>	/* the ioctl ABI: struct mapdemo_info, _stats */

#ifdef __cplusplus
extern "C" {
#endif

#define MAPDEMO_DEFAULT_PATH	"/dev/" MAPDEMO_DEVICE_NAME

/* ---- module control (libkmod) ---- */

enum mapdemo_module_state {
	MAPDEMO_MODULE_ABSENT = 0,	/* not loaded */
	MAPDEMO_MODULE_LIVE,
	MAPDEMO_MODULE_COMING,
	MAPDEMO_MODULE_GOING,
	MAPDEMO_MODULE_BUILTIN,
};

/*
 * Load the module.  @what is a path to a .ko file (it contains a '/') or a
 * module name looked up in /lib/modules/$(uname -r); NULL means "mapdemo".
 * @params is the module's parameter string ("mode=zero max_pages=64"), or
 * NULL.  Returns 0, -EEXIST if it is already loaded, -ENOENT if no such
 * module, -EINVAL for a parameter the module refused, or another errno
 * from init_module(2).
 */
int mapdemo_module_load(const char *what, const char *params);

/*
 * Unload the module.  Returns 0, -ENOENT if it is not loaded, -EBUSY while
 * a file or mapping of the device is open, or another errno from
 * delete_module(2).
 */
int mapdemo_module_unload(void);

/* Returns an enum mapdemo_module_state (>= 0), or a negative errno. */
int mapdemo_module_state(void);

/* Returns the module's reference count (>= 0), or a negative errno. */
int mapdemo_module_refcount(void);

/* ---- the device ---- */

struct mapdemo_device {
	int fd;
};

#define MAPDEMO_MODE_DEFAULT	(-1)	/* keep the module's default mode */

/*
 * Open @path (NULL: /dev/mapdemo) with open(2) flags @oflags (O_RDWR,
 * O_RDONLY, ...; O_CLOEXEC is always added) and set @mode (an enum
 * mapdemo_mode, or MAPDEMO_MODE_DEFAULT).  Returns 0 or a negative errno:
 * -ENOENT when the module is not loaded, -EACCES, -EINVAL for a bad mode.
 */
int mapdemo_device_open(struct mapdemo_device *dev, const char *path,
			int oflags, int mode);
/* Returns 0 or a negative errno from close(2). */
int mapdemo_device_close(struct mapdemo_device *dev);

/* -EBUSY once the file has been mapped, -EINVAL for an unknown mode. */
int mapdemo_set_mode(struct mapdemo_device *dev, int mode);
/* Returns the file's enum mapdemo_mode (>= 0) or a negative errno. */
int mapdemo_get_mode(struct mapdemo_device *dev);
int mapdemo_info(struct mapdemo_device *dev, struct mapdemo_info *info);
/* @scope: MAPDEMO_STATS_DEVICE or MAPDEMO_STATS_FILE. */
int mapdemo_stats(struct mapdemo_device *dev, int scope,
		  struct mapdemo_stats *stats);

/* ---- mappings ---- */

struct mapdemo_mapping {
	void *addr;
	size_t length;
	int prot;
	int flags;
	off_t offset;
};

/*
 * mmap(2) @length bytes of @dev at @offset with @prot and @flags (the
 * PROT_* and MAP_* bits; @hint as mmap's addr).  Returns 0 and fills @map,
 * or the negative errno mmap(2) failed with.
 */
int mapdemo_map(struct mapdemo_device *dev, struct mapdemo_mapping *map,
		void *hint, size_t length, int prot, int flags, off_t offset);
/* munmap(2) the whole mapping; returns 0 or a negative errno. */
int mapdemo_unmap(struct mapdemo_mapping *map);

/* ---- names: "rw" <-> PROT_*, "shared,populate" <-> MAP_* ---- */

/*
 * Parse @s into bits.  PROT: "none", or letters of "rwx" ("rw", "r-x"), or
 * a comma list of "read,write,exec".  MAP: a comma list of flag names
 * without the MAP_ prefix, case-insensitive ("shared,populate").  A
 * number (decimal or 0x) is taken as the bits themselves.  Returns 0, or
 * -EINVAL with *@bad_word (if not NULL) set to where the first word that
 * is not a name starts in @s.
 */
int mapdemo_parse_prot(const char *s, int *prot, const char **bad_word);
int mapdemo_parse_map_flags(const char *s, int *flags, const char **bad_word);

/*
 * Format bits as names ("rw-"; "shared|populate").  Returns the length
 * written (excluding the NUL), -ENOSPC if @size is too small.
 */
int mapdemo_format_prot(int prot, char *buf, size_t size);
int mapdemo_format_map_flags(int flags, char *buf, size_t size);

/* Parse a mode name ("zero", "sparse", "dma"); returns the mode or -EINVAL. */
int mapdemo_parse_mode(const char *s);
/* The mode's name, or NULL for an unknown mode. */
const char *mapdemo_mode_name(int mode);

/* ---- fault probe ---- */

enum mapdemo_access {
	MAPDEMO_ACCESS_READ = 0,
	MAPDEMO_ACCESS_WRITE,	/* writes back the byte it read: no data lost */
	MAPDEMO_ACCESS_EXEC,
};

enum mapdemo_outcome {
	MAPDEMO_OK = 0,
	MAPDEMO_SIGSEGV,
	MAPDEMO_SIGBUS,
};

struct mapdemo_probe_result {
	uint8_t outcome;	/* enum mapdemo_outcome */
	uint8_t pad[3];
	int32_t code;		/* si_code: SEGV_MAPERR, BUS_ADRERR, ...; 0 if OK */
	void *addr;		/* si_addr: the faulting address; NULL if OK */
};

/*
 * Touch the first byte of every page of [@addr, @addr + @length) with
 * @access and record per page what happened in @results (@nresults
 * entries, at least one per page).  Faults are taken in a helper that
 * shares the caller's memory but has signal handlers of its own, so the
 * caller's handlers, mask and other threads are never disturbed.
 * Returns the number of pages probed, or -EINVAL (bad access, unaligned
 * or empty range, @nresults too small), -ENOMEM, or an errno of clone(2).
 */
int mapdemo_probe(void *addr, size_t length, int access,
		  struct mapdemo_probe_result *results, size_t nresults);

#ifdef __cplusplus
}
#endif

#endif /* LIBMAPDEMO_H */
