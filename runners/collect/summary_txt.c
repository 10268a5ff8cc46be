// SPDX-License-Identifier: GPL-2.0
/* RUN/summary.txt (summary_txt.h). */
#include <stdlib.h>
#include <string.h>

#include "summary_txt.h"
#include "text.h"
#include "utf8.h"

/* Cases of one program alike in this many entries are one line. */
#define GROUP_MIN 4

static const char *const cell_name[IOD_NSTATUS] = {
	[IOD_PASS] = "ok", [IOD_FAIL] = "FAIL", [IOD_SKIP] = "SKIP",
	[IOD_XFAIL] = "XFAIL", [IOD_XPASS] = "XPASS", [IOD_TODO] = "TODO",
};

static const char *const upper_name[IOD_NSTATUS] = {
	[IOD_PASS] = "PASS", [IOD_FAIL] = "FAIL", [IOD_SKIP] = "SKIP",
	[IOD_XFAIL] = "XFAIL", [IOD_XPASS] = "XPASS", [IOD_TODO] = "TODO",
};

/* How bad a status is: a cell shows the worst of its entries. */
static const int rank[IOD_NSTATUS] = {
	[IOD_PASS] = 0, [IOD_SKIP] = 1, [IOD_XFAIL] = 2, [IOD_TODO] = 3,
	[IOD_XPASS] = 4, [IOD_FAIL] = 5,
};

/* A table of text cells, row after row. */
struct table {
	size_t ncols;
	struct collect_lines cells;
};

static void cell(struct table *t, const char *s)
{
	collect_lines_push(&t->cells, s, strlen(s));
}

/* Bytes of @s without its trailing whitespace. */
static size_t trimmed_len(const char *s)
{
	size_t i = 0, end = 0;
	uint32_t cp;

	while (s[i]) {
		i += iod_utf8_next(s + i, &cp);
		if (!iod_uspace(cp))
			end = i;
	}
	return end;
}

static void table_print(FILE *f, struct table *t)
{
	size_t *w = calloc(t->ncols, sizeof(*w)), i, c, n;
	char *line = NULL;
	size_t len = 0;
	FILE *l;

	if (!w)
		abort();
	for (i = 0; i < t->cells.n; i++) {
		n = iod_utf8_len(t->cells.v[i]);
		if (n > w[i % t->ncols])
			w[i % t->ncols] = n;
	}
	for (i = 0; i < t->cells.n; i += t->ncols) {
		l = open_memstream(&line, &len);
		if (!l)
			abort();
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells.v[i + c];

			fprintf(l, "%s%s%*s", c ? "  " : "", s,
				(int)(w[c] - iod_utf8_len(s)), "");
		}
		fclose(l);
		n = trimmed_len(line);
		fprintf(f, "%.*s\n", (int)n, line);
		free(line);
		line = NULL;
	}
	fputc('\n', f);
	collect_lines_free(&t->cells);
	free(w);
}

struct row {
	const char *program, *name;
	int *cell;		/* per flavour: a status, or -1 */
};

struct suite {
	const char *name;
	struct row *rows;
	size_t nrows;
};

static size_t flavour_index(const struct iod_run *run, const char *flavour)
{
	size_t i;

	for (i = 0; i < run->nflavours; i++)
		if (!strcmp(run->flavours[i], flavour))
			break;
	return i;
}

static struct row *row_of(struct suite *s, const struct iod_result *x,
			  size_t nflavours)
{
	struct row *r;
	size_t i;

	for (i = 0; i < s->nrows; i++)
		if (!strcmp(s->rows[i].program, x->program) &&
		    !strcmp(s->rows[i].name, x->name))
			return &s->rows[i];
	s->rows = collect_xrealloc(s->rows, (s->nrows + 1) * sizeof(*s->rows));
	r = &s->rows[s->nrows++];
	r->program = x->program;
	r->name = x->name;
	r->cell = collect_xrealloc(NULL, nflavours * sizeof(int));
	for (i = 0; i < nflavours; i++)
		r->cell[i] = -1;
	return r;
}

