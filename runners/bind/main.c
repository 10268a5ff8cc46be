// SPDX-License-Identifier: GPL-2.0
/*
 * iodirty-bind: hand allow-listed PCI devices to vfio-pci and give them back.
 *
 *   iodirty-bind bind [--allow LIST] --state FILE [--settle MS] BDF [DRIVER]
 *   iodirty-bind restore --state FILE
 *   iodirty-bind cdev BDF
 *   iodirty-bind find VENDOR:DEVICE
 *   iodirty-bind guard BDF
 *   iodirty-bind reset --state FILE BDF
 *   iodirty-bind check BDF
 *
 * bind journals the device's original driver in the state file before it
 * writes anything to sysfs, so "restore" can give every device back after
 * any exit, including a crashed test. Before that, the storage guard
 * (runners/bind/disk_guard.h) refuses a device whose disks are mounted, swapped on,
 * held or open exclusively. After a program was killed, reset brings a
 * device of the journal back (runners/bind/pci_reset.h) and check proves a
 * program can bind it to an iommufd again. The sysfs root is $IODIRTY_SYSFS (default /sys)
 * for bind, cdev, find, guard, reset and check, proc and dev are $IODIRTY_PROC and
 * $IODIRTY_DEV (default /proc, /dev); restore uses the root recorded with
 * each binding.
 *
 * Errors print "iodirty-bind: error: ..." and "iodirty-bind: next: ..." and
 * exit 1; usage errors exit 2.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk_guard.h"
#include "pci_bind.h"
#include "pci_reset.h"

#define PROG "iodirty-bind"
#define MAX_BINDINGS 1024
#define MAX_FOUND 4096

static const char usage_text[] =
	"usage:\n"
	"  " PROG " bind [--allow LIST] --state FILE [--settle MS] BDF [DRIVER]\n"
	"      bind BDF to DRIVER (default vfio-pci), journal it in FILE and\n"
	"      print its VFIO cdev; LIST defaults to $IODIRTY_ALLOW\n"
	"  " PROG " restore --state FILE\n"
	"      give every device in FILE back to its original driver, newest\n"
	"      first, then remove FILE (a missing FILE is fine)\n"
	"  " PROG " cdev BDF\n"
	"      print the /dev/vfio/devices/vfioN of a vfio-pci bound device\n"
	"  " PROG " find VENDOR:DEVICE\n"
	"      print the BDF of each device with these hex ids, one a line\n"
	"  " PROG " guard BDF\n"
	"      list the block devices of BDF; exit 1 if any is mounted, used as\n"
	"      swap, held or open exclusively (bind refuses such a device)\n"
	"  " PROG " reset --state FILE BDF\n"
	"      reset BDF, a device FILE journals on vfio-pci that nobody holds:\n"
	"      VFIO_DEVICE_RESET, else unbind and probe vfio-pci again; print\n"
	"      what was done\n"
	"  " PROG " check BDF\n"
	"      open BDF's VFIO cdev, bind it to a new iommufd and attach it to a\n"
	"      fresh IOAS: exit 1, naming who holds it, if a program cannot\n"
	"      use it\n"
	"environment: IODIRTY_SYSFS (sysfs root, default /sys),\n"
	"             IODIRTY_PROC, IODIRTY_DEV (default /proc, /dev),\n"
	"             IODIRTY_ALLOW (allow list of BDFs when --allow is absent)\n";

static int error2(const char *what, const char *next)
{
	fprintf(stderr, PROG ": error: %s\n", what);
	fprintf(stderr, PROG ": next: %s\n", next);
	return 1;
}

/* A library message "WHAT; NEXT" split at its last "; ". */
static int error_lib(const char *err, const char *fallback_next)
{
	char buf[1024];
	char *sep, *p;

	snprintf(buf, sizeof(buf), "%s", err && *err ? err : "unknown failure");
	sep = NULL;
	for (p = strstr(buf, "; "); p; p = strstr(p + 1, "; "))
		sep = p;
	if (!sep)
		return error2(buf, fallback_next);
	*sep = '\0';
	return error2(buf, sep + 2);
}

