// SPDX-License-Identifier: GPL-2.0
/* An io_uring loop reading eventfds. */
#include <errno.h>
#include <string.h>

#include "drivers/uring_loop.h"

int iod_uring_loop_init(struct iod_uring_loop *l, unsigned int entries)
{
	int rc;

	memset(l, 0, sizeof(*l));
	rc = io_uring_queue_init(entries, &l->ring, 0);
	if (rc)
		return rc;
	l->ready = true;
	return 0;
}

static int arm(struct iod_uring_loop *l, struct iod_uring_watch *w)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&l->ring);

	if (!sqe)
		return -EBUSY;
	io_uring_prep_read(sqe, w->fd, &w->count, sizeof(w->count), 0);
	io_uring_sqe_set_data(sqe, w);
	return 0;
}

int iod_uring_loop_watch(struct iod_uring_loop *l, int fd,
			 void (*cb)(void *arg, uint64_t count), void *arg)
{
	struct iod_uring_watch *w;
	int rc;

	if (l->n >= IOD_URING_MAX_WATCH)
		return -ENOSPC;
	w = &l->w[l->n];
	*w = (struct iod_uring_watch){ .fd = fd, .cb = cb, .arg = arg };
	rc = arm(l, w);
	if (rc)
		return rc;
	rc = io_uring_submit(&l->ring);
	if (rc < 0)
		return rc;
	l->n++;
	return 0;
}

int iod_uring_loop_run(struct iod_uring_loop *l, int timeout_ms)
{
	struct __kernel_timespec ts = {
		.tv_sec = timeout_ms / 1000,
		.tv_nsec = (timeout_ms % 1000) * 1000000ll,
	};
	struct io_uring_cqe *cqe;
	int rc, handled = 0;

	rc = io_uring_wait_cqe_timeout(&l->ring, &cqe, &ts);
	if (rc == -ETIME)
		return 0;
	if (rc)
		return rc;
	do {
		struct iod_uring_watch *w = io_uring_cqe_get_data(cqe);
		int res = cqe->res;

		io_uring_cqe_seen(&l->ring, cqe);
		if (res < 0 && res != -EINTR && res != -EAGAIN)
			return res;
		if (res == sizeof(w->count)) {
			w->cb(w->arg, w->count);
			handled++;
		}
		rc = arm(l, w);
		if (rc)
			return rc;
	} while (!io_uring_peek_cqe(&l->ring, &cqe));
	rc = io_uring_submit(&l->ring);
	return rc < 0 ? rc : handled;
}

void iod_uring_loop_exit(struct iod_uring_loop *l)
{
	if (!l->ready)
		return;
	io_uring_queue_exit(&l->ring);
	l->ready = false;
}
