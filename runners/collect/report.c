// SPDX-License-Identifier: GPL-2.0
/* The run report: one program's test points, classified (report.h). */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "text.h"
#include "utf8.h"

#define REASON_MAX 300

const char *const iod_status_name[IOD_NSTATUS] = {
	[IOD_PASS] = "pass", [IOD_FAIL] = "fail", [IOD_SKIP] = "skip",
	[IOD_XFAIL] = "xfail", [IOD_XPASS] = "xpass", [IOD_TODO] = "todo",
};

void iod_results_add(struct iod_results *r, const char *flavour,
		     const char *suite, const char *program, const char *name,
		     enum iod_status status, const char *reason)
{
	struct iod_result *x;

	r->v = collect_xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	x = &r->v[r->n++];
	x->flavour = collect_xstrdup(flavour);
	x->suite = collect_xstrdup(suite);
	x->program = collect_xstrdup(program);
	x->name = collect_xstrdup(name);
	x->status = status;
	x->reason = collect_xstrdup(reason);
}

static char *text(const char *s)
{
	return iod_utf8_decode(s, strlen(s));
}

static char *sub(const char *s, size_t len)
{
	return collect_xasprintf("%.*s", (int)len, s);
}

/* Whitespace runs as one space, no space at either end, at most 300 chars. */
static char *clip(const char *s)
{
	char *d = collect_xrealloc(NULL, strlen(s) + 4), *o = d;
	size_t n, k;
	uint32_t cp;

	while (*s) {
		n = iod_uspace_span(s);
		if (n) {
			*o++ = ' ';
			s += n;
			continue;
		}
		k = iod_utf8_next(s, &cp);
		memcpy(o, s, k);
		o += k;
		s += k;
	}
	*o = '\0';
	if (o > d && o[-1] == ' ')
		*--o = '\0';
	if (d[0] == ' ')
		memmove(d, d + 1, strlen(d));
	if (iod_utf8_len(d) > REASON_MAX) {
		for (o = d, n = 0; n < REASON_MAX - 3; n++)
			o += iod_utf8_next(o, &cp);
		strcpy(o, "...");
	}
	return d;
}

/* Perl's s/\\(.)/$1/g: a backslash keeps the character after it. */
static char *unescape(const char *s)
{
	char *d = collect_xstrdup(s), *o = d;

	for (; *s; s++) {
		if (*s == '\\' && s[1] && s[1] != '\n')
			s++;
		*o++ = *s;
	}
	*o = '\0';
	return d;
}

static char *unescape_free(char *s)
{
	char *d = unescape(s);

	free(s);
	return d;
}

/*
 * Split a description at its first unescaped '#' (whitespace before it
 * dropped): *@tail is what follows it, or NULL when there is none.
 */
