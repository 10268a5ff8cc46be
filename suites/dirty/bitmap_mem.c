// SPDX-License-Identifier: GPL-2.0
/*
 * The memory a harvested bitmap lives in. The kernel only ever sets bits,
 * and only inside the bitmap: at any byte offset inside a page, for bitmaps
 * of a few bits, a few u64 words and more than a page (straddling page
 * boundaries); ending exactly at the end of its mapping; with the tail bits
 * of the last word and the guard bytes around it untouched; over stale
 * bits, which stay set. Bitmap memory the kernel cannot write (read-only,
 * PROT_NONE, unmapped, partly read-only) behaves as the profile says
 * (dirty.unpinnable_bitmap), without a kernel splat. Bitmaps in a shared
 * or private file mapping and in hugetlb memory get the same bits.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness/iod_test.h"
#include "harness/hugepages.h"
#include "uapi/iommufd.h"
#include "model/rand.h"
#include "harness/scatter.h"
#include "util.h"

IOD_RUNS_PER_PROFILE_ENGINE

/* The device writes in the middle of page `bit` of a harvest at ps. */
static int touch_bit(struct iod_dirty *d, uint64_t ps, uint64_t bit)
{
	return iod_engine_touch(&d->engine, d->iova + bit * ps + ps / 2,
				(uint8_t)bit, &d->fp);
}

/* Every fixture's bench: 4 MiB with tracking on. */
/*
 * Into the case's bitmap b: a NO_CLEAR harvest of [iova, +len) at ps and
 * then a clearing one both report exactly the footprint, which is then
 * emptied as the IOPTEs are.
 */
static void assert_harvest_clears_into(struct __test_metadata *_metadata,
				       struct iod_dirty *d, uint64_t len,
				       uint64_t ps, struct iod_bitmap_buf *b)
{
	IOD_ASSERT_HARVEST_INTO(d, &d->fp,
				IOD_HARVEST(d->iova, len, ps, IOD_NO_CLEAR), b);
	IOD_ASSERT_HARVEST_INTO(d, &d->fp, IOD_HARVEST(d->iova, len, ps, 0),
				b);
	iod_fp_reset(&d->fp);
}

static const struct iod_dirty_opts bm_bench = {
	.buf_len = 4 * M, .enable = true,
};

/* ---------------------------------------------------------------------- */
/* the bitmap at a byte offset inside a page */

FIXTURE(bm_offset) {
	struct iod_dirty d;
	struct iod_bitmap_buf b;
	uint64_t seed;
};

FIXTURE_VARIANT(bm_offset) {
	size_t offset;
};

#define BM_OFFSET_VARIANT(n) \
	FIXTURE_VARIANT_ADD(bm_offset, off##n) { .offset = (n) }

BM_OFFSET_VARIANT(1);
BM_OFFSET_VARIANT(2);
BM_OFFSET_VARIANT(3);
BM_OFFSET_VARIANT(4);
BM_OFFSET_VARIANT(7);
BM_OFFSET_VARIANT(8);
BM_OFFSET_VARIANT(9);
BM_OFFSET_VARIANT(63);
BM_OFFSET_VARIANT(64);
BM_OFFSET_VARIANT(511);
BM_OFFSET_VARIANT(1024);
BM_OFFSET_VARIANT(2047);
BM_OFFSET_VARIANT(2048);
BM_OFFSET_VARIANT(4088);
BM_OFFSET_VARIANT(4095);

FIXTURE_SETUP(bm_offset)
{
	memset(&self->b, 0, sizeof(self->b));
	IOD_DIRTY_SETUP(&self->d, &bm_bench);
	if (variant->offset >= iod_host_page())
		SKIP(return, "offset %zu is past the host page size %zu",
		     variant->offset, iod_host_page());
	self->seed = iod_seed();
	TH_LOG("seed %llu (replay: IODIRTY_SEED=%llu)",
	       (unsigned long long)self->seed,
	       (unsigned long long)self->seed);
}

FIXTURE_TEARDOWN(bm_offset)
{
	iod_bitmap_buf_free(&self->b);
	iod_dirty_teardown(&self->d);
}

/*
 * Fewer than 64 bits (1, 9, 40, 63) in a bitmap of exactly the bytes they
 * need: the first, 8th, 9th and last page dirty, then every page.
 */
TEST_F(bm_offset, sub_word_bitmap)
{
	static const uint64_t sizes[] = { 1, 9, 40, 63 };
	struct iod_dirty *d = &self->d;
	uint64_t ps = d->leaf;
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t nbits = sizes[i], len = nbits * ps;

		iod_bitmap_buf_free(&self->b);
		ASSERT_EQ(0, iod_bitmap_buf_alloc(&self->b, (nbits + 7) / 8,
						  variant->offset, 0));
		iod_fp_reset(&d->fp);
		ASSERT_EQ(0, touch_bit(d, ps, 0));
		ASSERT_EQ(0, touch_bit(d, ps, nbits - 1));
		if (nbits > 8) {
			ASSERT_EQ(0, touch_bit(d, ps, 7));
			ASSERT_EQ(0, touch_bit(d, ps, 8));
		}
		IOD_ASSERT_HARVEST_INTO(d, &d->fp,
				IOD_HARVEST(d->iova, len, ps, 0),
				&self->b);
		iod_fp_reset(&d->fp);
		IOD_ASSERT_WRITE(d, 0, len, 1);
		IOD_ASSERT_HARVEST_INTO(d, &d->fp,
				IOD_HARVEST(d->iova, len, ps, 0),
				&self->b);
		ASSERT_EQ((1u << ((nbits - 1) % 8 + 1)) - 1,
			  self->b.data[self->b.bytes - 1]);
	}
}

