// SPDX-License-Identifier: GPL-2.0
/* Helpers the regression programs share. */
#include <unistd.h>

#include "harness/env.h"
#include "profile/profile.h"
#include "harness/regress.h"
#include "util.h"

int iod_touch(struct iod_dirty *d, struct iod_fp *fp, uint64_t iova)
{
	return iod_engine_touch(&d->engine, iova, (uint8_t)iova, fp);
}
