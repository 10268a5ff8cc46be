// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the host's huge pages as the dirty bench asks for them
 * (lib/harness/hugepages.c): the hugetlb size for a leaf, and the SKIP a
 * huge bench gets when too few huge pages are free or none is that large.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* kselftest_harness.h has unused parameters of its own. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "kselftest_harness.h"

#include "harness/hugepages.h"
#include "util.h"

/* The smallest size that holds the leaf, a power of two, never smaller. */
TEST(size_for_leaf)
{
	uint64_t small = iod_hugetlb_size_for(1);

	if (!small)
		SKIP(return, "this host has no hugetlb page sizes");
	EXPECT_EQ(0, small & (small - 1));
	EXPECT_EQ(small, iod_hugetlb_size_for(small));
	EXPECT_EQ(small, iod_hugetlb_size_for(small / 2 + 1));
	EXPECT_LT(small, iod_hugetlb_size_for(small + 1) ?: ~0ull);
	EXPECT_EQ(0, iod_hugetlb_size_for(1ull << 62));
}

/* No hugetlb size that large: a SKIP reason naming the leaf. */
TEST(no_size_that_large_skips)
{
	char why[512] = "";
	uint64_t len = 0;
	void *p = NULL;

	EXPECT_EQ(-EOPNOTSUPP, iod_hugetlb_map(1ull << 62, 1, &p, &len, why,
					       sizeof(why)));
	EXPECT_EQ(NULL, p);
	EXPECT_NE(NULL, strstr(why, "no hugetlb page size of at least"))
		TH_LOG("%s", why);
}

/*
 * One huge page more than are free: a SKIP reason saying how many are
 * needed and the nr_hugepages file to write, nothing mapped.
 */
TEST(too_few_free_skips)
{
	uint64_t size = iod_hugetlb_size_for(1), len = 0;
	char why[512] = "", want[64];
	void *p = NULL;

	if (!size)
		SKIP(return, "this host has no hugetlb page sizes");
	EXPECT_EQ(-EOPNOTSUPP,
		  iod_hugetlb_map(size, (iod_hugetlb_available(size) + 1) * size,
				  &p, &len, why, sizeof(why)));
	EXPECT_EQ(NULL, p);
	snprintf(want, sizeof(want), "needs %llu free huge pages",
		 (unsigned long long)(iod_hugetlb_available(size) + 1));
	EXPECT_NE(NULL, strstr(why, want)) TH_LOG("%s", why);
	EXPECT_NE(NULL, strstr(why, "/nr_hugepages")) TH_LOG("%s", why);
	EXPECT_NE(NULL, strstr(why, "hugepages=")) TH_LOG("%s", why);
}

/* THP-aligned memory: aligned, populated, writable, its length kept. */
TEST(thp_map_aligned)
{
	uint64_t align = iod_max_u64(iod_thp_size(), iod_host_page());
	uint64_t len = 3 * iod_host_page();
	uint8_t *p = NULL;

	ASSERT_EQ(0, iod_thp_map(len, (void **)&p));
	EXPECT_EQ(0, (uintptr_t)p % align);
	p[0] = 1;
	p[len - 1] = 2;
	EXPECT_EQ(0, munmap(p, len));
}

TEST_HARNESS_MAIN
