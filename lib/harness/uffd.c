// SPDX-License-Identifier: GPL-2.0
/*
 * userfaultfd regions and calls on their own thread (uffd.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "clock.h"
#include "harness/uffd.h"
#include "util.h"

int iod_uffd_register(struct iod_uffd *u, void *addr, size_t len, char *why,
		      size_t why_len)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)addr, .len = len },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	int err;

	u->fd = -1;
	u->addr = addr;
	u->len = len;
#ifdef SYS_userfaultfd
	u->fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
#else
	errno = ENOSYS;
#endif
	if (u->fd < 0) {
		err = errno;
		if (err == ENOSYS || err == EPERM) {
			snprintf(why, why_len,
				 "userfaultfd: %s (CONFIG_USERFAULTFD, and CAP_SYS_PTRACE or vm.unprivileged_userfaultfd=1)",
				 strerror(err));
			return -EOPNOTSUPP;
		}
		snprintf(why, why_len, "userfaultfd: %s", strerror(err));
		return -err;
	}
	if (ioctl(u->fd, UFFDIO_API, &api) ||
	    ioctl(u->fd, UFFDIO_REGISTER, &reg)) {
		err = errno;
		snprintf(why, why_len, "userfaultfd %s: %s",
			 api.api == UFFD_API && !reg.ioctls ? "UFFDIO_REGISTER" :
			 "UFFDIO_API", strerror(err));
		iod_uffd_close(u);
		return -err;
	}
	return 0;
}

void iod_uffd_close(struct iod_uffd *u)
{
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
}

int iod_uffd_wait_fault(struct iod_uffd *u, int timeout_ms, uint64_t *addr)
{
	uint64_t end = iod_now_ms() + (uint64_t)timeout_ms;
	struct uffd_msg msg;

	for (;;) {
		struct pollfd p = { .fd = u->fd, .events = POLLIN };
		uint64_t now = iod_now_ms();
		ssize_t n;
		int rc;

		if (now >= end)
			return -ETIMEDOUT;
		rc = poll(&p, 1, (int)(end - now));
		if (rc < 0 && errno != EINTR)
			return -errno;
		if (rc <= 0)
			continue;
		n = read(u->fd, &msg, sizeof(msg));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return -errno;
		if (n != sizeof(msg))
			return -EIO;
		if (msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		*addr = msg.arg.pagefault.address;
		return 0;
	}
}

static uint64_t page_of(uint64_t addr)
{
	return addr & ~(iod_host_page() - 1);
}

int iod_uffd_copy(struct iod_uffd *u, uint64_t addr, const void *src)
{
	struct uffdio_copy c = {
		.dst = page_of(addr),
		.src = (uintptr_t)src,
		.len = iod_host_page(),
	};

	return ioctl(u->fd, UFFDIO_COPY, &c) ? -errno : 0;
}

int iod_uffd_zeropage(struct iod_uffd *u, uint64_t addr)
{
	struct uffdio_zeropage z = {
		.range = { .start = page_of(addr), .len = iod_host_page() },
	};

	return ioctl(u->fd, UFFDIO_ZEROPAGE, &z) ? -errno : 0;
}

int iod_uffd_wake(struct iod_uffd *u, uint64_t addr, size_t len)
{
	struct uffdio_range r = { .start = page_of(addr), .len = len };

	return ioctl(u->fd, UFFDIO_WAKE, &r) ? -errno : 0;
}

static void *bg_call_thread(void *p)
{
	struct iod_bg_call *c = p;

	c->t_in = iod_now_ns();
	c->rc = c->fn(c->arg);
	c->t_out = iod_now_ns();
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

int iod_bg_call_start(struct iod_bg_call *c, int (*fn)(void *), void *arg)
{
	int err;

	memset(c, 0, sizeof(*c));
	c->fn = fn;
	c->arg = arg;
	err = pthread_create(&c->thread, NULL, bg_call_thread, c);
	if (err)
		return -err;
	c->started = true;
	return 0;
}

bool iod_bg_call_done(struct iod_bg_call *c)
{
	return __atomic_load_n(&c->done, __ATOMIC_ACQUIRE);
}

int iod_bg_call_wait(struct iod_bg_call *c, int timeout_ms, int *rc)
{
	uint64_t end = iod_now_ms() + (uint64_t)timeout_ms;

	if (!c->started)
		return -EINVAL;
	while (!iod_bg_call_done(c)) {
		if (iod_now_ms() >= end)
			return -ETIMEDOUT;
		usleep(1000);
	}
	pthread_join(c->thread, NULL);
	c->started = false;
	*rc = c->rc;
	return 0;
}

int iod_uffd_pause(struct iod_uffd *u, struct iod_bg_call *c,
		   int (*fn)(void *), void *arg, int timeout_ms,
		   uint64_t *addr, int *rc)
{
	uint64_t end = iod_now_ms() + (uint64_t)timeout_ms;
	int err = iod_bg_call_start(c, fn, arg);

	if (err)
		return err;
	while (iod_now_ms() < end) {
		err = iod_uffd_wait_fault(u, 10, addr);
		if (err != -ETIMEDOUT)
			return err;
		if (iod_bg_call_done(c)) {
			iod_bg_call_wait(c, 0, rc);
			return -EALREADY;
		}
	}
	return -ETIMEDOUT;
}
