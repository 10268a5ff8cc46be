/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Spans longer than a dirty bench's buffer: the buffer mapped again and
 * again at consecutive IOVAs after a leaf-aligned base, optionally behind
 * a prefix of base-page leaves. The harvest walk follows contiguous areas,
 * so a span has no hole inside.
 */
#ifndef IODIRTY_SPAN_H
#define IODIRTY_SPAN_H

#include <stddef.h>
#include <stdint.h>

#include "harness/dirty.h"
#include "model/footprint.h"

struct iod_span {
	uint64_t start;		/* first IOVA: the prefix, then base */
	uint64_t prefix;	/* bytes of base-page leaves before base */
	uint64_t base;		/* leaf aligned; copies of the buffer follow */
	uint64_t len;		/* bytes of copies from base */
	struct iod_fp fp;	/* over [base, +len) at the bench's leaf */
};

/*
 * Replace the bench's mapping by a span: `prefix` bytes mapped just below
 * a leaf-aligned base (only base pages fit there, so they are base-page
 * leaves whatever the memory), then copies of the buffer up to len bytes.
 * Copies holding one of the `hot` offsets (from base) are entered in the
 * bench's space so the engine can write there; the engine is never asked
 * to write elsewhere. -ENOSPC if the IOAS has no room (`why` says what it
 * offers), else 0 or -errno. The caller frees sp->fp with iod_fp_free().
 */
int iod_span_build(struct iod_dirty *d, struct iod_span *sp, uint64_t prefix,
		   uint64_t len, const uint64_t *hot, unsigned int nhot,
		   char *why, size_t wl);

#endif
