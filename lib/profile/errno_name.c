// SPDX-License-Identifier: GPL-2.0
/*
 * Errno names: the set a profile may state (iod_errno_from_name), and a name
 * for any errno in messages (iod_errno_name), from glibc beyond that set.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "profile/profile_int.h"
#include "util.h"

/* The errnos a profile may name; the order is the one messages list. */
static const struct {
	const char *name;
	int value;
} iod_errnos[] = {
	{ "EINVAL", EINVAL },	{ "EOPNOTSUPP", EOPNOTSUPP },
	{ "ENOENT", ENOENT },	{ "E2BIG", E2BIG },
	{ "EOVERFLOW", EOVERFLOW }, { "EBUSY", EBUSY },
	{ "ENODEV", ENODEV },	{ "EPERM", EPERM },
	{ "EFAULT", EFAULT },	{ "ENOMEM", ENOMEM },
	{ "ENOSPC", ENOSPC },	{ "ENOTTY", ENOTTY },
	{ "EEXIST", EEXIST },	{ "EACCES", EACCES },
	{ "ENXIO", ENXIO },	{ "EIO", EIO },
};

/*
 * Number-based names ("E#123") for errnos glibc has no name for. A few
 * buffers in turn, so one message may name several.
 */
#define IOD_ERRNO_NUM_BUFS 4

int iod_errno_from_name(const char *name)
{
	size_t i;

	if (!name)
		return -1;
	if (!strcmp(name, "0") || !strcmp(name, "ok"))
		return 0;
	for (i = 0; i < ARRAY_SIZE(iod_errnos); i++)
		if (!strcmp(name, iod_errnos[i].name))
			return iod_errnos[i].value;
	return -1;
}

const char *iod_errno_name(int e)
{
	static __thread char num[IOD_ERRNO_NUM_BUFS][16];
	static __thread unsigned int next;
	const char *name;
	char *buf;
	size_t i;

	if (e == 0)
		return "0";
	/* The profile's spelling first (EOPNOTSUPP, not ENOTSUP). */
	for (i = 0; i < ARRAY_SIZE(iod_errnos); i++)
		if (iod_errnos[i].value == e)
			return iod_errnos[i].name;
	name = strerrorname_np(e);
	if (name)
		return name;
	buf = num[next++ % IOD_ERRNO_NUM_BUFS];
	snprintf(buf, sizeof(num[0]), "E#%d", e);
	return buf;
}

void iod_prof_errno_names(char *buf, size_t len)
{
	size_t off = 0, i;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(iod_errnos) && off < len; i++) {
		int n = snprintf(buf + off, len - off, "%s%s", i ? " " : "",
				 iod_errnos[i].name);

		if (n < 0)
			break;
		off += n;
	}
}
