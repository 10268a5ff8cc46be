// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the userfaultfd helpers (lib/harness/uffd.c): a call on
 * its own thread paused where it first touches a registered page, then
 * let go by filling the page, by a zero page, or by unmapping it and
 * waking it (the call's access then fails); a call that never touches the
 * page, and a wait that runs out. The kernel's own copy from user memory
 * (write() to a pipe) stands in for the kernel calls the suites pause.
 * SKIPs where the host gives this process no userfaultfd.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* kselftest_harness.h has unused parameters of its own. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "harness/uffd.h"
#include "util.h"

FIXTURE(uffd) {
	struct iod_uffd u;
	struct iod_bg_call c;
	uint8_t *page;
	int pipe[2];
};

/* The kernel reads one byte of the page into the pipe: 1 or -errno. */
static int copy_in(void *arg)
{
	FIXTURE_DATA(uffd) *self = arg;
	ssize_t n = write(self->pipe[1], self->page + 7, 1);

	return n < 0 ? -errno : (int)n;
}

static int touch_nothing(void *arg)
{
	(void)arg;
	return 42;
}

FIXTURE_SETUP(uffd)
{
	char why[256] = "";
	int rc;

	self->u.fd = -1;
	ASSERT_EQ(0, pipe(self->pipe));
	self->page = mmap(NULL, iod_host_page(), PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->page);
	rc = iod_uffd_register(&self->u, self->page, iod_host_page(), why,
			       sizeof(why));
	if (rc == -EOPNOTSUPP)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(uffd)
{
	int rc;

	iod_uffd_close(&self->u);
	if (self->c.started)
		iod_bg_call_wait(&self->c, 5000, &rc);
	if (self->page)
		munmap(self->page, iod_host_page());
	close(self->pipe[0]);
	close(self->pipe[1]);
}

TEST_F(uffd, copy_resumes_with_the_page)
{
	uint8_t *src = mmap(NULL, iod_host_page(), PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t addr = 0;
	uint8_t got = 0;
	int rc = -1;

	ASSERT_NE(MAP_FAILED, src);
	memset(src, 0x5a, iod_host_page());
	ASSERT_EQ(0, iod_uffd_pause(&self->u, &self->c, copy_in, self, 5000,
				    &addr, &rc));
	EXPECT_EQ((uintptr_t)self->page, addr & ~(uint64_t)(iod_host_page() - 1));
	/* paused: it waits until the page is filled */
	usleep(50000);
	EXPECT_FALSE(iod_bg_call_done(&self->c));
	ASSERT_EQ(-ETIMEDOUT, iod_bg_call_wait(&self->c, 20, &rc));
	ASSERT_EQ(0, iod_uffd_copy(&self->u, addr, src));
	ASSERT_EQ(0, iod_bg_call_wait(&self->c, 5000, &rc));
	EXPECT_EQ(1, rc);
	ASSERT_EQ(1, read(self->pipe[0], &got, 1));
	EXPECT_EQ(0x5a, got);
	EXPECT_LE(self->c.t_in, self->c.t_out);
	munmap(src, iod_host_page());
}

TEST_F(uffd, zeropage_resumes_with_zeroes)
{
	uint64_t addr = 0;
	uint8_t got = 1;
	int rc = -1;

	ASSERT_EQ(0, iod_uffd_pause(&self->u, &self->c, copy_in, self, 5000,
				    &addr, &rc));
	ASSERT_EQ(0, iod_uffd_zeropage(&self->u, addr));
	ASSERT_EQ(0, iod_bg_call_wait(&self->c, 5000, &rc));
	EXPECT_EQ(1, rc);
	ASSERT_EQ(1, read(self->pipe[0], &got, 1));
	EXPECT_EQ(0, got);
}

TEST_F(uffd, unmap_and_wake_fails_the_access)
{
	uint64_t addr = 0;
	int rc = 0;

	ASSERT_EQ(0, iod_uffd_pause(&self->u, &self->c, copy_in, self, 5000,
				    &addr, &rc));
	ASSERT_EQ(0, munmap(self->page, iod_host_page()));
	self->page = NULL;
	ASSERT_EQ(0, iod_uffd_wake(&self->u, addr, iod_host_page()));
	ASSERT_EQ(0, iod_bg_call_wait(&self->c, 5000, &rc));
	EXPECT_EQ(-EFAULT, rc);
}

TEST_F(uffd, a_call_that_never_faults)
{
	uint64_t addr = 0;
	int rc = 0;

	EXPECT_EQ(-EALREADY, iod_uffd_pause(&self->u, &self->c, touch_nothing,
					    NULL, 5000, &addr, &rc));
	EXPECT_EQ(42, rc);
	EXPECT_FALSE(self->c.started);
}

TEST_F(uffd, close_lets_the_call_go)
{
	uint64_t addr = 0;
	int rc = 0;

	ASSERT_EQ(0, iod_uffd_pause(&self->u, &self->c, copy_in, self, 5000,
				    &addr, &rc));
	iod_uffd_close(&self->u);
	ASSERT_EQ(0, iod_bg_call_wait(&self->c, 5000, &rc));
	EXPECT_EQ(1, rc);
}

TEST_F(uffd, no_fault_times_out)
{
	uint64_t addr = 0;

	EXPECT_EQ(-ETIMEDOUT, iod_uffd_wait_fault(&self->u, 30, &addr));
}

TEST_HARNESS_MAIN
