// SPDX-License-Identifier: GPL-2.0
/*
 * How the cost of a harvest scales, three curves, each printed as a table
 * (time per harvest and per reported bit), never judged against a time:
 *
 *   hwpts    N dirty-tracking HWPTs on one IOAS (N = 1, 2, 4, ...): the
 *            device writes every leaf through each HWPT in turn (attached
 *            to it), then each is harvested; also what mapping and
 *            unmapping one more area costs with N domains to fill;
 *   threads  N IOAS in parallel: N benches, each its own iommufd, IOAS,
 *            device and dirty HWPT, harvested by N threads at once (the
 *            aggregate rate next to one thread's latency; the mock only,
 *            where every thread can have a device of its own);
 *   areas    M areas in one harvest: the same span mapped as M separate
 *            IOAS_MAPs at consecutive IOVAs, harvested as one range (on
 *            the mock every leaf marked by one OP_DIRTY, as its engine
 *            does; elsewhere the engine writes each area).
 *
 * Every leaf of the span is dirty and the harvests are NO_CLEAR, so each
 * round sees the same state; every bitmap is counted against the span's
 * leaves, and a wrong count fails the run instead of giving a number.
 *
 * Output: the tables on stdout, and one JSON object per measurement on a
 * line starting with "IODIRTY-BENCH ".
 *
 *	dirty_scaling [--engine NAME] [--span MIB] [--reps N] [--max-n N]
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "harness/dirty.h"
#include "harness/env.h"
#include "model/harvest_range.h"
#include "profile/profile.h"
#include "uapi/iommufd.h"
#include "uapi/mock.h"
#include "util.h"

#define JSON_PREFIX	"IODIRTY-BENCH "
#define MAX_N		64

struct opts {
	uint64_t span;		/* bytes of IOVA each harvest covers */
	unsigned int reps;	/* timed rounds per measurement */
	unsigned int max_n;	/* largest N of the hwpts and threads curves */
	const char *engine, *flavour;
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
						     noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "dirty_scaling: error: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *ns, unsigned int n)
{
	qsort(ns, n, sizeof(*ns), cmp_u64);
	return n % 2 ? ns[n / 2] : (ns[n / 2 - 1] + ns[n / 2]) / 2;
}

static uint64_t popcount_bytes(const uint8_t *p, uint64_t n)
{
	uint64_t i, c = 0;

	for (i = 0; i < n; i++)
		c += (uint64_t)__builtin_popcount(p[i]);
	return c;
}

/* A bitmap for one harvest of the span at the bench's leaf. */
struct bitmap {
	uint8_t *data;
	uint64_t bytes, bits;
};

static void bitmap_alloc(struct bitmap *b, uint64_t span, uint64_t leaf)
{
	b->bits = iod_bitmap_bits(span, leaf);
	b->bytes = iod_bitmap_bytes(span, leaf);
	b->data = calloc(1, b->bytes);
	if (!b->data)
		die("out of memory for a bitmap of %llu bytes",
		    (unsigned long long)b->bytes);
}

/*
 * One NO_CLEAR harvest of [iova, +span) of hwpt, every bit of which must
 * be set; returns its ns.
 */
