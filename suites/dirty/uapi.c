// SPDX-License-Identifier: GPL-2.0
/*
 * Negative uAPI of IOMMU_HWPT_SET_DIRTY_TRACKING and
 * IOMMU_HWPT_GET_DIRTY_BITMAP on a HWPT that can track: argument sizes
 * (short, long with zero or non-zero tail), unknown flag bits, __reserved,
 * the range rules of GET (length 0, u64 wrap, IOAS alignment, page_size
 * alignment, page_size 0, page_size not a power of two, page sizes 1 << 32
 * .. 1 << 63), ids that are not a paging HWPT and the order of the checks,
 * and a NULL bitmap pointer. A rejected call must change nothing: the dirty
 * state and the tracking state are checked after it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iod_test.h"
#include "iommufd.h"

#define K 1024ull
#define BUF_LEN (256 * K)
#define BOGUS_ID 0x7fffffffu
#define RAW_LEN 4096

/* ---------------------------------------------------------------------- */
/* helpers */

/* Dirty a few spots: the first byte, a run across a leaf edge, the last byte. */
static int dirty_some(struct iod_dirty *d)
{
	int rc;

	rc = iod_engine_write(&d->engine, d->iova, 1, 1, &d->fp);
	if (!rc)
		rc = iod_engine_write(&d->engine, d->iova + 5 * d->leaf - 7, 14,
				      2, &d->fp);
	if (!rc)
		rc = iod_engine_write(&d->engine, d->iova + d->len - 1, 1, 3,
				      &d->fp);
	return rc;
}

/* A well-formed GET of the whole buffer at leaf granularity into bm. */
static struct iommu_hwpt_get_dirty_bitmap get_cmd(struct iod_dirty *d,
						  void *bm)
{
	return (struct iommu_hwpt_get_dirty_bitmap){
		.size = sizeof(struct iommu_hwpt_get_dirty_bitmap),
		.hwpt_id = d->hwpt_id,
		.iova = d->iova,
		.length = d->len,
		.page_size = d->leaf,
		.data = (uintptr_t)bm,
	};
}

static uint64_t bits_of(uint64_t length, unsigned int shift)
{
	return ((length - 1) >> shift) + 1;
}

static size_t bytes_of(uint64_t length, unsigned int shift)
{
	return (bits_of(length, shift) + 7) / 8;
}

/*
 * What a harvest of [iova, iova + length) must return with one bit per
 * 1 << shift bytes (the kernel's granule is the lowest set bit of
 * page_size): bit i is set when a dirty leaf intersects its span. The
 * range may end at 2^64. bm has bytes_of(length, shift) bytes.
 */
static void expect_shift(const struct iod_fp *fp, uint64_t iova,
			 uint64_t length, unsigned int shift, uint8_t *bm)
{
	uint64_t last = iova + length - 1, i;

	memset(bm, 0, bytes_of(length, shift));
	for (i = 0; i < fp->nleaves; i++) {
		uint64_t a = fp->iova + i * fp->leaf;
		uint64_t b = a + fp->leaf - 1, lo, hi, bit;

		if (!iod_fp_leaf_dirty(fp, a) || b < iova || a > last)
			continue;
		lo = ((a > iova ? a : iova) - iova) >> shift;
		hi = ((b < last ? b : last) - iova) >> shift;
		for (bit = lo; bit <= hi; bit++)
			bm[bit / 8] |= 1u << (bit % 8);
	}
}

/*
 * Compare a harvested guarded bitmap with expect_shift(): the number of
 * wrong bytes (a touched guard counts as one); `rep` names the first.
 */
static int64_t check_shift(const struct iod_fp *fp, uint64_t iova,
			   uint64_t length, unsigned int shift,
			   const struct iod_bitmap_buf *b, char *rep,
			   size_t rlen)
{
	size_t n = bytes_of(length, shift), i;
	uint8_t *want = malloc(n);
	int64_t wrong = 0;

	if (!want)
		return -ENOMEM;
	expect_shift(fp, iova, length, shift, want);
	for (i = 0; i < n; i++) {
		if (want[i] == b->data[i])
			continue;
		if (!wrong)
			snprintf(rep, rlen,
				 "byte %zu of the bitmap is 0x%02x, expected 0x%02x",
				 i, b->data[i], want[i]);
		wrong++;
	}
	free(want);
	if (!iod_bitmap_buf_guards_ok(b, rep, rlen))
		wrong++;
	return wrong;
}

/* Is every byte of the bitmap zero and the guards untouched? */
static bool bitmap_untouched(const struct iod_bitmap_buf *b)
{
	size_t i;

	for (i = 0; i < b->bytes; i++)
		if (b->data[i])
			return false;
	return iod_bitmap_buf_guards_ok(b, NULL, 0);
}

/*
 * Is tracking on: is a fresh device write reported? Clears the dirty state
 * of the buffer first and the footprint with it. 1, 0, or -errno.
 */
static int tracking_on(struct iod_dirty *d)
{
	uint64_t bm[4] = { 0 };
	int rc;

	rc = iod_get_dirty_bitmap(d->t.fd, d->hwpt_id, d->iova, d->len,
				  d->len, bm, 0);
	iod_fp_reset(&d->fp);
	if (!rc)
		rc = iod_engine_write(&d->engine, d->iova, 1, 9, NULL);
	if (rc)
		return rc;
	bm[0] = 0;
	rc = iod_get_dirty_bitmap(d->t.fd, d->hwpt_id, d->iova, d->len,
				  d->len, bm, 0);
	return rc ? rc : (int)(bm[0] & 1);
}

/* Can a disabled HWPT be told from an enabled one by a harvest? */
static bool off_observable(void)
{
	const char *v = iod_profile_enum(iod_env.profile,
					 "dirty.get_while_disabled");

	return v && !strcmp(v, "empty");
}

/* Does a harvest that starts in a hole report nothing (and clear nothing)? */
static bool hole_stops(void)
{
	const char *v = iod_profile_enum(iod_env.profile, "dirty.hole");

	return !v || !strcmp(v, "stops");
}

