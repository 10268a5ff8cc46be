/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A nested HWPT as one object: a nest parent (stage 2) allocated on a
 * target's IOAS, and its children (stage 1), each allocated with the
 * vendor data the profile names (nested.child_data: the mock's
 * IOMMU_HWPT_DATA_SELFTEST, VT-d's IOMMU_HWPT_DATA_VTD_S1 with a
 * first-stage table mapping a range 1:1). A test attaches the target (or
 * another device) to either id with iod_target_attach() and asserts every
 * errno itself: nothing here asserts or logs.
 *
 *	struct iod_nested n;
 *	IOD_NESTED_NEED();			(SKIP: profile has no nesting)
 *	ASSERT_EQ(0, iod_nested_parent_alloc(&n, &t, DIRTY_TRACKING));
 *	ASSERT_EQ(0, iod_nested_child_alloc(&n, 0, 0, &child));
 *	ASSERT_EQ(0, iod_target_attach(&t, child));
 *	...
 *	iod_nested_teardown(&n);		(before the target closes)
 */
#ifndef IODIRTY_NESTED_H
#define IODIRTY_NESTED_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/iommufd.h>

#include "harness/dirty.h"
#include "harness/target.h"
#include "harness/vtd_s1.h"

#define IOD_NESTED_MAX_CHILDREN 8

struct iod_nested {
	struct iod_target *t;	/* the parent's device, fd and IOAS */
	uint32_t parent;	/* the NEST_PARENT HWPT, 0 when none */
	uint32_t children[IOD_NESTED_MAX_CHILDREN];
	unsigned int nr_children;
	struct iod_vtd_s1 s1;	/* nested.child_data = vtd_s1: the table */
	uint32_t viommu;	/* nested.path = viommu: the vIOMMU, else 0 */
	uint32_t vdevices[IOD_NESTED_MAX_CHILDREN];
	unsigned int nr_vdevices;
};

/* The profile's child data for one allocation, as the kernel reads it. */
struct iod_nested_data {
	uint32_t type;		/* IOMMU_HWPT_DATA_* */
	uint32_t len;		/* bytes of the driver's struct */
	union {
		struct iommu_hwpt_vtd_s1 vtd_s1;
		uint32_t selftest_iotlb; /* struct iommu_hwpt_selftest */
		uint8_t bytes[64];	/* room to make it longer */
	} u;
};

/*
 * Can nested HWPTs be built on this target? 0 when the profile states
 * nested.child_data the library builds and nested.path = hwpt, or
 * nested.path = viommu where nested.viommu = present and the child data
 * has a vIOMMU type (iod_nested_viommu_type()); else -EOPNOTSUPP with `why`
 * the SKIP reason naming the profile's values.
 */
int iod_nested_supported(char *why, size_t wl);

/*
 * The vIOMMU type for the profile's nested.child_data: the mock's
 * IOMMU_VIOMMU_TYPE_SELFTEST for selftest, IOMMU_VIOMMU_TYPE_ARM_SMMUV3 for
 * arm_smmuv3. -EOPNOTSUPP with `why` for data no vIOMMU type goes with.
 */
int iod_nested_viommu_type(uint32_t *type, char *why, size_t wl);

/*
 * IOMMU_VIOMMU_ALLOC of the profile's type on the parent for the parent's
 * device; kept in n->viommu (then children are allocated on it). 0 or
 * -errno (-EOPNOTSUPP when the child data has no vIOMMU type).
 */
int iod_nested_viommu_alloc(struct iod_nested *n);

/*
 * IOMMU_VDEVICE_ALLOC of dev_id (0: the parent's device) on n->viommu with
 * virt_id; kept for teardown. 0 or -errno.
 */
int iod_nested_vdevice_alloc(struct iod_nested *n, uint32_t dev_id,
			     uint64_t virt_id, uint32_t *vdevice);

/*
 * Allocate the nest parent: HWPT_ALLOC of t's device on t's IOAS with
 * NEST_PARENT | flags. Where the profile says nested.path = viommu, also
 * the vIOMMU on it and a vDEVICE (virt_id 0) of t's device, so children
 * are allocated on the vIOMMU and the device can be attached to them.
 * 0 or the kernel's -errno (n->parent stays 0).
 */
int iod_nested_parent_alloc(struct iod_nested *n, struct iod_target *t,
			    uint32_t flags);

/*
 * The stage-1 translation of later children maps [iova, +len) 1:1 to
 * parent IOVAs (vtd_s1: the table is built, at a free IOVA at or above
 * `floor` aligned to `align`; the mock's children translate nothing of
 * their own: nothing to do). 0, or -errno with `why`.
 */
int iod_nested_s1_map(struct iod_nested *n, uint64_t floor, uint64_t align,
		      uint64_t iova, uint64_t len, char *why, size_t wl);

/*
 * The data of a valid child, for a test to alter (length, type, bytes):
 * -EOPNOTSUPP when the profile names none, else 0 (a vtd_s1 table with
 * nothing mapped is built first when there is none).
 */
int iod_nested_child_data(struct iod_nested *n, struct iod_nested_data *d);

/*
 * The whole HWPT_ALLOC of a child of the parent (of the vIOMMU when there
 * is one) with data d (from
 * iod_nested_child_data(), which the command points into), for a test to
 * alter before issuing it with iod_hwpt_alloc_raw().
 */
struct iommu_hwpt_alloc iod_nested_child_cmd(const struct iod_nested *n,
					     struct iod_nested_data *d);

