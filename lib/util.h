/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small words every layer uses: sizes, array length, rounding up a
 * division, min/max of 64-bit values, the host page size. Header only.
 */
#ifndef IODIRTY_UTIL_H
#define IODIRTY_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#define K 1024ull
#define M (1024ull * 1024)
#define G (1024ull * 1024 * 1024)

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* n / d rounded up, for d > 0 (the kernel's DIV_ROUND_UP). */
#ifndef DIV_ROUND_UP
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#endif

static inline uint64_t iod_max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static inline uint64_t iod_min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The host's page size (sysconf), 4096 if it cannot be read. */
static inline size_t iod_host_page(void)
{
	long pg = sysconf(_SC_PAGESIZE);

	return pg > 0 ? (size_t)pg : 4096;
}

#endif
