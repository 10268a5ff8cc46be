// SPDX-License-Identifier: GPL-2.0
/*
 * Regression cases for fixed kernel bugs in dirty tracking, one geometry
 * per fixing commit: the exact bitmap placement, huge leaf, bitmap window
 * edge, page size or attach order each bug needed. A case names its commit
 * in its name or variant and says "regression of <commit> <subject>".
 *
 * Bitmap windows: the kernel pins at most 512 pages of user bitmap at a
 * time (2 MiB with 4 KiB pages), i.e. 16 Mi bits. At a harvest page size
 * of 4 KiB that is 64 GiB of IOVA; at page size 1 (accepted by the uAPI:
 * only page_size != 0 and alignment are checked) it is 16 MiB, which puts
 * the same window edge inside a small IOAS.
 *
 * Spans longer than the test buffer are built by mapping the buffer again
 * and again at consecutive IOVAs: the walk follows contiguous areas, so
 * holes are never allowed inside a harvested range.
 *
 * Cases that need Intel VT-d nesting or a big IOVA aperture are complete
 * and SKIP with what is missing on the target.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "iod_test.h"
#include "iommufd.h"

#define K 1024ull
#define M (1024ull * 1024)
#define G (1024ull * M)

#define REGRESSION(c, s) "regression of " c " " s

/* ---- kernel log: did a case make the kernel complain? ---- */

/* Open /dev/kmsg positioned at its end; -1 if unavailable. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/*
 * Read the records logged since kmsg_open(); true (and the first offending
 * record in `line`) if one is a sanitizer report or a kernel warning.
 */
static bool kmsg_splat(int fd, char *line, size_t len)
{
	static const char *const bad[] = {
		"UBSAN", "KASAN", "shift-out-of-bounds", "out-of-bounds",
		"BUG:", "WARNING:", "Oops",
	};
	char rec[2048];
	unsigned int i;
	ssize_t n;

	if (fd < 0)
		return false;
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			return false;
		rec[n] = 0;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			if (strstr(rec, bad[i])) {
				char *nl = strchr(rec, '\n');

				if (nl)
					*nl = 0;
				strncpy(line, rec, len - 1);
				line[len - 1] = 0;
				return true;
			}
		}
	}
}

/* ---- expected bits and comparison over any range ---- */

static void set_bits(uint8_t *bm, uint64_t first, uint64_t last)
{
	uint64_t i = first;

	for (; i <= last && (i & 7); i++)
		bm[i / 8] |= 1u << (i & 7);
	if (i + 8 <= last + 1) {
		uint64_t nbytes = (last + 1 - i) / 8;

		memset(bm + i / 8, 0xff, nbytes);
		i += nbytes * 8;
	}
	for (; i <= last; i++)
		bm[i / 8] |= 1u << (i & 7);
}

/*
 * The bitmap a harvest of [iova, +len) at page size ps must return: a bit
 * is set exactly when a dirty leaf of fp intersects its page. Parts of the
 * range outside fp are clean (never written).
 */
static void expect_bits(const struct iod_fp *fp, uint64_t iova, uint64_t len,
			uint64_t ps, uint8_t *bm)
{
	uint64_t end = iova + len, j;

	for (j = 0; j < fp->nleaves; j++) {
		uint64_t ls = fp->iova + j * fp->leaf, le = ls + fp->leaf;

		if (!iod_fp_leaf_dirty(fp, ls))
			continue;
		if (ls < iova)
			ls = iova;
		if (le > end)
			le = end;
		if (ls >= le)
			continue;
		set_bits(bm, (ls - iova) / ps, (le - 1 - iova) / ps);
	}
}

struct harvest_req {
	uint32_t hwpt_id;
	uint64_t iova, len, page_size;
	size_t offset;		/* bitmap byte offset in its page */
	unsigned int bm_flags;	/* IOD_BM_* */
	uint32_t flags;		/* GET_DIRTY_BITMAP flags */
};

/*
 * Harvest as `r` says into a fresh bitmap and compare it, every bit and
 * the guards, with fp. Returns the number of wrong bits (a touched guard
 * counts as one) or -errno of the ioctl; `rep` says what was wrong.
 */
static int64_t harvest_check(int fd, const struct iod_fp *fp,
			     const struct harvest_req *r, char *rep, size_t rl)
{
	uint64_t nbits = r->len / r->page_size, i, first = 0, last = 0;
	uint64_t missing = 0, extra = 0;
	size_t bytes = (nbits + 7) / 8;
	struct iod_bitmap_buf b;
	uint8_t *want;
	int64_t wrong = 0;
	size_t used;
	int rc;

	rep[0] = 0;
	rc = iod_bitmap_buf_alloc(&b, bytes, r->offset, r->bm_flags);
	if (rc) {
		snprintf(rep, rl, "cannot allocate a %zu-byte bitmap", bytes);
		return rc;
	}
	want = calloc(1, bytes);
	if (!want) {
		iod_bitmap_buf_free(&b);
		return -ENOMEM;
	}
	expect_bits(fp, r->iova, r->len, r->page_size, want);
	rc = iod_get_dirty_bitmap(fd, r->hwpt_id, r->iova, r->len,
				  r->page_size, b.data, r->flags);
	if (rc) {
		snprintf(rep, rl, "GET_DIRTY_BITMAP: %s", iod_errno_name(-rc));
		wrong = rc;
		goto out;
	}
	for (i = 0; i < bytes * 8; i++) {
		int got = !!(b.data[i / 8] & (1u << (i & 7)));
		int exp = !!(want[i / 8] & (1u << (i & 7)));

		if ((i & 7) == 0 && b.data[i / 8] == want[i / 8]) {
			i += 7;
			continue;
		}
		if (got == exp)
			continue;
		if (!wrong)
			first = i;
		last = i;
		wrong++;
		if (got)
			extra++;
		else
			missing++;
	}
	used = 0;
	if (wrong)
		used = snprintf(rep, rl,
				"%lld wrong bits of %llu (%llu missing, %llu set but clean or past the range), first at bit %llu (iova 0x%llx), last at bit %llu (iova 0x%llx)",
				(long long)wrong, (unsigned long long)nbits,
				(unsigned long long)missing,
				(unsigned long long)extra,
				(unsigned long long)first,
				(unsigned long long)(r->iova + first * r->page_size),
				(unsigned long long)last,
				(unsigned long long)(r->iova + last * r->page_size));
	if (used < rl && !iod_bitmap_buf_guards_ok(&b, rep + used, rl - used))
		wrong++;
out:
	free(want);
	iod_bitmap_buf_free(&b);
	return wrong;
}

#define ASSERT_HARVEST(fd, fp, req) do { \
	char __rep[640]; \
	int64_t __w = harvest_check((fd), (fp), (req), __rep, sizeof(__rep)); \
	ASSERT_EQ(0, __w) TH_LOG("harvest [0x%llx, +0x%llx) at page size %llu, bitmap at page offset %zu: %s", \
				 (unsigned long long)(req)->iova, \
				 (unsigned long long)(req)->len, \
				 (unsigned long long)(req)->page_size, \
				 (req)->offset, __rep); \
} while (0)

