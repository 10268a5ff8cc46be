// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the errno names (lib/profile/errno_name.c): a profile may
 * name only its own set, a message may name any errno.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* kselftest_harness.h has unused parameters of its own. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"

#include "profile/profile.h"
#include "util.h"

/* Every name of the profile set reads back as itself. */
TEST(profile_names_round_trip)
{
	static const char *const names[] = {
		"EINVAL", "EOPNOTSUPP", "ENOENT", "E2BIG", "EOVERFLOW",
		"EBUSY", "ENODEV", "EPERM", "EFAULT", "ENOMEM", "ENOSPC",
		"ENOTTY", "EEXIST", "EACCES", "ENXIO", "EIO",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		int e = iod_errno_from_name(names[i]);

		EXPECT_LT(0, e);
		EXPECT_STREQ(names[i], iod_errno_name(e));
	}
	EXPECT_EQ(EINVAL, iod_errno_from_name("EINVAL"));
	EXPECT_EQ(EOPNOTSUPP, iod_errno_from_name("EOPNOTSUPP"));
	EXPECT_EQ(ENOSPC, iod_errno_from_name("ENOSPC"));
	EXPECT_EQ(0, iod_errno_from_name("0"));
	EXPECT_EQ(0, iod_errno_from_name("ok"));
	EXPECT_STREQ("0", iod_errno_name(0));
}

/* A profile names only its set: other errnos and numbers are not names. */
TEST(profile_names_only)
{
	EXPECT_EQ(-1, iod_errno_from_name("22"));
	EXPECT_EQ(-1, iod_errno_from_name("EAGAIN"));
	EXPECT_EQ(-1, iod_errno_from_name("ETIMEDOUT"));
	EXPECT_EQ(-1, iod_errno_from_name("ENOTSUP"));
	EXPECT_EQ(-1, iod_errno_from_name("einval"));
	EXPECT_EQ(-1, iod_errno_from_name(""));
	EXPECT_EQ(-1, iod_errno_from_name(NULL));
}

/* Messages name errnos outside the profile set by glibc's names. */
TEST(any_errno_has_a_name)
{
	EXPECT_STREQ("ETIMEDOUT", iod_errno_name(ETIMEDOUT));
	EXPECT_STREQ("EAGAIN", iod_errno_name(EAGAIN));
	EXPECT_STREQ("EINTR", iod_errno_name(EINTR));
	EXPECT_STREQ("ECANCELED", iod_errno_name(ECANCELED));
	/* ENOTSUP is EOPNOTSUPP on Linux: the profile's spelling wins. */
	EXPECT_STREQ("EOPNOTSUPP", iod_errno_name(ENOTSUP));
}

/* A number glibc has no name for reads as E#N. */
TEST(unnamed_numbers)
{
	EXPECT_STREQ("E#-22", iod_errno_name(-EINVAL));
	EXPECT_STREQ("E#100000", iod_errno_name(100000));
	EXPECT_STREQ("E#-2147483648", iod_errno_name(-2147483647 - 1));
}

/* One message may hold several number-based names. */
TEST(unnamed_numbers_in_one_message)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "%s %s %s %s", iod_errno_name(-1),
		 iod_errno_name(-2), iod_errno_name(ETIMEDOUT),
		 iod_errno_name(-3));
	EXPECT_STREQ("E#-1 E#-2 ETIMEDOUT E#-3", msg);
}

TEST_HARNESS_MAIN