/*
 * 209 bits (three words and 17 bits) in a bitmap of whole u64 words: the
 * pages on every word edge dirty; then every page (the 47 tail bits of
 * the last word stay 0).
 */
TEST_F(bm_offset, few_words_bitmap)
{
	static const uint64_t hot[] = { 0, 63, 64, 127, 128, 191, 192, 208 };
	struct iod_dirty *d = &self->d;
	uint64_t ps = d->leaf, nbits = 209, len = nbits * ps;
	unsigned int i;

	ASSERT_EQ(0, iod_bitmap_buf_alloc(&self->b,
					  iod_bitmap_bytes(len, ps),
					  variant->offset, 0));
	ASSERT_EQ(32, self->b.bytes);
	for (i = 0; i < sizeof(hot) / sizeof(hot[0]); i++)
		ASSERT_EQ(0, touch_bit(d, ps, hot[i]));
	IOD_ASSERT_WRITE(d, 100 * ps - 1, 2 * ps + 2, 5);
	assert_harvest_clears_into(_metadata, d, len, ps, &self->b);
	IOD_ASSERT_HARVEST_INTO(d, &d->fp,
				IOD_HARVEST(d->iova, len, ps, 0),
				&self->b);
	IOD_ASSERT_WRITE(d, 0, len, 2);
	IOD_ASSERT_HARVEST_INTO(d, &d->fp,
				IOD_HARVEST(d->iova, len, ps, 0),
				&self->b);
}

/*
 * More than a page of bitmap (page size 64: 4 MiB is 8 KiB of bitmap), so
 * it straddles two or three pages: the pages whose bits sit on each side
 * of every bitmap page boundary are dirty (at an offset that is not a
 * multiple of 4 one dirty leaf's bits straddle the boundary), with a
 * scattered footprint over the rest.
 */
TEST_F(bm_offset, multi_page_bitmap)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = 64, len = d->len, nbits = len / ps;
	size_t bytes = nbits / 8, edge;

	ASSERT_LT(iod_host_page(), bytes);
	ASSERT_EQ(0, iod_bitmap_buf_alloc(&self->b, bytes, variant->offset,
					  0));
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed, 24));
	for (edge = iod_host_page() - variant->offset; edge < bytes;
	     edge += iod_host_page()) {
		ASSERT_EQ(0, touch_bit(d, ps, edge * 8 - 1));
		ASSERT_EQ(0, touch_bit(d, ps, edge * 8));
	}
	assert_harvest_clears_into(_metadata, d, len, ps, &self->b);
	IOD_ASSERT_HARVEST_INTO(d, &d->fp,
				IOD_HARVEST(d->iova, len, ps, 0),
				&self->b);
}

/*
 * A bitmap of whole words pre-filled with 0xa5: every stale bit stays
 * set and the dirty ones are added (0xa5 | expected); the harvest still
 * cleared what it reported.
 */
