// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel releases: parsing a uname release, the release ranged keys resolve
 * for, and the `@LO-HI` ranges of a profile line, compared packed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "profile/profile_int.h"

#define VER_SHIFT 20

uint64_t iod_prof_ver_pack(const struct iod_kernel_release *r)
{
	return (uint64_t)r->major << (2 * VER_SHIFT) |
	       (uint64_t)r->minor << VER_SHIFT | r->patch;
}

void iod_prof_ver_format(uint64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%llu.%llu.%llu",
		 (unsigned long long)(v >> (2 * VER_SHIFT)),
		 (unsigned long long)(v >> VER_SHIFT) & IOD_KERNEL_PART_MAX,
		 (unsigned long long)v & IOD_KERNEL_PART_MAX);
}

/*
 * Scan up to three '.'-separated decimal parts at @s, each at most
 * IOD_KERNEL_PART_MAX. Returns the characters consumed and sets *@nparts, or
 * -1 if a part is missing (empty, "6.", "6..7") or too large.
 */
static int scan_version(const char *s, struct iod_kernel_release *r,
			int *nparts)
{
	unsigned int *part[3] = { &r->major, &r->minor, &r->patch };
	const char *p = s;
	int n = 0;

	r->major = r->minor = r->patch = 0;
	for (;;) {
		unsigned long v = 0;

		if (!is_digit(*p))
			return -1;
		while (is_digit(*p)) {
			v = v * 10 + (unsigned long)(*p - '0');
			if (v > IOD_KERNEL_PART_MAX)
				return -1;
			p++;
		}
		*part[n++] = (unsigned int)v;
		if (n == 3 || *p != '.')
			break;
		p++;
	}
	*nparts = n;
	return (int)(p - s);
}

/* Exactly "MAJOR.MINOR" or "MAJOR.MINOR.PATCH", with its number of parts. */
static int parse_version(const char *s, struct iod_kernel_release *r,
			 int *nparts)
{
	int used = scan_version(s, r, nparts);

	if (used < 0 || s[used] || *nparts < 2)
		return -1;
	return 0;
}

int iod_prof_version_parse(const char *s, struct iod_kernel_release *out)
{
	int n;

	return parse_version(s, out, &n);
}

int iod_kernel_release_parse(const char *s, struct iod_kernel_release *out)
{
	struct iod_kernel_release r;
	int used, n;

	if (!s)
		return -1;
	used = scan_version(s, &r, &n);
	if (used < 0 || n < 2 || is_digit(s[used]) || s[used] == '.')
		return -1;
	if (out)
		*out = r;
	return 0;
}

int iod_kernel_release_running(struct iod_kernel_release *out, char *err,
			       size_t errlen)
{
	const char *env = getenv("IODIRTY_KERNEL_RELEASE");
	struct utsname u;

	if (env && *env) {
		if (!iod_kernel_release_parse(env, out))
			return 0;
		if (err && errlen)
			snprintf(err, errlen,
				 "IODIRTY_KERNEL_RELEASE '%s' is not a kernel release: expected MAJOR.MINOR[.PATCH], optionally followed by a suffix such as -amd64 or -rc3",
				 env);
		return -1;
	}
	if (uname(&u)) {
		if (err && errlen)
			snprintf(err, errlen, "uname: %s", strerror(errno));
		return -1;
	}
	if (!iod_kernel_release_parse(u.release, out))
		return 0;
	if (err && errlen)
		snprintf(err, errlen,
			 "the running kernel's release '%s' does not start with MAJOR.MINOR[.PATCH]; set IODIRTY_KERNEL_RELEASE",
			 u.release);
	return -1;
}

/*
 * A MAJOR.MINOR lower bound is MAJOR.MINOR.0, a MAJOR.MINOR upper bound
 * MAJOR.MINOR.max.
 */
int iod_prof_range_parse(const char *key, const char *r, uint64_t *lo,
			 uint64_t *hi, char *why, size_t whylen)
{
	const char *dash = strchr(r, '-');
	struct iod_kernel_release v;
	char lo_s[32], hi_s[32];
	size_t lo_len;
	int n;

	lo_len = dash ? (size_t)(dash - r) : strlen(r);
	if (lo_len >= sizeof(lo_s) ||
	    strlen(dash ? dash + 1 : r) >= sizeof(hi_s))
		goto bad;
	memcpy(lo_s, r, lo_len);
	lo_s[lo_len] = '\0';
	strcpy(hi_s, dash ? dash + 1 : r);
	if (!*lo_s && !*hi_s) {
		snprintf(why, whylen,
			 "kernel range '@%s' for '%s' has no bound: write @LO-HI, @LO-, @-HI or @V",
			 r, key);
		return -1;
	}
	*lo = 0;
	if (*lo_s) {
		if (parse_version(lo_s, &v, &n))
			goto bad;
		*lo = iod_prof_ver_pack(&v);
	}
	*hi = IOD_VER_OPEN_HI;
	if (*hi_s) {
		if (parse_version(hi_s, &v, &n))
			goto bad;
		if (n == 2)
			v.patch = IOD_KERNEL_PART_MAX;
		*hi = iod_prof_ver_pack(&v);
	}
	if (*lo <= *hi)
		return 0;
	snprintf(why, whylen,
		 "kernel range '@%s' for '%s' is empty: %s is after %s", r, key,
		 lo_s, hi_s);
	return -1;
bad:
	snprintf(why, whylen,
		 "bad kernel range '@%s' for '%s': expected @LO-HI, @LO-, @-HI or @V, each bound MAJOR.MINOR[.PATCH] (e.g. @6.7-6.10)",
		 r, key);
	return -1;
}