static void suite_tables(FILE *f, const struct iod_run *run)
{
	const struct iod_results *res = &run->results;
	struct suite *s = NULL;
	size_t ns = 0, i, j, k, fl;
	struct table t;
	struct row *r;

	for (i = 0; i < res->n; i++) {
		const struct iod_result *x = &res->v[i];

		for (j = 0; j < ns && strcmp(s[j].name, x->suite); j++)
			;
		if (j == ns) {
			s = collect_xrealloc(s, (ns + 1) * sizeof(*s));
			memset(&s[ns++], 0, sizeof(*s));
			s[j].name = x->suite;
		}
		r = row_of(&s[j], x, run->nflavours);
		fl = flavour_index(run, x->flavour);
		if (fl < run->nflavours &&
		    (r->cell[fl] < 0 || rank[x->status] > rank[r->cell[fl]]))
			r->cell[fl] = x->status;
	}
	for (j = 0; j < ns; j++) {
		fprintf(f, "== %s ==\n", s[j].name);
		memset(&t, 0, sizeof(t));
		t.ncols = 2 + run->nflavours;
		cell(&t, "program");
		cell(&t, "case");
		for (k = 0; k < run->nflavours; k++)
			cell(&t, run->flavours[k]);
		for (i = 0; i < s[j].nrows; i++) {
			r = &s[j].rows[i];
			cell(&t, r->program);
			cell(&t, r->name);
			for (k = 0; k < run->nflavours; k++)
				cell(&t, r->cell[k] < 0 ? "-" : cell_name[r->cell[k]]);
			free(r->cell);
		}
		table_print(f, &t);
		free(s[j].rows);
	}
	free(s);
}

static void counts(FILE *f, const struct iod_run *run)
{
	size_t n[IOD_NSTATUS], i, k;
	struct table t = { .ncols = 2 + IOD_NSTATUS };
	char num[32];

	fputs("== counts ==\n", f);
	cell(&t, "flavour");
	for (k = 0; k < IOD_NSTATUS; k++)
		cell(&t, iod_status_name[k]);
	cell(&t, "guest");
	for (i = 0; i < run->nflavours; i++) {
		memset(n, 0, sizeof(n));
		for (k = 0; k < run->results.n; k++)
			if (!strcmp(run->results.v[k].flavour, run->flavours[i]))
				n[run->results.v[k].status]++;
		cell(&t, run->flavours[i]);
		for (k = 0; k < IOD_NSTATUS; k++) {
			snprintf(num, sizeof(num), "%zu", n[k]);
			cell(&t, num);
		}
		cell(&t, run->guest[i]);
	}
	table_print(f, &t);
}

static bool alike(const struct iod_result *a, const struct iod_result *b)
{
	return a->status == b->status && !strcmp(a->flavour, b->flavour) &&
	       !strcmp(a->suite, b->suite) && !strcmp(a->program, b->program) &&
	       !strcmp(a->reason, b->reason);
}

static void not_passed_line(FILE *f, const struct iod_result *x,
			    const char *what)
{
	fprintf(f, "%s %s/%s %s: %s", x->flavour, x->suite, x->program,
		what ? what : x->name, upper_name[x->status]);
	if (x->reason[0])
		fprintf(f, " %s", x->reason);
	fputc('\n', f);
}

/* Every entry that did not pass; alike ones grouped (see summary_txt.h). */
static void not_passed(FILE *f, const struct iod_run *run)
{
	const struct iod_results *res = &run->results;
	/* per entry: the first entry of its group; per group: its size */
	size_t *first = collect_xrealloc(NULL, (res->n + 1) * sizeof(size_t));
	size_t *size = calloc(res->n + 1, sizeof(size_t));
	size_t *groups = collect_xrealloc(NULL, (res->n + 1) * sizeof(size_t));
	size_t ng = 0, i, g, k;
	char *what;

	if (!size)
		abort();
	fputs("== not passed ==\n", f);
	for (i = 0; i < res->n; i++) {
		if (res->v[i].status == IOD_PASS)
			continue;
		for (g = 0; g < ng && !alike(&res->v[groups[g]], &res->v[i]); g++)
			;
		if (g == ng)
			groups[ng++] = i;
		first[i] = groups[g];
		size[groups[g]]++;
	}
	for (g = 0; g < ng; g++) {
		const struct iod_result *x = &res->v[groups[g]];

		if (size[groups[g]] >= GROUP_MIN) {
			what = collect_xasprintf("%zu cases (first %s)",
						 size[groups[g]], x->name);
			not_passed_line(f, x, what);
			free(what);
			continue;
		}
		for (k = groups[g]; k < res->n; k++)
			if (res->v[k].status != IOD_PASS && first[k] == groups[g])
				not_passed_line(f, &res->v[k], NULL);
	}
	if (!ng)
		fputs("(none)\n", f);
	free(first);
	free(size);
	free(groups);
}

void iod_summary_txt(FILE *f, const struct iod_run *run)
{
	suite_tables(f, run);
	counts(f, run);
	not_passed(f, run);
}
