// SPDX-License-Identifier: GPL-2.0
/* The iommufd mock IOMMU's test operations. */
#include <errno.h>
#include <stdint.h>

#include "uapi/iommufd.h"
#include "uapi/mock.h"

int iod_mock_dev_create(int fd, uint32_t pt_id, uint32_t dev_flags,
			struct iod_mock_dev *md)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS,
		.id = pt_id,
		.mock_domain_flags = { .dev_flags = dev_flags },
	};
	int rc = iod_ioctl(fd, IOMMU_TEST_CMD, &cmd);

	if (rc)
		return rc;
	md->stdev_id = cmd.mock_domain_flags.out_stdev_id;
	md->hwpt_id = cmd.mock_domain_flags.out_hwpt_id;
	md->idev_id = cmd.mock_domain_flags.out_idev_id;
	return 0;
}

int iod_mock_dev_replace(int fd, struct iod_mock_dev *md, uint32_t pt_id)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
		.id = md->stdev_id,
		.mock_domain_replace = { .pt_id = pt_id },
	};
	int rc = iod_ioctl(fd, IOMMU_TEST_CMD, &cmd);

	if (!rc)
		md->hwpt_id = cmd.mock_domain_replace.pt_id;
	return rc;
}

int iod_mock_check_map(int fd, uint32_t hwpt_id, uint64_t iova, void *buf,
		       uint64_t len)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MD_CHECK_MAP,
		.id = hwpt_id,
		.check_map = {
			.iova = iova,
			.length = len,
			.uptr = (uintptr_t)buf,
		},
	};

	return iod_ioctl(fd, IOMMU_TEST_CMD, &cmd);
}

int iod_mock_check_refs(int fd, void *buf, uint64_t len, unsigned int pins)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MD_CHECK_REFS,
		.check_refs = {
			.length = len,
			.uptr = (uintptr_t)buf,
			.refs = pins,
		},
	};

	return iod_ioctl(fd, IOMMU_TEST_CMD, &cmd);
}

int iod_mock_set_dirty(int fd, uint32_t hwpt_id, uint64_t iova,
		       uint64_t length, uint64_t page_size,
		       const void *bitmap, uint64_t *nr_dirty)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_DIRTY,
		.id = hwpt_id,
		.dirty = {
			.iova = iova,
			.length = length,
			.page_size = page_size,
			.uptr = (uintptr_t)bitmap,
		},
	};
	int rc = iod_ioctl(fd, IOMMU_TEST_CMD, &cmd);

	if (!rc && nr_dirty)
		*nr_dirty = cmd.dirty.out_nr_dirty;
	return rc;
}

int iod_mock_check_iotlb(int fd, uint32_t hwpt_id, uint32_t iotlb_id,
			 uint32_t value)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MD_CHECK_IOTLB,
		.id = hwpt_id,
		.check_iotlb = { .id = iotlb_id, .iotlb = value },
	};

	return iod_ioctl(fd, IOMMU_TEST_CMD, &cmd);
}

int iod_mock_access_create(int fd, uint32_t ioas_id, uint32_t flags,
			   int *access_fd)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_CREATE_ACCESS,
		.id = ioas_id,
		.create_access = { .flags = flags },
	};
	int rc = iod_ioctl(fd, IOMMU_TEST_CMD, &cmd);

	if (!rc)
		*access_fd = (int)cmd.create_access.out_access_fd;
	return rc;
}

int iod_mock_access_rw(int fd, int access_fd, uint64_t iova, void *buf,
		       uint64_t len, uint32_t flags)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_ACCESS_RW,
		.id = (uint32_t)access_fd,
		.access_rw = {
			.iova = iova,
			.length = len,
			.uptr = (uintptr_t)buf,
			.flags = flags,
		},
	};

	return iod_ioctl(fd, IOMMU_TEST_CMD, &cmd);
}

int iod_mock_present(int fd)
{
	/* An op no kernel defines: the mock answers EOPNOTSUPP. */
	struct iommu_test_cmd cmd = { .size = sizeof(cmd), .op = ~0u };
	int rc = iod_ioctl(fd, IOMMU_TEST_CMD, &cmd);

	if (rc == -EOPNOTSUPP)
		return 1;
	if (rc == -ENOTTY)
		return 0;
	return rc ? rc : 1;
}
