// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of iod_target_paging_id() (lib/harness/target.h): the page
 * table an engine marks dirt in is what the device is attached to, or,
 * under a nested HWPT, its nest parent.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* kselftest_harness.h has unused parameters of its own. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include <stdint.h>

#include "kselftest_harness.h"

#include "harness/target.h"

/* Not under a nested HWPT: what the device is attached to (0: nothing). */
TEST(paging_is_the_attached_hwpt)
{
	struct iod_target t = { .pt_id = 7 };

	EXPECT_EQ(7, iod_target_paging_id(&t));
	t.pt_id = 0;
	EXPECT_EQ(0, iod_target_paging_id(&t));
}

/* On a nested HWPT: its parent, not the nested id. */
TEST(paging_is_the_nest_parent)
{
	struct iod_target t = { .pt_id = 9, .parent_id = 4 };

	EXPECT_EQ(4, iod_target_paging_id(&t));
}

TEST_HARNESS_MAIN
