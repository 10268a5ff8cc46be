/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Churn around tracked areas (suites/stress/churn.c): a region of areas
 * next to a dirty bench, some kept mapped ("stable", writable by the
 * bench's engine), some mapped and unmapped by a churn thread; leaves
 * written "clean-known" (a leaf is written again only after a harvest
 * reported it) and the judge of one harvest over them:
 *   - no phantom: a reported leaf was written since it was last reported;
 *     a churned area reports bits only while it may hold marks the churn
 *     thread made in it (a leaf unmapped and remapped starts clean, unless
 *     the profile's dirty.new_mapping says dirty);
 *   - no loss: every write that completed before the harvest started is
 *     in it, for the leaves the harvest must reach (all of them, or those
 *     below the first churned area where the profile says a harvest stops
 *     at a hole).
 */
#ifndef IODIRTY_CHURN_H
#define IODIRTY_CHURN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/dirty.h"
#include "harness/stress.h"

#define IOD_CHURN_AREAS 5
#define IOD_CHURN_MAX_LEAVES 128

enum { IOD_LEAF_CLEAN, IOD_LEAF_WRITING, IOD_LEAF_WRITTEN };

struct iod_churn {
	struct iod_dirty *d;
	/* the region: IOD_CHURN_AREAS areas of area_len from niova */
	void *nbuf;
	uint64_t niova, area_len, nlen;
	uint64_t floor;		/* the lowest IOVA above the bench's mappings */
	unsigned int churned;		/* bit a: area a is the churn thread's */
	bool mapped[IOD_CHURN_AREAS];	/* the churn thread's view */
	bool stable_mapped[IOD_CHURN_AREAS];
	/* odd: area a may hold marks the churn thread made in it */
	atomic_uint area_gen[IOD_CHURN_AREAS];
	/* the leaves written and judged exactly */
	unsigned int nleaves;
	uint64_t leaf_iova[IOD_CHURN_MAX_LEAVES];
	atomic_int leaf[IOD_CHURN_MAX_LEAVES];
	/* leaves [0, reach_all) must be reported whatever the holes above */
	unsigned int reach_all;
	/* the harvest: [h_iova, h_end) at d->leaf into bm */
	uint64_t h_iova, h_end, nbits;
	uint64_t *bm;
	bool new_mapping_dirty;		/* dirty.new_mapping = dirty */
	bool hole_skips;		/* dirty.hole = skips */
	/* the run */
	atomic_bool failed;
	atomic_int running;
	char rep[512];
};

/*
 * Map the region's memory (nothing into the IOAS yet) above the bench, at
 * IOVAs no one uses. 0, or -errno with why.
 */
int iod_churn_init(struct iod_churn *c, struct iod_dirty *d, uint64_t area_leaves,
		   char *why, size_t len);
/* Unmap whatever is still mapped, free the memory. */
void iod_churn_fini(struct iod_churn *c);
static inline uint64_t iod_churn_area_iova(const struct iod_churn *c,
					   unsigned int a)
{
	return c->niova + a * c->area_len;
}
/* Map area a through the bench (its engine can write there). */
int iod_churn_map_stable(struct iod_churn *c, unsigned int a);
/* The harvest range and its bitmap. 0 or -ENOMEM / -E2BIG. */
int iod_churn_range(struct iod_churn *c, uint64_t iova, uint64_t end);

/* The first failure wins: record it, stop every thread. Returns -EINVAL. */
int iod_churn_fail(struct iod_churn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Claim a clean leaf from a random start: its index, or -1 if none. */
int iod_churn_claim(struct iod_churn *c, uint64_t rnd);
/* The claimed leaf i was written (a harvest may have taken it already). */
void iod_churn_written(struct iod_churn *c, unsigned int i);

/*
 * One churn operation on a random churned area: map it, mark it whole
 * (mock: IOMMU_TEST_OP_DIRTY on the bench's HWPT, once per mapping) or
 * unmap it. 0 or -errno, logged.
 */
int iod_churn_step(struct iod_churn *c, uint64_t rnd, bool mark,
		   struct iod_oplog *log);
/* Bring every churned area to `mapped`. 0 or -errno, logged. */
int iod_churn_settle(struct iod_churn *c, bool mapped, struct iod_oplog *log);

/*
 * One clearing harvest of the range, judged (see the top of this file);
 * figures counted. 0, or -EINVAL after iod_churn_fail().
 */
int iod_churn_harvest(struct iod_churn *c, struct iod_oplog *log,
		      struct iod_stress_figures *fig);

#endif
