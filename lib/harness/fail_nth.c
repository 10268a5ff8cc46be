// SPDX-License-Identifier: GPL-2.0
/*
 * fail-nth with the attributes a sweep needs, and the random fault
 * injection of a soak (fail_nth.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Save debugfs attribute `attr` into *sv, then set it to value. 0 or -errno. */
static int save_and_set(struct iod_fail_saved *sv, const char *attr,
			const char *value)
{
	int rc;

	snprintf(sv->path, sizeof(sv->path), DEBUGFS "%s", attr);
	rc = read_attr(sv->path, sv->value, sizeof(sv->value));
	return rc ? rc : write_attr(sv->path, value);
}

/* Write back the n saved attributes, the last set first. */
static void restore_saved(const struct iod_fail_saved *saved, unsigned int *n)
{
	while (*n) {
		(*n)--;
		write_attr(saved[*n].path, saved[*n].value);
	}
}

/* The -errno of a failed set as a SKIP (-EOPNOTSUPP) where it is one. */
static int set_failure(int rc)
{
	return rc == -ENOENT || rc == -EACCES || rc == -EPERM ?
		-EOPNOTSUPP : rc;
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
		struct iod_fail_saved *sv = &f->saved[f->nsaved];

		rc = save_and_set(sv, fail_attrs[i].attr, fail_attrs[i].value);
		if (rc == -ENOENT && fail_attrs[i].optional) {
			f->missing |= 1u << i;
			continue;
		}
		if (rc) {
			snprintf(why, len, "cannot set %s to %s (%s): %s",
				 sv->path, fail_attrs[i].value, strerror(-rc),
				 rc == -ENOENT ? fail_attrs[i].option :
				 "fault injection needs root");
			iod_fail_nth_close(f);
			return set_failure(rc);
		}
		f->which[f->nsaved] = i;
		f->nsaved++;
	}
	return 0;
}

