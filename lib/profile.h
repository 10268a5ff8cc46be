/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Target profiles: what one IOMMU target must and must not do.
 *
 * A profile is a small text file (profiles/NAME.profile) of `key = value`
 * lines. Tests never name a vendor; they ask the profile instead:
 *
 *	int want = iod_profile_errno(prof, "alloc.dirty");
 *
 *	if (want < 0)
 *		SKIP(return, "profile does not state alloc.dirty");
 *	ASSERT_EQ(-want, iod_hwpt_alloc(fd, dev, ioas, DIRTY, &hwpt));
 *
 * Format: UTF-8 text. `#` starts a comment when it begins the line or follows
 * whitespace; blank lines are ignored; every other line is `key = value` with
 * optional spaces around `=`. The value is the rest of the line, trimmed, and
 * may contain spaces and ':'. Keys are case-sensitive and come from a fixed
 * schema (see profile.c, or iod_profile_schema_dump()); unknown keys,
 * duplicates, bad values and missing required keys are load errors.
 *
 * The getters abort() when asked for a key that is not in the schema with the
 * right type, so a typo in a test fails loudly instead of reading "unset".
 */
#ifndef IODIRTY_PROFILE_H
#define IODIRTY_PROFILE_H

#include <stddef.h>
#include <stdio.h>

struct iod_profile;

/*
 * Load and validate @path. Returns 0 and sets *@out on success. On failure
 * returns -1, leaves *@out NULL and writes "FILE:LINE: reason" (or
 * "FILE: reason" for an unreadable file or a missing required key) to @err.
 */
int iod_profile_load(const char *path, struct iod_profile **out, char *err,
		     size_t errlen);
void iod_profile_free(struct iod_profile *p);

/* The path the profile was loaded from. */
const char *iod_profile_path(const struct iod_profile *p);

/* Raw value of any key, or NULL if unset (or not a schema key). */
const char *iod_profile_str(const struct iod_profile *p, const char *key);

/*
 * Expected errno of an outcome key: 0 for success, a positive errno, or -1 if
 * the key is unset. Aborts if @key is not an errno-typed schema key.
 */
int iod_profile_errno(const struct iod_profile *p, const char *key);

/* Value of an enumerated key, or NULL if unset. Aborts if not an enum key. */
const char *iod_profile_enum(const struct iod_profile *p, const char *key);

/* Value of an unsigned key, or @def if unset. Aborts if not a uint key. */
unsigned long long iod_profile_uint(const struct iod_profile *p,
				    const char *key, unsigned long long def);

/*
 * Known kernel bug recorded for a test case id ("fixture.test",
 * "fixture.variant.test", ...; [a-z0-9_.-]+): the value, "COMMIT: reason" or
 * "unfixed: reason", or NULL if none is recorded.
 */
const char *iod_profile_known_bug(const struct iod_profile *p,
				  const char *case_id);

/*
 * Split a known_bug value: copies the commit id (or "unfixed") into @commit
 * and returns a pointer to the reason inside @value. NULL if @value is not a
 * well-formed known_bug value.
 */
const char *iod_known_bug_split(const char *value, char *commit,
				size_t commitlen);

/* Errno names used by profiles. "0" and "ok" map to 0; -1 if unknown. */
int iod_errno_from_name(const char *name);
/* "EINVAL", ...; "0" for 0; "E?" for a number outside the profile set. */
const char *iod_errno_name(int e);

/* Print the schema (key, type, required, allowed values, help) to @f. */
void iod_profile_schema_dump(FILE *f);

#endif /* IODIRTY_PROFILE_H */
