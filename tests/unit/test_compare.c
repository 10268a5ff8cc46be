// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of iodirty-collect compare: the results.json reader
 * (compare_json.h), the diff's classes (compare.h) and the subcommand's
 * exit statuses. Links the runners/collect sources (not main.c).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* kselftest_harness.h itself has unused parameters. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "compare.h"
#include "compare_json.h"

/* ---- helpers ----------------------------------------------------------- */

/* One record as results.json writes it. */
#define REC(fl, prog, name, st, why)                                        \
	"{\"case\":\"" name "\",\"flavour\":\"" fl "\",\"program\":\"" prog \
	"\",\"reason\":\"" why "\",\"status\":\"" st "\",\"suite\":\"dirty\"}"

static int parse(const char *text, struct iod_cmp_recs *r, char *err)
{
	memset(r, 0, sizeof(*r));
	err[0] = 0;
	return iod_cmp_parse(text, strlen(text), r, err, 256);
}

/* Does parsing @text fail with an error containing @want? */
static int parse_fails_with(const char *text, const char *want)
{
	struct iod_cmp_recs r;
	char err[256];
	int rc = parse(text, &r, err);

	iod_cmp_recs_free(&r);
	if (!rc || !strstr(err, want)) {
		fprintf(stderr, "# '%s': rc %d, error '%s', wanted '%s'\n",
			text, rc, err, want);
		return 0;
	}
	return 1;
}

static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/iodirty-compare-XXXXXX");
	int fd = path ? mkstemp(path) : -1;

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	return path;
}

/* Run the subcommand on two texts; its stdout in *@out (may be NULL). */
static int run_cmd(const char *opt, const char *a, const char *b, char **out)
{
	char *pa = write_tmp(a), *pb = write_tmp(b);
	char *o = opt ? strdup(opt) : NULL;	/* --flavour A=B is cut at '=' */
	char *argv[] = { "compare", o, pa, pb, NULL };
	char *buf = NULL, *ebuf = NULL;
	size_t len, elen;
	FILE *f = open_memstream(&buf, &len);
	FILE *e = open_memstream(&ebuf, &elen);
	int rc;

	if (!f || !e)
		abort();
	rc = opt ? iod_compare_cmd(4, argv, f, e) :
		   (argv[1] = pa, argv[2] = pb, argv[3] = NULL,
		    iod_compare_cmd(3, argv, f, e));
	fclose(f);
	fclose(e);
	unlink(pa);
	unlink(pb);
	free(o);
	free(pa);
	free(pb);
	free(ebuf);
	if (out)
		*out = buf;
	else
		free(buf);
	return rc;
}

/* ---- the reader -------------------------------------------------------- */

TEST(reads_records)
{
	struct iod_cmp_recs r;
	char err[256];

	ASSERT_EQ(0, parse("[\n   {\n      \"case\" : \"h.a\",\n"
			   "      \"flavour\" : \"mock\",\n"
			   "      \"program\" : \"harvest\",\n"
			   "      \"reason\" : \"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\",\n"
			   "      \"status\" : \"fail\",\n"
			   "      \"suite\" : \"dirty\",\n"
			   "      \"seed\" : 17, \"extra\" : [1, {\"k\" : null}, true]\n"
			   "   },\n" REC("intel", "p", "c", "skip", "") "]\n",
			   &r, err)) TH_LOG("%s", err);
	ASSERT_EQ(2, r.n);
	EXPECT_STREQ("h.a", r.v[0].name);
	EXPECT_STREQ("mock", r.v[0].flavour);
	EXPECT_STREQ("harvest", r.v[0].program);
	EXPECT_STREQ("dirty", r.v[0].suite);
	EXPECT_STREQ("fail", r.v[0].status);
	EXPECT_STREQ("q\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80", r.v[0].reason);
	EXPECT_STREQ("skip", r.v[1].status);
	iod_cmp_recs_free(&r);

	ASSERT_EQ(0, parse(" [ ] ", &r, err));
	EXPECT_EQ(0, r.n);
	/* "reason" may be missing: empty. */
	ASSERT_EQ(0, parse("[{\"case\":\"c\",\"flavour\":\"f\",\"program\":\"p\","
			   "\"status\":\"pass\",\"suite\":\"s\"}]", &r, err));
	EXPECT_STREQ("", r.v[0].reason);
	iod_cmp_recs_free(&r);
}

