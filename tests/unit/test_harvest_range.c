// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the expected bits for a harvest of any range
 * (lib/model/harvest_range.c): ranges unaligned to the footprint's leaves, a
 * range ending at 2^64, granules from 1 byte to 2^63, bitmap sizes; the one
 * comparison (iod_bitmap_check): wrong bits by kind with IOVA ranges, bits
 * past the range, stale bits, short bitmaps, guards; an untouched bitmap.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* kselftest_harness.h has unused parameters of its own. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include <errno.h>
#include <stdlib.h>
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

/* page_size < leaf: one dirty leaf sets every bit it covers. */
TEST(expect_small_pages_under_huge_leaf)
{
	uint8_t bm[64];
	struct iod_fp fp;
	uint64_t i;

	ASSERT_EQ(0, iod_fp_init(&fp, BASE, 4 * M, 1 * M));
	ASSERT_EQ(0, iod_fp_write(&fp, BASE + 1 * M + 5, 1));
	iod_range_expect(&fp, BASE, 4 * M, 16, bm);
	for (i = 0; i < 64; i++)
		EXPECT_EQ(i >= 16 && i < 32, bit(bm, i));
	/* A harvest that starts inside the leaf sees its part of it. */
	iod_range_expect(&fp, BASE + 1536 * K, 1 * M, 16, bm);
	EXPECT_EQ(8, popcount(bm, iod_range_bytes(1 * M, 16)));
	iod_fp_free(&fp);
}

/* page_size > leaf: a bit is the OR of the leaves it covers. */
TEST(expect_large_pages_over_small_leaves)
{
	uint8_t bm[8];
	struct iod_fp fp;

	ASSERT_EQ(0, iod_fp_init(&fp, BASE, 8 * M, 2 * K));
	ASSERT_EQ(0, iod_fp_write(&fp, BASE + 2 * M + 6 * K, 1));
	ASSERT_EQ(0, iod_fp_write(&fp, BASE + 8 * M - 1, 1));
	iod_range_expect(&fp, BASE, 8 * M, 21, bm);
	EXPECT_EQ(0x0a, bm[0]);
	/* Outside the modelled range nothing is dirty; so for no footprint. */
	iod_range_expect(&fp, BASE + 8 * M, 2 * M, 21, bm);
	EXPECT_EQ(0, bm[0]);
	memset(bm, 0xff, sizeof(bm));
	iod_range_expect(NULL, BASE, 8 * M, 21, bm);
	EXPECT_EQ(0, bm[0]);
	iod_fp_free(&fp);
}

/* The skip over empty words must not hide a dirty leaf at any index. */
TEST(expect_every_single_leaf)
{
	uint8_t bm[32];
	struct iod_fp fp;
	uint64_t i, j;

	ASSERT_EQ(0, iod_fp_init(&fp, BASE, 256 * 2 * K, 2 * K));
	for (i = 0; i < 256; i++) {
		iod_fp_reset(&fp);
		ASSERT_EQ(0, iod_fp_write(&fp, BASE + i * 2 * K + 7, 1));
		iod_range_expect(&fp, BASE, 256 * 2 * K, 11, bm);
		for (j = 0; j < 256; j++)
			ASSERT_EQ(i == j, bit(bm, j));
		iod_range_expect(&fp, BASE, 256 * 2 * K, 17, bm);
		ASSERT_EQ(1u << (i / 64), bm[0]);
	}
	iod_fp_free(&fp);
}

TEST(bitmap_sizes_are_whole_u64_words)
{
	EXPECT_EQ(4, iod_bitmap_bits(8 * K, 2 * K));
	EXPECT_EQ(8, iod_bitmap_bytes(8 * K, 2 * K));
	EXPECT_EQ(160, iod_bitmap_bits(320 * K, 2 * K));
	EXPECT_EQ(24, iod_bitmap_bytes(320 * K, 2 * K));
	EXPECT_EQ(65, iod_bitmap_bits(65 * 4 * K, 4 * K));
	EXPECT_EQ(16, iod_bitmap_bytes(65 * 4 * K, 4 * K));
	/* A partial last page still needs its bit. */
	EXPECT_EQ(2, iod_bitmap_bits(3 * K, 2 * K));
	EXPECT_EQ(0, iod_bitmap_bits(8 * K, 0));
}

/* A bitmap buffer of `bytes` at `offset`, filled with got[]. */
static void load(struct iod_bitmap_buf *b, size_t bytes, size_t offset,
		 const uint8_t *got)
{
	if (iod_bitmap_buf_alloc(b, bytes, offset, 0))
		abort();
	memcpy(b->data, got, bytes);
}

