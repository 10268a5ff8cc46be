// SPDX-License-Identifier: GPL-2.0
/*
 * The sysfs PCI binder: move an allow-listed device to vfio-pci through
 * driver_override, record what it had, and give it back.
 *
 * All sysfs access goes through an O_PATH descriptor of the sysfs root and
 * paths relative to it, so a fake tree behaves exactly like /sys.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pci_bind.h"

#define REL_MAX 512

/* A failure being reported: what happened, and what to do next. */
struct emsg {
	char what[512];
	char next[256];
};

static int fail(int rc)
{
	errno = -rc;
	return rc;
}

static void __attribute__((format(printf, 2, 3)))
m_what(struct emsg *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->what, sizeof(m->what), fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 2, 3)))
m_next(struct emsg *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->next, sizeof(m->next), fmt, ap);
	va_end(ap);
}

/* err = "WHAT; NEXT" */
static void m_out(const struct emsg *m, char *err, size_t errlen)
{
	if (!err || !errlen)
		return;
	if (m->next[0])
		snprintf(err, errlen, "%s; %s", m->what, m->next);
	else
		snprintf(err, errlen, "%s", m->what);
}

/* The next step after a driver did not take a device. */
static void m_next_probe(struct emsg *m, const char *driver)
{
	if (!strcmp(driver, "vfio-pci"))
		m_next(m, "check dmesg for the vfio-pci probe error, and that the IOMMU is enabled (intel_iommu=on or amd_iommu=on on the kernel command line)");
	else
		m_next(m, "check dmesg for the %s probe error", driver);
}

/* The usual next step after a failed sysfs write. */
static void m_next_write(struct emsg *m, int rc)
{
	if (rc == -EACCES || rc == -EPERM || rc == -EROFS)
		m_next(m, "run as root (sysfs writes need CAP_SYS_ADMIN)");
	else
		m_next(m, "check dmesg for the kernel's reason");
}

static const char *root_of(const char *sysfs)
{
	return sysfs && *sysfs ? sysfs : "/sys";
}

