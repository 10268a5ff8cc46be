/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel log as a witness: open /dev/kmsg at its end before a case
 * runs the kernel through something risky, then scan what was logged since
 * for a sanitizer report (UBSAN, KASAN) or a kernel warning.
 */
#ifndef IODIRTY_KMSG_H
#define IODIRTY_KMSG_H

#include <stdbool.h>
#include <stddef.h>

/* Open /dev/kmsg positioned at its end; -1 if unavailable. */
int iod_kmsg_open(void);

/*
 * Read the records logged since iod_kmsg_open() (one record per read, as
 * /dev/kmsg returns them); true (and the first offending record, up to its
 * first newline, in `line`) if one is a sanitizer report or a kernel
 * warning. False for fd < 0.
 */
bool iod_kmsg_splat(int fd, char *line, size_t len);

#endif
