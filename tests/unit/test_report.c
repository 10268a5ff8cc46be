// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the run report (runners/collect/report.h): UTF-8 and JSON
 * text, the classification of test points, the entries a program or a
 * flavour gets besides them, and the summary's grouping.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* kselftest_harness.h has unused parameters (see test_collect.c). */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kselftest_harness.h"

#include "report.h"
#include "results_json.h"
#include "summary_txt.h"
#include "utf8.h"

/* ---- helpers ----------------------------------------------------------- */

static char *decoded(const char *bytes)
{
	return iod_utf8_decode(bytes, strlen(bytes));
}

static char *json(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	iod_json_string(f, s);
	fclose(f);
	return buf;
}

static void results_free(struct iod_results *r)
{
	struct iod_run run = { .results = *r };

	iod_run_free(&run);
	memset(r, 0, sizeof(*r));
}

/* Classify @tap as program s/p of flavour f; the entries in @r. */
static void classify(struct iod_results *r, const char *tap,
		     const char *status_line)
{
	memset(r, 0, sizeof(*r));
	iod_report_tap(r, "f", "s", "p", tap, strlen(tap), status_line);
}

/* The entry for case @name, or NULL. */
static const struct iod_result *entry(const struct iod_results *r,
				      const char *name)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].name, name))
			return &r->v[i];
	return NULL;
}

#define EXPECT_ENTRY(r, name_, status_, reason_) do {			\
	const struct iod_result *x_ = entry(r, name_);			\
	ASSERT_NE(NULL, x_) TH_LOG("no entry '%s'", name_);		\
	EXPECT_STREQ(status_, iod_status_name[x_->status]);		\
	EXPECT_STREQ(reason_, x_->reason);				\
} while (0)

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path);
}

static void put(const char *dir, const char *name, const char *text)
{
	char *p, *slash;
	FILE *f;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		abort();
	for (slash = strchr(p + strlen(dir) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(p, 0755);
		*slash = '/';
	}
	f = fopen(p, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
	free(p);
}

/* ---- UTF-8 and JSON ---------------------------------------------------- */

TEST(utf8_decode)
{
	static const struct { const char *in, *out; } v[] = {
		{ "plain", "plain" },
		{ "caf\xc3\xa9 \xe2\x98\xba \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x98\xba \xf0\x9f\x98\x80" },
		{ "a\xff" "b", "a\xef\xbf\xbd" "b" },
		/* truncated, overlong, surrogate, too big, noncharacter */
		{ "\xe2\x98", "\xef\xbf\xbd" },
		{ "\xe2\x98" "A", "\xef\xbf\xbd" "A" },
		{ "\xc0\x80", "\xef\xbf\xbd" },
		{ "\xed\xa0\x80", "\xef\xbf\xbd" },
		{ "\xf4\x90\x80\x80", "\xef\xbf\xbd" },
		{ "\xef\xbf\xbe", "\xef\xbf\xbd" },
		{ "\xef\xb7\x90", "\xef\xbf\xbd" },
		{ "\xed\x9f\xbf", "\xed\x9f\xbf" },
		/* each stray continuation byte is one replacement */
		{ "\x80\xbf", "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xf8\x88\x80\x80\x80", "\xef\xbf\xbd" },
	};
	size_t i;
	char *d;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		d = decoded(v[i].in);
		EXPECT_STREQ(v[i].out, d) TH_LOG("case %zu", i);
		free(d);
	}
	d = iod_latin1_to_utf8("\xe9t\xe9");
	EXPECT_STREQ("\xc3\xa9t\xc3\xa9", d);
	free(d);
	EXPECT_EQ(3, iod_utf8_len("\xc3\xa9\xe2\x98\xba" "a"));
	EXPECT_EQ(4, iod_uspace_span(" \t\xc2\xa0x"));
	EXPECT_EQ(3, iod_uspace_span("\xe2\x80\x83y"));
	EXPECT_EQ(0, iod_uspace_span("\xe2\x98\xba"));
}

TEST(json_string)
{
	static const struct { const char *in, *out; } v[] = {
		{ "", "\"\"" },
		{ "a\"b\\c/d", "\"a\\\"b\\\\c/d\"" },
		{ "\b\t\n\f\r", "\"\\b\\t\\n\\f\\r\"" },
		{ "\x01\x0b\x1f\x7f", "\"\\u0001\\u000b\\u001f\x7f\"" },
		{ "\xc3\xa9\xe2\x80\xa8", "\"\xc3\xa9\xe2\x80\xa8\"" },
	};
	size_t i;
	char *s;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		s = json(v[i].in);
		EXPECT_STREQ(v[i].out, s) TH_LOG("case %zu", i);
		free(s);
	}
}

