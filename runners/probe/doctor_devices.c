// SPDX-License-Identifier: GPL-2.0
/*
 * Doctor's device checks, what `iodirty run` asks before binding: each named
 * device exists; its IOMMU group holds nothing a run could not own (every
 * other member is named in the run, bound to vfio-pci, or one the kernel
 * lets share a group with VFIO: no driver, pci-stub, pcieport); the storage
 * guard (runners/bind/disk_guard.h) finds none of its disks in use.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disk_guard.h"
#include "probe.h"

#define PCI "/sys/bus/pci/devices"
#define NVME_CLASS 0x010802

static bool named(const struct probe_dev *devs, int n, const char *bdf)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(devs[i].bdf, bdf))
			return true;
	return false;
}

/* Drivers the kernel lets share an IOMMU group with a VFIO device. */
static bool shares_ok(const char *drv)
{
	return !drv[0] || !strcmp(drv, "vfio-pci") || !strcmp(drv, "pci-stub") ||
	       !strcmp(drv, "pcieport");
}

static void check_group(const struct probe_dev *d, const struct probe_dev *devs,
			int n, FILE *out)
{
	char group[32], path[PATH_MAX], drv[64], bad[1024] = "", fine[512] = "";
	size_t nb = 0, nf = 0;
	struct dirent **de;
	int i, m;

	probe_link_base(group, sizeof(group), PCI "/%s/iommu_group", d->bdf);
	if (!group[0]) {
		probe_line(out, PROBE_FAIL,
			   "turn the IOMMU on (firmware VT-d/AMD-Vi, intel_iommu=on or amd_iommu=on) or pick a device behind it",
			   "%s@%s has no IOMMU group: no IOMMU translates its DMA",
			   d->name, d->bdf);
		return;
	}
	if (probe_path(path, sizeof(path), PCI "/%s/iommu_group/devices", d->bdf))
		return;
	m = scandir(path, &de, NULL, alphasort);
	if (m < 0) {
		probe_line(out, PROBE_FAIL, "run as root with sysfs mounted",
			   "%s@%s: cannot list the devices of IOMMU group %s",
			   d->name, d->bdf, group);
		return;
	}
	for (i = 0; i < m; i++) {
		const char *o = de[i]->d_name;

		if (o[0] == '.' || !strcmp(o, d->bdf) || named(devs, n, o))
			continue;
		probe_link_base(drv, sizeof(drv), PCI "/%s/driver", o);
		if (!strcmp(drv, "vfio-pci"))
			continue;
		if (shares_ok(drv) && nf < sizeof(fine))
			nf += snprintf(fine + nf, sizeof(fine) - nf, "%s%s (%s)",
				       nf ? ", " : "", o, drv[0] ? drv : "no driver");
		else if (!shares_ok(drv) && nb < sizeof(bad))
			nb += snprintf(bad + nb, sizeof(bad) - nb, "%s%s (bound to %s)",
				       nb ? ", " : "", o, drv);
	}
	for (i = 0; i < m; i++)
		free(de[i]);
	free(de);
	if (nb)
		probe_line(out, PROBE_FAIL,
			   "name those devices in --devices too (the run binds them to vfio-pci), or pick a device in a group of its own",
			   "%s@%s: IOMMU group %s is shared with devices this run does not own: %s",
			   d->name, d->bdf, group, bad);
	else
		probe_line(out, PROBE_OK, NULL, "%s@%s: IOMMU group %s%s%s",
			   d->name, d->bdf, group,
			   nf ? " also holds devices VFIO may share it with: " : " holds only devices of this run",
			   fine);
}

static void check_storage(const struct probe_dev *d, FILE *out)
{
	char sys[PATH_MAX], proc[PATH_MAX], dev[PATH_MAX], err[1024], *sep, *p;
	char (*names)[IOD_DISK_NAME_MAX];
	struct iod_disk_roots roots = { sys, proc, dev };
	const char *use = d->scratch ?
		"named in --scratch: the run may WRITE its namespace" :
		"not named in --scratch: the run only reads its namespace";
	uint64_t class = 0;
	int nd, rc;

	if (probe_path(sys, sizeof(sys), "/sys") ||
	    probe_path(proc, sizeof(proc), "/proc") ||
	    probe_path(dev, sizeof(dev), "/dev"))
		return;
	probe_read_hex(&class, PCI "/%s/class", d->bdf);
	names = calloc(1, sizeof(*names));
	nd = names ? iod_disk_list(&roots, d->bdf, names, 1) : 0;
	free(names);
	if (class != NVME_CLASS && nd <= 0)
		return;
	rc = iod_disk_guard(&roots, d->bdf, err, sizeof(err));
	if (!rc) {
		probe_line(out, PROBE_OK, NULL, "%s@%s storage: %s; %s", d->name,
			   d->bdf, nd > 0 ? "no disk of it is in use" :
			   "no disk of it on this host", class == NVME_CLASS ?
			   use : "not an NVMe controller");
		return;
	}
	sep = NULL;
	for (p = strstr(err, "; "); p; p = strstr(p + 1, "; "))
		sep = p;
	if (sep)
		*sep = '\0';
	probe_line(out, PROBE_FAIL, sep ? sep + 2 : "check the device",
		   "%s@%s storage: %s", d->name, d->bdf, err);
}

int probe_doctor_devices(const struct probe_dev *devs, int n, FILE *out)
{
	int start = probe_fail_count();
	char drv[64];
	int i;

	for (i = 0; i < n; i++) {
		const struct probe_dev *d = &devs[i];

		if (!probe_exists(PCI "/%s", d->bdf)) {
			probe_line(out, PROBE_FAIL,
				   "check the address with lspci -D",
				   "%s@%s: no such PCI device", d->name, d->bdf);
			continue;
		}
		probe_link_base(drv, sizeof(drv), PCI "/%s/driver", d->bdf);
		probe_line(out, PROBE_OK, NULL, "%s@%s exists (driver %s)",
			   d->name, d->bdf, drv[0] ? drv : "none");
		check_group(d, devs, n, out);
		check_storage(d, out);
	}
	return probe_fail_count() - start;
}
