// SPDX-License-Identifier: GPL-2.0
/*
 * Negative uAPI of IOMMU_HWPT_SET_DIRTY_TRACKING and
 * IOMMU_HWPT_GET_DIRTY_BITMAP: ids that are not a paging HWPT (bogus, the
 * IOAS, the device, the mock device object, a nested HWPT, an id of
 * another iommufd) and the order of the checks. A rejected call must
 * change nothing: the dirty state and the tracking state are checked
 * after it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/iod_test.h"
#include "model/harvest_range.h"
#include "uapi/iommufd.h"
#include "harness/uapi_bench.h"

#define BOGUS_ID 0x7fffffffu

/* the bench: a dirty HWPT with tracking on and a 256 KiB buffer */
IOD_UAPI_FIXTURE(uapi_ids);


/*
 * The order of the checks: size, then flags and __reserved, then the id,
 * then the range. Ids that are not a paging HWPT (bogus, the IOAS, the
 * device, the mock device object) with otherwise invalid arguments show
 * which check comes first.
 */
TEST_F(uapi_ids, check_order)
{
	uint32_t ids[] = { BOGUS_ID, self->d.t.ioas_id, self->d.t.dev_id,
			   self->d.t.md.stdev_id };
	unsigned int n = self->d.t.mock ? 4 : 3, i;
	uint64_t bm[4] = { 0 };

	ASSERT_EQ(0, iod_uapi_dirty_some(&self->d));
	for (i = 0; i < n; i++) {
		struct iommu_hwpt_get_dirty_bitmap g =
			iod_uapi_get_cmd(&self->d, bm);
		struct iommu_hwpt_set_dirty_tracking s = {
			.size = sizeof(s),
			.hwpt_id = ids[i],
		};

		TH_LOG("id %u", ids[i]);
		g.hwpt_id = ids[i];
		/* plain: ENOENT */
		IOD_ASSERT_ERR(ENOENT, iod_get_dirty_bitmap_raw(self->d.t.fd,
								&g));
		IOD_ASSERT_ERR(ENOENT, iod_set_dirty_tracking_raw(self->d.t.fd,
								  &s));
		/* the id before the range: length 0, page_size 0 */
		g.length = 0;
		g.page_size = 0;
		IOD_ASSERT_ERR(ENOENT, iod_get_dirty_bitmap_raw(self->d.t.fd,
								&g));
		/* flags and __reserved before the id */
		g.flags = 1u << 7;
		IOD_ASSERT_ERR(EOPNOTSUPP,
			       iod_get_dirty_bitmap_raw(self->d.t.fd, &g));
		g.flags = 0;
		g.__reserved = 1;
		IOD_ASSERT_ERR(EOPNOTSUPP,
			       iod_get_dirty_bitmap_raw(self->d.t.fd, &g));
		s.flags = 1u << 7;
		IOD_ASSERT_ERR(EOPNOTSUPP,
			       iod_set_dirty_tracking_raw(self->d.t.fd, &s));
		/* size before everything */
		g.size = 40;
		IOD_ASSERT_ERR(EINVAL, iod_get_dirty_bitmap_raw(self->d.t.fd,
								&g));
		s.size = 12;
		IOD_ASSERT_ERR(EINVAL, iod_set_dirty_tracking_raw(self->d.t.fd,
								  &s));
	}
	/* On the dirty HWPT itself, the range comes after flags. */
	{
		struct iommu_hwpt_get_dirty_bitmap g =
			iod_uapi_get_cmd(&self->d, bm);

		g.length = 0;
		g.flags = 1u << 5;
		IOD_ASSERT_ERR(EOPNOTSUPP,
			       iod_get_dirty_bitmap_raw(self->d.t.fd, &g));
		g.flags = 0;
		IOD_ASSERT_ERR(EINVAL, iod_get_dirty_bitmap_raw(self->d.t.fd,
								&g));
	}
	IOD_ASSERT_TRACKING(&self->d, 1);
}

