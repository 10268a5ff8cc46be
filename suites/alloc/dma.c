// SPDX-License-Identifier: GPL-2.0
/*
 * Translation sanity through a plain HWPT and through an automatic one:
 * device writes land at the mapped IOVA, are blocked once it is unmapped,
 * and land again after a re-map. With a real device (edu) this is real DMA;
 * on the mock, the mock domain's own IOVA -> page table is checked.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "drivers/edu/edu.h"
#include "harness/iod_test.h"
#include "uapi/iommufd.h"
#include "harness/target.h"

#define PAGE 4096
#define MOCK_LEN (64 * 1024)

FIXTURE(dma) {
	struct iod_target t;
	const char *engine;
	uint8_t *src, *dst;
	uint64_t src_iova, dst_iova;
};

FIXTURE_VARIANT(dma) {
	bool explicit_hwpt;	/* else attach to the IOAS: automatic HWPT */
};

FIXTURE_VARIANT_ADD(dma, hwpt) {
	.explicit_hwpt = true,
};

FIXTURE_VARIANT_ADD(dma, ioas) {
	.explicit_hwpt = false,
};

FIXTURE_SETUP(dma)
{
	uint32_t pt;
	unsigned int i;

	self->engine = iod_profile_enum(iod_env.profile, "dma.engine");
	if (!strcmp(self->engine, "none"))
		SKIP(return, "the profile names no DMA engine for this target (dma.engine = none)");
	IOD_TARGET_OPEN(&self->t);
	pt = self->t.ioas_id;
	if (variant->explicit_hwpt) {
		IOD_NEED_PLAIN_HWPT();
		ASSERT_EQ(0, iod_hwpt_alloc(self->t.fd, self->t.dev_id,
					    self->t.ioas_id, 0, &pt));
	}
	ASSERT_EQ(0, iod_target_attach(&self->t, pt));
	self->src = mmap(NULL, MOCK_LEN, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	self->dst = mmap(NULL, MOCK_LEN, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->src);
	ASSERT_NE(MAP_FAILED, self->dst);
	for (i = 0; i < MOCK_LEN; i++)
		self->src[i] = (uint8_t)(i * 7 + 0x31);
}

FIXTURE_TEARDOWN(dma)
{
	iod_target_close(&self->t);
	if (self->src && self->src != MAP_FAILED)
		munmap(self->src, MOCK_LEN);
	if (self->dst && self->dst != MAP_FAILED)
		munmap(self->dst, MOCK_LEN);
}

/*
 * Map src and dst; a failure here on a profile with a known aperture bug is
 * the bug, reported as XFAIL by the caller.
 */
static int map_both(FIXTURE_DATA(dma) *self, uint64_t len)
{
	int rc;

	rc = iod_ioas_pick_iova(self->t.fd, self->t.ioas_id, 4 * MOCK_LEN,
				1 << 20, 2 * MOCK_LEN, &self->src_iova);
	if (rc)
		return rc;
	self->dst_iova = self->src_iova + 2 * MOCK_LEN;
	rc = iod_ioas_map_fixed(self->t.fd, self->t.ioas_id, self->src, len,
				self->src_iova);
	if (rc)
		return rc;
	return iod_ioas_map_fixed(self->t.fd, self->t.ioas_id, self->dst, len,
				  self->dst_iova);
}

static bool all_zero(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

TEST_F(dma, lands_blocked_relands)
{
	const uint32_t n = IOD_EDU_MAX_XFER;
	bool mock = !strcmp(self->engine, "mock");
	uint64_t len = mock ? MOCK_LEN : PAGE;
	int rc;

	rc = map_both(self, len);
	IOD_XFAIL_IF_KNOWN_BUG(rc != 0);
	IOD_ASSERT_ERR(0, rc);

	if (mock) {
		/* The mock domain translates dst's IOVAs to dst's pages. */
		IOD_ASSERT_ERR(0, iod_mock_check_map(self->t.fd, self->t.pt_id,
						     self->dst_iova, self->dst,
						     len));
		ASSERT_EQ(0, iod_ioas_unmap(self->t.fd, self->t.ioas_id,
					    self->dst_iova, len, NULL));
		IOD_ASSERT_ERR(EINVAL,
			       iod_mock_check_map(self->t.fd, self->t.pt_id,
						  self->dst_iova, self->dst,
						  len));
		ASSERT_EQ(0, iod_ioas_map_fixed(self->t.fd, self->t.ioas_id,
						self->dst, len,
						self->dst_iova));
		IOD_ASSERT_ERR(0, iod_mock_check_map(self->t.fd, self->t.pt_id,
						     self->dst_iova, self->dst,
						     len));
		return;
	}
	ASSERT_STREQ("edu", self->engine);
	ASSERT_EQ(0, iod_edu_init(&self->t.vdev));
	/* Load the pattern into the device, then write it out to dst. */
	ASSERT_EQ(0, iod_edu_read_from(&self->t.vdev, self->src_iova, n));
	ASSERT_EQ(0, iod_edu_write_to(&self->t.vdev, self->dst_iova, n));
	ASSERT_EQ(0, memcmp(self->src, self->dst, n))
		TH_LOG("the DMA did not land at the mapped IOVA");
	ASSERT_EQ(0, self->dst[n]) TH_LOG("the DMA wrote past its length");

	/* Unmapped: the write must be blocked, nothing may land. */
	ASSERT_EQ(0, iod_ioas_unmap(self->t.fd, self->t.ioas_id,
				    self->dst_iova, len, NULL));
	memset(self->dst, 0, len);
	ASSERT_EQ(0, iod_edu_write_to(&self->t.vdev, self->dst_iova, n));
	ASSERT_TRUE(all_zero(self->dst, len))
		TH_LOG("a DMA write to an unmapped IOVA reached memory");

	/* Mapped again: it lands again. */
	ASSERT_EQ(0, iod_ioas_map_fixed(self->t.fd, self->t.ioas_id, self->dst,
					len, self->dst_iova));
	ASSERT_EQ(0, iod_edu_write_to(&self->t.vdev, self->dst_iova, n));
	ASSERT_EQ(0, memcmp(self->src, self->dst, n))
		TH_LOG("the DMA did not land after the re-map");
}

IOD_HARNESS_MAIN
