// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_HWPT_INVALIDATE conformance.
 *
 * The core's argument rules, which hold before the id is looked up and so
 * are checked on every target against an id that does not exist (a rule
 * that did not hold would give the lookup's ENOENT): __reserved, entry_num
 * with no data or entry_len 0, the entry caps (profile
 * nested.invalidate_entry_caps), the struct size; and an id that is not a
 * nested HWPT, whose errno changed with the release (profile
 * nested.invalidate_non_nested).
 *
 * On the iommufd mock's nested domain (a child of a NEST_PARENT HWPT): the
 * driver's rules for data_type and the selftest entry (flags, iotlb_id,
 * entry_len), entry_num written back as the number
 * of entries handled (the error index on a partial failure), and the
 * child's mock IOTLB after every call (IOMMU_TEST_OP_MD_CHECK_IOTLB):
 * the entries handled are cleared, nothing else is.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "harness/iod_test.h"
#include "harness/nested.h"
#include "uapi/iommufd.h"
#include "uapi/mock.h"
#include "util.h"

/* An id no object has. */
#define NO_ID 0x7fffffffu
#define IOTLB_ALL ((1u << MOCK_NESTED_DOMAIN_IOTLB_NUM) - 1)
/* The core's entry_num cap (6.12.117 hw_pagetable.c). */
#define ENTRY_NUM_MAX (1u << 19)


/* The target, a nest parent and a mock nested HWPT (child) on it. */
struct nest {
	struct iod_target t;
	struct iod_nested nest;	/* the nest parent and the child */
	uint32_t child;		/* mock nested HWPT on the parent, 0 if none */
	char why[256];		/* why there is no child, or what failed */
};

/*
 * On the opened target: the nest parent and the mock child (every IOTLB
 * entry IOMMU_TEST_IOTLB_DEFAULT, the profile's nested.child_data) where
 * the profile says they can be had. 0 with n->child set, or 0 with
 * n->child 0 and n->why saying why there is none; -errno with n->why when
 * an allocation the profile promises fails.
 */
static int nest_alloc(struct nest *n)
{
	int want = iod_expect("alloc.nest_parent"), rc;

	if (want) {
		snprintf(n->why, sizeof(n->why),
			 "no nested HWPT to invalidate: the profile says NEST_PARENT allocation fails here (alloc.nest_parent = %s)",
			 iod_errno_name(want));
		return 0;
	}
	rc = iod_nested_parent_alloc(&n->nest, &n->t, 0);
	if (rc) {
		snprintf(n->why, sizeof(n->why),
			 "HWPT_ALLOC(NEST_PARENT), which the profile says succeeds: %s",
			 iod_errno_name(-rc));
		return rc;
	}
	if (!n->t.mock) {
		snprintf(n->why, sizeof(n->why),
			 "the child's invalidation entries checked here are the iommufd mock's (IOMMU_HWPT_INVALIDATE_DATA_SELFTEST); profile device is %s",
			 iod_rule("device", "unset"));
		return 0;
	}
	rc = iod_nested_child_alloc(&n->nest, 0, 0, &n->child);
	if (rc)
		snprintf(n->why, sizeof(n->why),
			 "mock nested HWPT on the nest parent: %s",
			 iod_errno_name(-rc));
	return rc;
}

/* In a fixture teardown: the nest, then the target. */
static void nest_close(struct nest *n)
{
	iod_nested_fixture_teardown(&n->nest, &n->t);
}

/* In a fixture set-up: open the target, its parent and child, or SKIP/fail. */
#define NEST_OPEN(n) do { \
	int __nrc; \
	memset((n), 0, sizeof(*(n))); \
	IOD_TARGET_OPEN(&(n)->t); \
	if (iod_rule_is("nested.invalidate_non_nested", "absent")) \
		SKIP(return, "profile %s says this kernel has no IOMMU_HWPT_INVALIDATE (nested.invalidate_non_nested = absent)", \
		     iod_profile_path(iod_env.profile)); \
	__nrc = nest_alloc(n); \
	ASSERT_EQ(0, __nrc) TH_LOG("%s", (n)->why); \
} while (0)

/*
 * Invalidate n selftest entries of entry_len bytes each at data; *done
 * gets entry_num as written back.
 */
