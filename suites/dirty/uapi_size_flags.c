// SPDX-License-Identifier: GPL-2.0
/*
 * Negative uAPI of IOMMU_HWPT_SET_DIRTY_TRACKING and
 * IOMMU_HWPT_GET_DIRTY_BITMAP on a HWPT that can track: argument sizes
 * (short, long with zero or non-zero tail), unknown flag bits and
 * __reserved. A rejected call must change nothing: the dirty state and the
 * tracking state are checked after it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/iod_test.h"
#include "model/harvest_range.h"
#include "uapi/iommufd.h"
#include "harness/uapi_bench.h"

#define RAW_LEN 4096

/* the bench: a dirty HWPT with tracking on and a 256 KiB buffer */

FIXTURE(uapi_size_flags) {
	struct iod_dirty d;
	uint8_t raw[RAW_LEN];
};

FIXTURE_SETUP(uapi_size_flags)
{
	struct iod_dirty_opts o = {
		.buf_len = IOD_UAPI_BUF_LEN, .enable = true,
	};

	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(uapi_size_flags)
{
	iod_dirty_teardown(&self->d);
}

/* SET: an argument shorter than 16 bytes is EINVAL and does nothing. */
TEST_F(uapi_size_flags, set_size_short)
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
	IOD_ASSERT_TRACKING(&self->d, 1);
}

/* SET: a longer argument whose extra bytes are zero is accepted. */
TEST_F(uapi_size_flags, set_size_long_zero_tail)
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
		/* Off can be seen only where a harvest is then empty. */
		if (iod_rule_is("dirty.get_while_disabled", "empty"))
			IOD_ASSERT_TRACKING(&self->d, 0);
		cmd->flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
		IOD_ASSERT_ERR(0, iod_ioctl_sized(self->d.t.fd,
						  IOMMU_HWPT_SET_DIRTY_TRACKING,
						  self->raw, sizes[i]));
		IOD_ASSERT_TRACKING(&self->d, 1);
	}
}

/* SET: a non-zero byte past the known struct is E2BIG and does nothing. */
TEST_F(uapi_size_flags, set_size_long_nonzero_tail)
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
	IOD_ASSERT_TRACKING(&self->d, 1);
}

/* SET: every flag bit but ENABLE is EOPNOTSUPP, alone or with ENABLE. */
TEST_F(uapi_size_flags, set_unknown_flag_bits)
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
	IOD_ASSERT_TRACKING(&self->d, 1);
}

/* SET: a non-zero __reserved is ignored or rejected as the profile says. */
TEST_F(uapi_size_flags, set_reserved)
{
	static const uint32_t vals[] = { 1, 0x80000000u, 0xffffffffu };
	unsigned int i;

	IOD_NEED_RULE("dirty.set_reserved");
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		struct iommu_hwpt_set_dirty_tracking cmd = {
			.size = sizeof(cmd),
			.hwpt_id = self->d.hwpt_id,
			.__reserved = vals[i],
		};

		TH_LOG("__reserved 0x%x, profile: %s", vals[i],
		       iod_rule("dirty.set_reserved", NULL));
		if (iod_rule_is("dirty.set_reserved", "rejected")) {
			IOD_ASSERT_ERR(EOPNOTSUPP,
				       iod_set_dirty_tracking_raw(self->d.t.fd,
								  &cmd));
			IOD_ASSERT_TRACKING(&self->d, 1);
			continue;
		}
		/* ignored: the call does what its flags say */
		IOD_ASSERT_ERR(0, iod_set_dirty_tracking_raw(self->d.t.fd,
							     &cmd));
		/* Off can be seen only where a harvest is then empty. */
		if (iod_rule_is("dirty.get_while_disabled", "empty"))
			IOD_ASSERT_TRACKING(&self->d, 0);
		cmd.flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
		IOD_ASSERT_ERR(0, iod_set_dirty_tracking_raw(self->d.t.fd,
							     &cmd));
		IOD_ASSERT_TRACKING(&self->d, 1);
	}
}

/* GET: an argument shorter than 48 bytes is EINVAL and clears nothing. */
TEST_F(uapi_size_flags, get_size_short)
{
	static const uint32_t sizes[] = { 0, 8, 16, 32, 40, 44, 47 };
	uint8_t bm[IOD_UAPI_BUF_LEN / 2048 / 8 + 8];
	struct iommu_hwpt_get_dirty_bitmap cmd = iod_uapi_get_cmd(&self->d, bm);
	unsigned int i;

	ASSERT_EQ(0, iod_uapi_dirty_some(&self->d));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		TH_LOG("size %u", sizes[i]);
		memset(self->raw, 0, sizeof(self->raw));
		memcpy(self->raw, &cmd, sizeof(cmd));
		IOD_ASSERT_ERR(EINVAL, iod_ioctl_sized(self->d.t.fd,
						       IOMMU_HWPT_GET_DIRTY_BITMAP,
						       self->raw, sizes[i]));
	}
	IOD_ASSERT_INTACT(&self->d);
}

