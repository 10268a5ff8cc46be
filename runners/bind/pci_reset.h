/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bring a device back after a program was killed with it open, and prove
 * it can be used again: who still holds it, a reset, and a check that it
 * binds to an iommufd.
 *
 *  - iod_pci_holders(): the processes that hold the device's VFIO cdev or
 *    its VFIO group open (a device held anywhere cannot be reset, and a
 *    cdev held open refuses VFIO_DEVICE_BIND_IOMMUFD with EINVAL);
 *  - iod_pci_reset(): on a device bound to vfio-pci that nobody holds,
 *    VFIO_DEVICE_RESET through a freshly opened and bound cdev (FLR, PM or
 *    bus reset, whatever the kernel has for it); a device with no reset
 *    method (QEMU's edu) is unbound from vfio-pci and probed again (its
 *    driver_override keeps it on vfio-pci), which gives it fresh VFIO
 *    state and a new cdev;
 *  - iod_pci_check(): open the cdev, VFIO_DEVICE_BIND_IOMMUFD, attach to a
 *    fresh IOAS, detach: what every program does first.
 *
 * Each returns 0 or -errno; on failure err holds "WHAT; WHAT TO DO NEXT"
 * (the last "; " separates them), on success `how` (where given) says
 * what was done.
 */
#ifndef IODIRTY_PCI_RESET_H
#define IODIRTY_PCI_RESET_H

#include <stddef.h>

/*
 * "PID (COMM), ..." of every process under proc (NULL: /proc) with an
 * open descriptor on bdf's VFIO cdev or /dev/vfio/GROUP, into out ("" for
 * none). The count, or -errno.
 */
int iod_pci_holders(const char *sysfs, const char *proc, const char *bdf,
		    char *out, size_t len);

/*
 * Reset bdf, which must be bound to vfio-pci with driver_override
 * "vfio-pci" (as iod_pci_bind leaves it) and held by nobody (-EBUSY,
 * naming the holders).
 */
int iod_pci_reset(const char *sysfs, const char *proc, const char *bdf,
		  char *how, size_t howlen, char *err, size_t errlen);

/* Can a program use bdf (bound to vfio-pci) again? */
int iod_pci_check(const char *sysfs, const char *proc, const char *bdf,
		  char *err, size_t errlen);

#endif /* IODIRTY_PCI_RESET_H */
