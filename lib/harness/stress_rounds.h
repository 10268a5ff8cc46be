/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rounds of device writes and exact harvests on a dirty bench, for the
 * stress programs that do something to the bench's memory or to the
 * bitmap's (move it between nodes, compact it, zap it, pin it twice)
 * while the rounds run. One round: up to 64 leaves of a part of the
 * buffer, chosen at random, written by the device; then one clearing
 * harvest of the whole buffer compared bit for bit with the footprint,
 * which is then emptied. The bitmap may be the caller's memory, laid over
 * a host page boundary so that the kernel pins two pages to record it.
 */
#ifndef IODIRTY_STRESS_ROUNDS_H
#define IODIRTY_STRESS_ROUNDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/dirty.h"
#include "harness/stress.h"
#include "model/bitmap_buf.h"
#include "model/rand.h"

struct iod_round {
	struct iod_dirty *d;
	struct iod_rand *rnd;
	struct iod_oplog *log;		/* NULL: not logged */
	struct iod_stress_figures *fig;	/* NULL: not counted */
	struct iod_bitmap_buf *bm;	/* NULL: a fresh bitmap each harvest */
	uint64_t off, len;	/* the part written (len 0: the whole buffer) */
	uint64_t page_size;	/* of the harvest (0: the bench's leaf) */
	bool landed;		/* check each write's bytes through the CPU */
};

/*
 * Lay `b` out for a bitmap of `bytes` (a multiple of 8) in map, which
 * holds at least two host pages (map_len): its data starts 8-byte aligned
 * before the first page boundary and, from 16 bytes on, ends after it,
 * guards on both sides. 0, or -EINVAL when map is too small.
 */
int iod_round_bitmap_straddle(struct iod_bitmap_buf *b, void *map,
			      size_t map_len, size_t bytes);

/* The bitmap bytes a harvest of the whole bench at page_size needs. */
size_t iod_round_bitmap_bytes(const struct iod_dirty *d, uint64_t page_size);

/*
 * One round (see above). 0 when the harvest was exact; the number of wrong
 * bits, or -errno of a write, a landed check (-EIO) or the harvest, with
 * `rep` saying what.
 */
int64_t iod_round_exact(struct iod_round *r, char *rep, size_t len);

/*
 * What a case of rounds holds beside the rounds: its bench, the machine
 * counters from before it, its figures, the operation logs of its thread
 * (0) and of a helper thread (1), the generator, the kernel-log witness
 * and the bitmap's memory.
 */
struct iod_rounds_case {
	struct iod_dirty d;
	bool bench;			/* d set up and not torn down yet */
	struct iod_stress_counters before;
	struct iod_stress_figures fig;
	struct iod_oplog log, tlog;
	struct iod_oplog *logs[2];	/* log, tlog: for iod_oplog_dump() */
	struct iod_rand rnd;
	struct iod_round r;
	int kfd;			/* iod_kmsg_open(), -1 when closed */
	void *bm_map;			/* the bitmap's memory (mmap) */
	size_t bm_map_len;
	struct iod_bitmap_buf bm;
};

/*
 * Read the counters, seed the generator and the logs from the case's
 * seed (thread 0: the case, 1: its helper), open the kernel-log witness.
 * 0 or -errno.
 */
int iod_rounds_case_init(struct iod_rounds_case *c, uint64_t case_seed,
			 const char *case_id);
/*
 * Map `pages` host pages of populated anonymous memory as bm_map. 0 or
 * -errno.
 */
int iod_rounds_case_map_bitmap(struct iod_rounds_case *c, unsigned int pages);
/* Unmap bm_map and tear the bench down (what the case has not yet). */
void iod_rounds_case_release(struct iod_rounds_case *c);
/* Release, then free the logs and close the witness. */
void iod_rounds_case_free(struct iod_rounds_case *c);

/*
 * In a FIXTURE_SETUP: iod_rounds_case_init() of the running case, its
 * seeds in the TAP.
 */
#define IOD_ROUNDS_CASE_SETUP(c) do { \
	char __id[128]; \
	uint64_t __seed = iod_seed(); \
	iod_case_id(__id, sizeof(__id), _metadata, variant); \
	ASSERT_EQ(0, iod_rounds_case_init((c), __seed, __id)); \
	TH_LOG("seed %llu (replay: IODIRTY_SEED=%llu), thread 0 seed %llu, thread 1 seed %llu", \
	       (unsigned long long)__seed, (unsigned long long)__seed, \
	       (unsigned long long)(c)->log.seed, \
	       (unsigned long long)(c)->tlog.seed); \
} while (0)

