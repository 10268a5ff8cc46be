/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Expected bits and comparison for a harvest of any range: not aligned to
 * the footprint's leaves, starting or ending in the middle of a leaf,
 * reaching up to 2^64, at any bitmap granule 1 << shift (0..63), and with
 * the bitmap at any byte offset in its page.
 *
 * The kernel's granule is the lowest set bit of page_size: bit i covers
 * [iova + (i << shift), + (1 << shift)) of the range and must be set
 * exactly when a dirty leaf of the footprint intersects it. Parts of the
 * range outside the footprint are clean (never written).
 */
#ifndef IODIRTY_HARVEST_RANGE_H
#define IODIRTY_HARVEST_RANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/bitmap_buf.h"
#include "model/footprint.h"

/*
 * Bits and bytes of a bitmap of [iova, +length) at granule 1 << shift
 * (rounded up); length 1..U64_MAX, so a range may end at 2^64.
 */
uint64_t iod_range_bits(uint64_t length, unsigned int shift);
uint64_t iod_range_bytes(uint64_t length, unsigned int shift);

/*
 * Fill bm (iod_range_bytes() bytes, zeroed first) with what a harvest of
 * [iova, +length) at granule 1 << shift must return.
 */
void iod_range_expect(const struct iod_fp *fp, uint64_t iova,
		      uint64_t length, unsigned int shift, uint8_t *bm);

/*
 * Compare a harvested guarded bitmap, byte by byte, with
 * iod_range_expect(): the number of wrong bytes (a touched guard counts as
 * one) or -ENOMEM; `rep` names the first wrong byte or the guard.
 */
int64_t iod_range_check(const struct iod_fp *fp, uint64_t iova,
			uint64_t length, unsigned int shift,
			const struct iod_bitmap_buf *b, char *rep,
			size_t rlen);

/* Is every byte of the bitmap zero and are the guards untouched? */
bool iod_bitmap_untouched(const struct iod_bitmap_buf *b);

/* One harvest into a fresh bitmap, as iod_harvest_check() runs it. */
struct iod_harvest_req {
	uint32_t hwpt_id;
	uint64_t iova, len, page_size;
	size_t offset;		/* bitmap byte offset in its page */
	unsigned int bm_flags;	/* IOD_BM_* */
	uint32_t flags;		/* GET_DIRTY_BITMAP flags */
};

/*
 * Harvest as `r` says into a fresh bitmap and compare it, every bit and
 * the guards, with fp. Returns the number of wrong bits (a touched guard
 * counts as one) or -errno of the ioctl (-EINVAL for length or page_size
 * 0); `rep` says what was wrong.
 */
int64_t iod_harvest_check(int fd, const struct iod_fp *fp,
			  const struct iod_harvest_req *r, char *rep,
			  size_t rl);

/* In a test (iod_test.h): iod_harvest_check() must find nothing wrong. */
#define IOD_ASSERT_HARVEST_REQ(fd, fp, req) do { \
	char __rep[640]; \
	int64_t __w = iod_harvest_check((fd), (fp), (req), __rep, \
					sizeof(__rep)); \
	ASSERT_EQ(0, __w) TH_LOG("harvest [0x%llx, +0x%llx) at page size %llu, bitmap at page offset %zu: %s", \
				 (unsigned long long)(req)->iova, \
				 (unsigned long long)(req)->len, \
				 (unsigned long long)(req)->page_size, \
				 (req)->offset, __rep); \
} while (0)

#endif
