// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of what the binder does after a program was killed
 * (runners/bind/pci_reset.h), on a fake sysfs and a fake proc:
 *
 *   sys/bus/pci/devices/BDF/{driver_override,driver,iommu_group,vfio-dev/vfio3}
 *   proc/PID/{comm,fd/N}	fd links to the device's cdev, its group, others
 *
 * iod_pci_holders() names every process with the device's VFIO cdev or
 * group open and nothing else; iod_pci_reset() refuses, before touching
 * anything, a device that is held (naming who holds it), one that is not on
 * vfio-pci, and one that does not exist. The reset itself needs a real
 * device: lab/safety's hang cases drive it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#include "pci_reset.h"

#define BDF "0000:00:03.0"
#define DEV "sys/bus/pci/devices/" BDF

FIXTURE(tree) {
	char tmp[128], sys[160], proc[160];
};

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path);
}

static void put(const char *dir, const char *rel, const char *content)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	if (f) {
		fputs(content, f);
		fclose(f);
	}
}

static void mk(const char *dir, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	mkdir(path, 0755);
}

static void ln(const char *dir, const char *rel, const char *target)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	unlink(path);
	if (symlink(target, path))
		perror(path);
}

/* A process pid (comm) with one descriptor linked to target. */
static void proc_add(const char *tmp, const char *pid, const char *comm,
		     const char *target)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "proc/%s", pid);
	mk(tmp, rel);
	snprintf(rel, sizeof(rel), "proc/%s/fd", pid);
	mk(tmp, rel);
	snprintf(rel, sizeof(rel), "proc/%s/comm", pid);
	put(tmp, rel, comm);
	snprintf(rel, sizeof(rel), "proc/%s/fd/3", pid);
	ln(tmp, rel, target);
}

FIXTURE_SETUP(tree)
{
	static const char *const dirs[] = {
		"sys", "sys/bus", "sys/bus/pci", "sys/bus/pci/devices",
		"sys/bus/pci/drivers", "sys/bus/pci/drivers/vfio-pci",
		"sys/bus/pci/drivers/nvme", DEV, DEV "/vfio-dev",
		DEV "/vfio-dev/vfio3", "proc",
	};
	const char *t = getenv("TMPDIR");
	size_t i;

	snprintf(self->tmp, sizeof(self->tmp), "%s/iodirty-reset.XXXXXX",
		 t && *t && strlen(t) < 64 ? t : "/tmp");
	ASSERT_NE(NULL, mkdtemp(self->tmp));
	snprintf(self->sys, sizeof(self->sys), "%s/sys", self->tmp);
	snprintf(self->proc, sizeof(self->proc), "%s/proc", self->tmp);
	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		mk(self->tmp, dirs[i]);
	put(self->tmp, DEV "/driver_override", "vfio-pci\n");
	ln(self->tmp, DEV "/driver", "../../drivers/vfio-pci");
	ln(self->tmp, DEV "/iommu_group", "../../../../kernel/iommu_groups/7");
	proc_add(self->tmp, "100", "stuck\n", "/dev/vfio/devices/vfio3");
	proc_add(self->tmp, "101", "other\n", "/dev/null");
	proc_add(self->tmp, "102", "grp\n", "/dev/vfio/7");
	proc_add(self->tmp, "103", "near\n", "/dev/vfio/devices/vfio30");
}

FIXTURE_TEARDOWN(tree)
{
	if (strcmp(self->tmp + strlen(self->tmp) - 6, "XXXXXX"))
		nftw(self->tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

TEST_F(tree, holders_are_who_has_the_cdev_or_the_group_open)
{
	char who[512];

	ASSERT_EQ(2, iod_pci_holders(self->sys, self->proc, BDF, who,
				     sizeof(who)));
	EXPECT_NE(NULL, strstr(who, "100 (stuck)")) TH_LOG("%s", who);
	EXPECT_NE(NULL, strstr(who, "102 (grp)")) TH_LOG("%s", who);
	EXPECT_EQ(NULL, strstr(who, "other")) TH_LOG("%s", who);
	EXPECT_EQ(NULL, strstr(who, "near")) TH_LOG("%s", who);
}

TEST_F(tree, no_holders)
{
	char who[512], rel[256];

	snprintf(rel, sizeof(rel), "%s/100/fd/3", self->proc);
	ASSERT_EQ(0, unlink(rel));
	snprintf(rel, sizeof(rel), "%s/102/fd/3", self->proc);
	ASSERT_EQ(0, unlink(rel));
	ASSERT_EQ(0, iod_pci_holders(self->sys, self->proc, BDF, who,
				     sizeof(who)));
	EXPECT_STREQ("", who);
}

TEST_F(tree, reset_refuses_a_held_device_naming_the_holders)
{
	char how[128] = "", err[1024] = "";

	EXPECT_EQ(-EBUSY, iod_pci_reset(self->sys, self->proc, BDF, how,
					sizeof(how), err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "still held open by")) TH_LOG("%s", err);
	EXPECT_NE(NULL, strstr(err, "100 (stuck)")) TH_LOG("%s", err);
	EXPECT_NE(NULL, strstr(err, "; ")) TH_LOG("no next step: %s", err);
	EXPECT_STREQ("", how);
}

TEST_F(tree, reset_refuses_a_device_not_on_vfio_pci)
{
	char how[128] = "", err[1024] = "";

	ln(self->tmp, DEV "/driver", "../../drivers/nvme");
	EXPECT_EQ(-EPERM, iod_pci_reset(self->sys, self->proc, BDF, how,
					sizeof(how), err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "is on 'nvme'")) TH_LOG("%s", err);
}

TEST_F(tree, reset_refuses_an_override_that_would_not_come_back)
{
	char how[128] = "", err[1024] = "";

	put(self->tmp, DEV "/driver_override", "(null)\n");
	EXPECT_EQ(-EPERM, iod_pci_reset(self->sys, self->proc, BDF, how,
					sizeof(how), err, sizeof(err)));
}

TEST_F(tree, reset_and_check_refuse_a_missing_device)
{
	char how[128] = "", err[1024] = "";

	EXPECT_EQ(-ENODEV, iod_pci_reset(self->sys, self->proc, "0000:00:09.0",
					 how, sizeof(how), err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "no PCI device")) TH_LOG("%s", err);
	EXPECT_EQ(-EINVAL, iod_pci_reset(self->sys, self->proc, "bogus", how,
					 sizeof(how), err, sizeof(err)));
	EXPECT_NE(0, iod_pci_check(self->sys, self->proc, "0000:00:09.0",
				   err, sizeof(err)));
}

TEST_HARNESS_MAIN
