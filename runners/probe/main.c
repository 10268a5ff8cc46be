// SPDX-License-Identifier: GPL-2.0
/*
 * iodirty-probe: which IOMMU this machine has and which profile describes
 * it (detect); whether everything a run needs is in place (doctor). The
 * iodirty entry point runs it as `iodirty detect` and `iodirty doctor`.
 *
 *   iodirty-probe detect [--devices NAME@BDF,...] [--profiles DIR]
 *                        [--profile-name | --json]
 *   iodirty-probe doctor [--devices NAME@BDF,...] [--scratch NAME@BDF,...]
 *                        [--profile NAME] [--profiles DIR] [--only devices]
 *
 * Both take --root DIR (or $IODIRTY_SYSROOT): read DIR/sys, DIR/proc,
 * DIR/dev and DIR/boot instead of the machine's, for tests. The profiles
 * are --profiles DIR, else $IODIRTY_PROFILES, else ../profiles next to the
 * program. detect exits 1 when no single profile matches; doctor exits 1
 * when any check FAILs. Errors: "iodirty: error: ..." and
 * "iodirty: next: ..."; usage errors exit 2.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "probe.h"

static const char usage_text[] =
	"usage:\n"
	"  iodirty-probe detect [--devices NAME@BDF,...] [--profiles DIR]\n"
	"                       [--profile-name | --json] [--root DIR]\n"
	"      the IOMMU, its dirty-tracking capability, the kernel config and\n"
	"      the profile that describes this machine (--profile-name: only\n"
	"      its name)\n"
	"  iodirty-probe doctor [--devices NAME@BDF,...] [--scratch NAME@BDF,...]\n"
	"                       [--profile NAME] [--profiles DIR] [--only devices]\n"
	"                       [--root DIR]\n"
	"      every prerequisite of a run, one ok|warn|FAIL line each with a\n"
	"      fix; exit 1 if any FAILs (--only devices: the device checks)\n"
	"environment: IODIRTY_SYSROOT (root of sys/proc/dev/boot, default /),\n"
	"             IODIRTY_PROFILES (the profiles directory)\n";

struct args {
	const char *devices, *scratch, *profiles, *profile, *root, *only;
	bool name_only, json;
};

static int error2(int rc, const char *next, const char *fmt, ...)
{
	va_list ap;

	fputs("iodirty: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\niodirty: next: %s\n", next);
	return rc;
}

/* A library message "WHAT; NEXT" split at its last "; ". */
static int error_split(int rc, char *msg)
{
	char *sep = NULL, *p;

	for (p = strstr(msg, "; "); p; p = strstr(p + 1, "; "))
		sep = p;
	if (!sep)
		return error2(rc, "see iodirty-probe --help", "%s", msg);
	*sep = '\0';
	return error2(rc, sep + 2, "%s", msg);
}

/* --name VALUE or --name=VALUE at argv[*i]: 1 taken, 0 not it, -1 bad. */
static int value_opt(int argc, char **argv, int *i, const char *name,
		     const char **val)
{
	size_t l = strlen(name);

	if (strncmp(argv[*i], name, l) || (argv[*i][l] && argv[*i][l] != '='))
		return 0;
	if (*val)
		return -1;
	if (argv[*i][l] == '=')
		*val = argv[*i] + l + 1;
	else if (*i + 1 < argc)
		*val = argv[++*i];
	else
		return -1;
	return 1;
}

static int parse(int argc, char **argv, bool doctor, struct args *a)
{
	int i, rc;

	memset(a, 0, sizeof(*a));
	for (i = 2; i < argc; i++) {
		rc = value_opt(argc, argv, &i, "--devices", &a->devices);
		if (!rc)
			rc = value_opt(argc, argv, &i, "--profiles", &a->profiles);
		if (!rc)
			rc = value_opt(argc, argv, &i, "--root", &a->root);
		if (!rc && doctor)
			rc = value_opt(argc, argv, &i, "--scratch", &a->scratch);
		if (!rc && doctor)
			rc = value_opt(argc, argv, &i, "--profile", &a->profile);
		if (!rc && doctor)
			rc = value_opt(argc, argv, &i, "--only", &a->only);
		if (rc < 0)
			return error2(2, "run 'iodirty-probe --help' for the usage",
				      "option %s needs one value", argv[i]);
		if (rc)
			continue;
		if (!doctor && !strcmp(argv[i], "--profile-name"))
			a->name_only = true;
		else if (!doctor && !strcmp(argv[i], "--json"))
			a->json = true;
		else
			return error2(2, "run 'iodirty-probe --help' for the usage",
				      "unknown argument '%s' to %s", argv[i], argv[1]);
	}
	if (a->name_only && a->json)
		return error2(2, "pick one of them", "--profile-name and --json exclude each other");
	if (a->only && strcmp(a->only, "devices"))
		return error2(2, "say --only devices", "--only takes 'devices', not '%s'",
			      a->only);
	if (!a->root)
		a->root = getenv("IODIRTY_SYSROOT");
	probe_set_root(a->root);
	return 0;
}

