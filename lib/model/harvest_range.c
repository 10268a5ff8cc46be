// SPDX-License-Identifier: GPL-2.0
/* Expected bits of a harvest of any range, and the one comparison. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/harvest_range.h"

#define WORD_BITS 64

uint64_t iod_range_bits(uint64_t length, unsigned int shift)
{
	return ((length - 1) >> shift) + 1;
}

uint64_t iod_range_bytes(uint64_t length, unsigned int shift)
{
	return (iod_range_bits(length, shift) + 7) / 8;
}

uint64_t iod_bitmap_bits(uint64_t length, uint64_t page_size)
{
	if (!page_size)
		return 0;
	return length / page_size + !!(length % page_size);
}

uint64_t iod_bitmap_bytes(uint64_t length, uint64_t page_size)
{
	return (iod_bitmap_bits(length, page_size) + WORD_BITS - 1) /
	       WORD_BITS * 8;
}

static bool test_bit8(const uint8_t *b, uint64_t i)
{
	return b[i / 8] >> (i % 8) & 1;
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

/*
 * OR the model's bits for [iova, +length) at 1 << shift into bm, only
 * those of its first `nbits` bits.
 */
static void or_expected(const struct iod_fp *fp, uint64_t iova,
			uint64_t length, unsigned int shift, uint8_t *bm,
			uint64_t nbits)
{
	uint64_t last = iova + length - 1, w;

	if (!fp || !nbits)
		return;
	for (w = 0; w < (fp->nleaves + WORD_BITS - 1) / WORD_BITS; w++) {
		uint64_t word = fp->bits[w];

		while (word) {
			uint64_t i = w * WORD_BITS + __builtin_ctzll(word);
			uint64_t a = fp->iova + i * fp->leaf;
			uint64_t z = a + fp->leaf - 1, first, end;

			word &= word - 1;
			if (z < iova || a > last)
				continue;
			first = ((a > iova ? a : iova) - iova) >> shift;
			end = ((z < last ? z : last) - iova) >> shift;
			if (first >= nbits)
				continue;
			set_bits(bm, first, end < nbits ? end : nbits - 1);
		}
	}
}

void iod_range_expect(const struct iod_fp *fp, uint64_t iova,
		      uint64_t length, unsigned int shift, uint8_t *bm)
{
	memset(bm, 0, iod_range_bytes(length, shift));
	or_expected(fp, iova, length, shift, bm,
		    iod_range_bits(length, shift));
}

/* How a bit is wrong. */
enum wrong_kind {
	MISSING,	/* written, not reported */
	EXTRA,		/* reported, not written */
	CLEARED,	/* a stale bit the kernel cleared */
	PAST,		/* past the range, changed */
	KINDS,
};

static const char *const kind_what[KINDS] = {
	[MISSING] = "written but not reported",
	[EXTRA] = "reported but not written",
	[CLEARED] = "stale bits cleared",
	[PAST] = "bits past the range changed",
};

struct check {
	const uint8_t *got;
	const uint8_t *want;	/* fill | model in the range, fill past it */
	uint64_t nbits;		/* bits of the range */
	uint64_t iova;
	unsigned int shift;
	uint8_t fill;
};

/* How bit i is wrong, or KINDS if it is right. */
static enum wrong_kind kind_of(const struct check *c, uint64_t i)
{
	bool got = test_bit8(c->got, i), want = test_bit8(c->want, i);

	if (got == want)
		return KINDS;
	if (i >= c->nbits)
		return PAST;
	if (got)
		return EXTRA;
	return c->fill >> (i % 8) & 1 ? CLEARED : MISSING;
}

struct report {
	char *out;
	size_t len;
	size_t used;
};

static void say(struct report *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct report *m, const char *fmt, ...)
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

/* The first runs of bits of `kind` in the range, as IOVA ranges. */
static void say_runs(struct report *m, const struct check *c,
		     uint64_t nbits, enum wrong_kind kind)
{
	unsigned int shown = 0;
	uint64_t i = 0, start;

	while (i < nbits) {
		if (kind_of(c, i) != kind) {
			i++;
			continue;
		}
		start = i;
		while (i < nbits && kind_of(c, i) == kind)
			i++;
		if (!shown)
			say(m, "; %s:", kind_what[kind]);
		if (shown < MAX_SHOWN)
			say(m, " [0x%llx, 0x%llx)",
			    (unsigned long long)(c->iova + (start << c->shift)),
			    (unsigned long long)(c->iova + (i << c->shift)));
		else if (shown == MAX_SHOWN)
			say(m, " ...");
		shown++;
	}
}

int64_t iod_bitmap_check(const struct iod_fp *fp, uint64_t iova,
			 uint64_t length, uint64_t page_size, uint8_t fill,
			 const struct iod_bitmap_buf *b, char *rep,
			 size_t rlen)
{
	struct report m = { .out = rep, .len = rlen };
	uint64_t count[KINDS] = { 0 }, checked, first_past = 0, i, wrong;
	size_t first = 0, differ = 0, j;
	char guard[160] = "";
	struct check c;
	uint8_t *want;
	int k;

	if (rep && rlen)
		rep[0] = 0;
	if (!length || !page_size)
		return -EINVAL;
	want = malloc(b->bytes ? b->bytes : 1);
	if (!want)
		return -ENOMEM;
	c = (struct check){
		.got = b->data, .want = want, .iova = iova, .fill = fill,
		.shift = __builtin_ctzll(page_size),
	};
	c.nbits = iod_range_bits(length, c.shift);
	checked = (uint64_t)b->bytes * 8;
	memset(want, fill, b->bytes);
	or_expected(fp, iova, length, c.shift, want,
		    c.nbits < checked ? c.nbits : checked);
	for (j = 0; j < b->bytes; j++) {
		if (b->data[j] == want[j])
			continue;
		if (!differ++)
			first = j;
		for (i = j * 8; i < j * 8 + 8; i++) {
			enum wrong_kind kind = kind_of(&c, i);

			if (kind == PAST && !count[PAST])
				first_past = i;
			if (kind != KINDS)
				count[kind]++;
		}
	}
	wrong = count[MISSING] + count[EXTRA] + count[CLEARED] + count[PAST];
	if (wrong) {
		say(&m, "%llu wrong bits of %llu in a %zu-byte bitmap at page offset %zu",
		    (unsigned long long)wrong, (unsigned long long)c.nbits,
		    b->bytes, b->offset);
		if (fill)
			say(&m, " pre-filled 0x%02x", fill);
		for (k = MISSING; k < PAST; k++)
			if (count[k])
				say_runs(&m, &c, c.nbits < checked ?
					 c.nbits : checked, k);
		if (count[PAST])
			say(&m, "; %s: %llu from bit %llu", kind_what[PAST],
			    (unsigned long long)count[PAST],
			    (unsigned long long)first_past);
		say(&m, "; first wrong byte %zu (bits %zu..%zu, iova 0x%llx) is 0x%02x, expected 0x%02x",
		    first, first * 8, first * 8 + 7,
		    (unsigned long long)(iova + ((uint64_t)first * 8 << c.shift)),
		    b->data[first], want[first]);
	}
	free(want);
	if (!iod_bitmap_buf_guards_ok(b, guard, sizeof(guard))) {
		say(&m, "%s%s", m.used ? "; " : "", guard);
		wrong++;
	}
	return (int64_t)wrong;
}

bool iod_bitmap_untouched(const struct iod_bitmap_buf *b)
{
	size_t i;

	for (i = 0; i < b->bytes; i++)
		if (b->data[i])
			return false;
	return iod_bitmap_buf_guards_ok(b, NULL, 0);
}
