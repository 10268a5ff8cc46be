/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sysfs access shared by the PCI binder's files (lib/pci_*.c); not part of
 * the library's API.
 *
 * All sysfs access goes through an O_PATH descriptor of the sysfs root and
 * paths relative to it, so a fake tree behaves exactly like /sys. The int
 * functions return 0 (pci_open_root: a descriptor) or -errno.
 */
#ifndef IODIRTY_PCI_SYSFS_H
#define IODIRTY_PCI_SYSFS_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "pci_bind.h"

#define PCI_REL_MAX 512

/* Set errno from a negative errno and pass it on. */
static inline int pci_fail(int rc)
{
	errno = -rc;
	return rc;
}

/* The sysfs root: @sysfs, or "/sys" when it is NULL or "". */
const char *pci_root_of(const char *sysfs);
/* An O_PATH descriptor of the sysfs root, or -errno. */
int pci_open_root(const char *sysfs);
/* close() that leaves errno as it was. */
void pci_close_keep_errno(int fd);

/* Format a path relative to the root into @buf; -ENAMETOOLONG if cut. */
int __attribute__((format(printf, 3, 4)))
pci_relpath(char *buf, size_t len, const char *fmt, ...);

/* A sysfs driver name: what may appear as a directory under drivers/. */
bool pci_driver_name_ok(const char *name);
/* A value fit for one line of the state file and for a sysfs write. */
bool pci_one_line(const char *s);

/*
 * Read a small attribute into buf, trailing newlines/blanks stripped.
 * -ENAMETOOLONG if it does not fit.
 */
int pci_read_attr(int dfd, const char *rel, char *buf, size_t len);
/* driver_override as the binding records it: "" for unset. */
int pci_read_override(int dfd, const char *bdf, char *buf, size_t len);
/* The name of the driver bdf is bound to ("" for none): the link's basename. */
int pci_current_driver(int dfd, const char *bdf, char *out, size_t len);

/* Is @rel a directory? 0, -ENOTDIR or -errno. */
int pci_exists_dir(int dfd, const char *rel);
/* Is there a bus/pci/devices/BDF directory? 0 or -errno. */
int pci_device_exists(int dfd, const char *bdf);

/*
 * One write() of the whole string, as sysfs store methods want; then the
 * hooks' written callback, if any.
 */
int pci_sysfs_write(int dfd, const char *rel, const char *buf,
		    const struct iod_pci_hooks *hooks);

/*
 * Poll up to ms until bdf's driver link names @want (the hooks' polling
 * callback before each check); the driver seen last goes to cur. 0,
 * -ETIMEDOUT or -errno.
 */
int pci_settle(int dfd, const char *bdf, const char *want, unsigned int ms,
	       const struct iod_pci_hooks *hooks, char *cur, size_t curlen);

#endif /* IODIRTY_PCI_SYSFS_H */
