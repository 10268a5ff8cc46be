// SPDX-License-Identifier: GPL-2.0
/*
 * Harvest cost per GiB of IOVA: IOMMU_HWPT_GET_DIRTY_BITMAP issued bare (one
 * raw ioctl into a pre-zeroed bitmap) next to the library's harvest
 * (iod_harvest_compare: fill the bitmap, ioctl, compare with the footprint,
 * check the guards), over the same range, so the library's overhead shows.
 *
 * One buffer is mapped at consecutive IOVAs to give a large contiguous span
 * cheaply. For each dirty density (no leaf, ~1% of leaves, every leaf, set
 * with engine writes), span and harvest page size it times:
 *   no_clear  harvests with IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, the state
 *             identical every round;
 *   clear     clearing harvests, the range written again between rounds
 *             (that write is timed apart and not part of the harvest cost;
 *             where it would take longer than --max-rewrite the cell is
 *             reported as not measured).
 * Bare and library rounds alternate. Every harvest's bitmap is checked
 * against the footprint, so a wrong bitmap fails the run instead of
 * producing a number.
 *
 * Output: a table on stdout, and one JSON object per measurement on a line
 * starting with "IODIRTY-BENCH ".
 *
 *	harvest_cost [--engine NAME] [--reps N] [--max-span MIB] [--budget MS]
 *		     [--max-rewrite MS]
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "clock.h"
#include "harness/dirty.h"
#include "harness/env.h"
#include "harness/harvest.h"
#include "uapi/iommufd.h"
#include "profile/profile.h"
#include "util.h"

#define CHUNK		(64 * M)	/* one buffer, mapped repeatedly */
#define MIN_REPS	3
#define ONE_IN		100		/* ~1%: one leaf in ONE_IN */
#define JSON_PREFIX	"IODIRTY-BENCH "

static const uint64_t spans[] = { 64 * M, 256 * M, 1 * G };
static const uint64_t page_sizes[] = { 2 * K, 4 * K, 2 * M };
#define NR_SPANS	(sizeof(spans) / sizeof(spans[0]))
#define NR_PAGE_SIZES	(sizeof(page_sizes) / sizeof(page_sizes[0]))

enum density { D_NONE, D_SPARSE, D_FULL, NR_DENSITY };
static const char *const density_name[] = { "0%", "1%", "100%" };

struct bench {
	struct iod_dirty d;
	uint64_t span;		/* IOVA mapped from d.iova */
	enum density density;
	unsigned int max_reps;
	uint64_t budget_ns;	/* what one cell's timed rounds aim at */
	uint64_t max_rewrite_ns; /* longest rewrite a clear cell may need */
	uint64_t write_ns;	/* writing the density over the whole span */
	const char *engine;
	const char *flavour;
};

