// SPDX-License-Identifier: GPL-2.0
/* The run report: the run directory read, judged and written (report.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "judge.h"
#include "report.h"
#include "results_json.h"
#include "summary_txt.h"
#include "text.h"
#include "utf8.h"

__attribute__((format(printf, 3, 4)))
static int fail(struct iod_report_err *e, const char *next, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	snprintf(e->next, sizeof(e->next), "%s", next);
	return -1;
}

/* The first line of @path (raw), or a copy of @missing. */
static char *first_line(const char *path, const char *missing)
{
	struct collect_lines l = { 0 };
	char *s;

	if (collect_lines_read(path, &l) || !l.n)
		s = collect_xstrdup(missing);
	else
		s = collect_xstrdup(l.v[0]);
	collect_lines_free(&l);
	return s;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The flavour directories of @dir (those with a programs file), sorted. */
static int flavour_dirs(const char *dir, struct collect_lines *out,
			struct iod_report_err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *path;

	if (!d)
		return fail(e, "give the run directory the lab wrote, e.g. results/latest",
			    "%s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		path = collect_xasprintf("%s/%s", dir, de->d_name);
		if (is_dir(path)) {
			char *programs = collect_xasprintf("%s/programs", path);

			if (is_file(programs))
				collect_lines_push(out, de->d_name, strlen(de->d_name));
			else
				fprintf(stderr, "iodirty: warning: %s has no programs file, skipped\n",
					path);
			free(programs);
		}
		free(path);
	}
	closedir(d);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), by_name);
	return 0;
}

/* Judge DIR/FLAVOUR/SUITE/PROGRAM.tap in-process and classify what it says. */
static void report_program(struct iod_results *r, const char *fdir,
			   const char *flavour, const char *prog)
{
	char *tap = collect_xasprintf("%s/%s.tap", fdir, prog);
	char *status = collect_xasprintf("%s/%s.status", fdir, prog);
	char *suite = collect_xstrdup(prog), *name = strchr(suite, '/');
	char *status_line = first_line(status, "no status");
	char *buf = NULL, *msg, *reason, err[1024];
	size_t len = 0;
	FILE *f;
	int rc;

	*name++ = '\0';
	f = open_memstream(&buf, &len);
	if (!f) {
		fputs("iodirty-collect: out of memory\n", stderr);
		abort();
	}
	rc = iod_judge(tap, f, err, sizeof(err));
	fclose(f);
	iod_report_tap(r, flavour, suite, name, buf, len, status_line);
	free(buf);
	if (rc) {
		fprintf(stderr, "iodirty: warning: %s\n", err);
		msg = iod_utf8_decode(err, strlen(err));
		reason = collect_xasprintf("iodirty-collect judge failed: %s", msg);
		iod_results_add(r, flavour, suite, name, "(judge)", IOD_FAIL,
				reason);
		free(reason);
		free(msg);
	}
	free(status_line);
	free(suite);
	free(status);
	free(tap);
}

static void report_flavour(struct iod_run *run, const char *dir,
			   const char *raw, size_t idx)
{
	char *fdir = collect_xasprintf("%s/%s", dir, raw);
	char *path = collect_xasprintf("%s/guest.status", fdir);
	const char *flavour = run->flavours[idx];
	struct collect_lines progs = { 0 };
	char *g = first_line(path, "no guest.status");
	size_t i;

	run->guest[idx] = iod_utf8_decode(g, strlen(g));
	free(path);
	path = collect_xasprintf("%s/programs", fdir);
	if (collect_lines_read(path, &progs))
		fprintf(stderr, "iodirty: warning: %s: %s\n", path, strerror(errno));
	for (i = 0; i < progs.n; i++) {
		const char *p = progs.v[i];

		if (!p[strspn(p, " \t\n\r\f\v")])
			continue;
		if (!iod_program_name_valid(p)) {
			fprintf(stderr, "iodirty: warning: %s: bad program name '%s', skipped\n",
				path, p);
			continue;
		}
		report_program(&run->results, fdir, flavour, p);
	}
	if (strcmp(g, "done"))
		iod_results_add(&run->results, flavour, "lab", "guest",
				"guest finished", IOD_FAIL, run->guest[idx]);
	collect_lines_free(&progs);
	free(g);
	free(path);
	free(fdir);
}

