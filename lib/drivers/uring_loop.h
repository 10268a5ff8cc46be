/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One io_uring loop reaping many eventfds (interrupt vectors routed by
 * VFIO): each watched eventfd has a read in flight; when it completes the
 * watch's callback gets the count and the read is armed again.
 */
#ifndef IODIRTY_URING_LOOP_H
#define IODIRTY_URING_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include <liburing.h>

#define IOD_URING_MAX_WATCH 64

struct iod_uring_watch {
	int fd;
	uint64_t count;		/* the read's buffer */
	void (*cb)(void *arg, uint64_t count);
	void *arg;
};

struct iod_uring_loop {
	struct io_uring ring;
	bool ready;
	unsigned int n;
	struct iod_uring_watch w[IOD_URING_MAX_WATCH];
};

int iod_uring_loop_init(struct iod_uring_loop *l, unsigned int entries);
/* Watch a (blocking) eventfd: 0 or -errno. */
int iod_uring_loop_watch(struct iod_uring_loop *l, int fd,
			 void (*cb)(void *arg, uint64_t count), void *arg);
/*
 * Wait up to timeout_ms for at least one watched eventfd to fire, run the
 * callbacks of every completed read and arm them again. The number of
 * callbacks run (0 on timeout) or -errno.
 */
int iod_uring_loop_run(struct iod_uring_loop *l, int timeout_ms);
/* Cancel what is in flight and tear the ring down. */
void iod_uring_loop_exit(struct iod_uring_loop *l);

#endif
