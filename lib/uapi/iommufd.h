/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Thin wrappers for the iommufd ioctls the suites use.
 *
 * Every wrapper returns 0 on success or -errno on failure and leaves errno as
 * the kernel set it, so a test can assert the exact error the kernel gave:
 *
 *	ASSERT_EQ(-EOPNOTSUPP, iod_hwpt_alloc(fd, dev, ioas, flags, &hwpt));
 *
 * The "_raw" forms take a whole uAPI struct, for tests that need to set sizes,
 * reserved fields or trailing bytes by hand.
 */
#ifndef IODIRTY_IOMMUFD_H
#define IODIRTY_IOMMUFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/iommufd.h>

/* Issue ioctl(fd, cmd, arg): 0 or -errno (errno kept). */
int iod_ioctl(int fd, unsigned long cmd, void *arg);

/* open("/dev/iommu"): fd or -errno. */
int iod_iommufd_open(void);

int iod_destroy(int fd, uint32_t id);

int iod_ioas_alloc(int fd, uint32_t *ioas_id);
/* Map [buf, buf+len) at a fixed iova, readable and writable. */
int iod_ioas_map_fixed(int fd, uint32_t ioas_id, void *buf, uint64_t len,
		       uint64_t iova);
/* Map with explicit flags; *iova is in (FIXED_IOVA) or out. */
int iod_ioas_map(int fd, uint32_t ioas_id, void *buf, uint64_t len,
		 uint32_t flags, uint64_t *iova);
/* Unmap [iova, iova+len); *unmapped (may be NULL) gets the bytes unmapped. */
int iod_ioas_unmap(int fd, uint32_t ioas_id, uint64_t iova, uint64_t len,
		   uint64_t *unmapped);
/* IOMMU_OPTION set/get on an object (0 = global). */
int iod_option_set(int fd, uint32_t option_id, uint32_t object_id,
		   uint64_t val);
int iod_option_get(int fd, uint32_t option_id, uint32_t object_id,
		   uint64_t *val);
/*
 * The IOAS's allowed IOVA ranges: fills up to max ranges, returns the total
 * count (which may exceed max) or -errno.
 */
int iod_ioas_iova_ranges(int fd, uint32_t ioas_id,
			 struct iommu_iova_range *ranges, uint32_t max,
			 uint64_t *out_alignment);

/*
 * Pick an IOVA for len bytes inside the IOAS's allowed ranges: the lowest
 * address at or above `floor`, aligned to `align` (a power of two). 0 or
 * -errno (-ENOSPC when nothing fits).
 */
int iod_ioas_pick_iova(int fd, uint32_t ioas_id, uint64_t len,
		       uint64_t floor, uint64_t align, uint64_t *iova);

int iod_hwpt_alloc(int fd, uint32_t dev_id, uint32_t pt_id, uint32_t flags,
		   uint32_t *hwpt_id);
int iod_hwpt_alloc_raw(int fd, struct iommu_hwpt_alloc *cmd);

/*
 * GET_HW_INFO with a data buffer of data_len bytes (data may be NULL with
 * data_len 0). On success *type and *caps (either may be NULL) are filled and
 * *out_len (may be NULL) gets the kernel's data length.
 */
int iod_get_hw_info(int fd, uint32_t dev_id, void *data, uint32_t data_len,
		    uint32_t *type, uint64_t *caps, uint32_t *out_len);
int iod_get_hw_info_raw(int fd, struct iommu_hw_info *cmd);

int iod_set_dirty_tracking(int fd, uint32_t hwpt_id, bool enable);
int iod_set_dirty_tracking_raw(int fd,
			       struct iommu_hwpt_set_dirty_tracking *cmd);
int iod_get_dirty_bitmap(int fd, uint32_t hwpt_id, uint64_t iova,
			 uint64_t length, uint64_t page_size, void *bitmap,
			 uint32_t flags);
int iod_get_dirty_bitmap_raw(int fd, struct iommu_hwpt_get_dirty_bitmap *cmd);

/*
 * IOMMU_HWPT_INVALIDATE on hwpt_id: *entry_num entries of entry_len bytes
 * each at data, of data_type. 0 or -errno (errno kept); *entry_num gets the
 * count the kernel wrote back (the entries it handled), on failure too
 * (left as it was when the kernel refused the struct before writing it).
 */
int iod_hwpt_invalidate(int fd, uint32_t hwpt_id, uint32_t data_type,
			const void *data, uint32_t entry_len,
			uint32_t *entry_num);
int iod_hwpt_invalidate_raw(int fd, struct iommu_hwpt_invalidate *cmd);

/*
 * Lay n entries of entry_size bytes from entries out in buf as an
 * invalidation array with a stride of entry_len bytes: each entry is
 * copied (cut to entry_len when shorter) and the bytes past it zeroed.
 * buf holds n * entry_len bytes.
 */
void iod_inv_array_fill(void *buf, const void *entries, size_t entry_size,
			size_t n, size_t entry_len);

/*
 * Issue an iommufd ioctl whose argument is `size` bytes of `buf`: for the
 * struct-size and trailing-byte rules shared by every iommufd ioctl.
 */
int iod_ioctl_sized(int fd, unsigned long cmd, void *buf, uint32_t size);

#endif