#define ASSERT_TRACKING(d, want) do { \
	int __on = tracking_on(d); \
	ASSERT_EQ((want), __on) \
		TH_LOG("tracking is %s, expected %s", \
		       __on < 0 ? iod_errno_name(-__on) : \
		       __on ? "on" : "off", (want) ? "on" : "off"); \
} while (0)

/*
 * Nothing was cleared: a full harvest still reports every write. The
 * harvest clears them, and the footprint follows.
 */
#define ASSERT_INTACT(d) do { \
	IOD_ASSERT_HARVEST(d, (d)->leaf, 0); \
	iod_fp_reset(&(d)->fp); \
} while (0)

/* ---------------------------------------------------------------------- */
/* the bench: a dirty HWPT with tracking on and a 256 KiB buffer */

FIXTURE(uapi) {
	struct iod_dirty d;
	uint8_t raw[RAW_LEN];
};

FIXTURE_SETUP(uapi)
{
	struct iod_dirty_opts o = { .buf_len = BUF_LEN, .enable = true };

	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(uapi)
{
	iod_dirty_teardown(&self->d);
}

/* SET: an argument shorter than 16 bytes is EINVAL and does nothing. */
TEST_F(uapi, set_size_short)
{
	static const uint32_t sizes[] = { 0, 4, 8, 12, 15 };
	struct iommu_hwpt_set_dirty_tracking *cmd = (void *)self->raw;
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(self->raw, 0, sizeof(self->raw));
		cmd->hwpt_id = self->d.hwpt_id;	/* flags 0: disable */
		TH_LOG("size %u", sizes[i]);
		IOD_ASSERT_ERR(EINVAL, iod_ioctl_sized(self->d.t.fd,
						       IOMMU_HWPT_SET_DIRTY_TRACKING,
						       self->raw, sizes[i]));
	}
	ASSERT_TRACKING(&self->d, 1);
}

/* SET: a longer argument whose extra bytes are zero is accepted. */
TEST_F(uapi, set_size_long_zero_tail)
{
	static const uint32_t sizes[] = { 17, 24, 64, RAW_LEN };
	struct iommu_hwpt_set_dirty_tracking *cmd = (void *)self->raw;
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		TH_LOG("size %u", sizes[i]);
		memset(self->raw, 0, sizeof(self->raw));
		cmd->hwpt_id = self->d.hwpt_id;
		IOD_ASSERT_ERR(0, iod_ioctl_sized(self->d.t.fd,
						  IOMMU_HWPT_SET_DIRTY_TRACKING,
						  self->raw, sizes[i]));
		if (off_observable())
			ASSERT_TRACKING(&self->d, 0);
		cmd->flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
		IOD_ASSERT_ERR(0, iod_ioctl_sized(self->d.t.fd,
						  IOMMU_HWPT_SET_DIRTY_TRACKING,
						  self->raw, sizes[i]));
		ASSERT_TRACKING(&self->d, 1);
	}
}

/* SET: a non-zero byte past the known struct is E2BIG and does nothing. */
TEST_F(uapi, set_size_long_nonzero_tail)
{
	static const uint32_t pos[][2] = {	/* size, non-zero byte */
		{ 17, 16 }, { 24, 16 }, { 24, 23 }, { 64, 40 },
		{ RAW_LEN, RAW_LEN - 1 },
	};
	struct iommu_hwpt_set_dirty_tracking *cmd = (void *)self->raw;
	unsigned int i;

	for (i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
		TH_LOG("size %u, byte %u = 0x01", pos[i][0], pos[i][1]);
		memset(self->raw, 0, sizeof(self->raw));
		cmd->hwpt_id = self->d.hwpt_id;	/* flags 0: disable */
		self->raw[pos[i][1]] = 1;
		IOD_ASSERT_ERR(E2BIG, iod_ioctl_sized(self->d.t.fd,
						      IOMMU_HWPT_SET_DIRTY_TRACKING,
						      self->raw, pos[i][0]));
	}
	ASSERT_TRACKING(&self->d, 1);
}

/* SET: every flag bit but ENABLE is EOPNOTSUPP, alone or with ENABLE. */
TEST_F(uapi, set_unknown_flag_bits)
{
	unsigned int bit;

	for (bit = 1; bit < 32; bit++) {
		struct iommu_hwpt_set_dirty_tracking cmd = {
			.size = sizeof(cmd),
			.flags = 1u << bit,	/* without ENABLE: disable */
			.hwpt_id = self->d.hwpt_id,
		};
		int alone = iod_set_dirty_tracking_raw(self->d.t.fd, &cmd);
		int both;

		cmd.flags |= IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
		both = iod_set_dirty_tracking_raw(self->d.t.fd, &cmd);
		if (alone != -EOPNOTSUPP || both != -EOPNOTSUPP)
			TH_LOG("flag bit %u: alone %s, with ENABLE %s", bit,
			       iod_errno_name(-alone), iod_errno_name(-both));
		IOD_ASSERT_ERR(EOPNOTSUPP, alone);
		IOD_ASSERT_ERR(EOPNOTSUPP, both);
	}
	ASSERT_TRACKING(&self->d, 1);
}

/* SET: a non-zero __reserved is ignored or rejected as the profile says. */
TEST_F(uapi, set_reserved)
{
	static const uint32_t vals[] = { 1, 0x80000000u, 0xffffffffu };
	const char *how = iod_profile_enum(iod_env.profile,
					   "dirty.set_reserved");
	unsigned int i;

	if (!how)
		SKIP(return, "profile %s does not state dirty.set_reserved",
		     iod_profile_path(iod_env.profile));
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		struct iommu_hwpt_set_dirty_tracking cmd = {
			.size = sizeof(cmd),
			.hwpt_id = self->d.hwpt_id,
			.__reserved = vals[i],
		};

		TH_LOG("__reserved 0x%x, profile: %s", vals[i], how);
		if (!strcmp(how, "rejected")) {
			IOD_ASSERT_ERR(EOPNOTSUPP,
				       iod_set_dirty_tracking_raw(self->d.t.fd,
								  &cmd));
			ASSERT_TRACKING(&self->d, 1);
			continue;
		}
		/* ignored: the call does what its flags say */
		IOD_ASSERT_ERR(0, iod_set_dirty_tracking_raw(self->d.t.fd,
							     &cmd));
		if (off_observable())
			ASSERT_TRACKING(&self->d, 0);
		cmd.flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
		IOD_ASSERT_ERR(0, iod_set_dirty_tracking_raw(self->d.t.fd,
							     &cmd));
		ASSERT_TRACKING(&self->d, 1);
	}
}