TEST(results_json_layout)
{
	struct iod_run run = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_NE(NULL, f);
	iod_results_json(f, &run);
	iod_results_add(&run.results, "mock", "alloc", "hw", "c\"1", IOD_SKIP,
			"why");
	iod_results_json(f, &run);
	fclose(f);
	EXPECT_STREQ("[]\n"
		     "[\n"
		     "   {\n"
		     "      \"case\" : \"c\\\"1\",\n"
		     "      \"flavour\" : \"mock\",\n"
		     "      \"program\" : \"hw\",\n"
		     "      \"reason\" : \"why\",\n"
		     "      \"status\" : \"skip\",\n"
		     "      \"suite\" : \"alloc\"\n"
		     "   }\n"
		     "]\n", buf);
	free(buf);
	iod_run_free(&run);
}

/* ---- classification ---------------------------------------------------- */

TEST(classify_statuses)
{
	struct iod_results r;

	classify(&r,
		 "TAP version 13\n1..8\n"
		 "ok 1 a.pass\n"
		 "# the setup said\n"
		 "#  RUN           a.fail ...\n"
		 "# a.c:12:fail:Expected 0 (0) == rc (-22)\n"
		 "#          FAIL  a.fail\n"
		 "not ok 2 a.fail\n"
		 "ok 3 a.skip # SKIP no dirty\ttracking\n"
		 "ok 4 a.xfail # XFAIL fixed by 1234abcd\n"
		 "ok 5 a.xpass # XPASS was a known bug\n"
		 "not ok 6 a.todo # TODO later\n"
		 "not ok 7 a.badxfail # XFAIL bug\n"
		 "not ok 8 - a.tail # only this\n", "rc=1");
	ASSERT_EQ(8, r.n);
	EXPECT_ENTRY(&r, "a.pass", "pass", "");
	EXPECT_ENTRY(&r, "a.fail", "fail",
		     "the setup said; a.c:12:fail:Expected 0 (0) == rc (-22)");
	EXPECT_ENTRY(&r, "a.skip", "skip", "no dirty tracking");
	EXPECT_ENTRY(&r, "a.xfail", "xfail", "fixed by 1234abcd");
	EXPECT_ENTRY(&r, "a.xpass", "xpass", "was a known bug");
	EXPECT_ENTRY(&r, "a.todo", "todo", "later");
	EXPECT_ENTRY(&r, "a.badxfail", "fail",
		     "failed with an XFAIL directive: bug");
	EXPECT_ENTRY(&r, "a.tail", "fail", "only this");
	EXPECT_STREQ("f", r.v[0].flavour);
	EXPECT_STREQ("s", r.v[0].suite);
	EXPECT_STREQ("p", r.v[0].program);
	results_free(&r);
}

TEST(classify_case_names)
{
	struct iod_results r;
	char long_reason[400];

	memset(long_reason, 'x', sizeof(long_reason));
	classify(&r, "1..3\nok 1 a\\#b \\\\c # XFAIL why\\#\n"
		 "not ok 2\n"
		 "ok # SKIP\n", "rc=0");
	EXPECT_ENTRY(&r, "a#b \\c", "xfail", "why\\#");
	EXPECT_ENTRY(&r, "(test 2)", "fail", "");
	EXPECT_ENTRY(&r, "(test 3)", "skip", "");
	results_free(&r);

	/* reasons: whitespace runs one space, cut at 300 characters */
	{
		char *tap;

		if (asprintf(&tap, "1..1\n#  \t lead\n# %.*s\nnot ok 1 x\n",
			     350, long_reason) < 0)
			abort();
		classify(&r, tap, "rc=1");
		free(tap);
		ASSERT_EQ(1, r.n);
		EXPECT_EQ(300, iod_utf8_len(r.v[0].reason));
		EXPECT_EQ(0, strncmp(r.v[0].reason, "lead; xxx", 9));
		EXPECT_STREQ("...", r.v[0].reason + strlen(r.v[0].reason) - 3);
		results_free(&r);
	}
}

TEST(classify_judge_points)
{
	struct iod_results r;

	classify(&r, "TAP version 13\n1..7\nok 1 a\nok 2 b\n"
		 "not ok 3 kernel sentinel: BUG: KASAN: x \\# y\n"
		 "not ok 4 program did not finish (the guest died, hung or was killed)\n"
		 "not ok 5 program timed out\n"
		 "not ok 6 program killed by a signal (rc=139: Segmentation fault)\n"
		 "not ok 7 program status unreadable: what\n", "rc=124");
	EXPECT_ENTRY(&r, "kernel sentinel", "fail", "BUG: KASAN: x # y");
	EXPECT_ENTRY(&r, "program did not finish", "fail",
		     "the guest died, hung or was killed");
	EXPECT_ENTRY(&r, "program timed out", "fail", "rc=124");
	EXPECT_ENTRY(&r, "program killed by a signal", "fail",
		     "rc=139: Segmentation fault");
	EXPECT_ENTRY(&r, "program status unreadable", "fail", "what");
	EXPECT_EQ(7, r.n);
	results_free(&r);
}

