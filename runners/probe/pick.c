// SPDX-License-Identifier: GPL-2.0
/*
 * The profile the facts select. A profile is a candidate when it states
 * detect.iommu; it matches when each detect.* key it states equals what was
 * detected (a capability that could not be read matches either way and is
 * said so). Exactly one profile must match.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe.h"
#include "profile/profile.h"

static bool dir_ok(const char *d)
{
	struct stat st;

	return !stat(d, &st) && S_ISDIR(st.st_mode);
}

const char *probe_profiles_dir(const char *dir, char *buf, size_t len)
{
	static const char *const rel[] = { "../profiles", "../../profiles" };
	char exe[PATH_MAX], *slash;
	const char *env = getenv("IODIRTY_PROFILES");
	size_t i, base;
	ssize_t n;

	if (dir && *dir)
		return dir;
	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	base = strlen(exe);
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		exe[base] = '\0';
		if (snprintf(exe + base, sizeof(exe) - base, "/%s", rel[i]) <
		    (int)(sizeof(exe) - base) && len >= PATH_MAX && dir_ok(exe) &&
		    realpath(exe, buf))
			return buf;
	}
	return NULL;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_profile(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return n > 8 && de->d_name[0] != '.' &&
	       !strcmp(de->d_name + n - 8, ".profile");
}

/* Does p match f? If not, what it wants into why. */
static bool matches(const struct iod_profile *p, const struct probe_facts *f,
		    char *why, size_t whylen)
{
	const char *iommu = iod_profile_enum(p, "detect.iommu");
	const char *dirty = iod_profile_enum(p, "detect.dirty");
	const char *machine = iod_profile_enum(p, "detect.machine");

	if (!iommu) {
		snprintf(why, whylen, "states no detect.iommu");
		return false;
	}
	if (strcmp(iommu, f->iommu)) {
		snprintf(why, whylen, "wants iommu=%s", iommu);
		return false;
	}
	if (dirty && f->dirty != PROBE_UNKNOWN &&
	    strcmp(dirty, probe_tri_name(f->dirty))) {
		snprintf(why, whylen, "wants dirty=%s", dirty);
		return false;
	}
	if (machine && strcmp(machine, f->machine)) {
		snprintf(why, whylen, "wants machine=%s", machine);
		return false;
	}
	return true;
}

/* Every profile of de[0..n) with its verdict, into all; the matches into hits. */
static int judge(const char *dir, struct dirent **de, int n,
		 const struct probe_facts *f, struct probe_pick *pk, FILE *all,
		 FILE *hits)
{
	char path[PATH_MAX], err[512], why[128];
	int i, nmatch = 0;

	for (i = 0; i < n; i++) {
		struct iod_profile *p = NULL;
		bool hit;

		snprintf(path, sizeof(path), "%s/%s", dir, de[i]->d_name);
		if (iod_profile_load(path, &p, err, sizeof(err))) {
			snprintf(pk->err, sizeof(pk->err), "profile %.512s does not load: %.1024s; fix it (iodirty-profile check FILE) or remove it",
				 path, err);
			return -1;
		}
		hit = matches(p, f, why, sizeof(why));
		iod_profile_free(p);
		de[i]->d_name[strlen(de[i]->d_name) - 8] = '\0';
		fprintf(all, "%s%s (%s)", i ? ", " : "", de[i]->d_name,
			hit ? "matches" : why);
		if (!hit)
			continue;
		fprintf(hits, "%s%s", nmatch ? ", " : "", de[i]->d_name);
		if (!nmatch++ &&
		    (snprintf(pk->name, sizeof(pk->name), "%s", de[i]->d_name) >= (int)sizeof(pk->name) ||
		     snprintf(pk->path, sizeof(pk->path), "%s", path) >= (int)sizeof(pk->path)))
			pk->name[0] = '\0';
	}
	return nmatch;
}

int probe_pick(const char *dir, const struct probe_facts *f,
	       struct probe_pick *pk)
{
	char *all = NULL, *hits = NULL;
	size_t alen = 0, hlen = 0;
	FILE *fa, *fh;
	struct dirent **de;
	int n, i, nmatch;

	memset(pk, 0, sizeof(*pk));
	n = scandir(dir, &de, is_profile, by_name);
	if (n < 0) {
		snprintf(pk->err, sizeof(pk->err), "cannot list the profiles in %s (%s); pass --profiles DIR naming the profiles/ directory, or set IODIRTY_PROFILES",
			 dir, strerror(errno));
		return -1;
	}
	fa = open_memstream(&all, &alen);
	fh = open_memstream(&hits, &hlen);
	nmatch = fa && fh ? judge(dir, de, n, f, pk, fa, fh) : -1;
	if (fa)
		fclose(fa);
	if (fh)
		fclose(fh);
	for (i = 0; i < n; i++)
		free(de[i]);
	free(de);
	if (nmatch != 1 && nmatch >= 0) {
		pk->name[0] = pk->path[0] = '\0';
		if (!nmatch)
			snprintf(pk->err, sizeof(pk->err), "no profile describes this machine (detected iommu=%s dirty=%s machine=%s); profiles in %s: %s; pass --profile NAME to run with one of them anyway, or add a profile with these detect.* keys (runners/new profile NAME, profiles/README.md)",
				 f->iommu, probe_tri_name(f->dirty), f->machine,
				 dir, n ? all : "none");
		else
			snprintf(pk->err, sizeof(pk->err), "%d profiles match this machine (detected iommu=%s dirty=%s machine=%s): %s; pass --profile NAME, or give the profiles detect.* keys that tell them apart",
				 nmatch, f->iommu, probe_tri_name(f->dirty),
				 f->machine, hits);
	} else if (nmatch < 0 && !pk->err[0]) {
		snprintf(pk->err, sizeof(pk->err), "out of memory; retry");
	}
	free(all);
	free(hits);
	return nmatch == 1 ? 0 : -1;
}