/* One series: samples of the same operation, in ns. */
struct series {
	uint64_t *ns;
	unsigned int n;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t series_min(struct series *s)
{
	qsort(s->ns, s->n, sizeof(*s->ns), cmp_u64);
	return s->n ? s->ns[0] : 0;
}

static uint64_t series_median(struct series *s)
{
	qsort(s->ns, s->n, sizeof(*s->ns), cmp_u64);
	if (!s->n)
		return 0;
	if (s->n % 2)
		return s->ns[s->n / 2];
	return (s->ns[s->n / 2 - 1] + s->ns[s->n / 2]) / 2;
}

/* ns for `span` bytes of IOVA scaled to ns per GiB. */
static double per_gib(uint64_t ns, uint64_t span)
{
	return (double)ns * (double)G / (double)span;
}

static const char *size_str(uint64_t v, char *buf, size_t len)
{
	if (v >= G && !(v % G))
		snprintf(buf, len, "%llu GiB", (unsigned long long)(v / G));
	else if (v >= M && !(v % M))
		snprintf(buf, len, "%llu MiB", (unsigned long long)(v / M));
	else if (v >= K && !(v % K))
		snprintf(buf, len, "%llu KiB", (unsigned long long)(v / K));
	else
		snprintf(buf, len, "%llu B", (unsigned long long)v);
	return buf;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
						     noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "harvest_cost: error: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/*
 * Write the density's leaves of [iova, +len) with the engine, one write per
 * mapping at most (a write must land inside one IOAS_MAP). Returns the ns
 * it took.
 */
static uint64_t dirty_range(struct bench *b, uint64_t iova, uint64_t len)
{
	struct iod_dirty *d = &b->d;
	uint64_t t0 = iod_now_ns(), end = iova + len, a;
	int rc = 0;

	if (b->density == D_NONE)
		return 0;
	if (b->density == D_FULL) {
		for (a = iova; a < end && !rc; ) {
			uint64_t next = (a - d->iova) / CHUNK * CHUNK + CHUNK +
					d->iova;

			if (next > end)
				next = end;
			rc = iod_engine_write(&d->engine, a, next - a, 0x5a,
					      &d->fp);
			a = next;
		}
	} else {
		uint64_t step = ONE_IN * d->leaf;

		a = d->iova + (iova - d->iova + step - 1) / step * step;
		for (; a < end && !rc; a += step)
			rc = iod_engine_write(&d->engine, a, d->leaf, 0xa5,
					      &d->fp);
	}
	if (rc)
		die("engine write in [0x%llx, 0x%llx): %s",
		    (unsigned long long)iova, (unsigned long long)end,
		    strerror(-rc));
	return iod_now_ns() - t0;
}

/* A raw GET_DIRTY_BITMAP, as a caller without the library issues it. */
static int bare_harvest(struct bench *b, uint64_t len, uint64_t page_size,
			uint32_t flags, void *bitmap)
{
	struct iommu_hwpt_get_dirty_bitmap cmd = {
		.size = sizeof(cmd),
		.hwpt_id = b->d.hwpt_id,
		.flags = flags,
		.iova = b->d.iova,
		.length = len,
		.page_size = page_size,
		.data = (uintptr_t)bitmap,
	};

	return ioctl(b->d.t.fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd) ? -errno : 0;
}

/* Clear every dirty bit of the whole span, and the footprint with it. */
static void clean_all(struct bench *b)
{
	uint64_t bytes = iod_bitmap_bytes(b->span, 2 * M);
	void *bm = calloc(1, bytes);
	int rc;

	if (!bm)
		die("out of memory");
	rc = bare_harvest(b, b->span, 2 * M, 0, bm);
	free(bm);
	if (rc)
		die("clearing harvest of the whole span: %s", strerror(-rc));
	iod_fp_reset(&b->d.fp);
}

struct cell {
	uint64_t len, page_size;
	uint32_t flags;		/* 0 (clear) or NO_CLEAR */
	uint64_t bytes;		/* bitmap size */
	uint8_t *want;		/* what every harvest must return */
	uint64_t bits_set;
	uint8_t *bm;		/* the bare harvests' bitmap */
	struct iod_bitmap_buf buf; /* the library harvests' bitmap */
	struct series bare, lib, rewrite;
	const char *skipped;	/* why the cell was not measured */
};

/* How many rounds fit the budget, from one round's cost. */
static unsigned int reps_for(struct bench *b, uint64_t round_ns)
{
	uint64_t n = round_ns ? b->budget_ns / round_ns : b->max_reps;

	if (n < MIN_REPS)
		n = MIN_REPS;
	if (n > b->max_reps)
		n = b->max_reps;
	return (unsigned int)n;
}

/* After a clearing harvest: the model forgets, the device writes again. */
static void after_clear(struct bench *b, struct cell *c)
{
	int rc = iod_fp_clear(&b->d.fp, b->d.iova, c->len);

	if (rc)
		die("footprint clear: %s", strerror(-rc));
	c->rewrite.ns[c->rewrite.n++] = dirty_range(b, b->d.iova, c->len);
}

/* One bare harvest with `flags`, checked; returns the ns of the ioctl. */
static uint64_t bare_round(struct bench *b, struct cell *c, uint32_t flags)
{
	const char *what = flags ? "no-clear" : "clearing";
	uint64_t t0, ns, i;
	int rc;

	/* NO_CLEAR rounds OR the same bits into the bitmap zeroed once. */
	if (!flags)
		memset(c->bm, 0, c->bytes);
	t0 = iod_now_ns();
	rc = bare_harvest(b, c->len, c->page_size, flags, c->bm);
	ns = iod_now_ns() - t0;
	if (rc)
		die("bare %s harvest of %llu bytes at page size %llu: %s",
		    what, (unsigned long long)c->len,
		    (unsigned long long)c->page_size, strerror(-rc));
	if (!memcmp(c->bm, c->want, c->bytes))
		return ns;
	for (i = 0; i < c->bytes && c->bm[i] == c->want[i]; i++)
		;
	die("bare %s harvest of %llu bytes at page size %llu: bitmap byte %llu is 0x%02x, the footprint says 0x%02x",
	    what, (unsigned long long)c->len,
	    (unsigned long long)c->page_size, (unsigned long long)i,
	    c->bm[i], c->want[i]);
}

/* One library harvest with `flags`, checked; returns the ns it took. */
static uint64_t lib_round(struct bench *b, struct cell *c, uint32_t flags)
{
	char report[512] = "";
	uint64_t t0, ns;
	int64_t wrong;

	t0 = iod_now_ns();
	wrong = iod_harvest_compare(&b->d, &b->d.fp,
				    IOD_HARVEST(b->d.iova, c->len, c->page_size,
						flags),
				    &c->buf, report, sizeof(report));
	ns = iod_now_ns() - t0;
	if (wrong)
		die("library %s harvest of %llu bytes at page size %llu: %s",
		    flags ? "no-clear" : "clearing",
		    (unsigned long long)c->len,
		    (unsigned long long)c->page_size, report);
	return ns;
}

/*
 * Time the cell: one untimed no-clear round of each kind sizes the series,
 * then bare and library rounds alternate (which goes first alternates too),
 * so a drift in the machine's speed hits both alike.
 */
static void measure(struct bench *b, struct cell *c)
{
	uint64_t est, rewrite = 0;
	unsigned int i, k, reps;

	est = bare_round(b, c, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) +
	      lib_round(b, c, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	if (!c->flags) {
		/* the first write of the whole span predicts a rewrite */
		rewrite = (uint64_t)((double)b->write_ns *
				     (double)c->len / (double)b->span);
		if (rewrite > b->max_rewrite_ns) {
			c->skipped = "rewriting the range between rounds takes longer than --max-rewrite";
			return;
		}
		est += 2 * rewrite;
	}
	reps = reps_for(b, est);
	for (i = 0; i < reps; i++) {
		for (k = 0; k < 2; k++) {
			struct series *sr = (i + k) % 2 ? &c->lib : &c->bare;

			sr->ns[sr->n++] = (i + k) % 2 ?
					  lib_round(b, c, c->flags) :
					  bare_round(b, c, c->flags);
			if (!c->flags)
				after_clear(b, c);
		}
	}
}

static void print_header(void)
{
	printf("%-8s %-6s %-5s %-9s %5s %11s %11s %11s %11s %9s %9s %10s\n",
	       "span", "page", "dirty", "harvest", "reps",
	       "bare med", "bare min", "lib med", "lib min",
	       "ratio med", "ratio min", "rewrite");
	printf("%-8s %-6s %-5s %-9s %5s %11s %11s %11s %11s %9s %9s %10s\n",
	       "", "", "", "", "", "ms/GiB", "ms/GiB", "ms/GiB", "ms/GiB",
	       "lib/bare", "lib/bare", "ms/round");
}

/* Dirty leaves in the model over the first len bytes of the span. */
static uint64_t dirty_leaves(const struct iod_fp *fp, uint64_t len)
{
	uint64_t i, n = 0, leaves = len / fp->leaf;

	for (i = 0; i < leaves / 64; i++)
		n += __builtin_popcountll(fp->bits[i]);
	for (i = i * 64; i < leaves; i++)
		n += fp->bits[i / 64] >> (i % 64) & 1;
	return n;
}

static void report_cell(struct bench *b, struct cell *c)
{
	uint64_t bmed = series_median(&c->bare), bmin = series_min(&c->bare);
	uint64_t lmed = series_median(&c->lib), lmin = series_min(&c->lib);
	uint64_t rmed = series_median(&c->rewrite);
	double rat_med = bmed ? (double)lmed / (double)bmed : 0;
	double rat_min = bmin ? (double)lmin / (double)bmin : 0;
	const char *mode = c->flags ? "no_clear" : "clear";
	char s1[32], s2[32];

	printf("%-8s %-6s %-5s %-9s ", size_str(c->len, s1, sizeof(s1)),
	       size_str(c->page_size, s2, sizeof(s2)),
	       density_name[b->density], mode);
	if (c->skipped) {
		printf("not measured: %s (%.0f ms)\n", c->skipped,
		       (double)b->write_ns * (double)c->len /
		       (double)b->span / 1e6);
	} else {
		printf("%2u/%-2u %11.3f %11.3f %11.3f %11.3f %9.2f %9.2f",
		       c->bare.n, c->lib.n,
		       per_gib(bmed, c->len) / 1e6, per_gib(bmin, c->len) / 1e6,
		       per_gib(lmed, c->len) / 1e6, per_gib(lmin, c->len) / 1e6,
		       rat_med, rat_min);
		if (c->flags)
			printf(" %10s\n", "-");
		else
			printf(" %10.3f\n", (double)rmed / 1e6);
	}

	printf(JSON_PREFIX "{\"bench\":\"harvest_cost\",\"flavour\":\"%s\","
	       "\"engine\":\"%s\",\"leaf\":%llu,\"span\":%llu,"
	       "\"page_size\":%llu,\"density\":\"%s\",\"dirty_leaves\":%llu,"
	       "\"bits\":%llu,\"bits_set\":%llu,\"mode\":\"%s\"",
	       b->flavour, b->engine, (unsigned long long)b->d.leaf,
	       (unsigned long long)c->len, (unsigned long long)c->page_size,
	       density_name[b->density],
	       (unsigned long long)dirty_leaves(&b->d.fp, c->len),
	       (unsigned long long)iod_bitmap_bits(c->len, c->page_size),
	       (unsigned long long)c->bits_set, mode);
	if (c->skipped) {
		printf(",\"skipped\":\"%s\"}\n", c->skipped);
		fflush(stdout);
		return;
	}
	printf(",\"bare_reps\":%u,\"lib_reps\":%u,"
	       "\"bare_median_ns_per_gib\":%.0f,\"bare_min_ns_per_gib\":%.0f,"
	       "\"lib_median_ns_per_gib\":%.0f,\"lib_min_ns_per_gib\":%.0f,"
	       "\"ratio_median\":%.3f,\"ratio_min\":%.3f",
	       c->bare.n, c->lib.n,
	       per_gib(bmed, c->len), per_gib(bmin, c->len),
	       per_gib(lmed, c->len), per_gib(lmin, c->len),
	       rat_med, rat_min);
	if (!c->flags)
		printf(",\"rewrite_median_ns\":%llu", (unsigned long long)rmed);
	printf("}\n");
	fflush(stdout);
}

static uint64_t popcount_bytes(const uint8_t *p, uint64_t n)
{
	uint64_t i, c = 0;

	for (i = 0; i < n; i++)
		c += __builtin_popcount(p[i]);
	return c;
}

static void run_cell(struct bench *b, uint64_t len, uint64_t page_size,
		     uint32_t flags)
{
	struct cell c = {
		.len = len, .page_size = page_size, .flags = flags,
		.bytes = iod_bitmap_bytes(len, page_size),
	};
	int rc;

	c.want = malloc(c.bytes);
	c.bm = aligned_alloc(4096, (c.bytes + 4095) / 4096 * 4096);
	c.bare.ns = calloc(b->max_reps, sizeof(uint64_t));
	c.lib.ns = calloc(b->max_reps, sizeof(uint64_t));
	c.rewrite.ns = calloc(2 * b->max_reps, sizeof(uint64_t));
	if (!c.want || !c.bm || !c.bare.ns || !c.lib.ns || !c.rewrite.ns)
		die("out of memory");
	memset(c.bm, 0, c.bytes);
	rc = iod_bitmap_buf_alloc(&c.buf, c.bytes, 0, 0);
	if (rc)
		die("bitmap of %llu bytes: %s", (unsigned long long)c.bytes,
		    strerror(-rc));
	memset(c.want, 0, c.bytes);
	iod_range_expect(&b->d.fp, b->d.iova, len, __builtin_ctzll(page_size),
			 c.want);
	c.bits_set = popcount_bytes(c.want, c.bytes);
	measure(b, &c);
	report_cell(b, &c);
	iod_bitmap_buf_free(&c.buf);
	free(c.want);
	free(c.bm);
	free(c.bare.ns);
	free(c.lib.ns);
	free(c.rewrite.ns);
}

/*
 * The bench: the dirty bench on one CHUNK buffer, mapped again right after
 * itself until max_span is covered or the IOAS refuses, and a footprint
 * over the whole span.
 */
static void setup(struct bench *b, uint64_t max_span)
{
	struct iod_dirty_opts o = { .buf_len = CHUNK, .enable = true };
	struct iod_dirty *d = &b->d;
	char why[384] = "";
	int rc;

	rc = iod_dirty_setup(d, &o, why, sizeof(why));
	if (rc == -EOPNOTSUPP) {
		printf("# SKIP %s\n", why);
		exit(4);
	}
	if (rc)
		die("dirty bench set-up: %s", why);
	b->span = d->len;
	while (b->span + CHUNK <= max_span) {
		rc = iod_space_map(&d->space, d->buf, CHUNK,
				   d->iova + b->span);
		if (rc)
			break;
		b->span += CHUNK;
	}
	iod_fp_free(&d->fp);
	rc = iod_fp_init(&d->fp, d->iova, b->span, d->leaf);
	if (rc)
		die("footprint of %llu bytes: %s",
		    (unsigned long long)b->span, strerror(-rc));
}

static const char usage[] =
	"usage: harvest_cost [--engine NAME] [--reps N] [--max-span MIB] [--budget MS]\n"
	"                    [--max-rewrite MS]\n"
	"  --reps N          at most N timed rounds of each kind (default 15; at least 3)\n"
	"  --max-span MIB    largest IOVA span to map (default 1024)\n"
	"  --budget MS       time the rounds of one measurement aim at (default 1000)\n"
	"  --max-rewrite MS  clearing harvests are not measured where writing the\n"
	"                    range again between rounds takes longer (default 2000)\n"
	"IODIRTY_PROFILE names the profile (make bench sets it); the engine is\n"
	"--engine, else IODIRTY_ENGINE, else the profile's dma.engine.\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reps", required_argument, NULL, 'r' },
		{ "max-span", required_argument, NULL, 's' },
		{ "budget", required_argument, NULL, 'b' },
		{ "max-rewrite", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench b = {
		.max_reps = 15,
		.budget_ns = 1000000000ull,
		.max_rewrite_ns = 2000000000ull,
	};
	uint64_t max_span = 1 * G, t0 = iod_now_ns();
	unsigned int si, pi;
	char s1[32];
	int c;

	iod_engine_take_arg(&argc, argv);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			b.max_reps = (unsigned int)strtoul(optarg, NULL, 0);
			if (b.max_reps < MIN_REPS)
				b.max_reps = MIN_REPS;
			break;
		case 's':
			max_span = strtoull(optarg, NULL, 0) * M;
			break;
		case 'b':
			b.budget_ns = strtoull(optarg, NULL, 0) * 1000000ull;
			break;
		case 'w':
			b.max_rewrite_ns = strtoull(optarg, NULL, 0) *
					   1000000ull;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (max_span < CHUNK)
		max_span = CHUNK;
	iod_env_load(1, argv);
	b.engine = iod_engine_name() ? iod_engine_name() : "(none)";
	b.flavour = iod_env.flavour ? iod_env.flavour : "";
	setup(&b, max_span);

	printf("# harvest cost per GiB of IOVA, %s: leaf %llu B, engine %s, span mapped %s\n",
	       iod_profile_path(iod_env.profile),
	       (unsigned long long)b.d.leaf, b.engine,
	       size_str(b.span, s1, sizeof(s1)));
	printf("# bare: raw GET_DIRTY_BITMAP into a pre-zeroed bitmap; lib: iod_harvest_compare (fill, ioctl, footprint compare, guards)\n");
	printf("# ~1%% dirty: one leaf in %u; clear: the range is written again between rounds (rewrite, not timed in the harvest)\n",
	       ONE_IN);
	print_header();
	for (b.density = D_NONE; b.density < NR_DENSITY; b.density++) {
		clean_all(&b);
		b.write_ns = dirty_range(&b, b.d.iova, b.span);
		printf("# %s of the leaves dirty: %llu leaves written in %.3f s\n",
		       density_name[b.density],
		       (unsigned long long)iod_fp_count(&b.d.fp),
		       (double)b.write_ns / 1e9);
		for (si = 0; si < NR_SPANS; si++) {
			if (spans[si] > b.span)
				continue;
			for (pi = 0; pi < NR_PAGE_SIZES; pi++) {
				run_cell(&b, spans[si], page_sizes[pi],
					 IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
				run_cell(&b, spans[si], page_sizes[pi], 0);
			}
		}
	}
	printf("# done in %.1f s\n", (double)(iod_now_ns() - t0) / 1e9);
	iod_dirty_teardown(&b.d);
	return 0;
}