TEST(check_exact_and_reports_ranges)
{
	uint8_t got[16] = { 0 };
	struct iod_bitmap_buf b;
	char rep[512];
	struct iod_fp fp;

	ASSERT_EQ(0, iod_fp_init(&fp, BASE, 128 * K, 2 * K));
	ASSERT_EQ(0, iod_fp_write(&fp, BASE + 4 * K, 4 * K));	/* bits 2, 3 */
	got[0] = 0x0c;
	load(&b, sizeof(got), 0, got);
	EXPECT_EQ(0, iod_bitmap_check(&fp, BASE, 128 * K, 2 * K, 0, &b, rep,
				      sizeof(rep)));
	EXPECT_STREQ("", rep);

	b.data[0] = 0x04;	/* bit 3 missing */
	b.data[1] = 0x01;	/* bit 8 extra */
	EXPECT_EQ(2, iod_bitmap_check(&fp, BASE, 128 * K, 2 * K, 0, &b, rep,
				      sizeof(rep)));
	EXPECT_NE(NULL, strstr(rep, "2 wrong bits of 64")) TH_LOG("%s", rep);
	EXPECT_NE(NULL, strstr(rep, "written but not reported: [0x1001800, 0x1002000)"))
		TH_LOG("%s", rep);
	EXPECT_NE(NULL, strstr(rep, "reported but not written: [0x1004000, 0x1004800)"))
		TH_LOG("%s", rep);
	EXPECT_NE(NULL, strstr(rep, "first wrong byte 0 ")) TH_LOG("%s", rep);
	EXPECT_NE(NULL, strstr(rep, "is 0x04, expected 0x0c")) TH_LOG("%s", rep);
	/* Nothing written: every set bit is extra. */
	EXPECT_EQ(2, iod_bitmap_check(NULL, BASE, 128 * K, 2 * K, 0, &b, rep,
				      sizeof(rep)));
	EXPECT_EQ(-EINVAL, iod_bitmap_check(&fp, BASE, 128 * K, 0, 0, &b, rep,
					    sizeof(rep)));
	EXPECT_EQ(-EINVAL, iod_bitmap_check(&fp, BASE, 0, 2 * K, 0, &b, rep,
					    sizeof(rep)));
	iod_bitmap_buf_free(&b);
	iod_fp_free(&fp);
}

/* 160 bits in 24 bytes: the 32 bits past the range must stay as they were. */
TEST(check_counts_bits_past_the_range)
{
	uint8_t got[24] = { 0 };
	struct iod_bitmap_buf b;
	char rep[512];
	struct iod_fp fp;

	ASSERT_EQ(0, iod_fp_init(&fp, BASE, 320 * K, 2 * K));
	got[20] = 0x01;
	got[23] = 0x80;
	load(&b, sizeof(got), 0, got);
	EXPECT_EQ(2, iod_bitmap_check(&fp, BASE, 320 * K, 2 * K, 0, &b, rep,
				      sizeof(rep)));
	EXPECT_NE(NULL, strstr(rep, "bits past the range changed: 2 from bit 160"))
		TH_LOG("%s", rep);
	iod_bitmap_buf_free(&b);
	iod_fp_free(&fp);
}

TEST(check_report_is_bounded)
{
	uint8_t got[128];
	struct iod_bitmap_buf b;
	char rep[64];
	struct iod_fp fp;

	ASSERT_EQ(0, iod_fp_init(&fp, BASE, 2 * M, 2 * K));
	memset(got, 0x55, sizeof(got));
	load(&b, sizeof(got), 0, got);
	EXPECT_EQ(512, iod_bitmap_check(&fp, BASE, 2 * M, 2 * K, 0, &b, rep,
					sizeof(rep)));
	EXPECT_LT(strlen(rep), sizeof(rep));
	iod_bitmap_buf_free(&b);
	iod_fp_free(&fp);
}

/* Stale bits stay; one the kernel cleared is named as such. */
TEST(check_stale_bits)
{
	struct iod_bitmap_buf b;
	char rep[512];
	struct iod_fp fp;

	ASSERT_EQ(0, iod_fp_init(&fp, BASE, 64 * K, 2 * K));
	ASSERT_EQ(0, iod_fp_write(&fp, BASE + 2 * K, 1));	/* bit 1 */
	ASSERT_EQ(0, iod_bitmap_buf_alloc(&b, 8, 0, 0));
	iod_bitmap_buf_fill(&b, 0xa5);
	b.data[0] |= 0x02;
	EXPECT_EQ(0, iod_bitmap_check(&fp, BASE, 64 * K, 2 * K, 0xa5, &b, rep,
				      sizeof(rep))) TH_LOG("%s", rep);
	b.data[2] = 0x25;	/* bit 23 cleared */
	EXPECT_EQ(1, iod_bitmap_check(&fp, BASE, 64 * K, 2 * K, 0xa5, &b, rep,
				      sizeof(rep)));
	EXPECT_NE(NULL, strstr(rep, "stale bits cleared: [0x100b800, 0x100c000)"))
		TH_LOG("%s", rep);
	EXPECT_NE(NULL, strstr(rep, "pre-filled 0xa5")) TH_LOG("%s", rep);
	iod_bitmap_buf_free(&b);
	iod_fp_free(&fp);
}

