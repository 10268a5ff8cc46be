/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a results.json (results_json.h writes it): a JSON array of flat
 * objects, one a case, with the string keys "flavour", "suite", "program",
 * "case", "status" and "reason". Other keys, and values that are not
 * strings, are skipped; "reason" may be missing (empty), the others may
 * not, and "status" must be one of iod_status_name[].
 */
#ifndef IODIRTY_COLLECT_COMPARE_JSON_H
#define IODIRTY_COLLECT_COMPARE_JSON_H

#include <stddef.h>

struct iod_cmp_rec {
	char *flavour, *suite, *program, *name, *status, *reason;
};

struct iod_cmp_recs {
	struct iod_cmp_rec *v;
	size_t n, cap;
};

/*
 * Parse @len bytes of @text into @out (appended). 0, or -1 with @err
 * saying where ("line N: expected ...") and what was wrong.
 */
int iod_cmp_parse(const char *text, size_t len, struct iod_cmp_recs *out,
		  char *err, size_t errlen);

void iod_cmp_recs_free(struct iod_cmp_recs *r);

#endif /* IODIRTY_COLLECT_COMPARE_JSON_H */
