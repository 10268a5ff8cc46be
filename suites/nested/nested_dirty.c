// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty tracking of a nest parent (stage 2) while the device runs on a
 * nested (stage-1) child, as live migration of a guest with a vIOMMU needs
 * it: the dirty ioctls refuse a child id; tracking is enabled and harvested
 * through the parent, and a harvest equals what the device wrote, bit for
 * bit (clears, NO_CLEAR, later writes); a parent with no device on it can
 * be tracked; enabling wipes older dirt and GET while off follows the
 * profile; bits survive replacing the device between children and the
 * parent; two children, or a child and the parent itself, report in one
 * harvest; IOAS_UNMAP and IOAS_MAP while tracking follow dirty.hole and
 * dirty.new_mapping; an in-kernel access write is not dirt
 * (dirty.access_write); invalidating a child keeps the dirt; and huge
 * parent leaves are reported whole through a child. Cases SKIP where the
 * profile says the target builds no nested HWPT (nested.path) or no
 * dirty-tracking nest parent (alloc.dirty_nest_parent).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/iod_test.h"
#include "harness/nested.h"
#include "harness/scatter.h"
#include "uapi/iommufd.h"
#include "uapi/mock.h"
#include "util.h"

/*
 * In a fixture set-up: the bench (tracking off), a dirty-tracking nest
 * parent on its IOAS with one child, and the parent as the bench's dirty
 * HWPT. The device stays on the bench's own HWPT until a case moves it.
 */
#define NEST_BENCH_SETUP(self, opts) do { \
	char __nwhy[384] = ""; \
	int __want; \
	memset(&(self)->n, 0, sizeof((self)->n)); \
	IOD_NESTED_NEED(); \
	IOD_DIRTY_SETUP(&(self)->d, (opts)); \
	__want = iod_expect("alloc.dirty_nest_parent"); \
	if (__want) \
		SKIP(return, "profile %s says alloc.dirty_nest_parent = %s: no dirty-tracking nest parent here", \
		     iod_profile_path(iod_env.profile), \
		     iod_errno_name(__want)); \
	ASSERT_EQ(0, iod_nested_bench(&(self)->n, &(self)->d, \
				      IOMMU_HWPT_ALLOC_DIRTY_TRACKING, \
				      &(self)->child, __nwhy, sizeof(__nwhy))) \
		TH_LOG("%s", __nwhy); \
	iod_nested_bench_use_parent(&(self)->n, &(self)->d); \
} while (0)

/* The device moves onto `id` (a child, the parent, another HWPT). */
#define MOVE_TO(self, id) do { \
	uint32_t __id = (id); \
	int __arc = iod_nested_attach(&(self)->n, &(self)->d.t, __id); \
	ASSERT_EQ(0, __arc) TH_LOG("attaching the device to %u: %s", __id, \
				   iod_errno_name(-__arc)); \
} while (0)

/* On the child, tracking enabled on the parent: the start of most cases. */
#define ON_CHILD_TRACKING(self) do { \
	MOVE_TO(self, (self)->child); \
	IOD_ASSERT_SET_TRACKING(&(self)->d, true); \
} while (0)

/*
 * What the IOMMU records while tracking is off, as the profile says
 * (dirty.get_while_disabled): the footprint where it "reports", nothing
 * where a harvest is "empty".
 */
static struct iod_fp *off_fp(struct iod_dirty *d)
{
	return iod_rule_is("dirty.get_while_disabled", "reports") ?
	       &d->fp : NULL;
}

/* Byte offset of the k-th sixteenth of the bench buffer. */
static uint64_t sixteenth(const struct iod_dirty *d, unsigned int k)
{
	return d->len / 16 * k;
}

FIXTURE(nested_dirty) {
	struct iod_dirty d;
	struct iod_nested n;
	uint32_t child;
	uint64_t seed;
	struct iod_target t2;	/* a second device, when a case opens one */
	struct iod_engine e2;
	bool t2_open;
	int access_fd;
};

