// SPDX-License-Identifier: GPL-2.0
/*
 * What detect knows about this machine: kernel release, command line and
 * config, the IOMMU units and their dirty capability (the kernel's own
 * answer through IOMMU_GET_HW_INFO where a named device is bound to
 * vfio-pci, the registers otherwise), the machine, and from those the
 * detect.iommu / detect.dirty / detect.machine values profiles match on.
 */
#include <stdio.h>
#include <string.h>

#include "probe.h"
#include "uapi/iommufd.h"

void probe_unit_hw_info(struct probe_unit *u, const struct probe_dev *d,
			const struct probe_hw_info *hi)
{
	bool dirty = hi->caps & IOMMU_HW_CAP_DIRTY_TRACKING;
	char more[96] = "";

	if (hi->type == PROBE_HW_INFO_TYPE_ARM_SMMUV3 && hi->nregs >= 1) {
		unsigned int httu = (hi->regs[0] >> SMMU_IDR0_HTTU_SHIFT) & 3;

		snprintf(more, sizeof(more), "; IDR0 0x%llx: HTTU=%u (%s)",
			 (unsigned long long)hi->regs[0], httu,
			 httu == SMMU_IDR0_HTTU_HD ? "access and dirty" :
			 httu == 1 ? "access flag only" : "none");
	}
	u->dirty = dirty ? PROBE_YES : PROBE_NO;
	snprintf(u->why, sizeof(u->why), "IOMMU_GET_HW_INFO through %s@%s: IOMMU_HW_CAP_DIRTY_TRACKING %s%s",
		 d->name, d->bdf, dirty ? "set" : "clear", more);
}

/*
 * Units the named devices sit behind; when none maps, every hardware unit
 * (the mock IOMMU the selftest registers beside them is not one): mask.
 */
static unsigned long long relevant_units(const struct probe_facts *f)
{
	unsigned long long mask = 0;
	int i, u;

	for (i = 0; i < f->ndevs; i++) {
		u = probe_unit_of_dev(f->units, f->nunits, f->devs[i].bdf);
		if (u >= 0)
			mask |= 1ull << u;
	}
	if (mask)
		return mask;
	for (i = 0; i < f->nunits; i++)
		if (f->units[i].kind != PROBE_KIND_MOCK)
			mask |= 1ull << i;
	return mask;
}

void probe_facts_decide(struct probe_facts *f)
{
	unsigned long long mask = relevant_units(f);
	int i, yes = 0, no = 0, unknown = 0;
	const char *kind = NULL;

	for (i = 0; i < f->nunits; i++) {
		const struct probe_unit *u = &f->units[i];

		if (!(mask & (1ull << i)))
			continue;
		if (kind && strcmp(kind, probe_kind_name(u->kind)))
			kind = "mixed";
		else if (!kind)
			kind = probe_kind_name(u->kind);
		yes += u->dirty == PROBE_YES;
		no += u->dirty == PROBE_NO;
		unknown += u->dirty == PROBE_UNKNOWN;
	}
	if (kind) {
		snprintf(f->iommu, sizeof(f->iommu), "%s", kind);
		if (yes && !no && !unknown)
			f->dirty = PROBE_YES;
		else if (no && !yes && !unknown)
			f->dirty = PROBE_NO;
		else
			f->dirty = PROBE_UNKNOWN;
		if (yes && no)
			snprintf(f->dirty_why, sizeof(f->dirty_why), "the IOMMU units differ; name the device under test with --devices");
		else
			snprintf(f->dirty_why, sizeof(f->dirty_why), "%s%s", f->units[__builtin_ctzll(mask)].why,
				 yes + no + unknown > 1 ? " (and the other units alike)" : "");
		return;
	}
	if (probe_kopt_has(&f->kc, KOPT_IOMMUFD_TEST)) {
		snprintf(f->iommu, sizeof(f->iommu), "mock");
		f->dirty = PROBE_YES;
		snprintf(f->dirty_why, sizeof(f->dirty_why), "no hardware IOMMU; the iommufd mock IOMMU (CONFIG_IOMMUFD_TEST) tracks dirty pages");
		return;
	}
	snprintf(f->iommu, sizeof(f->iommu), "none");
	f->dirty = PROBE_UNKNOWN;
	snprintf(f->dirty_why, sizeof(f->dirty_why), "no IOMMU in /sys/class/iommu and no CONFIG_IOMMUFD_TEST");
}

void probe_facts_gather(struct probe_facts *f, const struct probe_dev *devs,
			int ndevs)
{
	int i, u, n;

	memset(f, 0, sizeof(*f));
	probe_release(f->release, sizeof(f->release));
	probe_read(f->cmdline, sizeof(f->cmdline), "/proc/cmdline");
	probe_kconfig_read(&f->kc, f->release);
	n = probe_units_read(f->units, PROBE_MAX_UNITS);
	f->nunits = n > 0 ? n : 0;
	f->sm = PROBE_UNKNOWN;
	for (i = 0; i < f->nunits; i++) {
		enum probe_tri sm = PROBE_UNKNOWN;

		if (f->units[i].kind == PROBE_KIND_INTEL) {
			sm = probe_intel_sm(&f->units[i], &f->kc, f->cmdline,
					    f->sm_why, sizeof(f->sm_why));
			f->sm = sm;
		}
		probe_unit_dirty(&f->units[i], sm);
	}
	for (i = 0; devs && i < ndevs && i < PROBE_MAX_DEVS; i++) {
		f->devs[i] = devs[i];
		f->ndevs++;
		if (!probe_exists("/sys/bus/pci/devices/%s", devs[i].bdf))
			continue;
		f->hw_tried[i] = true;
		if (probe_hw_info(devs[i].bdf, &f->hw[i]))
			continue;
		u = probe_unit_of_dev(f->units, f->nunits, devs[i].bdf);
		if (u >= 0)
			probe_unit_hw_info(&f->units[u], &devs[i], &f->hw[i]);
	}
	probe_facts_decide(f);
	probe_machine(f->machine, sizeof(f->machine), f->machine_why,
		      sizeof(f->machine_why));
}
