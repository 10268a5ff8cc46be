// SPDX-License-Identifier: GPL-2.0
/*
 * Regression cases for fixed (and pending) Intel VT-d dirty-tracking bugs,
 * one geometry per commit: the capability without coherent page walks,
 * SSADE for devices behind a nested domain of a tracking parent, and PASID
 * attachment of such a nested domain. Each fix is declared once
 * (IOD_REGRESSION, lib/harness/regress.h); a case names its commit in its
 * name or variant and logs "regression of <commit> <subject> (<release>)".
 *
 * The cases are complete and SKIP with what is missing on the target:
 * Intel VT-d, nesting of a dirty-tracking parent, a PCI device with PASID.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/vfio.h>

#include "harness/iod_test.h"
#include "model/harvest_range.h"
#include "uapi/iommufd.h"
#include "harness/nested.h"
#include "harness/regress.h"
#include "util.h"

IOD_RUNS_PER_PROFILE_ENGINE

/* ECAP bits (VT-d spec 11.4.3). */
#define VTD_ECAP_SMTS	(1ull << 43)
#define VTD_ECAP_SLADS	(1ull << 45)
#define VTD_ECAP_SMPWC	(1ull << 48)

/* 0 and the VT-d ECAP, or a SKIP reason. */
static int vtd_ecap(struct iod_target *t, uint64_t *ecap, uint64_t *caps,
		    uint8_t *pasid_log2, char *why, size_t wl)
{
	struct iommu_hw_info_vtd vtd = { 0 };
	struct iommu_hw_info cmd = {
		.size = sizeof(cmd),
		.dev_id = t->dev_id,
		.data_len = sizeof(vtd),
		.data_uptr = (uintptr_t)&vtd,
	};
	int rc;

	if (!iod_rule_is("hw_info.type", "intel_vtd")) {
		snprintf(why, wl, "needs Intel VT-d: profile hw_info.type is %s",
			 iod_rule("hw_info.type", "unset"));
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

IOD_REGRESSION(57f55048e564,
	       "iommu/vt-d: Disallow dirty tracking if incoherent page walk",
	       "6.18-rc; in 6.12.y");

/*
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

IOD_REGRESSION_TEST_F_OF(vtd_caps, 57f55048e564, no_dirty_without_smpwc)
{
	uint64_t ecap = 0, caps = 0;
	char why[256] = "";
	int rc;

	rc = vtd_ecap(&self->t, &ecap, &caps, NULL, why, sizeof(why));
	if (rc == -EOPNOTSUPP)
		IOD_REGRESSION_SKIP("%s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	if (!(ecap & VTD_ECAP_SLADS) || (ecap & VTD_ECAP_SMPWC))
		IOD_REGRESSION_SKIP("needs ECAP.SLADS=1 with ECAP.SMPWC=0, this IOMMU has ECAP 0x%llx (SMTS=%d SLADS=%d SMPWC=%d)",
				    (unsigned long long)ecap,
				    !!(ecap & VTD_ECAP_SMTS),
				    !!(ecap & VTD_ECAP_SLADS),
				    !!(ecap & VTD_ECAP_SMPWC));
	EXPECT_EQ(0, caps & IOMMU_HW_CAP_DIRTY_TRACKING)
		TH_LOG("IOMMU_HW_CAP_DIRTY_TRACKING is set without ECAP.SMPWC");
	IOD_ASSERT_ERR(EOPNOTSUPP,
		       iod_hwpt_alloc(self->t.fd, self->t.dev_id,
				      self->t.ioas_id,
				      IOMMU_HWPT_ALLOC_DIRTY_TRACKING, NULL));
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
	/* The child's data is the profile's nested.child_data. */
	return iod_nested_supported(why, wl);
}

IOD_REGRESSION(f1e1610950ea,
	       "iommu/vt-d: Add missing dirty tracking set for parent domain",
	       "6.8-rc");
IOD_REGRESSION(1f0198fce683,
	       "iommu/vt-d: Set SSADE when attaching to a parent with dirty tracking",
	       "6.8-rc");

/*
 * f1e1610950ea: enabling tracking on a nest parent did not set SSADE for
 * devices attached through its nested domains.
 * 1f0198fce683: a device attached to a nested domain after the parent's
 * tracking was on did not get SSADE.
 * Geometry: NEST_PARENT | DIRTY parent, VTD_S1 nested HWPT mapping the
 * buffer 1:1, the device on the nested HWPT, enable on the parent before
 * or after the attach, device writes, harvest the parent.
 */
FIXTURE(vtd_nested) {
	struct iod_dirty d;
	struct iod_nested n;
};

FIXTURE_VARIANT(vtd_nested) {
	const struct iod_regression *regression;
	bool enable_first;
};

IOD_REGRESSION_VARIANT(vtd_nested, f1e1610950ea, enable_after_attach,
		       .enable_first = false);
IOD_REGRESSION_VARIANT(vtd_nested, 1f0198fce683, attach_after_enable,
		       .enable_first = true);

FIXTURE_SETUP(vtd_nested)
{
	struct iod_dirty_opts o = {
		.buf_len = 1 * M,
	};

	memset(&self->n, 0, sizeof(self->n));
	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(vtd_nested)
{
	iod_nested_teardown(&self->n);
	iod_dirty_teardown(&self->d);
}

IOD_REGRESSION_TEST_F(vtd_nested, nested_device_writes_reported)
{
	struct iod_dirty *d = &self->d;
	uint32_t parent, nested;
	struct iod_harvest_req r;
	char why[384] = "";
	int rc;

	rc = vtd_nesting_ready(d, why, sizeof(why));
	if (rc == -EOPNOTSUPP)
		IOD_REGRESSION_SKIP("%s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	ASSERT_EQ(0, iod_nested_bench(&self->n, d,
				      IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &nested,
				      why, sizeof(why))) TH_LOG("%s", why);
	parent = self->n.parent;
	if (variant->enable_first)
		ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, parent, true));
	ASSERT_EQ(0, iod_target_attach(&d->t, nested));
	if (!variant->enable_first)
		ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, parent, true));
	ASSERT_EQ(0, iod_touch(d, &d->fp, d->iova));
	ASSERT_EQ(0, iod_engine_write(&d->engine, d->iova + d->len / 2,
				      3 * d->leaf, 5, &d->fp));
	r = (struct iod_harvest_req){
		.hwpt_id = parent, .iova = d->iova, .len = d->len,
		.page_size = d->leaf, .exact = true,
	};
	IOD_ASSERT_HARVEST_FP(d, &d->fp, &r);
}