FIXTURE_VARIANT(nested_dirty) {
	uint64_t len;
	uint64_t page_size;
};

#define NESTED_DIRTY_VARIANT(name, l, ps) \
	FIXTURE_VARIANT_ADD(nested_dirty, name) { .len = (l), .page_size = (ps) }

NESTED_DIRTY_VARIANT(len64k_ps2k, 64 * K, 2 * K);
NESTED_DIRTY_VARIANT(len1m_ps4k, 1 * M, 4 * K);
NESTED_DIRTY_VARIANT(len1m_ps64k, 1 * M, 64 * K);

FIXTURE_SETUP(nested_dirty)
{
	struct iod_dirty_opts o = { .buf_len = variant->len };

	self->access_fd = -1;
	NEST_BENCH_SETUP(self, &o);
	self->seed = iod_seed();
	TH_LOG("seed %llu (replay: IODIRTY_SEED=%llu), leaf %llu, parent %u, child %u",
	       (unsigned long long)self->seed, (unsigned long long)self->seed,
	       (unsigned long long)self->d.leaf, self->n.parent, self->child);
}

FIXTURE_TEARDOWN(nested_dirty)
{
	if (self->access_fd >= 0)
		close(self->access_fd);
	iod_engine_close(&self->e2);
	if (self->t2_open)
		iod_target_close(&self->t2);
	iod_nested_teardown(&self->n);
	iod_dirty_teardown(&self->d);
}

/*
 * A second device in the bench's iommufd, on `pt` (0: on a new child of
 * the parent allocated for it), with the engine that drives it. 0, or
 * -EOPNOTSUPP with `why` the SKIP reason, or -errno with `why`.
 */
static int open_second(FIXTURE_DATA(nested_dirty) *self, uint32_t pt,
		       char *why, size_t wl)
{
	const char *pname = self->d.engine.ops->peer;
	const struct iod_engine_ops *pops = pname ? iod_engine_find(pname) :
						    NULL;
	const char *cdev = NULL;
	int rc;

	if (!pops) {
		snprintf(why, wl, "engine %s names no engine for a second device",
			 self->d.engine.ops->name);
		return -EOPNOTSUPP;
	}
	if (!self->d.t.mock) {
		cdev = iod_env_device(pops->device);
		if (!cdev) {
			snprintf(why, wl, "no second device: IODIRTY_DEVICES names no %s next to the run's %s",
				 pops->device, self->d.engine.ops->name);
			return -EOPNOTSUPP;
		}
	}
	rc = iod_target_open_peer(&self->t2, &self->d.t, cdev, why, wl);
	if (rc)
		return rc;
	self->t2_open = true;
	if (!pt) {
		rc = iod_nested_child_alloc(&self->n, self->t2.dev_id, 0, &pt);
		if (rc) {
			snprintf(why, wl, "a child of the parent for the second device: %s",
				 iod_errno_name(-rc));
			return rc;
		}
	}
	rc = iod_nested_attach(&self->n, &self->t2, pt);
	if (rc) {
		snprintf(why, wl, "attaching the second device to %u: %s", pt,
			 iod_errno_name(-rc));
		return rc;
	}
	rc = iod_engine_open(&self->e2, pname, &self->t2, &self->d.space);
	if (rc)
		snprintf(why, wl, "engine %s on the second device: %s %s", pname,
			 iod_errno_name(-rc), self->e2.why);
	return rc;
}

#define OPEN_SECOND(self, pt) do { \
	char __swhy[384] = ""; \
	int __src = open_second((self), (pt), __swhy, sizeof(__swhy)); \
	if (__src == -EOPNOTSUPP) \
		SKIP(return, "%s", __swhy); \
	ASSERT_EQ(0, __src) TH_LOG("%s", __swhy); \
} while (0)

/*
 * The dirty ioctls and the mock's OP_DIRTY take a paging HWPT: a child id
 * is ENOENT (iommufd_get_hwpt_paging()), with the device off the child
 * and on it, tracking off and on; and none of it leaves dirt behind.
 */
