// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the sysfs PCI binder (lib/pci_*.c) and of the
 * iodirty-bind CLI against a fake sysfs tree.
 *
 * The fake tree mirrors the real layout:
 *
 *   sys/devices/pci0000:00/BDF/{vendor,device,driver_override}
 *   sys/devices/pci0000:00/BDF/driver -> ../../../bus/pci/drivers/NAME
 *   sys/bus/pci/devices/BDF -> ../../../devices/pci0000:00/BDF
 *   sys/bus/pci/drivers/{edu-stub,vfio-pci}/{bind,unbind}
 *   sys/bus/pci/drivers_probe
 *
 * No kernel reacts to writes there, so the tests play its part through the
 * library's hooks (struct iod_pci_hooks): the "written" hook sees every
 * sysfs write right after it lands and applies what the kernel would
 * (unbind removes the driver link, bind and drivers_probe create it, a
 * vfio-pci bind adds vfio-dev/vfioN, clearing driver_override shows
 * "(null)"), and can fail a write the way the kernel's store method would.
 * The "polling" hook lets a probe take effect only after a number of settle
 * checks, so the wait loop is exercised without real delays. Everything runs
 * in the test process: no threads, no helper processes, no sleeps beyond the
 * library's own millisecond polls.
 *
 * The CLI tests run the binary named by $IODIRTY_BIND_BIN (skipped without
 * it) on the same tree; there no hook runs, so they check the writes the
 * binary made rather than the links a kernel would move.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * The harness leaves parameters unused, in its timeout handler and in the
 * wrapper each TEST() expands to in this file, hence file-wide.
 */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#include "pci_bind.h"

#define DEV2 "0000:00:02.0"	/* a host device, never allow-listed */
#define DEV3 "0000:00:03.0"	/* the device under test, bound to edu-stub */
#define DEV4 "0000:00:04.0"	/* a device with no driver */
#define ALLOW "00:03.0, 0000:00:04.0"

#define LOG_MAX 32

/* The part of the kernel the tests play. */
struct fake_kernel {
	int writes;			/* sysfs writes seen */
	char log[LOG_MAX][160];		/* "rel=buf" of each, in order */
	unsigned int polls;		/* settle checks seen */
	bool probe_dead;		/* drivers_probe binds nothing */
	unsigned int probe_after;	/* settle checks before a probe lands */
	char pending[32];		/* BDF whose probe is pending */
	bool bind_fails;		/* drivers/X/bind returns -ENODEV */
	int recorded;			/* recorded-hook calls */
	const char *journal;		/* state file the recorded hook appends to */
};

static int put_file(int dfd, const char *rel, const char *content)
{
	int fd = openat(dfd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			0644);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, content, strlen(content));
	close(fd);
	return n == (ssize_t)strlen(content) ? 0 : -EIO;
}

/* The content of a file, "" if unreadable. */
static const char *slurp(int dfd, const char *rel, char *buf, size_t len)
{
	int fd = openat(dfd, rel, O_RDONLY | O_CLOEXEC);
	ssize_t n = -1;

	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static const char *dev_file(char *rel, size_t len, const char *bdf,
			    const char *name)
{
	snprintf(rel, len, "bus/pci/devices/%s/%s", bdf, name);
	return rel;
}

/* The driver bdf is bound to in the fake tree, "" for none. */
static const char *linked(int dfd, const char *bdf, char *buf, size_t len)
{
	char rel[128], target[256];
	const char *base;
	ssize_t n;

	n = readlinkat(dfd, dev_file(rel, sizeof(rel), bdf, "driver"), target,
		       sizeof(target) - 1);
	buf[0] = '\0';
	if (n < 0)
		return buf;
	target[n] = '\0';
	base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	if (strlen(base) < len)
		strcpy(buf, base);
	return buf;
}

static void fk_link(int dfd, const char *bdf, const char *drv)
{
	char rel[128], target[128];

	snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", drv);
	if (symlinkat(target, dfd, dev_file(rel, sizeof(rel), bdf, "driver")))
		return;
	if (!strcmp(drv, "vfio-pci")) {
		/* the cdev is numbered by the device's slot */
		mkdirat(dfd, dev_file(rel, sizeof(rel), bdf, "vfio-dev"), 0755);
		snprintf(rel, sizeof(rel), "bus/pci/devices/%s/vfio-dev/vfio%c",
			 bdf, bdf[9]);
		mkdirat(dfd, rel, 0755);
	}
}

static void fk_unlink(int dfd, const char *bdf)
{
	char rel[128];

	unlinkat(dfd, dev_file(rel, sizeof(rel), bdf, "driver"), 0);
	snprintf(rel, sizeof(rel), "bus/pci/devices/%s/vfio-dev/vfio%c", bdf,
		 bdf[9]);
	unlinkat(dfd, rel, AT_REMOVEDIR);
	unlinkat(dfd, dev_file(rel, sizeof(rel), bdf, "vfio-dev"),
		 AT_REMOVEDIR);
}

static void fk_override(int dfd, const char *bdf, char *buf, size_t len)
{
	char rel[128];

	slurp(dfd, dev_file(rel, sizeof(rel), bdf, "driver_override"), buf,
	      len);
	buf[strcspn(buf, "\n")] = '\0';
	if (!strcmp(buf, "(null)"))
		buf[0] = '\0';
}

/* drivers_probe: the override's driver, else the native one (edu-stub). */
static void fk_probe(int dfd, const char *bdf)
{
	char cur[64], ovr[64], rel[128];
	struct stat st;

	if (*linked(dfd, bdf, cur, sizeof(cur)))
		return;
	fk_override(dfd, bdf, ovr, sizeof(ovr));
	snprintf(rel, sizeof(rel), "bus/pci/drivers/%s",
		 ovr[0] ? ovr : "edu-stub");
	if (!fstatat(dfd, rel, &st, 0))
		fk_link(dfd, bdf, ovr[0] ? ovr : "edu-stub");
}

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && !strcmp(s + a - b, tail);
}

