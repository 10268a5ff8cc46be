// SPDX-License-Identifier: GPL-2.0
/*
 * Which IOVA ranges a harvest covers: a buffer harvested in sub-ranges
 * (halves, unequal pieces, single pages) gives exactly the bits of each
 * piece, and a clearing harvest of one piece leaves the others intact;
 * ranges that start and end inside a mapping; one harvest across several
 * IOAS_MAP areas at adjacent IOVAs (separate user buffers, or one user
 * buffer mapped in pieces); and ranges with unmapped holes, as the profile
 * says (dirty.hole): a harvest "stops" at the first hole (rc 0, nothing
 * after it reported or cleared) or "skips" it. Holes are made by leaving a
 * gap between maps, by a range that starts or ends in a gap, and by
 * unmapping an area in the middle after the device wrote to it.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "harness/iod_test.h"
#include "uapi/iommufd.h"
#include "model/rand.h"
#include "harness/scatter.h"
#include "util.h"

IOD_RUNS_PER_PROFILE_ENGINE

/*
 * The smallest range step every harvest here may use: the page size, the
 * IOAS alignment (the kernel's rule for iova and length) and the leaf (a
 * range edge inside a leaf would clear the whole leaf).
 */
static uint64_t range_unit(struct iod_dirty *d, uint64_t ps)
{
	uint64_t align = 0;

	if (iod_ioas_iova_ranges(d->t.fd, d->t.ioas_id, NULL, 0, &align) < 0)
		align = 0;
	return iod_max_u64(iod_max_u64(ps, align), d->leaf);
}

/*
 * Does a harvest stop at the first hole (dirty.hole)? Where the profile
 * is silent, it is taken to.
 */
static bool hole_stops(void)
{
	return !iod_rule_is("dirty.hole", "skips");
}

/* ---------------------------------------------------------------------- */
/* one buffer, harvested in pieces */

FIXTURE(ranges) {
	struct iod_dirty d;
	uint64_t seed;
	uint64_t unit;		/* every piece edge is a multiple of this */
	uint64_t n;		/* units in the buffer */
};

FIXTURE_VARIANT(ranges) {
	uint64_t len;
	uint64_t page_size;
};

#define RANGES_VARIANT(name, l, ps) \
	FIXTURE_VARIANT_ADD(ranges, name) { .len = (l), .page_size = (ps) }

RANGES_VARIANT(len256k_ps2k, 256 * K, 2 * K);
RANGES_VARIANT(len256k_ps4k, 256 * K, 4 * K);
RANGES_VARIANT(len256k_ps64k, 256 * K, 64 * K);
RANGES_VARIANT(len4m_ps2k, 4 * M, 2 * K);
RANGES_VARIANT(len4m_ps4k, 4 * M, 4 * K);
RANGES_VARIANT(len4m_ps64k, 4 * M, 64 * K);

FIXTURE_SETUP(ranges)
{
	struct iod_dirty_opts o = { .buf_len = variant->len, .enable = true };

	IOD_DIRTY_SETUP(&self->d, &o);
	self->seed = iod_seed();
	self->unit = range_unit(&self->d, variant->page_size);
	self->n = self->d.len / self->unit;
	ASSERT_LE(4, self->n) TH_LOG("the buffer must hold at least 4 range units of %llu bytes",
				     (unsigned long long)self->unit);
	TH_LOG("seed %llu (replay: IODIRTY_SEED=%llu), leaf %llu, range unit %llu",
	       (unsigned long long)self->seed, (unsigned long long)self->seed,
	       (unsigned long long)self->d.leaf,
	       (unsigned long long)self->unit);
	ASSERT_EQ(0, iod_scatter_writes(&self->d, self->seed, 24));
	ASSERT_NE(0, iod_fp_count(&self->d.fp));
}

FIXTURE_TEARDOWN(ranges)
{
	iod_dirty_teardown(&self->d);
}

/*
 * First half, second half: each matches (NO_CLEAR, then clearing); then
 * the whole buffer is clean.
 */
