/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of the profile library share, not part of its interface:
 * the schema row, a loaded profile's lines, packed kernel releases and the
 * character classes of the profile format.
 *
 *	errno_name.c	errno names
 *	release.c	kernel releases and `@LO-HI` ranges
 *	schema.c	the key table and its value checks
 *	parse.c		loading and validating a file
 *	query.c		the getters and `show`
 */
#ifndef IODIRTY_PROFILE_INT_H
#define IODIRTY_PROFILE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "profile/profile.h"

enum iod_ktype {
	IOD_KT_STRING,
	IOD_KT_ENUM,
	IOD_KT_ERRNO,
	IOD_KT_UINT,
	IOD_KT_KNOWN_BUG,
};

/* One value of an enumerated key. */
struct iod_enum_value {
	const char *name;
	int err;		/* errno it stands for (0: success), if .outcomes */
};

struct iod_key;

/* Extra check of a value already accepted by its type; 0 or -1 with @why. */
typedef int (*iod_check_fn)(const struct iod_key *k, const char *value,
			    unsigned long long num, const char *path, char *why,
			    size_t whylen);

/* A row of the schema. */
struct iod_key {
	const char *key;	/* exact key, or the prefix if .prefix */
	enum iod_ktype type;
	bool required;
	bool prefix;		/* key is "<prefix><case-id>" */
	/* IOD_KT_ENUM: the values, ending with one whose name is NULL */
	const struct iod_enum_value *values;
	bool outcomes;		/* each value stands for an errno (.err) */
	iod_check_fn check;
	const char *help;
};

/* One `key[@range] = value` line of a loaded profile. */
struct iod_entry {
	char *key;
	char *value;
	unsigned int line;
	const struct iod_key *schema;
	long long num;		/* errno (IOD_KT_ERRNO) */
	unsigned long long unum;	/* value (IOD_KT_UINT) */
	char *range;		/* text after '@', NULL on a plain line */
	uint64_t lo, hi;	/* packed releases the range holds, inclusive */
	bool active;		/* the line the getters see for this key */
};

struct iod_profile {
	char *path;
	struct iod_entry *entries;
	size_t nr;
	uint64_t release;	/* packed release the lines resolve for */
	char release_str[40];
};

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_lower_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

static inline bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

/* errno_name.c: the profile's errno names, space-separated, into @buf. */
void iod_prof_errno_names(char *buf, size_t len);

/*
 * release.c. Releases are compared packed: MAJOR << 40 | MINOR << 20 |
 * PATCH, each part at most IOD_KERNEL_PART_MAX (20 bits).
 */
#define IOD_VER_OPEN_HI UINT64_MAX
uint64_t iod_prof_ver_pack(const struct iod_kernel_release *r);
void iod_prof_ver_format(uint64_t v, char *buf, size_t len);
/* Exactly "MAJOR.MINOR" or "MAJOR.MINOR.PATCH": 0 with the release, or -1. */
int iod_prof_version_parse(const char *s, struct iod_kernel_release *out);
/*
 * The text after '@' of @key's line: "LO-HI", "LO-", "-HI" or "V", as the
 * packed releases [*lo, *hi]. 0, or -1 with the reason in @why.
 */
int iod_prof_range_parse(const char *key, const char *r, uint64_t *lo,
			 uint64_t *hi, char *why, size_t whylen);

/* schema.c */
extern const struct iod_key iod_schema[];
extern const size_t iod_schema_len;
/* [a-z0-9_.-]+ */
bool iod_prof_is_case_id(const char *s);
/*
 * The row of @key, or NULL; *@bad_case_id tells a prefix key whose case id
 * is malformed from an unknown key.
 */
const struct iod_key *iod_prof_schema_find(const char *key, bool *bad_case_id);
/* Keys that say what the profile is hold for every release. */
bool iod_prof_rangeable(const struct iod_key *k);
const char *iod_prof_ktype_name(enum iod_ktype t);
/* The value of enum row @k named @name, or NULL. */
const struct iod_enum_value *iod_prof_enum_value(const struct iod_key *k,
						 const char *name);
/* The names of enum row @k's values, comma-separated, into @buf. */
void iod_prof_enum_values(const struct iod_key *k, char *buf, size_t len);

#endif /* IODIRTY_PROFILE_INT_H */
