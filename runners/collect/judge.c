// SPDX-License-Identifier: GPL-2.0
/* The judge: one program's split files as the TAP that prove reads. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "judge.h"
#include "sentinel.h"
#include "text.h"

/*
 * The judge rules, for DIR/SUITE/PROGRAM.tap:
 *
 * - Only top-level lines count: "ok"/"not ok" test points and the "1..N"
 *   plan (indented subtest lines are left alone).
 * - Failing points are appended, in this order, for: FILE.sentinel present;
 *   status "incomplete"; rc 124 or 137 (timeout(1) gave up on it); any other
 *   rc above 128 (killed by a signal); an rc other than 0 and the kselftest
 *   exit codes 2, 3 and 4 (xfail, xpass, skip) when no point failed and
 *   nothing bailed out; no FILE.status (or one that does not parse).
 * - An empty TAP (no plan and no test point) gets "program printed no TAP
 *   (STATUS)" in place of the status points, so it reads "1..1", "not ok 1
 *   ...", with the sentinel point after it when there is one.
 * - Appended points are numbered from N+1, where N is the larger of the last
 *   test number seen and, when the program finished, the planned count. A
 *   program that did not finish is numbered from its last point, so the
 *   output stays well formed and the unrun tests show as that failure.
 * - The plan becomes 1..N+k where it stood (at the top, or at the end: then
 *   the new points go before it). A "1..0 # SKIP" plan becomes "1..k" with
 *   the old plan kept as a comment. With no plan, "1..N+k" is added last.
 */

enum status_kind { ST_RC, ST_INCOMPLETE, ST_MISSING, ST_UNKNOWN };

struct judge_status {
	enum status_kind kind;
	int rc;
	char text[128];		/* as read, for messages */
};

struct tap_shape {
	long plan_idx;		/* -1: no plan */
	long plan_n;
	bool plan_trailing;	/* a test point came before the plan */
	size_t ntests;
	long max_num;
	bool has_fail;		/* a non-TODO "not ok", or "Bail out!" */
};

struct extra {
	char *desc;
	struct collect_lines comments;
};

struct extras {
	struct extra *v;
	size_t n;
};

static struct extra *extra_add(struct extras *e, char *desc)
{
	struct extra *x;

	e->v = collect_xrealloc(e->v, (e->n + 1) * sizeof(*e->v));
	x = &e->v[e->n++];
	memset(x, 0, sizeof(*x));
	x->desc = desc;
	return x;
}

static void extra_comment(struct extra *x, const char *s)
{
	collect_lines_push(&x->comments, s, strlen(s));
}

static void extras_free(struct extras *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		free(e->v[i].desc);
		collect_lines_free(&e->v[i].comments);
	}
	free(e->v);
}

/* "ok ..." / "not ok ..." at the start of @line: returns the rest, or NULL. */
static const char *test_point(const char *line, bool *ok)
{
	const char *p = line;

	*ok = true;
	if (!strncmp(p, "not ok", 6)) {
		*ok = false;
		p += 6;
	} else if (!strncmp(p, "ok", 2)) {
		p += 2;
	} else {
		return NULL;
	}
	if (isalnum((unsigned char)*p) || *p == '_')
		return NULL;
	return p;
}

/* Does a test point's text after "ok"/"not ok" carry a TODO directive? */
static bool has_todo(const char *p)
{
	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p != '#')
			continue;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		return !strncasecmp(p, "TODO", 4) &&
		       !isalnum((unsigned char)p[4]) && p[4] != '_';
	}
	return false;
}

/* "1..N" plan line: returns N and sets *@rest past the digits, or -1. */
static long plan_line(const char *line, const char **rest)
{
	char *end;
	long n;

	if (strncmp(line, "1..", 3) || !isdigit((unsigned char)line[3]))
		return -1;
	errno = 0;
	n = strtol(line + 3, &end, 10);
	if (errno || (*end && *end != ' ' && *end != '\t' && *end != '#'))
		return -1;
	*rest = end;
	return n;
}

