// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching devices to HWPTs: dirty HWPTs on capable and incapable devices,
 * replace, detach, and what an attached HWPT refuses.
 */
#include <stdint.h>

#include "harness/iod_test.h"
#include "uapi/iommufd.h"
#include "harness/target.h"

FIXTURE(attach) {
	struct iod_target t;
};

FIXTURE_SETUP(attach)
{
	IOD_TARGET_OPEN(&self->t);
}

FIXTURE_TEARDOWN(attach)
{
	iod_target_close(&self->t);
}

/* Allocate a dirty HWPT, or SKIP saying why this target cannot have one. */
#define ALLOC_DIRTY_HWPT_OR_SKIP(t, hwpt) do { \
	if (iod_expect("alloc.dirty")) \
		SKIP(return, "the profile says this IOMMU cannot track dirty pages (alloc.dirty = %s): there is no dirty HWPT to attach", \
		     iod_errno_name(iod_expect("alloc.dirty"))); \
	ASSERT_EQ(0, iod_hwpt_alloc((t)->fd, (t)->dev_id, (t)->ioas_id, \
				    IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &(hwpt))); \
} while (0)

/* A dirty HWPT attaches to the device it was allocated for. */
TEST_F(attach, dirty_to_capable)
{
	uint32_t hwpt;

	ALLOC_DIRTY_HWPT_OR_SKIP(&self->t, hwpt);
	IOD_ASSERT_OUTCOME("attach.dirty", iod_target_attach(&self->t, hwpt));
}

/*
 * A device whose IOMMU cannot track dirty pages refuses a dirty HWPT, and
 * cannot allocate one itself.
 */
TEST_F(attach, dirty_to_incapable)
{
	struct iod_mock_dev nodirty;
	uint32_t hwpt;

	if (iod_profile_errno(iod_env.profile, "attach.dirty_to_incapable") < 0)
		SKIP(return, "the profile states no attach.dirty_to_incapable: this target has no dirty-incapable device beside a capable one");
	ALLOC_DIRTY_HWPT_OR_SKIP(&self->t, hwpt);
	if (!self->t.mock)
		SKIP(return, "only the mock can create a dirty-incapable device on demand");
	ASSERT_EQ(0, iod_mock_dev_create(self->t.fd, self->t.ioas_id,
					 MOCK_FLAGS_DEVICE_NO_DIRTY, &nodirty));
	IOD_ASSERT_OUTCOME("attach.dirty_to_incapable",
			   iod_mock_dev_replace(self->t.fd, &nodirty, hwpt));
	IOD_ASSERT_ERR(EOPNOTSUPP,
		       iod_hwpt_alloc(self->t.fd, nodirty.idev_id,
				      self->t.ioas_id,
				      IOMMU_HWPT_ALLOC_DIRTY_TRACKING, NULL));
	/* The capable device still takes it. */
	IOD_ASSERT_OUTCOME("attach.dirty", iod_target_attach(&self->t, hwpt));
}

/*
 * Plain HWPTs: attach, replace with another, detach, and attach to the IOAS
 * itself, which gives an automatic HWPT (a new id, not the IOAS's).
 */
TEST_F(attach, attach_replace_detach)
{
	uint32_t a, b;

	IOD_NEED_PLAIN_HWPT();
	ASSERT_EQ(0, iod_hwpt_alloc(self->t.fd, self->t.dev_id,
				    self->t.ioas_id, 0, &a));
	ASSERT_EQ(0, iod_hwpt_alloc(self->t.fd, self->t.dev_id,
				    self->t.ioas_id, 0, &b));
	IOD_ASSERT_ERR(0, iod_target_attach(&self->t, a));
	EXPECT_EQ(a, self->t.pt_id);
	IOD_ASSERT_ERR(0, iod_target_attach(&self->t, b));
	EXPECT_EQ(b, self->t.pt_id);
	IOD_ASSERT_ERR(0, iod_target_detach(&self->t));
	IOD_ASSERT_ERR(0, iod_target_attach(&self->t, self->t.ioas_id));
	EXPECT_NE(self->t.ioas_id, self->t.pt_id);
	EXPECT_NE(a, self->t.pt_id);
	EXPECT_NE(b, self->t.pt_id);
}

/* Replace a plain HWPT with a dirty one and back while tracking is on. */
TEST_F(attach, replace_plain_dirty_plain)
{
	uint32_t plain, dirty;

	ALLOC_DIRTY_HWPT_OR_SKIP(&self->t, dirty);
	ASSERT_EQ(0, iod_hwpt_alloc(self->t.fd, self->t.dev_id,
				    self->t.ioas_id, 0, &plain));
	IOD_ASSERT_ERR(0, iod_target_attach(&self->t, plain));
	IOD_ASSERT_OUTCOME("attach.dirty", iod_target_attach(&self->t, dirty));
	IOD_ASSERT_ERR(0, iod_set_dirty_tracking(self->t.fd, dirty, true));
	IOD_ASSERT_ERR(0, iod_target_attach(&self->t, plain));
	IOD_ASSERT_ERR(0, iod_set_dirty_tracking(self->t.fd, dirty, false));
	IOD_ASSERT_ERR(0, iod_destroy(self->t.fd, dirty));
}

/* An attached HWPT cannot be destroyed (EBUSY) until it is detached. */
TEST_F(attach, destroy_attached_hwpt)
{
	uint32_t hwpt;

	IOD_NEED_PLAIN_HWPT();
	ASSERT_EQ(0, iod_hwpt_alloc(self->t.fd, self->t.dev_id,
				    self->t.ioas_id, 0, &hwpt));
	IOD_ASSERT_ERR(0, iod_target_attach(&self->t, hwpt));
	IOD_ASSERT_ERR(EBUSY, iod_destroy(self->t.fd, hwpt));
	IOD_ASSERT_ERR(0, iod_target_detach(&self->t));
	IOD_ASSERT_ERR(0, iod_destroy(self->t.fd, hwpt));
}

/*
 * Attaching to an id that does not exist is ENOENT, to an object that is no
 * IOAS or HWPT (the device itself) EINVAL; neither changes the attachment.
 */
TEST_F(attach, attach_bad_id)
{
	uint32_t before = self->t.pt_id;

	IOD_ASSERT_ERR(ENOENT, iod_target_attach(&self->t, 0x7fffffff));
	EXPECT_EQ(before, self->t.pt_id);
	IOD_ASSERT_ERR(EINVAL, iod_target_attach(&self->t, self->t.dev_id));
	EXPECT_EQ(before, self->t.pt_id);
}

/*
 * With the device attached, the IOAS reports the IOVA alignment of the
 * IOMMU's smallest page, as the profile states.
 */
TEST_F(attach, ioas_iova_alignment)
{
	uint64_t want = iod_profile_uint(iod_env.profile, "iova.alignment", 0);
	uint64_t align = 0;
	struct iommu_iova_range r[8];

	if (!want)
		SKIP(return, "the profile states no iova.alignment");
	ASSERT_EQ(0, iod_target_attach(&self->t, self->t.ioas_id));
	ASSERT_LT(0, iod_ioas_iova_ranges(self->t.fd, self->t.ioas_id, r, 8,
					  &align));
	EXPECT_EQ(want, align);
}

IOD_HARNESS_MAIN
