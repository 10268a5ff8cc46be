// SPDX-License-Identifier: GPL-2.0
/* The guest's result stream: parse, split into per-program files, judge. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "sentinel.h"
#include "stream.h"

#define STREAM_MARKER	"@@iodirty"
#define MAX_TOKENS	4

#define __printf(a, b)	__attribute__((format(printf, a, b)))

static __printf(3, 4)
void set_err(char *err, size_t errlen, const char *fmt, ...);

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static __printf(1, 2)
char *xasprintf(const char *fmt, ...);

static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		fputs("iodirty-collect: out of memory\n", stderr);
		abort();
	}
	return s;
}

/* ---- stream parsing ---------------------------------------------------- */

void iod_stream_free(struct iod_stream *s)
{
	size_t i;

	for (i = 0; i < s->nprog; i++) {
		free(s->prog[i].name);
		collect_lines_free(&s->prog[i].tap);
	}
	free(s->prog);
	free(s->flavour);
	memset(s, 0, sizeof(*s));
}

static bool is_stream_marker(const char *line)
{
	size_t n = strlen(STREAM_MARKER);

	return !strncmp(line, STREAM_MARKER, n) &&
	       (line[n] == '\0' || line[n] == ' ' || line[n] == '\t');
}

/* Split @line in place on blanks; returns the token count (at most @max). */
static int tokenize(char *line, char **tok, int max)
{
	int n = 0;
	char *p = line;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (n == max)
			return max + 1;
		tok[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return n;
}

static int parse_rc(const char *s, int *rc)
{
	char *end;
	long v;

	if (strncmp(s, "rc=", 3) || !isdigit((unsigned char)s[3]))
		return -1;
	errno = 0;
	v = strtol(s + 3, &end, 10);
	if (errno || *end || v > INT_MAX)
		return -1;
	*rc = (int)v;
	return 0;
}

static struct iod_program *find_program(struct iod_stream *s,
					const char *name)
{
	size_t i;

	for (i = 0; i < s->nprog; i++)
		if (!strcmp(s->prog[i].name, name))
			return &s->prog[i];
	return NULL;
}

/*
 * Handle one marker line. @running is the program begun and not yet ended,
 * or NULL. Returns 0 or -1 with the reason in @err.
 */
static int stream_marker(struct iod_stream *s, char *line,
			 struct iod_program **running, char *err,
			 size_t errlen)
{
	char *tok[MAX_TOKENS + 1];
	int n = tokenize(line, tok, MAX_TOKENS);
	struct iod_program *p;
	const char *what = n > 1 ? tok[1] : "";

	if (s->done) {
		set_err(err, errlen, "marker '%s' after '%s done'", what,
			STREAM_MARKER);
		return -1;
	}
	if (!strcmp(what, "done") && n == 2) {
		if (*running) {
			set_err(err, errlen,
				"done while %s is running (no end marker)",
				(*running)->name);
			return -1;
		}
		s->done = true;
		return 0;
	}
	if (!strcmp(what, "flavour") && n == 3) {
		if (*running) {
			set_err(err, errlen, "flavour marker inside %s",
				(*running)->name);
			return -1;
		}
		free(s->flavour);
		s->flavour = collect_xstrdup(tok[2]);
		return 0;
	}
	if (!strcmp(what, "begin") && n == 3) {
		if (*running) {
			set_err(err, errlen,
				"begin %s inside %s (no end marker for %s)",
				tok[2], (*running)->name, (*running)->name);
			return -1;
		}
		if (!iod_program_name_valid(tok[2])) {
			set_err(err, errlen,
				"bad program name '%s': want suite/program made of [A-Za-z0-9_.-], no '.' or '..' part",
				tok[2]);
			return -1;
		}
		if (!strcmp(tok[2], IOD_BOOT_NAME)) {
			set_err(err, errlen, "program name '%s' is reserved",
				tok[2]);
			return -1;
		}
		if (find_program(s, tok[2])) {
			set_err(err, errlen, "program %s begun twice", tok[2]);
			return -1;
		}
		s->prog = collect_xrealloc(s->prog,
				       (s->nprog + 1) * sizeof(*s->prog));
		p = &s->prog[s->nprog++];
		memset(p, 0, sizeof(*p));
		p->name = collect_xstrdup(tok[2]);
		*running = p;
		return 0;
	}
	if (!strcmp(what, "end") && n == 4) {
		if (!*running) {
			set_err(err, errlen, "end %s with no begin", tok[2]);
			return -1;
		}
		if (strcmp(tok[2], (*running)->name)) {
			set_err(err, errlen, "end %s while %s is running",
				tok[2], (*running)->name);
			return -1;
		}
		if (parse_rc(tok[3], &(*running)->rc)) {
			set_err(err, errlen, "end %s: bad exit status '%s' (want rc=N)",
				tok[2], tok[3]);
			return -1;
		}
		(*running)->ended = true;
		*running = NULL;
		return 0;
	}
	set_err(err, errlen,
		"unknown marker (want '%s flavour NAME', 'begin S/P', 'end S/P rc=N' or 'done')",
		STREAM_MARKER);
	return -1;
}

int iod_stream_parse(FILE *f, const char *fname, struct iod_stream *s,
		     char *err, size_t errlen)
{
	struct iod_program *running = NULL;
	unsigned long lineno = 0;
	char *buf = NULL, msg[512];
	size_t cap = 0;
	ssize_t len, i;

	memset(s, 0, sizeof(*s));
	while ((len = getline(&buf, &cap, f)) >= 0) {
		lineno++;
		for (i = 0; i < len; i++)
			if (buf[i] == '\0')
				buf[i] = '?';
		len = collect_chomp(buf, len);
		if (!is_stream_marker(buf)) {
			if (running)
				collect_lines_push(&running->tap, buf, len);
			continue;
		}
		/* @running points into s->prog: only begin moves it */
		if (stream_marker(s, buf, &running, msg, sizeof(msg))) {
			set_err(err, errlen, "%s:%lu: %s", fname, lineno, msg);
			goto fail;
		}
	}
	if (ferror(f)) {
		set_err(err, errlen, "%s: read error", fname);
		goto fail;
	}
	free(buf);
	return 0;
fail:
	free(buf);
	iod_stream_free(s);
	return -1;
}

/* ---- split ------------------------------------------------------------- */

static int mkdir_p(const char *path)
{
	char *p = collect_xstrdup(path), *q;
	int rc = 0;

	for (q = p + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		if (mkdir(p, 0777) && errno != EEXIST)
			rc = -1;
		*q = '/';
		if (rc)
			break;
	}
	if (!rc && mkdir(p, 0777) && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

static int write_text(const char *path, const struct collect_lines *lines,
		      const char *text, const struct iod_excerpt *ex,
		      char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	bool bad = false;
	size_t i;

	if (!f) {
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (i = 0; lines && i < lines->n; i++)
		if (fprintf(f, "%s\n", lines->v[i]) < 0)
			bad = true;
	if (text && fputs(text, f) < 0)
		bad = true;
	if (ex && iod_excerpt_write(ex, f))
		bad = true;
	if (fclose(f) || bad) {
		set_err(err, errlen, "%s: write error", path);
		return -1;
	}
	return 0;
}

/* Write NAME.tap, NAME.status and (or remove a stale) NAME.sentinel. */
static int write_program(const char *outdir, const char *name,
			 const struct collect_lines *tap, const char *status,
			 const struct iod_excerpt *ex, char *err,
			 size_t errlen)
{
	char *dir = xasprintf("%s/%.*s", outdir,
			      (int)(strchr(name, '/') - name), name);
	char *tap_path = xasprintf("%s/%s.tap", outdir, name);
	char *st_path = xasprintf("%s/%s.status", outdir, name);
	char *sn_path = xasprintf("%s/%s.sentinel", outdir, name);
	int rc = -1;

	if (mkdir_p(dir)) {
		set_err(err, errlen, "%s: %s", dir, strerror(errno));
		goto out;
	}
	if (write_text(tap_path, tap, NULL, NULL, err, errlen) ||
	    write_text(st_path, NULL, status, NULL, err, errlen))
		goto out;
	if (ex && !iod_excerpt_empty(ex)) {
		if (write_text(sn_path, NULL, NULL, ex, err, errlen))
			goto out;
	} else if (unlink(sn_path) && errno != ENOENT) {
		set_err(err, errlen, "%s: %s", sn_path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(dir);
	free(tap_path);
	free(st_path);
	free(sn_path);
	return rc;
}

int iod_split(const char *stream_path, const char *console_path,
	      const char *outdir, char *err, size_t errlen)
{
	struct collect_lines order = { 0 }, boot = { 0 }, none = { 0 };
	struct iod_console con;
	struct iod_stream s;
	char *path = NULL, *text = NULL;
	const char *status;
	size_t i;
	int rc = -1;
	FILE *f;

	f = fopen(stream_path, "r");
	if (!f) {
		set_err(err, errlen, "%s: %s", stream_path, strerror(errno));
		return -1;
	}
	rc = iod_stream_parse(f, stream_path, &s, err, errlen);
	fclose(f);
	if (rc)
		return -1;
	rc = -1;
	if (iod_console_load(console_path, &con, err, errlen)) {
		iod_stream_free(&s);
		return -1;
	}
	if (mkdir_p(outdir)) {
		set_err(err, errlen, "%s: %s", outdir, strerror(errno));
		goto out;
	}

	for (i = 0; i < s.nprog; i++) {
		struct iod_program *p = &s.prog[i];

		free(text);
		text = p->ended ? xasprintf("rc=%d\n", p->rc) :
				  xasprintf("incomplete\n");
		if (write_program(outdir, p->name, &p->tap, text,
				  iod_console_find(&con, p->name), err, errlen))
			goto out;
		collect_lines_push(&order, p->name, strlen(p->name));
	}
	/* begun on the console but never on the stream: the guest died */
	for (i = 0; i < con.nwin; i++) {
		struct iod_window *w = con.win[i];

		if (iod_excerpt_empty(&w->ex) || find_program(&s, w->name))
			continue;
		if (write_program(outdir, w->name, &none, "incomplete\n",
				  &w->ex, err, errlen))
			goto out;
		collect_lines_push(&order, w->name, strlen(w->name));
	}
	if (!iod_excerpt_empty(&con.outside)) {
		collect_lines_push(&boot, "1..1", 4);
		collect_lines_push(&boot, "ok 1 boot", 9);
		if (write_program(outdir, IOD_BOOT_NAME, &boot, "rc=0\n",
				  &con.outside, err, errlen))
			goto out;
		collect_lines_push(&order, IOD_BOOT_NAME, strlen(IOD_BOOT_NAME));
	} else {
		path = xasprintf("%s/%s.sentinel", outdir, IOD_BOOT_NAME);
		unlink(path);
		free(path);
		path = NULL;
	}

	path = xasprintf("%s/programs", outdir);
	if (write_text(path, &order, NULL, NULL, err, errlen))
		goto out;
	free(path);
	path = xasprintf("%s/guest.status", outdir);
	free(text);
	if (s.done)
		text = xasprintf("done\n");
	else if (s.nprog)
		text = xasprintf("incomplete: %s\n", s.prog[s.nprog - 1].name);
	else
		text = xasprintf("incomplete: before the first program\n");
	status = text;
	if (write_text(path, NULL, status, NULL, err, errlen))
		goto out;
	rc = 0;
out:
	free(path);
	free(text);
	collect_lines_free(&order);
	collect_lines_free(&boot);
	iod_stream_free(&s);
	iod_console_free(&con);
	return rc;
}

/* ---- judge ------------------------------------------------------------- */

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
	else if (!parse_rc(st->text, &st->rc))
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
	x = extra_add(e, xasprintf("kernel sentinel: %s", desc));
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
		x = extra_add(e, xasprintf("program did not finish (the guest died, hung or was killed)"));
		if (sh->plan_idx >= 0 && sh->plan_n > 0 &&
		    (size_t)sh->plan_n != sh->ntests) {
			c = xasprintf("the program planned %ld tests and reported %zu",
				      sh->plan_n, sh->ntests);
			extra_comment(x, c);
			free(c);
		}
		return;
	case ST_MISSING:
		extra_add(e, xasprintf("program has no status file"));
		return;
	case ST_UNKNOWN:
		extra_add(e, xasprintf("program status unreadable: %s",
				       st->text));
		return;
	case ST_RC:
		break;
	}
	if (st->rc == 124 || st->rc == 137) {
		x = extra_add(e, xasprintf("program timed out"));
		c = xasprintf("rc=%d", st->rc);
		extra_comment(x, c);
		free(c);
		return;
	}
	if (st->rc > 128) {
		sig = st->rc - 128;
		extra_add(e, xasprintf("program killed by a signal (rc=%d: %s)",
				       st->rc, strsignal(sig)));
		return;
	}
	if (st->rc != 0 && st->rc != 2 && st->rc != 3 && st->rc != 4 &&
	    !sh->has_fail)
		extra_add(e, xasprintf("program failed without a failing test (rc=%d)",
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
		extra_add(&e, xasprintf("program printed no TAP (%s)",
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
		set_err(err, errlen, "%s: not a .tap file", tap_path);
		return -1;
	}
	base = xasprintf("%.*s", (int)(n - 4), tap_path);

	path = xasprintf("%s.sentinel", base);
	if (collect_lines_read(path, &sn) && errno != ENOENT) {
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (is_boot(base)) {
		rc = judge_boot(&sn, out);
		goto out;
	}
	if (collect_lines_read(tap_path, &tap)) {
		set_err(err, errlen, "%s: %s", tap_path, strerror(errno));
		goto out;
	}
	free(path);
	path = xasprintf("%s.status", base);
	read_status(path, &st);
	judge_tap(&tap, &sn, &st, out);
	rc = fflush(out) ? -1 : 0;
	if (rc)
		set_err(err, errlen, "write error");
out:
	free(path);
	free(base);
	collect_lines_free(&tap);
	collect_lines_free(&sn);
	return rc;
}
