// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the DMA engine registry (lib/engine/engine.c): every engine
 * names its device and a peer that exists, the cdev an engine drives comes
 * from its device, an engine refuses a target of the other kind,
 * "--engines" lists what a program that runs once per engine runs with,
 * an operation that never completes ends at its deadline, an engine's
 * expected bytes default to the pattern, and IODIRTY_SCRATCH names the
 * devices whose storage may be written.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* kselftest_harness.h has unused parameters of its own. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "clock.h"
#include "engine/engine.h"
#include "harness/env.h"

static const char *const names[] = {
	"mock", "edu", "edu-poll", "nvme", "nvme-poll",
};

TEST(every_engine_names_its_device_and_a_peer)
{
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct iod_engine_ops *ops = iod_engine_find(names[i]);
		const struct iod_engine_ops *peer;

		ASSERT_NE(NULL, ops) TH_LOG("no engine %s", names[i]);
		ASSERT_STREQ(names[i], ops->name);
		ASSERT_NE(NULL, ops->device);
		ASSERT_NE(NULL, ops->peer);
		peer = iod_engine_find(ops->peer);
		ASSERT_NE(NULL, peer) TH_LOG("%s names peer %s", names[i],
					     ops->peer);
		/* a peer drives the same kind of device: mock with mock */
		EXPECT_EQ(!strcmp(ops->device, IOD_ENGINE_MOCK),
			  !strcmp(peer->device, IOD_ENGINE_MOCK));
	}
	EXPECT_STREQ("edu", iod_engine_find("edu-poll")->device);
	EXPECT_STREQ("nvme", iod_engine_find("nvme")->device);
	EXPECT_STREQ("nvme-poll", iod_engine_find("edu")->peer);
	EXPECT_STREQ("edu-poll", iod_engine_find("nvme-poll")->peer);
	EXPECT_EQ(NULL, iod_engine_find("bogus"));
	EXPECT_EQ(NULL, iod_engine_find(NULL));
}

TEST(cdev_is_the_devices_else_the_run_device)
{
	iod_env.vfio_cdev = "/dev/vfio/devices/vfio9";
	setenv("IODIRTY_DEVICES", "edu=/dev/vfio/devices/vfio0 nvme=/dev/vfio/devices/vfio1", 1);
	EXPECT_STREQ("/dev/vfio/devices/vfio0", iod_engine_cdev("edu-poll"));
	EXPECT_STREQ("/dev/vfio/devices/vfio1", iod_engine_cdev("nvme"));
	EXPECT_STREQ("/dev/vfio/devices/vfio9", iod_engine_cdev("bogus"));
	EXPECT_STREQ("/dev/vfio/devices/vfio9", iod_engine_cdev("mock"));
	EXPECT_STREQ("/dev/vfio/devices/vfio9", iod_engine_cdev(NULL));
}

TEST(open_refuses_unknown_names_and_the_other_kind)
{
	struct iod_target t = { .mock = false };
	struct iod_space s = { 0 };
	struct iod_engine e;

	EXPECT_EQ(-ENOENT, iod_engine_open(&e, "bogus", &t, &s));
	EXPECT_EQ(NULL, e.ops);
	EXPECT_EQ(-ENODEV, iod_engine_open(&e, "mock", &t, &s));
	EXPECT_EQ(NULL, e.ops);
	t.mock = true;
	EXPECT_EQ(-ENODEV, iod_engine_open(&e, "edu", &t, &s));
	EXPECT_EQ(-ENODEV, iod_engine_open(&e, "nvme-poll", &t, &s));
}

/*
 * What "--engines" prints in a child (each case runs in a process of its
 * own, so the environment is the case's), into out. The child's exit
 * status.
 */