/* ---- spans: one buffer mapped again and again at consecutive IOVAs ---- */

struct span {
	uint64_t start;		/* first IOVA: the prefix, then base */
	uint64_t prefix;	/* bytes of base-page leaves before base */
	uint64_t base;		/* leaf aligned; copies of the buffer follow */
	uint64_t len;		/* bytes of copies from base */
	struct iod_fp fp;	/* over [base, +len) at the bench's leaf */
};

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* What the IOAS allows, for a SKIP reason. */
static void describe_ranges(struct iod_dirty *d, char *buf, size_t len)
{
	struct iommu_iova_range r[8];
	size_t used = 0;
	int n, i;

	n = iod_ioas_iova_ranges(d->t.fd, d->t.ioas_id, r, 8, NULL);
	if (n < 0) {
		snprintf(buf, len, "(IOAS_IOVA_RANGES failed: %s)",
			 iod_errno_name(-n));
		return;
	}
	buf[0] = 0;
	for (i = 0; i < n && i < 8 && used < len; i++)
		used += snprintf(buf + used, len - used, "%s[0x%llx, 0x%llx]",
				 i ? " " : "",
				 (unsigned long long)r[i].start,
				 (unsigned long long)r[i].last);
	if (!n)
		snprintf(buf, len, "no range at all");
}

/*
 * Replace the bench's mapping by a span: `prefix` bytes mapped just below
 * a leaf-aligned base (only base pages fit there, so they are base-page
 * leaves whatever the memory), then copies of the buffer up to len bytes.
 * Copies holding one of the `hot` offsets (from base) are entered in the
 * bench's space so the engine can write there; the engine is never asked
 * to write elsewhere. -ENOSPC if the IOAS has no room (`why` says what it
 * offers), else 0 or -errno.
 */
static int span_build(struct iod_dirty *d, struct span *sp, uint64_t prefix,
		      uint64_t len, const uint64_t *hot, unsigned int nhot,
		      char *why, size_t wl)
{
	uint64_t align = max_u64(d->leaf, 2 * M), p0, off;
	char ranges[256];
	unsigned int h;
	int rc;

	memset(sp, 0, sizeof(*sp));
	if (prefix >= align || len % d->leaf)
		return -EINVAL;
	rc = iod_space_unmap(&d->space, d->iova);
	if (rc) {
		snprintf(why, wl, "unmapping the bench buffer: %s",
			 iod_errno_name(-rc));
		return rc;
	}
	rc = iod_ioas_pick_iova(d->t.fd, d->t.ioas_id, align + len, 1ull << 24,
				align, &p0);
	if (rc == -ENOSPC) {
		describe_ranges(d, ranges, sizeof(ranges));
		snprintf(why, wl,
			 "needs %llu MiB of contiguous IOVA aperture, the IOAS offers %s",
			 (unsigned long long)((align + len + M - 1) / M),
			 ranges);
		return rc;
	}
	if (rc)
		return rc;
	sp->base = p0 + align;
	sp->prefix = prefix;
	sp->start = sp->base - prefix;
	sp->len = len;
	if (prefix) {
		rc = iod_ioas_map_fixed(d->t.fd, d->t.ioas_id, d->buf, prefix,
					sp->start);
		if (rc) {
			snprintf(why, wl, "mapping the %llu-byte prefix: %s",
				 (unsigned long long)prefix,
				 iod_errno_name(-rc));
			return rc;
		}
	}
	for (off = 0; off < len; off += d->len) {
		uint64_t n = len - off < d->len ? len - off : d->len;
		bool in_space = false;

		for (h = 0; h < nhot; h++)
			if (hot[h] >= off && hot[h] < off + n)
				in_space = true;
		if (in_space)
			rc = iod_space_map(&d->space, d->buf, n, sp->base + off);
		else
			rc = iod_ioas_map_fixed(d->t.fd, d->t.ioas_id, d->buf,
						n, sp->base + off);
		if (rc) {
			snprintf(why, wl, "mapping a copy at 0x%llx: %s",
				 (unsigned long long)(sp->base + off),
				 iod_errno_name(-rc));
			return rc;
		}
	}
	rc = iod_fp_init(&sp->fp, sp->base, len, d->leaf);
	if (rc)
		snprintf(why, wl, "footprint: %s", iod_errno_name(-rc));
	return rc;
}

/* The device writes one byte at iova: its whole leaf becomes dirty. */
static int touch(struct iod_dirty *d, struct iod_fp *fp, uint64_t iova)
{
	return iod_engine_write(&d->engine, iova, 1, (uint8_t)iova, fp);
}

static size_t host_page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/*
 * IOMMU_OPTION_HUGE_PAGES=0 where it does not change the harvest rules:
 * it raises the IOAS alignment to the host page, so only when the base
 * leaf is at least that (not on the mock, whose leaf is half a page).
 */
static bool base_pages(void)
{
	return iod_profile_uint(iod_env.profile, "dirty.leaf", 0) >=
	       host_page();
}

/*
 * f38044e5ef58 vfio/iova_bitmap: Fix PAGE_SIZE unaligned bitmaps (6.1)
 *
 * A bitmap that does not start on a page boundary had its bits placed
 * relative to the page instead of the bitmap, and its first window was
 * not capped at the end of the first page. Geometry: the bitmap starts
 * `offset` bytes into a page and spans two pages; dirty leaves at bit 0,
 * at the last bit of the first page, the first bit of the second page and
 * the last bit.
 */
FIXTURE(unaligned_bitmap) {
	struct iod_dirty d;
	struct span sp;
};

FIXTURE_VARIANT(unaligned_bitmap) {
	size_t offset;
};

FIXTURE_VARIANT_ADD(unaligned_bitmap, f38044e5ef58_off1) { .offset = 1 };
FIXTURE_VARIANT_ADD(unaligned_bitmap, f38044e5ef58_off64) { .offset = 64 };
FIXTURE_VARIANT_ADD(unaligned_bitmap, f38044e5ef58_off2048) { .offset = 2048 };
FIXTURE_VARIANT_ADD(unaligned_bitmap, f38044e5ef58_off4095) { .offset = 4095 };

