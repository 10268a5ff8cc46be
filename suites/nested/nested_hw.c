// SPDX-License-Identifier: GPL-2.0
/*
 * Nesting with real DMA: the device on a child (stage 1, a table mapping
 * the bench buffer 1:1) of a dirty-tracking nest parent (stage 2), and the
 * parent harvested.
 *
 * The parent's harvest equals the footprint of the device's writes
 * through the child; after a clearing harvest the same pages written again
 * are reported again (the parent's IOTLB was flushed with the dirty bits);
 * both orders of enabling tracking and attaching the child; the device
 * moved child -> parent -> child while tracking, with writes on each. The
 * stage-1 data rules of VT-d (profile nested.vtd_s1.*), and the refusal of
 * a dirty nest parent where nesting has no dirty bits (nested.dirty_parent).
 *
 * Every case needs an IOMMU that nests a dirty-tracking parent. The lab's
 * vIOMMUs do not nest and SKIP with the profile's reason; on the mock the
 * DMA cases run with the mock device, whose writes on a child are marked
 * in the parent (iod_nested_attach()).
 */
#include <stdint.h>
#include <string.h>

#include "harness/iod_test.h"
#include "harness/nested.h"
#include "engine/engine.h"
#include "uapi/hwpt_data.h"
#include "uapi/iommufd.h"
#include "util.h"

IOD_RUNS_PER_PROFILE_ENGINE

/*
 * 0 where the profile says a dirty-tracking nest parent and its children
 * can be built; else the SKIP reason.
 */
static int nest_ready(char *why, size_t wl)
{
	const char *prof = iod_profile_path(iod_env.profile);
	int np = iod_expect("alloc.nest_parent");
	int dnp = iod_expect("alloc.dirty_nest_parent");

	if (np) {
		snprintf(why, wl, "profile %s says alloc.nest_parent = %s and nested.path = %s: this IOMMU has no nesting capability, no nest parent can be allocated",
			 prof, iod_errno_name(np),
			 iod_rule("nested.path", "unset"));
		return -EOPNOTSUPP;
	}
	if (dnp) {
		snprintf(why, wl, "profile %s says alloc.dirty_nest_parent = %s: this IOMMU nests, but its nest parent cannot track dirty pages",
			 prof, iod_errno_name(dnp));
		return -EOPNOTSUPP;
	}
	return iod_nested_supported(why, wl);
}

/* In a fixture set-up, before the bench: SKIP where no nesting. */
#define NEST_NEED() do { \
	char __why[384] = ""; \
	if (nest_ready(__why, sizeof(__why))) \
		SKIP(return, "%s", __why); \
} while (0)

FIXTURE(nested_hw) {
	struct iod_dirty d;
	struct iod_nested n;
	uint32_t child;
};

FIXTURE_VARIANT(nested_hw) {
	bool enable_first;	/* tracking on before the child is attached */
};

FIXTURE_VARIANT_ADD(nested_hw, enable_before_attach) {
	.enable_first = true,
};

FIXTURE_VARIANT_ADD(nested_hw, attach_before_enable) {
	.enable_first = false,
};

/*
 * The bench, its nest (parent, stage-1 table of the buffer, child), the
 * device on the child and tracking on the parent in the variant's order;
 * the footprint empty.
 */
FIXTURE_SETUP(nested_hw)
{
	struct iod_dirty_opts o = { .buf_len = 1 * M };
	struct iod_dirty *d = &self->d;
	char why[384] = "";

	memset(&self->n, 0, sizeof(self->n));
	NEST_NEED();
	IOD_DIRTY_SETUP(d, &o);
	ASSERT_EQ(0, iod_nested_bench(&self->n, d,
				      IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
				      &self->child, why, sizeof(why)))
		TH_LOG("%s", why);
	if (variant->enable_first)
		IOD_ASSERT_ERR(0, iod_set_dirty_tracking(d->t.fd,
							 self->n.parent, true));
	IOD_ASSERT_ERR(0, iod_nested_attach(&self->n, &d->t, self->child));
	if (!variant->enable_first)
		IOD_ASSERT_ERR(0, iod_set_dirty_tracking(d->t.fd,
							 self->n.parent, true));
	iod_fp_reset(&d->fp);
}

