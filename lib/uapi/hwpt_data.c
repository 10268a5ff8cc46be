// SPDX-License-Identifier: GPL-2.0
/* IOMMU_HWPT_ALLOC with driver data (hwpt_data.h). */
#include <stdint.h>

#include "uapi/hwpt_data.h"
#include "uapi/iommufd.h"

int iod_hwpt_alloc_data(int fd, uint32_t dev_id, uint32_t pt_id,
			uint32_t flags, uint32_t data_type, const void *data,
			uint32_t data_len, uint32_t *hwpt_id)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = dev_id,
		.pt_id = pt_id,
		.data_type = data_type,
		.data_len = data_len,
		.data_uptr = (uintptr_t)data,
	};
	int rc = iod_hwpt_alloc_raw(fd, &cmd);

	if (!rc && hwpt_id)
		*hwpt_id = cmd.out_hwpt_id;
	return rc;
}
