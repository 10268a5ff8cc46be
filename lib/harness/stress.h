/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every suites/stress program stands on: its run length (short for
 * CI, long for soaks: IODIRTY_STRESS), every thread's seed derived from
 * the case seed, a per-thread log of the operations it made (dumped beside
 * the program's TAP when a case fails), and the leak checks after a case
 * (VmPin back to its baseline, destroyed ids gone).
 */
#ifndef IODIRTY_STRESS_H
#define IODIRTY_STRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * IODIRTY_STRESS: unset, "" or "short": fixed iteration counts (CI);
 * "long": run for `seconds` (IODIRTY_STRESS_SECONDS, default 1800), with
 * progress every 10 s. A time cap may end a short run early, never change
 * the sequence of its operations.
 */
struct iod_stress_mode {
	bool long_run;
	unsigned int seconds;	/* long runs only */
};

/*
 * Parse the two variables' values (NULL: unset) into m. 0, or -EINVAL with
 * `why` saying what is wrong and what to write instead.
 */
int iod_stress_mode_parse(const char *mode, const char *seconds,
			  struct iod_stress_mode *m, char *why, size_t len);

/*
 * The run's mode from the environment; on a bad value one clear error and
 * exit(2).
 */
const struct iod_stress_mode *iod_stress_mode(void);

/* splitmix64: one step of the generator whose state is *s. */
uint64_t iod_splitmix64(uint64_t *s);

/*
 * The seed of thread `thread` of the case `case_id` run with case_seed:
 * splitmix64(case_seed ^ hash(case_id) ^ thread). Thread 0 is the case's
 * own thread; the same case seed gives every thread the same seed again.
 */
uint64_t iod_stress_thread_seed(uint64_t case_seed, const char *case_id,
				unsigned int thread);

/* One operation a thread made: what, on what, when, and what it returned. */
struct iod_op {
	const char *name;	/* a string literal: "GET_DIRTY_BITMAP", ... */
	uint64_t arg[3];	/* its arguments (ids, iova, length, nth...) */
	uint64_t t_in, t_out;	/* CLOCK_MONOTONIC ns at entry and return */
	int rc;			/* 0 or -errno */
};

/*
 * A thread's last `cap` operations (a ring: older ones are overwritten,
 * `total` counts them all).
 */
struct iod_oplog {
	struct iod_op *ops;
	unsigned int cap;
	uint64_t total;
	unsigned int thread;
	uint64_t seed;
};

/* 0 or -ENOMEM. */
int iod_oplog_init(struct iod_oplog *l, unsigned int thread, uint64_t seed,
		   unsigned int cap);
void iod_oplog_free(struct iod_oplog *l);
/* Record one operation; returns rc, so a call can be logged in place. */
int iod_oplog_add(struct iod_oplog *l, const char *name, uint64_t a0,
		  uint64_t a1, uint64_t a2, uint64_t t_in, uint64_t t_out,
		  int rc);

/*
 * One operation as one line (no newline), times relative to t0:
 *   "t1 #42 +1.000123 +0.000045 GET_DIRTY_BITMAP 0x5 0x100000 0x800 = -14 (EFAULT)"
 * Returns what snprintf returns.
 */
int iod_op_format(const struct iod_op *op, unsigned int thread,
		  uint64_t index, uint64_t t0, char *buf, size_t len);

/*
 * Every log's operations still held, merged by entry time, one "# oplog "
 * line each to f (the TAP's diagnostics), after a line naming each
 * thread's seed. The number of lines written.
 */
unsigned int iod_oplog_dump(struct iod_oplog *const *logs, unsigned int n,
			    FILE *f);

/* VmPin of this process, in kB (0 where the kernel has no VmPin): 0 or -errno. */
int iod_vmpin_kb(uint64_t *kb);

/*
 * Is id gone from iommufd fd (IOMMU_DESTROY of it is ENOENT)? 0 yes;
 * 1 if it was still there (and is now destroyed); another -errno of the
 * destroy.
 */
int iod_id_gone(int fd, uint32_t id);

/*
 * The program's own arguments, taken from argv before the harness parses
 * it: "--seconds N" makes the run a long one of N seconds a case (as
 * IODIRTY_STRESS=long IODIRTY_STRESS_SECONDS=N), "--replay FILE" names an
 * operation list a failing run dumped (iod_stress_replay_path()). A bad
 * value: one clear error and exit(2).
 */
void iod_stress_take_args(int *argc, char **argv);
/* --replay FILE, or NULL. */
const char *iod_stress_replay_path(void);

/*
 * At file scope in a program that replays an operation list (--replay);
 * any other program refuses --replay (its cases replay by IODIRTY_SEED).
 */
extern bool iod_stress_replays;
#define IOD_STRESS_REPLAYS \
	static __attribute__((constructor)) void iod_declare_replays(void) \
	{ \
		iod_stress_replays = true; \
	}

/* What a stress case did, printed at its end and in its progress lines. */
struct iod_stress_figures {
	uint64_t ops;		/* calls made, of every kind */
	uint64_t harvests;	/* GET_DIRTY_BITMAP calls judged */
	uint64_t bits_checked;	/* bitmap bits compared with the model */
	uint64_t writes;	/* device writes or marks made */
};

/*
 * "# stress figures: ops=N harvests=N bits=N writes=N" on stdout, the
 * line a soak's totals are summed from (figures NULL: all zero).
 */
void iod_stress_figures_print(const struct iod_stress_figures *f);

/*
 * A case's main loop: `short_iters` rounds in a short run; in a long run
 * rounds until the run's seconds are up, with a progress line
 * ("# progress: WHAT: N rounds, S s left, <figures>") every 10 s.
 *
 *	iod_stress_loop_init(&l, "writers+harvester", 200);
 *	l.figures = &fig;
 *	while (iod_stress_loop_next(&l))
 *		one_round(...);
 */
struct iod_stress_loop {
	const char *what;
	const struct iod_stress_figures *figures;	/* may stay NULL */
	uint64_t rounds;	/* rounds begun */
	uint64_t short_iters;
	uint64_t end_ms, progress_ms;
	bool long_run;
};

void iod_stress_loop_init(struct iod_stress_loop *l, const char *what,
			  uint64_t short_iters);
/* Begin the next round? false: the loop is over. */
bool iod_stress_loop_next(struct iod_stress_loop *l);

/*
 * Machine counters a case must give back. Where the kernel has no such
 * counter its have_* is false and it is not compared.
 */
struct iod_stress_counters {
	uint64_t vmpin_kb;		/* VmPin of this process */
	uint64_t memfree_kb;		/* MemFree */
	uint64_t hugepages_free;	/* HugePages_Free */
	uint64_t nr_iommu_pages;	/* /proc/vmstat (6.11+) */
	bool have_hugepages, have_iommu_pages;
};

/* The tolerance of MemFree: other tasks and caches move it. */
#define IOD_STRESS_MEMFREE_SLACK_KB 65536
/* Page-table pages an IOMMU driver may keep cached between cases. */
#define IOD_STRESS_IOMMU_PAGES_SLACK 64

/* 0 or -errno of reading /proc. */
int iod_stress_counters_read(struct iod_stress_counters *c);

/*
 * Is `after` back to `before`? VmPin and HugePages_Free exactly,
 * nr_iommu_pages and MemFree within their slack. 0 yes, else -EBADE and
 * rep names every counter that did not come back, with both values.
 */
int iod_stress_leak_check(const struct iod_stress_counters *before,
			  const struct iod_stress_counters *after, char *rep,
			  size_t len);

/*
 * In a fixture set-up of a case with one thread: the case seed
 * (iod_seed(), printed with how to replay it), thread 0's seed derived
 * from it and the case id, `rnd` seeded with that and `log` opened for
 * thread 0 with room for `cap` operations.
 */
#define IOD_STRESS_SEED_THREAD0(rnd, log, cap) do { \
	char __id[128]; \
	uint64_t __seed = iod_seed(), __tseed; \
	\
	iod_case_id(__id, sizeof(__id), _metadata, variant); \
	__tseed = iod_stress_thread_seed(__seed, __id, 0); \
	TH_LOG("seed %" PRIu64 " (replay: IODIRTY_SEED=%" PRIu64 \
	       "), thread 0 seed %" PRIu64, __seed, __seed, __tseed); \
	iod_rand_init((rnd), __tseed); \
	ASSERT_EQ(0, iod_oplog_init((log), 0, __tseed, (cap))); \
} while (0)

/*
 * End a stress program with this instead of IOD_HARNESS_MAIN: it takes the
 * program's own arguments (iod_stress_take_args()) and, in a long run,
 * gives every case the run's seconds on top of its time limit.
 */
#define IOD_STRESS_MAIN \
	static void iod_stress_raise_timeouts(void) \
	{ \
		const struct iod_stress_mode *m = iod_stress_mode(); \
		struct __fixture_metadata *f; \
		struct __test_metadata *t; \
		\
		if (!m->long_run) \
			return; \
		for (f = __fixture_list; f; f = f->next) \
			for (t = f->tests; t; t = t->next) \
				t->timeout += (int)m->seconds; \
	} \
	int main(int argc, char **argv) \
	{ \
		iod_stress_take_args(&argc, argv); \
		iod_engine_take_arg(&argc, argv); \
		iod_seed_take_arg(&argc, argv); \
		iod_env_load(argc, argv); \
		if (!iod_env_listing(argc, argv)) \
			iod_env_tap_header(); \
		iod_stress_raise_timeouts(); \
		return test_harness_run(argc, argv); \
	}

#endif