/* GET: an argument shorter than 48 bytes is EINVAL and clears nothing. */
TEST_F(uapi, get_size_short)
{
	static const uint32_t sizes[] = { 0, 8, 16, 32, 40, 44, 47 };
	uint8_t bm[BUF_LEN / 2048 / 8 + 8];
	struct iommu_hwpt_get_dirty_bitmap cmd = get_cmd(&self->d, bm);
	unsigned int i;

	ASSERT_EQ(0, dirty_some(&self->d));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		TH_LOG("size %u", sizes[i]);
		memset(self->raw, 0, sizeof(self->raw));
		memcpy(self->raw, &cmd, sizeof(cmd));
		IOD_ASSERT_ERR(EINVAL, iod_ioctl_sized(self->d.t.fd,
						       IOMMU_HWPT_GET_DIRTY_BITMAP,
						       self->raw, sizes[i]));
	}
	ASSERT_INTACT(&self->d);
}

/* GET: a longer argument whose extra bytes are zero harvests normally. */
TEST_F(uapi, get_size_long_zero_tail)
{
	static const uint32_t sizes[] = { 49, 56, 64, RAW_LEN };
	struct iod_bitmap_buf b;
	unsigned int shift = __builtin_ctzll(self->d.leaf), i;
	char rep[256] = "";

	ASSERT_EQ(0, iod_bitmap_buf_alloc(&b, bytes_of(self->d.len, shift), 0,
					  0));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct iommu_hwpt_get_dirty_bitmap cmd =
			get_cmd(&self->d, b.data);
		int64_t wrong;

		TH_LOG("size %u", sizes[i]);
		ASSERT_EQ(0, dirty_some(&self->d));
		iod_bitmap_buf_zero(&b);
		memset(self->raw, 0, sizeof(self->raw));
		memcpy(self->raw, &cmd, sizeof(cmd));
		IOD_ASSERT_ERR(0, iod_ioctl_sized(self->d.t.fd,
						  IOMMU_HWPT_GET_DIRTY_BITMAP,
						  self->raw, sizes[i]));
		wrong = check_shift(&self->d.fp, self->d.iova, self->d.len,
				    shift, &b, rep, sizeof(rep));
		ASSERT_EQ(0, wrong) TH_LOG("%s", rep);
		iod_fp_reset(&self->d.fp);
	}
	iod_bitmap_buf_free(&b);
	ASSERT_INTACT(&self->d);
}

/* GET: a non-zero byte past the known struct is E2BIG and clears nothing. */
TEST_F(uapi, get_size_long_nonzero_tail)
{
	static const uint32_t pos[][2] = {	/* size, non-zero byte */
		{ 49, 48 }, { 56, 48 }, { 56, 55 }, { 64, 60 },
		{ RAW_LEN, RAW_LEN - 1 },
	};
	struct iod_bitmap_buf b;
	unsigned int i;

	ASSERT_EQ(0, iod_bitmap_buf_alloc(&b, BUF_LEN / 2048 / 8, 0, 0));
	ASSERT_EQ(0, dirty_some(&self->d));
	for (i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
		struct iommu_hwpt_get_dirty_bitmap cmd =
			get_cmd(&self->d, b.data);

		TH_LOG("size %u, byte %u = 0x01", pos[i][0], pos[i][1]);
		memset(self->raw, 0, sizeof(self->raw));
		memcpy(self->raw, &cmd, sizeof(cmd));
		self->raw[pos[i][1]] = 1;
		IOD_ASSERT_ERR(E2BIG, iod_ioctl_sized(self->d.t.fd,
						      IOMMU_HWPT_GET_DIRTY_BITMAP,
						      self->raw, pos[i][0]));
		ASSERT_TRUE(bitmap_untouched(&b));
	}
	iod_bitmap_buf_free(&b);
	ASSERT_INTACT(&self->d);
}

/* GET: every flag bit but NO_CLEAR is EOPNOTSUPP, alone or with NO_CLEAR. */
TEST_F(uapi, get_unknown_flag_bits)
{
	struct iod_bitmap_buf b;
	unsigned int bit;

	ASSERT_EQ(0, iod_bitmap_buf_alloc(&b, BUF_LEN / 2048 / 8, 0, 0));
	ASSERT_EQ(0, dirty_some(&self->d));
	for (bit = 1; bit < 32; bit++) {
		struct iommu_hwpt_get_dirty_bitmap cmd =
			get_cmd(&self->d, b.data);
		int alone, both;

		cmd.flags = 1u << bit;
		alone = iod_get_dirty_bitmap_raw(self->d.t.fd, &cmd);
		cmd.flags |= IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR;
		both = iod_get_dirty_bitmap_raw(self->d.t.fd, &cmd);
		if (alone != -EOPNOTSUPP || both != -EOPNOTSUPP)
			TH_LOG("flag bit %u: alone %s, with NO_CLEAR %s", bit,
			       iod_errno_name(-alone), iod_errno_name(-both));
		IOD_ASSERT_ERR(EOPNOTSUPP, alone);
		IOD_ASSERT_ERR(EOPNOTSUPP, both);
		ASSERT_TRUE(bitmap_untouched(&b));
	}
	iod_bitmap_buf_free(&b);
	ASSERT_INTACT(&self->d);
}

