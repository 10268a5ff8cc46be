// SPDX-License-Identifier: GPL-2.0
/* The run's seed for generated footprints. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/rand.h"

static const char *seed_arg;

/* A seed as the user wrote it (decimal or 0x hex), or exit with why. */
static uint64_t parse_seed(const char *s, const char *from)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-') {
		fprintf(stderr, "error: %s '%s' is not a seed\n"
			"next: give the number a case logged (\"seed N\"), decimal or 0x hex\n",
			from, s);
		exit(2);
	}
	return v;
}

void iod_seed_take_arg(int *argc, char **argv)
{
	int i, j;

	for (i = 1, j = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--seed")) {
			if (i + 1 >= *argc) {
				fprintf(stderr, "error: --seed needs a value\n"
					"next: give the number a case logged (\"seed N\")\n");
				exit(2);
			}
			seed_arg = argv[++i];
			parse_seed(seed_arg, "--seed");
			continue;
		}
		argv[j++] = argv[i];
	}
	argv[j] = NULL;
	*argc = j;
}

uint64_t iod_seed(void)
{
	const char *env = getenv("IODIRTY_SEED");
	struct timespec ts;

	if (seed_arg)
		return parse_seed(seed_arg, "--seed");
	if (env && *env)
		return parse_seed(env, "IODIRTY_SEED");
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000003u + (uint64_t)ts.tv_nsec;
}
