/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run's profile rules, as a test asks them: is an enumerated rule set
 * to a value, which value (for messages), what errno an outcome rule means.
 * Always the profile of iod_env; a key or value that is not in the schema
 * aborts, so a typo fails the case instead of reading "unset".
 *
 *	if (iod_rule_is("dirty.hole", "stops"))
 *		...
 */
#ifndef IODIRTY_RULES_H
#define IODIRTY_RULES_H

#include <stdbool.h>

/* Is enumerated rule `key` set to `value`? false when the profile is silent. */
bool iod_rule_is(const char *key, const char *value);

/* The value of enumerated rule `key`, or `unset` when the profile is silent. */
const char *iod_rule(const char *key, const char *unset);

/*
 * The errno the value of enumerated rule `key` stands for (0 for a value
 * that succeeds, as "dropped"), or -1 when unset. Aborts for a key whose
 * values name no errno.
 */
int iod_rule_errno(const char *key);

#endif