TEST_F(ranges, halves)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = variant->page_size, half = self->n / 2 * self->unit;

	IOD_ASSERT_HARVEST_FP(d, &d->fp,
			      IOD_HARVEST(d->iova, half, ps, IOD_NO_CLEAR));
	IOD_ASSERT_HARVEST_FP(d, &d->fp,
			      IOD_HARVEST(d->iova + half,
					  d->len - half, ps, IOD_NO_CLEAR));
	IOD_ASSERT_HARVEST_FP(d, &d->fp, IOD_HARVEST(d->iova, half, ps, 0));
	IOD_ASSERT_HARVEST_FP(d, &d->fp,
			      IOD_HARVEST(d->iova + half,
					  d->len - half, ps, 0));
	iod_fp_reset(&d->fp);
	IOD_ASSERT_HARVEST_FP(d, &d->fp, IOD_HARVEST(d->iova, d->len, ps, 0));
}

/*
 * Unequal pieces (one unit, two units, up to just past the middle, up to
 * the last unit, the last unit): each matches and clears only itself, so
 * the next piece still reports all of its bits; then all is clean.
 */
TEST_F(ranges, unequal_pieces)
{
	struct iod_dirty *d = &self->d;
	uint64_t cuts[] = { 0, 1, 3, self->n / 2 + 1, self->n - 1, self->n };
	uint64_t ps = variant->page_size, prev = 0;
	unsigned int i, pieces = 0;

	for (i = 1; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		if (cuts[i] <= prev)
			continue;
		IOD_ASSERT_HARVEST_FP(d, &d->fp,
				      IOD_HARVEST(d->iova + prev * self->unit,
						  (cuts[i] - prev) * self->unit,
						  ps, 0));
		prev = cuts[i];
		pieces++;
	}
	ASSERT_EQ(self->n, prev);
	ASSERT_LE(3, pieces);
	iod_fp_reset(&d->fp);
	IOD_ASSERT_HARVEST_FP(d, &d->fp, IOD_HARVEST(d->iova, d->len, ps, 0));
}

/*
 * Every unit harvested alone (a single page where the unit is the page
 * size): each matches; together they cleared the buffer.
 */
TEST_F(ranges, single_pages)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = variant->page_size, i;

	/* The last page first: order does not matter. */
	IOD_ASSERT_HARVEST_FP(d, &d->fp,
			      IOD_HARVEST(d->iova + (d->len - self->unit),
					  self->unit, ps, IOD_NO_CLEAR));
	for (i = 0; i < self->n; i++)
		IOD_ASSERT_HARVEST_FP(d, &d->fp,
				      IOD_HARVEST(d->iova + i * self->unit,
						  self->unit, ps, 0));
	iod_fp_reset(&d->fp);
	IOD_ASSERT_HARVEST_FP(d, &d->fp, IOD_HARVEST(d->iova, d->len, ps, 0));
}

/*
 * A clearing harvest of the middle piece leaves the pieces around it
 * intact: the whole buffer then reports everything but the middle; the
 * middle alone is clean; new writes there are reported by it alone.
 */
TEST_F(ranges, clear_one_piece)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = variant->page_size;
	uint64_t a = self->n / 4 * self->unit, b = self->n * 3 / 4 * self->unit;

	IOD_ASSERT_HARVEST_FP(d, &d->fp,
			      IOD_HARVEST(d->iova + a, b - a, ps, 0));
	ASSERT_EQ(0, iod_fp_clear(&d->fp, d->iova + a, b - a));
	ASSERT_NE(0, iod_fp_count(&d->fp));
	IOD_ASSERT_HARVEST_FP(d, &d->fp,
			      IOD_HARVEST(d->iova, d->len, ps, IOD_NO_CLEAR));
	IOD_ASSERT_HARVEST_FP(d, &d->fp,
			      IOD_HARVEST(d->iova + a, b - a, ps, 0));
	IOD_ASSERT_WRITE(d, b - 1, 1, 3);
	IOD_ASSERT_WRITE(d, a, 1, 4);
	IOD_ASSERT_HARVEST_FP(d, &d->fp,
			      IOD_HARVEST(d->iova + a, b - a, ps, 0));
	ASSERT_EQ(0, iod_fp_clear(&d->fp, d->iova + a, b - a));
	IOD_ASSERT_HARVEST_FP(d, &d->fp, IOD_HARVEST(d->iova, a, ps, 0));
	IOD_ASSERT_HARVEST_FP(d, &d->fp,
			      IOD_HARVEST(d->iova + b, d->len - b, ps, 0));
	iod_fp_reset(&d->fp);
	IOD_ASSERT_HARVEST_FP(d, &d->fp, IOD_HARVEST(d->iova, d->len, ps, 0));
}

