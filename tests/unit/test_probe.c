// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of iodirty-probe detect (runners/probe/): fake sysfs/proc
 * trees of machines, laid out as the 6.12 kernel lays them out, and the
 * profile the real profiles/ directory gives for each.
 *
 *   sys/class/iommu/dmar0/intel-iommu/{cap,ecap}     VT-d
 *   sys/class/iommu/ivhd0/amd-iommu/{cap,features}   AMD-Vi ("EFR:EFR2")
 *   sys/class/iommu/virtio0/device/driver -> virtio_iommu
 *   sys/class/iommu/iommufd_selftest_iommu.0         the mock
 *   sys/bus/pci/devices/BDF/{iommu,iommu_group}, sys/class/dmi/id/sys_vendor
 *   proc/cmdline, proc/sys/kernel/osrelease, proc/config.gz, boot/config-REL
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
#include "uapi/iommufd.h"

/* ECAP of QEMU 7.2 intel-iommu,x-scalable-mode=on, read in the lab guest. */
#define QEMU_ECAP "480080f00f4a"
/* That, with SLADS (45), SMPWC (48) and NEST (26) set: silicon with SSADS. */
#define SSADS_ECAP "1680084f00f4a"
/* EFR of QEMU 7.2 amd-iommu (no HDSup), and one with HDSup (52). */
#define QEMU_EFR "29d3"
#define HD_EFR "100000000029d3"

FIXTURE(probe) {
	char tmp[128];
	char profiles[512];
	struct probe_facts f;
	struct probe_pick pk;
};

FIXTURE_SETUP(probe)
{
	const char *top = getenv("IODIRTY_TOP");

	ASSERT_EQ(0, fake_tree_new(self->tmp, sizeof(self->tmp), "probe"));
	snprintf(self->profiles, sizeof(self->profiles), "%s/profiles",
		 top && *top ? top : ".");
	probe_set_root(self->tmp);
	ASSERT_EQ(0, put_p(self->tmp, "proc/sys/kernel/osrelease", "6.12.117\n"));
	ASSERT_EQ(0, put_p(self->tmp, "proc/cmdline", "console=ttyS0\n"));
	ASSERT_EQ(0, mkdirs(self->tmp, "sys/class/iommu"));
	ASSERT_EQ(0, mkdirs(self->tmp, "sys/bus/pci/devices"));
}

FIXTURE_TEARDOWN(probe)
{
	probe_set_root(NULL);
	fake_tree_rm(self->tmp);
}

static int vtd(const char *tmp, const char *unit, const char *ecap)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "sys/class/iommu/%s/intel-iommu/cap", unit);
	if (put_p(tmp, rel, "d2008c22260286\n"))
		return -1;
	snprintf(rel, sizeof(rel), "sys/class/iommu/%s/intel-iommu/ecap", unit);
	return put(tmp, rel, ecap);
}

static int amd(const char *tmp, const char *efr)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s:0\n", efr);
	return put_p(tmp, "sys/class/iommu/ivhd0/amd-iommu/cap", "190b0003\n") ||
	       put(tmp, "sys/class/iommu/ivhd0/amd-iommu/features", buf);
}

/* A QEMU machine without DMI: QEMU's host bridge subsystem vendor. */
static int qemu_bridge(const char *tmp)
{
	return put_p(tmp, "sys/devices/pci0000:00/0000:00:00.0/subsystem_vendor",
		     "0x1af4\n") ||
	       link_p(tmp, "sys/bus/pci/devices/0000:00:00.0",
		      "../../../devices/pci0000:00/0000:00:00.0");
}

static int vendor(const char *tmp, const char *v)
{
	return put_p(tmp, "sys/class/dmi/id/sys_vendor", v);
}

static int pick(FIXTURE_DATA(probe) *self)
{
	probe_facts_gather(&self->f, NULL, 0);
	return probe_pick(self->profiles, &self->f, &self->pk);
}

