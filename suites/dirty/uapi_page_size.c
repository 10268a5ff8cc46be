// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_HWPT_GET_DIRTY_BITMAP at page sizes that are not a power of two
 * (the bitmap granule is then the lowest set bit) and at page sizes
 * 1 << 32 .. 1 << 63 over aligned ranges up to 2^64: the result, or the
 * error with nothing changed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/iod_test.h"
#include "model/harvest_range.h"
#include "uapi/iommufd.h"
#include "harness/uapi_bench.h"
#include "util.h"

/*
 * page_size that is not a power of two. 6.12 checks only page_size != 0
 * and the mask test (iova | iova + length) & (page_size - 1); the bitmap
 * granule is then the lowest set bit of page_size (__ffs).
 */

FIXTURE(page_size_odd) {
	struct iod_dirty d;
};

FIXTURE_VARIANT(page_size_odd) {
	uint64_t page_size;
	uint64_t offset;	/* iova = buffer + offset */
	uint64_t length;
	int err;		/* expected errno, 0: accepted */
};

/* 12 KiB: mask 0x2fff; granule 4 KiB. 16 KiB ends clear of bit 13. */
FIXTURE_VARIANT_ADD(page_size_odd, ps12k_len16k) {
	.page_size = 0x3000, .offset = 0, .length = 16 * K, .err = 0,
};
/* 12 KiB: an end at +8 KiB has bit 13 set: EINVAL, though 8K < 12K. */
FIXTURE_VARIANT_ADD(page_size_odd, ps12k_len8k) {
	.page_size = 0x3000, .offset = 0, .length = 8 * K, .err = EINVAL,
};
/* 12 KiB: iova + 8 KiB has bit 13 set: EINVAL. */
FIXTURE_VARIANT_ADD(page_size_odd, ps12k_iova8k) {
	.page_size = 0x3000, .offset = 8 * K, .length = 16 * K,
	.err = EINVAL,
};
/* 12 KiB: a 4 KiB range is accepted, one bit. */
FIXTURE_VARIANT_ADD(page_size_odd, ps12k_len4k) {
	.page_size = 0x3000, .offset = 0, .length = 4 * K, .err = 0,
};
/* 6 KiB: mask 0x17ff; granule 2 KiB. */
FIXTURE_VARIANT_ADD(page_size_odd, ps6k_len16k) {
	.page_size = 0x1800, .offset = 0, .length = 16 * K, .err = 0,
};
/* 3: mask 2, so any even range passes; granule 1 byte. */
FIXTURE_VARIANT_ADD(page_size_odd, ps3_len4k) {
	.page_size = 3, .offset = 0, .length = 4 * K, .err = 0,
};
/* 2^63 + 2 KiB: mask 2^63 | 0x7ff; granule 2 KiB. */
FIXTURE_VARIANT_ADD(page_size_odd, ps2p63_plus_2k) {
	.page_size = (1ull << 63) | 2048, .offset = 0, .length = 64 * K,
	.err = 0,
};
/* U64_MAX: mask U64_MAX - 1 leaves only iova 0 and 1: EINVAL here. */
FIXTURE_VARIANT_ADD(page_size_odd, ps_u64_max) {
	.page_size = UINT64_MAX, .offset = 0, .length = 64 * K,
	.err = EINVAL,
};