TEST_F(nested_dirty, child_ids_enoent)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = variant->page_size;
	uint64_t bytes = DIV_ROUND_UP(d->len / ps, 64) * 8;
	uint8_t *bm = calloc(1, bytes);
	uint8_t ones[8];
	int i;

	ASSERT_NE(NULL, bm);
	memset(ones, 0xff, sizeof(ones));
	for (i = 0; i < 2; i++) {
		if (i)
			ON_CHILD_TRACKING(self);
		IOD_ASSERT_ERR(ENOENT, iod_set_dirty_tracking(d->t.fd,
							      self->child,
							      true));
		IOD_ASSERT_ERR(ENOENT, iod_set_dirty_tracking(d->t.fd,
							      self->child,
							      false));
		IOD_ASSERT_ERR(ENOENT, iod_get_dirty_bitmap(d->t.fd,
							    self->child,
							    d->iova, d->len,
							    ps, bm, 0));
		IOD_ASSERT_ERR(ENOENT,
			       iod_get_dirty_bitmap(d->t.fd, self->child,
						    d->iova, d->len, ps, bm,
						    IOD_NO_CLEAR));
		if (d->t.mock)
			IOD_ASSERT_ERR(ENOENT,
				       iod_mock_set_dirty(d->t.fd, self->child,
							  d->iova,
							  8 * d->base_leaf,
							  d->base_leaf, ones,
							  NULL));
	}
	free(bm);
	/* The parent is tracking, untouched by any of it. */
	IOD_ASSERT_HARVEST(d, ps, 0);
}

/*
 * Tracking enabled on the parent with the device on the child: the
 * device's writes land, a harvest through the parent reports exactly
 * them, and the next one is empty.
 */
TEST_F(nested_dirty, harvest_equals_footprint)
{
	struct iod_dirty *d = &self->d;

	ON_CHILD_TRACKING(self);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed, 24));
	IOD_ASSERT_WRITE(d, sixteenth(d, 7) + 5, 3 * d->leaf, 0x5a);
	IOD_ASSERT_LANDED(d, sixteenth(d, 7) + 5, 3 * d->leaf, 0x5a);
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
}

/* NO_CLEAR twice reports the same bits; a clearing harvest, then none. */
TEST_F(nested_dirty, no_clear_keeps)
{
	struct iod_dirty *d = &self->d;

	ON_CHILD_TRACKING(self);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed, 24));
	IOD_ASSERT_HARVEST(d, variant->page_size, IOD_NO_CLEAR);
	IOD_ASSERT_HARVEST(d, variant->page_size, IOD_NO_CLEAR);
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
}

/* Writes after a harvest are reported by the next one, and only they. */
TEST_F(nested_dirty, writes_after_harvest)
{
	struct iod_dirty *d = &self->d;

	ON_CHILD_TRACKING(self);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed, 24));
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed + 1, 12));
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
}

/*
 * The parent holds the IOAS's mappings from its allocation on, so it can
 * be tracked and harvested with no device on it or on a child: rc 0 and
 * empty, even while the device writes through another HWPT. Once the
 * device is on the child, its writes are reported without another SET.
 */
TEST_F(nested_dirty, parent_without_device)
{
	struct iod_dirty *d = &self->d;

	ASSERT_NE(self->n.parent, d->t.pt_id);
	IOD_ASSERT_SET_TRACKING(d, true);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	/* Through the bench's own HWPT: nothing for the parent. */
	ASSERT_EQ(0, iod_bench_write(d, 0, d->len, (uint8_t)self->seed, NULL));
	IOD_ASSERT_LANDED(d, 0, d->len, (uint8_t)self->seed);
	IOD_ASSERT_HARVEST(d, variant->page_size, IOD_NO_CLEAR);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	MOVE_TO(self, self->child);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed + 1, 16));
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
}

