/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the running kernel offers the suites, with the reason when it does
 * not, naming the kernel option (harness/kconfig.h) where the kernel's
 * config says it is off:
 *
 *   iommufd    /dev/iommu (CONFIG_IOMMUFD, module iommufd)
 *   the mock   IOMMU_TEST_CMD on /dev/iommu (CONFIG_IOMMUFD_TEST)
 *
 * The environment (harness/env.h) asks both before a program runs: a
 * program that needs what is missing SKIPs whole (kselftest exit code 4,
 * "1..0 # SKIP <reason>"). A program that runs without iommufd says
 * IOD_IOMMUFD_OPTIONAL at file scope and asks iod_iommufd_missing() in
 * the cases that need it.
 */
#ifndef IODIRTY_KERNEL_CAPS_H
#define IODIRTY_KERNEL_CAPS_H

#include <stdbool.h>
#include <stddef.h>

/* No /dev/iommu: true, and why (naming CONFIG_IOMMUFD) in `why`. */
bool iod_iommufd_missing(char *why, size_t len);

/*
 * No iommufd mock (or no iommufd at all): true, and why (naming
 * CONFIG_IOMMUFD_TEST, or what iod_iommufd_missing() says) in `why`.
 */
bool iod_mock_missing(char *why, size_t len);

/* Set by IOD_IOMMUFD_OPTIONAL. */
extern bool iod_iommufd_optional;
#define IOD_IOMMUFD_OPTIONAL \
	static __attribute__((constructor)) void iod_declare_iommufd_optional(void) \
	{ \
		iod_iommufd_optional = true; \
	}

#endif