static uint64_t timed_harvest(int fd, uint32_t hwpt, uint64_t iova,
			      uint64_t span, uint64_t leaf, struct bitmap *b)
{
	uint64_t t0, ns, got;
	int rc;

	memset(b->data, 0, b->bytes);
	t0 = iod_now_ns();
	rc = iod_get_dirty_bitmap(fd, hwpt, iova, span, leaf, b->data,
				  IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	ns = iod_now_ns() - t0;
	if (rc)
		die("harvest of HWPT %u [0x%llx, +%llu): %s", hwpt,
		    (unsigned long long)iova, (unsigned long long)span,
		    strerror(-rc));
	got = popcount_bytes(b->data, b->bytes);
	if (got != b->bits)
		die("harvest of HWPT %u [0x%llx, +%llu): %llu bits set, every one of the %llu leaves was written",
		    hwpt, (unsigned long long)iova, (unsigned long long)span,
		    (unsigned long long)got, (unsigned long long)b->bits);
	return ns;
}

/* The bench: the device on a dirty HWPT over a span-sized buffer. */
static void bench_setup(struct iod_dirty *d, uint64_t span, bool quiet)
{
	const struct iod_dirty_opts o = { .buf_len = span, .enable = true };
	char why[384] = "";
	int rc = iod_dirty_setup(d, &o, why, sizeof(why));

	if (rc == -EOPNOTSUPP && !quiet) {
		printf("# SKIP %s\n", why);
		exit(4);
	}
	if (rc)
		die("dirty bench set-up: %s", why);
}

/* The device writes every leaf of [iova, +len) through the engine. */
static void write_all(struct iod_dirty *d, uint64_t iova, uint64_t len)
{
	int rc = iod_engine_write(&d->engine, iova, len, 0x5a, NULL);

	if (rc)
		die("engine write of [0x%llx, +%llu): %s",
		    (unsigned long long)iova, (unsigned long long)len,
		    strerror(-rc));
}

static void json_head(const struct opts *o, const char *curve,
		      const struct iod_dirty *d)
{
	printf(JSON_PREFIX "{\"bench\":\"dirty_scaling\",\"curve\":\"%s\","
	       "\"flavour\":\"%s\",\"engine\":\"%s\",\"leaf\":%llu,"
	       "\"span\":%llu", curve, o->flavour, o->engine,
	       (unsigned long long)d->leaf, (unsigned long long)o->span);
}

/* ---------------------------------------------------------------------- */
/* N dirty HWPTs on one IOAS */

static uint64_t map_unmap_ns(struct iod_dirty *d, void *va, uint64_t len,
			     uint64_t iova)
{
	uint64_t t0 = iod_now_ns();
	int rc = iod_ioas_map_fixed(d->t.fd, d->t.ioas_id, va, len, iova);

	if (!rc)
		rc = iod_ioas_unmap(d->t.fd, d->t.ioas_id, iova, len, NULL);
	if (rc)
		die("map and unmap of one more area: %s", strerror(-rc));
	return iod_now_ns() - t0;
}

static void curve_hwpts(const struct opts *o)
{
	uint32_t hwpt[MAX_N];
	struct iod_dirty d;
	struct bitmap b;
	uint64_t *ns, *mns, extra_iova, sweep_med, map_med, bits;
	unsigned int n = 1, have = 1, i, r;
	int rc;

	bench_setup(&d, o->span, false);
	bitmap_alloc(&b, o->span, d.leaf);
	ns = calloc(o->reps, sizeof(*ns));
	mns = calloc(o->reps, sizeof(*mns));
	if (!ns || !mns)
		die("out of memory");
	rc = iod_ioas_pick_iova(d.t.fd, d.t.ioas_id, d.len,
				iod_bench_iova_floor(&d, 0),
				iod_bench_align(&d), &extra_iova);
	if (rc)
		die("no IOVA for one more area: %s", strerror(-rc));
	hwpt[0] = d.hwpt_id;
	write_all(&d, d.iova, o->span);

	printf("\n# hwpts: N dirty-tracking HWPTs on one IOAS, %llu leaves each, every leaf dirty; NO_CLEAR harvests of each HWPT in turn\n",
	       (unsigned long long)b.bits);
	printf("%6s %14s %14s %10s %16s\n", "HWPTs", "all N, ms", "per HWPT, ms",
	       "ns/bit", "map+unmap, ms");
	for (n = 1; n <= o->max_n; n *= 2) {
		for (; have < n; have++) {
			rc = iod_hwpt_alloc(d.t.fd, d.t.dev_id, d.t.ioas_id,
					    IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
					    &hwpt[have]);
			if (!rc)
				rc = iod_set_dirty_tracking(d.t.fd,
							    hwpt[have], true);
			if (!rc)
				rc = iod_target_attach(&d.t, hwpt[have]);
			if (rc)
				die("dirty HWPT %u on the IOAS: %s", have + 1,
				    strerror(-rc));
			write_all(&d, d.iova, o->span);
		}
		for (r = 0; r < o->reps; r++) {
			uint64_t sum = 0;

			for (i = 0; i < n; i++)
				sum += timed_harvest(d.t.fd, hwpt[i], d.iova,
						     o->span, d.leaf, &b);
			ns[r] = sum;
			mns[r] = map_unmap_ns(&d, d.buf, d.len, extra_iova);
		}
		sweep_med = median(ns, o->reps);
		map_med = median(mns, o->reps);
		bits = b.bits * n;
		printf("%6u %14.3f %14.3f %10.1f %16.3f\n", n, sweep_med / 1e6,
		       sweep_med / 1e6 / n, (double)sweep_med / (double)bits,
		       map_med / 1e6);
		json_head(o, "hwpts", &d);
		printf(",\"n\":%u,\"reps\":%u,\"all_median_ns\":%llu,"
		       "\"per_hwpt_median_ns\":%llu,\"ns_per_bit\":%.2f,"
		       "\"map_unmap_median_ns\":%llu}\n", n, o->reps,
		       (unsigned long long)sweep_med,
		       (unsigned long long)(sweep_med / n),
		       (double)sweep_med / (double)bits,
		       (unsigned long long)map_med);
		fflush(stdout);
	}
	rc = iod_target_attach(&d.t, d.hwpt_id);
	for (i = 1; !rc && i < have; i++)
		rc = iod_destroy(d.t.fd, hwpt[i]);
	if (rc)
		die("putting the HWPTs away: %s", strerror(-rc));
	free(ns);
	free(mns);
	free(b.data);
	iod_dirty_teardown(&d);
}

/* ---------------------------------------------------------------------- */
/* N IOAS in parallel */

struct worker {
	struct iod_dirty d;
	struct bitmap b;
	pthread_barrier_t *start;
	unsigned int reps;
	uint64_t *ns;		/* each harvest's */
	uint64_t span;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	unsigned int r;

	pthread_barrier_wait(w->start);
	for (r = 0; r < w->reps; r++)
		w->ns[r] = timed_harvest(w->d.t.fd, w->d.hwpt_id, w->d.iova,
					 w->span, w->d.leaf, &w->b);
	return NULL;
}

static void curve_threads(const struct opts *o)
{
	struct worker w[MAX_N];
	pthread_t tid[MAX_N];
	pthread_barrier_t start;
	uint64_t *all, wall, med;
	unsigned int n, i, have = 0;
	int rc;

	memset(w, 0, sizeof(w));
	all = calloc((size_t)o->max_n * o->reps, sizeof(*all));
	if (!all)
		die("out of memory");
	printf("\n# threads: N IOAS in parallel, each its own iommufd, device and dirty HWPT over %llu leaves, every leaf dirty; %u NO_CLEAR harvests a thread\n",
	       (unsigned long long)iod_bitmap_bits(o->span, iod_base_leaf()),
	       o->reps);
	printf("%7s %12s %16s %14s %12s\n", "threads", "wall, ms",
	       "per harvest, ms", "harvests/s", "ns/bit");
	for (n = 1; n <= o->max_n; n *= 2) {
		for (; have < n; have++) {
			bench_setup(&w[have].d, o->span, true);
			if (!w[have].d.t.mock) {
				printf("# threads: not measured: the target is one device, and every IOAS needs a device of its own writing (the mock has as many as asked)\n");
				iod_dirty_teardown(&w[have].d);
				goto out;
			}
			bitmap_alloc(&w[have].b, o->span, w[have].d.leaf);
			write_all(&w[have].d, w[have].d.iova, o->span);
			w[have].reps = o->reps;
			w[have].span = o->span;
			w[have].start = &start;
			w[have].ns = all + (size_t)have * o->reps;
		}
		pthread_barrier_init(&start, NULL, n + 1);
		for (i = 0; i < n; i++) {
			rc = pthread_create(&tid[i], NULL, worker_run, &w[i]);
			if (rc)
				die("thread %u: %s", i, strerror(rc));
		}
		pthread_barrier_wait(&start);
		wall = iod_now_ns();
		for (i = 0; i < n; i++)
			pthread_join(tid[i], NULL);
		wall = iod_now_ns() - wall;
		pthread_barrier_destroy(&start);
		med = median(all, n * o->reps);
		printf("%7u %12.3f %16.3f %14.1f %12.1f\n", n, wall / 1e6,
		       med / 1e6, (double)n * o->reps * 1e9 / (double)wall,
		       (double)wall / ((double)w[0].b.bits * n * o->reps));
		json_head(o, "threads", &w[0].d);
		printf(",\"n\":%u,\"reps\":%u,\"wall_ns\":%llu,"
		       "\"harvest_median_ns\":%llu,\"harvests_per_s\":%.1f,"
		       "\"ns_per_bit\":%.2f}\n", n, o->reps,
		       (unsigned long long)wall, (unsigned long long)med,
		       (double)n * o->reps * 1e9 / (double)wall,
		       (double)wall / ((double)w[0].b.bits * n * o->reps));
		fflush(stdout);
	}
out:
	for (i = 0; i < have; i++) {
		free(w[i].b.data);
		iod_dirty_teardown(&w[i].d);
	}
	free(all);
}

/* ---------------------------------------------------------------------- */
/* M areas in one harvest */

/*
 * The mock's areas are mapped bare and marked with one OP_DIRTY over the
 * span; elsewhere the engine writes each area, and finds its memory through
 * the bench's space, which holds IOD_SPACE_MAX_MAPS mappings.
 */
static void areas_map(struct iod_dirty *d, uint64_t base, uint64_t piece,
		      unsigned int m)
{
	uint64_t a;
	int rc;

	for (a = 0; a < m; a++) {
		void *va = (uint8_t *)d->buf + a * piece;

		rc = d->t.mock ?
		     iod_ioas_map_fixed(d->t.fd, d->t.ioas_id, va, piece,
					base + a * piece) :
		     iod_space_map(&d->space, va, piece, base + a * piece);
		if (rc)
			die("area %llu of %u: %s", (unsigned long long)a, m,
			    strerror(-rc));
		if (!d->t.mock)
			write_all(d, base + a * piece, piece);
	}
}

static void areas_mark(struct iod_dirty *d, uint64_t base, uint64_t span,
		       struct bitmap *b)
{
	uint64_t nr = 0;
	int rc;

	if (!d->t.mock)
		return;
	memset(b->data, 0xff, b->bytes);
	rc = iod_mock_set_dirty(d->t.fd, d->hwpt_id, base, span, d->leaf,
				b->data, &nr);
	if (rc || nr != b->bits)
		die("OP_DIRTY over the areas: %s, %llu of %llu pages marked",
		    strerror(-rc), (unsigned long long)nr,
		    (unsigned long long)b->bits);
}

static void areas_unmap(struct iod_dirty *d, uint64_t base, uint64_t piece,
			unsigned int m)
{
	uint64_t a;
	int rc;

	for (a = 0; a < m; a++) {
		rc = d->t.mock ?
		     iod_ioas_unmap(d->t.fd, d->t.ioas_id, base + a * piece,
				    piece, NULL) :
		     iod_space_unmap(&d->space, base + a * piece);
		if (rc)
			die("unmapping area %llu of %u: %s",
			    (unsigned long long)a, m, strerror(-rc));
	}
}

static void curve_areas(const struct opts *o)
{
	struct iod_dirty d;
	struct bitmap b;
	uint64_t *ns, base, piece, med, unit;
	unsigned int m, r, max_m;
	int rc;

	bench_setup(&d, o->span, false);
	bitmap_alloc(&b, o->span, d.leaf);
	ns = calloc(o->reps, sizeof(*ns));
	if (!ns)
		die("out of memory");
	rc = iod_ioas_pick_iova(d.t.fd, d.t.ioas_id, d.len,
				iod_bench_iova_floor(&d, 0),
				iod_bench_align(&d), &base);
	if (rc)
		die("no IOVA for the areas: %s", strerror(-rc));
	unit = iod_max_u64(d.leaf, iod_host_page());
	max_m = d.t.mock ? 1024 : IOD_SPACE_MAX_MAPS - d.space.n;
	printf("\n# areas: one harvest over %llu leaves mapped as M areas (separate IOAS_MAPs at consecutive IOVAs), every leaf dirty\n",
	       (unsigned long long)b.bits);
	printf("%6s %12s %14s %10s\n", "areas", "area", "harvest, ms",
	       "ns/bit");
	for (m = 1; m <= 1024; m *= 4) {
		piece = o->span / m;
		if (piece < unit || piece % unit)
			break;
		if (m > max_m) {
			printf("# areas: %u and more not measured: the engine finds memory through at most %u mappings\n",
			       m, max_m);
			break;
		}
		areas_map(&d, base, piece, m);
		areas_mark(&d, base, o->span, &b);
		for (r = 0; r < o->reps; r++)
			ns[r] = timed_harvest(d.t.fd, d.hwpt_id, base, o->span,
					      d.leaf, &b);
		med = median(ns, o->reps);
		printf("%6u %10llu K %14.3f %10.1f\n", m,
		       (unsigned long long)(piece / K), med / 1e6,
		       (double)med / (double)b.bits);
		json_head(o, "areas", &d);
		printf(",\"m\":%u,\"area\":%llu,\"reps\":%u,"
		       "\"harvest_median_ns\":%llu,\"ns_per_bit\":%.2f}\n",
		       m, (unsigned long long)piece, o->reps,
		       (unsigned long long)med, (double)med / (double)b.bits);
		fflush(stdout);
		areas_unmap(&d, base, piece, m);
	}
	free(ns);
	free(b.data);
	iod_dirty_teardown(&d);
}

static const char usage[] =
	"usage: dirty_scaling [--engine NAME] [--span MIB] [--reps N] [--max-n N]\n"
	"  --span MIB   IOVA each harvest covers (default 16)\n"
	"  --reps N     timed rounds per measurement, the median printed (default 7)\n"
	"  --max-n N    largest number of HWPTs and of parallel IOAS (default 16, at most 64)\n"
	"IODIRTY_PROFILE names the profile (make bench sets it); the engine is\n"
	"--engine, else IODIRTY_ENGINE, else the profile's dma.engine.\n";

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "span", required_argument, NULL, 's' },
		{ "reps", required_argument, NULL, 'r' },
		{ "max-n", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .span = 16 * M, .reps = 7, .max_n = 16 };
	uint64_t t0 = iod_now_ns();
	int c;

	iod_engine_take_arg(&argc, argv);
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o.span = strtoull(optarg, NULL, 0) * M;
			break;
		case 'r':
			o.reps = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'n':
			o.max_n = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (!o.span || !o.reps || !o.max_n || o.max_n > MAX_N) {
		fputs(usage, stderr);
		return 2;
	}
	iod_env_load(1, argv);
	o.engine = iod_engine_name() ? iod_engine_name() : "(none)";
	o.flavour = iod_env.flavour ? iod_env.flavour : "";
	printf("# dirty_scaling, %s: engine %s, span %llu MiB, %u rounds a measurement (median)\n",
	       iod_profile_path(iod_env.profile), o.engine,
	       (unsigned long long)(o.span / M), o.reps);
	curve_hwpts(&o);
	curve_threads(&o);
	curve_areas(&o);
	printf("# done in %.1f s\n", (double)(iod_now_ns() - t0) / 1e9);
	return 0;
}