/*
 * A range starting after the mapping's first IOVA and ending before its
 * end: it reports its part, clears only it, and the first and last units
 * (whose first and last bytes were written) stay for the next harvest.
 */
TEST_F(ranges, inside_mapping)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = variant->page_size, u = self->unit;

	ASSERT_TRUE(iod_fp_leaf_dirty(&d->fp, d->iova));
	ASSERT_TRUE(iod_fp_leaf_dirty(&d->fp, d->iova + d->len - 1));
	IOD_ASSERT_HARVEST_FP(d, &d->fp,
			      IOD_HARVEST(d->iova + u,
					  d->len - 2 * u, ps, IOD_NO_CLEAR));
	IOD_ASSERT_HARVEST_FP(d, &d->fp,
			      IOD_HARVEST(d->iova + u, u, ps, IOD_NO_CLEAR));
	IOD_ASSERT_HARVEST_FP(d, &d->fp,
			      IOD_HARVEST(d->iova + (d->len - 2 * u),
					  u, ps, IOD_NO_CLEAR));
	IOD_ASSERT_HARVEST_FP(d, &d->fp,
			      IOD_HARVEST(d->iova + u, d->len - 2 * u, ps, 0));
	ASSERT_EQ(0, iod_fp_clear(&d->fp, d->iova + u, d->len - 2 * u));
	ASSERT_LE(2, iod_fp_count(&d->fp));
	IOD_ASSERT_HARVEST_FP(d, &d->fp,
			      IOD_HARVEST(d->iova, d->len, ps, IOD_NO_CLEAR));
	IOD_ASSERT_HARVEST_FP(d, &d->fp, IOD_HARVEST(d->iova, u, ps, 0));
	IOD_ASSERT_HARVEST_FP(d, &d->fp,
			      IOD_HARVEST(d->iova + (d->len - u), u, ps, 0));
	iod_fp_reset(&d->fp);
	IOD_ASSERT_HARVEST_FP(d, &d->fp, IOD_HARVEST(d->iova, d->len, ps, 0));
}

/* ---------------------------------------------------------------------- */
/* several IOAS_MAP areas */

#define MAX_AREAS 3

struct area {
	uint64_t off;		/* from base */
	uint64_t len;
	void *va;
};

struct layout {
	uint64_t base;		/* first IOVA */
	uint64_t span;		/* bytes from base to the end of the last area */
	unsigned int n;
	struct area a[MAX_AREAS];
	void *mem[MAX_AREAS];	/* user buffers */
	uint64_t mem_len[MAX_AREAS];
	unsigned int nmem;
	struct iod_fp fp;	/* over [base, +span) */
};

static void layout_free(struct layout *l)
{
	unsigned int i;

	for (i = 0; i < l->nmem; i++)
		munmap(l->mem[i], l->mem_len[i]);
	iod_fp_free(&l->fp);
	memset(l, 0, sizeof(*l));
}

static void *map_user(struct layout *l, uint64_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	l->mem[l->nmem] = p;
	l->mem_len[l->nmem++] = len;
	return p;
}

/*
 * Map areas of `lens` bytes at IOVAs above the bench buffer, each area
 * `gaps[i]` bytes after the end of the one before (gaps[0] unused), into
 * the bench's space so the engine reaches them. Separate user buffers, or
 * one user buffer cut into the areas (`one_buffer`). Then tracking on:
 * enabling wipes whatever dirty state mapping left.
 */