FIXTURE_SETUP(unaligned_bitmap)
{
	struct iod_dirty_opts o = { .buf_len = 4 * M, .base_pages = base_pages() };

	memset(&self->sp, 0, sizeof(self->sp));
	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(unaligned_bitmap)
{
	iod_fp_free(&self->sp.fp);
	iod_dirty_teardown(&self->d);
}

/* f38044e5ef58 vfio/iova_bitmap: Fix PAGE_SIZE unaligned bitmaps (v6.1) */
TEST_F(unaligned_bitmap, bits_at_offset)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = d->leaf, bits, boundary, hot[4];
	struct harvest_req r = { 0 };
	char why[384] = "";
	unsigned int i;
	int rc;

	TH_LOG(REGRESSION("f38044e5ef58", "vfio/iova_bitmap: Fix PAGE_SIZE unaligned bitmaps"));
	if (variant->offset >= host_page())
		SKIP(return, "offset %zu is past the host page size", variant->offset);
	/* Bits up to the first page boundary, then 64 more. */
	boundary = (host_page() - variant->offset) * 8;
	bits = boundary + 64;
	hot[0] = 0;
	hot[1] = (boundary - 1) * ps;
	hot[2] = boundary * ps;
	hot[3] = (bits - 1) * ps;
	rc = span_build(d, &self->sp, 0, bits * ps, hot, 4, why, sizeof(why));
	if (rc == -ENOSPC)
		SKIP(return, REGRESSION("f38044e5ef58", "vfio/iova_bitmap: Fix PAGE_SIZE unaligned bitmaps") ": %s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, touch(d, &self->sp.fp, self->sp.base + hot[i]));
	r = (struct harvest_req){
		.hwpt_id = d->hwpt_id, .iova = self->sp.base,
		.len = bits * ps, .page_size = ps, .offset = variant->offset,
	};
	ASSERT_HARVEST(d->t.fd, &self->sp.fp, &r);
}

/*
 * b058ea3ab5af vfio/iova_bitmap: refactor iova_bitmap_set() to better
 * handle page boundaries (6.2)
 *
 * One record (one dirty huge leaf) whose bits cross a bitmap page boundary
 * of a bitmap that does not start on a page boundary: the part past the
 * boundary went to the wrong page. Geometry: a huge leaf straddles the
 * end of the bitmap's first page, (page - offset) * 8 bits in.
 */
FIXTURE(page_cross) {
	struct iod_dirty d;
	struct span sp;
};

FIXTURE_VARIANT(page_cross) {
	size_t offset;		/* bitmap offset in its page */
	uint64_t page_size;	/* 0: the base leaf */
	unsigned int leaf_bits_den; /* page_size = huge leaf / this, if set */
};

/* 32 bytes left in the first page: bit 256 is inside leaf 0. */
FIXTURE_VARIANT_ADD(page_cross, b058ea3ab5af_first_page_end) {
	.offset = 4064, .page_size = 0,
};
/*
 * A full first page minus 16 bytes at 4 KiB page size: the boundary is at
 * bit 32640, inside a leaf 127 MiB (mock) into the range.
 */
FIXTURE_VARIANT_ADD(page_cross, b058ea3ab5af_bit32640_ps4k) {
	.offset = 16, .page_size = 4096,
};

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

/* b058ea3ab5af vfio/iova_bitmap: refactor iova_bitmap_set() to better handle page boundaries (v6.2) */
TEST_F(page_cross, huge_leaf_across_bitmap_page)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = variant->page_size ? variant->page_size : d->base_leaf;
	uint64_t boundary, cross, len, hot[3];
	struct harvest_req r;
	char why[384] = "";
	int rc;

	TH_LOG(REGRESSION("b058ea3ab5af", "vfio/iova_bitmap: refactor iova_bitmap_set() to better handle page boundaries"));
	ASSERT_TRUE(d->huge);
	boundary = (host_page() - variant->offset) * 8;
	/* The leaf holding the bit at the boundary, and one leaf more. */
	cross = boundary * ps / d->leaf * d->leaf;
	ASSERT_LT(cross, boundary * ps) TH_LOG("the boundary must fall inside a leaf");
	len = cross + 2 * d->leaf;
	hot[0] = 0;
	hot[1] = cross;
	hot[2] = cross + d->leaf;
	rc = span_build(d, &self->sp, 0, len, hot, 3, why, sizeof(why));
	if (rc == -ENOSPC)
		SKIP(return, REGRESSION("b058ea3ab5af", "vfio/iova_bitmap: refactor iova_bitmap_set() to better handle page boundaries") ": %s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	ASSERT_EQ(0, touch(d, &self->sp.fp, self->sp.base + cross));
	r = (struct harvest_req){
		.hwpt_id = d->hwpt_id, .iova = self->sp.base, .len = len,
		.page_size = ps, .offset = variant->offset,
	};
	ASSERT_HARVEST(d->t.fd, &self->sp.fp, &r);
	/* Again with the neighbours dirty too. */
	iod_fp_reset(&self->sp.fp);
	ASSERT_EQ(0, touch(d, &self->sp.fp, self->sp.base));
	ASSERT_EQ(0, touch(d, &self->sp.fp, self->sp.base + cross));
	ASSERT_EQ(0, touch(d, &self->sp.fp, self->sp.base + cross + d->leaf));
	ASSERT_HARVEST(d->t.fd, &self->sp.fp, &r);
}

/*
 * Bitmap window edges. The first window is 512 pinned pages from the
 * bitmap's start; a span starts `prefix` bytes before a leaf-aligned base,
 * so with a page-aligned bitmap the edge falls `prefix` bytes before the
 * end of a leaf. The leaf across the edge is dirty.
 *
 * a4ab7dedaee0 iommufd/iova_bitmap: Bounds check mapped::pages access
 * (6.8-rc6): the bits past the edge were written through pages[] beyond
 * the pinned pages.
 * 2780025e01e2 iommufd/iova_bitmap: Handle recording beyond the mapped
 * pages (6.8-rc6): the bits past the edge were dropped.
 * 792583656f55 iommufd/iova_bitmap: Check iova_bitmap_done() after set
 * ahead (6.11): the leaf across the edge is the last one of the range and
 * the bitmap ends on a page boundary at the end of its mapping; after
 * recording the rest of the leaf, nothing more may be pinned.
 */
FIXTURE(window_edge) {
	struct iod_dirty d;
	struct span sp;
};

FIXTURE_VARIANT(window_edge) {
	const char *what;	/* "<commit> <subject>" */
	uint64_t page_size;
	uint64_t prefix;	/* 0: half a huge leaf */
	bool at_end;		/* the crossing leaf ends the range */
};

#define A4AB "a4ab7dedaee0 iommufd/iova_bitmap: Bounds check mapped::pages access"
#define R2780 "2780025e01e2 iommufd/iova_bitmap: Handle recording beyond the mapped pages"
#define R7925 "792583656f55 iommufd/iova_bitmap: Check iova_bitmap_done() after set ahead"

/* 512 KiB of the leaf (64 KiB of bitmap, 16 pages) past the pinned pages. */
FIXTURE_VARIANT_ADD(window_edge, a4ab7dedaee0_ps1) {
	.what = A4AB, .page_size = 1, .prefix = 512 * K,
};
/* 16 KiB of the leaf past the edge, one more leaf after it. */
FIXTURE_VARIANT_ADD(window_edge, 2780025e01e2_ps1) {
	.what = R2780, .page_size = 1, .prefix = 16 * K,
};
/* The 64 GiB window of a 4 KiB bitmap, half a huge leaf past the edge. */
FIXTURE_VARIANT_ADD(window_edge, 2780025e01e2_ps4k) {
	.what = R2780, .page_size = 4096, .prefix = 0,
};
FIXTURE_VARIANT_ADD(window_edge, 792583656f55_ps1_at_end) {
	.what = R7925, .page_size = 1, .prefix = 16 * K, .at_end = true,
};

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

/* a4ab7dedaee0 iommufd/iova_bitmap: Bounds check mapped::pages access (v6.8-rc6) */
/* 2780025e01e2 iommufd/iova_bitmap: Handle recording beyond the mapped pages (v6.8-rc6) */
/* 792583656f55 iommufd/iova_bitmap: Check iova_bitmap_done() after set ahead (v6.11) */
TEST_F(window_edge, leaf_across_edge)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = variant->page_size, leaf = d->leaf;
	uint64_t prefix = variant->prefix ? variant->prefix : leaf / 2;
	uint64_t window = 512ull * host_page() * 8 * ps;
	uint64_t nleaves, len, pgoff = 0, edge, cross, bytes, hot[3];
	struct harvest_req r;
	char why[384] = "";
	int rc, iter;

	TH_LOG("regression of %s", variant->what);
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
		if (pgoff == (host_page() - bytes % host_page()) % host_page())
			break;
		pgoff = (host_page() - bytes % host_page()) % host_page();
	}
	/* The edge, from base, must fall strictly inside the crossing leaf. */
	cross = (edge - prefix) / leaf * leaf;
	ASSERT_NE(cross, edge - prefix) TH_LOG("the window edge fell on a leaf boundary: the geometry is wrong");
	if (variant->at_end)
		ASSERT_EQ(cross + leaf, len - prefix);
	hot[0] = 0;
	hot[1] = cross;
	hot[2] = len - prefix - leaf;
	rc = span_build(d, &self->sp, prefix, len - prefix, hot, 3, why,
			sizeof(why));
	if (rc == -ENOSPC)
		SKIP(return, "regression of %s: the bitmap window at page size %llu covers %llu MiB of IOVA; %s",
		     variant->what, (unsigned long long)ps,
		     (unsigned long long)(window / M), why);
	if (rc == -ENOMEM)
		SKIP(return, "regression of %s: cannot pin %llu MiB of IOVA mappings: %s",
		     variant->what, (unsigned long long)(len / M), why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	TH_LOG("range [0x%llx, +0x%llx), first window edge at 0x%llx inside the leaf at 0x%llx",
	       (unsigned long long)self->sp.start, (unsigned long long)len,
	       (unsigned long long)(self->sp.start + edge),
	       (unsigned long long)(self->sp.base + cross));
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	ASSERT_EQ(0, touch(d, &self->sp.fp, self->sp.base + cross));
	r = (struct harvest_req){
		.hwpt_id = d->hwpt_id, .iova = self->sp.start, .len = len,
		.page_size = ps, .offset = 0,
		.bm_flags = variant->at_end ? IOD_BM_END_AT_VMA : 0,
	};
	ASSERT_HARVEST(d->t.fd, &self->sp.fp, &r);
	/* The first and last leaves too: both windows in one harvest. */
	iod_fp_reset(&self->sp.fp);
	ASSERT_EQ(0, touch(d, &self->sp.fp, self->sp.base));
	ASSERT_EQ(0, touch(d, &self->sp.fp, self->sp.base + cross));
	ASSERT_EQ(0, touch(d, &self->sp.fp, self->sp.base + hot[2]));
	ASSERT_HARVEST(d->t.fd, &self->sp.fp, &r);
	/* Everything was cleared. */
	iod_fp_reset(&self->sp.fp);
	ASSERT_HARVEST(d->t.fd, &self->sp.fp, &r);
}

