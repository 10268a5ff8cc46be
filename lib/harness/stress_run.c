// SPDX-License-Identifier: GPL-2.0
/*
 * A stress program's own arguments (--seconds, --replay), its case loop
 * with progress in long runs, and the figures line every case ends with
 * (stress.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "harness/stress.h"

#define PROGRESS_MS 10000

static const char *replay_path;
bool iod_stress_replays;

static void drop_args(int *argc, char **argv, int i, int n)
{
	memmove(&argv[i], &argv[i + n], (size_t)(*argc - i - n + 1) *
		sizeof(*argv));
	*argc -= n;
}

static void bad_arg(const char *what, const char *next)
{
	fprintf(stderr, "iodirty: error: %s\niodirty: next: %s\n", what, next);
	exit(2);
}

void iod_stress_take_args(int *argc, char **argv)
{
	int i = 1;

	while (i < *argc) {
		const char *a = argv[i];

		if (strcmp(a, "--seconds") && strcmp(a, "--replay")) {
			i++;
			continue;
		}
		if (i + 1 >= *argc || !*argv[i + 1])
			bad_arg(!strcmp(a, "--seconds") ?
				"--seconds needs a number of seconds" :
				"--replay needs the path of an operation list",
				!strcmp(a, "--seconds") ?
				"give --seconds N (1 to 604800) for a long run" :
				"give --replay FILE, the list a failing case dumped");
		if (!strcmp(a, "--seconds")) {
			/* checked by iod_stress_mode() like the variable */
			setenv("IODIRTY_STRESS", "long", 1);
			setenv("IODIRTY_STRESS_SECONDS", argv[i + 1], 1);
			iod_stress_mode();
		} else if (iod_stress_replays) {
			replay_path = argv[i + 1];
		} else {
			bad_arg("this program has no operation list to replay",
				"replay a case of it with IODIRTY_SEED=<the seed its TAP printed>");
		}
		drop_args(argc, argv, i, 2);
	}
}

const char *iod_stress_replay_path(void)
{
	return replay_path;
}

static void figures_fmt(const struct iod_stress_figures *f, char *buf,
			size_t len)
{
	static const struct iod_stress_figures none;

	if (!f)
		f = &none;
	snprintf(buf, len,
		 "ops=%" PRIu64 " harvests=%" PRIu64 " bits=%" PRIu64
		 " writes=%" PRIu64, f->ops, f->harvests, f->bits_checked,
		 f->writes);
}

void iod_stress_figures_print(const struct iod_stress_figures *f)
{
	char buf[160];

	figures_fmt(f, buf, sizeof(buf));
	printf("# stress figures: %s\n", buf);
	fflush(stdout);
}

void iod_stress_loop_init(struct iod_stress_loop *l, const char *what,
			  uint64_t short_iters)
{
	const struct iod_stress_mode *m = iod_stress_mode();
	uint64_t now = iod_now_ms();

	memset(l, 0, sizeof(*l));
	l->what = what;
	l->short_iters = short_iters;
	l->long_run = m->long_run;
	l->end_ms = now + (uint64_t)m->seconds * 1000;
	l->progress_ms = now + PROGRESS_MS;
}

bool iod_stress_loop_next(struct iod_stress_loop *l)
{
	uint64_t now;
	char buf[160];

	if (!l->long_run) {
		if (l->rounds >= l->short_iters)
			return false;
		l->rounds++;
		return true;
	}
	now = iod_now_ms();
	if (now >= l->end_ms)
		return false;
	if (now >= l->progress_ms) {
		figures_fmt(l->figures, buf, sizeof(buf));
		printf("# progress: %s: %" PRIu64 " rounds, %" PRIu64
		       " s left, %s\n", l->what ? l->what : "case", l->rounds,
		       (l->end_ms - now) / 1000, buf);
		fflush(stdout);
		l->progress_ms = now + PROGRESS_MS;
	}
	l->rounds++;
	return true;
}
