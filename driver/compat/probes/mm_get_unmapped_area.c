// SPDX-License-Identifier: GPL-2.0
/* after 6.18: mm_get_unmapped_area() without its mm argument */
#include <linux/sched/mm.h>

unsigned long mapdemo_probe(struct file *file);
unsigned long mapdemo_probe(struct file *file)
{
	return mm_get_unmapped_area(file, 0, PAGE_SIZE, 0, 0);
}
