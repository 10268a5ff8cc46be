// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the kernel-log scan (lib/harness/kmsg.c): records arrive one per
 * read, as /dev/kmsg returns them; the first sanitizer report or warning
 * is found and cut at its first newline; a clean log and no log are clean.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* kselftest_harness.h has unused parameters of its own. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "harness/kmsg.h"

/* Records one per read, as /dev/kmsg returns them. */
static int records(int sv[2], const char *const *rec, unsigned int n)
{
	unsigned int i;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
		return -errno;
	for (i = 0; i < n; i++)
		if (write(sv[1], rec[i], strlen(rec[i])) < 0)
			return -errno;
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK))
		return -errno;
	return 0;
}

TEST(kmsg_finds_the_first_splat)
{
	static const char *const rec[] = {
		"6,100,5000,-;iommufd: a harmless line\n",
		"3,101,5001,-;UBSAN: shift-out-of-bounds in drivers/iommu/iommufd/iova_bitmap.c:381:8\n SUBSYSTEM=x\n",
		"4,102,5002,-;WARNING: CPU: 0 PID: 1 at foo\n",
	};
	char line[64];
	int sv[2];

	ASSERT_EQ(0, records(sv, rec, 3));
	EXPECT_TRUE(iod_kmsg_splat(sv[0], line, sizeof(line)));
	/* The record up to its first newline, cut to the buffer. */
	EXPECT_EQ(0, strncmp(line, "3,101,5001,-;UBSAN: shift-out-of-bounds",
			     strlen("3,101,5001,-;UBSAN: shift-out-of-bounds")));
	EXPECT_EQ(sizeof(line) - 1, strlen(line));
	/* The next one is the warning; then nothing. */
	EXPECT_TRUE(iod_kmsg_splat(sv[0], line, sizeof(line)));
	EXPECT_STREQ("4,102,5002,-;WARNING: CPU: 0 PID: 1 at foo", line);
	EXPECT_FALSE(iod_kmsg_splat(sv[0], line, sizeof(line)));
	close(sv[0]);
	close(sv[1]);
}

TEST(kmsg_clean_log_and_no_log)
{
	static const char *const rec[] = {
		"6,1,1,-;vfio-pci 0000:00:03.0: enabling device\n",
		"6,2,2,-;iommufd: no bug here\n",
	};
	char line[128] = "";
	int sv[2];

	ASSERT_EQ(0, records(sv, rec, 2));
	EXPECT_FALSE(iod_kmsg_splat(sv[0], line, sizeof(line)));
	EXPECT_STREQ("", line);
	close(sv[0]);
	close(sv[1]);
	EXPECT_FALSE(iod_kmsg_splat(-1, line, sizeof(line)));
}

TEST_HARNESS_MAIN
