// SPDX-License-Identifier: GPL-2.0
/* IOMMU_VIOMMU_ALLOC and IOMMU_VDEVICE_ALLOC (viommu.h). */
#include "uapi/iommufd.h"
#include "uapi/viommu.h"

int iod_viommu_alloc_raw(int fd, struct iommu_viommu_alloc *cmd)
{
	return iod_ioctl(fd, IOMMU_VIOMMU_ALLOC, cmd);
}

int iod_viommu_alloc(int fd, uint32_t dev_id, uint32_t hwpt_id,
		     uint32_t type, uint32_t *viommu_id)
{
	struct iommu_viommu_alloc cmd = {
		.size = sizeof(cmd),
		.type = type,
		.dev_id = dev_id,
		.hwpt_id = hwpt_id,
	};
	int rc = iod_viommu_alloc_raw(fd, &cmd);

	if (!rc && viommu_id)
		*viommu_id = cmd.out_viommu_id;
	return rc;
}

int iod_vdevice_alloc_raw(int fd, struct iommu_vdevice_alloc *cmd)
{
	return iod_ioctl(fd, IOMMU_VDEVICE_ALLOC, cmd);
}

int iod_vdevice_alloc(int fd, uint32_t viommu_id, uint32_t dev_id,
		      uint64_t virt_id, uint32_t *vdevice_id)
{
	struct iommu_vdevice_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu_id,
		.dev_id = dev_id,
		.virt_id = virt_id,
	};
	int rc = iod_vdevice_alloc_raw(fd, &cmd);

	if (!rc && vdevice_id)
		*vdevice_id = cmd.out_vdevice_id;
	return rc;
}
