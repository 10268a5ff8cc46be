// SPDX-License-Identifier: GPL-2.0
/*
 * Translation sanity through a plain HWPT and through an automatic one,
 * with the run's DMA engine: a device write lands at the mapped IOVA, and
 * only there; it is blocked once the IOVA is unmapped, and lands again
 * after a re-map. Where the engine can ask the device's page table (the
 * mock domain), the translation itself is checked at each step too.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "harness/iod_test.h"
#include "model/space.h"
#include "uapi/iommufd.h"
#include "util.h"

/* The mapping the device writes into. */
#define LEN (64 * 1024)

FIXTURE(dma) {
	struct iod_target t;
	struct iod_space space;
	struct iod_engine e;
	const char *engine;
	uint8_t *dst;
	uint64_t iova;
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

	self->engine = iod_engine_name();
	if (iod_engine_absent())
		SKIP(return, "the profile names no DMA engine for this target (dma.engine = none)");
	IOD_TARGET_OPEN(&self->t);
	iod_space_init(&self->space, self->t.fd, self->t.ioas_id);
	pt = self->t.ioas_id;
	if (variant->explicit_hwpt) {
		IOD_NEED_PLAIN_HWPT();
		ASSERT_EQ(0, iod_hwpt_alloc(self->t.fd, self->t.dev_id,
					    self->t.ioas_id, 0, &pt));
	}
	ASSERT_EQ(0, iod_target_attach(&self->t, pt));
	self->dst = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->dst);
}

FIXTURE_TEARDOWN(dma)
{
	iod_engine_close(&self->e);
	iod_target_close(&self->t);
	if (self->dst && self->dst != MAP_FAILED)
		munmap(self->dst, LEN);
}

/*
 * Map dst; a failure here on a profile with a known aperture bug is the
 * bug, reported as XFAIL by the caller.
 */
static int map_dst(FIXTURE_DATA(dma) *self)
{
	int rc;

	rc = iod_ioas_pick_iova(self->t.fd, self->t.ioas_id, LEN, 1 << 20,
				LEN, &self->iova);
	if (rc)
		return rc;
	return iod_space_map(&self->space, self->dst, LEN, self->iova);
}

static bool all_zero(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/*
 * Does the device's page table translate dst's IOVAs to dst's pages (want
 * 0) or not at all (want EINVAL)? The answer as -errno; -want where the
 * engine cannot ask, its DMA being then the only proof.
 */
static int check_map(FIXTURE_DATA(dma) *self, int want)
{
	int rc = iod_engine_check_map(&self->e, self->iova, self->dst, LEN);

	return rc == -EOPNOTSUPP ? -want : rc;
}

TEST_F(dma, lands_blocked_relands)
{
	struct iod_engine *e = &self->e;
	uint64_t ia, la, n;
	int rc;

	rc = map_dst(self);
	IOD_XFAIL_IF_KNOWN_BUG(rc != 0);
	IOD_ASSERT_ERR(0, rc);
	rc = iod_engine_open(e, self->engine, &self->t, &self->space);
	ASSERT_EQ(0, rc) TH_LOG("cannot open DMA engine '%s': %s %s",
				self->engine, iod_errno_name(-rc), e->why);
	/* One operation, ending short of the mapping so a byte is left. */
	iod_engine_align(e, &ia, &la);
	n = iod_min_u64(e->ops->max_len, LEN - 1) / la * la;

	ASSERT_EQ(0, iod_engine_write(e, self->iova, n, 0x31, NULL));
	ASSERT_TRUE(iod_engine_check(e, self->iova, n, 0x31))
		TH_LOG("the DMA did not land at the mapped IOVA");
	ASSERT_TRUE(all_zero(self->dst + n, LEN - n))
		TH_LOG("the DMA wrote past its length");
	IOD_ASSERT_ERR(0, check_map(self, 0));

	/* Unmapped: the write must be blocked, nothing may land. */
	ASSERT_EQ(0, iod_space_unmap(&self->space, self->iova));
	memset(self->dst, 0, LEN);
	rc = iod_engine_write(e, self->iova, n, 0x32, NULL);
	ASSERT_TRUE(rc == 0 || rc == -EFAULT)
		TH_LOG("engine write to an unmapped IOVA: %s",
		       iod_errno_name(-rc));
	ASSERT_TRUE(all_zero(self->dst, LEN))
		TH_LOG("a DMA write to an unmapped IOVA reached memory");
	IOD_ASSERT_ERR(EINVAL, check_map(self, EINVAL));

	/* Mapped again: it lands again. */
	ASSERT_EQ(0, iod_space_map(&self->space, self->dst, LEN, self->iova));
	ASSERT_EQ(0, iod_engine_write(e, self->iova, n, 0x33, NULL));
	ASSERT_TRUE(iod_engine_check(e, self->iova, n, 0x33))
		TH_LOG("the DMA did not land after the re-map");
	IOD_ASSERT_ERR(0, check_map(self, 0));
}

IOD_HARNESS_MAIN