TEST_F(bm_offset, stale_pattern)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = d->leaf, len = 209 * ps;

	ASSERT_EQ(0, iod_bitmap_buf_alloc(&self->b,
					  iod_bitmap_bytes(len, ps),
					  variant->offset, 0));
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed, 24));
	ASSERT_EQ(0, touch_bit(d, ps, 1));
	ASSERT_EQ(0, touch_bit(d, ps, 208));
	IOD_ASSERT_HARVEST_INTO(d, &d->fp,
				IOD_HARVEST(d->iova, len, ps, 0,
					    .fill = 0xa5),
				&self->b);
	ASSERT_EQ(0, iod_fp_clear(&d->fp, d->iova, len));
	IOD_ASSERT_HARVEST_INTO(d, &d->fp,
				IOD_HARVEST(d->iova, len, ps, 0),
				&self->b);
}

/* ---------------------------------------------------------------------- */
/* the bitmap ends exactly at the end of its mapping */

FIXTURE(bm_vma) {
	struct iod_dirty d;
	struct iod_bitmap_buf b;
};

FIXTURE_VARIANT(bm_vma) {
	uint64_t nbits;
	uint64_t page_size;	/* 0: the leaf */
};

FIXTURE_VARIANT_ADD(bm_vma, bits1) { .nbits = 1 };
FIXTURE_VARIANT_ADD(bm_vma, bits8) { .nbits = 8 };
FIXTURE_VARIANT_ADD(bm_vma, bits40) { .nbits = 40 };
FIXTURE_VARIANT_ADD(bm_vma, bits64) { .nbits = 64 };
FIXTURE_VARIANT_ADD(bm_vma, bits209) { .nbits = 209 };
/* 4104 bytes: the bitmap starts 8 bytes before a page of its own. */
FIXTURE_VARIANT_ADD(bm_vma, bits32832_ps64) { .nbits = 32832, .page_size = 64 };

FIXTURE_SETUP(bm_vma)
{
	memset(&self->b, 0, sizeof(self->b));
	IOD_DIRTY_SETUP(&self->d, &bm_bench);
}

FIXTURE_TEARDOWN(bm_vma)
{
	iod_bitmap_buf_free(&self->b);
	iod_dirty_teardown(&self->d);
}

/*
 * The bitmap's last byte is the last byte of its mapping (an inaccessible
 * page follows) and the last page of the range is dirty; then the first
 * and the last; then every page.
 */
TEST_F(bm_vma, last_page_dirty)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = variant->page_size ? variant->page_size : d->leaf;
	uint64_t nbits = variant->nbits, len = nbits * ps;

	ASSERT_EQ(0, len % d->leaf);
	ASSERT_LE(len, d->len);
	ASSERT_EQ(0, iod_bitmap_buf_alloc(&self->b, (nbits + 7) / 8, 0,
					  IOD_BM_END_AT_VMA));
	ASSERT_EQ(0, touch_bit(d, ps, nbits - 1));
	assert_harvest_clears_into(_metadata, d, len, ps, &self->b);
	ASSERT_EQ(0, touch_bit(d, ps, 0));
	ASSERT_EQ(0, touch_bit(d, ps, nbits - 1));
	IOD_ASSERT_HARVEST_INTO(d, &d->fp,
				IOD_HARVEST(d->iova, len, ps, 0),
				&self->b);
	iod_fp_reset(&d->fp);
	IOD_ASSERT_WRITE(d, 0, len, 3);
	IOD_ASSERT_HARVEST_INTO(d, &d->fp,
				IOD_HARVEST(d->iova, len, ps, 0),
				&self->b);
}

/* ---------------------------------------------------------------------- */
/* bits past the range */

FIXTURE(bm_tail) {
	struct iod_dirty d;
	struct iod_bitmap_buf b;
};

FIXTURE_VARIANT(bm_tail) {
	uint64_t nbits;
};

FIXTURE_VARIANT_ADD(bm_tail, bits1) { .nbits = 1 };
FIXTURE_VARIANT_ADD(bm_tail, bits7) { .nbits = 7 };
FIXTURE_VARIANT_ADD(bm_tail, bits9) { .nbits = 9 };
FIXTURE_VARIANT_ADD(bm_tail, bits40) { .nbits = 40 };
FIXTURE_VARIANT_ADD(bm_tail, bits63) { .nbits = 63 };
FIXTURE_VARIANT_ADD(bm_tail, bits65) { .nbits = 65 };
FIXTURE_VARIANT_ADD(bm_tail, bits200) { .nbits = 200 };

