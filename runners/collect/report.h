/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run report: every test point of every program of every flavour of a
 * run, classified, then written as RUN/results.json (results_json.h) and
 * RUN/summary.txt (summary_txt.h).
 *
 * RUN holds one directory per flavour, each as iod_split() wrote it (see
 * stream.h); a directory without a "programs" file is warned about and
 * skipped. Every program listed is judged in-process (judge.h) and its TAP
 * read as prove reads it (tap.h). A test point is:
 *
 *	skip	a SKIP directive; reason: its explanation
 *	todo	a TODO directive; reason: its explanation
 *	xfail	"ok ... # XFAIL why" (a "not ok" there is a fail, reason
 *		"failed with an XFAIL directive: why")
 *	xpass	"ok ... # XPASS why" (a "not ok" there is a fail)
 *	pass	any other "ok"
 *	fail	any other "not ok"; reason: the comments since the previous
 *		point that are not kselftest chatter, joined by "; ", else the
 *		text after its '#'. The judge's own points are split into case
 *		and reason: "kernel sentinel" + the splat's first line, "program
 *		timed out" + the program's status line, "program X (Y)" and
 *		"program X: Y" as X and Y.
 *
 * The case is the description up to its first unescaped '#' (without a
 * leading "- "), unescaped, or "(test N)" when empty. Reasons have their
 * whitespace runs made one space and are cut to 300 characters. A program
 * can also get:
 *
 *	(all)	skip	the plan skipped everything ("1..0 # SKIP why")
 *	(TAP)	fail	the judged TAP does not parse cleanly (the parse errors)
 *	(judge)	fail	the judge could not read the program's files
 *
 * and a flavour whose guest.status is not "done" gets lab/guest "guest
 * finished", a failure with the status as its reason. All text is UTF-8
 * (utf8.h).
 */
#ifndef IODIRTY_COLLECT_REPORT_H
#define IODIRTY_COLLECT_REPORT_H

#include <stddef.h>

#include "tap.h"

enum iod_status {
	IOD_PASS, IOD_FAIL, IOD_SKIP, IOD_XFAIL, IOD_XPASS, IOD_TODO,
	IOD_NSTATUS
};

/* "pass", "fail", ... as results.json has them. */
extern const char *const iod_status_name[IOD_NSTATUS];

struct iod_result {
	char *flavour, *suite, *program, *name, *reason;
	enum iod_status status;
};

struct iod_results {
	struct iod_result *v;
	size_t n;
};

struct iod_run {
	char **flavours;	/* sorted, as UTF-8 */
	char **guest;		/* each flavour's guest.status line */
	size_t nflavours;
	struct iod_results results;
};

/* An error, and what to do next. */
struct iod_report_err {
	char msg[1024];
	char next[512];
};

/*
 * Add the entries of one program's judged TAP (@len bytes at @tap) to @r;
 * @status_line is the first line of its .status file (raw bytes).
 */
void iod_report_tap(struct iod_results *r, const char *flavour,
		    const char *suite, const char *program, const char *tap,
		    size_t len, const char *status_line);

/* Add one entry; every string is copied (and must be UTF-8). */
void iod_results_add(struct iod_results *r, const char *flavour,
		     const char *suite, const char *program, const char *name,
		     enum iod_status status, const char *reason);

/* Read and classify the run directory @dir. Returns 0, or -1 and @e. */
int iod_run_read(const char *dir, struct iod_run *run, struct iod_report_err *e);
void iod_run_free(struct iod_run *run);

/*
 * The whole report: read @dir, write @dir/results.json and @dir/summary.txt,
 * print the summary to stdout. Returns 0, or -1 and @e.
 */
int iod_report(const char *dir, struct iod_report_err *e);

#endif /* IODIRTY_COLLECT_REPORT_H */
