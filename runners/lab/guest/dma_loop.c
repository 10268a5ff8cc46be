// SPDX-License-Identifier: GPL-2.0
/*
 * dma_loop: keep a device busy with verified DMA until killed, so the lab
 * can kill the runner (or this program) while DMA is in flight and check
 * that every device goes back to its driver.
 *
 *   dma_loop [--ready FILE] [--seconds N]
 *
 * FILE defaults to $IODIRTY_DMA_READY and N to $IODIRTY_DMA_SECONDS (a
 * runner starts programs without arguments).
 * The device and engine come from the environment like any suite program's
 * (IODIRTY_PROFILE, IODIRTY_DEVICES, IODIRTY_ENGINE). Each round the engine
 * writes a pattern of up to 16 KiB at a random place (as the engine aligns
 * it) in a 256 KiB buffer and the data is checked. After the first good round FILE gets this program's pid
 * (written to FILE.tmp, then renamed). Exits 0 after N seconds (default
 * 600), 1 on any failure.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "harness/dirty.h"
#include "harness/env.h"
#include "model/rand.h"
#include "util.h"
#include "pid_file.h"

#define BUF_LEN (256 * K)
#define CHUNK (16 * K)

/* Where the data of a round that did not land differs, and how. */
static void say_where(struct iod_dirty *d, uint64_t off, uint64_t len,
		      uint8_t seed, unsigned long round)
{
	const uint8_t *p = (const uint8_t *)d->buf + off;
	uint64_t i, bad = 0, first = len, zero = 0;
	uint8_t want[CHUNK];

	iod_engine_expected(&d->engine, seed, 0, want, len);
	for (i = 0; i < len; i++) {
		if (p[i] == want[i])
			continue;
		if (first == len)
			first = i;
		bad++;
		zero += !p[i];
	}
	fprintf(stderr, "dma_loop: error: round %lu: the engine completed but the data did not land: %llu of %llu bytes wrong (%llu of them zero), first at +0x%llx (want 0x%02x, got 0x%02x)\n",
		round, (unsigned long long)bad, (unsigned long long)len,
		(unsigned long long)zero, (unsigned long long)first,
		first < len ? want[first] : 0,
		first < len ? p[first] : 0);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ready", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct iod_dirty_opts o = {
		.buf_len = BUF_LEN,
		.enable = true,
		.plain_if_incapable = true,
	};
	const char *ready = getenv("IODIRTY_DMA_READY");
	const char *secs = getenv("IODIRTY_DMA_SECONDS");
	uint64_t ia, la;
	struct iod_rand r;
	unsigned long seconds = 600, round;
	struct iod_dirty d;
	char why[512] = "";
	double end;
	int c, rc;

	if (secs && *secs)
		seconds = strtoul(secs, NULL, 10);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r') {
			ready = optarg;
		} else if (c == 's') {
			seconds = strtoul(optarg, NULL, 10);
		} else {
			fprintf(stderr, "usage: dma_loop [--ready FILE] [--seconds N]\n");
			return 2;
		}
	}
	iod_env_load(1, argv);
	rc = iod_dirty_setup(&d, &o, why, sizeof(why));
	if (rc) {
		fprintf(stderr, "dma_loop: error: setting up the device failed (%s): %s\n",
			strerror(-rc), why);
		return 1;
	}
	printf("# dma_loop: engine %s, pid %d\n", d.engine.ops->name,
	       (int)getpid());
	fflush(stdout);
	end = iod_now_s() + seconds;
	iod_engine_align(&d.engine, &ia, &la);
	iod_rand_init(&r, (uint64_t)getpid());
	for (round = 0; iod_now_s() < end; round++) {
		uint64_t len = la * (1 + iod_rand_below(&r, CHUNK / la));
		uint64_t off = ia * iod_rand_below(&r, (BUF_LEN - len) / ia + 1);
		uint8_t seed = (uint8_t)(round + 1);

		rc = iod_engine_write(&d.engine, d.iova + off, len, seed,
				      NULL);
		if (rc) {
			fprintf(stderr, "dma_loop: error: round %lu: the engine failed: %s\n",
				round, strerror(-rc));
			iod_dirty_teardown(&d);
			return 1;
		}
		if (!iod_engine_check(&d.engine, d.iova + off, len, seed)) {
			say_where(&d, off, len, seed, round);
			iod_dirty_teardown(&d);
			return 1;
		}
		if (!round && ready && (rc = lab_write_pid_file(ready, getpid()))) {
			fprintf(stderr, "dma_loop: error: cannot write %s (%s)\n",
				ready, strerror(-rc));
			iod_dirty_teardown(&d);
			return 1;
		}
		if (round % 50 == 49) {
			printf("# dma_loop: %lu rounds\n", round + 1);
			fflush(stdout);
		}
	}
	iod_dirty_teardown(&d);
	return 0;
}
