// SPDX-License-Identifier: GPL-2.0
/* The run's profile rules (rules.h). */
#include "harness/env.h"
#include "harness/rules.h"
#include "profile/profile.h"

bool iod_rule_is(const char *key, const char *value)
{
	return iod_profile_enum_is(iod_env.profile, key, value);
}

const char *iod_rule(const char *key, const char *unset)
{
	const char *v = iod_profile_enum(iod_env.profile, key);

	return v ? v : unset;
}

int iod_rule_errno(const char *key)
{
	return iod_profile_enum_errno(iod_env.profile, key);
}