/*
 * Enabling on the parent wipes what was written before, also when it is
 * already on and a NO_CLEAR harvest left the dirt in place, and across
 * off and on; tracking stays on, so the next writes are reported exactly.
 */
TEST_F(nested_dirty, enable_clears)
{
	struct iod_dirty *d = &self->d;

	ON_CHILD_TRACKING(self);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed, 16));
	IOD_ASSERT_HARVEST(d, variant->page_size, IOD_NO_CLEAR);
	IOD_ASSERT_SET_TRACKING(d, true);
	IOD_ASSERT_HARVEST(d, variant->page_size, IOD_NO_CLEAR);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed + 1, 16));
	IOD_ASSERT_SET_TRACKING(d, false);
	IOD_ASSERT_SET_TRACKING(d, true);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed + 2, 8));
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
}

/*
 * GET on the parent while its tracking is off (never enabled, then
 * disabled after a harvest) answers as the profile's
 * dirty.get_while_disabled says; enabling then starts from nothing.
 */
TEST_F(nested_dirty, get_while_disabled)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = variant->page_size;

	IOD_NEED_RULE("dirty.get_while_disabled");
	TH_LOG("dirty.get_while_disabled = %s",
	       iod_rule("dirty.get_while_disabled", "unset"));
	MOVE_TO(self, self->child);
	ASSERT_EQ(0, iod_bench_write(d, sixteenth(d, 3), 3 * d->leaf,
				     (uint8_t)self->seed, off_fp(d)));
	IOD_ASSERT_HARVEST_FP(d, off_fp(d),
			      IOD_HARVEST(d->iova, d->len, ps, 0));
	iod_fp_reset(&d->fp);
	IOD_ASSERT_SET_TRACKING(d, true);
	IOD_ASSERT_HARVEST(d, ps, 0);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed + 1, 8));
	IOD_ASSERT_HARVEST(d, ps, 0);
	iod_fp_reset(&d->fp);
	IOD_ASSERT_SET_TRACKING(d, false);
	ASSERT_EQ(0, iod_bench_write(d, sixteenth(d, 9), d->leaf,
				     (uint8_t)self->seed + 2, off_fp(d)));
	IOD_ASSERT_HARVEST_FP(d, off_fp(d),
			      IOD_HARVEST(d->iova, d->len, ps, 0));
	IOD_ASSERT_SET_TRACKING(d, true);
	IOD_ASSERT_HARVEST(d, ps, 0);
}

/*
 * The device moves child -> child2 -> parent -> child while tracking: the
 * dirt of every stage stays until harvested, and one harvest reports it
 * all.
 */
TEST_F(nested_dirty, replace_keeps_bits)
{
	struct iod_dirty *d = &self->d;
	uint64_t L = d->leaf;
	uint32_t child2;

	IOD_ASSERT_ERR(0, iod_nested_child_alloc(&self->n, 0, 0, &child2));
	ON_CHILD_TRACKING(self);
	IOD_ASSERT_WRITE(d, sixteenth(d, 1), L, 1);
	MOVE_TO(self, child2);
	IOD_ASSERT_HARVEST(d, variant->page_size, IOD_NO_CLEAR);
	IOD_ASSERT_WRITE(d, sixteenth(d, 5), 2 * L, 2);
	MOVE_TO(self, self->n.parent);
	IOD_ASSERT_HARVEST(d, variant->page_size, IOD_NO_CLEAR);
	IOD_ASSERT_WRITE(d, sixteenth(d, 9), L, 3);
	MOVE_TO(self, self->child);
	IOD_ASSERT_HARVEST(d, variant->page_size, IOD_NO_CLEAR);
	IOD_ASSERT_WRITE(d, d->len - L, L, 4);
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
	IOD_ASSERT_LANDED(d, sixteenth(d, 1), L, 1);
	IOD_ASSERT_LANDED(d, sixteenth(d, 5), 2 * L, 2);
	IOD_ASSERT_LANDED(d, sixteenth(d, 9), L, 3);
}

