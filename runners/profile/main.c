// SPDX-License-Identifier: GPL-2.0
/*
 * iodirty-profile: validate profiles on the host before a run, show what a
 * profile says for one kernel release, and print the schema.
 *   iodirty-profile check FILE... [--kernel REL] [--programs DIR]
 *	exit 1 with FILE:LINE: reason on the first bad one. With a release
 *	(--kernel, else $IODIRTY_KERNEL_RELEASE) also exit 1 if a profile's
 *	kernel.min is newer or kernel.max older: the profile does not apply
 *	to that kernel.
 *	With DIR, the suite programs under it (built for the lab; each lists
 *	its cases with -l): exit 1 naming FILE:LINE and the closest case id
 *	for every known_bug.* or lab_defect.* key that names no case, or if
 *	two programs define one fixture.
 *   iodirty-profile show FILE [--kernel REL]
 *	the resolved `key = value` lines for REL (default:
 *	$IODIRTY_KERNEL_RELEASE, else the running kernel), each with the line
 *	it comes from
 *   iodirty-profile schema
 *	the keys a profile may state
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "profile/profile.h"

static const char usage[] =
	"usage: iodirty-profile check FILE... [--kernel REL] [--programs DIR] | show FILE [--kernel REL] | schema | cases PROGRAM\n";

/*
 * The value of option @name ("--name V" or "--name=V") at argv[*i] into
 * *@val, stepping *@i past it: 1, 0 if argv[*i] is not @name, -1 on a
 * missing or repeated value.
 */
static int option(int argc, char **argv, int *i, const char *name,
		  const char **val)
{
	size_t l = strlen(name);

	if (strncmp(argv[*i], name, l) ||
	    (argv[*i][l] != '\0' && argv[*i][l] != '='))
		return 0;
	if (*val)
		return -1;
	if (argv[*i][l] == '=') {
		*val = argv[*i] + l + 1;
		return 1;
	}
	if (*i + 1 >= argc)
		return -1;
	*val = argv[++*i];
	return 1;
}

/*
 * Split @argv into files, the --kernel release and the --programs
 * directory (NULL @programs: not accepted). Returns the number of files
 * (moved to the front of @argv), or -1 on a usage error.
 */
static int parse_args(int argc, char **argv, const char **release,
		      const char **programs)
{
	int i, n = 0, rc;

	*release = NULL;
	if (programs)
		*programs = NULL;
	for (i = 0; i < argc; i++) {
		rc = option(argc, argv, &i, "--kernel", release);
		if (!rc && programs)
			rc = option(argc, argv, &i, "--programs", programs);
		if (rc < 0)
			return -1;
		if (rc > 0)
			continue;
		if (!strncmp(argv[i], "--", 2)) {
			return -1;
		} else {
			argv[n++] = argv[i];
		}
	}
	return n;
}

static int load(const char *file, const char *release, struct iod_profile **p)
{
	char err[1024];

	if (!iod_profile_load_for(file, release, p, err, sizeof(err)))
		return 0;
	fprintf(stderr, "iodirty-profile: error: %s\n"
		"iodirty-profile: next: fix what the error names; 'iodirty-profile schema' lists every key and value, profiles/README.md the format\n",
		err);
	return 1;
}

/*
 * Every known_bug.* and lab_defect.* key of @file (any kernel range) names
 * a case in @cases: 0, or 1 after one error per key that does not.
 */
