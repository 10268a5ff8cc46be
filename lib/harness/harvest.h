/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Harvest and compare: IOMMU_HWPT_GET_DIRTY_BITMAP on a dirty bench into a
 * guarded bitmap, compared bit for bit (model/harvest_range.h) with the
 * footprint the caller names: the bench's own, a span's, one over other
 * mappings, or none at all. This is the returning form; iod_test.h has the
 * asserting ones (IOD_ASSERT_HARVEST, IOD_ASSERT_HARVEST_FP, ...).
 *
 *	w = iod_harvest_compare(d, &d->fp,
 *				IOD_HARVEST(d->iova, d->len, ps, 0),
 *				NULL, rep, sizeof(rep));
 */
#ifndef IODIRTY_HARVEST_H
#define IODIRTY_HARVEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/iommufd.h>

#include "harness/dirty.h"
#include "model/bitmap_buf.h"
#include "model/footprint.h"
#include "model/harvest_range.h"

/* A harvest that leaves the dirty bits it reports set. */
#define IOD_NO_CLEAR IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR

/* One harvest: what to ask the kernel, and the bitmap to ask it into. */
struct iod_harvest_req {
	uint32_t hwpt_id;	/* 0: the bench's dirty HWPT */
	uint64_t iova, len, page_size;
	uint32_t flags;		/* GET_DIRTY_BITMAP flags */
	uint8_t fill;		/* every bitmap byte before: stale bits */
	/* A fresh bitmap (when the caller gives none) is placed so: */
	size_t offset;		/* byte offset in its page */
	unsigned int bm_flags;	/* IOD_BM_* */
	uint64_t bytes;		/* its size; 0: whole u64 words for len */
	bool exact;		/* with bytes 0: len's bytes, not whole words */
};

/*
 * A request as an argument: IOD_HARVEST(iova, len, page_size, flags) and
 * any other field after them, e.g. IOD_HARVEST(a, n, ps, 0, .fill = 0xa5).
 */
#define IOD_HARVEST(_iova, _len, _page_size, _flags, ...) \
	(&(const struct iod_harvest_req){ \
		.iova = (_iova), .len = (_len), .page_size = (_page_size), \
		.flags = (_flags), __VA_ARGS__ \
	})

/*
 * Map the fresh bitmap r asks for (offset, bm_flags, bytes, exact). 0 or
 * -errno.
 */
int iod_harvest_bitmap_alloc(struct iod_bitmap_buf *b,
			     const struct iod_harvest_req *r);

/*
 * Fill the bitmap with r->fill (guards zeroed), harvest as r says and
 * compare every bit of it and its guards with fp (NULL: nothing written),
 * as iod_bitmap_check() does. The bitmap is `into` when given: the
 * caller's memory as it is, or, when into->data is NULL, one placed as r
 * says and left there for the caller to look at and free. Without `into`
 * it is a fresh one placed as r says.
 *
 * Returns the number of wrong bits (0: exact), or -errno: of the ioctl, or
 * -EINVAL for length or page size 0, -ENOMEM. `rep` says what was wrong.
 */
int64_t iod_harvest_compare(struct iod_dirty *d, const struct iod_fp *fp,
			    const struct iod_harvest_req *r,
			    struct iod_bitmap_buf *into, char *rep,
			    size_t rlen);

#endif
