// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of iodirty-probe doctor (runners/probe/doctor*.c) against
 * a fake tree of the lab's intel machine (QEMU intel-iommu, edu at 00:10.0,
 * an NVMe controller at 00:11.0): every check ok, then one thing broken at a
 * time: a shared IOMMU group, a mounted namespace, scalable mode off, no
 * huge pages, a device that is not there.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#include "fake_tree.h"
#include "probe.h"

#define PCI "sys/devices/pci0000:00"
#define EDU "0000:00:10.0"
#define NVME "0000:00:11.0"
#define NIC "0000:00:10.1"

FIXTURE(doctor) {
	char tmp[128];
	char profiles[512];
	struct probe_dev devs[PROBE_MAX_DEVS];
	int ndevs;
	char *out;
	size_t len;
};

/* A PCI device with class, driver (NULL: none) and IOMMU group. */
static int pci(const char *tmp, const char *bdf, const char *class,
	       const char *drv, int group)
{
	char rel[256], target[256];

	snprintf(rel, sizeof(rel), PCI "/%s/class", bdf);
	if (put_p(tmp, rel, class))
		return -1;
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s", bdf);
	snprintf(target, sizeof(target), "../../../devices/pci0000:00/%s", bdf);
	if (link_p(tmp, rel, target))
		return -1;
	snprintf(rel, sizeof(rel), PCI "/%s/iommu", bdf);
	if (link_p(tmp, rel, "../../virtual/iommu/dmar0"))
		return -1;
	snprintf(rel, sizeof(rel), PCI "/%s/iommu_group", bdf);
	snprintf(target, sizeof(target), "../../../kernel/iommu_groups/%d", group);
	if (link_p(tmp, rel, target))
		return -1;
	snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%d/devices/%s", group, bdf);
	snprintf(target, sizeof(target), "../../../../devices/pci0000:00/%s", bdf);
	if (link_p(tmp, rel, target))
		return -1;
	if (!drv)
		return 0;
	snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/%s", drv);
	if (mkdirs(tmp, rel))
		return -1;
	snprintf(rel, sizeof(rel), PCI "/%s/driver", bdf);
	snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", drv);
	return link_p(tmp, rel, target);
}

FIXTURE_SETUP(doctor)
{
	const char *top = getenv("IODIRTY_TOP");
	const char *t = self->tmp;
	char err[128];

	ASSERT_EQ(0, fake_tree_new(self->tmp, sizeof(self->tmp), "doctor"));
	snprintf(self->profiles, sizeof(self->profiles), "%s/profiles",
		 top && *top ? top : ".");
	probe_set_root(self->tmp);
	ASSERT_EQ(0, put_p(t, "proc/sys/kernel/osrelease", "6.12.117\n"));
	ASSERT_EQ(0, put_p(t, "proc/cmdline", "intel_iommu=on,sm_on iommu=nopt hugepages=64\n"));
	ASSERT_EQ(0, put_p(t, "proc/meminfo",
			   "MemTotal:        2000000 kB\nMemAvailable:    1800000 kB\n"
			   "HugePages_Total:      64\nHugepagesize:       2048 kB\n"));
	ASSERT_EQ(0, put_p(t, "proc/devices", "Character devices:\n  1 mem\n240 vfio-dev\n"));
	ASSERT_EQ(0, put_p(t, "proc/self/mountinfo",
			   "22 1 0:21 / / rw,relatime - tmpfs rootfs rw\n"));
	ASSERT_EQ(0, put_p(t, "dev/iommu", ""));
	ASSERT_EQ(0, put_p(t, "sys/class/iommu/dmar0/intel-iommu/ecap", "480080f00f4a\n"));
	ASSERT_EQ(0, put_p(t, "sys/class/iommu/dmar0/intel-iommu/cap", "d2008c22260286\n"));
	ASSERT_EQ(0, mkdirs(t, "sys/class/iommu/iommufd_selftest_iommu.0"));
	ASSERT_EQ(0, mkdirs(t, "sys/bus/pci/drivers/vfio-pci"));
	ASSERT_EQ(0, mkdirs(t, "sys/class/block"));
	ASSERT_EQ(0, pci(t, "0000:00:00.0", "0x060000", NULL, 0));
	ASSERT_EQ(0, put(t, PCI "/0000:00:00.0/subsystem_vendor", "0x1af4\n"));
	ASSERT_EQ(0, pci(t, EDU, "0x00ff00", NULL, 2));
	ASSERT_EQ(0, pci(t, NVME, "0x010802", "nvme", 3));
	/* the kernel's nvme driver has its namespace */
	ASSERT_EQ(0, put_p(t, PCI "/" NVME "/nvme/nvme0/nvme0n1/dev", "259:0\n"));
	ASSERT_EQ(0, mkdirs(t, PCI "/" NVME "/nvme/nvme0/nvme0n1/holders"));
	ASSERT_EQ(0, link_p(t, "sys/class/block/nvme0n1",
			    "../../devices/pci0000:00/" NVME "/nvme/nvme0/nvme0n1"));
	self->ndevs = 0;
	ASSERT_EQ(0, probe_devs_parse("edu@" EDU ",nvme@" NVME, false,
				      self->devs, &self->ndevs, err, sizeof(err)));
	self->out = NULL;
}

