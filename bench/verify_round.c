// SPDX-License-Identifier: GPL-2.0
/*
 * verify_round: what one end-to-end verify round costs per GiB of IOVA,
 * the round every e2e case makes: the device writes a footprint (DMA), the
 * dirty bitmap is harvested and compared with the footprint model (where
 * the IOMMU tracks dirty pages), and the data is checked byte for byte.
 *
 * The engine is the run's (--engine, IODIRTY_ENGINE), else "nvme" when the
 * machine has an NVMe controller for it, else the profile's dma.engine. The
 * buffer is written whole (every leaf dirty) and sparsely (one 4 KiB write
 * in every 64th 256 KiB stretch), --reps rounds each; each phase is timed
 * apart, and the table gives the median per GiB of buffer.
 *
 *	verify_round [--engine NAME] [--mib N] [--reps N]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "harness/dirty.h"
#include "harness/env.h"
#include "harness/harvest.h"
#include "util.h"

#define JSON_PREFIX "IODIRTY-BENCH "
#define MAX_REPS 15
#define SPARSE_STRIDE (256 * K)
#define SPARSE_EVERY 64
#define SPARSE_LEN (4 * K)

enum phase { P_DMA, P_HARVEST, P_CHECK, NR_PHASES };
static const char *const phase_name[] = { "dma", "harvest+compare",
					  "data check" };

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The writes of one round: whole buffer, or the sparse pattern. */
static int dma(struct iod_dirty *d, bool sparse, uint8_t seed,
	       uint64_t *bytes)
{
	uint64_t off, len = sparse ? SPARSE_LEN : d->len;
	int rc;

	*bytes = 0;
	if (!sparse) {
		*bytes = len;
		return iod_engine_write(&d->engine, d->iova, len, seed, &d->fp);
	}
	for (off = 0; off + SPARSE_LEN <= d->len;
	     off += SPARSE_STRIDE * SPARSE_EVERY) {
		rc = iod_engine_write(&d->engine, d->iova + off, SPARSE_LEN,
				      seed, &d->fp);
		if (rc)
			return rc;
		*bytes += SPARSE_LEN;
	}
	return 0;
}

static bool check(struct iod_dirty *d, bool sparse, uint8_t seed)
{
	uint64_t off;

	if (!sparse)
		return iod_engine_check(&d->engine, d->iova, d->len, seed);
	for (off = 0; off + SPARSE_LEN <= d->len;
	     off += SPARSE_STRIDE * SPARSE_EVERY)
		if (!iod_engine_check(&d->engine, d->iova + off, SPARSE_LEN,
				      seed))
			return false;
	return true;
}

/* A harvest of the whole buffer at the leaf, compared with the footprint. */
static int64_t whole_harvest(struct iod_dirty *d, char *rep, size_t rlen)
{
	return iod_harvest_compare(d, &d->fp,
				   IOD_HARVEST(d->iova, d->len, d->base_leaf, 0),
				   NULL, rep, rlen);
}

static void __attribute__((noreturn)) die(const char *what, const char *why)
{
	fprintf(stderr, "verify_round: error: %s: %s\n", what, why);
	exit(1);
}

