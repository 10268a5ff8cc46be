/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small seeded generator for footprints: the same seed gives the same
 * writes, so a failure replays with IODIRTY_SEED=<seed>.
 */
#ifndef IODIRTY_RAND_H
#define IODIRTY_RAND_H

#include <stdint.h>

struct iod_rand {
	uint64_t s;
};

static inline void iod_rand_init(struct iod_rand *r, uint64_t seed)
{
	r->s = seed * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;
	if (!r->s)
		r->s = 1;
}

/* xorshift64*: fine for spreading writes, not for anything secret. */
static inline uint64_t iod_rand_next(struct iod_rand *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dull;
}

/* Uniform in [0, n), n > 0. */
static inline uint64_t iod_rand_below(struct iod_rand *r, uint64_t n)
{
	return iod_rand_next(r) % n;
}

/*
 * The run's seed: --seed N (taken from argv by iod_seed_take_arg), else
 * IODIRTY_SEED, else one from the clock. A malformed seed exits(2) with
 * what to do next.
 */
uint64_t iod_seed(void);
/* Strip "--seed N" from argv (before the harness parses it). */
void iod_seed_take_arg(int *argc, char **argv);

#endif