/* Two devices on two children of one parent: one harvest reports both. */
TEST_F(nested_dirty, two_children_one_harvest)
{
	struct iod_dirty *d = &self->d;

	ON_CHILD_TRACKING(self);
	OPEN_SECOND(self, 0);
	ASSERT_NE(self->child, self->t2.pt_id);
	IOD_ASSERT_WRITE(d, sixteenth(d, 1), 100, 2);
	ASSERT_EQ(0, iod_bench_write_via(d, &self->e2, sixteenth(d, 6),
					 d->leaf, 7, &d->fp));
	/* Both into one leaf. */
	IOD_ASSERT_WRITE(d, sixteenth(d, 12), 8, 13);
	ASSERT_EQ(0, iod_bench_write_via(d, &self->e2, sixteenth(d, 12), 8, 13,
					 &d->fp));
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
	ASSERT_EQ(0, iod_bench_write_via(d, &self->e2, d->len - 3, 3, 17,
					 &d->fp));
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
}

/*
 * One device on a child, a second one straight on the parent: one
 * harvest of the parent reports both.
 */
TEST_F(nested_dirty, child_and_direct_device)
{
	struct iod_dirty *d = &self->d;

	ON_CHILD_TRACKING(self);
	OPEN_SECOND(self, self->n.parent);
	ASSERT_EQ(self->n.parent, self->t2.pt_id);
	IOD_ASSERT_WRITE(d, sixteenth(d, 2), 2 * d->leaf, 3);
	ASSERT_EQ(0, iod_bench_write_via(d, &self->e2, sixteenth(d, 10), 1, 11,
					 &d->fp));
	ASSERT_EQ(0, iod_bench_write_via(d, &self->e2, sixteenth(d, 2), 8, 3,
					 &d->fp));
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
}

/*
 * The bench buffer unmapped and mapped again as `pieces` areas of equal
 * size at the same IOVAs, while the parent tracks (the first harvest
 * reads as dirty.new_mapping says). A device write stays inside one area.
 */
static void remap(struct __test_metadata *_metadata, struct iod_dirty *d,
		  uint64_t ps, unsigned int pieces)
{
	uint64_t q = d->len / pieces;
	unsigned int i;

	ASSERT_EQ(0, d->len % (pieces * iod_max_u64(ps, d->leaf)))
		TH_LOG("the bench buffer must hold %u pieces of whole pages",
		       pieces);
	ASSERT_EQ(0, iod_space_unmap(&d->space, d->iova));
	iod_fp_reset(&d->fp);
	for (i = 0; i < pieces; i++)
		ASSERT_EQ(0, iod_bench_map(d, (uint8_t *)d->buf + i * q, q,
					   d->iova + i * q));
}

/*
 * A mapping made while the parent tracks reads on its first harvest as
 * the profile's dirty.new_mapping says, with no device write; that harvest
 * clears it; then the device's writes there are reported exactly.
 */
TEST_F(nested_dirty, map_while_tracking)
{
	struct iod_dirty *d = &self->d;

	IOD_NEED_RULE("dirty.new_mapping");
	ON_CHILD_TRACKING(self);
	remap(_metadata, d, variant->page_size, 1);
	TH_LOG("dirty.new_mapping = %s: %llu leaves expected dirty",
	       iod_rule("dirty.new_mapping", "unset"),
	       (unsigned long long)iod_fp_count(&d->fp));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	iod_fp_reset(&d->fp);
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed, 16));
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
}

/*
 * The bench buffer as four areas; the device writes all of them, then
 * the second is unmapped (IOAS_UNMAP) while the parent tracks: its dirt
 * goes with it, and it is a hole. A harvest of the whole buffer follows
 * dirty.hole: "stops" reports the first area only and leaves the last two
 * for a harvest of them alone; "skips" reports all three.
 */
