// SPDX-License-Identifier: GPL-2.0
/* The guest's result stream: parse, and split into per-program files. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "sentinel.h"
#include "stream.h"
#include "text.h"

#define STREAM_MARKER	"@@iodirty"
#define MAX_TOKENS	4

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
		collect_set_err(err, errlen, "marker '%s' after '%s done'", what,
				STREAM_MARKER);
		return -1;
	}
	if (!strcmp(what, "done") && n == 2) {
		if (*running) {
			collect_set_err(err, errlen,
					"done while %s is running (no end marker)",
					(*running)->name);
			return -1;
		}
		s->done = true;
		return 0;
	}
	if (!strcmp(what, "flavour") && n == 3) {
		if (*running) {
			collect_set_err(err, errlen, "flavour marker inside %s",
					(*running)->name);
			return -1;
		}
		free(s->flavour);
		s->flavour = collect_xstrdup(tok[2]);
		return 0;
	}
	if (!strcmp(what, "begin") && n == 3) {
		if (*running) {
			collect_set_err(err, errlen,
					"begin %s inside %s (no end marker for %s)",
					tok[2], (*running)->name, (*running)->name);
			return -1;
		}
		if (!iod_program_name_valid(tok[2])) {
			collect_set_err(err, errlen,
					"bad program name '%s': want suite/program made of [A-Za-z0-9_.@-], no '.' or '..' part",
					tok[2]);
			return -1;
		}
		if (!strcmp(tok[2], IOD_BOOT_NAME)) {
			collect_set_err(err, errlen, "program name '%s' is reserved",
					tok[2]);
			return -1;
		}
		if (find_program(s, tok[2])) {
			collect_set_err(err, errlen, "program %s begun twice", tok[2]);
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
			collect_set_err(err, errlen, "end %s with no begin", tok[2]);
			return -1;
		}
		if (strcmp(tok[2], (*running)->name)) {
			collect_set_err(err, errlen, "end %s while %s is running",
					tok[2], (*running)->name);
			return -1;
		}
		if (collect_parse_rc(tok[3], &(*running)->rc)) {
			collect_set_err(err, errlen, "end %s: bad exit status '%s' (want rc=N)",
					tok[2], tok[3]);
			return -1;
		}
		(*running)->ended = true;
		*running = NULL;
		return 0;
	}
	collect_set_err(err, errlen,
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
			collect_set_err(err, errlen, "%s:%lu: %s", fname, lineno, msg);
			goto fail;
		}
	}
	if (ferror(f)) {
		collect_set_err(err, errlen, "%s: read error", fname);
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
		collect_set_err(err, errlen, "%s: %s", path, strerror(errno));
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
		collect_set_err(err, errlen, "%s: write error", path);
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
	char *dir = collect_xasprintf("%s/%.*s", outdir,
				      (int)(strchr(name, '/') - name), name);
	char *tap_path = collect_xasprintf("%s/%s.tap", outdir, name);
	char *st_path = collect_xasprintf("%s/%s.status", outdir, name);
	char *sn_path = collect_xasprintf("%s/%s.sentinel", outdir, name);
	int rc = -1;

	if (mkdir_p(dir)) {
		collect_set_err(err, errlen, "%s: %s", dir, strerror(errno));
		goto out;
	}
	if (write_text(tap_path, tap, NULL, NULL, err, errlen) ||
	    write_text(st_path, NULL, status, NULL, err, errlen))
		goto out;
	if (ex && !iod_excerpt_empty(ex)) {
		if (write_text(sn_path, NULL, NULL, ex, err, errlen))
			goto out;
	} else if (unlink(sn_path) && errno != ENOENT) {
		collect_set_err(err, errlen, "%s: %s", sn_path, strerror(errno));
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
		collect_set_err(err, errlen, "%s: %s", stream_path, strerror(errno));
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
		collect_set_err(err, errlen, "%s: %s", outdir, strerror(errno));
		goto out;
	}

	for (i = 0; i < s.nprog; i++) {
		struct iod_program *p = &s.prog[i];

		free(text);
		text = p->ended ? collect_xasprintf("rc=%d\n", p->rc) :
				  collect_xasprintf("incomplete\n");
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
		path = collect_xasprintf("%s/%s.sentinel", outdir, IOD_BOOT_NAME);
		unlink(path);
		free(path);
		path = NULL;
	}

	path = collect_xasprintf("%s/programs", outdir);
	if (write_text(path, &order, NULL, NULL, err, errlen))
		goto out;
	free(path);
	path = collect_xasprintf("%s/guest.status", outdir);
	free(text);
	if (s.done)
		text = collect_xasprintf("done\n");
	else if (s.nprog)
		text = collect_xasprintf("incomplete: %s\n", s.prog[s.nprog - 1].name);
	else
		text = collect_xasprintf("incomplete: before the first program\n");
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
