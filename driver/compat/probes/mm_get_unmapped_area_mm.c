// SPDX-License-Identifier: GPL-2.0
/*
 * 6.10, "mm: switch mm->get_unmapped_area() to a flag": the
 * mm->get_unmapped_area pointer is gone; mm_get_unmapped_area(mm, ...)
 */
#include <linux/sched.h>
#include <linux/sched/mm.h>

unsigned long mapdemo_probe(struct file *file);
unsigned long mapdemo_probe(struct file *file)
{
	return mm_get_unmapped_area(current->mm, file, 0, PAGE_SIZE, 0, 0);
}