TEST_F(nested_dirty, unmap_while_tracking)
{
	struct iod_dirty *d = &self->d;
	uint64_t ps = variant->page_size, q = d->len / 4;
	struct iod_fp first = { 0 };
	unsigned int i;

	IOD_NEED_RULE("dirty.hole");
	ON_CHILD_TRACKING(self);
	remap(_metadata, d, ps, 4);
	IOD_ASSERT_HARVEST(d, ps, 0);
	iod_fp_reset(&d->fp);
	for (i = 0; i < 4; i++)
		IOD_ASSERT_WRITE(d, i * q, q, self->seed + i);
	ASSERT_EQ(0, iod_space_unmap(&d->space, d->iova + q));
	ASSERT_EQ(0, iod_fp_clear(&d->fp, d->iova + q, q));
	TH_LOG("dirty.hole = %s", iod_rule("dirty.hole", "unset"));
	if (iod_rule_is("dirty.hole", "stops")) {
		ASSERT_EQ(0, iod_fp_only(&first, &d->fp, d->iova, q));
		IOD_ASSERT_HARVEST_FP(d, &first,
				      IOD_HARVEST(d->iova, d->len, ps, 0));
		iod_fp_free(&first);
		ASSERT_EQ(0, iod_fp_clear(&d->fp, d->iova, q));
		ASSERT_NE(0, iod_fp_count(&d->fp));
		IOD_ASSERT_HARVEST_FP(d, &d->fp,
				      IOD_HARVEST(d->iova + 2 * q, 2 * q, ps,
						  0));
	} else {
		IOD_ASSERT_HARVEST(d, ps, 0);
	}
	iod_fp_reset(&d->fp);
	IOD_ASSERT_HARVEST_FP(d, &d->fp, IOD_HARVEST(d->iova, q, ps, 0));
	IOD_ASSERT_HARVEST_FP(d, &d->fp,
			      IOD_HARVEST(d->iova + 2 * q, 2 * q, ps, 0));
}

/*
 * An in-kernel access (an emulated device's; the mock's
 * IOMMU_TEST_OP_ACCESS_RW) writes into the buffer under the tracking
 * parent: the data lands, and a harvest reports it as the profile's
 * dirty.access_write says, next to the device's own writes.
 */
TEST_F(nested_dirty, access_write_not_dirty)
{
	struct iod_dirty *d = &self->d;
	uint64_t off = sixteenth(d, 4) + 17, len = 3 * d->leaf;
	uint8_t *want;

	IOD_NEED_RULE("dirty.access_write");
	if (!d->t.mock)
		SKIP(return, "an in-kernel access is made by the mock's IOMMU_TEST_OP_CREATE_ACCESS; the profile's device is %s",
		     iod_profile_enum(iod_env.profile, "device"));
	want = malloc(len);
	ASSERT_NE(NULL, want);
	ON_CHILD_TRACKING(self);
	IOD_ASSERT_ERR(0, iod_mock_access_create(d->t.fd, d->t.ioas_id, 0,
						 &self->access_fd));
	iod_pattern_fill(want, len, (uint8_t)self->seed, 0);
	IOD_ASSERT_ERR(0, iod_mock_access_rw(d->t.fd, self->access_fd,
					     d->iova + off, want, len,
					     MOCK_ACCESS_RW_WRITE));
	ASSERT_EQ(0, memcmp((uint8_t *)d->buf + off, want, len))
		TH_LOG("the access write did not land at +0x%llx",
		       (unsigned long long)off);
	free(want);
	TH_LOG("dirty.access_write = %s",
	       iod_rule("dirty.access_write", "unset"));
	if (iod_rule_is("dirty.access_write", "dirty"))
		ASSERT_EQ(0, iod_fp_write(&d->fp, d->iova + off, len));
	IOD_ASSERT_WRITE(d, sixteenth(d, 12), 1, 9);
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
}

/*
 * Invalidating everything the child caches (IOMMU_HWPT_INVALIDATE, the
 * profile's invalidation type) is about the stage-1 caches: the parent's
 * dirt stays, before and after a NO_CLEAR harvest.
 */
