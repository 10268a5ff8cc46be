// SPDX-License-Identifier: GPL-2.0
/* Read TAP the way prove reads it (tap.h). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tap.h"

/* TAP::Parser's states (see its _make_state_table). */
enum state {
	INIT, PLAN, PLANNED, PLANNED_AFTER_TEST, GOT_PLAN, UNPLANNED,
	UNPLANNED_AFTER_TEST,
};

enum token { T_TEST, T_COMMENT, T_PLAN, T_VERSION, T_BAILOUT, T_YAML,
	     T_PRAGMA, T_UNKNOWN };

/* One line, as the grammar reads it. */
struct tok {
	enum token type;
	/* T_TEST */
	bool ok, has_num;
	unsigned long long num;
	const char *desc, *desc_end;
	enum iod_tap_directive dir;
	const char *expl, *expl_end;
	/* T_PLAN: digits as written; explanation in expl */
	const char *planned, *planned_end;
	bool skip, has_expl;
	struct collect_lines todo;
	/* T_VERSION */
	unsigned long long version;
	/* T_PRAGMA: "+strict" / "-strict" seen */
	int strict;
	/* T_YAML */
	size_t yaml_pad;
};

struct parser {
	struct iod_tap *t;
	int version;
	enum state state;
	bool strict;
	bool have_plan;
	char *plan_digits;		/* NULL: no plan yet */
	unsigned long long planned;
	unsigned long long run;
	struct collect_lines todo;	/* planned TODO numbers, as digits */
};

