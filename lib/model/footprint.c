// SPDX-License-Identifier: GPL-2.0
/* The expected-dirty model: dirty leaves, expected bitmaps, comparison. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
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

static bool test_bit8(const uint8_t *b, uint64_t i)
{
	return b[i / 8] >> (i % 8) & 1;
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

uint64_t iod_bitmap_bits(uint64_t length, uint64_t page_size)
{
	if (!page_size)
		return 0;
	return length / page_size + !!(length % page_size);
}

/* The uAPI's bitmap is an array of u64: whole words. */
uint64_t iod_bitmap_bytes(uint64_t length, uint64_t page_size)
{
	return (iod_bitmap_bits(length, page_size) + WORD_BITS - 1) /
	       WORD_BITS * 8;
}

/* Does a dirty leaf intersect [a, +n)? */
static bool span_dirty(const struct iod_fp *fp, uint64_t a, uint64_t n)
{
	uint64_t lo, hi, i;

	if (a + n <= fp->iova || a >= fp->iova + fp->length)
		return false;
	lo = a > fp->iova ? a - fp->iova : 0;
	hi = a + n - fp->iova;
	if (hi > fp->length)
		hi = fp->length;
	for (i = lo / fp->leaf; i < (hi - 1) / fp->leaf + 1; i++) {
		if (i % WORD_BITS == 0 && !fp->bits[i / WORD_BITS] &&
		    i + WORD_BITS <= (hi - 1) / fp->leaf + 1) {
			i += WORD_BITS - 1;
			continue;
		}
		if (test_bit64(fp->bits, i))
			return true;
	}
	return false;
}

static int check_args(uint64_t iova, uint64_t length, uint64_t page_size)
{
	if (!pow2(page_size) || !length || (iova | length) & (page_size - 1) ||
	    iova + length < iova)
		return -EINVAL;
	return 0;
}

int iod_fp_expect(const struct iod_fp *fp, uint64_t iova, uint64_t length,
		  uint64_t page_size, uint8_t *bitmap)
{
	uint64_t i, bits = iod_bitmap_bits(length, page_size);
	int rc = check_args(iova, length, page_size);

	if (rc)
		return rc;
	memset(bitmap, 0, iod_bitmap_bytes(length, page_size));
	for (i = 0; i < bits; i++)
		if (span_dirty(fp, iova + i * page_size, page_size))
			bitmap[i / 8] |= 1u << (i % 8);
	return 0;
}

struct mismatch {
	char *out;
	size_t len;
	size_t used;
	unsigned int shown;
};

static void say(struct mismatch *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct mismatch *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!m->out || m->used + 1 >= m->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(m->out + m->used, m->len - m->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		m->used += (size_t)n < m->len - m->used ?
			   (size_t)n : m->len - m->used - 1;
}

#define MAX_SHOWN 4

/* Report the runs of bits where got != want and got == `got_set`. */
static uint64_t runs(struct mismatch *m, const uint8_t *want,
		     const uint8_t *got, uint64_t bits, bool got_set,
		     uint64_t iova, uint64_t page_size, const char *what)
{
	uint64_t i = 0, wrong = 0;
	unsigned int shown = 0;

	while (i < bits) {
		uint64_t start;

		if (test_bit8(got, i) != got_set || test_bit8(want, i) == got_set) {
			i++;
			continue;
		}
		start = i;
		while (i < bits && test_bit8(got, i) == got_set &&
		       test_bit8(want, i) != got_set)
			i++;
		wrong += i - start;
		if (shown == 0)
			say(m, "%s%s:", m->used ? "; " : "", what);
		if (shown < MAX_SHOWN)
			say(m, " [0x%llx, 0x%llx)",
			    (unsigned long long)(iova + start * page_size),
			    (unsigned long long)(iova + i * page_size));
		else if (shown == MAX_SHOWN)
			say(m, " ...");
		shown++;
	}
	return wrong;
}

int64_t iod_fp_compare(const struct iod_fp *fp, uint64_t iova,
		       uint64_t length, uint64_t page_size,
		       const uint8_t *bitmap, char *report, size_t len)
{
	uint64_t bits = iod_bitmap_bits(length, page_size);
	uint64_t bytes = iod_bitmap_bytes(length, page_size);
	struct mismatch m = { .out = report, .len = len };
	uint64_t wrong, tail = 0, i;
	uint8_t *want;
	int rc;

	if (report && len)
		report[0] = 0;
	rc = check_args(iova, length, page_size);
	if (rc)
		return rc;
	want = malloc(bytes);
	if (!want)
		return -ENOMEM;
	iod_fp_expect(fp, iova, length, page_size, want);
	if (!memcmp(want, bitmap, bytes)) {
		free(want);
		return 0;
	}
	wrong = runs(&m, want, bitmap, bits, false, iova, page_size,
		     "written but not reported");
	wrong += runs(&m, want, bitmap, bits, true, iova, page_size,
		      "reported but not written");
	for (i = bits; i < bytes * 8; i++)
		tail += test_bit8(bitmap, i);
	if (tail)
		say(&m, "%sbits past the range set: %llu",
		    m.used ? "; " : "", (unsigned long long)tail);
	free(want);
	return (int64_t)(wrong + tail);
}
