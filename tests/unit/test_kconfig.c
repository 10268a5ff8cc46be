// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the kernel config reader (lib/harness/kconfig.c), which
 * names the option a missing capability needs in a SKIP's reason.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* kselftest_harness.h has unused parameters of its own. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"

#include "harness/kconfig.h"

static char scan(const char *text, const char *opt)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	char c;

	if (!f)
		return '?';
	c = iod_kconfig_scan(f, opt);
	fclose(f);
	return c;
}

/* Debian 6.12's lines for iommufd, VFIO and the mock. */
static const char debian[] =
	"CONFIG_VFIO=m\n"
	"CONFIG_VFIO_GROUP=y\n"
	"# CONFIG_IOMMUFD is not set\n"
	"CONFIG_IOMMUFD_DRIVER=y\n"
	"CONFIG_INTEL_IOMMU=y\n";

TEST(states)
{
	EXPECT_EQ('n', scan(debian, "CONFIG_IOMMUFD"));
	EXPECT_EQ('m', scan(debian, "CONFIG_VFIO"));
	EXPECT_EQ('y', scan(debian, "CONFIG_VFIO_GROUP"));
	EXPECT_EQ('y', scan(debian, "CONFIG_INTEL_IOMMU"));
}

/* A longer option sharing the prefix is not the option. */
TEST(prefix_is_not_a_match)
{
	EXPECT_EQ('n', scan("CONFIG_IOMMUFD_TEST=y\n", "CONFIG_IOMMUFD"));
	EXPECT_EQ('n', scan("# CONFIG_IOMMUFD_TEST is not set\nCONFIG_IOMMUFD_DRIVER=y\n",
			    "CONFIG_IOMMUFD"));
	EXPECT_EQ('y', scan("CONFIG_IOMMUFD_TEST=y\nCONFIG_IOMMUFD=y\n",
			    "CONFIG_IOMMUFD"));
}

/* An option the config has no line for is off, as Kconfig reads it. */
TEST(absent_is_not_set)
{
	EXPECT_EQ('n', scan(debian, "CONFIG_IOMMUFD_TEST"));
	EXPECT_EQ('n', scan("", "CONFIG_IOMMUFD"));
}

TEST_HARNESS_MAIN