TEST(classify_program_entries)
{
	struct iod_results r;

	classify(&r, "TAP version 13\n1..0 # SKIP no mock domain\n", "rc=4");
	ASSERT_EQ(1, r.n);
	EXPECT_ENTRY(&r, "(all)", "skip", "no mock domain");
	results_free(&r);

	classify(&r, "1..0\n", "rc=4");
	EXPECT_ENTRY(&r, "(all)", "skip", "(no reason given)");
	results_free(&r);

	classify(&r, "1..3\nok 1 a\nok 3 c\n", "rc=0");
	EXPECT_ENTRY(&r, "(TAP)", "fail",
		     "Tests out of sequence. Found (3) but expected (2); Bad plan. You planned 3 tests but ran 2.");
	results_free(&r);

	classify(&r, "", "rc=0");
	ASSERT_EQ(1, r.n);
	EXPECT_ENTRY(&r, "(TAP)", "fail", "No plan found in TAP output");
	results_free(&r);

	classify(&r, "1..2\nok 1 a\nTAP version 13\nok 2 b\n", "rc=0");
	EXPECT_ENTRY(&r, "(TAP)", "fail",
		     "If TAP version is present it must be the first line of output");
	results_free(&r);

	classify(&r, "1..1\nok 1 a\n1..1\n", "rc=0");
	EXPECT_ENTRY(&r, "(TAP)", "fail", "More than one plan found in TAP output");
	results_free(&r);
}

/* ---- a run directory --------------------------------------------------- */

FIXTURE(run) {
	char dir[64];
};

FIXTURE_SETUP(run)
{
	snprintf(self->dir, sizeof(self->dir), "%s",
		 "/tmp/iodirty-report-test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
}

FIXTURE_TEARDOWN(run)
{
	nftw(self->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

TEST_F(run, guest_and_judge_entries)
{
	struct iod_report_err e;
	struct iod_run run;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	put(self->dir, "intel/programs", "a/ok\na/gone\n../x\n");
	put(self->dir, "intel/guest.status", "incomplete: a/gone\n");
	put(self->dir, "intel/a/ok.tap", "TAP version 13\n1..1\nok 1 t\n");
	put(self->dir, "intel/a/ok.status", "rc=0\n");
	put(self->dir, "mock/programs", "a/ok\n");
	put(self->dir, "mock/guest.status", "done\n");
	put(self->dir, "mock/a/ok.tap", "TAP version 13\n1..5\n"
	    "ok 1 s.1 # SKIP same\nok 2 s.2 # SKIP same\n"
	    "ok 3 s.3 # SKIP same\nok 4 s.4 # SKIP same\n"
	    "ok 5 s.5 # SKIP other\n");
	put(self->dir, "mock/a/ok.status", "rc=4\n");
	put(self->dir, "notes/readme", "no programs file here\n");

	ASSERT_EQ(0, iod_run_read(self->dir, &run, &e)) TH_LOG("%s", e.msg);
	ASSERT_EQ(2, run.nflavours);
	EXPECT_STREQ("intel", run.flavours[0]);
	EXPECT_STREQ("mock", run.flavours[1]);
	EXPECT_STREQ("incomplete: a/gone", run.guest[0]);
	EXPECT_ENTRY(&run.results, "t", "pass", "");
	/* a/gone.tap is missing: the judge fails, its TAP is empty */
	EXPECT_ENTRY(&run.results, "(TAP)", "fail", "No plan found in TAP output");
	ASSERT_NE(NULL, entry(&run.results, "(judge)"));
	EXPECT_EQ(IOD_FAIL, entry(&run.results, "(judge)")->status);
	EXPECT_NE(NULL, strstr(entry(&run.results, "(judge)")->reason,
			       "a/gone.tap: No such file or directory"));
	EXPECT_ENTRY(&run.results, "guest finished", "fail",
		     "incomplete: a/gone");
	EXPECT_STREQ("lab", entry(&run.results, "guest finished")->suite);
	EXPECT_STREQ("guest", entry(&run.results, "guest finished")->program);

	f = open_memstream(&buf, &len);
	ASSERT_NE(NULL, f);
	iod_summary_txt(f, &run);
	fclose(f);
	EXPECT_NE(NULL, strstr(buf, "== a ==\nprogram  case     intel  mock\n"
				    "ok       t        ok     -\n"))
		TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "mock a/ok 4 cases (first s.1): SKIP same\n"
				    "mock a/ok s.5: SKIP other\n"))
		TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "intel lab/guest guest finished: FAIL incomplete: a/gone\n"))
		TH_LOG("%s", buf);
	free(buf);
	iod_run_free(&run);
}

TEST_F(run, bad_run_dirs)
{
	struct iod_report_err e;
	struct iod_run run;
	char *missing;

	if (asprintf(&missing, "%s/missing", self->dir) < 0)
		abort();
	EXPECT_EQ(-1, iod_run_read(missing, &run, &e));
	EXPECT_NE(NULL, strstr(e.msg, "no such directory"));
	EXPECT_NE(0, e.next[0]);
	free(missing);

	put(self->dir, "intel/guest.status", "done\n");
	EXPECT_EQ(-1, iod_run_read(self->dir, &run, &e));
	EXPECT_NE(NULL, strstr(e.msg, "no flavour directories"));
	EXPECT_NE(0, e.next[0]);
}

TEST_HARNESS_MAIN
