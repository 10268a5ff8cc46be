/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bind a PCI device to vfio-pci (or another driver) through sysfs
 * driver_override, remember the driver it had, and give it back.
 *
 * Safety rules enforced here:
 *  - a device is only ever unbound from a host driver when its address is in
 *    an explicit allow list (iod_pci_bind refuses with -EPERM before touching
 *    sysfs at all);
 *  - the original driver and driver_override are recorded before the first
 *    write, so iod_pci_restore (or "iodirty-bind restore" from a state file)
 *    can give the device back on every exit path, including after a crash;
 *  - restore only unbinds a device from the driver it was bound to by us, and
 *    only while its driver_override still names that driver.
 *
 * Every function returns 0 (or a count) on success and -errno on failure,
 * with errno set to the same value. Functions that take err/errlen fill err
 * on failure with one sentence of the form "WHAT; WHAT TO DO NEXT" (the last
 * "; " separates the two parts).
 *
 * The sysfs root is a parameter ("/sys" normally, "" means "/sys") so that
 * host unit tests can run the same code against a fake tree.
 */
#ifndef IODIRTY_PCI_BIND_H
#define IODIRTY_PCI_BIND_H

#include <stdbool.h>
#include <stddef.h>

#define IOD_PCI_DEFAULT_SETTLE_MS 2000

struct iod_pci_binding {
	char sysfs[256];	/* sysfs root, normally "/sys" (tests use a fake tree) */
	char bdf[32];		/* canonical DDDD:BB:DD.F */
	char orig_driver[64];	/* driver bound before we touched it, "" if none */
	char driver[64];	/* driver we bound it to */
	char orig_override[64];	/* previous driver_override content ("" for "(null)") */
};

/*
 * Optional callbacks into iod_pci_bind_ex / iod_pci_restore_ex. All members
 * may be NULL. sysfs_fd is an O_PATH descriptor of the sysfs root; rel paths
 * are relative to it (e.g. "bus/pci/drivers_probe").
 */
struct iod_pci_hooks {
	void *ctx;
	/*
	 * The original state is in *b and nothing has been written yet: the
	 * place to journal the binding. A negative errno aborts the bind with
	 * sysfs untouched.
	 */
	int (*recorded)(void *ctx, const struct iod_pci_binding *b);
	/*
	 * A sysfs write of buf to rel went through. Return 0, or -errno to make
	 * the write fail as the kernel's store method would. Host tests use
	 * this to play the kernel's part on a fake tree.
	 */
	int (*written)(void *ctx, int sysfs_fd, const char *rel,
		       const char *buf);
	/* Before check n (from 0) of a settle wait for bdf's driver link. */
	void (*polling)(void *ctx, int sysfs_fd, const char *bdf,
			unsigned int n);
	/*
	 * Roots of proc and dev for the storage guard (runners/bind/disk_guard.h) that
	 * refuses a device whose disks are mounted, swapped on, held or open
	 * exclusively; NULL means /proc and /dev.
	 */
	const char *proc_root;
	const char *dev_root;
};

/*
 * Validate and canonicalise a BDF: accepts "DDDD:BB:DD.F" (domain of 4 to 8
 * hex digits) or "BB:DD.F" (domain 0000), either case; out gets lowercase
 * "%04x:%02x:%02x.%x". 0 or -EINVAL.
 */
int iod_bdf_parse(const char *in, char *out, size_t outlen);

/*
 * Is bdf in the allow list? The list is comma/space separated BDFs (short or
 * long forms); NULL or "" allows nothing, malformed entries match nothing.
 */
bool iod_bdf_allowed(const char *allow_list, const char *bdf);

/*
 * Bind bdf to driver (normally "vfio-pci") through driver_override.
 * -EINVAL bad BDF or driver name, -EPERM not allow-listed (nothing is read or
 * written), -ENODEV no SYSFS/bus/pci/devices/BDF, -ENOENT no
 * SYSFS/bus/pci/drivers/DRIVER, -EBUSY (or the guard's -errno) when the
 * storage guard finds a disk of the device in use (nothing is written). The original driver and driver_override go in
 * *b. Then: write DRIVER to devices/BDF/driver_override; if bound to another
 * driver write BDF to devices/BDF/driver/unbind; write BDF to
 * bus/pci/drivers_probe; poll up to settle_ms (IOD_PCI_DEFAULT_SETTLE_MS when
 * 0) until devices/BDF/driver resolves to DRIVER, else roll back and -EIO.
 * Any failure after the first write rolls back with iod_pci_restore. Already
 * bound to DRIVER: nothing is written, success.
 */
int iod_pci_bind(const char *sysfs, const char *bdf, const char *driver,
		 const char *allow_list, unsigned int settle_ms,
		 struct iod_pci_binding *b, char *err, size_t errlen);
int iod_pci_bind_ex(const char *sysfs, const char *bdf, const char *driver,
		    const char *allow_list, unsigned int settle_ms,
		    const struct iod_pci_hooks *hooks,
		    struct iod_pci_binding *b, char *err, size_t errlen);

/*
 * Undo a binding: if the device is bound to b->driver (and its
 * driver_override still names it) write BDF to drivers/DRIVER/unbind; write
 * back orig_override (an empty line clears it) if it differs; then if
 * orig_driver is non-empty and the device has no driver, write BDF to
 * drivers/ORIG/bind, falling back to bus/pci/drivers_probe plus a settle
 * wait. Idempotent: a restored device gets no writes at all.
 */
int iod_pci_restore(const struct iod_pci_binding *b, char *err,
		    size_t errlen);
int iod_pci_restore_ex(const struct iod_pci_binding *b,
		       const struct iod_pci_hooks *hooks, char *err,
		       size_t errlen);

/*
 * Persist/load bindings as key=value records ("[binding]" then one key per
 * line) so a runner that crashed can restore later. save appends one record
 * with a single write and fsyncs; load returns how many records it stored in
 * out (-E2BIG if the file holds more than max, -EINVAL if it is malformed).
 */
int iod_pci_binding_save(const char *state_path,
			 const struct iod_pci_binding *b);
int iod_pci_binding_load(const char *state_path, struct iod_pci_binding *out,
			 int max);

/*
 * The VFIO cdev of a device bound to vfio-pci:
 * SYSFS/bus/pci/devices/BDF/vfio-dev/vfioN -> "/dev/vfio/devices/vfioN".
 * -ENODEV no such device, -ENOENT no vfio-dev entry (not bound to vfio-pci,
 * or a kernel without CONFIG_VFIO_DEVICE_CDEV).
 */
int iod_pci_vfio_cdev(const char *sysfs, const char *bdf, char *path,
		      size_t len);

/* Read the hex ids in SYSFS/bus/pci/devices/BDF/{vendor,device}. */
int iod_pci_ids(const char *sysfs, const char *bdf, unsigned int *vendor,
		unsigned int *device);

/*
 * The devices with the given ids, in BDF order: up to max canonical BDFs go
 * to out; returns the total number of matches (may exceed max) or -errno.
 */
int iod_pci_find(const char *sysfs, unsigned int vendor, unsigned int device,
		 char (*out)[32], int max);

#endif
