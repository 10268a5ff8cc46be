// SPDX-License-Identifier: GPL-2.0
/* A driver's own DMA mappings: in an iommufd IOAS or a VFIO container. */
#include "uapi/dma_map.h"
#include "uapi/iommufd.h"
#include "uapi/vfio_group.h"

int iod_dma_map_pick(const struct iod_dma_map *m, uint64_t len,
		     uint64_t floor, uint64_t align, uint64_t *iova)
{
	struct iod_vfio_iommu_info info;
	int rc;

	if (!m->container)
		return iod_ioas_pick_iova(m->fd, m->ioas_id, len, floor, align,
					  iova);
	rc = iod_vfio_iommu_info(m->fd, &info);
	if (rc)
		return rc;
	return iod_vfio_pick_iova(&info, len, floor, align, iova);
}

int iod_dma_map_map(const struct iod_dma_map *m, void *va, uint64_t len,
		    uint64_t iova)
{
	if (m->container)
		return iod_vfio_map_dma(m->fd, va, iova, len);
	return iod_ioas_map_fixed(m->fd, m->ioas_id, va, len, iova);
}

int iod_dma_map_unmap(const struct iod_dma_map *m, uint64_t iova,
		      uint64_t len)
{
	if (m->container)
		return iod_vfio_unmap_dma(m->fd, iova, len, 0, NULL);
	return iod_ioas_unmap(m->fd, m->ioas_id, iova, len, NULL);
}
