/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The case ids suite programs define, read from their kselftest listing
 * (`PROGRAM -l`), for checking that a profile's known_bug.* and
 * lab_defect.* keys name cases that exist.
 *
 * A case id is what the harness prints in TAP: "fixture.variant.test", or
 * "fixture.test" for a fixture without variants. For a fixture with
 * variants, "fixture.test" names the test in every variant and is a valid
 * key too. A fixture name must belong to one program only, or its keys
 * would be ambiguous. A program that runs once per engine also accepts
 * "<id>.<device>" for every device an engine drives: an entry for that
 * device's runs only.
 */
#ifndef IODIRTY_PROFILE_CASES_H
#define IODIRTY_PROFILE_CASES_H

#include <stdbool.h>
#include <stddef.h>

struct iod_cases {
	char **ids;		/* every id a key may name */
	size_t n, cap;
	char **runs;		/* the cases a program runs, in its order */
	size_t nruns, capruns;
	char **fixtures;	/* "fixture\tprogram" per fixture with tests */
	size_t nfix, capfix;
};

/*
 * Add the cases of @program from its `-l` output @text. Returns 0, or -1
 * with the reason in @err (a fixture another program already defines, or
 * out of memory).
 */
int iod_cases_parse_list(struct iod_cases *c, const char *program,
			 const char *text, char *err, size_t errlen);

/*
 * Run @program with -l and add its cases. Returns 0, or -1 with the reason
 * in @err.
 */
int iod_cases_add_program(struct iod_cases *c, const char *program,
			  char *err, size_t errlen);

/*
 * For a program that runs once per engine: add "<id>.<device>" for every
 * id added since index @from and every device of @devices (its
 * `--engine-devices` output, one a line). Returns 0, or -1 with @err.
 */
int iod_cases_add_devices(struct iod_cases *c, size_t from,
			  const char *devices, char *err, size_t errlen);

/*
 * Run every executable file under @dir with -l and add its cases (and,
 * for a program that runs once per engine, those keyed to a device).
 * Returns 0, or -1 with the reason in @err.
 */
int iod_cases_load(struct iod_cases *c, const char *dir, char *err,
		   size_t errlen);

/* Is @id a case id (or fixture.test of a fixture with variants)? */
bool iod_cases_has(const struct iod_cases *c, const char *id);

/* The id closest to @id by edit distance, or NULL if there is none. */
const char *iod_cases_closest(const struct iod_cases *c, const char *id);

void iod_cases_free(struct iod_cases *c);

#endif
