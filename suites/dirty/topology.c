// SPDX-License-Identifier: GPL-2.0
/*
 * Devices and HWPT lifetime around dirty tracking: two devices on one
 * tracking HWPT are reported in one harvest; a device attached after enable
 * is tracked; detaching a device keeps the HWPT, its dirty state and GET
 * working; a tracking HWPT cannot be destroyed while a device is attached
 * (EBUSY) and is gone (ENOENT) once destroyed; tracking state stays with the
 * HWPT when a device moves to a plain HWPT and back; a device that cannot
 * track is refused and tracking of the others goes on.
 *
 * Cases with a second device need the mock (iommufd mock devices); with a
 * PCI device they SKIP.
 */
#include <stdint.h>
#include <string.h>

#include "harness/iod_test.h"
#include "uapi/iommufd.h"
#include "uapi/mock.h"
#include "util.h"

FIXTURE(topology) {
	struct iod_dirty d;
	struct iod_target t2;	/* d.t with a second mock device's ids */
	struct iod_engine e2;	/* the second device's engine */
};

FIXTURE_VARIANT(topology) {
	uint64_t len;
	uint64_t page_size;
	bool huge;
};

FIXTURE_VARIANT_ADD(topology, len64k_ps2k) {
	.len = 64 * K, .page_size = 2 * K, .huge = false,
};
FIXTURE_VARIANT_ADD(topology, len1m_ps4k) {
	.len = 1 * M, .page_size = 4 * K, .huge = false,
};
FIXTURE_VARIANT_ADD(topology, huge4m_ps64k) {
	.len = 4 * M, .page_size = 64 * K, .huge = true,
};

FIXTURE_SETUP(topology)
{
	struct iod_dirty_opts o = {
		.buf_len = variant->len,
		.huge = variant->huge,
		.enable = false,
	};

	IOD_DIRTY_SETUP(&self->d, &o);
}

FIXTURE_TEARDOWN(topology)
{
	iod_engine_close(&self->e2);
	if (self->t2.md.stdev_id)
		iod_destroy(self->d.t.fd, self->t2.md.stdev_id);
	iod_dirty_teardown(&self->d);
}

#define NEED_SECOND_DEVICE() do { \
	if (!self->d.t.mock) \
		SKIP(return, "a second device on the HWPT needs the mock; the profile's device is %s", \
		     iod_profile_enum(iod_env.profile, "device")); \
} while (0)

/*
 * Create a second mock device with dev_flags attached to pt_id, and its
 * engine. 0 or -errno (the create's errno when the attach is refused).
 */
static int add_second(FIXTURE_DATA(topology) *self, uint32_t pt_id,
		      uint32_t dev_flags)
{
	struct iod_mock_dev md = { 0 };
	int rc;

	rc = iod_mock_dev_create(self->d.t.fd, pt_id, dev_flags, &md);
	if (rc)
		return rc;
	self->t2 = self->d.t;
	self->t2.md = md;
	self->t2.dev_id = md.idev_id;
	self->t2.pt_id = md.hwpt_id;
	return iod_engine_open(&self->e2, iod_engine_name(), &self->t2,
			       &self->d.space);
}

/* A device write at a sixteenth `at16` of the buffer (16: its last byte). */
static int wr(struct iod_dirty *d, struct iod_engine *e, unsigned int at16,
	      uint64_t len, bool record)
{
	uint64_t off = at16 >= 16 ? d->len - len : d->len / 16 * at16;

	return iod_engine_write(e, d->iova + off, len, (uint8_t)(at16 + 1),
				record ? &d->fp : NULL);
}

/* The harvest reports exactly the footprint (not empty), which then clears. */
#define HARVEST_EXACT(d, ps) do { \
	ASSERT_NE(0, iod_fp_count(&(d)->fp)); \
	IOD_ASSERT_HARVEST(d, ps, 0); \
	iod_fp_reset(&(d)->fp); \
	IOD_ASSERT_HARVEST(d, ps, 0); \
} while (0)

/* Nothing is dirty. */
#define HARVEST_EMPTY(d, ps) do { \
	ASSERT_EQ(0, iod_fp_count(&(d)->fp)); \
	IOD_ASSERT_HARVEST(d, ps, 0); \
} while (0)

static bool off_observable(void)
{
	const char *v = iod_profile_enum(iod_env.profile,
					 "dirty.get_while_disabled");

	return v && !strcmp(v, "empty");
}

