// SPDX-License-Identifier: GPL-2.0
/*
 * Write shapes against the leaf grid: overlapping writes, adjacent writes
 * meeting on a leaf boundary and inside a leaf, writes straddling a leaf
 * boundary or a harvest-page boundary, one-byte writes at the first and
 * last byte of every leaf, a one-leaf write aligned and shifted by a byte,
 * and a buffer filled in many small pieces. Every harvest must match the
 * footprint bit for bit, and every case also states how many leaves its
 * writes dirty, so the model is checked as well as the kernel.
 */
#include <stdint.h>

#include "harness/iod_test.h"
#include "uapi/iommufd.h"
#include "util.h"

IOD_RUNS_PER_PROFILE_ENGINE

FIXTURE(writes) {
	struct iod_dirty d;
	uint64_t leaf;
	uint64_t nleaves;
};

FIXTURE_VARIANT(writes) {
	uint64_t len;
	uint64_t page_size;
};

#define WRITES_VARIANT(name, l, ps) \
	FIXTURE_VARIANT_ADD(writes, name) { .len = (l), .page_size = (ps) }

WRITES_VARIANT(len64k_ps2k, 64 * K, 2 * K);
WRITES_VARIANT(len64k_ps4k, 64 * K, 4 * K);
WRITES_VARIANT(len64k_ps64k, 64 * K, 64 * K);
WRITES_VARIANT(len1m_ps2k, 1 * M, 2 * K);
WRITES_VARIANT(len1m_ps4k, 1 * M, 4 * K);
WRITES_VARIANT(len1m_ps64k, 1 * M, 64 * K);
WRITES_VARIANT(len4m_ps2k, 4 * M, 2 * K);
WRITES_VARIANT(len4m_ps4k, 4 * M, 4 * K);
WRITES_VARIANT(len4m_ps64k, 4 * M, 64 * K);
WRITES_VARIANT(len4m_ps2m, 4 * M, 2 * M);

FIXTURE_SETUP(writes)
{
	struct iod_dirty_opts o = {
		.buf_len = variant->len,
		.enable = true,
	};

	IOD_DIRTY_SETUP(&self->d, &o);
	self->leaf = self->d.leaf;
	self->nleaves = self->d.len / self->d.leaf;
	/* The shapes below need a few leaves of room. */
	ASSERT_LE(16, self->nleaves)
		TH_LOG("a %llu-byte buffer has only %llu leaves of %llu",
		       (unsigned long long)self->d.len,
		       (unsigned long long)self->nleaves,
		       (unsigned long long)self->leaf);
}

FIXTURE_TEARDOWN(writes)
{
	iod_dirty_teardown(&self->d);
}

/* Is leaf i of the buffer dirty in the model? */
static bool leaf_dirty(const struct iod_dirty *d, uint64_t i)
{
	return iod_fp_leaf_dirty(&d->fp, d->iova + i * d->leaf);
}

/*
 * Overlapping writes dirty the leaves of their union once: [2L+100, 5L+100)
 * and [3L+7, 7L+100) cover leaves 2..7; writing the same range again adds
 * nothing.
 */
TEST_F(writes, overlapping)
{
	uint64_t L = self->leaf;

	IOD_ASSERT_WRITE(&self->d, 2 * L + 100, 3 * L, 1);
	ASSERT_EQ(4, iod_fp_count(&self->d.fp));
	IOD_ASSERT_WRITE(&self->d, 3 * L + 7, 4 * L + 93, 2);
	ASSERT_EQ(6, iod_fp_count(&self->d.fp));
	IOD_ASSERT_WRITE(&self->d, 3 * L + 7, 4 * L + 93, 3);
	ASSERT_EQ(6, iod_fp_count(&self->d.fp));
	ASSERT_FALSE(leaf_dirty(&self->d, 1));
	ASSERT_TRUE(leaf_dirty(&self->d, 2));
	ASSERT_TRUE(leaf_dirty(&self->d, 7));
	ASSERT_FALSE(leaf_dirty(&self->d, 8));
	IOD_ASSERT_HARVEST(&self->d, variant->page_size, IOD_NO_CLEAR);
	/* A write fully inside the first one, then harvest. */
	IOD_ASSERT_WRITE(&self->d, 3 * L, L, 4);
	ASSERT_EQ(6, iod_fp_count(&self->d.fp));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
	/* The overlap alone, after the harvest: only its leaves. */
	IOD_ASSERT_WRITE(&self->d, 3 * L + 7, 2 * L, 5);
	ASSERT_EQ(3, iod_fp_count(&self->d.fp));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
	IOD_ASSERT_LANDED(&self->d, 3 * L + 7, 2 * L, 5);
}

