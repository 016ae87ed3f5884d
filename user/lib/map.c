// SPDX-License-Identifier: MIT
/* Mappings of the device. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "libmapdemo.h"
#include "internal.h"

int mapdemo_map(struct mapdemo_device *dev, struct mapdemo_mapping *map,
		void *hint, size_t length, int prot, int flags, off_t offset)
{
	void *addr;

	if (!map)
		return -EINVAL;
	memset(map, 0, sizeof(*map));
	if (!dev)
		return -EINVAL;
	if (dev->fd < 0)
		return -EBADF;
	addr = mmap(hint, length, prot, flags, dev->fd, offset);
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
