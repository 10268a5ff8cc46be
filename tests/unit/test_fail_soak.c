// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the soak's fault injection (lib/harness/fail_nth.c) that
 * need no debugfs: a probability outside 1..100 is refused before anything
 * is touched, with what to give instead; closing a refused, a zeroed or a
 * closed soak is safe; the kinds are named by their debugfs directories.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* kselftest_harness.h has unused parameters of its own. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"

#include "harness/fail_nth.h"

TEST(soak_refuses_a_probability_outside_1_to_100)
{
	static const unsigned int bad[] = { 0, 101, 1000 };
	struct iod_fail_soak s;
	char why[256];
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = 0;
		ASSERT_EQ(-EINVAL, iod_fail_soak_open(&s, bad[i], why,
						      sizeof(why)));
		ASSERT_NE(NULL, strstr(why, "give 1 to 100")) TH_LOG("%s", why);
		ASSERT_EQ(0u, s.nsaved);
		ASSERT_EQ(-1, s.make_it_fail);
		iod_fail_soak_close(&s);
		iod_fail_soak_close(&s);
	}
}

TEST(soak_close_of_a_zeroed_soak_touches_nothing)
{
	struct iod_fail_soak s;

	memset(&s, 0, sizeof(s));
	iod_fail_soak_close(&s);
	ASSERT_EQ(0u, s.nsaved);
	ASSERT_EQ(-1, s.make_it_fail);
}

TEST(soak_kinds_are_their_debugfs_directories)
{
	ASSERT_STREQ("failslab", iod_fail_kind_name(IOD_FAIL_SLAB));
	ASSERT_STREQ("fail_page_alloc", iod_fail_kind_name(IOD_FAIL_PAGE_ALLOC));
	ASSERT_STREQ("fail_iommufd", iod_fail_kind_name(IOD_FAIL_IOMMUFD));
	ASSERT_STREQ("fail_usercopy", iod_fail_kind_name(IOD_FAIL_USERCOPY));
	ASSERT_STREQ("?", iod_fail_kind_name(IOD_FAIL_KINDS));
}

TEST_HARNESS_MAIN
