// SPDX-License-Identifier: GPL-2.0
/*
 * End to end through whatever DMA engine the run names (--engine NAME,
 * IODIRTY_ENGINE, else the profile's dma.engine): a seeded footprint of
 * non-overlapping device writes lands byte for byte, nothing lands outside
 * it, and, where the IOMMU tracks dirty pages, the harvest equals the
 * footprint. Where the profile says it cannot, the dirty allocation is
 * checked to fail as the profile says and the same footprint is driven
 * through a plain HWPT, so DMA and translation are still proven.
 *
 * Each case logs its seed; --seed <seed> (or IODIRTY_SEED=<seed>) replays
 * it. The runner runs this program once per engine the environment has
 * (IOD_RUNS_PER_ENGINE).
 */
#include <stdint.h>

#include "harness/iod_test.h"
#include "model/rand.h"
#include "util.h"

IOD_RUNS_PER_ENGINE

/* Slots the buffer is cut into: one write inside each chosen slot. */
#define MAX_WRITES 8

struct e2e_write {
	uint64_t off;
	uint64_t len;
	uint8_t seed;
};

FIXTURE(e2e) {
	struct iod_dirty d;
	uint64_t seed;
	unsigned int n;
	struct e2e_write w[MAX_WRITES];
};

FIXTURE_VARIANT(e2e) {
	uint64_t len;
	unsigned int writes;
	uint64_t max_write;	/* bytes; several engine operations if large */
};

FIXTURE_VARIANT_ADD(e2e, len64k_small) {
	.len = 64 * K, .writes = 4, .max_write = 2 * K,
};

FIXTURE_VARIANT_ADD(e2e, len1m_spanning) {
	.len = 1024 * K, .writes = 3, .max_write = 12 * K,
};

/*
 * Plan non-overlapping writes from the seed: the buffer is cut into
 * `writes` equal slots and each write lies inside its slot, at a random
 * offset, some crossing a leaf boundary. Offsets are multiples of ia and
 * lengths of la (the engine's alignment).
 */
static void plan(struct e2e_write *w, unsigned int n, uint64_t len,
		 uint64_t max_write, uint64_t seed, uint64_t ia, uint64_t la)
{
	uint64_t slot = len / n / ia * ia;
	struct iod_rand r;
	unsigned int i;

	iod_rand_init(&r, seed);
	for (i = 0; i < n; i++) {
		uint64_t l = la * (1 + iod_rand_below(&r, (max_write < slot ?
							   max_write : slot) / la));

		w[i].len = l;
		w[i].off = i * slot +
			   ia * iod_rand_below(&r, (slot - l) / ia + 1);
		w[i].seed = (uint8_t)(seed + 17 * i + 1);
	}
}

/* Is every byte outside the planned writes still zero? */
static bool outside_untouched(const struct iod_dirty *d,
			      const struct e2e_write *w, unsigned int n,
			      uint64_t *where)
{
	const uint8_t *p = d->buf;
	uint64_t i;
	unsigned int k;

	for (i = 0; i < d->len; i++) {
		bool inside = false;

		for (k = 0; k < n && !inside; k++)
			inside = i >= w[k].off && i < w[k].off + w[k].len;
		if (!inside && p[i]) {
			*where = i;
			return false;
		}
	}
	return true;
}

FIXTURE_SETUP(e2e)
{
	struct iod_dirty_opts o = {
		.buf_len = variant->len,
		.enable = true,
		.plain_if_incapable = true,
	};
	uint64_t ia, la;

	IOD_DIRTY_SETUP(&self->d, &o);
	self->seed = iod_seed();
	self->n = variant->writes;
	iod_engine_align(&self->d.engine, &ia, &la);
	plan(self->w, self->n, self->d.len, variant->max_write, self->seed,
	     ia, la);
	TH_LOG("engine %s, %s, seed %llu (replay: --seed %llu)",
	       self->d.engine.ops->name,
	       self->d.tracking ? "dirty-tracking HWPT" :
	       "plain HWPT: the profile says this IOMMU cannot track dirty pages",
	       (unsigned long long)self->seed,
	       (unsigned long long)self->seed);
}

FIXTURE_TEARDOWN(e2e)
{
	iod_dirty_teardown(&self->d);
}