static int layout_map(struct iod_dirty *d, struct layout *l,
		      const uint64_t *lens, const uint64_t *gaps,
		      unsigned int n, bool one_buffer)
{
	uint64_t total = 0, span = 0, off;
	uint8_t *one = NULL;
	unsigned int i;
	int rc;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < n; i++) {
		span += (i ? gaps[i] : 0) + lens[i];
		total += lens[i];
	}
	if (one_buffer) {
		one = map_user(l, total);
		if (!one)
			return -ENOMEM;
	}
	rc = iod_ioas_pick_iova(d->t.fd, d->t.ioas_id, span,
				iod_bench_iova_floor(d, 0), iod_bench_align(d),
				&l->base);
	if (rc)
		return rc;
	l->span = span;
	l->n = n;
	for (i = 0, off = 0, span = 0; i < n; i++) {
		struct area *a = &l->a[i];

		span += i ? gaps[i] : 0;
		a->off = span;
		a->len = lens[i];
		a->va = one ? one + off : map_user(l, lens[i]);
		if (!a->va)
			return -ENOMEM;
		rc = iod_space_map(&d->space, a->va, a->len, l->base + a->off);
		if (rc)
			return rc;
		off += lens[i];
		span += lens[i];
	}
	rc = iod_fp_init(&l->fp, l->base, l->span, d->leaf);
	if (!rc)
		rc = iod_bench_set_tracking(d, true);
	return rc;
}

/*
 * The device writes the first and the last byte of an area and a few
 * seeded runs inside it.
 */
static int dirty_area(struct iod_dirty *d, struct layout *l, unsigned int i,
		      uint64_t seed)
{
	const struct area *a = &l->a[i];
	uint64_t iova = l->base + a->off, maxw = 3 * d->leaf;
	struct iod_rand r;
	unsigned int k;
	int rc;

	iod_rand_init(&r, seed + i);
	if (maxw > a->len)
		maxw = a->len;
	rc = iod_engine_touch(&d->engine, iova, (uint8_t)seed, &l->fp);
	if (!rc)
		rc = iod_engine_touch(&d->engine, iova + a->len - 1,
				      (uint8_t)seed, &l->fp);
	for (k = 0; !rc && k < 4; k++) {
		uint64_t len = 1 + iod_rand_below(&r, maxw);
		uint64_t off = iod_rand_below(&r, a->len - len + 1);

		rc = iod_engine_write_cover(&d->engine, iova + off, len,
					    (uint8_t)(seed + k), &l->fp);
	}
	return rc;
}

static int dirty_all(struct iod_dirty *d, struct layout *l, uint64_t seed)
{
	unsigned int i;
	int rc = 0;

	for (i = 0; !rc && i < l->n; i++)
		rc = dirty_area(d, l, i, seed);
	return rc;
}

FIXTURE(areas) {
	struct iod_dirty d;
	struct layout l;
	uint64_t seed;
	uint64_t unit;
};

FIXTURE_VARIANT(areas) {
	uint64_t page_size;
	uint64_t lens[MAX_AREAS];
};

#define AREAS_VARIANT(name, ps, a, b, c) \
	FIXTURE_VARIANT_ADD(areas, name) { \
		.page_size = (ps), .lens = { (a), (b), (c) }, \
	}

AREAS_VARIANT(three_ps2k, 2 * K, 128 * K, 192 * K, 128 * K);
AREAS_VARIANT(three_ps4k, 4 * K, 128 * K, 192 * K, 128 * K);
AREAS_VARIANT(three_ps64k, 64 * K, 128 * K, 192 * K, 128 * K);
AREAS_VARIANT(small_small_big_ps4k, 4 * K, 64 * K, 64 * K, 1 * M);

