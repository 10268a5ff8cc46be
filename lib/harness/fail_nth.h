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
 *
 * The random soak (iod_fail_soak_*): the same kinds fail at random, a
 * given percentage of the sites they see, in the calling thread only and
 * only while it is armed (task-filter=Y and its make-it-fail), so nothing
 * else on the machine, not even the program's own output, meets a fault.
 */
#ifndef IODIRTY_FAIL_NTH_H
#define IODIRTY_FAIL_NTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IOD_FAIL_NTH_ATTRS 10

/* A debugfs attribute as it was before it was set, for the restore. */
struct iod_fail_saved {
	char path[96];
	char value[32];
};

struct iod_fail_nth {
	int fd;			/* /proc/thread-self/fail-nth, -1 if closed */
	unsigned int nsaved;
	unsigned int which[IOD_FAIL_NTH_ATTRS];	/* saved[i] is attribute which[i] */
	unsigned int missing;	/* optional attributes absent, a bit each */
	struct iod_fail_saved saved[IOD_FAIL_NTH_ATTRS];
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

/* The kinds of fault a soak injects, each a debugfs directory. */
enum iod_fail_kind {
	IOD_FAIL_SLAB,		/* failslab */
	IOD_FAIL_PAGE_ALLOC,	/* fail_page_alloc, order 0 and up */
	IOD_FAIL_IOMMUFD,	/* fail_iommufd (CONFIG_IOMMUFD_TEST) */
	IOD_FAIL_USERCOPY,	/* fail_usercopy (CONFIG_FAULT_INJECTION_USERCOPY) */
	IOD_FAIL_KINDS,
};

#define IOD_FAIL_SOAK_ATTRS 32

struct iod_fail_soak {
	int make_it_fail;	/* /proc/thread-self/make-it-fail, -1 if closed */
	unsigned int present;	/* the kinds set, a bit each */
	uint64_t times_left[IOD_FAIL_KINDS];	/* its value when last read */
	uint64_t injected[IOD_FAIL_KINDS];	/* faults injected while armed */
	unsigned int percent;
	unsigned int nsaved;
	struct iod_fail_saved saved[IOD_FAIL_SOAK_ATTRS];
};

/*
 * Set every kind present to fail `percent` % (1 to 100) of its sites in
 * tasks with make-it-fail set, with no stack dump and (page allocations)
 * down to order 0, and open the calling thread's make-it-fail (left 0).
 * 0, or -EOPNOTSUPP with `why` naming what is missing (the kernel option,
 * debugfs, root), or another -errno with `why`. failslab and
 * fail_page_alloc are required; a missing fail_iommufd or fail_usercopy
 * only leaves its sites alone (iod_fail_soak_describe() says so).
 */
int iod_fail_soak_open(struct iod_fail_soak *s, unsigned int percent,
		       char *why, size_t len);

/* Disarm, restore every attribute and close. Safe on a closed or zeroed s. */
void iod_fail_soak_close(struct iod_fail_soak *s);

/* From now on this thread's calls may fail. 0 or -errno. */
int iod_fail_soak_arm(struct iod_fail_soak *s);

/*
 * Disarm: the number of faults injected into this thread since it was
 * armed (added to s->injected by kind), or -errno if the state could not
 * be read or reset.
 */
int iod_fail_soak_disarm(struct iod_fail_soak *s);

/* "failslab/probability=2 ... ; no fail_usercopy (...)", for the TAP. */
void iod_fail_soak_describe(const struct iod_fail_soak *s, char *buf,
			    size_t len);

/* The debugfs directory of a kind, "failslab". */
const char *iod_fail_kind_name(enum iod_fail_kind k);

#endif