static void tap_scan(const struct collect_lines *tap, struct tap_shape *sh)
{
	const char *rest;
	size_t i;
	long n;
	bool ok;

	memset(sh, 0, sizeof(*sh));
	sh->plan_idx = -1;
	for (i = 0; i < tap->n; i++) {
		const char *line = tap->v[i];

		n = sh->plan_idx < 0 ? plan_line(line, &rest) : -1;
		if (n >= 0) {
			sh->plan_idx = i;
			sh->plan_n = n;
			sh->plan_trailing = sh->ntests > 0;
			continue;
		}
		if (!strncmp(line, "Bail out!", 9)) {
			sh->has_fail = true;
			continue;
		}
		rest = test_point(line, &ok);
		if (!rest)
			continue;
		sh->ntests++;
		while (*rest == ' ' || *rest == '\t')
			rest++;
		if (isdigit((unsigned char)*rest)) {
			n = strtol(rest, NULL, 10);
			if (n > sh->max_num)
				sh->max_num = n;
		}
		if (!ok && !has_todo(rest))
			sh->has_fail = true;
	}
}

static void read_status(const char *path, struct judge_status *st)
{
	struct collect_lines l = { 0 };

	memset(st, 0, sizeof(*st));
	if (collect_lines_read(path, &l)) {
		st->kind = ST_MISSING;
		snprintf(st->text, sizeof(st->text), "no status");
		return;
	}
	snprintf(st->text, sizeof(st->text), "%s", l.n ? l.v[0] : "");
	if (!strcmp(st->text, "incomplete"))
		st->kind = ST_INCOMPLETE;
	else if (!collect_parse_rc(st->text, &st->rc))
		st->kind = ST_RC;
	else
		st->kind = ST_UNKNOWN;
	collect_lines_free(&l);
}

/*
 * The sentinel point's description: the first excerpt line without its
 * printk prefix ("<4>", "[   12.345678]"), with '#' escaped so that TAP
 * does not read a directive into it.
 */
