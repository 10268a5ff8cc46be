// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_GET_HW_INFO conformance: the data type and capabilities the profile
 * states, and the kernel's size, trailing-byte, flag and id rules.
 */
#include <stdint.h>
#include <string.h>

#include "harness/iod_test.h"
#include "harness/rules.h"
#include "uapi/iommufd.h"
#include "harness/target.h"
#include "util.h"

/* Bits of the VT-d extended capability register (VT-d spec 11.4.3). */
#define VTD_ECAP_SMTS	(1ull << 43)
#define VTD_ECAP_SLADS	(1ull << 45)
#define VTD_ECAP_SMPWC	(1ull << 48)

/* The IOMMU_HW_INFO_TYPE_* the profile's hw_info.type names. */
static uint32_t profile_hw_info_type(void)
{
	static const struct { const char *name; uint32_t v; } map[] = {
		{ "none", IOMMU_HW_INFO_TYPE_NONE },
		{ "intel_vtd", IOMMU_HW_INFO_TYPE_INTEL_VTD },
		{ "arm_smmuv3", 2 },
		{ "amd", 4 },
		{ "selftest", IOMMU_HW_INFO_TYPE_SELFTEST },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (iod_rule_is("hw_info.type", map[i].name))
			return map[i].v;
	return UINT32_MAX;
}

FIXTURE(hw_info) {
	struct iod_target t;
};

FIXTURE_SETUP(hw_info)
{
	IOD_TARGET_OPEN(&self->t);
}

FIXTURE_TEARDOWN(hw_info)
{
	iod_target_close(&self->t);
}

/* The data type and the dirty capability are what the profile states. */
TEST_F(hw_info, type_and_dirty_capability)
{
	uint64_t caps = ~0ull;
	uint32_t type = ~0u;

	ASSERT_EQ(0, iod_get_hw_info(self->t.fd, self->t.dev_id, NULL, 0,
				     &type, &caps, NULL));
	EXPECT_EQ(profile_hw_info_type(), type)
		TH_LOG("profile says hw_info.type = %s",
		       iod_rule("hw_info.type", "unset"));
	EXPECT_EQ(iod_rule_is("cap.dirty_tracking", "required"),
		  !!(caps & IOMMU_HW_CAP_DIRTY_TRACKING))
		TH_LOG("profile says cap.dirty_tracking = %s, out_capabilities = 0x%llx",
		       iod_rule("cap.dirty_tracking", "unset"),
		       (unsigned long long)caps);
	/* Only capability bits the uAPI defines may be set. */
	EXPECT_EQ(0, caps & ~(uint64_t)(IOMMU_HW_CAP_DIRTY_TRACKING |
				       IOMMU_HW_CAP_PCI_PASID_EXEC |
				       IOMMU_HW_CAP_PCI_PASID_PRIV));
}

/*
 * Where the data is VT-d registers, the dirty capability must agree with
 * them: second-stage A/D (SLADS) in scalable mode (SMTS) with coherent
 * paging-structure walks (SMPWC; the kernel refuses dirty tracking without
 * it since 57f55048e564).
 */
TEST_F(hw_info, vtd_registers_agree_with_capability)
{
	struct iommu_hw_info_vtd vtd;
	uint32_t type, len;
	uint64_t caps, need = VTD_ECAP_SMTS | VTD_ECAP_SLADS | VTD_ECAP_SMPWC;

	memset(&vtd, 0, sizeof(vtd));
	ASSERT_EQ(0, iod_get_hw_info(self->t.fd, self->t.dev_id, &vtd,
				     sizeof(vtd), &type, &caps, &len));
	if (type != IOMMU_HW_INFO_TYPE_INTEL_VTD)
		SKIP(return, "the IOMMU reports hw_info type 0x%x, not VT-d registers", type);
	ASSERT_EQ(sizeof(vtd), len);
	EXPECT_EQ((vtd.ecap_reg & need) == need,
		  !!(caps & IOMMU_HW_CAP_DIRTY_TRACKING))
		TH_LOG("ecap 0x%llx (SMTS %d SLADS %d SMPWC %d), capabilities 0x%llx",
		       (unsigned long long)vtd.ecap_reg,
		       !!(vtd.ecap_reg & VTD_ECAP_SMTS),
		       !!(vtd.ecap_reg & VTD_ECAP_SLADS),
		       !!(vtd.ecap_reg & VTD_ECAP_SMPWC),
		       (unsigned long long)caps);
}

/* The selftest IOMMU's data carries its fixed register value. */
TEST_F(hw_info, selftest_data)
{
	struct iommu_test_hw_info data = { 0 };
	uint32_t type, len;

	ASSERT_EQ(0, iod_get_hw_info(self->t.fd, self->t.dev_id, &data,
				     sizeof(data), &type, NULL, &len));
	if (type != IOMMU_HW_INFO_TYPE_SELFTEST)
		SKIP(return, "the IOMMU reports hw_info type 0x%x, not the selftest type", type);
	EXPECT_EQ(sizeof(data), len);
	EXPECT_EQ(IOMMU_HW_INFO_SELFTEST_REGVAL, data.test_reg);
}

/* A size below the last mandatory field (__reserved, 32 bytes) is EINVAL. */
TEST_F(hw_info, short_size)
{
	struct iommu_hw_info cmd = { .dev_id = self->t.dev_id };
	uint32_t min = offsetof(struct iommu_hw_info, out_capabilities);

	IOD_ASSERT_ERR(EINVAL, iod_ioctl_sized(self->t.fd, IOMMU_GET_HW_INFO,
					       &cmd, min - 1));
	IOD_ASSERT_ERR(EINVAL, iod_ioctl_sized(self->t.fd, IOMMU_GET_HW_INFO,
					       &cmd, 4));
	/* The 6.6 layout (no out_capabilities) is still accepted. */
	IOD_ASSERT_ERR(0, iod_ioctl_sized(self->t.fd, IOMMU_GET_HW_INFO,
					  &cmd, min));
}

/* Unknown trailing bytes must be zero: non-zero is E2BIG, zero is fine. */
TEST_F(hw_info, trailing_bytes)
{
	struct {
		struct iommu_hw_info cmd;
		uint64_t tail[2];
	} big;

	memset(&big, 0, sizeof(big));
	big.cmd.dev_id = self->t.dev_id;
	IOD_ASSERT_ERR(0, iod_ioctl_sized(self->t.fd, IOMMU_GET_HW_INFO,
					  &big, sizeof(big)));
	big.tail[1] = 1;
	IOD_ASSERT_ERR(E2BIG, iod_ioctl_sized(self->t.fd, IOMMU_GET_HW_INFO,
					      &big, sizeof(big)));
}

/* Non-zero flags or __reserved are EOPNOTSUPP. */
TEST_F(hw_info, flags_and_reserved)
{
	struct iommu_hw_info cmd = {
		.size = sizeof(cmd),
		.dev_id = self->t.dev_id,
		.flags = 1,
	};

	IOD_ASSERT_ERR(EOPNOTSUPP, iod_get_hw_info_raw(self->t.fd, &cmd));
	cmd.flags = 0;
	cmd.__reserved[2] = 1;
	IOD_ASSERT_ERR(EOPNOTSUPP, iod_get_hw_info_raw(self->t.fd, &cmd));
}

/* dev_id must name a device object: a bogus id or an IOAS id is ENOENT. */
TEST_F(hw_info, bad_dev_id)
{
	IOD_ASSERT_ERR(ENOENT, iod_get_hw_info(self->t.fd, 0x7fffffff, NULL, 0,
					       NULL, NULL, NULL));
	IOD_ASSERT_ERR(ENOENT, iod_get_hw_info(self->t.fd, self->t.ioas_id,
					       NULL, 0, NULL, NULL, NULL));
}

/*
 * data_len in/out: with no buffer the kernel reports its data length; a
 * larger buffer gets the data and a zeroed tail, and data_len comes back as
 * the kernel's length.
 */
TEST_F(hw_info, data_len_larger_buffer)
{
	uint8_t full[256];
	uint32_t klen = ~0u, len, i;

	ASSERT_EQ(0, iod_get_hw_info(self->t.fd, self->t.dev_id, NULL, 0,
				     NULL, NULL, &klen));
	ASSERT_LE(klen, sizeof(full));
	memset(full, 0xa5, sizeof(full));
	ASSERT_EQ(0, iod_get_hw_info(self->t.fd, self->t.dev_id, full,
				     sizeof(full), NULL, NULL, &len));
	EXPECT_EQ(klen, len);
	for (i = klen; i < sizeof(full); i++)
		ASSERT_EQ(0, full[i]) TH_LOG("byte %u past the data not zeroed", i);
}

/*
 * A buffer smaller than the kernel's data gets a truncated copy, the bytes
 * past data_len untouched, and data_len comes back as the kernel's length.
 */
TEST_F(hw_info, data_len_truncated)
{
	uint8_t full[256], small[256];
	uint32_t klen = ~0u, len, i;

	ASSERT_EQ(0, iod_get_hw_info(self->t.fd, self->t.dev_id, full,
				     sizeof(full), NULL, NULL, &klen));
	if (klen < 2)
		SKIP(return, "the IOMMU reports %u bytes of hw_info data: nothing to truncate", klen);
	memset(small, 0x5a, sizeof(small));
	ASSERT_EQ(0, iod_get_hw_info(self->t.fd, self->t.dev_id, small,
				     klen / 2, NULL, NULL, &len));
	EXPECT_EQ(klen, len);
	EXPECT_EQ(0, memcmp(small, full, klen / 2));
	for (i = klen / 2; i < sizeof(small); i++)
		ASSERT_EQ(0x5a, small[i]) TH_LOG("byte %u past data_len written", i);
}

/* An iommufd ioctl number the kernel does not know is ENOTTY. */
TEST_F(hw_info, unknown_ioctl)
{
	uint32_t buf[16] = { sizeof(buf) };

	IOD_ASSERT_ERR(ENOTTY, iod_ioctl(self->t.fd, _IO(IOMMUFD_TYPE, 0xbf),
					 buf));
}

IOD_HARNESS_MAIN
