/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a userspace driver maps its own memory (queues, buffers) for its
 * device: an iommufd IOAS (IOMMU_IOAS_MAP / UNMAP), or a VFIO container
 * the device's group is set into (VFIO_IOMMU_MAP_DMA / UNMAP_DMA on the
 * type1 backend or on iommufd's vfio-compat /dev/iommu). A driver picks
 * its IOVAs above a floor its caller gives, so they stay clear of a test's
 * mappings. Every call returns 0 or -errno, errno kept.
 */
#ifndef IODIRTY_DMA_MAP_H
#define IODIRTY_DMA_MAP_H

#include <stdbool.h>
#include <stdint.h>

struct iod_dma_map {
	int fd;			/* the iommufd, or the container */
	uint32_t ioas_id;	/* the IOAS (iommufd only) */
	bool container;		/* fd is a VFIO container */
};

static inline struct iod_dma_map iod_dma_map_ioas(int iommufd,
						  uint32_t ioas_id)
{
	return (struct iod_dma_map){ .fd = iommufd, .ioas_id = ioas_id };
}

static inline struct iod_dma_map iod_dma_map_container(int container_fd)
{
	return (struct iod_dma_map){ .fd = container_fd, .container = true };
}

/*
 * The lowest IOVA at or above floor, aligned to align, where len bytes
 * fit in the IOVA ranges the IOAS or the container reports.
 */
int iod_dma_map_pick(const struct iod_dma_map *m, uint64_t len,
		     uint64_t floor, uint64_t align, uint64_t *iova);
/* Map [va, +len) at iova, read and write. */
int iod_dma_map_map(const struct iod_dma_map *m, void *va, uint64_t len,
		    uint64_t iova);
/* Unmap exactly what iod_dma_map_map() mapped at iova. */
int iod_dma_map_unmap(const struct iod_dma_map *m, uint64_t iova,
		      uint64_t len);

#endif
