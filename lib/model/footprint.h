/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The expected-dirty model. A test records every DMA write it issues; the
 * model knows which IOPTEs (leaves) those writes touched, at the IOMMU's
 * leaf size (a write dirties its whole leaf: 2 KiB mock pages, 4 KiB, 1 MiB
 * mock huge, 2 MiB, 1 GiB); harvest_range.h turns them into the bits a
 * harvest at any page size must return.
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
/*
 * Record the leaves of the part of [iova, +len) inside the footprint (a
 * new mapping that reads dirty); nothing if they do not meet. Returns the
 * leaves recorded.
 */
uint64_t iod_fp_write_within(struct iod_fp *fp, uint64_t iova, uint64_t len);
bool iod_fp_leaf_dirty(const struct iod_fp *fp, uint64_t iova);
uint64_t iod_fp_count(const struct iod_fp *fp);

/*
 * dst: a copy of src with only its writes in [iova, +len) kept (what a
 * harvest that stops at a hole reports). 0 or -ENOMEM.
 */
int iod_fp_only(struct iod_fp *dst, const struct iod_fp *src, uint64_t iova,
		uint64_t len);

#endif
