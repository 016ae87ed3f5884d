// SPDX-License-Identifier: MIT
/* The device: open, mode, info, stats, and the per-mode controls. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libmapdemo.h"
#include "internal.h"

int mapdemo_device_open(struct mapdemo_device *dev, const char *path,
			int oflags, int mode)
{
	int ret;

	if (!dev)
		return -EINVAL;
	memset(dev, 0, sizeof(*dev));	/* the reserved fields too */
	dev->fd = -1;
	if (mode != MAPDEMO_MODE_DEFAULT && (mode < 0 || mode >= MAPDEMO_MODE_NR))
		return -EINVAL;

	dev->fd = open(path ? path : MAPDEMO_DEFAULT_PATH, oflags | O_CLOEXEC);
	if (dev->fd < 0)
		return neg_errno();
	if (mode != MAPDEMO_MODE_DEFAULT) {
		ret = mapdemo_set_mode(dev, mode);
		if (ret) {
			close(dev->fd);
			dev->fd = -1;
			return ret;
		}
	}
	return 0;
}

int mapdemo_device_close(struct mapdemo_device *dev)
{
	int ret;

	if (!dev)
		return -EINVAL;
	if (dev->fd < 0)
		return -EBADF;
	ret = close(dev->fd);
	dev->fd = -1;
	return ret ? neg_errno() : 0;
}

static int dev_ioctl(struct mapdemo_device *dev, unsigned long cmd, void *arg)
{
	if (!dev || !arg)
		return -EINVAL;
	if (dev->fd < 0)
		return -EBADF;
	return ioctl(dev->fd, cmd, arg) ? neg_errno() : 0;
}

int mapdemo_set_mode(struct mapdemo_device *dev, int mode)
{
	__u32 m = (__u32)mode;

	if (mode < 0 || mode >= MAPDEMO_MODE_NR)
		return -EINVAL;
	return dev_ioctl(dev, MAPDEMO_IOC_SET_MODE, &m);
}

int mapdemo_get_mode(struct mapdemo_device *dev)
{
	__u32 m;
	int ret = dev_ioctl(dev, MAPDEMO_IOC_GET_MODE, &m);

	return ret ? ret : (int)m;
}

int mapdemo_info(struct mapdemo_device *dev, struct mapdemo_info *info)
{
	return dev_ioctl(dev, MAPDEMO_IOC_INFO, info);
}

int mapdemo_stats(struct mapdemo_device *dev, int scope,
		  struct mapdemo_stats *stats)
{
	if (!stats || (scope != MAPDEMO_STATS_DEVICE && scope != MAPDEMO_STATS_FILE))
		return -EINVAL;
	memset(stats, 0, sizeof(*stats));
	stats->scope = (__u32)scope;
	return dev_ioctl(dev, MAPDEMO_IOC_STATS, stats);
}

int mapdemo_reset(struct mapdemo_device *dev)
{
	if (!dev)
		return -EINVAL;
	if (dev->fd < 0)
		return -EBADF;
	return ioctl(dev->fd, MAPDEMO_IOC_RESET) ? neg_errno() : 0;
}

int mapdemo_resize(struct mapdemo_device *dev, uint64_t size)
{
	__u64 sz = size;

	return dev_ioctl(dev, MAPDEMO_IOC_RESIZE, &sz);
}

int mapdemo_sync(struct mapdemo_device *dev, uint64_t offset, uint64_t length,
		 int direction)
{
	struct mapdemo_sync sync = {
		.offset = offset,
		.length = length,
		.direction = (__u32)direction,
	};

	if (direction != MAPDEMO_SYNC_FOR_CPU &&
	    direction != MAPDEMO_SYNC_FOR_DEVICE)
		return -EINVAL;
	return dev_ioctl(dev, MAPDEMO_IOC_SYNC, &sync);
}

int mapdemo_set_dma_style(struct mapdemo_device *dev, int style)
{
	__u32 s = (__u32)style;

	if (style < 0 || style >= MAPDEMO_DMA_STYLE_NR)
		return -EINVAL;
	return dev_ioctl(dev, MAPDEMO_IOC_SET_DMA_STYLE, &s);
}

int mapdemo_set_dma_cache(struct mapdemo_device *dev, int cache)
{
	__u32 c = (__u32)cache;

	if (cache < 0 || cache >= MAPDEMO_DMA_CACHE_NR)
		return -EINVAL;
	return dev_ioctl(dev, MAPDEMO_IOC_SET_DMA_CACHE, &c);
}
