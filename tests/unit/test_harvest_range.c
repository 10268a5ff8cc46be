// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the expected bits for a harvest of any range
 * (lib/model/harvest_range.c): ranges unaligned to the footprint's leaves, a
 * range ending at 2^64, granules from 1 byte to 2^63, the byte-by-byte
 * comparison with guards, and an untouched bitmap.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* kselftest_harness.h has unused parameters of its own. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "bits.h"
#include "model/bitmap_buf.h"
#include "model/footprint.h"
#include "model/harvest_range.h"


TEST(range_sizes_reach_2e64)
{
	EXPECT_EQ(1, iod_range_bits(1, 0));
	EXPECT_EQ(64, iod_range_bits(64, 0));
	EXPECT_EQ(8, iod_range_bytes(64, 0));
	EXPECT_EQ(9, iod_range_bytes(65, 0));
	/* A partial last granule still needs its bit. */
	EXPECT_EQ(2, iod_range_bits(3 * K, 11));
	EXPECT_EQ(1, iod_range_bytes(3 * K, 11));
	/* [0, 2^63) and [2^64 - 2^63, 2^64) at 2^63: one bit each. */
	EXPECT_EQ(1, iod_range_bits(1ull << 63, 63));
	/* U64_MAX bytes at 2^63: two bits, the last one partial. */
	EXPECT_EQ(2, iod_range_bits(UINT64_MAX, 63));
	/* [0, 2^64 - 2^48) at 2^48: 2^16 - 1 bits. */
	EXPECT_EQ(65535, iod_range_bits(0 - (1ull << 48), 48));
	EXPECT_EQ(8192, iod_range_bytes(0 - (1ull << 48), 48));
	/* At 4 KiB the whole space below 2^64 - 4 KiB: 2^52 - 1 bits. */
	EXPECT_EQ((1ull << 52) - 1, iod_range_bits(0 - 4096, 12));
}

/* A range starting and ending inside leaves, at a granule below the leaf. */
TEST(expect_unaligned_range)
{
	struct iod_fp fp;
	uint8_t bm[64];

	ASSERT_EQ(0, iod_fp_init(&fp, BASE, 64 * K, 4 * K));
	ASSERT_EQ(0, iod_fp_write(&fp, BASE, 1));		/* leaf 0 */
	ASSERT_EQ(0, iod_fp_write(&fp, BASE + 12 * K, 1));	/* leaf 3 */
	/* [BASE + 2K, +12K) at 1 KiB: leaf 0 gives bits 0..1, leaf 3 10..11. */
	memset(bm, 0xaa, sizeof(bm));
	iod_range_expect(&fp, BASE + 2 * K, 12 * K, 10, bm);
	EXPECT_EQ(4, popcount(bm, iod_range_bytes(12 * K, 10)));
	EXPECT_TRUE(bit(bm, 0));
	EXPECT_TRUE(bit(bm, 1));
	EXPECT_FALSE(bit(bm, 2));
	EXPECT_FALSE(bit(bm, 9));
	EXPECT_TRUE(bit(bm, 10));
	EXPECT_TRUE(bit(bm, 11));
	/* Tail bits of the last byte are 0. */
	EXPECT_FALSE(bit(bm, 12));
	EXPECT_FALSE(bit(bm, 15));
	/* At 1 byte: 2 KiB of leaf 0, 4 KiB of leaf 3, whole bytes. */
	{
		static uint8_t big[2 * K];

		iod_range_expect(&fp, BASE + 2 * K, 14 * K, 0, big);
		EXPECT_EQ(6 * K, popcount(big, iod_range_bytes(14 * K, 0)));
		EXPECT_EQ(0xff, big[0]);
		EXPECT_EQ(0, big[2 * K / 8]);
		EXPECT_EQ(0xff, big[10 * K / 8]);
		EXPECT_EQ(0xff, big[14 * K / 8 - 1]);
	}
	iod_fp_free(&fp);
}

