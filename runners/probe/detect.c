// SPDX-License-Identifier: GPL-2.0
/* The facts detect gathered, as report lines. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "probe.h"
#include "uapi/iommufd.h"

static void unit_lines(const struct probe_unit *u, struct probe_kv *kv)
{
	char key[128];

	snprintf(key, sizeof(key), "unit.%s.kind", u->name);
	probe_kv_add(kv, key, "%s", probe_kind_name(u->kind));
	if (u->driver[0]) {
		snprintf(key, sizeof(key), "unit.%s.driver", u->name);
		probe_kv_add(kv, key, "%s", u->driver);
	}
	if (u->have_regs && u->kind == PROBE_KIND_INTEL) {
		snprintf(key, sizeof(key), "unit.%s.cap", u->name);
		probe_kv_add(kv, key, "0x%llx", (unsigned long long)u->cap);
		snprintf(key, sizeof(key), "unit.%s.ecap", u->name);
		probe_kv_add(kv, key, "0x%llx", (unsigned long long)u->ecap);
	} else if (u->have_regs && u->kind == PROBE_KIND_AMD) {
		snprintf(key, sizeof(key), "unit.%s.efr", u->name);
		probe_kv_add(kv, key, "0x%llx", (unsigned long long)u->ecap);
		snprintf(key, sizeof(key), "unit.%s.efr2", u->name);
		probe_kv_add(kv, key, "0x%llx", (unsigned long long)u->efr2);
	}
	snprintf(key, sizeof(key), "unit.%s.dirty", u->name);
	probe_kv_add(kv, key, "%s (%s)", probe_tri_name(u->dirty), u->why);
}

static void dev_lines(const struct probe_facts *f, int i, struct probe_kv *kv)
{
	const struct probe_dev *d = &f->devs[i];
	const struct probe_hw_info *hi = &f->hw[i];
	char key[96], drv[64] = "", unit[64] = "", group[32] = "";
	int r;

	snprintf(key, sizeof(key), "device.%s", d->name);
	if (!probe_exists("/sys/bus/pci/devices/%s", d->bdf)) {
		probe_kv_add(kv, key, "%s (no such PCI device)", d->bdf);
		return;
	}
	probe_link_base(drv, sizeof(drv), "/sys/bus/pci/devices/%s/driver", d->bdf);
	probe_link_base(unit, sizeof(unit), "/sys/bus/pci/devices/%s/iommu", d->bdf);
	probe_link_base(group, sizeof(group), "/sys/bus/pci/devices/%s/iommu_group",
			d->bdf);
	probe_kv_add(kv, key, "%s driver=%s iommu=%s group=%s", d->bdf,
		     drv[0] ? drv : "none", unit[0] ? unit : "none",
		     group[0] ? group : "none");
	snprintf(key, sizeof(key), "device.%s.hw_info", d->name);
	if (hi->err) {
		probe_kv_add(kv, key, "unavailable: %s%s%s", hi->what,
			     hi->err < 0 && hi->err != -ENOENT ? ": " : "",
			     hi->err < 0 && hi->err != -ENOENT ? strerror(-hi->err) : "");
		return;
	}
	probe_kv_add(kv, key, "type=%s caps=0x%llx dirty_tracking=%s",
		     probe_hw_info_type_name(hi->type),
		     (unsigned long long)hi->caps,
		     hi->caps & IOMMU_HW_CAP_DIRTY_TRACKING ? "yes" : "no");
	for (r = 0; r < hi->nregs; r++) {
		snprintf(key, sizeof(key), "device.%s.hw_info.reg%d", d->name, r);
		probe_kv_add(kv, key, "0x%llx", (unsigned long long)hi->regs[r]);
	}
}

void probe_facts_report(const struct probe_facts *f, struct probe_kv *kv)
{
	char names[PROBE_MAX_UNITS * 66] = "";
	size_t used = 0;
	int i;

	probe_kv_add(kv, "kernel.release", "%s", f->release);
	probe_kv_add(kv, "kernel.cmdline", "%s", f->cmdline);
	probe_kv_add(kv, "kernel.config", "%s", f->kc.source[0] ? f->kc.source :
		     "unreadable (no /proc/config.gz, no /boot/config-RELEASE): options below come from what the running kernel shows");
	for (i = 0; i < KOPT_COUNT; i++) {
		if (f->kc.evidence[i][0])
			probe_kv_add(kv, probe_kopt_name(i), "present (%s)",
				     f->kc.evidence[i]);
		else
			probe_kv_add(kv, probe_kopt_name(i), "%s",
				     probe_kval_name(f->kc.val[i]));
	}
	for (i = 0; i < f->nunits; i++)
		used += snprintf(names + used, sizeof(names) - used, "%s%s",
				 i ? " " : "", f->units[i].name);
	probe_kv_add(kv, "iommu.units", "%s", f->nunits ? names : "none");
	for (i = 0; i < f->nunits; i++)
		unit_lines(&f->units[i], kv);
	if (f->sm != PROBE_UNKNOWN || f->sm_why[0])
		probe_kv_add(kv, "intel.scalable_mode", "%s", f->sm_why);
	for (i = 0; i < f->ndevs; i++)
		dev_lines(f, i, kv);
	probe_kv_add(kv, "iommu", "%s", f->iommu);
	probe_kv_add(kv, "dirty", "%s", probe_tri_name(f->dirty));
	probe_kv_add(kv, "dirty.from", "%s", f->dirty_why);
	probe_kv_add(kv, "machine", "%s", f->machine);
	probe_kv_add(kv, "machine.from", "%s", f->machine_why);
}