/* GET: a longer argument whose extra bytes are zero harvests normally. */
TEST_F(uapi_size_flags, get_size_long_zero_tail)
{
	static const uint32_t sizes[] = { 49, 56, 64, RAW_LEN };
	struct iod_bitmap_buf b;
	unsigned int shift = __builtin_ctzll(self->d.leaf), i;
	char rep[256] = "";

	ASSERT_EQ(0, iod_bitmap_buf_alloc(&b,
					  iod_range_bytes(self->d.len, shift),
					  0, 0));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct iommu_hwpt_get_dirty_bitmap cmd =
			iod_uapi_get_cmd(&self->d, b.data);
		int64_t wrong;

		TH_LOG("size %u", sizes[i]);
		ASSERT_EQ(0, iod_uapi_dirty_some(&self->d));
		iod_bitmap_buf_zero(&b);
		memset(self->raw, 0, sizeof(self->raw));
		memcpy(self->raw, &cmd, sizeof(cmd));
		IOD_ASSERT_ERR(0, iod_ioctl_sized(self->d.t.fd,
						  IOMMU_HWPT_GET_DIRTY_BITMAP,
						  self->raw, sizes[i]));
		wrong = iod_bitmap_check(&self->d.fp, self->d.iova,
					 self->d.len, self->d.leaf, 0, &b, rep,
					 sizeof(rep));
		ASSERT_EQ(0, wrong) TH_LOG("%s", rep);
		iod_fp_reset(&self->d.fp);
	}
	iod_bitmap_buf_free(&b);
	IOD_ASSERT_INTACT(&self->d);
}

/* GET: a non-zero byte past the known struct is E2BIG and clears nothing. */
TEST_F(uapi_size_flags, get_size_long_nonzero_tail)
{
	static const uint32_t pos[][2] = {	/* size, non-zero byte */
		{ 49, 48 }, { 56, 48 }, { 56, 55 }, { 64, 60 },
		{ RAW_LEN, RAW_LEN - 1 },
	};
	struct iod_bitmap_buf b;
	unsigned int i;

	ASSERT_EQ(0, iod_uapi_dirty_some_bitmap(&self->d, &b));
	for (i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
		struct iommu_hwpt_get_dirty_bitmap cmd =
			iod_uapi_get_cmd(&self->d, b.data);

		TH_LOG("size %u, byte %u = 0x01", pos[i][0], pos[i][1]);
		memset(self->raw, 0, sizeof(self->raw));
		memcpy(self->raw, &cmd, sizeof(cmd));
		self->raw[pos[i][1]] = 1;
		IOD_ASSERT_ERR(E2BIG, iod_ioctl_sized(self->d.t.fd,
						      IOMMU_HWPT_GET_DIRTY_BITMAP,
						      self->raw, pos[i][0]));
		ASSERT_TRUE(iod_bitmap_untouched(&b));
	}
	iod_bitmap_buf_free(&b);
	IOD_ASSERT_INTACT(&self->d);
}

/* GET: every flag bit but NO_CLEAR is EOPNOTSUPP, alone or with NO_CLEAR. */
TEST_F(uapi_size_flags, get_unknown_flag_bits)
{
	struct iod_bitmap_buf b;
	unsigned int bit;

	ASSERT_EQ(0, iod_uapi_dirty_some_bitmap(&self->d, &b));
	for (bit = 1; bit < 32; bit++) {
		struct iommu_hwpt_get_dirty_bitmap cmd =
			iod_uapi_get_cmd(&self->d, b.data);
		int alone, both;

		cmd.flags = 1u << bit;
		alone = iod_get_dirty_bitmap_raw(self->d.t.fd, &cmd);
		cmd.flags |= IOD_NO_CLEAR;
		both = iod_get_dirty_bitmap_raw(self->d.t.fd, &cmd);
		if (alone != -EOPNOTSUPP || both != -EOPNOTSUPP)
			TH_LOG("flag bit %u: alone %s, with NO_CLEAR %s", bit,
			       iod_errno_name(-alone), iod_errno_name(-both));
		IOD_ASSERT_ERR(EOPNOTSUPP, alone);
		IOD_ASSERT_ERR(EOPNOTSUPP, both);
		ASSERT_TRUE(iod_bitmap_untouched(&b));
	}
	iod_bitmap_buf_free(&b);
	IOD_ASSERT_INTACT(&self->d);
}

/* GET: a non-zero __reserved is EOPNOTSUPP and clears nothing. */
TEST_F(uapi_size_flags, get_reserved)
{
	static const uint32_t vals[] = { 1, 0x80000000u, 0xffffffffu };
	struct iod_bitmap_buf b;
	unsigned int i;

	ASSERT_EQ(0, iod_uapi_dirty_some_bitmap(&self->d, &b));
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		struct iommu_hwpt_get_dirty_bitmap cmd =
			iod_uapi_get_cmd(&self->d, b.data);

		TH_LOG("__reserved 0x%x", vals[i]);
		cmd.__reserved = vals[i];
		IOD_ASSERT_ERR(EOPNOTSUPP,
			       iod_get_dirty_bitmap_raw(self->d.t.fd, &cmd));
		ASSERT_TRUE(iod_bitmap_untouched(&b));
	}
	iod_bitmap_buf_free(&b);
	IOD_ASSERT_INTACT(&self->d);
}

IOD_HARNESS_MAIN
