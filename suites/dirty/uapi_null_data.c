// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_HWPT_GET_DIRTY_BITMAP with a NULL bitmap pointer, over dirty and
 * clean ranges, with and without NO_CLEAR: the outcome the profile states
 * (dirty.unpinnable_bitmap), and the dirty and tracking state after it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/iod_test.h"
#include "model/harvest_range.h"
#include "uapi/iommufd.h"
#include "harness/uapi_bench.h"

/* the bench: a dirty HWPT with tracking on and a 256 KiB buffer */
IOD_UAPI_FIXTURE(uapi_null_data);

/* The profile's outcome for a bitmap the kernel cannot write. */
#define UNPINNABLE "dirty.unpinnable_bitmap"

/* GET of the whole buffer with data = NULL. */
static int get_null(struct iod_dirty *d, uint32_t flags)
{
	return iod_get_dirty_bitmap(d->t.fd, d->hwpt_id, d->iova, d->len,
				    d->leaf, NULL, flags);
}

/*
 * GET with data = NULL over dirty leaves: as the profile says. "dropped":
 * rc 0, no splat, and the dirty state is cleared all the same (the next
 * harvest is empty).
 */
TEST_F(uapi_null_data, null_data)
{
	IOD_NEED_RULE(UNPINNABLE);
	ASSERT_EQ(0, iod_uapi_dirty_some(&self->d));
	IOD_ASSERT_ERR(iod_rule_errno(UNPINNABLE), get_null(&self->d, 0));
	if (!iod_rule_is(UNPINNABLE, "dropped"))
		return;
	iod_fp_reset(&self->d.fp);
	IOD_ASSERT_INTACT(&self->d);
	/* Tracking goes on: the next writes are reported. */
	ASSERT_EQ(0, iod_uapi_dirty_some(&self->d));
	IOD_ASSERT_INTACT(&self->d);
}

/*
 * GET with data = NULL and NO_CLEAR: "dropped" gives rc 0 and the dirty
 * state stays, so the next harvest reports every write.
 */
TEST_F(uapi_null_data, null_data_no_clear)
{
	IOD_NEED_RULE(UNPINNABLE);
	ASSERT_EQ(0, iod_uapi_dirty_some(&self->d));
	IOD_ASSERT_ERR(iod_rule_errno(UNPINNABLE),
		       get_null(&self->d, IOD_NO_CLEAR));
	if (!iod_rule_is(UNPINNABLE, "dropped"))
		return;
	IOD_ASSERT_INTACT(&self->d);
}

/*
 * GET with data = NULL over a clean range: nothing to record, so
 * "dropped" (lazy pinning) never touches the pointer: rc 0.
 */
TEST_F(uapi_null_data, null_data_clean)
{
	IOD_NEED_RULE(UNPINNABLE);
	IOD_ASSERT_ERR(iod_rule_errno(UNPINNABLE), get_null(&self->d, 0));
	IOD_ASSERT_TRACKING(&self->d, 1);
}

IOD_HARNESS_MAIN