static int issue(struct iod_dirty *d, const struct e2e_write *w)
{
	return iod_engine_write(&d->engine, d->iova + w->off, w->len, w->seed,
				&d->fp);
}

/* The footprint lands byte for byte, nothing outside it, harvest exact. */
TEST_F(e2e, footprint_lands_and_is_reported)
{
	uint64_t where = 0;
	unsigned int i;

	for (i = 0; i < self->n; i++)
		ASSERT_EQ(0, issue(&self->d, &self->w[i]));
	for (i = 0; i < self->n; i++)
		ASSERT_TRUE(iod_engine_check(&self->d.engine,
					     self->d.iova + self->w[i].off,
					     self->w[i].len, self->w[i].seed))
			TH_LOG("write %u: %llu bytes at +0x%llx did not land",
			       i, (unsigned long long)self->w[i].len,
			       (unsigned long long)self->w[i].off);
	ASSERT_TRUE(outside_untouched(&self->d, self->w, self->n, &where))
		TH_LOG("byte +0x%llx outside the footprint changed",
		       (unsigned long long)where);
	if (self->d.tracking)
		IOD_ASSERT_HARVEST(&self->d, self->d.base_leaf, 0);
}

/* Device reads move data out and change nothing, dirty nothing. */
TEST_F(e2e, reads_change_and_dirty_nothing)
{
	uint64_t where = 0;

	ASSERT_EQ(0, issue(&self->d, &self->w[0]));
	if (self->d.tracking) {
		IOD_ASSERT_HARVEST(&self->d, self->d.base_leaf, 0);
		iod_fp_reset(&self->d.fp);
	}
	IOD_ASSERT_READ(&self->d, self->w[0].off, self->w[0].len);
	ASSERT_TRUE(iod_engine_check(&self->d.engine,
				     self->d.iova + self->w[0].off,
				     self->w[0].len, self->w[0].seed));
	ASSERT_TRUE(outside_untouched(&self->d, self->w, 1, &where));
	if (self->d.tracking)
		IOD_ASSERT_HARVEST(&self->d, self->d.base_leaf, 0);
}

/* Writes after a harvest are reported by the next one, and only they. */
TEST_F(e2e, writes_after_harvest)
{
	unsigned int i, half = self->n / 2;

	if (!self->d.tracking)
		SKIP(return, "the profile says this IOMMU cannot track dirty pages: there is no harvest to repeat");
	for (i = 0; i < half; i++)
		ASSERT_EQ(0, issue(&self->d, &self->w[i]));
	IOD_ASSERT_HARVEST(&self->d, self->d.base_leaf, 0);
	iod_fp_reset(&self->d.fp);
	for (i = half; i < self->n; i++)
		ASSERT_EQ(0, issue(&self->d, &self->w[i]));
	IOD_ASSERT_HARVEST(&self->d, self->d.base_leaf, 0);
	for (i = 0; i < self->n; i++)
		ASSERT_TRUE(iod_engine_check(&self->d.engine,
					     self->d.iova + self->w[i].off,
					     self->w[i].len, self->w[i].seed));
}

/*
 * The same writes again after a clearing harvest are reported again: the
 * NO_CLEAR harvest and the clearing one both equal the footprint, the next
 * harvest is empty, and re-issuing every write dirties its leaves anew (the
 * IOMMU sets D again; a translation it cached with D set before the
 * harvest must not hide the re-dirtying).
 */
TEST_F(e2e, same_writes_again_after_clearing_harvest)
{
	unsigned int i;

	if (!self->d.tracking)
		SKIP(return, "the profile says this IOMMU cannot track dirty pages: there is no harvest to repeat");
	for (i = 0; i < self->n; i++)
		ASSERT_EQ(0, issue(&self->d, &self->w[i]));
	IOD_ASSERT_HARVEST(&self->d, self->d.base_leaf, IOD_NO_CLEAR);
	IOD_ASSERT_HARVEST(&self->d, self->d.base_leaf, 0);
	iod_fp_reset(&self->d.fp);
	IOD_ASSERT_HARVEST(&self->d, self->d.base_leaf, 0);
	for (i = 0; i < self->n; i++)
		ASSERT_EQ(0, issue(&self->d, &self->w[i]));
	IOD_ASSERT_HARVEST(&self->d, self->d.base_leaf, 0);
}

