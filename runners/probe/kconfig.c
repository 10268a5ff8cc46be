// SPDX-License-Identifier: GPL-2.0
/*
 * The running kernel's configuration: ROOT/proc/config.gz (CONFIG_IKCONFIG_PROC,
 * decompressed by gzip -dc or zcat, busybox's included) or
 * ROOT/boot/config-RELEASE. Without either, what the running kernel shows
 * (device nodes, sysfs drivers and modules, the character device majors of
 * /proc/devices) marks an option present.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"
#include "util.h"

static const struct {
	const char *name;
	/*
	 * paths below the root whose presence shows the option, or
	 * "devices:NAME": a major NAME in /proc/devices
	 */
	const char *shows[3];
} kopts[KOPT_COUNT] = {
	[KOPT_IOMMUFD] = { "CONFIG_IOMMUFD", { "/dev/iommu", "/sys/module/iommufd" } },
	[KOPT_IOMMUFD_TEST] = { "CONFIG_IOMMUFD_TEST", { "/sys/class/iommu/iommufd_selftest_iommu.0", "/sys/kernel/debug/fail_iommufd" } },
	[KOPT_VFIO] = { "CONFIG_VFIO", { "/sys/class/vfio-dev", "/sys/module/vfio" } },
	[KOPT_VFIO_DEVICE_CDEV] = { "CONFIG_VFIO_DEVICE_CDEV", { "/dev/vfio/devices", "devices:vfio-dev" } },
	[KOPT_VFIO_CONTAINER] = { "CONFIG_VFIO_CONTAINER", { "/dev/vfio/vfio" } },
	[KOPT_VFIO_IOMMU_TYPE1] = { "CONFIG_VFIO_IOMMU_TYPE1", { "/sys/module/vfio_iommu_type1" } },
	[KOPT_VFIO_PCI] = { "CONFIG_VFIO_PCI", { "/sys/bus/pci/drivers/vfio-pci" } },
	[KOPT_INTEL_IOMMU] = { "CONFIG_INTEL_IOMMU", { "/sys/class/iommu/dmar0" } },
	[KOPT_INTEL_IOMMU_SM_DEFAULT_ON] = { "CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON" },
	[KOPT_AMD_IOMMU] = { "CONFIG_AMD_IOMMU", { "/sys/class/iommu/ivhd0" } },
	[KOPT_ARM_SMMU_V3] = { "CONFIG_ARM_SMMU_V3", { "/sys/bus/platform/drivers/arm-smmu-v3" } },
	[KOPT_RISCV_IOMMU] = { "CONFIG_RISCV_IOMMU" },
	[KOPT_VIRTIO_IOMMU] = { "CONFIG_VIRTIO_IOMMU", { "/sys/bus/virtio/drivers/virtio_iommu" } },
};

const char *probe_kopt_name(enum probe_kopt o)
{
	return kopts[o].name;
}

const char *probe_kval_name(char v)
{
	switch (v) {
	case 'y':
		return "y";
	case 'm':
		return "m";
	case 'n':
		return "not set";
	case 'p':
		return "present";
	}
	return "unknown";
}

/* One "CONFIG_X=v" or "# CONFIG_X is not set" line. */
static void config_line(struct probe_kconfig *kc, const char *line)
{
	size_t n;
	int o;

	for (o = 0; o < KOPT_COUNT; o++) {
		n = strlen(kopts[o].name);
		if (!strncmp(line, kopts[o].name, n) && line[n] == '=')
			kc->val[o] = line[n + 1] == 'y' || line[n + 1] == 'm' ?
				     line[n + 1] : 'n';
		else if (!strncmp(line, "# ", 2) &&
			 !strncmp(line + 2, kopts[o].name, n) &&
			 !strncmp(line + 2 + n, " is not set", 11))
			kc->val[o] = 'n';
	}
}

static void read_stream(struct probe_kconfig *kc, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;

	while (getline(&line, &cap, f) > 0)
		config_line(kc, line);
	free(line);
}

/* gzip -dc PATH (or zcat PATH) into a pipe: a stream, or NULL. */
static FILE *gunzip(const char *path, pid_t *pid)
{
	int fds[2];
	FILE *f;

	if (pipe2(fds, O_CLOEXEC))
		return NULL;
	*pid = fork();
	if (*pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	if (!*pid) {
		dup2(fds[1], 1);
		execlp("gzip", "gzip", "-dc", path, (char *)NULL);
		execlp("zcat", "zcat", path, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (!f)
		close(fds[0]);
	return f;
}

static bool read_gz(struct probe_kconfig *kc, const char *path)
{
	pid_t pid;
	int status;
	FILE *f = gunzip(path, &pid);

	if (!f)
		return false;
	read_stream(kc, f);
	fclose(f);
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       !WEXITSTATUS(status);
}

static bool read_plain(struct probe_kconfig *kc, const char *path)
{
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	read_stream(kc, f);
	fclose(f);
	return true;
}

/* Does ROOT/proc/devices list a major named name? */
static bool has_major(const char *name)
{
	char path[PATH_MAX], *line = NULL, dev[64];
	size_t cap = 0;
	bool hit = false;
	FILE *f;

	if (probe_path(path, sizeof(path), "/proc/devices"))
		return false;
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!hit && getline(&line, &cap, f) > 0)
		hit = sscanf(line, "%*u %63s", dev) == 1 && !strcmp(dev, name);
	free(line);
	fclose(f);
	return hit;
}

/* Does what the kernel shows prove the option? */
static bool shown(const char *what)
{
	if (!strncmp(what, "devices:", 8))
		return has_major(what + 8);
	return probe_exists("%s", what);
}

void probe_kconfig_read(struct probe_kconfig *kc, const char *release)
{
	char path[PATH_MAX];
	bool ok = false;
	int o, i;

	memset(kc, 0, sizeof(*kc));
	memset(kc->val, '?', sizeof(kc->val));
	if (!probe_path(path, sizeof(path), "/proc/config.gz") &&
	    !access(path, R_OK) && read_gz(kc, path)) {
		ok = true;
		snprintf(kc->source, sizeof(kc->source), "/proc/config.gz");
	}
	if (!ok && !probe_path(path, sizeof(path), "/boot/config-%s", release) &&
	    read_plain(kc, path)) {
		ok = true;
		snprintf(kc->source, sizeof(kc->source), "/boot/config-%s",
			 release);
	}
	for (o = 0; o < KOPT_COUNT; o++) {
		/* a file that does not name an option: not set */
		if (ok && kc->val[o] == '?')
			kc->val[o] = 'n';
		if (kc->val[o] != '?')
			continue;
		for (i = 0; i < (int)ARRAY_SIZE(kopts[o].shows); i++) {
			if (kopts[o].shows[i] && shown(kopts[o].shows[i])) {
				kc->val[o] = 'p';
				const char *w = kopts[o].shows[i];

				if (!strncmp(w, "devices:", 8))
					snprintf(kc->evidence[o], sizeof(kc->evidence[o]),
						 "/proc/devices lists %s", w + 8);
				else
					snprintf(kc->evidence[o], sizeof(kc->evidence[o]),
						 "%s exists", w);
				break;
			}
		}
	}
}
