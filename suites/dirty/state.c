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

#include "harness/iod_test.h"
#include "uapi/iommufd.h"
#include "model/rand.h"
#include "harness/scatter.h"
#include "util.h"

IOD_RUNS_PER_PROFILE_ENGINE

/*
 * What the IOMMU records while tracking is off, as the profile says
 * (dirty.get_while_disabled): the footprint where it "reports", nothing
 * where a harvest is "empty".
 */
static struct iod_fp *off_fp(struct iod_dirty *d)
{
	return iod_rule_is("dirty.get_while_disabled", "reports") ?
	       &d->fp : NULL;
}

/* Scattered device writes while tracking is off, recorded in off_fp(). */
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
		rc = iod_bench_write_cover(d, off, len, (uint8_t)(seed + i),
					   off_fp(d));
	}
	return rc;
}

FIXTURE_VARIANT(state) {
	uint64_t len;
	uint64_t page_size;
};

/* Tracking on at set-up. */
FIXTURE(state) {
	struct iod_dirty d;
	uint64_t seed;
};

#define STATE_VARIANT(name, l, ps) \
	FIXTURE_VARIANT_ADD(state, name) { .len = (l), .page_size = (ps) }

STATE_VARIANT(len64k_ps2k, 64 * K, 2 * K);
STATE_VARIANT(len64k_ps4k, 64 * K, 4 * K);
STATE_VARIANT(len64k_ps64k, 64 * K, 64 * K);
STATE_VARIANT(len1m_ps2k, 1 * M, 2 * K);
STATE_VARIANT(len1m_ps4k, 1 * M, 4 * K);
STATE_VARIANT(len1m_ps64k, 1 * M, 64 * K);
STATE_VARIANT(len64m_ps2k, 64 * M, 2 * K);
STATE_VARIANT(len64m_ps4k, 64 * M, 4 * K);
STATE_VARIANT(len64m_ps64k, 64 * M, 64 * K);

static void log_setup(struct __test_metadata *_metadata, uint64_t seed,
		      uint64_t leaf)
{
	TH_LOG("seed %llu (replay: IODIRTY_SEED=%llu), leaf %llu, dirty.get_while_disabled = %s",
	       (unsigned long long)seed, (unsigned long long)seed,
	       (unsigned long long)leaf,
	       iod_rule("dirty.get_while_disabled", "unset"));
}

FIXTURE_SETUP(state)
{
	struct iod_dirty_opts o = {
		.buf_len = variant->len,
		.enable = true,
	};

	IOD_DIRTY_SETUP(&self->d, &o);
	self->seed = iod_seed();
	log_setup(_metadata, self->seed, self->d.leaf);
}

FIXTURE_TEARDOWN(state)
{
	iod_dirty_teardown(&self->d);
}

/*
 * A writable mapping made while tracking is on reads as the profile's
 * dirty.new_mapping says on its first harvest (clean: nothing; dirty:
 * every leaf, as SMMUv3 creates its PTEs writable-dirty), with no device
 * write; that harvest clears it. Mapped again, enabling tracking wipes it.
 */
TEST_F(state, new_mapping_first_harvest)
{
	struct iod_dirty *d = &self->d;

	IOD_NEED_RULE("dirty.new_mapping");
	ASSERT_EQ(0, iod_space_unmap(&d->space, d->iova));
	iod_fp_reset(&d->fp);
	ASSERT_EQ(0, iod_bench_map(d, d->buf, d->len, d->iova));
	TH_LOG("dirty.new_mapping = %s: %llu leaves expected dirty",
	       iod_rule("dirty.new_mapping", "unset"),
	       (unsigned long long)iod_fp_count(&d->fp));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	iod_fp_reset(&d->fp);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	ASSERT_EQ(0, iod_space_unmap(&d->space, d->iova));
	ASSERT_EQ(0, iod_bench_map(d, d->buf, d->len, d->iova));
	IOD_ASSERT_SET_TRACKING(d, true);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
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
	IOD_ASSERT_SET_TRACKING(d, true);
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
	IOD_ASSERT_HARVEST(d, variant->page_size, IOD_NO_CLEAR);
	IOD_ASSERT_SET_TRACKING(d, true);
	IOD_ASSERT_HARVEST(d, variant->page_size, IOD_NO_CLEAR);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
}

