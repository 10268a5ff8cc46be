// SPDX-License-Identifier: GPL-2.0
/*
 * The harvest contract, bit for bit, across buffer sizes (bitmaps of a few
 * bits to tens of thousands) and harvest page sizes: what the device wrote
 * is reported exactly; a harvest clears what it reported; NO_CLEAR reports
 * without clearing; writes after a harvest are reported again; reads never
 * dirty anything; and the data the device wrote is in memory.
 */
#include <stdint.h>

#include "harness/iod_test.h"
#include "model/rand.h"
#include "harness/scatter.h"
#include "util.h"

IOD_RUNS_PER_PROFILE_ENGINE

FIXTURE(harvest) {
	struct iod_dirty d;
	uint64_t seed;
};

FIXTURE_VARIANT(harvest) {
	uint64_t len;
	uint64_t page_size;
	bool huge;
};

#define HARVEST_VARIANT(name, l, ps, h) \
	FIXTURE_VARIANT_ADD(harvest, name) { \
		.len = (l), .page_size = (ps), .huge = (h), \
	}

HARVEST_VARIANT(len8k_ps2k, 8 * K, 2 * K, false);
HARVEST_VARIANT(len8k_ps4k, 8 * K, 4 * K, false);
HARVEST_VARIANT(len16k_ps2k, 16 * K, 2 * K, false);
HARVEST_VARIANT(len16k_ps4k, 16 * K, 4 * K, false);
HARVEST_VARIANT(len64k_ps2k, 64 * K, 2 * K, false);
HARVEST_VARIANT(len64k_ps4k, 64 * K, 4 * K, false);
HARVEST_VARIANT(len64k_ps64k, 64 * K, 64 * K, false);
HARVEST_VARIANT(len128k_ps2k, 128 * K, 2 * K, false);
HARVEST_VARIANT(len128k_ps4k, 128 * K, 4 * K, false);
HARVEST_VARIANT(len128k_ps64k, 128 * K, 64 * K, false);
HARVEST_VARIANT(len320k_ps2k, 320 * K, 2 * K, false);
HARVEST_VARIANT(len320k_ps4k, 320 * K, 4 * K, false);
HARVEST_VARIANT(len320k_ps64k, 320 * K, 64 * K, false);
HARVEST_VARIANT(len1m_ps2k, 1 * M, 2 * K, false);
HARVEST_VARIANT(len1m_ps4k, 1 * M, 4 * K, false);
HARVEST_VARIANT(len1m_ps64k, 1 * M, 64 * K, false);
HARVEST_VARIANT(len4m_ps2k, 4 * M, 2 * K, false);
HARVEST_VARIANT(len4m_ps4k, 4 * M, 4 * K, false);
HARVEST_VARIANT(len4m_ps64k, 4 * M, 64 * K, false);
HARVEST_VARIANT(len4m_ps2m, 4 * M, 2 * M, false);
HARVEST_VARIANT(len64m_ps2k, 64 * M, 2 * K, false);
HARVEST_VARIANT(len64m_ps4k, 64 * M, 4 * K, false);
HARVEST_VARIANT(len64m_ps64k, 64 * M, 64 * K, false);
HARVEST_VARIANT(len64m_ps2m, 64 * M, 2 * M, false);
HARVEST_VARIANT(len128m_ps2k, 128 * M, 2 * K, false);
HARVEST_VARIANT(len128m_ps4k, 128 * M, 4 * K, false);
HARVEST_VARIANT(len128m_ps64k, 128 * M, 64 * K, false);
HARVEST_VARIANT(len128m_ps2m, 128 * M, 2 * M, false);
/* Huge: `len` counts huge leaves (the profile's dirty.huge_leaf). */
HARVEST_VARIANT(huge_x2_ps4k, 2, 4 * K, true);
HARVEST_VARIANT(huge_x2_ps2m, 2, 2 * M, true);
HARVEST_VARIANT(huge_x32_ps4k, 32, 4 * K, true);
HARVEST_VARIANT(huge_x32_ps2m, 32, 2 * M, true);