static int inv_len(int fd, uint32_t id, const void *data, uint32_t entry_len,
		   uint32_t n, uint32_t *done)
{
	*done = n;
	return iod_hwpt_invalidate(fd, id, IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
				   data, entry_len, done);
}

/* The same with entries of their own size. */
static int inv(int fd, uint32_t id,
	       const struct iommu_hwpt_invalidate_selftest *e, uint32_t n,
	       uint32_t *done)
{
	return inv_len(fd, id, e, sizeof(*e), n, done);
}

/*
 * The entries of the child's mock IOTLB that do not hold what they must:
 * 0 for those in `cleared` (bit i: entry i), IOMMU_TEST_IOTLB_DEFAULT for
 * the others. A mask of the wrong entries, or -errno when the check fails.
 */
static int iotlb_wrong(int fd, uint32_t child, unsigned int cleared)
{
	unsigned int i, wrong = 0;

	for (i = 0; i < MOCK_NESTED_DOMAIN_IOTLB_NUM; i++) {
		uint32_t want = cleared & (1u << i) ? 0 :
			IOMMU_TEST_IOTLB_DEFAULT;
		int rc = iod_mock_check_iotlb(fd, child, i, want);

		if (rc == -EINVAL)
			wrong |= 1u << i;
		else if (rc)
			return rc;
	}
	return wrong;
}

/*
 * The child's IOTLB has exactly the entries in `cleared` invalidated
 * (nothing to check where there is no child).
 */
#define ASSERT_IOTLB(n, cleared) do { \
	int __w = (n)->child ? \
		iotlb_wrong((n)->t.fd, (n)->child, (cleared)) : 0; \
	if (__w < 0) \
		TH_LOG("MD_CHECK_IOTLB on the child: %s", \
		       iod_errno_name(-__w)); \
	else if (__w) \
		TH_LOG("mock IOTLB of the child: entries 0x%x wrong (those in 0x%x must be invalidated, the others hold 0x%x)", \
		       __w, (unsigned int)(cleared), \
		       IOMMU_TEST_IOTLB_DEFAULT); \
	ASSERT_EQ(0, __w); \
} while (0)

/* rc is -e (0 for e == 0) and entry_num was written back as `done`. */
#define ASSERT_INV(e, want_done, rc, done) do { \
	IOD_ASSERT_ERR(e, rc); \
	ASSERT_EQ((uint32_t)(want_done), (done)) \
		TH_LOG("entry_num written back: %u, the entries handled: %u", \
		       (done), (uint32_t)(want_done)); \
} while (0)

/*
 * The core's argument rules, checked before the id is looked up: against
 * an id of no object (a rule that did not hold would give the lookup's
 * ENOENT), and against the mock child (nothing may be invalidated).
 */
FIXTURE(nested_invalidate_args) {
	struct nest n;
	uint32_t id;	/* the id every call names */
	int pass;	/* what the id gives once the rules pass: 0 or ENOENT */
};

FIXTURE_VARIANT(nested_invalidate_args) {
	bool child;
};

FIXTURE_VARIANT_ADD(nested_invalidate_args, no_object) {
	.child = false,
};

FIXTURE_VARIANT_ADD(nested_invalidate_args, child) {
	.child = true,
};

FIXTURE_SETUP(nested_invalidate_args)
{
	NEST_OPEN(&self->n);
	if (!variant->child) {
		self->id = NO_ID;
		self->pass = ENOENT;
		self->n.child = 0;
		return;
	}
	if (!self->n.child)
		SKIP(return, "%s", self->n.why);
	self->id = self->n.child;
	self->pass = 0;
}

FIXTURE_TEARDOWN(nested_invalidate_args)
{
	nest_close(&self->n);
}

/*
 * A non-zero __reserved: EOPNOTSUPP before anything else, entry_num 0, no
 * entry handled.
 */
TEST_F(nested_invalidate_args, reserved_nonzero)
{
	struct iommu_hwpt_invalidate_selftest e = { .iotlb_id = 1 };
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = self->id,
		.data_uptr = (uintptr_t)&e,
		.data_type = IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
		.entry_len = sizeof(e),
		.entry_num = 1,
		.__reserved = 1,
	};

	ASSERT_INV(EOPNOTSUPP, 0, iod_hwpt_invalidate_raw(self->n.t.fd, &cmd),
		   cmd.entry_num);
	ASSERT_IOTLB(&self->n, 0);
}

