// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for the target profile loader (lib/profile.c).
 *
 * Runs without any IOMMU: it only parses files. The shipped profiles are found
 * under $IODIRTY_TOP/profiles (IODIRTY_TOP defaults to ".", the repo top).
 * Every other input is written to a fresh mkdtemp() directory that teardown
 * removes.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * The harness's generated wrappers (and its timeout handler) leave parameters
 * unused; that is the header's business, not this file's.
 */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"

#include "profile.h"

/* The ten required keys; a file made of these (plus a name) loads. */
#define REQUIRED_BODY                          \
	"description = a minimal profile\n"    \
	"device = mock\n"                      \
	"dma.engine = mock\n"                  \
	"hw_info.type = selftest\n"            \
	"cap.dirty_tracking = required\n"      \
	"alloc.plain = 0\n"                    \
	"alloc.dirty = ok\n"                   \
	"alloc.nest_parent = EOPNOTSUPP\n"     \
	"alloc.dirty_nest_parent = EINVAL\n"
/* Lines used by "name = X" plus REQUIRED_BODY; extra lines start after it. */
#define REQUIRED_LINES 10

static const char *top_dir(void)
{
	const char *top = getenv("IODIRTY_TOP");

	return top && *top ? top : ".";
}

static int write_bytes(const char *dir, const char *fname, const void *buf,
		       size_t len, char *path, size_t pathlen)
{
	FILE *f;
	size_t n;

	snprintf(path, pathlen, "%s/%s", dir, fname);
	f = fopen(path, "w");
	if (!f)
		return -1;
	n = fwrite(buf, 1, len, f);
	if (fclose(f) || n != len)
		return -1;
	return 0;
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

FIXTURE(prof) {
	char dir[1024];
	char path[PATH_MAX];
	char err[2048];
	char want[PATH_MAX + 256];
	struct iod_profile *p;
};

FIXTURE_SETUP(prof)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(self->dir, sizeof(self->dir), "%s/iodirty-profile.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	self->p = NULL;
	self->err[0] = '\0';
}

FIXTURE_TEARDOWN(prof)
{
	char path[PATH_MAX + 256];
	struct dirent *de;
	DIR *d;

	iod_profile_free(self->p);
	d = opendir(self->dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", self->dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(self->dir);
}

/*
 * Write FNAME.profile holding "name = FNAME", the required keys and @extra,
 * then load it. Returns the loader's return value.
 */
static int load_min(FIXTURE_DATA(prof) *self, const char *fname,
		    const char *extra)
{
	char text[8192], file[256];
	int n;

	n = snprintf(text, sizeof(text), "name = %s\n" REQUIRED_BODY "%s",
		     fname, extra);
	if (n < 0 || (size_t)n >= sizeof(text))
		return -2;
	snprintf(file, sizeof(file), "%s.profile", fname);
	if (write_bytes(self->dir, file, text, strlen(text), self->path,
			sizeof(self->path)))
		return -2;
	iod_profile_free(self->p);
	self->p = NULL;
	return iod_profile_load(self->path, &self->p, self->err,
				sizeof(self->err));
}

static int load_text(FIXTURE_DATA(prof) *self, const char *file,
		     const char *text, size_t len)
{
	if (write_bytes(self->dir, file, text, len, self->path,
			sizeof(self->path)))
		return -2;
	iod_profile_free(self->p);
	self->p = NULL;
	return iod_profile_load(self->path, &self->p, self->err,
				sizeof(self->err));
}

/* The "PATH:LINE: " prefix every line error starts with. */
static const char *at_line(FIXTURE_DATA(prof) *self, unsigned int line)
{
	snprintf(self->want, sizeof(self->want), "%s:%u: ", self->path, line);
	return self->want;
}

/* Expect load of the minimal profile plus @extra to fail at @line with @msg. */
#define EXPECT_LINE_ERROR(fname, extra, line, msg)                            \
	do {                                                                  \
		ASSERT_EQ(-1, load_min(self, fname, extra));                  \
		ASSERT_EQ(NULL, self->p);                                     \
		ASSERT_TRUE(starts_with(self->err, at_line(self, line))) {    \
			TH_LOG("error: %s", self->err);                       \
		}                                                             \
		ASSERT_NE(NULL, strstr(self->err, msg)) {                     \
			TH_LOG("error: %s", self->err);                       \
		}                                                             \
	} while (0)

/* ---------------------------------------------------------------------- */
/* shipped profiles */

TEST(shipped_profiles_all_load)
{
	static const char *const expected[] = {
		"mock", "lab-intel", "lab-amd", "lab-virtio",
		"intel-vtd", "amd-vi", "arm-smmuv3", "riscv",
	};
	bool found[ARRAY_SIZE(expected)] = { false };
	char dir[PATH_MAX], path[PATH_MAX + 256], err[2048];
	struct dirent *de;
	unsigned int loaded = 0;
	size_t i;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/profiles", top_dir());
	d = opendir(dir);
	ASSERT_NE(NULL, d) {
		TH_LOG("cannot open %s (set IODIRTY_TOP to the repo top)", dir);
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		struct iod_profile *p = NULL;

		if (len <= 8 || strcmp(de->d_name + len - 8, ".profile"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		EXPECT_EQ(0, iod_profile_load(path, &p, err, sizeof(err))) {
			TH_LOG("%s", err);
		}
		if (!p)
			continue;
		loaded++;
		for (i = 0; i < ARRAY_SIZE(expected); i++)
			if (!strcmp(iod_profile_str(p, "name"), expected[i]))
				found[i] = true;
		iod_profile_free(p);
	}
	closedir(d);
	EXPECT_LE(ARRAY_SIZE(expected), loaded);
	for (i = 0; i < ARRAY_SIZE(expected); i++)
		EXPECT_TRUE(found[i]) {
			TH_LOG("profiles/%s.profile missing or broken",
			       expected[i]);
		}
}

/* A few facts the suites depend on, read back through the getters. */
TEST(shipped_profiles_key_facts)
{
	char path[PATH_MAX], err[2048], commit[64];
	struct iod_profile *p = NULL;
	const char *bug, *reason;

	snprintf(path, sizeof(path), "%s/profiles/mock.profile", top_dir());
	ASSERT_EQ(0, iod_profile_load(path, &p, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	EXPECT_STREQ("mock", iod_profile_enum(p, "device"));
	EXPECT_STREQ("selftest", iod_profile_enum(p, "hw_info.type"));
	EXPECT_EQ(0, iod_profile_errno(p, "alloc.dirty_nest_parent"));
	EXPECT_EQ(EINVAL, iod_profile_errno(p, "attach.dirty_to_incapable"));
	EXPECT_EQ(2048ULL, iod_profile_uint(p, "iova.alignment", 0));
	iod_profile_free(p);
	p = NULL;

	snprintf(path, sizeof(path), "%s/profiles/lab-virtio.profile",
		 top_dir());
	ASSERT_EQ(0, iod_profile_load(path, &p, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	EXPECT_EQ(EOPNOTSUPP, iod_profile_errno(p, "alloc.dirty"));
	EXPECT_EQ(EOPNOTSUPP, iod_profile_errno(p, "alloc.nest_parent"));
	EXPECT_EQ(-1, iod_profile_errno(p, "attach.dirty"));
	bug = iod_profile_known_bug(p, "hwpt_alloc.keeps_ioas_aperture");
	ASSERT_NE(NULL, bug);
	reason = iod_known_bug_split(bug, commit, sizeof(commit));
	ASSERT_NE(NULL, reason);
	EXPECT_NE(NULL, strstr(reason, "aperture"));
	iod_profile_free(p);
	p = NULL;

	snprintf(path, sizeof(path), "%s/profiles/arm-smmuv3.profile",
		 top_dir());
	ASSERT_EQ(0, iod_profile_load(path, &p, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	EXPECT_STREQ("6.13", iod_profile_str(p, "kernel.min"));
	EXPECT_EQ(EOPNOTSUPP, iod_profile_errno(p, "alloc.dirty_nest_parent"));
	iod_profile_free(p);
}

/* ---------------------------------------------------------------------- */
/* good files */

TEST_F(prof, minimal_loads)
{
	ASSERT_EQ(0, load_min(self, "good", "")) {
		TH_LOG("%s", self->err);
	}
	ASSERT_NE(NULL, self->p);
	EXPECT_STREQ("", self->err);
	EXPECT_STREQ(self->path, iod_profile_path(self->p));
	EXPECT_STREQ("good", iod_profile_str(self->p, "name"));
	EXPECT_STREQ("a minimal profile",
		     iod_profile_str(self->p, "description"));
	EXPECT_STREQ("mock", iod_profile_enum(self->p, "device"));
	EXPECT_STREQ("mock", iod_profile_enum(self->p, "dma.engine"));
	EXPECT_STREQ("selftest", iod_profile_enum(self->p, "hw_info.type"));
	EXPECT_STREQ("required",
		     iod_profile_enum(self->p, "cap.dirty_tracking"));
	EXPECT_EQ(0, iod_profile_errno(self->p, "alloc.plain"));
	EXPECT_EQ(0, iod_profile_errno(self->p, "alloc.dirty"));
	EXPECT_EQ(EOPNOTSUPP, iod_profile_errno(self->p, "alloc.nest_parent"));
	EXPECT_EQ(EINVAL, iod_profile_errno(self->p, "alloc.dirty_nest_parent"));
	/* Optional keys left out read as unset. */
	EXPECT_EQ(-1, iod_profile_errno(self->p, "attach.dirty"));
	EXPECT_EQ(-1, iod_profile_errno(self->p, "attach.dirty_to_incapable"));
	EXPECT_EQ(4096ULL, iod_profile_uint(self->p, "iova.alignment", 4096));
	EXPECT_EQ(NULL, iod_profile_str(self->p, "kernel.min"));
	EXPECT_EQ(NULL, iod_profile_known_bug(self->p, "a.b"));
	/* Raw lookup of a key outside the schema is just "unset". */
	EXPECT_EQ(NULL, iod_profile_str(self->p, "no.such.key"));
}

TEST_F(prof, all_optional_keys)
{
	ASSERT_EQ(0, load_min(self, "full",
			      "attach.dirty_to_incapable = EINVAL\n"
			      "attach.dirty = 0\n"
			      "iova.alignment = 0x800\n"
			      "kernel.min = 6.12.117\n"
			      "known_bug.fix.var.test-1 = 0123456789ab: twelve hex digits\n"
			      "known_bug.dirty_tracking.get = 0123456789abcdef0123456789abcdef01234567: forty\n"
			      "known_bug.alloc_dma.hwpt_explicit = unfixed: no fix yet\n")) {
		TH_LOG("%s", self->err);
	}
	EXPECT_EQ(EINVAL, iod_profile_errno(self->p, "attach.dirty_to_incapable"));
	EXPECT_EQ(0, iod_profile_errno(self->p, "attach.dirty"));
	EXPECT_EQ(2048ULL, iod_profile_uint(self->p, "iova.alignment", 1));
	EXPECT_STREQ("0x800", iod_profile_str(self->p, "iova.alignment"));
	EXPECT_STREQ("6.12.117", iod_profile_str(self->p, "kernel.min"));
	EXPECT_STREQ("0123456789ab: twelve hex digits",
		     iod_profile_known_bug(self->p, "fix.var.test-1"));
	EXPECT_STREQ("unfixed: no fix yet",
		     iod_profile_known_bug(self->p, "alloc_dma.hwpt_explicit"));
	EXPECT_NE(NULL, iod_profile_known_bug(self->p, "dirty_tracking.get"));
	EXPECT_STREQ("unfixed: no fix yet",
		     iod_profile_str(self->p, "known_bug.alloc_dma.hwpt_explicit"));
	/* Lookups are exact: no prefix match, no case folding. */
	EXPECT_EQ(NULL, iod_profile_known_bug(self->p, "fix.var"));
	EXPECT_EQ(NULL, iod_profile_known_bug(self->p, "Fix.var.test-1"));
	EXPECT_EQ(NULL, iod_profile_known_bug(self->p, ""));
	EXPECT_EQ(NULL, iod_profile_known_bug(self->p, NULL));
}

TEST_F(prof, comments_and_whitespace)
{
	static const char text[] =
		"# leading comment\n"
		"\n"
		"   \t  \n"
		"    # indented comment\n"
		"name=spaces\n"
		"\tdescription   =   words, colons: and a#hash   # trailing\n"
		"device = vfio-pci\t# tab before the comment\n"
		"dma.engine = none\r\n"
		"hw_info.type =none\n"
		"cap.dirty_tracking= absent\n"
		"alloc.plain = 0 # ok\n"
		"alloc.dirty = EOPNOTSUPP\n"
		"alloc.nest_parent = EOPNOTSUPP\n"
		"alloc.dirty_nest_parent = EOPNOTSUPP\n"
		"known_bug.x.y = unfixed: value = has = signs: and colons\n"
		"iova.alignment = 4096"; /* no newline at end of file */

	ASSERT_EQ(0, load_text(self, "spaces.profile", text, strlen(text))) {
		TH_LOG("%s", self->err);
	}
	EXPECT_STREQ("spaces", iod_profile_str(self->p, "name"));
	EXPECT_STREQ("words, colons: and a#hash",
		     iod_profile_str(self->p, "description"));
	EXPECT_STREQ("vfio-pci", iod_profile_enum(self->p, "device"));
	EXPECT_STREQ("none", iod_profile_enum(self->p, "dma.engine"));
	EXPECT_STREQ("none", iod_profile_enum(self->p, "hw_info.type"));
	EXPECT_STREQ("absent", iod_profile_enum(self->p, "cap.dirty_tracking"));
	EXPECT_EQ(0, iod_profile_errno(self->p, "alloc.plain"));
	EXPECT_STREQ("unfixed: value = has = signs: and colons",
		     iod_profile_known_bug(self->p, "x.y"));
	EXPECT_EQ(4096ULL, iod_profile_uint(self->p, "iova.alignment", 0));
}

TEST_F(prof, utf8_and_bom)
{
	/* BOM on line 1, non-ASCII text in a value. */
	static const char text[] =
		"\xef\xbb\xbfname = utf8\n"
		"description = caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x90\xa7\n"
		"device = mock\n"
		"dma.engine = mock\n"
		"hw_info.type = selftest\n"
		"cap.dirty_tracking = required\n"
		"alloc.plain = 0\n"
		"alloc.dirty = 0\n"
		"alloc.nest_parent = 0\n"
		"alloc.dirty_nest_parent = 0\n";

	ASSERT_EQ(0, load_text(self, "utf8.profile", text, strlen(text))) {
		TH_LOG("%s", self->err);
	}
	EXPECT_STREQ("caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x90\xa7",
		     iod_profile_str(self->p, "description"));
}

TEST_F(prof, line_numbers_count_comments_and_blanks)
{
	static const char text[] =
		"# one\n"
		"\n"
		"name = lines\n"
		"   # four\n"
		"bogus line\n";

	ASSERT_EQ(-1, load_text(self, "lines.profile", text, strlen(text)));
	ASSERT_TRUE(starts_with(self->err, at_line(self, 5)));
	EXPECT_NE(NULL, strstr(self->err, "got 'bogus line'"));
}

/* ---------------------------------------------------------------------- */
/* rejections, each with the exact FILE:LINE */

TEST_F(prof, reject_missing_file)
{
	snprintf(self->path, sizeof(self->path), "%s/absent.profile",
		 self->dir);
	self->p = (struct iod_profile *)&self->p; /* must be reset to NULL */
	ASSERT_EQ(-1, iod_profile_load(self->path, &self->p, self->err,
				       sizeof(self->err)));
	ASSERT_EQ(NULL, self->p);
	snprintf(self->want, sizeof(self->want),
		 "%s: cannot open: No such file or directory", self->path);
	EXPECT_STREQ(self->want, self->err);
}

TEST_F(prof, reject_directory)
{
	ASSERT_EQ(-1, iod_profile_load(self->dir, &self->p, self->err,
				       sizeof(self->err)));
	snprintf(self->want, sizeof(self->want), "%s: ", self->dir);
	EXPECT_TRUE(starts_with(self->err, self->want));
}

TEST_F(prof, reject_no_equals)
{
	EXPECT_LINE_ERROR("noeq", "just some words\n", REQUIRED_LINES + 1,
			  "expected 'key = value', got 'just some words'");
}

TEST_F(prof, reject_missing_key)
{
	EXPECT_LINE_ERROR("nokey", "  = value\n", REQUIRED_LINES + 1,
			  "missing key before '='");
}

TEST_F(prof, reject_unknown_key)
{
	EXPECT_LINE_ERROR("unknown", "alloc.dirtyy = 0\n", REQUIRED_LINES + 1,
			  "unknown key 'alloc.dirtyy'");
	/* Keys are case-sensitive. */
	EXPECT_LINE_ERROR("unknown", "Alloc.dirty = 0\n", REQUIRED_LINES + 1,
			  "unknown key 'Alloc.dirty'");
	/* The prefix alone is not a key. */
	EXPECT_LINE_ERROR("unknown", "known_bug = unfixed: x\n",
			  REQUIRED_LINES + 1, "unknown key 'known_bug'");
}

TEST_F(prof, reject_bad_enum_required)
{
	static const char text[] =
		"name = enum2\n"
		"description = x\n"
		"device = pci\n";

	ASSERT_EQ(-1, load_text(self, "enum2.profile", text, strlen(text)));
	ASSERT_TRUE(starts_with(self->err, at_line(self, 3)));
	EXPECT_NE(NULL, strstr(self->err,
			       "bad value 'pci' for 'device' (allowed: mock, vfio-pci)"));
}

TEST_F(prof, reject_bad_errno)
{
	EXPECT_LINE_ERROR("errno", "attach.dirty = EWHATEVER\n",
			  REQUIRED_LINES + 1,
			  "bad errno 'EWHATEVER' for 'attach.dirty': "
			  "expected 0, ok or an errno name (EINVAL EOPNOTSUPP");
	/* Names are exact: no lower case. */
	EXPECT_LINE_ERROR("errno", "attach.dirty = einval\n",
			  REQUIRED_LINES + 1, "bad errno 'einval'");
	EXPECT_LINE_ERROR("errno", "attach.dirty = OK\n", REQUIRED_LINES + 1,
			  "bad errno 'OK'");
}

TEST_F(prof, reject_numeric_errno)
{
	EXPECT_LINE_ERROR("num", "attach.dirty = 22\n", REQUIRED_LINES + 1,
			  "numeric errno '22' for 'attach.dirty' is not allowed: write 0, ok or an errno name (EINVAL");
	EXPECT_LINE_ERROR("num", "attach.dirty = -95\n", REQUIRED_LINES + 1,
			  "numeric errno '-95'");
	EXPECT_LINE_ERROR("num", "attach.dirty = 00\n", REQUIRED_LINES + 1,
			  "numeric errno '00'");
}

TEST_F(prof, reject_duplicate)
{
	EXPECT_LINE_ERROR("dup", "device = vfio-pci\n", REQUIRED_LINES + 1,
			  "duplicate key 'device' (first set at line 3)");
	EXPECT_LINE_ERROR("dup",
			  "known_bug.a.b = unfixed: one\n"
			  "known_bug.a.b = unfixed: two\n",
			  REQUIRED_LINES + 2,
			  "duplicate key 'known_bug.a.b' (first set at line 11)");
	/* Same value twice is still a duplicate. */
	EXPECT_LINE_ERROR("dup", "alloc.plain = 0\n", REQUIRED_LINES + 1,
			  "duplicate key 'alloc.plain' (first set at line 7)");
}

TEST_F(prof, reject_missing_required)
{
	static const char text[] =
		"name = missing\n"
		"description = x\n"
		"device = mock\n"
		"dma.engine = mock\n"
		"hw_info.type = selftest\n"
		"cap.dirty_tracking = required\n"
		"alloc.plain = 0\n"
		"alloc.nest_parent = 0\n"
		"alloc.dirty_nest_parent = 0\n";

	ASSERT_EQ(-1, load_text(self, "missing.profile", text, strlen(text)));
	ASSERT_EQ(NULL, self->p);
	snprintf(self->want, sizeof(self->want),
		 "%s: missing required key 'alloc.dirty'", self->path);
	EXPECT_STREQ(self->want, self->err);
}

TEST_F(prof, reject_empty_file)
{
	ASSERT_EQ(-1, load_text(self, "empty.profile", "", 0));
	snprintf(self->want, sizeof(self->want),
		 "%s: missing required key 'name'", self->path);
	EXPECT_STREQ(self->want, self->err);
}

TEST_F(prof, reject_name_mismatch)
{
	static const char text[] = "name = other\n" REQUIRED_BODY;

	ASSERT_EQ(-1, load_text(self, "this.profile", text, strlen(text)));
	ASSERT_TRUE(starts_with(self->err, at_line(self, 1)));
	EXPECT_NE(NULL, strstr(self->err,
			       "name 'other' does not match the file name 'this'"));

	/* The name may not carry the extension either. */
	ASSERT_EQ(-1, load_text(self, "that.profile",
				"name = that.profile\n" REQUIRED_BODY,
				strlen("name = that.profile\n" REQUIRED_BODY)));
	ASSERT_TRUE(starts_with(self->err, at_line(self, 1)));
}

TEST_F(prof, reject_empty_value)
{
	EXPECT_LINE_ERROR("emptyval", "kernel.min =\n", REQUIRED_LINES + 1,
			  "empty value for 'kernel.min'");
	/* A value that is only a comment is empty too. */
	EXPECT_LINE_ERROR("emptyval", "kernel.min = # 6.7\n",
			  REQUIRED_LINES + 1, "empty value for 'kernel.min'");
}

TEST_F(prof, reject_bad_known_bug)
{
	/* 11 hex digits: too short. */
	EXPECT_LINE_ERROR("kb", "known_bug.a.b = 0123456789a: reason\n",
			  REQUIRED_LINES + 1,
			  "bad value '0123456789a: reason' for 'known_bug.a.b': expected '<commit>: <reason>'");
	/* 41 hex digits: too long. */
	EXPECT_LINE_ERROR("kb",
			  "known_bug.a.b = 0123456789abcdef0123456789abcdef012345678: r\n",
			  REQUIRED_LINES + 1, "bad value");
	/* Upper-case hex. */
	EXPECT_LINE_ERROR("kb", "known_bug.a.b = 0123456789AB: reason\n",
			  REQUIRED_LINES + 1, "bad value");
	/* Not hex at all. */
	EXPECT_LINE_ERROR("kb", "known_bug.a.b = fixed-in-6.9: reason\n",
			  REQUIRED_LINES + 1, "bad value");
	/* No colon. */
	EXPECT_LINE_ERROR("kb", "known_bug.a.b = unfixed\n",
			  REQUIRED_LINES + 1, "bad value 'unfixed'");
	/* Empty reason. */
	EXPECT_LINE_ERROR("kb", "known_bug.a.b = 0123456789ab:   \n",
			  REQUIRED_LINES + 1, "bad value");
	EXPECT_LINE_ERROR("kb", "known_bug.a.b = unfixed:\n",
			  REQUIRED_LINES + 1, "bad value");
	/* Space before the colon is not part of a commit id. */
	EXPECT_LINE_ERROR("kb", "known_bug.a.b = unfixed : r\n",
			  REQUIRED_LINES + 1, "bad value");
}

TEST_F(prof, reject_bad_case_id)
{
	EXPECT_LINE_ERROR("caseid", "known_bug.Fixture.test = unfixed: r\n",
			  REQUIRED_LINES + 1,
			  "bad case id in key 'known_bug.Fixture.test'");
	EXPECT_LINE_ERROR("caseid", "known_bug. = unfixed: r\n",
			  REQUIRED_LINES + 1, "bad case id in key 'known_bug.'");
	EXPECT_LINE_ERROR("caseid", "known_bug.a/b = unfixed: r\n",
			  REQUIRED_LINES + 1, "bad case id");
}

TEST_F(prof, reject_alignment)
{
	EXPECT_LINE_ERROR("align", "iova.alignment = 3000\n",
			  REQUIRED_LINES + 1,
			  "'3000' for 'iova.alignment' is not a power of two");
	EXPECT_LINE_ERROR("align", "iova.alignment = 0\n", REQUIRED_LINES + 1,
			  "not a power of two");
	EXPECT_LINE_ERROR("align", "iova.alignment = 0x3\n",
			  REQUIRED_LINES + 1, "not a power of two");
}

TEST_F(prof, reject_bad_uint)
{
	static const char *const bad[] = {
		"-4096", "+4096", "4k", "0x", "0x10g", "4 096",
		"99999999999999999999999", "0x10000000000000000", "1e3",
	};
	char line[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(line, sizeof(line), "iova.alignment = %s\n", bad[i]);
		EXPECT_LINE_ERROR("uint", line, REQUIRED_LINES + 1,
				  "bad unsigned integer");
	}
	/* Largest power of two that fits, in decimal and in hex. */
	ASSERT_EQ(0, load_min(self, "uint",
			      "iova.alignment = 9223372036854775808\n"));
	EXPECT_EQ(1ULL << 63, iod_profile_uint(self->p, "iova.alignment", 0));
	ASSERT_EQ(0, load_min(self, "uint", "iova.alignment = 0X1000\n"));
	EXPECT_EQ(4096ULL, iod_profile_uint(self->p, "iova.alignment", 0));
}

TEST_F(prof, reject_bad_version)
{
	EXPECT_LINE_ERROR("ver", "kernel.min = 6\n", REQUIRED_LINES + 1,
			  "bad version '6' for 'kernel.min'");
	EXPECT_LINE_ERROR("ver", "kernel.min = v6.7\n", REQUIRED_LINES + 1,
			  "bad version");
	EXPECT_LINE_ERROR("ver", "kernel.min = 6.7-rc1\n", REQUIRED_LINES + 1,
			  "bad version");
	EXPECT_LINE_ERROR("ver", "kernel.min = 6.1.2.3\n", REQUIRED_LINES + 1,
			  "bad version");
	EXPECT_LINE_ERROR("ver", "kernel.min = 6..7\n", REQUIRED_LINES + 1,
			  "bad version");
}

TEST_F(prof, reject_invalid_utf8)
{
	static const char text[] =
		"name = badutf\n"
		"description = \xc3\x28 broken\n";

	ASSERT_EQ(-1, load_text(self, "badutf.profile", text, strlen(text)));
	ASSERT_TRUE(starts_with(self->err, at_line(self, 2)));
	EXPECT_NE(NULL, strstr(self->err, "invalid UTF-8"));

	/* Overlong encoding of '/'. */
	ASSERT_EQ(-1, load_text(self, "badutf.profile",
				"name = badutf\ndescription = \xc0\xaf\n",
				strlen("name = badutf\ndescription = \xc0\xaf\n")));
	ASSERT_TRUE(starts_with(self->err, at_line(self, 2)));
	/* Truncated sequence at the very end of the file. */
	ASSERT_EQ(-1, load_text(self, "badutf.profile",
				"name = badutf\ndescription = \xe2\x80",
				strlen("name = badutf\ndescription = \xe2\x80")));
	ASSERT_TRUE(starts_with(self->err, at_line(self, 2)));
}

TEST_F(prof, reject_nul_byte)
{
	static const char text[] = "name = nul\ndescr\0iption = x\n";

	ASSERT_EQ(-1, load_text(self, "nul.profile", text, sizeof(text) - 1));
	ASSERT_TRUE(starts_with(self->err, at_line(self, 2)));
	EXPECT_NE(NULL, strstr(self->err, "NUL byte"));
}

TEST_F(prof, first_error_wins)
{
	/* Line 2 is bad; the missing keys are never reported. */
	static const char text[] = "name = first\nwhat\n";

	ASSERT_EQ(-1, load_text(self, "first.profile", text, strlen(text)));
	ASSERT_TRUE(starts_with(self->err, at_line(self, 2)));
}

TEST_F(prof, small_and_null_error_buffers)
{
	char tiny[8];

	ASSERT_EQ(0, load_min(self, "buf", "")); /* writes the file */
	iod_profile_free(self->p);
	self->p = NULL;
	ASSERT_EQ(-1, load_min(self, "buf", "bogus\n"));
	/* Truncated but terminated. */
	memset(tiny, 'x', sizeof(tiny));
	ASSERT_EQ(-1, iod_profile_load(self->path, &self->p, tiny,
				       sizeof(tiny)));
	EXPECT_EQ('\0', tiny[sizeof(tiny) - 1]);
	EXPECT_EQ(0, strncmp(tiny, self->path, sizeof(tiny) - 1));
	/* No buffer at all. */
	ASSERT_EQ(-1, iod_profile_load(self->path, &self->p, NULL, 0));
	ASSERT_EQ(NULL, self->p);
}

/* ---------------------------------------------------------------------- */
/* helpers */

TEST(errno_names)
{
	static const char *const names[] = {
		"EINVAL", "EOPNOTSUPP", "ENOENT", "E2BIG", "EOVERFLOW",
		"EBUSY", "ENODEV", "EPERM", "EFAULT", "ENOMEM", "ENOSPC",
		"ENOTTY", "EEXIST", "EACCES", "ENXIO", "EIO",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		int e = iod_errno_from_name(names[i]);

		EXPECT_LT(0, e);
		EXPECT_STREQ(names[i], iod_errno_name(e));
	}
	EXPECT_EQ(EINVAL, iod_errno_from_name("EINVAL"));
	EXPECT_EQ(EOPNOTSUPP, iod_errno_from_name("EOPNOTSUPP"));
	EXPECT_EQ(ENOSPC, iod_errno_from_name("ENOSPC"));
	EXPECT_EQ(0, iod_errno_from_name("0"));
	EXPECT_EQ(0, iod_errno_from_name("ok"));
	EXPECT_EQ(-1, iod_errno_from_name("22"));
	EXPECT_EQ(-1, iod_errno_from_name("EAGAIN"));
	EXPECT_EQ(-1, iod_errno_from_name(""));
	EXPECT_EQ(-1, iod_errno_from_name(NULL));
	EXPECT_STREQ("0", iod_errno_name(0));
	EXPECT_STREQ("EINVAL", iod_errno_name(EINVAL));
	EXPECT_STREQ("E?", iod_errno_name(EAGAIN));
	EXPECT_STREQ("E?", iod_errno_name(-EINVAL));
	EXPECT_STREQ("E?", iod_errno_name(100000));
}

TEST(known_bug_split)
{
	char commit[41];
	const char *r;

	r = iod_known_bug_split("0123456789ab: the reason", commit,
				sizeof(commit));
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("the reason", r);
	EXPECT_STREQ("0123456789ab", commit);
	r = iod_known_bug_split("unfixed: x: y", commit, sizeof(commit));
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("x: y", r);
	EXPECT_STREQ("unfixed", commit);
	/* A short buffer truncates the id but keeps it terminated. */
	r = iod_known_bug_split("0123456789ab: r", commit, 5);
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("0123", commit);
	EXPECT_NE(NULL, iod_known_bug_split("unfixed: x", NULL, 0));
	EXPECT_EQ(NULL, iod_known_bug_split("unfixed", commit, sizeof(commit)));
	EXPECT_EQ(NULL, iod_known_bug_split(NULL, commit, sizeof(commit)));
}

TEST(schema_dump)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_NE(NULL, f);
	iod_profile_schema_dump(f);
	ASSERT_EQ(0, fclose(f));
	EXPECT_NE(NULL, strstr(buf, "alloc.dirty\terrno\trequired\t"));
	EXPECT_NE(NULL, strstr(buf, "device\tenum\trequired\t{mock, vfio-pci}"));
	EXPECT_NE(NULL, strstr(buf, "iova.alignment\tuint\toptional\t"));
	EXPECT_NE(NULL, strstr(buf, "known_bug.<case-id>\tknown_bug\toptional\t"));
	free(buf);
}

/* Getters validate the key even without a profile. */
TEST(getters_without_profile)
{
	EXPECT_EQ(-1, iod_profile_errno(NULL, "alloc.dirty"));
	EXPECT_EQ(NULL, iod_profile_enum(NULL, "device"));
	EXPECT_EQ(7ULL, iod_profile_uint(NULL, "iova.alignment", 7));
	EXPECT_EQ(NULL, iod_profile_str(NULL, "name"));
	EXPECT_EQ(NULL, iod_profile_known_bug(NULL, "a.b"));
	EXPECT_EQ(NULL, iod_profile_path(NULL));
	iod_profile_free(NULL);
}

/* ---------------------------------------------------------------------- */
/* a typo in a test must abort, not read as "unset" */

/*
 * The 6.12 harness reports any SIGABRT as a failed assertion, even under
 * TEST_SIGNAL(), so each call runs in a forked child whose stderr is captured.
 */
static struct iod_profile *abort_prof;

static void call_errno(const char *key)
{
	iod_profile_errno(abort_prof, key);
}

static void call_enum(const char *key)
{
	iod_profile_enum(abort_prof, key);
}

static void call_uint(const char *key)
{
	iod_profile_uint(abort_prof, key, 0);
}

/* Run fn(key) in a child; returns its wait status, stderr in @msg. */
static int run_child(void (*fn)(const char *), const char *key, char *msg,
		     size_t msglen)
{
	size_t off = 0;
	int fds[2], status = -1;
	ssize_t n;
	pid_t pid;

	msg[0] = '\0';
	if (pipe(fds))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		fn(key);
		_exit(0);
	}
	close(fds[1]);
	while (off + 1 < msglen &&
	       (n = read(fds[0], msg + off, msglen - 1 - off)) > 0)
		off += n;
	msg[off] = '\0';
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

TEST(getters_abort_on_schema_mismatch)
{
	static const struct {
		void (*fn)(const char *key);
		const char *key;
		const char *msg;
	} cases[] = {
		/* errno getter on a key of another type */
		{ call_errno, "device", "iod_profile_errno: 'device' is not an errno key" },
		{ call_errno, "iova.alignment", "'iova.alignment' is not an errno key" },
		{ call_errno, "known_bug.alloc_dma.hwpt_explicit", "is not an errno key" },
		/* errno getter on a typo */
		{ call_errno, "alloc.dirtyy", "'alloc.dirtyy' is not an errno key" },
		{ call_errno, "Alloc.dirty", "'Alloc.dirty' is not an errno key" },
		{ call_errno, NULL, "'(null)'" },
		{ call_enum, "alloc.plain", "iod_profile_enum: 'alloc.plain' is not an enum key" },
		{ call_enum, "name", "'name' is not an enum key" },
		{ call_uint, "kernel.min", "iod_profile_uint: 'kernel.min' is not a uint key" },
	};
	char path[PATH_MAX], err[2048], msg[1024];
	size_t i;
	int st;

	snprintf(path, sizeof(path), "%s/profiles/mock.profile", top_dir());
	ASSERT_EQ(0, iod_profile_load(path, &abort_prof, err, sizeof(err))) {
		TH_LOG("%s", err);
	}

	/* The same mechanism with valid keys: the child returns normally. */
	st = run_child(call_errno, "alloc.dirty", msg, sizeof(msg));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = run_child(call_enum, "device", msg, sizeof(msg));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = run_child(call_uint, "iova.alignment", msg, sizeof(msg));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		st = run_child(cases[i].fn, cases[i].key, msg, sizeof(msg));
		EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT) {
			TH_LOG("key %s: wait status 0x%x", cases[i].key, st);
		}
		EXPECT_NE(NULL, strstr(msg, cases[i].msg)) {
			TH_LOG("key %s: stderr was: %s", cases[i].key, msg);
		}
	}
	iod_profile_free(abort_prof);
	abort_prof = NULL;
}

TEST_HARNESS_MAIN
