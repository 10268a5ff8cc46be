// SPDX-License-Identifier: GPL-2.0
/* The diff of two runs and its printing (compare.h). */
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "results_json.h"

static const char *const class_title[IOD_CMP_NCLASS] = {
	[IOD_CMP_NEW_FAILURE] = "new failures",
	[IOD_CMP_NEW_SKIP] = "new skips",
	[IOD_CMP_DISAPPEARED] = "disappeared",
	[IOD_CMP_FIX] = "fixes",
	[IOD_CMP_OTHER] = "other status changes",
	[IOD_CMP_APPEARED] = "appeared",
};

static const char *const class_key[IOD_CMP_NCLASS] = {
	[IOD_CMP_NEW_FAILURE] = "new_failure",
	[IOD_CMP_NEW_SKIP] = "new_skip",
	[IOD_CMP_DISAPPEARED] = "disappeared",
	[IOD_CMP_FIX] = "fix",
	[IOD_CMP_OTHER] = "other",
	[IOD_CMP_APPEARED] = "appeared",
};

/*
 * A record of one run with the flavour it is compared under (a pairing's
 * A) and the pairing's B.
 */
struct keyed {
	const struct iod_cmp_rec *r;
	const char *flavour, *flavour_b;
};

static int key_cmp(const struct keyed *x, const struct keyed *y)
{
	int c = strcmp(x->flavour, y->flavour);

	if (!c)
		c = strcmp(x->r->suite, y->r->suite);
	if (!c)
		c = strcmp(x->r->program, y->r->program);
	if (!c)
		c = strcmp(x->r->name, y->r->name);
	return c;
}

static int key_qsort(const void *x, const void *y)
{
	return key_cmp(x, y);
}

/*
 * The records of @recs to compare, sorted, under their compared flavour
 * (@side 0: a pairing's A, 1: its B, named by its A).
 */
static struct keyed *keyed_of(const struct iod_cmp_recs *recs, int side,
			      const struct iod_cmp_flavour_map *map,
			      size_t nmap, size_t *n, const char *run,
			      char *err, size_t errlen)
{
	struct keyed *k = calloc(recs->n ? recs->n : 1, sizeof(*k));
	size_t i, j;

	if (!k) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (j = 0; j < nmap; j++) {
		const char *want = side ? map[j].b : map[j].a;

		for (i = 0; i < recs->n; i++)
			if (!strcmp(recs->v[i].flavour, want))
				break;
		if (i == recs->n) {
			snprintf(err, errlen, "--flavour %s=%s: %s has no flavour '%s'",
				 map[j].a, map[j].b, run, want);
			free(k);
			return NULL;
		}
	}
	*n = 0;
	for (i = 0; i < recs->n; i++) {
		const char *fl = recs->v[i].flavour, *fb = fl;

		if (nmap) {
			for (j = 0; j < nmap; j++)
				if (!strcmp(fl, side ? map[j].b : map[j].a))
					break;
			if (j == nmap)
				continue;
			fl = map[j].a;
			fb = map[j].b;
		}
		k[*n].r = &recs->v[i];
		k[*n].flavour = fl;
		k[*n].flavour_b = fb;
		(*n)++;
	}
	qsort(k, *n, sizeof(*k), key_qsort);
	for (i = 1; i < *n; i++) {
		if (key_cmp(&k[i - 1], &k[i]))
			continue;
		snprintf(err, errlen, "%s lists the case %s/%s/%s:%s twice", run,
			 k[i].r->flavour, k[i].r->suite, k[i].r->program,
			 k[i].r->name);
		free(k);
		return NULL;
	}
	return k;
}

static int classify(const struct iod_cmp_rec *a, const struct iod_cmp_rec *b)
{
	if (b && !strcmp(b->status, "fail"))
		return a && !strcmp(a->status, "fail") ? -1 : IOD_CMP_NEW_FAILURE;
	if (!a)
		return IOD_CMP_APPEARED;
	if (!b)
		return IOD_CMP_DISAPPEARED;
	if (!strcmp(a->status, b->status))
		return -1;
	if (!strcmp(a->status, "pass") && !strcmp(b->status, "skip"))
		return IOD_CMP_NEW_SKIP;
	if (!strcmp(a->status, "fail") && !strcmp(b->status, "pass"))
		return IOD_CMP_FIX;
	return IOD_CMP_OTHER;
}

