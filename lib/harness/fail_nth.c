// SPDX-License-Identifier: GPL-2.0
/* fail-nth with the attributes a sweep needs (fail_nth.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness/fail_nth.h"

#define DEBUGFS "/sys/kernel/debug/"

/* What a sweep needs of debugfs, in the order set (and restored backwards). */
/*
 * An optional one may be missing: its sites then never fail, and the
 * description says so.
 */
static const struct {
	const char *attr, *value, *option;
	bool optional;
} fail_attrs[] = {
	{ "failslab/ignore-gfp-wait", "N", "CONFIG_FAILSLAB", false },
	{ "failslab/verbose", "0", "CONFIG_FAILSLAB", false },
	{ "fail_page_alloc/ignore-gfp-wait", "N", "CONFIG_FAIL_PAGE_ALLOC", false },
	{ "fail_page_alloc/ignore-gfp-highmem", "N", "CONFIG_FAIL_PAGE_ALLOC", false },
	{ "fail_page_alloc/min-order", "0", "CONFIG_FAIL_PAGE_ALLOC", false },
	{ "fail_page_alloc/verbose", "0", "CONFIG_FAIL_PAGE_ALLOC", false },
	{ "fail_usercopy/verbose", "0", "CONFIG_FAULT_INJECTION_USERCOPY", true },
	{ "fail_iommufd/verbose", "0", "CONFIG_IOMMUFD_TEST", true },
};
#define NATTRS (sizeof(fail_attrs) / sizeof(fail_attrs[0]))

static int read_attr(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static int write_attr(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	close(fd);
	return n < 0 ? -errno : 0;
}

int iod_fail_nth_open(struct iod_fail_nth *f, char *why, size_t len)
{
	unsigned int i;
	int rc;

	memset(f, 0, sizeof(*f));
	f->fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (f->fd < 0) {
		rc = -errno;
		snprintf(why, len, "no /proc/thread-self/fail-nth (%s): the kernel lacks CONFIG_FAULT_INJECTION",
			 strerror(-rc));
		return rc == -ENOENT ? -EOPNOTSUPP : rc;
	}
	if (access(DEBUGFS "failslab", F_OK)) {
		snprintf(why, len, "no " DEBUGFS "failslab: debugfs is not mounted there or the kernel lacks CONFIG_FAULT_INJECTION_DEBUG_FS");
		iod_fail_nth_close(f);
		return -EOPNOTSUPP;
	}
	for (i = 0; i < NATTRS; i++) {
		char *path = f->saved[f->nsaved].path;
		char *old = f->saved[f->nsaved].value;

		snprintf(path, sizeof(f->saved[0].path), DEBUGFS "%s",
			 fail_attrs[i].attr);
		rc = read_attr(path, old, sizeof(f->saved[0].value));
		if (rc == -ENOENT && fail_attrs[i].optional) {
			f->missing |= 1u << i;
			continue;
		}
		if (!rc) {
			rc = write_attr(path, fail_attrs[i].value);
			if (!rc) {
				f->which[f->nsaved] = i;
				f->nsaved++;
			}
		}
		if (rc) {
			snprintf(why, len, "cannot set %s to %s (%s): %s",
				 path, fail_attrs[i].value, strerror(-rc),
				 rc == -ENOENT ? fail_attrs[i].option :
				 "fault injection needs root");
			iod_fail_nth_close(f);
			return rc == -ENOENT || rc == -EACCES || rc == -EPERM ?
				-EOPNOTSUPP : rc;
		}
	}
	return 0;
}

void iod_fail_nth_close(struct iod_fail_nth *f)
{
	while (f->nsaved) {
		f->nsaved--;
		write_attr(f->saved[f->nsaved].path,
			   f->saved[f->nsaved].value);
	}
	if (f->fd > 0)
		close(f->fd);
	f->fd = -1;
}

int iod_fail_nth_arm(struct iod_fail_nth *f, unsigned int nth)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%u", nth);

	return pwrite(f->fd, buf, n, 0) == n ? 0 : -errno;
}

int iod_fail_nth_disarm(struct iod_fail_nth *f)
{
	char buf[32] = "";
	ssize_t n;
	bool injected;

	/*
	 * With the site not reached yet, reading copies out to user memory:
	 * that copy is a usercopy site of its own and may be the one failed
	 * (EFAULT). It was then not injected into the call under test.
	 */
	n = pread(f->fd, buf, sizeof(buf) - 1, 0);
	if (n < 0 && errno != EFAULT)
		return -errno;
	injected = n == 2 && buf[0] == '0' && buf[1] == '\n';
	/* So may writing the 0 that disarms: then once more. */
	if (pwrite(f->fd, "0", 1, 0) != 1 &&
	    (errno != EFAULT || pwrite(f->fd, "0", 1, 0) != 1))
		return -errno;
	return injected;
}

void iod_fail_nth_describe(const struct iod_fail_nth *f, char *buf,
			   size_t len)
{
	size_t at = 0;
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < f->nsaved && at < len; i++)
		at += snprintf(buf + at, len - at, "%s%s=%s", i ? " " : "",
			       f->saved[i].path + strlen(DEBUGFS),
			       fail_attrs[f->which[i]].value);
	for (i = 0; i < NATTRS && at < len; i++)
		if (f->missing >> i & 1)
			at += snprintf(buf + at, len - at,
				       "; no %s (%s): those sites never fail",
				       fail_attrs[i].attr, fail_attrs[i].option);
}