FIXTURE_TEARDOWN(nested_hw)
{
	iod_nested_teardown(&self->n);
	iod_dirty_teardown(&self->d);
}

/* Harvest the parent over the whole buffer; it must match the footprint. */
#define ASSERT_PARENT_HARVEST(self) \
	IOD_ASSERT_HARVEST_FP(&(self)->d, &(self)->d.fp, \
			      IOD_HARVEST((self)->d.iova, (self)->d.len, \
					  (self)->d.leaf, 0, \
					  .hwpt_id = (self)->n.parent))

/*
 * Writes through the child are reported by the parent's harvest, exactly;
 * the next harvest is empty.
 */
TEST_F(nested_hw, parent_harvest_equals_footprint)
{
	struct iod_dirty *d = &self->d;

	IOD_ASSERT_WRITE(d, 0, 1, 1);
	IOD_ASSERT_WRITE(d, d->len / 2, 3 * d->leaf, 2);
	IOD_ASSERT_WRITE(d, d->len - d->leaf, d->leaf, 3);
	IOD_ASSERT_LANDED(d, d->len / 2, 3 * d->leaf, 2);
	ASSERT_PARENT_HARVEST(self);
	iod_fp_reset(&d->fp);
	ASSERT_PARENT_HARVEST(self);
}

/*
 * A clearing harvest clears the parent's dirty bits and flushes its
 * IOTLB: the same pages written again through the child are dirty again.
 */
TEST_F(nested_hw, redirty_after_clear)
{
	struct iod_dirty *d = &self->d;

	IOD_ASSERT_WRITE(d, d->leaf, 2 * d->leaf, 4);
	ASSERT_PARENT_HARVEST(self);
	iod_fp_reset(&d->fp);
	IOD_ASSERT_WRITE(d, d->leaf, 2 * d->leaf, 5);
	IOD_ASSERT_LANDED(d, d->leaf, 2 * d->leaf, 5);
	ASSERT_PARENT_HARVEST(self);
}

/*
 * The device moved child -> parent -> child while the parent tracks, a
 * write on each: one harvest of the parent reports all three.
 */
TEST_F(nested_hw, replace_while_tracking)
{
	struct iod_dirty *d = &self->d;

	IOD_ASSERT_WRITE(d, 0, d->leaf, 6);
	IOD_ASSERT_ERR(0, iod_nested_attach(&self->n, &d->t, self->n.parent));
	IOD_ASSERT_WRITE(d, 4 * d->leaf, d->leaf, 7);
	IOD_ASSERT_ERR(0, iod_nested_attach(&self->n, &d->t, self->child));
	IOD_ASSERT_WRITE(d, 8 * d->leaf, d->leaf, 8);
	IOD_ASSERT_LANDED(d, 4 * d->leaf, d->leaf, 7);
	ASSERT_PARENT_HARVEST(self);
}

/*
 * HWPT_ALLOC with NEST_PARENT | DIRTY_TRACKING as the profile's
 * nested.dirty_parent says: accepted; refused (EOPNOTSUPP) although
 * NEST_PARENT alone and DIRTY_TRACKING alone are accepted (stage2_only);
 * or refused with NEST_PARENT alone refused too (no_nesting).
 */
FIXTURE(nested_hw_parent) {
	struct iod_target t;
};

FIXTURE_SETUP(nested_hw_parent)
{
	IOD_TARGET_OPEN(&self->t);
}

FIXTURE_TEARDOWN(nested_hw_parent)
{
	iod_target_close(&self->t);
}