/* Ids are per iommufd: the dirty HWPT's id in another iommufd is ENOENT. */
TEST_F(uapi_ids, id_of_other_iommufd)
{
	uint64_t bm[4] = { 0 };
	int fd2 = iod_iommufd_open();
	uint32_t ioas2;
	unsigned int i;

	ASSERT_LE(0, fd2);
	/*
	 * Fill the other iommufd's id space past the HWPT's id with IOASes,
	 * so an id that leaked across would find an object there.
	 */
	for (i = 0; i <= self->d.hwpt_id; i++)
		ASSERT_EQ(0, iod_ioas_alloc(fd2, &ioas2));
	ASSERT_EQ(0, iod_uapi_dirty_some(&self->d));
	IOD_ASSERT_ERR(ENOENT, iod_set_dirty_tracking(fd2, self->d.hwpt_id,
						      false));
	IOD_ASSERT_ERR(ENOENT, iod_get_dirty_bitmap(fd2, self->d.hwpt_id,
						    self->d.iova, self->d.len,
						    self->d.leaf, bm, 0));
	close(fd2);
	IOD_ASSERT_INTACT(&self->d);
	IOD_ASSERT_TRACKING(&self->d, 1);
}

/*
 * A nested HWPT is not a paging HWPT: ENOENT for both, even when its
 * parent tracks (NEST_PARENT | DIRTY_TRACKING). The parent still works.
 * Needs the mock's selftest nested data type.
 */
TEST_F(uapi_ids, nested_hwpt_id)
{
	struct iommu_hwpt_selftest data = { .iotlb = IOMMU_TEST_IOTLB_DEFAULT };
	struct iommu_hwpt_alloc na = {
		.size = sizeof(na),
		.dev_id = self->d.t.dev_id,
		.data_type = IOMMU_HWPT_DATA_SELFTEST,
		.data_len = sizeof(data),
		.data_uptr = (uintptr_t)&data,
	};
	uint64_t bm[4] = { 0 };
	uint32_t parent;

	if (!iod_rule_is("hw_info.type", "selftest"))
		SKIP(return, "nested HWPTs here need the mock's selftest data type (hw_info.type = %s)",
		     iod_rule("hw_info.type", "unset"));
	if (iod_expect("alloc.dirty_nest_parent"))
		SKIP(return, "the profile says alloc.dirty_nest_parent = %s",
		     iod_errno_name(iod_expect("alloc.dirty_nest_parent")));
	ASSERT_EQ(0, iod_hwpt_alloc(self->d.t.fd, self->d.t.dev_id,
				    self->d.t.ioas_id,
				    IOMMU_HWPT_ALLOC_NEST_PARENT |
				    IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &parent));
	na.pt_id = parent;
	ASSERT_EQ(0, iod_hwpt_alloc_raw(self->d.t.fd, &na));
	IOD_ASSERT_ERR(0, iod_set_dirty_tracking(self->d.t.fd, parent, true));
	IOD_ASSERT_ERR(ENOENT, iod_set_dirty_tracking(self->d.t.fd,
						      na.out_hwpt_id, true));
	IOD_ASSERT_ERR(ENOENT, iod_set_dirty_tracking(self->d.t.fd,
						      na.out_hwpt_id, false));
	IOD_ASSERT_ERR(ENOENT, iod_get_dirty_bitmap(self->d.t.fd,
						    na.out_hwpt_id,
						    self->d.iova, self->d.len,
						    self->d.len, bm, 0));
	IOD_ASSERT_HARVEST_FP(&self->d, NULL,
			      IOD_HARVEST(self->d.iova, self->d.len,
					  self->d.len, 0, .hwpt_id = parent));
	ASSERT_EQ(0, iod_destroy(self->d.t.fd, na.out_hwpt_id));
	ASSERT_EQ(0, iod_destroy(self->d.t.fd, parent));
}

IOD_HARNESS_MAIN