FIXTURE_SETUP(bm_tail)
{
	memset(&self->b, 0, sizeof(self->b));
	IOD_DIRTY_SETUP(&self->d, &bm_bench);
}

FIXTURE_TEARDOWN(bm_tail)
{
	iod_bitmap_buf_free(&self->b);
	iod_dirty_teardown(&self->d);
}

/*
 * A bitmap of whole u64 words, the last page of the range dirty, and the
 * page right after the range dirty too: the tail bits of the last word
 * and the guards stay as they were, zero or 0x5a (the kernel neither sets
 * nor clears a bit past the range).
 */
TEST_F(bm_tail, tail_bits_untouched)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = d->leaf, nbits = variant->nbits, len = nbits * ps;
	size_t i;

	ASSERT_EQ(0, iod_bitmap_buf_alloc(&self->b,
					  iod_bitmap_bytes(len, ps), 0, 0));
	ASSERT_LT(nbits, self->b.bytes * 8) TH_LOG("no tail bits");
	ASSERT_EQ(0, touch_bit(d, ps, nbits - 1));
	ASSERT_EQ(0, touch_bit(d, ps, nbits));
	IOD_ASSERT_HARVEST_INTO(d, &d->fp,
				IOD_HARVEST(d->iova, len, ps, IOD_NO_CLEAR),
				&self->b);
	IOD_ASSERT_HARVEST_INTO(d, &d->fp,
				IOD_HARVEST(d->iova, len, ps, IOD_NO_CLEAR,
					    .fill = 0x5a),
				&self->b);
	IOD_ASSERT_HARVEST_INTO(d, &d->fp,
				IOD_HARVEST(d->iova, len, ps, 0,
					    .fill = 0xff),
				&self->b);
	for (i = 0; i < self->b.bytes; i++)
		ASSERT_EQ(0xff, self->b.data[i]);
	/* The range was cleared, the page after it was not. */
	ASSERT_EQ(0, iod_fp_clear(&d->fp, d->iova, len));
	ASSERT_EQ(1, iod_fp_count(&d->fp));
	IOD_ASSERT_HARVEST_INTO(d, &d->fp,
				IOD_HARVEST(d->iova, len, ps, 0),
				&self->b);
	IOD_ASSERT_HARVEST_INTO(d, &d->fp,
				IOD_HARVEST(d->iova, len + ps, ps, 0),
				&self->b);
}

/* ---------------------------------------------------------------------- */
/* stale bits: the kernel only ever sets bits */

FIXTURE(bm_stale) {
	struct iod_dirty d;
	struct iod_bitmap_buf b;
	uint64_t seed;
};

FIXTURE_VARIANT(bm_stale) {
	uint8_t fill;
	uint64_t page_size;	/* 0: the leaf */
};

FIXTURE_VARIANT_ADD(bm_stale, ff_leaf) { .fill = 0xff };
FIXTURE_VARIANT_ADD(bm_stale, ff_ps64k) { .fill = 0xff, .page_size = 64 * K };
FIXTURE_VARIANT_ADD(bm_stale, a5_leaf) { .fill = 0xa5 };
FIXTURE_VARIANT_ADD(bm_stale, a5_ps4k) { .fill = 0xa5, .page_size = 4 * K };
FIXTURE_VARIANT_ADD(bm_stale, 5a_ps64) { .fill = 0x5a, .page_size = 64 };
FIXTURE_VARIANT_ADD(bm_stale, 80_leaf) { .fill = 0x80 };

FIXTURE_SETUP(bm_stale)
{
	memset(&self->b, 0, sizeof(self->b));
	IOD_DIRTY_SETUP(&self->d, &bm_bench);
	self->seed = iod_seed();
	TH_LOG("seed %llu (replay: IODIRTY_SEED=%llu)",
	       (unsigned long long)self->seed,
	       (unsigned long long)self->seed);
}

FIXTURE_TEARDOWN(bm_stale)
{
	iod_bitmap_buf_free(&self->b);
	iod_dirty_teardown(&self->d);
}

/*
 * The whole buffer into a bitmap pre-filled with the pattern: it comes
 * back as pattern | expected (all ones for 0xff), NO_CLEAR or not; the
 * clearing harvest cleared what it reported.
 */
