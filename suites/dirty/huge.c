// SPDX-License-Identifier: GPL-2.0
/*
 * Huge leaves: huge-page memory mapped with huge IOPTEs is tracked per
 * IOPTE, so a one-byte write dirties the whole huge leaf; writes in
 * different huge leaves, and across the boundary of two; base-page leaves
 * when IOMMU_OPTION_HUGE_PAGES=0 was set before mapping, and the rules for
 * changing that option once mappings exist; and harvests whose window
 * starts in the middle of a huge leaf: they clear the whole leaf, must
 * report every leaf inside the window whole, and must not set bits past
 * the bitmap (the last two are known 6.12 bugs, XFAIL by profile).
 */
#include <stdint.h>
#include <unistd.h>

#include "harness/iod_test.h"
#include "uapi/iommufd.h"
#include "util.h"

IOD_RUNS_PER_PROFILE_ENGINE

/* Bits set by the dirty leaves [first, last] of a leaf-aligned span. */
static uint64_t span_bits(uint64_t leaf, uint64_t page_size, uint64_t first,
			  uint64_t last)
{
	if (page_size <= leaf)
		return (last - first + 1) * (leaf / page_size);
	return ((last + 1) * leaf - 1) / page_size - first * leaf / page_size +
	       1;
}

FIXTURE(huge) {
	struct iod_dirty d;
	struct iod_bitmap_buf b;	/* a harvest a case counts itself */
	uint64_t leaf;
};

/*
 * Buffers of `leaves` huge leaves (the profile's dirty.huge_leaf); harvest
 * page sizes are any granule the uAPI takes, smaller and larger than
 * either leaf.
 */
FIXTURE_VARIANT(huge) {
	uint64_t leaves;
	uint64_t page_size;
};

#define HUGE_VARIANT(name, n, ps) \
	FIXTURE_VARIANT_ADD(huge, name) { .leaves = (n), .page_size = (ps) }

HUGE_VARIANT(x2_ps4k, 2, 4 * K);
HUGE_VARIANT(x2_ps64k, 2, 64 * K);
HUGE_VARIANT(x2_ps2m, 2, 2 * M);
HUGE_VARIANT(x32_ps4k, 32, 4 * K);
HUGE_VARIANT(x32_ps2m, 32, 2 * M);

FIXTURE_SETUP(huge)
{
	struct iod_dirty_opts o = {
		.leaves = variant->leaves,
		.huge = true,
		.enable = true,
	};

	memset(&self->b, 0, sizeof(self->b));
	IOD_DIRTY_SETUP(&self->d, &o);
	self->leaf = self->d.leaf;
	ASSERT_EQ(iod_profile_uint(iod_env.profile, "dirty.huge_leaf", 0),
		  self->leaf);
	ASSERT_LE(2, self->d.len / self->leaf);
	TH_LOG("huge leaf %llu, %llu leaves", (unsigned long long)self->leaf,
	       (unsigned long long)(self->d.len / self->leaf));
}

FIXTURE_TEARDOWN(huge)
{
	iod_bitmap_buf_free(&self->b);
	iod_dirty_teardown(&self->d);
}

/*
 * One byte in the middle of the second huge leaf dirties all of it: at
 * the base page that is huge leaf / base leaf bits, at the variant's page
 * size its own count; the next harvest is empty.
 */
TEST_F(huge, one_byte_dirties_whole_leaf)
{
	struct iod_dirty *d = &self->d;
	uint64_t L = self->leaf;

	IOD_ASSERT_ONE_BYTE_WHOLE_LEAF(d, L, variant->page_size);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	iod_fp_reset(&d->fp);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	IOD_ASSERT_LANDED(d, L + L / 2 + 3, 1, 1);
}

/*
 * Writes in the first and the last huge leaf: both leaves, whole (one bit
 * when a page of the harvest holds both).
 */
TEST_F(huge, two_leaves)
{
	struct iod_dirty *d = &self->d;
	uint64_t L = self->leaf, n = d->len / L, ps = variant->page_size;
	bool one_page = ps > L && (n - 1) * L / ps == 0;

	IOD_ASSERT_WRITE(d, 17, 100, 1);
	IOD_ASSERT_WRITE(d, d->len - 1, 1, 2);
	ASSERT_EQ(2, iod_fp_count(&d->fp));
	IOD_ASSERT_HARVEST_BITS(d, IOD_HARVEST(d->iova, d->len, ps,
					       IOD_NO_CLEAR),
				one_page ? 1 :
				span_bits(L, ps, 0, 0) +
				span_bits(L, ps, n - 1, n - 1));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	iod_fp_reset(&d->fp);
	/* The last byte of the first leaf and the first of the second. */
	IOD_ASSERT_WRITE(d, L - 1, 1, 3);
	IOD_ASSERT_WRITE(d, L, 1, 4);
	ASSERT_EQ(2, iod_fp_count(&d->fp));
	IOD_ASSERT_HARVEST_BITS(d, IOD_HARVEST(d->iova, d->len,
					       variant->page_size, IOD_NO_CLEAR),
				span_bits(L, variant->page_size, 0, 1));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
}