static int add(struct iod_cmp_diff *d, size_t *cap, const struct keyed *k,
	       const struct iod_cmp_rec *a, const struct iod_cmp_rec *b)
{
	int cls = classify(a, b);

	if (cls < 0) {
		d->same++;
		return 0;
	}
	if (d->n == *cap) {
		size_t c = *cap ? 2 * *cap : 64;
		struct iod_cmp_change *v = realloc(d->v, c * sizeof(*v));

		if (!v)
			return -1;
		d->v = v;
		*cap = c;
	}
	d->v[d->n++] = (struct iod_cmp_change){
		.cls = cls, .a = a, .b = b,
		.flavour_a = k->flavour, .flavour_b = k->flavour_b,
	};
	d->count[cls]++;
	return 0;
}

/* Group @d's changes by class, each group in key order (a stable reorder). */
static int group_by_class(struct iod_cmp_diff *d)
{
	struct iod_cmp_change *v;
	size_t at[IOD_CMP_NCLASS], i, sum = 0;
	int k;

	if (!d->n)
		return 0;
	v = malloc(d->n * sizeof(*v));
	if (!v)
		return -1;
	for (k = 0; k < IOD_CMP_NCLASS; k++) {
		at[k] = sum;
		sum += d->count[k];
	}
	for (i = 0; i < d->n; i++)
		v[at[d->v[i].cls]++] = d->v[i];
	free(d->v);
	d->v = v;
	return 0;
}

int iod_cmp_diff(const struct iod_cmp_recs *a, const struct iod_cmp_recs *b,
		 const struct iod_cmp_flavour_map *map, size_t nmap,
		 struct iod_cmp_diff *d, char *err, size_t errlen)
{
	struct keyed *ka, *kb;
	size_t na, nb, i = 0, j = 0, cap = 0;
	int rc = 0;

	memset(d, 0, sizeof(*d));
	ka = keyed_of(a, 0, map, nmap, &na, "RUN_A", err, errlen);
	if (!ka)
		return -1;
	kb = keyed_of(b, 1, map, nmap, &nb, "RUN_B", err, errlen);
	if (!kb) {
		free(ka);
		return -1;
	}
	while (!rc && (i < na || j < nb)) {
		int c = i == na ? 1 : j == nb ? -1 : key_cmp(&ka[i], &kb[j]);

		if (c < 0) {
			rc = add(d, &cap, &ka[i], ka[i].r, NULL);
			i++;
		} else if (c > 0) {
			rc = add(d, &cap, &kb[j], NULL, kb[j].r);
			j++;
		} else {
			rc = add(d, &cap, &ka[i], ka[i].r, kb[j].r);
			i++;
			j++;
		}
	}
	free(ka);
	free(kb);
	if (rc || group_by_class(d)) {
		snprintf(err, errlen, "out of memory");
		iod_cmp_diff_free(d);
		return -1;
	}
	return 0;
}