static int check_case_keys(const char *file, const struct iod_cases *cases,
			   const char *programs)
{
	static const char *const prefixes[] = { "known_bug.", "lab_defect." };
	char line[4096], id[512];
	unsigned int lineno = 0, k;
	const char *p;
	int bad = 0;
	size_t l;
	FILE *f;

	f = fopen(file, "r");
	if (!f) {
		fprintf(stderr, "iodirty-profile: error: %s: cannot read\n",
			file);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		for (k = 0; k < 2; k++)
			if (!strncmp(p, prefixes[k], strlen(prefixes[k])))
				break;
		if (k == 2)
			continue;
		p += strlen(prefixes[k]);
		l = strcspn(p, " \t=@\n");
		snprintf(id, sizeof(id), "%.*s", (int)l, p);
		if (iod_cases_has(cases, id))
			continue;
		fprintf(stderr,
			"iodirty-profile: error: %s:%u: %s%s names no case of the programs under %s; the closest case id is %s\n",
			file, lineno, prefixes[k], id, programs,
			iod_cases_closest(cases, id));
		bad = 1;
	}
	fclose(f);
	if (bad)
		fprintf(stderr,
			"iodirty-profile: next: name the case as the TAP output does (fixture.variant.test, or fixture.test for every variant); 'PROGRAM -l' lists a program's fixtures, variants and tests\n");
	return bad;
}

static int check(int n, char **files, const char *release,
		 const char *programs)
{
	const char *env = getenv("IODIRTY_KERNEL_RELEASE");
	/* Judge kernel.min only against a release someone named. */
	int judge = release || (env && *env);
	struct iod_cases cases = { 0 };
	struct iod_profile *p;
	char err[1024];
	int i, bad = 0;

	if (programs && iod_cases_load(&cases, programs, err, sizeof(err))) {
		fprintf(stderr, "iodirty-profile: error: %s\n"
			"iodirty-profile: next: build the suite programs ('make') and name the directory holding them\n",
			err);
		iod_cases_free(&cases);
		return 1;
	}
	for (i = 0; i < n && !bad; i++) {
		if (load(files[i], release, &p))
			break;
		if (judge && !iod_profile_applies(p)) {
			const char *b = iod_profile_broken_bound(p);

			fprintf(stderr,
				"iodirty-profile: error: %s does not apply to kernel %s: its %s is %s\n"
				"iodirty-profile: next: run a kernel %s %s with this profile, or pick the profile of this kernel\n",
				files[i], iod_profile_kernel(p), b,
				iod_profile_str(p, b),
				strcmp(b, "kernel.min") ? "of at most" :
				"of at least", iod_profile_str(p, b));
			bad = 1;
		}
		iod_profile_free(p);
		if (!bad && programs)
			bad = check_case_keys(files[i], &cases, programs);
	}
	iod_cases_free(&cases);
	return bad || i < n;
}

static int show(const char *file, const char *release)
{
	struct iod_profile *p;

	if (load(file, release, &p))
		return 1;
	if (!iod_profile_applies(p))
		fprintf(stderr,
			"iodirty-profile: note: %s does not apply to kernel %s: its %s is %s\n",
			file, iod_profile_kernel(p),
			iod_profile_broken_bound(p),
			iod_profile_str(p, iod_profile_broken_bound(p)));
	iod_profile_show(p, stdout);
	iod_profile_free(p);
	return 0;
}

/* Every case @program runs, one id a line, in the order it runs them. */
static int cases(const char *program)
{
	struct iod_cases c = { 0 };
	char err[1024];
	size_t i;

	if (iod_cases_add_program(&c, program, err, sizeof(err))) {
		fprintf(stderr, "iodirty-profile: error: %s\n"
			"iodirty-profile: next: name a suite program (kselftest harness, answers -l)\n",
			err);
		iod_cases_free(&c);
		return 1;
	}
	for (i = 0; i < c.nruns; i++)
		printf("%s\n", c.runs[i]);
	iod_cases_free(&c);
	return 0;
}

int main(int argc, char **argv)
{
	const char *release, *programs;
	int n;

	if (argc == 2 && !strcmp(argv[1], "schema")) {
		iod_profile_schema_dump(stdout);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "check")) {
		n = parse_args(argc - 2, argv + 2, &release, &programs);
		if (n >= 1)
			return check(n, argv + 2, release, programs);
	}
	if (argc == 3 && !strcmp(argv[1], "cases"))
		return cases(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "show")) {
		n = parse_args(argc - 2, argv + 2, &release, NULL);
		if (n == 1)
			return show(argv[2], release);
	}
	fputs(usage, stderr);
	return 2;
}
