/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The judge: turn one program's files, as iod_split() wrote them (see
 * stream.h), into the TAP that prove reads.
 *
 * iod_judge() prints FILE.tap and appends failing test points for what the
 * TAP itself cannot show (see judge.c for the exact rules):
 *
 *	not ok K kernel sentinel: FIRST EXCERPT LINE	(FILE.sentinel exists)
 *	not ok K program did not finish (...)		(status "incomplete")
 *	not ok K program timed out			(rc=124 or rc=137)
 *	not ok K program killed by a signal (rc=N: NAME) (other rc > 128)
 *	not ok K program failed without a failing test (rc=N)
 *	not ok K program has no status file
 *
 * and rewrites the plan so the count stays consistent. An empty TAP (no plan,
 * no test point) becomes "1..1", "not ok 1 program printed no TAP (STATUS)",
 * plus the sentinel point when there is one.
 */
#ifndef IODIRTY_JUDGE_H
#define IODIRTY_JUDGE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Print the judged TAP of @tap_path ("DIR/SUITE/PROGRAM.tap") to @out.
 * Returns 0, or -1 with a message in @err.
 */
int iod_judge(const char *tap_path, FILE *out, char *err, size_t errlen);

#endif /* IODIRTY_JUDGE_H */
