// SPDX-License-Identifier: GPL-2.0
/* PCI addresses: parse a BDF into canonical form, match it to an allow list. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pci_bind.h"
#include "pci_sysfs.h"

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
		return pci_fail(-EINVAL);
	colon = strchr(in, ':');
	if (!colon)
		return pci_fail(-EINVAL);
	if (strchr(colon + 1, ':')) {
		/* long form: 4 to 8 domain digits */
		n = colon - in;
		if (n < 4 || n > 8)
			return pci_fail(-EINVAL);
		for (i = 0; i < n; i++) {
			if (!isxdigit((unsigned char)in[i]))
				return pci_fail(-EINVAL);
			dom = dom * 16 + hexval(in[i]);
		}
		p = colon + 1;
	}
	/* p is "BB:DD.F" exactly */
	if (strlen(p) != 7 || p[2] != ':' || p[5] != '.')
		return pci_fail(-EINVAL);
	for (i = 0; i < 7; i++) {
		if (i == 2 || i == 5)
			continue;
		if (!isxdigit((unsigned char)p[i]))
			return pci_fail(-EINVAL);
	}
	bus = hexval(p[0]) * 16 + hexval(p[1]);
	dev = hexval(p[3]) * 16 + hexval(p[4]);
	fn = hexval(p[6]);
	if (dev > 0x1f || fn > 7)
		return pci_fail(-EINVAL);
	n = snprintf(buf, sizeof(buf), "%04lx:%02lx:%02lx.%lx", dom, bus, dev,
		     fn);
	if (n < 0 || (size_t)n >= outlen)
		return pci_fail(-EINVAL);
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