static int __attribute__((format(printf, 1, 2))) usage_error(const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fprintf(stderr, PROG ": error: %s\n", what);
	fprintf(stderr, PROG ": next: run '" PROG " --help' for the usage\n");
	return 2;
}

static const char *sysfs_root(void)
{
	const char *s = getenv("IODIRTY_SYSFS");

	return s && *s ? s : "/sys";
}

static const char *env_root(const char *name)
{
	const char *s = getenv(name);

	return s && *s ? s : NULL;
}

static int journal(void *ctx, const struct iod_pci_binding *b)
{
	return iod_pci_binding_save(ctx, b);
}

static int cmd_bind(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "allow", required_argument, NULL, 'a' },
		{ "state", required_argument, NULL, 's' },
		{ "settle", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *allow = NULL, *state = NULL, *bdf, *driver = "vfio-pci";
	struct iod_pci_hooks hooks = { .recorded = journal };
	struct iod_pci_binding b;
	unsigned long settle = 0;
	char err[1024], canon[32], cdev[128];
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			allow = optarg;
			break;
		case 's':
			state = optarg;
			break;
		case 't':
			errno = 0;
			settle = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || !settle ||
			    settle > 600000)
				return usage_error("--settle wants milliseconds from 1 to 600000, not '%s'",
						   optarg);
			break;
		case ':':
			return usage_error("option %s needs a value",
					   argv[optind - 1]);
		default:
			return usage_error("bad option to bind: %s",
					   argv[optind - 1]);
		}
	}
	if (argc - optind < 1 || argc - optind > 2)
		return usage_error("bind wants BDF [DRIVER]");
	bdf = argv[optind];
	if (argc - optind == 2)
		driver = argv[optind + 1];
	if (!state || !*state)
		return usage_error("bind needs --state FILE, so the device can be restored");
	if (iod_bdf_parse(bdf, canon, sizeof(canon)))
		return usage_error("'%s' is not a PCI address (DDDD:BB:DD.F or BB:DD.F)",
				   bdf);
	if (!allow)
		allow = getenv("IODIRTY_ALLOW");

	hooks.ctx = (void *)state;
	hooks.proc_root = env_root("IODIRTY_PROC");
	hooks.dev_root = env_root("IODIRTY_DEV");
	if (iod_pci_bind_ex(sysfs_root(), canon, driver, allow, settle, &hooks,
			    &b, err, sizeof(err)))
		return error_lib(err, "check dmesg");
	if (!iod_pci_vfio_cdev(sysfs_root(), canon, cdev, sizeof(cdev)))
		printf("%s\n", cdev);
	return 0;
}

static int cmd_restore(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct iod_pci_binding *bs;
	const char *state = NULL;
	char what[1024], err[1024];
	int c, n, i, failed = 0;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == ':')
			return usage_error("option %s needs a value",
					   argv[optind - 1]);
		if (c != 's')
			return usage_error("bad option to restore: %s",
					   argv[optind - 1]);
		state = optarg;
	}
	if (optind != argc)
		return usage_error("restore takes no arguments besides --state FILE");
	if (!state || !*state)
		return usage_error("restore needs --state FILE");

	bs = calloc(MAX_BINDINGS, sizeof(*bs));
	if (!bs)
		return error2("out of memory", "retry");
	n = iod_pci_binding_load(state, bs, MAX_BINDINGS);
	if (n == -ENOENT) {
		free(bs);
		return 0;
	}
	if (n < 0) {
		snprintf(what, sizeof(what), "cannot read the state file %s (%s)",
			 state, strerror(-n));
		free(bs);
		return error2(what, "fix or inspect the file (key=value records), restore the devices it names by hand if needed, then remove it");
	}
	for (i = n - 1; i >= 0; i--) {
		if (!iod_pci_restore(&bs[i], err, sizeof(err)))
			continue;
		failed++;
		error_lib(err, "check dmesg");
	}
	free(bs);
	if (failed) {
		snprintf(what, sizeof(what), "%d of %d devices in %s were not restored; the state file is kept",
			 failed, n, state);
		return error2(what, "fix the causes above and run '" PROG " restore' again");
	}
	if (unlink(state) && errno != ENOENT) {
		snprintf(what, sizeof(what), "all devices were restored but removing %s failed (%s)",
			 state, strerror(errno));
		return error2(what, "remove the file by hand; restoring again is harmless");
	}
	return 0;
}