/* GET: a non-zero __reserved is EOPNOTSUPP and clears nothing. */
TEST_F(uapi, get_reserved)
{
	static const uint32_t vals[] = { 1, 0x80000000u, 0xffffffffu };
	struct iod_bitmap_buf b;
	unsigned int i;

	ASSERT_EQ(0, iod_bitmap_buf_alloc(&b, BUF_LEN / 2048 / 8, 0, 0));
	ASSERT_EQ(0, dirty_some(&self->d));
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		struct iommu_hwpt_get_dirty_bitmap cmd =
			get_cmd(&self->d, b.data);

		TH_LOG("__reserved 0x%x", vals[i]);
		cmd.__reserved = vals[i];
		IOD_ASSERT_ERR(EOPNOTSUPP,
			       iod_get_dirty_bitmap_raw(self->d.t.fd, &cmd));
		ASSERT_TRUE(bitmap_untouched(&b));
	}
	iod_bitmap_buf_free(&b);
	ASSERT_INTACT(&self->d);
}

/* One GET that must fail with `err`, leaving the bitmap untouched. */
struct bad_range {
	uint64_t iova;		/* absolute unless rel */
	uint64_t length;
	uint64_t page_size;
	bool rel;		/* iova is an offset into the buffer */
	int err;
	const char *what;
};

static int run_bad(struct iod_dirty *d, const struct bad_range *r,
		   struct iod_bitmap_buf *b)
{
	struct iommu_hwpt_get_dirty_bitmap cmd = get_cmd(d, b->data);

	cmd.iova = r->rel ? d->iova + r->iova : r->iova;
	cmd.length = r->length;
	cmd.page_size = r->page_size;
	return iod_get_dirty_bitmap_raw(d->t.fd, &cmd);
}

#define RUN_BAD(d, table) do { \
	struct iod_bitmap_buf __b; \
	unsigned int __i; \
	ASSERT_EQ(0, iod_bitmap_buf_alloc(&__b, BUF_LEN / 2048 / 8, 0, 0)); \
	ASSERT_EQ(0, dirty_some(d)); \
	for (__i = 0; __i < sizeof(table) / sizeof(table[0]); __i++) { \
		const struct bad_range *__r = &(table)[__i]; \
		TH_LOG("%s: iova %s0x%llx length 0x%llx page_size 0x%llx", \
		       __r->what, __r->rel ? "buffer + " : "", \
		       (unsigned long long)__r->iova, \
		       (unsigned long long)__r->length, \
		       (unsigned long long)__r->page_size); \
		IOD_ASSERT_ERR(__r->err, run_bad(d, __r, &__b)); \
		ASSERT_TRUE(bitmap_untouched(&__b)); \
	} \
	iod_bitmap_buf_free(&__b); \
	ASSERT_INTACT(d); \
} while (0)

/* GET: length 0 is EINVAL, checked before the wrap and alignment rules. */
TEST_F(uapi, get_length_zero)
{
	const struct bad_range t[] = {
		{ 0, 0, 2048, true, EINVAL, "buffer start" },
		{ 0, 0, 2048, false, EINVAL, "iova 0" },
		{ UINT64_MAX, 0, 2048, false, EINVAL, "iova U64_MAX" },
		{ 1, 0, 0, true, EINVAL, "unaligned iova, page_size 0" },
	};

	RUN_BAD(&self->d, t);
}

/* GET: iova + length - 1 past U64_MAX is EOVERFLOW, before alignment. */
TEST_F(uapi, get_wrap)
{
	const struct bad_range t[] = {
		{ 0, UINT64_MAX, 2048, true, EOVERFLOW,
		  "buffer start, length U64_MAX" },
		{ UINT64_MAX - 2047, 4096, 2048, false, EOVERFLOW,
		  "last page + 2 KiB" },
		{ 1ull << 63, (1ull << 63) + 2048, 2048, false, EOVERFLOW,
		  "2^63 + 2^63 + 2 KiB" },
		{ UINT64_MAX, 2, 2048, false, EOVERFLOW, "U64_MAX + 2" },
		{ 1, UINT64_MAX, 2048, true, EOVERFLOW,
		  "unaligned iova, length U64_MAX" },
		{ 0, UINT64_MAX, 0, true, EOVERFLOW,
		  "page_size 0, length U64_MAX" },
	};

	RUN_BAD(&self->d, t);
}

/* The IOAS alignment, from the profile, checked against the kernel's. */
static uint64_t ioas_alignment(struct iod_dirty *d)
{
	uint64_t want = iod_profile_uint(iod_env.profile, "iova.alignment", 0);
	uint64_t got = 0;

	if (iod_ioas_iova_ranges(d->t.fd, d->t.ioas_id, NULL, 0, &got) < 0)
		return 0;
	return want == got ? want : 0;
}

/*
 * GET: a range ending exactly at 2^64 does not wrap. It is valid and maps
 * nothing: rc 0, no bit set, nothing cleared.
 */
TEST_F(uapi, get_ends_at_top)
{
	uint64_t a = ioas_alignment(&self->d);
	const uint64_t lens[] = { a, 2 * a, 1ull << 20, 1ull << 32 };
	struct iod_bitmap_buf b;
	unsigned int i;

	ASSERT_NE(0, a) TH_LOG("profile iova.alignment differs from the IOAS's out_iova_alignment (or is unset)");
	ASSERT_EQ(0, iod_bitmap_buf_alloc(&b, 8, 0, 0));
	ASSERT_EQ(0, dirty_some(&self->d));
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		TH_LOG("[2^64 - 0x%llx, 2^64) at page_size 0x%llx",
		       (unsigned long long)lens[i],
		       (unsigned long long)lens[i]);
		IOD_ASSERT_ERR(0, iod_get_dirty_bitmap(self->d.t.fd,
						       self->d.hwpt_id,
						       0 - lens[i], lens[i],
						       lens[i], b.data, 0));
		ASSERT_TRUE(bitmap_untouched(&b));
	}
	iod_bitmap_buf_free(&b);
	ASSERT_INTACT(&self->d);
}

