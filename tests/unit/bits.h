/* SPDX-License-Identifier: GPL-2.0 */
/* Bit helpers shared by the host unit tests of the bitmap model. */
#ifndef IODIRTY_TEST_BITS_H
#define IODIRTY_TEST_BITS_H

#include <stdbool.h>
#include <stdint.h>

#define K 1024ull
#define M (1024ull * 1024)
#define BASE (16 * M)	/* where the tests' footprints start */

/* Bit i of a little-endian bitmap, as the kernel writes it. */
static inline bool bit(const uint8_t *b, uint64_t i)
{
	return b[i / 8] >> (i % 8) & 1;
}

/* Set bits in the first `bytes` bytes of b. */
static inline uint64_t popcount(const uint8_t *b, uint64_t bytes)
{
	uint64_t i, n = 0;

	for (i = 0; i < bytes; i++)
		n += __builtin_popcount(b[i]);
	return n;
}

#endif /* IODIRTY_TEST_BITS_H */
