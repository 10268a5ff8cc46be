// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of NVMe PRP entries (lib/drivers/nvme/nvme_prp.c): one page, two pages,
 * a first entry with an offset, scattered segments, list pages chained at
 * their last entry, and layouts the specification forbids.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* kselftest_harness.h has unused parameters of its own. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include <stdint.h>
#include <string.h>

#include "kselftest_harness.h"

#include "drivers/nvme/nvme_prp.h"

#define PG 4096ull
#define LIST_IOVA 0x900000ull

static uint64_t list[4 * PG / 8];

static int build(const struct iod_nvme_seg *seg, unsigned int n,
		 struct iod_nvme_prp *p)
{
	memset(list, 0xff, sizeof(list));
	return iod_nvme_prp_build(seg, n, PG, list, sizeof(list) / 8,
				  LIST_IOVA, p);
}

TEST(one_page_with_offset)
{
	struct iod_nvme_seg s = { 0x10000 + 512, 1024 };
	struct iod_nvme_prp p;

	ASSERT_EQ(0, build(&s, 1, &p));
	EXPECT_EQ(0x10000 + 512, p.prp1);
	EXPECT_EQ(0, p.prp2);
	EXPECT_EQ(0, p.list_entries);
}

TEST(two_pages_from_an_offset)
{
	struct iod_nvme_seg s = { 0x10000 + 3584, 1024 };
	struct iod_nvme_prp p;

	ASSERT_EQ(0, build(&s, 1, &p));
	EXPECT_EQ(0x10000 + 3584, p.prp1);
	EXPECT_EQ(0x11000, p.prp2);
	EXPECT_EQ(0, p.list_entries);
}

TEST(two_scattered_pages)
{
	struct iod_nvme_seg s[2] = { { 0x10000, PG }, { 0x80000, 512 } };
	struct iod_nvme_prp p;

	ASSERT_EQ(0, build(s, 2, &p));
	EXPECT_EQ(0x10000, p.prp1);
	EXPECT_EQ(0x80000, p.prp2);
}

TEST(list_of_scattered_pages)
{
	struct iod_nvme_seg s[3] = {
		{ 0x10000 + 2048, 2048 }, { 0x40000, 2 * PG }, { 0x90000, 4 },
	};
	struct iod_nvme_prp p;

	ASSERT_EQ(0, build(s, 3, &p));
	EXPECT_EQ(0x10000 + 2048, p.prp1);
	EXPECT_EQ(LIST_IOVA, p.prp2);
	ASSERT_EQ(3, p.list_entries);
	EXPECT_EQ(0x40000, list[0]);
	EXPECT_EQ(0x41000, list[1]);
	EXPECT_EQ(0x90000, list[2]);
	EXPECT_EQ(UINT64_MAX, list[3]);
}

/* 512 entries fill one list page exactly: no chain. */
TEST(full_list_page_no_chain)
{
	struct iod_nvme_seg s = { 0x100000, 513 * PG };
	struct iod_nvme_prp p;

	ASSERT_EQ(512, iod_nvme_prp_list_entries(513, PG));
	ASSERT_EQ(0, build(&s, 1, &p));
	ASSERT_EQ(512, p.list_entries);
	EXPECT_EQ(0x101000, list[0]);
	EXPECT_EQ(0x100000 + 512 * PG, list[511]);
}

/* One page more: the last slot points at the next list page. */
TEST(list_pages_chained)
{
	struct iod_nvme_seg s = { 0x100000, 514 * PG };
	struct iod_nvme_prp p;
	unsigned int i;

	ASSERT_EQ(514, iod_nvme_prp_list_entries(514, PG));
	ASSERT_EQ(0, build(&s, 1, &p));
	ASSERT_EQ(514, p.list_entries);
	for (i = 0; i < 511; i++)
		ASSERT_EQ(0x100000 + (i + 1) * PG, list[i]);
	EXPECT_EQ(LIST_IOVA + PG, list[511]);
	EXPECT_EQ(0x100000 + 512 * PG, list[512]);
	EXPECT_EQ(0x100000 + 513 * PG, list[513]);
}

TEST(list_too_small)
{
	struct iod_nvme_seg s = { 0x100000, 3 * PG };
	struct iod_nvme_prp p;

	EXPECT_EQ(-ENOSPC, iod_nvme_prp_build(&s, 1, PG, list, 1, LIST_IOVA,
					      &p));
}

TEST(bad_layouts)
{
	struct iod_nvme_seg odd = { 0x10002, 512 };
	struct iod_nvme_seg gap[2] = { { 0x10000, 2048 }, { 0x20000, PG } };
	struct iod_nvme_seg mid[2] = { { 0x10000, PG }, { 0x20200, 512 } };
	struct iod_nvme_seg zero = { 0x10000, 0 };
	struct iod_nvme_prp p;

	EXPECT_EQ(-EINVAL, build(&odd, 1, &p));		/* not dword aligned */
	EXPECT_EQ(-EINVAL, build(gap, 2, &p));		/* first ends mid-page */
	EXPECT_EQ(-EINVAL, build(mid, 2, &p));		/* later one mid-page */
	EXPECT_EQ(-EINVAL, build(&zero, 1, &p));
	EXPECT_EQ(-EINVAL, iod_nvme_prp_build(&odd, 1, 3000, list, 8,
					      LIST_IOVA, &p));
}

TEST_HARNESS_MAIN
