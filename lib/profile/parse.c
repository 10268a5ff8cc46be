// SPDX-License-Identifier: GPL-2.0
/*
 * Loading a profile: read profiles/NAME.profile line by line, check each
 * line against the schema (its key, its kernel range, its value), check
 * that every required key has a value for every release, then mark each
 * key's line for the profile's kernel release active: the getters only see
 * active lines. Every line is kept, ranged (`key@6.7-6.10 = v`) or not.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile/profile_int.h"

static void set_err(char *err, size_t errlen, const char *path,
		    unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void set_err(char *err, size_t errlen, const char *path,
		    unsigned int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		snprintf(err, errlen, "%s:%u: %s", path, line, msg);
	else
		snprintf(err, errlen, "%s: %s", path, msg);
}

/* Well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF). */
static bool utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n, j;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + n >= len)
			return false;
		for (j = 1; j <= n; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

/* Cut a comment: '#' at the start of the line or after whitespace. */
static void strip_comment(char *s)
{
	char *p;

	for (p = s; *p; p++) {
		if (*p == '#' && (p == s || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			return;
		}
	}
}

static char *trim(char *s)
{
	char *end;

	while (is_space(*s))
		s++;
	end = s + strlen(s);
	while (end > s && is_space(end[-1]))
		*--end = '\0';
	return s;
}

static bool looks_numeric(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!is_digit(*s))
		return false;
	return true;
}

/* Decimal or 0x hex, no sign, no spaces, no overflow. */
static int parse_uint(const char *s, unsigned long long *out)
{
	const char *digits = s;
	unsigned long long v;
	char *end;
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		digits = s + 2;
		if (!*digits)
			return -1;
		for (const char *p = digits; *p; p++)
			if (!is_digit(*p) && !((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f'))
				return -1;
	} else {
		if (!*s)
			return -1;
		for (const char *p = s; *p; p++)
			if (!is_digit(*p))
				return -1;
	}
	errno = 0;
	v = strtoull(digits, &end, base);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static int check_value(const struct iod_key *k, struct iod_entry *e,
		       const char *path, char *why, size_t whylen)
{
	char list[512];

	switch (k->type) {
	case IOD_KT_STRING:
		break;
	case IOD_KT_ENUM:
		if (iod_prof_enum_value(k, e->value))
			break;
		iod_prof_enum_values(k, list, sizeof(list));
		snprintf(why, whylen, "bad value '%s' for '%s' (allowed: %s)",
			 e->value, e->key, list);
		return -1;
	case IOD_KT_ERRNO:
		e->num = iod_errno_from_name(e->value);
		if (e->num >= 0)
			break;
		iod_prof_errno_names(list, sizeof(list));
		if (looks_numeric(e->value))
			snprintf(why, whylen,
				 "numeric errno '%s' for '%s' is not allowed: write 0, ok or an errno name (%s)",
				 e->value, e->key, list);
		else
			snprintf(why, whylen,
				 "bad errno '%s' for '%s': expected 0, ok or an errno name (%s)",
				 e->value, e->key, list);
		return -1;
	case IOD_KT_UINT:
		if (!parse_uint(e->value, &e->unum))
			break;
		snprintf(why, whylen,
			 "bad unsigned integer '%s' for '%s': expected decimal or 0x hex",
			 e->value, e->key);
		return -1;
	case IOD_KT_KNOWN_BUG:
		if (iod_known_bug_split(e->value, NULL, 0))
			break;
		snprintf(why, whylen,
			 "bad value '%s' for '%s': expected '<commit>: <reason>' "
			 "(commit = 12-40 lowercase hex digits) or 'unfixed: <reason>'",
			 e->value, e->key);
		return -1;
	}
	if (k->check)
		return k->check(k, e->value, e->unum, path, why, whylen);
	return 0;
}

/* The plain (unranged) line of @key. */
static const struct iod_entry *plain_find(const struct iod_profile *p,
					  const char *key)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		if (!p->entries[i].range && !strcmp(p->entries[i].key, key))
			return &p->entries[i];
	return NULL;
}

/* A ranged line of @key whose range shares a release with [lo, hi]. */
static const struct iod_entry *overlap_find(const struct iod_profile *p,
					    const char *key, uint64_t lo,
					    uint64_t hi)
{
	size_t i;

	for (i = 0; i < p->nr; i++) {
		const struct iod_entry *e = &p->entries[i];

		if (e->range && !strcmp(e->key, key) && e->lo <= hi &&
		    lo <= e->hi)
			return e;
	}
	return NULL;
}

void iod_profile_free(struct iod_profile *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nr; i++) {
		free(p->entries[i].key);
		free(p->entries[i].value);
		free(p->entries[i].range);
	}
	free(p->entries);
	free(p->path);
	free(p);
}

static int add_entry(struct iod_profile *p, size_t *cap, const char *key,
		     const char *value, const char *range, unsigned int line)
{
	struct iod_entry *e;

	if (p->nr == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;

		e = realloc(p->entries, ncap * sizeof(*e));
		if (!e)
			return -1;
		p->entries = e;
		*cap = ncap;
	}
	e = &p->entries[p->nr];
	memset(e, 0, sizeof(*e));
	e->key = strdup(key);
	e->value = strdup(value);
	e->range = range ? strdup(range) : NULL;
	if (!e->key || !e->value || (range && !e->range)) {
		free(e->key);
		free(e->value);
		free(e->range);
		return -1;
	}
	e->line = line;
	p->nr++;
	return 0;
}

/* Parse one line; 0 on success or skip, -1 with the error set. */
static int parse_line(struct iod_profile *p, size_t *cap, char *raw,
		      size_t rawlen, unsigned int lineno, char *err,
		      size_t errlen)
{
	const char *path = p->path;
	const struct iod_key *k;
	struct iod_entry *e;
	char why[1024];
	char *line = raw, *eq, *key, *value, *at, *range = NULL;
	uint64_t lo = 0, hi = IOD_VER_OPEN_HI;
	bool bad_case_id;
	const struct iod_entry *dup;

	if (strlen(raw) != rawlen) {
		set_err(err, errlen, path, lineno, "NUL byte in line");
		return -1;
	}
	if (lineno == 1 && !strncmp(line, "\xef\xbb\xbf", 3)) {
		line += 3;
		rawlen -= 3;
	}
	if (!utf8_valid((const unsigned char *)line, rawlen)) {
		set_err(err, errlen, path, lineno, "invalid UTF-8");
		return -1;
	}
	strip_comment(line);
	line = trim(line);
	if (!*line)
		return 0;

	eq = strchr(line, '=');
	if (!eq) {
		set_err(err, errlen, path, lineno,
			"expected 'key = value', got '%s'", line);
		return -1;
	}
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	if (!*key) {
		set_err(err, errlen, path, lineno, "missing key before '='");
		return -1;
	}
	at = strchr(key, '@');
	if (at) {
		*at = '\0';
		range = trim(at + 1);
		key = trim(key);
		if (!*key) {
			set_err(err, errlen, path, lineno,
				"missing key before '@'");
			return -1;
		}
	}

	k = iod_prof_schema_find(key, &bad_case_id);
	if (!k) {
		if (bad_case_id)
			set_err(err, errlen, path, lineno,
				"bad case id in key '%s': expected known_bug.[a-z0-9_.-]+",
				key);
		else
			set_err(err, errlen, path, lineno, "unknown key '%s'",
				key);
		return -1;
	}
	if (range) {
		if (!iod_prof_rangeable(k)) {
			set_err(err, errlen, path, lineno,
				"'%s' cannot carry a kernel range", key);
			return -1;
		}
		if (iod_prof_range_parse(key, range, &lo, &hi, why, sizeof(why))) {
			set_err(err, errlen, path, lineno, "%s", why);
			return -1;
		}
		dup = overlap_find(p, key, lo, hi);
		if (dup) {
			set_err(err, errlen, path, lineno,
				"kernel range '@%s' of '%s' overlaps line %u (@%s)",
				range, key, dup->line, dup->range);
			return -1;
		}
	} else {
		dup = plain_find(p, key);
		if (dup) {
			set_err(err, errlen, path, lineno,
				"duplicate key '%s' (first set at line %u)",
				key, dup->line);
			return -1;
		}
	}
	if (!*value) {
		set_err(err, errlen, path, lineno, "empty value for '%s'", key);
		return -1;
	}
	if (add_entry(p, cap, key, value, range, lineno)) {
		set_err(err, errlen, path, lineno, "out of memory");
		return -1;
	}
	e = &p->entries[p->nr - 1];
	e->schema = k;
	e->lo = lo;
	e->hi = hi;
	if (check_value(k, e, path, why, sizeof(why))) {
		set_err(err, errlen, path, lineno, "%s", why);
		return -1;
	}
	return 0;
}

static int cmp_lo(const void *a, const void *b)
{
	const struct iod_entry *x = *(const struct iod_entry *const *)a;
	const struct iod_entry *y = *(const struct iod_entry *const *)b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/*
 * A required key must have a value for every release: a plain line, or
 * ranged lines that leave no release out. 0, or -1 with the error set.
 */
static int check_required(const struct iod_profile *p, const char *key,
			  char *err, size_t errlen)
{
	const struct iod_entry **r;
	uint64_t next = 0;
	char a[40];
	size_t n = 0, i;
	bool done = false;

	if (plain_find(p, key))
		return 0;
	r = calloc(p->nr ? p->nr : 1, sizeof(*r));
	if (!r) {
		set_err(err, errlen, p->path, 0, "out of memory");
		return -1;
	}
	for (i = 0; i < p->nr; i++)
		if (!strcmp(p->entries[i].key, key))
			r[n++] = &p->entries[i];
	if (!n) {
		free(r);
		set_err(err, errlen, p->path, 0, "missing required key '%s'",
			key);
		return -1;
	}
	qsort(r, n, sizeof(*r), cmp_lo);
	for (i = 0; i < n && !done; i++) {
		if (r[i]->lo > next)
			break;
		if (r[i]->hi == IOD_VER_OPEN_HI)
			done = true;
		else
			next = r[i]->hi + 1;
	}
	if (done) {
		free(r);
		return 0;
	}
	iod_prof_ver_format(next, a, sizeof(a));
	set_err(err, errlen, p->path, 0,
		"required key '%s' has no value for kernel %s: no range of it holds that release and there is no plain '%s = ...' line",
		key, a, key);
	free(r);
	return -1;
}

/* Mark each key's line for p->release active. */
static void resolve(struct iod_profile *p)
{
	size_t i, j;

	for (i = 0; i < p->nr; i++) {
		struct iod_entry *e = &p->entries[i];

		e->active = e->range && e->lo <= p->release &&
			    p->release <= e->hi;
	}
	for (i = 0; i < p->nr; i++) {
		struct iod_entry *e = &p->entries[i];

		if (e->range)
			continue;
		e->active = true;
		for (j = 0; j < p->nr; j++)
			if (p->entries[j].active && p->entries[j].range &&
			    !strcmp(p->entries[j].key, e->key))
				e->active = false;
	}
}

/*
 * dirty.leaf and iova.alignment are one quantity, the IOMMU's base page
 * (its smallest IOPTE, 1 << __ffs(pgsize_bitmap), which the IOAS reports
 * as its alignment): stated both, they must agree.
 */
static int check_base_page(const struct iod_profile *p, char *err,
			   size_t errlen)
{
	unsigned long long leaf = iod_profile_uint(p, "dirty.leaf", 0);
	unsigned long long align = iod_profile_uint(p, "iova.alignment", 0);

	if (!leaf || !align || leaf == align)
		return 0;
	set_err(err, errlen, p->path, iod_profile_line(p, "dirty.leaf"),
		"dirty.leaf = %llu but iova.alignment = %llu (line %u): both are the IOMMU's base page (its smallest IOPTE) and must agree",
		leaf, align, iod_profile_line(p, "iova.alignment"));
	return -1;
}

int iod_profile_load(const char *path, struct iod_profile **out, char *err,
		     size_t errlen)
{
	return iod_profile_load_for(path, NULL, out, err, errlen);
}

int iod_profile_load_for(const char *path, const char *release,
			 struct iod_profile **out, char *err, size_t errlen)
{
	struct iod_kernel_release rel;
	char why[512];
	struct iod_profile *p;
	unsigned int lineno = 0;
	size_t cap = 0, linecap = 0, i;
	char *line = NULL;
	ssize_t len;
	FILE *f;
	int rc = -1;

	if (err && errlen)
		err[0] = '\0';
	if (!out) {
		set_err(err, errlen, path ? path : "(null)", 0,
			"no output pointer");
		return -1;
	}
	*out = NULL;
	if (!path) {
		set_err(err, errlen, "(null)", 0, "no path");
		return -1;
	}
	if (release) {
		if (iod_kernel_release_parse(release, &rel)) {
			set_err(err, errlen, path, 0,
				"bad kernel release '%s': expected MAJOR.MINOR[.PATCH], optionally followed by a suffix such as -amd64 or -rc3",
				release);
			return -1;
		}
	} else if (iod_kernel_release_running(&rel, why, sizeof(why))) {
		set_err(err, errlen, path, 0, "%s", why);
		return -1;
	}

	f = fopen(path, "re");
	if (!f) {
		set_err(err, errlen, path, 0, "cannot open: %s",
			strerror(errno));
		return -1;
	}
	p = calloc(1, sizeof(*p));
	if (p)
		p->path = strdup(path);
	if (!p || !p->path) {
		set_err(err, errlen, path, 0, "out of memory");
		goto out;
	}
	p->release = iod_prof_ver_pack(&rel);
	snprintf(p->release_str, sizeof(p->release_str), "%u.%u.%u",
		 rel.major, rel.minor, rel.patch);

	errno = 0;
	while ((len = getline(&line, &linecap, f)) >= 0) {
		lineno++;
		if (parse_line(p, &cap, line, (size_t)len, lineno, err, errlen))
			goto out;
		errno = 0;
	}
	if (ferror(f)) {
		set_err(err, errlen, path, 0, "read error: %s",
			strerror(errno ? errno : EIO));
		goto out;
	}

	for (i = 0; i < iod_schema_len; i++)
		if (iod_schema[i].required &&
		    check_required(p, iod_schema[i].key, err, errlen))
			goto out;
	resolve(p);
	if (check_base_page(p, err, errlen))
		goto out;

	*out = p;
	p = NULL;
	rc = 0;
out:
	free(line);
	fclose(f);
	iod_profile_free(p);
	return rc;
}