FIXTURE_SETUP(areas)
{
	struct iod_dirty_opts o = { .buf_len = 64 * K };
	unsigned int i;

	memset(&self->l, 0, sizeof(self->l));
	IOD_DIRTY_SETUP(&self->d, &o);
	self->seed = iod_seed();
	self->unit = range_unit(&self->d, variant->page_size);
	for (i = 0; i < MAX_AREAS; i++)
		ASSERT_EQ(0, variant->lens[i] % self->unit)
			TH_LOG("area %u is not a multiple of %llu bytes", i,
			       (unsigned long long)self->unit);
	TH_LOG("seed %llu (replay: IODIRTY_SEED=%llu), dirty.hole = %s",
	       (unsigned long long)self->seed,
	       (unsigned long long)self->seed,
	       iod_rule("dirty.hole", "stops (unset)"));
}

FIXTURE_TEARDOWN(areas)
{
	iod_dirty_teardown(&self->d);
	layout_free(&self->l);
}

static const uint64_t no_gaps[MAX_AREAS];


/*
 * Three areas from three user buffers at adjacent IOVAs, one harvest over
 * all of them: exact, including the last byte of one area and the first
 * of the next; NO_CLEAR keeps them all, a clearing harvest clears them all.
 */
TEST_F(areas, one_harvest_all_areas)
{
	struct iod_dirty *d = &self->d;
	struct layout *l = &self->l;
	uint64_t ps = variant->page_size;

	ASSERT_EQ(0, layout_map(d, l, variant->lens, no_gaps, MAX_AREAS,
				false));
	ASSERT_EQ(0, dirty_all(d, l, self->seed));
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base, l->span, ps, IOD_NO_CLEAR));
	IOD_ASSERT_HARVEST_FP(d, &l->fp, IOD_HARVEST(l->base, l->span, ps, 0));
	iod_fp_reset(&l->fp);
	IOD_ASSERT_HARVEST_FP(d, &l->fp, IOD_HARVEST(l->base, l->span, ps, 0));
	/* Writes after the harvest, in the last area only. */
	ASSERT_EQ(0, dirty_area(d, l, MAX_AREAS - 1, self->seed + 9));
	IOD_ASSERT_HARVEST_FP(d, &l->fp, IOD_HARVEST(l->base, l->span, ps, 0));
}

/*
 * A range from inside the first area to inside the last one, across the
 * middle area: exact; it clears only itself, so the first unit of the
 * first area and the last unit of the last area still report.
 */
TEST_F(areas, inside_first_to_inside_last)
{
	struct iod_dirty *d = &self->d;
	struct layout *l = &self->l;
	uint64_t ps = variant->page_size, u = self->unit;
	uint64_t from, to;

	ASSERT_EQ(0, layout_map(d, l, variant->lens, no_gaps, MAX_AREAS,
				false));
	ASSERT_EQ(0, dirty_all(d, l, self->seed));
	from = u;
	to = l->span - u;
	ASSERT_LT(from, l->a[0].len);
	ASSERT_GT(to, l->a[MAX_AREAS - 1].off);
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base + from,
					  to - from, ps, IOD_NO_CLEAR));
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base + from, to - from, ps, 0));
	ASSERT_EQ(0, iod_fp_clear(&l->fp, l->base + from, to - from));
	ASSERT_TRUE(iod_fp_leaf_dirty(&l->fp, l->base));
	ASSERT_TRUE(iod_fp_leaf_dirty(&l->fp, l->base + l->span - 1));
	IOD_ASSERT_HARVEST_FP(d, &l->fp, IOD_HARVEST(l->base, l->span, ps, 0));
	iod_fp_reset(&l->fp);
	IOD_ASSERT_HARVEST_FP(d, &l->fp, IOD_HARVEST(l->base, l->span, ps, 0));
}

/*
 * A clearing harvest of the middle area alone leaves the areas around it
 * intact; each of them alone then matches.
 */
TEST_F(areas, clear_middle_area)
{
	struct iod_dirty *d = &self->d;
	struct layout *l = &self->l;
	uint64_t ps = variant->page_size;
	const struct area *m = &l->a[1];

	ASSERT_EQ(0, layout_map(d, l, variant->lens, no_gaps, MAX_AREAS,
				false));
	ASSERT_EQ(0, dirty_all(d, l, self->seed));
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base + m->off, m->len, ps, 0));
	ASSERT_EQ(0, iod_fp_clear(&l->fp, l->base + m->off, m->len));
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base, l->span, ps, IOD_NO_CLEAR));
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base + l->a[0].off,
					  l->a[0].len, ps, 0));
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base + l->a[2].off,
					  l->a[2].len, ps, 0));
	iod_fp_reset(&l->fp);
	IOD_ASSERT_HARVEST_FP(d, &l->fp, IOD_HARVEST(l->base, l->span, ps, 0));
}

