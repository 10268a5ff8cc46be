/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pausing a kernel call where it first touches a page: userfaultfd in
 * MISSING mode on a region, the call run on a thread of its own, and the
 * ways to let it go on (fill the page, or unmap it and wake the call so
 * the kernel's access fails). Used by suites/stress to stop a harvest
 * right after it cleared its lowest dirty leaf (the write to its bitmap)
 * or an IOAS_MAP inside pinning (the read of its buffer).
 */
#ifndef IODIRTY_UFFD_H
#define IODIRTY_UFFD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A region registered with a userfaultfd in MISSING mode. */
struct iod_uffd {
	int fd;
	void *addr;
	size_t len;
};

/*
 * Register [addr, +len) (whole host pages, never touched yet) with a new
 * userfaultfd. 0; -EOPNOTSUPP when this kernel or process has no
 * userfaultfd (why says which and how to get it); another -errno.
 */
int iod_uffd_register(struct iod_uffd *u, void *addr, size_t len, char *why,
		      size_t why_len);
/* Close the userfaultfd: a call still waiting on it goes on by itself. */
void iod_uffd_close(struct iod_uffd *u);

/*
 * Wait up to timeout_ms for a fault in the region: 0 with *addr (the
 * faulting address), -ETIMEDOUT, or another -errno.
 */
int iod_uffd_wait_fault(struct iod_uffd *u, int timeout_ms, uint64_t *addr);
/* Fill the page at addr with a copy of src (one host page) and wake. */
int iod_uffd_copy(struct iod_uffd *u, uint64_t addr, const void *src);
/* Fill the page at addr with zeroes and wake. */
int iod_uffd_zeropage(struct iod_uffd *u, uint64_t addr);
/* Wake every fault waiting in [addr, +len) without filling anything. */
int iod_uffd_wake(struct iod_uffd *u, uint64_t addr, size_t len);

/* A call run on a thread of its own, so the caller can watch it wait. */
struct iod_bg_call {
	pthread_t thread;
	int (*fn)(void *arg);
	void *arg;
	int rc;			/* fn's return, once done */
	uint64_t t_in, t_out;	/* CLOCK_MONOTONIC ns */
	bool started;
	int done;		/* read and written atomically */
};

/* Start fn(arg) on a new thread. 0 or -errno. */
int iod_bg_call_start(struct iod_bg_call *c, int (*fn)(void *), void *arg);
/* Has the call returned? */
bool iod_bg_call_done(struct iod_bg_call *c);
/*
 * Wait up to timeout_ms for the call to return: 0 and *rc (fn's return),
 * or -ETIMEDOUT with the thread still running.
 */
int iod_bg_call_wait(struct iod_bg_call *c, int timeout_ms, int *rc);

/*
 * Start fn(arg) and wait up to timeout_ms until it faults in u's region:
 * 0 with *addr (the call is paused there); -EALREADY when it returned
 * without faulting (*rc holds its return); -ETIMEDOUT when it neither
 * faulted nor returned; another -errno.
 */
int iod_uffd_pause(struct iod_uffd *u, struct iod_bg_call *c,
		   int (*fn)(void *), void *arg, int timeout_ms,
		   uint64_t *addr, int *rc);

#endif