/* Two devices on one tracking HWPT: both devices' writes, one harvest. */
TEST_F(topology, two_devices_one_harvest)
{
	struct iod_dirty *d = &self->d;

	NEED_SECOND_DEVICE();
	ASSERT_EQ(0, add_second(self, d->hwpt_id, 0));
	ASSERT_EQ(d->hwpt_id, self->t2.pt_id);
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	ASSERT_EQ(0, wr(d, &d->engine, 1, 100, true));
	ASSERT_EQ(0, wr(d, &d->engine, 5, 4 * K, true));
	ASSERT_EQ(0, wr(d, &self->e2, 9, 1, true));
	ASSERT_EQ(0, wr(d, &self->e2, 16, 3, true));
	/* Both into one leaf. */
	ASSERT_EQ(0, wr(d, &d->engine, 12, 8, true));
	ASSERT_EQ(0, wr(d, &self->e2, 12, 8, true));
	HARVEST_EXACT(d, variant->page_size);
	/* And again, after the clear. */
	ASSERT_EQ(0, wr(d, &self->e2, 3, 1, true));
	ASSERT_EQ(0, wr(d, &d->engine, 14, 1, true));
	HARVEST_EXACT(d, variant->page_size);
}

/*
 * Tracking enabled with no device attached, then the device attaches: its
 * writes are reported without another SET.
 */
TEST_F(topology, attach_after_enable)
{
	struct iod_dirty *d = &self->d;

	ASSERT_EQ(0, iod_target_detach(&d->t));
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	ASSERT_EQ(0, iod_target_attach(&d->t, d->hwpt_id));
	ASSERT_EQ(0, wr(d, &d->engine, 2, 1, true));
	ASSERT_EQ(0, wr(d, &d->engine, 16, 2 * K, true));
	HARVEST_EXACT(d, variant->page_size);
}

/* A second device attached while tracking is on is tracked too. */
TEST_F(topology, second_device_after_enable)
{
	struct iod_dirty *d = &self->d;

	NEED_SECOND_DEVICE();
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	ASSERT_EQ(0, wr(d, &d->engine, 1, 1, true));
	ASSERT_EQ(0, add_second(self, d->hwpt_id, 0));
	ASSERT_EQ(0, wr(d, &self->e2, 7, 3 * K, true));
	ASSERT_EQ(0, wr(d, &self->e2, 16, 1, true));
	HARVEST_EXACT(d, variant->page_size);
}

/*
 * Detach the device while tracking is on: the HWPT stays usable, GET works
 * with no device attached and still reports the writes made before; writes
 * the device makes elsewhere are not reported; SET still works; attached
 * again, the device is tracked.
 */
TEST_F(topology, detach_while_tracking)
{
	struct iod_dirty *d = &self->d;

	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	ASSERT_EQ(0, wr(d, &d->engine, 0, 1, true));
	ASSERT_EQ(0, wr(d, &d->engine, 6, 5 * K, true));
	ASSERT_EQ(0, iod_target_detach(&d->t));
	IOD_ASSERT_HARVEST(d, variant->page_size,
			   IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	HARVEST_EXACT(d, variant->page_size);
	/* A mock device detached is on its IOAS's own domain. */
	if (d->t.pt_id) {
		ASSERT_NE(d->hwpt_id, d->t.pt_id);
		ASSERT_EQ(0, wr(d, &d->engine, 3, 1, false));
		HARVEST_EMPTY(d, variant->page_size);
	}
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, false));
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	ASSERT_EQ(0, iod_target_attach(&d->t, d->hwpt_id));
	ASSERT_EQ(0, wr(d, &d->engine, 11, 1, true));
	HARVEST_EXACT(d, variant->page_size);
}

/*
 * Two devices, one leaves: its earlier writes are still reported, its later
 * writes (elsewhere) are not, the other device's writes are.
 */
TEST_F(topology, detach_one_of_two)
{
	struct iod_dirty *d = &self->d;

	NEED_SECOND_DEVICE();
	ASSERT_EQ(0, add_second(self, d->hwpt_id, 0));
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	ASSERT_EQ(0, wr(d, &self->e2, 2, 1, true));
	ASSERT_EQ(0, wr(d, &d->engine, 4, 1, true));
	ASSERT_EQ(0, iod_target_detach(&self->t2));
	ASSERT_NE(d->hwpt_id, self->t2.pt_id);
	ASSERT_EQ(0, wr(d, &self->e2, 10, 1, false));
	ASSERT_EQ(0, wr(d, &d->engine, 13, 1, true));
	HARVEST_EXACT(d, variant->page_size);
}