/*
 * GET: iova not aligned to the IOAS alignment is EINVAL. page_size 1
 * passes the page_size rule for any iova, so only the IOAS rule can fail.
 * Aligned to the IOAS but no more is accepted.
 */
TEST_F(uapi, get_iova_unaligned_to_ioas)
{
	uint64_t a = ioas_alignment(&self->d);
	struct iod_bitmap_buf b;
	char rep[256] = "";
	int64_t wrong;

	ASSERT_NE(0, a) TH_LOG("profile iova.alignment differs from the IOAS's out_iova_alignment (or is unset)");
	{
		const struct bad_range t[] = {
			{ a / 2, BUF_LEN - a, 1, true, EINVAL, "iova + a/2" },
			{ 1, BUF_LEN - a, 1, true, EINVAL, "iova + 1" },
			{ a - 1, BUF_LEN - a, 1, true, EINVAL,
			  "iova + a - 1" },
		};

		RUN_BAD(&self->d, t);
	}
	ASSERT_EQ(0, iod_bitmap_buf_alloc(&b, 8, 0, 0));
	ASSERT_EQ(0, dirty_some(&self->d));
	ASSERT_EQ(0, iod_engine_write(&self->d.engine, self->d.iova + a, 1, 4,
				      &self->d.fp));
	IOD_ASSERT_ERR(0, iod_get_dirty_bitmap(self->d.t.fd, self->d.hwpt_id,
					       self->d.iova + a, a, a, b.data,
					       IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR));
	wrong = check_shift(&self->d.fp, self->d.iova + a, a,
			    __builtin_ctzll(a), &b, rep, sizeof(rep));
	ASSERT_EQ(0, wrong) TH_LOG("%s", rep);
	ASSERT_EQ(1, b.data[0]);
	iod_bitmap_buf_free(&b);
	ASSERT_INTACT(&self->d);
}

/* GET: iova + length not aligned to the IOAS alignment is EINVAL. */
TEST_F(uapi, get_length_unaligned_to_ioas)
{
	uint64_t a = ioas_alignment(&self->d);

	ASSERT_NE(0, a) TH_LOG("profile iova.alignment differs from the IOAS's out_iova_alignment (or is unset)");
	{
		const struct bad_range t[] = {
			{ 0, BUF_LEN - a / 2, 1, true, EINVAL,
			  "length - a/2" },
			{ 0, a + 1, 1, true, EINVAL, "length a + 1" },
			{ 0, 1, 1, true, EINVAL, "length 1" },
			{ 0, a - 1, 1, true, EINVAL, "length a - 1" },
		};

		RUN_BAD(&self->d, t);
	}
}

/*
 * GET: iova aligned to the IOAS but not to page_size is EINVAL; aligned to
 * both is accepted.
 */
TEST_F(uapi, get_iova_unaligned_to_page_size)
{
	uint64_t a = ioas_alignment(&self->d);
	struct iod_bitmap_buf b;
	char rep[256] = "";
	int64_t wrong;

	ASSERT_NE(0, a);
	{
		const struct bad_range t[] = {
			{ a, 4 * a, 2 * a, true, EINVAL, "iova + a, ps 2a" },
			{ a, 64 * K - a, 64 * K, true, EINVAL,
			  "iova + a, ps 64K" },
			{ 32 * K, 32 * K, 64 * K, true, EINVAL,
			  "iova + 32K, ps 64K" },
		};

		RUN_BAD(&self->d, t);
	}
	ASSERT_EQ(0, iod_bitmap_buf_alloc(&b, 8, 0, 0));
	ASSERT_EQ(0, dirty_some(&self->d));
	IOD_ASSERT_ERR(0, iod_get_dirty_bitmap(self->d.t.fd, self->d.hwpt_id,
					       self->d.iova + 2 * a, 4 * a,
					       2 * a, b.data,
					       IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR));
	wrong = check_shift(&self->d.fp, self->d.iova + 2 * a, 4 * a,
			    __builtin_ctzll(2 * a), &b, rep, sizeof(rep));
	ASSERT_EQ(0, wrong) TH_LOG("%s", rep);
	iod_bitmap_buf_free(&b);
	ASSERT_INTACT(&self->d);
}

/* GET: iova + length aligned to the IOAS but not to page_size is EINVAL. */
TEST_F(uapi, get_length_unaligned_to_page_size)
{
	uint64_t a = ioas_alignment(&self->d);

	ASSERT_NE(0, a);
	{
		const struct bad_range t[] = {
			{ 0, 3 * a, 2 * a, true, EINVAL, "length 3a, ps 2a" },
			{ 0, a, 2 * a, true, EINVAL, "length a, ps 2a" },
			{ 0, 64 * K + a, 64 * K, true, EINVAL,
			  "length 64K + a, ps 64K" },
			{ 0, BUF_LEN, BUF_LEN * 2, true, EINVAL,
			  "whole buffer, ps twice its length" },
		};

		RUN_BAD(&self->d, t);
	}
}

/* GET: page_size 0 is EINVAL (after the range rules pass). */
TEST_F(uapi, get_page_size_zero)
{
	const struct bad_range t[] = {
		{ 0, BUF_LEN, 0, true, EINVAL, "whole buffer" },
		{ 0, 2048, 0, true, EINVAL, "first 2 KiB" },
		{ 0, 1ull << 32, 0, false, EINVAL, "[0, 4 GiB)" },
	};

	RUN_BAD(&self->d, t);
}

/*
 * The order of the checks: size, then flags and __reserved, then the id,
 * then the range. Ids that are not a paging HWPT (bogus, the IOAS, the
 * device, the mock device object) with otherwise invalid arguments show
 * which check comes first.
 */
