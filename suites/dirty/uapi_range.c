// SPDX-License-Identifier: GPL-2.0
/*
 * Negative uAPI of IOMMU_HWPT_GET_DIRTY_BITMAP on a HWPT that can track:
 * the range rules (length 0, u64 wrap, a range ending at 2^64, IOAS
 * alignment, page_size alignment, page_size 0). A rejected call must
 * change nothing: the bitmap and the dirty state are checked after it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/iod_test.h"
#include "model/harvest_range.h"
#include "uapi/iommufd.h"
#include "harness/uapi_bench.h"
#include "util.h"

/* the bench: a dirty HWPT with tracking on and a 256 KiB buffer */
IOD_UAPI_FIXTURE(uapi_range);

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
	struct iommu_hwpt_get_dirty_bitmap cmd = iod_uapi_get_cmd(d, b->data);

	cmd.iova = r->rel ? d->iova + r->iova : r->iova;
	cmd.length = r->length;
	cmd.page_size = r->page_size;
	return iod_get_dirty_bitmap_raw(d->t.fd, &cmd);
}

#define RUN_BAD(d, table) do { \
	struct iod_bitmap_buf __b; \
	unsigned int __i; \
	ASSERT_EQ(0, iod_uapi_dirty_some_bitmap((d), &__b)); \
	for (__i = 0; __i < sizeof(table) / sizeof(table[0]); __i++) { \
		const struct bad_range *__r = &(table)[__i]; \
		TH_LOG("%s: iova %s0x%llx length 0x%llx page_size 0x%llx", \
		       __r->what, __r->rel ? "buffer + " : "", \
		       (unsigned long long)__r->iova, \
		       (unsigned long long)__r->length, \
		       (unsigned long long)__r->page_size); \
		IOD_ASSERT_ERR(__r->err, run_bad(d, __r, &__b)); \
		ASSERT_TRUE(iod_bitmap_untouched(&__b)); \
	} \
	iod_bitmap_buf_free(&__b); \
	IOD_ASSERT_INTACT(d); \
} while (0)

/* GET: length 0 is EINVAL, checked before the wrap and alignment rules. */
TEST_F(uapi_range, get_length_zero)
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
TEST_F(uapi_range, get_wrap)
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
TEST_F(uapi_range, get_ends_at_top)
{
	uint64_t a = ioas_alignment(&self->d);
	const uint64_t lens[] = { a, 2 * a, 1ull << 20, 1ull << 32 };
	unsigned int i;

	ASSERT_NE(0, a) TH_LOG("profile iova.alignment differs from the IOAS's out_iova_alignment (or is unset)");
	ASSERT_EQ(0, iod_uapi_dirty_some(&self->d));
	/* [2^64 - len, 2^64) at page size len: nothing reported. */
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		IOD_ASSERT_HARVEST_FP(&self->d, NULL,
				      IOD_HARVEST(0 - lens[i], lens[i],
						  lens[i], 0, .bytes = 8));
	IOD_ASSERT_INTACT(&self->d);
}

/*
 * GET: iova not aligned to the IOAS alignment is EINVAL. page_size 1
 * passes the page_size rule for any iova, so only the IOAS rule can fail.
 * Aligned to the IOAS but no more is accepted.
 */
TEST_F(uapi_range, get_iova_unaligned_to_ioas)
{
	uint64_t a = ioas_alignment(&self->d);
	struct iod_bitmap_buf b = { 0 };

	ASSERT_NE(0, a) TH_LOG("profile iova.alignment differs from the IOAS's out_iova_alignment (or is unset)");
	{
		const struct bad_range t[] = {
			{ a / 2, IOD_UAPI_BUF_LEN - a, 1, true, EINVAL,
			  "iova + a/2" },
			{ 1, IOD_UAPI_BUF_LEN - a, 1, true, EINVAL,
			  "iova + 1" },
			{ a - 1, IOD_UAPI_BUF_LEN - a, 1, true, EINVAL,
			  "iova + a - 1" },
		};

		RUN_BAD(&self->d, t);
	}
	ASSERT_EQ(0, iod_uapi_dirty_some(&self->d));
	ASSERT_EQ(0, iod_engine_touch(&self->d.engine, self->d.iova + a, 4,
				      &self->d.fp));
	IOD_ASSERT_HARVEST_INTO(&self->d, &self->d.fp,
				IOD_HARVEST(self->d.iova + a, a, a,
					    IOD_NO_CLEAR, .bytes = 8),
				&b);
	ASSERT_EQ(1, b.data[0]);
	iod_bitmap_buf_free(&b);
	IOD_ASSERT_INTACT(&self->d);
}

/* GET: iova + length not aligned to the IOAS alignment is EINVAL. */
TEST_F(uapi_range, get_length_unaligned_to_ioas)
{
	uint64_t a = ioas_alignment(&self->d);

	ASSERT_NE(0, a) TH_LOG("profile iova.alignment differs from the IOAS's out_iova_alignment (or is unset)");
	{
		const struct bad_range t[] = {
			{ 0, IOD_UAPI_BUF_LEN - a / 2, 1, true, EINVAL,
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
TEST_F(uapi_range, get_iova_unaligned_to_page_size)
{
	uint64_t a = ioas_alignment(&self->d);

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
	ASSERT_EQ(0, iod_uapi_dirty_some(&self->d));
	IOD_ASSERT_HARVEST_FP(&self->d, &self->d.fp,
			      IOD_HARVEST(self->d.iova + 2 * a, 4 * a, 2 * a,
					  IOD_NO_CLEAR, .bytes = 8));
	IOD_ASSERT_INTACT(&self->d);
}

/* GET: iova + length aligned to the IOAS but not to page_size is EINVAL. */
TEST_F(uapi_range, get_length_unaligned_to_page_size)
{
	uint64_t a = ioas_alignment(&self->d);

	ASSERT_NE(0, a);
	{
		const struct bad_range t[] = {
			{ 0, 3 * a, 2 * a, true, EINVAL, "length 3a, ps 2a" },
			{ 0, a, 2 * a, true, EINVAL, "length a, ps 2a" },
			{ 0, 64 * K + a, 64 * K, true, EINVAL,
			  "length 64K + a, ps 64K" },
			{ 0, IOD_UAPI_BUF_LEN, IOD_UAPI_BUF_LEN * 2, true,
			  EINVAL, "whole buffer, ps twice its length" },
		};

		RUN_BAD(&self->d, t);
	}
}

/* GET: page_size 0 is EINVAL (after the range rules pass). */
TEST_F(uapi_range, get_page_size_zero)
{
	const struct bad_range t[] = {
		{ 0, IOD_UAPI_BUF_LEN, 0, true, EINVAL, "whole buffer" },
		{ 0, 2048, 0, true, EINVAL, "first 2 KiB" },
		{ 0, 1ull << 32, 0, false, EINVAL, "[0, 4 GiB)" },
	};

	RUN_BAD(&self->d, t);
}

IOD_HARNESS_MAIN
