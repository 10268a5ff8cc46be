// SPDX-License-Identifier: GPL-2.0
/* The expected-dirty model: the leaves device writes dirtied. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/footprint.h"

#define WORD_BITS 64

static bool pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static bool test_bit64(const uint64_t *w, uint64_t i)
{
	return w[i / WORD_BITS] >> (i % WORD_BITS) & 1;
}

int iod_fp_init(struct iod_fp *fp, uint64_t iova, uint64_t length,
		uint64_t leaf)
{
	memset(fp, 0, sizeof(*fp));
	if (!pow2(leaf) || !length || (iova | length) & (leaf - 1) ||
	    iova + length < iova)
		return -EINVAL;
	fp->nleaves = length / leaf;
	fp->bits = calloc((fp->nleaves + WORD_BITS - 1) / WORD_BITS,
			  sizeof(uint64_t));
	if (!fp->bits)
		return -ENOMEM;
	fp->iova = iova;
	fp->length = length;
	fp->leaf = leaf;
	return 0;
}

void iod_fp_free(struct iod_fp *fp)
{
	free(fp->bits);
	memset(fp, 0, sizeof(*fp));
}

void iod_fp_reset(struct iod_fp *fp)
{
	if (fp->bits)
		memset(fp->bits, 0, (fp->nleaves + WORD_BITS - 1) / WORD_BITS *
				    sizeof(uint64_t));
}

/* Leaves [*first, *end) that [iova, +len) touches; -ERANGE if outside. */
static int leaf_span(const struct iod_fp *fp, uint64_t iova, uint64_t len,
		     uint64_t *first, uint64_t *end)
{
	if (!len || iova < fp->iova || iova - fp->iova >= fp->length ||
	    len > fp->length - (iova - fp->iova))
		return -ERANGE;
	*first = (iova - fp->iova) / fp->leaf;
	*end = (iova - fp->iova + len - 1) / fp->leaf + 1;
	return 0;
}

static int set_span(struct iod_fp *fp, uint64_t iova, uint64_t len, bool on)
{
	uint64_t i, first, end;
	int rc = leaf_span(fp, iova, len, &first, &end);

	if (rc)
		return rc;
	for (i = first; i < end; i++) {
		uint64_t mask = 1ull << (i % WORD_BITS);

		if (on)
			fp->bits[i / WORD_BITS] |= mask;
		else
			fp->bits[i / WORD_BITS] &= ~mask;
	}
	return 0;
}

int iod_fp_write(struct iod_fp *fp, uint64_t iova, uint64_t len)
{
	return set_span(fp, iova, len, true);
}

int iod_fp_clear(struct iod_fp *fp, uint64_t iova, uint64_t len)
{
	return set_span(fp, iova, len, false);
}

uint64_t iod_fp_write_within(struct iod_fp *fp, uint64_t iova, uint64_t len)
{
	uint64_t end = iova + len, fp_end = fp->iova + fp->length;
	uint64_t first, last;

	if (!len)
		return 0;
	if (end < iova)
		end = UINT64_MAX;
	first = iova > fp->iova ? iova : fp->iova;
	last = (end < fp_end ? end : fp_end);
	if (!fp->length || first >= last)
		return 0;
	set_span(fp, first, last - first, true);
	return (last - 1 - fp->iova) / fp->leaf -
	       (first - fp->iova) / fp->leaf + 1;
}

bool iod_fp_leaf_dirty(const struct iod_fp *fp, uint64_t iova)
{
	if (iova < fp->iova || iova - fp->iova >= fp->length)
		return false;
	return test_bit64(fp->bits, (iova - fp->iova) / fp->leaf);
}

uint64_t iod_fp_count(const struct iod_fp *fp)
{
	uint64_t i, n = 0;

	for (i = 0; i < (fp->nleaves + WORD_BITS - 1) / WORD_BITS; i++)
		n += __builtin_popcountll(fp->bits[i]);
	return n;
}

int iod_fp_only(struct iod_fp *dst, const struct iod_fp *src, uint64_t iova,
		uint64_t len)
{
	uint64_t end = iova + len, src_end = src->iova + src->length;
	int rc = iod_fp_init(dst, src->iova, src->length, src->leaf);

	if (rc)
		return rc;
	memcpy(dst->bits, src->bits,
	       (src->nleaves + WORD_BITS - 1) / WORD_BITS * sizeof(uint64_t));
	if (iova > src->iova)
		iod_fp_clear(dst, src->iova, iova - src->iova);
	if (end < src_end)
		iod_fp_clear(dst, end, src_end - end);
	return 0;
}
