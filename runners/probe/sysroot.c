// SPDX-License-Identifier: GPL-2.0
/* Paths below the probe's root (a fake tree in tests) and small reads. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "pci_sysfs.h"
#include "probe.h"

static char root[PATH_MAX];

void probe_set_root(const char *r)
{
	size_t n;

	snprintf(root, sizeof(root), "%s", r ? r : "");
	n = strlen(root);
	while (n && root[n - 1] == '/')
		root[--n] = '\0';
}

bool probe_fake_root(void)
{
	return root[0] != '\0';
}

const char *probe_root(void)
{
	return root[0] ? root : "/";
}

const char *probe_tri_name(enum probe_tri t)
{
	return t == PROBE_YES ? "yes" : t == PROBE_NO ? "no" : "unknown";
}

static int vpath(char *buf, size_t len, const char *fmt, va_list ap)
{
	size_t r = strlen(root);
	int n;

	if (r >= len)
		return -ENAMETOOLONG;
	memcpy(buf, root, r + 1);
	n = vsnprintf(buf + r, len - r, fmt, ap);
	return n < 0 || (size_t)n >= len - r ? -ENAMETOOLONG : 0;
}

int probe_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vpath(buf, len, fmt, ap);
	va_end(ap);
	return rc;
}

int probe_read(char *buf, size_t len, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (len)
		buf[0] = '\0';
	return rc ? rc : pci_read_attr(AT_FDCWD, path, buf, len);
}

int probe_read_hex(uint64_t *val, const char *fmt, ...)
{
	char path[PATH_MAX], buf[64], *end;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (!rc)
		rc = pci_read_attr(AT_FDCWD, path, buf, sizeof(buf));
	if (rc)
		return rc;
	errno = 0;
	*val = strtoull(buf, &end, 16);
	return errno || end == buf || (*end && !isspace((unsigned char)*end) &&
				       *end != ':') ? -EINVAL : 0;
}

bool probe_exists(const char *fmt, ...)
{
	char path[PATH_MAX];
	struct stat st;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	return !rc && !stat(path, &st);
}

int probe_link_base(char *buf, size_t len, const char *fmt, ...)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	va_list ap;
	ssize_t n;
	int rc;

	va_start(ap, fmt);
	rc = vpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	if (rc)
		return rc;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	target[n] = '\0';
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}

void probe_release(char *buf, size_t len)
{
	struct utsname u;

	if (!probe_read(buf, len, "/proc/sys/kernel/osrelease") && buf[0])
		return;
	if (!uname(&u))
		snprintf(buf, len, "%s", u.release);
	else
		snprintf(buf, len, "unknown");
}