TEST_F(probe, intel_silicon_with_ssads_in_scalable_mode_is_intel_vtd)
{
	ASSERT_EQ(0, vtd(self->tmp, "dmar0", SSADS_ECAP));
	ASSERT_EQ(0, vtd(self->tmp, "dmar1", SSADS_ECAP));
	ASSERT_EQ(0, vendor(self->tmp, "Dell Inc.\n"));
	ASSERT_EQ(0, put(self->tmp, "proc/cmdline", "intel_iommu=on,sm_on quiet\n"));
	ASSERT_EQ(0, pick(self)) TH_LOG("%s", self->pk.err);
	EXPECT_STREQ("intel-vtd", self->pk.name);
	EXPECT_STREQ("intel", self->f.iommu);
	EXPECT_EQ(PROBE_YES, self->f.dirty);
	EXPECT_EQ(PROBE_YES, self->f.sm);
	EXPECT_STREQ("other", self->f.machine);
	EXPECT_EQ(2, self->f.nunits);
}

TEST_F(probe, qemu_intel_iommu_without_slads_is_lab_intel)
{
	ASSERT_EQ(0, vtd(self->tmp, "dmar0", QEMU_ECAP));
	ASSERT_EQ(0, qemu_bridge(self->tmp));
	ASSERT_EQ(0, put(self->tmp, "proc/cmdline", "intel_iommu=on,sm_on iommu=nopt\n"));
	/* the lab kernel has IOMMUFD_TEST: its mock unit sits beside dmar0 */
	ASSERT_EQ(0, mkdirs(self->tmp, "sys/class/iommu/iommufd_selftest_iommu.0"));
	ASSERT_EQ(0, pick(self)) TH_LOG("%s", self->pk.err);
	EXPECT_STREQ("lab-intel", self->pk.name);
	EXPECT_EQ(PROBE_NO, self->f.dirty);
	EXPECT_NE(NULL, strstr(self->f.dirty_why, "SLADS=0 SMPWC=0"));
	EXPECT_STREQ("qemu", self->f.machine);
	EXPECT_EQ('p', self->f.kc.val[KOPT_IOMMUFD_TEST]);
}

TEST_F(probe, intel_silicon_without_slads_matches_no_profile)
{
	ASSERT_EQ(0, vtd(self->tmp, "dmar0", QEMU_ECAP));
	ASSERT_EQ(0, vendor(self->tmp, "LENOVO\n"));
	ASSERT_EQ(-1, pick(self));
	EXPECT_STREQ("", self->pk.name);
	EXPECT_NE(NULL, strstr(self->pk.err, "iommu=intel dirty=no machine=other"));
	EXPECT_NE(NULL, strstr(self->pk.err, "intel-vtd (wants dirty=yes)"));
	EXPECT_NE(NULL, strstr(self->pk.err, "lab-intel (wants machine=qemu)"));
	EXPECT_NE(NULL, strstr(self->pk.err, "--profile NAME")) TH_LOG("%s", self->pk.err);
}

TEST_F(probe, scalable_mode_off_means_no_dirty_tracking)
{
	ASSERT_EQ(0, vtd(self->tmp, "dmar0", SSADS_ECAP));
	/* the last intel_iommu= option wins, as in intel_iommu_setup() */
	ASSERT_EQ(0, put(self->tmp, "proc/cmdline",
			 "intel_iommu=sm_on intel_iommu=on,sm_off\n"));
	probe_facts_gather(&self->f, NULL, 0);
	EXPECT_EQ(PROBE_NO, self->f.sm);
	EXPECT_EQ(PROBE_NO, self->f.dirty);
	EXPECT_NE(NULL, strstr(self->f.dirty_why, "scalable mode is off"));
}

