/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Read TAP the way prove reads it (Perl's TAP::Parser 3.44), for the report:
 * the test points and comments, the plan's skip-all reason and the parse
 * errors, with the same grammar (TAP 12, or 13 after "TAP version 13") and
 * the same state machine, so the report says what prove says.
 *
 * Test points: "ok"/"not ok", an optional number, a description, and a SKIP
 * or TODO directive after the first unescaped '#'; a number-less point gets
 * the running count. A 12 plan "1..N todo A B" makes points A and B TODO.
 * Comments are "#..." lines. Description, explanation and comment are
 * trimmed of ASCII whitespace; all strings are the bytes as read.
 *
 * Parse errors, in TAP::Parser's words: a TAP version that is not the first
 * line or not 13, more than one plan, a plan in the middle, points out of
 * sequence, no plan, a bad plan (planned != run), an unknown line under
 * "pragma +strict", and a TAP 13 YAML block ("  ---") without its "..."
 * (then reading stops there, as TAP::Parser stops). YAML contents are not
 * parsed.
 */
#ifndef IODIRTY_COLLECT_TAP_H
#define IODIRTY_COLLECT_TAP_H

#include <stdbool.h>
#include <stddef.h>

#include "text.h"

enum iod_tap_kind { IOD_TAP_TEST, IOD_TAP_COMMENT };

enum iod_tap_directive { IOD_TAP_NONE, IOD_TAP_SKIP, IOD_TAP_TODO };

struct iod_tap_event {
	enum iod_tap_kind kind;
	/* IOD_TAP_TEST */
	bool ok;
	unsigned long long number;
	char *desc;
	enum iod_tap_directive directive;
	char *explanation;
	/* IOD_TAP_COMMENT */
	char *comment;
};

struct iod_tap {
	struct iod_tap_event *ev;
	size_t nev;
	char *skip_all;			/* NULL: the plan skips nothing */
	struct collect_lines errors;
	bool cut_short;			/* reading stopped at a parse error */
};

/* Parse @len bytes of TAP at @buf into @t (zero it first). */
void iod_tap_parse(const char *buf, size_t len, struct iod_tap *t);
void iod_tap_free(struct iod_tap *t);

#endif /* IODIRTY_COLLECT_TAP_H */
