// SPDX-License-Identifier: GPL-2.0
/*
 * Allocating nested HWPTs: a stage-1 child on a NEST_PARENT (optionally
 * DIRTY_TRACKING) stage-2 parent, with the vendor data the profile names
 * (nested.child_data), and the argument rules of IOMMU_HWPT_ALLOC for
 * nesting inputs: child flags, data type, length and pointer, pt_id and
 * dev_id, fault_id, the reserved fields, the struct size, and read-only
 * maps under a nest parent. Errnos of the core (hw_pagetable.c
 * iommufd_hwpt_alloc, iommufd_hwpt_nested_alloc,
 * __iommu_copy_struct_from_user) are the uAPI's for every IOMMU; what
 * differs by IOMMU or release comes from the profile. Cases SKIP where
 * the profile says the target builds no nested HWPT (nested.path).
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "harness/iod_test.h"
#include "harness/nested.h"
#include "uapi/hwpt_data.h"
#include "uapi/iommufd.h"
#include "uapi/mock.h"
#include "util.h"

/* An id no object has: a fresh iommufd hands out small ids. */
#define ABSENT_ID 0x7fffff00u

FIXTURE(nested_alloc) {
	struct iod_target t;
	struct iod_nested n;
};

FIXTURE_SETUP(nested_alloc)
{
	IOD_NESTED_FIXTURE_SETUP(self);
}

FIXTURE_TEARDOWN(nested_alloc)
{
	iod_nested_fixture_teardown(&self->n, &self->t);
}

/*
 * A child of a dirty-tracking parent: a new object, and the parent still
 * turns tracking on and off with it. On the mock, the child holds the
 * iotlb value of its data in all four entries, and a parent is not a
 * nested HWPT to MD_CHECK_IOTLB.
 */