FIXTURE_TEARDOWN(doctor)
{
	probe_set_root(NULL);
	fake_tree_rm(self->tmp);
	free(self->out);
}

/* Run doctor (profile NULL: detected); its FAIL count. */
static int doctor(FIXTURE_DATA(doctor) *self, const char *profile, bool only)
{
	struct probe_doctor_opts o = { .profiles = self->profiles,
				       .profile = profile,
				       .only_devices = only };
	FILE *f;
	int n;

	free(self->out);
	self->out = NULL;
	f = open_memstream(&self->out, &self->len);
	if (!f)
		return -1;
	n = probe_doctor(&o, self->devs, self->ndevs, f);
	fclose(f);
	return n;
}

TEST_F(doctor, lab_intel_machine_is_all_ok)
{
	ASSERT_EQ(0, doctor(self, NULL, false)) TH_LOG("%s", self->out);
	EXPECT_EQ(NULL, strstr(self->out, "warn ")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "ok profile lab-intel (detected)\n"));
	EXPECT_NE(NULL, strstr(self->out, "ok VT-d scalable mode on: intel_iommu=sm_on"));
	EXPECT_NE(NULL, strstr(self->out, "ok edu@" EDU ": IOMMU group 2 holds only devices of this run"));
	EXPECT_NE(NULL, strstr(self->out, "ok nvme@" NVME " storage: no disk of it is in use; not named in --scratch: the run only reads its namespace"))
		TH_LOG("%s", self->out);
}

TEST_F(doctor, shared_group_names_each_foreign_device)
{
	/* a NIC with a host driver and a bridge share edu's group */
	ASSERT_EQ(0, pci(self->tmp, NIC, "0x020000", "e1000e", 2));
	ASSERT_EQ(0, pci(self->tmp, "0000:00:1c.0", "0x060400", "pcieport", 2));
	ASSERT_EQ(1, doctor(self, NULL, true)) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out,
			       "FAIL edu@" EDU ": IOMMU group 2 is shared with devices this run does not own: " NIC " (bound to e1000e)\n  fix: "))
		TH_LOG("%s", self->out);
	EXPECT_EQ(NULL, strstr(self->out, "0000:00:1c.0 (bound"));
}

TEST_F(doctor, shared_group_is_fine_when_every_member_is_ours)
{
	char err[128];

	ASSERT_EQ(0, pci(self->tmp, NIC, "0x020000", "e1000e", 2));
	ASSERT_EQ(0, probe_devs_parse("nic@" NIC, false, self->devs,
				      &self->ndevs, err, sizeof(err)));
	ASSERT_EQ(0, doctor(self, NULL, true)) TH_LOG("%s", self->out);
	ASSERT_EQ(0, pci(self->tmp, "0000:00:10.2", "0x020000", "vfio-pci", 2));
	ASSERT_EQ(0, doctor(self, NULL, true)) TH_LOG("%s", self->out);
}

