/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The running kernel's build configuration, as a distribution ships it:
 * /boot/config-$(uname -r), else /proc/config.gz (CONFIG_IKCONFIG_PROC).
 * Read only to name the option a missing capability needs; what the
 * kernel offers is always asked of the kernel itself.
 */
#ifndef IODIRTY_KCONFIG_H
#define IODIRTY_KCONFIG_H

#include <stddef.h>
#include <stdio.h>

/*
 * The state of option `opt` (e.g. "CONFIG_IOMMUFD") in the config text f:
 * 'y', 'm', 'n' ("# CONFIG_X is not set", or no line for it), or the first
 * character of another value.
 */
char iod_kconfig_scan(FILE *f, const char *opt);

/*
 * The same for the running kernel; 0 when no config can be read. `src`
 * (may be NULL) gets the file it was read from.
 */
char iod_kconfig(const char *opt, char *src, size_t srclen);

#endif
