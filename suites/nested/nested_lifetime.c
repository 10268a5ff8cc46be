// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetime of nested HWPTs: what keeps a nest parent, a child and the IOAS
 * under them alive (EBUSY until the holder is gone, in every wrong destroy
 * order), failed child allocations that must not leak a reference to the
 * parent, and closing the iommufd with a tracking parent, live children
 * and a device on a child (no kernel warning, and the next iommufd builds
 * the same again). Cases SKIP where the profile says the target builds no
 * nested HWPT (nested.path).
 */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "harness/iod_test.h"
#include "harness/nested.h"
#include "uapi/iommufd.h"

FIXTURE(nested_lifetime) {
	struct iod_target t;
	struct iod_nested n;
};

FIXTURE_SETUP(nested_lifetime)
{
	IOD_NESTED_FIXTURE_SETUP(self);
}

FIXTURE_TEARDOWN(nested_lifetime)
{
	iod_nested_fixture_teardown(&self->n, &self->t);
}

/* A child holds its parent: EBUSY until the child is destroyed. */
TEST_F(nested_lifetime, parent_busy_with_child)
{
	uint32_t child, parent;

	IOD_NESTED_PARENT(&self->n, &self->t, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	parent = self->n.parent;
	IOD_ASSERT_ERR(0, iod_nested_child_alloc(&self->n, 0, 0, &child));
	IOD_ASSERT_ERR(EBUSY, iod_destroy(self->t.fd, parent));
	IOD_ASSERT_ERR(0, iod_nested_child_destroy(&self->n, child));
	IOD_ASSERT_ERR(0, iod_nested_parent_destroy(&self->n));
	IOD_ASSERT_ERR(ENOENT, iod_destroy(self->t.fd, child));
	IOD_ASSERT_ERR(ENOENT, iod_destroy(self->t.fd, parent));
}

/*
 * A device on a child holds the child (and through it the parent); moved
 * back to the IOAS, both can go.
 */
TEST_F(nested_lifetime, child_busy_while_attached)
{
	uint32_t child;

	IOD_NESTED_PARENT(&self->n, &self->t, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	IOD_ASSERT_ERR(0, iod_nested_child_alloc(&self->n, 0, 0, &child));
	IOD_ASSERT_ERR(0, iod_target_attach(&self->t, child));
	IOD_ASSERT_ERR(EBUSY, iod_destroy(self->t.fd, child));
	IOD_ASSERT_ERR(EBUSY, iod_destroy(self->t.fd, self->n.parent));
	IOD_ASSERT_ERR(0, iod_target_attach(&self->t, self->t.ioas_id));
	IOD_ASSERT_ERR(0, iod_nested_child_destroy(&self->n, child));
	IOD_ASSERT_ERR(0, iod_nested_parent_destroy(&self->n));
}

/*
 * The parent holds the IOAS it was allocated on: with the device on the
 * child (no automatic domain left on the IOAS), only the nest holds it.
 */
TEST_F(nested_lifetime, ioas_busy_under_parent)
{
	uint32_t child;

	IOD_NESTED_PARENT(&self->n, &self->t, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	IOD_ASSERT_ERR(0, iod_nested_child_alloc(&self->n, 0, 0, &child));
	IOD_ASSERT_ERR(0, iod_target_attach(&self->t, child));
	IOD_ASSERT_ERR(EBUSY, iod_destroy(self->t.fd, self->t.ioas_id));
	/* The device straight on the parent: the IOAS is still held. */
	IOD_ASSERT_ERR(0, iod_target_attach(&self->t, self->n.parent));
	IOD_ASSERT_ERR(EBUSY, iod_destroy(self->t.fd, self->t.ioas_id));
}

/*
 * Every wrong order of destroying a live nest is EBUSY and changes
 * nothing: the device still sits on the child, which is still attachable
 * after the refusals; the right order then destroys everything.
 */
TEST_F(nested_lifetime, destroy_order)
{
	uint32_t child, other;

	IOD_NESTED_PARENT(&self->n, &self->t, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	IOD_ASSERT_ERR(0, iod_nested_child_alloc(&self->n, 0, 0, &child));
	IOD_ASSERT_ERR(0, iod_nested_child_alloc(&self->n, 0, 0, &other));
	IOD_ASSERT_ERR(0, iod_target_attach(&self->t, child));
	IOD_ASSERT_ERR(EBUSY, iod_destroy(self->t.fd, self->t.ioas_id));
	IOD_ASSERT_ERR(EBUSY, iod_destroy(self->t.fd, self->n.parent));
	IOD_ASSERT_ERR(EBUSY, iod_destroy(self->t.fd, child));
	/* Everything is still there: replace onto the other child and back. */
	IOD_ASSERT_ERR(0, iod_target_attach(&self->t, other));
	IOD_ASSERT_ERR(0, iod_target_attach(&self->t, child));
	IOD_ASSERT_ERR(0, iod_nested_child_destroy(&self->n, other));
	IOD_ASSERT_ERR(0, iod_target_attach(&self->t, self->t.ioas_id));
	IOD_ASSERT_ERR(0, iod_nested_child_destroy(&self->n, child));
	IOD_ASSERT_ERR(0, iod_nested_parent_destroy(&self->n));
}

/* Children come and go on one parent; the parent's count stays right. */
TEST_F(nested_lifetime, children_come_and_go)
{
	uint32_t child;
	int i;

	IOD_NESTED_PARENT(&self->n, &self->t, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	for (i = 0; i < 16; i++) {
		IOD_ASSERT_ERR(0, iod_nested_child_alloc(&self->n, 0, 0,
							 &child));
		IOD_ASSERT_ERR(EBUSY, iod_destroy(self->t.fd, self->n.parent));
		IOD_ASSERT_ERR(0, iod_nested_child_destroy(&self->n, child));
	}
	IOD_ASSERT_ERR(0, iod_nested_parent_destroy(&self->n));
}

/*
 * A child allocation that fails after the parent was looked up must leave
 * no reference on it: the parent is destroyable right after. Failures at
 * three stages: the core's flags check, the driver's copy of the data,
 * and the fault object lookup after the child was made (aborted).
 */
FIXTURE(nested_failed_child) {
	struct iod_target t;
	struct iod_nested n;
};

FIXTURE_VARIANT(nested_failed_child) {
	const char *stage;
	int err;
};

FIXTURE_VARIANT_ADD(nested_failed_child, bad_flags) {
	.stage = "flags", .err = EOPNOTSUPP,
};

FIXTURE_VARIANT_ADD(nested_failed_child, bad_data_len) {
	.stage = "len", .err = EINVAL,
};

FIXTURE_VARIANT_ADD(nested_failed_child, absent_fault_id) {
	.stage = "fault", .err = ENOENT,
};

FIXTURE_SETUP(nested_failed_child)
{
	IOD_NESTED_FIXTURE_SETUP(self);
}

FIXTURE_TEARDOWN(nested_failed_child)
{
	iod_nested_fixture_teardown(&self->n, &self->t);
}

TEST_F(nested_failed_child, parent_released)
{
	const char *s = variant->stage;
	struct iod_nested_data d;
	struct iommu_hwpt_alloc cmd;

	IOD_NESTED_CHILD_CMD(&self->n, &self->t, &d, cmd);
	if (!strcmp(s, "flags")) {
		cmd.flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	} else if (!strcmp(s, "len")) {
		cmd.data_len = d.len + 4;
	} else {
		cmd.flags = IOMMU_HWPT_FAULT_ID_VALID;
		cmd.fault_id = 0x7fffff00u;
	}
	IOD_ASSERT_ERR(variant->err, iod_hwpt_alloc_raw(self->t.fd, &cmd));
	IOD_ASSERT_ERR(0, iod_nested_parent_destroy(&self->n));
}

/*
 * Closing the iommufd with a live nest: a parent (tracking on, where the
 * profile lets it track), two children, the device on one of them. The
 * kernel frees it all without a warning (VT-d warns when a parent is
 * freed with children left), and a fresh iommufd builds the same again.
 */
FIXTURE(nested_close) {
	struct iod_target t;
	struct iod_nested n;
};

FIXTURE_VARIANT(nested_close) {
	uint32_t flags;
};

FIXTURE_VARIANT_ADD(nested_close, tracking) {
	.flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
};

FIXTURE_VARIANT_ADD(nested_close, plain) {
	.flags = 0,
};

FIXTURE_SETUP(nested_close)
{
	IOD_NESTED_FIXTURE_SETUP(self);
}

FIXTURE_TEARDOWN(nested_close)
{
	iod_nested_fixture_teardown(&self->n, &self->t);
}

TEST_F(nested_close, everything_alive)
{
	bool track = variant->flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	uint32_t a, b;
	int kfd, i;

	for (i = 0; i < 2; i++) {
		IOD_NESTED_PARENT(&self->n, &self->t, variant->flags);
		IOD_ASSERT_ERR(0, iod_nested_child_alloc(&self->n, 0, 0, &a));
		IOD_ASSERT_ERR(0, iod_nested_child_alloc(&self->n, 0, 0, &b));
		IOD_ASSERT_ERR(0, iod_target_attach(&self->t, a));
		if (track)
			IOD_ASSERT_ERR(0, iod_set_dirty_tracking(self->t.fd,
								 self->n.parent,
								 true));
		if (i)
			break;
		kfd = iod_kmsg_open();
		/* The iommufd goes first, with the device still on a child. */
		close(self->t.fd);
		self->t.fd = -1;
		self->t.md.stdev_id = 0;
		iod_nested_forget(&self->n);
		iod_target_close(&self->t);
		IOD_ASSERT_NO_SPLAT(kfd);
		IOD_TARGET_OPEN(&self->t);
	}
}

IOD_HARNESS_MAIN
