// SPDX-License-Identifier: GPL-2.0
/*
 * The storage guard: which block devices belong to a PCI device, and whether
 * any of them is mounted, swapped on, held or open exclusively.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "disk_guard.h"

#define MAX_DISKS 256

struct guard {
	const char *sysfs, *proc, *dev;
	char pci_real[PATH_MAX];
	char (*names)[IOD_DISK_NAME_MAX];
	int n, max;
};

static const char *or_default(const char *s, const char *def)
{
	return s && *s ? s : def;
}

static int __attribute__((format(printf, 3, 4)))
path_of(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Does real path r lie under dir d (or is it d)? */
static bool under(const char *r, const char *d)
{
	size_t n = strlen(d);

	return !strncmp(r, d, n) && (r[n] == '/' || !r[n]);
}

/* nvmeXcYnZ (a multipath path disk) -> nvmeXnZ (its head); else false. */
static bool nvme_head_of(const char *name, char *head, size_t len)
{
	unsigned int s, c, ns;
	int end = 0;

	if (sscanf(name, "nvme%uc%un%u%n", &s, &c, &ns, &end) != 3 ||
	    name[end])
		return false;
	return (size_t)snprintf(head, len, "nvme%un%u", s, ns) < len;
}

static bool listed(const struct guard *g, const char *name)
{
	int i;

	for (i = 0; i < g->n && i < g->max; i++)
		if (!strcmp(g->names[i], name))
			return true;
	return false;
}

static void add(struct guard *g, const char *name)
{
	if (listed(g, name))
		return;
	if (g->n < g->max)
		snprintf(g->names[g->n], IOD_DISK_NAME_MAX, "%s", name);
	g->n++;
}

/*
 * One pass over SYSFS/class/block. Pass 0 takes what lives under the PCI
 * device; pass 1 takes the multipath heads of the path disks found, and the
 * partitions of those heads (a partition's node lives inside its disk's).
 */
static int scan(struct guard *g, int pass, char (*heads)[IOD_DISK_NAME_MAX],
		int nheads)
{
	char dir[PATH_MAX], link[PATH_MAX], real[PATH_MAX], pat[80];
	struct dirent *de;
	DIR *d;
	int i, rc;

	rc = path_of(dir, sizeof(dir), "%s/class/block", g->sysfs);
	if (rc)
		return rc;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (strlen(de->d_name) >= IOD_DISK_NAME_MAX)
			continue;
		if (path_of(link, sizeof(link), "%s/%s", dir, de->d_name) ||
		    !realpath(link, real))
			continue;
		if (pass == 0) {
			if (under(real, g->pci_real))
				add(g, de->d_name);
			continue;
		}
		for (i = 0; i < nheads; i++) {
			snprintf(pat, sizeof(pat), "/%s/", heads[i]);
			if (!strcmp(de->d_name, heads[i]) || strstr(real, pat))
				add(g, de->d_name);
		}
	}
	closedir(d);
	return 0;
}

static int list(struct guard *g)
{
	char heads[16][IOD_DISK_NAME_MAX];
	int nheads = 0, i, rc, n0;

	rc = scan(g, 0, NULL, 0);
	if (rc)
		return rc;
	n0 = g->n < g->max ? g->n : g->max;
	for (i = 0; i < n0 && nheads < 16; i++)
		if (nvme_head_of(g->names[i], heads[nheads],
				 sizeof(heads[nheads])))
			nheads++;
	if (nheads)
		rc = scan(g, 1, heads, nheads);
	return rc ? rc : g->n;
}

static int guard_init(struct guard *g, const struct iod_disk_roots *roots,
		      const char *bdf, char (*names)[IOD_DISK_NAME_MAX],
		      int max)
{
	char link[PATH_MAX];
	int rc;

	memset(g, 0, sizeof(*g));
	g->sysfs = or_default(roots ? roots->sysfs : NULL, "/sys");
	g->proc = or_default(roots ? roots->proc : NULL, "/proc");
	g->dev = or_default(roots ? roots->dev : NULL, "/dev");
	g->names = names;
	g->max = max;
	rc = path_of(link, sizeof(link), "%s/bus/pci/devices/%s", g->sysfs,
		     bdf);
	if (rc)
		return rc;
	if (!realpath(link, g->pci_real))
		return errno == ENOENT || errno == ENOTDIR ? -ENODEV : -errno;
	return 0;
}

int iod_disk_list(const struct iod_disk_roots *roots, const char *bdf,
		  char (*out)[IOD_DISK_NAME_MAX], int max)
{
	struct guard g;
	int rc;

	if (!bdf || max < 0 || (max && !out))
		return -EINVAL;
	rc = guard_init(&g, roots, bdf, out, max);
	return rc ? rc : list(&g);
}