int iod_run_read(const char *dir, struct iod_run *run, struct iod_report_err *e)
{
	struct collect_lines raw = { 0 };
	size_t i;

	memset(run, 0, sizeof(*run));
	if (!is_dir(dir))
		return fail(e, "give the run directory the lab wrote, e.g. results/latest",
			    "%s: no such directory", dir);
	if (flavour_dirs(dir, &raw, e))
		return -1;
	if (!raw.n) {
		collect_lines_free(&raw);
		return fail(e, "give a run directory whose flavour directories came from 'iodirty-collect split'",
			    "%s: no flavour directories (each needs a programs file)",
			    dir);
	}
	run->nflavours = raw.n;
	run->flavours = collect_xrealloc(NULL, raw.n * sizeof(char *));
	run->guest = collect_xrealloc(NULL, raw.n * sizeof(char *));
	for (i = 0; i < raw.n; i++)
		run->flavours[i] = iod_latin1_to_utf8(raw.v[i]);
	for (i = 0; i < raw.n; i++)
		report_flavour(run, dir, raw.v[i], i);
	collect_lines_free(&raw);
	return 0;
}

void iod_run_free(struct iod_run *run)
{
	size_t i;

	for (i = 0; i < run->nflavours; i++) {
		free(run->flavours[i]);
		free(run->guest[i]);
	}
	for (i = 0; i < run->results.n; i++) {
		struct iod_result *x = &run->results.v[i];

		free(x->flavour);
		free(x->suite);
		free(x->program);
		free(x->name);
		free(x->reason);
	}
	free(run->results.v);
	free(run->flavours);
	free(run->guest);
	memset(run, 0, sizeof(*run));
}

/* Write @len bytes of @buf to @path. */
static int write_file(const char *path, const char *buf, size_t len,
		      struct iod_report_err *e)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return fail(e, "check the run directory is writable",
			    "%s: %s", path, strerror(errno));
	if (fwrite(buf, 1, len, f) != len || fflush(f) || ferror(f)) {
		fail(e, "check the run directory is writable and the disk has room",
		     "%s: %s", path, strerror(errno ? errno : EIO));
		fclose(f);
		return -1;
	}
	if (fclose(f))
		return fail(e, "check the run directory is writable and the disk has room",
			    "%s: %s", path, strerror(errno));
	return 0;
}

/* @emit's output as one string. */
static char *render(void (*emit)(FILE *, const struct iod_run *),
		    const struct iod_run *run, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f) {
		fputs("iodirty-collect: out of memory\n", stderr);
		abort();
	}
	emit(f, run);
	fclose(f);
	return buf;
}

int iod_report(const char *dir, struct iod_report_err *e)
{
	struct iod_run run;
	char *json = NULL, *summary = NULL, *path = NULL;
	size_t jlen, slen;
	int rc = -1;

	if (iod_run_read(dir, &run, e))
		return -1;
	json = render(iod_results_json, &run, &jlen);
	summary = render(iod_summary_txt, &run, &slen);
	path = collect_xasprintf("%s/results.json", dir);
	if (write_file(path, json, jlen, e))
		goto out;
	free(path);
	path = collect_xasprintf("%s/summary.txt", dir);
	if (write_file(path, summary, slen, e))
		goto out;
	if (fwrite(summary, 1, slen, stdout) != slen || fflush(stdout)) {
		fail(e, "check where standard output goes", "writing the summary: %s",
		     strerror(errno ? errno : EIO));
		goto out;
	}
	rc = 0;
out:
	free(path);
	free(json);
	free(summary);
	iod_run_free(&run);
	return rc;
}
