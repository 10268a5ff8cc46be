/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A device that writes and reads host memory at IOVAs of a VFIO container
 * (the legacy group path: type1's /dev/vfio/vfio or iommufd's vfio-compat
 * /dev/iommu), whichever device it is: edu (loads its buffer from a staging
 * page, then writes it out; reads one DMA) or NVMe (lib/drivers/nvme/
 * nvme_dma.h: read-only on its namespace unless IODIRTY_SCRATCH names its
 * BDF, so a device write is an NVMe Read of blocks the namespace holds and
 * a device read an NVMe Compare). The legacy dirty cases say "the device
 * writes / reads here" and never know which device does it.
 *
 * The device's own memory (edu's staging page; NVMe's queues, PRP lists,
 * staging buffer) is mapped into the container at IOVAs at or above the
 * floor the caller gives, so the caller keeps it out of every range it
 * harvests: type1 reports every pinned page of a harvested range dirty,
 * and the device writes the NVMe completion queues.
 */
#ifndef IODIRTY_GROUP_DMA_H
#define IODIRTY_GROUP_DMA_H

#include <stdbool.h>
#include <stdint.h>

#include "uapi/dma_map.h"
#include "uapi/vfio_cdev.h"

struct iod_group_dma {
	const char *device;	/* "edu" or "nvme" */
	struct iod_vfio_dev *dev;
	struct iod_dma_map map;
	uint64_t iova_align;	/* every IOVA a multiple of this */
	uint64_t unit;		/* every length a multiple of this */
	uint64_t max_len;	/* bytes one write or read may move */
	void *priv;
	char why[256];		/* what failed when open failed */
	const char *mode;	/* how it moves data, for the TAP, or NULL */
};

/*
 * Bring up `device` ("edu" or "nvme"; dev from the group, bdf its PCI
 * address) with its own memory mapped in the container at IOVAs >= floor.
 * 0; -ENODEV when dev is not that device; -EINVAL for an unknown name;
 * else -errno with g->why saying what failed.
 */
int iod_group_dma_open(struct iod_group_dma *g, const char *device,
		       struct iod_vfio_dev *dev, const char *bdf,
		       int container_fd, uint64_t floor);
void iod_group_dma_close(struct iod_group_dma *g);

/*
 * The device writes len bytes of stream `seed` at iova. va, the memory
 * behind iova (or NULL), first gets the complement of those bytes (CPU
 * stores), so a write that does not land cannot pass for one that did.
 * 0 or -errno.
 */
int iod_group_dma_write(struct iod_group_dma *g, uint64_t iova, void *va,
			uint64_t len, uint8_t seed);
/* What iod_group_dma_write() of len bytes with `seed` delivers. */
void iod_group_dma_expected(struct iod_group_dma *g, uint8_t seed,
			    uint8_t *buf, uint64_t len);
/* The device reads len bytes at iova (writes no host memory). */
int iod_group_dma_read(struct iod_group_dma *g, uint64_t iova, uint64_t len);

#endif