/* entry_num with no data (data_uptr 0): EINVAL, entry_num 0. */
TEST_F(nested_invalidate_args, entries_without_data)
{
	uint32_t done;

	ASSERT_INV(EINVAL, 0,
		   inv(self->n.t.fd, self->id, NULL, 1, &done), done);
	ASSERT_IOTLB(&self->n, 0);
}

/* entry_num with entry_len 0: EINVAL, entry_num 0. */
TEST_F(nested_invalidate_args, entry_len_zero)
{
	struct iommu_hwpt_invalidate_selftest e = { .iotlb_id = 2 };
	uint32_t done;

	ASSERT_INV(EINVAL, 0,
		   inv_len(self->n.t.fd, self->id, &e, 0, 1, &done), done);
	ASSERT_IOTLB(&self->n, 0);
}

/*
 * No entries: the data rules do not apply (no data and entry_len 0 are
 * fine), the id is looked up, and a nested HWPT gets a call that handles
 * nothing: entry_num 0, the IOTLB untouched.
 */
TEST_F(nested_invalidate_args, zero_entries)
{
	struct iommu_hwpt_invalidate_selftest e = { .iotlb_id = 0 };
	uint32_t done;

	ASSERT_INV(self->pass, 0,
		   inv_len(self->n.t.fd, self->id, NULL, 0, 0, &done), done);
	ASSERT_INV(self->pass, 0, inv(self->n.t.fd, self->id, &e, 0, &done),
		   done);
	ASSERT_IOTLB(&self->n, 0);
}

/*
 * entry_len one byte above the page size: EINVAL and entry_num 0 where the
 * profile says the core caps the entries; else the entry reaches the id,
 * and the mock refuses an entry longer than its struct (EINVAL, see
 * nested_invalidate.entry_len_long).
 */
TEST_F(nested_invalidate_args, entry_len_over_page)
{
	size_t len = iod_host_page() + 1;
	struct iommu_hwpt_invalidate_selftest e = { .iotlb_id = 3 };
	uint32_t done;
	uint8_t *buf;
	int want, rc;

	IOD_NEED_RULE("nested.invalidate_entry_caps");
	want = iod_rule_errno("nested.invalidate_entry_caps");
	buf = calloc(1, len);
	ASSERT_NE(NULL, buf);
	iod_inv_array_fill(buf, &e, sizeof(e), 1, len);
	rc = inv_len(self->n.t.fd, self->id, buf, len, 1, &done);
	free(buf);
	/* Past the core: the lookup's ENOENT, or the mock's EINVAL. */
	if (!want)
		want = self->pass ? self->pass : EINVAL;
	ASSERT_INV(want, 0, rc, done);
	ASSERT_IOTLB(&self->n, 0);
}

/*
 * entry_num one above 1 << 19: EINVAL and entry_num 0 where the profile
 * says the core caps the entries, else every entry reaches the id. Exactly
 * 1 << 19 entries are always allowed.
 */
TEST_F(nested_invalidate_args, entry_num_over_cap)
{
	size_t n = ENTRY_NUM_MAX + 1, i;
	struct iommu_hwpt_invalidate_selftest *e;
	uint32_t done;
	int want, rc;

	IOD_NEED_RULE("nested.invalidate_entry_caps");
	want = iod_rule_errno("nested.invalidate_entry_caps");
	e = calloc(n, sizeof(*e));
	ASSERT_NE(NULL, e);
	for (i = 0; i < n; i++)
		e[i].iotlb_id = i % 2;
	rc = inv(self->n.t.fd, self->id, e, n, &done);
	if (want)
		ASSERT_INV(want, 0, rc, done);
	else
		ASSERT_INV(self->pass, self->pass ? 0 : n, rc, done);
	ASSERT_IOTLB(&self->n, want ? 0 : 3);
	/* The cap itself: entries 0 .. 1 << 19 - 1, ids 2 and 3. */
	for (i = 0; i < ENTRY_NUM_MAX; i++)
		e[i].iotlb_id = 2 + i % 2;
	rc = inv(self->n.t.fd, self->id, e, ENTRY_NUM_MAX, &done);
	free(e);
	ASSERT_INV(self->pass, self->pass ? 0 : ENTRY_NUM_MAX, rc, done);
	ASSERT_IOTLB(&self->n, want ? 0xc : IOTLB_ALL);
}

