// SPDX-License-Identifier: GPL-2.0
/*
 * The tracking state machine: enabling wipes every earlier dirty bit (also
 * when tracking is already on, and dirt a NO_CLEAR harvest left behind);
 * disabling keeps the HWPT translating and re-enabling reports new writes
 * exactly; rounds of enable/disable report each on-period's writes and
 * nothing of the off periods; what GET_DIRTY_BITMAP returns while tracking
 * is off (the profile's dirty.get_while_disabled); and SET with the state
 * it already has.
 */
#include <stdint.h>
#include <string.h>

#include "harness/iod_test.h"
#include "uapi/iommufd.h"
#include "model/rand.h"
#include "harness/scatter.h"
#include "util.h"

/* The profile's dirty.get_while_disabled, or NULL if it states none. */
static const char *off_rule(void)
{
	return iod_profile_enum(iod_env.profile, "dirty.get_while_disabled");
}

/* Does the IOMMU keep recording writes while tracking is off? */
static bool off_reports(void)
{
	const char *v = off_rule();

	return v && !strcmp(v, "reports");
}

/*
 * A device write while tracking is off: it lands in memory, and it is in
 * the footprint only where the profile says the IOMMU still records it.
 */
static int off_write(struct iod_dirty *d, uint64_t off, uint64_t len,
		     uint8_t seed)
{
	return iod_engine_write(&d->engine, d->iova + off, len, seed,
				off_reports() ? &d->fp : NULL);
}

/* Scattered writes while tracking is off (same rule as off_write). */
static int off_scatter(struct iod_dirty *d, uint64_t seed, unsigned int n)
{
	struct iod_rand r;
	unsigned int i;
	int rc = 0;

	iod_rand_init(&r, seed);
	for (i = 0; !rc && i < n; i++) {
		uint64_t len = 1 + iod_rand_below(&r, 2 * d->leaf);
		uint64_t off;

		if (len > d->len)
			len = d->len;
		off = iod_rand_below(&r, d->len - len + 1);
		rc = off_write(d, off, len, (uint8_t)(seed + i));
	}
	return rc;
}

/*
 * Harvest the whole buffer while tracking is off and compare it with what
 * the profile says: nothing ("empty"), or the footprint ("reports").
 * 0 when it matches, the number of wrong bits, or -errno.
 */
static int64_t harvest_off(struct iod_dirty *d, uint64_t page_size,
			   uint32_t flags, char *rep, size_t rlen)
{
	return iod_harvest_compare(d, off_reports() ? &d->fp : NULL,
				   IOD_HARVEST(d->iova, d->len, page_size,
					       flags),
				   NULL, rep, rlen);
}

#define ASSERT_HARVEST_OFF(d, page_size, flags) do { \
	char __rep[512] = ""; \
	int64_t __w = harvest_off((d), (page_size), (flags), __rep, \
				  sizeof(__rep)); \
	ASSERT_EQ(0, __w) TH_LOG("harvest while tracking is off (profile: dirty.get_while_disabled = %s) at page size %llu: %s", \
				 off_rule(), (unsigned long long)(page_size), \
				 __w < 0 ? iod_errno_name((int)-__w) : __rep); \
} while (0)

#define NEED_OFF_RULE() do { \
	if (!off_rule()) \
		SKIP(return, "profile %s does not state dirty.get_while_disabled", \
		     iod_profile_path(iod_env.profile)); \
} while (0)

#define SET_TRACKING(d, on) \
	ASSERT_EQ(0, iod_set_dirty_tracking((d)->t.fd, (d)->hwpt_id, (on)))

/* Enable: every earlier dirty bit is wiped, so the model starts empty. */
#define ENABLE(d) do { \
	SET_TRACKING(d, true); \
	iod_fp_reset(&(d)->fp); \
} while (0)

FIXTURE_VARIANT(state) {
	uint64_t len;
	uint64_t page_size;
};

/* Tracking on at set-up. */
FIXTURE(state) {
	struct iod_dirty d;
	uint64_t seed;
};

#define SV(name, l, ps) \
	FIXTURE_VARIANT_ADD(state, name) { .len = (l), .page_size = (ps) }

SV(len64k_ps2k, 64 * K, 2 * K);
SV(len64k_ps4k, 64 * K, 4 * K);
SV(len64k_ps64k, 64 * K, 64 * K);
SV(len1m_ps2k, 1 * M, 2 * K);
SV(len1m_ps4k, 1 * M, 4 * K);
SV(len1m_ps64k, 1 * M, 64 * K);
SV(len64m_ps2k, 64 * M, 2 * K);
SV(len64m_ps4k, 64 * M, 4 * K);
SV(len64m_ps64k, 64 * M, 64 * K);