FIXTURE_SETUP(page_size_odd)
{
	struct iod_dirty_opts o = {
		.buf_len = IOD_UAPI_BUF_LEN, .enable = true,
	};

	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(page_size_odd)
{
	iod_dirty_teardown(&self->d);
}

TEST_F(page_size_odd, result)
{
	unsigned int shift = __builtin_ctzll(variant->page_size);
	uint64_t iova = self->d.iova + variant->offset;
	struct iod_bitmap_buf b;

	ASSERT_EQ(0, iod_bitmap_buf_alloc(&b,
					  iod_range_bytes(variant->length,
							  shift), 0, 0));
	ASSERT_EQ(0, iod_uapi_dirty_some(&self->d));
	TH_LOG("page_size 0x%llx (granule %llu bytes), iova buffer + 0x%llx, length 0x%llx",
	       (unsigned long long)variant->page_size, 1ull << shift,
	       (unsigned long long)variant->offset,
	       (unsigned long long)variant->length);
	if (variant->err) {
		IOD_ASSERT_ERR(variant->err,
			       iod_get_dirty_bitmap(self->d.t.fd,
						    self->d.hwpt_id, iova,
						    variant->length,
						    variant->page_size,
						    b.data, 0));
		ASSERT_TRUE(iod_bitmap_untouched(&b));
		iod_bitmap_buf_free(&b);
		IOD_ASSERT_INTACT(&self->d);
		return;
	}
	IOD_ASSERT_HARVEST_INTO(&self->d, &self->d.fp,
				IOD_HARVEST(iova, variant->length,
					    variant->page_size, 0),
				&b);
	/* The range held dirty leaves: the check is not vacuous. */
	ASSERT_NE(0, b.data[0]);
	iod_bitmap_buf_free(&b);
	/* What the harvest covered is clean now, the rest is not. */
	ASSERT_EQ(0, iod_fp_clear(&self->d.fp, iova, variant->length));
	IOD_ASSERT_INTACT(&self->d);
}

/* ---------------------------------------------------------------------- */
/*
 * page_size 1 << 32 .. 1 << 63 with iova and length aligned to it: the
 * shifts in iova_bitmap must not overflow (e24c15510592, "iova_bitmap: Fix
 * shift-out-of-bounds in iova_bitmap_offset_to_index()"; a UBSAN splat
 * fails the program). Such ranges start at 0 or at a multiple of 4 GiB,
 * where nothing is mapped: with dirty.hole = stops the harvest is rc 0,
 * no bit, nothing cleared.
 */

FIXTURE(page_size_huge) {
	struct iod_dirty d;
};

FIXTURE_VARIANT(page_size_huge) {
	unsigned int shift;
};

#define PSH(n) \
	FIXTURE_VARIANT_ADD(page_size_huge, shift##n) { .shift = n }
PSH(32); PSH(33); PSH(34); PSH(35); PSH(36); PSH(37); PSH(38); PSH(39);
PSH(40); PSH(41); PSH(42); PSH(43); PSH(44); PSH(45); PSH(46); PSH(47);
PSH(48); PSH(49); PSH(50); PSH(51); PSH(52); PSH(53); PSH(54); PSH(55);
PSH(56); PSH(57); PSH(58); PSH(59); PSH(60); PSH(61); PSH(62); PSH(63);

FIXTURE_SETUP(page_size_huge)
{
	struct iod_dirty_opts o = { .buf_len = 64 * K, .enable = true };

	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(page_size_huge)
{
	iod_dirty_teardown(&self->d);
}

TEST_F(page_size_huge, aligned_ranges)
{
	uint64_t ps = 1ull << variant->shift;
	struct {
		uint64_t iova, length;
		const char *what;
	} r[5];
	unsigned int n = 0, i;
	struct iod_bitmap_buf b;

	r[n++] = (typeof(r[0])){ 0, ps, "[0, ps)" };
	r[n++] = (typeof(r[0])){ ps, ps, "[ps, 2 ps)" };
	if (variant->shift < 63) {
		r[n++] = (typeof(r[0])){ 0, 2 * ps, "[0, 2 ps)" };
		r[n++] = (typeof(r[0])){ 0 - ps, ps, "[2^64 - ps, 2^64)" };
	}
	/* Up to 2^64 - ps from 0: 2^(64 - shift) - 1 bits. */
	if (variant->shift >= 48)
		r[n++] = (typeof(r[0])){ 0, 0 - ps, "[0, 2^64 - ps)" };

	ASSERT_EQ(0, iod_bitmap_buf_alloc(&b, 8192, 0, 0));
	for (i = 0; i < n; i++) {
		uint64_t last = r[i].iova + r[i].length - 1;
		bool covers = r[i].iova <= self->d.iova &&
			      last >= self->d.iova + self->d.len - 1;
		/*
		 * Starts in a hole, where a harvest stops (dirty.hole; unset:
		 * it does): nothing reported or cleared.
		 */
		bool stops = r[i].iova < self->d.iova &&
			     !iod_rule_is("dirty.hole", "skips");

		ASSERT_GE(b.bytes,
			  iod_range_bytes(r[i].length, variant->shift));
		ASSERT_EQ(0, iod_uapi_dirty_some(&self->d));
		TH_LOG("page_size 1 << %u, %s", variant->shift, r[i].what);
		IOD_ASSERT_HARVEST_INTO(&self->d, stops ? NULL : &self->d.fp,
					IOD_HARVEST(r[i].iova, r[i].length,
						    ps, 0),
					&b);
		if (covers && !stops)
			iod_fp_reset(&self->d.fp);
	}
	iod_bitmap_buf_free(&b);
	IOD_ASSERT_INTACT(&self->d);
}

IOD_HARNESS_MAIN
