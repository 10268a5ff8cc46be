// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for the target profile library (lib/profile/): loading,
 * validation, kernel release ranges, the getters and the schema dump.
 *
 * Runs without any IOMMU: it only parses files, and resolves kernel release
 * ranges for releases it names. The shipped profiles are found
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
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * The harness's generated wrappers (and its timeout handler) leave parameters
 * unused; that is the header's business, not this file's.
 */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"

#include "profile/profile.h"

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

/* Load self->path again, resolved for kernel @release (NULL: running). */
static int reload_for(FIXTURE_DATA(prof) *self, const char *release)
{
	iod_profile_free(self->p);
	self->p = NULL;
	return iod_profile_load_for(self->path, release, &self->p, self->err,
				    sizeof(self->err));
}

/* load_min(), then resolve the same file for kernel @release. */
static int load_min_for(FIXTURE_DATA(prof) *self, const char *fname,
			const char *extra, const char *release)
{
	int rc = load_min(self, fname, extra);

	if (rc == -2)
		return rc;
	return reload_for(self, release);
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

TEST_F(prof, detect_keys)
{
	ASSERT_EQ(0, load_min(self, "det", "detect.iommu = smmuv3\n"
					   "detect.dirty = yes\n"
					   "detect.machine = qemu\n")) {
		TH_LOG("%s", self->err);
	}
	EXPECT_STREQ("smmuv3", iod_profile_enum(self->p, "detect.iommu"));
	EXPECT_TRUE(iod_profile_enum_is(self->p, "detect.dirty", "yes"));
	EXPECT_STREQ("qemu", iod_profile_enum(self->p, "detect.machine"));
	ASSERT_EQ(-1, load_min(self, "det2", "detect.iommu = arm\n"));
	EXPECT_NE(NULL, strstr(self->err,
			       "bad value 'arm' for 'detect.iommu' (allowed: intel, amd, smmuv3, riscv, virtio, mock)"))
		TH_LOG("%s", self->err);
	ASSERT_EQ(-1, load_min(self, "det3", "detect.dirty = maybe\n"));
	EXPECT_NE(NULL, strstr(self->err, "(allowed: yes, no)"));
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

TEST_F(prof, extra_engines_are_engine_names)
{
	ASSERT_EQ(0, load_min(self, "extra",
			      "dma.extra_engines = nvme  edu-poll\n"));
	EXPECT_STREQ("nvme  edu-poll",
		     iod_profile_str(self->p, "dma.extra_engines"));
	EXPECT_LINE_ERROR("extra", "dma.extra_engines = nvme dsa\n",
			  REQUIRED_LINES + 1,
			  "'dsa' in 'dma.extra_engines' is not an engine");
	EXPECT_LINE_ERROR("extra", "dma.extra_engines = mock\n",
			  REQUIRED_LINES + 1, "is not an engine");
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

/* dirty.leaf and iova.alignment are both the base page: they must agree. */
TEST_F(prof, base_page_keys_agree)
{
	EXPECT_LINE_ERROR("base", "iova.alignment = 4096\ndirty.leaf = 2048\n",
			  REQUIRED_LINES + 2,
			  "dirty.leaf = 2048 but iova.alignment = 4096 (line 11): both are the IOMMU's base page");
	ASSERT_EQ(0, load_min(self, "base",
			      "iova.alignment = 16384\ndirty.leaf = 16384\n"));
	EXPECT_EQ(16384ULL, iod_profile_uint(self->p, "dirty.leaf", 0));
	ASSERT_EQ(0, load_min(self, "base", "dirty.leaf = 65536\n"));
	EXPECT_EQ(65536ULL, iod_profile_uint(self->p, "dirty.leaf", 0));
}

/* dirty.new_mapping: clean or dirty, nothing else. */
TEST_F(prof, new_mapping_rule)
{
	ASSERT_EQ(0, load_min(self, "newmap", "dirty.new_mapping = dirty\n"));
	EXPECT_TRUE(iod_profile_enum_is(self->p, "dirty.new_mapping", "dirty"));
	ASSERT_EQ(0, load_min(self, "newmap", "dirty.new_mapping = clean\n"));
	EXPECT_TRUE(iod_profile_enum_is(self->p, "dirty.new_mapping", "clean"));
	EXPECT_LINE_ERROR("newmap", "dirty.new_mapping = sometimes\n",
			  REQUIRED_LINES + 1, "sometimes");
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
	/* The values of an outcome key with the errno each stands for. */
	EXPECT_NE(NULL, strstr(buf, "dirty.unpinnable_bitmap\tenum\toptional\t{dropped: 0, enomem: ENOMEM, efault: EFAULT}\t"));
	EXPECT_NE(NULL, strstr(buf, "dirty.set_reserved\tenum\toptional\t{ignored: 0, rejected: EOPNOTSUPP}\t"));
	EXPECT_NE(NULL, strstr(buf, "dirty.hole\tenum\toptional\t{stops, skips}\t"));
	EXPECT_NE(NULL, strstr(buf, "dirty.failed_harvest\tenum\toptional\t{keeps, clears}\t"));
	EXPECT_NE(NULL, strstr(buf, "dirty.failed_set_tracking\tenum\toptional\t{keeps, clears}\t"));
	EXPECT_NE(NULL, strstr(buf, "dirty.reenable_clears\tenum\toptional\t{all, kept}\t"));
	EXPECT_NE(NULL, strstr(buf, "dirty.inflight_area\tenum\toptional\t{stops, skips}\t"));
	EXPECT_NE(NULL, strstr(buf, "nested.invalidate_non_nested\tenum\toptional\t{enoent: ENOENT, einval: EINVAL, absent: ENOTTY}\t"));
	EXPECT_NE(NULL, strstr(buf, "nested.invalidate_entry_caps\tenum\toptional\t{rejected: EINVAL, unbounded: 0}\t"));
	EXPECT_NE(NULL, strstr(buf, "nested.attach_incapable_via_child\tenum\toptional\t{refused, accepted, none}\t"));
	EXPECT_NE(NULL, strstr(buf, "nested.viommu\tenum\toptional\t{absent: ENOTTY, present: 0}\t"));
	EXPECT_NE(NULL, strstr(buf, "nested.dirty_parent\tenum\toptional\t{accepted: 0, stage2_only: EOPNOTSUPP, no_nesting: EOPNOTSUPP}\t"));
	EXPECT_NE(NULL, strstr(buf, "nested.vtd_s1.addr_width\tenum\toptional\t{accepted, attach, alloc}\t"));
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

static void call_errno(const char *key, const char *value)
{
	(void)value;
	iod_profile_errno(abort_prof, key);
}

static void call_enum(const char *key, const char *value)
{
	(void)value;
	iod_profile_enum(abort_prof, key);
}

static void call_uint(const char *key, const char *value)
{
	(void)value;
	iod_profile_uint(abort_prof, key, 0);
}

static void call_enum_is(const char *key, const char *value)
{
	iod_profile_enum_is(abort_prof, key, value);
}

static void call_enum_errno(const char *key, const char *value)
{
	(void)value;
	iod_profile_enum_errno(abort_prof, key);
}

/* Run fn(key, value) in a child; returns its wait status, stderr in @msg. */
static int run_child(void (*fn)(const char *, const char *), const char *key,
		     const char *value, char *msg, size_t msglen)
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
		fn(key, value);
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
		void (*fn)(const char *key, const char *value);
		const char *key, *value;
		const char *msg;
	} cases[] = {
		/* errno getter on a key of another type */
		{ call_errno, "device", NULL, "iod_profile_errno: 'device' is not an errno key" },
		{ call_errno, "iova.alignment", NULL, "'iova.alignment' is not an errno key" },
		{ call_errno, "known_bug.alloc_dma.hwpt_explicit", NULL, "is not an errno key" },
		/* errno getter on a typo */
		{ call_errno, "alloc.dirtyy", NULL, "'alloc.dirtyy' is not an errno key" },
		{ call_errno, "Alloc.dirty", NULL, "'Alloc.dirty' is not an errno key" },
		{ call_errno, NULL, NULL, "'(null)'" },
		{ call_enum, "alloc.plain", NULL, "iod_profile_enum: 'alloc.plain' is not an enum key" },
		{ call_enum, "name", NULL, "'name' is not an enum key" },
		{ call_uint, "kernel.min", NULL, "iod_profile_uint: 'kernel.min' is not a uint key" },
		/* a rule: a key that is no enum, a value the key does not have */
		{ call_enum_is, "alloc.dirty", "ok", "iod_profile_enum_is: 'alloc.dirty' is not an enum key" },
		{ call_enum_is, "dirty.holes", "stops", "'dirty.holes' is not an enum key" },
		{ call_enum_is, "dirty.hole", "stop", "iod_profile_enum_is: 'stop' is not a value of dirty.hole" },
		{ call_enum_is, "dirty.hole", "Stops", "'Stops' is not a value of dirty.hole" },
		{ call_enum_is, "dirty.hole", NULL, "'(null)' is not a value of dirty.hole" },
		{ call_enum_is, "device", "dropped", "'dropped' is not a value of device" },
		/* the errno of a rule whose values are no outcomes */
		{ call_enum_errno, "alloc.dirty", NULL, "iod_profile_enum_errno: 'alloc.dirty' is not an enum key" },
		{ call_enum_errno, "device", NULL, "iod_profile_enum_errno: the values of device name no errno" },
		{ call_enum_errno, "dirty.hole", NULL, "the values of dirty.hole name no errno" },
		{ call_enum_errno, "vfio.type1.dirty_report", NULL, "the values of vfio.type1.dirty_report name no errno" },
	};
	char path[PATH_MAX], err[2048], msg[1024];
	size_t i;
	int st;

	snprintf(path, sizeof(path), "%s/profiles/mock.profile", top_dir());
	ASSERT_EQ(0, iod_profile_load(path, &abort_prof, err, sizeof(err))) {
		TH_LOG("%s", err);
	}

	/* The same mechanism with valid keys: the child returns normally. */
	st = run_child(call_errno, "alloc.dirty", NULL, msg, sizeof(msg));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = run_child(call_enum, "device", NULL, msg, sizeof(msg));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = run_child(call_uint, "iova.alignment", NULL, msg, sizeof(msg));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = run_child(call_enum_is, "dirty.hole", "skips", msg, sizeof(msg));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = run_child(call_enum_errno, "dirty.set_reserved", NULL, msg,
		       sizeof(msg));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		st = run_child(cases[i].fn, cases[i].key, cases[i].value, msg,
			       sizeof(msg));
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

/* ---------------------------------------------------------------------- */
/* enumerated rules and the errnos their values stand for */

/* The value a rule is set to, and no other; nothing when unset. */
TEST_F(prof, enum_is)
{
	ASSERT_EQ(0, load_min(self, "rules",
			      "dirty.hole = skips\n"
			      "vfio.type1.dirty_report = written\n"))
		TH_LOG("%s", self->err);
	EXPECT_TRUE(iod_profile_enum_is(self->p, "dirty.hole", "skips"));
	EXPECT_FALSE(iod_profile_enum_is(self->p, "dirty.hole", "stops"));
	EXPECT_TRUE(iod_profile_enum_is(self->p, "device", "mock"));
	EXPECT_FALSE(iod_profile_enum_is(self->p, "device", "vfio-pci"));
	EXPECT_TRUE(iod_profile_enum_is(self->p, "vfio.type1.dirty_report",
					"written"));
	/* Unset: no value holds. */
	EXPECT_FALSE(iod_profile_enum_is(self->p, "vfio.compat.dirty_report",
					 "written"));
	EXPECT_FALSE(iod_profile_enum_is(self->p, "vfio.compat.dirty_report",
					 "all_pinned"));
	EXPECT_FALSE(iod_profile_enum_is(NULL, "dirty.hole", "stops"));
}

/*
 * The nesting keys: the path and child data are enumerated (a ranged path
 * resolves per release), the read-only map rule is an outcome.
 */
TEST_F(prof, nested_keys)
{
	static const char extra[] =
		"nested.path@6.7-6.12 = hwpt\n"
		"nested.path@6.13- = viommu\n"
		"nested.child_data = vtd_s1\n"
		"nested.attach_incapable_via_child@6.7-6.12 = accepted\n"
		"nested.attach_incapable_via_child@6.13- = refused\n"
		"nested.parent_readonly_map = EINVAL\n";

	ASSERT_EQ(0, load_min_for(self, "nest", extra, "6.12.117"))
		TH_LOG("%s", self->err);
	EXPECT_TRUE(iod_profile_enum_is(self->p, "nested.path", "hwpt"));
	EXPECT_TRUE(iod_profile_enum_is(self->p, "nested.child_data",
					"vtd_s1"));
	EXPECT_EQ(EINVAL, iod_profile_errno(self->p,
					    "nested.parent_readonly_map"));
	EXPECT_TRUE(iod_profile_enum_is(self->p,
					"nested.attach_incapable_via_child",
					"accepted"));
	ASSERT_EQ(0, reload_for(self, "6.13.1")) TH_LOG("%s", self->err);
	EXPECT_TRUE(iod_profile_enum_is(self->p, "nested.path", "viommu"));
	EXPECT_TRUE(iod_profile_enum_is(self->p,
					"nested.attach_incapable_via_child",
					"refused"));
	/* Values outside the schema are refused. */
	EXPECT_NE(0, load_min(self, "nest", "nested.path = stage2\n"));
	EXPECT_NE(NULL, strstr(self->err, "nested.path"))
		TH_LOG("%s", self->err);
	EXPECT_NE(0, load_min(self, "nest", "nested.child_data = arm\n"));
	EXPECT_NE(0, load_min(self, "nest",
			      "nested.attach_incapable_via_child = EINVAL\n"));
	EXPECT_NE(NULL, strstr(self->err, "nested.attach_incapable_via_child"))
		TH_LOG("%s", self->err);
	ASSERT_EQ(0, load_min(self, "nest",
			      "nested.attach_incapable_via_child = none\n"))
		TH_LOG("%s", self->err);
	/* Unset: silent. */
	ASSERT_EQ(0, load_min(self, "nest", "")) TH_LOG("%s", self->err);
	EXPECT_EQ(NULL, iod_profile_enum(self->p, "nested.path"));
	EXPECT_EQ(NULL, iod_profile_enum(self->p,
					 "nested.attach_incapable_via_child"));
	EXPECT_EQ(-1, iod_profile_errno(self->p,
					"nested.parent_readonly_map"));
}

/*
 * The vIOMMU ioctls by release: absent (ENOTTY) up to 6.12, present from
 * 6.13; an outcome, so the errno each value stands for is asked too.
 */
TEST_F(prof, nested_viommu_key)
{
	static const char extra[] =
		"nested.viommu@-6.12 = absent\n"
		"nested.viommu@6.13- = present\n"
		"nested.dirty_parent@-6.12 = no_nesting\n"
		"nested.dirty_parent@6.13- = stage2_only\n"
		"nested.vtd_s1.unknown_flags@6.7-6.12 = accepted\n";

	ASSERT_EQ(0, load_min_for(self, "nest", extra, "6.12.117"))
		TH_LOG("%s", self->err);
	EXPECT_TRUE(iod_profile_enum_is(self->p, "nested.viommu", "absent"));
	EXPECT_EQ(ENOTTY, iod_profile_enum_errno(self->p, "nested.viommu"));
	EXPECT_TRUE(iod_profile_enum_is(self->p, "nested.dirty_parent",
					"no_nesting"));
	EXPECT_TRUE(iod_profile_enum_is(self->p, "nested.vtd_s1.unknown_flags",
					"accepted"));
	ASSERT_EQ(0, reload_for(self, "6.13.1")) TH_LOG("%s", self->err);
	EXPECT_TRUE(iod_profile_enum_is(self->p, "nested.viommu", "present"));
	EXPECT_EQ(0, iod_profile_enum_errno(self->p, "nested.viommu"));
	EXPECT_EQ(EOPNOTSUPP,
		  iod_profile_enum_errno(self->p, "nested.dirty_parent"));
	/* Past the range it was read for, the VT-d rule is silent. */
	EXPECT_EQ(NULL, iod_profile_enum(self->p, "nested.vtd_s1.unknown_flags"));
	/* Values outside the schema are refused. */
	EXPECT_NE(0, load_min(self, "nest", "nested.viommu = enotty\n"));
	EXPECT_NE(NULL, strstr(self->err, "nested.viommu"))
		TH_LOG("%s", self->err);
	EXPECT_NE(0, load_min(self, "nest", "nested.vtd_s1.addr_width = EINVAL\n"));
}

/* dirty.access_write: clean or dirty, nothing else; silent when unset. */
TEST_F(prof, access_write_key)
{
	ASSERT_EQ(0, load_min(self, "access", "dirty.access_write = clean\n"))
		TH_LOG("%s", self->err);
	EXPECT_TRUE(iod_profile_enum_is(self->p, "dirty.access_write",
					"clean"));
	EXPECT_FALSE(iod_profile_enum_is(self->p, "dirty.access_write",
					 "dirty"));
	ASSERT_EQ(0, load_min(self, "access", "dirty.access_write = dirty\n"))
		TH_LOG("%s", self->err);
	EXPECT_TRUE(iod_profile_enum_is(self->p, "dirty.access_write",
					"dirty"));
	EXPECT_NE(0, load_min(self, "access", "dirty.access_write = 0\n"));
	EXPECT_NE(NULL, strstr(self->err, "dirty.access_write"))
		TH_LOG("%s", self->err);
	ASSERT_EQ(0, load_min(self, "access", "")) TH_LOG("%s", self->err);
	EXPECT_EQ(NULL, iod_profile_enum(self->p, "dirty.access_write"));
}

/* Each value of an outcome rule stands for the errno the schema gives it. */
TEST_F(prof, enum_errno)
{
	static const struct {
		const char *line;
		const char *key;
		int err;
	} c[] = {
		{ "dirty.unpinnable_bitmap = dropped\n", "dirty.unpinnable_bitmap", 0 },
		{ "dirty.unpinnable_bitmap = enomem\n", "dirty.unpinnable_bitmap", ENOMEM },
		{ "dirty.unpinnable_bitmap = efault\n", "dirty.unpinnable_bitmap", EFAULT },
		{ "dirty.set_reserved = ignored\n", "dirty.set_reserved", 0 },
		{ "dirty.set_reserved = rejected\n", "dirty.set_reserved", EOPNOTSUPP },
		{ "nested.invalidate_non_nested = enoent\n", "nested.invalidate_non_nested", ENOENT },
		{ "nested.invalidate_non_nested = einval\n", "nested.invalidate_non_nested", EINVAL },
		{ "nested.invalidate_non_nested = absent\n", "nested.invalidate_non_nested", ENOTTY },
		{ "nested.invalidate_entry_caps = rejected\n", "nested.invalidate_entry_caps", EINVAL },
		{ "nested.invalidate_entry_caps = unbounded\n", "nested.invalidate_entry_caps", 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		ASSERT_EQ(0, load_min(self, "outcome", c[i].line))
			TH_LOG("%s", self->err);
		EXPECT_EQ(c[i].err, iod_profile_enum_errno(self->p, c[i].key))
			TH_LOG("%s", c[i].line);
	}
	/* Unset, in a profile and without one. */
	ASSERT_EQ(0, load_min(self, "outcome", ""));
	EXPECT_EQ(-1, iod_profile_enum_errno(self->p,
					     "dirty.unpinnable_bitmap"));
	EXPECT_EQ(-1, iod_profile_enum_errno(self->p, "dirty.set_reserved"));
	EXPECT_EQ(-1, iod_profile_enum_errno(NULL, "dirty.set_reserved"));
}

/* A ranged outcome rule stands for the errno of the release's value. */
TEST_F(prof, enum_errno_ranged)
{
	static const char extra[] =
		"dirty.unpinnable_bitmap@6.7-6.10 = enomem\n"
		"dirty.unpinnable_bitmap@6.11- = dropped\n";

	ASSERT_EQ(0, load_min_for(self, "ranged", extra, "6.8.1"))
		TH_LOG("%s", self->err);
	EXPECT_EQ(ENOMEM, iod_profile_enum_errno(self->p,
						 "dirty.unpinnable_bitmap"));
	ASSERT_EQ(0, reload_for(self, "6.12.3")) TH_LOG("%s", self->err);
	EXPECT_EQ(0, iod_profile_enum_errno(self->p,
					    "dirty.unpinnable_bitmap"));
	ASSERT_EQ(0, reload_for(self, "6.6")) TH_LOG("%s", self->err);
	EXPECT_EQ(-1, iod_profile_enum_errno(self->p,
					     "dirty.unpinnable_bitmap"));
}

/* Three ranges of one rule, as the profiles state HWPT_INVALIDATE. */
TEST_F(prof, enum_errno_three_ranges)
{
	static const char extra[] =
		"nested.invalidate_non_nested@6.7 = absent\n"
		"nested.invalidate_non_nested@6.8-6.12 = enoent\n"
		"nested.invalidate_non_nested@6.13- = einval\n";
	static const struct {
		const char *release;
		int err;
	} c[] = {
		{ "6.6.30", -1 }, { "6.7.12", ENOTTY }, { "6.8", ENOENT },
		{ "6.12.117", ENOENT }, { "6.13.0", EINVAL }, { "7.1", EINVAL },
	};
	size_t i;

	ASSERT_EQ(0, load_min_for(self, "ranged3", extra, "6.12.117"))
		TH_LOG("%s", self->err);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		ASSERT_EQ(0, reload_for(self, c[i].release))
			TH_LOG("%s", self->err);
		EXPECT_EQ(c[i].err,
			  iod_profile_enum_errno(self->p,
						 "nested.invalidate_non_nested"))
			TH_LOG("release %s", c[i].release);
	}
}

/* ---------------------------------------------------------------------- */
/* kernel release ranges */

TEST(release_parse)
{
	static const struct {
		const char *s;
		unsigned int major, minor, patch;
	} good[] = {
		{ "6.12.117", 6, 12, 117 },
		{ "6.12.117-amd64", 6, 12, 117 },
		{ "6.12.117-1~deb12u1", 6, 12, 117 },
		{ "6.19.0-rc3+", 6, 19, 0 },
		{ "6.8", 6, 8, 0 },
		{ "6.8-rc1", 6, 8, 0 },
		{ "6.8+", 6, 8, 0 },
		{ "6.18.44-fc-v669", 6, 18, 44 },
		{ "5.15.0-91-generic", 5, 15, 0 },
		{ "0.0", 0, 0, 0 },
		{ "1048575.1048575.1048575", 1048575, 1048575, 1048575 },
	};
	static const char *const bad[] = {
		"", "6", "6.", "6.12.", "6..12", "v6.12", "-6.12", " 6.12",
		"6.12.117.4", "6.x", "abc", "1048576.0", "6.1048576",
		"6.12.99999999999999999999",
	};
	struct iod_kernel_release r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		memset(&r, 0xff, sizeof(r));
		EXPECT_EQ(0, iod_kernel_release_parse(good[i].s, &r)) {
			TH_LOG("'%s' should parse", good[i].s);
		}
		EXPECT_EQ(good[i].major, r.major);
		EXPECT_EQ(good[i].minor, r.minor);
		EXPECT_EQ(good[i].patch, r.patch) {
			TH_LOG("'%s'", good[i].s);
		}
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-1, iod_kernel_release_parse(bad[i], &r)) {
			TH_LOG("bad[%zu] should not parse", i);
		}
	EXPECT_EQ(-1, iod_kernel_release_parse(NULL, &r));
	EXPECT_EQ(0, iod_kernel_release_parse("6.7", NULL));
}

/* Without IODIRTY_KERNEL_RELEASE the running kernel's uname release counts. */
TEST(release_running_is_uname)
{
	struct iod_kernel_release want, got;
	struct utsname u;
	char err[512];

	ASSERT_EQ(0, unsetenv("IODIRTY_KERNEL_RELEASE"));
	ASSERT_EQ(0, uname(&u));
	ASSERT_EQ(0, iod_kernel_release_parse(u.release, &want)) {
		TH_LOG("uname release '%s'", u.release);
	}
	ASSERT_EQ(0, iod_kernel_release_running(&got, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	EXPECT_EQ(want.major, got.major);
	EXPECT_EQ(want.minor, got.minor);
	EXPECT_EQ(want.patch, got.patch);
	/* An empty variable is the same as none. */
	ASSERT_EQ(0, setenv("IODIRTY_KERNEL_RELEASE", "", 1));
	ASSERT_EQ(0, iod_kernel_release_running(&got, err, sizeof(err)));
	EXPECT_EQ(want.major, got.major);
	EXPECT_EQ(want.minor, got.minor);
	EXPECT_EQ(want.patch, got.patch);
}

TEST(release_env_override)
{
	struct iod_kernel_release got;
	char err[512];

	ASSERT_EQ(0, setenv("IODIRTY_KERNEL_RELEASE", "6.10.14-lab+", 1));
	ASSERT_EQ(0, iod_kernel_release_running(&got, err, sizeof(err)));
	EXPECT_EQ(6U, got.major);
	EXPECT_EQ(10U, got.minor);
	EXPECT_EQ(14U, got.patch);

	ASSERT_EQ(0, setenv("IODIRTY_KERNEL_RELEASE", "six.ten", 1));
	err[0] = '\0';
	ASSERT_EQ(-1, iod_kernel_release_running(&got, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err,
			       "IODIRTY_KERNEL_RELEASE 'six.ten' is not a kernel release"));
	ASSERT_EQ(-1, iod_kernel_release_running(&got, NULL, 0));
}

/* The ranged values of one key, resolved for one release each. */
#define UNPINNABLE_RANGES                                   \
	"dirty.unpinnable_bitmap@6.7-6.10 = enomem\n"      \
	"dirty.unpinnable_bitmap@6.11- = dropped\n"        \
	"dirty.hole@-6.6 = skips\n"                        \
	"dirty.hole = stops\n"                             \
	"iova.alignment@6.12.30-6.12.99 = 8192\n"          \
	"iova.alignment@6.12.100- = 16384\n"               \
	"attach.dirty@6.9 = EBUSY\n"                       \
	"attach.dirty = 0\n"

TEST_F(prof, range_resolves_per_release)
{
	static const struct {
		const char *release;
		const char *unpinnable;	/* NULL: unset */
		const char *hole;
		unsigned long long align;	/* 1: unset */
		int attach;
	} cases[] = {
		{ "6.6.999", NULL, "skips", 1, 0 },
		{ "6.6", NULL, "skips", 1, 0 },
		{ "6.7", "enomem", "stops", 1, 0 },
		{ "6.7.0", "enomem", "stops", 1, 0 },
		{ "6.9.12", "enomem", "stops", 1, EBUSY },
		{ "6.10", "enomem", "stops", 1, 0 },
		/* A MAJOR.MINOR upper bound holds every patch release. */
		{ "6.10.1048575", "enomem", "stops", 1, 0 },
		{ "6.11.0-rc1", "dropped", "stops", 1, 0 },
		{ "6.12.29", "dropped", "stops", 1, 0 },
		{ "6.12.30", "dropped", "stops", 8192, 0 },
		{ "6.12.99-amd64", "dropped", "stops", 8192, 0 },
		{ "6.12.100", "dropped", "stops", 16384, 0 },
		{ "6.13", "dropped", "stops", 16384, 0 },
		{ "7.0", "dropped", "stops", 16384, 0 },
		{ "5.4.0", NULL, "skips", 1, 0 },
	};
	size_t i;

	ASSERT_EQ(0, load_min(self, "ranges", UNPINNABLE_RANGES)) {
		TH_LOG("%s", self->err);
	}
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *v;

		ASSERT_EQ(0, reload_for(self, cases[i].release)) {
			TH_LOG("%s: %s", cases[i].release, self->err);
		}
		v = iod_profile_enum(self->p, "dirty.unpinnable_bitmap");
		if (cases[i].unpinnable) {
			EXPECT_STREQ(cases[i].unpinnable, v) {
				TH_LOG("kernel %s", cases[i].release);
			}
		} else {
			EXPECT_EQ(NULL, v) {
				TH_LOG("kernel %s: got %s", cases[i].release, v);
			}
		}
		EXPECT_STREQ(cases[i].hole,
			     iod_profile_enum(self->p, "dirty.hole")) {
			TH_LOG("kernel %s", cases[i].release);
		}
		EXPECT_EQ(cases[i].align,
			  iod_profile_uint(self->p, "iova.alignment", 1)) {
			TH_LOG("kernel %s", cases[i].release);
		}
		EXPECT_EQ(cases[i].attach,
			  iod_profile_errno(self->p, "attach.dirty")) {
			TH_LOG("kernel %s", cases[i].release);
		}
	}
}

TEST_F(prof, range_default_and_source_line)
{
	ASSERT_EQ(0, load_min_for(self, "deflt", UNPINNABLE_RANGES, "6.8.1")) {
		TH_LOG("%s", self->err);
	}
	EXPECT_STREQ("6.8.1", iod_profile_kernel(self->p));
	/* Ranged line that holds the release. */
	EXPECT_EQ(REQUIRED_LINES + 1,
		  iod_profile_line(self->p, "dirty.unpinnable_bitmap"));
	EXPECT_STREQ("enomem", iod_profile_str(self->p,
					       "dirty.unpinnable_bitmap"));
	/* No range holds 6.8.1: the plain line. */
	EXPECT_EQ(REQUIRED_LINES + 4, iod_profile_line(self->p, "dirty.hole"));
	EXPECT_EQ(REQUIRED_LINES + 8,
		  iod_profile_line(self->p, "attach.dirty"));
	/* No range and no default: unset. */
	EXPECT_EQ(0U, iod_profile_line(self->p, "iova.alignment"));
	EXPECT_EQ(NULL, iod_profile_str(self->p, "iova.alignment"));
	EXPECT_EQ(3U, iod_profile_line(self->p, "device"));
	EXPECT_EQ(0U, iod_profile_line(self->p, "no.such.key"));
	EXPECT_EQ(0U, iod_profile_line(NULL, "device"));
	EXPECT_EQ(NULL, iod_profile_kernel(NULL));

	ASSERT_EQ(0, reload_for(self, "6.6"));
	EXPECT_EQ(REQUIRED_LINES + 3, iod_profile_line(self->p, "dirty.hole"));
	EXPECT_EQ(0U, iod_profile_line(self->p, "dirty.unpinnable_bitmap"));
	ASSERT_EQ(0, reload_for(self, "6.9"));
	EXPECT_EQ(REQUIRED_LINES + 7,
		  iod_profile_line(self->p, "attach.dirty"));
}

TEST_F(prof, range_spacing)
{
	/* Spaces around '@' are allowed, like around '='. */
	ASSERT_EQ(0, load_min_for(self, "sp",
				  "dirty.hole @ 6.11- = skips\n"
				  "dirty.hole\t@-6.10\t=\tstops\n", "6.11")) {
		TH_LOG("%s", self->err);
	}
	EXPECT_STREQ("skips", iod_profile_enum(self->p, "dirty.hole"));
	ASSERT_EQ(0, reload_for(self, "6.10.3"));
	EXPECT_STREQ("stops", iod_profile_enum(self->p, "dirty.hole"));
}

TEST_F(prof, range_env_override)
{
	ASSERT_EQ(0, setenv("IODIRTY_KERNEL_RELEASE", "6.10.0", 1));
	ASSERT_EQ(0, load_min(self, "env", UNPINNABLE_RANGES)) {
		TH_LOG("%s", self->err);
	}
	EXPECT_STREQ("6.10.0", iod_profile_kernel(self->p));
	EXPECT_STREQ("enomem",
		     iod_profile_enum(self->p, "dirty.unpinnable_bitmap"));

	ASSERT_EQ(0, setenv("IODIRTY_KERNEL_RELEASE", "6.19.0-rc3+", 1));
	ASSERT_EQ(0, reload_for(self, NULL));
	EXPECT_STREQ("6.19.0", iod_profile_kernel(self->p));
	EXPECT_STREQ("dropped",
		     iod_profile_enum(self->p, "dirty.unpinnable_bitmap"));

	/* An explicit release wins over the environment. */
	ASSERT_EQ(0, reload_for(self, "6.7"));
	EXPECT_STREQ("6.7.0", iod_profile_kernel(self->p));
	EXPECT_STREQ("enomem",
		     iod_profile_enum(self->p, "dirty.unpinnable_bitmap"));

	/* A release that does not parse is a load error naming its source. */
	ASSERT_EQ(0, setenv("IODIRTY_KERNEL_RELEASE", "latest", 1));
	ASSERT_EQ(-1, reload_for(self, NULL));
	ASSERT_EQ(NULL, self->p);
	snprintf(self->want, sizeof(self->want),
		 "%s: IODIRTY_KERNEL_RELEASE 'latest' is not a kernel release",
		 self->path);
	EXPECT_TRUE(starts_with(self->err, self->want)) {
		TH_LOG("error: %s", self->err);
	}
	ASSERT_EQ(-1, reload_for(self, "6"));
	snprintf(self->want, sizeof(self->want),
		 "%s: bad kernel release '6': expected MAJOR.MINOR[.PATCH]",
		 self->path);
	EXPECT_TRUE(starts_with(self->err, self->want)) {
		TH_LOG("error: %s", self->err);
	}
}

TEST_F(prof, range_known_bug)
{
	static const char extra[] =
		"known_bug.huge.mid_leaf@6.7-6.12.29 = unfixed: leaf bits past the bitmap\n"
		"known_bug.huge.mid_leaf@6.12.30-6.12 = 0123456789ab: only 6.12.30 and later 6.12\n"
		"known_bug.walk.hole = unfixed: everywhere but 6.13\n"
		"known_bug.walk.hole@6.13 = 0123456789abcdef: fixed in 6.13 only\n";

	ASSERT_EQ(0, load_min_for(self, "kb", extra, "6.12.29")) {
		TH_LOG("%s", self->err);
	}
	EXPECT_STREQ("unfixed: leaf bits past the bitmap",
		     iod_profile_known_bug(self->p, "huge.mid_leaf"));
	EXPECT_STREQ("unfixed: everywhere but 6.13",
		     iod_profile_known_bug(self->p, "walk.hole"));
	ASSERT_EQ(0, reload_for(self, "6.12.30"));
	EXPECT_STREQ("0123456789ab: only 6.12.30 and later 6.12",
		     iod_profile_known_bug(self->p, "huge.mid_leaf"));
	ASSERT_EQ(0, reload_for(self, "6.6.50"));
	EXPECT_EQ(NULL, iod_profile_known_bug(self->p, "huge.mid_leaf"));
	ASSERT_EQ(0, reload_for(self, "6.13.2"));
	EXPECT_EQ(NULL, iod_profile_known_bug(self->p, "huge.mid_leaf"));
	EXPECT_STREQ("0123456789abcdef: fixed in 6.13 only",
		     iod_profile_known_bug(self->p, "walk.hole"));
	ASSERT_EQ(0, reload_for(self, "6.14"));
	EXPECT_STREQ("unfixed: everywhere but 6.13",
		     iod_profile_known_bug(self->p, "walk.hole"));

	/* Ranged known_bug values are validated like plain ones. */
	EXPECT_LINE_ERROR("kb", "known_bug.a.b@6.7- = unfixed\n",
			  REQUIRED_LINES + 1,
			  "bad value 'unfixed' for 'known_bug.a.b': expected '<commit>: <reason>'");
	EXPECT_LINE_ERROR("kb", "known_bug.A.b@6.7- = unfixed: r\n",
			  REQUIRED_LINES + 1, "bad case id in key 'known_bug.A.b'");
	EXPECT_LINE_ERROR("kb",
			  "known_bug.a.b@6.7-6.10 = unfixed: one\n"
			  "known_bug.a.b@6.10.3- = unfixed: two\n",
			  REQUIRED_LINES + 2,
			  "kernel range '@6.10.3-' of 'known_bug.a.b' overlaps line 11 (@6.7-6.10)");
}

TEST_F(prof, range_values_validated)
{
	EXPECT_LINE_ERROR("val", "dirty.unpinnable_bitmap@6.11- = lost\n",
			  REQUIRED_LINES + 1,
			  "bad value 'lost' for 'dirty.unpinnable_bitmap' (allowed: dropped, enomem, efault)");
	EXPECT_LINE_ERROR("val", "attach.dirty@6.7- = 22\n",
			  REQUIRED_LINES + 1,
			  "numeric errno '22' for 'attach.dirty'");
	EXPECT_LINE_ERROR("val", "iova.alignment@6.7- = 3000\n",
			  REQUIRED_LINES + 1,
			  "'3000' for 'iova.alignment' is not a power of two");
	EXPECT_LINE_ERROR("val", "alloc.dirty@-6.6 = EWHATEVER\n",
			  REQUIRED_LINES + 1, "bad errno 'EWHATEVER'");
	EXPECT_LINE_ERROR("val", "dirty.hole@6.7- =\n", REQUIRED_LINES + 1,
			  "empty value for 'dirty.hole'");
	/* A value is validated whatever release the profile resolves for. */
	ASSERT_EQ(-1, load_min_for(self, "val",
				   "dirty.hole@-5.0 = sometimes\n", "6.12"));
	ASSERT_TRUE(starts_with(self->err, at_line(self, REQUIRED_LINES + 1)));
}

TEST_F(prof, range_rejected_syntax)
{
	static const struct {
		const char *line;
		const char *msg;
	} cases[] = {
		{ "dirty.hole@ = stops\n",
		  "kernel range '@' for 'dirty.hole' has no bound" },
		{ "dirty.hole@6.7.x = stops\n",
		  "bad kernel range '@6.7.x' for 'dirty.hole': expected @LO-HI, @LO-, @-HI or @V, each bound MAJOR.MINOR[.PATCH] (e.g. @6.7-6.10)" },
		{ "dirty.hole@- = stops\n",
		  "kernel range '@-' for 'dirty.hole' has no bound" },
		{ "dirty.hole@6 = stops\n", "bad kernel range '@6'" },
		{ "dirty.hole@6- = stops\n", "bad kernel range '@6-'" },
		{ "dirty.hole@6.7-6 = stops\n", "bad kernel range '@6.7-6'" },
		{ "dirty.hole@v6.7- = stops\n", "bad kernel range '@v6.7-'" },
		{ "dirty.hole@6.7-rc1 = stops\n", "bad kernel range '@6.7-rc1'" },
		{ "dirty.hole@6.7.0-amd64 = stops\n", "bad kernel range" },
		{ "dirty.hole@6.7-6.10-6.11 = stops\n",
		  "bad kernel range '@6.7-6.10-6.11'" },
		{ "dirty.hole@6.1.2.3 = stops\n", "bad kernel range '@6.1.2.3'" },
		{ "dirty.hole@6..7- = stops\n", "bad kernel range" },
		{ "dirty.hole@6.7 - 6.10 = stops\n", "bad kernel range '@6.7 - 6.10'" },
		{ "dirty.hole@6.7,6.9 = stops\n", "bad kernel range" },
		{ "dirty.hole@1048576.0- = stops\n", "bad kernel range" },
		{ "dirty.hole@6.7@6.8 = stops\n", "bad kernel range '@6.7@6.8'" },
		{ "dirty.hole@6.10-6.7 = stops\n",
		  "kernel range '@6.10-6.7' for 'dirty.hole' is empty: 6.10 is after 6.7" },
		{ "dirty.hole@6.7.1-6.7.0 = stops\n",
		  "is empty: 6.7.1 is after 6.7.0" },
		{ "dirty.hole@6.11-6.10.999 = stops\n", "is empty" },
		{ "@6.7- = stops\n", "missing key before '@'" },
		{ "dirty.holes@6.7- = stops\n", "unknown key 'dirty.holes'" },
		{ "name@6.7- = rng\n", "'name' cannot carry a kernel range" },
		{ "kernel.min@6.13- = 6.13\n",
		  "'kernel.min' cannot carry a kernel range" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		EXPECT_LINE_ERROR("rng", cases[i].line, REQUIRED_LINES + 1,
				  cases[i].msg);
}

TEST_F(prof, range_bounds_edge_cases)
{
	/* The single-release form: @6.10 holds every 6.10.x, nothing else. */
	ASSERT_EQ(0, load_min_for(self, "edge",
				  "dirty.hole@6.10 = skips\n"
				  "dirty.hole@6.12.5 = skips\n"
				  "dirty.hole@-0.0.0 = skips\n"
				  "dirty.hole = stops\n", "6.10")) {
		TH_LOG("%s", self->err);
	}
	EXPECT_STREQ("skips", iod_profile_enum(self->p, "dirty.hole"));
	ASSERT_EQ(0, reload_for(self, "6.10.250"));
	EXPECT_STREQ("skips", iod_profile_enum(self->p, "dirty.hole"));
	ASSERT_EQ(0, reload_for(self, "6.9.250"));
	EXPECT_STREQ("stops", iod_profile_enum(self->p, "dirty.hole"));
	ASSERT_EQ(0, reload_for(self, "6.11"));
	EXPECT_STREQ("stops", iod_profile_enum(self->p, "dirty.hole"));
	ASSERT_EQ(0, reload_for(self, "6.12.4"));
	EXPECT_STREQ("stops", iod_profile_enum(self->p, "dirty.hole"));
	ASSERT_EQ(0, reload_for(self, "6.12.5-amd64"));
	EXPECT_STREQ("skips", iod_profile_enum(self->p, "dirty.hole"));
	ASSERT_EQ(0, reload_for(self, "6.12.6"));
	EXPECT_STREQ("stops", iod_profile_enum(self->p, "dirty.hole"));
	ASSERT_EQ(0, reload_for(self, "0.0"));
	EXPECT_STREQ("skips", iod_profile_enum(self->p, "dirty.hole"));
	ASSERT_EQ(0, reload_for(self, "1048575.1048575.1048575"));
	EXPECT_STREQ("stops", iod_profile_enum(self->p, "dirty.hole"));
}

TEST_F(prof, range_overlap)
{
	static const struct {
		const char *lines;	/* two lines; the second overlaps */
		const char *msg;
	} cases[] = {
		{ "dirty.hole@6.7-6.10 = stops\ndirty.hole@6.10- = skips\n",
		  "kernel range '@6.10-' of 'dirty.hole' overlaps line 11 (@6.7-6.10)" },
		{ "dirty.hole@6.7-6.10 = stops\ndirty.hole@6.10.5-6.11 = skips\n",
		  "overlaps line 11 (@6.7-6.10)" },
		{ "dirty.hole@-6.6 = stops\ndirty.hole@6.6.3- = skips\n",
		  "overlaps line 11 (@-6.6)" },
		{ "dirty.hole@6.11- = stops\ndirty.hole@-6.11.0 = skips\n",
		  "overlaps line 11 (@6.11-)" },
		{ "dirty.hole@6.10 = stops\ndirty.hole@6.10.0 = skips\n",
		  "overlaps line 11 (@6.10)" },
		{ "dirty.hole@6.12.30-6.12.999 = stops\ndirty.hole@6.12 = skips\n",
		  "overlaps line 11 (@6.12.30-6.12.999)" },
		/* The same range twice, even with the same value. */
		{ "dirty.hole@6.11- = stops\ndirty.hole@6.11- = stops\n",
		  "kernel range '@6.11-' of 'dirty.hole' overlaps line 11 (@6.11-)" },
		{ "dirty.hole@-6.6 = stops\ndirty.hole@- 6.7 = skips\n",
		  "bad kernel range" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		EXPECT_LINE_ERROR("ovl", cases[i].lines, REQUIRED_LINES + 2,
				  cases[i].msg);

	/* The earlier of several overlapped lines is named; others are fine. */
	EXPECT_LINE_ERROR("ovl",
			  "dirty.hole@-6.6 = stops\n"
			  "dirty.hole@6.7-6.10 = skips\n"
			  "dirty.hole = stops\n"
			  "dirty.set_reserved@6.8 = rejected\n"
			  "dirty.hole@6.9-6.12 = skips\n",
			  REQUIRED_LINES + 5, "overlaps line 12 (@6.7-6.10)");

	/* Adjacent ranges, other keys' ranges and a plain default do not. */
	ASSERT_EQ(0, load_min(self, "ovl",
			      "dirty.hole@-6.6 = stops\n"
			      "dirty.hole@6.7-6.10 = skips\n"
			      "dirty.hole@6.11-6.12.29 = stops\n"
			      "dirty.hole@6.12.30-6.12 = skips\n"
			      "dirty.hole@6.13- = stops\n"
			      "dirty.hole = skips\n"
			      "dirty.set_reserved@6.7- = ignored\n")) {
		TH_LOG("%s", self->err);
	}
	/* Two plain lines are still a duplicate, ranges in between or not. */
	EXPECT_LINE_ERROR("ovl",
			  "dirty.hole = stops\n"
			  "dirty.hole@6.7- = skips\n"
			  "dirty.hole = skips\n",
			  REQUIRED_LINES + 3,
			  "duplicate key 'dirty.hole' (first set at line 11)");
}

/* Required keys need a value for every release. */
TEST_F(prof, range_required_coverage)
{
	static const char head[] =
		"name = req\n"
		"description = x\n"
		"device = mock\n"
		"dma.engine = mock\n"
		"hw_info.type = selftest\n"
		"cap.dirty_tracking = required\n"
		"alloc.plain = 0\n"
		"alloc.nest_parent = 0\n"
		"alloc.dirty_nest_parent = 0\n";
	static const struct {
		const char *lines;
		const char *gap;	/* NULL: loads */
	} cases[] = {
		{ "alloc.dirty@-6.10 = EOPNOTSUPP\nalloc.dirty@6.11- = 0\n", NULL },
		{ "alloc.dirty@6.11- = 0\nalloc.dirty@-6.10.1048575 = EOPNOTSUPP\n", NULL },
		{ "alloc.dirty@6.7- = 0\nalloc.dirty = EOPNOTSUPP\n", NULL },
		{ "alloc.dirty@-6.6 = EOPNOTSUPP\nalloc.dirty@6.7-6.12.29 = 0\n"
		  "alloc.dirty@6.12.30- = EBUSY\n", NULL },
		{ "alloc.dirty@6.7- = 0\n", "0.0.0" },
		{ "alloc.dirty@-6.10 = 0\n", "6.11.0" },
		{ "alloc.dirty@-6.10 = 0\nalloc.dirty@6.12- = 0\n", "6.11.0" },
		{ "alloc.dirty@-6.12.29 = 0\nalloc.dirty@6.12.31- = 0\n", "6.12.30" },
		{ "alloc.dirty@6.13- = 0\nalloc.dirty@-6.12.5 = 0\n", "6.12.6" },
	};
	char text[2048];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(text, sizeof(text), "%s%s", head, cases[i].lines);
		if (!cases[i].gap) {
			EXPECT_EQ(0, load_text(self, "req.profile", text,
					       strlen(text))) {
				TH_LOG("%s", self->err);
			}
			continue;
		}
		ASSERT_EQ(-1, load_text(self, "req.profile", text,
					strlen(text)));
		snprintf(self->want, sizeof(self->want),
			 "%s: required key 'alloc.dirty' has no value for kernel %s: no range of it holds that release and there is no plain 'alloc.dirty = ...' line",
			 self->path, cases[i].gap);
		EXPECT_STREQ(self->want, self->err);
	}
	/* The gap is an error whatever release the file resolves for. */
	snprintf(text, sizeof(text), "%s%s", head, "alloc.dirty@6.7- = 0\n");
	ASSERT_EQ(0, write_bytes(self->dir, "req.profile", text, strlen(text),
				 self->path, sizeof(self->path)));
	EXPECT_EQ(-1, reload_for(self, "6.12"));
}

TEST_F(prof, applies_to_kernel)
{
	/* kernel.min never stops a load; iod_profile_applies() tells. */
	ASSERT_EQ(0, load_min_for(self, "min", "kernel.min = 6.13\n",
				  "6.12.117")) {
		TH_LOG("%s", self->err);
	}
	EXPECT_EQ(0, iod_profile_applies(self->p));
	ASSERT_EQ(0, reload_for(self, "6.13"));
	EXPECT_EQ(1, iod_profile_applies(self->p));
	ASSERT_EQ(0, reload_for(self, "6.13.0-rc1"));
	EXPECT_EQ(1, iod_profile_applies(self->p));
	ASSERT_EQ(0, reload_for(self, "7.0"));
	EXPECT_EQ(1, iod_profile_applies(self->p));

	ASSERT_EQ(0, load_min_for(self, "min", "kernel.min = 6.12.30\n",
				  "6.12.29"));
	EXPECT_EQ(0, iod_profile_applies(self->p));
	ASSERT_EQ(0, reload_for(self, "6.12.30"));
	EXPECT_EQ(1, iod_profile_applies(self->p));

	ASSERT_EQ(0, load_min_for(self, "min", "", "2.6"));
	EXPECT_EQ(1, iod_profile_applies(self->p));
	EXPECT_EQ(-1, iod_profile_applies(NULL));
}

TEST_F(prof, kernel_max_bounds_the_release)
{
	/* A MAJOR.MINOR kernel.max holds every MAJOR.MINOR.x. */
	ASSERT_EQ(0, load_min_for(self, "max", "kernel.max = 6.12\n",
				  "6.12.999")) {
		TH_LOG("%s", self->err);
	}
	EXPECT_EQ(1, iod_profile_applies(self->p));
	EXPECT_EQ(NULL, iod_profile_broken_bound(self->p));
	ASSERT_EQ(0, reload_for(self, "6.13.0-rc1"));
	EXPECT_EQ(0, iod_profile_applies(self->p));
	EXPECT_STREQ("kernel.max", iod_profile_broken_bound(self->p));
	ASSERT_EQ(0, reload_for(self, "2.6"));
	EXPECT_EQ(1, iod_profile_applies(self->p));

	/* A MAJOR.MINOR.PATCH kernel.max ends there. */
	ASSERT_EQ(0, load_min_for(self, "max", "kernel.max = 6.12.30\n",
				  "6.12.30"));
	EXPECT_EQ(1, iod_profile_applies(self->p));
	ASSERT_EQ(0, reload_for(self, "6.12.31"));
	EXPECT_STREQ("kernel.max", iod_profile_broken_bound(self->p));

	/* Both bounds: each one is named when broken. */
	ASSERT_EQ(0, load_min_for(self, "max",
				  "kernel.min = 6.7\nkernel.max = 6.12\n",
				  "6.6.50"));
	EXPECT_STREQ("kernel.min", iod_profile_broken_bound(self->p));
	ASSERT_EQ(0, reload_for(self, "6.7"));
	EXPECT_EQ(1, iod_profile_applies(self->p));
	ASSERT_EQ(0, reload_for(self, "7.0"));
	EXPECT_STREQ("kernel.max", iod_profile_broken_bound(self->p));
	EXPECT_EQ(NULL, iod_profile_broken_bound(NULL));
}

TEST_F(prof, kernel_max_is_checked)
{
	EXPECT_LINE_ERROR("max", "kernel.max = 6\n", REQUIRED_LINES + 1,
			  "bad version '6' for 'kernel.max'");
	EXPECT_LINE_ERROR("max", "kernel.max = 6.12-rc1\n", REQUIRED_LINES + 1,
			  "bad version '6.12-rc1' for 'kernel.max'");
	EXPECT_LINE_ERROR("max", "kernel.max@6.13- = 6.13\n",
			  REQUIRED_LINES + 1,
			  "'kernel.max' cannot carry a kernel range");
	EXPECT_LINE_ERROR("max", "kernel.max = 6.12\nkernel.max = 6.13\n",
			  REQUIRED_LINES + 2, "duplicate");
}

TEST_F(prof, show_names_the_broken_max)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	ASSERT_EQ(0, load_min_for(self, "show", "kernel.max = 6.12\n",
				  "6.13.2"));
	f = open_memstream(&buf, &len);
	ASSERT_NE(NULL, f);
	iod_profile_show(self->p, f);
	ASSERT_EQ(0, fclose(f));
	EXPECT_NE(NULL, strstr(buf, "\n# the profile does not apply to this kernel: kernel.max = 6.12\n")) {
		TH_LOG("output:\n%s", buf);
	}
	free(buf);
}

TEST_F(prof, show_resolved)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	ASSERT_EQ(0, load_min_for(self, "show",
				  "kernel.min = 6.7\n" UNPINNABLE_RANGES,
				  "6.6.3")) {
		TH_LOG("%s", self->err);
	}
	f = open_memstream(&buf, &len);
	ASSERT_NE(NULL, f);
	iod_profile_show(self->p, f);
	iod_profile_show(NULL, f);
	ASSERT_EQ(0, fclose(f));
	snprintf(self->want, sizeof(self->want),
		 "# %s for kernel 6.6.3\n"
		 "# the profile does not apply to this kernel: kernel.min = 6.7\n"
		 "name = show  # line 1\n", self->path);
	EXPECT_TRUE(starts_with(buf, self->want)) {
		TH_LOG("output:\n%s", buf);
	}
	EXPECT_NE(NULL, strstr(buf, "\nalloc.dirty_nest_parent = EINVAL  # line 10\n"
				    "kernel.min = 6.7  # line 11\n"
				    "dirty.hole = skips  # line 14, @-6.6\n"
				    "attach.dirty = 0  # line 19\n")) {
		TH_LOG("output:\n%s", buf);
	}
	EXPECT_EQ(NULL, strstr(buf, "unpinnable"));
	EXPECT_EQ(NULL, strstr(buf, "iova.alignment"));
	free(buf);

	buf = NULL;
	ASSERT_EQ(0, reload_for(self, "6.12.31"));
	f = open_memstream(&buf, &len);
	ASSERT_NE(NULL, f);
	iod_profile_show(self->p, f);
	ASSERT_EQ(0, fclose(f));
	EXPECT_EQ(NULL, strstr(buf, "does not apply"));
	EXPECT_NE(NULL, strstr(buf,
			       "kernel.min = 6.7  # line 11\n"
			       "dirty.unpinnable_bitmap = dropped  # line 13, @6.11-\n"
			       "dirty.hole = stops  # line 15\n"
			       "iova.alignment = 8192  # line 16, @6.12.30-6.12.99\n"
			       "attach.dirty = 0  # line 19\n")) {
		TH_LOG("output:\n%s", buf);
	}
	free(buf);
}

/* The shipped profiles load for every release a lab or target may run. */
TEST(shipped_profiles_load_for_releases)
{
	static const char *const names[] = {
		"mock", "lab-intel", "lab-amd", "lab-virtio",
		"intel-vtd", "amd-vi", "arm-smmuv3", "riscv",
	};
	static const char *const releases[] = {
		"6.6", "6.7", "6.10.14", "6.11", "6.12.117-amd64", "6.13",
		"6.19.0-rc3+", "7.0",
	};
	char path[PATH_MAX], err[2048];
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "%s/profiles/%s.profile",
			 top_dir(), names[i]);
		for (j = 0; j < ARRAY_SIZE(releases); j++) {
			struct iod_profile *p = NULL;

			EXPECT_EQ(0, iod_profile_load_for(path, releases[j],
							  &p, err,
							  sizeof(err))) {
				TH_LOG("%s for %s: %s", names[i], releases[j],
				       err);
			}
			iod_profile_free(p);
		}
	}
}

TEST_HARNESS_MAIN
