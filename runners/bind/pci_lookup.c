// SPDX-License-Identifier: GPL-2.0
/* Sysfs lookups: a device's VFIO cdev, its ids, the devices with given ids. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pci_bind.h"
#include "pci_sysfs.h"

int iod_pci_vfio_cdev(const char *sysfs, const char *bdf, char *path,
		      size_t len)
{
	char canon[32], rel[PCI_REL_MAX];
	struct dirent *de;
	int dfd, fd, rc;
	DIR *dir;

	if (!path || iod_bdf_parse(bdf, canon, sizeof(canon)))
		return pci_fail(-EINVAL);
	dfd = pci_open_root(sysfs);
	if (dfd < 0)
		return pci_fail(dfd);
	rc = pci_device_exists(dfd, canon);
	if (rc) {
		close(dfd);
		return pci_fail(rc == -ENOENT ? -ENODEV : rc);
	}
	rc = pci_relpath(rel, sizeof(rel), "bus/pci/devices/%s/vfio-dev", canon);
	if (rc) {
		close(dfd);
		return pci_fail(rc);
	}
	fd = openat(dfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc = fd < 0 ? -errno : 0;
	close(dfd);
	if (rc)
		return pci_fail(rc == -ENOTDIR ? -ENOENT : rc);
	dir = fdopendir(fd);
	if (!dir) {
		rc = -errno;
		close(fd);
		return pci_fail(rc);
	}
	rc = -ENOENT;
	while ((de = readdir(dir))) {
		const char *d = de->d_name;

		if (strncmp(d, "vfio", 4) || !d[4] ||
		    strspn(d + 4, "0123456789") != strlen(d + 4))
			continue;
		if ((size_t)snprintf(path, len, "/dev/vfio/devices/%s", d) >= len)
			rc = -ENAMETOOLONG;
		else
			rc = 0;
		break;
	}
	closedir(dir);
	return rc ? pci_fail(rc) : 0;
}

static int parse_id(const char *s, unsigned int *v)
{
	unsigned long x;
	char *end;

	if (!isxdigit((unsigned char)s[0]) && strncmp(s, "0x", 2))
		return -EINVAL;
	errno = 0;
	x = strtoul(s, &end, 16);
	if (errno || end == s || *end || x > 0xffff)
		return -EINVAL;
	*v = x;
	return 0;
}

static int ids_at(int dfd, const char *bdf, unsigned int *vendor,
		  unsigned int *device)
{
	char rel[PCI_REL_MAX], val[32];
	int rc;

	rc = pci_relpath(rel, sizeof(rel), "bus/pci/devices/%s/vendor", bdf);
	if (!rc)
		rc = pci_read_attr(dfd, rel, val, sizeof(val));
	if (!rc)
		rc = parse_id(val, vendor);
	if (!rc)
		rc = pci_relpath(rel, sizeof(rel), "bus/pci/devices/%s/device", bdf);
	if (!rc)
		rc = pci_read_attr(dfd, rel, val, sizeof(val));
	if (!rc)
		rc = parse_id(val, device);
	return rc ? pci_fail(rc) : 0;
}

int iod_pci_ids(const char *sysfs, const char *bdf, unsigned int *vendor,
		unsigned int *device)
{
	char canon[32];
	int dfd, rc;

	if (iod_bdf_parse(bdf, canon, sizeof(canon)))
		return pci_fail(-EINVAL);
	dfd = pci_open_root(sysfs);
	if (dfd < 0)
		return pci_fail(dfd);
	rc = pci_device_exists(dfd, canon);
	if (rc == -ENOENT)
		rc = -ENODEV;
	if (!rc)
		rc = ids_at(dfd, canon, vendor, device);
	close(dfd);
	return rc ? pci_fail(rc) : 0;
}

static int cmp_bdf(const void *a, const void *b)
{
	return strcmp(a, b);
}

int iod_pci_find(const char *sysfs, unsigned int vendor, unsigned int device,
		 char (*out)[32], int max)
{
	char (*all)[32] = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int dfd, fd, rc = 0;
	DIR *dir;

	if (max < 0 || (max && !out))
		return pci_fail(-EINVAL);
	dfd = pci_open_root(sysfs);
	if (dfd < 0)
		return pci_fail(dfd);
	fd = openat(dfd, "bus/pci/devices", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		close(dfd);
		return pci_fail(rc);
	}
	dir = fdopendir(fd);
	if (!dir) {
		rc = -errno;
		close(fd);
		close(dfd);
		return pci_fail(rc);
	}
	while ((de = readdir(dir))) {
		unsigned int v, d;
		char canon[32];

		if (iod_bdf_parse(de->d_name, canon, sizeof(canon)) ||
		    strcmp(canon, de->d_name))
			continue;
		if (ids_at(dfd, canon, &v, &d) || v != vendor || d != device)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			void *p = realloc(all, ncap * sizeof(*all));

			if (!p) {
				rc = -ENOMEM;
				break;
			}
			all = p;
			cap = ncap;
		}
		strcpy(all[n++], canon);
	}
	closedir(dir);
	close(dfd);
	if (!rc && n) {
		qsort(all, n, sizeof(*all), cmp_bdf);
		if (max)
			memcpy(out, all,
			       ((size_t)max < n ? (size_t)max : n) * sizeof(*all));
	}
	free(all);
	if (!rc && n > INT32_MAX)
		rc = -EOVERFLOW;
	return rc ? pci_fail(rc) : (int)n;
}