/* One two-byte write across a huge-leaf boundary dirties both leaves. */
TEST_F(huge, straddles_leaf_boundary)
{
	struct iod_dirty *d = &self->d;
	uint64_t L = self->leaf, n = d->len / L;

	IOD_ASSERT_WRITE(d, (n - 1) * L - 1, 2, 1);
	ASSERT_EQ(2, iod_fp_count(&d->fp));
	IOD_ASSERT_HARVEST_BITS(d, IOD_HARVEST(d->iova, d->len,
					       variant->page_size, IOD_NO_CLEAR),
				span_bits(L, variant->page_size, n - 2, n - 1));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	iod_fp_reset(&d->fp);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
}

/*
 * IOMMU_OPTION_HUGE_PAGES=0 once the IOAS has a mapping and a domain
 * attached: EINVAL (iopt_disable_large_pages(): "Won't do it if domains
 * already have pages mapped in them"). The option still reads 1 and the
 * mapping keeps its huge leaves.
 */
TEST_F(huge, huge_pages_off_refused_after_map)
{
	struct iod_dirty *d = &self->d;
	uint64_t val = 0;

	IOD_ASSERT_ERR(EINVAL, iod_bench_set_huge_pages(d, 0));
	ASSERT_EQ(0, iod_bench_get_huge_pages(d, &val));
	ASSERT_EQ(1, val);
	IOD_ASSERT_WRITE(d, self->leaf + 5, 1, 1);
	IOD_ASSERT_HARVEST_BITS(d, IOD_HARVEST(d->iova, d->len, d->base_leaf,
					       IOD_NO_CLEAR),
				self->leaf / d->base_leaf);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
}

/* Page size for harvests of half a leaf: the variant's, if it fits. */
static uint64_t half_ps(uint64_t leaf, uint64_t page_size)
{
	return page_size <= leaf / 2 ? page_size : leaf / 2;
}

/*
 * A clearing harvest of the second half of a huge leaf whose first half
 * was written: every bit of the window is set (the leaf is dirty as a
 * whole), and the whole leaf's dirty bit is cleared, so a harvest of the
 * first half is then empty: the write is reported only by the window.
 */
TEST_F(huge, mid_leaf_harvest_clears_whole_leaf)
{
	struct iod_dirty *d = &self->d;
	uint64_t L = self->leaf, ps = half_ps(L, variant->page_size);
	uint64_t leaf1 = d->iova + L, bits = L / 2 / ps;

	IOD_ASSERT_WRITE(d, L + 100, 1, 1);
	IOD_ASSERT_HARVESTED(d, IOD_HARVEST(leaf1 + L / 2, L / 2, ps, 0,
					    .bytes = iod_bitmap_bytes(2 * L, ps)),
			     &self->b);
	ASSERT_EQ(bits, iod_bitmap_buf_count(&self->b, 0, bits));
	iod_fp_clear(&d->fp, leaf1 + L / 2, L / 2);
	ASSERT_EQ(0, iod_fp_count(&d->fp));
	IOD_ASSERT_HARVEST_BITS(d, IOD_HARVEST(leaf1, L / 2, ps,
						0),
				0);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
}

/*
 * The same with NO_CLEAR: the window's bits are set and the leaf stays
 * dirty, so a harvest of the first half reports it, and clears it.
 */
TEST_F(huge, mid_leaf_no_clear_keeps_leaf)
{
	struct iod_dirty *d = &self->d;
	uint64_t L = self->leaf, ps = half_ps(L, variant->page_size);
	uint64_t leaf1 = d->iova + L, bits = L / 2 / ps;
	uint64_t room = iod_bitmap_bytes(2 * L, ps);

	IOD_ASSERT_WRITE(d, L + 100, 1, 1);
	IOD_ASSERT_HARVESTED(d, IOD_HARVEST(leaf1 + L / 2, L / 2, ps, IOD_NO_CLEAR,
					    .bytes = room),
			     &self->b);
	ASSERT_EQ(bits, iod_bitmap_buf_count(&self->b, 0, bits));
	IOD_ASSERT_HARVESTED(d, IOD_HARVEST(leaf1, L / 2, ps, 0, .bytes = room),
			     &self->b);
	ASSERT_EQ(bits, iod_bitmap_buf_count(&self->b, 0, bits));
	iod_fp_reset(&d->fp);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
}

