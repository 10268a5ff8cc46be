// SPDX-License-Identifier: GPL-2.0
/*
 * Regression cases for fixed kernel bugs at the edge of a bitmap window,
 * one geometry per fixing commit. Each fix is declared once
 * (IOD_REGRESSION, lib/harness/regress.h); a case names its commit in its
 * variant and logs "regression of <commit> <subject> (<release>)".
 *
 * Bitmap windows: the kernel pins at most 512 pages of user bitmap at a
 * time (2 MiB with 4 KiB pages), i.e. 16 Mi bits. At a harvest page size
 * of 4 KiB that is 64 GiB of IOVA; at page size 1 (accepted by the uAPI:
 * only page_size != 0 and alignment are checked) it is 16 MiB, which puts
 * the same window edge inside a small IOAS.
 *
 * Spans longer than the test buffer are built by mapping the buffer again
 * and again at consecutive IOVAs (lib/harness/span.h): the walk follows contiguous
 * areas, so holes are never allowed inside a harvested range. A window
 * the IOAS cannot hold SKIPs saying what aperture it needs.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "harness/iod_test.h"
#include "model/harvest_range.h"
#include "uapi/iommufd.h"
#include "harness/regress.h"
#include "harness/span.h"
#include "util.h"

IOD_RUNS_PER_PROFILE_ENGINE

IOD_REGRESSION(a4ab7dedaee0,
	       "iommufd/iova_bitmap: Bounds check mapped::pages access",
	       "6.8-rc6");
IOD_REGRESSION(2780025e01e2,
	       "iommufd/iova_bitmap: Handle recording beyond the mapped pages",
	       "6.8-rc6");
IOD_REGRESSION(792583656f55,
	       "iommufd/iova_bitmap: Check iova_bitmap_done() after set ahead",
	       "6.11");

/*
 * Bitmap window edges. The first window is 512 pinned pages from the
 * bitmap's start; a span starts `prefix` bytes before a leaf-aligned base,
 * so with a page-aligned bitmap the edge falls `prefix` bytes before the
 * end of a leaf. The leaf across the edge is dirty.
 *
 * a4ab7dedaee0: the bits past the edge were written through pages[]
 * beyond the pinned pages.
 * 2780025e01e2: the bits past the edge were dropped.
 * 792583656f55: the leaf across the edge is the last one of the range and
 * the bitmap ends on a page boundary at the end of its mapping; after
 * recording the rest of the leaf, nothing more may be pinned.
 */
FIXTURE(window_edge) {
	struct iod_dirty d;
	struct iod_span sp;
};

FIXTURE_VARIANT(window_edge) {
	const struct iod_regression *regression;
	uint64_t page_size;
	uint64_t prefix;	/* 0: half a huge leaf */
	bool at_end;		/* the crossing leaf ends the range */
};

/* 512 KiB of the leaf (64 KiB of bitmap, 16 pages) past the pinned pages. */
IOD_REGRESSION_VARIANT(window_edge, a4ab7dedaee0, ps1,
		       .page_size = 1, .prefix = 512 * K);
/* 16 KiB of the leaf past the edge, one more leaf after it. */
IOD_REGRESSION_VARIANT(window_edge, 2780025e01e2, ps1,
		       .page_size = 1, .prefix = 16 * K);
/* The 64 GiB window of a 4 KiB bitmap, half a huge leaf past the edge. */
IOD_REGRESSION_VARIANT(window_edge, 2780025e01e2, ps4k,
		       .page_size = 4096, .prefix = 0);
IOD_REGRESSION_VARIANT(window_edge, 792583656f55, ps1_at_end,
		       .page_size = 1, .prefix = 16 * K, .at_end = true);

