// SPDX-License-Identifier: GPL-2.0
/* Thin errno-keeping wrappers for the iommufd ioctls. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>

#include "uapi/iommufd.h"

int iod_ioctl(int fd, unsigned long cmd, void *arg)
{
	if (ioctl(fd, cmd, arg))
		return -errno;
	return 0;
}

int iod_iommufd_open(void)
{
	int fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int iod_ioctl_sized(int fd, unsigned long cmd, void *buf, uint32_t size)
{
	memcpy(buf, &size, sizeof(size));
	return iod_ioctl(fd, cmd, buf);
}

int iod_destroy(int fd, uint32_t id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return iod_ioctl(fd, IOMMU_DESTROY, &cmd);
}

int iod_ioas_alloc(int fd, uint32_t *ioas_id)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	int rc = iod_ioctl(fd, IOMMU_IOAS_ALLOC, &cmd);

	if (!rc && ioas_id)
		*ioas_id = cmd.out_ioas_id;
	return rc;
}

int iod_ioas_map(int fd, uint32_t ioas_id, void *buf, uint64_t len,
		 uint32_t flags, uint64_t *iova)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.ioas_id = ioas_id,
		.user_va = (uintptr_t)buf,
		.length = len,
		.iova = iova ? *iova : 0,
	};
	int rc = iod_ioctl(fd, IOMMU_IOAS_MAP, &cmd);

	if (!rc && iova)
		*iova = cmd.iova;
	return rc;
}

int iod_ioas_map_fixed(int fd, uint32_t ioas_id, void *buf, uint64_t len,
		       uint64_t iova)
{
	return iod_ioas_map(fd, ioas_id, buf, len,
			    IOMMU_IOAS_MAP_FIXED_IOVA |
			    IOMMU_IOAS_MAP_WRITEABLE |
			    IOMMU_IOAS_MAP_READABLE, &iova);
}

int iod_ioas_unmap(int fd, uint32_t ioas_id, uint64_t iova, uint64_t len,
		   uint64_t *unmapped)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.iova = iova,
		.length = len,
	};
	int rc = iod_ioctl(fd, IOMMU_IOAS_UNMAP, &cmd);

	if (!rc && unmapped)
		*unmapped = cmd.length;
	return rc;
}

static int option(int fd, uint16_t op, uint32_t option_id, uint32_t object_id,
		  uint64_t *val)
{
	struct iommu_option cmd = {
		.size = sizeof(cmd),
		.option_id = option_id,
		.op = op,
		.object_id = object_id,
		.val64 = *val,
	};
	int rc = iod_ioctl(fd, IOMMU_OPTION, &cmd);

	if (!rc)
		*val = cmd.val64;
	return rc;
}

int iod_option_set(int fd, uint32_t option_id, uint32_t object_id,
		   uint64_t val)
{
	return option(fd, IOMMU_OPTION_OP_SET, option_id, object_id, &val);
}

int iod_option_get(int fd, uint32_t option_id, uint32_t object_id,
		   uint64_t *val)
{
	*val = 0;
	return option(fd, IOMMU_OPTION_OP_GET, option_id, object_id, val);
}

int iod_ioas_iova_ranges(int fd, uint32_t ioas_id,
			 struct iommu_iova_range *ranges, uint32_t max,
			 uint64_t *out_alignment)
{
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.num_iovas = max,
		.allowed_iovas = (uintptr_t)ranges,
	};
	int rc = iod_ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &cmd);

	/* EMSGSIZE means "more ranges than max": num_iovas is still set. */
	if (rc && rc != -EMSGSIZE)
		return rc;
	if (out_alignment)
		*out_alignment = cmd.out_iova_alignment;
	return cmd.num_iovas;
}

int iod_ioas_pick_iova(int fd, uint32_t ioas_id, uint64_t len,
		       uint64_t floor, uint64_t align, uint64_t *iova)
{
	struct iommu_iova_range r[32];
	int n, i;

	n = iod_ioas_iova_ranges(fd, ioas_id, r, 32, NULL);
	if (n < 0)
		return n;
	for (i = 0; i < n && i < 32; i++) {
		uint64_t start = r[i].start > floor ? r[i].start : floor;

		start = (start + align - 1) & ~(align - 1);
		if (start < r[i].start || start > r[i].last ||
		    len - 1 > r[i].last - start)
			continue;
		*iova = start;
		return 0;
	}
	return -ENOSPC;
}

