// SPDX-License-Identifier: GPL-2.0
/*
 * The state file: bindings saved as "[binding]" records of key=value lines,
 * so that a runner that crashed can restore its devices later.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pci_bind.h"
#include "pci_sysfs.h"

static bool binding_ok(const struct iod_pci_binding *b)
{
	char canon[32];

	return b->sysfs[0] && pci_one_line(b->sysfs) &&
	       !iod_bdf_parse(b->bdf, canon, sizeof(canon)) &&
	       !strcmp(canon, b->bdf) && pci_driver_name_ok(b->driver) &&
	       (!b->orig_driver[0] || pci_driver_name_ok(b->orig_driver)) &&
	       pci_one_line(b->orig_override);
}

int iod_pci_binding_save(const char *state_path,
			 const struct iod_pci_binding *b)
{
	char rec[1024];
	ssize_t w;
	int fd, n, rc = 0;

	if (!state_path || !*state_path || !binding_ok(b))
		return pci_fail(-EINVAL);
	n = snprintf(rec, sizeof(rec),
		     "[binding]\nsysfs=%s\nbdf=%s\ndriver=%s\norig_driver=%s\norig_override=%s\n\n",
		     b->sysfs, b->bdf, b->driver, b->orig_driver,
		     b->orig_override);
	if (n < 0 || (size_t)n >= sizeof(rec))
		return pci_fail(-EINVAL);
	fd = open(state_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	w = write(fd, rec, n);
	if (w < 0)
		rc = -errno;
	else if (w != n)
		rc = -EIO;
	if (!rc && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	return rc ? pci_fail(rc) : 0;
}

static int set_field(char *dst, size_t len, const char *val)
{
	if (strlen(val) >= len)
		return -EINVAL;
	strcpy(dst, val);
	return 0;
}

int iod_pci_binding_load(const char *state_path, struct iod_pci_binding *out,
			 int max)
{
	struct iod_pci_binding *cur = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int count = 0, rc = 0;
	FILE *f;

	if (!state_path || !out || max < 0)
		return pci_fail(-EINVAL);
	f = fopen(state_path, "re");
	if (!f)
		return -errno;
	while ((n = getline(&line, &cap, f)) >= 0) {
		char *eq;

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n || line[0] == '#')
			continue;
		if (!strcmp(line, "[binding]")) {
			if (cur && !binding_ok(cur)) {
				rc = -EINVAL;
				break;
			}
			if (count == max) {
				rc = -E2BIG;
				break;
			}
			cur = &out[count++];
			memset(cur, 0, sizeof(*cur));
			continue;
		}
		eq = strchr(line, '=');
		if (!cur || !eq) {
			rc = -EINVAL;
			break;
		}
		*eq++ = '\0';
		if (!strcmp(line, "sysfs"))
			rc = set_field(cur->sysfs, sizeof(cur->sysfs), eq);
		else if (!strcmp(line, "bdf"))
			rc = set_field(cur->bdf, sizeof(cur->bdf), eq);
		else if (!strcmp(line, "driver"))
			rc = set_field(cur->driver, sizeof(cur->driver), eq);
		else if (!strcmp(line, "orig_driver"))
			rc = set_field(cur->orig_driver,
				       sizeof(cur->orig_driver), eq);
		else if (!strcmp(line, "orig_override"))
			rc = set_field(cur->orig_override,
				       sizeof(cur->orig_override), eq);
		/* unknown keys are left for newer writers */
		if (rc)
			break;
	}
	if (!rc && ferror(f))
		rc = -EIO;
	if (!rc && cur && !binding_ok(cur))
		rc = -EINVAL;
	free(line);
	fclose(f);
	return rc ? pci_fail(rc) : count;
}
