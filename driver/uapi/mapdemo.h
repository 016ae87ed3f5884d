/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mapdemo ioctl ABI: the one header shared by the driver and userspace.
 *
 * Every structure has fixed-size fields and explicit padding so that 32-bit
 * and 64-bit callers see the same layout; reserved fields must be zero.
 */
#ifndef _UAPI_MAPDEMO_H
#define _UAPI_MAPDEMO_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define MAPDEMO_DEVICE_NAME	"mapdemo"

/*
 * Per-file mapping mode, chosen before the first mmap() call that reaches
 * the device (one that fails there fixes it too).
 */
enum mapdemo_mode {
	MAPDEMO_MODE_ZERO	= 0,	/* fresh zero-filled pages, like /dev/zero */
	MAPDEMO_MODE_SPARSE	= 1,	/* one device-wide sparse buffer */
	MAPDEMO_MODE_DMA	= 2,	/* one contiguous DMA-coherent buffer */
	MAPDEMO_MODE_NR
};

/* How dma mode inserts its buffer into a mapping. */
enum mapdemo_dma_style {
	MAPDEMO_DMA_PFN		= 0,	/* VM_PFNMAP | VM_IO, cannot be pinned */
	MAPDEMO_DMA_PAGE	= 1,	/* struct page backed, can be pinned */
	MAPDEMO_DMA_MIXED	= 2,	/* VM_MIXEDMAP, vmf_insert_mixed() */
	MAPDEMO_DMA_STYLE_NR
};

/*
 * The CPU's cache attribute of a file's dma mappings, chosen before its
 * first mmap like the style.  Refused (-EOPNOTSUPP) where the driver
 * cannot give it without aliasing the buffer's pages with conflicting
 * attributes (x86 with PAT: every choice but CACHED); see mapdemo(4).
 */
enum mapdemo_dma_cache {
	MAPDEMO_DMA_CACHED	= 0,	/* write-back; MAPDEMO_IOC_SYNC keeps it coherent */
	MAPDEMO_DMA_WC		= 1,	/* write-combined (arm64: Normal non-cacheable) */
	MAPDEMO_DMA_UNCACHED	= 2,	/* uncached (arm64: Device-nGnRnE) */
	MAPDEMO_DMA_CACHE_NR
};

struct mapdemo_info {
	__u32 mode;		/* this file's mode */
	__u32 page_size;
	__u64 sparse_size;	/* bytes */
	__u64 dma_size;		/* bytes, 0 when no buffer is allocated */
	__u64 dma_addr;		/* bus address; 0 unless CAP_SYS_ADMIN */
	__u64 max_pages;	/* cap on pages the driver allocates in all */
	__u32 dma_style;	/* enum mapdemo_dma_style */
	__u32 flags;		/* MAPDEMO_INFO_* */
	__u32 dma_cache;	/* enum mapdemo_dma_cache (was reserved: 0 is CACHED) */
	__u32 reserved32;	/* zero */
	__u64 reserved[3];
};

#define MAPDEMO_INFO_ALLOW_EXEC		0x1U
#define MAPDEMO_INFO_DMA_ADDR_VALID	0x2U
/* dma: the buffer's whole PMDs are folios, which page style maps by PMD */
#define MAPDEMO_INFO_DMA_PAGE_PMDS	0x4U
/*
 * The buffer's device is DMA-coherent: MAPDEMO_IOC_SYNC does no cache
 * maintenance.
 */
#define MAPDEMO_INFO_DMA_COHERENT	0x8U

enum mapdemo_stats_scope {
	MAPDEMO_STATS_DEVICE	= 0,	/* every file of the device */
	MAPDEMO_STATS_FILE	= 1,	/* the file the ioctl is issued on */
};

struct mapdemo_stats {
	__u32 scope;		/* in: enum mapdemo_stats_scope */
	__u32 pad;		/* in: must be zero */
	__u64 mmaps;		/* successful mmap() calls */
	__u64 faults;		/* calls to the fault handlers */
	__u64 fault_around;	/* fault-around batches (map_pages) */
	__u64 huge_faults;	/* PMD-sized mappings installed */
	__u64 cow;		/* private write faults served by copy */
	__u64 mkwrite;		/* page_mkwrite calls */
	__u64 pages_alloc;	/* pages the driver allocated */
	__u64 pages_freed;	/* pages the driver freed */
	__u64 pages_live;	/* pages_alloc - pages_freed */
	__u64 sigbus;		/* faults answered with SIGBUS */
	__u64 oom;		/* faults answered with VM_FAULT_OOM */
	__u64 vmas_live;	/* VMAs currently mapping the device */
	__u64 reserved[4];
};

/* MAPDEMO_IOC_SYNC: hand a dma-mode range to the CPU or to the device. */
enum mapdemo_sync_dir {
	MAPDEMO_SYNC_FOR_CPU	= 0,
	MAPDEMO_SYNC_FOR_DEVICE	= 1,
};

struct mapdemo_sync {
	__u64 offset;		/* bytes into the buffer */
	__u64 length;		/* bytes; offset + length within the buffer */
	__u32 direction;	/* enum mapdemo_sync_dir */
	__u32 pad;		/* must be zero */
};

#define MAPDEMO_IOC_MAGIC	0xBE

#define MAPDEMO_IOC_SET_MODE	_IOW(MAPDEMO_IOC_MAGIC, 0x00, __u32)
#define MAPDEMO_IOC_GET_MODE	_IOR(MAPDEMO_IOC_MAGIC, 0x01, __u32)
#define MAPDEMO_IOC_INFO	_IOR(MAPDEMO_IOC_MAGIC, 0x02, struct mapdemo_info)
#define MAPDEMO_IOC_STATS	_IOWR(MAPDEMO_IOC_MAGIC, 0x03, struct mapdemo_stats)
/* sparse mode: drop every page of the buffer (-EBUSY while mapped) */
#define MAPDEMO_IOC_RESET	_IO(MAPDEMO_IOC_MAGIC, 0x04)
/* sparse mode: set the buffer's size in bytes (-EBUSY while mapped) */
#define MAPDEMO_IOC_RESIZE	_IOW(MAPDEMO_IOC_MAGIC, 0x05, __u64)
/* dma mode: cache maintenance for a range, range-checked */
#define MAPDEMO_IOC_SYNC	_IOW(MAPDEMO_IOC_MAGIC, 0x06, struct mapdemo_sync)
/* dma mode: enum mapdemo_dma_style of this file, before its first mmap */
#define MAPDEMO_IOC_SET_DMA_STYLE _IOW(MAPDEMO_IOC_MAGIC, 0x07, __u32)
/* dma mode: enum mapdemo_dma_cache of this file, before its first mmap */
#define MAPDEMO_IOC_SET_DMA_CACHE _IOW(MAPDEMO_IOC_MAGIC, 0x08, __u32)

#endif /* _UAPI_MAPDEMO_H */