static int cmd_cdev(int argc, char **argv)
{
	char canon[32], path[128], what[512];
	const char *root = sysfs_root();
	int rc;

	if (argc != 2)
		return usage_error("cdev wants exactly one BDF");
	if (iod_bdf_parse(argv[1], canon, sizeof(canon)))
		return usage_error("'%s' is not a PCI address (DDDD:BB:DD.F or BB:DD.F)",
				   argv[1]);
	rc = iod_pci_vfio_cdev(root, canon, path, sizeof(path));
	if (!rc) {
		printf("%s\n", path);
		return 0;
	}
	if (rc == -ENODEV) {
		snprintf(what, sizeof(what), "there is no PCI device %s under %s/bus/pci/devices",
			 canon, root);
		return error2(what, "check the address with lspci -D");
	}
	if (rc == -ENOENT) {
		snprintf(what, sizeof(what), "%s has no VFIO cdev (no %s/bus/pci/devices/%s/vfio-dev)",
			 canon, root, canon);
		return error2(what, "bind it first with '" PROG " bind'; the kernel needs CONFIG_VFIO_DEVICE_CDEV=y");
	}
	snprintf(what, sizeof(what), "looking up the VFIO cdev of %s failed (%s)",
		 canon, strerror(-rc));
	return error2(what, "check that sysfs is mounted at the root given by IODIRTY_SYSFS (default /sys)");
}

