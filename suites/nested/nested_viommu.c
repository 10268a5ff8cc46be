// SPDX-License-Identifier: GPL-2.0
/*
 * The vIOMMU objects of 6.13+ (IOMMU_VIOMMU_ALLOC, IOMMU_VDEVICE_ALLOC),
 * judged by the profile's nested.viommu for the running release.
 *
 * Where they are absent (up to 6.12) both ioctl numbers must be ENOTTY, on
 * every target: no nesting is needed to ask. Where they are present: a
 * vIOMMU on a dirty-tracking nest parent (which it then holds), a child
 * allocated with pt_id = the vIOMMU and a device attached to it through
 * its vDEVICE, the vDEVICE rules, and a harvest on the parent while the
 * device sits on the vIOMMU's child (the mock's simulated writes,
 * IOMMU_TEST_OP_DIRTY on the parent). Real DMA through a child is
 * nested_hw's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "harness/iod_test.h"
#include "harness/nested.h"
#include "uapi/iommufd.h"
#include "uapi/mock.h"
#include "uapi/viommu.h"
#include "util.h"

/* An id no object has. */
#define NO_ID 0x7fffffffu
/* The page the mock's IOMMU_TEST_OP_DIRTY indexes by (PAGE_SIZE / 2). */
#define MOCK_DIRTY_PAGE 2048u

FIXTURE(nested_viommu) {
	struct iod_target t;
	struct iod_nested n;
	void *buf;
	size_t buf_len;
};

FIXTURE_SETUP(nested_viommu)
{
	memset(&self->n, 0, sizeof(self->n));
	self->buf = NULL;
	IOD_TARGET_OPEN(&self->t);
}

FIXTURE_TEARDOWN(nested_viommu)
{
	iod_nested_fixture_teardown(&self->n, &self->t);
	if (self->buf)
		munmap(self->buf, self->buf_len);
}

/*
 * Where the profile says the vIOMMU ioctls are absent on this release,
 * both numbers are ENOTTY; where present, the number is known (the
 * absent ids are then ENOENT, never ENOTTY).
 */
TEST_F(nested_viommu, ioctls_by_release)
{
	struct iommu_viommu_alloc va = {
		.size = sizeof(va),
		.dev_id = self->t.dev_id,
		.hwpt_id = NO_ID,
	};
	uint32_t type = IOMMU_VIOMMU_TYPE_DEFAULT;
	char why[160];
	int rc;

	IOD_NEED_RULE("nested.viommu");
	if (!iod_nested_viommu_type(&type, why, sizeof(why)))
		va.type = type;
	rc = iod_viommu_alloc_raw(self->t.fd, &va);
	if (iod_rule_is("nested.viommu", "absent")) {
		int want = iod_rule_errno("nested.viommu");
		int vrc = iod_vdevice_alloc(self->t.fd, NO_ID, self->t.dev_id,
					    0, NULL);

		if (rc != -want || vrc != -want)
			TH_LOG("profile %s says nested.viommu = absent: IOMMU_VIOMMU_ALLOC returned %s, IOMMU_VDEVICE_ALLOC %s, both must be %s",
			       iod_profile_path(iod_env.profile),
			       iod_errno_name(-rc), iod_errno_name(-vrc),
			       iod_errno_name(want));
		IOD_ASSERT_ERR(want, rc);
		IOD_ASSERT_ERR(want, vrc);
		return;
	}
	ASSERT_NE(-ENOTTY, rc)
		TH_LOG("profile %s says nested.viommu = present, IOMMU_VIOMMU_ALLOC is ENOTTY",
		       iod_profile_path(iod_env.profile));
	ASSERT_NE(0, rc) TH_LOG("IOMMU_VIOMMU_ALLOC on an absent HWPT succeeded");
	IOD_ASSERT_ERR(ENOENT, iod_vdevice_alloc(self->t.fd, NO_ID,
						 self->t.dev_id, 0, NULL));
}