/*
 * The bits of a window that starts in the middle of a huge leaf stay in
 * the bitmap the caller gave: nothing past its last bit is set. In 6.12
 * read_and_clear_dirty() (mock, Intel, AMD alike) walks from the window's
 * unaligned start and records (start, leaf size), and iova_bitmap_set()
 * does not clamp to the bitmap's length, so the rest of the leaf lands in
 * the caller's memory after the bitmap. The bitmap here has room for it,
 * so it can be counted.
 */
TEST_F(huge, mid_leaf_bits_stay_in_bitmap)
{
	struct iod_dirty *d = &self->d;
	uint64_t L = self->leaf, ps = half_ps(L, variant->page_size);
	uint64_t leaf1 = d->iova + L, bits = L / 2 / ps, past;

	IOD_ASSERT_WRITE(d, L + 100, 1, 1);
	IOD_ASSERT_HARVESTED(d, IOD_HARVEST(leaf1 + L / 2, L / 2, ps, 0,
					    .bytes = iod_bitmap_bytes(2 * L, ps)),
			     &self->b);
	ASSERT_EQ(bits, iod_bitmap_buf_count(&self->b, 0, bits));
	past = iod_bitmap_buf_count(&self->b, bits, UINT64_MAX);
	IOD_XFAIL_IF_KNOWN_BUG(past != 0);
	ASSERT_EQ(0, past)
		TH_LOG("a %llu-bit window got %llu more bits set past its end",
		       (unsigned long long)(L / 2 / ps),
		       (unsigned long long)past);
}

/*
 * A window from the middle of leaf 0 to the end of leaf 1, with only
 * leaf 1 written: every bit of leaf 1 is in the window and must be set,
 * and nothing past the window. In 6.12 the walk steps by the leaf size
 * from the unaligned start, so leaf 1 is recorded from its middle on: the
 * first half of leaf 1 is missing (and, the harvest clearing the whole
 * leaf, lost), and the other half spills past the bitmap.
 */
TEST_F(huge, mid_leaf_window_covers_next_leaf)
{
	struct iod_dirty *d = &self->d;
	uint64_t L = self->leaf, ps = half_ps(L, variant->page_size);
	uint64_t bits = iod_bitmap_bits(L + L / 2, ps), in, past;

	IOD_ASSERT_WRITE(d, L + 100, 1, 1);
	IOD_ASSERT_HARVESTED(d, IOD_HARVEST(d->iova + L / 2, L + L / 2, ps, 0,
					    .bytes = iod_bitmap_bytes(3 * L, ps)),
			     &self->b);
	in = iod_bitmap_buf_count(&self->b, 0, bits);
	past = iod_bitmap_buf_count(&self->b, bits, UINT64_MAX);
	IOD_XFAIL_IF_KNOWN_BUG(in != L / ps || past != 0);
	ASSERT_EQ(L / ps, in)
		TH_LOG("leaf 1 is %llu bits of the window, %llu were set",
		       (unsigned long long)(L / ps), (unsigned long long)in);
	ASSERT_EQ(0, past);
}

FIXTURE(huge_base) {
	struct iod_dirty d;
	uint64_t leaf;
	uint64_t huge_leaf;
};

FIXTURE_VARIANT(huge_base) {
	uint64_t leaves;	/* huge leaves of hugetlb memory */
	uint64_t page_size;
};

#define HUGE_BASE_VARIANT(name, n, ps) \
	FIXTURE_VARIANT_ADD(huge_base, name) { .leaves = (n), .page_size = (ps) }

HUGE_BASE_VARIANT(x2_ps2k, 2, 2 * K);
HUGE_BASE_VARIANT(x2_ps4k, 2, 4 * K);
HUGE_BASE_VARIANT(x32_ps64k, 32, 64 * K);

FIXTURE_SETUP(huge_base)
{
	struct iod_dirty_opts o = {
		.leaves = variant->leaves,
		.huge = true,
		.base_pages = true,
		.enable = true,
	};

	IOD_DIRTY_SETUP(&self->d, &o);
	self->leaf = self->d.leaf;
	self->huge_leaf = iod_profile_uint(iod_env.profile, "dirty.huge_leaf",
					   0);
	ASSERT_LE(2 * self->huge_leaf, self->d.len);
}

FIXTURE_TEARDOWN(huge_base)
{
	iod_dirty_teardown(&self->d);
}