/*
 * One user buffer mapped as three IOAS_MAPs at adjacent IOVAs: a harvest
 * across the cuts is exact, and so is one around a single cut.
 */
TEST_F(areas, split_user_buffer)
{
	struct iod_dirty *d = &self->d;
	struct layout *l = &self->l;
	uint64_t ps = variant->page_size, u = self->unit, cut, w;
	uint8_t *va;

	ASSERT_EQ(0, layout_map(d, l, variant->lens, no_gaps, MAX_AREAS,
				true));
	ASSERT_EQ(1, l->nmem);
	ASSERT_EQ((uint8_t *)l->a[0].va + l->a[0].len, l->a[1].va);
	ASSERT_EQ(0, dirty_all(d, l, self->seed));
	cut = l->a[1].off;
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base + (cut - u),
					  2 * u, ps, IOD_NO_CLEAR));
	IOD_ASSERT_HARVEST_FP(d, &l->fp, IOD_HARVEST(l->base, l->span, ps, 0));
	iod_fp_reset(&l->fp);
	IOD_ASSERT_HARVEST_FP(d, &l->fp, IOD_HARVEST(l->base, l->span, ps, 0));
	/*
	 * The units (bytes, or NVMe blocks) either side of a cut, written
	 * separately, land in the one buffer.
	 */
	w = iod_engine_unit(&d->engine);
	ASSERT_EQ(0, iod_engine_write(&d->engine, l->base + cut - w, w, 0x11,
				      &l->fp));
	ASSERT_EQ(0, iod_engine_write(&d->engine, l->base + cut, w, 0x22,
				      &l->fp));
	va = l->a[1].va;
	ASSERT_TRUE(iod_engine_check(&d->engine, l->base + cut - w, w, 0x11))
		TH_LOG("the byte below the cut is 0x%02x", va[-1]);
	ASSERT_TRUE(iod_engine_check(&d->engine, l->base + cut, w, 0x22))
		TH_LOG("the byte at the cut is 0x%02x", va[0]);
	ASSERT_EQ(2, iod_fp_count(&l->fp));
	IOD_ASSERT_HARVEST_FP(d, &l->fp, IOD_HARVEST(l->base, l->span, ps, 0));
}

/*
 * The device writes all three areas, then the middle one is unmapped
 * (IOAS_UNMAP): its dirty state goes with it, and it is a hole now. A
 * harvest across all three follows dirty.hole: "stops" reports only the
 * first area and leaves the last one for a later harvest of it alone;
 * "skips" reports the first and the last.
 */
TEST_F(areas, unmap_middle_after_writes)
{
	struct iod_dirty *d = &self->d;
	struct layout *l = &self->l;
	uint64_t ps = variant->page_size;
	const struct area *a0 = &l->a[0], *m = &l->a[1], *a2 = &l->a[2];
	struct iod_fp first = { 0 };

	ASSERT_EQ(0, layout_map(d, l, variant->lens, no_gaps, MAX_AREAS,
				false));
	ASSERT_EQ(0, dirty_all(d, l, self->seed));
	ASSERT_EQ(0, iod_space_unmap(&d->space, l->base + m->off));
	ASSERT_EQ(0, iod_fp_clear(&l->fp, l->base + m->off, m->len));
	ASSERT_NE(0, iod_fp_count(&l->fp));
	if (hole_stops()) {
		ASSERT_EQ(0, iod_fp_only(&first, &l->fp, l->base + a0->off,
				     a0->len));
		IOD_ASSERT_HARVEST_FP(d, &first,
				      IOD_HARVEST(l->base, l->span, ps, 0));
		iod_fp_free(&first);
		ASSERT_EQ(0, iod_fp_clear(&l->fp, l->base + a0->off, a0->len));
		/* The last area was neither reported nor cleared. */
		IOD_ASSERT_HARVEST_FP(d, &l->fp,
				      IOD_HARVEST(l->base + a2->off,
						  a2->len, ps, 0));
	} else {
		IOD_ASSERT_HARVEST_FP(d, &l->fp,
				      IOD_HARVEST(l->base, l->span, ps, 0));
	}
	iod_fp_reset(&l->fp);
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base + a0->off, a0->len, ps, 0));
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base + a2->off, a2->len, ps, 0));
}