/* 0 where children can be built on a vIOMMU here, else the SKIP reason. */
static int viommu_ready(char *why, size_t wl)
{
	uint32_t type;
	int rc;

	if (!iod_rule_is("nested.viommu", "present")) {
		snprintf(why, wl, "profile %s says nested.viommu = %s on this kernel: no vIOMMU objects (IOMMU_VIOMMU_ALLOC is 6.13+)",
			 iod_profile_path(iod_env.profile),
			 iod_rule("nested.viommu", "unset"));
		return -EOPNOTSUPP;
	}
	rc = iod_nested_supported(why, wl);
	return rc ? rc : iod_nested_viommu_type(&type, why, wl);
}

#define VIOMMU_NEED() do { \
	char __vwhy[256] = ""; \
	if (viommu_ready(__vwhy, sizeof(__vwhy))) \
		SKIP(return, "%s", __vwhy); \
} while (0)

/*
 * In a TEST_F: a nest parent with NEST_PARENT | flags (its result the
 * profile's), a vIOMMU on it and a vDEVICE (virt_id 0) of the target
 * (iod_nested_parent_alloc() made both where nested.path = viommu).
 */
#define VIOMMU_NEST(self, flags) do { \
	VIOMMU_NEED(); \
	IOD_NESTED_PARENT(&(self)->n, &(self)->t, (flags)); \
	if (!(self)->n.viommu) { \
		IOD_ASSERT_ERR(0, iod_nested_viommu_alloc(&(self)->n)); \
		IOD_ASSERT_ERR(0, iod_nested_vdevice_alloc(&(self)->n, 0, 0, \
							   NULL)); \
	} \
} while (0)

/*
 * A vIOMMU on a dirty-tracking nest parent holds it: destroying the
 * parent is EBUSY until the vIOMMU is gone; tracking on the parent is
 * still switched on the parent.
 */