void iod_fail_nth_close(struct iod_fail_nth *f)
{
	restore_saved(f->saved, &f->nsaved);
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

/* ---------------------------------------------------------------------- */
/* the random soak */

#define DISARM_TRIES 1000

static const struct {
	const char *dir, *option;
	bool optional;
} soak_kinds[IOD_FAIL_KINDS] = {
	[IOD_FAIL_SLAB] = { "failslab", "CONFIG_FAILSLAB", false },
	[IOD_FAIL_PAGE_ALLOC] = { "fail_page_alloc", "CONFIG_FAIL_PAGE_ALLOC", false },
	[IOD_FAIL_IOMMUFD] = { "fail_iommufd", "CONFIG_IOMMUFD_TEST", true },
	[IOD_FAIL_USERCOPY] = { "fail_usercopy", "CONFIG_FAULT_INJECTION_USERCOPY", true },
};

/*
 * What each kind is set to, in this order (restored backwards: the
 * probability goes back to 0 first). `only` limits a row to one kind.
 */
static const struct {
	const char *attr, *value;
	int only;		/* -1: every kind */
} soak_attrs[] = {
	{ "task-filter", "Y", -1 },
	{ "verbose", "0", -1 },
	{ "space", "0", -1 },
	{ "interval", "1", -1 },
	{ "times", "1000000000", -1 },	/* never used up */
	{ "ignore-gfp-wait", "N", IOD_FAIL_SLAB },
	{ "ignore-gfp-wait", "N", IOD_FAIL_PAGE_ALLOC },
	{ "ignore-gfp-highmem", "N", IOD_FAIL_PAGE_ALLOC },
	{ "min-order", "0", IOD_FAIL_PAGE_ALLOC },
	{ "probability", NULL, -1 },	/* the soak's percent */
};
#define NSOAK_ATTRS (sizeof(soak_attrs) / sizeof(soak_attrs[0]))

const char *iod_fail_kind_name(enum iod_fail_kind k)
{
	return k < IOD_FAIL_KINDS ? soak_kinds[k].dir : "?";
}

/* A kind's times left; the file cannot seek, so it is read afresh. */
static int read_times(enum iod_fail_kind k, uint64_t *left)
{
	char path[96], buf[32];
	int rc;

	snprintf(path, sizeof(path), DEBUGFS "%s/times", soak_kinds[k].dir);
	rc = read_attr(path, buf, sizeof(buf));
	if (!rc)
		*left = strtoull(buf, NULL, 10);
	return rc;
}

static int soak_set_kind(struct iod_fail_soak *s, enum iod_fail_kind k,
			 char *why, size_t len)
{
	char attr[64], pct[16];
	unsigned int i;
	int rc;

	snprintf(pct, sizeof(pct), "%u", s->percent);
	for (i = 0; i < NSOAK_ATTRS; i++) {
		const char *value = soak_attrs[i].value ?
				    soak_attrs[i].value : pct;
		struct iod_fail_saved *sv = &s->saved[s->nsaved];

		if (soak_attrs[i].only >= 0 && soak_attrs[i].only != (int)k)
			continue;
		if (s->nsaved >= IOD_FAIL_SOAK_ATTRS) {
			snprintf(why, len, "more fault-injection attributes than IOD_FAIL_SOAK_ATTRS");
			return -E2BIG;
		}
		snprintf(attr, sizeof(attr), "%s/%s", soak_kinds[k].dir,
			 soak_attrs[i].attr);
		rc = save_and_set(sv, attr, value);
		if (rc) {
			snprintf(why, len, "cannot set " DEBUGFS "%s to %s (%s): %s",
				 attr, value, strerror(-rc),
				 rc == -ENOENT ? soak_kinds[k].option :
				 "fault injection needs root");
			return set_failure(rc);
		}
		s->nsaved++;
	}
	rc = read_times(k, &s->times_left[k]);
	if (rc)
		snprintf(why, len, "reading " DEBUGFS "%s/times: %s",
			 soak_kinds[k].dir, strerror(-rc));
	else
		s->present |= 1u << k;
	return rc;
}

int iod_fail_soak_open(struct iod_fail_soak *s, unsigned int percent,
		       char *why, size_t len)
{
	char dir[96];
	unsigned int k;
	int rc;

	memset(s, 0, sizeof(*s));
	s->make_it_fail = -1;
	if (!percent || percent > 100) {
		snprintf(why, len, "a fault probability of %u%%: give 1 to 100",
			 percent);
		return -EINVAL;
	}
	s->percent = percent;
	s->make_it_fail = open("/proc/thread-self/make-it-fail",
			       O_WRONLY | O_CLOEXEC);
	if (s->make_it_fail < 0) {
		rc = -errno;
		snprintf(why, len, "no /proc/thread-self/make-it-fail (%s): the kernel lacks CONFIG_FAULT_INJECTION",
			 strerror(-rc));
		iod_fail_soak_close(s);
		return rc == -ENOENT ? -EOPNOTSUPP : rc;
	}
	for (k = 0; k < IOD_FAIL_KINDS; k++) {
		snprintf(dir, sizeof(dir), DEBUGFS "%s", soak_kinds[k].dir);
		if (access(dir, F_OK)) {
			if (soak_kinds[k].optional)
				continue;
			snprintf(why, len, "no %s: debugfs is not mounted there or the kernel lacks %s and CONFIG_FAULT_INJECTION_DEBUG_FS",
				 dir, soak_kinds[k].option);
			iod_fail_soak_close(s);
			return -EOPNOTSUPP;
		}
		rc = soak_set_kind(s, k, why, len);
		if (rc) {
			iod_fail_soak_close(s);
			return rc;
		}
	}
	return 0;
}

void iod_fail_soak_close(struct iod_fail_soak *s)
{
	if (s->make_it_fail > 0)
		iod_fail_soak_disarm(s);
	restore_saved(s->saved, &s->nsaved);
	s->present = 0;
	if (s->make_it_fail > 0)
		close(s->make_it_fail);
	s->make_it_fail = -1;
}

int iod_fail_soak_arm(struct iod_fail_soak *s)
{
	/* make-it-fail is still 0 while this write copies its byte in */
	return pwrite(s->make_it_fail, "1", 1, 0) == 1 ? 0 : -errno;
}

int iod_fail_soak_disarm(struct iod_fail_soak *s)
{
	uint64_t own = 0, left, delta;
	unsigned int k, tries;
	int total = 0, rc;

	/*
	 * Still armed, this write's own copy-in is a fail_usercopy site: a
	 * fault there is EFAULT, counted as the disarm's and not the call's,
	 * and the write is made again.
	 */
	for (tries = 0; pwrite(s->make_it_fail, "0", 1, 0) != 1; tries++) {
		if (errno != EFAULT || tries >= DISARM_TRIES)
			return -errno;
		own++;
	}
	for (k = 0; k < IOD_FAIL_KINDS; k++) {
		if (!(s->present >> k & 1))
			continue;
		rc = read_times(k, &left);
		if (rc)
			return rc;
		delta = s->times_left[k] > left ? s->times_left[k] - left : 0;
		s->times_left[k] = left;
		if (k == IOD_FAIL_USERCOPY)
			delta -= delta < own ? delta : own;
		s->injected[k] += delta;
		total += (int)delta;
	}
	return total;
}

void iod_fail_soak_describe(const struct iod_fail_soak *s, char *buf,
			    size_t len)
{
	size_t at = 0;
	unsigned int k;

	at += snprintf(buf, len, "probability=%u%% interval=1 task-filter=Y (this thread, armed per call) verbose=0, fail_page_alloc min-order=0 ignore-gfp-highmem=N, ignore-gfp-wait=N; kinds:",
		       s->percent);
	for (k = 0; k < IOD_FAIL_KINDS && at < len; k++)
		at += snprintf(buf + at, len - at, s->present >> k & 1 ?
			       " %s" : " (no %s: %s, its sites never fail)",
			       soak_kinds[k].dir, soak_kinds[k].option);
}