TEST_F(nested_dirty, invalidate_keeps_dirt)
{
	struct iod_dirty *d = &self->d;

	ON_CHILD_TRACKING(self);
	ASSERT_EQ(0, iod_scatter_writes(d, self->seed, 16));
	IOD_ASSERT_ERR(0, iod_nested_invalidate_all(&self->n, self->child));
	IOD_ASSERT_HARVEST(d, variant->page_size, IOD_NO_CLEAR);
	IOD_ASSERT_ERR(0, iod_nested_invalidate_all(&self->n, self->child));
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
}

/*
 * Huge leaves: the parent maps hugetlb memory with huge IOPTEs (the
 * profile's dirty.huge_leaf; the mock's device has
 * MOCK_FLAGS_DEVICE_HUGE_IOVA), the device writes through a child, and a
 * harvest of the parent reports every touched leaf whole.
 */
FIXTURE(nested_dirty_huge) {
	struct iod_dirty d;
	struct iod_nested n;
	uint32_t child;
	uint64_t leaf;
};

/* `leaves` huge leaves, harvested at page_size. */
FIXTURE_VARIANT(nested_dirty_huge) {
	uint64_t leaves;
	uint64_t page_size;
};

#define NESTED_HUGE_VARIANT(name, n, ps) \
	FIXTURE_VARIANT_ADD(nested_dirty_huge, name) { \
		.leaves = (n), .page_size = (ps) \
	}

NESTED_HUGE_VARIANT(x2_ps4k, 2, 4 * K);
NESTED_HUGE_VARIANT(x2_ps2m, 2, 2 * M);
NESTED_HUGE_VARIANT(x4_ps64k, 4, 64 * K);

FIXTURE_SETUP(nested_dirty_huge)
{
	struct iod_dirty_opts o = {
		.leaves = variant->leaves,
		.huge = true,
	};

	NEST_BENCH_SETUP(self, &o);
	self->leaf = self->d.leaf;
	ASSERT_EQ(iod_huge_leaf(), self->leaf);
	ASSERT_LE(2, self->d.len / self->leaf);
	MOVE_TO(self, self->child);
	IOD_ASSERT_SET_TRACKING(&self->d, true);
	TH_LOG("huge leaf %llu, %llu leaves", (unsigned long long)self->leaf,
	       (unsigned long long)(self->d.len / self->leaf));
}

FIXTURE_TEARDOWN(nested_dirty_huge)
{
	iod_nested_teardown(&self->n);
	iod_dirty_teardown(&self->d);
}

/*
 * One byte in the middle of the second huge leaf dirties all of it: at
 * the base page that is huge leaf / base leaf bits, at the variant's page
 * size its own count; the next harvest is empty.
 */
TEST_F(nested_dirty_huge, one_byte_whole_leaf)
{
	struct iod_dirty *d = &self->d;
	uint64_t L = self->leaf;

	IOD_ASSERT_ONE_BYTE_WHOLE_LEAF(d, L, variant->page_size);
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
	IOD_ASSERT_LANDED(d, L + L / 2 + 3, 1, 1);
}

/*
 * A write across the boundary of the first two leaves dirties both whole,
 * a byte in the last leaf that one; at the base page every base page of
 * the three leaves (two when there are only two).
 */
TEST_F(nested_dirty_huge, across_leaf_boundary)
{
	struct iod_dirty *d = &self->d;
	uint64_t L = self->leaf, B = d->base_leaf, n = d->len / L;

	IOD_ASSERT_WRITE(d, L - 5, 10, 2);
	IOD_ASSERT_WRITE(d, d->len - 1, 1, 3);
	ASSERT_EQ((uint64_t)(n > 2 ? 3 : 2), iod_fp_count(&d->fp));
	IOD_ASSERT_HARVEST_BITS(d, IOD_HARVEST(d->iova, d->len, B,
					       IOD_NO_CLEAR),
				(n > 2 ? 3 : 2) * (L / B));
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
	IOD_ASSERT_LANDED(d, L - 5, 10, 2);
}

IOD_HARNESS_MAIN