/*
 * Struct size: below the last mandatory field (__reserved, 32 bytes)
 * EINVAL; 32 bytes is the whole command; unknown non-zero trailing bytes
 * E2BIG, zero ones are ignored.
 */
TEST_F(nested_invalidate_args, struct_size)
{
	struct {
		struct iommu_hwpt_invalidate cmd;
		uint64_t tail;
	} big;
	uint32_t min = offsetof(struct iommu_hwpt_invalidate, __reserved) +
		       sizeof(uint32_t);
	struct iommu_hwpt_invalidate_selftest e[2] = {
		{ .iotlb_id = 1 }, { .iotlb_id = 2 },
	};
	struct iommu_hwpt_invalidate cmd = {
		.hwpt_id = self->id,
		.data_uptr = (uintptr_t)e,
		.data_type = IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
		.entry_len = sizeof(e[0]),
		.entry_num = 1,
	};

	ASSERT_EQ(32, min);
	IOD_ASSERT_ERR(EINVAL, iod_ioctl_sized(self->n.t.fd,
					       IOMMU_HWPT_INVALIDATE, &cmd,
					       min - 4));
	memset(&big, 0, sizeof(big));
	big.cmd = cmd;
	big.tail = 1;
	IOD_ASSERT_ERR(E2BIG, iod_ioctl_sized(self->n.t.fd,
					      IOMMU_HWPT_INVALIDATE, &big,
					      sizeof(big)));
	ASSERT_IOTLB(&self->n, 0);
	IOD_ASSERT_ERR(self->pass, iod_ioctl_sized(self->n.t.fd,
						   IOMMU_HWPT_INVALIDATE,
						   &cmd, min));
	ASSERT_EQ(self->pass ? 0 : 1, cmd.entry_num);
	ASSERT_IOTLB(&self->n, 1u << 1);
	big.tail = 0;
	big.cmd.data_uptr = (uintptr_t)&e[1];
	IOD_ASSERT_ERR(self->pass, iod_ioctl_sized(self->n.t.fd,
						   IOMMU_HWPT_INVALIDATE,
						   &big, sizeof(big)));
	ASSERT_IOTLB(&self->n, 1u << 1 | 1u << 2);
}

/*
 * The nested HWPT itself: the mock child the rest of the cases use, after
 * the core's argument rules.
 */
FIXTURE(nested_invalidate) {
	struct nest n;
};

FIXTURE_SETUP(nested_invalidate)
{
	NEST_OPEN(&self->n);
}

FIXTURE_TEARDOWN(nested_invalidate)
{
	nest_close(&self->n);
}

#define NEED_CHILD(self) do { \
	if (!(self)->n.child) \
		SKIP(return, "%s", (self)->n.why); \
} while (0)

/*
 * An id that is not a nested HWPT (the IOAS, the device, a paging HWPT,
 * the nest parent): the profile's errno for the release, entry_num 0. An
 * id of no object: ENOENT.
 */
TEST_F(nested_invalidate, not_nested)
{
	struct {
		const char *what;
		uint32_t id;
	} ids[4] = {
		{ "the IOAS", self->n.t.ioas_id },
		{ "the device", self->n.t.dev_id },
	};
	struct iommu_hwpt_invalidate_selftest e = { .iotlb_id = 0 };
	unsigned int nr = 2, i;
	uint32_t done, plain;
	int want;

	IOD_NEED_RULE("nested.invalidate_non_nested");
	want = iod_rule_errno("nested.invalidate_non_nested");
	if (!iod_expect("alloc.plain")) {
		ASSERT_EQ(0, iod_hwpt_alloc(self->n.t.fd, self->n.t.dev_id,
					    self->n.t.ioas_id, 0, &plain));
		ids[nr].what = "a paging HWPT";
		ids[nr++].id = plain;
	}
	if (self->n.nest.parent) {
		ids[nr].what = "the nest parent";
		ids[nr++].id = self->n.nest.parent;
	}
	for (i = 0; i < nr; i++) {
		int rc = inv(self->n.t.fd, ids[i].id, &e, 1, &done);

		if (rc != -want)
			TH_LOG("%s (id %u): profile %s says nested.invalidate_non_nested = %s",
			       ids[i].what, ids[i].id,
			       iod_profile_path(iod_env.profile),
			       iod_rule("nested.invalidate_non_nested", ""));
		ASSERT_INV(want, 0, rc, done);
	}
	ASSERT_INV(ENOENT, 0, inv(self->n.t.fd, NO_ID, &e, 1, &done), done);
	ASSERT_IOTLB(&self->n, 0);
}