static bool aspace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static bool aword(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static const char *skip_space(const char *p)
{
	while (aspace(*p))
		p++;
	return p;
}

static const char *skip_digits(const char *p)
{
	while (isdigit((unsigned char)*p))
		p++;
	return p;
}

/* @word (ASCII, any case) at @p followed by a word boundary. */
static const char *keyword(const char *p, const char *word)
{
	size_t n = strlen(word);

	if (strncasecmp(p, word, n) || aword(p[n]))
		return NULL;
	return p + n;
}

static char *trimmed(const char *s, const char *end)
{
	while (s < end && aspace(*s))
		s++;
	while (end > s && aspace(end[-1]))
		end--;
	return collect_xasprintf("%.*s", (int)(end - s), s);
}

static unsigned long long number(const char *s, const char *end)
{
	unsigned long long n = 0;

	for (; s < end; s++)
		n = n > (~0ULL - 9) / 10 ? ~0ULL : n * 10 + (unsigned)(*s - '0');
	return n;
}

/* "# SKIP reason" / "# TODO reason" after the first unescaped '#'. */
static void directive(struct tok *k)
{
	const char *p = k->desc, *q;

	while (*p && *p != '#') {
		if (*p == '\\') {
			if (!p[1])
				return;
			p++;
		}
		p++;
	}
	if (!*p)
		return;
	q = skip_space(p + 1);
	if (keyword(q, "SKIP"))
		k->dir = IOD_TAP_SKIP;
	else if (keyword(q, "TODO"))
		k->dir = IOD_TAP_TODO;
	else
		return;
	k->desc_end = p;
	k->expl = q + 4;
	k->expl_end = k->expl + strlen(k->expl);
}

static bool test_line(const char *line, struct tok *k)
{
	const char *p = line, *d;

	k->ok = strncmp(p, "not ok", 6) != 0;
	p += k->ok ? 0 : 4;
	if (strncmp(p, "ok", 2) || aword(p[2]))
		return false;
	p = skip_space(p + 2);
	d = skip_digits(p);
	k->has_num = d > p;
	k->num = number(p, d);
	k->desc = skip_space(d);
	k->desc_end = k->desc + strlen(k->desc);
	directive(k);
	k->type = T_TEST;
	return true;
}

static bool all_zero(const char *s, const char *end)
{
	while (s < end && *s == '0')
		s++;
	return s == end;
}

/* TAP 12: "1..N", "1..N todo A B", "1..0 # SKIP reason". */
static bool plan12(const char *tail, struct tok *k)
{
	const char *p, *d;

	if (!strncmp(tail, "todo", 4)) {
		for (p = tail + 4; aspace(*p); p = d) {
			p = skip_space(p);
			d = skip_digits(p);
			if (d == p)
				break;
			collect_lines_push(&k->todo, p, d - p);
		}
		if (k->todo.n)
			return true;
	}
	if (!all_zero(k->planned, k->planned_end))
		return !*tail;
	k->skip = true;
	if (*tail != '#')
		return true;
	p = skip_space(tail + 1);
	if (strncasecmp(p, "SKIP", 4))
		return true;
	for (p += 4; *p && !aspace(*p); p++)
		;
	if (aspace(*p)) {
		k->expl = skip_space(p);
		k->expl_end = k->expl + strlen(k->expl);
	}
	return true;
}

/* TAP 13: "1..N", "1..N # SKIP reason" (then N need not be 0). */
static bool plan13(const char *tail, struct tok *k)
{
	const char *p;

	if (*tail == '#') {
		p = keyword(skip_space(tail + 1), "SKIP");
		if (!p)
			return false;
		k->expl = p;
		k->expl_end = p + strlen(p);
		k->has_expl = true;
	} else if (*tail) {
		return false;
	}
	k->skip = k->has_expl || all_zero(k->planned, k->planned_end);
	return true;
}

static bool plan_line(const char *line, int version, struct tok *k)
{
	const char *tail;

	if (strncmp(line, "1..", 3) || !isdigit((unsigned char)line[3]))
		return false;
	k->planned = line + 3;
	k->planned_end = skip_digits(k->planned);
	tail = skip_space(k->planned_end);
	if (!(version >= 13 ? plan13(tail, k) : plan12(tail, k))) {
		collect_lines_free(&k->todo);
		return false;
	}
	k->type = T_PLAN;
	return true;
}

static bool version_line(const char *line, struct tok *k)
{
	const char *p, *d;

	if (strncasecmp(line, "TAP", 3) || !aspace(line[3]))
		return false;
	p = skip_space(line + 3);
	if (strncasecmp(p, "version", 7) || !aspace(p[7]))
		return false;
	p = skip_space(p + 7);
	d = skip_digits(p);
	if (d == p || *skip_space(d))
		return false;
	k->version = number(p, d);
	k->type = T_VERSION;
	return true;
}

/* "pragma +a, -b": sets k->strict when "strict" is named. */
static bool pragma_line(const char *line, struct tok *k)
{
	const char *p, *w;
	int sign;

	if (strncmp(line, "pragma", 6) || !aspace(line[6]))
		return false;
	p = skip_space(line + 6);
	for (;;) {
		if (*p != '+' && *p != '-')
			return false;
		sign = *p++ == '+' ? 1 : -1;
		for (w = p; aword(*p); p++)
			;
		if (p == w)
			return false;
		if (p - w == 6 && !strncmp(w, "strict", 6))
			k->strict = sign;
		p = skip_space(p);
		if (!*p)
			break;
		if (*p++ != ',')
			return false;
		p = skip_space(p);
	}
	k->type = T_PRAGMA;
	return true;
}

static void tokenize(const char *line, int version, struct tok *k)
{
	const char *p;

	memset(k, 0, sizeof(*k));
	k->type = T_UNKNOWN;
	if (test_line(line, k) || plan_line(line, version, k))
		return;
	if (line[0] == '#') {
		k->type = T_COMMENT;
		return;
	}
	if (version_line(line, k))
		return;
	p = skip_space(line);
	if (!strncmp(p, "Bail out!", 9)) {
		k->type = T_BAILOUT;
		return;
	}
	if (version < 13)
		return;
	if (p > line && !strncmp(p, "---", 3)) {
		k->type = T_YAML;
		k->yaml_pad = p - line;
		return;
	}
	pragma_line(line, k);
}

__attribute__((format(printf, 2, 3)))
static void error(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s) {
		fputs("iodirty-collect: out of memory\n", stderr);
		abort();
	}

	collect_lines_push(&ps->t->errors, s, strlen(s));
	free(s);
}

