/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mapdemo's fault events, under events/mapdemo/ in tracefs.  Each is
 * emitted where the counter of the same name is counted (stats.c), so a
 * trace of a known access pattern adds up to the stats' deltas.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mapdemo

#if !defined(_MAPDEMO_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MAPDEMO_TRACE_H

#include <linux/mm_types.h>
#include <linux/tracepoint.h>

DECLARE_EVENT_CLASS(mapdemo_fault_class,
		    TP_PROTO(u32 mode, unsigned long address,
			     unsigned long pgoff, vm_fault_t result),
		    TP_ARGS(mode, address, pgoff, result),
		    TP_STRUCT__entry(__field(u32, mode)
				     __field(unsigned long, address)
				     __field(unsigned long, pgoff)
				     __field(unsigned int, result)),
		    TP_fast_assign(__entry->mode = mode;
				   __entry->address = address;
				   __entry->pgoff = pgoff;
				   __entry->result = (__force unsigned int)result;),
		    TP_printk("mode=%s address=%#lx pgoff=%lu result=%#x",
			      __print_symbolic(__entry->mode, { 0, "zero" },
					       { 1, "sparse" }, { 2, "dma" }),
			      __entry->address, __entry->pgoff,
			      __entry->result)
);

/* One event of the class above, under the counter's name. */
#define MAPDEMO_FAULT_EVENT(name)					\
	DEFINE_EVENT(mapdemo_fault_class, name,				\
		     TP_PROTO(u32 mode, unsigned long address,		\
			      unsigned long pgoff, vm_fault_t result),	\
		     TP_ARGS(mode, address, pgoff, result))

/* a ->fault or ->huge_fault call, with what it returned */
MAPDEMO_FAULT_EVENT(mapdemo_fault);
/* a fault-around batch that mapped pages */
MAPDEMO_FAULT_EVENT(mapdemo_map_pages);
/* a PMD-sized mapping installed */
MAPDEMO_FAULT_EVENT(mapdemo_huge_fault);
/* a private write fault served by a copy */
MAPDEMO_FAULT_EVENT(mapdemo_cow);
/* a ->page_mkwrite call */
MAPDEMO_FAULT_EVENT(mapdemo_mkwrite);
/* a fault answered with SIGBUS */
MAPDEMO_FAULT_EVENT(mapdemo_sigbus);

/*
 * dma mode: a range of the buffer handed to the CPU or to the device,
 * whoever asked (MAPDEMO_IOC_SYNC, read/write or mmap of an uncached
 * file).  @coherent: the device is DMA-coherent, so the DMA API did no
 * cache maintenance for it.
 */
TRACE_EVENT(mapdemo_dma_sync,
	    TP_PROTO(u64 offset, u64 length, bool for_device, bool coherent),
	    TP_ARGS(offset, length, for_device, coherent),
	    TP_STRUCT__entry(__field(u64, offset)
			     __field(u64, length)
			     __field(bool, for_device)
			     __field(bool, coherent)),
	    TP_fast_assign(__entry->offset = offset;
			   __entry->length = length;
			   __entry->for_device = for_device;
			   __entry->coherent = coherent;),
	    TP_printk("offset=%llu length=%llu dir=%s coherent=%d",
		      __entry->offset, __entry->length,
		      __entry->for_device ? "device" : "cpu",
		      __entry->coherent)
);

#endif /* _MAPDEMO_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
