/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A dirty-tracking test bench: the target device attached to a dirty HWPT
 * on its IOAS, a buffer mapped at an IOVA, the DMA engine, and the
 * footprint model of what the engine wrote. Used by suites/dirty.
 */
#ifndef IODIRTY_DIRTY_H
#define IODIRTY_DIRTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/bitmap_buf.h"
#include "engine/engine.h"
#include "model/footprint.h"
#include "model/space.h"
#include "harness/target.h"

struct iod_dirty_opts {
	/*
	 * Bytes mapped: rounded up to whole leaves and host pages, or to
	 * whole hugetlb pages if huge.
	 */
	uint64_t buf_len;
	/* buf_len 0: this many leaves (huge leaves if huge) */
	uint64_t leaves;
	/*
	 * Hugetlb memory in pages of at least the profile's dirty.huge_leaf,
	 * huge IOPTEs (none reserved: the case SKIPs saying how to reserve
	 * them). Without it the bench sets IOMMU_OPTION_HUGE_PAGES=0 before
	 * mapping, so its leaves are base leaves (dirty.leaf).
	 */
	bool huge;
	bool base_pages;	/* huge memory, yet HUGE_PAGES=0: base leaves */
	bool enable;		/* turn tracking on at the end of set-up */
	uint32_t mock_flags;	/* extra MOCK_FLAGS_DEVICE_* */
	/* IOMMU_OPTION_RLIMIT_MODE=1: pins charged to this process's VmLck */
	bool account_mm;
	/*
	 * Where the profile says the IOMMU cannot track dirty pages: check
	 * that, then build the bench on a plain HWPT (the device attached to
	 * its IOAS) so DMA and data are still proven; `tracking` stays false.
	 */
	bool plain_if_incapable;
};

struct iod_dirty {
	struct iod_target t;
	struct iod_space space;
	struct iod_engine engine;
	struct iod_fp fp;	/* over [iova, +len) at `leaf` */
	uint32_t hwpt_id;	/* the dirty HWPT the device is attached to */
	void *buf;
	uint64_t len;
	void *guards;		/* IODIRTY_GUARD_PAGES: pages below buf's */
	uint64_t guards_len;
	uint64_t iova;
	uint64_t leaf;		/* IOPTE size of the mapping */
	uint64_t base_leaf;	/* iod_base_leaf() */
	bool huge;
	bool tracking;		/* hwpt_id is a dirty-tracking HWPT */
};

/*
 * The IOMMU's base page, the bytes one base IOPTE maps: the profile's
 * dirty.leaf, else its iova.alignment (the same quantity as the IOAS
 * reports it), else the host page.
 */
uint64_t iod_base_leaf(void);
/* The profile's dirty.huge_leaf, 0 if unstated. */
uint64_t iod_huge_leaf(void);

/*
 * Build the bench. 0 on success. -EOPNOTSUPP when the profile says this
 * IOMMU cannot track dirty pages: the dirty allocation has then been
 * checked to fail exactly as the profile says, and `why` is the SKIP
 * reason (with plain_if_incapable the bench is built on a plain HWPT
 * instead, and 0 is returned). Any other -errno: `why` says what failed.
 */
int iod_dirty_setup(struct iod_dirty *d, const struct iod_dirty_opts *o,
		    char *why, size_t len);
void iod_dirty_teardown(struct iod_dirty *d);

/*
 * What tests do with a bench, its fd and dirty HWPT implied. Offsets are
 * from the start of the buffer; harvests are in harness/harvest.h.
 */

/*
 * The device writes len bytes of the pattern of `seed` at `off` through the
 * bench's engine, recorded in fp (NULL: not recorded). 0 or the engine's
 * -errno.
 */
int iod_bench_write(struct iod_dirty *d, uint64_t off, uint64_t len,
		    uint8_t seed, struct iod_fp *fp);
/* As iod_bench_write, rounded out to the engine's units (engine.h). */
int iod_bench_write_cover(struct iod_dirty *d, uint64_t off, uint64_t len,
			  uint8_t seed, struct iod_fp *fp);
/* The same through engine e (another device on the bench's IOAS). */
int iod_bench_write_via(struct iod_dirty *d, struct iod_engine *e,
			uint64_t off, uint64_t len, uint8_t seed,
			struct iod_fp *fp);
/* Is the pattern of `seed` in memory at [off, +len)? */
bool iod_bench_landed(struct iod_dirty *d, uint64_t off, uint64_t len,
		      uint8_t seed);

/*
 * SET_DIRTY_TRACKING on the bench's HWPT. Enabling wipes every earlier
 * dirty bit (suites/dirty/state.c checks that it does), so the bench's
 * footprint is emptied with it. 0 or -errno.
 */
int iod_bench_set_tracking(struct iod_dirty *d, bool on);

/*
 * [iova, +len) was just mapped into the bench's IOAS: where the profile
 * says a new writable mapping reads dirty on its first harvest
 * (dirty.new_mapping = dirty), its leaves inside fp are recorded dirty.
 */
void iod_bench_mapped(struct iod_dirty *d, struct iod_fp *fp, uint64_t iova,
		      uint64_t len);
/*
 * The IOVA alignment of the bench's mappings: its leaf, the huge leaf,
 * the THP size, the host page, whichever is largest (a huge leaf or a
 * transparent huge page can then be mapped whole).
 */
uint64_t iod_bench_align(const struct iod_dirty *d);
/*
 * The lowest IOVA a test may pick for mappings of its own: at least
 * `floor`, above the bench buffer and above what the engine mapped for
 * itself (its queues or staging buffer).
 */
uint64_t iod_bench_iova_floor(const struct iod_dirty *d, uint64_t floor);

/* IOAS_MAP into the bench's space, then iod_bench_mapped() on d->fp. */
int iod_bench_map(struct iod_dirty *d, void *va, uint64_t len, uint64_t iova);

/* IOMMU_DESTROY of the bench's dirty HWPT. 0 or -errno. */
int iod_bench_destroy_hwpt(struct iod_dirty *d);

/* IOMMU_OPTION_HUGE_PAGES of the bench's IOAS: set, read. 0 or -errno. */
int iod_bench_set_huge_pages(struct iod_dirty *d, uint64_t on);
int iod_bench_get_huge_pages(struct iod_dirty *d, uint64_t *on);

/* GET_DIRTY_BITMAP of the bench's HWPT, raw: into data, nothing checked. */
int iod_bench_get_bitmap(struct iod_dirty *d, uint64_t iova, uint64_t len,
			 uint64_t page_size, void *data, uint32_t flags);

#endif
