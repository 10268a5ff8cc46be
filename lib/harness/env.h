/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The environment a suite program runs in, from environment variables set
 * by the runner (make lab sets them for every lab flavour):
 *
 *   IODIRTY_PROFILE    profile file of the IOMMU under test (required)
 *   IODIRTY_VFIO_CDEV  /dev/vfio/devices/vfioN of the device bound to
 *                      vfio-pci (required when the profile's device is
 *                      vfio-pci)
 *   IODIRTY_DEVICES    "NAME=CDEV NAME=CDEV ...": the cdevs of named
 *                      devices (e.g. edu=/dev/vfio/devices/vfio0
 *                      nvme=/dev/vfio/devices/vfio1); each DMA engine
 *                      names the device it drives (optional)
 *   IODIRTY_DEVICE_BDFS "NAME=BDF ...": the PCI address of each named
 *                      device (run-programs sets it; a kernel without
 *                      iommufd has no cdevs, the legacy VFIO group path
 *                      needs the address) (optional)
 *   IODIRTY_FLAVOUR    a name for the run, for messages (optional)
 *   IODIRTY_SCRATCH    "BDF,..." (or NAME@BDF,...): the devices whose
 *                      storage the run may overwrite (optional; without
 *                      it the NVMe engine never writes its namespace)
 *   IODIRTY_KERNEL_RELEASE  the release the profile is judged for instead
 *                      of the running kernel's (a backport); every program
 *                      says so in a '#' line of its TAP (optional)
 *
 * Before a program runs, the kernel must be one the profile applies to
 * (kernel.min .. kernel.max, else an error naming both releases) and have
 * what the program needs (harness/kernel_caps.h: iommufd, the mock where
 * the profile's device is the mock), else the program SKIPs whole.
 */
#ifndef IODIRTY_ENV_H
#define IODIRTY_ENV_H

#include <stdbool.h>

#include "profile/profile.h"

struct iod_env {
	struct iod_profile *profile;
	const char *flavour;
	const char *vfio_cdev;
};

extern struct iod_env iod_env;

/*
 * Load the environment; on bad input print one clear error and exit(1); on
 * a kernel without what the program needs print "1..0 # SKIP <reason>"
 * and exit with kselftest's skip code (4). Listing or help (-l, -h) needs
 * no profile.
 */
void iod_env_load(int argc, char **argv);

/*
 * The same without asking the kernel what it offers: for a program that
 * only answers a question about itself (--engines).
 */
void iod_env_load_profile(char *argv0);

/*
 * Print the TAP header once, with a '#' line naming the running and the
 * assumed release when IODIRTY_KERNEL_RELEASE is set (the kselftest
 * harness then prints no header of its own). IOD_HARNESS_MAIN calls it.
 */
void iod_env_tap_header(void);

/* The command line asks to list or for help (-l, -h): no run, no profile. */
int iod_env_listing(int argc, char **argv);

/* Expected outcome for a profile key: 0 or a positive errno; aborts if unset. */
int iod_expect(const char *key);

/* The cdev of the device named `name` in IODIRTY_DEVICES, or NULL. */
const char *iod_env_device(const char *name);

/* The BDF of the device named `name` in IODIRTY_DEVICE_BDFS, or NULL. */
const char *iod_env_device_bdf(const char *name);
/*
 * Does IODIRTY_SCRATCH name the PCI device `bdf` ("0000:00:11.0"; a name
 * without its domain means domain 0000)? Only a device named there may
 * have its storage written.
 */
bool iod_env_scratch(const char *bdf);

/* The profile's device is a mock device (else a PCI device via VFIO). */
int iod_env_is_mock(void);

#endif
