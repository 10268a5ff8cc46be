// SPDX-License-Identifier: GPL-2.0
/* RUN/results.json (results_json.h). */
#include <stdbool.h>

#include "results_json.h"

void iod_json_string(FILE *f, const char *s)
{
	static const char esc[] = {
		['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f',
		['\r'] = 'r', ['"'] = '"', ['\\'] = '\\',
	};
	unsigned char c;

	fputc('"', f);
	for (; (c = (unsigned char)*s); s++) {
		if (c < sizeof(esc) && esc[c])
			fprintf(f, "\\%c", esc[c]);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void field(FILE *f, const char *key, const char *value, bool last)
{
	fprintf(f, "      \"%s\" : ", key);
	iod_json_string(f, value);
	fputs(last ? "\n" : ",\n", f);
}

void iod_results_json(FILE *f, const struct iod_run *run)
{
	const struct iod_results *r = &run->results;
	size_t i;

	if (!r->n) {
		fputs("[]\n", f);
		return;
	}
	fputs("[\n", f);
	for (i = 0; i < r->n; i++) {
		fputs("   {\n", f);
		field(f, "case", r->v[i].name, false);
		field(f, "flavour", r->v[i].flavour, false);
		field(f, "program", r->v[i].program, false);
		field(f, "reason", r->v[i].reason, false);
		field(f, "status", iod_status_name[r->v[i].status], false);
		field(f, "suite", r->v[i].suite, true);
		fputs(i + 1 < r->n ? "   },\n" : "   }\n", f);
	}
	fputs("]\n", f);
}
