// SPDX-License-Identifier: GPL-2.0
/*
 * iodirty-probe doctor: every prerequisite of a run, one line each
 * ("ok|warn|FAIL what", then "  fix: ..." for what is not ok). A FAIL is
 * what makes a run impossible or unsafe; a warn is what makes some cases
 * SKIP (no iommufd, no huge pages, ...).
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"
#include "profile/profile.h"

static int nfail;

int probe_fail_count(void)
{
	return nfail;
}

void probe_line(FILE *out, enum probe_verdict v, const char *fix,
		const char *fmt, ...)
{
	static const char *const word[] = { "ok", "warn", "FAIL" };
	va_list ap;

	fprintf(out, "%s ", word[v]);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	if (v != PROBE_OK && fix)
		fprintf(out, "  fix: %s\n", fix);
	nfail += v == PROBE_FAIL;
}

static void check_root(FILE *out)
{
	if (probe_fake_root())
		probe_line(out, PROBE_OK, NULL, "privileges: not checked against the tree %s",
			   probe_root());
	else if (geteuid())
		probe_line(out, PROBE_FAIL, "run it as root (sudo)",
			   "not running as root: binding devices and /dev/vfio need root");
	else
		probe_line(out, PROBE_OK, NULL, "running as root");
}

static void check_iommufd(const struct probe_facts *f, FILE *out)
{
	char v = f->kc.val[KOPT_IOMMUFD];

	if (probe_exists("/dev/iommu"))
		probe_line(out, PROBE_OK, NULL, "/dev/iommu (iommufd) is there");
	else if (v == 'm')
		probe_line(out, PROBE_WARN, "modprobe iommufd",
			   "no /dev/iommu: CONFIG_IOMMUFD=m is not loaded; iommufd programs SKIP");
	else
		probe_line(out, PROBE_WARN,
			   "boot a kernel with CONFIG_IOMMUFD=y or m (Debian's own 6.1 and 6.12 kernels lack it), or modprobe iommufd",
			   "no /dev/iommu (CONFIG_IOMMUFD %s): iommufd programs SKIP, only the legacy VFIO type1 cases run",
			   probe_kval_name(v));
	if (probe_kopt_has(&f->kc, KOPT_IOMMUFD_TEST))
		probe_line(out, PROBE_OK, NULL, "CONFIG_IOMMUFD_TEST: the mock IOMMU is there");
	else
		probe_line(out, PROBE_WARN,
			   "none needed on a production kernel; the mock cases need CONFIG_IOMMUFD_TEST (and debugfs mounted to show it)",
			   "no mock IOMMU (CONFIG_IOMMUFD_TEST %s): mock-only cases SKIP",
			   probe_kval_name(f->kc.val[KOPT_IOMMUFD_TEST]));
}

static void check_vfio(const struct probe_facts *f, bool need, FILE *out)
{
	char v = f->kc.val[KOPT_VFIO_PCI], c = f->kc.val[KOPT_VFIO_DEVICE_CDEV];

	if (probe_exists("/sys/bus/pci/drivers/vfio-pci"))
		probe_line(out, PROBE_OK, NULL, "vfio-pci driver is there");
	else
		probe_line(out, need ? PROBE_FAIL : PROBE_WARN,
			   v == 'm' ? "modprobe vfio-pci" :
			   "boot a kernel with CONFIG_VFIO_PCI=y or m",
			   "no vfio-pci driver (CONFIG_VFIO_PCI %s)%s",
			   probe_kval_name(v),
			   need ? ": the devices cannot be bound" : "");
	if (c == 'y' || c == 'p')
		probe_line(out, PROBE_OK, NULL, "VFIO cdev (CONFIG_VFIO_DEVICE_CDEV %s%s%s)",
			   probe_kval_name(c),
			   f->kc.evidence[KOPT_VFIO_DEVICE_CDEV][0] ? ": " : "",
			   f->kc.evidence[KOPT_VFIO_DEVICE_CDEV]);
	else
		probe_line(out, PROBE_WARN,
			   "boot a kernel with CONFIG_VFIO_DEVICE_CDEV=y (6.6+)",
			   "no VFIO cdev /dev/vfio/devices (CONFIG_VFIO_DEVICE_CDEV %s): iommufd programs on a PCI device SKIP",
			   probe_kval_name(c));
}

static void check_iommu(const struct probe_facts *f, FILE *out)
{
	if (!strcmp(f->iommu, "none"))
		probe_line(out, PROBE_FAIL,
			   "turn VT-d / AMD-Vi / the SMMU on in the firmware and boot with intel_iommu=on or amd_iommu=on (or use a kernel with CONFIG_IOMMUFD_TEST for the mock)",
			   "no IOMMU: /sys/class/iommu is empty");
	else if (!strcmp(f->iommu, "mock"))
		probe_line(out, PROBE_OK, NULL, "IOMMU: none in hardware, the iommufd mock IOMMU");
	else if (!strcmp(f->iommu, "other") || !strcmp(f->iommu, "mixed"))
		probe_line(out, PROBE_WARN, "name the device under test with --devices",
			   "IOMMU: %s (units: %d)", f->iommu, f->nunits);
	else
		probe_line(out, PROBE_OK, NULL, "IOMMU: %s, dirty tracking %s (%s)",
			   f->iommu, probe_tri_name(f->dirty), f->dirty_why);
}

/* The profile, named or detected; NULL (a FAIL printed) if none. */
static struct iod_profile *check_profile(const struct probe_doctor_opts *o,
					 const struct probe_facts *f, FILE *out)
{
	struct iod_profile *p = NULL;
	struct probe_pick pk;
	char path[PATH_MAX], err[600], *sep;

	if (o->profile) {
		snprintf(path, sizeof(path), "%s/%s.profile", o->profiles, o->profile);
	} else if (probe_pick(o->profiles, f, &pk)) {
		sep = strstr(pk.err, "; pass ");
		if (sep)
			*sep = '\0';
		probe_line(out, PROBE_FAIL, sep ? sep + 2 : "pass --profile NAME",
			   "profile: %s", pk.err);
		return NULL;
	} else {
		snprintf(path, sizeof(path), "%s", pk.path);
	}
	if (iod_profile_load(path, &p, err, sizeof(err))) {
		probe_line(out, PROBE_FAIL, "name a profile of the profiles directory (ls it), or fix the file",
			   "profile: %s", err);
		return NULL;
	}
	if (iod_profile_applies(p) != 1) {
		probe_line(out, PROBE_FAIL, "use a kernel the profile covers, or a profile for this kernel",
			   "profile %s does not apply to kernel %s (kernel.min %s)",
			   iod_profile_str(p, "name"), iod_profile_kernel(p),
			   iod_profile_str(p, "kernel.min") ?: "unset");
		iod_profile_free(p);
		return NULL;
	}
	probe_line(out, PROBE_OK, NULL, "profile %s (%s)", iod_profile_str(p, "name"),
		   o->profile ? "named" : "detected");
	return p;
}

