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

#endif
