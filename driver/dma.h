/* SPDX-License-Identifier: GPL-2.0 */
/* dma mode internals shared by dma.c (the file side) and dma_vm.c. */
#ifndef _MAPDEMO_DMA_H
#define _MAPDEMO_DMA_H

#include "dma_buf.h"

/* The device-wide buffer, set up at load and fixed until unload. */
extern struct mapdemo_dma_buf mapdemo_dma_buffer;
/* Whether faults may install 2 MiB PMD mappings (module parameter). */
extern bool mapdemo_dma_huge;

extern const struct vm_operations_struct mapdemo_dma_vm_ops;
unsigned long mapdemo_dma_get_unmapped_area(struct file *file,
					    unsigned long addr,
					    unsigned long len,
					    unsigned long pgoff,
					    unsigned long flags);

#endif /* _MAPDEMO_DMA_H */
