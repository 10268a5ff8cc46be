// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of iodirty-collect: the stream split, the kernel sentinel and
 * the judge. Links the runners/collect sources (not main.c).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/*
 * kselftest_harness.h itself has unused parameters (in __timeout_handler
 * and in the wrapper every TEST() expands to), so -Wextra needs this for
 * the whole file.
 */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "sentinel.h"
#include "judge.h"
#include "stream.h"

/* ---- helpers ----------------------------------------------------------- */

static int kind(const char *line)
{
	return iod_sentinel_classify(line);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_rf(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *path_of(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		abort();
	return p;
}

static void put(const char *dir, const char *name, const char *text)
{
	char *p = path_of(dir, name);
	FILE *f = fopen(p, "w");

	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
	free(p);
}

/* The whole file, or NULL if it cannot be read. */
static char *get(const char *dir, const char *name)
{
	char *p = path_of(dir, name), *buf = NULL;
	size_t cap = 0, len = 0, n;
	FILE *f = fopen(p, "r");

	free(p);
	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			cap = 2 * cap + 4096 + 1;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static bool starts_with(const char *s, const char *prefix)
{
	return s && !strncmp(s, prefix, strlen(prefix));
}

static bool exists(const char *dir, const char *name)
{
	char *p = path_of(dir, name);
	bool ok = access(p, F_OK) == 0;

	free(p);
	return ok;
}

/* Run iod_judge() on DIR/NAME; returns its output (NULL on error). */
static char *judge(const char *dir, const char *name)
{
	char *p = path_of(dir, name), *buf = NULL, err[256];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	if (!f)
		abort();
	rc = iod_judge(p, f, err, sizeof(err));
	fclose(f);
	free(p);
	if (rc) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Split DIR/stream and DIR/console into DIR/out. */
static int split(const char *dir, char *err, size_t errlen)
{
	char *s = path_of(dir, "stream"), *c = path_of(dir, "console");
	char *o = path_of(dir, "out");
	int rc = iod_split(s, c, o, err, errlen);

	free(s);
	free(c);
	free(o);
	return rc;
}

/* Feed @text (lines separated by '\n') to a fresh scanner over @con. */
static void scan(struct iod_console *con, const char *text)
{
	struct iod_scanner s;
	char *copy = strdup(text), *line, *save = NULL;

	iod_console_init(con);
	iod_scanner_init(&s, con);
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		iod_scanner_feed(&s, line);
	free(copy);
}

static const char normal_stream[] =
	"@@iodirty flavour intel\n"
	"@@iodirty begin alloc/alloc_hw_info\n"
	"TAP version 13\n"
	"1..3\n"
	"# Starting 3 tests from 2 test cases.\n"
	"ok 1 hw_info.basic\n"
	"ok 2 hw_info.short_size # SKIP needs a dirty-capable device\n"
	"not ok 3 hwpt.bad_flags\n"
	"# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:0\n"
	"@@iodirty end alloc/alloc_hw_info rc=1\n"
	"runner noise between programs\n"
	"@@iodirty begin dirty/read_clear\n"
	"TAP version 13\n"
	"1..1\n"
	"ok 1 read_clear.basic\n"
	"@@iodirty end dirty/read_clear rc=0\n"
	"@@iodirty done\n";

static const char quiet_console[] =
	"[    0.000000] Linux version 6.12.0\n"
	"[    1.000000] iodirty: begin alloc/alloc_hw_info\n"
	"[    1.500000] iodirty: end alloc/alloc_hw_info rc=1\n"
	"[    2.000000] iodirty: begin dirty/read_clear\n"
	"[    2.500000] iodirty: end dirty/read_clear rc=0\n";

static const char warning_splat[] =
	"[    3.100000] ------------[ cut here ]------------\n"
	"[    3.100001] WARNING: CPU: 1 PID: 88 at drivers/iommu/iommufd/io_pagetable.c:120 iopt_read_and_clear_dirty_data+0x1c/0x90\n"
	"[    3.100002] Modules linked in:\n"
	"[    3.100003] CPU: 1 UID: 0 PID: 88 Comm: read_clear Not tainted 6.12.0 #1\n"
	"[    3.100004] RIP: 0010:iopt_read_and_clear_dirty_data+0x1c/0x90\n"
	"[    3.100005] Call Trace:\n"
	"[    3.100006]  <TASK>\n"
	"[    3.100007]  iommufd_hwpt_get_dirty_bitmap+0x5e/0x90\n"
	"[    3.100008]  </TASK>\n"
	"[    3.100009] ---[ end trace 0000000000000000 ]---\n";

FIXTURE(tmp) {
	char dir[64];
};

FIXTURE_SETUP(tmp)
{
	snprintf(self->dir, sizeof(self->dir), "%s",
		 "/tmp/iodirty-collect-test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
}

FIXTURE_TEARDOWN(tmp)
{
	rm_rf(self->dir);
}

/* ---- split ------------------------------------------------------------- */

TEST_F(tmp, split_normal)
{
	char err[256], *s;

	put(self->dir, "stream", normal_stream);
	put(self->dir, "console", quiet_console);
	ASSERT_EQ(0, split(self->dir, err, sizeof(err))) TH_LOG("%s", err);

	s = get(self->dir, "out/programs");
	ASSERT_NE(NULL, s);
	EXPECT_STREQ("alloc/alloc_hw_info\ndirty/read_clear\n", s);
	free(s);
	s = get(self->dir, "out/guest.status");
	EXPECT_STREQ("done\n", s);
	free(s);
	s = get(self->dir, "out/alloc/alloc_hw_info.tap");
	EXPECT_STREQ("TAP version 13\n"
		     "1..3\n"
		     "# Starting 3 tests from 2 test cases.\n"
		     "ok 1 hw_info.basic\n"
		     "ok 2 hw_info.short_size # SKIP needs a dirty-capable device\n"
		     "not ok 3 hwpt.bad_flags\n"
		     "# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:0\n",
		     s);
	free(s);
	s = get(self->dir, "out/alloc/alloc_hw_info.status");
	EXPECT_STREQ("rc=1\n", s);
	free(s);
	s = get(self->dir, "out/dirty/read_clear.status");
	EXPECT_STREQ("rc=0\n", s);
	free(s);
	EXPECT_FALSE(exists(self->dir, "out/alloc/alloc_hw_info.sentinel"));
	EXPECT_FALSE(exists(self->dir, "out/dirty/read_clear.sentinel"));
	EXPECT_FALSE(exists(self->dir, "out/lab"));

	/* a clean finished program is judged as its own TAP */
	s = judge(self->dir, "out/dirty/read_clear.tap");
	EXPECT_STREQ("TAP version 13\n1..1\nok 1 read_clear.basic\n", s);
	free(s);
}

TEST_F(tmp, split_crlf)
{
	char err[256], *s;

	put(self->dir, "stream",
	    "@@iodirty flavour amd\r\n"
	    "@@iodirty begin alloc/alloc_dma\r\n"
	    "TAP version 13\r\n"
	    "1..1\r\n"
	    "ok 1 dma.map\r\n"
	    "@@iodirty end alloc/alloc_dma rc=0\r\n"
	    "@@iodirty done\r\n");
	put(self->dir, "console",
	    "[    1.0] iodirty: begin alloc/alloc_dma\r\n"
	    "[    1.1] iodirty: end alloc/alloc_dma rc=0\r\n");
	ASSERT_EQ(0, split(self->dir, err, sizeof(err))) TH_LOG("%s", err);
	s = get(self->dir, "out/alloc/alloc_dma.tap");
	EXPECT_STREQ("TAP version 13\n1..1\nok 1 dma.map\n", s);
	free(s);
	s = get(self->dir, "out/alloc/alloc_dma.status");
	EXPECT_STREQ("rc=0\n", s);
	free(s);
	s = get(self->dir, "out/guest.status");
	EXPECT_STREQ("done\n", s);
	free(s);
}

/* A program run once per engine is PROGRAM@ENGINE, each run its own file. */
TEST_F(tmp, split_per_engine)
{
	char err[256], *s;

	put(self->dir, "stream",
	    "@@iodirty flavour intel\n"
	    "@@iodirty begin dirty/e2e@edu\n"
	    "1..1\nok 1 e2e.a\n"
	    "@@iodirty end dirty/e2e@edu rc=0\n"
	    "@@iodirty begin dirty/e2e@nvme-poll\n"
	    "1..1\nnot ok 1 e2e.a\n"
	    "@@iodirty end dirty/e2e@nvme-poll rc=1\n"
	    "@@iodirty done\n");
	put(self->dir, "console", "");
	ASSERT_EQ(0, split(self->dir, err, sizeof(err))) TH_LOG("%s", err);
	s = get(self->dir, "out/dirty/e2e@edu.tap");
	EXPECT_STREQ("1..1\nok 1 e2e.a\n", s);
	free(s);
	s = get(self->dir, "out/dirty/e2e@nvme-poll.status");
	EXPECT_STREQ("rc=1\n", s);
	free(s);
}

TEST_F(tmp, split_incomplete)
{
	char err[256], *s;

	put(self->dir, "stream",
	    "@@iodirty flavour intel\n"
	    "@@iodirty begin alloc/alloc_hw_info\n"
	    "1..1\n"
	    "ok 1 hw_info.basic\n"
	    "@@iodirty end alloc/alloc_hw_info rc=0\n"
	    "@@iodirty begin alloc/alloc_dma\n"
	    "TAP version 13\n"
	    "1..4\n"
	    "ok 1 dma.map\n"
	    "ok 2 dma.unm");
	put(self->dir, "console", "");
	ASSERT_EQ(0, split(self->dir, err, sizeof(err))) TH_LOG("%s", err);
	s = get(self->dir, "out/guest.status");
	EXPECT_STREQ("incomplete: alloc/alloc_dma\n", s);
	free(s);
	s = get(self->dir, "out/alloc/alloc_dma.status");
	EXPECT_STREQ("incomplete\n", s);
	free(s);
	s = get(self->dir, "out/alloc/alloc_dma.tap");
	EXPECT_STREQ("TAP version 13\n1..4\nok 1 dma.map\nok 2 dma.unm\n", s);
	free(s);
	s = get(self->dir, "out/programs");
	EXPECT_STREQ("alloc/alloc_hw_info\nalloc/alloc_dma\n", s);
	free(s);

	/* numbered after the last point, so the output stays well formed */
	s = judge(self->dir, "out/alloc/alloc_dma.tap");
	EXPECT_STREQ("TAP version 13\n"
		     "1..3\n"
		     "ok 1 dma.map\n"
		     "ok 2 dma.unm\n"
		     "not ok 3 program did not finish (the guest died, hung or was killed)\n"
		     "# the program planned 4 tests and reported 2\n", s);
	free(s);
}

TEST_F(tmp, split_nothing_ran)
{
	char err[256], *s;

	put(self->dir, "stream", "@@iodirty flavour virtio\n");
	put(self->dir, "console", "[    0.1] Linux version 6.12.0\n");
	ASSERT_EQ(0, split(self->dir, err, sizeof(err))) TH_LOG("%s", err);
	s = get(self->dir, "out/guest.status");
	EXPECT_STREQ("incomplete: before the first program\n", s);
	free(s);
	s = get(self->dir, "out/programs");
	EXPECT_STREQ("", s);
	free(s);
}

TEST_F(tmp, split_malformed)
{
	static const struct {
		const char *stream;
		const char *why;
	} bad[] = {
		{ "@@iodirty begin a/b\n@@iodirty begin a/c\n", "inside" },
		{ "@@iodirty end a/b rc=0\n", "no begin" },
		{ "@@iodirty begin a/b\n@@iodirty end a/c rc=0\n", "while" },
		{ "@@iodirty begin a/..\n", "bad program name" },
		{ "@@iodirty begin ../b\n", "bad program name" },
		{ "@@iodirty begin a/b/c\n", "bad program name" },
		{ "@@iodirty begin ab\n", "bad program name" },
		{ "@@iodirty begin a/b c\n", "unknown marker" },
		{ "@@iodirty begin a/b$\n", "bad program name" },
		{ "@@iodirty begin /b\n", "bad program name" },
		{ "@@iodirty begin lab/boot\n", "reserved" },
		{ "@@iodirty begin a/b\n@@iodirty end a/b rc=x\n", "rc=N" },
		{ "@@iodirty begin a/b\n@@iodirty end a/b\n", "unknown marker" },
		{ "@@iodirty begin a/b\n@@iodirty end a/b rc=0\n"
		  "@@iodirty begin a/b\n", "twice" },
		{ "@@iodirty done\n@@iodirty begin a/b\n", "after" },
		{ "@@iodirty begin a/b\n@@iodirty done\n", "no end marker" },
		{ "@@iodirty frobnicate\n", "unknown marker" },
	};
	char err[256];
	size_t i;

	put(self->dir, "console", "");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		put(self->dir, "stream", bad[i].stream);
		err[0] = '\0';
		EXPECT_EQ(-1, split(self->dir, err, sizeof(err)))
			TH_LOG("accepted: %s", bad[i].stream);
		EXPECT_NE(NULL, strstr(err, bad[i].why))
			TH_LOG("stream %zu: '%s' lacks '%s'", i, err,
			       bad[i].why);
		/* the message names the stream file and line */
		EXPECT_NE(NULL, strstr(err, "/stream:"));
	}
	/* nothing is written for a rejected stream */
	EXPECT_FALSE(exists(self->dir, "out/programs"));
}

/* ---- sentinel ---------------------------------------------------------- */

TEST(sentinel_classify)
{
	EXPECT_EQ(IOD_LINE_SPLAT, kind(
		"[    3.1] WARNING: CPU: 1 PID: 88 at foo.c:1 bar+0x1/0x2"));
	EXPECT_EQ(IOD_LINE_SPLAT, kind(
		"[    3.1] BUG: kernel NULL pointer dereference, address: 0000000000000008"));
	EXPECT_EQ(IOD_LINE_SPLAT, kind(
		"[    3.1] Oops: general protection fault, probably for non-canonical address"));
	EXPECT_EQ(IOD_LINE_SPLAT, kind(
		"[    3.1] UBSAN: array-index-out-of-bounds in drivers/iommu/iova_bitmap.c:10:2"));
	EXPECT_EQ(IOD_LINE_SPLAT, kind(
		"[   30.1] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:"));
	EXPECT_EQ(IOD_LINE_SPLAT, kind(
		"[   30.1] Kernel panic - not syncing: Fatal exception"));
	EXPECT_EQ(IOD_LINE_SPLAT, kind(
		"[   30.1] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [x:1]"));
	EXPECT_EQ(IOD_LINE_SPLAT, kind(
		"noise[    3.1] BUG: KASAN: slab-use-after-free in iopt_unmap"));
	EXPECT_EQ(IOD_LINE_TRACE, kind("[    3.1] Call Trace:"));
	EXPECT_EQ(IOD_LINE_MARKER, kind(
		"[    1.0] iodirty: begin alloc/alloc_dma"));
	EXPECT_EQ(IOD_LINE_PLAIN, kind(
		"[    0.1] rcu: \tRCU CPU stall warnings timeout set to 21"));
	EXPECT_EQ(IOD_LINE_IOMMU_FAULT, kind(
		"[    5.1] DMAR: [DMA Write NO_PASID] Request device [00:03.0] fault addr 0x7f0000000000 [fault reason 0x05] PTE Write access is not set"));
	EXPECT_EQ(IOD_LINE_IOMMU_FAULT, kind(
		"[    5.1] DMAR: DRHD: handling fault status reg 2"));
	EXPECT_EQ(IOD_LINE_IOMMU_FAULT, kind(
		"[    5.1] iommu ivhd0: AMD-Vi: Event logged [IO_PAGE_FAULT device=00:03.0 domain=0x0002 address=0x1000 flags=0x0020]"));
	EXPECT_EQ(IOD_LINE_IOMMU_FAULT, kind(
		"[    5.1] virtio_iommu virtio0: fault from EP 24 at 0x1000 [w]"));
}

TEST(sentinel_warning_with_trace)
{
	struct iod_console con;
	struct iod_excerpt *ex;

	scan(&con, warning_splat);
	ex = &con.outside;
	ASSERT_EQ((size_t)9, ex->lines.n);
	EXPECT_NE(NULL, strstr(ex->lines.v[0], "WARNING: CPU: 1"));
	EXPECT_NE(NULL, strstr(ex->lines.v[4], "Call Trace:"));
	EXPECT_NE(NULL, strstr(ex->lines.v[8], "end trace"));
	iod_console_free(&con);
}

TEST(sentinel_ubsan_block)
{
	struct iod_console con;
	struct iod_excerpt *ex;

	scan(&con,
	     "[    1.0] iodirty: begin dirty/iova_bitmap\n"
	     "[    4.0] ================================================================================\n"
	     "[    4.0] UBSAN: shift-out-of-bounds in drivers/iommu/iommufd/iova_bitmap.c:250:20\n"
	     "[    4.0] shift exponent 64 is too large for 64-bit type 'long unsigned int'\n"
	     "[    4.0] CPU: 0 UID: 0 PID: 91 Comm: iova_bitmap Not tainted 6.12.0 #1\n"
	     "[    4.0] Call Trace:\n"
	     "[    4.0]  <TASK>\n"
	     "[    4.0]  dump_stack_lvl+0x5d/0x80\n"
	     "[    4.0]  __ubsan_handle_shift_out_of_bounds+0x10f/0x170\n"
	     "[    4.0]  iova_bitmap_set+0x1d3/0x1e0\n"
	     "[    4.0]  </TASK>\n"
	     "[    4.0] ---[ end trace ]---\n"
	     "[    5.0] iodirty: end dirty/iova_bitmap rc=0\n"
	     "[    5.1] random: crng init done\n");
	EXPECT_TRUE(iod_excerpt_empty(&con.outside));
	ex = iod_console_find(&con, "dirty/iova_bitmap");
	ASSERT_NE(NULL, ex);
	ASSERT_EQ((size_t)10, ex->lines.n);
	EXPECT_NE(NULL, strstr(ex->lines.v[0], "UBSAN: shift-out-of-bounds"));
	EXPECT_NE(NULL, strstr(ex->lines.v[9], "end trace"));
	iod_console_free(&con);
}

TEST(sentinel_rcu_stall)
{
	struct iod_console con;

	scan(&con,
	     "[   40.0] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\n"
	     "[   40.0] rcu: \t0-...!: (1 GPs behind) idle=1234\n"
	     "[   40.0] rcu: rcu_preempt kthread timer wakeup didn't happen for 21002 jiffies!\n");
	ASSERT_EQ((size_t)3, con.outside.lines.n);
	EXPECT_NE(NULL, strstr(con.outside.lines.v[0], "detected stalls"));
	iod_console_free(&con);
}

TEST(sentinel_lone_call_trace)
{
	struct iod_console con;

	/* a hung task report is only recognisable by its stack dump */
	scan(&con,
	     "[  150.0] INFO: task read_clear:88 blocked for more than 120 seconds.\n"
	     "[  150.0]       Not tainted 6.12.0 #1\n"
	     "[  150.0] Call Trace:\n"
	     "[  150.0]  <TASK>\n"
	     "[  150.0]  __schedule+0x3c0/0xb00\n");
	ASSERT_EQ((size_t)3, con.outside.lines.n);
	EXPECT_NE(NULL, strstr(con.outside.lines.v[0], "Call Trace:"));
	iod_console_free(&con);
}

TEST(sentinel_negative)
{
	struct iod_console con;

	scan(&con,
	     "[    1.0] iodirty: begin dirty/fault\n"
	     "[    5.0] DMAR: DRHD: handling fault status reg 2\n"
	     "[    5.0] DMAR: [DMA Write NO_PASID] Request device [00:03.0] fault addr 0x7f0000000000 [fault reason 0x05] PTE Write access is not set\n"
	     "[    5.1] DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0x1000 [fault reason 0x06] PTE Read access is not set\n"
	     "[    5.2] iommu ivhd0: AMD-Vi: Event logged [IO_PAGE_FAULT device=00:03.0 domain=0x0002 address=0x1000 flags=0x0020]\n"
	     "[    5.3] virtio_iommu virtio0: fault from EP 24 at 0x1000 [w]\n"
	     "[    5.4] FAULT_INJECTION: forcing a failure.\n"
	     "[    5.4] name failslab, interval 1, probability 0, space 0, times 1\n"
	     "[    5.4] CPU: 0 UID: 0 PID: 93 Comm: fail_nth Not tainted 6.12.0 #1\n"
	     "[    5.4] Call Trace:\n"
	     "[    5.4]  <TASK>\n"
	     "[    5.4]  should_fail_ex+0xd4/0x110\n"
	     "[    6.0] iodirty: end dirty/fault rc=0\n");
	EXPECT_TRUE(iod_excerpt_empty(&con.outside));
	ASSERT_NE(NULL, iod_console_find(&con, "dirty/fault"));
	EXPECT_TRUE(iod_excerpt_empty(iod_console_find(&con, "dirty/fault")));
	iod_console_free(&con);
}

TEST(sentinel_excerpt_cap)
{
	struct iod_console con;
	struct iod_scanner s;
	char line[64];
	FILE *f;
	char *buf = NULL;
	size_t len = 0, n = 0, i;

	iod_console_init(&con);
	iod_scanner_init(&s, &con);
	/* 30 splats of 26 lines each, well past the cap */
	for (i = 0; i < 30 * 26; i++) {
		if (i % 26 == 0)
			snprintf(line, sizeof(line), "[ %zu] BUG: splat %zu", i,
				 i / 26);
		else
			snprintf(line, sizeof(line), "[ %zu] detail", i);
		iod_scanner_feed(&s, line);
		/* a gap between splats so that each starts a new one */
		iod_scanner_feed(&s, "[    9.0] quiet line");
	}
	EXPECT_EQ((size_t)IOD_EXCERPT_MAX, con.outside.lines.n);
	EXPECT_LT((size_t)0, con.outside.dropped);
	f = open_memstream(&buf, &len);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, iod_excerpt_write(&con.outside, f));
	fclose(f);
	for (i = 0; i < len; i++)
		n += buf[i] == '\n';
	EXPECT_EQ((size_t)IOD_EXCERPT_MAX, n);
	EXPECT_NE(NULL, strstr(buf, "more console lines not shown]\n"));
	free(buf);
	iod_console_free(&con);
}

TEST_F(tmp, sentinel_attributed_to_window)
{
	char err[256], *s, *console;

	if (asprintf(&console,
		     "[    0.5] Linux version 6.12.0\n"
		     "[    1.0] iodirty: begin alloc/alloc_hw_info\n"
		     "[    1.5] iodirty: end alloc/alloc_hw_info rc=1\n"
		     "[    2.0] iodirty: begin dirty/read_clear\n"
		     "%s"
		     "[    3.2] iodirty: end dirty/read_clear rc=0\n"
		     "[    3.3] after the last program\n",
		     warning_splat) < 0)
		abort();
	put(self->dir, "stream", normal_stream);
	put(self->dir, "console", console);
	free(console);
	ASSERT_EQ(0, split(self->dir, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_FALSE(exists(self->dir, "out/alloc/alloc_hw_info.sentinel"));
	EXPECT_FALSE(exists(self->dir, "out/lab/boot.sentinel"));
	s = get(self->dir, "out/dirty/read_clear.sentinel");
	ASSERT_NE(NULL, s);
	EXPECT_TRUE(starts_with(s, "[    3.100001] WARNING: CPU: 1 PID: 88"));
	EXPECT_NE(NULL, strstr(s, "end trace"));
	/* the excerpt stops at the end marker */
	EXPECT_EQ(NULL, strstr(s, "iodirty:"));
	EXPECT_EQ(NULL, strstr(s, "after the last program"));
	free(s);
	s = get(self->dir, "out/programs");
	EXPECT_STREQ("alloc/alloc_hw_info\ndirty/read_clear\n", s);
	free(s);

	/* the judge appends the sentinel point and rewrites the plan */
	s = judge(self->dir, "out/dirty/read_clear.tap");
	ASSERT_NE(NULL, s);
	EXPECT_TRUE(starts_with(s, "TAP version 13\n"
		"1..2\n"
		"ok 1 read_clear.basic\n"
		"not ok 2 kernel sentinel: WARNING: CPU: 1 PID: 88 at drivers/iommu/iommufd/io_pagetable.c:120 iopt_read_and_clear_dirty_data+0x1c/0x90\n"
		"# [    3.100001] WARNING: CPU: 1")) TH_LOG("%s", s);
	/* the excerpt follows as comment lines */
	EXPECT_NE(NULL, strstr(s, "# [    3.100003] CPU: 1 UID: 0 PID: 88 Comm: read_clear Not tainted 6.12.0 #1\n"));
	free(s);
}

TEST_F(tmp, sentinel_splat_in_unstreamed_window)
{
	char err[256], *s;

	put(self->dir, "stream",
	    "@@iodirty begin alloc/alloc_hw_info\n"
	    "1..1\nok 1 hw_info.basic\n"
	    "@@iodirty end alloc/alloc_hw_info rc=0\n");
	put(self->dir, "console",
	    "[    1.0] iodirty: begin alloc/alloc_hw_info\n"
	    "[    1.5] iodirty: end alloc/alloc_hw_info rc=0\n"
	    "[    2.0] iodirty: begin alloc/alloc_dma\n"
	    "[    2.1] Kernel panic - not syncing: Fatal exception\n");
	ASSERT_EQ(0, split(self->dir, err, sizeof(err))) TH_LOG("%s", err);
	s = get(self->dir, "out/programs");
	EXPECT_STREQ("alloc/alloc_hw_info\nalloc/alloc_dma\n", s);
	free(s);
	s = get(self->dir, "out/alloc/alloc_dma.status");
	EXPECT_STREQ("incomplete\n", s);
	free(s);
	s = judge(self->dir, "out/alloc/alloc_dma.tap");
	EXPECT_STREQ("1..2\n"
		     "not ok 1 program printed no TAP (incomplete)\n"
		     "not ok 2 kernel sentinel: Kernel panic - not syncing: Fatal exception\n"
		     "# [    2.1] Kernel panic - not syncing: Fatal exception\n",
		     s);
	free(s);
}

TEST_F(tmp, boot_splat)
{
	char err[256], *s, *console;

	if (asprintf(&console, "%s%s",
		     warning_splat,
		     "[    4.0] iodirty: begin alloc/alloc_hw_info\n"
		     "[    4.5] iodirty: end alloc/alloc_hw_info rc=1\n"
		     "[    5.0] iodirty: begin dirty/read_clear\n"
		     "[    5.5] iodirty: end dirty/read_clear rc=0\n"
		     "[    6.0] BUG: unable to handle page fault for address: ffff8881\n"
		     "[    6.0] #PF: supervisor read access in kernel mode\n") < 0)
		abort();
	put(self->dir, "stream", normal_stream);
	put(self->dir, "console", console);
	free(console);
	ASSERT_EQ(0, split(self->dir, err, sizeof(err))) TH_LOG("%s", err);
	s = get(self->dir, "out/programs");
	EXPECT_STREQ("alloc/alloc_hw_info\ndirty/read_clear\nlab/boot\n", s);
	free(s);
	s = get(self->dir, "out/lab/boot.tap");
	EXPECT_STREQ("1..1\nok 1 boot\n", s);
	free(s);
	s = get(self->dir, "out/lab/boot.sentinel");
	ASSERT_NE(NULL, s);
	EXPECT_TRUE(starts_with(s, "[    3.100001] WARNING:"));
	/* both splats, one after the other */
	EXPECT_NE(NULL, strstr(s, "\n--\n[    6.0] BUG: unable to handle"));
	free(s);
	EXPECT_FALSE(exists(self->dir, "out/dirty/read_clear.sentinel"));

	s = judge(self->dir, "out/lab/boot.tap");
	ASSERT_NE(NULL, s);
	EXPECT_TRUE(starts_with(s, "1..1\nnot ok 1 kernel sentinel: WARNING: CPU: 1"));
	EXPECT_NE(NULL, strstr(s, "\n# --\n"));
	EXPECT_NE(NULL, strstr(s, "\n# [    6.0] #PF: supervisor read access in kernel mode\n"));
	free(s);

	/* a later split with a quiet boot removes the stale excerpt */
	put(self->dir, "console", quiet_console);
	ASSERT_EQ(0, split(self->dir, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_FALSE(exists(self->dir, "out/lab/boot.sentinel"));
	s = judge(self->dir, "out/lab/boot.tap");
	EXPECT_STREQ("1..1\nok 1 boot\n", s);
	free(s);
}

/* ---- judge ------------------------------------------------------------- */

TEST_F(tmp, judge_plan_at_top)
{
	char *s;

	put(self->dir, "p.tap",
	    "TAP version 13\n"
	    "1..2\n"
	    "ok 1 a\n"
	    "ok 2 b # XFAIL unfixed: known\n"
	    "# Totals: pass:1 fail:0 xfail:1 xpass:0 skip:0 error:0\n");
	put(self->dir, "p.status", "rc=0\n");
	put(self->dir, "p.sentinel",
	    "<4>[    2.0] WARNING: CPU: 0 PID: 1 at x.c:1 f # SKIP not really\n"
	    "\n"
	    "[    2.0] Call Trace:\n");
	s = judge(self->dir, "p.tap");
	EXPECT_STREQ("TAP version 13\n"
		     "1..3\n"
		     "ok 1 a\n"
		     "ok 2 b # XFAIL unfixed: known\n"
		     "# Totals: pass:1 fail:0 xfail:1 xpass:0 skip:0 error:0\n"
		     "not ok 3 kernel sentinel: WARNING: CPU: 0 PID: 1 at x.c:1 f \\# SKIP not really\n"
		     "# <4>[    2.0] WARNING: CPU: 0 PID: 1 at x.c:1 f # SKIP not really\n"
		     "#\n"
		     "# [    2.0] Call Trace:\n", s);
	free(s);
}

TEST_F(tmp, judge_plan_at_bottom)
{
	char *s;

	put(self->dir, "p.tap",
	    "ok 1 a\n"
	    "not ok 2 b\n"
	    "1..2\n"
	    "# trailing comment\n");
	put(self->dir, "p.status", "rc=137\n");
	put(self->dir, "p.sentinel", "[   99.0] watchdog: BUG: soft lockup - CPU#0 stuck for 22s!\n");
	s = judge(self->dir, "p.tap");
	EXPECT_STREQ("ok 1 a\n"
		     "not ok 2 b\n"
		     "not ok 3 kernel sentinel: watchdog: BUG: soft lockup - CPU\\#0 stuck for 22s!\n"
		     "# [   99.0] watchdog: BUG: soft lockup - CPU#0 stuck for 22s!\n"
		     "not ok 4 program timed out\n"
		     "# rc=137\n"
		     "1..4\n"
		     "# trailing comment\n", s);
	free(s);
}

TEST_F(tmp, judge_timeout)
{
	char *s;

	put(self->dir, "p.tap", "TAP version 13\n1..2\nok 1 a\nok 2 b\n");
	put(self->dir, "p.status", "rc=124\n");
	s = judge(self->dir, "p.tap");
	EXPECT_STREQ("TAP version 13\n1..3\nok 1 a\nok 2 b\n"
		     "not ok 3 program timed out\n# rc=124\n", s);
	free(s);
}

TEST_F(tmp, judge_empty_tap)
{
	char *s;

	put(self->dir, "p.tap", "");
	put(self->dir, "p.status", "rc=139\n");
	s = judge(self->dir, "p.tap");
	EXPECT_STREQ("1..1\nnot ok 1 program printed no TAP (rc=139)\n", s);
	free(s);

	/* a header but no plan and no test point is just as empty */
	put(self->dir, "p.tap", "TAP version 13\n");
	put(self->dir, "p.status", "rc=1\n");
	s = judge(self->dir, "p.tap");
	EXPECT_STREQ("TAP version 13\n1..1\nnot ok 1 program printed no TAP (rc=1)\n", s);
	free(s);
}

TEST_F(tmp, judge_exit_status)
{
	char *s, *p;

	/* every point passed, yet the program failed: say so */
	put(self->dir, "p.tap", "1..1\nok 1 a\n");
	put(self->dir, "p.status", "rc=1\n");
	s = judge(self->dir, "p.tap");
	EXPECT_STREQ("1..2\nok 1 a\nnot ok 2 program failed without a failing test (rc=1)\n", s);
	free(s);

	/* a failing point already explains rc=1 */
	put(self->dir, "p.tap", "1..1\nnot ok 1 a\n");
	s = judge(self->dir, "p.tap");
	EXPECT_STREQ("1..1\nnot ok 1 a\n", s);
	free(s);

	/* kselftest's skip exit status */
	put(self->dir, "p.tap", "1..1\nok 1 a # SKIP no device\n");
	put(self->dir, "p.status", "rc=4\n");
	s = judge(self->dir, "p.tap");
	EXPECT_STREQ("1..1\nok 1 a # SKIP no device\n", s);
	free(s);

	put(self->dir, "p.tap", "1..1\nok 1 a\n");
	put(self->dir, "p.status", "rc=139\n");
	s = judge(self->dir, "p.tap");
	ASSERT_NE(NULL, s);
	EXPECT_TRUE(starts_with(s, "1..2\nok 1 a\nnot ok 2 program killed by a signal (rc=139: "));
	free(s);

	/* no status file at all */
	p = path_of(self->dir, "p.status");
	unlink(p);
	free(p);
	s = judge(self->dir, "p.tap");
	EXPECT_STREQ("1..2\nok 1 a\nnot ok 2 program has no status file\n", s);
	free(s);
}

TEST_F(tmp, judge_skip_all_plan)
{
	char *s;

	put(self->dir, "p.tap", "TAP version 13\n1..0 # SKIP no IOMMU\n");
	put(self->dir, "p.status", "rc=4\n");
	s = judge(self->dir, "p.tap");
	EXPECT_STREQ("TAP version 13\n1..0 # SKIP no IOMMU\n", s);
	free(s);

	put(self->dir, "p.sentinel", "[ 1.0] BUG: bad\n");
	s = judge(self->dir, "p.tap");
	EXPECT_STREQ("TAP version 13\n"
		     "1..1\n"
		     "# the program's own plan was: 1..0 # SKIP no IOMMU\n"
		     "not ok 1 kernel sentinel: BUG: bad\n"
		     "# [ 1.0] BUG: bad\n", s);
	free(s);
}

TEST_F(tmp, judge_missing_tap)
{
	char err[256], *p = path_of(self->dir, "nope.tap");

	EXPECT_EQ(-1, iod_judge(p, stdout, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "nope.tap"));
	free(p);
	p = path_of(self->dir, "nope.txt");
	EXPECT_EQ(-1, iod_judge(p, stdout, err, sizeof(err)));
	free(p);
}

TEST_HARNESS_MAIN