/*
 * Destroy a tracking HWPT: EBUSY while the device is attached, and the
 * HWPT keeps working; once the device has moved away, destroy succeeds and
 * the id is ENOENT for SET and GET.
 */
TEST_F(topology, destroy_attached)
{
	struct iod_dirty *d = &self->d;
	uint64_t bm[4] = { 0 };

	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	ASSERT_EQ(0, wr(d, &d->engine, 5, 1, true));
	IOD_ASSERT_ERR(EBUSY, iod_destroy(d->t.fd, d->hwpt_id));
	ASSERT_EQ(0, wr(d, &d->engine, 15, 1, true));
	HARVEST_EXACT(d, variant->page_size);
	ASSERT_EQ(0, iod_target_detach(&d->t));
	IOD_ASSERT_ERR(0, iod_destroy(d->t.fd, d->hwpt_id));
	IOD_ASSERT_ERR(ENOENT, iod_set_dirty_tracking(d->t.fd, d->hwpt_id,
						      true));
	IOD_ASSERT_ERR(ENOENT, iod_set_dirty_tracking(d->t.fd, d->hwpt_id,
						      false));
	IOD_ASSERT_ERR(ENOENT, iod_get_dirty_bitmap(d->t.fd, d->hwpt_id,
						    d->iova, d->len, d->len,
						    bm, 0));
	IOD_ASSERT_ERR(ENOENT, iod_destroy(d->t.fd, d->hwpt_id));
}

/*
 * Two devices: destroy stays EBUSY until the last one is gone (one moved
 * to the IOAS, the other's object destroyed); the earlier writes of both
 * are reported until then.
 */
TEST_F(topology, destroy_two_devices)
{
	struct iod_dirty *d = &self->d;
	uint64_t bm[4] = { 0 };

	NEED_SECOND_DEVICE();
	ASSERT_EQ(0, add_second(self, d->hwpt_id, 0));
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	ASSERT_EQ(0, wr(d, &d->engine, 1, 1, true));
	ASSERT_EQ(0, wr(d, &self->e2, 8, 1, true));
	IOD_ASSERT_ERR(EBUSY, iod_destroy(d->t.fd, d->hwpt_id));
	ASSERT_EQ(0, iod_target_detach(&d->t));
	IOD_ASSERT_ERR(EBUSY, iod_destroy(d->t.fd, d->hwpt_id));
	HARVEST_EXACT(d, variant->page_size);
	iod_engine_close(&self->e2);
	ASSERT_EQ(0, iod_destroy(d->t.fd, self->t2.md.stdev_id));
	self->t2.md.stdev_id = 0;
	IOD_ASSERT_ERR(0, iod_destroy(d->t.fd, d->hwpt_id));
	IOD_ASSERT_ERR(ENOENT, iod_set_dirty_tracking(d->t.fd, d->hwpt_id,
						      true));
	IOD_ASSERT_ERR(ENOENT, iod_get_dirty_bitmap(d->t.fd, d->hwpt_id,
						    d->iova, d->len, d->len,
						    bm, 0));
}

/* A plain HWPT on the bench's IOAS, or SKIP. */
#define PLAIN_HWPT(id) do { \
	IOD_NEED_PLAIN_HWPT(); \
	ASSERT_EQ(0, iod_hwpt_alloc(self->d.t.fd, self->d.t.dev_id, \
				    self->d.t.ioas_id, 0, &(id))); \
} while (0)

/*
 * Replace the device from the tracking HWPT to a plain one and back:
 * dirty bits and the tracking state stay with the tracking HWPT. Writes
 * through the plain HWPT are not reported; writes after coming back are,
 * without another SET.
 */
