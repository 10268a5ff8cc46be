// SPDX-License-Identifier: GPL-2.0
/* The VFIO cdev path: open, bind to iommufd, attach/detach, BAR, config. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "uapi/iommufd.h"
#include "uapi/vfio_cdev.h"

int iod_vfio_open(struct iod_vfio_dev *dev, const char *cdev_path)
{
	memset(dev, 0, sizeof(*dev));
	dev->fd = open(cdev_path, O_RDWR | O_CLOEXEC);
	return dev->fd < 0 ? -errno : 0;
}

static int config_region(struct iod_vfio_dev *dev)
{
	struct vfio_region_info reg = {
		.argsz = sizeof(reg),
		.index = VFIO_PCI_CONFIG_REGION_INDEX,
	};
	int rc;

	if (dev->config_offset)
		return 0;
	rc = iod_ioctl(dev->fd, VFIO_DEVICE_GET_REGION_INFO, &reg);
	if (!rc)
		dev->config_offset = reg.offset;
	return rc;
}

void iod_vfio_close(struct iod_vfio_dev *dev)
{
	if (dev->bar)
		munmap(dev->bar, dev->bar_size);
	if (dev->fd >= 0)
		close(dev->fd);
	dev->bar = NULL;
	dev->fd = -1;
}

int iod_vfio_bind_iommufd(struct iod_vfio_dev *dev, int iommufd)
{
	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = iommufd,
	};
	int rc = iod_ioctl(dev->fd, VFIO_DEVICE_BIND_IOMMUFD, &bind);

	if (!rc)
		dev->dev_id = bind.out_devid;
	return rc;
}

int iod_vfio_attach(struct iod_vfio_dev *dev, uint32_t *pt_id)
{
	struct vfio_device_attach_iommufd_pt at = {
		.argsz = sizeof(at),
		.pt_id = *pt_id,
	};
	int rc = iod_ioctl(dev->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);

	if (!rc)
		*pt_id = at.pt_id;
	return rc;
}

int iod_vfio_detach(struct iod_vfio_dev *dev)
{
	struct vfio_device_detach_iommufd_pt de = { .argsz = sizeof(de) };

	return iod_ioctl(dev->fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &de);
}

int iod_vfio_map_bar(struct iod_vfio_dev *dev, unsigned int index)
{
	struct vfio_region_info reg = { .argsz = sizeof(reg), .index = index };
	void *p;
	int rc;

	rc = iod_ioctl(dev->fd, VFIO_DEVICE_GET_REGION_INFO, &reg);
	if (rc)
		return rc;
	if (!(reg.flags & VFIO_REGION_INFO_FLAG_MMAP) || !reg.size)
		return -ENXIO;
	p = mmap(NULL, reg.size, PROT_READ | PROT_WRITE, MAP_SHARED, dev->fd,
		 reg.offset);
	if (p == MAP_FAILED)
		return -errno;
	dev->bar = p;
	dev->bar_size = reg.size;
	return 0;
}

int iod_vfio_config_read(struct iod_vfio_dev *dev, uint32_t off, void *buf,
			 size_t len)
{
	int rc = config_region(dev);

	if (rc)
		return rc;
	if (pread(dev->fd, buf, len, dev->config_offset + off) != (ssize_t)len)
		return errno ? -errno : -EIO;
	return 0;
}

int iod_vfio_config_write(struct iod_vfio_dev *dev, uint32_t off,
			  const void *buf, size_t len)
{
	int rc = config_region(dev);

	if (rc)
		return rc;
	if (pwrite(dev->fd, buf, len, dev->config_offset + off) != (ssize_t)len)
		return errno ? -errno : -EIO;
	return 0;
}

int iod_vfio_bus_master(struct iod_vfio_dev *dev, int on)
{
	uint16_t cmd;
	int rc = iod_vfio_config_read(dev, PCI_COMMAND, &cmd, sizeof(cmd));

	if (rc)
		return rc;
	if (on)
		cmd |= PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY;
	else
		cmd &= ~PCI_COMMAND_MASTER;
	return iod_vfio_config_write(dev, PCI_COMMAND, &cmd, sizeof(cmd));
}
