// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the expected-dirty model (lib/model/footprint.c) and the bitmap
 * buffer with guards (lib/model/bitmap_buf.c): geometry, leaf widening,
 * copies of one range, bitmap sizes, bit counts, offsets and guards.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* kselftest_harness.h has unused parameters of its own. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "bits.h"
#include "model/bitmap_buf.h"
#include "model/footprint.h"


TEST(init_rejects_bad_geometry)
{
	struct iod_fp fp;

	EXPECT_EQ(-EINVAL, iod_fp_init(&fp, BASE, 64 * K, 3000));
	EXPECT_EQ(-EINVAL, iod_fp_init(&fp, BASE, 64 * K, 0));
	EXPECT_EQ(-EINVAL, iod_fp_init(&fp, BASE + 1024, 64 * K, 2 * K));
	EXPECT_EQ(-EINVAL, iod_fp_init(&fp, BASE, 3 * K, 2 * K));
	EXPECT_EQ(-EINVAL, iod_fp_init(&fp, BASE, 0, 2 * K));
	EXPECT_EQ(-EINVAL, iod_fp_init(&fp, ~0ull - 4095, 8 * K, 4 * K));
}

TEST(write_dirties_whole_leaves)
{
	struct iod_fp fp;

	ASSERT_EQ(0, iod_fp_init(&fp, BASE, 64 * K, 4 * K));
	EXPECT_EQ(0, iod_fp_write(&fp, BASE + 4 * K - 1, 2));	/* straddles */
	EXPECT_EQ(2, iod_fp_count(&fp));
	EXPECT_TRUE(iod_fp_leaf_dirty(&fp, BASE));
	EXPECT_TRUE(iod_fp_leaf_dirty(&fp, BASE + 4 * K));
	EXPECT_FALSE(iod_fp_leaf_dirty(&fp, BASE + 8 * K));
	EXPECT_EQ(0, iod_fp_write(&fp, BASE + 4 * K, 4 * K));	/* overlaps */
	EXPECT_EQ(2, iod_fp_count(&fp));
	EXPECT_EQ(0, iod_fp_write(&fp, BASE + 8 * K, 1));	/* adjacent */
	EXPECT_EQ(3, iod_fp_count(&fp));
	EXPECT_EQ(-ERANGE, iod_fp_write(&fp, BASE - 1, 2));
	EXPECT_EQ(-ERANGE, iod_fp_write(&fp, BASE + 64 * K - 1, 2));
	EXPECT_EQ(-ERANGE, iod_fp_write(&fp, BASE, 0));
	EXPECT_EQ(0, iod_fp_clear(&fp, BASE + 5 * K, 1));	/* widened */
	EXPECT_EQ(2, iod_fp_count(&fp));
	EXPECT_FALSE(iod_fp_leaf_dirty(&fp, BASE + 4 * K));
	iod_fp_reset(&fp);
	EXPECT_EQ(0, iod_fp_count(&fp));
	iod_fp_free(&fp);
}

/* A copy with only the writes of one range kept. */
/* A new mapping that reads dirty: only its part inside the footprint. */
TEST(write_within_clips_to_footprint)
{
	struct iod_fp fp;

	ASSERT_EQ(0, iod_fp_init(&fp, BASE, 64 * K, 4 * K));
	EXPECT_EQ(16, iod_fp_write_within(&fp, 0, ~0ull));	/* all of it */
	EXPECT_EQ(16, iod_fp_count(&fp));
	iod_fp_reset(&fp);
	EXPECT_EQ(0, iod_fp_write_within(&fp, BASE - 8 * K, 8 * K)); /* below */
	EXPECT_EQ(0, iod_fp_write_within(&fp, BASE + 64 * K, 4 * K)); /* above */
	EXPECT_EQ(0, iod_fp_write_within(&fp, BASE, 0));
	EXPECT_EQ(0, iod_fp_count(&fp));
	/* Straddling the start: the first two leaves. */
	EXPECT_EQ(2, iod_fp_write_within(&fp, BASE - 4 * K, 12 * K));
	EXPECT_TRUE(iod_fp_leaf_dirty(&fp, BASE + 4 * K));
	EXPECT_FALSE(iod_fp_leaf_dirty(&fp, BASE + 8 * K));
	/* Straddling the end, not leaf aligned: the last leaf, widened. */
	EXPECT_EQ(1, iod_fp_write_within(&fp, BASE + 63 * K, 8 * K));
	EXPECT_TRUE(iod_fp_leaf_dirty(&fp, BASE + 60 * K));
	EXPECT_EQ(3, iod_fp_count(&fp));
	/* Wrapping past 2^64 counts as reaching the end. */
	EXPECT_EQ(2, iod_fp_write_within(&fp, BASE + 56 * K, ~0ull));
	EXPECT_EQ(4, iod_fp_count(&fp));
	iod_fp_free(&fp);
}

