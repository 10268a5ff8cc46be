/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RLIMIT_MEMLOCK near the limit while tracking (suites/stress/churn.c,
 * memlock_limit): a child drops CAP_IPC_LOCK, has its pins charged to its
 * own locked memory (IOMMU_OPTION_RLIMIT_MODE=1, shown as VmLck), builds a
 * dirty bench and maps areas next to it up to RLIMIT_MEMLOCK. It asserts:
 *   - every map up to the limit works and adds its pages to VmLck;
 *   - a map that would cross the limit is ENOMEM and changes nothing (no
 *     IOVA mapped, VmLck as before);
 *   - the harvests of the bench and of the areas stay exact throughout;
 *   - VmLck comes back after the unmaps, and to 0 (VmPin too) after the
 *     bench is gone.
 */
#ifndef IODIRTY_CHURN_MEMLOCK_H
#define IODIRTY_CHURN_MEMLOCK_H

#include <stdint.h>

#include "harness/stress.h"

enum { IOD_MEMLOCK_PASS, IOD_MEMLOCK_FAIL, IOD_MEMLOCK_SKIP };

struct iod_memlock_result {
	int verdict;		/* IOD_MEMLOCK_* */
	char rep[512];		/* what failed, or the SKIP's reason */
	struct iod_stress_figures fig;
};

/*
 * Run it in a child seeded with seed; the child's operation log goes to
 * stderr (the TAP) when it fails.
 */
void iod_memlock_run(uint64_t seed, struct iod_memlock_result *res);

#endif