/*
 * The instrument: MD_CHECK_IOTLB answers for a nested HWPT only (ENOENT
 * for the parent and the IOAS), refuses an entry past the last (EINVAL),
 * and tells a wrong value (EINVAL) from the right one.
 */
TEST_F(nested_invalidate, check_iotlb_op)
{
	NEED_CHILD(self);
	IOD_ASSERT_ERR(0, iod_mock_check_iotlb(self->n.t.fd, self->n.child, 0,
					       IOMMU_TEST_IOTLB_DEFAULT));
	IOD_ASSERT_ERR(EINVAL, iod_mock_check_iotlb(self->n.t.fd, self->n.child,
						    0, 0));
	IOD_ASSERT_ERR(EINVAL,
		       iod_mock_check_iotlb(self->n.t.fd, self->n.child,
					    MOCK_NESTED_DOMAIN_IOTLB_NUM,
					    IOMMU_TEST_IOTLB_DEFAULT));
	IOD_ASSERT_ERR(ENOENT,
		       iod_mock_check_iotlb(self->n.t.fd, self->n.nest.parent, 0,
					    IOMMU_TEST_IOTLB_DEFAULT));
	IOD_ASSERT_ERR(ENOENT, iod_mock_check_iotlb(self->n.t.fd,
						    self->n.t.ioas_id, 0,
						    IOMMU_TEST_IOTLB_DEFAULT));
	ASSERT_IOTLB(&self->n, 0);
}

/*
 * A data_type the mock does not take (its _INVALID type, VT-d's): EINVAL
 * before any entry is read, even with none; entry_num 0.
 */
TEST_F(nested_invalidate, data_type_wrong)
{
	static const uint32_t types[] = {
		IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID,
		IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
	};
	struct iommu_hwpt_invalidate_selftest e = { .iotlb_id = 0 };
	uint32_t done;
	size_t i;

	NEED_CHILD(self);
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		done = 1;
		ASSERT_INV(EINVAL, 0,
			   iod_hwpt_invalidate(self->n.t.fd, self->n.child,
					       types[i], &e, sizeof(e), &done),
			   done);
		done = 0;
		ASSERT_INV(EINVAL, 0,
			   iod_hwpt_invalidate(self->n.t.fd, self->n.child,
					       types[i], &e, sizeof(e), &done),
			   done);
	}
	ASSERT_IOTLB(&self->n, 0);
}

/* One entry invalidates exactly its IOTLB entry, one after the other. */
TEST_F(nested_invalidate, each_iotlb_id)
{
	unsigned int i, cleared = 0;
	uint32_t done;

	NEED_CHILD(self);
	for (i = 0; i < MOCK_NESTED_DOMAIN_IOTLB_NUM; i++) {
		struct iommu_hwpt_invalidate_selftest e = {
			.iotlb_id = MOCK_NESTED_DOMAIN_IOTLB_ID_MAX - i,
		};

		ASSERT_INV(0, 1, inv(self->n.t.fd, self->n.child, &e, 1, &done),
			   done);
		cleared |= 1u << e.iotlb_id;
		ASSERT_IOTLB(&self->n, cleared);
	}
}

/* Several entries in one call: every one handled, entry_num as given. */
TEST_F(nested_invalidate, all_entries_handled)
{
	struct iommu_hwpt_invalidate_selftest e[] = {
		{ .iotlb_id = 2 }, { .iotlb_id = 0 }, { .iotlb_id = 2 },
	};
	uint32_t done;

	NEED_CHILD(self);
	ASSERT_INV(0, 3, inv(self->n.t.fd, self->n.child, e, 3, &done), done);
	ASSERT_IOTLB(&self->n, 1u << 0 | 1u << 2);
}