/*
 * Small bitmaps at unaligned addresses.
 *
 * d18411ec3057 iommufd/iova_bitmap: Switch iova_bitmap::bitmap to an u8
 * array (6.8-rc6): a bitmap under 2 MiB not aligned to 8 bytes lost the
 * tail of the range. Geometry: fewer than 64 bits at +1 / +4 bytes, the
 * last page dirty.
 * 4bbcbc6ea2fa iommufd/iova_bitmap: Consider page offset for the pages to
 * be pinned (6.8-rc6): a bitmap of fewer than 512 pages that crosses into
 * one more page than its size needs was pinned one page short. Geometry:
 * the last bits land in the next page.
 */
FIXTURE(small_bitmap) {
	struct iod_dirty d;
	struct span sp;
};

FIXTURE_VARIANT(small_bitmap) {
	const char *what;
	size_t offset;
	uint64_t bits;
};

#define D184 "d18411ec3057 iommufd/iova_bitmap: Switch iova_bitmap::bitmap to an u8 array"
#define R4BBC "4bbcbc6ea2fa iommufd/iova_bitmap: Consider page offset for the pages to be pinned"

FIXTURE_VARIANT_ADD(small_bitmap, d18411ec3057_off1_40bits) {
	.what = D184, .offset = 1, .bits = 40,
};
FIXTURE_VARIANT_ADD(small_bitmap, d18411ec3057_off4_63bits) {
	.what = D184, .offset = 4, .bits = 63,
};
/* 5 bytes from 4093: bits 24..39 are in the next page. */
FIXTURE_VARIANT_ADD(small_bitmap, 4bbcbc6ea2fa_off4093_40bits) {
	.what = R4BBC, .offset = 4093, .bits = 40,
};
/* A whole page of bitmap from the middle of a page: two pages pinned. */
FIXTURE_VARIANT_ADD(small_bitmap, 4bbcbc6ea2fa_off2048_32768bits) {
	.what = R4BBC, .offset = 2048, .bits = 32768,
};