/*
 * A write of one whole leaf to an IOVA nothing is mapped at (the leaf below
 * the buffer: the bench maps nothing under it) is blocked: the engine reports an error or
 * completes without effect (devices differ), nothing lands in the buffer
 * and, with tracking on, nothing is reported.
 */
TEST_F(e2e, unmapped_write_blocked)
{
	uint64_t hole = self->d.iova - self->d.leaf;
	uint64_t where = 0;
	int kfd = iod_kmsg_open();
	bool untouched;
	int rc;

	ASSERT_EQ(NULL, iod_space_va(&self->d.space, hole, self->d.leaf));
	rc = iod_engine_write(&self->d.engine, hole, self->d.leaf,
			      self->w[0].seed, NULL);
	ASSERT_TRUE(rc == 0 || rc == -EFAULT)
		TH_LOG("engine write to an unmapped IOVA: %s",
		       iod_errno_name(-rc));
	untouched = outside_untouched(&self->d, self->w, 0, &where);
	if (!untouched)
		TH_LOG("byte +0x%llx of the buffer changed",
		       (unsigned long long)where);
	IOD_XFAIL_IF_LAB_DEFECT(!untouched);
	ASSERT_TRUE(untouched);
	if (self->d.tracking)
		IOD_ASSERT_HARVEST(&self->d, self->d.base_leaf, 0);
	/* a blocked DMA is a logged fault, never a splat */
	IOD_ASSERT_NO_SPLAT(kfd);
}

/*
 * Whole, aligned IOMMU pages, the commonest DMA there is: every other base
 * page (iod_base_leaf()) of the buffer's first 16, each one write of
 * exactly one page.
 */
TEST_F(e2e, whole_pages_land)
{
	struct e2e_write w[8];
	uint64_t pg = self->d.base_leaf, where = 0;
	unsigned int i, n = 0;

	for (i = 0; i < 16 && (i + 1) * pg <= self->d.len; i += 2, n++) {
		w[n].off = i * pg;
		w[n].len = pg;
		w[n].seed = (uint8_t)(self->seed + 3 * i + 1);
	}
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, issue(&self->d, &w[i]));
	for (i = 0; i < n; i++) {
		bool landed = iod_engine_check(&self->d.engine,
					       self->d.iova + w[i].off,
					       w[i].len, w[i].seed);

		if (!landed)
			TH_LOG("page at +0x%llx did not land whole",
			       (unsigned long long)w[i].off);
		IOD_XFAIL_IF_LAB_DEFECT(!landed);
		ASSERT_TRUE(landed);
	}
	ASSERT_TRUE(outside_untouched(&self->d, w, n, &where))
		TH_LOG("byte +0x%llx outside the pages changed",
		       (unsigned long long)where);
	if (self->d.tracking)
		IOD_ASSERT_HARVEST(&self->d, self->d.base_leaf, 0);
}

/*
 * Unmap the buffer while the device is idle: a write then is blocked and
 * lands nowhere. Map the same memory at the same IOVA again: writes land
 * again, what landed before the unmap is still there, and with tracking
 * only the writes after the re-map are reported (the unmap took the old
 * IOPTEs and their dirty bits with it).
 */
