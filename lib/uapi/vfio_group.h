/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The legacy VFIO group/container path: a device's IOMMU group found in
 * sysfs, /dev/vfio/<group> set into a container (/dev/vfio/vfio, the type1
 * backend, or /dev/iommu, iommufd's vfio-compat container), the type1
 * ioctls on the container (MAP_DMA, UNMAP_DMA with or without a dirty
 * bitmap, DIRTY_PAGES, GET_INFO) and the device fd from the group.
 *
 * Every wrapper returns 0 (or the ioctl's non-negative value where it has
 * one) or -errno, with errno kept as the kernel set it.
 */
#ifndef IODIRTY_VFIO_GROUP_H
#define IODIRTY_VFIO_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/vfio.h>

#include "uapi/vfio_cdev.h"

/*
 * The PCI device behind a VFIO cdev (/dev/vfio/devices/vfioN): its BDF.
 * A BDF given instead of a path is its own answer (a kernel without VFIO
 * cdevs, e.g. without IOMMUFD, names its devices by address).
 */
int iod_vfio_cdev_bdf(const char *cdev, char *bdf, size_t len);
/*
 * The PCI device behind an open VFIO cdev fd (its char device's sysfs
 * node): its BDF. -ENOTTY for an fd that is no char device (a device fd
 * from a group).
 */
int iod_vfio_fd_bdf(int fd, char *bdf, size_t len);
/* The IOMMU group number of a PCI device (its sysfs iommu_group link). */
int iod_vfio_bdf_group(const char *bdf, int *group);

/* open("/dev/vfio/<group>"): fd or -errno. */
int iod_vfio_group_open(int group);
/* VFIO_GROUP_GET_STATUS: *flags gets VFIO_GROUP_FLAGS_*. */
int iod_vfio_group_status(int group_fd, uint32_t *flags);
/* VFIO_GROUP_SET_CONTAINER with a /dev/vfio/vfio or /dev/iommu fd. */
int iod_vfio_group_set_container(int group_fd, int container_fd);
int iod_vfio_group_unset_container(int group_fd);
/*
 * VFIO_GROUP_GET_DEVICE_FD for `name` (the BDF): fills dev (fd, no BAR
 * mapped yet) so lib/drivers/edu/edu.h and iod_vfio_close() work on it.
 */
int iod_vfio_group_device(int group_fd, const char *name,
			  struct iod_vfio_dev *dev);

/* open() a container: "/dev/vfio/vfio" or "/dev/iommu". fd or -errno. */
int iod_vfio_container_open(const char *path);
/* VFIO_CHECK_EXTENSION: the kernel's answer (>= 0) or -errno. */
int iod_vfio_check_extension(int container_fd, unsigned long ext);
/* VFIO_SET_IOMMU (VFIO_TYPE1v2_IOMMU, VFIO_TYPE1_IOMMU, ...). */
int iod_vfio_set_iommu(int container_fd, unsigned long type);

/* VFIO_IOMMU_MAP_DMA of [vaddr, vaddr+size) at iova, read and write. */
int iod_vfio_map_dma(int container_fd, void *vaddr, uint64_t iova,
		     uint64_t size);
/* VFIO_IOMMU_UNMAP_DMA; *unmapped (may be NULL) gets the bytes unmapped. */
int iod_vfio_unmap_dma(int container_fd, uint64_t iova, uint64_t size,
		       uint32_t flags, uint64_t *unmapped);
/*
 * VFIO_IOMMU_UNMAP_DMA with VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP (| extra
 * flags): the dirty bits of [iova, iova+size) at pgsize into bitmap
 * (bitmap_size bytes).
 */
int iod_vfio_unmap_dma_dirty(int container_fd, uint64_t iova, uint64_t size,
			     uint32_t extra_flags, uint64_t pgsize,
			     uint64_t *bitmap, uint64_t bitmap_size,
			     uint64_t *unmapped);

/* VFIO_IOMMU_DIRTY_PAGES with only `flags` (argsz = the header). */
int iod_vfio_dirty_pages(int container_fd, uint32_t flags);
int iod_vfio_dirty_start(int container_fd);
int iod_vfio_dirty_stop(int container_fd);
/* VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP of [iova, iova+size) at pgsize. */
int iod_vfio_dirty_get(int container_fd, uint64_t iova, uint64_t size,
		       uint64_t pgsize, uint64_t *bitmap,
		       uint64_t bitmap_size);
/* The same with the whole argument given (argsz, flags, range) by hand. */
int iod_vfio_dirty_get_raw(int container_fd, uint32_t argsz, uint32_t flags,
			   const struct vfio_iommu_type1_dirty_bitmap_get *r);

#define IOD_VFIO_MAX_RANGES 16

/* What VFIO_IOMMU_GET_INFO reports, capabilities walked. */
struct iod_vfio_iommu_info {
	uint32_t flags;			/* VFIO_IOMMU_INFO_* */
	uint64_t iova_pgsizes;
	bool has_migration;		/* VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION */
	uint32_t mig_flags;
	uint64_t mig_pgsize_bitmap;
	uint64_t mig_max_dirty_bitmap_size;
	bool has_dma_avail;		/* VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL */
	uint32_t dma_avail;
	uint32_t nr_iova_ranges;	/* VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE */
	struct vfio_iova_range iova_ranges[IOD_VFIO_MAX_RANGES];
};

/* VFIO_IOMMU_GET_INFO with room for every capability. */
int iod_vfio_iommu_info(int container_fd, struct iod_vfio_iommu_info *info);

/*
 * The lowest IOVA at or above floor, aligned to align, where len bytes fit
 * in one of info's IOVA ranges (every IOVA when it has none). 0 or -ENOSPC.
 */
int iod_vfio_pick_iova(const struct iod_vfio_iommu_info *info, uint64_t len,
		       uint64_t floor, uint64_t align, uint64_t *iova);

#endif
