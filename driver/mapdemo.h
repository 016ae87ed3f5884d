/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mapdemo internals shared by the device core and the mapping modes.
 */
#ifndef _MAPDEMO_H
#define _MAPDEMO_H

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>

#include "compat.h"
#include "trace.h"
#include "uapi/mapdemo.h"

/* Raw event counters; pages_live and vmas_live are derived from them. */
enum mapdemo_stat {
	MD_STAT_MMAPS,
	MD_STAT_FAULTS,
	MD_STAT_FAULT_AROUND,
	MD_STAT_HUGE_FAULTS,
	MD_STAT_COW,
	MD_STAT_MKWRITE,
	MD_STAT_PAGES_ALLOC,
	MD_STAT_PAGES_FREED,
	MD_STAT_SIGBUS,
	MD_STAT_OOM,
	MD_STAT_VMA_OPEN,
	MD_STAT_VMA_CLOSE,
	MD_STAT_NR
};

struct mapdemo_counters {
	u64 v[MD_STAT_NR];
};

/* One per open file of /dev/mapdemo. */
struct mapdemo_file {
	/*
	 * @lock serialises the mode against mmap(): the mode may change only
	 * while @mode_fixed is false.  The first mmap() call sets it under
	 * @lock, in ->get_unmapped_area, which the core calls before it
	 * counts the mapping on file->f_mapping and before ->mmap.
	 */
	struct mutex lock;
	u32 mode;
	u32 dma_style;		/* enum mapdemo_dma_style; fixed like @mode */
	u32 dma_cache;		/* enum mapdemo_dma_cache; fixed like @mode */
	bool mode_fixed;
	/*
	 * The opener had CAP_SYS_ADMIN: the file may tell the DMA buffer's
	 * bus address.  Decided at open, by the opener's credentials, as
	 * for any file whose rights come from who opened it.
	 */
	bool sees_dma_addr;
	struct mapdemo_counters __percpu *stats;
};

/*
 * A mapping being set up, as a mode sees it, whichever way the kernel
 * sets mappings up (->mmap_prepare or ->mmap: setup_desc.c, setup_vma.c).
 * @flags are the mapping's VM_* flags, which the mode may add to or take
 * from; @file is the device file mapped, which the mode may replace with
 * a file of its own (object.c; the request then owns a reference on it).
 */
struct mapdemo_map_req {
	struct file *file;
	vm_flags_t flags;
	unsigned long pgoff;
	unsigned long pages;
	const struct vm_operations_struct *vm_ops;
	u32 cache;		/* enum mapdemo_dma_cache of the mapping's PTEs */
};

/* @prot with the CPU cache attribute @cache (dma.c) */
pgprot_t mapdemo_cache_prot(pgprot_t prot, u32 cache);

/* main.c: set up the mapping @req of the open file @mf */
int mapdemo_map(struct mapdemo_file *mf, struct mapdemo_map_req *req);

/*
 * What a mode provides.  ->mmap is called with mf->lock held and the
 * mode fixed; the others may be NULL (read and write then fail with
 * -EINVAL, lseek is noop_llseek, the address is the mm's default).
 */
struct mapdemo_mode_ops {
	int (*mmap)(struct mapdemo_file *mf, struct mapdemo_map_req *req);
	ssize_t (*read_iter)(struct kiocb *iocb, struct iov_iter *to);
	ssize_t (*write_iter)(struct kiocb *iocb, struct iov_iter *from);
	loff_t (*llseek)(struct file *file, loff_t offset, int whence);
	unsigned long (*get_unmapped_area)(struct file *file, unsigned long addr,
					   unsigned long len, unsigned long pgoff,
					   unsigned long flags);
};

extern const struct mapdemo_mode_ops mapdemo_zero_ops;

/* dma.c */
extern const struct mapdemo_mode_ops mapdemo_dma_ops;
u32 mapdemo_dma_default_style(void);
void mapdemo_dma_info(struct mapdemo_file *mf, struct mapdemo_info *info);
long mapdemo_dma_ioctl(struct mapdemo_file *mf, unsigned int cmd,
		       void __user *arg);
int mapdemo_dma_init(void);
void mapdemo_dma_exit(void);

/* stats.c */
void mapdemo_count(struct mapdemo_file *mf, enum mapdemo_stat stat);
void mapdemo_count_add(struct mapdemo_file *mf, enum mapdemo_stat stat,
		       unsigned long n);

void mapdemo_stats_fill(struct mapdemo_counters __percpu *stats,
			struct mapdemo_stats *out);
struct mapdemo_counters __percpu *mapdemo_device_stats(void);
int mapdemo_stats_init(void);
void mapdemo_stats_exit(void);
extern const struct attribute_group *mapdemo_groups[];

/*
 * pages.c: every page the driver hands out comes from here, zeroed, and is
 * charged to a pool against the max_pages cap.  A pool is charged
 * max(reserved, allocated) pages; both fields belong to pages.c.
 */
struct mapdemo_pool {
	unsigned long reserved;
	unsigned long allocated;
};

