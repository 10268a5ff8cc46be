// SPDX-License-Identifier: GPL-2.0
/*
 * The IOMMUs of ROOT/sys/class/iommu: which kind each is and its registers
 * where the driver shows them.
 *
 *   intel   dmarN/intel-iommu/{cap,ecap,version}
 *   amd     ivhdN/amd-iommu/{cap,features}  (features: "EFR:EFR2")
 *   smmuv3  smmu3.ADDR (driver arm-smmu-v3)
 *   riscv   riscv-iommu@DEV (driver riscv,iommu*)
 *   virtio  virtioN whose device's driver is virtio_iommu
 *   mock    iommufd_selftest_iommu.N (CONFIG_IOMMUFD_TEST registers it
 *           beside any hardware IOMMU)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

const char *probe_kind_name(enum probe_kind k)
{
	switch (k) {
	case PROBE_KIND_INTEL:
		return "intel";
	case PROBE_KIND_AMD:
		return "amd";
	case PROBE_KIND_SMMUV3:
		return "smmuv3";
	case PROBE_KIND_RISCV:
		return "riscv";
	case PROBE_KIND_VIRTIO:
		return "virtio";
	case PROBE_KIND_MOCK:
		return "mock";
	case PROBE_KIND_OTHER:
		break;
	}
	return "other";
}

static void read_intel(struct probe_unit *u)
{
	const char *d = "/sys/class/iommu";

	u->have_regs = !probe_read_hex(&u->cap, "%s/%s/intel-iommu/cap", d,
				       u->name) &&
		       !probe_read_hex(&u->ecap, "%s/%s/intel-iommu/ecap", d,
				       u->name);
}

static void read_amd(struct probe_unit *u)
{
	char buf[80], *colon, *end;
	uint64_t cap;

	if (probe_read_hex(&cap, "/sys/class/iommu/%s/amd-iommu/cap", u->name) ||
	    probe_read(buf, sizeof(buf), "/sys/class/iommu/%s/amd-iommu/features",
		       u->name))
		return;
	errno = 0;
	u->ecap = strtoull(buf, &end, 16);
	if (errno || end == buf)
		return;
	colon = strchr(buf, ':');
	u->efr2 = colon ? strtoull(colon + 1, NULL, 16) : 0;
	u->cap = cap;
	u->have_regs = true;
}

static void classify(struct probe_unit *u)
{
	const char *d = "/sys/class/iommu";

	probe_link_base(u->driver, sizeof(u->driver), "%s/%s/device/driver", d,
			u->name);
	if (probe_exists("%s/%s/intel-iommu", d, u->name)) {
		u->kind = PROBE_KIND_INTEL;
		read_intel(u);
	} else if (probe_exists("%s/%s/amd-iommu", d, u->name)) {
		u->kind = PROBE_KIND_AMD;
		read_amd(u);
	} else if (!strncmp(u->name, "iommufd_selftest_iommu", 22)) {
		u->kind = PROBE_KIND_MOCK;
	} else if (!strcmp(u->driver, "virtio_iommu")) {
		u->kind = PROBE_KIND_VIRTIO;
	} else if (!strcmp(u->driver, "arm-smmu-v3") ||
		   !strncmp(u->name, "smmu3.", 6)) {
		u->kind = PROBE_KIND_SMMUV3;
	} else if (!strncmp(u->driver, "riscv,iommu", 11) ||
		   !strncmp(u->name, "riscv-iommu", 11)) {
		u->kind = PROBE_KIND_RISCV;
	} else {
		u->kind = PROBE_KIND_OTHER;
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct probe_unit *)a)->name,
		      ((const struct probe_unit *)b)->name);
}

int probe_units_read(struct probe_unit *u, int max)
{
	char path[PATH_MAX];
	struct dirent *de;
	int n = 0;
	DIR *d;

	if (probe_path(path, sizeof(path), "/sys/class/iommu"))
		return -ENAMETOOLONG;
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)) && n < max) {
		if (de->d_name[0] == '.' ||
		    strlen(de->d_name) >= sizeof(u->name))
			continue;
		memset(&u[n], 0, sizeof(u[n]));
		strcpy(u[n].name, de->d_name);
		u[n].dirty = PROBE_UNKNOWN;
		classify(&u[n]);
		n++;
	}
	closedir(d);
	qsort(u, n, sizeof(*u), by_name);
	return n;
}

int probe_unit_of_dev(const struct probe_unit *u, int n, const char *bdf)
{
	char name[64];
	int i;

	if (probe_link_base(name, sizeof(name), "/sys/bus/pci/devices/%s/iommu",
			    bdf) || !name[0])
		return -1;
	for (i = 0; i < n; i++)
		if (!strcmp(u[i].name, name))
			return i;
	return -1;
}
