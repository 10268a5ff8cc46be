// SPDX-License-Identifier: GPL-2.0
/*
 * The sysfs PCI binder: move an allow-listed device to vfio-pci through
 * driver_override, record what it had, and give it back.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "disk_guard.h"
#include "pci_bind.h"
#include "pci_sysfs.h"

/* A failure being reported: what happened, and what to do next. */
struct emsg {
	char what[512];
	char next[256];
};

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

/*
 * Poll until bdf's driver link names want, for up to ms milliseconds:
 * 0, -ETIMEDOUT (cur holds the driver seen last), or -errno.
 */
int pci_settle(int dfd, const char *bdf, const char *want, unsigned int ms,
	       const struct iod_pci_hooks *hooks, char *cur, size_t curlen)
{
	uint64_t start = iod_now_ms(), elapsed;
	unsigned int step_us = 500;
	unsigned int n;
	int rc;

	for (n = 0;; n++) {
		struct timespec ts;
		uint64_t left_us;

		if (hooks && hooks->polling)
			hooks->polling(hooks->ctx, dfd, bdf, n);
		rc = pci_current_driver(dfd, bdf, cur, curlen);
		if (rc)
			return rc;
		if (!strcmp(cur, want))
			return 0;
		elapsed = iod_now_ms() - start;
		if (elapsed >= ms)
			return pci_fail(-ETIMEDOUT);
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

/*
 * The body of restore on an open sysfs root. Never unbinds a driver other
 * than b->driver, and that one only while driver_override still names it.
 */
static int restore_at(int dfd, const struct iod_pci_binding *b,
		      const struct iod_pci_hooks *hooks, struct emsg *m)
{
	char cur[64], ovr[64], rel[PCI_REL_MAX], line[80], canon[32];
	int rc, brc;

	if (iod_bdf_parse(b->bdf, canon, sizeof(canon)) ||
	    strcmp(canon, b->bdf) || !pci_driver_name_ok(b->driver) ||
	    (b->orig_driver[0] && !pci_driver_name_ok(b->orig_driver)) ||
	    !pci_one_line(b->orig_override)) {
		m_what(m, "the binding record for '%.32s' is malformed",
		       b->bdf);
		m_next(m, "check the state file, and restore the device's driver by hand");
		return pci_fail(-EINVAL);
	}
	rc = pci_device_exists(dfd, b->bdf);
	if (rc) {
		m_what(m, "%s is gone from %s/bus/pci/devices (%s), so it cannot be given back to %s",
		       b->bdf, pci_root_of(b->sysfs), strerror(-rc),
		       b->orig_driver[0] ? b->orig_driver : "no driver");
		m_next(m, "rescan the bus (echo 1 > /sys/bus/pci/rescan) and check its driver with lspci -k");
		return pci_fail(rc == -ENOENT ? -ENODEV : rc);
	}
	rc = pci_current_driver(dfd, b->bdf, cur, sizeof(cur));
	if (!rc)
		rc = pci_read_override(dfd, b->bdf, ovr, sizeof(ovr));
	if (rc) {
		m_what(m, "cannot read the driver state of %s (%s)", b->bdf,
		       strerror(-rc));
		m_next(m, "run as root and check that sysfs is mounted at %s",
		       pci_root_of(b->sysfs));
		return pci_fail(rc);
	}

	if (strcmp(b->driver, b->orig_driver) && !strcmp(cur, b->driver)) {
		if (strcmp(ovr, b->driver)) {
			m_what(m, "%s is bound to %s but its driver_override is '%s', not ours, so it was left alone",
			       b->bdf, cur, ovr);
			m_next(m, "unbind it by hand if nothing else uses it, then run the restore again");
			return pci_fail(-EBUSY);
		}
		rc = pci_relpath(rel, sizeof(rel), "bus/pci/drivers/%s/unbind",
				 b->driver);
		if (!rc)
			rc = pci_sysfs_write(dfd, rel, b->bdf, hooks);
		if (rc) {
			m_what(m, "unbinding %s from %s failed (%s)", b->bdf,
			       b->driver, strerror(-rc));
			m_next_write(m, rc);
			return pci_fail(rc);
		}
		/* unbind is synchronous in the kernel */
		cur[0] = '\0';
	}

	if (strcmp(ovr, b->orig_override)) {
		snprintf(line, sizeof(line), "%s\n", b->orig_override);
		rc = pci_relpath(rel, sizeof(rel),
				 "bus/pci/devices/%s/driver_override", b->bdf);
		if (!rc)
			rc = pci_sysfs_write(dfd, rel, line, hooks);
		if (rc) {
			m_what(m, "writing back driver_override '%s' of %s failed (%s)",
			       b->orig_override, b->bdf, strerror(-rc));
			m_next_write(m, rc);
			return pci_fail(rc);
		}
	}

	if (!b->orig_driver[0] || !strcmp(cur, b->orig_driver))
		return 0;
	if (cur[0]) {
		m_what(m, "%s is bound to %s, not %s, so it was left alone",
		       b->bdf, cur, b->orig_driver);
		m_next(m, "unbind it from %s by hand and bind it to %s if that is safe",
		       cur, b->orig_driver);
		return pci_fail(-EBUSY);
	}
	brc = pci_relpath(rel, sizeof(rel), "bus/pci/drivers/%s/bind",
			  b->orig_driver);
	if (!brc)
		brc = pci_sysfs_write(dfd, rel, b->bdf, hooks);
	if (!brc)
		return 0;	/* bind is synchronous and reports probe errors */

	/* Let the bus match it instead (e.g. the override names a driver). */
	rc = pci_sysfs_write(dfd, "bus/pci/drivers_probe", b->bdf, hooks);
	if (!rc)
		rc = pci_settle(dfd, b->bdf, b->orig_driver,
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
		return pci_fail(rc == -ETIMEDOUT ? -EIO : rc);
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
	dfd = pci_open_root(b->sysfs);
	if (dfd < 0) {
		m_what(&m, "cannot open the sysfs root %s (%s)",
		       pci_root_of(b->sysfs), strerror(-dfd));
		m_next(&m, "check that sysfs is mounted there");
		m_out(&m, err, errlen);
		return pci_fail(dfd);
	}
	rc = restore_at(dfd, b, hooks, &m);
	pci_close_keep_errno(dfd);
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
	char rel[PCI_REL_MAX], line[80], cur[64];
	struct emsg rm = { "", "" };
	int rc, rrc;

	snprintf(line, sizeof(line), "%s\n", b->driver);
	rc = pci_relpath(rel, sizeof(rel), "bus/pci/devices/%s/driver_override",
			 b->bdf);
	if (!rc)
		rc = pci_sysfs_write(dfd, rel, line, hooks);
	if (rc) {
		m_what(m, "writing %s to the driver_override of %s failed (%s)",
		       b->driver, b->bdf, strerror(-rc));
		m_next_write(m, rc);
		goto rollback;
	}
	if (b->orig_driver[0]) {
		rc = pci_relpath(rel, sizeof(rel), "bus/pci/devices/%s/driver/unbind",
				 b->bdf);
		if (!rc)
			rc = pci_sysfs_write(dfd, rel, b->bdf, hooks);
		if (rc) {
			m_what(m, "unbinding %s from %s failed (%s)", b->bdf,
			       b->orig_driver, strerror(-rc));
			m_next_write(m, rc);
			goto rollback;
		}
	}
	rc = pci_sysfs_write(dfd, "bus/pci/drivers_probe", b->bdf, hooks);
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
	rc = pci_settle(dfd, b->bdf, b->driver, settle_ms, hooks, cur, sizeof(cur));
	if (rc == -ETIMEDOUT) {
		m_what(m, "%s did not bind to %s within %u ms (driver now: %s)",
		       b->bdf, b->driver, settle_ms, cur[0] ? cur : "none");
		m_next_probe(m, b->driver);
		rc = -EIO;
		goto rollback;
	} else if (rc) {
		m_what(m, "reading the driver link of %s failed (%s)", b->bdf,
		       strerror(-rc));
		m_next(m, "check that sysfs is mounted at %s", pci_root_of(b->sysfs));
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
	return pci_fail(rc);
}

int iod_pci_bind_ex(const char *sysfs, const char *bdf, const char *driver,
		    const char *allow_list, unsigned int settle_ms,
		    const struct iod_pci_hooks *hooks,
		    struct iod_pci_binding *b, char *err, size_t errlen)
{
	const char *root = pci_root_of(sysfs);
	struct emsg m = { "", "" };
	struct iod_disk_roots roots;
	char rel[PCI_REL_MAX], guard_err[1024];
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
	if (!pci_driver_name_ok(driver)) {
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

	dfd = pci_open_root(root);
	if (dfd < 0) {
		rc = dfd;
		m_what(&m, "cannot open the sysfs root %s (%s)", root,
		       strerror(-rc));
		m_next(&m, "check that sysfs is mounted there");
		goto out;
	}
	rc = pci_device_exists(dfd, b->bdf);
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
	rc = pci_relpath(rel, sizeof(rel), "bus/pci/drivers/%s", driver);
	if (!rc)
		rc = pci_exists_dir(dfd, rel);
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
	rc = pci_current_driver(dfd, b->bdf, b->orig_driver,
				sizeof(b->orig_driver));
	if (rc) {
		m_what(&m, "cannot read the driver link of %s (%s)", b->bdf,
		       strerror(-rc));
		m_next(&m, "run as root and check that sysfs is mounted at %s",
		       root);
		goto out;
	}
	rc = pci_read_override(dfd, b->bdf, b->orig_override,
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

	roots.sysfs = root;
	roots.proc = hooks ? hooks->proc_root : NULL;
	roots.dev = hooks ? hooks->dev_root : NULL;
	rc = iod_disk_guard(&roots, b->bdf, guard_err, sizeof(guard_err));
	if (rc) {
		if (err && errlen)
			snprintf(err, errlen, "%s", guard_err);
		pci_close_keep_errno(dfd);
		return pci_fail(rc);
	}

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
		pci_close_keep_errno(dfd);
	if (rc) {
		m_out(&m, err, errlen);
		return pci_fail(rc);
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
