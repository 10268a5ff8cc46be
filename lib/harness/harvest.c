// SPDX-License-Identifier: GPL-2.0
/* Harvest a dirty bench into a guarded bitmap and compare it (harvest.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness/harvest.h"
#include "profile/profile.h"
#include "uapi/iommufd.h"

int iod_harvest_bitmap_alloc(struct iod_bitmap_buf *b,
			     const struct iod_harvest_req *r)
{
	uint64_t bytes = r->bytes, bits;

	if (!bytes && r->page_size) {
		bits = iod_range_bits(r->len, __builtin_ctzll(r->page_size));
		bytes = r->exact ? (bits + 7) / 8 : (bits + 63) / 64 * 8;
	}
	return iod_bitmap_buf_alloc(b, bytes, r->offset, r->bm_flags);
}

int64_t iod_harvest_compare(struct iod_dirty *d, const struct iod_fp *fp,
			    const struct iod_harvest_req *r,
			    struct iod_bitmap_buf *into, char *rep,
			    size_t rlen)
{
	struct iod_bitmap_buf fresh, *b = into;
	int64_t wrong;
	int rc;

	rep[0] = 0;
	if (!r->len || !r->page_size) {
		snprintf(rep, rlen, "length and page size must not be 0");
		return -EINVAL;
	}
	if (!b || !b->data) {
		if (!b)
			b = &fresh;
		rc = iod_harvest_bitmap_alloc(b, r);
		if (rc) {
			snprintf(rep, rlen, "cannot allocate the bitmap: %s",
				 strerror(-rc));
			return rc;
		}
	}
	iod_bitmap_buf_fill(b, r->fill);
	rc = iod_get_dirty_bitmap(d->t.fd, r->hwpt_id ? r->hwpt_id : d->hwpt_id,
				  r->iova, r->len, r->page_size, b->data,
				  r->flags);
	if (rc) {
		snprintf(rep, rlen, "GET_DIRTY_BITMAP: %s", iod_errno_name(-rc));
		wrong = rc;
	} else {
		wrong = iod_bitmap_check(fp, r->iova, r->len, r->page_size,
					 r->fill, b, rep, rlen);
	}
	if (!into)
		iod_bitmap_buf_free(&fresh);
	return wrong;
}