TEST(refuses_malformed)
{
	EXPECT_TRUE(parse_fails_with("", "expected '['"));
	EXPECT_TRUE(parse_fails_with("{}", "expected '['"));
	EXPECT_TRUE(parse_fails_with("[", "found the end of the file"));
	EXPECT_TRUE(parse_fails_with("[" REC("m", "p", "c", "pass", ""),
				     "expected ',' or ']'"));
	EXPECT_TRUE(parse_fails_with("[" REC("m", "p", "c", "pass", "") ",]",
				     "expected '{'"));
	EXPECT_TRUE(parse_fails_with("[" REC("m", "p", "c", "pass", "") "] x",
				     "text after the closing ']'"));
	EXPECT_TRUE(parse_fails_with("[\n\n" REC("m", "p", "c", "passed", "") "]",
				     "line 3: record 1: unknown status \"passed\""));
	EXPECT_TRUE(parse_fails_with("[{\"case\":\"c\",\"flavour\":\"f\","
				     "\"program\":\"p\",\"status\":\"pass\"}]",
				     "record 1 has no \"suite\" string"));
	EXPECT_TRUE(parse_fails_with("[{\"case\":1,\"flavour\":\"f\","
				     "\"program\":\"p\",\"status\":\"pass\",\"suite\":\"s\"}]",
				     "record 1 has no \"case\" string"));
	EXPECT_TRUE(parse_fails_with("[{\"case\":\"a\",\"case\":\"b\"}]",
				     "has \"case\" twice"));
	EXPECT_TRUE(parse_fails_with("[{\"case\" \"a\"}]", "expected ':'"));
	EXPECT_TRUE(parse_fails_with("[{\"case\":\"a", "unterminated string"));
	EXPECT_TRUE(parse_fails_with("[{\"case\":\"a\\x\"}]", "unknown escape"));
	EXPECT_TRUE(parse_fails_with("[{\"case\":\"\\u12\"}]", "four hex digits"));
	EXPECT_TRUE(parse_fails_with("[{\"case\":\"\\ud800x\"}]", "high surrogate"));
	EXPECT_TRUE(parse_fails_with("[{\"case\":\"\\udc00\"}]", "lone low surrogate"));
	EXPECT_TRUE(parse_fails_with("[{\"case\":\"\\u0000\"}]", "\\u0000"));
	EXPECT_TRUE(parse_fails_with("[{\"case\":\"a\nb\"}]", "control character"));
	EXPECT_TRUE(parse_fails_with("[{\"x\":tru}]", "expected a value"));
	EXPECT_TRUE(parse_fails_with("[{\"x\":[1,]}]", "expected a value"));
	EXPECT_TRUE(parse_fails_with("[{\"x\":" "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
				     "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]",
				     "nested deeper"));
	EXPECT_TRUE(parse_fails_with("[{} ]", "record 1 has no \"flavour\""));
}

TEST(refuses_nul)
{
	static const char text[] = "[]\0";
	struct iod_cmp_recs r = { 0 };
	char err[256];

	EXPECT_EQ(-1, iod_cmp_parse(text, sizeof(text) - 1, &r, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "NUL"));
}

/* ---- the diff ---------------------------------------------------------- */