/* A bitmap shorter than the range: only its bytes are checked. */
TEST(check_short_bitmap)
{
	struct iod_bitmap_buf b;
	char rep[512];
	struct iod_fp fp;

	ASSERT_EQ(0, iod_fp_init(&fp, BASE, 64 * K, 2 * K));
	ASSERT_EQ(0, iod_fp_write(&fp, BASE + 2 * K, 1));	/* bit 1 */
	ASSERT_EQ(0, iod_fp_write(&fp, BASE + 60 * K, 1));	/* bit 30 */
	ASSERT_EQ(0, iod_bitmap_buf_alloc(&b, 1, 0, 0));
	b.data[0] = 0x02;
	EXPECT_EQ(0, iod_bitmap_check(&fp, BASE, 64 * K, 2 * K, 0, &b, rep,
				      sizeof(rep))) TH_LOG("%s", rep);
	iod_bitmap_buf_free(&b);
	iod_fp_free(&fp);
}

TEST(check_counts_wrong_bits_and_guards)
{
	struct iod_bitmap_buf b;
	struct iod_fp fp;
	char rep[512] = "";

	ASSERT_EQ(0, iod_fp_init(&fp, BASE, 64 * K, 2 * K));
	ASSERT_EQ(0, iod_fp_write(&fp, BASE + 2 * K, 1));	/* bit 1 */
	ASSERT_EQ(0, iod_bitmap_buf_alloc(&b, iod_range_bytes(64 * K, 11), 5,
					  0));
	EXPECT_TRUE(iod_bitmap_untouched(&b));
	b.data[0] = 0x02;
	EXPECT_EQ(0, iod_bitmap_check(&fp, BASE, 64 * K, 2 * K, 0, &b,
				      rep, sizeof(rep))) TH_LOG("%s", rep);
	EXPECT_FALSE(iod_bitmap_untouched(&b));
	/* Two extra bits in byte 3: two wrong bits, the byte named. */
	b.data[3] = 0x81;
	EXPECT_EQ(2, iod_bitmap_check(&fp, BASE, 64 * K, 2 * K, 0, &b,
				      rep, sizeof(rep)));
	EXPECT_NE(NULL, strstr(rep, "byte 3 ")) TH_LOG("%s", rep);
	EXPECT_NE(NULL, strstr(rep, "at page offset 5")) TH_LOG("%s", rep);
	/* A touched guard counts as one more, and is named. */
	b.data[-1] = 0x01;
	EXPECT_EQ(3, iod_bitmap_check(&fp, BASE, 64 * K, 2 * K, 0, &b,
				      rep, sizeof(rep)));
	EXPECT_NE(NULL, strstr(rep, "guard before")) TH_LOG("%s", rep);
	b.data[3] = 0;
	EXPECT_EQ(1, iod_bitmap_check(&fp, BASE, 64 * K, 2 * K, 0, &b,
				      rep, sizeof(rep)));
	EXPECT_NE(NULL, strstr(rep, "guard before")) TH_LOG("%s", rep);
	b.data[-1] = 0;
	b.data[0] = 0;
	EXPECT_TRUE(iod_bitmap_untouched(&b));
	b.data[b.bytes] = 0x10;
	EXPECT_FALSE(iod_bitmap_untouched(&b));
	iod_bitmap_buf_free(&b);
	iod_fp_free(&fp);
}

/* A range ending at 2^64 at a granule below the leaf. */
TEST(check_range_ending_at_2e64)
{
	struct iod_bitmap_buf b;
	char rep[512];
	struct iod_fp fp;

	ASSERT_EQ(0, iod_fp_init(&fp, 0 - 64 * K, 64 * K - 4 * K, 4 * K));
	ASSERT_EQ(0, iod_fp_write(&fp, 0 - 8 * K, 1));
	ASSERT_EQ(0, iod_bitmap_buf_alloc(&b, iod_range_bytes(64 * K, 11), 0,
					  0));
	b.data[3] = 0x30;
	EXPECT_EQ(0, iod_bitmap_check(&fp, 0 - 64 * K, 64 * K, 2 * K, 0, &b,
				      rep, sizeof(rep))) TH_LOG("%s", rep);
	b.data[3] = 0x10;
	EXPECT_EQ(1, iod_bitmap_check(&fp, 0 - 64 * K, 64 * K, 2 * K, 0, &b,
				      rep, sizeof(rep)));
	EXPECT_NE(NULL, strstr(rep, "written but not reported: [0xffffffffffffe800, 0xfffffffffffff000)"))
		TH_LOG("%s", rep);
	iod_bitmap_buf_free(&b);
	iod_fp_free(&fp);
}

TEST_HARNESS_MAIN
