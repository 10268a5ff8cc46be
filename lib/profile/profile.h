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
 * schema (see schema.c, or iod_profile_schema_dump()); unknown keys,
 * duplicates, bad values and missing required keys are load errors.
 *
 * A key may carry a kernel release range, for answers that changed between
 * kernels:
 *
 *	dirty.unpinnable_bitmap@6.7-6.10 = enomem
 *	dirty.unpinnable_bitmap@6.11- = dropped
 *	known_bug.fix.test@-6.12.29 = 0123456789ab: fixed in 6.12.30
 *
 * `@LO-HI`, `@LO-`, `@-HI` or `@V` (= `@V-V`); bounds are inclusive and are
 * MAJOR.MINOR or MAJOR.MINOR.PATCH. A MAJOR.MINOR lower bound means
 * MAJOR.MINOR.0, a MAJOR.MINOR upper bound every MAJOR.MINOR.x. The ranged
 * line that contains the kernel release wins; the plain `key = value` line is
 * the value for every release no range of the key contains. Ranges of one key
 * must not overlap; a required key must have a value for every release.
 * `name`, `kernel.min` and `kernel.max` cannot be ranged. The release is the running
 * kernel's (uname(2), "6.12.117-amd64" reads as 6.12.117, "6.19.0-rc3+" as
 * 6.19.0) unless IODIRTY_KERNEL_RELEASE names one, or the profile is loaded
 * with iod_profile_load_for(). Every line is validated whatever the release.
 *
 * The getters abort() when asked for a key that is not in the schema with the
 * right type, so a typo in a test fails loudly instead of reading "unset".
 * They return the value resolved for the profile's kernel release.
 */
#ifndef IODIRTY_PROFILE_H
#define IODIRTY_PROFILE_H

#include <stdbool.h>
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

/*
 * Like iod_profile_load(), resolving ranged keys for kernel @release
 * (parsed like a uname release, see iod_kernel_release_parse()). NULL means
 * the running kernel: $IODIRTY_KERNEL_RELEASE if set and not empty, else
 * uname(2). A release that does not parse is a load error "FILE: reason".
 */
int iod_profile_load_for(const char *path, const char *release,
			 struct iod_profile **out, char *err, size_t errlen);

/* A kernel release, MAJOR.MINOR.PATCH. */
struct iod_kernel_release {
	unsigned int major, minor, patch;
};

/*
 * Parse a kernel release leniently: MAJOR.MINOR[.PATCH] followed by anything
 * that does not start with a digit or '.' ("6.12.117-amd64" -> 6.12.117,
 * "6.19.0-rc3+" -> 6.19.0, "6.8" -> 6.8.0). Each part is decimal and at most
 * IOD_KERNEL_PART_MAX. Returns 0, or -1 on anything else.
 */
#define IOD_KERNEL_PART_MAX 1048575u
int iod_kernel_release_parse(const char *s, struct iod_kernel_release *out);

/*
 * The release ranged keys resolve for when none is named:
 * $IODIRTY_KERNEL_RELEASE if set and not empty, else uname(2). Returns 0, or
 * -1 with the reason in @err.
 */
int iod_kernel_release_running(struct iod_kernel_release *out, char *err,
			       size_t errlen);

/* The release the profile was resolved for, as "MAJOR.MINOR.PATCH". */
const char *iod_profile_kernel(const struct iod_profile *p);

/*
 * 1 if the profile applies to its kernel release: kernel.min unset or not
 * newer than the release, and kernel.max unset or not older (a
 * MAJOR.MINOR kernel.max holds every MAJOR.MINOR.x); 0 if it does not, -1
 * without a profile. Loading never fails on this: callers decide.
 */
int iod_profile_applies(const struct iod_profile *p);

/*
 * The bound the profile's release breaks: "kernel.min" (the release is
 * older), "kernel.max" (newer), or NULL where the profile applies.
 */
const char *iod_profile_broken_bound(const struct iod_profile *p);

/* Line the resolved value of @key comes from, or 0 if unset. */
unsigned int iod_profile_line(const struct iod_profile *p, const char *key);

/*
 * Print the resolved profile: a comment naming the file and release (and
 * whether the profile applies to it), then one `key = value  # line N` per
 * key in file order, with the range of a ranged line (`# line N, @6.11-`).
 */
void iod_profile_show(const struct iod_profile *p, FILE *f);

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

/*
 * Is enumerated @key set to @value? false when unset. Aborts if @key is not
 * an enum key or @value is not one of its values, so a typo fails loudly.
 */
bool iod_profile_enum_is(const struct iod_profile *p, const char *key,
			 const char *value);

/*
 * The errno the value of enumerated @key stands for in the schema (0 for a
 * value that succeeds, as dirty.set_reserved = ignored; EOPNOTSUPP for
 * rejected), or -1 if unset. Aborts if @key is not an enum key whose values
 * are outcomes.
 */
int iod_profile_enum_errno(const struct iod_profile *p, const char *key);

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
 * A defect of the emulated hardware a lab flavour runs on, recorded for a
 * case id (same form): the reason, or NULL.
 */
const char *iod_profile_lab_defect(const struct iod_profile *p,
				   const char *case_id);

/*
 * Split a known_bug value: copies the commit id (or "unfixed") into @commit
 * and returns a pointer to the reason inside @value. NULL if @value is not a
 * well-formed known_bug value.
 */
const char *iod_known_bug_split(const char *value, char *commit,
				size_t commitlen);

/*
 * The errno a profile names: "0" and "ok" map to 0, the profile's errno
 * names (EINVAL, EOPNOTSUPP, ..., the list iod_profile_schema_dump() prints)
 * to their value; -1 for anything else, numbers included.
 */
int iod_errno_from_name(const char *name);
/*
 * A name for any errno, for messages: "0" for 0, the profile's spelling for
 * the profile's errnos, glibc's name for the others (strerrorname_np(),
 * "ETIMEDOUT"), and "E#N" for a number glibc has no name for (a negative
 * one, say). The "E#N" text lives in a thread-local buffer that the fifth
 * such call after it reuses.
 */
const char *iod_errno_name(int e);

/* Print the schema (key, type, required, allowed values, help) to @f. */
void iod_profile_schema_dump(FILE *f);

#endif /* IODIRTY_PROFILE_H */
