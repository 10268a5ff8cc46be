/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RUN/summary.txt, what the report prints:
 *
 *	== SUITE ==		per suite, in order of first appearance: a
 *	program case FLAVOUR...	table of (program, case) rows in order of
 *				first appearance, one column per flavour: ok,
 *				FAIL, SKIP, XFAIL, XPASS, TODO, "-" when not
 *				run; a case seen twice shows the worse
 *				(pass < skip < xfail < todo < xpass < fail)
 *	== counts ==		per flavour: how many of each status, and the
 *				guest's status
 *	== not passed ==	every entry that did not pass, "FLAVOUR
 *				SUITE/PROGRAM CASE: STATUS REASON"; four or more
 *				of one program with the same status and reason
 *				are one line, "N cases (first CASE)"; "(none)"
 *
 * Columns are padded to their widest cell (in characters) and two spaces
 * apart, lines carry no trailing whitespace, each table ends with an empty
 * line.
 */
#ifndef IODIRTY_COLLECT_SUMMARY_TXT_H
#define IODIRTY_COLLECT_SUMMARY_TXT_H

#include <stdio.h>

#include "report.h"

void iod_summary_txt(FILE *f, const struct iod_run *run);

#endif /* IODIRTY_COLLECT_SUMMARY_TXT_H */
