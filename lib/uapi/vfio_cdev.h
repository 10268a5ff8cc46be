/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A PCI device driven through its VFIO cdev (/dev/vfio/devices/vfioN) bound
 * to an iommufd. Wrappers return 0 or -errno with errno kept.
 */
#ifndef IODIRTY_VFIO_CDEV_H
#define IODIRTY_VFIO_CDEV_H

#include <stddef.h>
#include <stdint.h>

struct iod_vfio_dev {
	int fd;			/* the cdev */
	uint32_t dev_id;	/* iommufd device id from BIND_IOMMUFD */
	void *bar;		/* mmap of one BAR, or NULL */
	size_t bar_size;
	uint64_t config_offset;	/* config space region offset in fd */
};

/* Open the cdev: 0 or -errno. dev->fd is -1 on failure. */
int iod_vfio_open(struct iod_vfio_dev *dev, const char *cdev_path);
void iod_vfio_close(struct iod_vfio_dev *dev);

int iod_vfio_bind_iommufd(struct iod_vfio_dev *dev, int iommufd);
/* Attach to an IOAS or HWPT; *pt_id in, and out (the HWPT actually used). */
int iod_vfio_attach(struct iod_vfio_dev *dev, uint32_t *pt_id);
int iod_vfio_detach(struct iod_vfio_dev *dev);

/* mmap BAR `index` read/write into dev->bar: 0 or -errno. */
int iod_vfio_map_bar(struct iod_vfio_dev *dev, unsigned int index);
/* Read/write PCI config space through the config region. */
int iod_vfio_config_read(struct iod_vfio_dev *dev, uint32_t off, void *buf,
			 size_t len);
int iod_vfio_config_write(struct iod_vfio_dev *dev, uint32_t off,
			  const void *buf, size_t len);
/* Set or clear PCI_COMMAND bus master (and memory space). */
int iod_vfio_bus_master(struct iod_vfio_dev *dev, int on);

#endif