static const char run_a[] = "["
	REC("mock", "p", "pass_to_fail", "pass", "") ","
	REC("mock", "p", "skip_to_fail", "skip", "no device") ","
	REC("mock", "p", "xfail_to_fail", "xfail", "known") ","
	REC("mock", "p", "fail_to_pass", "fail", "bits missing") ","
	REC("mock", "p", "pass_to_skip", "pass", "") ","
	REC("mock", "p", "skip_to_pass", "skip", "was skipped") ","
	REC("mock", "p", "fail_to_xfail", "fail", "broken") ","
	REC("mock", "p", "gone", "pass", "was here") ","
	REC("mock", "p", "same_pass", "pass", "") ","
	REC("mock", "p", "same_fail", "fail", "still") ","
	REC("intel", "p", "pass_to_fail", "pass", "") "]";

static const char run_b[] = "["
	REC("mock", "p", "skip_to_pass", "pass", "") ","
	REC("mock", "p", "pass_to_fail", "fail", "wrong bit at 0x1000") ","
	REC("mock", "p", "skip_to_fail", "fail", "timeout") ","
	REC("mock", "p", "xfail_to_fail", "fail", "worse") ","
	REC("mock", "p", "fail_to_pass", "pass", "") ","
	REC("mock", "p", "pass_to_skip", "skip", "no engine") ","
	REC("mock", "p", "fail_to_xfail", "xfail", "known now") ","
	REC("mock", "p", "absent_to_fail", "fail", "new and failing") ","
	REC("mock", "p", "new", "pass", "") ","
	REC("mock", "p", "same_pass", "pass", "") ","
	REC("mock", "p", "same_fail", "fail", "still") ","
	REC("intel", "p", "pass_to_fail", "pass", "") "]";

/* The reasons each class prints are checked by text_lines. */
struct want {
	enum iod_cmp_class cls;
	const char *name;
};

TEST(every_class)
{
	static const struct want want[] = {
		{ IOD_CMP_NEW_FAILURE, "absent_to_fail" },
		{ IOD_CMP_NEW_FAILURE, "pass_to_fail" },
		{ IOD_CMP_NEW_FAILURE, "skip_to_fail" },
		{ IOD_CMP_NEW_FAILURE, "xfail_to_fail" },
		{ IOD_CMP_NEW_SKIP, "pass_to_skip" },
		{ IOD_CMP_DISAPPEARED, "gone" },
		{ IOD_CMP_FIX, "fail_to_pass" },
		{ IOD_CMP_OTHER, "fail_to_xfail" },
		{ IOD_CMP_OTHER, "skip_to_pass" },
		{ IOD_CMP_APPEARED, "new" },
	};
	struct iod_cmp_recs a, b;
	struct iod_cmp_diff d;
	char err[256];
	size_t i;

	ASSERT_EQ(0, parse(run_a, &a, err)) TH_LOG("%s", err);
	ASSERT_EQ(0, parse(run_b, &b, err)) TH_LOG("%s", err);
	ASSERT_EQ(0, iod_cmp_diff(&a, &b, NULL, 0, &d, err, sizeof(err)));
	ASSERT_EQ(sizeof(want) / sizeof(want[0]), d.n);
	for (i = 0; i < d.n; i++) {
		const struct iod_cmp_change *c = &d.v[i];
		const struct iod_cmp_rec *r = c->a ? c->a : c->b;

		EXPECT_EQ(want[i].cls, c->cls) TH_LOG("change %zu", i);
		EXPECT_STREQ(want[i].name, r->name);
		EXPECT_STREQ("mock", r->flavour);
	}
	EXPECT_EQ(4, d.count[IOD_CMP_NEW_FAILURE]);
	EXPECT_EQ(1, d.count[IOD_CMP_NEW_SKIP]);
	EXPECT_EQ(1, d.count[IOD_CMP_DISAPPEARED]);
	EXPECT_EQ(1, d.count[IOD_CMP_FIX]);
	EXPECT_EQ(2, d.count[IOD_CMP_OTHER]);
	EXPECT_EQ(1, d.count[IOD_CMP_APPEARED]);
	EXPECT_EQ(3, d.same);
	EXPECT_TRUE(iod_cmp_regressed(&d));
	iod_cmp_diff_free(&d);

	/* A run compared with itself: nothing. */
	ASSERT_EQ(0, iod_cmp_diff(&a, &a, NULL, 0, &d, err, sizeof(err)));
	EXPECT_EQ(0, d.n);
	EXPECT_EQ(a.n, d.same);
	EXPECT_FALSE(iod_cmp_regressed(&d));
	iod_cmp_diff_free(&d);
	iod_cmp_recs_free(&a);
	iod_cmp_recs_free(&b);
}

