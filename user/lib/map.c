// SPDX-License-Identifier: MIT
/* Mappings of the device. */
/* mmap() with a 64-bit off_t on 32-bit systems too: the offset is 64 bits */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "libmapdemo.h"
#include "internal.h"

int mapdemo_map(struct mapdemo_device *dev, struct mapdemo_mapping *map,
		void *hint, size_t length, int prot, int flags, uint64_t offset)
{
	void *addr;

	if (!map)
		return -EINVAL;
	memset(map, 0, sizeof(*map));
	if (!dev)
		return -EINVAL;
	if (dev->fd < 0)
		return -EBADF;
	/* as unsigned as the kernel takes it: no offset is refused here */
	addr = mmap(hint, length, prot, flags, dev->fd, (off_t)offset);
	if (addr == MAP_FAILED)
		return neg_errno();
	map->addr = addr;
	map->length = length;
	map->prot = prot;
	map->flags = flags;
	map->offset = offset;
	return 0;
}

int mapdemo_unmap(struct mapdemo_mapping *map)
{
	if (!map || !map->addr)
		return -EINVAL;
	if (munmap(map->addr, map->length))
		return neg_errno();
	map->addr = NULL;
	map->length = 0;
	return 0;
}