TEST_F(nested_hw_parent, dirty_parent)
{
	struct iod_target *t = &self->t;
	uint32_t id;
	int rc;

	IOD_NEED_RULE("nested.dirty_parent");
	rc = iod_hwpt_alloc(t->fd, t->dev_id, t->ioas_id,
			    IOMMU_HWPT_ALLOC_NEST_PARENT |
			    IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &id);
	if (!rc)
		iod_destroy(t->fd, id);
	IOD_ASSERT_ERR(iod_rule_errno("nested.dirty_parent"), rc);
	if (iod_rule_is("nested.dirty_parent", "accepted"))
		return;
	rc = iod_hwpt_alloc(t->fd, t->dev_id, t->ioas_id,
			    IOMMU_HWPT_ALLOC_NEST_PARENT, &id);
	if (!rc)
		iod_destroy(t->fd, id);
	if (iod_rule_is("nested.dirty_parent", "no_nesting")) {
		IOD_ASSERT_ERR(EOPNOTSUPP, rc);
		return;
	}
	IOD_ASSERT_ERR(0, rc);
	rc = iod_hwpt_alloc(t->fd, t->dev_id, t->ioas_id,
			    IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &id);
	if (!rc)
		iod_destroy(t->fd, id);
	IOD_ASSERT_ERR(0, rc);
}

/*
 * VT-d stage-1 data rules: a child whose struct iommu_hwpt_vtd_s1 breaks
 * one rule is refused where the profile's nested.vtd_s1.<rule> says
 * (alloc: at HWPT_ALLOC, attach: at attach, both EINVAL) or accepted, and
 * then DMA through it is reported by the parent as from a valid child.
 */
struct s1_rule {
	const char *key;	/* nested.vtd_s1.<rule> */
	/* Break the rule in data; 0, or -EOPNOTSUPP with why (no geometry). */
	int (*apply)(struct iommu_hwpt_vtd_s1 *s1, uint64_t ecap,
		     char *why, size_t wl);
};

/* ECAP bits (VT-d spec 11.4.3). */
#define VTD_ECAP_SRS	(1ull << 31)
#define VTD_ECAP_EAFS	(1ull << 34)
/* The first flags bit past IOMMU_VTD_S1_WPE. */
#define VTD_S1_FLAG_UNKNOWN	(IOMMU_VTD_S1_WPE << 1)

static int bad_addr_width(struct iommu_hwpt_vtd_s1 *s1, uint64_t ecap,
			  char *why, size_t wl)
{
	(void)ecap, (void)why, (void)wl;
	s1->addr_width = 39;	/* neither 4-level (48) nor 5-level (57) */
	return 0;
}

static int flag_without_cap(struct iommu_hwpt_vtd_s1 *s1, uint64_t ecap,
			    char *why, size_t wl)
{
	if (!(ecap & VTD_ECAP_SRS)) {
		s1->flags |= IOMMU_VTD_S1_SRE;
		return 0;
	}
	if (!(ecap & VTD_ECAP_EAFS)) {
		s1->flags |= IOMMU_VTD_S1_EAFE;
		return 0;
	}
	snprintf(why, wl, "this IOMMU has ECAP.SRS and ECAP.EAFS (ECAP 0x%llx): no stage-1 flag it lacks",
		 (unsigned long long)ecap);
	return -EOPNOTSUPP;
}

static int unknown_flags(struct iommu_hwpt_vtd_s1 *s1, uint64_t ecap,
			 char *why, size_t wl)
{
	(void)ecap, (void)why, (void)wl;
	s1->flags |= VTD_S1_FLAG_UNKNOWN;
	return 0;
}

static int pgtbl_low_bits(struct iommu_hwpt_vtd_s1 *s1, uint64_t ecap,
			  char *why, size_t wl)
{
	(void)ecap, (void)why, (void)wl;
	s1->pgtbl_addr |= IOD_VTD_S1_PAGE / 2;
	return 0;
}

FIXTURE(nested_hw_vtd_s1) {
	struct iod_dirty d;
	struct iod_nested n;
};

FIXTURE_VARIANT(nested_hw_vtd_s1) {
	struct s1_rule rule;
};

FIXTURE_VARIANT_ADD(nested_hw_vtd_s1, addr_width) {
	.rule = { "nested.vtd_s1.addr_width", bad_addr_width },
};