FIXTURE_SETUP(small_bitmap)
{
	struct iod_dirty_opts o = { .buf_len = 4 * M, .base_pages = base_pages() };

	memset(&self->sp, 0, sizeof(self->sp));
	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(small_bitmap)
{
	iod_fp_free(&self->sp.fp);
	iod_dirty_teardown(&self->d);
}

/* d18411ec3057 iommufd/iova_bitmap: Switch iova_bitmap::bitmap to an u8 array (v6.8-rc6) */
/* 4bbcbc6ea2fa iommufd/iova_bitmap: Consider page offset for the pages to be pinned (v6.8-rc6) */
TEST_F(small_bitmap, tail_reported)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = d->leaf, len = variant->bits * ps, hot[3];
	uint64_t in_next = (host_page() - variant->offset) * 8;
	struct harvest_req r;
	char why[384] = "";
	int rc;

	TH_LOG("regression of %s", variant->what);
	hot[0] = 0;
	hot[1] = len - ps;
	hot[2] = (in_next < variant->bits ? in_next : 0) * ps;
	rc = span_build(d, &self->sp, 0, len, hot, 3, why, sizeof(why));
	if (rc == -ENOSPC)
		SKIP(return, "regression of %s: %s", variant->what, why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	r = (struct harvest_req){
		.hwpt_id = d->hwpt_id, .iova = self->sp.base, .len = len,
		.page_size = ps, .offset = variant->offset,
	};
	/* The last page alone. */
	ASSERT_EQ(0, touch(d, &self->sp.fp, self->sp.base + len - ps));
	ASSERT_HARVEST(d->t.fd, &self->sp.fp, &r);
	/* First, first-in-next-page and last. */
	iod_fp_reset(&self->sp.fp);
	ASSERT_EQ(0, touch(d, &self->sp.fp, self->sp.base));
	ASSERT_EQ(0, touch(d, &self->sp.fp, self->sp.base + hot[2]));
	ASSERT_EQ(0, touch(d, &self->sp.fp, self->sp.base + len - ps));
	ASSERT_HARVEST(d->t.fd, &self->sp.fp, &r);
	/* Every page. */
	iod_fp_reset(&self->sp.fp);
	ASSERT_EQ(0, iod_engine_write(&d->engine, self->sp.base,
				      len < d->len ? len : d->len, 7,
				      &self->sp.fp));
	if (len > d->len)
		ASSERT_EQ(0, touch(d, &self->sp.fp, self->sp.base + len - ps));
	ASSERT_HARVEST(d->t.fd, &self->sp.fp, &r);
}

/*
 * e24c15510592 iommufd/iova_bitmap: Fix shift-out-of-bounds in
 * iova_bitmap_offset_to_index() (6.14; stable 6.1-6.13)
 *
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
	unsigned int shift;
};

FIXTURE_VARIANT_ADD(big_page_size, e24c15510592_ps2e32) { .shift = 32 };
FIXTURE_VARIANT_ADD(big_page_size, e24c15510592_ps2e48) { .shift = 48 };
FIXTURE_VARIANT_ADD(big_page_size, e24c15510592_ps2e63) { .shift = 63 };

FIXTURE_SETUP(big_page_size)
{
	struct iod_dirty_opts o = {
		.buf_len = 64 * K, .base_pages = base_pages(), .enable = true,
	};

	memset(&self->fp, 0, sizeof(self->fp));
	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(big_page_size)
{
	iod_fp_free(&self->fp);
	iod_dirty_teardown(&self->d);
}

/* e24c15510592 iommufd/iova_bitmap: Fix shift-out-of-bounds in iova_bitmap_offset_to_index() (v6.14 cycle; stable 6.1-6.13) */
TEST_F(big_page_size, no_shift_overflow)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = 1ull << variant->shift;
	struct iommu_iova_range rg[8];
	struct harvest_req r;
	bool at_zero = false;
	char line[512];
	int kfd, n, i;

	TH_LOG(REGRESSION("e24c15510592", "iommufd/iova_bitmap: Fix shift-out-of-bounds in iova_bitmap_offset_to_index()"));
	n = iod_ioas_iova_ranges(d->t.fd, d->t.ioas_id, rg, 8, NULL);
	ASSERT_LE(0, n);
	for (i = 0; i < n && i < 8; i++)
		if (rg[i].start == 0 && rg[i].last >= d->len - 1)
			at_zero = true;
	if (at_zero) {
		ASSERT_EQ(0, iod_space_unmap(&d->space, d->iova));
		ASSERT_EQ(0, iod_space_map(&d->space, d->buf, d->len, 0));
		ASSERT_EQ(0, iod_fp_init(&self->fp, 0, d->len, d->leaf));
		ASSERT_EQ(0, touch(d, &self->fp, 0));
	} else {
		/* Nothing at 0: [0, 2^k) starts in a hole and reports nothing. */
		ASSERT_EQ(0, iod_fp_init(&self->fp, d->iova, d->len, d->leaf));
		TH_LOG("IOVA 0 is outside the IOAS: only the argument path is exercised");
	}
	kfd = kmsg_open();
	if (kfd < 0)
		TH_LOG("/dev/kmsg unreadable: a sanitizer report is left to the console");
	r = (struct harvest_req){
		.hwpt_id = d->hwpt_id, .iova = 0, .len = ps, .page_size = ps,
	};
	ASSERT_HARVEST(d->t.fd, &self->fp, &r);
	/* The same with NO_CLEAR and a bitmap at the end of its mapping. */
	r.flags = IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR;
	r.bm_flags = IOD_BM_END_AT_VMA;
	iod_fp_reset(&self->fp);
	ASSERT_HARVEST(d->t.fd, &self->fp, &r);
	if (kmsg_splat(kfd, line, sizeof(line))) {
		close(kfd);
		ASSERT_TRUE(false) TH_LOG("page size 2^%u: the kernel logged: %s",
					  variant->shift, line);
	}
	if (kfd >= 0)
		close(kfd);
}

/*
 * 79ea4a496ab5 iommufd/selftest: Fix buffer read overrun in the dirty test
 * (6.12-rc)
 *
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
	uint64_t pages;
};

FIXTURE_VARIANT_ADD(partial_word, 79ea4a496ab5_8pages) { .pages = 8 };
FIXTURE_VARIANT_ADD(partial_word, 79ea4a496ab5_24pages) { .pages = 24 };
FIXTURE_VARIANT_ADD(partial_word, 79ea4a496ab5_65pages) { .pages = 65 };

FIXTURE_SETUP(partial_word)
{
	struct iod_dirty_opts o = {
		.buf_len = 512 * K, .base_pages = base_pages(), .enable = true,
	};

	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(partial_word)
{
	iod_dirty_teardown(&self->d);
}

/* 79ea4a496ab5 iommufd/selftest: Fix buffer read overrun in the dirty test (v6.12-rc) */
TEST_F(partial_word, op_dirty_not_multiple_of_64)
{
	struct iod_dirty *d = &self->d;
	struct harvest_req r = {
		.hwpt_id = d->hwpt_id, .iova = d->iova, .len = d->len,
		.page_size = d->leaf,
	};
	char line[512];
	int kfd;

	TH_LOG(REGRESSION("79ea4a496ab5", "iommufd/selftest: Fix buffer read overrun in the dirty test"));
	ASSERT_LE((variant->pages + 3) * d->leaf, d->len);
	kfd = kmsg_open();
	ASSERT_EQ(0, iod_engine_write(&d->engine, d->iova + 3 * d->leaf,
				      variant->pages * d->leaf, 3, &d->fp));
	ASSERT_EQ(variant->pages, iod_fp_count(&d->fp));
	ASSERT_HARVEST(d->t.fd, &d->fp, &r);
	/* A write ending one byte into a page dirties that page too. */
	iod_fp_reset(&d->fp);
	ASSERT_EQ(0, iod_engine_write(&d->engine, d->iova + d->leaf,
				      (variant->pages - 1) * d->leaf + 1, 4,
				      &d->fp));
	ASSERT_EQ(variant->pages, iod_fp_count(&d->fp));
	ASSERT_HARVEST(d->t.fd, &d->fp, &r);
	if (kmsg_splat(kfd, line, sizeof(line))) {
		close(kfd);
		ASSERT_TRUE(false) TH_LOG("%llu pages: the kernel logged: %s",
					  (unsigned long long)variant->pages,
					  line);
	}
	if (kfd >= 0)
		close(kfd);
}

/*
 * 9560393b830b iommufd/selftest: Fix iommufd_test_dirty() to handle <u8
 * bitmaps; ec61f820a2ff, 33335584eb78, ffa3c799ce15 and dceb5304d726,
 * the rest of that selftest series (6.11): bitmaps of fewer than 8 bits,
 * both ways (the page bitmap a device write is recorded from, and the
 * harvested one).
 */
