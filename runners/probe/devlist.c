// SPDX-License-Identifier: GPL-2.0
/* NAME@BDF,NAME@BDF lists (--devices, --scratch) into probe_dev entries. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "pci_bind.h"
#include "probe.h"

static bool name_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || n >= sizeof(((struct probe_dev *)0)->name))
		return false;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

static int add(const char *item, size_t len, bool scratch,
	       struct probe_dev *devs, int *n, char *err, size_t errlen)
{
	char one[96], bdf[32];
	const char *at;
	int i;

	if (len >= sizeof(one)) {
		snprintf(err, errlen, "'%.*s...' is too long for NAME@BDF",
			 40, item);
		return -1;
	}
	memcpy(one, item, len);
	one[len] = '\0';
	at = strchr(one, '@');
	if (!at || !name_ok(one, at - one) ||
	    iod_bdf_parse(at + 1, bdf, sizeof(bdf))) {
		snprintf(err, errlen, "'%s' is not NAME@BDF (a name of a-z, 0-9, _ or -, then a PCI address such as nvme@0000:00:11.0)",
			 one);
		return -1;
	}
	for (i = 0; i < *n; i++) {
		if (strcmp(devs[i].bdf, bdf))
			continue;
		if (strncmp(devs[i].name, one, at - one) ||
		    devs[i].name[at - one]) {
			snprintf(err, errlen, "%s is named twice, as %s and as %.*s",
				 bdf, devs[i].name, (int)(at - one), one);
			return -1;
		}
		devs[i].scratch |= scratch;
		return 0;
	}
	if (*n >= PROBE_MAX_DEVS) {
		snprintf(err, errlen, "more than %d devices named",
			 PROBE_MAX_DEVS);
		return -1;
	}
	memset(&devs[*n], 0, sizeof(devs[*n]));
	snprintf(devs[*n].name, sizeof(devs[*n].name), "%.*s",
		 (int)(at - one), one);
	snprintf(devs[*n].bdf, sizeof(devs[*n].bdf), "%s", bdf);
	devs[*n].scratch = scratch;
	(*n)++;
	return 0;
}

int probe_devs_parse(const char *list, bool scratch, struct probe_dev *devs,
		     int *n, char *err, size_t errlen)
{
	const char *p = list, *end;

	if (!list)
		return 0;
	while (*p) {
		end = p + strcspn(p, ", ");
		if (end > p && add(p, end - p, scratch, devs, n, err, errlen))
			return -1;
		p = *end ? end + 1 : end;
	}
	return 0;
}