static char *split_desc(const char *desc, char **tail)
{
	const char *s = desc, *p;
	uint32_t cp;
	size_t n;

	*tail = NULL;
	if (s[0] == '-' && (n = iod_uspace_span(s + 1)))
		s += 1 + n;
	for (p = s;; ) {
		n = iod_uspace_span(p);
		if (p[n] == '#') {
			*tail = collect_xstrdup(p + n + 1);
			return sub(s, p - s);
		}
		if (!*p || (*p == '\\' && !p[1]))
			break;
		if (*p == '\\')
			p++;
		p += iod_utf8_next(p, &cp);
	}
	return collect_xstrdup(s);
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* /^\s*WORD\b\s*(.*)\z/: the text after the directive WORD, or NULL. */
static const char *directive(const char *tail, const char *word)
{
	const char *p = tail + iod_uspace_span(tail);

	if (!starts(p, word) || word_char(p[strlen(word)]))
		return NULL;
	p += strlen(word);
	return p + iod_uspace_span(p);
}

static const char *digits(const char *p)
{
	const char *d = p;

	while (isdigit((unsigned char)*d))
		d++;
	return d > p ? d : NULL;
}

/* A kselftest harness line that says nothing about why a test failed. */
static bool is_chatter(const char *c)
{
	static const char *const verdicts[] = {
		"OK", "FAIL", "SKIP", "XFAIL", "XPASS", "TIMEOUT",
	};
	const char *p = c + iod_uspace_span(c), *q;
	size_t i, n;

	if (!*p || starts(p, "Totals:") || starts(p, "Planned tests != run tests"))
		return true;
	if (starts(p, "RUN") && iod_uspace_span(p + 3))
		return true;
	for (i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
		if (!starts(p, verdicts[i]))
			continue;
		q = p + strlen(verdicts[i]);
		n = iod_uspace_span(q);
		if (!n || !q[n])
			continue;
		for (q += n; *q && !iod_uspace_span(q); q++)
			;
		if (!q[iod_uspace_span(q)])
			return true;
	}
	if (starts(p, "Starting ") && (q = digits(p + 9)) &&
	    starts(q, " test")) {
		q += 5;
		q += *q == 's';
		if (starts(q, " from"))
			return true;
	}
	if ((starts(p, "PASSED: ") || starts(p, "FAILED: ")) &&
	    (q = digits(p + 8)) && starts(q, " / ") && (q = digits(q + 3)) &&
	    starts(q, " tests passed"))
		return true;
	return false;
}

/*
 * The failing points the judge appends (judge.h): split into case and
 * reason. Returns false for any other point.
 */
static bool judge_point(char **name, const char *status_line, char **reason)
{
	const char *c = *name, *sep;
	char *u;
	size_t len;

	if (starts(c, "kernel sentinel: ")) {
		*reason = unescape(c + strlen("kernel sentinel: "));
		free(*name);
		*name = collect_xstrdup("kernel sentinel");
		return true;
	}
	if (!starts(c, "program "))
		return false;
	u = unescape(c);
	free(*name);
	*name = u;
	len = strlen(u);
	if (!strcmp(u, "program timed out")) {
		*reason = iod_latin1_to_utf8(status_line);
		return true;
	}
	sep = strstr(u, " (");
	if (sep && u[len - 1] == ')' && (size_t)(sep - u) + 2 <= len - 1) {
		*reason = sub(sep + 2, len - 1 - (sep + 2 - u));
		*name = sub(u, sep - u);
		free(u);
		return true;
	}
	sep = strstr(u, ": ");
	if (sep) {
		*reason = collect_xstrdup(sep + 2);
		*name = sub(u, sep - u);
		free(u);
		return true;
	}
	*reason = collect_xstrdup("");
	return true;
}

static char *join_diag(const struct collect_lines *diag)
{
	size_t i, len = 1;
	char *d;

	for (i = 0; i < diag->n; i++)
		len += strlen(diag->v[i]) + 2;
	d = collect_xrealloc(NULL, len);
	d[0] = '\0';
	for (i = 0; i < diag->n; i++) {
		if (is_chatter(diag->v[i]))
			continue;
		if (d[0])
			strcat(d, "; ");
		strcat(d, diag->v[i]);
	}
	return d;
}

static enum iod_status classify(const struct iod_tap_event *t,
				const struct collect_lines *diag,
				const char *status_line, char **name,
				char **reason)
{
	char *desc = text(t->desc), *tail, *r = NULL;
	enum iod_status st;
	const char *x;

	*name = split_desc(desc, &tail);
	free(desc);
	if (t->directive == IOD_TAP_SKIP || t->directive == IOD_TAP_TODO) {
		st = t->directive == IOD_TAP_SKIP ? IOD_SKIP : IOD_TODO;
		r = text(t->explanation);
	} else if (tail && (x = directive(tail, "XFAIL"))) {
		st = t->ok ? IOD_XFAIL : IOD_FAIL;
		r = t->ok ? collect_xstrdup(x) :
		    collect_xasprintf("failed with an XFAIL directive: %s", x);
	} else if (tail && (x = directive(tail, "XPASS"))) {
		st = t->ok ? IOD_XPASS : IOD_FAIL;
		r = collect_xstrdup(x);
	} else if (t->ok) {
		st = IOD_PASS;
		r = collect_xstrdup("");
	} else {
		st = IOD_FAIL;
		if (!judge_point(name, status_line, &r)) {
			r = join_diag(diag);
			if (!r[0] && tail) {
				free(r);
				r = collect_xstrdup(tail);
			}
		}
	}
	*name = unescape_free(*name);
	if (!**name) {
		free(*name);
		*name = collect_xasprintf("(test %llu)", t->number);
	}
	*reason = clip(r);
	free(r);
	free(tail);
	return st;
}

/* The parse errors, joined by "; ". */
static char *join_errors(const struct collect_lines *errors)
{
	char *s = collect_xstrdup(""), *d;
	size_t i;

	for (i = 0; i < errors->n; i++) {
		d = collect_xasprintf("%s%s%s", s, i ? "; " : "", errors->v[i]);
		free(s);
		s = d;
	}
	d = text(s);
	free(s);
	return d;
}

void iod_report_tap(struct iod_results *r, const char *flavour,
		    const char *suite, const char *program, const char *tap,
		    size_t len, const char *status_line)
{
	struct collect_lines diag = { 0 };
	struct iod_tap t = { 0 };
	enum iod_status st;
	char *name, *reason, *s;
	size_t i;

	iod_tap_parse(tap, len, &t);
	for (i = 0; i < t.nev; i++) {
		if (t.ev[i].kind == IOD_TAP_COMMENT) {
			s = text(t.ev[i].comment);
			collect_lines_push(&diag, s, strlen(s));
			free(s);
			continue;
		}
		st = classify(&t.ev[i], &diag, status_line, &name, &reason);
		iod_results_add(r, flavour, suite, program, name, st, reason);
		free(name);
		free(reason);
		collect_lines_free(&diag);
	}
	if (t.skip_all) {
		s = text(t.skip_all);
		reason = clip(s);
		iod_results_add(r, flavour, suite, program, "(all)", IOD_SKIP,
				reason);
		free(s);
		free(reason);
	}
	if (t.errors.n) {
		s = join_errors(&t.errors);
		reason = clip(s);
		iod_results_add(r, flavour, suite, program, "(TAP)", IOD_FAIL,
				reason);
		free(s);
		free(reason);
	}
	collect_lines_free(&diag);
	iod_tap_free(&t);
}