FIXTURE(sub_byte) {
	struct iod_dirty d;
};

FIXTURE_SETUP(sub_byte)
{
	struct iod_dirty_opts o = {
		.buf_len = 64 * K, .base_pages = base_pages(), .enable = true,
	};

	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(sub_byte)
{
	iod_dirty_teardown(&self->d);
}

/* 9560393b830b iommufd/selftest: Fix iommufd_test_dirty() to handle <u8 bitmaps (v6.11) */
TEST_F(sub_byte, 9560393b830b_one_to_eight_bits)
{
	struct iod_dirty *d = &self->d;
	struct harvest_req r = {
		.hwpt_id = d->hwpt_id, .iova = d->iova, .page_size = d->leaf,
	};
	uint64_t n;

	TH_LOG(REGRESSION("9560393b830b", "iommufd/selftest: Fix iommufd_test_dirty() to handle <u8 bitmaps"));
	for (n = 1; n <= 8; n++) {
		r.len = n * d->leaf;
		/* n pages in one write: an n-bit page bitmap. */
		iod_fp_reset(&d->fp);
		ASSERT_EQ(0, iod_engine_write(&d->engine, d->iova, r.len,
					      (uint8_t)n, &d->fp));
		r.offset = 0;
		ASSERT_HARVEST(d->t.fd, &d->fp, &r);
		/* The last page alone, bitmap in the last byte of a page. */
		iod_fp_reset(&d->fp);
		ASSERT_EQ(0, touch(d, &d->fp, d->iova + r.len - d->leaf));
		r.offset = host_page() - 1;
		ASSERT_HARVEST(d->t.fd, &d->fp, &r);
	}
}

/*
 * dceb5304d726 / ffa3c799ce15 (selftest, 6.11): the mock records a dirty
 * huge page from the IOVA it walked, as drivers do, not from the page's
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
	const char *case_id;	/* for known_bug.<case_id> */
	bool to_end;		/* the range ends at the first leaf's end */
	bool first_dirty;	/* the leaf the range starts in */
	bool next_dirty;	/* the leaf after it */
};

FIXTURE_VARIANT_ADD(mid_leaf, dceb5304d726_half_to_leaf_end) {
	.case_id = "mid_leaf.dceb5304d726_half_to_leaf_end.start_inside_huge_leaf",
	.to_end = true, .first_dirty = true,
};
FIXTURE_VARIANT_ADD(mid_leaf, dceb5304d726_half_one_leaf_long) {
	.case_id = "mid_leaf.dceb5304d726_half_one_leaf_long.start_inside_huge_leaf",
	.first_dirty = true, .next_dirty = true,
};
FIXTURE_VARIANT_ADD(mid_leaf, dceb5304d726_half_next_leaf_only) {
	.case_id = "mid_leaf.dceb5304d726_half_next_leaf_only.start_inside_huge_leaf",
	.next_dirty = true,
};

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

/* dceb5304d726, ffa3c799ce15 and the rest of the iommufd/selftest dirty bitmap series (v6.11) */
TEST_F(mid_leaf, start_inside_huge_leaf)
{
	struct iod_dirty *d = &self->d;
	uint64_t off = d->leaf / 2;
	struct harvest_req r = {
		.hwpt_id = d->hwpt_id, .iova = d->iova + off,
		.len = variant->to_end ? d->leaf - off : d->leaf,
		.page_size = d->base_leaf,
	};
	char rep[640];
	int64_t w;

	TH_LOG("regression of dceb5304d726 / ffa3c799ce15 (iommufd/selftest dirty bitmap series, with 9560393b830b, ec61f820a2ff, 33335584eb78): the mock records from the walked IOVA as drivers do");
	ASSERT_TRUE(d->huge);
	ASSERT_LE(2 * d->leaf, d->len);
	if (variant->first_dirty)
		ASSERT_EQ(0, touch(d, &d->fp, d->iova));
	if (variant->next_dirty)
		ASSERT_EQ(0, touch(d, &d->fp, d->iova + d->leaf));
	w = harvest_check(d->t.fd, &d->fp, &r, rep, sizeof(rep));
	if (w)
		TH_LOG("harvest [0x%llx, +0x%llx) from inside the leaf at 0x%llx: %s",
		       (unsigned long long)r.iova, (unsigned long long)r.len,
		       (unsigned long long)d->iova, rep);
	IOD_XFAIL_IF_KNOWN_BUG(w != 0, variant->case_id);
	ASSERT_EQ(0, w);
	/* The leaf the range starts in was cleared whole. */
	iod_fp_clear(&d->fp, d->iova, d->leaf);
	r.iova = d->iova;
	r.len = d->leaf;
	ASSERT_HARVEST(d->t.fd, &d->fp, &r);
}

/* ---- Intel VT-d ---- */

/* ECAP bits (VT-d spec 11.4.3). */
#define VTD_ECAP_SMTS	(1ull << 43)
#define VTD_ECAP_SLADS	(1ull << 45)
#define VTD_ECAP_SMPWC	(1ull << 48)

/* 0 and the VT-d ECAP, or a SKIP reason. */
static int vtd_ecap(struct iod_target *t, uint64_t *ecap, uint64_t *caps,
		    uint8_t *pasid_log2, char *why, size_t wl)
{
	const char *type = iod_profile_enum(iod_env.profile, "hw_info.type");
	struct iommu_hw_info_vtd vtd = { 0 };
	struct iommu_hw_info cmd = {
		.size = sizeof(cmd),
		.dev_id = t->dev_id,
		.data_len = sizeof(vtd),
		.data_uptr = (uintptr_t)&vtd,
	};
	int rc;

	if (!type || strcmp(type, "intel_vtd")) {
		snprintf(why, wl, "needs Intel VT-d: profile hw_info.type is %s",
			 type ? type : "unset");
		return -EOPNOTSUPP;
	}
	rc = iod_get_hw_info_raw(t->fd, &cmd);
	if (rc) {
		snprintf(why, wl, "GET_HW_INFO: %s", iod_errno_name(-rc));
		return rc;
	}
	if (cmd.out_data_type != IOMMU_HW_INFO_TYPE_INTEL_VTD) {
		snprintf(why, wl, "GET_HW_INFO data type %u, not Intel VT-d",
			 cmd.out_data_type);
		return -EPROTO;
	}
	*ecap = vtd.ecap_reg;
	if (caps)
		*caps = cmd.out_capabilities;
	if (pasid_log2)
		*pasid_log2 = cmd.out_max_pasid_log2;
	return 0;
}

/*
 * 57f55048e564 iommu/vt-d: Disallow dirty tracking if incoherent page walk
 * (6.18-rc; in 6.12.y)
 *
 * Dirty tracking was offered without ECAP.SMPWC (bit 48): the hardware
 * then faults on A/D updates. Geometry: ECAP.SLADS (45) set, SMPWC clear:
 * the capability must be 0 and HWPT_ALLOC(DIRTY_TRACKING) -EOPNOTSUPP.
 */
FIXTURE(vtd_caps) {
	struct iod_target t;
};

FIXTURE_SETUP(vtd_caps)
{
	IOD_TARGET_OPEN(&self->t);
}