void iod_cmp_diff_free(struct iod_cmp_diff *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

bool iod_cmp_regressed(const struct iod_cmp_diff *d)
{
	return d->count[IOD_CMP_NEW_FAILURE] || d->count[IOD_CMP_NEW_SKIP] ||
	       d->count[IOD_CMP_DISAPPEARED];
}

/* The reason that explains the change: the side it came from. */
static const char *reason_of(const struct iod_cmp_change *c)
{
	switch (c->cls) {
	case IOD_CMP_DISAPPEARED:
	case IOD_CMP_FIX:
		return c->a->reason;
	case IOD_CMP_OTHER:
		return *c->b->reason ? c->b->reason : c->a->reason;
	default:
		return c->b->reason;
	}
}

static const char *status_of(const struct iod_cmp_rec *r)
{
	return r ? r->status : "absent";
}

/* The flavour as compared: "A", or "A=B" when the runs name it apart. */
static void put_flavour(FILE *f, const struct iod_cmp_change *c)
{
	fputs(c->flavour_a, f);
	if (strcmp(c->flavour_a, c->flavour_b))
		fprintf(f, "=%s", c->flavour_b);
}

/* One line: control characters (a reason's newlines) become spaces. */
static void put_line_text(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
}

void iod_cmp_print_text(FILE *f, const struct iod_cmp_diff *d,
			const char *name_a, const char *name_b)
{
	size_t i;
	int cls = -1;

	fprintf(f, "compare: A = %s\n         B = %s\n", name_a, name_b);
	for (i = 0; i < d->n; i++) {
		const struct iod_cmp_change *c = &d->v[i];
		const struct iod_cmp_rec *r = c->a ? c->a : c->b;
		const char *why = reason_of(c);

		if ((int)c->cls != cls) {
			cls = c->cls;
			fprintf(f, "\n%s (%zu):\n", class_title[cls],
				d->count[cls]);
		}
		fputs("  ", f);
		put_flavour(f, c);
		fprintf(f, "/%s/%s:%s: %s -> %s", r->suite, r->program,
			r->name, status_of(c->a), status_of(c->b));
		if (*why) {
			fputs(": ", f);
			put_line_text(f, why);
		}
		fputc('\n', f);
	}
	fprintf(f, "\n%s: %zu new failures, %zu new skips, %zu disappeared; "
		"%zu fixes, %zu other changes, %zu appeared; %zu unchanged\n",
		iod_cmp_regressed(d) ? "REGRESSED" : "no regression",
		d->count[IOD_CMP_NEW_FAILURE], d->count[IOD_CMP_NEW_SKIP],
		d->count[IOD_CMP_DISAPPEARED], d->count[IOD_CMP_FIX],
		d->count[IOD_CMP_OTHER], d->count[IOD_CMP_APPEARED], d->same);
}

static void json_field(FILE *f, const char *key, const char *value,
		       const char *sep)
{
	fprintf(f, "\"%s\" : ", key);
	iod_json_string(f, value);
	fputs(sep, f);
}

void iod_cmp_print_json(FILE *f, const struct iod_cmp_diff *d,
			const char *name_a, const char *name_b)
{
	size_t i;
	int k;

	fputs("{\n   ", f);
	json_field(f, "run_a", name_a, ",\n   ");
	json_field(f, "run_b", name_b, ",\n   ");
	fprintf(f, "\"regressed\" : %s,\n   \"counts\" : {",
		iod_cmp_regressed(d) ? "true" : "false");
	for (k = 0; k < IOD_CMP_NCLASS; k++)
		fprintf(f, "\n      \"%s\" : %zu,", class_key[k], d->count[k]);
	fprintf(f, "\n      \"unchanged\" : %zu\n   },\n   \"changes\" : [",
		d->same);
	for (i = 0; i < d->n; i++) {
		const struct iod_cmp_change *c = &d->v[i];
		const struct iod_cmp_rec *r = c->a ? c->a : c->b;

		fputs(i ? ",\n      {\n         " : "\n      {\n         ", f);
		json_field(f, "class", class_key[c->cls], ",\n         ");
		json_field(f, "flavour_a", c->flavour_a, ",\n         ");
		json_field(f, "flavour_b", c->flavour_b, ",\n         ");
		json_field(f, "suite", r->suite, ",\n         ");
		json_field(f, "program", r->program, ",\n         ");
		json_field(f, "case", r->name, ",\n         ");
		json_field(f, "status_a", status_of(c->a), ",\n         ");
		json_field(f, "status_b", status_of(c->b), ",\n         ");
		json_field(f, "reason", reason_of(c), "\n      }");
	}
	fputs(d->n ? "\n   ]\n}\n" : "]\n}\n", f);
}