int iod_hwpt_alloc_raw(int fd, struct iommu_hwpt_alloc *cmd)
{
	return iod_ioctl(fd, IOMMU_HWPT_ALLOC, cmd);
}

int iod_hwpt_alloc(int fd, uint32_t dev_id, uint32_t pt_id, uint32_t flags,
		   uint32_t *hwpt_id)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = dev_id,
		.pt_id = pt_id,
	};
	int rc = iod_hwpt_alloc_raw(fd, &cmd);

	if (!rc && hwpt_id)
		*hwpt_id = cmd.out_hwpt_id;
	return rc;
}

int iod_get_hw_info_raw(int fd, struct iommu_hw_info *cmd)
{
	return iod_ioctl(fd, IOMMU_GET_HW_INFO, cmd);
}

int iod_get_hw_info(int fd, uint32_t dev_id, void *data, uint32_t data_len,
		    uint32_t *type, uint64_t *caps, uint32_t *out_len)
{
	struct iommu_hw_info cmd = {
		.size = sizeof(cmd),
		.dev_id = dev_id,
		.data_len = data_len,
		.data_uptr = (uintptr_t)data,
	};
	int rc = iod_get_hw_info_raw(fd, &cmd);

	if (rc)
		return rc;
	if (type)
		*type = cmd.out_data_type;
	if (caps)
		*caps = cmd.out_capabilities;
	if (out_len)
		*out_len = cmd.data_len;
	return 0;
}

int iod_set_dirty_tracking_raw(int fd,
			       struct iommu_hwpt_set_dirty_tracking *cmd)
{
	return iod_ioctl(fd, IOMMU_HWPT_SET_DIRTY_TRACKING, cmd);
}

int iod_set_dirty_tracking(int fd, uint32_t hwpt_id, bool enable)
{
	struct iommu_hwpt_set_dirty_tracking cmd = {
		.size = sizeof(cmd),
		.flags = enable ? IOMMU_HWPT_DIRTY_TRACKING_ENABLE : 0,
		.hwpt_id = hwpt_id,
	};

	return iod_set_dirty_tracking_raw(fd, &cmd);
}

int iod_get_dirty_bitmap_raw(int fd, struct iommu_hwpt_get_dirty_bitmap *cmd)
{
	return iod_ioctl(fd, IOMMU_HWPT_GET_DIRTY_BITMAP, cmd);
}

int iod_get_dirty_bitmap(int fd, uint32_t hwpt_id, uint64_t iova,
			 uint64_t length, uint64_t page_size, void *bitmap,
			 uint32_t flags)
{
	struct iommu_hwpt_get_dirty_bitmap cmd = {
		.size = sizeof(cmd),
		.hwpt_id = hwpt_id,
		.flags = flags,
		.iova = iova,
		.length = length,
		.page_size = page_size,
		.data = (uintptr_t)bitmap,
	};

	return iod_get_dirty_bitmap_raw(fd, &cmd);
}

int iod_hwpt_invalidate_raw(int fd, struct iommu_hwpt_invalidate *cmd)
{
	return iod_ioctl(fd, IOMMU_HWPT_INVALIDATE, cmd);
}

int iod_hwpt_invalidate(int fd, uint32_t hwpt_id, uint32_t data_type,
			const void *data, uint32_t entry_len,
			uint32_t *entry_num)
{
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = hwpt_id,
		.data_uptr = (uintptr_t)data,
		.data_type = data_type,
		.entry_len = entry_len,
		.entry_num = *entry_num,
	};
	int rc = iod_hwpt_invalidate_raw(fd, &cmd);

	*entry_num = cmd.entry_num;
	return rc;
}

void iod_inv_array_fill(void *buf, const void *entries, size_t entry_size,
			size_t n, size_t entry_len)
{
	size_t copy = entry_size < entry_len ? entry_size : entry_len;
	uint8_t *dst = buf;
	const uint8_t *src = entries;
	size_t i;

	for (i = 0; i < n; i++, dst += entry_len, src += entry_size) {
		memcpy(dst, src, copy);
		memset(dst + copy, 0, entry_len - copy);
	}
}