/* IOMMU_TEST_INVALIDATE_FLAG_ALL invalidates every entry. */
TEST_F(nested_invalidate, flag_all)
{
	struct iommu_hwpt_invalidate_selftest e = {
		.flags = IOMMU_TEST_INVALIDATE_FLAG_ALL,
		.iotlb_id = 1,
	};
	uint32_t done;

	NEED_CHILD(self);
	ASSERT_INV(0, 1, inv(self->n.t.fd, self->n.child, &e, 1, &done), done);
	ASSERT_IOTLB(&self->n, IOTLB_ALL);
}

/*
 * Under FLAG_ALL the uAPI (iommufd_test.h) says iotlb_id is ignored: an
 * id past the last must still invalidate everything.
 */
TEST_F(nested_invalidate, flag_all_ignores_id)
{
	struct iommu_hwpt_invalidate_selftest e = {
		.flags = IOMMU_TEST_INVALIDATE_FLAG_ALL,
		.iotlb_id = MOCK_NESTED_DOMAIN_IOTLB_NUM,
	};
	uint32_t done;
	int rc;

	NEED_CHILD(self);
	rc = inv(self->n.t.fd, self->n.child, &e, 1, &done);
	IOD_XFAIL_IF_KNOWN_BUG(rc == -EINVAL && !done &&
			       !iotlb_wrong(self->n.t.fd, self->n.child, 0));
	ASSERT_INV(0, 1, rc, done);
	ASSERT_IOTLB(&self->n, IOTLB_ALL);
}

/* Any flag but FLAG_ALL: EOPNOTSUPP, nothing handled. */
TEST_F(nested_invalidate, bad_flags)
{
	unsigned int bit;
	uint32_t done;

	NEED_CHILD(self);
	for (bit = 1; bit < 32; bit++) {
		struct iommu_hwpt_invalidate_selftest e = {
			.flags = 1u << bit,
		};
		int rc = inv(self->n.t.fd, self->n.child, &e, 1, &done);

		if (rc != -EOPNOTSUPP)
			TH_LOG("flags bit %u", bit);
		ASSERT_INV(EOPNOTSUPP, 0, rc, done);
	}
	ASSERT_IOTLB(&self->n, 0);
}

/* An iotlb_id past MOCK_NESTED_DOMAIN_IOTLB_ID_MAX: EINVAL, nothing handled. */
TEST_F(nested_invalidate, bad_iotlb_id)
{
	static const uint32_t ids[] = { MOCK_NESTED_DOMAIN_IOTLB_ID_MAX + 1,
					0x80000000u, 0xffffffffu };
	uint32_t done;
	size_t i;

	NEED_CHILD(self);
	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		struct iommu_hwpt_invalidate_selftest e = {
			.iotlb_id = ids[i],
		};

		ASSERT_INV(EINVAL, 0, inv(self->n.t.fd, self->n.child, &e, 1,
					  &done), done);
	}
	ASSERT_IOTLB(&self->n, 0);
}

/* entry_len below the entry's last field (iotlb_id): EINVAL. */
TEST_F(nested_invalidate, entry_len_short)
{
	static const uint32_t lens[] = {
		1, 4, sizeof(struct iommu_hwpt_invalidate_selftest) - 1,
	};
	struct iommu_hwpt_invalidate_selftest e[2] = { 0 };
	uint32_t done;
	size_t i;

	NEED_CHILD(self);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		ASSERT_INV(EINVAL, 0,
			   inv_len(self->n.t.fd, self->n.child, e, lens[i], 1,
				   &done), done);
	}
	ASSERT_IOTLB(&self->n, 0);
}

/*
 * entry_len above the entry, even with zero tails: EINVAL at the first
 * entry, nothing handled. include/linux/iommu.h
 * __iommu_copy_struct_from_user() (6.12.117) refuses "data_len <
 * src_data->len" before copy_struct_from_user() could accept a zero tail.
 */
