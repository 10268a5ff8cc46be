/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IOMMU_HWPT_ALLOC with driver data: the allocation of a nested (stage-1)
 * HWPT on a nest parent, whose data type and bytes belong to the IOMMU
 * driver (IOMMU_HWPT_DATA_VTD_S1, the mock's IOMMU_HWPT_DATA_SELFTEST).
 * Returns 0 or -errno with errno kept, like every uapi/ wrapper.
 */
#ifndef IODIRTY_HWPT_DATA_H
#define IODIRTY_HWPT_DATA_H

#include <stdint.h>
#include <linux/iommufd.h>

/*
 * HWPT_ALLOC of dev_id on pt_id with flags and data_len bytes of `data`
 * as data_type; *hwpt_id (may be NULL) gets the new id.
 */
int iod_hwpt_alloc_data(int fd, uint32_t dev_id, uint32_t pt_id,
			uint32_t flags, uint32_t data_type, const void *data,
			uint32_t data_len, uint32_t *hwpt_id);

#endif