TEST_F(nested_viommu, viommu_on_dirty_parent)
{
	struct iod_nested *n = &self->n;

	VIOMMU_NEST(self, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	IOD_ASSERT_ERR(EBUSY, iod_destroy(self->t.fd, n->parent));
	IOD_ASSERT_ERR(0, iod_set_dirty_tracking(self->t.fd, n->parent, true));
	/* The vIOMMU is no HWPT: the dirty ioctls do not find it. */
	IOD_ASSERT_ERR(ENOENT, iod_set_dirty_tracking(self->t.fd, n->viommu,
						      true));
	IOD_ASSERT_ERR(0, iod_set_dirty_tracking(self->t.fd, n->parent,
						 false));
	while (n->nr_vdevices)
		IOD_ASSERT_ERR(0, iod_destroy(self->t.fd,
					      n->vdevices[--n->nr_vdevices]));
	IOD_ASSERT_ERR(0, iod_destroy(self->t.fd, n->viommu));
	n->viommu = 0;
	IOD_ASSERT_ERR(0, iod_nested_parent_destroy(n));
}

/*
 * A child allocated with pt_id = the vIOMMU is a nested HWPT of the
 * parent: the device (with its vDEVICE) attaches to it and back; the
 * vIOMMU is busy while the child lives.
 */
TEST_F(nested_viommu, child_on_viommu)
{
	struct iod_nested *n = &self->n;
	uint32_t child;

	VIOMMU_NEST(self, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	IOD_ASSERT_ERR(0, iod_nested_child_alloc(n, 0, 0, &child));
	IOD_ASSERT_ERR(0, iod_target_attach(&self->t, child));
	/* The dirty ioctls on the child: it is no paging HWPT. */
	IOD_ASSERT_ERR(ENOENT, iod_set_dirty_tracking(self->t.fd, child,
						      true));
	IOD_ASSERT_ERR(EBUSY, iod_destroy(self->t.fd, n->viommu));
	IOD_ASSERT_ERR(0, iod_target_attach(&self->t, self->t.ioas_id));
	IOD_ASSERT_ERR(0, iod_nested_child_destroy(n, child));
}

/*
 * vDEVICE rules: a second vDEVICE with a virt_id in use on the vIOMMU is
 * EEXIST; an absent vIOMMU, an id that is no vIOMMU (the parent) and an
 * absent device are ENOENT.
 */
TEST_F(nested_viommu, vdevice_rules)
{
	struct iod_nested *n = &self->n;

	VIOMMU_NEST(self, 0);
	IOD_ASSERT_ERR(EEXIST, iod_vdevice_alloc(self->t.fd, n->viommu,
						 self->t.dev_id, 0, NULL));
	IOD_ASSERT_ERR(ENOENT, iod_vdevice_alloc(self->t.fd, NO_ID,
						 self->t.dev_id, 1, NULL));
	IOD_ASSERT_ERR(ENOENT, iod_vdevice_alloc(self->t.fd, n->parent,
						 self->t.dev_id, 1, NULL));
	IOD_ASSERT_ERR(ENOENT, iod_vdevice_alloc(self->t.fd, n->viommu,
						 NO_ID, 1, NULL));
}

/*
 * The device on the vIOMMU's child, tracking on the parent: the pages the
 * IOMMU marks in the parent (the mock's IOMMU_TEST_OP_DIRTY, as its walk
 * would) are what a harvest of the parent reports, once.
 */
TEST_F(nested_viommu, harvest_on_parent)
{
	struct iod_nested *n = &self->n;
	const uint64_t pages = 16;
	uint64_t iova = 0, nr = 0;
	uint8_t mark[2] = { 0x05, 0x80 }, got[2];
	uint32_t child;

	if (!self->t.mock)
		SKIP(return, "marks pages with the iommufd mock's IOMMU_TEST_OP_DIRTY; DMA through a child is nested_hw's (profile device is %s)",
		     iod_rule("device", "unset"));
	VIOMMU_NEST(self, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	self->buf_len = pages * MOCK_DIRTY_PAGE;
	self->buf = mmap(NULL, self->buf_len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	IOD_ASSERT_ERR(0, iod_ioas_map(self->t.fd, self->t.ioas_id, self->buf,
				       self->buf_len,
				       IOMMU_IOAS_MAP_READABLE |
				       IOMMU_IOAS_MAP_WRITEABLE, &iova));
	IOD_ASSERT_ERR(0, iod_nested_child_alloc(n, 0, 0, &child));
	IOD_ASSERT_ERR(0, iod_target_attach(&self->t, child));
	IOD_ASSERT_ERR(0, iod_set_dirty_tracking(self->t.fd, n->parent, true));
	IOD_ASSERT_ERR(0, iod_mock_set_dirty(self->t.fd, n->parent, iova,
					     self->buf_len, MOCK_DIRTY_PAGE,
					     mark, &nr));
	ASSERT_EQ(3, nr);
	memset(got, 0, sizeof(got));
	IOD_ASSERT_ERR(0, iod_get_dirty_bitmap(self->t.fd, n->parent, iova,
					       self->buf_len, MOCK_DIRTY_PAGE,
					       got, 0));
	ASSERT_EQ(0, memcmp(mark, got, sizeof(got)))
		TH_LOG("harvest of the parent 0x%02x%02x, the IOMMU marked 0x%02x%02x",
		       got[1], got[0], mark[1], mark[0]);
	memset(got, 0, sizeof(got));
	IOD_ASSERT_ERR(0, iod_get_dirty_bitmap(self->t.fd, n->parent, iova,
					       self->buf_len, MOCK_DIRTY_PAGE,
					       got, 0));
	ASSERT_EQ(0, got[0] | got[1])
		TH_LOG("the second harvest reports 0x%02x%02x after the first cleared",
		       got[1], got[0]);
	IOD_ASSERT_ERR(0, iod_target_attach(&self->t, self->t.ioas_id));
	IOD_ASSERT_ERR(0, iod_ioas_unmap(self->t.fd, self->t.ioas_id, iova,
					 self->buf_len, NULL));
}

IOD_HARNESS_MAIN
