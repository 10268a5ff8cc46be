/* SPDX-License-Identifier: GPL-2.0 */
/* The monotonic clock, in the units deadlines and benchmarks want. */
#ifndef IODIRTY_CLOCK_H
#define IODIRTY_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t iod_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t iod_now_ms(void)
{
	return iod_now_ns() / 1000000;
}

/* Seconds, as a double. */
static inline double iod_now_s(void)
{
	return iod_now_ns() / 1e9;
}

#endif /* IODIRTY_CLOCK_H */