static int devices(const struct args *a, struct probe_dev *devs, int *n)
{
	char err[256];

	*n = 0;
	if (probe_devs_parse(a->devices, false, devs, n, err, sizeof(err)) ||
	    probe_devs_parse(a->scratch, true, devs, n, err, sizeof(err)))
		return error2(2, "name devices as NAME@BDF,NAME@BDF (lspci -D gives the addresses)",
			      "%s", err);
	return 0;
}

static const char *profiles_dir(const struct args *a, char *buf, size_t len)
{
	const char *d = probe_profiles_dir(a->profiles, buf, len);

	if (!d)
		error2(2, "pass --profiles DIR (the profiles/ directory of iodirty) or set IODIRTY_PROFILES",
		       "cannot find the profiles directory next to the program");
	return d;
}

static int cmd_detect(const struct args *a)
{
	struct probe_dev devs[PROBE_MAX_DEVS];
	struct probe_facts *f;
	struct probe_pick pk;
	struct probe_kv *kv;
	char buf[PATH_MAX];
	const char *dir;
	int n, rc;

	if (devices(a, devs, &n))
		return 2;
	dir = profiles_dir(a, buf, sizeof(buf));
	if (!dir)
		return 2;
	f = calloc(1, sizeof(*f));
	kv = probe_kv_new();
	if (!f || !kv) {
		free(f);
		probe_kv_free(kv);
		return error2(1, "retry", "out of memory");
	}
	probe_facts_gather(f, devs, n);
	rc = probe_pick(dir, f, &pk);
	if (a->name_only) {
		if (!rc)
			printf("%s\n", pk.name);
	} else {
		probe_facts_report(f, kv);
		probe_kv_add(kv, "profile", "%s", rc ? "none" : pk.name);
		if (!rc)
			probe_kv_add(kv, "profile.path", "%s", pk.path);
		probe_kv_print(kv, a->json, stdout);
		fflush(stdout);
	}
	if (rc)
		error_split(1, pk.err);
	probe_kv_free(kv);
	free(f);
	return rc ? 1 : 0;
}

static int cmd_doctor(const struct args *a)
{
	struct probe_doctor_opts o = { .profile = a->profile,
				       .only_devices = a->only != NULL };
	struct probe_dev devs[PROBE_MAX_DEVS];
	char buf[PATH_MAX], path[PATH_MAX];
	struct stat st;
	int n;

	if (devices(a, devs, &n))
		return 2;
	if (o.only_devices && !n)
		return error2(2, "name them with --devices NAME@BDF,...",
			      "--only devices without any device to check");
	if (!o.only_devices) {
		o.profiles = profiles_dir(a, buf, sizeof(buf));
		if (!o.profiles)
			return 2;
	}
	if (a->profile && o.profiles &&
	    (strchr(a->profile, '/') ||
	     snprintf(path, sizeof(path), "%s/%s.profile", o.profiles,
		      a->profile) >= (int)sizeof(path) || stat(path, &st)))
		return error2(2, "name one of the files in that directory, without .profile",
			      "unknown profile '%s': there is no %s/%s.profile",
			      a->profile, o.profiles, a->profile);
	return probe_doctor(&o, devs, n, stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	struct args a;

	if (!cmd)
		return error2(2, "run 'iodirty-probe --help' for the usage",
			      "no command given (detect or doctor)");
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(cmd, "detect"))
		return parse(argc, argv, false, &a) ?: cmd_detect(&a);
	if (!strcmp(cmd, "doctor"))
		return parse(argc, argv, true, &a) ?: cmd_doctor(&a);
	return error2(2, "run 'iodirty-probe --help' for the usage",
		      "unknown command '%s' (detect or doctor)", cmd);
}
