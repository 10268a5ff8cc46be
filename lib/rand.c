// SPDX-License-Identifier: GPL-2.0
/* The run's seed for generated footprints. */
#include <stdlib.h>
#include <time.h>

#include "rand.h"

uint64_t iod_seed(void)
{
	const char *env = getenv("IODIRTY_SEED");
	struct timespec ts;

	if (env && *env)
		return strtoull(env, NULL, 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000003u + (uint64_t)ts.tv_nsec;
}
