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
#include <sys/mman.h>
#include <linux/vfio.h>

#include "harness/iod_test.h"
#include "model/harvest_range.h"
#include "uapi/iommufd.h"
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
/* Table and leaf page of the first-stage format (architectural, VT-d 3.x). */
#define S1_PAGE	4096ull

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
			tbl[idx] = (pt->gpa + pt->used * S1_PAGE) | S1_P |
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

	pt->mem = mmap(NULL, S1_PAGES * S1_PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (pt->mem == MAP_FAILED) {
		pt->mem = NULL;
		return -ENOMEM;
	}
	rc = iod_ioas_pick_iova(d->t.fd, d->t.ioas_id, S1_PAGES * S1_PAGE,
				iod_bench_iova_floor(d, 0), iod_bench_align(d),
				&pt->gpa);
	if (!rc)
		rc = iod_ioas_map_fixed(d->t.fd, d->t.ioas_id, pt->mem,
					S1_PAGES * S1_PAGE, pt->gpa);
	if (rc) {
		snprintf(why, wl, "mapping the stage-1 table: %s",
			 iod_errno_name(-rc));
		return rc;
	}
	pt->used = 1;
	for (va = d->iova; va < d->iova + d->len; va += S1_PAGE) {
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
		munmap(pt->mem, S1_PAGES * S1_PAGE);
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
	struct s1pt pt;
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

	memset(&self->pt, 0, sizeof(self->pt));
	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(vtd_nested)
{
	iod_dirty_teardown(&self->d);
	s1_free(&self->pt);
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
	struct s1pt pt;
};

FIXTURE_SETUP(vtd_pasid)
{
	struct iod_dirty_opts o = {
		.buf_len = 1 * M,
	};

	memset(&self->pt, 0, sizeof(self->pt));
	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(vtd_pasid)
{
	iod_dirty_teardown(&self->d);
	s1_free(&self->pt);
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

	ASSERT_EQ(0, iod_hwpt_alloc(d->t.fd, d->t.dev_id, d->t.ioas_id,
				    IOMMU_HWPT_ALLOC_NEST_PARENT |
				    IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &parent));
	ASSERT_EQ(0, s1_build(d, &self->pt, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(0, vtd_nested_alloc(d, parent, &self->pt, &nested));
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, parent, true));
	rc = pasid_attach(&d->t, 1, nested);
	if (!rc)
		pasid_detach(&d->t, 1);
	IOD_XFAIL_IF_KNOWN_BUG(rc == 0);
	IOD_ASSERT_ERR(EINVAL, rc);
}

IOD_HARNESS_MAIN