/*
 * HUGE_PAGES=0 before mapping: huge-page memory gets base leaves. One byte
 * where a huge leaf would be dirties one base leaf; a huge leaf's worth of
 * bytes dirties huge_leaf / leaf of them.
 */
TEST_F(huge_base, base_leaf_bits)
{
	struct iod_dirty *d = &self->d;
	uint64_t L = self->leaf, H = self->huge_leaf, val = 1;

	ASSERT_EQ(d->base_leaf, L);
	ASSERT_EQ(iod_profile_uint(iod_env.profile, "dirty.leaf", 0), L);
	ASSERT_EQ(0, iod_bench_get_huge_pages(d, &val));
	ASSERT_EQ(0, val);
	IOD_ASSERT_WRITE(d, H + H / 2 + 5, 1, 1);
	ASSERT_EQ(1, iod_fp_count(&d->fp));
	IOD_ASSERT_HARVEST_BITS(d, IOD_HARVEST(d->iova, d->len,
					       variant->page_size, IOD_NO_CLEAR),
				iod_leaf_bits(L, variant->page_size));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	iod_fp_reset(&d->fp);
	IOD_ASSERT_WRITE(d, H, H, 2);
	ASSERT_EQ(H / L, iod_fp_count(&d->fp));
	IOD_ASSERT_HARVEST_BITS(d, IOD_HARVEST(d->iova, d->len,
					       variant->page_size, IOD_NO_CLEAR),
				span_bits(L, variant->page_size, H / L,
					  2 * H / L - 1));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
}

/*
 * HUGE_PAGES=0 again once mapped succeeds: the IOAS already has large
 * pages off, and iopt_disable_large_pages() returns before looking at
 * mappings.
 */
TEST_F(huge_base, huge_pages_off_again_after_map)
{
	struct iod_dirty *d = &self->d;
	uint64_t val = 1;

	ASSERT_EQ(0, iod_bench_set_huge_pages(d, 0));
	ASSERT_EQ(0, iod_bench_get_huge_pages(d, &val));
	ASSERT_EQ(0, val);
	IOD_ASSERT_WRITE(d, 7, 1, 1);
	ASSERT_EQ(1, iod_fp_count(&d->fp));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
}

/*
 * HUGE_PAGES=1 after mapping is accepted but does not remap: the mapping
 * keeps its base leaves. With large pages on again and a mapping in
 * place, HUGE_PAGES=0 is now refused with EINVAL.
 */
TEST_F(huge_base, huge_pages_on_keeps_base_leaves)
{
	struct iod_dirty *d = &self->d;
	uint64_t H = self->huge_leaf, val = 0;

	ASSERT_EQ(0, iod_bench_set_huge_pages(d, 1));
	ASSERT_EQ(0, iod_bench_get_huge_pages(d, &val));
	ASSERT_EQ(1, val);
	IOD_ASSERT_WRITE(d, H + 5, 1, 1);
	ASSERT_EQ(1, iod_fp_count(&d->fp));
	IOD_ASSERT_HARVEST_BITS(d, IOD_HARVEST(d->iova, d->len,
					       variant->page_size, IOD_NO_CLEAR),
				iod_leaf_bits(self->leaf, variant->page_size));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	IOD_ASSERT_ERR(EINVAL, iod_bench_set_huge_pages(d, 0));
	ASSERT_EQ(0, iod_bench_get_huge_pages(d, &val));
	ASSERT_EQ(1, val);
}

/*
 * With large pages off the IOAS alignment is at least PAGE_SIZE
 * (iopt_calculate_iova_alignment()): IOAS_IOVA_RANGES says so, and where
 * that is more than the IOMMU's own alignment, a harvest window aligned
 * only to the latter is refused with EINVAL.
 */
TEST_F(huge_base, alignment_at_least_page_size)
{
	struct iod_dirty *d = &self->d;
	uint64_t page = iod_host_page();
	uint64_t a = iod_profile_uint(iod_env.profile, "iova.alignment", 0);
	uint64_t want = a > page ? a : page, got = 0;
	struct iommu_iova_range r[4];
	uint8_t bm[8] = { 0 };

	if (!a)
		SKIP(return, "profile %s states no iova.alignment",
		     iod_profile_path(iod_env.profile));
	ASSERT_LE(0, iod_ioas_iova_ranges(d->t.fd, d->t.ioas_id, r, 4, &got));
	ASSERT_EQ(want, got);
	if (page > a)
		IOD_ASSERT_ERR(EINVAL,
			       iod_bench_get_bitmap(d, d->iova + a, page, a, bm,
						    0));
	ASSERT_EQ(0, iod_bench_get_bitmap(d, d->iova + page, page, a, bm, 0));
}

IOD_HARNESS_MAIN