int mapdemo_pool_reserve(struct mapdemo_pool *pool, unsigned long pages);
void mapdemo_pool_unreserve(struct mapdemo_pool *pool, unsigned long pages);
void mapdemo_folio_free(struct mapdemo_file *mf, struct mapdemo_pool *pool,
			struct folio *folio);
void mapdemo_pool_uncharge(struct mapdemo_file *mf, struct mapdemo_pool *pool,
			   unsigned long nr, bool was_allocated);
void mapdemo_pool_drain(struct mapdemo_file *mf, struct mapdemo_pool *pool);
int mapdemo_cache_folio(struct mapdemo_file *mf, struct mapdemo_pool *pool,
			struct address_space *mapping, pgoff_t index,
			unsigned int order, struct folio **foliop);
vm_fault_t mapdemo_map_pages(struct vm_fault *vmf, pgoff_t start, pgoff_t end);
int mapdemo_pages_init(void);
void mapdemo_pages_exit(void);
extern unsigned long mapdemo_max_pages;

/* fs.c: the driver's pseudo filesystem */
struct vfsmount *mapdemo_fs_mount(void);
struct inode *mapdemo_fs_inode(const struct address_space_operations *aops);
int mapdemo_fs_init(void);
void mapdemo_fs_exit(void);

/*
 * object.c: the file of one zero or sparse mode mmap(), which its VMAs
 * map instead of /dev/mapdemo.  @dev_file is the file that was mmap()ed;
 * the object holds it, and with it @mf.
 */
struct mapdemo_object {
	struct file *dev_file;
	struct mapdemo_file *mf;
	void (*release)(struct mapdemo_object *obj);
};

extern const struct file_operations mapdemo_object_fops;
int mapdemo_object_attach(struct mapdemo_map_req *req,
			  struct mapdemo_object *obj, struct inode *inode,
			  void (*release)(struct mapdemo_object *obj));

/* zero.c */
/* A reference on one of the driver's zero pages, or NULL: take a page then */
struct page *mapdemo_zero_page_get(void);
int mapdemo_zero_init(void);
void mapdemo_zero_exit(void);

/* sparse.c */
extern const struct mapdemo_mode_ops mapdemo_sparse_ops;
void mapdemo_sparse_info(struct mapdemo_info *info);
struct address_space *mapdemo_sparse_mapping(void);
long mapdemo_sparse_ioctl(struct mapdemo_file *mf, unsigned int cmd,
			  void __user *arg);
int mapdemo_sparse_init(void);
void mapdemo_sparse_exit(void);

/* vma.c: helpers common to every mode's vm_operations */
void mapdemo_vma_opened(struct vm_area_struct *vma);
void mapdemo_vma_closed(struct vm_area_struct *vma);
unsigned long mapdemo_aligned_unmapped_area(struct file *file,
					    unsigned long addr,
					    unsigned long len,
					    unsigned long pgoff,
					    unsigned long flags);

/* The open file of /dev/mapdemo a mapping of @file was made through. */
static inline struct mapdemo_file *mapdemo_file_of(const struct file *file)
{
	if (file->f_op == &mapdemo_object_fops)
		return ((struct mapdemo_object *)file->private_data)->mf;
	return file->private_data;
}

static inline struct mapdemo_file *mapdemo_vma_file(struct vm_area_struct *vma)
{
	return mapdemo_file_of(vma->vm_file);
}

/*
 * A fault event: counted as @stat for the file the VMA was mapped
 * through, and traced as the event of the same name (trace.h).  Inline,
 * so that a disabled tracepoint costs the fault path a patched-out
 * branch and no call; @stat is a constant at every caller.
 */
static inline void mapdemo_fault_event(struct vm_fault *vmf,
				       enum mapdemo_stat stat,
				       vm_fault_t result)
{
	struct mapdemo_file *mf = mapdemo_vma_file(vmf->vma);

#define MAPDEMO_TRACE(event)						\
	trace_mapdemo_##event(READ_ONCE(mf->mode), vmf->address,	\
			      vmf->pgoff, result)
	mapdemo_count(mf, stat);
	switch (stat) {
	case MD_STAT_FAULTS:
		MAPDEMO_TRACE(fault);
		break;
	case MD_STAT_FAULT_AROUND:
		MAPDEMO_TRACE(map_pages);
		break;
	case MD_STAT_HUGE_FAULTS:
		MAPDEMO_TRACE(huge_fault);
		break;
	case MD_STAT_COW:
		MAPDEMO_TRACE(cow);
		break;
	case MD_STAT_MKWRITE:
		MAPDEMO_TRACE(mkwrite);
		break;
	case MD_STAT_SIGBUS:
		MAPDEMO_TRACE(sigbus);
		break;
	default:
		break;
	}
#undef MAPDEMO_TRACE
}

/* The end of a ->fault or ->huge_fault: counted, traced, returned. */
static inline vm_fault_t mapdemo_fault_done(struct vm_fault *vmf,
					    vm_fault_t result)
{
	mapdemo_fault_event(vmf, MD_STAT_FAULTS, result);
	return result;
}

#endif /* _MAPDEMO_H */
