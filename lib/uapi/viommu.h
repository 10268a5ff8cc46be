/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vIOMMU objects of 6.13+ (IOMMU_VIOMMU_ALLOC, IOMMU_VDEVICE_ALLOC):
 * a vIOMMU holds a nest parent for the children allocated on it (HWPT_ALLOC
 * with pt_id = the vIOMMU), a vDEVICE is a device's virtual id on one. The
 * lab's kernel headers are 6.12's, which have neither: the ABI layouts of
 * the first release that had them (6.13) are stated here when the headers
 * lack them. A 6.12 kernel answers both numbers ENOTTY.
 * Returns 0 or -errno with errno kept, like every uapi/ wrapper.
 */
#ifndef IODIRTY_VIOMMU_H
#define IODIRTY_VIOMMU_H

#include <stdint.h>
#include <linux/iommufd.h>

#ifndef IOMMU_VIOMMU_ALLOC
/* enum iommu_viommu_type (6.13) */
#define IOMMU_VIOMMU_TYPE_DEFAULT	0
#define IOMMU_VIOMMU_TYPE_ARM_SMMUV3	1

/* IOMMUFD_CMD_VIOMMU_ALLOC, 24 bytes in 6.13. */
struct iommu_viommu_alloc {
	__u32 size;
	__u32 flags;
	__u32 type;
	__u32 dev_id;
	__u32 hwpt_id;
	__u32 out_viommu_id;
};
#define IOMMU_VIOMMU_ALLOC	_IO(IOMMUFD_TYPE, 0x90)
#endif

#ifndef IOMMU_VDEVICE_ALLOC
/* IOMMUFD_CMD_VDEVICE_ALLOC, 24 bytes. */
struct iommu_vdevice_alloc {
	__u32 size;
	__u32 viommu_id;
	__u32 dev_id;
	__u32 out_vdevice_id;
	__aligned_u64 virt_id;
};
#define IOMMU_VDEVICE_ALLOC	_IO(IOMMUFD_TYPE, 0x91)
#endif

/* The iommufd mock's vIOMMU type (iommufd_test.h, 6.13+). */
#ifndef IOMMU_VIOMMU_TYPE_SELFTEST
#define IOMMU_VIOMMU_TYPE_SELFTEST	0xdeadbeef
#endif

/*
 * IOMMU_VIOMMU_ALLOC of `type` for dev_id's IOMMU on the nest parent
 * hwpt_id; *viommu_id (may be NULL) gets the new id.
 */
int iod_viommu_alloc(int fd, uint32_t dev_id, uint32_t hwpt_id,
		     uint32_t type, uint32_t *viommu_id);
int iod_viommu_alloc_raw(int fd, struct iommu_viommu_alloc *cmd);

/*
 * IOMMU_VDEVICE_ALLOC of dev_id on viommu_id with the virtual id virt_id;
 * *vdevice_id (may be NULL) gets the new id.
 */
int iod_vdevice_alloc(int fd, uint32_t viommu_id, uint32_t dev_id,
		      uint64_t virt_id, uint32_t *vdevice_id);
int iod_vdevice_alloc_raw(int fd, struct iommu_vdevice_alloc *cmd);

#endif
