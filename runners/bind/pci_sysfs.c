// SPDX-License-Identifier: GPL-2.0
/* Sysfs access for the PCI binder: attributes, driver links, writes. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pci_sysfs.h"

const char *pci_root_of(const char *sysfs)
{
	return sysfs && *sysfs ? sysfs : "/sys";
}

int pci_open_root(const char *sysfs)
{
	int fd = open(pci_root_of(sysfs), O_PATH | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

void pci_close_keep_errno(int fd)
{
	int e = errno;

	close(fd);
	errno = e;
}

int pci_relpath(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

bool pci_driver_name_ok(const char *name)
{
	size_t i, n;

	if (!name)
		return false;
	n = strlen(name);
	if (!n || n >= sizeof(((struct iod_pci_binding *)0)->driver))
		return false;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = name[i];

		if (c == '/' || !isgraph(c))
			return false;
	}
	return true;
}

bool pci_one_line(const char *s)
{
	return !strchr(s, '\n') && !strchr(s, '\r');
}

int pci_read_attr(int dfd, const char *rel, char *buf, size_t len)
{
	char tmp[4096];
	ssize_t n;
	int fd, rc;

	fd = openat(dfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, tmp, sizeof(tmp) - 1);
	rc = n < 0 ? -errno : 0;
	pci_close_keep_errno(fd);
	if (rc)
		return pci_fail(rc);
	while (n > 0 && isspace((unsigned char)tmp[n - 1]))
		n--;
	tmp[n] = '\0';
	if ((size_t)n >= len)
		return pci_fail(-ENAMETOOLONG);
	memcpy(buf, tmp, n + 1);
	return 0;
}

int pci_read_override(int dfd, const char *bdf, char *buf, size_t len)
{
	char rel[PCI_REL_MAX];
	int rc;

	rc = pci_relpath(rel, sizeof(rel), "bus/pci/devices/%s/driver_override",
			 bdf);
	if (rc)
		return pci_fail(rc);
	rc = pci_read_attr(dfd, rel, buf, len);
	if (rc)
		return rc;
	if (!strcmp(buf, "(null)"))
		memset(buf, 0, len);
	return 0;
}

int pci_current_driver(int dfd, const char *bdf, char *out, size_t len)
{
	char rel[PCI_REL_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;
	int rc;

	rc = pci_relpath(rel, sizeof(rel), "bus/pci/devices/%s/driver", bdf);
	if (rc)
		return pci_fail(rc);
	n = readlinkat(dfd, rel, target, sizeof(target) - 1);
	if (n < 0) {
		if (errno == ENOENT) {
			out[0] = '\0';
			return 0;
		}
		return -errno;
	}
	target[n] = '\0';
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return pci_fail(-ENAMETOOLONG);
	strcpy(out, base);
	return 0;
}

int pci_exists_dir(int dfd, const char *rel)
{
	struct stat st;

	if (fstatat(dfd, rel, &st, 0))
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : pci_fail(-ENOTDIR);
}

int pci_device_exists(int dfd, const char *bdf)
{
	char rel[PCI_REL_MAX];
	int rc;

	rc = pci_relpath(rel, sizeof(rel), "bus/pci/devices/%s", bdf);
	if (rc)
		return pci_fail(rc);
	return pci_exists_dir(dfd, rel);
}

int pci_sysfs_write(int dfd, const char *rel, const char *buf,
		    const struct iod_pci_hooks *hooks)
{
	size_t len = strlen(buf);
	ssize_t n;
	int fd, rc;

	fd = openat(dfd, rel, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	if (n < 0)
		rc = -errno;
	else
		rc = (size_t)n == len ? 0 : -EIO;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && hooks && hooks->written)
		rc = hooks->written(hooks->ctx, dfd, rel, buf);
	return rc ? pci_fail(rc) : 0;
}
