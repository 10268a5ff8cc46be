/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Footprints from a seed: device writes spread over a buffer, including its
 * first and last byte and a write straddling a leaf boundary, issued through
 * the bench's engine and recorded in its footprint. Offsets and lengths
 * follow the engine's alignment (iod_engine_align()); with none, a write
 * may be a single byte anywhere.
 */
#ifndef IODIRTY_SCATTER_H
#define IODIRTY_SCATTER_H

#include <stdint.h>

#include "harness/dirty.h"

/* Issue `count` writes (at least 3) from `seed`; 0 or the engine's -errno. */
int iod_scatter_writes(struct iod_dirty *d, uint64_t seed, unsigned int count);

#endif
