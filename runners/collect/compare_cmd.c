// SPDX-License-Identifier: GPL-2.0
/* iodirty-collect compare: options, reading both runs, exit status (compare.h). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compare.h"

#define MAX_FLAVOUR_MAPS 64

static const char usage[] =
	"usage: iodirty-collect compare [--flavour A=B]... [--json] RUN_A RUN_B\n"
	"  RUN_x is a run directory holding results.json, or a results.json\n"
	"  --flavour A=B  compare flavour A of RUN_A with flavour B of RUN_B\n"
	"                 (repeatable; then only the paired flavours)\n"
	"  --json         the diff as JSON\n"
	"exit: 0 nothing regressed, 1 a new failure, a pass that became a skip\n"
	"      or a case that disappeared, 2 bad input\n";

static const char next_bad_file[] =
	"give a run directory that holds results.json (make lab and iodirty run "
	"write one), or the path of a results.json; "
	"'iodirty-collect report RUN_DIR' writes it again from the run's TAP";

/* Read @arg's results.json into @recs; its path in @path. 2 on failure. */
static int load(const char *arg, char *path, size_t pathlen,
		struct iod_cmp_recs *recs, FILE *err)
{
	struct stat st;
	char msg[512];
	char *text = NULL;
	size_t len = 0, cap = 0, got;
	FILE *f;

	if (!stat(arg, &st) && S_ISDIR(st.st_mode))
		snprintf(path, pathlen, "%s%sresults.json", arg,
			 arg[strlen(arg) - 1] == '/' ? "" : "/");
	else
		snprintf(path, pathlen, "%s", arg);
	f = fopen(path, "r");
	if (!f) {
		fprintf(err, "iodirty: error: cannot read %s: %s\niodirty: next: %s\n",
			path, strerror(errno), next_bad_file);
		return 2;
	}
	do {
		if (len + 4096 > cap) {
			char *t = realloc(text, cap = 2 * cap + 65536);

			if (!t) {
				free(text);
				fclose(f);
				fprintf(err, "iodirty: error: %s: out of memory\n", path);
				return 2;
			}
			text = t;
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
	} while (got);
	if (ferror(f)) {
		fprintf(err, "iodirty: error: cannot read %s: %s\niodirty: next: %s\n",
			path, strerror(errno), next_bad_file);
		free(text);
		fclose(f);
		return 2;
	}
	fclose(f);
	if (iod_cmp_parse(text ? text : "", len, recs, msg, sizeof(msg))) {
		fprintf(err, "iodirty: error: %s is not a results.json: %s\niodirty: next: %s\n",
			path, msg, next_bad_file);
		free(text);
		return 2;
	}
	free(text);
	return 0;
}

static int parse_map(char *arg, struct iod_cmp_flavour_map *m)
{
	char *eq = strchr(arg, '=');

	if (!eq || eq == arg || !eq[1] || strchr(eq + 1, '='))
		return -1;
	*eq = 0;
	m->a = arg;
	m->b = eq + 1;
	return 0;
}

int iod_compare_cmd(int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option opts[] = {
		{ "flavour", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct iod_cmp_flavour_map map[MAX_FLAVOUR_MAPS];
	struct iod_cmp_recs a = { 0 }, b = { 0 };
	struct iod_cmp_diff d;
	char path_a[4096], path_b[4096], msg[512];
	size_t nmap = 0;
	bool json = false;
	int c, rc;

	optind = 0;	/* glibc: 0 also resets its state between calls */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (nmap == MAX_FLAVOUR_MAPS) {
				fprintf(err, "iodirty: error: more than %d --flavour pairings\n",
					MAX_FLAVOUR_MAPS);
				return 2;
			}
			if (parse_map(optarg, &map[nmap])) {
				fprintf(err, "iodirty: error: --flavour takes A=B (flavour A of RUN_A, B of RUN_B), not '%s'\n%s",
					optarg, usage);
				return 2;
			}
			nmap++;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(usage, out);
			return 0;
		default:
			fprintf(err, "iodirty: error: unknown or incomplete option '%s'\n%s",
				argv[optind - 1], usage);
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(err, "iodirty: error: compare takes two runs, RUN_A and RUN_B\n%s",
			usage);
		return 2;
	}
	rc = load(argv[optind], path_a, sizeof(path_a), &a, err);
	if (!rc)
		rc = load(argv[optind + 1], path_b, sizeof(path_b), &b, err);
	if (!rc && iod_cmp_diff(&a, &b, map, nmap, &d, msg, sizeof(msg))) {
		fprintf(err, "iodirty: error: %s\niodirty: next: %s\n", msg,
			"name flavours each run has (--flavour A=B: A of RUN_A, B of RUN_B); "
			"a case listed twice: write results.json again with 'iodirty-collect report RUN_DIR'");
		rc = 2;
	} else if (!rc) {
		if (json)
			iod_cmp_print_json(out, &d, path_a, path_b);
		else
			iod_cmp_print_text(out, &d, path_a, path_b);
		rc = iod_cmp_regressed(&d) ? 1 : 0;
		iod_cmp_diff_free(&d);
	}
	iod_cmp_recs_free(&a);
	iod_cmp_recs_free(&b);
	return rc;
}