TEST_F(uapi, check_order)
{
	uint32_t ids[] = { BOGUS_ID, self->d.t.ioas_id, self->d.t.dev_id,
			   self->d.t.md.stdev_id };
	unsigned int n = self->d.t.mock ? 4 : 3, i;
	uint64_t bm[4] = { 0 };

	ASSERT_EQ(0, dirty_some(&self->d));
	for (i = 0; i < n; i++) {
		struct iommu_hwpt_get_dirty_bitmap g = get_cmd(&self->d, bm);
		struct iommu_hwpt_set_dirty_tracking s = {
			.size = sizeof(s),
			.hwpt_id = ids[i],
		};

		TH_LOG("id %u", ids[i]);
		g.hwpt_id = ids[i];
		/* plain: ENOENT */
		IOD_ASSERT_ERR(ENOENT, iod_get_dirty_bitmap_raw(self->d.t.fd,
								&g));
		IOD_ASSERT_ERR(ENOENT, iod_set_dirty_tracking_raw(self->d.t.fd,
								  &s));
		/* the id before the range: length 0, page_size 0 */
		g.length = 0;
		g.page_size = 0;
		IOD_ASSERT_ERR(ENOENT, iod_get_dirty_bitmap_raw(self->d.t.fd,
								&g));
		/* flags and __reserved before the id */
		g.flags = 1u << 7;
		IOD_ASSERT_ERR(EOPNOTSUPP,
			       iod_get_dirty_bitmap_raw(self->d.t.fd, &g));
		g.flags = 0;
		g.__reserved = 1;
		IOD_ASSERT_ERR(EOPNOTSUPP,
			       iod_get_dirty_bitmap_raw(self->d.t.fd, &g));
		s.flags = 1u << 7;
		IOD_ASSERT_ERR(EOPNOTSUPP,
			       iod_set_dirty_tracking_raw(self->d.t.fd, &s));
		/* size before everything */
		g.size = 40;
		IOD_ASSERT_ERR(EINVAL, iod_get_dirty_bitmap_raw(self->d.t.fd,
								&g));
		s.size = 12;
		IOD_ASSERT_ERR(EINVAL, iod_set_dirty_tracking_raw(self->d.t.fd,
								  &s));
	}
	/* On the dirty HWPT itself, the range comes after flags. */
	{
		struct iommu_hwpt_get_dirty_bitmap g = get_cmd(&self->d, bm);

		g.length = 0;
		g.flags = 1u << 5;
		IOD_ASSERT_ERR(EOPNOTSUPP,
			       iod_get_dirty_bitmap_raw(self->d.t.fd, &g));
		g.flags = 0;
		IOD_ASSERT_ERR(EINVAL, iod_get_dirty_bitmap_raw(self->d.t.fd,
								&g));
	}
	ASSERT_TRACKING(&self->d, 1);
}

/* Ids are per iommufd: the dirty HWPT's id in another iommufd is ENOENT. */
TEST_F(uapi, id_of_other_iommufd)
{
	uint64_t bm[4] = { 0 };
	int fd2 = iod_iommufd_open();
	uint32_t ioas2;
	unsigned int i;

	ASSERT_LE(0, fd2);
	/*
	 * Fill the other iommufd's id space past the HWPT's id with IOASes,
	 * so an id that leaked across would find an object there.
	 */
	for (i = 0; i <= self->d.hwpt_id; i++)
		ASSERT_EQ(0, iod_ioas_alloc(fd2, &ioas2));
	ASSERT_EQ(0, dirty_some(&self->d));
	IOD_ASSERT_ERR(ENOENT, iod_set_dirty_tracking(fd2, self->d.hwpt_id,
						      false));
	IOD_ASSERT_ERR(ENOENT, iod_get_dirty_bitmap(fd2, self->d.hwpt_id,
						    self->d.iova, self->d.len,
						    self->d.leaf, bm, 0));
	close(fd2);
	ASSERT_INTACT(&self->d);
	ASSERT_TRACKING(&self->d, 1);
}

/*
 * A nested HWPT is not a paging HWPT: ENOENT for both, even when its
 * parent tracks (NEST_PARENT | DIRTY_TRACKING). The parent still works.
 * Needs the mock's selftest nested data type.
 */
TEST_F(uapi, nested_hwpt_id)
{
	struct iommu_hwpt_selftest data = { .iotlb = IOMMU_TEST_IOTLB_DEFAULT };
	struct iommu_hwpt_alloc na = {
		.size = sizeof(na),
		.dev_id = self->d.t.dev_id,
		.data_type = IOMMU_HWPT_DATA_SELFTEST,
		.data_len = sizeof(data),
		.data_uptr = (uintptr_t)&data,
	};
	const char *type = iod_profile_enum(iod_env.profile, "hw_info.type");
	uint64_t bm[4] = { 0 };
	uint32_t parent;

	if (!type || strcmp(type, "selftest"))
		SKIP(return, "nested HWPTs here need the mock's selftest data type (hw_info.type = %s)",
		     type ? type : "unset");
	if (iod_expect("alloc.dirty_nest_parent"))
		SKIP(return, "the profile says alloc.dirty_nest_parent = %s",
		     iod_errno_name(iod_expect("alloc.dirty_nest_parent")));
	ASSERT_EQ(0, iod_hwpt_alloc(self->d.t.fd, self->d.t.dev_id,
				    self->d.t.ioas_id,
				    IOMMU_HWPT_ALLOC_NEST_PARENT |
				    IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &parent));
	na.pt_id = parent;
	ASSERT_EQ(0, iod_hwpt_alloc_raw(self->d.t.fd, &na));
	IOD_ASSERT_ERR(0, iod_set_dirty_tracking(self->d.t.fd, parent, true));
	IOD_ASSERT_ERR(ENOENT, iod_set_dirty_tracking(self->d.t.fd,
						      na.out_hwpt_id, true));
	IOD_ASSERT_ERR(ENOENT, iod_set_dirty_tracking(self->d.t.fd,
						      na.out_hwpt_id, false));
	IOD_ASSERT_ERR(ENOENT, iod_get_dirty_bitmap(self->d.t.fd,
						    na.out_hwpt_id,
						    self->d.iova, self->d.len,
						    self->d.len, bm, 0));
	IOD_ASSERT_ERR(0, iod_get_dirty_bitmap(self->d.t.fd, parent,
					       self->d.iova, self->d.len,
					       self->d.len, bm, 0));
	ASSERT_EQ(0, bm[0]);
	ASSERT_EQ(0, iod_destroy(self->d.t.fd, na.out_hwpt_id));
	ASSERT_EQ(0, iod_destroy(self->d.t.fd, parent));
}

