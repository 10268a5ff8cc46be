// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the replayable operation list (lib/harness/oplist.c): its
 * line format, the parser's refusals, and a dump read back whole from a
 * file holding other TAP lines around it.
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
#include <unistd.h>

#include "kselftest_harness.h"

#include "harness/oplist.h"

TEST(format_then_parse)
{
	struct iod_oplist_op op = { .name = "HARVEST_NC",
				    .arg = { 0, 0xffffffffffffffffull, 0x800 } };
	struct iod_oplist_op back;
	char line[128];

	iod_oplist_format(&op, line, sizeof(line));
	EXPECT_STREQ("# op HARVEST_NC 0x0 0xffffffffffffffff 0x800", line);
	ASSERT_EQ(1, iod_oplist_parse_line(line, &back));
	EXPECT_STREQ("HARVEST_NC", back.name);
	EXPECT_EQ(0ull, back.arg[0]);
	EXPECT_EQ(0xffffffffffffffffull, back.arg[1]);
	EXPECT_EQ(0x800ull, back.arg[2]);
	/* without the TAP's "# ", with a newline */
	ASSERT_EQ(1, iod_oplist_parse_line("op MARK 0x1 0x2 0x3\n", &back));
	EXPECT_STREQ("MARK", back.name);
	EXPECT_EQ(3ull, back.arg[2]);
}

TEST(other_lines_are_skipped)
{
	struct iod_oplist_op op;

	EXPECT_EQ(0, iod_oplist_parse_line("ok 1 serial_model\n", &op));
	EXPECT_EQ(0, iod_oplist_parse_line("# oplog t0 #3 +0.1 ...\n", &op));
	EXPECT_EQ(0, iod_oplist_parse_line("# replay list of x: 3 operations\n",
					   &op));
	EXPECT_EQ(0, iod_oplist_parse_line("", &op));
}

TEST(malformed_operations_are_refused)
{
	struct iod_oplist_op op;

	EXPECT_EQ(-EINVAL, iod_oplist_parse_line("# op MARK 0x1 0x2\n", &op));
	EXPECT_EQ(-EINVAL, iod_oplist_parse_line("# op MARK 1 0x2 0x3\n", &op));
	EXPECT_EQ(-EINVAL, iod_oplist_parse_line("# op mark 0x1 0x2 0x3", &op));
	EXPECT_EQ(-EINVAL, iod_oplist_parse_line("# op MARK 0x1 0x2 0x3 0x4",
						 &op));
	EXPECT_EQ(-EINVAL, iod_oplist_parse_line("# op MARK 0x1 0x2 0xg", &op));
	EXPECT_EQ(-EINVAL, iod_oplist_parse_line("# op MARK 0x1 0x2 0x", &op));
	EXPECT_EQ(-EINVAL, iod_oplist_parse_line(
		"# op A_NAME_LONGER_THAN_ALLOWED 0x1 0x2 0x3", &op));
	EXPECT_EQ(-EINVAL, iod_oplist_parse_line(
		"# op MARK 0x1 0x10000000000000000 0x3", &op));
}

TEST(add_refuses_bad_names)
{
	struct iod_oplist l;

	iod_oplist_init(&l);
	EXPECT_EQ(-EINVAL, iod_oplist_add(&l, "", 0, 0, 0));
	EXPECT_EQ(-EINVAL, iod_oplist_add(&l, "a b", 0, 0, 0));
	EXPECT_EQ(0, iod_oplist_add(&l, "ENABLE", 0, 0, 0));
	EXPECT_EQ(1u, l.n);
	iod_oplist_free(&l);
}

TEST(dump_reads_back_from_a_tap_file)
{
	char path[] = "/tmp/test_oplist.XXXXXX";
	struct iod_oplist l, back;
	char why[256] = "";
	unsigned int i;
	FILE *f;
	int fd;

	iod_oplist_init(&l);
	iod_oplist_init(&back);
	for (i = 0; i < 200; i++)
		ASSERT_EQ(0, iod_oplist_add(&l, i % 2 ? "MARK" : "HARVEST", i,
					    i * 0x1000ull, ~(uint64_t)i));
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	f = fdopen(fd, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "TAP version 13\n# serial_model: seed 5\n");
	iod_oplist_dump(&l, "serial_model", f);
	fprintf(f, "not ok 1 serial_model\n");
	fclose(f);
	EXPECT_EQ(0, iod_oplist_load(&back, path, why, sizeof(why)))
		TH_LOG("%s", why);
	ASSERT_EQ(l.n, back.n);
	for (i = 0; i < l.n; i++) {
		EXPECT_STREQ(l.ops[i].name, back.ops[i].name);
		EXPECT_EQ(0, memcmp(l.ops[i].arg, back.ops[i].arg,
				    sizeof(l.ops[i].arg)));
	}
	/* a broken line names the file and line */
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "# op MARK 0x1 0x2 0x3\n# op MARK 0x1\n");
	fclose(f);
	EXPECT_EQ(-EINVAL, iod_oplist_load(&back, path, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, ":2: not an operation"));
	unlink(path);
	EXPECT_EQ(-ENOENT, iod_oplist_load(&back, path, why, sizeof(why)));
	iod_oplist_free(&l);
	iod_oplist_free(&back);
}

TEST_HARNESS_MAIN
