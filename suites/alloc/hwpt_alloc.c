// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_HWPT_ALLOC conformance: the flag matrix (outcomes from the profile)
 * and the kernel's argument rules.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "harness/iod_test.h"
#include "uapi/iommufd.h"
#include "harness/target.h"
#include "util.h"

FIXTURE(hwpt_flags) {
	struct iod_target t;
};

FIXTURE_VARIANT(hwpt_flags) {
	uint32_t flags;
	const char *outcome;	/* the profile key stating the result */
};

FIXTURE_VARIANT_ADD(hwpt_flags, plain) {
	.flags = 0,
	.outcome = "alloc.plain",
};

FIXTURE_VARIANT_ADD(hwpt_flags, dirty) {
	.flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
	.outcome = "alloc.dirty",
};

FIXTURE_VARIANT_ADD(hwpt_flags, nest_parent) {
	.flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
	.outcome = "alloc.nest_parent",
};

FIXTURE_VARIANT_ADD(hwpt_flags, dirty_nest_parent) {
	.flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING | IOMMU_HWPT_ALLOC_NEST_PARENT,
	.outcome = "alloc.dirty_nest_parent",
};

FIXTURE_SETUP(hwpt_flags)
{
	IOD_TARGET_OPEN(&self->t);
}

FIXTURE_TEARDOWN(hwpt_flags)
{
	iod_target_close(&self->t);
}

/*
 * The allocation gives the profile's outcome; an allocated HWPT is a real
 * object whose dirty ioctls match the flag it was allocated with.
 */
TEST_F(hwpt_flags, outcome)
{
	bool dirty = variant->flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	uint32_t hwpt = 0;
	int rc;

	rc = iod_hwpt_alloc(self->t.fd, self->t.dev_id, self->t.ioas_id,
			    variant->flags, &hwpt);
	IOD_ASSERT_OUTCOME(variant->outcome, rc);
	if (rc)
		return;
	ASSERT_NE(0, hwpt);
	IOD_ASSERT_ERR(dirty ? 0 : EOPNOTSUPP,
		       iod_set_dirty_tracking(self->t.fd, hwpt, true));
	IOD_ASSERT_ERR(dirty ? 0 : EOPNOTSUPP,
		       iod_set_dirty_tracking(self->t.fd, hwpt, false));
	IOD_ASSERT_ERR(0, iod_destroy(self->t.fd, hwpt));
	IOD_ASSERT_ERR(ENOENT, iod_destroy(self->t.fd, hwpt));
}

FIXTURE(hwpt_alloc) {
	struct iod_target t;
};

FIXTURE_SETUP(hwpt_alloc)
{
	IOD_TARGET_OPEN(&self->t);
}

FIXTURE_TEARDOWN(hwpt_alloc)
{
	iod_target_close(&self->t);
}

static struct iommu_hwpt_alloc plain_cmd(struct iod_target *t)
{
	return (struct iommu_hwpt_alloc){
		.size = sizeof(struct iommu_hwpt_alloc),
		.dev_id = t->dev_id,
		.pt_id = t->ioas_id,
	};
}

/* Every flag bit the uAPI does not define for a paging HWPT: EOPNOTSUPP. */
TEST_F(hwpt_alloc, unknown_flags)
{
	unsigned int bit;

	for (bit = 2; bit < 32; bit++) {
		struct iommu_hwpt_alloc cmd = plain_cmd(&self->t);

		int rc;

		/* FAULT_ID_VALID (bit 2) is for nested HWPTs only. */
		cmd.flags = 1u << bit;
		rc = iod_hwpt_alloc_raw(self->t.fd, &cmd);
		if (rc != -EOPNOTSUPP)
			TH_LOG("flags bit %u", bit);
		IOD_ASSERT_ERR(EOPNOTSUPP, rc);
	}
}

/* A non-zero __reserved is EOPNOTSUPP. */
TEST_F(hwpt_alloc, reserved_nonzero)
{
	struct iommu_hwpt_alloc cmd = plain_cmd(&self->t);

	cmd.__reserved = 1;
	IOD_ASSERT_ERR(EOPNOTSUPP, iod_hwpt_alloc_raw(self->t.fd, &cmd));
}

/* data_type NONE with data, or a data type without data: EINVAL. */
TEST_F(hwpt_alloc, data_type_len_mismatch)
{
	uint64_t data[4] = { 0 };
	struct iommu_hwpt_alloc cmd = plain_cmd(&self->t);

	cmd.data_type = IOMMU_HWPT_DATA_NONE;
	cmd.data_len = sizeof(data);
	cmd.data_uptr = (uintptr_t)data;
	IOD_ASSERT_ERR(EINVAL, iod_hwpt_alloc_raw(self->t.fd, &cmd));

	cmd = plain_cmd(&self->t);
	cmd.data_type = IOMMU_HWPT_DATA_VTD_S1;
	cmd.data_len = 0;
	IOD_ASSERT_ERR(EINVAL, iod_hwpt_alloc_raw(self->t.fd, &cmd));
}