static char *sentinel_desc(const char *line)
{
	const char *p = line, *q;
	char *d, *o;

	q = *p == '<' ? strchr(p, '>') : NULL;
	if (q && q - p <= 4)
		p = q + 1;
	while (*p == ' ')
		p++;
	q = *p == '[' ? strchr(p, ']') : NULL;
	if (q)
		p = q + 1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		p = line;
	o = d = collect_xrealloc(NULL, 2 * strlen(p) + 1);
	for (; *p; p++) {
		if (*p == '#' || *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	*o = '\0';
	return d;
}

static void add_sentinel(struct extras *e, const struct collect_lines *sn)
{
	struct extra *x;
	char *desc;
	size_t i;

	if (!sn->n)
		return;
	desc = sentinel_desc(sn->v[0]);
	x = extra_add(e, collect_xasprintf("kernel sentinel: %s", desc));
	free(desc);
	for (i = 0; i < sn->n; i++)
		extra_comment(x, sn->v[i]);
}

static void print_extras(FILE *out, const struct extras *e, long first)
{
	size_t i, j;

	for (i = 0; i < e->n; i++) {
		fprintf(out, "not ok %ld %s\n", first + (long)i, e->v[i].desc);
		for (j = 0; j < e->v[i].comments.n; j++) {
			const char *c = e->v[i].comments.v[j];

			fprintf(out, *c ? "# %s\n" : "#%s\n", c);
		}
	}
}

static bool is_boot(const char *base)
{
	size_t n = strlen(base), b = strlen(IOD_BOOT_NAME);

	return n >= b && !strcmp(base + n - b, IOD_BOOT_NAME) &&
	       (n == b || base[n - b - 1] == '/');
}

static int judge_boot(const struct collect_lines *sn, FILE *out)
{
	struct extras e = { 0 };

	fprintf(out, "1..1\n");
	if (!sn->n) {
		fprintf(out, "ok 1 boot\n");
		return 0;
	}
	add_sentinel(&e, sn);
	print_extras(out, &e, 1);
	extras_free(&e);
	return 0;
}

static void add_status_extras(struct extras *e, const struct tap_shape *sh,
			      const struct judge_status *st)
{
	struct extra *x;
	char *c;
	int sig;

	switch (st->kind) {
	case ST_INCOMPLETE:
		x = extra_add(e, collect_xasprintf("program did not finish (the guest died, hung or was killed)"));
		if (sh->plan_idx >= 0 && sh->plan_n > 0 &&
		    (size_t)sh->plan_n != sh->ntests) {
			c = collect_xasprintf("the program planned %ld tests and reported %zu",
					      sh->plan_n, sh->ntests);
			extra_comment(x, c);
			free(c);
		}
		return;
	case ST_MISSING:
		extra_add(e, collect_xasprintf("program has no status file"));
		return;
	case ST_UNKNOWN:
		extra_add(e, collect_xasprintf("program status unreadable: %s",
					       st->text));
		return;
	case ST_RC:
		break;
	}
	if (st->rc == 124 || st->rc == 137) {
		x = extra_add(e, collect_xasprintf("program timed out"));
		c = collect_xasprintf("rc=%d", st->rc);
		extra_comment(x, c);
		free(c);
		return;
	}
	if (st->rc > 128) {
		sig = st->rc - 128;
		extra_add(e, collect_xasprintf("program killed by a signal (rc=%d: %s)",
					       st->rc, strsignal(sig)));
		return;
	}
	if (st->rc != 0 && st->rc != 2 && st->rc != 3 && st->rc != 4 &&
	    !sh->has_fail)
		extra_add(e, collect_xasprintf("program failed without a failing test (rc=%d)",
					       st->rc));
}

static void print_plan(FILE *out, const char *orig, long total)
{
	const char *rest = "";
	long n = plan_line(orig, &rest);

	if (n == 0) {
		fprintf(out, "1..%ld\n# the program's own plan was: %s\n", total,
			orig);
		return;
	}
	fprintf(out, "1..%ld%s\n", total, rest);
}

static void judge_tap(const struct collect_lines *tap, const struct collect_lines *sn,
		      const struct judge_status *st, FILE *out)
{
	struct extras e = { 0 };
	struct tap_shape sh;
	long base, total;
	size_t i;
	bool empty;

	tap_scan(tap, &sh);
	empty = sh.plan_idx < 0 && sh.ntests == 0;
	if (empty)
		extra_add(&e, collect_xasprintf("program printed no TAP (%s)",
						st->text));
	add_sentinel(&e, sn);
	if (!empty)
		add_status_extras(&e, &sh, st);

	if (!e.n) {
		for (i = 0; i < tap->n; i++)
			fprintf(out, "%s\n", tap->v[i]);
		return;
	}

	base = sh.max_num > (long)sh.ntests ? sh.max_num : (long)sh.ntests;
	if (st->kind != ST_INCOMPLETE && sh.plan_n > base)
		base = sh.plan_n;
	if (empty)
		base = 0;
	total = base + (long)e.n;

	if (sh.plan_idx < 0) {
		for (i = 0; i < tap->n; i++)
			fprintf(out, "%s\n", tap->v[i]);
		if (empty)
			fprintf(out, "1..%ld\n", total);
		print_extras(out, &e, base + 1);
		if (!empty)
			fprintf(out, "1..%ld\n", total);
	} else if (!sh.plan_trailing) {
		for (i = 0; i < tap->n; i++) {
			if ((long)i == sh.plan_idx)
				print_plan(out, tap->v[i], total);
			else
				fprintf(out, "%s\n", tap->v[i]);
		}
		print_extras(out, &e, base + 1);
	} else {
		for (i = 0; i < (size_t)sh.plan_idx; i++)
			fprintf(out, "%s\n", tap->v[i]);
		print_extras(out, &e, base + 1);
		print_plan(out, tap->v[sh.plan_idx], total);
		for (i = sh.plan_idx + 1; i < tap->n; i++)
			fprintf(out, "%s\n", tap->v[i]);
	}
	extras_free(&e);
}

int iod_judge(const char *tap_path, FILE *out, char *err, size_t errlen)
{
	struct collect_lines tap = { 0 }, sn = { 0 };
	struct judge_status st;
	size_t n = strlen(tap_path);
	char *base, *path;
	int rc = -1;

	if (n < 5 || strcmp(tap_path + n - 4, ".tap")) {
		collect_set_err(err, errlen, "%s: not a .tap file", tap_path);
		return -1;
	}
	base = collect_xasprintf("%.*s", (int)(n - 4), tap_path);

	path = collect_xasprintf("%s.sentinel", base);
	if (collect_lines_read(path, &sn) && errno != ENOENT) {
		collect_set_err(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (is_boot(base)) {
		rc = judge_boot(&sn, out);
		goto out;
	}
	if (collect_lines_read(tap_path, &tap)) {
		collect_set_err(err, errlen, "%s: %s", tap_path, strerror(errno));
		goto out;
	}
	free(path);
	path = collect_xasprintf("%s.status", base);
	read_status(path, &st);
	judge_tap(&tap, &sn, &st, out);
	rc = fflush(out) ? -1 : 0;
	if (rc)
		collect_set_err(err, errlen, "write error");
out:
	free(path);
	free(base);
	collect_lines_free(&tap);
	collect_lines_free(&sn);
	return rc;
}
