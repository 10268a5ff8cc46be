/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fake sysfs/proc/dev trees for host unit tests: a temporary directory,
 * files, directories and symlinks relative to it, and its removal. Header
 * only; every helper returns 0 or -errno.
 */
#ifndef IODIRTY_TEST_FAKE_TREE_H
#define IODIRTY_TEST_FAKE_TREE_H

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh directory $TMPDIR/iodirty-WHAT.XXXXXX (or under /tmp) into tmp. */
static inline int fake_tree_new(char *tmp, size_t len, const char *what)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmp, len, "%s/iodirty-%s.XXXXXX",
		 t && *t && strlen(t) < 64 ? t : "/tmp", what);
	return mkdtemp(tmp) ? 0 : -errno;
}

static inline int fake_tree_rm_one(const char *p, const struct stat *st,
				   int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static inline void fake_tree_rm(const char *tmp)
{
	nftw(tmp, fake_tree_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* mkdir -p of tmp/rel. */
static inline int mkdirs(const char *tmp, const char *rel)
{
	char p[1024];
	char *s;

	if (snprintf(p, sizeof(p), "%s/%s", tmp, rel) >= (int)sizeof(p))
		return -ENAMETOOLONG;
	for (s = p + strlen(tmp) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return mkdir(p, 0755) && errno != EEXIST ? -errno : 0;
}

/* Write content to tmp/rel (its directory must exist). */
static inline int put(const char *tmp, const char *rel, const char *content)
{
	char p[1024];
	FILE *f;

	if (snprintf(p, sizeof(p), "%s/%s", tmp, rel) >= (int)sizeof(p))
		return -ENAMETOOLONG;
	f = fopen(p, "w");
	if (!f)
		return -errno;
	fputs(content, f);
	return fclose(f) ? -errno : 0;
}

/* mkdir -p of the directory tmp/rel lives in. */
static inline int mkparent(const char *tmp, const char *rel)
{
	char dir[512], *slash;

	if (snprintf(dir, sizeof(dir), "%s", rel) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	slash = strrchr(dir, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	return mkdirs(tmp, dir);
}

/* put() after creating the file's directory. */
static inline int put_p(const char *tmp, const char *rel, const char *content)
{
	return mkparent(tmp, rel) ?: put(tmp, rel, content);
}

/* tmp/rel -> target (its directory created first). */
static inline int link_p(const char *tmp, const char *rel, const char *target)
{
	char p[1024];
	int rc = mkparent(tmp, rel);

	if (rc)
		return rc;
	if (snprintf(p, sizeof(p), "%s/%s", tmp, rel) >= (int)sizeof(p))
		return -ENAMETOOLONG;
	return symlink(target, p) ? -errno : 0;
}

/* rm tmp/rel (a file or a symlink). */
static inline int unlink_rel(const char *tmp, const char *rel)
{
	char p[1024];

	if (snprintf(p, sizeof(p), "%s/%s", tmp, rel) >= (int)sizeof(p))
		return -ENAMETOOLONG;
	return unlink(p) ? -errno : 0;
}

#endif /* IODIRTY_TEST_FAKE_TREE_H */