TEST_F(nested_invalidate, entry_len_long)
{
	const size_t len = 2 * sizeof(struct iommu_hwpt_invalidate_selftest);
	struct iommu_hwpt_invalidate_selftest e[3] = {
		{ .iotlb_id = 1 }, { .iotlb_id = 2 }, { .iotlb_id = 3 },
	};
	uint8_t buf[3 * 2 * sizeof(struct iommu_hwpt_invalidate_selftest)];
	uint32_t done;

	NEED_CHILD(self);
	iod_inv_array_fill(buf, e, sizeof(e[0]), 3, len);
	ASSERT_INV(EINVAL, 0,
		   inv_len(self->n.t.fd, self->n.child, buf, len, 3, &done),
		   done);
	ASSERT_IOTLB(&self->n, 0);
}

/*
 * A partial failure: the entries before the bad one are handled (their
 * IOTLB entries invalidated), the bad one and those after it are not, and
 * entry_num says how many were handled: the index of the bad entry.
 */
TEST_F(nested_invalidate, error_index_bad_flags)
{
	struct iommu_hwpt_invalidate_selftest e[] = {
		{ .iotlb_id = 0 },
		{ .iotlb_id = 3 },
		{ .flags = 1u << 1, .iotlb_id = 1 },
		{ .iotlb_id = 2 },
	};
	uint32_t done;

	NEED_CHILD(self);
	ASSERT_INV(EOPNOTSUPP, 2, inv(self->n.t.fd, self->n.child, e, 4, &done),
		   done);
	ASSERT_IOTLB(&self->n, 1u << 0 | 1u << 3);
}

TEST_F(nested_invalidate, error_index_bad_id)
{
	struct iommu_hwpt_invalidate_selftest e[] = {
		{ .iotlb_id = 1 },
		{ .iotlb_id = MOCK_NESTED_DOMAIN_IOTLB_ID_MAX + 1 },
		{ .iotlb_id = 2 },
	};
	uint32_t done;

	NEED_CHILD(self);
	ASSERT_INV(EINVAL, 1, inv(self->n.t.fd, self->n.child, e, 3, &done),
		   done);
	ASSERT_IOTLB(&self->n, 1u << 1);
}

/*
 * Entries running into memory the kernel cannot read: EFAULT at the first
 * unreadable entry, those before it handled; an array that starts there
 * handles none.
 */
TEST_F(nested_invalidate, error_index_unreadable)
{
	size_t pg = iod_host_page();
	struct iommu_hwpt_invalidate_selftest e[2] = {
		{ .iotlb_id = 3 }, { .iotlb_id = 0 },
	};
	uint32_t done;
	uint8_t *map;
	struct iommu_hwpt_invalidate_selftest *at;

	NEED_CHILD(self);
	map = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, mprotect(map + pg, pg, PROT_NONE));
	at = (struct iommu_hwpt_invalidate_selftest *)(map + pg) - 2;
	memcpy(at, e, sizeof(e));
	ASSERT_INV(EFAULT, 0, inv(self->n.t.fd, self->n.child,
				  (void *)(map + pg), 2, &done), done);
	ASSERT_IOTLB(&self->n, 0);
	ASSERT_INV(EFAULT, 2, inv(self->n.t.fd, self->n.child, at, 4, &done),
		   done);
	munmap(map, 2 * pg);
	ASSERT_IOTLB(&self->n, 1u << 3 | 1u << 0);
}

/*
 * With a device attached to the child, invalidation works the same, and
 * the child keeps its other IOTLB entries.
 */
TEST_F(nested_invalidate, attached_child)
{
	struct iommu_hwpt_invalidate_selftest e = { .iotlb_id = 2 };
	uint32_t done;

	NEED_CHILD(self);
	IOD_ASSERT_ERR(0, iod_mock_dev_replace(self->n.t.fd, &self->n.t.md,
					       self->n.child));
	ASSERT_INV(0, 1, inv(self->n.t.fd, self->n.child, &e, 1, &done), done);
	ASSERT_IOTLB(&self->n, 1u << 2);
	IOD_ASSERT_ERR(0, iod_mock_dev_replace(self->n.t.fd, &self->n.t.md,
					       self->n.t.ioas_id));
	ASSERT_IOTLB(&self->n, 1u << 2);
}

IOD_HARNESS_MAIN