TEST(only_keeps_one_range)
{
	struct iod_fp fp, part;

	ASSERT_EQ(0, iod_fp_init(&fp, BASE, 64 * K, 4 * K));
	ASSERT_EQ(0, iod_fp_write(&fp, BASE, 1));
	ASSERT_EQ(0, iod_fp_write(&fp, BASE + 20 * K, 8 * K));
	ASSERT_EQ(0, iod_fp_write(&fp, BASE + 64 * K - 1, 1));
	ASSERT_EQ(0, iod_fp_only(&part, &fp, BASE + 16 * K, 16 * K));
	EXPECT_EQ(2, iod_fp_count(&part));
	EXPECT_TRUE(iod_fp_leaf_dirty(&part, BASE + 20 * K));
	EXPECT_FALSE(iod_fp_leaf_dirty(&part, BASE));
	EXPECT_EQ(4, iod_fp_count(&fp));
	iod_fp_free(&part);
	iod_fp_free(&fp);
}

TEST(bitmap_buf_counts_bits)
{
	struct iod_bitmap_buf b;

	ASSERT_EQ(0, iod_bitmap_buf_alloc(&b, 16, 3, 0));
	b.data[0] = 0x81;
	b.data[15] = 0xf0;
	EXPECT_EQ(6, iod_bitmap_buf_count(&b, 0, 128));
	EXPECT_EQ(1, iod_bitmap_buf_count(&b, 1, 8));
	EXPECT_EQ(4, iod_bitmap_buf_count(&b, 100, 1000));
	iod_bitmap_buf_free(&b);
}

TEST(bitmap_buf_offsets_and_guards)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	struct iod_bitmap_buf b;
	size_t off;
	char why[160];

	for (off = 0; off < ps; off += 511) {
		ASSERT_EQ(0, iod_bitmap_buf_alloc(&b, 24, off, 0));
		EXPECT_EQ(off, b.offset);
		EXPECT_EQ(0, ((uintptr_t)b.data) % ps - off);
		EXPECT_TRUE(iod_bitmap_buf_guards_ok(&b, why, sizeof(why)));
		b.data[24] = 1;
		EXPECT_FALSE(iod_bitmap_buf_guards_ok(&b, why, sizeof(why)));
		EXPECT_NE(NULL, strstr(why, "after")) TH_LOG("%s", why);
		iod_bitmap_buf_zero(&b);
		b.data[-1] = 0x80;
		EXPECT_FALSE(iod_bitmap_buf_guards_ok(&b, why, sizeof(why)));
		EXPECT_NE(NULL, strstr(why, "before")) TH_LOG("%s", why);
		iod_bitmap_buf_fill(&b, 0xff);
		EXPECT_TRUE(iod_bitmap_buf_guards_ok(&b, why, sizeof(why)));
		EXPECT_EQ(0xff, b.data[23]);
		iod_bitmap_buf_free(&b);
	}
	EXPECT_EQ(-EINVAL, iod_bitmap_buf_alloc(&b, 8, ps, 0));
	EXPECT_EQ(-EINVAL, iod_bitmap_buf_alloc(&b, 0, 0, 0));
}

/* END_AT_VMA: the last bitmap byte is the last accessible byte. */
TEST(bitmap_buf_end_at_vma)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	struct iod_bitmap_buf b;
	unsigned char vec;

	ASSERT_EQ(0, iod_bitmap_buf_alloc(&b, 40, 0, IOD_BM_END_AT_VMA));
	EXPECT_EQ(0, ((uintptr_t)(b.data + 40)) % ps);
	b.data[39] = 0xff;
	/* The page after is PROT_NONE: mincore works, access would fault. */
	EXPECT_EQ(0, mincore(b.data + 40, 1, &vec));
	EXPECT_EQ(0, mprotect(b.data + 40, ps, PROT_NONE));
	EXPECT_TRUE(iod_bitmap_buf_guards_ok(&b, NULL, 0));
	iod_bitmap_buf_free(&b);
}

TEST_HARNESS_MAIN
