// SPDX-License-Identifier: GPL-2.0
/*
 * After a program was killed with a device open: who holds the device, a
 * reset (VFIO_DEVICE_RESET, else unbind and probe vfio-pci again), and a
 * check that it binds to an iommufd again. See pci_reset.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "pci_bind.h"
#include "pci_reset.h"
#include "pci_sysfs.h"
#include "uapi/iommufd.h"
#include "uapi/vfio_cdev.h"

#define VFIO_PCI "vfio-pci"

/* "/dev/vfio/GROUP" of bdf, from its iommu_group link; "" if none. */
static void group_path(int dfd, const char *bdf, char *out, size_t len)
{
	char rel[PCI_REL_MAX], target[256];
	const char *base;
	ssize_t n;

	out[0] = '\0';
	if (pci_relpath(rel, sizeof(rel), "bus/pci/devices/%s/iommu_group",
			bdf))
		return;
	n = readlinkat(dfd, rel, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(out, len, "/dev/vfio/%s", base ? base + 1 : target);
}

/* Append "PID (COMM)" of process pid under proc to out. */
static void add_holder(const char *proc, const char *pid, char *out,
		       size_t len)
{
	char path[512], comm[64] = "?";
	size_t used = strlen(out);
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/comm", proc, pid);
	f = fopen(path, "r");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	if (used < len)
		snprintf(out + used, len - used, "%s%s (%s)", used ? ", " : "",
			 pid, comm);
}

/* Does process pid have a descriptor on path a or b? */
static int holds(const char *proc, const char *pid, const char *a,
		 const char *b)
{
	char dir[512], link[1024], target[256];
	struct dirent *de;
	int found = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s/fd", proc, pid);
	d = opendir(dir);
	if (!d)
		return 0;	/* gone, or a kernel thread */
	while (!found && (de = readdir(d))) {
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		found = (*a && !strcmp(target, a)) || (*b && !strcmp(target, b));
	}
	closedir(d);
	return found;
}

int iod_pci_holders(const char *sysfs, const char *proc, const char *bdf,
		    char *out, size_t len)
{
	char canon[32], cdev[128] = "", group[300] = "";
	struct dirent *de;
	int dfd, n = 0;
	DIR *d;

	out[0] = '\0';
	if (iod_bdf_parse(bdf, canon, sizeof(canon)))
		return pci_fail(-EINVAL);
	dfd = pci_open_root(sysfs);
	if (dfd < 0)
		return pci_fail(dfd);
	group_path(dfd, canon, group, sizeof(group));
	close(dfd);
	if (iod_pci_vfio_cdev(sysfs, canon, cdev, sizeof(cdev)))
		cdev[0] = '\0';
	proc = proc && *proc ? proc : "/proc";
	d = opendir(proc);
	if (!d)
		return pci_fail(-errno);
	while ((de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (holds(proc, de->d_name, cdev, group)) {
			add_holder(proc, de->d_name, out, len);
			n++;
		}
	}
	closedir(d);
	return n;
}

/*
 * The device must be ours to reset: on vfio-pci, with driver_override
 * vfio-pci (so probing it again lands there), and held by nobody.
 */
static int ours_and_idle(int dfd, const char *sysfs, const char *proc,
			 const char *bdf, char *err, size_t errlen)
{
	char drv[64], ovr[64], who[512];
	int rc;

	rc = pci_device_exists(dfd, bdf);
	if (rc) {
		snprintf(err, errlen, "there is no PCI device %s; check the address with lspci -D",
			 bdf);
		return pci_fail(-ENODEV);
	}
	rc = pci_current_driver(dfd, bdf, drv, sizeof(drv));
	if (!rc)
		rc = pci_read_override(dfd, bdf, ovr, sizeof(ovr));
	if (rc) {
		snprintf(err, errlen, "cannot read the driver of %s (%s); check that sysfs is mounted",
			 bdf, strerror(-rc));
		return pci_fail(rc);
	}
	if (strcmp(drv, VFIO_PCI) || strcmp(ovr, VFIO_PCI)) {
		snprintf(err, errlen, "%s is on '%s' with driver_override '%s', not vfio-pci: it is not a device this run bound; bind it with 'iodirty-bind bind' first",
			 bdf, drv, ovr);
		return pci_fail(-EPERM);
	}
	rc = iod_pci_holders(sysfs, proc, bdf, who, sizeof(who));
	if (rc > 0) {
		snprintf(err, errlen, "%s is still held open by %s; end those processes, then reset again",
			 bdf, who);
		return pci_fail(-EBUSY);
	}
	return 0;
}

/*
 * Open bdf's cdev and bind it to a new iommufd (*dev, *ifd); on failure
 * err says which step failed, naming who holds the device for EINVAL.
 */
static int open_bound(const char *sysfs, const char *proc, const char *bdf,
		      struct iod_vfio_dev *dev, int *ifd, char *err,
		      size_t errlen)
{
	char cdev[128], who[512] = "";
	int rc;

	*ifd = -1;
	dev->fd = -1;
	rc = iod_pci_vfio_cdev(sysfs, bdf, cdev, sizeof(cdev));
	if (rc) {
		snprintf(err, errlen, "%s has no VFIO cdev (%s); bind it to vfio-pci with 'iodirty-bind bind' (the kernel needs CONFIG_VFIO_DEVICE_CDEV=y)",
			 bdf, strerror(-rc));
		return rc;
	}
	rc = iod_vfio_open(dev, cdev);
	if (rc) {
		snprintf(err, errlen, "cannot open %s, the cdev of %s (%s); check dmesg",
			 cdev, bdf, strerror(-rc));
		return rc;
	}
	*ifd = iod_iommufd_open();
	if (*ifd < 0) {
		rc = *ifd;
		snprintf(err, errlen, "cannot open /dev/iommu (%s); the kernel needs CONFIG_IOMMUFD=y",
			 strerror(-rc));
		goto fail;
	}
	rc = iod_vfio_bind_iommufd(dev, *ifd);
	if (rc) {
		if (iod_pci_holders(sysfs, proc, bdf, who, sizeof(who)) <= 0)
			snprintf(who, sizeof(who), "nobody else");
		snprintf(err, errlen, "VFIO_DEVICE_BIND_IOMMUFD on %s (%s) failed: %s (held by %s); the device is unusable until whoever holds it ends, or the machine reboots",
			 cdev, bdf, strerror(-rc), who);
		goto fail;
	}
	return 0;
fail:
	iod_vfio_close(dev);
	if (*ifd >= 0)
		close(*ifd);
	*ifd = -1;
	return rc;
}

static void close_bound(struct iod_vfio_dev *dev, int ifd)
{
	iod_vfio_close(dev);
	if (ifd >= 0)
		close(ifd);
}

/* VFIO_DEVICE_RESET where the device offers it: 0, -ENOTTY if it does not. */
static int vfio_reset(const char *sysfs, const char *proc, const char *bdf,
		      char *err, size_t errlen)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct iod_vfio_dev dev;
	int ifd, rc;

	rc = open_bound(sysfs, proc, bdf, &dev, &ifd, err, errlen);
	if (rc)
		return rc;
	rc = iod_ioctl(dev.fd, VFIO_DEVICE_GET_INFO, &info);
	if (!rc && !(info.flags & VFIO_DEVICE_FLAGS_RESET))
		rc = -ENOTTY;
	else if (!rc)
		rc = iod_ioctl(dev.fd, VFIO_DEVICE_RESET, NULL);
	if (rc && rc != -ENOTTY)
		snprintf(err, errlen, "VFIO_DEVICE_RESET on %s failed: %s; check dmesg",
			 bdf, strerror(-rc));
	close_bound(&dev, ifd);
	return rc;
}

/* Unbind bdf from vfio-pci and probe it again (driver_override keeps it). */
static int rebind(int dfd, const char *bdf, char *err, size_t errlen)
{
	char cur[64] = "";
	int rc;

	rc = pci_sysfs_write(dfd, "bus/pci/drivers/" VFIO_PCI "/unbind", bdf,
			     NULL);
	if (!rc)
		rc = pci_sysfs_write(dfd, "bus/pci/drivers_probe", bdf, NULL);
	if (rc) {
		snprintf(err, errlen, "unbinding %s from vfio-pci and probing it again failed: %s; check dmesg",
			 bdf, strerror(-rc));
		return rc;
	}
	rc = pci_settle(dfd, bdf, VFIO_PCI, IOD_PCI_DEFAULT_SETTLE_MS, NULL,
			cur, sizeof(cur));
	if (rc)
		snprintf(err, errlen, "%s did not come back on vfio-pci after a rebind (driver '%s'): %s; check dmesg",
			 bdf, cur, strerror(-rc));
	return rc;
}

int iod_pci_reset(const char *sysfs, const char *proc, const char *bdf,
		  char *how, size_t howlen, char *err, size_t errlen)
{
	char canon[32];
	int dfd, rc;

	if (iod_bdf_parse(bdf, canon, sizeof(canon))) {
		snprintf(err, errlen, "'%s' is not a PCI address; use DDDD:BB:DD.F",
			 bdf);
		return pci_fail(-EINVAL);
	}
	dfd = pci_open_root(sysfs);
	if (dfd < 0) {
		snprintf(err, errlen, "cannot open sysfs (%s); mount it", strerror(-dfd));
		return pci_fail(dfd);
	}
	rc = ours_and_idle(dfd, sysfs, proc, canon, err, errlen);
	if (!rc) {
		rc = vfio_reset(sysfs, proc, canon, err, errlen);
		if (!rc)
			snprintf(how, howlen, "reset by VFIO_DEVICE_RESET");
	}
	if (rc == -ENOTTY) {
		rc = rebind(dfd, canon, err, errlen);
		if (!rc)
			snprintf(how, howlen, "it has no reset method: unbound from vfio-pci and probed again");
	}
	close(dfd);
	return rc ? pci_fail(rc) : 0;
}

int iod_pci_check(const char *sysfs, const char *proc, const char *bdf,
		  char *err, size_t errlen)
{
	struct iod_vfio_dev dev;
	char canon[32];
	uint32_t ioas, pt;
	int ifd, rc;

	if (iod_bdf_parse(bdf, canon, sizeof(canon))) {
		snprintf(err, errlen, "'%s' is not a PCI address; use DDDD:BB:DD.F",
			 bdf);
		return pci_fail(-EINVAL);
	}
	rc = open_bound(sysfs, proc, canon, &dev, &ifd, err, errlen);
	if (rc)
		return pci_fail(rc);
	rc = iod_ioas_alloc(ifd, &ioas);
	if (rc) {
		snprintf(err, errlen, "IOMMU_IOAS_ALLOC failed: %s; check dmesg",
			 strerror(-rc));
		goto out;
	}
	pt = ioas;
	rc = iod_vfio_attach(&dev, &pt);
	if (!rc)
		rc = iod_vfio_detach(&dev);
	if (rc)
		snprintf(err, errlen, "attaching %s to a fresh IOAS and detaching it failed: %s; check dmesg",
			 canon, strerror(-rc));
out:
	close_bound(&dev, ifd);
	return rc ? pci_fail(rc) : 0;
}
