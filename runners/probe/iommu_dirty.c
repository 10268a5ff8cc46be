// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty-tracking capability from an IOMMU's registers, as the 6.12 drivers
 * decide it:
 *   VT-d  ssads_supported() = scalable mode on && ECAP.SMTS (43) &&
 *         ECAP.SLADS (45) && ECAP.SMPWC (48); scalable mode is
 *         intel_iommu=sm_on|sm_off on the command line (the last one wins),
 *         else CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON
 *   AMD   amd_iommu_hd_support() = EFR.HDSup (52); HASup (49) is shown only
 *   virtio, riscv  no dirty tracking in the driver
 *   SMMUv3 IDR0.HTTU is not in sysfs: only IOMMU_GET_HW_INFO shows it
 */
#include <stdio.h>
#include <string.h>

#include "probe.h"

#define BIT_OF(v, b) ((unsigned int)(((v) >> (b)) & 1))

/* The last intel_iommu=...sm_on / sm_off of the command line. */
static enum probe_tri cmdline_sm(const char *cmdline)
{
	enum probe_tri sm = PROBE_UNKNOWN;
	const char *p = cmdline, *opt, *end;

	while (p && (p = strstr(p, "intel_iommu="))) {
		if (p != cmdline && p[-1] != ' ') {
			p++;
			continue;
		}
		opt = p + strlen("intel_iommu=");
		end = opt + strcspn(opt, " \n");
		while (opt < end) {
			size_t n = strcspn(opt, ",");

			if (n > (size_t)(end - opt))
				n = end - opt;
			if (n == 5 && !strncmp(opt, "sm_on", 5))
				sm = PROBE_YES;
			else if (n == 6 && !strncmp(opt, "sm_off", 6))
				sm = PROBE_NO;
			opt += n;
			while (opt < end && *opt == ',')
				opt++;
		}
		p = end;
	}
	return sm;
}

enum probe_tri probe_intel_sm(const struct probe_unit *u,
			      const struct probe_kconfig *kc, const char *cmdline,
			      char *why, size_t whylen)
{
	char def = kc->val[KOPT_INTEL_IOMMU_SM_DEFAULT_ON];
	enum probe_tri sm;

	if (u->have_regs && !BIT_OF(u->ecap, VTD_ECAP_SMTS)) {
		snprintf(why, whylen, "off: ECAP.SMTS (bit %d) of %s is 0, the hardware has no scalable mode",
			 VTD_ECAP_SMTS, u->name);
		return PROBE_NO;
	}
	sm = cmdline_sm(cmdline);
	if (sm != PROBE_UNKNOWN) {
		snprintf(why, whylen, "%s: intel_iommu=%s on the kernel command line",
			 sm == PROBE_YES ? "on" : "off",
			 sm == PROBE_YES ? "sm_on" : "sm_off");
		return sm;
	}
	if (def == 'y' || def == 'n') {
		snprintf(why, whylen, "%s: CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON %s and no intel_iommu=sm_on|sm_off on the command line",
			 def == 'y' ? "on" : "off", probe_kval_name(def));
		return def == 'y' ? PROBE_YES : PROBE_NO;
	}
	snprintf(why, whylen, "unknown: no intel_iommu=sm_on|sm_off on the command line and the kernel config cannot be read");
	return PROBE_UNKNOWN;
}

static void intel_dirty(struct probe_unit *u, enum probe_tri sm)
{
	uint64_t e = u->ecap;
	unsigned int smts = BIT_OF(e, VTD_ECAP_SMTS),
		     slads = BIT_OF(e, VTD_ECAP_SLADS),
		     smpwc = BIT_OF(e, VTD_ECAP_SMPWC);
	char regs[96];

	if (!u->have_regs) {
		u->dirty = PROBE_UNKNOWN;
		snprintf(u->why, sizeof(u->why), "cannot read /sys/class/iommu/%s/intel-iommu/ecap",
			 u->name);
		return;
	}
	snprintf(regs, sizeof(regs), "ECAP 0x%llx: SMTS=%u SLADS=%u SMPWC=%u NEST=%u",
		 (unsigned long long)e, smts, slads, smpwc,
		 BIT_OF(e, VTD_ECAP_NEST));
	if (!smts || !slads || !smpwc)
		u->dirty = PROBE_NO;
	else
		u->dirty = sm;
	snprintf(u->why, sizeof(u->why), "%s%s", regs,
		 !smts || !slads || !smpwc ? " (second-stage dirty tracking needs SMTS, SLADS and SMPWC)" :
		 sm == PROBE_YES ? " in scalable mode" :
		 sm == PROBE_NO ? ", but scalable mode is off" :
		 ", scalable mode unknown");
}

static void amd_dirty(struct probe_unit *u)
{
	if (!u->have_regs) {
		u->dirty = PROBE_UNKNOWN;
		snprintf(u->why, sizeof(u->why), "cannot read /sys/class/iommu/%s/amd-iommu/features",
			 u->name);
		return;
	}
	u->dirty = BIT_OF(u->ecap, AMD_EFR_HDSUP) ? PROBE_YES : PROBE_NO;
	snprintf(u->why, sizeof(u->why), "EFR 0x%llx: HDSup=%u HASup=%u",
		 (unsigned long long)u->ecap, BIT_OF(u->ecap, AMD_EFR_HDSUP),
		 BIT_OF(u->ecap, AMD_EFR_HASUP));
}

void probe_unit_dirty(struct probe_unit *u, enum probe_tri sm)
{
	switch (u->kind) {
	case PROBE_KIND_INTEL:
		intel_dirty(u, sm);
		return;
	case PROBE_KIND_AMD:
		amd_dirty(u);
		return;
	case PROBE_KIND_VIRTIO:
	case PROBE_KIND_RISCV:
		u->dirty = PROBE_NO;
		snprintf(u->why, sizeof(u->why), "the %s driver has no dirty tracking",
			 probe_kind_name(u->kind));
		return;
	case PROBE_KIND_MOCK:
		u->dirty = PROBE_YES;
		snprintf(u->why, sizeof(u->why), "the iommufd mock IOMMU (CONFIG_IOMMUFD_TEST) tracks dirty pages");
		return;
	case PROBE_KIND_SMMUV3:
		u->dirty = PROBE_UNKNOWN;
		snprintf(u->why, sizeof(u->why), "IDR0.HTTU is not in sysfs; name a device bound to vfio-pci with --devices to read it through IOMMU_GET_HW_INFO (kernel 6.13+)");
		return;
	case PROBE_KIND_OTHER:
		break;
	}
	u->dirty = PROBE_UNKNOWN;
	snprintf(u->why, sizeof(u->why), "an IOMMU driver iodirty does not know (%s)",
		 u->driver[0] ? u->driver : "no driver link");
}
