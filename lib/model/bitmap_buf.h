/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory for a harvested bitmap, placed where a test wants it: at any byte
 * offset inside a page, straddling a page boundary, or ending exactly at the
 * end of a mapping. Guard bytes around it must stay untouched: the kernel
 * may only ever set bits inside the bitmap.
 */
#ifndef IODIRTY_BITMAP_BUF_H
#define IODIRTY_BITMAP_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The bitmap ends on the last byte of its mapping; an inaccessible page follows. */
#define IOD_BM_END_AT_VMA	(1u << 0)

#define IOD_BM_GUARD		64	/* guard bytes before and after */
#define IOD_BM_GUARD_BYTE	0x00	/* what guards hold: any set bit shows */

struct iod_bitmap_buf {
	void *map;		/* the whole mapping */
	size_t map_len;
	uint8_t *data;		/* the bitmap */
	size_t bytes;		/* its size */
	size_t offset;		/* data's byte offset from a page boundary */
	unsigned int flags;
};

/*
 * Map a bitmap of `bytes` at `offset` (0..page size - 1) from a page
 * boundary, zeroed, with zeroed guards before it and (unless
 * IOD_BM_END_AT_VMA) after it. 0 or -errno.
 */
int iod_bitmap_buf_alloc(struct iod_bitmap_buf *b, size_t bytes, size_t offset,
			 unsigned int flags);
void iod_bitmap_buf_free(struct iod_bitmap_buf *b);
/* Zero the bitmap and the guards. */
void iod_bitmap_buf_zero(struct iod_bitmap_buf *b);
/* Fill the bitmap with `byte` (stale bits), guards zeroed. */
void iod_bitmap_buf_fill(struct iod_bitmap_buf *b, uint8_t byte);
/* Bits set in bits [from, to) of the bitmap. */
uint64_t iod_bitmap_buf_count(const struct iod_bitmap_buf *b, uint64_t from,
			      uint64_t to);
/* Are the guards untouched? If not, `why` names the first changed byte. */
bool iod_bitmap_buf_guards_ok(const struct iod_bitmap_buf *b, char *why,
			      size_t len);

#endif
