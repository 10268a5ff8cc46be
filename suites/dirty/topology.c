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

#include "harness/iod_test.h"
#include "uapi/iommufd.h"
#include "uapi/mock.h"
#include "util.h"

IOD_RUNS_PER_PROFILE_ENGINE

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
/* Huge: `len` counts huge leaves. */
FIXTURE_VARIANT_ADD(topology, huge_x2_ps64k) {
	.len = 2, .page_size = 64 * K, .huge = true,
};

FIXTURE_SETUP(topology)
{
	struct iod_dirty_opts o = {
		.buf_len = variant->huge ? 0 : variant->len,
		.leaves = variant->huge ? variant->len : 0,
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

/* Byte offset of the k-th sixteenth of the bench buffer. */
static uint64_t sixteenth(const struct iod_dirty *d, unsigned int k)
{
	return d->len / 16 * k;
}

/* Two devices on one tracking HWPT: both devices' writes, one harvest. */
TEST_F(topology, two_devices_one_harvest)
{
	struct iod_dirty *d = &self->d;

	NEED_SECOND_DEVICE();
	ASSERT_EQ(0, add_second(self, d->hwpt_id, 0));
	ASSERT_EQ(d->hwpt_id, self->t2.pt_id);
	IOD_ASSERT_SET_TRACKING(d, true);
	IOD_ASSERT_WRITE(d, sixteenth(d, 1), 100, 2);
	IOD_ASSERT_WRITE(d, sixteenth(d, 5), 4 * K, 6);
	ASSERT_EQ(0, iod_bench_write_via(d, &self->e2, sixteenth(d, 9), 1, 10,
					 &d->fp));
	ASSERT_EQ(0, iod_bench_write_via(d, &self->e2, d->len - 3, 3, 17,
					 &d->fp));
	/* Both into one leaf. */
	IOD_ASSERT_WRITE(d, sixteenth(d, 12), 8, 13);
	ASSERT_EQ(0, iod_bench_write_via(d, &self->e2, sixteenth(d, 12), 8, 13,
					 &d->fp));
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
	/* And again, after the clear. */
	ASSERT_EQ(0, iod_bench_write_via(d, &self->e2, sixteenth(d, 3), 1, 4,
					 &d->fp));
	IOD_ASSERT_WRITE(d, sixteenth(d, 14), 1, 15);
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
}

/*
 * Tracking enabled with no device attached, then the device attaches: its
 * writes are reported without another SET.
 */
TEST_F(topology, attach_after_enable)
{
	struct iod_dirty *d = &self->d;

	ASSERT_EQ(0, iod_target_detach(&d->t));
	IOD_ASSERT_SET_TRACKING(d, true);
	ASSERT_EQ(0, iod_target_attach(&d->t, d->hwpt_id));
	IOD_ASSERT_WRITE(d, sixteenth(d, 2), 1, 3);
	IOD_ASSERT_WRITE(d, d->len - (2 * K), 2 * K, 17);
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
}

/* A second device attached while tracking is on is tracked too. */
TEST_F(topology, second_device_after_enable)
{
	struct iod_dirty *d = &self->d;

	NEED_SECOND_DEVICE();
	IOD_ASSERT_SET_TRACKING(d, true);
	IOD_ASSERT_WRITE(d, sixteenth(d, 1), 1, 2);
	ASSERT_EQ(0, add_second(self, d->hwpt_id, 0));
	ASSERT_EQ(0, iod_bench_write_via(d, &self->e2, sixteenth(d, 7), 3 * K, 8,
					 &d->fp));
	ASSERT_EQ(0, iod_bench_write_via(d, &self->e2, d->len - 1, 1, 17,
					 &d->fp));
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
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

	IOD_ASSERT_SET_TRACKING(d, true);
	IOD_ASSERT_WRITE(d, sixteenth(d, 0), 1, 1);
	IOD_ASSERT_WRITE(d, sixteenth(d, 6), 5 * K, 7);
	ASSERT_EQ(0, iod_target_detach(&d->t));
	IOD_ASSERT_HARVEST(d, variant->page_size, IOD_NO_CLEAR);
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
	/* A mock device detached is on its IOAS's own domain. */
	if (d->t.pt_id) {
		ASSERT_NE(d->hwpt_id, d->t.pt_id);
		ASSERT_EQ(0, iod_bench_write_cover(d, sixteenth(d, 3), 1, 4,
						   NULL));
		ASSERT_EQ(0, iod_fp_count(&d->fp));
		IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	}
	IOD_ASSERT_SET_TRACKING(d, false);
	IOD_ASSERT_SET_TRACKING(d, true);
	ASSERT_EQ(0, iod_target_attach(&d->t, d->hwpt_id));
	IOD_ASSERT_WRITE(d, sixteenth(d, 11), 1, 12);
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
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
	IOD_ASSERT_SET_TRACKING(d, true);
	ASSERT_EQ(0, iod_bench_write_via(d, &self->e2, sixteenth(d, 2), 1, 3,
					 &d->fp));
	IOD_ASSERT_WRITE(d, sixteenth(d, 4), 1, 5);
	ASSERT_EQ(0, iod_target_detach(&self->t2));
	ASSERT_NE(d->hwpt_id, self->t2.pt_id);
	ASSERT_EQ(0, iod_bench_write_via(d, &self->e2, sixteenth(d, 10), 1, 11,
					 NULL));
	IOD_ASSERT_WRITE(d, sixteenth(d, 13), 1, 14);
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
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

	IOD_ASSERT_SET_TRACKING(d, true);
	IOD_ASSERT_WRITE(d, sixteenth(d, 5), 1, 6);
	IOD_ASSERT_ERR(EBUSY, iod_bench_destroy_hwpt(d));
	IOD_ASSERT_WRITE(d, sixteenth(d, 15), 1, 16);
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
	ASSERT_EQ(0, iod_target_detach(&d->t));
	IOD_ASSERT_ERR(0, iod_bench_destroy_hwpt(d));
	IOD_ASSERT_ERR(ENOENT, iod_bench_set_tracking(d, true));
	IOD_ASSERT_ERR(ENOENT, iod_bench_set_tracking(d, false));
	IOD_ASSERT_ERR(ENOENT, iod_bench_get_bitmap(d, d->iova, d->len, d->len,
						    bm, 0));
	IOD_ASSERT_ERR(ENOENT, iod_bench_destroy_hwpt(d));
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
	IOD_ASSERT_SET_TRACKING(d, true);
	IOD_ASSERT_WRITE(d, sixteenth(d, 1), 1, 2);
	ASSERT_EQ(0, iod_bench_write_via(d, &self->e2, sixteenth(d, 8), 1, 9,
					 &d->fp));
	IOD_ASSERT_ERR(EBUSY, iod_bench_destroy_hwpt(d));
	ASSERT_EQ(0, iod_target_detach(&d->t));
	IOD_ASSERT_ERR(EBUSY, iod_bench_destroy_hwpt(d));
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
	iod_engine_close(&self->e2);
	ASSERT_EQ(0, iod_destroy(d->t.fd, self->t2.md.stdev_id));
	self->t2.md.stdev_id = 0;
	IOD_ASSERT_ERR(0, iod_bench_destroy_hwpt(d));
	IOD_ASSERT_ERR(ENOENT, iod_bench_set_tracking(d, true));
	IOD_ASSERT_ERR(ENOENT, iod_bench_get_bitmap(d, d->iova, d->len, d->len,
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
	IOD_ASSERT_SET_TRACKING(d, true);
	IOD_ASSERT_WRITE(d, sixteenth(d, 2), 1, 3);
	IOD_ASSERT_WRITE(d, sixteenth(d, 9), 3 * K, 10);
	ASSERT_EQ(0, iod_target_attach(&d->t, plain));
	IOD_ASSERT_HARVEST(d, variant->page_size, IOD_NO_CLEAR);
	ASSERT_EQ(0, iod_bench_write_cover(d, sixteenth(d, 6), 1, 7, NULL));
	ASSERT_EQ(0, iod_bench_write_cover(d, sixteenth(d, 14), 1, 15, NULL));
	ASSERT_EQ(0, iod_target_attach(&d->t, d->hwpt_id));
	IOD_ASSERT_WRITE(d, sixteenth(d, 12), 1, 13);
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
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
	IOD_ASSERT_SET_TRACKING(d, true);
	ASSERT_EQ(0, iod_bench_write_cover(d, sixteenth(d, 4), 1, 5, NULL));
	ASSERT_EQ(0, iod_fp_count(&d->fp));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	ASSERT_EQ(0, iod_target_attach(&d->t, d->hwpt_id));
	IOD_ASSERT_WRITE(d, sixteenth(d, 7), 1, 8);
	IOD_ASSERT_WRITE(d, d->len - 1, 1, 17);
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
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
	if (!iod_rule_is("dirty.get_while_disabled", "empty"))
		SKIP(return, "the profile says a harvest reports writes while tracking is off (dirty.get_while_disabled = %s)",
		     iod_rule("dirty.get_while_disabled", "unset"));
	IOD_ASSERT_SET_TRACKING(d, true);
	ASSERT_EQ(0, iod_target_attach(&d->t, plain));
	IOD_ASSERT_SET_TRACKING(d, false);
	ASSERT_EQ(0, iod_target_attach(&d->t, d->hwpt_id));
	ASSERT_EQ(0, iod_bench_write_cover(d, sixteenth(d, 3), 1, 4, NULL));
	ASSERT_EQ(0, iod_fp_count(&d->fp));
	IOD_ASSERT_HARVEST(d, variant->page_size, 0);
	IOD_ASSERT_SET_TRACKING(d, true);
	IOD_ASSERT_WRITE(d, sixteenth(d, 10), 1, 11);
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
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
	IOD_ASSERT_SET_TRACKING(d, true);
	IOD_ASSERT_WRITE(d, sixteenth(d, 1), 1, 2);
	IOD_ASSERT_ERR(e, iod_mock_dev_create(d->t.fd, d->hwpt_id,
					      MOCK_FLAGS_DEVICE_NO_DIRTY,
					      &md));
	if (!e)
		iod_destroy(d->t.fd, md.stdev_id);
	IOD_ASSERT_WRITE(d, sixteenth(d, 11), 2 * K, 12);
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
	IOD_ASSERT_WRITE(d, d->len - 1, 1, 17);
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
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
	IOD_ASSERT_SET_TRACKING(d, true);
	IOD_ASSERT_WRITE(d, sixteenth(d, 2), 1, 3);
	IOD_ASSERT_ERR(e, iod_target_attach(&self->t2, d->hwpt_id));
	/* Refused, its writes still go through its own domain. */
	if (e)
		ASSERT_EQ(0, iod_bench_write_via(d, &self->e2, sixteenth(d, 6), 1, 7,
					 NULL));
	IOD_ASSERT_WRITE(d, sixteenth(d, 13), 1, 14);
	IOD_ASSERT_HARVEST_CLEARS(d, variant->page_size);
	IOD_ASSERT_ERR(EBUSY, iod_bench_destroy_hwpt(d));
}

IOD_HARNESS_MAIN