FIXTURE_TEARDOWN(vtd_caps)
{
	iod_target_close(&self->t);
}

/* 57f55048e564 iommu/vt-d: Disallow dirty tracking if incoherent page walk (v6.18-rc; 6.12.y) */
TEST_F(vtd_caps, 57f55048e564_no_dirty_without_smpwc)
{
	uint64_t ecap = 0, caps = 0;
	char why[256] = "";
	int rc;

	TH_LOG(REGRESSION("57f55048e564", "iommu/vt-d: Disallow dirty tracking if incoherent page walk"));
	rc = vtd_ecap(&self->t, &ecap, &caps, NULL, why, sizeof(why));
	if (rc == -EOPNOTSUPP)
		SKIP(return, REGRESSION("57f55048e564", "iommu/vt-d: Disallow dirty tracking if incoherent page walk") ": %s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	if (!(ecap & VTD_ECAP_SLADS) || (ecap & VTD_ECAP_SMPWC))
		SKIP(return, REGRESSION("57f55048e564", "iommu/vt-d: Disallow dirty tracking if incoherent page walk") ": needs ECAP.SLADS=1 with ECAP.SMPWC=0, this IOMMU has ECAP 0x%llx (SMTS=%d SLADS=%d SMPWC=%d)",
		     (unsigned long long)ecap, !!(ecap & VTD_ECAP_SMTS),
		     !!(ecap & VTD_ECAP_SLADS), !!(ecap & VTD_ECAP_SMPWC));
	EXPECT_EQ(0, caps & IOMMU_HW_CAP_DIRTY_TRACKING)
		TH_LOG("IOMMU_HW_CAP_DIRTY_TRACKING is set without ECAP.SMPWC");
	IOD_ASSERT_ERR(EOPNOTSUPP,
		       iod_hwpt_alloc(self->t.fd, self->t.dev_id,
				      self->t.ioas_id,
				      IOMMU_HWPT_ALLOC_DIRTY_TRACKING, NULL));
}

/*
 * A VT-d first-stage (IA-32e 4-level) page table that maps a range 1:1,
 * built in memory mapped into the parent IOAS: its addresses are parent
 * IOVAs. A and D are preset on every entry so the IOMMU never writes the
 * table (which would dirty it in the parent).
 */
#define S1_P	(1ull << 0)
#define S1_RW	(1ull << 1)
#define S1_US	(1ull << 2)
#define S1_A	(1ull << 5)
#define S1_D	(1ull << 6)
#define S1_ADDR	0x000ffffffffff000ull
#define S1_PAGES 64

struct s1pt {
	uint64_t *mem;		/* S1_PAGES pages of tables */
	uint64_t gpa;		/* where mem is mapped in the parent IOAS */
	unsigned int used;	/* page 0 is the root */
};

static int s1_map_page(struct s1pt *pt, uint64_t va)
{
	uint64_t *tbl = pt->mem;
	int lvl;

	for (lvl = 3; lvl > 0; lvl--) {
		unsigned int idx = (va >> (12 + 9 * lvl)) & 511;

		if (!(tbl[idx] & S1_P)) {
			if (pt->used == S1_PAGES)
				return -ENOSPC;
			tbl[idx] = (pt->gpa + pt->used * 4096ull) | S1_P |
				   S1_RW | S1_US | S1_A;
			pt->used++;
		}
		tbl = pt->mem + ((tbl[idx] & S1_ADDR) - pt->gpa) / 8;
	}
	tbl[(va >> 12) & 511] = (va & S1_ADDR) | S1_P | S1_RW | S1_US | S1_A |
				S1_D;
	return 0;
}

/* Build the table for [iova, +len) and map it at a free parent IOVA. */
static int s1_build(struct iod_dirty *d, struct s1pt *pt, char *why,
		    size_t wl)
{
	uint64_t va;
	int rc;

	pt->mem = mmap(NULL, S1_PAGES * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (pt->mem == MAP_FAILED) {
		pt->mem = NULL;
		return -ENOMEM;
	}
	rc = iod_ioas_pick_iova(d->t.fd, d->t.ioas_id, S1_PAGES * 4096,
				d->iova + d->len, 2 * M, &pt->gpa);
	if (!rc)
		rc = iod_ioas_map_fixed(d->t.fd, d->t.ioas_id, pt->mem,
					S1_PAGES * 4096, pt->gpa);
	if (rc) {
		snprintf(why, wl, "mapping the stage-1 table: %s",
			 iod_errno_name(-rc));
		return rc;
	}
	pt->used = 1;
	for (va = d->iova; va < d->iova + d->len; va += 4096) {
		rc = s1_map_page(pt, va);
		if (rc) {
			snprintf(why, wl, "stage-1 table too small for %llu bytes",
				 (unsigned long long)d->len);
			return rc;
		}
	}
	return 0;
}

static void s1_free(struct s1pt *pt)
{
	if (pt->mem)
		munmap(pt->mem, S1_PAGES * 4096);
	pt->mem = NULL;
}

static int vtd_nested_alloc(struct iod_dirty *d, uint32_t parent,
			    const struct s1pt *pt, uint32_t *nested)
{
	struct iommu_hwpt_vtd_s1 s1 = {
		.flags = 0,
		.pgtbl_addr = pt->gpa,
		.addr_width = 48,
	};
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.dev_id = d->t.dev_id,
		.pt_id = parent,
		.data_type = IOMMU_HWPT_DATA_VTD_S1,
		.data_len = sizeof(s1),
		.data_uptr = (uintptr_t)&s1,
	};
	int rc = iod_hwpt_alloc_raw(d->t.fd, &cmd);

	if (!rc)
		*nested = cmd.out_hwpt_id;
	return rc;
}

/* SKIP reason unless nested dirty tracking can be built here; else 0. */
static int vtd_nesting_ready(struct iod_dirty *d, char *why, size_t wl)
{
	uint64_t ecap;
	int rc, want;

	rc = vtd_ecap(&d->t, &ecap, NULL, NULL, why, wl);
	if (rc)
		return rc;
	want = iod_expect("alloc.dirty_nest_parent");
	if (want) {
		snprintf(why, wl, "needs NEST_PARENT | DIRTY_TRACKING: profile alloc.dirty_nest_parent = %s",
			 iod_errno_name(want));
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * f1e1610950ea iommu/vt-d: Add missing dirty tracking set for parent
 * domain (6.8-rc): enabling tracking on a nest parent did not set SSADE
 * for devices attached through its nested domains.
 * 1f0198fce683 iommu/vt-d: Set SSADE when attaching to a parent with
 * dirty tracking (6.8-rc): a device attached to a nested domain after the
 * parent's tracking was on did not get SSADE.
 * Geometry: NEST_PARENT | DIRTY parent, VTD_S1 nested HWPT mapping the
 * buffer 1:1, the device on the nested HWPT, enable on the parent before
 * or after the attach, device writes, harvest the parent.
 */
FIXTURE(vtd_nested) {
	struct iod_dirty d;
	struct s1pt pt;
};

FIXTURE_VARIANT(vtd_nested) {
	const char *what;
	bool enable_first;
};

#define F1E1 "f1e1610950ea iommu/vt-d: Add missing dirty tracking set for parent domain"
#define R1F01 "1f0198fce683 iommu/vt-d: Set SSADE when attaching to a parent with dirty tracking"

FIXTURE_VARIANT_ADD(vtd_nested, f1e1610950ea_enable_after_attach) {
	.what = F1E1, .enable_first = false,
};
FIXTURE_VARIANT_ADD(vtd_nested, 1f0198fce683_attach_after_enable) {
	.what = R1F01, .enable_first = true,
};

FIXTURE_SETUP(vtd_nested)
{
	struct iod_dirty_opts o = { .buf_len = 1 * M, .base_pages = base_pages() };

	memset(&self->pt, 0, sizeof(self->pt));
	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(vtd_nested)
{
	iod_dirty_teardown(&self->d);
	s1_free(&self->pt);
}

/* f1e1610950ea iommu/vt-d: Add missing dirty tracking set for parent domain (v6.8-rc) */
/* 1f0198fce683 iommu/vt-d: Set SSADE when attaching to a parent with dirty tracking (v6.8-rc) */
TEST_F(vtd_nested, nested_device_writes_reported)
{
	struct iod_dirty *d = &self->d;
	uint32_t parent, nested;
	struct harvest_req r;
	char why[384] = "";
	int rc;

	TH_LOG("regression of %s", variant->what);
	rc = vtd_nesting_ready(d, why, sizeof(why));
	if (rc == -EOPNOTSUPP)
		SKIP(return, "regression of %s: %s", variant->what, why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	ASSERT_EQ(0, iod_hwpt_alloc(d->t.fd, d->t.dev_id, d->t.ioas_id,
				    IOMMU_HWPT_ALLOC_NEST_PARENT |
				    IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &parent));
	ASSERT_EQ(0, s1_build(d, &self->pt, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(0, vtd_nested_alloc(d, parent, &self->pt, &nested));
	if (variant->enable_first)
		ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, parent, true));
	ASSERT_EQ(0, iod_target_attach(&d->t, nested));
	if (!variant->enable_first)
		ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, parent, true));
	d->engine.hwpt_id = nested;
	ASSERT_EQ(0, touch(d, &d->fp, d->iova));
	ASSERT_EQ(0, iod_engine_write(&d->engine, d->iova + d->len / 2,
				      3 * d->leaf, 5, &d->fp));
	r = (struct harvest_req){
		.hwpt_id = parent, .iova = d->iova, .len = d->len,
		.page_size = d->leaf,
	};
	ASSERT_HARVEST(d->t.fd, &d->fp, &r);
}

/*
 * "iommu/vt-d: Block PASID attachment to nested domain with dirty
 * tracking" (v2, March 2026, pending): a nested domain whose parent tracks
 * dirty pages must not be attached to a PASID, whose entry would not get
 * SSADE. Geometry: parent tracking on, nested HWPT attached to PASID 1 of
 * the device: -EINVAL on fixed kernels.
 */
#ifndef VFIO_DEVICE_ATTACH_PASID
#define VFIO_DEVICE_ATTACH_PASID	(1 << 0)
#define VFIO_DEVICE_DETACH_PASID	(1 << 0)
#endif

struct pasid_attach {
	uint32_t argsz, flags, pt_id, pasid;
};

struct pasid_detach {
	uint32_t argsz, flags, pasid;
};

static int pasid_attach(struct iod_target *t, uint32_t pasid, uint32_t pt)
{
	struct pasid_attach a = {
		.argsz = sizeof(a), .flags = VFIO_DEVICE_ATTACH_PASID,
		.pt_id = pt, .pasid = pasid,
	};

	return iod_ioctl(t->vdev.fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
}

static int pasid_detach(struct iod_target *t, uint32_t pasid)
{
	struct pasid_detach a = {
		.argsz = sizeof(a), .flags = VFIO_DEVICE_DETACH_PASID,
		.pasid = pasid,
	};

	return iod_ioctl(t->vdev.fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &a);
}

FIXTURE(vtd_pasid) {
	struct iod_dirty d;
	struct s1pt pt;
};

FIXTURE_SETUP(vtd_pasid)
{
	struct iod_dirty_opts o = { .buf_len = 1 * M, .base_pages = base_pages() };

	memset(&self->pt, 0, sizeof(self->pt));
	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(vtd_pasid)
{
	iod_dirty_teardown(&self->d);
	s1_free(&self->pt);
}

#define PASID_FIX "\"iommu/vt-d: Block PASID attachment to nested domain with dirty tracking\" (pending)"

/* iommu/vt-d: Block PASID attachment to nested domain with dirty tracking (v2 March 2026, not merged) */
TEST_F(vtd_pasid, pending_block_pasid_nested_dirty)
{
	struct iod_dirty *d = &self->d;
	uint32_t parent, nested, plain;
	uint8_t pasid_log2 = 0;
	uint64_t ecap;
	char why[384] = "";
	int rc;

	TH_LOG("regression of %s", PASID_FIX);
	rc = vtd_nesting_ready(d, why, sizeof(why));
	if (rc == -EOPNOTSUPP)
		SKIP(return, "regression of %s: %s", PASID_FIX, why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	if (d->t.mock)
		SKIP(return, "regression of %s: needs a PCI device through VFIO, the profile's device is a mock device",
		     PASID_FIX);
	ASSERT_EQ(0, vtd_ecap(&d->t, &ecap, NULL, &pasid_log2, why,
			      sizeof(why))) TH_LOG("%s", why);
	if (!pasid_log2)
		SKIP(return, "regression of %s: the device has no PASID capability (GET_HW_INFO out_max_pasid_log2 = 0)",
		     PASID_FIX);
	/* Can this kernel attach a PASID at all? */
	ASSERT_EQ(0, iod_hwpt_alloc(d->t.fd, d->t.dev_id, d->t.ioas_id, 0,
				    &plain));
	rc = pasid_attach(&d->t, 1, plain);
	if (rc)
		SKIP(return, "regression of %s: attaching a plain HWPT to PASID 1 fails (%s): no PASID attach through the VFIO cdev (6.15+ uAPI)",
		     PASID_FIX, iod_errno_name(-rc));
	ASSERT_EQ(0, pasid_detach(&d->t, 1));

	ASSERT_EQ(0, iod_hwpt_alloc(d->t.fd, d->t.dev_id, d->t.ioas_id,
				    IOMMU_HWPT_ALLOC_NEST_PARENT |
				    IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &parent));
	ASSERT_EQ(0, s1_build(d, &self->pt, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(0, vtd_nested_alloc(d, parent, &self->pt, &nested));
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, parent, true));
	rc = pasid_attach(&d->t, 1, nested);
	if (!rc)
		pasid_detach(&d->t, 1);
	IOD_XFAIL_IF_KNOWN_BUG(rc == 0,
			       "vtd_pasid.pending_block_pasid_nested_dirty");
	IOD_ASSERT_ERR(EINVAL, rc);
}

IOD_HARNESS_MAIN
