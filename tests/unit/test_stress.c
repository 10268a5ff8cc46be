// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the stress programs' library (lib/harness/stress.c): the
 * run mode from IODIRTY_STRESS, thread seeds derived from the case seed,
 * the operation log's ring, its line format and its merged dump; the
 * program's own arguments, the case loop, the figures line and the leak
 * comparison of the machine counters (stress_run.c, stress_counters.c).
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

#include "harness/stress.h"

TEST(mode_short_by_default)
{
	struct iod_stress_mode m;
	char why[256];

	ASSERT_EQ(0, iod_stress_mode_parse(NULL, NULL, &m, why, sizeof(why)));
	EXPECT_FALSE(m.long_run);
	ASSERT_EQ(0, iod_stress_mode_parse("short", "5", &m, why, sizeof(why)));
	EXPECT_FALSE(m.long_run);
	ASSERT_EQ(0, iod_stress_mode_parse("", NULL, &m, why, sizeof(why)));
	EXPECT_FALSE(m.long_run);
}

TEST(mode_long_with_seconds)
{
	struct iod_stress_mode m;
	char why[256];

	ASSERT_EQ(0, iod_stress_mode_parse("long", NULL, &m, why, sizeof(why)));
	EXPECT_TRUE(m.long_run);
	EXPECT_EQ(1800u, m.seconds);
	ASSERT_EQ(0, iod_stress_mode_parse("long", "60", &m, why, sizeof(why)));
	EXPECT_EQ(60u, m.seconds);
}

TEST(mode_bad_values_say_why)
{
	static const char *const bad[][2] = {
		{ "Long", NULL }, { "soak", NULL }, { "long", "0" },
		{ "long", "-5" }, { "long", "10s" }, { "long", "604801" },
	};
	struct iod_stress_mode m;
	char why[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = 0;
		EXPECT_EQ(-EINVAL, iod_stress_mode_parse(bad[i][0], bad[i][1],
							 &m, why, sizeof(why)))
			TH_LOG("%s / %s", bad[i][0], bad[i][1]);
		EXPECT_NE(NULL, strstr(why, "IODIRTY_STRESS")) TH_LOG("%s", why);
	}
}

/* The reference values of splitmix64 from seed 0 (Vigna's splitmix64.c). */
TEST(splitmix64_reference)
{
	uint64_t s = 0;

	EXPECT_EQ(0xe220a8397b1dcdafull, iod_splitmix64(&s));
	EXPECT_EQ(0x6e789e6aa1b965f4ull, iod_splitmix64(&s));
	EXPECT_EQ(0x06c45d188009454full, iod_splitmix64(&s));
}

/* Same case seed, case and thread: same seed; any other: another one. */
TEST(thread_seeds_derive_from_the_case)
{
	uint64_t a = iod_stress_thread_seed(42, "fail_nth.replace", 0);
	unsigned int t, u;

	EXPECT_EQ(a, iod_stress_thread_seed(42, "fail_nth.replace", 0));
	EXPECT_NE(a, iod_stress_thread_seed(43, "fail_nth.replace", 0));
	EXPECT_NE(a, iod_stress_thread_seed(42, "fail_nth.map", 0));
	for (t = 0; t < 16; t++)
		for (u = t + 1; u < 16; u++)
			EXPECT_NE(iod_stress_thread_seed(7, "x", t),
				  iod_stress_thread_seed(7, "x", u));
}

TEST(op_line_format)
{
	struct iod_op op = {
		.name = "GET_DIRTY_BITMAP", .arg = { 5, 0x100000, 0x800 },
		.t_in = 3000001000ull, .t_out = 3000046000ull, .rc = -EFAULT,
	};
	char line[256];

	iod_op_format(&op, 1, 42, 2000000000ull, line, sizeof(line));
	EXPECT_STREQ("t1 #42 +1.000001 +0.000045 GET_DIRTY_BITMAP 0x5 0x100000 0x800 = -14 (EFAULT)",
		     line);
	op.rc = 0;
	op.t_in = 0;	/* before t0: shown as +0 */
	op.t_out = 0;
	iod_op_format(&op, 0, 0, 5, line, sizeof(line));
	EXPECT_STREQ("t0 #0 +0.000000 +0.000000 GET_DIRTY_BITMAP 0x5 0x100000 0x800 = 0",
		     line);
}

/* The ring keeps the last cap operations; the dump merges by entry time. */
TEST(oplog_ring_and_merged_dump)
{
	struct iod_oplog a, b;
	struct iod_oplog *logs[] = { &a, &b };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	unsigned int i, lines;

	ASSERT_EQ(0, iod_oplog_init(&a, 0, 11, 3));
	ASSERT_EQ(0, iod_oplog_init(&b, 1, 22, 3));
	for (i = 0; i < 5; i++)	/* a: t 10..14, the first two overwritten */
		EXPECT_EQ(-(int)i, iod_oplog_add(&a, "A", i, 0, 0, 10 + i,
						 10 + i, -(int)i));
	iod_oplog_add(&b, "B", 0, 0, 0, 11500, 11600, 0);
	f = open_memstream(&buf, &len);
	ASSERT_NE(NULL, f);
	lines = iod_oplog_dump(logs, 2, f);
	ASSERT_EQ(0, fclose(f));
	EXPECT_EQ(6u, lines);	/* two seed lines, three of a, one of b */
	EXPECT_NE(NULL, strstr(buf, "# oplog t0 seed 11: 5 operations, the last 3 below\n"));
	EXPECT_NE(NULL, strstr(buf, "# oplog t1 seed 22: 1 operations, the last 1 below\n"));
	EXPECT_EQ(NULL, strstr(buf, "t0 #1 "));	/* overwritten */
	/* a's #2..#4 (t 12..14) come before b's #0 (t 11500) */
	EXPECT_LT(strstr(buf, "t0 #4 "), strstr(buf, "t1 #0 "));
	EXPECT_LT(strstr(buf, "t0 #2 "), strstr(buf, "t0 #3 "));
	EXPECT_NE(NULL, strstr(buf, "t0 #2 +0.000000 +0.000000 A 0x2 0x0 0x0 = -2 (ENOENT)"));
	free(buf);
	iod_oplog_free(&a);
	iod_oplog_free(&b);
}

