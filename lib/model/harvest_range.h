/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a harvest must return, and the one comparison of a harvested bitmap
 * with it. Any range: not aligned to the footprint's leaves, starting or
 * ending in the middle of a leaf, reaching up to 2^64; any granule
 * 1 << shift (0..63: the kernel's granule is the lowest set bit of
 * page_size); the bitmap at any place and of any size (bitmap_buf.h), over
 * bytes a test pre-filled with stale bits.
 *
 * Bit i covers [iova + (i << shift), + (1 << shift)) of the range and must
 * be set exactly when a dirty leaf of the footprint intersects it; parts of
 * the range outside the footprint are clean (never written). The kernel
 * only ever sets bits: a stale bit stays set, and no bit past the range
 * and no guard byte around the bitmap changes.
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
 * The uAPI's bitmap of length bytes at page_size: its bits (rounded up)
 * and its bytes, whole u64 words.
 */
uint64_t iod_bitmap_bits(uint64_t length, uint64_t page_size);
uint64_t iod_bitmap_bytes(uint64_t length, uint64_t page_size);

/*
 * Fill bm (iod_range_bytes() bytes, zeroed first) with what a harvest of
 * [iova, +length) at granule 1 << shift must return; fp NULL: nothing
 * was written.
 */
void iod_range_expect(const struct iod_fp *fp, uint64_t iova,
		      uint64_t length, unsigned int shift, uint8_t *bm);

/*
 * The comparison. b holds what a harvest of [iova, +length) at page_size
 * left in a bitmap whose every byte was `fill` before (0: a zeroed one).
 * Every bit of b is checked: in the range it must be fill | the model's
 * bit (fp NULL: nothing written), past the range it must still be fill;
 * then the guards. b may be shorter than the range (only its bytes are
 * checked) or longer (room past the range).
 *
 * Returns the number of wrong bits (a touched guard counts as one), or
 * -EINVAL (length or page_size 0), -ENOMEM. On a mismatch `rep` says how
 * many bits are wrong of how many, the first wrong IOVA ranges by kind
 * ("written but not reported", "reported but not written", "stale bits
 * cleared"), the bits past the range that changed, the first wrong byte
 * with what it should hold, and a touched guard.
 */
int64_t iod_bitmap_check(const struct iod_fp *fp, uint64_t iova,
			 uint64_t length, uint64_t page_size, uint8_t fill,
			 const struct iod_bitmap_buf *b, char *rep,
			 size_t rlen);

/* Is every byte of the bitmap zero and are the guards untouched? */
bool iod_bitmap_untouched(const struct iod_bitmap_buf *b);

#endif