FIXTURE_SETUP(window_edge)
{
	struct iod_dirty_opts o = { .buf_len = 4 * M, .huge = true };

	memset(&self->sp, 0, sizeof(self->sp));
	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(window_edge)
{
	iod_fp_free(&self->sp.fp);
	iod_dirty_teardown(&self->d);
}

IOD_REGRESSION_TEST_F(window_edge, leaf_across_edge)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = variant->page_size, leaf = d->leaf;
	uint64_t prefix = variant->prefix ? variant->prefix : leaf / 2;
	uint64_t page = iod_host_page(), window = 512ull * page * 8 * ps;
	uint64_t nleaves, len, pgoff = 0, edge, cross, bytes, hot[3];
	struct iod_harvest_req r;
	char why[384] = "";
	int rc, iter;

	ASSERT_TRUE(d->huge);
	ASSERT_EQ(0, prefix % d->base_leaf);
	/*
	 * Leaves from base so that the edge's leaf is the last (at_end) or
	 * the one before the last. With the bitmap at the end of its mapping
	 * its page offset depends on its size: iterate to a fixed point.
	 */
	for (iter = 0; iter < 4; iter++) {
		edge = window - pgoff * 8 * ps;	/* from the span's start */
		ASSERT_GT(edge, prefix);
		nleaves = (edge - prefix + leaf - 1) / leaf + !variant->at_end;
		len = prefix + nleaves * leaf;
		bytes = (len / ps + 7) / 8;
		if (!variant->at_end)
			break;
		if (pgoff == (page - bytes % page) % page)
			break;
		pgoff = (page - bytes % page) % page;
	}
	/* The edge, from base, must fall strictly inside the crossing leaf. */
	cross = (edge - prefix) / leaf * leaf;
	ASSERT_NE(cross, edge - prefix) TH_LOG("the window edge fell on a leaf boundary: the geometry is wrong");
	if (variant->at_end)
		ASSERT_EQ(cross + leaf, len - prefix);
	hot[0] = 0;
	hot[1] = cross;
	hot[2] = len - prefix - leaf;
	rc = iod_span_build(d, &self->sp, prefix, len - prefix, hot, 3, why,
			    sizeof(why));
	if (rc == -ENOSPC)
		IOD_REGRESSION_SKIP("the bitmap window at page size %llu covers %llu MiB of IOVA; %s",
				    (unsigned long long)ps,
				    (unsigned long long)(window / M), why);
	if (rc == -ENOMEM)
		IOD_REGRESSION_SKIP("cannot pin %llu MiB of IOVA mappings: %s",
				    (unsigned long long)(len / M), why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	TH_LOG("range [0x%llx, +0x%llx), first window edge at 0x%llx inside the leaf at 0x%llx",
	       (unsigned long long)self->sp.start, (unsigned long long)len,
	       (unsigned long long)(self->sp.start + edge),
	       (unsigned long long)(self->sp.base + cross));
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	ASSERT_EQ(0, iod_touch(d, &self->sp.fp, self->sp.base + cross));
	r = (struct iod_harvest_req){
		.exact = true, .iova = self->sp.start, .len = len,
		.page_size = ps, .offset = 0,
		.bm_flags = variant->at_end ? IOD_BM_END_AT_VMA : 0,
	};
	IOD_ASSERT_HARVEST_FP(d, &self->sp.fp, &r);
	/* The first and last leaves too: both windows in one harvest. */
	iod_fp_reset(&self->sp.fp);
	ASSERT_EQ(0, iod_touch(d, &self->sp.fp, self->sp.base));
	ASSERT_EQ(0, iod_touch(d, &self->sp.fp, self->sp.base + cross));
	ASSERT_EQ(0, iod_touch(d, &self->sp.fp, self->sp.base + hot[2]));
	IOD_ASSERT_HARVEST_FP(d, &self->sp.fp, &r);
	/* Everything was cleared. */
	iod_fp_reset(&self->sp.fp);
	IOD_ASSERT_HARVEST_FP(d, &self->sp.fp, &r);
}

IOD_HARNESS_MAIN