TEST_F(nested_alloc, child_on_dirty_parent)
{
	uint32_t child, i;

	IOD_NESTED_PARENT(&self->n, &self->t, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	IOD_ASSERT_ERR(0, iod_nested_child_alloc(&self->n, 0, 0, &child));
	ASSERT_NE(0, child);
	ASSERT_NE(self->n.parent, child);
	IOD_ASSERT_ERR(0, iod_set_dirty_tracking(self->t.fd, self->n.parent,
						 true));
	IOD_ASSERT_ERR(0, iod_set_dirty_tracking(self->t.fd, self->n.parent,
						 false));
	if (!self->t.mock)
		return;
	for (i = 0; i <= MOCK_NESTED_DOMAIN_IOTLB_ID_MAX; i++)
		IOD_ASSERT_ERR(0, iod_mock_check_iotlb(self->t.fd, child, i,
						       IOMMU_TEST_IOTLB_DEFAULT));
	IOD_ASSERT_ERR(EINVAL, iod_mock_check_iotlb(self->t.fd, child, 0,
						    IOMMU_TEST_IOTLB_DEFAULT + 1));
	IOD_ASSERT_ERR(ENOENT, iod_mock_check_iotlb(self->t.fd, self->n.parent,
						    0, IOMMU_TEST_IOTLB_DEFAULT));
}

/* A parent without dirty tracking takes a child too. */
TEST_F(nested_alloc, child_on_plain_parent)
{
	uint32_t child;

	IOD_NESTED_PARENT(&self->n, &self->t, 0);
	IOD_ASSERT_ERR(0, iod_nested_child_alloc(&self->n, 0, 0, &child));
	ASSERT_NE(0, child);
}

/* Two children of one parent are two objects, destroyed one by one. */
TEST_F(nested_alloc, two_children)
{
	uint32_t a, b;

	IOD_NESTED_PARENT(&self->n, &self->t, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	IOD_ASSERT_ERR(0, iod_nested_child_alloc(&self->n, 0, 0, &a));
	IOD_ASSERT_ERR(0, iod_nested_child_alloc(&self->n, 0, 0, &b));
	ASSERT_NE(a, b);
	IOD_ASSERT_ERR(0, iod_nested_child_destroy(&self->n, a));
	IOD_ASSERT_ERR(ENOENT, iod_destroy(self->t.fd, a));
	IOD_ASSERT_ERR(0, iod_nested_child_destroy(&self->n, b));
	IOD_ASSERT_ERR(0, iod_nested_parent_destroy(&self->n));
}

/*
 * A child is not a paging HWPT: the dirty ioctls and (mock) the test ops
 * that read a paging domain find no such object (iommufd_get_hwpt_paging:
 * ENOENT), even when its parent tracks.
 */
TEST_F(nested_alloc, child_is_not_paging)
{
	uint64_t bitmap[1] = { 0 };
	uint64_t pg = iod_base_leaf();
	uint32_t child;

	IOD_NESTED_PARENT(&self->n, &self->t, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	IOD_ASSERT_ERR(0, iod_nested_child_alloc(&self->n, 0, 0, &child));
	IOD_ASSERT_ERR(ENOENT, iod_set_dirty_tracking(self->t.fd, child, true));
	IOD_ASSERT_ERR(0, iod_set_dirty_tracking(self->t.fd, self->n.parent,
						 true));
	IOD_ASSERT_ERR(ENOENT, iod_get_dirty_bitmap(self->t.fd, child, 0,
						    64 * pg, pg, bitmap, 0));
	if (!self->t.mock)
		return;
	IOD_ASSERT_ERR(ENOENT, iod_mock_set_dirty(self->t.fd, child, 0,
						  64 * pg, pg, bitmap, NULL));
	IOD_ASSERT_ERR(ENOENT, iod_mock_check_map(self->t.fd, child, 0, NULL,
						  0));
}

/*
 * A device whose IOMMU cannot track dirty pages (the mock's
 * MOCK_FLAGS_DEVICE_NO_DIRTY) cannot allocate a dirty nest parent
 * (iommufd_hwpt_paging_alloc: the capability check, EOPNOTSUPP), and
 * allocates a plain one as the profile says.
 */
TEST_F(nested_alloc, parent_on_incapable_device)
{
	struct iod_mock_dev nodirty;
	uint32_t hwpt;

	if (!self->t.mock)
		SKIP(return, "needs a dirty-incapable device beside the capable one: only the mock creates one on demand");
	ASSERT_EQ(0, iod_mock_dev_create(self->t.fd, self->t.ioas_id,
					 MOCK_FLAGS_DEVICE_NO_DIRTY, &nodirty));
	IOD_ASSERT_ERR(EOPNOTSUPP,
		       iod_hwpt_alloc(self->t.fd, nodirty.idev_id,
				      self->t.ioas_id,
				      IOMMU_HWPT_ALLOC_NEST_PARENT |
				      IOMMU_HWPT_ALLOC_DIRTY_TRACKING, NULL));
	IOD_ASSERT_OUTCOME("alloc.nest_parent",
			   iod_hwpt_alloc(self->t.fd, nodirty.idev_id,
					  self->t.ioas_id,
					  IOMMU_HWPT_ALLOC_NEST_PARENT, &hwpt));
}

/* A NEST_PARENT HWPT takes no fault queue (iommufd_hwpt_paging_alloc). */
TEST_F(nested_alloc, parent_fault_id)
{
	IOD_ASSERT_ERR(EOPNOTSUPP,
		       iod_hwpt_alloc(self->t.fd, self->t.dev_id,
				      self->t.ioas_id,
				      IOMMU_HWPT_ALLOC_NEST_PARENT |
				      IOMMU_HWPT_FAULT_ID_VALID, NULL));
	IOD_ASSERT_ERR(EOPNOTSUPP,
		       iod_hwpt_alloc(self->t.fd, self->t.dev_id,
				      self->t.ioas_id,
				      IOMMU_HWPT_ALLOC_NEST_PARENT |
				      IOMMU_HWPT_ALLOC_DIRTY_TRACKING |
				      IOMMU_HWPT_FAULT_ID_VALID, NULL));
}

/*
 * Driver data on a paging allocation (pt_id the IOAS) is refused, with or
 * without NEST_PARENT: the mock's and VT-d's domain_alloc_user return
 * EOPNOTSUPP for user data without a parent.
 */
TEST_F(nested_alloc, paging_with_data)
{
	struct iod_nested_data d;

	IOD_NESTED_PARENT(&self->n, &self->t, 0);
	IOD_ASSERT_ERR(0, iod_nested_child_data(&self->n, &d));
	IOD_ASSERT_ERR(EOPNOTSUPP,
		       iod_hwpt_alloc_data(self->t.fd, self->t.dev_id,
					   self->t.ioas_id,
					   IOMMU_HWPT_ALLOC_NEST_PARENT, d.type,
					   &d.u, d.len, NULL));
	IOD_ASSERT_ERR(EOPNOTSUPP,
		       iod_hwpt_alloc_data(self->t.fd, self->t.dev_id,
					   self->t.ioas_id, 0, d.type, &d.u,
					   d.len, NULL));
}

/* The only flag a child takes is FAULT_ID_VALID: others EOPNOTSUPP. */
FIXTURE(nested_child_flags) {
	struct iod_target t;
	struct iod_nested n;
};

FIXTURE_VARIANT(nested_child_flags) {
	uint32_t flags;
};

FIXTURE_VARIANT_ADD(nested_child_flags, dirty_tracking) {
	.flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
};

FIXTURE_VARIANT_ADD(nested_child_flags, nest_parent) {
	.flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
};

FIXTURE_VARIANT_ADD(nested_child_flags, undefined_bit) {
	.flags = 1u << 5,
};

FIXTURE_SETUP(nested_child_flags)
{
	IOD_NESTED_FIXTURE_SETUP(self);
}

FIXTURE_TEARDOWN(nested_child_flags)
{
	iod_nested_fixture_teardown(&self->n, &self->t);
}

/* iommufd_hwpt_nested_alloc: flags & ~FAULT_ID_VALID is EOPNOTSUPP. */
TEST_F(nested_child_flags, refused)
{
	IOD_NESTED_PARENT(&self->n, &self->t, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	IOD_ASSERT_ERR(EOPNOTSUPP, iod_nested_child_alloc(&self->n, 0,
							  variant->flags,
							  NULL));
	ASSERT_EQ(0, self->n.nr_children);
}

/*
 * The child's data must be exactly the driver's struct: shorter or longer
 * (even with a zero tail), EINVAL (__iommu_copy_struct_from_user: the
 * length lies outside [min_len, sizeof]; both structs of 6.12 have
 * min_len = sizeof); no data at all with a data type, EINVAL
 * (iommufd_hwpt_alloc).
 */
FIXTURE(nested_child_len) {
	struct iod_target t;
	struct iod_nested n;
};

FIXTURE_VARIANT(nested_child_len) {
	int delta;		/* bytes added to the struct's length */
	bool zero;		/* data_len 0 */
};

FIXTURE_VARIANT_ADD(nested_child_len, short_by_one) {
	.delta = -1,
};

FIXTURE_VARIANT_ADD(nested_child_len, zero_tail) {
	.delta = 8,
};

FIXTURE_VARIANT_ADD(nested_child_len, zero_len) {
	.zero = true,
};

FIXTURE_SETUP(nested_child_len)
{
	IOD_NESTED_FIXTURE_SETUP(self);
}

FIXTURE_TEARDOWN(nested_child_len)
{
	iod_nested_fixture_teardown(&self->n, &self->t);
}

TEST_F(nested_child_len, einval)
{
	struct iod_nested_data d;
	struct iommu_hwpt_alloc cmd;

	IOD_NESTED_CHILD_CMD(&self->n, &self->t, &d, cmd);
	cmd.data_len = variant->zero ? 0 : d.len + variant->delta;
	ASSERT_GE(sizeof(d.u), (size_t)cmd.data_len);
	IOD_ASSERT_ERR(EINVAL, iod_hwpt_alloc_raw(self->t.fd, &cmd));
}

/* The child's data pointer is NULL: EFAULT, nothing allocated. */
TEST_F(nested_alloc, child_data_null)
{
	struct iod_nested_data d;
	struct iommu_hwpt_alloc cmd;

	IOD_NESTED_CHILD_CMD(&self->n, &self->t, &d, cmd);
	cmd.data_uptr = 0;
	IOD_ASSERT_ERR(EFAULT, iod_hwpt_alloc_raw(self->t.fd, &cmd));
	/* Nothing holds the parent. */
	IOD_ASSERT_ERR(0, iod_nested_parent_destroy(&self->n));
}

/* The child's data pointer is unmapped memory: EFAULT. */
TEST_F(nested_alloc, child_data_unmapped)
{
	struct iod_nested_data d;
	struct iommu_hwpt_alloc cmd;
	uint64_t pg = iod_host_page();
	void *hole;

	IOD_NESTED_CHILD_CMD(&self->n, &self->t, &d, cmd);
	hole = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hole);
	cmd.data_uptr = (uintptr_t)hole;
	IOD_ASSERT_ERR(EFAULT, iod_hwpt_alloc_raw(self->t.fd, &cmd));
	munmap(hole, pg);
}

/*
 * A data type that is not the driver's: IOMMU_HWPT_DATA_NONE with data
 * is EINVAL (iommufd_hwpt_alloc); another driver's type or an undefined
 * one is EOPNOTSUPP (the mock's and VT-d's domain_alloc_user check the
 * type before anything else).
 */
FIXTURE(nested_child_type) {
	struct iod_target t;
	struct iod_nested n;
};

FIXTURE_VARIANT(nested_child_type) {
	const char *kind;	/* none, foreign, undefined */
	int err;
};

FIXTURE_VARIANT_ADD(nested_child_type, none) {
	.kind = "none", .err = EINVAL,
};

FIXTURE_VARIANT_ADD(nested_child_type, foreign) {
	.kind = "foreign", .err = EOPNOTSUPP,
};

FIXTURE_VARIANT_ADD(nested_child_type, undefined) {
	.kind = "undefined", .err = EOPNOTSUPP,
};

FIXTURE_SETUP(nested_child_type)
{
	IOD_NESTED_FIXTURE_SETUP(self);
}

FIXTURE_TEARDOWN(nested_child_type)
{
	iod_nested_fixture_teardown(&self->n, &self->t);
}

TEST_F(nested_child_type, refused)
{
	struct iod_nested_data d;
	struct iommu_hwpt_alloc cmd;

	IOD_NESTED_CHILD_CMD(&self->n, &self->t, &d, cmd);
	if (!strcmp(variant->kind, "none"))
		cmd.data_type = IOMMU_HWPT_DATA_NONE;
	else if (!strcmp(variant->kind, "foreign"))
		cmd.data_type = d.type == IOMMU_HWPT_DATA_VTD_S1 ?
				IOMMU_HWPT_DATA_SELFTEST :
				IOMMU_HWPT_DATA_VTD_S1;
	else
		cmd.data_type = 0x7777;
	IOD_ASSERT_ERR(variant->err, iod_hwpt_alloc_raw(self->t.fd, &cmd));
}

/*
 * pt_id must be a NEST_PARENT paging HWPT: an absent id, a nested HWPT, a
 * device, a paging HWPT without NEST_PARENT and an automatic domain are
 * all EINVAL (iommufd_hwpt_alloc remaps a failed lookup and a wrong
 * object type to EINVAL; iommufd_hwpt_nested_alloc refuses an auto or
 * non-parent domain).
 */
FIXTURE(nested_bad_pt) {
	struct iod_target t;
	struct iod_nested n;
};

FIXTURE_VARIANT(nested_bad_pt) {
	const char *kind;
};

FIXTURE_VARIANT_ADD(nested_bad_pt, absent) { .kind = "absent" };
FIXTURE_VARIANT_ADD(nested_bad_pt, nested_hwpt) { .kind = "nested" };
FIXTURE_VARIANT_ADD(nested_bad_pt, device) { .kind = "device" };
FIXTURE_VARIANT_ADD(nested_bad_pt, not_nest_parent) { .kind = "plain" };
FIXTURE_VARIANT_ADD(nested_bad_pt, auto_domain) { .kind = "auto" };

FIXTURE_SETUP(nested_bad_pt)
{
	IOD_NESTED_FIXTURE_SETUP(self);
}

FIXTURE_TEARDOWN(nested_bad_pt)
{
	iod_nested_fixture_teardown(&self->n, &self->t);
}

TEST_F(nested_bad_pt, einval)
{
	const char *k = variant->kind;
	struct iod_nested_data d;
	struct iommu_hwpt_alloc cmd;
	uint32_t pt = ABSENT_ID;

	IOD_NESTED_CHILD_CMD(&self->n, &self->t, &d, cmd);
	if (!strcmp(k, "nested")) {
		IOD_ASSERT_ERR(0, iod_nested_child_alloc(&self->n, 0, 0, &pt));
	} else if (!strcmp(k, "device")) {
		pt = self->t.dev_id;
	} else if (!strcmp(k, "plain")) {
		IOD_NEED_PLAIN_HWPT();
		IOD_ASSERT_ERR(0, iod_hwpt_alloc(self->t.fd, self->t.dev_id,
						 self->t.ioas_id, 0, &pt));
	} else if (!strcmp(k, "auto")) {
		IOD_ASSERT_ERR(0, iod_target_attach(&self->t,
						    self->t.ioas_id));
		pt = self->t.pt_id;
		ASSERT_NE(self->t.ioas_id, pt)
			TH_LOG("attaching to the IOAS gave no automatic HWPT id");
	}
	cmd.pt_id = pt;
	IOD_ASSERT_ERR(EINVAL, iod_hwpt_alloc_raw(self->t.fd, &cmd));
}

/* dev_id must be a device: an absent id or the parent's is ENOENT. */
TEST_F(nested_alloc, bad_dev_id)
{
	struct iod_nested_data d;
	struct iommu_hwpt_alloc cmd;

	IOD_NESTED_CHILD_CMD(&self->n, &self->t, &d, cmd);
	cmd.dev_id = ABSENT_ID;
	IOD_ASSERT_ERR(ENOENT, iod_hwpt_alloc_raw(self->t.fd, &cmd));
	cmd = iod_nested_child_cmd(&self->n, &d);
	cmd.dev_id = self->n.parent;
	IOD_ASSERT_ERR(ENOENT, iod_hwpt_alloc_raw(self->t.fd, &cmd));
}

/* FAULT_ID_VALID naming no fault object: ENOENT, the child aborted. */
TEST_F(nested_alloc, child_fault_id_absent)
{
	struct iod_nested_data d;
	struct iommu_hwpt_alloc cmd;

	IOD_NESTED_CHILD_CMD(&self->n, &self->t, &d, cmd);
	cmd.flags = IOMMU_HWPT_FAULT_ID_VALID;
	cmd.fault_id = ABSENT_ID;
	IOD_ASSERT_ERR(ENOENT, iod_hwpt_alloc_raw(self->t.fd, &cmd));
	cmd.fault_id = self->n.parent;
	IOD_ASSERT_ERR(ENOENT, iod_hwpt_alloc_raw(self->t.fd, &cmd));
}

/*
 * fault_id is "valid only if" FAULT_ID_VALID is set (uAPI): without the
 * flag, any value allocates.
 */
TEST_F(nested_alloc, fault_id_ignored_without_flag)
{
	struct iod_nested_data d;
	struct iommu_hwpt_alloc cmd;

	IOD_NESTED_CHILD_CMD(&self->n, &self->t, &d, cmd);
	cmd.fault_id = ABSENT_ID;
	IOD_ASSERT_ERR(0, iod_hwpt_alloc_raw(self->t.fd, &cmd));
	ASSERT_NE(0, cmd.out_hwpt_id);
	IOD_ASSERT_ERR(0, iod_destroy(self->t.fd, cmd.out_hwpt_id));
}

/* A child with a non-zero __reserved: EOPNOTSUPP (iommufd_hwpt_alloc). */
TEST_F(nested_alloc, child_reserved)
{
	struct iod_nested_data d;
	struct iommu_hwpt_alloc cmd;

	IOD_NESTED_CHILD_CMD(&self->n, &self->t, &d, cmd);
	cmd.__reserved = 1;
	IOD_ASSERT_ERR(EOPNOTSUPP, iod_hwpt_alloc_raw(self->t.fd, &cmd));
}

/*
 * __reserved2 is documented "Must be 0": a non-zero value must be refused
 * as __reserved is (EOPNOTSUPP), for the parent and for a child.
 */
FIXTURE(nested_reserved2) {
	struct iod_target t;
	struct iod_nested n;
};

FIXTURE_VARIANT(nested_reserved2) {
	bool child;
};

FIXTURE_VARIANT_ADD(nested_reserved2, parent) { .child = false };
FIXTURE_VARIANT_ADD(nested_reserved2, child) { .child = true };

FIXTURE_SETUP(nested_reserved2)
{
	IOD_NESTED_FIXTURE_SETUP(self);
}

FIXTURE_TEARDOWN(nested_reserved2)
{
	iod_nested_fixture_teardown(&self->n, &self->t);
}

TEST_F(nested_reserved2, refused)
{
	struct iod_nested_data d;
	struct iommu_hwpt_alloc cmd;
	int rc;

	IOD_NESTED_PARENT(&self->n, &self->t, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	IOD_ASSERT_ERR(0, iod_nested_child_data(&self->n, &d));
	if (variant->child) {
		cmd = iod_nested_child_cmd(&self->n, &d);
	} else {
		cmd = (struct iommu_hwpt_alloc){
			.size = sizeof(cmd),
			.flags = IOMMU_HWPT_ALLOC_NEST_PARENT |
				 IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
			.dev_id = self->t.dev_id,
			.pt_id = self->t.ioas_id,
		};
	}
	cmd.__reserved2 = 1;
	rc = iod_hwpt_alloc_raw(self->t.fd, &cmd);
	if (!rc)
		iod_destroy(self->t.fd, cmd.out_hwpt_id);
	IOD_XFAIL_IF_KNOWN_BUG(rc == 0);
	IOD_ASSERT_ERR(EOPNOTSUPP, rc);
}

/*
 * The 24-byte struct of 6.6 (up to __reserved) has no data fields: on a
 * parent that is a nested allocation without data, EOPNOTSUPP
 * (iommufd_hwpt_nested_alloc: !user_data->len).
 */
TEST_F(nested_alloc, struct_size_without_data)
{
	struct iommu_hwpt_alloc cmd = {
		.dev_id = self->t.dev_id,
	};

	IOD_NESTED_PARENT(&self->n, &self->t, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	cmd.pt_id = self->n.parent;
	IOD_ASSERT_ERR(EOPNOTSUPP,
		       iod_ioctl_sized(self->t.fd, IOMMU_HWPT_ALLOC, &cmd,
				       offsetof(struct iommu_hwpt_alloc,
						data_type)));
}

/*
 * A struct longer than the kernel's: a zero tail allocates the child, a
 * non-zero one is E2BIG (the common size rule of every iommufd ioctl).
 */
TEST_F(nested_alloc, struct_size_tail)
{
	struct iod_nested_data d;
	struct {
		struct iommu_hwpt_alloc cmd;
		uint64_t tail;
	} big;

	IOD_NESTED_PARENT(&self->n, &self->t, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	IOD_ASSERT_ERR(0, iod_nested_child_data(&self->n, &d));
	memset(&big, 0, sizeof(big));
	big.cmd = iod_nested_child_cmd(&self->n, &d);
	big.tail = 1;
	IOD_ASSERT_ERR(E2BIG, iod_ioctl_sized(self->t.fd, IOMMU_HWPT_ALLOC,
					      &big, sizeof(big)));
	big.tail = 0;
	IOD_ASSERT_ERR(0, iod_ioctl_sized(self->t.fd, IOMMU_HWPT_ALLOC, &big,
					  sizeof(big)));
	ASSERT_NE(0, big.cmd.out_hwpt_id);
	IOD_ASSERT_ERR(0, iod_destroy(self->t.fd, big.cmd.out_hwpt_id));
}

/*
 * Read-only maps under a nest parent: mapping a range without WRITEABLE
 * into an IOAS that holds a NEST_PARENT HWPT, and allocating the parent
 * on an IOAS that holds such a range, give the profile's
 * nested.parent_readonly_map (VT-d refuses read-only second-stage entries
 * of a nest parent, errata 772415).
 */
FIXTURE(nested_readonly) {
	struct iod_target t;
	struct iod_nested n;
	void *buf;
	uint64_t len;
	uint64_t iova;
};

FIXTURE_VARIANT(nested_readonly) {
	bool map_first;
};

FIXTURE_VARIANT_ADD(nested_readonly, map_after_parent) {
	.map_first = false,
};

FIXTURE_VARIANT_ADD(nested_readonly, parent_after_map) {
	.map_first = true,
};

FIXTURE_SETUP(nested_readonly)
{
	memset(&self->n, 0, sizeof(self->n));
	self->buf = NULL;
	IOD_TARGET_OPEN(&self->t);
	IOD_NESTED_NEED();
	self->len = iod_max_u64(iod_host_page(), iod_base_leaf());
	self->buf = mmap(NULL, self->len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	ASSERT_EQ(0, iod_ioas_pick_iova(self->t.fd, self->t.ioas_id,
					self->len, 1 * M, self->len,
					&self->iova));
}

FIXTURE_TEARDOWN(nested_readonly)
{
	iod_nested_teardown(&self->n);
	iod_target_close(&self->t);
	if (self->buf && self->buf != MAP_FAILED)
		munmap(self->buf, self->len);
}

static int map_readonly(FIXTURE_DATA(nested_readonly) *self)
{
	uint64_t iova = self->iova;

	return iod_ioas_map(self->t.fd, self->t.ioas_id, self->buf, self->len,
			    IOMMU_IOAS_MAP_FIXED_IOVA |
			    IOMMU_IOAS_MAP_READABLE, &iova);
}

TEST_F(nested_readonly, outcome)
{
	int want = iod_profile_errno(iod_env.profile,
				     "nested.parent_readonly_map");
	int rc;

	if (want < 0)
		SKIP(return, "profile %s does not state nested.parent_readonly_map",
		     iod_profile_path(iod_env.profile));
	if (variant->map_first) {
		IOD_ASSERT_ERR(0, map_readonly(self));
		if (iod_expect("alloc.nest_parent"))
			SKIP(return, "profile says alloc.nest_parent = %s",
			     iod_errno_name(iod_expect("alloc.nest_parent")));
		rc = iod_nested_parent_alloc(&self->n, &self->t, 0);
		IOD_ASSERT_OUTCOME("nested.parent_readonly_map", rc);
		return;
	}
	IOD_NESTED_PARENT(&self->n, &self->t, 0);
	rc = map_readonly(self);
	IOD_ASSERT_OUTCOME("nested.parent_readonly_map", rc);
	/* A writable mapping of the same range still goes in. */
	if (rc)
		IOD_ASSERT_ERR(0, iod_ioas_map_fixed(self->t.fd,
						     self->t.ioas_id,
						     self->buf, self->len,
						     self->iova));
}

IOD_HARNESS_MAIN