/* ---------------------------------------------------------------------- */
/* holes: A0, an unmapped gap, then A1 and A2 at adjacent IOVAs */

FIXTURE(holes) {
	struct iod_dirty d;
	struct layout l;
	uint64_t seed;
	uint64_t hole_off, hole_len;
};

FIXTURE_VARIANT(holes) {
	uint64_t page_size;
};

FIXTURE_VARIANT_ADD(holes, ps2k) { .page_size = 2 * K };
FIXTURE_VARIANT_ADD(holes, ps4k) { .page_size = 4 * K };
FIXTURE_VARIANT_ADD(holes, ps64k) { .page_size = 64 * K };

FIXTURE_SETUP(holes)
{
	static const uint64_t lens[MAX_AREAS] = { 128 * K, 128 * K, 128 * K };
	static const uint64_t gaps[MAX_AREAS] = { 0, 128 * K, 0 };
	struct iod_dirty_opts o = { .buf_len = 64 * K };
	uint64_t unit;

	memset(&self->l, 0, sizeof(self->l));
	IOD_DIRTY_SETUP(&self->d, &o);
	self->seed = iod_seed();
	unit = range_unit(&self->d, variant->page_size);
	ASSERT_EQ(0, gaps[1] % unit);
	ASSERT_EQ(0, lens[0] % unit);
	ASSERT_EQ(0, layout_map(&self->d, &self->l, lens, gaps, MAX_AREAS,
				false));
	self->hole_off = self->l.a[0].len;
	self->hole_len = gaps[1];
	ASSERT_EQ(0, dirty_all(&self->d, &self->l, self->seed));
	TH_LOG("seed %llu (replay: IODIRTY_SEED=%llu), dirty.hole = %s",
	       (unsigned long long)self->seed, (unsigned long long)self->seed,
	       iod_rule("dirty.hole", "stops (unset)"));
}

FIXTURE_TEARDOWN(holes)
{
	iod_dirty_teardown(&self->d);
	layout_free(&self->l);
}

/*
 * A clearing harvest from A0 across the hole to the end of A2: rc 0 and
 * A0 reported. "stops": nothing after the hole is reported, and it is not
 * cleared either: A1 and A2 report it all later. "skips": A1 and A2 are
 * reported too (and cleared).
 */
TEST_F(holes, across_hole)
{
	struct iod_dirty *d = &self->d;
	struct layout *l = &self->l;
	uint64_t ps = variant->page_size, after = l->a[1].off;
	struct iod_fp first = { 0 };

	if (hole_stops()) {
		ASSERT_EQ(0, iod_fp_only(&first, &l->fp, l->base, l->a[0].len));
		IOD_ASSERT_HARVEST_FP(d, &first,
				      IOD_HARVEST(l->base, l->span, ps, 0));
		iod_fp_free(&first);
		ASSERT_EQ(0, iod_fp_clear(&l->fp, l->base, l->a[0].len));
		ASSERT_NE(0, iod_fp_count(&l->fp));
		IOD_ASSERT_HARVEST_FP(d, &l->fp,
				      IOD_HARVEST(l->base + after,
						  l->span - after, ps, 0));
	} else {
		IOD_ASSERT_HARVEST_FP(d, &l->fp,
				      IOD_HARVEST(l->base, l->span, ps, 0));
	}
	iod_fp_reset(&l->fp);
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base, l->a[0].len, ps, 0));
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base + after,
					  l->span - after, ps, 0));
}