IOD_REGRESSION(pending,
	       "iommu/vt-d: Block PASID attachment to nested domain with dirty tracking",
	       "v2 March 2026, not merged");

/*
 * A nested domain whose parent tracks
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
	struct iod_nested n;
};

FIXTURE_SETUP(vtd_pasid)
{
	struct iod_dirty_opts o = {
		.buf_len = 1 * M,
	};

	memset(&self->n, 0, sizeof(self->n));
	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(vtd_pasid)
{
	iod_nested_teardown(&self->n);
	iod_dirty_teardown(&self->d);
}

IOD_REGRESSION_TEST_F_OF(vtd_pasid, pending, block_pasid_nested_dirty)
{
	struct iod_dirty *d = &self->d;
	uint32_t parent, nested, plain;
	uint8_t pasid_log2 = 0;
	uint64_t ecap;
	char why[384] = "";
	int rc;

	rc = vtd_nesting_ready(d, why, sizeof(why));
	if (rc == -EOPNOTSUPP)
		IOD_REGRESSION_SKIP("%s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	if (d->t.mock)
		IOD_REGRESSION_SKIP("needs a PCI device through VFIO, the profile's device is a mock device");
	ASSERT_EQ(0, vtd_ecap(&d->t, &ecap, NULL, &pasid_log2, why,
			      sizeof(why))) TH_LOG("%s", why);
	if (!pasid_log2)
		IOD_REGRESSION_SKIP("the device has no PASID capability (GET_HW_INFO out_max_pasid_log2 = 0)");
	/* Can this kernel attach a PASID at all? */
	ASSERT_EQ(0, iod_hwpt_alloc(d->t.fd, d->t.dev_id, d->t.ioas_id, 0,
				    &plain));
	rc = pasid_attach(&d->t, 1, plain);
	if (rc)
		IOD_REGRESSION_SKIP("attaching a plain HWPT to PASID 1 fails (%s): no PASID attach through the VFIO cdev (6.15+ uAPI)",
				    iod_errno_name(-rc));
	ASSERT_EQ(0, pasid_detach(&d->t, 1));

	ASSERT_EQ(0, iod_nested_bench(&self->n, d,
				      IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &nested,
				      why, sizeof(why))) TH_LOG("%s", why);
	parent = self->n.parent;
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, parent, true));
	rc = pasid_attach(&d->t, 1, nested);
	if (!rc)
		pasid_detach(&d->t, 1);
	IOD_XFAIL_IF_KNOWN_BUG(rc == 0);
	IOD_ASSERT_ERR(EINVAL, rc);
}

IOD_HARNESS_MAIN