int iod_disk_nvme_namespace(const struct iod_disk_roots *roots,
			    const char *bdf, char *name, size_t len)
{
	char (*names)[IOD_DISK_NAME_MAX];
	unsigned int a, b;
	int n, i, end, rc = -ENODEV;

	names = calloc(MAX_DISKS, sizeof(*names));
	if (!names)
		return -ENOMEM;
	n = iod_disk_list(roots, bdf, names, MAX_DISKS);
	if (n < 0)
		rc = n;
	for (i = 0; i < n && i < MAX_DISKS && rc == -ENODEV; i++) {
		end = 0;
		if (sscanf(names[i], "nvme%un%u%n", &a, &b, &end) == 2 &&
		    !names[i][end] && strlen(names[i]) < len) {
			strcpy(name, names[i]);
			rc = 0;
		}
	}
	free(names);
	return rc;
}

/* Text accumulated into a bounded buffer. */
struct text {
	char *buf;
	size_t len, used;
};

static void __attribute__((format(printf, 2, 3)))
say(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!t->len || t->used >= t->len - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->used += (size_t)n < t->len - t->used ? (size_t)n :
			   t->len - t->used - 1;
}

/* Read one small sysfs attribute, trailing whitespace stripped. */
static int read_attr(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return 0;
}

static const char *base_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

struct disk {
	const char *name;
	char devno[32];		/* "maj:min", "" for a hidden disk */
	unsigned int major, minor;
	bool busy;
};

struct line_ctx {
	struct disk *dk;
	int ndk;
	struct text *why;
};

/*
 * Call fn on every line of PROC/name. 0, or -errno if the file cannot be
 * read (0 for a missing file when missing_ok).
 */
static int each_line(const struct guard *g, const char *name, bool missing_ok,
		     void (*fn)(const char *line, struct line_ctx *c),
		     struct line_ctx *c)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	FILE *f;

	if (path_of(path, sizeof(path), "%s/%s", g->proc, name))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT && missing_ok ? 0 : -errno;
	while (getline(&line, &cap, f) > 0)
		fn(line, c);
	free(line);
	fclose(f);
	return 0;
}

/* A mountinfo line: matches maj:min, or the mount source /dev/NAME. */
static void mount_line(const char *line, struct line_ctx *c)
{
	char devno[32], mnt[PATH_MAX], src[PATH_MAX];
	const char *dash = strstr(line, " - ");
	int i;

	if (sscanf(line, "%*s %*s %31s %*s %4095s", devno, mnt) != 2)
		return;
	src[0] = '\0';
	if (dash)
		sscanf(dash + 3, "%*s %4095s", src);
	for (i = 0; i < c->ndk; i++) {
		struct disk *dk = &c->dk[i];
		bool by_no = dk->devno[0] && !strcmp(devno, dk->devno);
		bool by_src = !strncmp(src, "/dev/", 5) &&
			      !strcmp(base_of(src), dk->name);

		if (!by_no && !by_src)
			continue;
		say(c->why, "%s%s mounted at %s", c->why->used ? ", " : "",
		    dk->name, mnt);
		dk->busy = true;
	}
}

/* A /proc/swaps line: names the device, or its node has the maj:min. */
static void swap_line(const char *line, struct line_ctx *c)
{
	char file[PATH_MAX];
	struct stat st;
	bool rdev_ok;
	int i;

	if (sscanf(line, "%4095s", file) != 1 || file[0] != '/')
		return;
	rdev_ok = !stat(file, &st) && S_ISBLK(st.st_mode);
	for (i = 0; i < c->ndk; i++) {
		struct disk *dk = &c->dk[i];
		bool hit = !strcmp(base_of(file), dk->name) ||
			   (rdev_ok && dk->devno[0] &&
			    major(st.st_rdev) == dk->major &&
			    minor(st.st_rdev) == dk->minor);

		if (!hit)
			continue;
		say(c->why, "%s%s used as swap", c->why->used ? ", " : "",
		    dk->name);
		dk->busy = true;
	}
}

/* Held by a stacked block device (dm, md, bcache)? */
static int check_holders(const struct guard *g, struct disk *dk,
			 struct text *why)
{
	char path[PATH_MAX];
	struct dirent *de;
	int held = 0;
	DIR *d;

	if (path_of(path, sizeof(path), "%s/class/block/%s/holders", g->sysfs,
		    dk->name))
		return -ENAMETOOLONG;
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		say(why, "%s%s held by %s", why->used ? ", " : "", dk->name,
		    de->d_name);
		held = 1;
	}
	closedir(d);
	if (held)
		dk->busy = true;
	return 0;
}

