/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The iommufd mock IOMMU (CONFIG_IOMMUFD_TEST): mock devices and the test
 * operations the suites use. Wrappers return 0 or -errno with errno kept.
 */
#ifndef IODIRTY_MOCK_H
#define IODIRTY_MOCK_H

#include <stdint.h>
#include <linux/types.h>
#include "iommufd_test.h"

struct iod_mock_dev {
	uint32_t stdev_id;	/* the selftest device object */
	uint32_t hwpt_id;	/* the HWPT it is attached to */
	uint32_t idev_id;	/* iommufd device id, for HWPT_ALLOC etc. */
};

/*
 * Create a mock device with dev_flags (MOCK_FLAGS_DEVICE_*) and attach it
 * to pt_id (an IOAS or a HWPT).
 */
int iod_mock_dev_create(int fd, uint32_t pt_id, uint32_t dev_flags,
			struct iod_mock_dev *md);
/* Re-attach the mock device to pt_id (replace); md->hwpt_id follows. */
int iod_mock_dev_replace(int fd, struct iod_mock_dev *md, uint32_t pt_id);
/* Does the mock domain `hwpt_id` translate [iova, +len) to buf's pages? */
int iod_mock_check_map(int fd, uint32_t hwpt_id, uint64_t iova, void *buf,
		       uint64_t len);
/*
 * IOMMU_TEST_OP_MD_CHECK_REFS: is every base page of [buf, +len) (page
 * aligned) pinned exactly `pins` times (its refcount over the kernel's pin
 * bias)? 0 yes, -EIO not, -EINVAL unaligned. Compound pages (THP,
 * hugetlb) are not looked at.
 */
int iod_mock_check_refs(int fd, void *buf, uint64_t len, unsigned int pins);
/*
 * IOMMU_TEST_OP_DIRTY: mark dirty the mock IOPTEs of every page_size page
 * of [iova, +length) whose bit is set in bitmap. *nr_dirty (may be NULL)
 * gets the number of pages marked.
 */
int iod_mock_set_dirty(int fd, uint32_t hwpt_id, uint64_t iova,
		       uint64_t length, uint64_t page_size,
		       const void *bitmap, uint64_t *nr_dirty);

/*
 * IOMMU_TEST_OP_MD_CHECK_IOTLB: does entry iotlb_id of the mock nested
 * domain hwpt_id (a nested HWPT: a paging one is ENOENT) hold `value`?
 * 0 yes; -EINVAL when it does not or iotlb_id is past
 * MOCK_NESTED_DOMAIN_IOTLB_ID_MAX.
 */
int iod_mock_check_iotlb(int fd, uint32_t hwpt_id, uint32_t iotlb_id,
			 uint32_t value);

/*
 * IOMMU_TEST_OP_CREATE_ACCESS: an in-kernel access (as an emulated device
 * or mdev driver has) on ioas_id, flags MOCK_FLAGS_ACCESS_CREATE_*;
 * *access_fd gets its file. 0 or -errno.
 */
int iod_mock_access_create(int fd, uint32_t ioas_id, uint32_t flags,
			   int *access_fd);
/*
 * IOMMU_TEST_OP_ACCESS_RW through the access: iommufd_access_rw() copies
 * len bytes between buf and the memory at iova (MOCK_ACCESS_RW_WRITE:
 * buf into memory). 0 or -errno.
 */
int iod_mock_access_rw(int fd, int access_fd, uint64_t iova, void *buf,
		       uint64_t len, uint32_t flags);

/*
 * Does the kernel behind iommufd `fd` have the mock (CONFIG_IOMMUFD_TEST)?
 * 1 yes, 0 no (IOMMU_TEST_CMD is not an ioctl there: ENOTTY), or -errno
 * when the question itself failed.
 */
int iod_mock_present(int fd);

#endif