/* On, write, off, on: nothing of the first period is left. */
TEST_F(state, off_on_wipes)
{
	struct iod_dirty *d = &self->d;

	IOD_ASSERT_WRITE(d, 0, d->len, self->seed);
	ASSERT_EQ(d->len / d->leaf, iod_fp_count(&d->fp));
	IOD_ASSERT_SET_TRACKING(d, false);
	IOD_ASSERT_SET_TRACKING(d, true);
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
	uint64_t quarter = d->len / 4, u = iod_engine_unit(&d->engine);
	uint8_t s = (uint8_t)self->seed;

	IOD_SKIP_IF_BULK(d, d->len);	/* it reads the whole buffer */
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed, 8));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	iod_fp_reset(&d->fp);
	IOD_ASSERT_SET_TRACKING(d, false);

	/*
	 * Off: the first quarter, the third but its first unit (a byte, or
	 * an NVMe block), and the last unit.
	 */
	ASSERT_EQ(0, iod_bench_write(d, 0, quarter, s + 1, off_fp(d)));
	ASSERT_EQ(0, iod_bench_write(d, 2 * quarter + u, quarter - u, s + 2,
				     off_fp(d)));
	ASSERT_EQ(0, iod_bench_write(d, d->len - u, u, s + 3, off_fp(d)));
	IOD_ASSERT_LANDED(d, 0, quarter, s + 1);
	IOD_ASSERT_LANDED(d, 2 * quarter + u, quarter - u, s + 2);
	IOD_ASSERT_LANDED(d, d->len - u, u, s + 3);
	IOD_ASSERT_READ(d, 0, d->len);

	IOD_ASSERT_SET_TRACKING(d, true);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	/* On again: the second quarter only. */
	IOD_ASSERT_WRITE(d, quarter, quarter, s + 4);
	ASSERT_EQ(quarter / d->leaf, iod_fp_count(&d->fp));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	IOD_ASSERT_LANDED(d, quarter, quarter, s + 4);
	IOD_ASSERT_LANDED(d, 0, quarter, s + 1);
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
			IOD_ASSERT_SET_TRACKING(d, true);
		IOD_ASSERT_HARVEST(d, variant->page_size, 0);
		ASSERT_EQ(0, iod_scatter_writes(d, s, 8 + 4 * r));
		IOD_ASSERT_HARVEST(d, variant->page_size, 0);
		iod_fp_reset(&d->fp);
		/* Left unharvested: the next enable must wipe it. */
		ASSERT_EQ(0, iod_scatter_writes(d, s + 1, 6));
		IOD_ASSERT_SET_TRACKING(d, false);
		ASSERT_EQ(0, off_scatter(d, s + 2, 6));
	}
	IOD_ASSERT_SET_TRACKING(d, true);
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

	IOD_NEED_RULE("dirty.get_while_disabled");
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed, 12));
	IOD_ASSERT_SET_TRACKING(d, false);
	IOD_ASSERT_HARVEST_FP(d, off_fp(d),
			      IOD_HARVEST(d->iova, d->len, variant->page_size,
					  IOD_NO_CLEAR));
	ASSERT_EQ(0, off_scatter(d, self->seed + 1, 8));
	IOD_ASSERT_HARVEST_FP(d, off_fp(d),
			      IOD_HARVEST(d->iova, d->len, variant->page_size,
					  IOD_NO_CLEAR));
	IOD_ASSERT_HARVEST_FP(d, off_fp(d),
			      IOD_HARVEST(d->iova, d->len, variant->page_size,
					  0));
	if (off_fp(d))
		iod_fp_reset(&d->fp);
	IOD_ASSERT_HARVEST_FP(d, off_fp(d),
			      IOD_HARVEST(d->iova, d->len, variant->page_size,
					  IOD_NO_CLEAR));
	IOD_ASSERT_SET_TRACKING(d, true);
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

	IOD_NEED_RULE("dirty.get_while_disabled");
	IOD_ASSERT_SET_TRACKING(d, false);
	ASSERT_EQ(0, off_scatter(d, self->seed, 8));
	IOD_ASSERT_HARVEST_FP(d, off_fp(d),
			      IOD_HARVEST(d->iova, d->len, variant->page_size,
					  0));
	if (off_fp(d))
		iod_fp_reset(&d->fp);
	ASSERT_EQ(0, off_scatter(d, self->seed + 1, 8));
	IOD_ASSERT_HARVEST_FP(d, off_fp(d),
			      IOD_HARVEST(d->iova, d->len, variant->page_size,
					  IOD_NO_CLEAR));
	IOD_ASSERT_SET_TRACKING(d, false);
	IOD_ASSERT_HARVEST_FP(d, off_fp(d),
			      IOD_HARVEST(d->iova, d->len, variant->page_size,
					  IOD_NO_CLEAR));
	IOD_ASSERT_SET_TRACKING(d, true);
	IOD_ASSERT_HARVEST(d, variant->page_size, IOD_NO_CLEAR);
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

#define STATE_OFF_VARIANT(name, l, ps) \
	FIXTURE_VARIANT_ADD(state_off, name) { .len = (l), .page_size = (ps) }

STATE_OFF_VARIANT(len64k_ps2k, 64 * K, 2 * K);
STATE_OFF_VARIANT(len64k_ps64k, 64 * K, 64 * K);
STATE_OFF_VARIANT(len1m_ps2k, 1 * M, 2 * K);
STATE_OFF_VARIANT(len1m_ps4k, 1 * M, 4 * K);
STATE_OFF_VARIANT(len64m_ps4k, 64 * M, 4 * K);
STATE_OFF_VARIANT(len64m_ps64k, 64 * M, 64 * K);

FIXTURE_SETUP(state_off)
{
	struct iod_dirty_opts o = {
		.buf_len = variant->len,
		.enable = false,
	};

	IOD_DIRTY_SETUP(&self->d, &o);
	self->seed = iod_seed();
	log_setup(_metadata, self->seed, self->d.leaf);
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

	IOD_NEED_RULE("dirty.get_while_disabled");
	IOD_SKIP_IF_BULK(d, d->len);
	ASSERT_EQ(0, iod_bench_write(d, 0, d->len, s, off_fp(d)));
	IOD_ASSERT_LANDED(d, 0, d->len, s);
	IOD_ASSERT_HARVEST_FP(d, off_fp(d),
			      IOD_HARVEST(d->iova, d->len, variant->page_size,
					  IOD_NO_CLEAR));
	IOD_ASSERT_SET_TRACKING(d, true);
	IOD_ASSERT_HARVEST(d, variant->page_size, IOD_NO_CLEAR);
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

	IOD_ASSERT_SET_TRACKING(d, false);
	IOD_ASSERT_SET_TRACKING(d, false);
	IOD_ASSERT_SET_TRACKING(d, true);
	IOD_ASSERT_SET_TRACKING(d, true);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed, 12));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	iod_fp_reset(&d->fp);
	IOD_ASSERT_SET_TRACKING(d, false);
	IOD_ASSERT_SET_TRACKING(d, false);
	IOD_ASSERT_SET_TRACKING(d, true);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed + 1, 12));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
}

IOD_HARNESS_MAIN
