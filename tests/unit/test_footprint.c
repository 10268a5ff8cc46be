// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the expected-dirty model (lib/model/footprint.c) and the bitmap
 * buffer with guards (lib/model/bitmap_buf.c): leaf widening, granularity
 * conversion both ways, mismatch reports, tail bits, guards.
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

/* page_size < leaf: one dirty leaf sets every bit it covers. */
TEST(expect_small_pages_under_huge_leaf)
{
	uint8_t bm[64];
	struct iod_fp fp;
	uint64_t i;

	ASSERT_EQ(0, iod_fp_init(&fp, BASE, 4 * M, 1 * M));
	ASSERT_EQ(0, iod_fp_write(&fp, BASE + 1 * M + 5, 1));
	ASSERT_LE(iod_bitmap_bytes(4 * M, 64 * K), sizeof(bm));
	ASSERT_EQ(0, iod_fp_expect(&fp, BASE, 4 * M, 64 * K, bm));
	for (i = 0; i < 64; i++)
		EXPECT_EQ(i >= 16 && i < 32, bit(bm, i));
	/* A harvest that starts inside the leaf sees its part of it. */
	ASSERT_EQ(0, iod_fp_expect(&fp, BASE + 1536 * K, 1 * M, 64 * K, bm));
	EXPECT_EQ(8, popcount(bm, iod_bitmap_bytes(1 * M, 64 * K)));
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
	ASSERT_EQ(0, iod_fp_expect(&fp, BASE, 8 * M, 2 * M, bm));
	EXPECT_EQ(0x0a, bm[0]);
	EXPECT_EQ(0, bm[1]);
	/* Outside the modelled range nothing is dirty. */
	ASSERT_EQ(0, iod_fp_expect(&fp, BASE + 8 * M, 2 * M, 2 * M, bm));
	EXPECT_EQ(0, bm[0]);
	EXPECT_EQ(-EINVAL, iod_fp_expect(&fp, BASE, 8 * M, 3 * K, bm));
	EXPECT_EQ(-EINVAL, iod_fp_expect(&fp, BASE + 2 * K, 8 * M, 4 * K, bm));
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
		ASSERT_EQ(0, iod_fp_expect(&fp, BASE, 256 * 2 * K, 2 * K, bm));
		for (j = 0; j < 256; j++)
			ASSERT_EQ(i == j, bit(bm, j));
		ASSERT_EQ(0, iod_fp_expect(&fp, BASE, 256 * 2 * K, 128 * K, bm));
		ASSERT_EQ(1u << (i / 64), bm[0]);
	}
	iod_fp_free(&fp);
}

TEST(compare_exact_and_reports_ranges)
{
	uint8_t got[16] = { 0 };
	char rep[512];
	struct iod_fp fp;

	ASSERT_EQ(0, iod_fp_init(&fp, BASE, 128 * K, 2 * K));
	ASSERT_EQ(0, iod_fp_write(&fp, BASE + 4 * K, 4 * K));	/* bits 2, 3 */
	got[0] = 0x0c;
	EXPECT_EQ(0, iod_fp_compare(&fp, BASE, 128 * K, 2 * K, got, rep,
				    sizeof(rep)));
	EXPECT_STREQ("", rep);

	got[0] = 0x04;		/* bit 3 missing */
	got[1] = 0x01;		/* bit 8 extra */
	EXPECT_EQ(2, iod_fp_compare(&fp, BASE, 128 * K, 2 * K, got, rep,
				    sizeof(rep)));
	EXPECT_NE(NULL, strstr(rep, "written but not reported: [0x1001800, 0x1002000)"))
		TH_LOG("%s", rep);
	EXPECT_NE(NULL, strstr(rep, "reported but not written: [0x1004000, 0x1004800)"))
		TH_LOG("%s", rep);
	iod_fp_free(&fp);
}

/* 160 bits in 24 bytes: the 32 bits past the range must stay clear. */
TEST(compare_counts_tail_bits)
{
	uint8_t got[24] = { 0 };
	char rep[256];
	struct iod_fp fp;

	ASSERT_EQ(0, iod_fp_init(&fp, BASE, 320 * K, 2 * K));
	got[20] = 0x01;
	got[23] = 0x80;
	EXPECT_EQ(2, iod_fp_compare(&fp, BASE, 320 * K, 2 * K, got, rep,
				    sizeof(rep)));
	EXPECT_NE(NULL, strstr(rep, "bits past the range set: 2")) TH_LOG("%s", rep);
	iod_fp_free(&fp);
}

TEST(compare_report_is_bounded)
{
	uint8_t got[128];
	char rep[64];
	struct iod_fp fp;

	ASSERT_EQ(0, iod_fp_init(&fp, BASE, 2 * M, 2 * K));
	memset(got, 0x55, sizeof(got));
	EXPECT_EQ(512, iod_fp_compare(&fp, BASE, 2 * M, 2 * K, got, rep,
				      sizeof(rep)));
	EXPECT_LT(strlen(rep), sizeof(rep));
	EXPECT_EQ(-EINVAL, iod_fp_compare(&fp, BASE, 2 * M, 0, got, rep,
					  sizeof(rep)));
	iod_fp_free(&fp);
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