/* The reason printed is the one of the side that explains the change. */
TEST(text_lines)
{
	char *out;

	EXPECT_EQ(1, run_cmd(NULL, run_a, run_b, &out));
	EXPECT_NE(NULL, strstr(out, "\nnew failures (4):\n"
			       "  mock/dirty/p:absent_to_fail: absent -> fail: new and failing\n"
			       "  mock/dirty/p:pass_to_fail: pass -> fail: wrong bit at 0x1000\n"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\nnew skips (1):\n  mock/dirty/p:pass_to_skip: pass -> skip: no engine\n"));
	EXPECT_NE(NULL, strstr(out, "\ndisappeared (1):\n  mock/dirty/p:gone: pass -> absent: was here\n"));
	EXPECT_NE(NULL, strstr(out, "\nfixes (1):\n  mock/dirty/p:fail_to_pass: fail -> pass: bits missing\n"));
	EXPECT_NE(NULL, strstr(out, "\nother status changes (2):\n  mock/dirty/p:fail_to_xfail: fail -> xfail: known now\n"
			       "  mock/dirty/p:skip_to_pass: skip -> pass: was skipped\n"));
	EXPECT_NE(NULL, strstr(out, "\nappeared (1):\n  mock/dirty/p:new: absent -> pass\n"));
	EXPECT_NE(NULL, strstr(out, "\nREGRESSED: 4 new failures, 1 new skips, 1 disappeared; "
			       "1 fixes, 2 other changes, 1 appeared; 3 unchanged\n"));
	EXPECT_EQ(NULL, strstr(out, "same_"));
	free(out);
}

TEST(flavour_pairing)
{
	static const char a[] = "["
		REC("mock", "p", "c1", "pass", "") ","
		REC("mock", "p", "c2", "pass", "") ","
		REC("intel", "p", "c1", "fail", "not compared") "]";
	static const char b[] = "["
		REC("host", "p", "c1", "pass", "") ","
		REC("host", "p", "c2", "skip", "no device") ","
		REC("host", "p", "c3", "pass", "only in B") "]";
	char *out;

	/* Without a pairing every mock case disappeared, every host case appeared. */
	EXPECT_EQ(1, run_cmd(NULL, a, b, &out));
	EXPECT_NE(NULL, strstr(out, "3 disappeared; 0 fixes, 0 other changes, 3 appeared"))
		TH_LOG("%s", out);
	free(out);
	EXPECT_EQ(1, run_cmd("--flavour=mock=host", a, b, &out));
	EXPECT_NE(NULL, strstr(out, "  mock=host/dirty/p:c2: pass -> skip: no device\n"))
		TH_LOG("%s", out);
	/* A case on one side only is named by the pairing too. */
	EXPECT_NE(NULL, strstr(out, "  mock=host/dirty/p:c3: absent -> pass: only in B\n"));
	EXPECT_NE(NULL, strstr(out, "0 new failures, 1 new skips, 0 disappeared; "
			       "0 fixes, 0 other changes, 1 appeared; 1 unchanged"));
	free(out);
	EXPECT_EQ(1, run_cmd("--flavour=host=mock", b, a, &out));
	EXPECT_NE(NULL, strstr(out, "  host=mock/dirty/p:c3: pass -> absent: only in B\n"))
		TH_LOG("%s", out);
	free(out);
	/* A flavour a run does not have. */
	EXPECT_EQ(2, run_cmd("--flavour=amd=host", a, b, NULL));
	EXPECT_EQ(2, run_cmd("--flavour=mock=intel", a, b, NULL));
	EXPECT_EQ(2, run_cmd("--flavour=mock", a, b, NULL));
}

/* ---- exit statuses ----------------------------------------------------- */

TEST(exit_statuses)
{
	static const char pass[] = "[" REC("m", "p", "c", "pass", "") "]";
	static const char skip[] = "[" REC("m", "p", "c", "skip", "why") "]";
	static const char fail[] = "[" REC("m", "p", "c", "fail", "why") "]";
	static const char xfail[] = "[" REC("m", "p", "c", "xfail", "bug") "]";
	static const char other[] = "[" REC("m", "p", "d", "pass", "") "]";
	static const char dup[] = "[" REC("m", "p", "c", "pass", "") ","
		REC("m", "p", "c", "fail", "") "]";
	char *out;

	EXPECT_EQ(0, run_cmd(NULL, pass, pass, NULL));
	EXPECT_EQ(0, run_cmd(NULL, fail, pass, NULL));	/* a fix */
	EXPECT_EQ(0, run_cmd(NULL, skip, pass, NULL));	/* other */
	EXPECT_EQ(0, run_cmd(NULL, fail, xfail, NULL));	/* other */
	EXPECT_EQ(0, run_cmd(NULL, fail, fail, NULL));	/* no new failure */
	EXPECT_EQ(0, run_cmd(NULL, "[]", pass, NULL));	/* appeared */
	EXPECT_EQ(1, run_cmd(NULL, pass, fail, NULL));
	EXPECT_EQ(1, run_cmd(NULL, xfail, fail, NULL));
	EXPECT_EQ(1, run_cmd(NULL, "[]", fail, NULL));
	EXPECT_EQ(1, run_cmd(NULL, pass, skip, NULL));
	EXPECT_EQ(1, run_cmd(NULL, pass, "[]", NULL));	/* disappeared */
	EXPECT_EQ(1, run_cmd(NULL, pass, other, NULL));
	EXPECT_EQ(2, run_cmd(NULL, pass, "[", NULL));
	EXPECT_EQ(2, run_cmd(NULL, "", pass, NULL));
	EXPECT_EQ(2, run_cmd(NULL, dup, pass, NULL));
	EXPECT_EQ(2, run_cmd("--nope", pass, pass, NULL));

	EXPECT_EQ(1, run_cmd("--json", pass, fail, &out));
	EXPECT_NE(NULL, strstr(out, "\"regressed\" : true,"));
	EXPECT_NE(NULL, strstr(out, "\"new_failure\" : 1,"));
	EXPECT_NE(NULL, strstr(out, "\"class\" : \"new_failure\",\n"
			       "         \"flavour_a\" : \"m\",\n"
			       "         \"flavour_b\" : \"m\",\n"
			       "         \"suite\" : \"dirty\",\n"
			       "         \"program\" : \"p\",\n"
			       "         \"case\" : \"c\",\n"
			       "         \"status_a\" : \"pass\",\n"
			       "         \"status_b\" : \"fail\",\n"
			       "         \"reason\" : \"why\"\n"))
		TH_LOG("%s", out);
	free(out);
}

TEST(missing_file)
{
	char *argv[] = { "compare", "/nonexistent/run-a", "/nonexistent/run-b", NULL };
	char *buf = NULL, *ebuf = NULL;
	size_t len, elen;
	FILE *f = open_memstream(&buf, &len);
	FILE *e = open_memstream(&ebuf, &elen);

	ASSERT_EQ(2, iod_compare_cmd(3, argv, f, e));
	fclose(f);
	fclose(e);
	EXPECT_NE(NULL, strstr(ebuf, "cannot read /nonexistent/run-a: No such file"));
	EXPECT_NE(NULL, strstr(ebuf, "iodirty: next: "));
	free(buf);
	free(ebuf);
}

TEST_HARNESS_MAIN
