// SPDX-License-Identifier: GPL-2.0
/*
 * Regression cases for fixed kernel bugs in how a harvest fills the user
 * bitmap, one geometry per fixing commit: bitmaps at an unaligned address
 * or crossing a page, small and sub-byte bitmaps, page sizes of 2^32 and
 * up, device writes of a page count that is not a multiple of 64, and a
 * harvest starting inside a huge leaf. Each fix is declared once
 * (IOD_REGRESSION, lib/harness/regress.h); a case names its commit in its
 * name or variant and logs "regression of <commit> <subject> (<release>)".
 *
 * Ranges longer than the bench buffer are spans (lib/harness/span.h); the kernel
 * log must stay clean where a bug was a sanitizer report (lib/harness/kmsg.h).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "harness/iod_test.h"
#include "model/harvest_range.h"
#include "uapi/iommufd.h"
#include "harness/kmsg.h"
#include "harness/regress.h"
#include "harness/span.h"
#include "util.h"

IOD_RUNS_PER_PROFILE_ENGINE

IOD_REGRESSION(f38044e5ef58,
	       "vfio/iova_bitmap: Fix PAGE_SIZE unaligned bitmaps", "6.1");

/*
 * A bitmap that does not start on a page boundary had its bits placed
 * relative to the page instead of the bitmap, and its first window was
 * not capped at the end of the first page. Geometry: the bitmap starts
 * `offset` bytes into a page and spans two pages; dirty leaves at bit 0,
 * at the last bit of the first page, the first bit of the second page and
 * the last bit.
 */
FIXTURE(unaligned_bitmap) {
	struct iod_dirty d;
	struct iod_span sp;
};

FIXTURE_VARIANT(unaligned_bitmap) {
	const struct iod_regression *regression;
	size_t offset;
};

IOD_REGRESSION_VARIANT(unaligned_bitmap, f38044e5ef58, off1, .offset = 1);
IOD_REGRESSION_VARIANT(unaligned_bitmap, f38044e5ef58, off64, .offset = 64);
IOD_REGRESSION_VARIANT(unaligned_bitmap, f38044e5ef58, off2048,
		       .offset = 2048);
IOD_REGRESSION_VARIANT(unaligned_bitmap, f38044e5ef58, off4095,
		       .offset = 4095);

FIXTURE_SETUP(unaligned_bitmap)
{
	struct iod_dirty_opts o = {
		.buf_len = 4 * M,
	};

	memset(&self->sp, 0, sizeof(self->sp));
	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(unaligned_bitmap)
{
	iod_fp_free(&self->sp.fp);
	iod_dirty_teardown(&self->d);
}

IOD_REGRESSION_TEST_F(unaligned_bitmap, bits_at_offset)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = d->leaf, bits, boundary, hot[4];
	struct iod_harvest_req r = { 0 };
	char why[384] = "";
	unsigned int i;
	int rc;

	if (variant->offset >= iod_host_page())
		SKIP(return, "offset %zu is past the host page size", variant->offset);
	/* Bits up to the first page boundary, then 64 more. */
	boundary = (iod_host_page() - variant->offset) * 8;
	bits = boundary + 64;
	hot[0] = 0;
	hot[1] = (boundary - 1) * ps;
	hot[2] = boundary * ps;
	hot[3] = (bits - 1) * ps;
	rc = iod_span_build(d, &self->sp, 0, bits * ps, hot, 4, why,
			    sizeof(why));
	if (rc == -ENOSPC)
		IOD_REGRESSION_SKIP("%s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, iod_touch(d, &self->sp.fp,
				       self->sp.base + hot[i]));
	r = (struct iod_harvest_req){
		.exact = true, .iova = self->sp.base,
		.len = bits * ps, .page_size = ps, .offset = variant->offset,
	};
	IOD_ASSERT_HARVEST_FP(d, &self->sp.fp, &r);
}

IOD_REGRESSION(b058ea3ab5af,
	       "vfio/iova_bitmap: refactor iova_bitmap_set() to better handle page boundaries",
	       "6.2");