static void check_profile_fits(const struct iod_profile *p,
			       const struct probe_facts *f, FILE *out)
{
	const char *iommu = iod_profile_enum(p, "detect.iommu");
	const char *dirty = iod_profile_enum(p, "detect.dirty");
	const char *name = iod_profile_str(p, "name");

	if (iommu && strcmp(iommu, f->iommu))
		probe_line(out, PROBE_WARN, "pass the profile of this machine (iodirty detect names it)",
			   "profile %s describes a %s IOMMU, this machine has %s",
			   name, iommu, f->iommu);
	if (dirty && f->dirty != PROBE_UNKNOWN && strcmp(dirty, probe_tri_name(f->dirty)))
		probe_line(out, PROBE_WARN, "pass the profile of this machine (iodirty detect names it)",
			   "profile %s says dirty tracking %s, this machine: %s (%s)",
			   name, dirty, probe_tri_name(f->dirty), f->dirty_why);
	if (!iommu || strcmp(iommu, "intel"))
		return;
	if (f->sm == PROBE_YES)
		probe_line(out, PROBE_OK, NULL, "VT-d scalable mode %s", f->sm_why);
	else
		probe_line(out, f->sm == PROBE_NO ? PROBE_FAIL : PROBE_WARN,
			   "add intel_iommu=sm_on to the kernel command line (the hardware needs ECAP.SMTS)",
			   "VT-d scalable mode, which profile %s needs, is %s", name,
			   f->sm_why[0] ? f->sm_why : "unknown");
}

/* A "Key:   N kB" line of ROOT/proc/meminfo, or -1. */
static long long meminfo(const char *key)
{
	char path[PATH_MAX], line[256];
	size_t n = strlen(key);
	long long v = -1;
	FILE *f;

	if (probe_path(path, sizeof(path), "/proc/meminfo"))
		return -1;
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (v < 0 && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = strtoll(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

static void check_memory(FILE *out)
{
	long long huge = meminfo("HugePages_Total"), hsz = meminfo("Hugepagesize"),
		  avail = meminfo("MemAvailable");

	if (huge > 0)
		probe_line(out, PROBE_OK, NULL, "huge pages reserved: %lld of %lld kB",
			   huge, hsz);
	else
		probe_line(out, PROBE_WARN,
			   "echo 64 > /proc/sys/vm/nr_hugepages (or boot with hugepages=64)",
			   "no huge pages reserved (HugePages_Total %lld): huge-page variants SKIP",
			   huge);
	if (avail < 0)
		probe_line(out, PROBE_WARN, "mount proc at /proc", "cannot read MemAvailable in /proc/meminfo");
	else if (avail < 256 * 1024)
		probe_line(out, PROBE_WARN, "free memory, or run with fewer programs at once",
			   "memory available: %lld MiB, less than the 256 MiB a run may pin",
			   avail / 1024);
	else
		probe_line(out, PROBE_OK, NULL, "memory available: %lld MiB", avail / 1024);
}

int probe_doctor(const struct probe_doctor_opts *o, struct probe_dev *devs,
		 int ndevs, FILE *out)
{
	struct probe_facts *f;
	struct iod_profile *p;
	int start = nfail;
	bool need_vfio;

	if (o->only_devices) {
		probe_doctor_devices(devs, ndevs, out);
		return nfail - start;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		probe_line(out, PROBE_FAIL, "retry", "out of memory");
		return nfail - start;
	}
	probe_facts_gather(f, devs, ndevs);
	check_root(out);
	check_iommu(f, out);
	p = check_profile(o, f, out);
	need_vfio = ndevs || (p && iod_profile_enum_is(p, "device", "vfio-pci"));
	check_iommufd(f, out);
	check_vfio(f, need_vfio, out);
	if (p)
		check_profile_fits(p, f, out);
	check_memory(out);
	probe_doctor_devices(devs, ndevs, out);
	iod_profile_free(p);
	free(f);
	return nfail - start;
}