static int open_root(const char *sysfs)
{
	int fd = open(root_of(sysfs), O_PATH | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static void close_keep_errno(int fd)
{
	int e = errno;

	close(fd);
	errno = e;
}

static int __attribute__((format(printf, 3, 4)))
relpath(char *buf, size_t len, const char *fmt, ...)
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

/* A sysfs driver name: what may appear as a directory under drivers/. */
static bool driver_name_ok(const char *name)
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

/* A value fit for one line of the state file and for a sysfs write. */
static bool one_line(const char *s)
{
	return !strchr(s, '\n') && !strchr(s, '\r');
}

/*
 * Read a small attribute into buf, trailing newlines/blanks stripped.
 * -ENAMETOOLONG if it does not fit.
 */
static int read_attr(int dfd, const char *rel, char *buf, size_t len)
{
	char tmp[4096];
	ssize_t n;
	int fd, rc;

	fd = openat(dfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, tmp, sizeof(tmp) - 1);
	rc = n < 0 ? -errno : 0;
	close_keep_errno(fd);
	if (rc)
		return fail(rc);
	while (n > 0 && isspace((unsigned char)tmp[n - 1]))
		n--;
	tmp[n] = '\0';
	if ((size_t)n >= len)
		return fail(-ENAMETOOLONG);
	memcpy(buf, tmp, n + 1);
	return 0;
}

/* driver_override as the binding records it: "" for unset. */
static int read_override(int dfd, const char *bdf, char *buf, size_t len)
{
	char rel[REL_MAX];
	int rc;

	rc = relpath(rel, sizeof(rel), "bus/pci/devices/%s/driver_override",
		     bdf);
	if (rc)
		return fail(rc);
	rc = read_attr(dfd, rel, buf, len);
	if (rc)
		return rc;
	if (!strcmp(buf, "(null)"))
		memset(buf, 0, len);
	return 0;
}

/* The name of the driver bdf is bound to ("" for none): the link's basename. */
static int current_driver(int dfd, const char *bdf, char *out, size_t len)
{
	char rel[REL_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;
	int rc;

	rc = relpath(rel, sizeof(rel), "bus/pci/devices/%s/driver", bdf);
	if (rc)
		return fail(rc);
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
		return fail(-ENAMETOOLONG);
	strcpy(out, base);
	return 0;
}

static int exists_dir(int dfd, const char *rel)
{
	struct stat st;

	if (fstatat(dfd, rel, &st, 0))
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : fail(-ENOTDIR);
}

static int device_exists(int dfd, const char *bdf)
{
	char rel[REL_MAX];
	int rc;

	rc = relpath(rel, sizeof(rel), "bus/pci/devices/%s", bdf);
	if (rc)
		return fail(rc);
	return exists_dir(dfd, rel);
}

/* One write() of the whole string, as sysfs store methods want. */
static int sysfs_write(int dfd, const char *rel, const char *buf,
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
	return rc ? fail(rc) : 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Poll until bdf's driver link names want, for up to ms milliseconds:
 * 0, -ETIMEDOUT (cur holds the driver seen last), or -errno.
 */
static int settle(int dfd, const char *bdf, const char *want, unsigned int ms,
		  const struct iod_pci_hooks *hooks, char *cur, size_t curlen)
{
	uint64_t start = now_ms(), elapsed;
	unsigned int step_us = 500;
	unsigned int n;
	int rc;

	for (n = 0;; n++) {
		struct timespec ts;
		uint64_t left_us;

		if (hooks && hooks->polling)
			hooks->polling(hooks->ctx, dfd, bdf, n);
		rc = current_driver(dfd, bdf, cur, curlen);
		if (rc)
			return rc;
		if (!strcmp(cur, want))
			return 0;
		elapsed = now_ms() - start;
		if (elapsed >= ms)
			return fail(-ETIMEDOUT);
		left_us = (ms - elapsed) * 1000;
		if (left_us > step_us)
			left_us = step_us;
		ts.tv_sec = 0;
		ts.tv_nsec = left_us * 1000;
		nanosleep(&ts, NULL);
		if (step_us < 20000)
			step_us *= 2;
	}
}

/* The value of a hex digit the caller has checked with isxdigit(). */
static unsigned int hexval(char c)
{
	return isdigit((unsigned char)c) ? c - '0' :
	       tolower((unsigned char)c) - 'a' + 10;
}

int iod_bdf_parse(const char *in, char *out, size_t outlen)
{
	unsigned long dom = 0, bus, dev, fn;
	const char *p = in, *colon;
	char buf[32];
	int i, n;

	if (!in || !out)
		return fail(-EINVAL);
	colon = strchr(in, ':');
	if (!colon)
		return fail(-EINVAL);
	if (strchr(colon + 1, ':')) {
		/* long form: 4 to 8 domain digits */
		n = colon - in;
		if (n < 4 || n > 8)
			return fail(-EINVAL);
		for (i = 0; i < n; i++) {
			if (!isxdigit((unsigned char)in[i]))
				return fail(-EINVAL);
			dom = dom * 16 + hexval(in[i]);
		}
		p = colon + 1;
	}
	/* p is "BB:DD.F" exactly */
	if (strlen(p) != 7 || p[2] != ':' || p[5] != '.')
		return fail(-EINVAL);
	for (i = 0; i < 7; i++) {
		if (i == 2 || i == 5)
			continue;
		if (!isxdigit((unsigned char)p[i]))
			return fail(-EINVAL);
	}
	bus = hexval(p[0]) * 16 + hexval(p[1]);
	dev = hexval(p[3]) * 16 + hexval(p[4]);
	fn = hexval(p[6]);
	if (dev > 0x1f || fn > 7)
		return fail(-EINVAL);
	n = snprintf(buf, sizeof(buf), "%04lx:%02lx:%02lx.%lx", dom, bus, dev,
		     fn);
	if (n < 0 || (size_t)n >= outlen)
		return fail(-EINVAL);
	memcpy(out, buf, n + 1);
	return 0;
}

bool iod_bdf_allowed(const char *allow_list, const char *bdf)
{
	char want[32], tok[64], got[32];
	const char *p = allow_list;
	int e = errno;
	bool ok = false;

	if (!allow_list || iod_bdf_parse(bdf, want, sizeof(want)))
		goto out;
	while (*p && !ok) {
		size_t n;

		p += strspn(p, ", \t\n");
		n = strcspn(p, ", \t\n");
		if (!n)
			break;
		if (n < sizeof(tok)) {
			memcpy(tok, p, n);
			tok[n] = '\0';
			if (!iod_bdf_parse(tok, got, sizeof(got)) &&
			    !strcmp(got, want))
				ok = true;
		}
		p += n;
	}
out:
	errno = e;
	return ok;
}

/*
 * The body of restore on an open sysfs root. Never unbinds a driver other
 * than b->driver, and that one only while driver_override still names it.
 */
static int restore_at(int dfd, const struct iod_pci_binding *b,
		      const struct iod_pci_hooks *hooks, struct emsg *m)
{
	char cur[64], ovr[64], rel[REL_MAX], line[80], canon[32];
	int rc, brc;

	if (iod_bdf_parse(b->bdf, canon, sizeof(canon)) ||
	    strcmp(canon, b->bdf) || !driver_name_ok(b->driver) ||
	    (b->orig_driver[0] && !driver_name_ok(b->orig_driver)) ||
	    !one_line(b->orig_override)) {
		m_what(m, "the binding record for '%.32s' is malformed",
		       b->bdf);
		m_next(m, "check the state file, and restore the device's driver by hand");
		return fail(-EINVAL);
	}
	rc = device_exists(dfd, b->bdf);
	if (rc) {
		m_what(m, "%s is gone from %s/bus/pci/devices (%s), so it cannot be given back to %s",
		       b->bdf, root_of(b->sysfs), strerror(-rc),
		       b->orig_driver[0] ? b->orig_driver : "no driver");
		m_next(m, "rescan the bus (echo 1 > /sys/bus/pci/rescan) and check its driver with lspci -k");
		return fail(rc == -ENOENT ? -ENODEV : rc);
	}
	rc = current_driver(dfd, b->bdf, cur, sizeof(cur));
	if (!rc)
		rc = read_override(dfd, b->bdf, ovr, sizeof(ovr));
	if (rc) {
		m_what(m, "cannot read the driver state of %s (%s)", b->bdf,
		       strerror(-rc));
		m_next(m, "run as root and check that sysfs is mounted at %s",
		       root_of(b->sysfs));
		return fail(rc);
	}

	if (strcmp(b->driver, b->orig_driver) && !strcmp(cur, b->driver)) {
		if (strcmp(ovr, b->driver)) {
			m_what(m, "%s is bound to %s but its driver_override is '%s', not ours, so it was left alone",
			       b->bdf, cur, ovr);
			m_next(m, "unbind it by hand if nothing else uses it, then run the restore again");
			return fail(-EBUSY);
		}
		rc = relpath(rel, sizeof(rel), "bus/pci/drivers/%s/unbind",
			     b->driver);
		if (!rc)
			rc = sysfs_write(dfd, rel, b->bdf, hooks);
		if (rc) {
			m_what(m, "unbinding %s from %s failed (%s)", b->bdf,
			       b->driver, strerror(-rc));
			m_next_write(m, rc);
			return fail(rc);
		}
		/* unbind is synchronous in the kernel */
		cur[0] = '\0';
	}

	if (strcmp(ovr, b->orig_override)) {
		snprintf(line, sizeof(line), "%s\n", b->orig_override);
		rc = relpath(rel, sizeof(rel),
			     "bus/pci/devices/%s/driver_override", b->bdf);
		if (!rc)
			rc = sysfs_write(dfd, rel, line, hooks);
		if (rc) {
			m_what(m, "writing back driver_override '%s' of %s failed (%s)",
			       b->orig_override, b->bdf, strerror(-rc));
			m_next_write(m, rc);
			return fail(rc);
		}
	}

	if (!b->orig_driver[0] || !strcmp(cur, b->orig_driver))
		return 0;
	if (cur[0]) {
		m_what(m, "%s is bound to %s, not %s, so it was left alone",
		       b->bdf, cur, b->orig_driver);
		m_next(m, "unbind it from %s by hand and bind it to %s if that is safe",
		       cur, b->orig_driver);
		return fail(-EBUSY);
	}
	brc = relpath(rel, sizeof(rel), "bus/pci/drivers/%s/bind",
		      b->orig_driver);
	if (!brc)
		brc = sysfs_write(dfd, rel, b->bdf, hooks);
	if (!brc)
		return 0;	/* bind is synchronous and reports probe errors */

	/* Let the bus match it instead (e.g. the override names a driver). */
	rc = sysfs_write(dfd, "bus/pci/drivers_probe", b->bdf, hooks);
	if (!rc)
		rc = settle(dfd, b->bdf, b->orig_driver,
			    IOD_PCI_DEFAULT_SETTLE_MS, hooks, cur, sizeof(cur));
	if (rc) {
		m_what(m, "giving %s back to %s failed (bind: %s; drivers_probe: %s; driver now: %s)",
		       b->bdf, b->orig_driver, strerror(-brc),
		       rc == -ETIMEDOUT ? "no driver took it" : strerror(-rc),
		       cur[0] ? cur : "none");
		if (brc == -ENOENT)
			m_next(m, "load the driver (modprobe %s) and run the restore again",
			       b->orig_driver);
		else
			m_next_write(m, brc);
		return fail(rc == -ETIMEDOUT ? -EIO : rc);
	}
	return 0;
}

int iod_pci_restore_ex(const struct iod_pci_binding *b,
		       const struct iod_pci_hooks *hooks, char *err,
		       size_t errlen)
{
	struct emsg m = { "", "" };
	int dfd, rc;

	if (err && errlen)
		err[0] = '\0';
	dfd = open_root(b->sysfs);
	if (dfd < 0) {
		m_what(&m, "cannot open the sysfs root %s (%s)",
		       root_of(b->sysfs), strerror(-dfd));
		m_next(&m, "check that sysfs is mounted there");
		m_out(&m, err, errlen);
		return fail(dfd);
	}
	rc = restore_at(dfd, b, hooks, &m);
	close_keep_errno(dfd);
	if (rc)
		m_out(&m, err, errlen);
	return rc;
}

int iod_pci_restore(const struct iod_pci_binding *b, char *err, size_t errlen)
{
	return iod_pci_restore_ex(b, NULL, err, errlen);
}

/* Steps of bind after the original state is known; rolls back on failure. */
static int bind_at(int dfd, struct iod_pci_binding *b, unsigned int settle_ms,
		   const struct iod_pci_hooks *hooks, struct emsg *m)
{
	char rel[REL_MAX], line[80], cur[64];
	struct emsg rm = { "", "" };
	int rc, rrc;

	snprintf(line, sizeof(line), "%s\n", b->driver);
	rc = relpath(rel, sizeof(rel), "bus/pci/devices/%s/driver_override",
		     b->bdf);
	if (!rc)
		rc = sysfs_write(dfd, rel, line, hooks);
	if (rc) {
		m_what(m, "writing %s to the driver_override of %s failed (%s)",
		       b->driver, b->bdf, strerror(-rc));
		m_next_write(m, rc);
		goto rollback;
	}
	if (b->orig_driver[0]) {
		rc = relpath(rel, sizeof(rel), "bus/pci/devices/%s/driver/unbind",
			     b->bdf);
		if (!rc)
			rc = sysfs_write(dfd, rel, b->bdf, hooks);
		if (rc) {
			m_what(m, "unbinding %s from %s failed (%s)", b->bdf,
			       b->orig_driver, strerror(-rc));
			m_next_write(m, rc);
			goto rollback;
		}
	}
	rc = sysfs_write(dfd, "bus/pci/drivers_probe", b->bdf, hooks);
	if (rc) {
		m_what(m, "probing %s for %s failed (%s)", b->bdf, b->driver,
		       strerror(-rc));
		if (rc == -EACCES || rc == -EPERM || rc == -EROFS)
			m_next_write(m, rc);
		else
			m_next_probe(m, b->driver);
		goto rollback;
	}
	if (!settle_ms)
		settle_ms = IOD_PCI_DEFAULT_SETTLE_MS;
	rc = settle(dfd, b->bdf, b->driver, settle_ms, hooks, cur, sizeof(cur));
	if (rc == -ETIMEDOUT) {
		m_what(m, "%s did not bind to %s within %u ms (driver now: %s)",
		       b->bdf, b->driver, settle_ms, cur[0] ? cur : "none");
		m_next_probe(m, b->driver);
		rc = -EIO;
		goto rollback;
	} else if (rc) {
		m_what(m, "reading the driver link of %s failed (%s)", b->bdf,
		       strerror(-rc));
		m_next(m, "check that sysfs is mounted at %s", root_of(b->sysfs));
		goto rollback;
	}
	return 0;

rollback:
	rrc = restore_at(dfd, b, hooks, &rm);
	if (!rrc) {
		size_t n = strlen(m->what);

		snprintf(m->what + n, sizeof(m->what) - n,
			 " (given back to %s)",
			 b->orig_driver[0] ? b->orig_driver : "no driver");
	} else {
		size_t n = strlen(m->what);

		snprintf(m->what + n, sizeof(m->what) - n,
			 ", and giving it back to %s failed too (%s)",
			 b->orig_driver[0] ? b->orig_driver : "no driver",
			 rm.what);
		m_next(m, "fix that, then run 'iodirty-bind restore' on the state file or rebind %s by hand",
		       b->bdf);
	}
	return fail(rc);
}

int iod_pci_bind_ex(const char *sysfs, const char *bdf, const char *driver,
		    const char *allow_list, unsigned int settle_ms,
		    const struct iod_pci_hooks *hooks,
		    struct iod_pci_binding *b, char *err, size_t errlen)
{
	const char *root = root_of(sysfs);
	struct emsg m = { "", "" };
	char rel[REL_MAX];
	int dfd = -1, rc;

	memset(b, 0, sizeof(*b));
	if (err && errlen)
		err[0] = '\0';
	if (iod_bdf_parse(bdf, b->bdf, sizeof(b->bdf))) {
		m_what(&m, "'%s' is not a PCI address", bdf ? bdf : "(null)");
		m_next(&m, "give it as DDDD:BB:DD.F or BB:DD.F, as lspci -D prints it");
		rc = -EINVAL;
		goto out;
	}
	if (!driver_name_ok(driver)) {
		m_what(&m, "'%s' is not a driver name", driver ? driver : "(null)");
		m_next(&m, "give the name of a directory under %s/bus/pci/drivers, e.g. vfio-pci",
		       root);
		rc = -EINVAL;
		goto out;
	}
	if (!iod_bdf_allowed(allow_list, b->bdf)) {
		m_what(&m, "%s is not in the allow list, so it was left alone",
		       b->bdf);
		m_next(&m, "add it to the allow list (--allow or IODIRTY_ALLOW) only if the host can spare this device");
		rc = -EPERM;
		goto out;
	}
	if (strlen(root) >= sizeof(b->sysfs)) {
		m_what(&m, "the sysfs root '%s' is too long", root);
		m_next(&m, "use a path shorter than %zu bytes", sizeof(b->sysfs));
		rc = -ENAMETOOLONG;
		goto out;
	}
	strcpy(b->sysfs, root);
	strcpy(b->driver, driver);

	dfd = open_root(root);
	if (dfd < 0) {
		rc = dfd;
		m_what(&m, "cannot open the sysfs root %s (%s)", root,
		       strerror(-rc));
		m_next(&m, "check that sysfs is mounted there");
		goto out;
	}
	rc = device_exists(dfd, b->bdf);
	if (rc == -ENOENT || rc == -ENOTDIR) {
		m_what(&m, "there is no PCI device %s under %s/bus/pci/devices",
		       b->bdf, root);
		m_next(&m, "check the address with lspci -D");
		rc = -ENODEV;
		goto out;
	} else if (rc) {
		m_what(&m, "cannot look up %s under %s/bus/pci/devices (%s)",
		       b->bdf, root, strerror(-rc));
		m_next(&m, "run as root and check that sysfs is mounted at %s",
		       root);
		goto out;
	}
	rc = relpath(rel, sizeof(rel), "bus/pci/drivers/%s", driver);
	if (!rc)
		rc = exists_dir(dfd, rel);
	if (rc == -ENOENT || rc == -ENOTDIR) {
		m_what(&m, "driver %s is not loaded (no %s/bus/pci/drivers/%s)",
		       driver, root, driver);
		m_next(&m, "load it with modprobe %s and retry", driver);
		rc = -ENOENT;
		goto out;
	} else if (rc) {
		m_what(&m, "cannot look up driver %s under %s/bus/pci/drivers (%s)",
		       driver, root, strerror(-rc));
		m_next(&m, "run as root and check that sysfs is mounted at %s",
		       root);
		goto out;
	}
	rc = current_driver(dfd, b->bdf, b->orig_driver,
			    sizeof(b->orig_driver));
	if (rc) {
		m_what(&m, "cannot read the driver link of %s (%s)", b->bdf,
		       strerror(-rc));
		m_next(&m, "run as root and check that sysfs is mounted at %s",
		       root);
		goto out;
	}
	rc = read_override(dfd, b->bdf, b->orig_override,
			   sizeof(b->orig_override));
	if (rc) {
		m_what(&m, "cannot read the driver_override of %s (%s), so it was left alone",
		       b->bdf, strerror(-rc));
		if (rc == -ENAMETOOLONG)
			m_next(&m, "clear its driver_override by hand first (echo > .../driver_override)");
		else
			m_next(&m, "run as root and check that sysfs is mounted at %s",
			       root);
		goto out;
	}
	if (!strcmp(b->orig_driver, b->driver))
		goto out;	/* already bound: nothing to do or undo */

	if (hooks && hooks->recorded) {
		rc = hooks->recorded(hooks->ctx, b);
		if (rc) {
			m_what(&m, "recording the original driver of %s failed (%s), so it was left alone",
			       b->bdf, strerror(rc < 0 ? -rc : rc));
			m_next(&m, "make the state file writable and retry");
			rc = rc < 0 ? rc : -EIO;
			goto out;
		}
	}
	rc = bind_at(dfd, b, settle_ms, hooks, &m);
out:
	if (dfd >= 0)
		close_keep_errno(dfd);
	if (rc) {
		m_out(&m, err, errlen);
		return fail(rc);
	}
	return 0;
}

int iod_pci_bind(const char *sysfs, const char *bdf, const char *driver,
		 const char *allow_list, unsigned int settle_ms,
		 struct iod_pci_binding *b, char *err, size_t errlen)
{
	return iod_pci_bind_ex(sysfs, bdf, driver, allow_list, settle_ms,
			       NULL, b, err, errlen);
}

static bool binding_ok(const struct iod_pci_binding *b)
{
	char canon[32];

	return b->sysfs[0] && one_line(b->sysfs) &&
	       !iod_bdf_parse(b->bdf, canon, sizeof(canon)) &&
	       !strcmp(canon, b->bdf) && driver_name_ok(b->driver) &&
	       (!b->orig_driver[0] || driver_name_ok(b->orig_driver)) &&
	       one_line(b->orig_override);
}

int iod_pci_binding_save(const char *state_path,
			 const struct iod_pci_binding *b)
{
	char rec[1024];
	ssize_t w;
	int fd, n, rc = 0;

	if (!state_path || !*state_path || !binding_ok(b))
		return fail(-EINVAL);
	n = snprintf(rec, sizeof(rec),
		     "[binding]\nsysfs=%s\nbdf=%s\ndriver=%s\norig_driver=%s\norig_override=%s\n\n",
		     b->sysfs, b->bdf, b->driver, b->orig_driver,
		     b->orig_override);
	if (n < 0 || (size_t)n >= sizeof(rec))
		return fail(-EINVAL);
	fd = open(state_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	w = write(fd, rec, n);
	if (w < 0)
		rc = -errno;
	else if (w != n)
		rc = -EIO;
	if (!rc && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	return rc ? fail(rc) : 0;
}

static int set_field(char *dst, size_t len, const char *val)
{
	if (strlen(val) >= len)
		return -EINVAL;
	strcpy(dst, val);
	return 0;
}

int iod_pci_binding_load(const char *state_path, struct iod_pci_binding *out,
			 int max)
{
	struct iod_pci_binding *cur = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int count = 0, rc = 0;
	FILE *f;

	if (!state_path || !out || max < 0)
		return fail(-EINVAL);
	f = fopen(state_path, "re");
	if (!f)
		return -errno;
	while ((n = getline(&line, &cap, f)) >= 0) {
		char *eq;

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n || line[0] == '#')
			continue;
		if (!strcmp(line, "[binding]")) {
			if (cur && !binding_ok(cur)) {
				rc = -EINVAL;
				break;
			}
			if (count == max) {
				rc = -E2BIG;
				break;
			}
			cur = &out[count++];
			memset(cur, 0, sizeof(*cur));
			continue;
		}
		eq = strchr(line, '=');
		if (!cur || !eq) {
			rc = -EINVAL;
			break;
		}
		*eq++ = '\0';
		if (!strcmp(line, "sysfs"))
			rc = set_field(cur->sysfs, sizeof(cur->sysfs), eq);
		else if (!strcmp(line, "bdf"))
			rc = set_field(cur->bdf, sizeof(cur->bdf), eq);
		else if (!strcmp(line, "driver"))
			rc = set_field(cur->driver, sizeof(cur->driver), eq);
		else if (!strcmp(line, "orig_driver"))
			rc = set_field(cur->orig_driver,
				       sizeof(cur->orig_driver), eq);
		else if (!strcmp(line, "orig_override"))
			rc = set_field(cur->orig_override,
				       sizeof(cur->orig_override), eq);
		/* unknown keys are left for newer writers */
		if (rc)
			break;
	}
	if (!rc && ferror(f))
		rc = -EIO;
	if (!rc && cur && !binding_ok(cur))
		rc = -EINVAL;
	free(line);
	fclose(f);
	return rc ? fail(rc) : count;
}

int iod_pci_vfio_cdev(const char *sysfs, const char *bdf, char *path,
		      size_t len)
{
	char canon[32], rel[REL_MAX];
	struct dirent *de;
	int dfd, fd, rc;
	DIR *dir;

	if (!path || iod_bdf_parse(bdf, canon, sizeof(canon)))
		return fail(-EINVAL);
	dfd = open_root(sysfs);
	if (dfd < 0)
		return fail(dfd);
	rc = device_exists(dfd, canon);
	if (rc) {
		close(dfd);
		return fail(rc == -ENOENT ? -ENODEV : rc);
	}
	rc = relpath(rel, sizeof(rel), "bus/pci/devices/%s/vfio-dev", canon);
	if (rc) {
		close(dfd);
		return fail(rc);
	}
	fd = openat(dfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc = fd < 0 ? -errno : 0;
	close(dfd);
	if (rc)
		return fail(rc == -ENOTDIR ? -ENOENT : rc);
	dir = fdopendir(fd);
	if (!dir) {
		rc = -errno;
		close(fd);
		return fail(rc);
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
	return rc ? fail(rc) : 0;
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
	char rel[REL_MAX], val[32];
	int rc;

	rc = relpath(rel, sizeof(rel), "bus/pci/devices/%s/vendor", bdf);
	if (!rc)
		rc = read_attr(dfd, rel, val, sizeof(val));
	if (!rc)
		rc = parse_id(val, vendor);
	if (!rc)
		rc = relpath(rel, sizeof(rel), "bus/pci/devices/%s/device", bdf);
	if (!rc)
		rc = read_attr(dfd, rel, val, sizeof(val));
	if (!rc)
		rc = parse_id(val, device);
	return rc ? fail(rc) : 0;
}

int iod_pci_ids(const char *sysfs, const char *bdf, unsigned int *vendor,
		unsigned int *device)
{
	char canon[32];
	int dfd, rc;

	if (iod_bdf_parse(bdf, canon, sizeof(canon)))
		return fail(-EINVAL);
	dfd = open_root(sysfs);
	if (dfd < 0)
		return fail(dfd);
	rc = device_exists(dfd, canon);
	if (rc == -ENOENT)
		rc = -ENODEV;
	if (!rc)
		rc = ids_at(dfd, canon, vendor, device);
	close(dfd);
	return rc ? fail(rc) : 0;
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
		return fail(-EINVAL);
	dfd = open_root(sysfs);
	if (dfd < 0)
		return fail(dfd);
	fd = openat(dfd, "bus/pci/devices", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		close(dfd);
		return fail(rc);
	}
	dir = fdopendir(fd);
	if (!dir) {
		rc = -errno;
		close(fd);
		close(dfd);
		return fail(rc);
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
	return rc ? fail(rc) : (int)n;
}
