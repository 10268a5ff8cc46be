// SPDX-License-Identifier: GPL-2.0
/*
 * SET_DIRTY_TRACKING and GET_DIRTY_BITMAP on objects that cannot track:
 * a HWPT allocated without DIRTY_TRACKING, an automatic HWPT, an IOAS id, a
 * device id, a destroyed id.
 */
#include <stdint.h>
#include <sys/mman.h>

#include "harness/iod_test.h"
#include "uapi/iommufd.h"
#include "harness/target.h"

#define BUF_LEN (64 * 1024)

FIXTURE(dirty_uapi) {
	struct iod_target t;
	uint32_t empty_ioas;	/* explicit HWPTs go here, see below */
	uint64_t iova;
	void *buf;
	uint64_t bitmap[4];
};

FIXTURE_SETUP(dirty_uapi)
{
	IOD_TARGET_OPEN(&self->t);
	self->buf = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	ASSERT_EQ(0, iod_ioas_pick_iova(self->t.fd, self->t.ioas_id, BUF_LEN,
					1 << 20, BUF_LEN, &self->iova));
	ASSERT_EQ(0, iod_ioas_map_fixed(self->t.fd, self->t.ioas_id, self->buf,
					BUF_LEN, self->iova));
	/*
	 * Explicit HWPTs that need not track anything are allocated on an
	 * IOAS without mappings: some IOMMUs (virtio-iommu before 6.16) give
	 * an explicit HWPT an empty aperture, which an IOAS with mappings
	 * refuses. The dirty ioctls' checks do not depend on mappings.
	 */
	ASSERT_EQ(0, iod_ioas_alloc(self->t.fd, &self->empty_ioas));
}

FIXTURE_TEARDOWN(dirty_uapi)
{
	iod_target_close(&self->t);
	munmap(self->buf, BUF_LEN);
}

/* A well-formed harvest of the mapped buffer at the IOMMU's base page. */
static int harvest(FIXTURE_DATA(dirty_uapi) *self, uint32_t id)
{
	return iod_get_dirty_bitmap(self->t.fd, id, self->iova, BUF_LEN,
				    iod_base_leaf(), self->bitmap, 0);
}

/* A HWPT allocated without DIRTY_TRACKING refuses both: EOPNOTSUPP. */
TEST_F(dirty_uapi, plain_hwpt)
{
	uint32_t hwpt;

	IOD_NEED_PLAIN_HWPT();
	ASSERT_EQ(0, iod_hwpt_alloc(self->t.fd, self->t.dev_id,
				    self->empty_ioas, 0, &hwpt));
	IOD_ASSERT_ERR(EOPNOTSUPP, iod_set_dirty_tracking(self->t.fd, hwpt, true));
	IOD_ASSERT_ERR(EOPNOTSUPP, iod_set_dirty_tracking(self->t.fd, hwpt, false));
	IOD_ASSERT_ERR(EOPNOTSUPP, harvest(self, hwpt));
	/* Attached or not makes no difference. */
	ASSERT_EQ(0, iod_target_attach(&self->t, hwpt));
	IOD_ASSERT_ERR(EOPNOTSUPP, iod_set_dirty_tracking(self->t.fd, hwpt, true));
	IOD_ASSERT_ERR(EOPNOTSUPP, harvest(self, hwpt));
}

/* The automatic HWPT of an IOAS attach has no dirty tracking. */
TEST_F(dirty_uapi, automatic_hwpt)
{
	ASSERT_EQ(0, iod_target_attach(&self->t, self->t.ioas_id));
	ASSERT_NE(self->t.ioas_id, self->t.pt_id);
	IOD_ASSERT_ERR(EOPNOTSUPP,
		       iod_set_dirty_tracking(self->t.fd, self->t.pt_id, true));
	IOD_ASSERT_ERR(EOPNOTSUPP, harvest(self, self->t.pt_id));
}

/* Ids that are not paging HWPTs are ENOENT for both ioctls. */
TEST_F(dirty_uapi, not_a_hwpt)
{
	uint32_t ids[] = { self->t.ioas_id, self->t.dev_id, 0x7fffffff, 0 };
	unsigned int i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		int set = iod_set_dirty_tracking(self->t.fd, ids[i], true);
		int get = harvest(self, ids[i]);

		if (set != -ENOENT || get != -ENOENT)
			TH_LOG("id %u", ids[i]);
		IOD_ASSERT_ERR(ENOENT, set);
		IOD_ASSERT_ERR(ENOENT, get);
	}
}

/* A destroyed HWPT id is ENOENT, whatever it was allocated with. */
TEST_F(dirty_uapi, destroyed_hwpt)
{
	uint32_t flags = iod_expect("alloc.dirty") ?
			 0 : IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	uint32_t hwpt;

	if (iod_expect("alloc.plain") && !flags)
		SKIP(return, "the profile says no HWPT can be allocated here");
	ASSERT_EQ(0, iod_hwpt_alloc(self->t.fd, self->t.dev_id,
				    self->empty_ioas, flags, &hwpt));
	ASSERT_EQ(0, iod_destroy(self->t.fd, hwpt));
	IOD_ASSERT_ERR(ENOENT, iod_set_dirty_tracking(self->t.fd, hwpt, true));
	IOD_ASSERT_ERR(ENOENT, harvest(self, hwpt));
}

/* On a dirty HWPT the same well-formed calls succeed. */
TEST_F(dirty_uapi, dirty_hwpt_accepts)
{
	uint32_t hwpt;

	if (iod_expect("alloc.dirty"))
		SKIP(return, "the profile says this IOMMU cannot track dirty pages (alloc.dirty = %s)",
		     iod_errno_name(iod_expect("alloc.dirty")));
	ASSERT_EQ(0, iod_hwpt_alloc(self->t.fd, self->t.dev_id,
				    self->t.ioas_id,
				    IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &hwpt));
	IOD_ASSERT_ERR(0, iod_set_dirty_tracking(self->t.fd, hwpt, true));
	IOD_ASSERT_ERR(0, harvest(self, hwpt));
	IOD_ASSERT_ERR(0, iod_set_dirty_tracking(self->t.fd, hwpt, false));
}

IOD_HARNESS_MAIN