FIXTURE_VARIANT_ADD(nested_hw_vtd_s1, flag_without_cap) {
	.rule = { "nested.vtd_s1.flag_without_cap", flag_without_cap },
};

FIXTURE_VARIANT_ADD(nested_hw_vtd_s1, unknown_flags) {
	.rule = { "nested.vtd_s1.unknown_flags", unknown_flags },
};

FIXTURE_VARIANT_ADD(nested_hw_vtd_s1, pgtbl_low_bits) {
	.rule = { "nested.vtd_s1.pgtbl_low_bits", pgtbl_low_bits },
};

FIXTURE_SETUP(nested_hw_vtd_s1)
{
	struct iod_dirty_opts o = { .buf_len = 1 * M };
	memset(&self->n, 0, sizeof(self->n));
	NEST_NEED();
	if (!iod_rule_is("nested.child_data", "vtd_s1"))
		SKIP(return, "the stage-1 data rules are VT-d's: profile %s says nested.child_data = %s",
		     iod_profile_path(iod_env.profile),
		     iod_rule("nested.child_data", "unset"));
	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(nested_hw_vtd_s1)
{
	iod_nested_teardown(&self->n);
	iod_dirty_teardown(&self->d);
}

/* The VT-d ECAP of the device's IOMMU, or -errno. */
static int vtd_ecap(struct iod_target *t, uint64_t *ecap)
{
	struct iommu_hw_info_vtd vtd = { 0 };
	uint32_t type = 0;
	int rc = iod_get_hw_info(t->fd, t->dev_id, &vtd, sizeof(vtd), &type,
				 NULL, NULL);

	if (rc)
		return rc;
	if (type != IOMMU_HW_INFO_TYPE_INTEL_VTD)
		return -EPROTO;
	*ecap = vtd.ecap_reg;
	return 0;
}

TEST_F(nested_hw_vtd_s1, rule)
{
	const char *key = variant->rule.key;
	struct iod_dirty *d = &self->d;
	struct iod_nested *n = &self->n;
	struct iod_nested_data data;
	uint64_t ecap = 0;
	char why[384] = "";
	uint32_t child;
	int rc;

	IOD_NEED_RULE(key);
	IOD_ASSERT_ERR(0, vtd_ecap(&d->t, &ecap));
	IOD_NESTED_PARENT(n, &d->t, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	ASSERT_EQ(0, iod_nested_s1_map(n, iod_bench_iova_floor(d, 0),
				       iod_bench_align(d), d->iova, d->len,
				       why, sizeof(why))) TH_LOG("%s", why);
	IOD_ASSERT_ERR(0, iod_nested_child_data(n, &data));
	if (variant->rule.apply(&data.u.vtd_s1, ecap, why, sizeof(why)))
		SKIP(return, "%s", why);
	rc = iod_nested_child_alloc_data(n, 0, 0, &data, &child);
	if (iod_rule_is(key, "alloc")) {
		IOD_ASSERT_ERR(EINVAL, rc);
		return;
	}
	IOD_ASSERT_ERR(0, rc);
	rc = iod_nested_attach(n, &d->t, child);
	if (iod_rule_is(key, "attach")) {
		IOD_ASSERT_ERR(EINVAL, rc);
		return;
	}
	IOD_ASSERT_ERR(0, rc);
	/* Accepted: the child translates as a valid one does. */
	IOD_ASSERT_ERR(0, iod_set_dirty_tracking(d->t.fd, n->parent, true));
	iod_fp_reset(&d->fp);
	IOD_ASSERT_WRITE(d, d->len / 4, 2 * d->leaf, 9);
	IOD_ASSERT_LANDED(d, d->len / 4, 2 * d->leaf, 9);
	IOD_ASSERT_HARVEST_FP(d, &d->fp,
			      IOD_HARVEST(d->iova, d->len, d->leaf, 0,
					  .hwpt_id = n->parent));
}

IOD_HARNESS_MAIN
