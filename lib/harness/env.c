// SPDX-License-Identifier: GPL-2.0
/* The suite programs' environment: profile and device, from env vars. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "harness/env.h"
#include "harness/kernel_caps.h"

/* kselftest's exit code of a program that skipped (KSFT_SKIP). */
#define IOD_EXIT_SKIP 4

struct iod_env iod_env;

int iod_env_listing(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

/* The release named by IODIRTY_KERNEL_RELEASE, or NULL. */
static const char *assumed_release(void)
{
	const char *env = getenv("IODIRTY_KERNEL_RELEASE");

	return env && *env ? env : NULL;
}

static const char *running_release(void)
{
	static struct utsname u;

	return uname(&u) ? "(uname failed)" : u.release;
}

void iod_env_tap_header(void)
{
	static bool printed;

	if (printed)
		return;
	printed = true;
	/* The kselftest harness prints no second header. */
	setenv("KSFT_TAP_LEVEL", "1", 1);
	printf("TAP version 13\n");
	if (assumed_release())
		printf("# kernel release: IODIRTY_KERNEL_RELEASE=%s stands in for the running kernel %s: the profile's kernel.min, kernel.max and ranged keys are judged for %s\n",
		       assumed_release(), running_release(),
		       iod_profile_kernel(iod_env.profile));
	fflush(stdout);
}

/* Refuse a kernel outside the profile's kernel.min .. kernel.max. */
static void refuse_release(const char *argv0, const char *path)
{
	const char *b = iod_profile_broken_bound(iod_env.profile);
	const char *lim;
	bool min;

	if (!b)
		return;
	min = !strcmp(b, "kernel.min");
	lim = iod_profile_str(iod_env.profile, b);
	fprintf(stderr,
		"%s: error: kernel %s%s%s%s is %s than %s, the %s release profile %s %s (%s)\n"
		"%s: next: run a kernel of %s %s, or name the profile written for this kernel in IODIRTY_PROFILE; for a kernel that carries what the profile needs under another release (a backport), set IODIRTY_KERNEL_RELEASE=<the release it matches> (every program then says so in its output)\n",
		argv0, iod_profile_kernel(iod_env.profile),
		assumed_release() ? " (IODIRTY_KERNEL_RELEASE; running " : "",
		assumed_release() ? running_release() : "",
		assumed_release() ? ")" : "", min ? "older" : "newer", lim,
		min ? "oldest" : "newest", path,
		min ? "applies to" : "is known to hold for", b, argv0,
		lim, min ? "or newer" : "or older");
	exit(1);
}

/* The whole program SKIPs (kselftest's plan "1..0 # SKIP why"). */
static void __attribute__((noreturn, format(printf, 1, 2)))
skip_program(const char *fmt, ...)
{
	va_list ap;

	iod_env_tap_header();
	printf("1..0 # SKIP ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(IOD_EXIT_SKIP);
}

/*
 * A program whose kernel lacks what it needs SKIPs whole: no iommufd
 * (unless the program says IOD_IOMMUFD_OPTIONAL), no mock where the
 * profile's device is the mock.
 */
static void skip_missing(void)
{
	char why[384];

	if ((!iod_iommufd_optional && iod_iommufd_missing(why, sizeof(why))) ||
	    (iod_env_is_mock() && iod_mock_missing(why, sizeof(why))))
		skip_program("%s", why);
}

static void load(int argc, char **argv, bool run)
{
	const char *path = getenv("IODIRTY_PROFILE");
	char err[512];

	iod_env.flavour = getenv("IODIRTY_FLAVOUR");
	iod_env.vfio_cdev = getenv("IODIRTY_VFIO_CDEV");
	if (iod_env_listing(argc, argv))
		return;
	if (!path || !*path) {
		fprintf(stderr,
			"%s: error: IODIRTY_PROFILE is not set\n"
			"%s: next: name the profile of the IOMMU under test, e.g. IODIRTY_PROFILE=profiles/mock.profile (make lab sets it for every lab flavour)\n",
			argv[0], argv[0]);
		exit(1);
	}
	if (iod_profile_load(path, &iod_env.profile, err, sizeof(err))) {
		fprintf(stderr, "%s: error: bad profile: %s\n"
			"%s: next: fix the profile (see profiles/README.md)\n",
			argv[0], err, argv[0]);
		exit(1);
	}
	refuse_release(argv[0], path);
	if (run)
		skip_missing();
	/*
	 * No device named (a silicon profile run without --devices): nothing
	 * here can be attached, so the program SKIPs saying how to name one.
	 */
	if (run && !iod_env_is_mock() && !iod_iommufd_optional &&
	    (!iod_env.vfio_cdev || !*iod_env.vfio_cdev))
		skip_program("no device named: profile %s drives a PCI device bound to vfio-pci; name one with 'iodirty run --devices NAME@BDF' (or export IODIRTY_VFIO_CDEV=/dev/vfio/devices/vfioN of a device bound to vfio-pci)",
			     path);
}

void iod_env_load(int argc, char **argv)
{
	load(argc, argv, true);
}

void iod_env_load_profile(char *argv0)
{
	char *argv[] = { argv0, NULL };

	load(1, argv, false);
}

#define MAX_DEVICES 16

struct named {
	char name[32];
	char value[128];
};

/* NAME=VALUE words of environment variable `var`, split at ' ' or ','. */
static unsigned int read_named(const char *var, struct named *t)
{
	const char *s = getenv(var);
	unsigned int n = 0;

	while (s && *s && n < MAX_DEVICES) {
		size_t len = strcspn(s, " ,");
		const char *eq = memchr(s, '=', len);

		if (eq && eq > s && (size_t)(eq - s) < sizeof(t[0].name) &&
		    len - (size_t)(eq - s) - 1 < sizeof(t[0].value)) {
			memcpy(t[n].name, s, eq - s);
			memcpy(t[n].value, eq + 1, len - (eq - s) - 1);
			n++;
		}
		s += len;
		s += strspn(s, " ,");
	}
	return n;
}

static const char *find_named(const struct named *t, unsigned int n,
			      const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return t[i].value;
	return NULL;
}

const char *iod_env_device(const char *name)
{
	static struct named devices[MAX_DEVICES];
	static unsigned int n;
	static bool read;

	if (!read) {
		n = read_named("IODIRTY_DEVICES", devices);
		read = true;
	}
	return find_named(devices, n, name);
}

const char *iod_env_device_bdf(const char *name)
{
	static struct named bdfs[MAX_DEVICES];
	static unsigned int n;
	static bool read;
	const char *b;

	if (!read) {
		n = read_named("IODIRTY_DEVICE_BDFS", bdfs);
		read = true;
	}
	b = find_named(bdfs, n, name);
	return b && *b ? b : NULL;
}

/* bdf with its PCI domain ("0000:" when it has none), lower case. */
static void full_bdf(const char *bdf, size_t n, char *out, size_t len)
{
	size_t i, colons = 0, o;

	for (i = 0; i < n; i++)
		colons += bdf[i] == ':';
	o = (size_t)snprintf(out, len, "%s", colons < 2 ? "0000:" : "");
	for (i = 0; i < n && o + 1 < len; i++)
		out[o++] = (char)(bdf[i] >= 'A' && bdf[i] <= 'F' ?
				  bdf[i] - 'A' + 'a' : bdf[i]);
	out[o < len ? o : len - 1] = '\0';
}

bool iod_env_scratch(const char *bdf)
{
	const char *s = getenv("IODIRTY_SCRATCH");
	char want[64], got[64];

	if (!bdf || !*bdf || !s)
		return false;
	full_bdf(bdf, strlen(bdf), want, sizeof(want));
	while (*s) {
		size_t n = strcspn(s, ", ");
		const char *at = memchr(s, '@', n);

		if (at) {
			n -= (size_t)(at + 1 - s);
			s = at + 1;
		}
		full_bdf(s, n, got, sizeof(got));
		if (n && !strcmp(want, got))
			return true;
		s += n;
		s += strspn(s, ", ");
	}
	return false;
}

int iod_env_is_mock(void)
{
	const char *dev = iod_profile_enum(iod_env.profile, "device");

	return dev && !strcmp(dev, "mock");
}

int iod_expect(const char *key)
{
	int e = iod_profile_errno(iod_env.profile, key);

	if (e < 0) {
		fprintf(stderr, "profile %s does not state %s\n",
			iod_profile_path(iod_env.profile), key);
		abort();
	}
	return e;
}
