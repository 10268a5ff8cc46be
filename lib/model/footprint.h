/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The expected-dirty model. A test records every DMA write it issues; the
 * model knows which IOPTEs (leaves) those writes touched, at the IOMMU's
 * leaf size (a write dirties its whole leaf: 2 KiB mock pages, 4 KiB, 1 MiB
 * mock huge, 2 MiB, 1 GiB), and compares a harvested bitmap with them bit
 * for bit at any harvest page size.
 *
 * Harvest bit i covers [iova + i * page_size, + page_size) of the harvest
 * range; it must be set exactly when a dirty leaf intersects that page.
 */
#ifndef IODIRTY_FOOTPRINT_H
#define IODIRTY_FOOTPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct iod_fp {
	uint64_t iova;		/* first IOVA tracked (leaf aligned) */
	uint64_t length;	/* bytes tracked (multiple of leaf) */
	uint64_t leaf;		/* bytes one IOPTE maps (power of two) */
	uint64_t nleaves;
	uint64_t *bits;		/* one bit per leaf: dirty */
};

/* 0, -EINVAL (leaf not a power of two, range not leaf aligned), -ENOMEM. */
int iod_fp_init(struct iod_fp *fp, uint64_t iova, uint64_t length,
		uint64_t leaf);
void iod_fp_free(struct iod_fp *fp);
/* Forget every write: what a clearing harvest of the whole range does. */
void iod_fp_reset(struct iod_fp *fp);
/* Forget the writes in [iova, +len), widened to whole leaves. */
int iod_fp_clear(struct iod_fp *fp, uint64_t iova, uint64_t len);
/* Record a device write of len bytes at iova: 0, or -ERANGE if outside. */
int iod_fp_write(struct iod_fp *fp, uint64_t iova, uint64_t len);
bool iod_fp_leaf_dirty(const struct iod_fp *fp, uint64_t iova);
uint64_t iod_fp_count(const struct iod_fp *fp);

/* Bits and bytes of a harvest of length bytes at page_size (rounded up). */
uint64_t iod_bitmap_bits(uint64_t length, uint64_t page_size);
uint64_t iod_bitmap_bytes(uint64_t length, uint64_t page_size);

/*
 * Fill `bitmap` (iod_bitmap_bytes() bytes) with what a harvest of
 * [iova, +length) at page_size must return. Bits past the last page are 0.
 * -EINVAL if page_size is not a power of two or the range is not aligned
 * to it.
 */
int iod_fp_expect(const struct iod_fp *fp, uint64_t iova, uint64_t length,
		  uint64_t page_size, uint8_t *bitmap);

/*
 * Compare a harvested bitmap (iod_bitmap_bytes() bytes, every bit of them,
 * including the tail bits past the last page, which must be 0) with the
 * model. Returns the number of wrong bits (0: exact), or -errno for bad
 * arguments. On a mismatch `report` gets the first wrong ranges as IOVA
 * ranges, e.g.
 *   "written but not reported: [0x1000000, 0x1004000); reported but not
 *    written: [0x1200000, 0x1201000); bits past the range set: 3"
 */
int64_t iod_fp_compare(const struct iod_fp *fp, uint64_t iova,
		       uint64_t length, uint64_t page_size,
		       const uint8_t *bitmap, char *report, size_t len);

#endif
