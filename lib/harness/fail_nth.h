/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fail-nth: make the Nth fault-injection site this thread reaches fail
 * (/proc/thread-self/fail-nth), with the debugfs attributes set so every
 * allocation and user copy of a call counts: failslab and fail_page_alloc
 * ignore-gfp-wait=N, fail_page_alloc ignore-gfp-highmem=N and min-order=0
 * (order-0 pages, the user bitmap's fault-in, are otherwise never
 * failed), and verbose=0 everywhere so an injected fault prints no stack
 * dump for the kernel-log witness to take for a splat. Every attribute is
 * restored on close. Without fail_usercopy (CONFIG_FAULT_INJECTION_USERCOPY)
 * or fail_iommufd the sweep goes on without those sites, and says so.
 */
#ifndef IODIRTY_FAIL_NTH_H
#define IODIRTY_FAIL_NTH_H

#include <stdbool.h>
#include <stddef.h>

#define IOD_FAIL_NTH_ATTRS 10

struct iod_fail_nth {
	int fd;			/* /proc/thread-self/fail-nth, -1 if closed */
	unsigned int nsaved;
	unsigned int which[IOD_FAIL_NTH_ATTRS];	/* saved[i] is attribute which[i] */
	unsigned int missing;	/* optional attributes absent, a bit each */
	struct {
		char path[96];
		char value[32];
	} saved[IOD_FAIL_NTH_ATTRS];
};

/*
 * Open fail-nth for the calling thread and set the attributes. 0, or
 * -EOPNOTSUPP with `why` naming what is missing (the kernel option, debugfs,
 * root), or another -errno with `why`.
 */
int iod_fail_nth_open(struct iod_fail_nth *f, char *why, size_t len);

/* Restore the attributes and close. Safe on a closed or zeroed f. */
void iod_fail_nth_close(struct iod_fail_nth *f);

/* Arm: the nth (>= 1) site reached from now on fails. 0 or -errno. */
int iod_fail_nth_arm(struct iod_fail_nth *f, unsigned int nth);

/*
 * Disarm. 1 if the armed site was reached (a fault was injected), 0 if the
 * calls made since arming reached fewer sites, -errno if fail-nth could not
 * be read or reset.
 */
int iod_fail_nth_disarm(struct iod_fail_nth *f);

/* The attributes as set, "fail_page_alloc/min-order=0 ...", for the TAP. */
void iod_fail_nth_describe(const struct iod_fail_nth *f, char *buf,
			   size_t len);

#endif