/* In a TEST_F body: the bench of opts, the rounds on it. */
#define IOD_ROUNDS_BENCH(c, opts) do { \
	(c)->bench = true; \
	IOD_DIRTY_SETUP(&(c)->d, (opts)); \
	(c)->r = (struct iod_round){ .d = &(c)->d, .rnd = &(c)->rnd, \
				     .log = &(c)->log, .fig = &(c)->fig }; \
} while (0)

/*
 * In a TEST_F body, after the case tore its bench down: no kernel splat
 * since kfd was opened (iod_kmsg_open()), and the machine counters back
 * to `before` (iod_stress_leak_check()).
 */
#define IOD_ASSERT_GIVEN_BACK(kfd, before) do { \
	struct iod_stress_counters __after; \
	char __leak[512]; \
	IOD_ASSERT_NO_SPLAT(kfd); \
	ASSERT_EQ(0, iod_stress_counters_read(&__after)); \
	ASSERT_EQ(0, iod_stress_leak_check((before), &__after, __leak, \
					   sizeof(__leak))) \
		TH_LOG("%s", __leak); \
} while (0)

/*
 * In a TEST_F body: `n` rounds of r in a short run (until the seconds are
 * up in a long one), each exact; on the first wrong one the `nlogs`
 * operation logs go to the TAP and the case fails saying why. A case runs
 * one such loop (a long run raises its time limit by the seconds once);
 * its other phases run IOD_ASSERT_ROUNDS_FIXED: `n` rounds in every run.
 */
#define IOD_ASSERT_ROUNDS(r, what, n, logs, nlogs) \
	IOD_ASSERT_ROUNDS_MODE(r, what, n, logs, nlogs, false)
#define IOD_ASSERT_ROUNDS_FIXED(r, what, n, logs, nlogs) \
	IOD_ASSERT_ROUNDS_MODE(r, what, n, logs, nlogs, true)

#define IOD_ASSERT_ROUNDS_MODE(r, what, n, logs, nlogs, fixed) do { \
	struct iod_stress_loop __l; \
	char __rep[512] = ""; \
	int64_t __w = 0; \
	iod_stress_loop_init(&__l, (what), (n)); \
	__l.figures = (r)->fig; \
	if (fixed) \
		__l.long_run = false; \
	while (iod_stress_loop_next(&__l)) { \
		__w = iod_round_exact((r), __rep, sizeof(__rep)); \
		if (__w) \
			break; \
	} \
	if (__w) \
		iod_oplog_dump((logs), (nlogs), stderr); \
	ASSERT_EQ(0, __w) TH_LOG("%s, round %llu: %s", (what), \
				 (unsigned long long)__l.rounds, __rep); \
} while (0)

/*
 * In a TEST_F body: does the device's page table still take [off, +len)
 * of bench d to its buffer's pages (where the engine can ask)?
 */
#define IOD_ASSERT_TRANSLATES(d, off, len, what) do { \
	int __m = iod_engine_check_map(&(d)->engine, (d)->iova + (off), \
				       (uint8_t *)(d)->buf + (off), (len)); \
	if (__m != -EOPNOTSUPP) \
		ASSERT_EQ(0, __m) TH_LOG("%s: the IOVA no longer translates to the buffer's pages: %s", \
					 (what), strerror(-__m)); \
} while (0)

/* In a TEST_F body: VmPin is `kb`. */
#define IOD_ASSERT_VMPIN(kb, what) do { \
	uint64_t __kb; \
	ASSERT_EQ(0, iod_vmpin_kb(&__kb)); \
	ASSERT_EQ((uint64_t)(kb), __kb) \
		TH_LOG("%s: VmPin %llu kB, %llu kB expected", (what), \
		       (unsigned long long)__kb, (unsigned long long)(kb)); \
} while (0)

/*
 * On the mock (IOMMU_TEST_OP_MD_CHECK_REFS): every base page of the
 * bench's buffer is pinned exactly `pins` times. Elsewhere nothing.
 */
#define IOD_ASSERT_PAGE_PINS(d, pins, what) do { \
	int __rc; \
	if (!(d)->t.mock) \
		break; \
	__rc = iod_mock_check_refs((d)->t.fd, (d)->buf, (d)->len, (pins)); \
	ASSERT_EQ(0, __rc) \
		TH_LOG("%s: the buffer's pages are not pinned %u time(s) " \
		       "each (MD_CHECK_REFS: %s)", (what), (unsigned)(pins), \
		       strerror(-__rc)); \
} while (0)

#endif