TEST_F(e2e, unmap_remap_idle_device)
{
	uint64_t where = 0;
	int rc;

	ASSERT_LE(2, self->n);
	ASSERT_EQ(0, issue(&self->d, &self->w[0]));
	ASSERT_EQ(0, iod_space_unmap(&self->d.space, self->d.iova));
	iod_fp_reset(&self->d.fp);

	rc = iod_engine_write(&self->d.engine, self->d.iova + self->w[1].off,
			      self->w[1].len, self->w[1].seed, NULL);
	ASSERT_TRUE(rc == 0 || rc == -EFAULT)
		TH_LOG("engine write to the unmapped buffer: %s",
		       iod_errno_name(-rc));
	ASSERT_TRUE(outside_untouched(&self->d, self->w, 1, &where))
		TH_LOG("byte +0x%llx changed while the buffer was unmapped",
		       (unsigned long long)where);

	ASSERT_EQ(0, iod_bench_map(&self->d, self->d.buf, self->d.len,
				   self->d.iova));
	ASSERT_EQ(0, issue(&self->d, &self->w[1]));
	ASSERT_TRUE(iod_engine_check(&self->d.engine,
				     self->d.iova + self->w[0].off,
				     self->w[0].len, self->w[0].seed));
	ASSERT_TRUE(iod_engine_check(&self->d.engine,
				     self->d.iova + self->w[1].off,
				     self->w[1].len, self->w[1].seed));
	ASSERT_TRUE(outside_untouched(&self->d, self->w, 2, &where))
		TH_LOG("byte +0x%llx outside the writes changed",
		       (unsigned long long)where);
	if (self->d.tracking)
		IOD_ASSERT_HARVEST(&self->d, self->d.base_leaf, 0);
}

/*
 * Two devices attached to one HWPT write alternate parts of the footprint:
 * every byte lands, nothing outside it, and with tracking one harvest
 * reports both devices' writes.
 */
TEST_F(e2e, two_devices_one_hwpt)
{
	const char *pname = self->d.engine.ops->peer;
	const struct iod_engine_ops *pops = iod_engine_find(pname);
	struct iod_engine pe = { 0 };
	struct iod_target peer;
	uint64_t ia, la, pia, pla, where = 0;
	char why[384] = "";
	const char *cdev = NULL;
	unsigned int i;
	uint32_t pt;
	int rc;

	if (!pops)
		SKIP(return, "engine %s names no engine for a second device",
		     self->d.engine.ops->name);
	if (!self->d.t.mock) {
		cdev = iod_env_device(pops->device);
		if (!cdev)
			SKIP(return, "no second device: IODIRTY_DEVICES names no %s next to the run's %s",
			     pops->device, self->d.engine.ops->name);
	}
	ASSERT_EQ(0, iod_target_open_peer(&peer, &self->d.t, cdev, why,
					  sizeof(why)))
		TH_LOG("%s", why);
	pt = self->d.t.pt_id;
	rc = iod_target_attach(&peer, pt);
	ASSERT_EQ(0, rc) TH_LOG("attaching the second device to the first's page table %u: %s",
				pt, iod_errno_name(-rc));
	ASSERT_EQ(self->d.t.pt_id, peer.pt_id)
		TH_LOG("the second device landed on page table %u, not %u",
		       peer.pt_id, self->d.t.pt_id);
	rc = iod_engine_open(&pe, pname, &peer, &self->d.space);
	ASSERT_EQ(0, rc) TH_LOG("engine %s on the second device: %s %s", pname,
				iod_errno_name(-rc), pe.why);

	/* one plan both engines can carry */
	iod_engine_align(&self->d.engine, &ia, &la);
	iod_engine_align(&pe, &pia, &pla);
	plan(self->w, self->n, self->d.len, 2 * K, self->seed,
	     ia > pia ? ia : pia, la > pla ? la : pla);
	for (i = 0; i < self->n; i++)
		ASSERT_EQ(0, iod_engine_write(i % 2 ? &pe : &self->d.engine,
					      self->d.iova + self->w[i].off,
					      self->w[i].len, self->w[i].seed,
					      &self->d.fp))
			TH_LOG("write %u by %s", i,
			       i % 2 ? pname : self->d.engine.ops->name);
	for (i = 0; i < self->n; i++)
		ASSERT_TRUE(iod_engine_check(i % 2 ? &pe : &self->d.engine,
					     self->d.iova + self->w[i].off,
					     self->w[i].len, self->w[i].seed))
			TH_LOG("write %u by %s did not land", i,
			       i % 2 ? pname : self->d.engine.ops->name);
	ASSERT_TRUE(outside_untouched(&self->d, self->w, self->n, &where))
		TH_LOG("byte +0x%llx outside the writes changed",
		       (unsigned long long)where);
	if (self->d.tracking)
		IOD_ASSERT_HARVEST(&self->d, self->d.base_leaf, 0);
	iod_engine_close(&pe);
	iod_target_detach(&peer);
	iod_target_close(&peer);
}

IOD_HARNESS_MAIN