/*
 * Adjacent writes meeting exactly on a leaf boundary: [L, 3L) and [3L, 4L)
 * dirty leaves 1..3, not leaf 0 or 4.
 */
TEST_F(writes, adjacent_on_leaf_boundary)
{
	uint64_t L = self->leaf;

	IOD_ASSERT_WRITE(&self->d, L, 2 * L, 1);
	IOD_ASSERT_WRITE(&self->d, 3 * L, L, 2);
	ASSERT_EQ(3, iod_fp_count(&self->d.fp));
	ASSERT_FALSE(leaf_dirty(&self->d, 0));
	ASSERT_FALSE(leaf_dirty(&self->d, 4));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
	/* The same at the end of the buffer: the last two leaves. */
	IOD_ASSERT_WRITE(&self->d, self->d.len - 2 * L, L, 3);
	IOD_ASSERT_WRITE(&self->d, self->d.len - L, L, 4);
	ASSERT_EQ(2, iod_fp_count(&self->d.fp));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
}

/*
 * Adjacent writes meeting in the middle of a leaf: [5L+L/2-10, 6L+L/2) and
 * [6L+L/2, 7L+1) dirty leaves 5..7; leaf 6 is dirtied by both.
 */
TEST_F(writes, adjacent_mid_leaf)
{
	uint64_t L = self->leaf;

	IOD_ASSERT_WRITE(&self->d, 5 * L + L / 2 - 10, L + 10, 1);
	ASSERT_EQ(2, iod_fp_count(&self->d.fp));
	IOD_ASSERT_WRITE(&self->d, 6 * L + L / 2, L / 2 + 1, 2);
	ASSERT_EQ(3, iod_fp_count(&self->d.fp));
	ASSERT_FALSE(leaf_dirty(&self->d, 4));
	ASSERT_TRUE(leaf_dirty(&self->d, 5));
	ASSERT_TRUE(leaf_dirty(&self->d, 7));
	ASSERT_FALSE(leaf_dirty(&self->d, 8));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
	/* The second write alone dirties leaves 6 and 7. */
	IOD_ASSERT_WRITE(&self->d, 6 * L + L / 2, L / 2 + 1, 3);
	ASSERT_EQ(2, iod_fp_count(&self->d.fp));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
}

/*
 * A write straddling a leaf boundary dirties both leaves: two bytes across
 * the boundary of leaves 0/1 and of the last two leaves, and one write
 * covering the end of leaf 4, all of leaf 5 and the start of leaf 6.
 */
TEST_F(writes, straddles_leaf_boundary)
{
	uint64_t L = self->leaf, n = self->nleaves;

	IOD_ASSERT_WRITE(&self->d, L - 1, 2, 1);
	ASSERT_EQ(2, iod_fp_count(&self->d.fp));
	ASSERT_TRUE(leaf_dirty(&self->d, 0));
	ASSERT_TRUE(leaf_dirty(&self->d, 1));
	ASSERT_FALSE(leaf_dirty(&self->d, 2));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
	IOD_ASSERT_WRITE(&self->d, (n - 1) * L - 1, 2, 2);
	ASSERT_EQ(2, iod_fp_count(&self->d.fp));
	ASSERT_TRUE(leaf_dirty(&self->d, n - 2));
	ASSERT_TRUE(leaf_dirty(&self->d, n - 1));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
	IOD_ASSERT_WRITE(&self->d, 5 * L - 1, L + 2, 3);
	ASSERT_EQ(3, iod_fp_count(&self->d.fp));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
}

/*
 * Two bytes across a harvest-page boundary (and across the leaf boundary
 * there): the two pages on either side are reported. Where a page is no
 * bigger than a leaf, or the buffer is one page, across leaves 7/8.
 */
TEST_F(writes, straddles_page_boundary)
{
	uint64_t ps = variant->page_size, L = self->leaf;
	/* A buffer of one harvest page: both leaves share its one bit. */
	uint64_t at = ps > L && ps < self->d.len ? ps : 8 * L;

	IOD_ASSERT_WRITE(&self->d, at - 1, 2, 1);
	ASSERT_EQ(2, iod_fp_count(&self->d.fp));
	ASSERT_TRUE(leaf_dirty(&self->d, at / L - 1));
	ASSERT_TRUE(leaf_dirty(&self->d, at / L));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
}