/* The profile's outcome for a bitmap the kernel cannot write. */
static const char *unpinnable(void)
{
	return iod_profile_enum(iod_env.profile, "dirty.unpinnable_bitmap");
}

static int unpinnable_errno(const char *how)
{
	if (!strcmp(how, "enomem"))
		return ENOMEM;
	if (!strcmp(how, "efault"))
		return EFAULT;
	return 0;
}

/*
 * GET with data = NULL over dirty leaves: as the profile says. "dropped":
 * rc 0, no splat, and the dirty state is cleared all the same (the next
 * harvest is empty).
 */
TEST_F(uapi, null_data)
{
	const char *how = unpinnable();

	if (!how)
		SKIP(return, "profile does not state dirty.unpinnable_bitmap");
	ASSERT_EQ(0, dirty_some(&self->d));
	IOD_ASSERT_ERR(unpinnable_errno(how),
		       iod_get_dirty_bitmap(self->d.t.fd, self->d.hwpt_id,
					    self->d.iova, self->d.len,
					    self->d.leaf, NULL, 0));
	if (strcmp(how, "dropped"))
		return;
	iod_fp_reset(&self->d.fp);
	ASSERT_INTACT(&self->d);
	/* Tracking goes on: the next writes are reported. */
	ASSERT_EQ(0, dirty_some(&self->d));
	ASSERT_INTACT(&self->d);
}

/*
 * GET with data = NULL and NO_CLEAR: "dropped" gives rc 0 and the dirty
 * state stays, so the next harvest reports every write.
 */
TEST_F(uapi, null_data_no_clear)
{
	const char *how = unpinnable();

	if (!how)
		SKIP(return, "profile does not state dirty.unpinnable_bitmap");
	ASSERT_EQ(0, dirty_some(&self->d));
	IOD_ASSERT_ERR(unpinnable_errno(how),
		       iod_get_dirty_bitmap(self->d.t.fd, self->d.hwpt_id,
					    self->d.iova, self->d.len,
					    self->d.leaf, NULL,
					    IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR));
	if (strcmp(how, "dropped"))
		return;
	ASSERT_INTACT(&self->d);
}

/*
 * GET with data = NULL over a clean range: nothing to record, so
 * "dropped" (lazy pinning) never touches the pointer: rc 0.
 */
TEST_F(uapi, null_data_clean)
{
	const char *how = unpinnable();

	if (!how)
		SKIP(return, "profile does not state dirty.unpinnable_bitmap");
	IOD_ASSERT_ERR(unpinnable_errno(how),
		       iod_get_dirty_bitmap(self->d.t.fd, self->d.hwpt_id,
					    self->d.iova, self->d.len,
					    self->d.leaf, NULL, 0));
	ASSERT_TRACKING(&self->d, 1);
}

/* ---------------------------------------------------------------------- */
/*
 * page_size that is not a power of two. 6.12 checks only page_size != 0
 * and the mask test (iova | iova + length) & (page_size - 1); the bitmap
 * granule is then the lowest set bit of page_size (__ffs).
 */

FIXTURE(page_size_odd) {
	struct iod_dirty d;
};

FIXTURE_VARIANT(page_size_odd) {
	uint64_t page_size;
	uint64_t offset;	/* iova = buffer + offset */
	uint64_t length;
	int err;		/* expected errno, 0: accepted */
};

/* 12 KiB: mask 0x2fff; granule 4 KiB. 16 KiB ends clear of bit 13. */
FIXTURE_VARIANT_ADD(page_size_odd, ps12k_len16k) {
	.page_size = 0x3000, .offset = 0, .length = 16 * K, .err = 0,
};
/* 12 KiB: an end at +8 KiB has bit 13 set: EINVAL, though 8K < 12K. */
FIXTURE_VARIANT_ADD(page_size_odd, ps12k_len8k) {
	.page_size = 0x3000, .offset = 0, .length = 8 * K, .err = EINVAL,
};
/* 12 KiB: iova + 8 KiB has bit 13 set: EINVAL. */
FIXTURE_VARIANT_ADD(page_size_odd, ps12k_iova8k) {
	.page_size = 0x3000, .offset = 8 * K, .length = 16 * K,
	.err = EINVAL,
};
/* 12 KiB: a 4 KiB range is accepted, one bit. */
FIXTURE_VARIANT_ADD(page_size_odd, ps12k_len4k) {
	.page_size = 0x3000, .offset = 0, .length = 4 * K, .err = 0,
};
/* 6 KiB: mask 0x17ff; granule 2 KiB. */
FIXTURE_VARIANT_ADD(page_size_odd, ps6k_len16k) {
	.page_size = 0x1800, .offset = 0, .length = 16 * K, .err = 0,
};
/* 3: mask 2, so any even range passes; granule 1 byte. */
FIXTURE_VARIANT_ADD(page_size_odd, ps3_len4k) {
	.page_size = 3, .offset = 0, .length = 4 * K, .err = 0,
};
/* 2^63 + 2 KiB: mask 2^63 | 0x7ff; granule 2 KiB. */
FIXTURE_VARIANT_ADD(page_size_odd, ps2p63_plus_2k) {
	.page_size = (1ull << 63) | 2048, .offset = 0, .length = 64 * K,
	.err = 0,
};
/* U64_MAX: mask U64_MAX - 1 leaves only iova 0 and 1: EINVAL here. */
FIXTURE_VARIANT_ADD(page_size_odd, ps_u64_max) {
	.page_size = UINT64_MAX, .offset = 0, .length = 64 * K,
	.err = EINVAL,
};