TEST_F(probe, scalable_mode_from_boot_config_and_unknown_without)
{
	ASSERT_EQ(0, vtd(self->tmp, "dmar0", SSADS_ECAP));
	probe_facts_gather(&self->f, NULL, 0);
	EXPECT_EQ(PROBE_UNKNOWN, self->f.sm);
	EXPECT_EQ(PROBE_UNKNOWN, self->f.dirty);
	ASSERT_EQ(0, put_p(self->tmp, "boot/config-6.12.117",
			   "CONFIG_IOMMUFD=m\n"
			   "CONFIG_INTEL_IOMMU=y\n"
			   "CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON=y\n"
			   "# CONFIG_IOMMUFD_TEST is not set\n"));
	probe_facts_gather(&self->f, NULL, 0);
	EXPECT_STREQ("/boot/config-6.12.117", self->f.kc.source);
	EXPECT_EQ('m', self->f.kc.val[KOPT_IOMMUFD]);
	EXPECT_EQ('n', self->f.kc.val[KOPT_IOMMUFD_TEST]);
	/* an option the file does not name is not set */
	EXPECT_EQ('n', self->f.kc.val[KOPT_VFIO_PCI]);
	EXPECT_EQ(PROBE_YES, self->f.sm);
	EXPECT_EQ(PROBE_YES, self->f.dirty);
}

TEST_F(probe, amd_with_hdsup_is_amd_vi)
{
	ASSERT_EQ(0, amd(self->tmp, HD_EFR));
	ASSERT_EQ(0, vendor(self->tmp, "Supermicro\n"));
	ASSERT_EQ(0, pick(self)) TH_LOG("%s", self->pk.err);
	EXPECT_STREQ("amd-vi", self->pk.name);
	EXPECT_EQ(PROBE_YES, self->f.dirty);
	EXPECT_NE(NULL, strstr(self->f.dirty_why, "HDSup=1"));
}

TEST_F(probe, qemu_amd_iommu_without_hdsup_is_lab_amd)
{
	ASSERT_EQ(0, amd(self->tmp, QEMU_EFR));
	ASSERT_EQ(0, vendor(self->tmp, "QEMU\n"));
	ASSERT_EQ(0, pick(self)) TH_LOG("%s", self->pk.err);
	EXPECT_STREQ("lab-amd", self->pk.name);
	EXPECT_EQ(PROBE_NO, self->f.dirty);
	EXPECT_NE(NULL, strstr(self->f.dirty_why, "HDSup=0 HASup=0"));
}

TEST_F(probe, amd_silicon_without_hdsup_matches_no_profile)
{
	ASSERT_EQ(0, amd(self->tmp, QEMU_EFR));
	ASSERT_EQ(-1, pick(self));
	EXPECT_NE(NULL, strstr(self->pk.err, "amd-vi (wants dirty=yes)"));
}

TEST_F(probe, virtio_iommu_by_its_driver_is_lab_virtio)
{
	ASSERT_EQ(0, link_p(self->tmp, "sys/bus/virtio/drivers/virtio_iommu/x", "x"));
	ASSERT_EQ(0, link_p(self->tmp, "sys/devices/virtio0/driver",
			    "../../bus/virtio/drivers/virtio_iommu"));
	ASSERT_EQ(0, link_p(self->tmp, "sys/class/iommu/virtio0/device",
			    "../../../devices/virtio0"));
	ASSERT_EQ(0, vendor(self->tmp, "QEMU\n"));
	ASSERT_EQ(0, pick(self)) TH_LOG("%s", self->pk.err);
	EXPECT_STREQ("lab-virtio", self->pk.name);
	EXPECT_EQ(PROBE_NO, self->f.dirty);
}

TEST_F(probe, no_iommu_but_iommufd_test_in_config_gz_is_mock)
{
	char cmd[512];

	ASSERT_EQ(0, put_p(self->tmp, "proc/config",
			   "CONFIG_IOMMUFD=y\nCONFIG_IOMMUFD_TEST=y\n"));
	snprintf(cmd, sizeof(cmd), "gzip -n %s/proc/config", self->tmp);
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(0, pick(self)) TH_LOG("%s", self->pk.err);
	EXPECT_STREQ("/proc/config.gz", self->f.kc.source);
	EXPECT_EQ('y', self->f.kc.val[KOPT_IOMMUFD_TEST]);
	EXPECT_STREQ("mock", self->pk.name);
}