TEST_F(doctor, mounted_namespace_is_refused_by_the_storage_guard)
{
	ASSERT_EQ(0, put(self->tmp, "proc/self/mountinfo",
			 "22 1 0:21 / / rw - tmpfs rootfs rw\n"
			 "30 22 259:0 / /data rw - ext4 /dev/nvme0n1 rw\n"));
	ASSERT_EQ(1, doctor(self, NULL, true)) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "FAIL nvme@" NVME " storage: " NVME
			       " holds storage in use: nvme0n1 mounted at /data, so it was left alone\n  fix: unmount it"))
		TH_LOG("%s", self->out);
}

TEST_F(doctor, scratch_device_is_said_to_be_written)
{
	char err[128];

	ASSERT_EQ(0, probe_devs_parse("nvme@" NVME, true, self->devs,
				      &self->ndevs, err, sizeof(err)));
	ASSERT_EQ(0, doctor(self, NULL, true));
	EXPECT_NE(NULL, strstr(self->out, "named in --scratch: the run may WRITE its namespace"));
}

TEST_F(doctor, missing_device_and_no_group)
{
	char err[128];

	ASSERT_EQ(0, probe_devs_parse("gone@0000:00:1f.7", false, self->devs,
				      &self->ndevs, err, sizeof(err)));
	ASSERT_EQ(0, unlink_rel(self->tmp, PCI "/" EDU "/iommu_group"));
	ASSERT_EQ(2, doctor(self, NULL, true)) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "FAIL gone@0000:00:1f.7: no such PCI device\n  fix: check the address with lspci -D\n"));
	EXPECT_NE(NULL, strstr(self->out, "FAIL edu@" EDU " has no IOMMU group"));
}

TEST_F(doctor, scalable_mode_off_fails_the_vtd_profile)
{
	ASSERT_EQ(0, put(self->tmp, "proc/cmdline", "intel_iommu=on,sm_off\n"));
	ASSERT_EQ(1, doctor(self, NULL, false)) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "FAIL VT-d scalable mode, which profile lab-intel needs, is off: intel_iommu=sm_off on the kernel command line\n  fix: add intel_iommu=sm_on"))
		TH_LOG("%s", self->out);
}

TEST_F(doctor, no_huge_pages_and_no_iommufd_are_warnings)
{
	ASSERT_EQ(0, put(self->tmp, "proc/meminfo",
			 "MemAvailable:    1800000 kB\nHugePages_Total:       0\n"));
	ASSERT_EQ(0, unlink_rel(self->tmp, "dev/iommu"));
	ASSERT_EQ(0, doctor(self, NULL, false)) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "warn no huge pages reserved (HugePages_Total 0): huge-page variants SKIP\n  fix: echo 64 > /proc/sys/vm/nr_hugepages"));
	EXPECT_NE(NULL, strstr(self->out, "warn no /dev/iommu (CONFIG_IOMMUFD unknown)"));
}

TEST_F(doctor, named_profile_of_another_iommu_warns_and_unknown_machine_fails)
{
	ASSERT_EQ(0, doctor(self, "lab-amd", false)) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "ok profile lab-amd (named)\n"));
	EXPECT_NE(NULL, strstr(self->out, "warn profile lab-amd describes a amd IOMMU, this machine has intel"));
	/* silicon without SLADS: no profile, one FAIL naming them */
	ASSERT_EQ(0, unlink_rel(self->tmp, PCI "/0000:00:00.0/subsystem_vendor"));
	ASSERT_EQ(1, doctor(self, NULL, false)) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "FAIL profile: no profile describes this machine"));
	EXPECT_NE(NULL, strstr(self->out, "  fix: pass --profile NAME"));
}

TEST_HARNESS_MAIN
