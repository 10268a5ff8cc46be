/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iodirty-collect compare RUN_A RUN_B: what changed between two runs'
 * results.json (compare_json.h reads them). A case is keyed by flavour,
 * suite/program and case; --flavour A=B pairs flavour A of RUN_A with
 * flavour B of RUN_B. Each case that differs falls in one class:
 *
 *	new failure	fail in B, anything else (or absent) in A
 *	new skip	pass in A, skip in B
 *	disappeared	in A, not in B
 *	fix		fail in A, pass in B
 *	other change	any other status change
 *	appeared	not in A, in B (and not failing)
 *
 * New failures, new skips and disappeared cases are regressions.
 */
#ifndef IODIRTY_COLLECT_COMPARE_H
#define IODIRTY_COLLECT_COMPARE_H

#include <stdbool.h>
#include <stdio.h>

#include "compare_json.h"

enum iod_cmp_class {
	IOD_CMP_NEW_FAILURE, IOD_CMP_NEW_SKIP, IOD_CMP_DISAPPEARED,
	IOD_CMP_FIX, IOD_CMP_OTHER, IOD_CMP_APPEARED,
	IOD_CMP_NCLASS
};

/* One pairing of --flavour A=B. */
struct iod_cmp_flavour_map {
	const char *a, *b;
};

/* A case that differs; its strings point into the runs' records. */
struct iod_cmp_change {
	enum iod_cmp_class cls;
	const struct iod_cmp_rec *a, *b;	/* NULL: absent on that side */
	const char *flavour_a, *flavour_b;	/* the flavours compared */
};

struct iod_cmp_diff {
	struct iod_cmp_change *v;
	size_t n;
	size_t count[IOD_CMP_NCLASS];
	size_t same;	/* cases in both runs with the same status */
};

/*
 * Diff @a and @b. With @nmap pairings only those flavours are compared,
 * each flavour of @b named by the pairing's A side. -1 with @err on a
 * case listed twice in one run or a paired flavour a run does not have.
 */
int iod_cmp_diff(const struct iod_cmp_recs *a, const struct iod_cmp_recs *b,
		 const struct iod_cmp_flavour_map *map, size_t nmap,
		 struct iod_cmp_diff *d, char *err, size_t errlen);

void iod_cmp_diff_free(struct iod_cmp_diff *d);

bool iod_cmp_regressed(const struct iod_cmp_diff *d);

/* The diff as text (grouped, counted) or as JSON. */
void iod_cmp_print_text(FILE *f, const struct iod_cmp_diff *d,
			const char *name_a, const char *name_b);
void iod_cmp_print_json(FILE *f, const struct iod_cmp_diff *d,
			const char *name_a, const char *name_b);

/*
 * The subcommand: argv[0] is "compare". Exit status: 0 nothing regressed,
 * 1 something regressed, 2 bad arguments or a missing or malformed
 * results.json (said on @err with what to do next).
 */
int iod_compare_cmd(int argc, char **argv, FILE *out, FILE *err);

#endif /* IODIRTY_COLLECT_COMPARE_H */
