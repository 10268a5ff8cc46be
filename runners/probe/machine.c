// SPDX-License-Identifier: GPL-2.0
/*
 * Is this a QEMU machine (detect.machine = qemu) or something else (other)?
 * ROOT/sys/class/dmi/id/sys_vendor says "QEMU" on x86 with DMI; a kernel
 * without DMI still shows QEMU's PCI subsystem vendor 1af4 on the host
 * bridge 0000:00:00.0.
 */
#include <stdio.h>
#include <string.h>

#include "probe.h"

#define QEMU_SUBVENDOR 0x1af4

void probe_machine(char *kind, size_t kindlen, char *why, size_t whylen)
{
	char vendor[128];
	uint64_t sub;

	if (!probe_read(vendor, sizeof(vendor), "/sys/class/dmi/id/sys_vendor") &&
	    vendor[0]) {
		snprintf(kind, kindlen, "%s", strstr(vendor, "QEMU") ? "qemu" : "other");
		snprintf(why, whylen, "DMI sys_vendor '%s'", vendor);
		return;
	}
	if (!probe_read_hex(&sub, "/sys/bus/pci/devices/0000:00:00.0/subsystem_vendor") &&
	    sub == QEMU_SUBVENDOR) {
		snprintf(kind, kindlen, "qemu");
		snprintf(why, whylen, "no DMI; host bridge 0000:00:00.0 has QEMU's subsystem vendor %04x",
			 QEMU_SUBVENDOR);
		return;
	}
	snprintf(kind, kindlen, "other");
	snprintf(why, whylen, "no DMI sys_vendor saying QEMU and no QEMU host bridge");
}
