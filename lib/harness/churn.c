// SPDX-License-Identifier: GPL-2.0
/*
 * Churn around tracked areas: the region of areas next to a dirty bench,
 * the churn thread's operations on it, clean-known writes and the judge of
 * one harvest over them (harness/churn.h says what it asserts).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "clock.h"
#include "harness/churn.h"
#include "harness/rules.h"
#include "uapi/iommufd.h"
#include "uapi/mock.h"
#include "util.h"

/* A harvest range larger than this many leaves is not what a case asks. */
#define MAX_BITS (1ull << 20)

int iod_churn_init(struct iod_churn *c, struct iod_dirty *d, uint64_t area_leaves,
		   char *why, size_t len)
{
	uint64_t align = iod_max_u64(d->leaf, iod_host_page());
	int rc;

	memset(c, 0, sizeof(*c));
	c->d = d;
	c->area_len = area_leaves * d->leaf;
	if (c->area_len % iod_host_page())
		c->area_len += iod_host_page() - c->area_len % iod_host_page();
	c->nlen = IOD_CHURN_AREAS * c->area_len;
	c->new_mapping_dirty = iod_rule_is("dirty.new_mapping", "dirty");
	c->hole_skips = iod_rule_is("dirty.hole", "skips");
	c->nbuf = mmap(NULL, c->nlen, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (c->nbuf == MAP_FAILED) {
		c->nbuf = NULL;
		snprintf(why, len, "mmap of %" PRIu64 " bytes failed", c->nlen);
		return -ENOMEM;
	}
	/*
	 * Right above the bench and what its engine mapped, so a harvest from
	 * the bench up meets no hole before the region.
	 */
	c->floor = iod_bench_iova_floor(d, 0);
	c->floor = (c->floor + align - 1) / align * align;
	rc = iod_ioas_pick_iova(d->t.fd, d->t.ioas_id, c->nlen, c->floor, align,
				&c->niova);
	if (rc)
		snprintf(why, len, "no free IOVA range of %" PRIu64 " bytes: %s",
			 c->nlen, strerror(-rc));
	return rc;
}

void iod_churn_fini(struct iod_churn *c)
{
	unsigned int a;

	if (!c->d)
		return;
	for (a = 0; a < IOD_CHURN_AREAS; a++) {
		if (c->mapped[a])
			iod_ioas_unmap(c->d->t.fd, c->d->t.ioas_id,
				       iod_churn_area_iova(c, a), c->area_len,
				       NULL);
		if (c->stable_mapped[a])
			iod_space_unmap(&c->d->space, iod_churn_area_iova(c, a));
	}
	if (c->nbuf)
		munmap(c->nbuf, c->nlen);
	free(c->bm);
	memset(c, 0, sizeof(*c));
}

int iod_churn_map_stable(struct iod_churn *c, unsigned int a)
{
	int rc = iod_bench_map(c->d, (char *)c->nbuf + a * c->area_len,
			       c->area_len, iod_churn_area_iova(c, a));

	if (!rc)
		c->stable_mapped[a] = true;
	return rc;
}

int iod_churn_range(struct iod_churn *c, uint64_t iova, uint64_t end)
{
	c->h_iova = iova;
	c->h_end = end;
	c->nbits = (end - iova) / c->d->leaf;
	if (c->nbits > MAX_BITS)
		return -E2BIG;
	free(c->bm);
	c->bm = calloc((c->nbits + 63) / 64, sizeof(uint64_t));
	return c->bm ? 0 : -ENOMEM;
}

int iod_churn_fail(struct iod_churn *c, const char *fmt, ...)
{
	bool was = false;
	va_list ap;

	if (atomic_compare_exchange_strong(&c->failed, &was, true)) {
		va_start(ap, fmt);
		vsnprintf(c->rep, sizeof(c->rep), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

int iod_churn_claim(struct iod_churn *c, uint64_t rnd)
{
	unsigned int k, i;

	for (k = 0; k < c->nleaves; k++) {
		int clean = IOD_LEAF_CLEAN;

		i = (unsigned int)((rnd + k) % c->nleaves);
		if (atomic_compare_exchange_strong(&c->leaf[i], &clean,
						   IOD_LEAF_WRITING))
			return (int)i;
	}
	return -1;
}

void iod_churn_written(struct iod_churn *c, unsigned int i)
{
	int writing = IOD_LEAF_WRITING;

	/* fails when a harvest already reported the leaf: it is clean again */
	atomic_compare_exchange_strong(&c->leaf[i], &writing, IOD_LEAF_WRITTEN);
}

static int logged(struct iod_oplog *log, const char *name, uint64_t a0,
		  uint64_t a1, uint64_t a2, uint64_t t_in, int rc)
{
	return iod_oplog_add(log, name, a0, a1, a2, t_in, iod_now_ns(), rc);
}

/* Every base page of area a dirty in the bench's HWPT (the mock only). */
static int mark_area(struct iod_churn *c, unsigned int a, struct iod_oplog *log)
{
	struct iod_dirty *d = c->d;
	uint64_t pages = c->area_len / d->base_leaf, nr = 0, t;
	uint8_t ones[IOD_CHURN_MAX_LEAVES * 4];
	int rc;

	if (pages > sizeof(ones) * 8)
		return -E2BIG;
	memset(ones, 0xff, sizeof(ones));
	atomic_fetch_add(&c->area_gen[a], 1);	/* odd: marks may be there */
	t = iod_now_ns();
	rc = iod_mock_set_dirty(d->t.fd, d->hwpt_id, iod_churn_area_iova(c, a),
				c->area_len, d->base_leaf, ones, &nr);
	logged(log, "MARK_AREA", a, nr, rc, t, rc);
	if (!rc && nr != pages)
		return iod_churn_fail(c, "OP_DIRTY of area %u marked %" PRIu64
				      " of its %" PRIu64 " pages", a, nr, pages);
	return rc;
}

static int churn_map(struct iod_churn *c, unsigned int a, bool map,
		     struct iod_oplog *log)
{
	struct iod_dirty *d = c->d;
	uint64_t iova = iod_churn_area_iova(c, a), t = iod_now_ns();
	int rc;

	if (map) {
		rc = iod_ioas_map_fixed(d->t.fd, d->t.ioas_id,
					(char *)c->nbuf + a * c->area_len,
					c->area_len, iova);
		logged(log, "IOAS_MAP", a, iova, c->area_len, t, rc);
	} else {
		rc = iod_ioas_unmap(d->t.fd, d->t.ioas_id, iova, c->area_len,
				    NULL);
		logged(log, "IOAS_UNMAP", a, iova, c->area_len, t, rc);
	}
	if (rc)
		return iod_churn_fail(c, "%s of area %u at 0x%" PRIx64 ": %s",
				      map ? "IOAS_MAP" : "IOAS_UNMAP", a, iova,
				      strerror(-rc));
	c->mapped[a] = map;
	/* unmapped: the marks went with the IOPTEs */
	if (!map && atomic_load(&c->area_gen[a]) & 1)
		atomic_fetch_add(&c->area_gen[a], 1);
	return 0;
}

int iod_churn_step(struct iod_churn *c, uint64_t rnd, bool mark,
		   struct iod_oplog *log)
{
	unsigned int a, n = 0, pick[IOD_CHURN_AREAS];

	for (a = 0; a < IOD_CHURN_AREAS; a++)
		if (c->churned >> a & 1)
			pick[n++] = a;
	if (!n)
		return 0;
	a = pick[rnd % n];
	rnd /= n;
	if (!c->mapped[a])
		return churn_map(c, a, true, log);
	/* a mapping is marked at most once: its pages were clean before */
	if (mark && c->d->t.mock && !(atomic_load(&c->area_gen[a]) & 1) &&
	    rnd & 1)
		return mark_area(c, a, log);
	return churn_map(c, a, false, log);
}

int iod_churn_settle(struct iod_churn *c, bool mapped, struct iod_oplog *log)
{
	unsigned int a;
	int rc;

	for (a = 0; a < IOD_CHURN_AREAS; a++) {
		if (!(c->churned >> a & 1) || c->mapped[a] == mapped)
			continue;
		rc = churn_map(c, a, mapped, log);
		if (rc)
			return rc;
	}
	return 0;
}

static bool bit(const uint64_t *bm, uint64_t i)
{
	return bm[i / 64] >> (i % 64) & 1;
}

/* The bits of churned area a: allowed only while it may hold marks. */
static int judge_area(struct iod_churn *c, unsigned int a, unsigned int g0,
		      unsigned int g1)
{
	uint64_t first, i, n = 0;

	if (c->new_mapping_dirty || g0 & 1 || g0 != g1)
		return 0;
	if (iod_churn_area_iova(c, a) < c->h_iova ||
	    iod_churn_area_iova(c, a) + c->area_len > c->h_end)
		return 0;
	first = (iod_churn_area_iova(c, a) - c->h_iova) / c->d->leaf;
	for (i = 0; i < c->area_len / c->d->leaf; i++)
		n += bit(c->bm, first + i);
	if (!n)
		return 0;
	return iod_churn_fail(c, "phantom: %" PRIu64 " bit(s) in churned area %u "
			      "(IOVA 0x%" PRIx64 "), which held no mark since it "
			      "was mapped (dirty.new_mapping = clean)", n, a,
			      iod_churn_area_iova(c, a));
}

int iod_churn_harvest(struct iod_churn *c, struct iod_oplog *log,
		      struct iod_stress_figures *fig)
{
	unsigned int g0[IOD_CHURN_AREAS], g1, a, i;
	bool must[IOD_CHURN_MAX_LEAVES];
	uint64_t t;
	int rc;

	for (a = 0; a < IOD_CHURN_AREAS; a++)
		g0[a] = atomic_load(&c->area_gen[a]);
	for (i = 0; i < c->nleaves; i++)
		must[i] = atomic_load(&c->leaf[i]) == IOD_LEAF_WRITTEN;
	memset(c->bm, 0, (c->nbits + 63) / 64 * sizeof(uint64_t));
	t = iod_now_ns();
	rc = iod_get_dirty_bitmap(c->d->t.fd, c->d->hwpt_id, c->h_iova,
				  c->h_end - c->h_iova, c->d->leaf, c->bm, 0);
	logged(log, "GET_DIRTY_BITMAP", c->h_iova, c->h_end - c->h_iova,
	       c->bm[0], t, rc);
	fig->ops++;
	if (rc)
		return iod_churn_fail(c, "GET_DIRTY_BITMAP over [0x%" PRIx64
				      ", 0x%" PRIx64 ") failed: %s (a hole or an "
				      "area being mapped gives rc 0)", c->h_iova,
				      c->h_end, strerror(-rc));
	fig->harvests++;
	fig->bits_checked += c->nbits;
	for (i = 0; i < c->nleaves; i++) {
		uint64_t b = (c->leaf_iova[i] - c->h_iova) / c->d->leaf;
		bool reach = c->hole_skips || i < c->reach_all;

		if (bit(c->bm, b)) {
			if (atomic_exchange(&c->leaf[i], IOD_LEAF_CLEAN) ==
			    IOD_LEAF_CLEAN)
				return iod_churn_fail(c, "phantom: leaf %u (IOVA "
						      "0x%" PRIx64 ") reported, "
						      "not written since its last "
						      "report", i, c->leaf_iova[i]);
		} else if (must[i] && reach) {
			return iod_churn_fail(c, "lost: leaf %u (IOVA 0x%" PRIx64
					      ") was written before the harvest "
					      "started and is not in it", i,
					      c->leaf_iova[i]);
		}
	}
	for (a = 0; a < IOD_CHURN_AREAS; a++) {
		if (!(c->churned >> a & 1))
			continue;
		g1 = atomic_load(&c->area_gen[a]);
		rc = judge_area(c, a, g0[a], g1);
		if (rc)
			return rc;
	}
	return 0;
}
