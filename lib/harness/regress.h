/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the regression programs (suites/dirty/regress_*.c) share: the log
 * prefix naming a fixing commit, the host page size, whether a bench may
 * turn huge pages off without changing the harvest rules, and a one-byte
 * device write.
 */
#ifndef IODIRTY_REGRESS_H
#define IODIRTY_REGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/dirty.h"
#include "model/footprint.h"
#include "util.h"

/* "regression of <commit> <subject>", as a case logs and SKIPs it. */
#define REGRESSION(c, s) "regression of " c " " s

/*
 * IOMMU_OPTION_HUGE_PAGES=0 where it does not change the harvest rules:
 * it raises the IOAS alignment to the host page, so only when the base
 * leaf (the profile's dirty.leaf) is at least that (not on the mock, whose
 * leaf is half a page).
 */
bool iod_base_pages(void);

/* The device writes one byte at iova: its whole leaf becomes dirty. */
int iod_touch(struct iod_dirty *d, struct iod_fp *fp, uint64_t iova);

#endif