/* The driver named by "bus/pci/drivers/NAME/..." into out. */
static void driver_of(const char *rel, char *out, size_t len)
{
	const char *p = rel + strlen("bus/pci/drivers/");

	snprintf(out, len, "%.*s", (int)strcspn(p, "/"), p);
}

static int fk_written(void *ctx, int dfd, const char *rel, const char *buf)
{
	struct fake_kernel *fk = ctx;
	char val[64], cur[64], drv[64], ovr[64];

	if (fk->writes < LOG_MAX)
		snprintf(fk->log[fk->writes], sizeof(fk->log[0]), "%s=%s", rel,
			 buf);
	fk->writes++;
	snprintf(val, sizeof(val), "%.*s", (int)strcspn(buf, "\n"), buf);

	if (ends_with(rel, "/driver_override")) {
		if (!val[0])
			put_file(dfd, rel, "(null)\n");
		return 0;
	}
	if (!strcmp(rel, "bus/pci/drivers_probe")) {
		if (fk->probe_dead)
			return 0;
		if (fk->probe_after)
			snprintf(fk->pending, sizeof(fk->pending), "%.31s",
				 val);
		else
			fk_probe(dfd, val);
		return 0;
	}
	linked(dfd, val, cur, sizeof(cur));
	if (ends_with(rel, "/unbind")) {
		if (!strncmp(rel, "bus/pci/drivers/", 16))
			driver_of(rel, drv, sizeof(drv));
		else
			snprintf(drv, sizeof(drv), "%s", cur);
		if (!cur[0] || strcmp(cur, drv))
			return -ENODEV;
		fk_unlink(dfd, val);
		return 0;
	}
	if (ends_with(rel, "/bind")) {
		driver_of(rel, drv, sizeof(drv));
		fk_override(dfd, val, ovr, sizeof(ovr));
		if (cur[0])
			return -EBUSY;
		if (fk->bind_fails || (ovr[0] && strcmp(ovr, drv)))
			return -ENODEV;
		fk_link(dfd, val, drv);
	}
	return 0;
}

static void fk_polling(void *ctx, int dfd, const char *bdf, unsigned int n)
{
	struct fake_kernel *fk = ctx;

	fk->polls++;
	if (fk->pending[0] && !strcmp(fk->pending, bdf) && n >= fk->probe_after) {
		fk_probe(dfd, bdf);
		fk->pending[0] = '\0';
	}
}

