// SPDX-License-Identifier: GPL-2.0
/* What the running kernel offers the suites: iommufd, the iommufd mock. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/kconfig.h"
#include "harness/kernel_caps.h"
#include "uapi/iommufd.h"
#include "uapi/mock.h"

bool iod_iommufd_optional;

bool iod_iommufd_missing(char *why, size_t len)
{
	char src[160] = "";
	struct stat st;
	char c;

	if (!stat("/dev/iommu", &st))
		return false;
	c = iod_kconfig("CONFIG_IOMMUFD", src, sizeof(src));
	if (c == 'n')
		snprintf(why, len,
			 "CONFIG_IOMMUFD is not set in this kernel (no /dev/iommu; %s)",
			 src);
	else if (c == 'm')
		snprintf(why, len,
			 "no /dev/iommu: CONFIG_IOMMUFD=m and the iommufd module is not loaded; load it with 'modprobe iommufd'");
	else if (c)
		snprintf(why, len,
			 "no /dev/iommu although CONFIG_IOMMUFD=%c (%s): is devtmpfs mounted on /dev?",
			 c, src);
	else
		snprintf(why, len,
			 "/dev/iommu is missing: this kernel has no iommufd (CONFIG_IOMMUFD), or its module is not loaded ('modprobe iommufd'); no kernel config says which (/boot/config-$(uname -r), /proc/config.gz)");
	return true;
}

bool iod_mock_missing(char *why, size_t len)
{
	char src[160] = "";
	int fd, rc;

	if (iod_iommufd_missing(why, len))
		return true;
	fd = iod_iommufd_open();
	if (fd < 0)
		return false;	/* the program's own open says why */
	rc = iod_mock_present(fd);
	close(fd);
	if (rc != 0)
		return false;
	if (iod_kconfig("CONFIG_IOMMUFD_TEST", src, sizeof(src)) == 'n')
		snprintf(why, len,
			 "CONFIG_IOMMUFD_TEST is not set in this kernel (%s): no iommufd mock",
			 src);
	else
		snprintf(why, len,
			 "this kernel has no iommufd mock (IOMMU_TEST_CMD: ENOTTY): it needs CONFIG_IOMMUFD_TEST=y");
	return true;
}