TEST_F(topology, replace_plain_and_back)
{
	struct iod_dirty *d = &self->d;
	uint32_t plain;

	PLAIN_HWPT(plain);
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	ASSERT_EQ(0, wr(d, &d->engine, 2, 1, true));
	ASSERT_EQ(0, wr(d, &d->engine, 9, 3 * K, true));
	ASSERT_EQ(0, iod_target_attach(&d->t, plain));
	IOD_ASSERT_HARVEST(d, variant->page_size,
			   IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	ASSERT_EQ(0, wr(d, &d->engine, 6, 1, false));
	ASSERT_EQ(0, wr(d, &d->engine, 14, 1, false));
	ASSERT_EQ(0, iod_target_attach(&d->t, d->hwpt_id));
	ASSERT_EQ(0, wr(d, &d->engine, 12, 1, true));
	HARVEST_EXACT(d, variant->page_size);
}

/*
 * Tracking enabled on the HWPT while its device is on a plain HWPT: back
 * on the tracking HWPT, the device is tracked.
 */
TEST_F(topology, replace_enable_while_away)
{
	struct iod_dirty *d = &self->d;
	uint32_t plain;

	PLAIN_HWPT(plain);
	ASSERT_EQ(0, iod_target_attach(&d->t, plain));
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	ASSERT_EQ(0, wr(d, &d->engine, 4, 1, false));
	HARVEST_EMPTY(d, variant->page_size);
	ASSERT_EQ(0, iod_target_attach(&d->t, d->hwpt_id));
	ASSERT_EQ(0, wr(d, &d->engine, 7, 1, true));
	ASSERT_EQ(0, wr(d, &d->engine, 16, 1, true));
	HARVEST_EXACT(d, variant->page_size);
}

/*
 * Tracking disabled while the device is on a plain HWPT: back on the
 * tracking HWPT its writes are not reported until tracking is enabled.
 */
TEST_F(topology, replace_disable_while_away)
{
	struct iod_dirty *d = &self->d;
	uint32_t plain;

	PLAIN_HWPT(plain);
	if (!off_observable())
		SKIP(return, "the profile says a harvest reports writes while tracking is off (dirty.get_while_disabled = %s)",
		     iod_profile_enum(iod_env.profile,
				      "dirty.get_while_disabled"));
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	ASSERT_EQ(0, iod_target_attach(&d->t, plain));
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, false));
	ASSERT_EQ(0, iod_target_attach(&d->t, d->hwpt_id));
	ASSERT_EQ(0, wr(d, &d->engine, 3, 1, false));
	HARVEST_EMPTY(d, variant->page_size);
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	ASSERT_EQ(0, wr(d, &d->engine, 10, 1, true));
	HARVEST_EXACT(d, variant->page_size);
}

/* The profile's errno for a dirty HWPT attached to an incapable device. */
#define INCAPABLE_ERRNO(e) do { \
	(e) = iod_profile_errno(iod_env.profile, \
				"attach.dirty_to_incapable"); \
	if ((e) < 0) \
		SKIP(return, "profile %s does not state attach.dirty_to_incapable", \
		     iod_profile_path(iod_env.profile)); \
} while (0)

/*
 * A device without dirty tracking (NO_DIRTY) created onto the tracking
 * HWPT while tracking is on: refused as the profile says; the attached
 * device's tracking goes on unaffected.
 */
TEST_F(topology, incapable_attach)
{
	struct iod_dirty *d = &self->d;
	struct iod_mock_dev md = { 0 };
	int e;

	NEED_SECOND_DEVICE();
	INCAPABLE_ERRNO(e);
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	ASSERT_EQ(0, wr(d, &d->engine, 1, 1, true));
	IOD_ASSERT_ERR(e, iod_mock_dev_create(d->t.fd, d->hwpt_id,
					      MOCK_FLAGS_DEVICE_NO_DIRTY,
					      &md));
	if (!e)
		iod_destroy(d->t.fd, md.stdev_id);
	ASSERT_EQ(0, wr(d, &d->engine, 11, 2 * K, true));
	HARVEST_EXACT(d, variant->page_size);
	ASSERT_EQ(0, wr(d, &d->engine, 16, 1, true));
	HARVEST_EXACT(d, variant->page_size);
}

/*
 * A NO_DIRTY device on its IOAS, replaced onto the tracking HWPT while
 * tracking is on: refused as the profile says, it stays where it was; the
 * attached device's tracking goes on unaffected.
 */
TEST_F(topology, incapable_replace)
{
	struct iod_dirty *d = &self->d;
	uint32_t was;
	int e;

	NEED_SECOND_DEVICE();
	INCAPABLE_ERRNO(e);
	ASSERT_EQ(0, add_second(self, d->t.ioas_id,
				MOCK_FLAGS_DEVICE_NO_DIRTY));
	was = self->t2.pt_id;
	ASSERT_NE(d->hwpt_id, was);
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, d->hwpt_id, true));
	ASSERT_EQ(0, wr(d, &d->engine, 2, 1, true));
	IOD_ASSERT_ERR(e, iod_target_attach(&self->t2, d->hwpt_id));
	/* Refused, its writes still go through its own domain. */
	if (e)
		ASSERT_EQ(0, wr(d, &self->e2, 6, 1, false));
	ASSERT_EQ(0, wr(d, &d->engine, 13, 1, true));
	HARVEST_EXACT(d, variant->page_size);
	IOD_ASSERT_ERR(EBUSY, iod_destroy(d->t.fd, d->hwpt_id));
}

IOD_HARNESS_MAIN