TEST_F(bm_stale, stale_bits_stay)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = variant->page_size ? variant->page_size : d->leaf;
	size_t i;

	ASSERT_EQ(0, iod_bitmap_buf_alloc(&self->b,
					  iod_bitmap_bytes(d->len, ps), 0, 0));
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed, 24));
	IOD_ASSERT_HARVEST_INTO(d, &d->fp,
				IOD_HARVEST(d->iova, d->len, ps, IOD_NO_CLEAR,
					    .fill = variant->fill),
				&self->b);
	IOD_ASSERT_HARVEST_INTO(d, &d->fp,
				IOD_HARVEST(d->iova, d->len, ps, 0,
					    .fill = variant->fill),
				&self->b);
	if (variant->fill == 0xff)
		for (i = 0; i < self->b.bytes; i++)
			ASSERT_EQ(0xff, self->b.data[i]);
	iod_fp_reset(&d->fp);
	IOD_ASSERT_HARVEST_INTO(d, &d->fp,
				IOD_HARVEST(d->iova, d->len, ps, 0),
				&self->b);
	IOD_ASSERT_HARVEST_INTO(d, &d->fp,
				IOD_HARVEST(d->iova, d->len, ps, 0,
					    .fill = variant->fill),
				&self->b);
}

/* ---------------------------------------------------------------------- */
/* bitmap memory the kernel cannot write */

enum unwritable {
	READ_ONLY,	/* mprotect(PROT_READ) */
	NO_ACCESS,	/* mprotect(PROT_NONE) */
	UNMAPPED,	/* munmap()ed */
	PART_READ_ONLY,	/* the first page writable, the rest read-only */
};

/* Pages of the mapping: a guard page, then the bitmap's pages. */
#define UNW_PAGES 4

FIXTURE(bm_unwritable) {
	struct iod_dirty d;
	uint8_t *map;
	size_t map_len;
	bool mapped;		/* map still mapped in full */
	uint64_t seed;
	const char *how;	/* dirty.unpinnable_bitmap */
};

FIXTURE_VARIANT(bm_unwritable) {
	enum unwritable kind;
};

FIXTURE_VARIANT_ADD(bm_unwritable, read_only) { .kind = READ_ONLY };
FIXTURE_VARIANT_ADD(bm_unwritable, prot_none) { .kind = NO_ACCESS };
FIXTURE_VARIANT_ADD(bm_unwritable, unmapped) { .kind = UNMAPPED };
FIXTURE_VARIANT_ADD(bm_unwritable, part_read_only) { .kind = PART_READ_ONLY };

FIXTURE_SETUP(bm_unwritable)
{
	self->map = NULL;
	self->mapped = false;
	IOD_DIRTY_SETUP(&self->d, &bm_bench);
	IOD_NEED_RULE("dirty.unpinnable_bitmap");
	self->how = iod_rule("dirty.unpinnable_bitmap", NULL);
	if (variant->kind == PART_READ_ONLY &&
	    !iod_rule_is("dirty.unpinnable_bitmap", "dropped"))
		SKIP(return, "partly writable bitmaps are stated only for dirty.unpinnable_bitmap = dropped (lazy pinning); the profile says %s",
		     self->how);
	self->map_len = UNW_PAGES * iod_host_page();
	self->map = mmap(NULL, self->map_len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, self->map);
	self->mapped = true;
	self->seed = iod_seed();
	TH_LOG("seed %llu (replay: IODIRTY_SEED=%llu), dirty.unpinnable_bitmap = %s",
	       (unsigned long long)self->seed,
	       (unsigned long long)self->seed, self->how);
}

FIXTURE_TEARDOWN(bm_unwritable)
{
	if (self->map && self->mapped)
		munmap(self->map, self->map_len);
	else if (self->map)
		munmap(self->map, iod_host_page());
	iod_dirty_teardown(&self->d);
}

/* Make the bitmap's pages (all but the first page of map) unwritable. */
static int make_unwritable(uint8_t *map, size_t map_len, enum unwritable k,
			   bool *mapped)
{
	size_t pg = iod_host_page();

	switch (k) {
	case READ_ONLY:
		return mprotect(map + pg, map_len - pg, PROT_READ);
	case NO_ACCESS:
		return mprotect(map + pg, map_len - pg, PROT_NONE);
	case UNMAPPED:
		*mapped = false;
		return munmap(map + pg, map_len - pg);
	case PART_READ_ONLY:
		return mprotect(map + 2 * pg, map_len - 2 * pg, PROT_READ);
	}
	return -1;
}