static int fk_recorded(void *ctx, const struct iod_pci_binding *b)
{
	struct fake_kernel *fk = ctx;

	fk->recorded++;
	return fk->journal ? iod_pci_binding_save(fk->journal, b) : 0;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

FIXTURE(sysfs)
{
	char tmp[128];		/* the mkdtemp directory */
	char root[160];		/* tmp/sys, the fake sysfs root */
	char state[160];	/* tmp/state, a state file path */
	int dfd;		/* the fake root */
	struct fake_kernel fk;
	struct iod_pci_hooks hooks;
	struct iod_pci_binding b;
	char err[1024];
};

static void add_device(struct __test_metadata *_metadata, int dfd,
		       const char *bdf, const char *vendor, const char *device,
		       const char *drv)
{
	char rel[128], target[128];

	snprintf(rel, sizeof(rel), "devices/pci0000:00/%s", bdf);
	ASSERT_EQ(0, mkdirat(dfd, rel, 0755));
	snprintf(target, sizeof(target), "../../../devices/pci0000:00/%s", bdf);
	snprintf(rel, sizeof(rel), "bus/pci/devices/%s", bdf);
	ASSERT_EQ(0, symlinkat(target, dfd, rel));
	ASSERT_EQ(0, put_file(dfd, dev_file(rel, sizeof(rel), bdf, "vendor"),
			      vendor));
	ASSERT_EQ(0, put_file(dfd, dev_file(rel, sizeof(rel), bdf, "device"),
			      device));
	ASSERT_EQ(0, put_file(dfd, dev_file(rel, sizeof(rel), bdf,
					    "driver_override"), "(null)\n"));
	if (drv)
		fk_link(dfd, bdf, drv);
}

FIXTURE_SETUP(sysfs)
{
	static const char *const dirs[] = {
		"devices", "devices/pci0000:00", "bus", "bus/pci",
		"bus/pci/devices", "bus/pci/drivers",
		"bus/pci/drivers/edu-stub", "bus/pci/drivers/vfio-pci",
	};
	static const char *const files[] = {
		"bus/pci/drivers/edu-stub/bind",
		"bus/pci/drivers/edu-stub/unbind",
		"bus/pci/drivers/vfio-pci/bind",
		"bus/pci/drivers/vfio-pci/unbind",
		"bus/pci/drivers_probe",
	};
	const char *t = getenv("TMPDIR");
	size_t i;

	self->dfd = -1;
	snprintf(self->tmp, sizeof(self->tmp), "%s/iodirty-sysfs.XXXXXX",
		 t && *t && strlen(t) < 64 ? t : "/tmp");
	ASSERT_NE(NULL, mkdtemp(self->tmp));
	snprintf(self->root, sizeof(self->root), "%s/sys", self->tmp);
	snprintf(self->state, sizeof(self->state), "%s/state", self->tmp);
	ASSERT_EQ(0, mkdir(self->root, 0755));
	self->dfd = open(self->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->dfd);
	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		ASSERT_EQ(0, mkdirat(self->dfd, dirs[i], 0755));
	for (i = 0; i < ARRAY_SIZE(files); i++)
		ASSERT_EQ(0, put_file(self->dfd, files[i], ""));
	add_device(_metadata, self->dfd, DEV2, "0x8086\n", "0x100e\n",
		   "edu-stub");
	add_device(_metadata, self->dfd, DEV3, "0x1234\n", "0x11e8\n",
		   "edu-stub");
	add_device(_metadata, self->dfd, DEV4, "0x1234\n", "0x11e8\n", NULL);

	memset(&self->fk, 0, sizeof(self->fk));
	self->hooks.ctx = &self->fk;
	self->hooks.recorded = fk_recorded;
	self->hooks.written = fk_written;
	self->hooks.polling = fk_polling;
}

FIXTURE_TEARDOWN(sysfs)
{
	if (self->dfd >= 0)
		close(self->dfd);
	if (self->tmp[0] && strcmp(self->tmp + strlen(self->tmp) - 6, "XXXXXX"))
		nftw(self->tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* How many of the driver control files hold anything. */
static int control_writes(int dfd)
{
	static const char *const files[] = {
		"bus/pci/drivers/edu-stub/bind",
		"bus/pci/drivers/edu-stub/unbind",
		"bus/pci/drivers/vfio-pci/bind",
		"bus/pci/drivers/vfio-pci/unbind",
		"bus/pci/drivers_probe",
	};
	char buf[64];
	size_t i;
	int n = 0;

	for (i = 0; i < ARRAY_SIZE(files); i++)
		n += !!*slurp(dfd, files[i], buf, sizeof(buf));
	return n;
}

static const char *file_of(int dfd, const char *bdf, const char *name,
			   char *buf, size_t len)
{
	char rel[128];

	return slurp(dfd, dev_file(rel, sizeof(rel), bdf, name), buf, len);
}

/* Nothing written anywhere in the fake tree. */
#define ASSERT_UNTOUCHED() do { \
	char _b[64]; \
	ASSERT_EQ(0, self->fk.writes); \
	ASSERT_EQ(0, self->fk.recorded); \
	ASSERT_EQ(0, control_writes(self->dfd)); \
	ASSERT_STREQ("(null)\n", file_of(self->dfd, DEV2, "driver_override", \
					 _b, sizeof(_b))); \
	ASSERT_STREQ("(null)\n", file_of(self->dfd, DEV3, "driver_override", \
					 _b, sizeof(_b))); \
	ASSERT_STREQ("edu-stub", linked(self->dfd, DEV2, _b, sizeof(_b))); \
	ASSERT_STREQ("edu-stub", linked(self->dfd, DEV3, _b, sizeof(_b))); \
} while (0)

static int bind3(FIXTURE_DATA(sysfs) *self, const char *bdf,
		 const char *driver, const char *allow, unsigned int settle_ms)
{
	return iod_pci_bind_ex(self->root, bdf, driver, allow, settle_ms,
			       &self->hooks, &self->b, self->err,
			       sizeof(self->err));
}

TEST(bdf_parse_good)
{
	static const char *const cases[][2] = {
		{ "0000:00:03.0", "0000:00:03.0" },
		{ "00:03.0", "0000:00:03.0" },
		{ "0000:AB:1F.7", "0000:ab:1f.7" },
		{ "ff:1f.7", "0000:ff:1f.7" },
		{ "0001:02:00.1", "0001:02:00.1" },
		{ "10000:00:01.0", "10000:00:01.0" },
		{ "00000001:00:00.0", "0001:00:00.0" },
	};
	char out[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(out, 'x', sizeof(out));
		EXPECT_EQ(0, iod_bdf_parse(cases[i][0], out, sizeof(out)))
			TH_LOG("input '%s'", cases[i][0]);
		EXPECT_STREQ(cases[i][1], out);
	}
	/* exactly enough room */
	EXPECT_EQ(0, iod_bdf_parse("00:03.0", out, 13));
	EXPECT_STREQ("0000:00:03.0", out);
}

TEST(bdf_parse_bad)
{
	static const char *const cases[] = {
		"", "0", "00:03", "00:03.", "0:00:03.0", "000:00:03.0",
		"000000000:00:03.0", "0000:00:20.0", "0000:00:03.8",
		"0000:0:03.0", "0000:00:3.0", "0000:00:03.00", "0000:00:03.0x",
		"zz:03.0", "0000:g0:03.0", " 00:03.0", "00:03.0 ",
		"0000:00:03.0\n", "0000-00-03.0", "0000:00:03:0",
		"0000:00:00:03.0", "+000:00:03.0", "0x00:00:03.0",
	};
	char out[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		errno = 0;
		EXPECT_EQ(-EINVAL, iod_bdf_parse(cases[i], out, sizeof(out)))
			TH_LOG("input '%s'", cases[i]);
		EXPECT_EQ(EINVAL, errno);
	}
	EXPECT_EQ(-EINVAL, iod_bdf_parse(NULL, out, sizeof(out)));
	/* no room for the canonical form */
	EXPECT_EQ(-EINVAL, iod_bdf_parse("00:03.0", out, 12));
	EXPECT_EQ(-EINVAL, iod_bdf_parse("00:03.0", out, 0));
}

TEST(allow_list)
{
	/* short and long forms on either side */
	EXPECT_TRUE(iod_bdf_allowed("00:03.0", DEV3));
	EXPECT_TRUE(iod_bdf_allowed("0000:00:03.0", "00:03.0"));
	EXPECT_TRUE(iod_bdf_allowed("00:03.0", "00:03.0"));
	EXPECT_TRUE(iod_bdf_allowed("0000:00:0A.0", "00:0a.0"));
	/* separators */
	EXPECT_TRUE(iod_bdf_allowed("0000:00:04.0,00:03.0", DEV3));
	EXPECT_TRUE(iod_bdf_allowed("0000:00:04.0 00:03.0", DEV3));
	EXPECT_TRUE(iod_bdf_allowed(" ,0000:00:04.0 , 00:03.0,", DEV3));
	EXPECT_TRUE(iod_bdf_allowed(ALLOW, DEV4));
	EXPECT_TRUE(iod_bdf_allowed("junk,00:03.0", DEV3));
	/* nothing else */
	EXPECT_FALSE(iod_bdf_allowed(ALLOW, DEV2));
	EXPECT_FALSE(iod_bdf_allowed("0001:00:03.0", DEV3));
	EXPECT_FALSE(iod_bdf_allowed("0000:00:03.1", DEV3));
	EXPECT_FALSE(iod_bdf_allowed("00:03.0x", DEV3));
	EXPECT_FALSE(iod_bdf_allowed("00:03.00:03.0", DEV3));
	EXPECT_FALSE(iod_bdf_allowed("*", DEV3));
	EXPECT_FALSE(iod_bdf_allowed("00:03.0", "not-a-bdf"));
	EXPECT_FALSE(iod_bdf_allowed("00:03.0", NULL));
	/* an empty list refuses everything */
	EXPECT_FALSE(iod_bdf_allowed(NULL, DEV3));
	EXPECT_FALSE(iod_bdf_allowed("", DEV3));
	EXPECT_FALSE(iod_bdf_allowed(" , ,", DEV3));
}

TEST_F(sysfs, refuse_not_allow_listed)
{
	errno = 0;
	ASSERT_EQ(-EPERM, bind3(self, DEV2, "vfio-pci", ALLOW, 0));
	ASSERT_EQ(EPERM, errno);
	ASSERT_NE(NULL, strstr(self->err, "allow list"));
	ASSERT_NE(NULL, strstr(self->err, "; "));
	ASSERT_UNTOUCHED();

	/* no list and an empty list allow nothing */
	ASSERT_EQ(-EPERM, bind3(self, DEV3, "vfio-pci", NULL, 0));
	ASSERT_EQ(-EPERM, bind3(self, DEV3, "vfio-pci", "", 0));
	ASSERT_EQ(-EPERM, iod_pci_bind(self->root, DEV3, "vfio-pci", " ", 0,
				       &self->b, self->err, sizeof(self->err)));
	ASSERT_UNTOUCHED();

	/* even a sysfs root that does not exist is never looked at */
	ASSERT_EQ(-EPERM, iod_pci_bind("/nonexistent", DEV3, "vfio-pci", NULL,
				       0, &self->b, self->err,
				       sizeof(self->err)));
}

TEST_F(sysfs, bad_arguments)
{
	ASSERT_EQ(-EINVAL, bind3(self, "00:03", "vfio-pci", ALLOW, 0));
	ASSERT_NE(NULL, strstr(self->err, "lspci -D"));
	ASSERT_EQ(-EINVAL, bind3(self, DEV3, "../vfio-pci", ALLOW, 0));
	ASSERT_EQ(-EINVAL, bind3(self, DEV3, "", ALLOW, 0));
	ASSERT_EQ(-EINVAL, bind3(self, DEV3, "..", ALLOW, 0));
	ASSERT_UNTOUCHED();
}

TEST_F(sysfs, missing_device)
{
	errno = 0;
	ASSERT_EQ(-ENODEV, bind3(self, "00:09.0", "vfio-pci", "00:09.0", 0));
	ASSERT_EQ(ENODEV, errno);
	ASSERT_NE(NULL, strstr(self->err, "0000:00:09.0"));
	ASSERT_NE(NULL, strstr(self->err, "; check the address"));
	ASSERT_UNTOUCHED();
}

TEST_F(sysfs, missing_driver)
{
	errno = 0;
	ASSERT_EQ(-ENOENT, bind3(self, DEV3, "nope-pci", ALLOW, 0));
	ASSERT_EQ(ENOENT, errno);
	ASSERT_NE(NULL, strstr(self->err, "modprobe nope-pci"));
	ASSERT_UNTOUCHED();
}

TEST_F(sysfs, bind_from_bound_driver)
{
	char buf[128];

	ASSERT_EQ(0, bind3(self, "00:03.0", "vfio-pci", ALLOW, 0));
	ASSERT_STREQ("", self->err);

	/* the original state is recorded, before any write */
	ASSERT_STREQ(self->root, self->b.sysfs);
	ASSERT_STREQ(DEV3, self->b.bdf);
	ASSERT_STREQ("edu-stub", self->b.orig_driver);
	ASSERT_STREQ("vfio-pci", self->b.driver);
	ASSERT_STREQ("", self->b.orig_override);
	ASSERT_EQ(1, self->fk.recorded);

	/* override, unbind, probe: in that order and nothing else */
	ASSERT_EQ(3, self->fk.writes);
	ASSERT_STREQ("bus/pci/devices/" DEV3 "/driver_override=vfio-pci\n",
		     self->fk.log[0]);
	ASSERT_STREQ("bus/pci/devices/" DEV3 "/driver/unbind=" DEV3,
		     self->fk.log[1]);
	ASSERT_STREQ("bus/pci/drivers_probe=" DEV3, self->fk.log[2]);
	ASSERT_STREQ("vfio-pci\n", file_of(self->dfd, DEV3, "driver_override",
					   buf, sizeof(buf)));
	ASSERT_STREQ(DEV3, slurp(self->dfd, "bus/pci/drivers/edu-stub/unbind",
				 buf, sizeof(buf)));
	ASSERT_STREQ(DEV3, slurp(self->dfd, "bus/pci/drivers_probe", buf,
				 sizeof(buf)));

	ASSERT_STREQ("vfio-pci", linked(self->dfd, DEV3, buf, sizeof(buf)));
	ASSERT_EQ(0, iod_pci_vfio_cdev(self->root, DEV3, buf, sizeof(buf)));
	ASSERT_STREQ("/dev/vfio/devices/vfio3", buf);
	/* the host device next to it is untouched */
	ASSERT_STREQ("edu-stub", linked(self->dfd, DEV2, buf, sizeof(buf)));
}

TEST_F(sysfs, bind_unbound_device)
{
	char buf[128];

	ASSERT_EQ(0, bind3(self, DEV4, "vfio-pci", ALLOW, 0));
	ASSERT_STREQ("", self->b.orig_driver);
	ASSERT_STREQ("", self->b.orig_override);
	ASSERT_EQ(2, self->fk.writes);
	ASSERT_STREQ("bus/pci/devices/" DEV4 "/driver_override=vfio-pci\n",
		     self->fk.log[0]);
	ASSERT_STREQ("bus/pci/drivers_probe=" DEV4, self->fk.log[1]);
	ASSERT_STREQ("", slurp(self->dfd, "bus/pci/drivers/edu-stub/unbind",
			       buf, sizeof(buf)));
	ASSERT_STREQ("vfio-pci", linked(self->dfd, DEV4, buf, sizeof(buf)));

	/* restore leaves it driverless, as it was */
	ASSERT_EQ(0, iod_pci_restore_ex(&self->b, &self->hooks, self->err,
					sizeof(self->err)));
	ASSERT_STREQ("", linked(self->dfd, DEV4, buf, sizeof(buf)));
	ASSERT_STREQ("(null)\n", file_of(self->dfd, DEV4, "driver_override",
					 buf, sizeof(buf)));
}

TEST_F(sysfs, already_bound_to_vfio)
{
	char buf[64];

	fk_unlink(self->dfd, DEV3);
	fk_link(self->dfd, DEV3, "vfio-pci");

	ASSERT_EQ(0, bind3(self, DEV3, "vfio-pci", ALLOW, 0));
	ASSERT_STREQ("vfio-pci", self->b.orig_driver);
	ASSERT_STREQ("vfio-pci", self->b.driver);
	ASSERT_EQ(0, self->fk.writes);
	ASSERT_EQ(0, self->fk.recorded);
	ASSERT_EQ(0, control_writes(self->dfd));

	/* and undoing it is a no-op too */
	ASSERT_EQ(0, iod_pci_restore_ex(&self->b, &self->hooks, self->err,
					sizeof(self->err)));
	ASSERT_EQ(0, self->fk.writes);
	ASSERT_STREQ("vfio-pci", linked(self->dfd, DEV3, buf, sizeof(buf)));
}

TEST_F(sysfs, settle_waits_for_probe)
{
	char buf[64];

	self->fk.probe_after = 3;
	ASSERT_EQ(0, bind3(self, DEV3, "vfio-pci", ALLOW, 1000));
	ASSERT_EQ(4U, self->fk.polls);
	ASSERT_STREQ("vfio-pci", linked(self->dfd, DEV3, buf, sizeof(buf)));
}

TEST_F(sysfs, settle_timeout_rolls_back)
{
	struct timespec t0, t1;
	char buf[128];
	long ms;

	self->fk.probe_dead = true;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	errno = 0;
	ASSERT_EQ(-EIO, bind3(self, DEV3, "vfio-pci", ALLOW, 20));
	ASSERT_EQ(EIO, errno);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ASSERT_LE(20, ms);
	ASSERT_GT(1000, ms);
	ASSERT_NE(NULL, strstr(self->err, "did not bind to vfio-pci within 20 ms"));
	ASSERT_NE(NULL, strstr(self->err, "; check dmesg"));
	ASSERT_LT(1U, self->fk.polls);

	/* rolled back: override cleared, given back to edu-stub */
	ASSERT_EQ(5, self->fk.writes);
	ASSERT_STREQ("bus/pci/devices/" DEV3 "/driver_override=\n",
		     self->fk.log[3]);
	ASSERT_STREQ("bus/pci/drivers/edu-stub/bind=" DEV3, self->fk.log[4]);
	ASSERT_STREQ("edu-stub", linked(self->dfd, DEV3, buf, sizeof(buf)));
	ASSERT_STREQ("(null)\n", file_of(self->dfd, DEV3, "driver_override",
					 buf, sizeof(buf)));
}

TEST_F(sysfs, failed_write_rolls_back)
{
	char buf[64];

	/* the kernel refuses the probe write: roll back, report it */
	ASSERT_EQ(0, unlinkat(self->dfd, "bus/pci/drivers_probe", 0));
	ASSERT_EQ(-ENOENT, bind3(self, DEV3, "vfio-pci", ALLOW, 0));
	ASSERT_NE(NULL, strstr(self->err, "probing " DEV3 " for vfio-pci failed"));
	ASSERT_STREQ("edu-stub", linked(self->dfd, DEV3, buf, sizeof(buf)));
	ASSERT_STREQ("(null)\n", file_of(self->dfd, DEV3, "driver_override",
					 buf, sizeof(buf)));
}

TEST_F(sysfs, restore_rebinds_original)
{
	char buf[128];

	ASSERT_EQ(0, bind3(self, DEV3, "vfio-pci", ALLOW, 0));
	ASSERT_EQ(3, self->fk.writes);
	ASSERT_EQ(0, iod_pci_restore_ex(&self->b, &self->hooks, self->err,
					sizeof(self->err)));
	ASSERT_STREQ("", self->err);
	ASSERT_EQ(6, self->fk.writes);
	ASSERT_STREQ("bus/pci/drivers/vfio-pci/unbind=" DEV3, self->fk.log[3]);
	ASSERT_STREQ("bus/pci/devices/" DEV3 "/driver_override=\n",
		     self->fk.log[4]);
	ASSERT_STREQ("bus/pci/drivers/edu-stub/bind=" DEV3, self->fk.log[5]);
	ASSERT_STREQ("edu-stub", linked(self->dfd, DEV3, buf, sizeof(buf)));
	ASSERT_STREQ("(null)\n", file_of(self->dfd, DEV3, "driver_override",
					 buf, sizeof(buf)));
	ASSERT_EQ(-ENOENT, iod_pci_vfio_cdev(self->root, DEV3, buf,
					     sizeof(buf)));

	/* idempotent: a second restore writes nothing */
	ASSERT_EQ(0, iod_pci_restore_ex(&self->b, &self->hooks, self->err,
					sizeof(self->err)));
	ASSERT_EQ(6, self->fk.writes);
}

TEST_F(sysfs, restore_puts_back_old_override)
{
	char buf[64];

	ASSERT_EQ(0, put_file(self->dfd, "bus/pci/devices/" DEV3 "/driver_override",
			      "edu-stub\n"));
	ASSERT_EQ(0, bind3(self, DEV3, "vfio-pci", ALLOW, 0));
	ASSERT_STREQ("edu-stub", self->b.orig_override);
	ASSERT_EQ(0, iod_pci_restore_ex(&self->b, &self->hooks, self->err,
					sizeof(self->err)));
	ASSERT_STREQ("edu-stub\n", file_of(self->dfd, DEV3, "driver_override",
					   buf, sizeof(buf)));
	ASSERT_STREQ("edu-stub", linked(self->dfd, DEV3, buf, sizeof(buf)));
}

TEST_F(sysfs, restore_falls_back_to_probe)
{
	char buf[64];

	ASSERT_EQ(0, bind3(self, DEV3, "vfio-pci", ALLOW, 0));
	self->fk.bind_fails = true;
	self->fk.probe_after = 2;
	ASSERT_EQ(0, iod_pci_restore_ex(&self->b, &self->hooks, self->err,
					sizeof(self->err)));
	ASSERT_STREQ("bus/pci/drivers/edu-stub/bind=" DEV3, self->fk.log[5]);
	ASSERT_STREQ("bus/pci/drivers_probe=" DEV3, self->fk.log[6]);
	ASSERT_STREQ("edu-stub", linked(self->dfd, DEV3, buf, sizeof(buf)));
}

TEST_F(sysfs, restore_leaves_foreign_binding)
{
	char buf[64];

	ASSERT_EQ(0, bind3(self, DEV3, "vfio-pci", ALLOW, 0));
	/* someone else changed the override since: not ours to unbind */
	ASSERT_EQ(0, put_file(self->dfd, "bus/pci/devices/" DEV3 "/driver_override",
			      "other\n"));
	errno = 0;
	ASSERT_EQ(-EBUSY, iod_pci_restore_ex(&self->b, &self->hooks, self->err,
					     sizeof(self->err)));
	ASSERT_EQ(EBUSY, errno);
	ASSERT_NE(NULL, strstr(self->err, "left alone"));
	ASSERT_EQ(3, self->fk.writes);
	ASSERT_STREQ("vfio-pci", linked(self->dfd, DEV3, buf, sizeof(buf)));

	/* a device that is gone cannot be restored */
	fk_unlink(self->dfd, DEV3);
	ASSERT_EQ(0, unlinkat(self->dfd, "bus/pci/devices/" DEV3, 0));
	ASSERT_EQ(-ENODEV, iod_pci_restore(&self->b, self->err,
					   sizeof(self->err)));
	ASSERT_NE(NULL, strstr(self->err, "rescan"));
}

TEST_F(sysfs, state_round_trip)
{
	struct iod_pci_binding got[3], want[2];
	char text[1024];

	self->fk.journal = self->state;
	ASSERT_EQ(0, bind3(self, DEV3, "vfio-pci", ALLOW, 0));
	want[0] = self->b;
	ASSERT_EQ(0, bind3(self, DEV4, "vfio-pci", ALLOW, 0));
	want[1] = self->b;
	ASSERT_EQ(2, self->fk.recorded);

	memset(got, 0xa5, sizeof(got));
	ASSERT_EQ(2, iod_pci_binding_load(self->state, got, 3));
	ASSERT_EQ(0, memcmp(&want[0], &got[0], sizeof(want[0])));
	ASSERT_EQ(0, memcmp(&want[1], &got[1], sizeof(want[1])));
	ASSERT_STREQ("edu-stub", got[0].orig_driver);
	ASSERT_STREQ("", got[1].orig_driver);
	ASSERT_STREQ(self->root, got[1].sysfs);

	slurp(AT_FDCWD, self->state, text, sizeof(text));
	ASSERT_NE(NULL, strstr(text, "[binding]\nsysfs="));
	ASSERT_NE(NULL, strstr(text, "\nbdf=" DEV4 "\n"));
	ASSERT_NE(NULL, strstr(text, "\norig_driver=edu-stub\n"));

	/* too small an array, missing file, malformed files */
	ASSERT_EQ(-E2BIG, iod_pci_binding_load(self->state, got, 1));
	ASSERT_EQ(-ENOENT, iod_pci_binding_load("/nonexistent/state", got, 3));
	ASSERT_EQ(0, put_file(AT_FDCWD, self->state, "bdf=" DEV3 "\n"));
	ASSERT_EQ(-EINVAL, iod_pci_binding_load(self->state, got, 3));
	ASSERT_EQ(0, put_file(AT_FDCWD, self->state,
			      "[binding]\nsysfs=/sys\nbdf=junk\ndriver=vfio-pci\n"));
	ASSERT_EQ(-EINVAL, iod_pci_binding_load(self->state, got, 3));
	ASSERT_EQ(0, put_file(AT_FDCWD, self->state,
			      "# comment\n\n[binding]\nsysfs=/sys\nbdf=" DEV3
			      "\ndriver=vfio-pci\nfuture=1\n"));
	ASSERT_EQ(1, iod_pci_binding_load(self->state, got, 3));
	ASSERT_STREQ("", got[0].orig_driver);
	ASSERT_EQ(0, put_file(AT_FDCWD, self->state, ""));
	ASSERT_EQ(0, iod_pci_binding_load(self->state, got, 3));

	/* a record that could not be read back is not written */
	want[0].orig_override[0] = '\n';
	ASSERT_EQ(-EINVAL, iod_pci_binding_save(self->state, &want[0]));
}

TEST_F(sysfs, cdev_lookup)
{
	char path[64];

	ASSERT_EQ(-ENOENT, iod_pci_vfio_cdev(self->root, DEV3, path,
					     sizeof(path)));
	ASSERT_EQ(-ENODEV, iod_pci_vfio_cdev(self->root, "00:09.0", path,
					     sizeof(path)));
	ASSERT_EQ(-EINVAL, iod_pci_vfio_cdev(self->root, "bogus", path,
					     sizeof(path)));
	ASSERT_EQ(0, bind3(self, DEV3, "vfio-pci", ALLOW, 0));
	ASSERT_EQ(0, iod_pci_vfio_cdev(self->root, "00:03.0", path,
				       sizeof(path)));
	ASSERT_STREQ("/dev/vfio/devices/vfio3", path);
	ASSERT_EQ(-ENAMETOOLONG, iod_pci_vfio_cdev(self->root, DEV3, path, 8));
}

TEST_F(sysfs, ids_and_find)
{
	unsigned int vendor = 0, device = 0;
	char found[4][32];

	ASSERT_EQ(0, iod_pci_ids(self->root, "00:03.0", &vendor, &device));
	ASSERT_EQ(0x1234U, vendor);
	ASSERT_EQ(0x11e8U, device);
	ASSERT_EQ(-ENODEV, iod_pci_ids(self->root, "00:09.0", &vendor,
				       &device));

	ASSERT_EQ(2, iod_pci_find(self->root, 0x1234, 0x11e8, found, 4));
	ASSERT_STREQ(DEV3, found[0]);
	ASSERT_STREQ(DEV4, found[1]);
	ASSERT_EQ(2, iod_pci_find(self->root, 0x1234, 0x11e8, found, 1));
	ASSERT_EQ(1, iod_pci_find(self->root, 0x8086, 0x100e, found, 4));
	ASSERT_STREQ(DEV2, found[0]);
	ASSERT_EQ(0, iod_pci_find(self->root, 0x1af4, 0x1000, found, 4));
}

/*
 * Run the CLI on the fake tree: its exit status (-1 if it did not exit),
 * stdout and stderr.
 */
static int run_cli(FIXTURE_DATA(sysfs) *self, const char *bin,
		   char *const argv[], char *out, size_t outlen, char *err,
		   size_t errlen)
{
	char outp[192], errp[192];
	int status, fd;
	pid_t pid;

	snprintf(outp, sizeof(outp), "%s/cli.out", self->tmp);
	snprintf(errp, sizeof(errp), "%s/cli.err", self->tmp);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		setenv("IODIRTY_SYSFS", self->root, 1);
		unsetenv("IODIRTY_ALLOW");
		fd = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(127);
		fd = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(127);
		execv(bin, argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	slurp(AT_FDCWD, outp, out, outlen);
	slurp(AT_FDCWD, errp, err, errlen);
	return WEXITSTATUS(status);
}

#define NEED_BIN(bin) do { \
	if (!bin || !*bin) \
		SKIP(return, "IODIRTY_BIND_BIN is not set: build runners/bind/main.c and point it at the binary"); \
	if (access(bin, X_OK)) \
		SKIP(return, "IODIRTY_BIND_BIN=%s is not an executable", bin); \
} while (0)

TEST_F(sysfs, cli_restore)
{
	const char *bin = getenv("IODIRTY_BIND_BIN");
	char *const argv[] = { (char *)bin, "restore", "--state", self->state,
			       NULL };
	char out[256], err[1024], buf[64];

	NEED_BIN(bin);

	/* two devices bound and journalled as the CLI's bind would */
	self->fk.journal = self->state;
	ASSERT_EQ(0, bind3(self, DEV3, "vfio-pci", ALLOW, 0));
	ASSERT_EQ(0, bind3(self, DEV4, "vfio-pci", ALLOW, 0));
	ASSERT_EQ(0, put_file(self->dfd, "bus/pci/drivers/vfio-pci/unbind", ""));

	ASSERT_EQ(0, run_cli(self, bin, argv, out, sizeof(out), err,
			     sizeof(err)))
		TH_LOG("stderr: %s", err);
	ASSERT_STREQ("", out);
	ASSERT_STREQ("", err);
	ASSERT_NE(0, access(self->state, F_OK));
	/* newest first: DEV4, then DEV3, so DEV3's unbind landed last */
	ASSERT_STREQ(DEV3, slurp(self->dfd, "bus/pci/drivers/vfio-pci/unbind",
				 buf, sizeof(buf)));
	ASSERT_STREQ(DEV3, slurp(self->dfd, "bus/pci/drivers/edu-stub/bind",
				 buf, sizeof(buf)));
	ASSERT_STREQ("\n", file_of(self->dfd, DEV3, "driver_override", buf,
				   sizeof(buf)));
	ASSERT_STREQ("\n", file_of(self->dfd, DEV4, "driver_override", buf,
				   sizeof(buf)));

	/* a missing state file is a no-op success */
	ASSERT_EQ(0, run_cli(self, bin, argv, out, sizeof(out), err,
			     sizeof(err)));
	ASSERT_STREQ("", err);

	/* a malformed one is an error, and is kept */
	ASSERT_EQ(0, put_file(AT_FDCWD, self->state, "garbage\n"));
	ASSERT_EQ(1, run_cli(self, bin, argv, out, sizeof(out), err,
			     sizeof(err)));
	ASSERT_EQ(0, strncmp(err, "iodirty-bind: error: ", 21));
	ASSERT_NE(NULL, strstr(err, "\niodirty-bind: next: "));
	ASSERT_EQ(0, access(self->state, F_OK));
}

TEST_F(sysfs, cli_commands)
{
	const char *bin = getenv("IODIRTY_BIND_BIN");
	char *const refuse[] = { (char *)bin, "bind", "--allow", ALLOW,
				 "--state", self->state, DEV2, NULL };
	char *const no_args[] = { (char *)bin, "bind", NULL };
	char *const cdev[] = { (char *)bin, "cdev", "00:03.0", NULL };
	char *const find[] = { (char *)bin, "find", "1234:11e8", NULL };
	char *const find_none[] = { (char *)bin, "find", "1af4:1000", NULL };
	char out[256], err[1024];

	NEED_BIN(bin);

	/* refusal: one error line, one next line, nothing written */
	ASSERT_EQ(1, run_cli(self, bin, refuse, out, sizeof(out), err,
			     sizeof(err)));
	ASSERT_EQ(0, strncmp(err, "iodirty-bind: error: " DEV2 " is not in the allow list",
			     21 + 12 + 23));
	ASSERT_NE(NULL, strstr(err, "\niodirty-bind: next: "));
	ASSERT_UNTOUCHED();
	ASSERT_NE(0, access(self->state, F_OK));

	ASSERT_EQ(2, run_cli(self, bin, no_args, out, sizeof(out), err,
			     sizeof(err)));

	ASSERT_EQ(1, run_cli(self, bin, cdev, out, sizeof(out), err,
			     sizeof(err)));
	ASSERT_NE(NULL, strstr(err, "has no VFIO cdev"));
	ASSERT_EQ(0, bind3(self, DEV3, "vfio-pci", ALLOW, 0));
	ASSERT_EQ(0, run_cli(self, bin, cdev, out, sizeof(out), err,
			     sizeof(err)));
	ASSERT_STREQ("/dev/vfio/devices/vfio3\n", out);

	ASSERT_EQ(0, run_cli(self, bin, find, out, sizeof(out), err,
			     sizeof(err)));
	ASSERT_STREQ(DEV3 "\n" DEV4 "\n", out);
	ASSERT_EQ(1, run_cli(self, bin, find_none, out, sizeof(out), err,
			     sizeof(err)));
	ASSERT_STREQ("", out);
}

TEST_HARNESS_MAIN
