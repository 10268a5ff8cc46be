/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The storage guard: never take a PCI device whose disks are in use.
 *
 * A PCI device "has" a block device when the block device's sysfs node lives
 * under the PCI device's node (NVMe namespaces, SCSI disks behind an HBA,
 * virtio-blk, their partitions, NVMe multipath path disks) or when it is the
 * NVMe multipath head of one of those path disks (nvmeXcYnZ -> nvmeXnZ) or a
 * partition of such a head.
 *
 * Such a block device is in use when it
 *  - is mounted: its maj:min, or its /dev name as mount source, appears in
 *    PROC/self/mountinfo;
 *  - is used as swap: PROC/swaps names it;
 *  - is held: SYSFS/class/block/NAME/holders is not empty (device-mapper,
 *    md, bcache stack on it);
 *  - is open exclusively by anyone else (a filesystem the checks above
 *    missed, LVM, zfs): an O_EXCL open of DEV/NAME fails with EBUSY. This
 *    check runs only when DEV/NAME is a block device with the maj:min sysfs
 *    gives, so a fake tree never opens a real disk.
 *
 * The roots are parameters so host unit tests can run the same code against
 * fake trees; NULL or "" gives /sys, /proc and /dev.
 */
#ifndef IODIRTY_DISK_GUARD_H
#define IODIRTY_DISK_GUARD_H

#include <stddef.h>

struct iod_disk_roots {
	const char *sysfs;
	const char *proc;
	const char *dev;
};

#define IOD_DISK_NAME_MAX 64

/*
 * The block devices (disks, partitions, multipath heads and paths) that
 * belong to PCI device bdf (canonical DDDD:BB:DD.F), in the order sysfs
 * lists them: up to max names go to out; returns the total count or -errno
 * (-ENODEV when there is no such PCI device). A kernel without a block layer
 * (no SYSFS/class/block) has none: 0.
 */
int iod_disk_list(const struct iod_disk_roots *roots, const char *bdf,
		  char (*out)[IOD_DISK_NAME_MAX], int max);

/*
 * The first NVMe namespace whole-disk block device (nvmeXnY, no partition,
 * no multipath path disk) of bdf into name. 0, -ENODEV if it has none, or
 * iod_disk_list's -errno.
 */
int iod_disk_nvme_namespace(const struct iod_disk_roots *roots,
			    const char *bdf, char *name, size_t len);

/*
 * 0 when no block device of bdf is in use. -EBUSY when one is, with err
 * "BDF holds storage in use: nvme0n1p1 mounted at /boot, nvme0n1p2 used as
 * swap; NEXT". Fails closed: when sysfs or mountinfo cannot be read the
 * answer is that -errno, with err naming what could not be read.
 */
int iod_disk_guard(const struct iod_disk_roots *roots, const char *bdf,
		   char *err, size_t errlen);

#endif /* IODIRTY_DISK_GUARD_H */