/* dev_id must be a device: a bogus id or the IOAS id is ENOENT. */
TEST_F(hwpt_alloc, bad_dev_id)
{
	IOD_ASSERT_ERR(ENOENT, iod_hwpt_alloc(self->t.fd, 0x7fffffff,
					      self->t.ioas_id, 0, NULL));
	IOD_ASSERT_ERR(ENOENT, iod_hwpt_alloc(self->t.fd, self->t.ioas_id,
					      self->t.ioas_id, 0, NULL));
}

/* A pt_id that does not exist is EINVAL (the lookup error is remapped). */
TEST_F(hwpt_alloc, bad_pt_id)
{
	IOD_ASSERT_ERR(EINVAL, iod_hwpt_alloc(self->t.fd, self->t.dev_id,
					      0x7fffffff, 0, NULL));
}

/* A pt_id of the wrong object type (a device) is EINVAL. */
TEST_F(hwpt_alloc, pt_id_wrong_type)
{
	IOD_ASSERT_ERR(EINVAL, iod_hwpt_alloc(self->t.fd, self->t.dev_id,
					      self->t.dev_id, 0, NULL));
}

/*
 * Struct size rules: below the last mandatory field (__reserved, 24 bytes)
 * EINVAL; the 6.6 24-byte layout still allocates; unknown non-zero trailing
 * bytes E2BIG.
 */
TEST_F(hwpt_alloc, struct_size)
{
	struct {
		struct iommu_hwpt_alloc cmd;
		uint64_t tail;
	} big;
	uint32_t min = offsetof(struct iommu_hwpt_alloc, data_type);
	struct iommu_hwpt_alloc cmd = plain_cmd(&self->t);

	IOD_ASSERT_ERR(EINVAL, iod_ioctl_sized(self->t.fd, IOMMU_HWPT_ALLOC,
					       &cmd, min - 4));
	cmd = plain_cmd(&self->t);
	IOD_ASSERT_OUTCOME("alloc.plain",
			   iod_ioctl_sized(self->t.fd, IOMMU_HWPT_ALLOC, &cmd,
					   min));
	if (!iod_expect("alloc.plain"))
		ASSERT_NE(0, cmd.out_hwpt_id);

	memset(&big, 0, sizeof(big));
	big.cmd = plain_cmd(&self->t);
	big.tail = 1;
	IOD_ASSERT_ERR(E2BIG, iod_ioctl_sized(self->t.fd, IOMMU_HWPT_ALLOC,
					      &big, sizeof(big)));
}

/*
 * Allocating a HWPT must leave the IOAS usable: its allowed IOVA ranges are
 * not emptied, and a mapping can still be made.
 */
TEST_F(hwpt_alloc, keeps_ioas_aperture)
{
	struct iommu_iova_range r[8];
	uint64_t iova = 0;
	int n, pick = -1, map = -1;
	/* One page: the CPU's, or the IOMMU's base page if larger. */
	uint64_t pg = iod_max_u64(iod_host_page(), iod_base_leaf());
	uint32_t hwpt;
	void *buf;

	n = iod_ioas_iova_ranges(self->t.fd, self->t.ioas_id, r, 8, NULL);
	ASSERT_LT(0, n);
	IOD_NEED_PLAIN_HWPT();
	ASSERT_EQ(0, iod_hwpt_alloc(self->t.fd, self->t.dev_id,
				    self->t.ioas_id, 0, &hwpt));
	buf = mmap(NULL, pg, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);

	n = iod_ioas_iova_ranges(self->t.fd, self->t.ioas_id, r, 8, NULL);
	if (n > 0)
		pick = iod_ioas_pick_iova(self->t.fd, self->t.ioas_id, pg,
					  1 << 20, pg, &iova);
	if (!pick)
		map = iod_ioas_map_fixed(self->t.fd, self->t.ioas_id, buf,
					 pg, iova);
	IOD_XFAIL_IF_KNOWN_BUG(map != 0);
	ASSERT_LT(0, n) TH_LOG("no allowed IOVA range left after HWPT_ALLOC");
	IOD_ASSERT_ERR(0, pick);
	IOD_ASSERT_ERR(0, map);
	munmap(buf, pg);
}

IOD_HARNESS_MAIN
