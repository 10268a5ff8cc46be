// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a loaded profile: the getters, which check the key against the
 * schema and abort on a mismatch, the enumerated rules and the errnos their
 * values stand for, known bugs and lab defects by case id, and `show`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile/profile_int.h"

/* The active line of @key: the one the getters read. */
static const struct iod_entry *entry_find(const struct iod_profile *p,
					  const char *key)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		if (p->entries[i].active && !strcmp(p->entries[i].key, key))
			return &p->entries[i];
	return NULL;
}

const char *iod_profile_path(const struct iod_profile *p)
{
	return p ? p->path : NULL;
}

const char *iod_profile_str(const struct iod_profile *p, const char *key)
{
	const struct iod_entry *e;

	if (!p || !key)
		return NULL;
	e = entry_find(p, key);
	return e ? e->value : NULL;
}

/* The schema row of @key with type @t, or abort: a test typo must not pass. */
static const struct iod_key *schema_require(const char *func, const char *key,
					    enum iod_ktype t)
{
	const struct iod_key *k = NULL;
	bool bad_case_id;

	if (key)
		k = iod_prof_schema_find(key, &bad_case_id);

	if (k && k->type == t && !k->prefix)
		return k;
	fprintf(stderr, "%s: '%s' is not %s %s key of the profile schema\n",
		func, key ? key : "(null)",
		t == IOD_KT_ENUM || t == IOD_KT_ERRNO ? "an" : "a",
		iod_prof_ktype_name(t));
	fflush(stderr);
	abort();
}

int iod_profile_errno(const struct iod_profile *p, const char *key)
{
	const struct iod_entry *e;

	schema_require(__func__, key, IOD_KT_ERRNO);
	e = p ? entry_find(p, key) : NULL;
	return e ? (int)e->num : -1;
}

const char *iod_profile_enum(const struct iod_profile *p, const char *key)
{
	const struct iod_entry *e;

	schema_require(__func__, key, IOD_KT_ENUM);
	e = p ? entry_find(p, key) : NULL;
	return e ? e->value : NULL;
}

bool iod_profile_enum_is(const struct iod_profile *p, const char *key,
			 const char *value)
{
	const struct iod_key *k = schema_require(__func__, key, IOD_KT_ENUM);
	const char *v;

	if (!iod_prof_enum_value(k, value)) {
		fprintf(stderr, "%s: '%s' is not a value of %s\n", __func__,
			value ? value : "(null)", key);
		fflush(stderr);
		abort();
	}
	v = iod_profile_enum(p, key);
	return v && !strcmp(v, value);
}

int iod_profile_enum_errno(const struct iod_profile *p, const char *key)
{
	const struct iod_key *k = schema_require(__func__, key, IOD_KT_ENUM);
	const struct iod_enum_value *v;

	if (!k->outcomes) {
		fprintf(stderr, "%s: the values of %s name no errno\n",
			__func__, key);
		fflush(stderr);
		abort();
	}
	v = iod_prof_enum_value(k, iod_profile_enum(p, key));
	return v ? v->err : -1;
}

unsigned long long iod_profile_uint(const struct iod_profile *p,
				    const char *key, unsigned long long def)
{
	const struct iod_entry *e;

	schema_require(__func__, key, IOD_KT_UINT);
	e = p ? entry_find(p, key) : NULL;
	return e ? e->unum : def;
}

static const char *case_entry(const struct iod_profile *p,
			      const char *prefix, const char *case_id)
{
	const struct iod_entry *e;
	char key[256];
	int n;

	if (!p || !case_id || !iod_prof_is_case_id(case_id))
		return NULL;
	n = snprintf(key, sizeof(key), "%s%s", prefix, case_id);
	if (n < 0 || (size_t)n >= sizeof(key))
		return NULL;
	e = entry_find(p, key);
	return e ? e->value : NULL;
}

const char *iod_profile_known_bug(const struct iod_profile *p,
				  const char *case_id)
{
	return case_entry(p, "known_bug.", case_id);
}

const char *iod_profile_lab_defect(const struct iod_profile *p,
				   const char *case_id)
{
	return case_entry(p, "lab_defect.", case_id);
}

const char *iod_profile_kernel(const struct iod_profile *p)
{
	return p ? p->release_str : NULL;
}

/* The bound @key packed; a MAJOR.MINOR kernel.max holds every .PATCH. */
static bool bound(const struct iod_profile *p, const char *key, uint64_t *v)
{
	const struct iod_entry *e = entry_find(p, key);
	struct iod_kernel_release r;

	if (!e || iod_prof_version_parse(e->value, &r))
		return false;
	/* One '.': MAJOR.MINOR. */
	if (!strcmp(key, "kernel.max") &&
	    strchr(e->value, '.') == strrchr(e->value, '.'))
		r.patch = IOD_KERNEL_PART_MAX;
	*v = iod_prof_ver_pack(&r);
	return true;
}

const char *iod_profile_broken_bound(const struct iod_profile *p)
{
	uint64_t v;

	if (!p)
		return NULL;
	if (bound(p, "kernel.min", &v) && p->release < v)
		return "kernel.min";
	if (bound(p, "kernel.max", &v) && p->release > v)
		return "kernel.max";
	return NULL;
}

int iod_profile_applies(const struct iod_profile *p)
{
	if (!p)
		return -1;
	return !iod_profile_broken_bound(p);
}

unsigned int iod_profile_line(const struct iod_profile *p, const char *key)
{
	const struct iod_entry *e;

	if (!p || !key)
		return 0;
	e = entry_find(p, key);
	return e ? e->line : 0;
}

void iod_profile_show(const struct iod_profile *p, FILE *f)
{
	size_t i;

	if (!p)
		return;
	fprintf(f, "# %s for kernel %s\n", p->path, p->release_str);
	if (iod_profile_broken_bound(p))
		fprintf(f,
			"# the profile does not apply to this kernel: %s = %s\n",
			iod_profile_broken_bound(p),
			iod_profile_str(p, iod_profile_broken_bound(p)));
	for (i = 0; i < p->nr; i++) {
		const struct iod_entry *e = &p->entries[i];

		if (!e->active)
			continue;
		if (e->range)
			fprintf(f, "%s = %s  # line %u, @%s\n", e->key,
				e->value, e->line, e->range);
		else
			fprintf(f, "%s = %s  # line %u\n", e->key, e->value,
				e->line);
	}
}