TEST(vmpin_reads)
{
	uint64_t kb = 123;

	ASSERT_EQ(0, iod_vmpin_kb(&kb));
	EXPECT_EQ(0u, kb);	/* nothing pinned by a unit test */
}

TEST(args_taken_from_argv)
{
	char *argv[] = { "prog", "-t", "x", "--replay", "/tmp/ops",
			 "--seconds", "5", "-v", NULL };
	int argc = 8;

	unsetenv("IODIRTY_STRESS");
	iod_stress_replays = true;
	iod_stress_take_args(&argc, argv);
	ASSERT_EQ(4, argc);
	EXPECT_STREQ("prog", argv[0]);
	EXPECT_STREQ("-t", argv[1]);
	EXPECT_STREQ("x", argv[2]);
	EXPECT_STREQ("-v", argv[3]);
	EXPECT_EQ(NULL, argv[4]);
	EXPECT_STREQ("/tmp/ops", iod_stress_replay_path());
	EXPECT_STREQ("long", getenv("IODIRTY_STRESS"));
	EXPECT_STREQ("5", getenv("IODIRTY_STRESS_SECONDS"));
}

TEST(replay_refused_where_nothing_replays)
{
	char *argv[] = { "prog", "--replay", "/tmp/ops", NULL };
	int argc = 3, status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		iod_stress_replays = false;
		freopen("/dev/null", "w", stderr);
		iod_stress_take_args(&argc, argv);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(2, WEXITSTATUS(status));
}

TEST(loop_short_runs_its_rounds)
{
	struct iod_stress_loop l;
	unsigned int n = 0;

	/* this process's mode: short unless a test above made it long */
	if (iod_stress_mode()->long_run)
		SKIP(return, "the mode of this process is long");
	iod_stress_loop_init(&l, "t", 7);
	while (iod_stress_loop_next(&l))
		n++;
	EXPECT_EQ(7u, n);
	EXPECT_FALSE(iod_stress_loop_next(&l));
}

TEST(loop_long_ends_when_the_seconds_are_up)
{
	struct iod_stress_loop l = { .long_run = true };

	l.end_ms = 0;		/* already over */
	EXPECT_FALSE(iod_stress_loop_next(&l));
	EXPECT_EQ(0u, l.rounds);
}

TEST(figures_line)
{
	struct iod_stress_figures f = { .ops = 3, .harvests = 2,
					.bits_checked = 128, .writes = 5 };
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	FILE *old = stdout;

	ASSERT_NE(NULL, mem);
	stdout = mem;
	iod_stress_figures_print(&f);
	iod_stress_figures_print(NULL);
	stdout = old;
	fclose(mem);
	EXPECT_STREQ("# stress figures: ops=3 harvests=2 bits=128 writes=5\n"
		     "# stress figures: ops=0 harvests=0 bits=0 writes=0\n",
		     buf);
	free(buf);
}

TEST(leak_check_names_what_did_not_come_back)
{
	struct iod_stress_counters a = {
		.vmpin_kb = 0, .memfree_kb = 1000000, .hugepages_free = 64,
		.nr_iommu_pages = 10, .have_hugepages = true,
		.have_iommu_pages = true,
	};
	struct iod_stress_counters b = a;
	char rep[512];

	EXPECT_EQ(0, iod_stress_leak_check(&a, &b, rep, sizeof(rep)));
	EXPECT_STREQ("", rep);
	/* within the slack */
	b.memfree_kb -= IOD_STRESS_MEMFREE_SLACK_KB;
	b.nr_iommu_pages += IOD_STRESS_IOMMU_PAGES_SLACK;
	EXPECT_EQ(0, iod_stress_leak_check(&a, &b, rep, sizeof(rep)));
	b.vmpin_kb = 2048;
	b.hugepages_free = 63;
	b.nr_iommu_pages++;
	b.memfree_kb--;
	EXPECT_EQ(-EBADE, iod_stress_leak_check(&a, &b, rep, sizeof(rep)));
	EXPECT_NE(NULL, strstr(rep, "VmPin 0 kB before, 2048 kB after"));
	EXPECT_NE(NULL, strstr(rep, "HugePages_Free 64 before, 63 after"));
	EXPECT_NE(NULL, strstr(rep, "nr_iommu_pages 10 before, 75 after"));
	EXPECT_NE(NULL, strstr(rep, "MemFree 1000000 kB before"));
	/* a counter the kernel does not have is not compared */
	b = a;
	b.nr_iommu_pages = 1000;
	b.have_iommu_pages = false;
	EXPECT_EQ(0, iod_stress_leak_check(&a, &b, rep, sizeof(rep)));
}

TEST(counters_read)
{
	struct iod_stress_counters c;

	ASSERT_EQ(0, iod_stress_counters_read(&c));
	EXPECT_GT(c.memfree_kb, 0u);
}

TEST_HARNESS_MAIN