static const char usage[] =
	"usage: verify_round [--engine NAME] [--mib N] [--reps N]\n"
	"  time DMA, harvest + compare and data check of a whole and of a\n"
	"  sparse footprint over an N MiB buffer (default 64), N rounds each\n"
	"  (default 5); prints the median per GiB\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mib", required_argument, NULL, 'm' },
		{ "reps", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double t[2][NR_PHASES][MAX_REPS], med[2][NR_PHASES];
	struct iod_dirty_opts o = { .enable = true, .plain_if_incapable = true };
	unsigned long mib = 64, reps = 5;
	struct iod_dirty d;
	char why[384] = "", rep[512];
	uint64_t bytes[2] = { 0, 0 };
	int c, rc, s, p;
	unsigned long r;

	iod_engine_take_arg(&argc, argv);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			mib = strtoul(optarg, NULL, 10);
			if (!mib || mib > 1024)
				die("--mib", "wants 1 to 1024");
			break;
		case 'r':
			reps = strtoul(optarg, NULL, 10);
			if (reps < 1 || reps > MAX_REPS)
				die("--reps", "wants 1 to 15");
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	iod_env_load(argc, argv);
	if (!getenv("IODIRTY_ENGINE") && iod_env_device("nvme"))
		setenv("IODIRTY_ENGINE", "nvme", 1);
	o.buf_len = mib * M;
	rc = iod_dirty_setup(&d, &o, why, sizeof(why));
	if (rc)
		die("setting up the bench", why);
	printf("# engine %s, %s, buffer %lu MiB, %lu rounds each\n",
	       d.engine.ops->name,
	       d.tracking ? "dirty-tracking HWPT" :
	       "plain HWPT (the IOMMU cannot track dirty pages: no harvest)",
	       mib, reps);
	fflush(stdout);

	for (s = 0; s < 2; s++) {
		for (r = 0; r < reps; r++) {
			uint8_t seed = (uint8_t)(17 * r + s + 1);
			double t0, t1, t2, t3;
			int64_t wrong = 0;

			if (d.tracking && whole_harvest(&d, rep,
							sizeof(rep)) < 0)
				die("clearing harvest", rep);
			iod_fp_reset(&d.fp);
			t0 = iod_now_s();
			rc = dma(&d, s, seed, &bytes[s]);
			t1 = iod_now_s();
			if (rc)
				die("engine write", strerror(-rc));
			if (d.tracking)
				wrong = whole_harvest(&d, rep, sizeof(rep));
			t2 = iod_now_s();
			if (wrong)
				die("the harvest does not match the footprint",
				    wrong < 0 ? strerror((int)-wrong) : rep);
			if (!check(&d, s, seed))
				die("data check", "the device's data did not land");
			t3 = iod_now_s();
			t[s][P_DMA][r] = t1 - t0;
			t[s][P_HARVEST][r] = t2 - t1;
			t[s][P_CHECK][r] = t3 - t2;
		}
		for (p = 0; p < NR_PHASES; p++)
			med[s][p] = median(t[s][p], (int)reps);
		printf(JSON_PREFIX "{\"bench\":\"verify_round\",\"flavour\":\"%s\",\"engine\":\"%s\",\"tracking\":%s,\"buffer\":%llu,\"footprint\":\"%s\",\"bytes_written\":%llu,\"reps\":%lu,\"dma_s\":%.6f,\"harvest_compare_s\":%.6f,\"check_s\":%.6f,\"round_s_per_gib\":%.3f}\n",
		       iod_env.flavour ? iod_env.flavour : "",
		       d.engine.ops->name, d.tracking ? "true" : "false",
		       (unsigned long long)d.len, s ? "sparse" : "whole",
		       (unsigned long long)bytes[s], reps, med[s][P_DMA],
		       med[s][P_HARVEST], med[s][P_CHECK],
		       (med[s][P_DMA] + med[s][P_HARVEST] + med[s][P_CHECK]) *
		       (double)G / d.len);
	}

	printf("\nOne verify round per GiB of buffer (median of %lu), engine %s\n",
	       reps, d.engine.ops->name);
	printf("%-8s %14s %12s %18s %12s %12s\n", "footprint", "bytes written",
	       phase_name[P_DMA], phase_name[P_HARVEST], phase_name[P_CHECK],
	       "round s/GiB");
	for (s = 0; s < 2; s++) {
		double f = (double)G / d.len;

		printf("%-8s %14llu %11.3fs %17.3fs %11.3fs %12.3f\n",
		       s ? "sparse" : "whole", (unsigned long long)bytes[s],
		       med[s][P_DMA] * f, med[s][P_HARVEST] * f,
		       med[s][P_CHECK] * f,
		       (med[s][P_DMA] + med[s][P_HARVEST] + med[s][P_CHECK]) * f);
	}
	iod_dirty_teardown(&d);
	return 0;
}