static int list_engines_as(bool per_engine, bool per_profile, char *out,
			   size_t len)
{
	char arg0[] = "prog", arg1[] = "--engines";
	char *argv[] = { arg0, arg1, NULL };
	int fds[2], status, argc = 2;
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (!pid) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(2);
		iod_runs_per_engine = per_engine;
		iod_runs_per_profile_engine = per_profile;
		iod_engine_take_arg(&argc, argv);
		_exit(99);	/* take_arg must have answered and exited */
	}
	close(fds[1]);
	while ((n = read(fds[0], out + got, len - 1 - got)) > 0)
		got += n;
	out[got] = 0;
	close(fds[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int list_engines(bool per_engine, char *out, size_t len)
{
	return list_engines_as(per_engine, false, out, len);
}

/* IODIRTY_PROFILE=profiles/NAME.profile below the source tree. */
static void set_profile(const char *name)
{
	const char *top = getenv("IODIRTY_TOP");
	char path[512];

	snprintf(path, sizeof(path), "%s/profiles/%s.profile",
		 top ? top : ".", name);
	setenv("IODIRTY_PROFILE", path, 1);
}

TEST(engines_once_unless_the_program_runs_per_engine)
{
	char out[256];

	setenv("IODIRTY_ENGINE", "edu", 1);
	EXPECT_EQ(0, list_engines(false, out, sizeof(out)));
	EXPECT_STREQ("", out);
}

TEST(engines_the_named_one_even_unknown)
{
	char out[256];

	setenv("IODIRTY_ENGINE", "bogus", 1);
	EXPECT_EQ(0, list_engines(true, out, sizeof(out)));
	EXPECT_STREQ("bogus\n", out);
}

TEST(engines_fail_without_a_profile)
{
	char out[256];

	unsetenv("IODIRTY_ENGINE");
	unsetenv("IODIRTY_PROFILE");
	EXPECT_EQ(1, list_engines(true, out, sizeof(out)));
	EXPECT_STREQ("", out);
}

TEST(engines_mock_on_the_mock)
{
	char out[256];

	unsetenv("IODIRTY_ENGINE");
	set_profile("mock");
	setenv("IODIRTY_DEVICES", "edu=/dev/vfio/devices/vfio0", 1);
	EXPECT_EQ(0, list_engines(true, out, sizeof(out)));
	EXPECT_STREQ("mock\n", out);
}

TEST(engines_of_the_devices_present_in_table_order)
{
	char out[256];

	unsetenv("IODIRTY_ENGINE");
	set_profile("lab-intel");
	setenv("IODIRTY_VFIO_CDEV", "/dev/vfio/devices/vfio0", 1);
	setenv("IODIRTY_DEVICES", "nvme=/dev/vfio/devices/vfio1 edu=/dev/vfio/devices/vfio0", 1);
	EXPECT_EQ(0, list_engines(true, out, sizeof(out)));
	EXPECT_STREQ("edu\nedu-poll\nnvme\nnvme-poll\n", out);
	setenv("IODIRTY_DEVICES", "edu=/dev/vfio/devices/vfio0", 1);
	EXPECT_EQ(0, list_engines(true, out, sizeof(out)));
	EXPECT_STREQ("edu\nedu-poll\n", out);
}

TEST(profile_engines_none_without_extra_engines)
{
	char out[256];

	unsetenv("IODIRTY_ENGINE");
	set_profile("lab-intel");
	setenv("IODIRTY_DEVICES", "nvme=/dev/vfio/devices/vfio1 edu=/dev/vfio/devices/vfio0", 1);
	EXPECT_EQ(0, list_engines_as(false, true, out, sizeof(out)));
	EXPECT_STREQ("", out);
}

TEST(profile_engines_dma_engine_then_extra_ones_present)
{
	char out[256];

	unsetenv("IODIRTY_ENGINE");
	set_profile("lab-intel-dirty");
	setenv("IODIRTY_DEVICES", "nvme=/dev/vfio/devices/vfio1 edu=/dev/vfio/devices/vfio0", 1);
	EXPECT_EQ(0, list_engines_as(false, true, out, sizeof(out)));
	EXPECT_STREQ("edu\nnvme\n", out);
	/* No NVMe controller here: edu only. */
	setenv("IODIRTY_DEVICES", "edu=/dev/vfio/devices/vfio0", 1);
	EXPECT_EQ(0, list_engines_as(false, true, out, sizeof(out)));
	EXPECT_STREQ("edu\n", out);
	/* A named engine is the only one. */
	setenv("IODIRTY_ENGINE", "nvme-poll", 1);
	EXPECT_EQ(0, list_engines_as(false, true, out, sizeof(out)));
	EXPECT_STREQ("nvme-poll\n", out);
	unsetenv("IODIRTY_ENGINE");
}

/* An engine that records what it was asked to write and writes nothing. */
static uint64_t seen_iova, seen_len;

static int seen_submit(struct iod_engine *e, struct iod_dma *op)
{
	(void)e;
	seen_iova = op->iova;
	seen_len = op->len;
	op->done = true;
	return 0;
}

static int seen_wait(struct iod_engine *e, int timeout_ms)
{
	(void)e;
	(void)timeout_ms;
	return 0;
}

static const struct iod_engine_ops seen_ops = {
	.name = "seen", .device = "seen", .submit = seen_submit,
	.wait = seen_wait, .max_len = 1 << 20,
};

TEST(cover_rounds_out_to_whole_units_inside_the_same_pages)
{
	struct iod_engine e = { .ops = &seen_ops, .iova_align = 4,
				.len_align = 512 };

	EXPECT_EQ(512, iod_engine_unit(&e));
	ASSERT_EQ(0, iod_engine_write_cover(&e, 0x10000 + 4095, 2, 1, NULL));
	EXPECT_EQ(0x10000 + 3584, seen_iova);
	EXPECT_EQ(1024, seen_len);
	ASSERT_EQ(0, iod_engine_write_cover(&e, 0x20000, 4096, 1, NULL));
	EXPECT_EQ(0x20000, seen_iova);
	EXPECT_EQ(4096, seen_len);
	ASSERT_EQ(0, iod_engine_touch(&e, 0x30000 + 513, 1, NULL));
	EXPECT_EQ(0x30000 + 512, seen_iova);
	EXPECT_EQ(512, seen_len);
	/* A byte-granular engine writes exactly what was asked. */
	e.iova_align = e.len_align = 0;
	EXPECT_EQ(1, iod_engine_unit(&e));
	ASSERT_EQ(0, iod_engine_write_cover(&e, 0x40007, 3, 1, NULL));
	EXPECT_EQ(0x40007, seen_iova);
	EXPECT_EQ(3, seen_len);
}

/* An engine whose device never completes anything; wait returns at once. */
static unsigned int stuck_waits;

static int stuck_submit(struct iod_engine *e, struct iod_dma *op)
{
	(void)e;
	op->done = false;
	return 0;
}

static int stuck_wait(struct iod_engine *e, int timeout_ms)
{
	(void)e;
	(void)timeout_ms;
	stuck_waits++;
	return 0;
}

static const struct iod_engine_ops stuck_ops = {
	.name = "stuck", .device = "stuck", .submit = stuck_submit,
	.wait = stuck_wait, .max_len = 4096,
};

TEST(an_operation_that_never_completes_times_out)
{
	struct iod_engine e = { .ops = &stuck_ops, .op_timeout_ms = 50 };
	uint64_t t0 = iod_now_ms();

	stuck_waits = 0;
	EXPECT_EQ(-ETIMEDOUT, iod_engine_write(&e, 0x10000, 8192, 1, NULL));
	EXPECT_LE(50, iod_now_ms() - t0);
	EXPECT_GT(5000, iod_now_ms() - t0);
	EXPECT_LT(0, stuck_waits);
	stuck_waits = 0;
	EXPECT_EQ(-ETIMEDOUT, iod_engine_read(&e, 0x10000, 100));
	EXPECT_LT(0, stuck_waits);
}

TEST(expected_bytes_default_to_the_pattern)
{
	struct iod_engine e = { .ops = iod_engine_find("edu") };
	uint8_t buf[300];
	unsigned int i;

	ASSERT_NE(NULL, e.ops);
	ASSERT_EQ(NULL, e.ops->expected);
	iod_engine_expected(&e, 0x5c, 1000, buf, sizeof(buf));
	for (i = 0; i < sizeof(buf); i++)
		ASSERT_EQ(iod_pattern_byte(0x5c, 1000 + i), buf[i]);
	/* NVMe delivers what its namespace holds: it says what that is. */
	ASSERT_NE(NULL, iod_engine_find("nvme")->expected);
	ASSERT_NE(NULL, iod_engine_find("nvme-poll")->expected);
}

TEST(scratch_names_bdfs_with_or_without_name_and_domain)
{
	unsetenv("IODIRTY_SCRATCH");
	EXPECT_FALSE(iod_env_scratch("0000:00:11.0"));
	setenv("IODIRTY_SCRATCH", "", 1);
	EXPECT_FALSE(iod_env_scratch("0000:00:11.0"));
	setenv("IODIRTY_SCRATCH", "nvme@0000:00:11.0", 1);
	EXPECT_TRUE(iod_env_scratch("0000:00:11.0"));
	EXPECT_TRUE(iod_env_scratch("00:11.0"));
	EXPECT_FALSE(iod_env_scratch("0000:00:12.0"));
	EXPECT_FALSE(iod_env_scratch("0001:00:11.0"));
	EXPECT_FALSE(iod_env_scratch(""));
	EXPECT_FALSE(iod_env_scratch(NULL));
	setenv("IODIRTY_SCRATCH", "0000:00:12.0,00:1A.0", 1);
	EXPECT_FALSE(iod_env_scratch("0000:00:11.0"));
	EXPECT_TRUE(iod_env_scratch("0000:00:12.0"));
	EXPECT_TRUE(iod_env_scratch("0000:00:1a.0"));
	/* A prefix of a BDF is not that BDF. */
	setenv("IODIRTY_SCRATCH", "0000:00:11", 1);
	EXPECT_FALSE(iod_env_scratch("0000:00:11.0"));
	unsetenv("IODIRTY_SCRATCH");
}

TEST_HARNESS_MAIN
