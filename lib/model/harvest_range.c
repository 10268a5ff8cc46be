// SPDX-License-Identifier: GPL-2.0
/* Expected bits and comparison for a harvest of any range, up to 2^64. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/harvest_range.h"
#include "uapi/iommufd.h"
#include "profile/profile.h"

uint64_t iod_range_bits(uint64_t length, unsigned int shift)
{
	return ((length - 1) >> shift) + 1;
}

uint64_t iod_range_bytes(uint64_t length, unsigned int shift)
{
	return (iod_range_bits(length, shift) + 7) / 8;
}

/* Set bits first..last of bm, whole bytes at a time where it can. */
static void set_bits(uint8_t *bm, uint64_t first, uint64_t last)
{
	uint64_t i = first;

	for (; i <= last && (i & 7); i++)
		bm[i / 8] |= 1u << (i & 7);
	if (i <= last && last - i >= 7) {
		uint64_t nbytes = (last - i + 1) / 8;

		memset(bm + i / 8, 0xff, nbytes);
		i += nbytes * 8;
	}
	for (; i <= last; i++)
		bm[i / 8] |= 1u << (i & 7);
}

void iod_range_expect(const struct iod_fp *fp, uint64_t iova,
		      uint64_t length, unsigned int shift, uint8_t *bm)
{
	uint64_t last = iova + length - 1, i;

	memset(bm, 0, iod_range_bytes(length, shift));
	for (i = 0; i < fp->nleaves; i++) {
		uint64_t a = fp->iova + i * fp->leaf;
		uint64_t b = a + fp->leaf - 1;

		if (!iod_fp_leaf_dirty(fp, a) || b < iova || a > last)
			continue;
		set_bits(bm, ((a > iova ? a : iova) - iova) >> shift,
			 ((b < last ? b : last) - iova) >> shift);
	}
}

int64_t iod_range_check(const struct iod_fp *fp, uint64_t iova,
			uint64_t length, unsigned int shift,
			const struct iod_bitmap_buf *b, char *rep,
			size_t rlen)
{
	size_t n = iod_range_bytes(length, shift), i;
	uint8_t *want = malloc(n);
	int64_t wrong = 0;

	if (!want)
		return -ENOMEM;
	iod_range_expect(fp, iova, length, shift, want);
	for (i = 0; i < n; i++) {
		if (want[i] == b->data[i])
			continue;
		if (!wrong)
			snprintf(rep, rlen,
				 "byte %zu of the bitmap is 0x%02x, expected 0x%02x",
				 i, b->data[i], want[i]);
		wrong++;
	}
	free(want);
	if (!iod_bitmap_buf_guards_ok(b, rep, rlen))
		wrong++;
	return wrong;
}

bool iod_bitmap_untouched(const struct iod_bitmap_buf *b)
{
	size_t i;

	for (i = 0; i < b->bytes; i++)
		if (b->data[i])
			return false;
	return iod_bitmap_buf_guards_ok(b, NULL, 0);
}

int64_t iod_harvest_check(int fd, const struct iod_fp *fp,
			  const struct iod_harvest_req *r, char *rep,
			  size_t rl)
{
	uint64_t nbits, i, first = 0, last = 0, missing = 0, extra = 0;
	struct iod_bitmap_buf b;
	unsigned int shift;
	int64_t wrong = 0;
	uint8_t *want;
	size_t bytes, used;
	int rc;

	rep[0] = 0;
	if (!r->len || !r->page_size) {
		snprintf(rep, rl, "length and page size must not be 0");
		return -EINVAL;
	}
	shift = __builtin_ctzll(r->page_size);
	nbits = iod_range_bits(r->len, shift);
	bytes = iod_range_bytes(r->len, shift);
	rc = iod_bitmap_buf_alloc(&b, bytes, r->offset, r->bm_flags);
	if (rc) {
		snprintf(rep, rl, "cannot allocate a %zu-byte bitmap", bytes);
		return rc;
	}
	want = malloc(bytes);
	if (!want) {
		iod_bitmap_buf_free(&b);
		return -ENOMEM;
	}
	iod_range_expect(fp, r->iova, r->len, shift, want);
	rc = iod_get_dirty_bitmap(fd, r->hwpt_id, r->iova, r->len,
				  r->page_size, b.data, r->flags);
	if (rc) {
		snprintf(rep, rl, "GET_DIRTY_BITMAP: %s", iod_errno_name(-rc));
		wrong = rc;
		goto out;
	}
	for (i = 0; i < bytes * 8; i++) {
		int got = !!(b.data[i / 8] & (1u << (i & 7)));
		int exp = !!(want[i / 8] & (1u << (i & 7)));

		if ((i & 7) == 0 && b.data[i / 8] == want[i / 8]) {
			i += 7;
			continue;
		}
		if (got == exp)
			continue;
		if (!wrong)
			first = i;
		last = i;
		wrong++;
		if (got)
			extra++;
		else
			missing++;
	}
	used = 0;
	if (wrong)
		used = snprintf(rep, rl,
				"%lld wrong bits of %llu (%llu missing, %llu set but clean or past the range), first at bit %llu (iova 0x%llx), last at bit %llu (iova 0x%llx)",
				(long long)wrong, (unsigned long long)nbits,
				(unsigned long long)missing,
				(unsigned long long)extra,
				(unsigned long long)first,
				(unsigned long long)(r->iova + (first << shift)),
				(unsigned long long)last,
				(unsigned long long)(r->iova + (last << shift)));
	if (used < rl && !iod_bitmap_buf_guards_ok(&b, rep + used, rl - used))
		wrong++;
out:
	free(want);
	iod_bitmap_buf_free(&b);
	return wrong;
}
