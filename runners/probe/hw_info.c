// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_GET_HW_INFO through a device bound to vfio-pci: its VFIO cdev
 * (ROOT/sys/bus/pci/devices/BDF/vfio-dev/vfioN -> ROOT/dev/vfio/devices/vfioN)
 * bound to a fresh /dev/iommu, then released. Only real character devices
 * are opened, so a fake tree never reaches a device.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pci_bind.h"
#include "probe.h"
#include "uapi/iommufd.h"
#include "uapi/vfio_cdev.h"

/* struct iommu_hw_info_arm_smmuv3 of 6.13's uAPI. */
struct hw_info_smmuv3 {
	uint32_t flags, reserved;
	uint32_t idr[6], iidr, aidr;
};

const char *probe_hw_info_type_name(uint32_t type)
{
	switch (type) {
	case IOMMU_HW_INFO_TYPE_NONE:
		return "none";
	case IOMMU_HW_INFO_TYPE_INTEL_VTD:
		return "intel_vtd";
	case PROBE_HW_INFO_TYPE_ARM_SMMUV3:
		return "arm_smmuv3";
	case 4:
		return "amd";
	case 0xfeedbeef:
		return "selftest";
	}
	return "unknown";
}

static bool is_chr(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISCHR(st.st_mode);
}

static int fail(struct probe_hw_info *hi, int err, const char *what)
{
	hi->err = err;
	snprintf(hi->what, sizeof(hi->what), "%s", what);
	return err;
}

static void decode(struct probe_hw_info *hi, const void *data)
{
	const struct iommu_hw_info_vtd *vtd = data;
	const struct hw_info_smmuv3 *smmu = data;
	int i;

	if (hi->type == IOMMU_HW_INFO_TYPE_INTEL_VTD) {
		hi->regs[0] = vtd->cap_reg;
		hi->regs[1] = vtd->ecap_reg;
		hi->nregs = 2;
	} else if (hi->type == PROBE_HW_INFO_TYPE_ARM_SMMUV3) {
		for (i = 0; i < 6; i++)
			hi->regs[i] = smmu->idr[i];
		hi->regs[6] = smmu->iidr;
		hi->regs[7] = smmu->aidr;
		hi->nregs = 8;
	}
}

int probe_hw_info(const char *bdf, struct probe_hw_info *hi)
{
	char sys[PATH_MAX], cdev[128], path[PATH_MAX], iommu[PATH_MAX];
	uint64_t data[16] = { 0 };
	struct iod_vfio_dev dev;
	uint32_t len = 0;
	int fd, rc;

	memset(hi, 0, sizeof(*hi));
	if (probe_path(sys, sizeof(sys), "/sys"))
		return fail(hi, -ENAMETOOLONG, "the root path is too long");
	rc = iod_pci_vfio_cdev(sys, bdf, cdev, sizeof(cdev));
	if (rc)
		return fail(hi, rc, rc == -ENOENT ?
			    "not bound to vfio-pci (no vfio-dev in sysfs)" :
			    "no such PCI device");
	if (probe_path(path, sizeof(path), "%s", cdev) ||
	    probe_path(iommu, sizeof(iommu), "/dev/iommu"))
		return fail(hi, -ENAMETOOLONG, "the root path is too long");
	if (!is_chr(path))
		return fail(hi, -ENOENT, "its VFIO cdev is not a character device here");
	if (!is_chr(iommu))
		return fail(hi, -ENOENT, "/dev/iommu is missing (no iommufd)");
	fd = open(iommu, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fail(hi, -errno, "open /dev/iommu");
	rc = iod_vfio_open(&dev, path);
	if (rc) {
		close(fd);
		return fail(hi, rc, "open the VFIO cdev (in use by another program?)");
	}
	rc = iod_vfio_bind_iommufd(&dev, fd);
	if (rc) {
		fail(hi, rc, "VFIO_DEVICE_BIND_IOMMUFD");
	} else {
		rc = iod_get_hw_info(fd, dev.dev_id, data, sizeof(data),
				     &hi->type, &hi->caps, &len);
		if (rc)
			fail(hi, rc, "IOMMU_GET_HW_INFO");
		else
			decode(hi, data);
	}
	iod_vfio_close(&dev);
	close(fd);
	return rc;
}