/*
 * Allocate a child of the parent for device dev_id (0: the parent's
 * device) with the profile's data and flags; it is kept for teardown.
 * 0 or -errno (-EOPNOTSUPP too when the profile names no child data).
 */
int iod_nested_child_alloc(struct iod_nested *n, uint32_t dev_id,
			   uint32_t flags, uint32_t *child);

/*
 * The same with the caller's data d (from iod_nested_child_data(), then
 * altered): kept for teardown. 0 or -errno.
 */
int iod_nested_child_alloc_data(struct iod_nested *n, uint32_t dev_id,
				uint32_t flags,
				const struct iod_nested_data *d,
				uint32_t *child);

/* IOMMU_DESTROY of a child the object holds; forgotten on success. */
int iod_nested_child_destroy(struct iod_nested *n, uint32_t child);
/* IOMMU_DESTROY of the parent; forgotten on success. */
int iod_nested_parent_destroy(struct iod_nested *n);

/*
 * The bench's nest: a NEST_PARENT | flags parent on the bench's IOAS, a
 * stage-1 translation of the bench buffer 1:1 (above every IOVA the bench
 * uses), one child; the device is not moved. 0, or -errno with `why`.
 */
int iod_nested_bench(struct iod_nested *n, struct iod_dirty *d,
		     uint32_t flags, uint32_t *child, char *why, size_t wl);

/*
 * Attach (or replace) t to id: a child of n, n's parent, or anything else.
 * On a child, t->parent_id is n's parent, so an engine driving t marks
 * its dirt where the IOMMU records it. 0 or the attach's -errno.
 */
int iod_nested_attach(struct iod_nested *n, struct iod_target *t,
		      uint32_t id);

/*
 * The bench's dirty HWPT becomes n's parent: harvests, tracking on/off and
 * the footprint (IOD_ASSERT_HARVEST, IOD_ASSERT_SET_TRACKING) go to it
 * from now on; the device is not moved.
 */
static inline void iod_nested_bench_use_parent(struct iod_nested *n,
					       struct iod_dirty *d)
{
	d->hwpt_id = n->parent;
}

/*
 * IOMMU_HWPT_INVALIDATE of everything child caches, in one entry of the
 * profile's invalidation type (selftest: IOMMU_TEST_INVALIDATE_FLAG_ALL;
 * vtd_s1: every page). 0, -EOPNOTSUPP when the profile names no child
 * data, or the kernel's -errno.
 */
int iod_nested_invalidate_all(struct iod_nested *n, uint32_t child);

/*
 * Put the target back on its IOAS when it sits on one of ours, destroy
 * the children and the parent, free the stage-1 table. Call it while the
 * target's iommufd is open (before iod_target_close/iod_dirty_teardown);
 * safe on a zeroed or torn-down object.
 */
void iod_nested_teardown(struct iod_nested *n);

/*
 * The target's iommufd was closed under the object (which destroyed every
 * id): forget them, free the stage-1 table's memory.
 */
void iod_nested_forget(struct iod_nested *n);

/* In a TEST_F or set-up: SKIP with the profile's reason where no nesting. */
#define IOD_NESTED_NEED() do { \
	char __nwhy[256] = ""; \
	if (iod_nested_supported(__nwhy, sizeof(__nwhy))) \
		SKIP(return, "%s", __nwhy); \
} while (0)

/*
 * Set-up and teardown of a fixture holding `struct iod_target t` and
 * `struct iod_nested n`: open the target, SKIP where no nesting; tear the
 * nest down, then the target.
 */
#define IOD_NESTED_FIXTURE_SETUP(self) do { \
	memset(&(self)->n, 0, sizeof((self)->n)); \
	IOD_TARGET_OPEN(&(self)->t); \
	IOD_NESTED_NEED(); \
} while (0)

static inline void iod_nested_fixture_teardown(struct iod_nested *n,
					       struct iod_target *t)
{
	iod_nested_teardown(n);
	iod_target_close(t);
}

/*
 * In a TEST_F: allocate the nest parent with NEST_PARENT | flags on t;
 * the result must be the profile's alloc.nest_parent (or, with
 * DIRTY_TRACKING, alloc.dirty_nest_parent), and the case SKIPs where that
 * is a failure. Needs harness/iod_test.h.
 */
#define IOD_NESTED_PARENT(n, t, flags) do { \
	const char *__pk = ((flags) & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) ? \
			   "alloc.dirty_nest_parent" : "alloc.nest_parent"; \
	int __prc = iod_nested_parent_alloc((n), (t), (flags)); \
	IOD_ASSERT_OUTCOME(__pk, __prc); \
	if (__prc) \
		SKIP(return, "profile %s says %s = %s: no such nest parent here", \
		     iod_profile_path(iod_env.profile), __pk, \
		     iod_errno_name(-__prc)); \
} while (0)

/*
 * In a TEST_F: a dirty-tracking nest parent (as IOD_NESTED_PARENT) and in
 * `cmd` the whole HWPT_ALLOC of a valid child, its data in `d`, for the
 * case to alter before it issues the command.
 */
#define IOD_NESTED_CHILD_CMD(n, t, d, cmd) do { \
	IOD_NESTED_PARENT((n), (t), IOMMU_HWPT_ALLOC_DIRTY_TRACKING); \
	IOD_ASSERT_ERR(0, iod_nested_child_data((n), (d))); \
	(cmd) = iod_nested_child_cmd((n), (d)); \
} while (0)

#endif
