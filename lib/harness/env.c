// SPDX-License-Identifier: GPL-2.0
/* The suite programs' environment: profile and device, from env vars. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/env.h"

struct iod_env iod_env;

static int wants_no_profile(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

void iod_env_load(int argc, char **argv)
{
	const char *path = getenv("IODIRTY_PROFILE");
	char err[512];

	iod_env.flavour = getenv("IODIRTY_FLAVOUR");
	iod_env.vfio_cdev = getenv("IODIRTY_VFIO_CDEV");
	if (wants_no_profile(argc, argv))
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
	if (iod_profile_applies(iod_env.profile) == 0) {
		fprintf(stderr,
			"%s: error: kernel %s is older than %s, the oldest release profile %s applies to (kernel.min)\n"
			"%s: next: run a kernel of %s or newer, or name the profile written for this kernel in IODIRTY_PROFILE\n",
			argv[0], iod_profile_kernel(iod_env.profile),
			iod_profile_str(iod_env.profile, "kernel.min"), path,
			argv[0], iod_profile_str(iod_env.profile, "kernel.min"));
		exit(1);
	}
	if (!iod_env_is_mock() && (!iod_env.vfio_cdev || !*iod_env.vfio_cdev)) {
		fprintf(stderr,
			"%s: error: profile %s drives a PCI device but IODIRTY_VFIO_CDEV is not set\n"
			"%s: next: bind the device with 'iodirty-bind bind --allow BDF --state FILE BDF' and export IODIRTY_VFIO_CDEV=<the cdev it prints>\n",
			argv[0], path, argv[0]);
		exit(1);
	}
}

#define MAX_DEVICES 16

static struct {
	char name[32];
	char cdev[128];
} devices[MAX_DEVICES];
static unsigned int nr_devices;
static bool devices_read;

static void read_devices(void)
{
	const char *s = getenv("IODIRTY_DEVICES");

	devices_read = true;
	while (s && *s && nr_devices < MAX_DEVICES) {
		size_t n = strcspn(s, " ,");
		const char *eq = memchr(s, '=', n);

		if (eq && eq > s && (size_t)(eq - s) < sizeof(devices[0].name) &&
		    n - (size_t)(eq - s) - 1 < sizeof(devices[0].cdev)) {
			memcpy(devices[nr_devices].name, s, eq - s);
			memcpy(devices[nr_devices].cdev, eq + 1,
			       n - (eq - s) - 1);
			nr_devices++;
		}
		s += n;
		s += strspn(s, " ,");
	}
}

const char *iod_env_device(const char *name)
{
	unsigned int i;

	if (!devices_read)
		read_devices();
	for (i = 0; i < nr_devices; i++)
		if (!strcmp(devices[i].name, name))
			return devices[i].cdev;
	return NULL;
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
