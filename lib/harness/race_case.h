/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The frame of a stress case that races threads or processes against an
 * object's lifetime (suites/stress/lifetime_*.c): each thread's seed,
 * generator and operation log, a flag any thread raises on a return the
 * kernel must not give, the machine's counters and the kernel log taken
 * before the case, and the checks after it (the bench still harvests
 * exactly, no splat, nothing leaked, the figures line).
 */
#ifndef IODIRTY_RACE_CASE_H
#define IODIRTY_RACE_CASE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/dirty.h"
#include "harness/stress.h"
#include "harness/target.h"
#include "model/rand.h"

#define IOD_RACE_THREADS 3	/* t0 the case's own thread, t1, t2 */

struct iod_race {
	struct iod_oplog log[IOD_RACE_THREADS];
	struct iod_rand rnd[IOD_RACE_THREADS];
	uint64_t seed[IOD_RACE_THREADS];
	struct iod_stress_counters before;
	struct iod_stress_figures fig;
	atomic_bool bad;	/* a call returned what it must not */
	int kfd;		/* iod_kmsg_open() at the start */
};

/*
 * Seed every thread from the case seed (iod_stress_thread_seed()), open
 * the logs, read the counters and open the kernel log. 0 or -errno.
 */
int iod_race_init(struct iod_race *r, uint64_t case_seed,
		  const char *case_id);
void iod_race_free(struct iod_race *r);

/* Log one call of thread t (entry t_in, returning now); returns rc. */
int iod_race_log(struct iod_race *r, unsigned int t, const char *name,
		 uint64_t a0, uint64_t a1, uint64_t t_in, int rc);
/*
 * A return the kernel must not give: logged with 0xbad as its second
 * argument, and the case fails when it ends.
 */
void iod_race_wrong(struct iod_race *r, unsigned int t, const char *name,
		    uint64_t id, int rc);
/* Busy-wait (yielding) a random 0..max_us µs from thread t's generator. */
void iod_race_spin(struct iod_race *r, unsigned int t, unsigned int max_us);
/* Every thread's log into the TAP. */
void iod_race_dump(struct iod_race *r);

/*
 * Does the bench still work? Harvest away whatever it holds, the device
 * writes three leaves, a clearing harvest of the whole buffer reports
 * exactly them. 0, the number of wrong bits, or -errno; rep says what.
 */
int64_t iod_race_bench_works(struct iod_race *r, struct iod_dirty *d,
			     char *rep, size_t len);

/*
 * An iommufd of its own on the mock: a mock device on a tracking HWPT
 * (*hwpt) with len bytes of buf mapped at *iova (picked), every leaf of
 * `leaf` bytes marked dirty. 0, or -errno with why; close it with
 * iod_target_close().
 */
int iod_race_mock_tracked(struct iod_target *t, void *buf, uint64_t len,
			  uint64_t leaf, uint32_t *hwpt, uint64_t *iova,
			  char *why, size_t wlen);

/* In a fixture set-up: iod_race_init() for the running case, seeds logged. */
#define IOD_RACE_SETUP(r) do { \
	uint64_t __seed = iod_seed(); \
	char __id[128]; \
	unsigned int __i; \
	iod_case_id(__id, sizeof(__id), _metadata, variant); \
	ASSERT_EQ(0, iod_race_init((r), __seed, __id)); \
	TH_LOG("seed %" PRIu64 " (replay: IODIRTY_SEED=%" PRIu64 ")", \
	       __seed, __seed); \
	for (__i = 0; __i < IOD_RACE_THREADS; __i++) \
		TH_LOG("thread %u seed %" PRIu64, __i, (r)->seed[__i]); \
} while (0)

/* The bench still harvests exactly (iod_race_bench_works()). */
#define IOD_ASSERT_BENCH_WORKS(r, d) do { \
	char __rep[512] = ""; \
	ASSERT_EQ(0, iod_race_bench_works((r), (d), __rep, sizeof(__rep))) \
		TH_LOG("the bench after the race: %s", __rep); \
} while (0)

/*
 * The end of a case: no wrong return in any thread (else every log into
 * the TAP), no splat, the counters back, the figures line.
 */
#define IOD_ASSERT_RACE_CLEAN(r) do { \
	struct iod_stress_counters __after; \
	char __rep[512] = ""; \
	bool __bad = atomic_load(&(r)->bad); \
	if (__bad) \
		iod_race_dump(r); \
	ASSERT_FALSE(__bad) \
		TH_LOG("a call returned what it must not: the oplog lines with 0xbad"); \
	IOD_ASSERT_NO_SPLAT((r)->kfd); \
	(r)->kfd = -1; \
	ASSERT_EQ(0, iod_stress_counters_read(&__after)); \
	ASSERT_EQ(0, iod_stress_leak_check(&(r)->before, &__after, __rep, \
					   sizeof(__rep))) \
		TH_LOG("after the case: %s", __rep); \
	iod_stress_figures_print(&(r)->fig); \
} while (0)

/* SKIP a case that needs the mock's own calls, saying what they do. */
#define IOD_RACE_NEED_MOCK(t, what) do { \
	if (!(t)->mock) \
		SKIP(return, "%s: only the iommufd mock offers this to " \
		     "userspace", (what)); \
} while (0)

#endif