static struct iod_tap_event *event(struct parser *ps, enum iod_tap_kind kind)
{
	struct iod_tap *t = ps->t;
	struct iod_tap_event *e;

	t->ev = collect_xrealloc(t->ev, (t->nev + 1) * sizeof(*t->ev));
	e = &t->ev[t->nev++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	return e;
}

/* TAP::Parser's default plan action. */
static void plan_act(struct parser *ps, struct tok *k)
{
	size_t i;

	free(ps->plan_digits);
	ps->plan_digits = collect_xasprintf("%.*s",
					    (int)(k->planned_end - k->planned),
					    k->planned);
	ps->planned = number(k->planned, k->planned_end);
	ps->have_plan = true;
	if (k->skip) {
		char *e = k->expl ? trimmed(k->expl, k->expl_end) :
			  collect_xstrdup("");

		free(ps->t->skip_all);
		if (!*e || !strcmp(e, "0")) {
			free(e);
			e = collect_xstrdup("(no reason given)");
		}
		ps->t->skip_all = e;
	}
	for (i = 0; i < k->todo.n; i++)
		collect_lines_push(&ps->todo, k->todo.v[i], strlen(k->todo.v[i]));
}

static bool take_todo(struct parser *ps, unsigned long long n)
{
	size_t i;

	for (i = 0; i < ps->todo.n; i++) {
		if (number(ps->todo.v[i], ps->todo.v[i] + strlen(ps->todo.v[i])) != n)
			continue;
		free(ps->todo.v[i]);
		ps->todo.v[i] = ps->todo.v[--ps->todo.n];
		return true;
	}
	return false;
}

/* TAP::Parser's default test action. */
static void test_act(struct parser *ps, struct tok *k)
{
	struct iod_tap_event *e = event(ps, IOD_TAP_TEST);
	ps->run++;
	e->ok = k->ok;
	e->desc = trimmed(k->desc, k->desc_end);
	e->directive = k->dir;
	e->explanation = k->expl ? trimmed(k->expl, k->expl_end) :
			 collect_xstrdup("");
	if (k->has_num) {
		e->number = k->num;
		if (take_todo(ps, k->num))
			e->directive = IOD_TAP_TODO;
		if (k->num != ps->run)
			error(ps, "Tests out of sequence.  Found (%llu) but expected (%llu)",
			      k->num, ps->run);
	} else {
		e->number = ps->run;
	}
}

/* One token through the state table. */
static void transition(struct parser *ps, struct tok *k, const char *line)
{
	switch (k->type) {
	case T_COMMENT:
	case T_BAILOUT:
		return;
	case T_UNKNOWN:
		if (ps->strict)
			error(ps, "Unknown TAP token: \"%s\"", line);
		return;
	case T_PRAGMA:
		if (k->strict)
			ps->strict = k->strict > 0;
		return;
	case T_VERSION:
		if (ps->state != INIT) {
			error(ps, "If TAP version is present it must be the first line of output");
			return;
		}
		ps->version = 13;
		if (k->version <= 12) {
			error(ps, "Explicit TAP version must be at least 13. Got version %llu",
			      k->version);
			ps->version = 12;
		} else if (k->version > 13) {
			error(ps, "TAP specified version %llu but we don't know about versions later than 13",
			      k->version);
		}
		ps->state = PLAN;
		return;
	case T_YAML:
		if (ps->state == PLANNED_AFTER_TEST)
			ps->state = PLANNED;
		else if (ps->state == UNPLANNED_AFTER_TEST)
			ps->state = UNPLANNED;
		return;
	case T_PLAN:
		switch (ps->state) {
		case INIT:
		case PLAN:
			plan_act(ps, k);
			ps->state = PLANNED;
			return;
		case PLANNED:
		case PLANNED_AFTER_TEST:
		case GOT_PLAN:
			ps->state = PLANNED;
			error(ps, "More than one plan found in TAP output");
			return;
		case UNPLANNED:
		case UNPLANNED_AFTER_TEST:
			plan_act(ps, k);
			ps->state = GOT_PLAN;
			return;
		}
		return;
	case T_TEST:
		switch (ps->state) {
		case INIT:
		case PLAN:
			test_act(ps, k);
			ps->state = UNPLANNED;
			return;
		case GOT_PLAN:
			error(ps, "Plan (1..%s) must be at the beginning or end of the TAP output",
			      ps->plan_digits);
			/* fall through */
		case PLANNED:
		case PLANNED_AFTER_TEST:
			test_act(ps, k);
			ps->state = PLANNED_AFTER_TEST;
			return;
		case UNPLANNED:
		case UNPLANNED_AFTER_TEST:
			test_act(ps, k);
			ps->state = UNPLANNED_AFTER_TEST;
			return;
		}
		return;
	}
}

/* The next line of @buf at *@pos, NUL-terminated in @line; false at the end. */
static bool next_line(const char *buf, size_t len, size_t *pos, char **line)
{
	const char *nl;
	size_t n;

	if (*pos >= len)
		return false;
	nl = memchr(buf + *pos, '\n', len - *pos);
	n = nl ? (size_t)(nl - (buf + *pos)) : len - *pos;
	free(*line);
	*line = collect_xasprintf("%.*s", (int)n, buf + *pos);
	*pos += n + (nl != NULL);
	return true;
}

/*
 * A TAP 13 YAML block after its "---" line: lines indented by at least
 * @pad whitespace up to a "..." line. Returns false (and reading stops) when
 * the block ends without one.
 */
static bool yaml_block(const char *buf, size_t len, size_t *pos, size_t pad,
		       char **line)
{
	const char *p;
	size_t i;

	while (next_line(buf, len, pos, line)) {
		for (i = 0; i < pad && aspace((*line)[i]); i++)
			;
		if (i < pad)
			return false;
		p = *line + pad;
		if (!strncmp(skip_space(p), "...", 3) && p == skip_space(p) &&
		    !*skip_space(p + 3))
			return true;
	}
	return false;
}

static void finish(struct parser *ps)
{
	if (!ps->have_plan)
		error(ps, "No plan found in TAP output");
	else if (ps->run != ps->planned)
		error(ps, "Bad plan.  You planned %s tests but ran %llu.",
		      ps->plan_digits, ps->run);
}

void iod_tap_parse(const char *buf, size_t len, struct iod_tap *t)
{
	struct parser ps = { .t = t, .version = 12, .state = INIT };
	char *line = NULL;
	size_t pos = 0;
	struct tok k;

	while (next_line(buf, len, &pos, &line)) {
		tokenize(line, ps.version, &k);
		if (k.type == T_COMMENT)
			event(&ps, IOD_TAP_COMMENT)->comment =
				trimmed(line + 1, line + strlen(line));
		if (k.type == T_YAML &&
		    !yaml_block(buf, len, &pos, k.yaml_pad, &line)) {
			error(&ps, "Missing '...' at end of YAMLish");
			t->cut_short = true;
			break;
		}
		transition(&ps, &k, line);
		collect_lines_free(&k.todo);
	}
	finish(&ps);
	free(line);
	free(ps.plan_digits);
	collect_lines_free(&ps.todo);
}

void iod_tap_free(struct iod_tap *t)
{
	size_t i;

	for (i = 0; i < t->nev; i++) {
		free(t->ev[i].desc);
		free(t->ev[i].explanation);
		free(t->ev[i].comment);
	}
	free(t->ev);
	free(t->skip_all);
	collect_lines_free(&t->errors);
	memset(t, 0, sizeof(*t));
}