static void log_seed(struct __test_metadata *_metadata, uint64_t seed,
		     uint64_t leaf)
{
	TH_LOG("seed %llu (replay: IODIRTY_SEED=%llu), leaf %llu",
	       (unsigned long long)seed, (unsigned long long)seed,
	       (unsigned long long)leaf);
}

FIXTURE_SETUP(state)
{
	struct iod_dirty_opts o = {
		.buf_len = variant->len,
		.enable = true,
	};

	IOD_DIRTY_SETUP(&self->d, &o);
	self->seed = iod_seed();
	log_seed(_metadata, self->seed, self->d.leaf);
}

FIXTURE_TEARDOWN(state)
{
	iod_dirty_teardown(&self->d);
}

/*
 * Enabling while tracking is already on wipes what was written; tracking
 * stays on, so the next writes are reported exactly.
 */
TEST_F(state, enable_again_wipes)
{
	struct iod_dirty *d = &self->d;

	ASSERT_EQ(0, iod_scatter_writes(d, self->seed, 16));
	ASSERT_NE(0, iod_fp_count(&d->fp));
	ENABLE(d);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed + 1, 16));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	iod_fp_reset(&d->fp);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
}

/* Dirt a NO_CLEAR harvest reported and left in place is wiped by enable. */
TEST_F(state, enable_wipes_no_clear_leftover)
{
	struct iod_dirty *d = &self->d;

	ASSERT_EQ(0, iod_scatter_writes(d, self->seed, 16));
	IOD_ASSERT_HARVEST(d, variant->page_size,
			   IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	ENABLE(d);
	IOD_ASSERT_HARVEST(d, variant->page_size,
			   IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
}

/* On, write, off, on: nothing of the first period is left. */
TEST_F(state, off_on_wipes)
{
	struct iod_dirty *d = &self->d;

	ASSERT_EQ(0, iod_engine_write(&d->engine, d->iova, d->len,
				      (uint8_t)self->seed, &d->fp));
	ASSERT_EQ(d->len / d->leaf, iod_fp_count(&d->fp));
	SET_TRACKING(d, false);
	ENABLE(d);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed + 1, 12));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
}

/*
 * After disable the HWPT still translates: the device's writes land where
 * they should, and once tracking is back on only the new writes are
 * reported, exactly.
 */
TEST_F(state, disable_keeps_hwpt_usable)
{
	struct iod_dirty *d = &self->d;
	uint64_t quarter = d->len / 4;
	uint8_t s = (uint8_t)self->seed;

	ASSERT_EQ(0, iod_scatter_writes(d, self->seed, 8));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	iod_fp_reset(&d->fp);
	SET_TRACKING(d, false);

	/* Off: the first and the third quarter, and one byte at the end. */
	ASSERT_EQ(0, off_write(d, 0, quarter, s + 1));
	ASSERT_EQ(0, off_write(d, 2 * quarter + 1, quarter - 1, s + 2));
	ASSERT_EQ(0, off_write(d, d->len - 1, 1, s + 3));
	ASSERT_TRUE(iod_engine_check(&d->engine, d->iova, quarter, s + 1));
	ASSERT_TRUE(iod_engine_check(&d->engine, d->iova + 2 * quarter + 1,
				     quarter - 1, s + 2));
	ASSERT_TRUE(iod_engine_check(&d->engine, d->iova + d->len - 1, 1,
				     s + 3));
	ASSERT_EQ(0, iod_engine_read(&d->engine, d->iova, d->len));

	ENABLE(d);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	/* On again: the second quarter only. */
	ASSERT_EQ(0, iod_engine_write(&d->engine, d->iova + quarter, quarter,
				      s + 4, &d->fp));
	ASSERT_EQ(quarter / d->leaf, iod_fp_count(&d->fp));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	ASSERT_TRUE(iod_engine_check(&d->engine, d->iova + quarter, quarter,
				     s + 4));
	ASSERT_TRUE(iod_engine_check(&d->engine, d->iova, quarter, s + 1));
}

/*
 * Rounds of enable / write / harvest / write / disable / write: each
 * round reports exactly its own on-period writes; what was written after
 * the round's harvest and during the off period is wiped by the next
 * enable.
 */
TEST_F(state, enable_disable_rounds)
{
	struct iod_dirty *d = &self->d;
	unsigned int r;

	for (r = 0; r < 4; r++) {
		uint64_t s = self->seed + 10 * r;

		TH_LOG("round %u", r);
		if (r)
			ENABLE(d);
		IOD_ASSERT_HARVEST(d, variant->page_size, 0);
		ASSERT_EQ(0, iod_scatter_writes(d, s, 8 + 4 * r));
		IOD_ASSERT_HARVEST(d, variant->page_size, 0);
		iod_fp_reset(&d->fp);
		/* Left unharvested: the next enable must wipe it. */
		ASSERT_EQ(0, iod_scatter_writes(d, s + 1, 6));
		SET_TRACKING(d, false);
		ASSERT_EQ(0, off_scatter(d, s + 2, 6));
	}
	ENABLE(d);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
}

