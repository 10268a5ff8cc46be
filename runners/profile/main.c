// SPDX-License-Identifier: GPL-2.0
/*
 * iodirty-profile: validate profiles on the host before a run, show what a
 * profile says for one kernel release, and print the schema.
 *   iodirty-profile check FILE... [--kernel REL]
 *	exit 1 with FILE:LINE: reason on the first bad one. With a release
 *	(--kernel, else $IODIRTY_KERNEL_RELEASE) also exit 1 if a profile's
 *	kernel.min is newer: the profile does not apply to that kernel.
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

#include "profile/profile.h"

static const char usage[] =
	"usage: iodirty-profile check FILE... [--kernel REL] | show FILE [--kernel REL] | schema\n";

/*
 * Split @argv into files and the --kernel release. Returns the number of
 * files (moved to the front of @argv), or -1 on a usage error.
 */
static int parse_args(int argc, char **argv, const char **release)
{
	int i, n = 0;

	*release = NULL;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--kernel")) {
			if (i + 1 >= argc || *release)
				return -1;
			*release = argv[++i];
		} else if (!strncmp(argv[i], "--kernel=", 9)) {
			if (*release)
				return -1;
			*release = argv[i] + 9;
		} else if (!strncmp(argv[i], "--", 2)) {
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

static int check(int n, char **files, const char *release)
{
	const char *env = getenv("IODIRTY_KERNEL_RELEASE");
	/* Judge kernel.min only against a release someone named. */
	int judge = release || (env && *env);
	struct iod_profile *p;
	int i;

	for (i = 0; i < n; i++) {
		if (load(files[i], release, &p))
			return 1;
		if (judge && !iod_profile_applies(p)) {
			fprintf(stderr,
				"iodirty-profile: error: %s does not apply to kernel %s: its kernel.min is %s\n"
				"iodirty-profile: next: run a kernel of at least %s with this profile, or pick the profile of this kernel\n",
				files[i], iod_profile_kernel(p),
				iod_profile_str(p, "kernel.min"),
				iod_profile_str(p, "kernel.min"));
			iod_profile_free(p);
			return 1;
		}
		iod_profile_free(p);
	}
	return 0;
}

static int show(const char *file, const char *release)
{
	struct iod_profile *p;

	if (load(file, release, &p))
		return 1;
	if (!iod_profile_applies(p))
		fprintf(stderr,
			"iodirty-profile: note: %s does not apply to kernel %s: its kernel.min is %s\n",
			file, iod_profile_kernel(p),
			iod_profile_str(p, "kernel.min"));
	iod_profile_show(p, stdout);
	iod_profile_free(p);
	return 0;
}

int main(int argc, char **argv)
{
	const char *release;
	int n;

	if (argc == 2 && !strcmp(argv[1], "schema")) {
		iod_profile_schema_dump(stdout);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "check")) {
		n = parse_args(argc - 2, argv + 2, &release);
		if (n >= 1)
			return check(n, argv + 2, release);
	}
	if (argc >= 3 && !strcmp(argv[1], "show")) {
		n = parse_args(argc - 2, argv + 2, &release);
		if (n == 1)
			return show(argv[2], release);
	}
	fputs(usage, stderr);
	return 2;
}
