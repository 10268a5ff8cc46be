/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RUN/results.json: an array with one object per entry of the run (see
 * report.h), keys sorted, {"case", "flavour", "program", "reason", "status",
 * "suite"}, laid out like Perl's JSON::PP canonical pretty output (three
 * spaces a level, " : " between key and value, "[]" when empty).
 */
#ifndef IODIRTY_COLLECT_RESULTS_JSON_H
#define IODIRTY_COLLECT_RESULTS_JSON_H

#include <stdio.h>

#include "report.h"

/*
 * @s (valid UTF-8) as a JSON string: '"', '\\' and the control characters
 * escaped (\b \t \n \f \r, else \u00XX), everything else as it is.
 */
void iod_json_string(FILE *f, const char *s);

void iod_results_json(FILE *f, const struct iod_run *run);

#endif /* IODIRTY_COLLECT_RESULTS_JSON_H */
