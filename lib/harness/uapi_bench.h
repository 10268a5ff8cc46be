/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bench of the negative-uAPI programs (suites/dirty/uapi_*.c): a dirty
 * HWPT with tracking on over a 256 KiB buffer, a few dirty spots on it, a
 * well-formed GET_DIRTY_BITMAP to break one field of, and the checks that
 * a rejected call changed nothing: tracking still on, every write still
 * reported.
 */
#ifndef IODIRTY_UAPI_BENCH_H
#define IODIRTY_UAPI_BENCH_H

#include <stdint.h>

#include <linux/iommufd.h>

#include "harness/dirty.h"
#include "model/bitmap_buf.h"

/* The bench buffer's length. */
#define IOD_UAPI_BUF_LEN (256 * 1024ull)

/*
 * In a test program (iod_test.h): the fixture `name` with the bench in
 * self->d: a dirty HWPT, tracking on, IOD_UAPI_BUF_LEN mapped; SKIP with the
 * profile's reason where the IOMMU cannot track dirty pages.
 */
#define IOD_UAPI_FIXTURE(name) \
	FIXTURE(name) { \
		struct iod_dirty d; \
	}; \
	FIXTURE_SETUP(name) \
	{ \
		struct iod_dirty_opts o = { \
			.buf_len = IOD_UAPI_BUF_LEN, .enable = true, \
		}; \
		IOD_DIRTY_SETUP(&self->d, &o); \
	} \
	FIXTURE_TEARDOWN(name) \
	{ \
		iod_dirty_teardown(&self->d); \
	} \
	struct iod_uapi_fixture_##name##_end

/* Dirty a few spots: the first byte, both sides of a leaf edge, the last byte. */
int iod_uapi_dirty_some(struct iod_dirty *d);

/*
 * Map a zeroed guarded bitmap for a GET of the buffer at 2 KiB granules
 * (iod_bitmap_buf_free() it), then dirty a few spots as
 * iod_uapi_dirty_some() does. 0 or -errno (nothing left mapped).
 */
int iod_uapi_dirty_some_bitmap(struct iod_dirty *d, struct iod_bitmap_buf *b);

/* A well-formed GET of the whole buffer at leaf granularity into bm. */
struct iommu_hwpt_get_dirty_bitmap iod_uapi_get_cmd(struct iod_dirty *d,
						    void *bm);

/*
 * Is tracking on: is a fresh device write reported? Clears the dirty state
 * of the buffer first and the footprint with it. 1, 0, or -errno.
 */
int iod_uapi_tracking_on(struct iod_dirty *d);

/* In a test (iod_test.h): tracking must be on (1) or off (0). */
#define IOD_ASSERT_TRACKING(d, want) do { \
	int __on = iod_uapi_tracking_on(d); \
	ASSERT_EQ((want), __on) \
		TH_LOG("tracking is %s, expected %s", \
		       __on < 0 ? iod_errno_name(-__on) : \
		       __on ? "on" : "off", (want) ? "on" : "off"); \
} while (0)

/*
 * In a test (iod_test.h): nothing was cleared: a full harvest still
 * reports every write. The harvest clears them, and the footprint follows.
 */
#define IOD_ASSERT_INTACT(d) do { \
	IOD_ASSERT_HARVEST(d, (d)->leaf, 0); \
	iod_fp_reset(&(d)->fp); \
} while (0)

#endif
