// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the guard-page choice (lib/harness/guard_pages.c): every
 * picked page has an owned page physically below it (the last page under
 * the first, a page nobody picked under the others), no pool page is used
 * twice, and too few adjacent pages is -ENOSPC.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* kselftest_harness.h has unused parameters of its own. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "kselftest_harness.h"

#include "harness/guard_pages.h"

#define MAXP 64

static int pool_of(const uint64_t *pfn, size_t npool, uint64_t want)
{
	size_t i;

	for (i = 0; i < npool; i++)
		if (pfn[i] == want)
			return (int)i;
	return -1;
}

/* The promise of iod_guard_pick() for pick[0..n) over pfn[0..npool). */
static bool picks_are_guarded(const uint64_t *pfn, size_t npool,
			      const size_t *pick, size_t n)
{
	bool used[MAXP] = { false };
	size_t j;

	for (j = 0; j < n; j++) {
		if (pick[j] >= npool || used[pick[j]])
			return false;
		used[pick[j]] = true;
	}
	for (j = 0; j < n; j++) {
		int below = pool_of(pfn, npool, pfn[pick[j]] - 1);
		size_t k;

		if (below < 0)
			return false;
		if (j == 0 && n > 1) {
			if ((size_t)below != pick[n - 1])
				return false;
			continue;
		}
		for (k = 0; k < n; k++)
			if (pick[k] == (size_t)below)
				return false;
	}
	return true;
}

TEST(one_run_ascending)
{
	uint64_t pfn[16];
	size_t pick[6], i;

	for (i = 0; i < 16; i++)
		pfn[i] = 100 + i;
	ASSERT_EQ(0, iod_guard_pick(pfn, 16, pick, 6));
	EXPECT_TRUE(picks_are_guarded(pfn, 16, pick, 6));
}

TEST(descending_and_scattered_runs)
{
	/* runs 500-497 (descending in the pool), 42-43, 900-902, loners */
	uint64_t pfn[] = { 500, 499, 7, 498, 497, 42, 300, 43, 902, 900,
			   901, 1000 };
	size_t n = sizeof(pfn) / sizeof(pfn[0]), pick[4];

	ASSERT_EQ(0, iod_guard_pick(pfn, n, pick, 4));
	EXPECT_TRUE(picks_are_guarded(pfn, n, pick, 4));
}

TEST(one_page_gets_a_guard)
{
	uint64_t pfn[] = { 9, 30, 31 };
	size_t pick[1];

	ASSERT_EQ(0, iod_guard_pick(pfn, 3, pick, 1));
	EXPECT_EQ(2, pick[0]);
	EXPECT_TRUE(picks_are_guarded(pfn, 3, pick, 1));
}

TEST(too_few_adjacent_pages)
{
	uint64_t pairs_only[] = { 10, 11, 20, 21, 30, 31 };
	uint64_t loners[] = { 1, 3, 5, 7, 9, 11 };
	size_t pick[3];

	/* three pairs give three guarded pages, but no triple for 0 and 2 */
	EXPECT_EQ(-ENOSPC, iod_guard_pick(pairs_only, 6, pick, 3));
	EXPECT_EQ(-ENOSPC, iod_guard_pick(loners, 6, pick, 1));
	/* two pages need the triple only */
	EXPECT_EQ(-ENOSPC, iod_guard_pick(pairs_only, 6, pick, 2));
}

TEST(pfn_zero_is_unknown)
{
	uint64_t pfn[] = { 0, 0, 0, 0 };
	size_t pick[1];

	EXPECT_EQ(-ENOSPC, iod_guard_pick(pfn, 4, pick, 1));
}

TEST_HARNESS_MAIN
