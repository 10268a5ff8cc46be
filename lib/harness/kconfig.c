// SPDX-License-Identifier: GPL-2.0
/* The running kernel's build configuration, for naming missing options. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "harness/kconfig.h"

char iod_kconfig_scan(FILE *f, const char *opt)
{
	size_t n = strlen(opt);
	char line[512];

	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, opt, n) && line[n] == '=')
			return line[n + 1];
		if (!strncmp(line, "# ", 2) && !strncmp(line + 2, opt, n) &&
		    !strncmp(line + 2 + n, " is not set", 11))
			return 'n';
	}
	return 'n';
}

/* Scan `path` (through `gzip -dc` when gz); 0 if it cannot be read. */
static char scan_file(const char *path, int gz, const char *opt)
{
	char cmd[300];
	FILE *f;
	char c;

	if (access(path, R_OK))
		return 0;
	if (!gz)
		f = fopen(path, "r");
	else if (snprintf(cmd, sizeof(cmd), "gzip -dc '%s' 2>/dev/null",
			  path) < (int)sizeof(cmd))
		f = popen(cmd, "r");
	else
		return 0;
	if (!f)
		return 0;
	c = iod_kconfig_scan(f, opt);
	if (gz) {
		char rest[4096];

		/* Read gzip out so it ends well; if it failed, nothing was read. */
		while (fread(rest, 1, sizeof(rest), f) > 0)
			;
		if (pclose(f) != 0)
			return 0;
	} else {
		fclose(f);
	}
	return c;
}

char iod_kconfig(const char *opt, char *src, size_t srclen)
{
	char boot[128] = "";
	struct utsname u;
	char c = 0;

	if (!uname(&u))
		snprintf(boot, sizeof(boot), "/boot/config-%s", u.release);
	if (*boot && (c = scan_file(boot, 0, opt)) && src)
		snprintf(src, srclen, "%s", boot);
	if (!c && (c = scan_file("/proc/config.gz", 1, opt)) && src)
		snprintf(src, srclen, "/proc/config.gz");
	return c;
}