/* A leaf crossing a granule boundary sets both granules' bits. */
TEST(expect_leaf_across_granules)
{
	struct iod_fp fp;
	uint8_t bm[8];

	ASSERT_EQ(0, iod_fp_init(&fp, BASE + 2 * K, 8 * K, 2 * K));
	ASSERT_EQ(0, iod_fp_write(&fp, BASE + 6 * K, 1));	/* [6K, 8K) */
	/* Granule 4 KiB from BASE + 2K: bit 1 covers [6K, 10K). */
	iod_range_expect(&fp, BASE + 2 * K, 8 * K, 12, bm);
	EXPECT_EQ(0x02, bm[0]);
	/* Granule 4 KiB from BASE + 4K: bit 0 covers [4K, 8K). */
	iod_range_expect(&fp, BASE + 4 * K, 8 * K, 12, bm);
	EXPECT_EQ(0x01, bm[0]);
	/* Granule 4 KiB from BASE + 7K: the leaf's last 1 KiB is bit 0. */
	iod_range_expect(&fp, BASE + 7 * K, 8 * K, 12, bm);
	EXPECT_EQ(0x01, bm[0]);
	/* A range ending before the leaf and one starting after it. */
	iod_range_expect(&fp, BASE, 6 * K, 10, bm);
	EXPECT_EQ(0, popcount(bm, iod_range_bytes(6 * K, 10)));
	iod_range_expect(&fp, BASE + 8 * K, 2 * K, 10, bm);
	EXPECT_EQ(0, popcount(bm, iod_range_bytes(2 * K, 10)));
	iod_fp_free(&fp);
}

/* Huge granules, up to a range that ends at 2^64. */
TEST(expect_huge_granules)
{
	struct iod_fp fp;
	uint8_t bm[8192];

	ASSERT_EQ(0, iod_fp_init(&fp, BASE, 64 * K, 2 * K));
	ASSERT_EQ(0, iod_fp_write(&fp, BASE + 64 * K - 1, 1));
	/* [0, 2^63) at 2^63: the one bit. */
	iod_range_expect(&fp, 0, 1ull << 63, 63, bm);
	EXPECT_EQ(0x01, bm[0]);
	/* [2^63, 2^64) at 2^63: nothing there. */
	iod_range_expect(&fp, 1ull << 63, 1ull << 63, 63, bm);
	EXPECT_EQ(0, bm[0]);
	/* [2^64 - 2^32, 2^64) at 2^32: nothing there, no wrap to 0. */
	iod_range_expect(&fp, 0 - (1ull << 32), 1ull << 32, 32, bm);
	EXPECT_EQ(0, bm[0]);
	/* [0, 2^64 - 2^48) at 2^48: bit 0 only, in 8192 bytes. */
	memset(bm, 0xff, sizeof(bm));
	iod_range_expect(&fp, 0, 0 - (1ull << 48), 48, bm);
	EXPECT_EQ(1, popcount(bm, sizeof(bm)));
	EXPECT_TRUE(bit(bm, 0));
	/* The footprint at the top of the space, a range ending at 2^64. */
	iod_fp_free(&fp);
	ASSERT_EQ(0, iod_fp_init(&fp, 0 - 64 * K, 64 * K - 4 * K, 4 * K));
	ASSERT_EQ(0, iod_fp_write(&fp, 0 - 8 * K, 1));
	iod_range_expect(&fp, 0 - 64 * K, 64 * K, 12, bm);
	EXPECT_EQ(0x40, bm[1]);
	EXPECT_EQ(1, popcount(bm, iod_range_bytes(64 * K, 12)));
	iod_fp_free(&fp);
}

TEST(check_counts_wrong_bytes_and_guards)
{
	struct iod_bitmap_buf b;
	struct iod_fp fp;
	char rep[256] = "";

	ASSERT_EQ(0, iod_fp_init(&fp, BASE, 64 * K, 2 * K));
	ASSERT_EQ(0, iod_fp_write(&fp, BASE + 2 * K, 1));	/* bit 1 */
	ASSERT_EQ(0, iod_bitmap_buf_alloc(&b, iod_range_bytes(64 * K, 11), 5,
					  0));
	EXPECT_TRUE(iod_bitmap_untouched(&b));
	b.data[0] = 0x02;
	EXPECT_EQ(0, iod_range_check(&fp, BASE, 64 * K, 11, &b, rep,
				     sizeof(rep))) TH_LOG("%s", rep);
	EXPECT_FALSE(iod_bitmap_untouched(&b));
	/* One extra bit in byte 3: one wrong byte, named. */
	b.data[3] = 0x80;
	EXPECT_EQ(1, iod_range_check(&fp, BASE, 64 * K, 11, &b, rep,
				     sizeof(rep)));
	EXPECT_NE(NULL, strstr(rep, "byte 3 ")) TH_LOG("%s", rep);
	/* A touched guard counts as one more. */
	b.data[-1] = 0x01;
	EXPECT_EQ(2, iod_range_check(&fp, BASE, 64 * K, 11, &b, rep,
				     sizeof(rep)));
	b.data[-1] = 0;
	b.data[3] = 0;
	b.data[0] = 0;
	EXPECT_TRUE(iod_bitmap_untouched(&b));
	b.data[b.bytes] = 0x10;
	EXPECT_FALSE(iod_bitmap_untouched(&b));
	iod_bitmap_buf_free(&b);
	iod_fp_free(&fp);
}

TEST_HARNESS_MAIN