TEST_F(probe, mock_is_not_picked_beside_a_hardware_iommu)
{
	ASSERT_EQ(0, mkdirs(self->tmp, "sys/class/iommu/iommufd_selftest_iommu.0"));
	ASSERT_EQ(0, pick(self)) TH_LOG("%s", self->pk.err);
	EXPECT_STREQ("mock", self->pk.name);
	ASSERT_EQ(0, amd(self->tmp, QEMU_EFR));
	ASSERT_EQ(0, vendor(self->tmp, "QEMU\n"));
	ASSERT_EQ(0, pick(self)) TH_LOG("%s", self->pk.err);
	EXPECT_STREQ("lab-amd", self->pk.name);
}

TEST_F(probe, unknown_hardware_lists_every_profile)
{
	ASSERT_EQ(0, link_p(self->tmp, "sys/devices/platform/foo/driver",
			    "../../../bus/platform/drivers/foo-iommu"));
	ASSERT_EQ(0, link_p(self->tmp, "sys/class/iommu/foo.0/device",
			    "../../../devices/platform/foo"));
	ASSERT_EQ(-1, pick(self));
	EXPECT_STREQ("other", self->f.iommu);
	EXPECT_NE(NULL, strstr(self->pk.err, "no profile describes this machine"));
	EXPECT_NE(NULL, strstr(self->pk.err, "amd-vi"));
	EXPECT_NE(NULL, strstr(self->pk.err, "arm-smmuv3"));
	EXPECT_NE(NULL, strstr(self->pk.err, "mock (wants iommu=mock)"));
	EXPECT_NE(NULL, strstr(self->pk.err, "riscv"));
	EXPECT_NE(NULL, strstr(self->pk.err, "pass --profile NAME"));
}

TEST_F(probe, a_named_device_narrows_to_its_iommu_unit)
{
	struct probe_dev d = { .name = "nvme", .bdf = "0000:00:11.0" };

	/* two units that differ: only the device's decides */
	ASSERT_EQ(0, vtd(self->tmp, "dmar0", QEMU_ECAP));
	ASSERT_EQ(0, vtd(self->tmp, "dmar1", SSADS_ECAP));
	ASSERT_EQ(0, put(self->tmp, "proc/cmdline", "intel_iommu=sm_on\n"));
	probe_facts_gather(&self->f, NULL, 0);
	EXPECT_EQ(PROBE_UNKNOWN, self->f.dirty);
	ASSERT_EQ(0, mkdirs(self->tmp, "sys/devices/pci0000:00/0000:00:11.0"));
	ASSERT_EQ(0, link_p(self->tmp, "sys/devices/pci0000:00/0000:00:11.0/iommu",
			    "../../virtual/iommu/dmar1"));
	ASSERT_EQ(0, link_p(self->tmp, "sys/bus/pci/devices/0000:00:11.0",
			    "../../../devices/pci0000:00/0000:00:11.0"));
	probe_facts_gather(&self->f, &d, 1);
	EXPECT_EQ(PROBE_YES, self->f.dirty);
	/* not bound: GET_HW_INFO is not tried on a fake tree */
	EXPECT_NE(0, self->f.hw[0].err);
}