static int parse_id(const char *s, size_t n, unsigned int *v)
{
	size_t i;

	if (!n || n > 4)
		return -1;
	*v = 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			*v = *v * 16 + (c - '0');
		else if (c >= 'a' && c <= 'f')
			*v = *v * 16 + (c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v = *v * 16 + (c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

static int cmd_find(int argc, char **argv)
{
	const char *root = sysfs_root();
	unsigned int vendor, device;
	char (*found)[32];
	char what[512];
	const char *colon;
	int n, i;

	if (argc != 2)
		return usage_error("find wants exactly one VENDOR:DEVICE");
	colon = strchr(argv[1], ':');
	if (!colon || parse_id(argv[1], colon - argv[1], &vendor) ||
	    parse_id(colon + 1, strlen(colon + 1), &device))
		return usage_error("'%s' is not VENDOR:DEVICE in hex (e.g. 1234:11e8)",
				   argv[1]);
	found = calloc(MAX_FOUND, sizeof(*found));
	if (!found)
		return error2("out of memory", "retry");
	n = iod_pci_find(root, vendor, device, found, MAX_FOUND);
	if (n < 0) {
		snprintf(what, sizeof(what), "listing %s/bus/pci/devices failed (%s)",
			 root, strerror(-n));
		free(found);
		return error2(what, "check that sysfs is mounted at the root given by IODIRTY_SYSFS (default /sys)");
	}
	if (!n) {
		snprintf(what, sizeof(what), "no PCI device has ids %04x:%04x under %s/bus/pci/devices",
			 vendor, device, root);
		free(found);
		return error2(what, "check the ids with lspci -nn, and that the device is attached to this machine");
	}
	for (i = 0; i < n && i < MAX_FOUND; i++)
		printf("%s\n", found[i]);
	free(found);
	return 0;
}

static int cmd_guard(int argc, char **argv)
{
	struct iod_disk_roots roots = {
		.sysfs = sysfs_root(),
		.proc = env_root("IODIRTY_PROC"),
		.dev = env_root("IODIRTY_DEV"),
	};
	char canon[32], err[1024], (*names)[IOD_DISK_NAME_MAX];
	int n, i, rc;

	if (argc != 2)
		return usage_error("guard wants exactly one BDF");
	if (iod_bdf_parse(argv[1], canon, sizeof(canon)))
		return usage_error("'%s' is not a PCI address (DDDD:BB:DD.F or BB:DD.F)",
				   argv[1]);
	names = calloc(MAX_FOUND, sizeof(*names));
	if (!names)
		return error2("out of memory", "retry");
	n = iod_disk_list(&roots, canon, names, MAX_FOUND);
	for (i = 0; i < n && i < MAX_FOUND; i++)
		printf("%s\n", names[i]);
	free(names);
	rc = iod_disk_guard(&roots, canon, err, sizeof(err));
	if (rc)
		return error_lib(err, "check the device");
	return 0;
}

/* Is bdf journalled in state as bound to vfio-pci by this run? */
static int journalled(const char *state, const char *bdf)
{
	struct iod_pci_binding *bs = calloc(MAX_BINDINGS, sizeof(*bs));
	int n, i, found = 0;

	if (!bs)
		return 0;
	n = iod_pci_binding_load(state, bs, MAX_BINDINGS);
	for (i = 0; i < n; i++)
		found |= !strcmp(bs[i].bdf, bdf) &&
			 !strcmp(bs[i].driver, "vfio-pci");
	free(bs);
	return found;
}

static int cmd_reset(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *state = NULL;
	char canon[32], how[256], err[1024], what[512];
	int c;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == ':')
			return usage_error("option %s needs a value",
					   argv[optind - 1]);
		if (c != 's')
			return usage_error("bad option to reset: %s",
					   argv[optind - 1]);
		state = optarg;
	}
	if (argc - optind != 1)
		return usage_error("reset wants exactly one BDF");
	if (!state || !*state)
		return usage_error("reset needs --state FILE: only a device this run bound is reset");
	if (iod_bdf_parse(argv[optind], canon, sizeof(canon)))
		return usage_error("'%s' is not a PCI address (DDDD:BB:DD.F or BB:DD.F)",
				   argv[optind]);
	if (!journalled(state, canon)) {
		snprintf(what, sizeof(what), "%s is not journalled in %s as bound to vfio-pci: it is not this run's to reset",
			 canon, state);
		return error2(what, "bind it with '" PROG " bind --state FILE' first");
	}
	if (iod_pci_reset(sysfs_root(), env_root("IODIRTY_PROC"), canon, how,
			  sizeof(how), err, sizeof(err)))
		return error_lib(err, "check dmesg");
	printf("%s: %s\n", canon, how);
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	char canon[32], err[1024];

	if (argc != 2)
		return usage_error("check wants exactly one BDF");
	if (iod_bdf_parse(argv[1], canon, sizeof(canon)))
		return usage_error("'%s' is not a PCI address (DDDD:BB:DD.F or BB:DD.F)",
				   argv[1]);
	if (iod_pci_check(sysfs_root(), env_root("IODIRTY_PROC"), canon, err,
			  sizeof(err)))
		return error_lib(err, "check dmesg");
	printf("%s: bound to an iommufd and attached to a fresh IOAS\n", canon);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	opterr = 0;
	if (!cmd)
		return usage_error("no command given");
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(cmd, "bind"))
		return cmd_bind(argc - 1, argv + 1);
	if (!strcmp(cmd, "restore"))
		return cmd_restore(argc - 1, argv + 1);
	if (!strcmp(cmd, "cdev"))
		return cmd_cdev(argc - 1, argv + 1);
	if (!strcmp(cmd, "find"))
		return cmd_find(argc - 1, argv + 1);
	if (!strcmp(cmd, "guard"))
		return cmd_guard(argc - 1, argv + 1);
	if (!strcmp(cmd, "reset"))
		return cmd_reset(argc - 1, argv + 1);
	if (!strcmp(cmd, "check"))
		return cmd_check(argc - 1, argv + 1);
	return usage_error("unknown command '%s'", cmd);
}