/*
 * One-byte writes at the first byte of every leaf, then at the last byte
 * of every leaf: each set dirties every leaf once. Then the first byte of
 * even leaves with the last byte of odd ones: every leaf again, and the
 * first byte of even leaves alone: every other leaf.
 */
TEST_F(writes, first_and_last_byte_of_every_leaf)
{
	uint64_t L = self->leaf, n = self->nleaves, i;

	for (i = 0; i < n; i++)
		IOD_ASSERT_WRITE(&self->d, i * L, 1, i);
	ASSERT_EQ(n, iod_fp_count(&self->d.fp));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
	for (i = 0; i < n; i++)
		IOD_ASSERT_WRITE(&self->d, i * L + L - 1, 1, i);
	ASSERT_EQ(n, iod_fp_count(&self->d.fp));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
	for (i = 0; i < n; i++)
		IOD_ASSERT_WRITE(&self->d, i % 2 ? i * L + L - 1 : i * L, 1, i);
	ASSERT_EQ(n, iod_fp_count(&self->d.fp));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
	for (i = 0; i < n; i += 2)
		IOD_ASSERT_WRITE(&self->d, i * L, 1, i);
	ASSERT_EQ((n + 1) / 2, iod_fp_count(&self->d.fp));
	ASSERT_FALSE(leaf_dirty(&self->d, 1));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
}

/*
 * Exactly one leaf of bytes: aligned it dirties one leaf; shifted by one
 * byte either way it dirties two.
 */
TEST_F(writes, one_leaf_aligned_and_shifted)
{
	uint64_t L = self->leaf;

	IOD_ASSERT_WRITE(&self->d, 3 * L, L, 1);
	ASSERT_EQ(1, iod_fp_count(&self->d.fp));
	ASSERT_TRUE(leaf_dirty(&self->d, 3));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
	IOD_ASSERT_WRITE(&self->d, 3 * L + 1, L, 2);
	ASSERT_EQ(2, iod_fp_count(&self->d.fp));
	ASSERT_TRUE(leaf_dirty(&self->d, 3));
	ASSERT_TRUE(leaf_dirty(&self->d, 4));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
	IOD_ASSERT_WRITE(&self->d, 3 * L - 1, L, 3);
	ASSERT_EQ(2, iod_fp_count(&self->d.fp));
	ASSERT_TRUE(leaf_dirty(&self->d, 2));
	ASSERT_TRUE(leaf_dirty(&self->d, 3));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
	/* The last leaf exactly, then shifted back by one byte. */
	IOD_ASSERT_WRITE(&self->d, self->d.len - L, L, 4);
	ASSERT_EQ(1, iod_fp_count(&self->d.fp));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
	IOD_ASSERT_WRITE(&self->d, self->d.len - L - 1, L, 5);
	ASSERT_EQ(2, iod_fp_count(&self->d.fp));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
}

/*
 * The buffer filled in many small pieces (a third of a leaf plus one byte,
 * so pieces cross leaf boundaries at shifting offsets): every leaf is
 * dirty and every piece's data is in memory. Then only every third piece:
 * the leaves those pieces touch.
 */
TEST_F(writes, fill_in_small_pieces)
{
	uint64_t L = self->leaf, piece = L / 3 + 1, off, i;
	uint64_t want = 0, last_leaf = UINT64_MAX;

	for (off = 0, i = 0; off < self->d.len; off += piece, i++) {
		uint64_t n = self->d.len - off < piece ?
			     self->d.len - off : piece;

		IOD_ASSERT_WRITE(&self->d, off, n, i);
	}
	ASSERT_EQ(self->nleaves, iod_fp_count(&self->d.fp));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
	for (off = 0, i = 0; off < self->d.len; off += piece, i++) {
		uint64_t n = self->d.len - off < piece ?
			     self->d.len - off : piece;

		ASSERT_TRUE(iod_bench_landed(&self->d, off, n, (uint8_t)i))
			TH_LOG("piece %llu at +0x%llx",
			       (unsigned long long)i, (unsigned long long)off);
	}

	/* Every third piece; count its leaves independently of the model. */
	for (off = 0, i = 0; off + piece <= self->d.len;
	     off += 3 * piece, i++) {
		uint64_t a = off / L, b = (off + piece - 1) / L;

		IOD_ASSERT_WRITE(&self->d, off, piece, i);
		want += b - a + 1 - (a == last_leaf);
		last_leaf = b;
	}
	ASSERT_EQ(want, iod_fp_count(&self->d.fp));
	IOD_ASSERT_HARVEST_CLEARS(&self->d, variant->page_size);
}

IOD_HARNESS_MAIN
