/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lab's guest programs tell lab/safety that their DMA runs by writing
 * their pid to a file: whole or not at all (written aside, then renamed).
 */
#ifndef IODIRTY_LAB_PID_FILE_H
#define IODIRTY_LAB_PID_FILE_H

#include <errno.h>
#include <stdio.h>
#include <sys/types.h>

/* Write pid to path (via path.tmp and a rename): 0 or -errno. */
static inline int lab_write_pid_file(const char *path, pid_t pid)
{
	char tmp[512];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "%d\n", (int)pid);
	if (fclose(f))
		return -errno;
	return rename(tmp, path) ? -errno : 0;
}

#endif