FIXTURE_SETUP(page_size_odd)
{
	struct iod_dirty_opts o = { .buf_len = BUF_LEN, .enable = true };

	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(page_size_odd)
{
	iod_dirty_teardown(&self->d);
}

TEST_F(page_size_odd, result)
{
	unsigned int shift = __builtin_ctzll(variant->page_size);
	uint64_t iova = self->d.iova + variant->offset;
	struct iod_bitmap_buf b;
	char rep[256] = "";
	int64_t wrong;

	ASSERT_EQ(0, iod_bitmap_buf_alloc(&b, bytes_of(variant->length, shift),
					  0, 0));
	ASSERT_EQ(0, dirty_some(&self->d));
	TH_LOG("page_size 0x%llx (granule %llu bytes), iova buffer + 0x%llx, length 0x%llx",
	       (unsigned long long)variant->page_size, 1ull << shift,
	       (unsigned long long)variant->offset,
	       (unsigned long long)variant->length);
	IOD_ASSERT_ERR(variant->err,
		       iod_get_dirty_bitmap(self->d.t.fd, self->d.hwpt_id,
					    iova, variant->length,
					    variant->page_size, b.data, 0));
	if (variant->err) {
		ASSERT_TRUE(bitmap_untouched(&b));
		iod_bitmap_buf_free(&b);
		ASSERT_INTACT(&self->d);
		return;
	}
	wrong = check_shift(&self->d.fp, iova, variant->length, shift, &b,
			    rep, sizeof(rep));
	ASSERT_EQ(0, wrong) TH_LOG("%s", rep);
	/* The range held dirty leaves: the check is not vacuous. */
	ASSERT_NE(0, b.data[0]);
	iod_bitmap_buf_free(&b);
	/* What the harvest covered is clean now, the rest is not. */
	ASSERT_EQ(0, iod_fp_clear(&self->d.fp, iova, variant->length));
	ASSERT_INTACT(&self->d);
}

/* ---------------------------------------------------------------------- */
/*
 * page_size 1 << 32 .. 1 << 63 with iova and length aligned to it: the
 * shifts in iova_bitmap must not overflow (e24c15510592, "iova_bitmap: Fix
 * shift-out-of-bounds in iova_bitmap_offset_to_index()"; a UBSAN splat
 * fails the program). Such ranges start at 0 or at a multiple of 4 GiB,
 * where nothing is mapped: with dirty.hole = stops the harvest is rc 0,
 * no bit, nothing cleared.
 */

FIXTURE(page_size_huge) {
	struct iod_dirty d;
};

FIXTURE_VARIANT(page_size_huge) {
	unsigned int shift;
};

#define PSH(n) \
	FIXTURE_VARIANT_ADD(page_size_huge, shift##n) { .shift = n }
PSH(32); PSH(33); PSH(34); PSH(35); PSH(36); PSH(37); PSH(38); PSH(39);
PSH(40); PSH(41); PSH(42); PSH(43); PSH(44); PSH(45); PSH(46); PSH(47);
PSH(48); PSH(49); PSH(50); PSH(51); PSH(52); PSH(53); PSH(54); PSH(55);
PSH(56); PSH(57); PSH(58); PSH(59); PSH(60); PSH(61); PSH(62); PSH(63);

FIXTURE_SETUP(page_size_huge)
{
	struct iod_dirty_opts o = { .buf_len = 64 * K, .enable = true };

	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(page_size_huge)
{
	iod_dirty_teardown(&self->d);
}

TEST_F(page_size_huge, aligned_ranges)
{
	uint64_t ps = 1ull << variant->shift;
	struct {
		uint64_t iova, length;
		const char *what;
	} r[5];
	unsigned int n = 0, i;
	struct iod_bitmap_buf b;
	char rep[256] = "";

	r[n++] = (typeof(r[0])){ 0, ps, "[0, ps)" };
	r[n++] = (typeof(r[0])){ ps, ps, "[ps, 2 ps)" };
	if (variant->shift < 63) {
		r[n++] = (typeof(r[0])){ 0, 2 * ps, "[0, 2 ps)" };
		r[n++] = (typeof(r[0])){ 0 - ps, ps, "[2^64 - ps, 2^64)" };
	}
	/* Up to 2^64 - ps from 0: 2^(64 - shift) - 1 bits. */
	if (variant->shift >= 48)
		r[n++] = (typeof(r[0])){ 0, 0 - ps, "[0, 2^64 - ps)" };

	ASSERT_EQ(0, iod_bitmap_buf_alloc(&b, 8192, 0, 0));
	for (i = 0; i < n; i++) {
		uint64_t last = r[i].iova + r[i].length - 1;
		bool covers = r[i].iova <= self->d.iova &&
			      last >= self->d.iova + self->d.len - 1;
		int64_t wrong;

		ASSERT_GE(b.bytes, bytes_of(r[i].length, variant->shift));
		ASSERT_EQ(0, dirty_some(&self->d));
		iod_bitmap_buf_zero(&b);
		TH_LOG("page_size 1 << %u, %s", variant->shift, r[i].what);
		IOD_ASSERT_ERR(0, iod_get_dirty_bitmap(self->d.t.fd,
						       self->d.hwpt_id,
						       r[i].iova, r[i].length,
						       ps, b.data, 0));
		if (hole_stops() && r[i].iova < self->d.iova) {
			/* Starts in a hole: nothing reported or cleared. */
			ASSERT_TRUE(bitmap_untouched(&b));
			continue;
		}
		wrong = check_shift(&self->d.fp, r[i].iova, r[i].length,
				    variant->shift, &b, rep, sizeof(rep));
		ASSERT_EQ(0, wrong) TH_LOG("%s", rep);
		if (covers)
			iod_fp_reset(&self->d.fp);
	}
	iod_bitmap_buf_free(&b);
	ASSERT_INTACT(&self->d);
}

IOD_HARNESS_MAIN