/*
 * Open exclusively by someone? Only for a real block node whose maj:min is
 * the one sysfs gives: a fake tree never reaches a real disk.
 */
static void check_exclusive(const struct guard *g, struct disk *dk,
			    struct text *why)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	if (dk->busy || !dk->devno[0] ||
	    path_of(path, sizeof(path), "%s/%s", g->dev, dk->name) ||
	    stat(path, &st) || !S_ISBLK(st.st_mode) ||
	    major(st.st_rdev) != dk->major || minor(st.st_rdev) != dk->minor)
		return;
	fd = open(path, O_RDONLY | O_EXCL | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return;
	}
	if (errno != EBUSY)
		return;
	say(why, "%s%s open exclusively by another user", why->used ? ", " : "",
	    dk->name);
	dk->busy = true;
}

static int guard_check(struct guard *g, const char *bdf, char *err,
		       size_t errlen)
{
	char (*names)[IOD_DISK_NAME_MAX];
	struct disk *dk = NULL;
	struct line_ctx lc;
	struct text why;
	char path[PATH_MAX], whyb[1024];
	int n, i, rc;

	names = calloc(MAX_DISKS, sizeof(*names));
	if (!names)
		return -ENOMEM;
	g->names = names;
	g->max = MAX_DISKS;
	n = list(g);
	if (n < 0) {
		rc = n;
		snprintf(err, errlen, "cannot list the block devices of %s under %s/class/block (%s), so it was left alone; run as root and check that sysfs is mounted at %s",
			 bdf, g->sysfs, strerror(-rc), g->sysfs);
		goto out;
	}
	if (n > MAX_DISKS) {
		rc = -E2BIG;
		snprintf(err, errlen, "%s has %d block devices, more than the %d the guard checks, so it was left alone; pick a device with fewer namespaces",
			 bdf, n, MAX_DISKS);
		goto out;
	}
	dk = calloc(n ? n : 1, sizeof(*dk));
	if (!dk) {
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		dk[i].name = names[i];
		if (path_of(path, sizeof(path), "%s/class/block/%s/dev",
			    g->sysfs, names[i]) ||
		    read_attr(path, dk[i].devno, sizeof(dk[i].devno)) ||
		    sscanf(dk[i].devno, "%u:%u", &dk[i].major,
			   &dk[i].minor) != 2)
			dk[i].devno[0] = '\0';
	}
	why = (struct text){ .buf = whyb, .len = sizeof(whyb) };
	whyb[0] = '\0';
	lc = (struct line_ctx){ .dk = dk, .ndk = n, .why = &why };
	rc = each_line(g, "self/mountinfo", false, mount_line, &lc);
	if (rc) {
		snprintf(err, errlen, "cannot read %s/self/mountinfo (%s), so %s was left alone; check that proc is mounted at %s",
			 g->proc, strerror(-rc), bdf, g->proc);
		goto out;
	}
	/* a kernel without swap has no /proc/swaps */
	rc = each_line(g, "swaps", true, swap_line, &lc);
	if (rc) {
		snprintf(err, errlen, "cannot read %s/swaps (%s), so %s was left alone; check that proc is mounted at %s",
			 g->proc, strerror(-rc), bdf, g->proc);
		goto out;
	}
	for (i = 0; i < n; i++) {
		rc = check_holders(g, &dk[i], &why);
		if (rc) {
			snprintf(err, errlen, "cannot read the holders of %s (%s), so %s was left alone; run as root and check that sysfs is mounted at %s",
				 dk[i].name, strerror(-rc), bdf, g->sysfs);
			goto out;
		}
		check_exclusive(g, &dk[i], &why);
	}
	rc = 0;
	if (why.used) {
		rc = -EBUSY;
		snprintf(err, errlen, "%s holds storage in use: %s, so it was left alone; unmount it, swapoff, stop what holds it (dmsetup, mdadm, vgchange) or name another device",
			 bdf, whyb);
	}
out:
	free(dk);
	free(names);
	g->names = NULL;
	return rc;
}

int iod_disk_guard(const struct iod_disk_roots *roots, const char *bdf,
		   char *err, size_t errlen)
{
	struct guard g;
	char dummy[1];
	int rc;

	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	if (!bdf)
		return -EINVAL;
	rc = guard_init(&g, roots, bdf, NULL, 0);
	if (rc) {
		snprintf(err, errlen, rc == -ENODEV ?
			 "there is no PCI device %s under %s/bus/pci/devices; check the address with lspci -D" :
			 "cannot resolve %s under %s/bus/pci/devices; run as root and check that sysfs is mounted there",
			 bdf, g.sysfs);
		return rc;
	}
	return guard_check(&g, bdf, err, errlen);
}