/*
 * The same with NO_CLEAR: the bits as dirty.hole says, and nothing is
 * cleared anywhere: each area alone then reports all of its writes.
 */
TEST_F(holes, across_hole_no_clear)
{
	struct iod_dirty *d = &self->d;
	struct layout *l = &self->l;
	uint64_t ps = variant->page_size, after = l->a[1].off;
	struct iod_fp first = { 0 };

	if (hole_stops()) {
		ASSERT_EQ(0, iod_fp_only(&first, &l->fp, l->base, l->a[0].len));
		IOD_ASSERT_HARVEST_FP(d, &first,
				      IOD_HARVEST(l->base,
						  l->span, ps, IOD_NO_CLEAR));
		iod_fp_free(&first);
	} else {
		IOD_ASSERT_HARVEST_FP(d, &l->fp,
				      IOD_HARVEST(l->base,
						  l->span, ps, IOD_NO_CLEAR));
	}
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base, l->a[0].len, ps, 0));
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base + after, l->a[1].len, ps, 0));
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base + l->a[2].off,
					  l->a[2].len, ps, 0));
	iod_fp_reset(&l->fp);
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base + after,
					  l->span - after, ps, 0));
}

/*
 * A range that starts in the hole and ends at the end of A2. "stops":
 * rc 0, no bit, nothing cleared (A1 and A2 report it all afterwards).
 * "skips": A1 and A2 are reported. A0, outside the range, is untouched.
 */
TEST_F(holes, starts_in_hole)
{
	struct iod_dirty *d = &self->d;
	struct layout *l = &self->l;
	uint64_t ps = variant->page_size, after = l->a[1].off;
	uint64_t u = range_unit(d, ps);

	if (hole_stops()) {
		IOD_ASSERT_HARVEST_FP(d, NULL,
				      IOD_HARVEST(l->base + self->hole_off,
						  l->span - self->hole_off,
						  ps, 0));
		/* From the last unit of the hole: the same. */
		IOD_ASSERT_HARVEST_FP(d, NULL,
				      IOD_HARVEST(l->base + (after - u),
						  l->span - after + u, ps, 0));
	} else {
		IOD_ASSERT_HARVEST_FP(d, &l->fp,
				      IOD_HARVEST(l->base + self->hole_off,
						  l->span - self->hole_off,
						  ps, 0));
		ASSERT_EQ(0, iod_fp_clear(&l->fp, l->base + after,
					  l->span - after));
	}
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base + after,
					  l->span - after, ps, 0));
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base, l->a[0].len, ps, 0));
	iod_fp_reset(&l->fp);
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base, l->a[0].len, ps, 0));
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base + after,
					  l->span - after, ps, 0));
}

/*
 * A range from inside A0 that ends in the hole, and one wholly inside the
 * hole: rc 0 both; the first reports and clears its part of A0, the
 * second reports nothing. A1 and A2, outside both, stay intact.
 */
TEST_F(holes, ends_in_hole)
{
	struct iod_dirty *d = &self->d;
	struct layout *l = &self->l;
	uint64_t ps = variant->page_size, after = l->a[1].off;
	uint64_t from = l->a[0].len / 2;
	uint64_t to = self->hole_off + self->hole_len / 2;

	from -= from % range_unit(d, ps);
	to -= to % range_unit(d, ps);
	ASSERT_LT(self->hole_off, to);
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base + from, to - from, ps, 0));
	ASSERT_EQ(0, iod_fp_clear(&l->fp, l->base + from,
				  self->hole_off - from));
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base + self->hole_off,
					  self->hole_len, ps, 0));
	IOD_ASSERT_HARVEST_FP(d, &l->fp, IOD_HARVEST(l->base, from, ps, 0));
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base + after,
					  l->span - after, ps, 0));
	iod_fp_reset(&l->fp);
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base, self->hole_off, ps, 0));
	IOD_ASSERT_HARVEST_FP(d, &l->fp,
			      IOD_HARVEST(l->base + after,
					  l->span - after, ps, 0));
}

IOD_HARNESS_MAIN