/*
 * GET_DIRTY_BITMAP while tracking is off, as the profile says: "empty"
 * returns 0 with no bits, not even for writes made before the disable
 * (6.12: the driver refuses to read with -EINVAL and
 * iommu_read_and_clear_dirty() drops the error); "reports" returns the bits
 * as when on. NO_CLEAR or not, the answer is the same; a clearing GET
 * while off clears what it reported. Enable wipes whatever is left.
 */
TEST_F(state, get_while_disabled)
{
	struct iod_dirty *d = &self->d;

	NEED_OFF_RULE();
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed, 12));
	SET_TRACKING(d, false);
	ASSERT_HARVEST_OFF(d, variant->page_size,
			   IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	ASSERT_EQ(0, off_scatter(d, self->seed + 1, 8));
	ASSERT_HARVEST_OFF(d, variant->page_size,
			   IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	ASSERT_HARVEST_OFF(d, variant->page_size, 0);
	if (off_reports())
		iod_fp_reset(&d->fp);
	ASSERT_HARVEST_OFF(d, variant->page_size,
			   IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	ENABLE(d);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed + 2, 8));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
}

/*
 * A GET while off leaves nothing that a later disable/enable could bring
 * back, and it does not turn tracking on: writes after it (still off) are
 * as the profile says, and only writes after the enable are reported.
 */
TEST_F(state, get_while_disabled_then_enable)
{
	struct iod_dirty *d = &self->d;

	NEED_OFF_RULE();
	SET_TRACKING(d, false);
	ASSERT_EQ(0, off_scatter(d, self->seed, 8));
	ASSERT_HARVEST_OFF(d, variant->page_size, 0);
	if (off_reports())
		iod_fp_reset(&d->fp);
	ASSERT_EQ(0, off_scatter(d, self->seed + 1, 8));
	ASSERT_HARVEST_OFF(d, variant->page_size,
			   IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	SET_TRACKING(d, false);
	ASSERT_HARVEST_OFF(d, variant->page_size,
			   IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	ENABLE(d);
	IOD_ASSERT_HARVEST(d, variant->page_size,
			   IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed + 2, 8));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
}

/* Tracking never enabled at set-up. */
FIXTURE(state_off) {
	struct iod_dirty d;
	uint64_t seed;
};

FIXTURE_VARIANT(state_off) {
	uint64_t len;
	uint64_t page_size;
};

#define OV(name, l, ps) \
	FIXTURE_VARIANT_ADD(state_off, name) { .len = (l), .page_size = (ps) }

OV(len64k_ps2k, 64 * K, 2 * K);
OV(len64k_ps64k, 64 * K, 64 * K);
OV(len1m_ps2k, 1 * M, 2 * K);
OV(len1m_ps4k, 1 * M, 4 * K);
OV(len64m_ps4k, 64 * M, 4 * K);
OV(len64m_ps64k, 64 * M, 64 * K);

FIXTURE_SETUP(state_off)
{
	struct iod_dirty_opts o = {
		.buf_len = variant->len,
		.enable = false,
	};

	IOD_DIRTY_SETUP(&self->d, &o);
	self->seed = iod_seed();
	log_seed(_metadata, self->seed, self->d.leaf);
}

FIXTURE_TEARDOWN(state_off)
{
	iod_dirty_teardown(&self->d);
}

/*
 * Writes before tracking was ever enabled land in memory, show in a GET
 * only as the profile says, and are wiped by the first enable.
 */
TEST_F(state_off, writes_before_first_enable)
{
	struct iod_dirty *d = &self->d;
	uint8_t s = (uint8_t)self->seed;

	NEED_OFF_RULE();
	ASSERT_EQ(0, off_write(d, 0, d->len, s));
	ASSERT_TRUE(iod_engine_check(&d->engine, d->iova, d->len, s));
	ASSERT_HARVEST_OFF(d, variant->page_size,
			   IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	ENABLE(d);
	IOD_ASSERT_HARVEST(d, variant->page_size,
			   IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed + 1, 12));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
}

/*
 * SET with the state the HWPT already has succeeds: disable on a HWPT
 * never enabled, disable twice, enable twice (every driver returns 0 when
 * nothing changes); tracking works after each.
 */
TEST_F(state_off, set_same_state)
{
	struct iod_dirty *d = &self->d;

	SET_TRACKING(d, false);
	SET_TRACKING(d, false);
	ENABLE(d);
	ENABLE(d);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed, 12));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	iod_fp_reset(&d->fp);
	SET_TRACKING(d, false);
	SET_TRACKING(d, false);
	ENABLE(d);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed + 1, 12));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
}

IOD_HARNESS_MAIN