/*
 * One record (one dirty huge leaf) whose bits cross a bitmap page boundary
 * of a bitmap that does not start on a page boundary: the part past the
 * boundary went to the wrong page. Geometry: a huge leaf straddles the
 * end of the bitmap's first page, (page - offset) * 8 bits in.
 */
FIXTURE(page_cross) {
	struct iod_dirty d;
	struct iod_span sp;
};

FIXTURE_VARIANT(page_cross) {
	const struct iod_regression *regression;
	size_t offset;		/* bitmap offset in its page */
	uint64_t page_size;	/* 0: the base leaf */
	unsigned int leaf_bits_den; /* page_size = huge leaf / this, if set */
};

/* 32 bytes left in the first page: bit 256 is inside leaf 0. */
IOD_REGRESSION_VARIANT(page_cross, b058ea3ab5af, first_page_end,
		       .offset = 4064, .page_size = 0);
/*
 * A full first page minus 16 bytes at 4 KiB page size: the boundary is at
 * bit 32640, inside a leaf 127 MiB (mock) into the range.
 */
IOD_REGRESSION_VARIANT(page_cross, b058ea3ab5af, bit32640_ps4k,
		       .offset = 16, .page_size = 4096);

FIXTURE_SETUP(page_cross)
{
	struct iod_dirty_opts o = { .buf_len = 4 * M, .huge = true };

	memset(&self->sp, 0, sizeof(self->sp));
	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(page_cross)
{
	iod_fp_free(&self->sp.fp);
	iod_dirty_teardown(&self->d);
}

IOD_REGRESSION_TEST_F(page_cross, huge_leaf_across_bitmap_page)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = variant->page_size ? variant->page_size : d->base_leaf;
	uint64_t boundary, cross, len, hot[3];
	struct iod_harvest_req r;
	char why[384] = "";
	int rc;

	ASSERT_TRUE(d->huge);
	boundary = (iod_host_page() - variant->offset) * 8;
	/* The leaf holding the bit at the boundary, and one leaf more. */
	cross = boundary * ps / d->leaf * d->leaf;
	ASSERT_LT(cross, boundary * ps) TH_LOG("the boundary must fall inside a leaf");
	len = cross + 2 * d->leaf;
	hot[0] = 0;
	hot[1] = cross;
	hot[2] = cross + d->leaf;
	rc = iod_span_build(d, &self->sp, 0, len, hot, 3, why, sizeof(why));
	if (rc == -ENOSPC)
		IOD_REGRESSION_SKIP("%s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	ASSERT_EQ(0, iod_touch(d, &self->sp.fp, self->sp.base + cross));
	r = (struct iod_harvest_req){
		.exact = true, .iova = self->sp.base, .len = len,
		.page_size = ps, .offset = variant->offset,
	};
	IOD_ASSERT_HARVEST_FP(d, &self->sp.fp, &r);
	/* Again with the neighbours dirty too. */
	iod_fp_reset(&self->sp.fp);
	ASSERT_EQ(0, iod_touch(d, &self->sp.fp, self->sp.base));
	ASSERT_EQ(0, iod_touch(d, &self->sp.fp, self->sp.base + cross));
	ASSERT_EQ(0, iod_touch(d, &self->sp.fp,
			       self->sp.base + cross + d->leaf));
	IOD_ASSERT_HARVEST_FP(d, &self->sp.fp, &r);
}

IOD_REGRESSION(d18411ec3057,
	       "iommufd/iova_bitmap: Switch iova_bitmap::bitmap to an u8 array",
	       "6.8-rc6");
IOD_REGRESSION(4bbcbc6ea2fa,
	       "iommufd/iova_bitmap: Consider page offset for the pages to be pinned",
	       "6.8-rc6");

/*
 * Small bitmaps at unaligned addresses.
 *
 * d18411ec3057: a bitmap under 2 MiB not aligned to 8 bytes lost the tail
 * of the range. Geometry: fewer than 64 bits at +1 / +4 bytes, the last
 * page dirty.
 * 4bbcbc6ea2fa: a bitmap of fewer than 512 pages that crosses into one
 * more page than its size needs was pinned one page short. Geometry: the
 * last bits land in the next page.
 */
FIXTURE(small_bitmap) {
	struct iod_dirty d;
	struct iod_span sp;
};

FIXTURE_VARIANT(small_bitmap) {
	const struct iod_regression *regression;
	size_t offset;
	uint64_t bits;
};

IOD_REGRESSION_VARIANT(small_bitmap, d18411ec3057, off1_40bits,
		       .offset = 1, .bits = 40);
IOD_REGRESSION_VARIANT(small_bitmap, d18411ec3057, off4_63bits,
		       .offset = 4, .bits = 63);
/* 5 bytes from 4093: bits 24..39 are in the next page. */
IOD_REGRESSION_VARIANT(small_bitmap, 4bbcbc6ea2fa, off4093_40bits,
		       .offset = 4093, .bits = 40);
/* A whole page of bitmap from the middle of a page: two pages pinned. */
IOD_REGRESSION_VARIANT(small_bitmap, 4bbcbc6ea2fa, off2048_32768bits,
		       .offset = 2048, .bits = 32768);

FIXTURE_SETUP(small_bitmap)
{
	struct iod_dirty_opts o = {
		.buf_len = 4 * M,
	};

	memset(&self->sp, 0, sizeof(self->sp));
	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(small_bitmap)
{
	iod_fp_free(&self->sp.fp);
	iod_dirty_teardown(&self->d);
}

IOD_REGRESSION_TEST_F(small_bitmap, tail_reported)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = d->leaf, len = variant->bits * ps, hot[3];
	uint64_t in_next = (iod_host_page() - variant->offset) * 8;
	struct iod_harvest_req r;
	char why[384] = "";
	int rc;

	hot[0] = 0;
	hot[1] = len - ps;
	hot[2] = (in_next < variant->bits ? in_next : 0) * ps;
	rc = iod_span_build(d, &self->sp, 0, len, hot, 3, why, sizeof(why));
	if (rc == -ENOSPC)
		IOD_REGRESSION_SKIP("%s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	r = (struct iod_harvest_req){
		.exact = true, .iova = self->sp.base, .len = len,
		.page_size = ps, .offset = variant->offset,
	};
	/* The last page alone. */
	ASSERT_EQ(0, iod_touch(d, &self->sp.fp, self->sp.base + len - ps));
	IOD_ASSERT_HARVEST_FP(d, &self->sp.fp, &r);
	/* First, first-in-next-page and last. */
	iod_fp_reset(&self->sp.fp);
	ASSERT_EQ(0, iod_touch(d, &self->sp.fp, self->sp.base));
	ASSERT_EQ(0, iod_touch(d, &self->sp.fp, self->sp.base + hot[2]));
	ASSERT_EQ(0, iod_touch(d, &self->sp.fp, self->sp.base + len - ps));
	IOD_ASSERT_HARVEST_FP(d, &self->sp.fp, &r);
	/* Every page. */
	iod_fp_reset(&self->sp.fp);
	ASSERT_EQ(0, iod_engine_write(&d->engine, self->sp.base,
				      len < d->len ? len : d->len, 7,
				      &self->sp.fp));
	if (len > d->len)
		ASSERT_EQ(0, iod_touch(d, &self->sp.fp,
				       self->sp.base + len - ps));
	IOD_ASSERT_HARVEST_FP(d, &self->sp.fp, &r);
}

IOD_REGRESSION(e24c15510592,
	       "iommufd/iova_bitmap: Fix shift-out-of-bounds in iova_bitmap_offset_to_index()",
	       "6.14; stable 6.1-6.13");

/*
 * `1 << pgshift` was an int shift: page sizes of 2^32 and up overflowed it
 * (UBSAN shift-out-of-bounds, syzbot). Geometry: GET_DIRTY_BITMAP with
 * iova 0 and length = page_size = 2^k, k = 32..63 (valid arguments). The
 * kernel log must stay clean. Where the IOAS allows IOVA 0, the buffer is
 * mapped there and written first, and bit 0 must be set.
 */
FIXTURE(big_page_size) {
	struct iod_dirty d;
	struct iod_fp fp;
};

FIXTURE_VARIANT(big_page_size) {
	const struct iod_regression *regression;
	unsigned int shift;
};

IOD_REGRESSION_VARIANT(big_page_size, e24c15510592, ps2e32, .shift = 32);
IOD_REGRESSION_VARIANT(big_page_size, e24c15510592, ps2e48, .shift = 48);
IOD_REGRESSION_VARIANT(big_page_size, e24c15510592, ps2e63, .shift = 63);

FIXTURE_SETUP(big_page_size)
{
	struct iod_dirty_opts o = {
		.buf_len = 64 * K,
		.enable = true,
	};

	memset(&self->fp, 0, sizeof(self->fp));
	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(big_page_size)
{
	iod_fp_free(&self->fp);
	iod_dirty_teardown(&self->d);
}

IOD_REGRESSION_TEST_F(big_page_size, no_shift_overflow)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = 1ull << variant->shift;
	struct iommu_iova_range rg[8];
	struct iod_harvest_req r;
	bool at_zero = false;
	char line[512];
	int kfd, n, i;

	n = iod_ioas_iova_ranges(d->t.fd, d->t.ioas_id, rg, 8, NULL);
	ASSERT_LE(0, n);
	for (i = 0; i < n && i < 8; i++)
		if (rg[i].start == 0 && rg[i].last >= d->len - 1)
			at_zero = true;
	if (at_zero) {
		ASSERT_EQ(0, iod_space_unmap(&d->space, d->iova));
		ASSERT_EQ(0, iod_space_map(&d->space, d->buf, d->len, 0));
		ASSERT_EQ(0, iod_fp_init(&self->fp, 0, d->len, d->leaf));
		iod_bench_mapped(d, &self->fp, 0, d->len);
		ASSERT_EQ(0, iod_touch(d, &self->fp, 0));
	} else {
		/* Nothing at 0: [0, 2^k) starts in a hole and reports nothing. */
		ASSERT_EQ(0, iod_fp_init(&self->fp, d->iova, d->len, d->leaf));
		TH_LOG("IOVA 0 is outside the IOAS: only the argument path is exercised");
	}
	kfd = iod_kmsg_open();
	if (kfd < 0)
		TH_LOG("/dev/kmsg unreadable: a sanitizer report is left to the console");
	r = (struct iod_harvest_req){
		.exact = true, .iova = 0, .len = ps, .page_size = ps,
	};
	IOD_ASSERT_HARVEST_FP(d, &self->fp, &r);
	/* The same with NO_CLEAR and a bitmap at the end of its mapping. */
	r.flags = IOD_NO_CLEAR;
	r.bm_flags = IOD_BM_END_AT_VMA;
	iod_fp_reset(&self->fp);
	IOD_ASSERT_HARVEST_FP(d, &self->fp, &r);
	if (iod_kmsg_splat(kfd, line, sizeof(line))) {
		close(kfd);
		ASSERT_TRUE(false) TH_LOG("page size 2^%u: the kernel logged: %s",
					  variant->shift, line);
	}
	if (kfd >= 0)
		close(kfd);
}

IOD_REGRESSION(79ea4a496ab5,
	       "iommufd/selftest: Fix buffer read overrun in the dirty test",
	       "6.12-rc");

/*
 * IOMMU_TEST_OP_DIRTY allocated its copy of the page bitmap in bytes and
 * read it in longs: an out-of-bounds read (KASAN) when the page count is
 * not a multiple of 64. Geometry: device writes of 8, 24 and 65 pages in
 * one operation, starting off a 64-page boundary. On the mock the engine
 * issues exactly that OP_DIRTY; elsewhere the same writes go to the
 * device. The kernel log must stay clean.
 */
FIXTURE(partial_word) {
	struct iod_dirty d;
};

FIXTURE_VARIANT(partial_word) {
	const struct iod_regression *regression;
	uint64_t pages;
};

IOD_REGRESSION_VARIANT(partial_word, 79ea4a496ab5, 8pages, .pages = 8);
IOD_REGRESSION_VARIANT(partial_word, 79ea4a496ab5, 24pages, .pages = 24);
IOD_REGRESSION_VARIANT(partial_word, 79ea4a496ab5, 65pages, .pages = 65);

FIXTURE_SETUP(partial_word)
{
	struct iod_dirty_opts o = {
		.buf_len = 512 * K,
		.enable = true,
	};

	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(partial_word)
{
	iod_dirty_teardown(&self->d);
}

IOD_REGRESSION_TEST_F(partial_word, op_dirty_not_multiple_of_64)
{
	struct iod_dirty *d = &self->d;
	struct iod_harvest_req r = {
		.exact = true, .iova = d->iova, .len = d->len,
		.page_size = d->leaf,
	};
	char line[512];
	int kfd;

	ASSERT_LE((variant->pages + 3) * d->leaf, d->len);
	kfd = iod_kmsg_open();
	ASSERT_EQ(0, iod_engine_write(&d->engine, d->iova + 3 * d->leaf,
				      variant->pages * d->leaf, 3, &d->fp));
	ASSERT_EQ(variant->pages, iod_fp_count(&d->fp));
	IOD_ASSERT_HARVEST_FP(d, &d->fp, &r);
	/*
	 * A write ending one byte (one NVMe block) into a page dirties that
	 * page too.
	 */
	iod_fp_reset(&d->fp);
	ASSERT_EQ(0, iod_engine_write_cover(&d->engine, d->iova + d->leaf,
					    (variant->pages - 1) * d->leaf + 1,
					    4, &d->fp));
	ASSERT_EQ(variant->pages, iod_fp_count(&d->fp));
	IOD_ASSERT_HARVEST_FP(d, &d->fp, &r);
	if (iod_kmsg_splat(kfd, line, sizeof(line))) {
		close(kfd);
		ASSERT_TRUE(false) TH_LOG("%llu pages: the kernel logged: %s",
					  (unsigned long long)variant->pages,
					  line);
	}
	if (kfd >= 0)
		close(kfd);
}

IOD_REGRESSION(9560393b830b,
	       "iommufd/selftest: Fix iommufd_test_dirty() to handle <u8 bitmaps",
	       "6.11");

/*
 * With ec61f820a2ff, 33335584eb78, ffa3c799ce15 and dceb5304d726, the
 * rest of that selftest series: bitmaps of fewer than 8 bits, both ways (the page bitmap a device write is recorded from, and the
 * harvested one).
 */
FIXTURE(sub_byte) {
	struct iod_dirty d;
};

FIXTURE_SETUP(sub_byte)
{
	struct iod_dirty_opts o = {
		.buf_len = 64 * K,
		.enable = true,
	};

	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(sub_byte)
{
	iod_dirty_teardown(&self->d);
}

IOD_REGRESSION_TEST_F_OF(sub_byte, 9560393b830b, one_to_eight_bits)
{
	struct iod_dirty *d = &self->d;
	struct iod_harvest_req r = {
		.exact = true, .iova = d->iova, .page_size = d->leaf,
	};
	uint64_t n;

	for (n = 1; n <= 8; n++) {
		r.len = n * d->leaf;
		/* n pages in one write: an n-bit page bitmap. */
		iod_fp_reset(&d->fp);
		ASSERT_EQ(0, iod_engine_write(&d->engine, d->iova, r.len,
					      (uint8_t)n, &d->fp));
		r.offset = 0;
		IOD_ASSERT_HARVEST_FP(d, &d->fp, &r);
		/* The last page alone, bitmap in the last byte of a page. */
		iod_fp_reset(&d->fp);
		ASSERT_EQ(0, iod_touch(d, &d->fp, d->iova + r.len - d->leaf));
		r.offset = iod_host_page() - 1;
		IOD_ASSERT_HARVEST_FP(d, &d->fp, &r);
	}
}

IOD_REGRESSION(dceb5304d726,
	       "iommufd/selftest dirty bitmap series with ffa3c799ce15 (and 9560393b830b, ec61f820a2ff, 33335584eb78): the mock records from the walked IOVA as drivers do",
	       "6.11");

/*
 * With ffa3c799ce15, the mock records a dirty huge page from the IOVA it walked, as drivers do, not from the page's
 * head (which lies before the bitmap's first bit). Geometry: the harvest
 * starts in the middle of a huge leaf. What a correct kernel reports is
 * the contract: every page of the range that a dirty leaf covers, nothing
 * outside the bitmap. The whole first leaf's dirty bit is cleared by that
 * harvest (documented core behaviour), so a second harvest of the whole
 * leaf is empty.
 *
 * Measured on 6.12.117 (known bugs, see the profile): drivers and the mock
 * record (walked iova, leaf size) and step by the leaf size from the
 * unaligned start, and iova_bitmap_set() does not clip to the bitmap, so
 * - a range ending at the leaf's end gets the leaf's bits written past
 *   the end of the bitmap (user memory after it is overwritten);
 * - a range ending inside the next leaf never looks at that leaf when the
 *   first is clean: its dirty part of the range is not reported.
 */
FIXTURE(mid_leaf) {
	struct iod_dirty d;
};

FIXTURE_VARIANT(mid_leaf) {
	const struct iod_regression *regression;
	bool to_end;		/* the range ends at the first leaf's end */
	bool first_dirty;	/* the leaf the range starts in */
	bool next_dirty;	/* the leaf after it */
};

IOD_REGRESSION_VARIANT(mid_leaf, dceb5304d726, half_to_leaf_end,
		       .to_end = true, .first_dirty = true);
IOD_REGRESSION_VARIANT(mid_leaf, dceb5304d726, half_one_leaf_long,
		       .first_dirty = true, .next_dirty = true);
IOD_REGRESSION_VARIANT(mid_leaf, dceb5304d726, half_next_leaf_only,
		       .next_dirty = true);

FIXTURE_SETUP(mid_leaf)
{
	struct iod_dirty_opts o = {
		.buf_len = 4 * M, .huge = true, .enable = true,
	};

	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(mid_leaf)
{
	iod_dirty_teardown(&self->d);
}

IOD_REGRESSION_TEST_F(mid_leaf, start_inside_huge_leaf)
{
	struct iod_dirty *d = &self->d;
	uint64_t off = d->leaf / 2;
	struct iod_harvest_req r = {
		.exact = true, .iova = d->iova + off,
		.len = variant->to_end ? d->leaf - off : d->leaf,
		.page_size = d->base_leaf,
	};
	char rep[640];
	int64_t w;

	ASSERT_TRUE(d->huge);
	ASSERT_LE(2 * d->leaf, d->len);
	if (variant->first_dirty)
		ASSERT_EQ(0, iod_touch(d, &d->fp, d->iova));
	if (variant->next_dirty)
		ASSERT_EQ(0, iod_touch(d, &d->fp, d->iova + d->leaf));
	w = iod_harvest_compare(d, &d->fp, &r, NULL, rep, sizeof(rep));
	if (w)
		TH_LOG("harvest [0x%llx, +0x%llx) from inside the leaf at 0x%llx: %s",
		       (unsigned long long)r.iova, (unsigned long long)r.len,
		       (unsigned long long)d->iova, rep);
	IOD_XFAIL_IF_KNOWN_BUG(w != 0);
	ASSERT_EQ(0, w);
	/* The leaf the range starts in was cleared whole. */
	iod_fp_clear(&d->fp, d->iova, d->leaf);
	r.iova = d->iova;
	r.len = d->leaf;
	IOD_ASSERT_HARVEST_FP(d, &d->fp, &r);
}

IOD_HARNESS_MAIN