/*
 * Harvest the whole buffer at page size 64 (8 KiB of bitmap: two pages)
 * into unwritable memory, with `flags`. As the profile says:
 * "dropped": rc 0; the unwritable bytes are unchanged (and where the first
 * page is writable it gets its bits exactly); the dirty state is cleared
 * all the same unless NO_CLEAR, so a harvest into good memory afterwards
 * is empty (or, with NO_CLEAR, reports every write). "enomem": the error,
 * and nothing cleared. "efault": the error. The kernel log stays clean.
 */
static void unwritable_case(struct __test_metadata *_metadata,
			    FIXTURE_DATA(bm_unwritable) *self,
			    enum unwritable kind, uint32_t flags)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = 64, bytes = iod_bitmap_bytes(d->len, ps);
	size_t pg = iod_host_page(), good = kind == PART_READ_ONLY ? pg : 0, i;
	uint8_t *data = self->map + pg;
	struct iod_bitmap_buf writable = { .data = data, .bytes = good };
	char rep[1024] = "";
	int kfd, rc;

	ASSERT_LE(2 * pg, bytes);
	ASSERT_LE(bytes, self->map_len - pg);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed, 24));
	/* A dirty page whose bits are in each bitmap page. */
	ASSERT_EQ(0, touch_bit(d, ps, 8 * pg - 1));
	ASSERT_EQ(0, touch_bit(d, ps, 8 * pg));
	ASSERT_EQ(0, make_unwritable(self->map, self->map_len, kind,
				     &self->mapped));
	kfd = iod_kmsg_open();
	rc = iod_bench_get_bitmap(d, d->iova, d->len, ps, data, flags);
	IOD_ASSERT_NO_SPLAT(kfd);
	IOD_ASSERT_ERR(iod_rule_errno("dirty.unpinnable_bitmap"), rc);
	if (iod_rule_is("dirty.unpinnable_bitmap", "efault"))
		return;
	if (iod_rule_is("dirty.unpinnable_bitmap", "dropped")) {
		if (kind == NO_ACCESS)
			ASSERT_EQ(0, mprotect(data, self->map_len - pg,
					      PROT_READ));
		if (kind != UNMAPPED) {
			/* Its bits and the guard page before it. */
			if (good)
				ASSERT_EQ(0, iod_bitmap_check(&d->fp, d->iova,
							      d->len, ps, 0,
							      &writable, rep,
							      sizeof(rep)))
					TH_LOG("the writable page: %s", rep);
			for (i = good; i < bytes; i++)
				ASSERT_EQ(0, data[i])
					TH_LOG("byte %zu of the unwritable bitmap changed", i);
		}
		if (!(flags & IOD_NO_CLEAR))
			iod_fp_reset(&d->fp);
	}
	/* Into good memory now. */
	IOD_ASSERT_HARVEST_FP(d, &d->fp,
			      IOD_HARVEST(d->iova, d->len, ps, 0,
					  .bytes = bytes));
	/* Tracking goes on: a new write is reported. */
	iod_fp_reset(&d->fp);
	ASSERT_EQ(0, touch_bit(d, ps, 8 * pg));
	IOD_ASSERT_HARVEST(d, ps, 0);
}

TEST_F(bm_unwritable, clearing)
{
	unwritable_case(_metadata, self, variant->kind, 0);
}

TEST_F(bm_unwritable, no_clear)
{
	unwritable_case(_metadata, self, variant->kind, IOD_NO_CLEAR);
}

/* ---------------------------------------------------------------------- */
/* bitmaps in other kinds of memory */

enum backing {
	MEMFD_SHARED,	/* MAP_SHARED of a memfd: the file's own pages */
	MEMFD_PRIVATE,	/* MAP_PRIVATE of a memfd, never written before */
	HUGETLB,	/* MAP_HUGETLB, the host's smallest hugetlb page */
};

FIXTURE(bm_backing) {
	struct iod_dirty d;
	int memfd;
	uint8_t *map, *view;	/* the bitmap's mapping; a shared view */
	size_t map_len;
};

FIXTURE_VARIANT(bm_backing) {
	enum backing kind;
};

