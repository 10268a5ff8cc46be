// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the IOMMU_HWPT_INVALIDATE entry array layout
 * (lib/uapi/iommufd.c iod_inv_array_fill()): the stride is entry_len, a
 * longer stride zero-pads each entry, a shorter one cuts it, and nothing is
 * written past n * entry_len.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* kselftest_harness.h has unused parameters of its own. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include <stdint.h>
#include <string.h>

#include "kselftest_harness.h"

#include "uapi/iommufd.h"

struct ent {
	uint32_t flags;
	uint32_t id;
};

static const struct ent src[3] = {
	{ 0x11111111, 0x22222222 },
	{ 0x33333333, 0x44444444 },
	{ 0x55555555, 0x66666666 },
};

static uint8_t buf[64];

/* Stride equal to the entry: the array is the entries. */
TEST(exact_stride)
{
	memset(buf, 0xee, sizeof(buf));
	iod_inv_array_fill(buf, src, sizeof(src[0]), 3, sizeof(src[0]));
	EXPECT_EQ(0, memcmp(buf, src, sizeof(src)));
	EXPECT_EQ(0xee, buf[sizeof(src)]);
}

/* A longer stride: each entry at i * entry_len, its tail zeroed. */
TEST(long_stride_zero_tail)
{
	size_t i, j;

	memset(buf, 0xee, sizeof(buf));
	iod_inv_array_fill(buf, src, sizeof(src[0]), 3, 12);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(0, memcmp(buf + i * 12, &src[i], sizeof(src[0])));
		for (j = sizeof(src[0]); j < 12; j++)
			EXPECT_EQ(0, buf[i * 12 + j]);
	}
	EXPECT_EQ(0xee, buf[36]);
}

/* A shorter stride: each entry cut to entry_len bytes. */
TEST(short_stride_cuts)
{
	memset(buf, 0xee, sizeof(buf));
	iod_inv_array_fill(buf, src, sizeof(src[0]), 3, 7);
	EXPECT_EQ(0, memcmp(buf, &src[0], 7));
	EXPECT_EQ(0, memcmp(buf + 7, &src[1], 7));
	EXPECT_EQ(0, memcmp(buf + 14, &src[2], 7));
	EXPECT_EQ(0xee, buf[21]);
}

/* No entries: nothing written. */
TEST(none)
{
	memset(buf, 0xee, sizeof(buf));
	iod_inv_array_fill(buf, src, sizeof(src[0]), 0, 8);
	EXPECT_EQ(0xee, buf[0]);
}

TEST_HARNESS_MAIN
