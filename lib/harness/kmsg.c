// SPDX-License-Identifier: GPL-2.0
/* The kernel log: did a case make the kernel complain? */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "harness/kmsg.h"

int iod_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

bool iod_kmsg_splat(int fd, char *line, size_t len)
{
	static const char *const bad[] = {
		"UBSAN", "KASAN", "shift-out-of-bounds", "out-of-bounds",
		"BUG:", "WARNING:", "Oops",
		/* an object still held after 60 s: iommufd gave up on it */
		"Time out waiting for iommufd object",
	};
	char rec[2048];
	unsigned int i;
	ssize_t n;

	if (fd < 0)
		return false;
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			return false;
		rec[n] = 0;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			if (strstr(rec, bad[i])) {
				char *nl = strchr(rec, '\n');

				if (nl)
					*nl = 0;
				strncpy(line, rec, len - 1);
				line[len - 1] = 0;
				return true;
			}
		}
	}
}