FIXTURE_SETUP(harvest)
{
	struct iod_dirty_opts o = {
		.buf_len = variant->huge ? 0 : variant->len,
		.leaves = variant->huge ? variant->len : 0,
		.huge = variant->huge,
		.enable = true,
	};

	IOD_DIRTY_SETUP(&self->d, &o);
	self->seed = iod_seed();
	TH_LOG("seed %llu (replay: IODIRTY_SEED=%llu), leaf %llu",
	       (unsigned long long)self->seed,
	       (unsigned long long)self->seed,
	       (unsigned long long)self->d.leaf);
}

FIXTURE_TEARDOWN(harvest)
{
	iod_dirty_teardown(&self->d);
}

/* What the device wrote is reported exactly. */
TEST_F(harvest, exact)
{
	ASSERT_EQ(0, iod_scatter_writes(&self->d, self->seed, 24));
	ASSERT_NE(0, iod_fp_count(&self->d.fp));
	IOD_ASSERT_HARVEST(&self->d, variant->page_size, 0);
}

/* A harvest clears what it reported: the next one is empty. */
TEST_F(harvest, clears)
{
	ASSERT_EQ(0, iod_scatter_writes(&self->d, self->seed, 24));
	IOD_ASSERT_HARVEST(&self->d, variant->page_size, 0);
	iod_fp_reset(&self->d.fp);
	IOD_ASSERT_HARVEST(&self->d, variant->page_size, 0);
}

/*
 * NO_CLEAR twice reports the same bits; a clearing harvest after it reports
 * them once more; then nothing is left.
 */
TEST_F(harvest, no_clear)
{
	ASSERT_EQ(0, iod_scatter_writes(&self->d, self->seed, 24));
	IOD_ASSERT_HARVEST(&self->d, variant->page_size, IOD_NO_CLEAR);
	IOD_ASSERT_HARVEST(&self->d, variant->page_size, IOD_NO_CLEAR);
	IOD_ASSERT_HARVEST(&self->d, variant->page_size, 0);
	iod_fp_reset(&self->d.fp);
	IOD_ASSERT_HARVEST(&self->d, variant->page_size, 0);
}

/* Writes after a harvest are reported by the next one, and only they. */
TEST_F(harvest, writes_after_harvest)
{
	ASSERT_EQ(0, iod_scatter_writes(&self->d, self->seed, 24));
	IOD_ASSERT_HARVEST(&self->d, variant->page_size, 0);
	iod_fp_reset(&self->d.fp);
	ASSERT_EQ(0, iod_scatter_writes(&self->d, self->seed + 1, 12));
	IOD_ASSERT_HARVEST(&self->d, variant->page_size, 0);
}

/*
 * The whole-buffer cases move up to 128 MiB twice; edu does it 4 KiB a
 * command. Their own time limit, above the suite's 120 s, so a loaded
 * host does not turn a slow device into a failure.
 */
#define WHOLE_BUFFER_TIMEOUT 300

/* Device reads of the whole buffer dirty nothing, before or after writes. */
TEST_F_TIMEOUT(harvest, reads_never_dirty, WHOLE_BUFFER_TIMEOUT)
{
	IOD_ASSERT_READ(&self->d, 0, self->d.len);
	IOD_ASSERT_HARVEST(&self->d, variant->page_size, 0);
	ASSERT_EQ(0, iod_scatter_writes(&self->d, self->seed, 8));
	IOD_ASSERT_READ(&self->d, 0, self->d.len);
	IOD_ASSERT_HARVEST(&self->d, variant->page_size, 0);
}

/* Writing the whole buffer dirties every leaf; the data is all there. */
TEST_F_TIMEOUT(harvest, whole_buffer, WHOLE_BUFFER_TIMEOUT)
{
	IOD_ASSERT_WRITE(&self->d, 0, self->d.len, self->seed);
	ASSERT_EQ(self->d.len / self->d.leaf, iod_fp_count(&self->d.fp));
	IOD_ASSERT_HARVEST(&self->d, variant->page_size, 0);
	IOD_ASSERT_LANDED(&self->d, 0, self->d.len, self->seed);
}

IOD_HARNESS_MAIN
