// SPDX-License-Identifier: GPL-2.0
/*
 * iodirty-profile: validate profiles on the host before a run, and print
 * the schema.
 *   iodirty-profile check FILE...   exit 1 with FILE:LINE: reason on the first bad one
 *   iodirty-profile schema          the keys a profile may state
 */
#include <stdio.h>
#include <string.h>

#include "profile.h"

static int check(int n, char **files)
{
	struct iod_profile *p;
	char err[512];
	int i;

	for (i = 0; i < n; i++) {
		if (iod_profile_load(files[i], &p, err, sizeof(err))) {
			fprintf(stderr, "iodirty-profile: error: %s\n"
				"iodirty-profile: next: fix the profile; 'iodirty-profile schema' lists every key and value\n",
				err);
			return 1;
		}
		iod_profile_free(p);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "check"))
		return check(argc - 2, argv + 2);
	if (argc == 2 && !strcmp(argv[1], "schema")) {
		iod_profile_schema_dump(stdout);
		return 0;
	}
	fprintf(stderr, "usage: iodirty-profile check FILE... | schema\n");
	return 2;
}