FIXTURE_VARIANT_ADD(bm_backing, memfd_shared) { .kind = MEMFD_SHARED };
FIXTURE_VARIANT_ADD(bm_backing, memfd_private) { .kind = MEMFD_PRIVATE };
FIXTURE_VARIANT_ADD(bm_backing, hugetlb) { .kind = HUGETLB };

FIXTURE_SETUP(bm_backing)
{
	self->memfd = -1;
	self->map = self->view = NULL;
	IOD_DIRTY_SETUP(&self->d, &bm_bench);
	if (variant->kind == HUGETLB) {
		char why[384] = "";
		uint64_t len = 0;
		void *p = NULL;
		int rc = iod_hugetlb_map(1, 1, &p, &len, why, sizeof(why));

		if (rc == -EOPNOTSUPP)
			SKIP(return, "%s", why);
		ASSERT_EQ(0, rc) TH_LOG("%s", why);
		self->map = p;
		self->map_len = len;
		return;
	}
	self->map_len = 4 * iod_host_page();
	self->memfd = memfd_create("iodirty-bitmap", MFD_CLOEXEC);
	ASSERT_LE(0, self->memfd);
	ASSERT_EQ(0, ftruncate(self->memfd, self->map_len));
	self->view = mmap(NULL, self->map_len, PROT_READ, MAP_SHARED,
			  self->memfd, 0);
	ASSERT_NE(MAP_FAILED, self->view);
	self->map = mmap(NULL, self->map_len, PROT_READ | PROT_WRITE,
			 variant->kind == MEMFD_SHARED ? MAP_SHARED :
			 MAP_PRIVATE, self->memfd, 0);
	ASSERT_NE(MAP_FAILED, self->map);
}

FIXTURE_TEARDOWN(bm_backing)
{
	if (self->map)
		munmap(self->map, self->map_len);
	if (self->view && self->view != MAP_FAILED)
		munmap(self->view, self->map_len);
	if (self->memfd >= 0)
		close(self->memfd);
	iod_dirty_teardown(&self->d);
}

/*
 * The whole buffer at page size 64 (8 KiB of bitmap) into a bitmap that
 * starts 5 bytes before a page boundary of the mapping: exact, guards
 * untouched. A shared file mapping puts the bits in the file (a second
 * mapping sees them); a private one, never written by the process, gets
 * its own copy and leaves the file zero; hugetlb memory, pinned by 4 KiB
 * subpage, straddles subpages. The harvest cleared: the next is empty.
 */
TEST_F(bm_backing, bits_land)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = 64, bytes = iod_bitmap_bytes(d->len, ps);
	size_t pg = iod_host_page(), off = pg - 5, i;
	struct iod_bitmap_buf b = { 0 };
	char rep[1024] = "";

	ASSERT_LE(off + bytes + IOD_BM_GUARD, self->map_len);
	b.data = self->map + off;
	b.bytes = bytes;
	b.offset = off % pg;
	/* The file is zero: no write by the process before the harvest. */
	if (variant->kind == HUGETLB)
		iod_bitmap_buf_zero(&b);
	ASSERT_EQ(0, iod_scatter_writes(d, iod_seed(), 24));
	ASSERT_EQ(0, touch_bit(d, ps, 8 * 5 - 1));
	ASSERT_EQ(0, touch_bit(d, ps, 8 * 5));
	ASSERT_EQ(0, iod_bench_get_bitmap(d, d->iova, d->len, ps, b.data, 0));
	/* Every bit and the guards, as the kernel left them. */
	ASSERT_EQ(0, iod_bitmap_check(&d->fp, d->iova, d->len, ps, 0, &b, rep,
				      sizeof(rep))) TH_LOG("%s", rep);
	if (variant->kind == MEMFD_SHARED)
		ASSERT_EQ(0, memcmp(self->view + off, b.data, bytes))
			TH_LOG("the file does not hold the bits the shared mapping got");
	if (variant->kind == MEMFD_PRIVATE)
		for (i = 0; i < self->map_len; i++)
			ASSERT_EQ(0, self->view[i])
				TH_LOG("byte %zu of the file changed under a private mapping", i);
	iod_fp_reset(&d->fp);
	IOD_ASSERT_HARVEST_INTO(d, &d->fp, IOD_HARVEST(d->iova, d->len, ps, 0),
				&b);
}

IOD_HARNESS_MAIN