TEST_F(probe, smmuv3_dirty_from_get_hw_info_is_arm_smmuv3)
{
	struct probe_dev d = { .name = "nic", .bdf = "0000:01:00.0" };
	struct probe_hw_info hi = {
		.type = PROBE_HW_INFO_TYPE_ARM_SMMUV3,
		.caps = IOMMU_HW_CAP_DIRTY_TRACKING,
		.regs = { 0x0e8fb2bf },	/* IDR0: HTTU (7:6) = 2 */
		.nregs = 8,
	};

	ASSERT_EQ(0, link_p(self->tmp, "sys/devices/platform/smmu/driver",
			    "../../../bus/platform/drivers/arm-smmu-v3"));
	ASSERT_EQ(0, link_p(self->tmp, "sys/class/iommu/smmu3.0x0000000009050000/device",
			    "../../../devices/platform/smmu"));
	/* IDR0 is not in sysfs: without a device, dirty is unknown */
	ASSERT_EQ(0, pick(self)) TH_LOG("%s", self->pk.err);
	EXPECT_STREQ("smmuv3", self->f.iommu);
	EXPECT_EQ(PROBE_UNKNOWN, self->f.dirty);
	EXPECT_STREQ("arm-smmuv3", self->pk.name);
	/* the kernel's answer through a bound device decides */
	probe_unit_hw_info(&self->f.units[0], &d, &hi);
	probe_facts_decide(&self->f);
	EXPECT_EQ(PROBE_YES, self->f.dirty);
	EXPECT_NE(NULL, strstr(self->f.dirty_why, "IDR0 0xe8fb2bf: HTTU=2 (access and dirty)"))
		TH_LOG("%s", self->f.dirty_why);
	hi.caps = 0;
	hi.regs[0] = 0x0e8fb27f;	/* HTTU = 1: access flag only */
	probe_unit_hw_info(&self->f.units[0], &d, &hi);
	probe_facts_decide(&self->f);
	EXPECT_EQ(PROBE_NO, self->f.dirty);
	EXPECT_NE(NULL, strstr(self->f.dirty_why, "HTTU=1 (access flag only)"));
	ASSERT_EQ(-1, probe_pick(self->profiles, &self->f, &self->pk));
	EXPECT_NE(NULL, strstr(self->pk.err, "arm-smmuv3 (wants dirty=yes)"));
}

TEST_F(probe, report_and_json)
{
	struct probe_kv *kv = probe_kv_new();
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	ASSERT_EQ(0, vtd(self->tmp, "dmar0", QEMU_ECAP));
	probe_facts_gather(&self->f, NULL, 0);
	probe_facts_report(&self->f, kv);
	EXPECT_STREQ("intel", probe_kv_get(kv, "iommu"));
	EXPECT_STREQ("no", probe_kv_get(kv, "dirty"));
	EXPECT_STREQ("0x480080f00f4a", probe_kv_get(kv, "unit.dmar0.ecap"));
	probe_kv_add(kv, "quote", "a \"b\"\n");
	f = open_memstream(&buf, &len);
	ASSERT_NE(NULL, f);
	probe_kv_print(kv, true, f);
	fclose(f);
	EXPECT_NE(NULL, strstr(buf, "\"iommu\": \"intel\",\n"));
	EXPECT_NE(NULL, strstr(buf, "\"quote\": \"a \\\"b\\\"\\u000a\"\n}"));
	free(buf);
	probe_kv_free(kv);
}

TEST(devices_lists)
{
	struct probe_dev d[PROBE_MAX_DEVS];
	char err[256];
	int n = 0;

	ASSERT_EQ(0, probe_devs_parse("edu@00:10.0,nvme@0000:00:11.0", false,
				      d, &n, err, sizeof(err)));
	ASSERT_EQ(0, probe_devs_parse("nvme@00:11.0", true, d, &n, err,
				      sizeof(err)));
	ASSERT_EQ(2, n);
	EXPECT_STREQ("0000:00:10.0", d[0].bdf);
	EXPECT_FALSE(d[0].scratch);
	EXPECT_STREQ("nvme", d[1].name);
	EXPECT_TRUE(d[1].scratch);
	EXPECT_EQ(-1, probe_devs_parse("nvme", false, d, &n, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "is not NAME@BDF"));
	EXPECT_EQ(-1, probe_devs_parse("NVMe@00:11.0", false, d, &n, err, sizeof(err)));
	EXPECT_EQ(-1, probe_devs_parse("disk@00:11.0", false, d, &n, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "named twice"));
	EXPECT_EQ(-1, probe_devs_parse("x@00:1g.0", false, d, &n, err, sizeof(err)));
}

TEST_HARNESS_MAIN
