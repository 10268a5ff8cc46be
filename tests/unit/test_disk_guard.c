// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the storage guard (runners/bind/disk_guard.c) and of the
 * iodirty-bind CLI refusing a device whose disks are in use, against fake
 * sysfs, proc and dev trees laid out as the kernel lays them out:
 *
 *   sys/devices/pci0000:00/BDF/nvme/nvme0/nvme0n1[/nvme0n1p1]/dev
 *   sys/devices/virtual/nvme-subsystem/nvme-subsys0/nvme0n1 (multipath head)
 *   sys/class/block/NAME -> ../../devices/.../NAME
 *   sys/bus/pci/devices/BDF -> ../../../devices/pci0000:00/BDF
 *   proc/self/mountinfo, proc/swaps
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#include "disk_guard.h"
#include "fake_tree.h"

#define NVME "0000:00:11.0"	/* the controller under test */
#define OTHER "0000:00:12.0"	/* another controller */
#define PCI "devices/pci0000:00"

#define MOUNTINFO_BASE \
	"22 1 0:21 / / rw,relatime - tmpfs rootfs rw\n" \
	"23 22 0:5 / /dev rw - devtmpfs devtmpfs rw\n"

FIXTURE(guard) {
	char tmp[128];
	char sys[160], proc[160], dev[160];
	struct iod_disk_roots roots;
	char err[1024];
};

/* A PCI device with driver drv and an empty nvme class directory. */
static int add_pci(FIXTURE_DATA(guard) *self, const char *bdf)
{
	char rel[256], target[256], link[512];

	snprintf(rel, sizeof(rel), "sys/" PCI "/%s/nvme/nvme0", bdf);
	if (mkdirs(self->tmp, rel))
		return -1;
	snprintf(target, sizeof(target), "../../../" PCI "/%s", bdf);
	snprintf(link, sizeof(link), "%s/bus/pci/devices/%s", self->sys, bdf);
	return symlink(target, link);
}

/*
 * A block device at sys/PARENT/NAME with devno (NULL for a hidden path
 * disk), listed in class/block.
 */
static int add_block(FIXTURE_DATA(guard) *self, const char *parent,
		     const char *name, const char *devno)
{
	char rel[512], target[512], link[512];

	snprintf(rel, sizeof(rel), "sys/%s/%s/holders", parent, name);
	if (mkdirs(self->tmp, rel))
		return -1;
	if (devno) {
		snprintf(rel, sizeof(rel), "sys/%s/%s/dev", parent, name);
		if (put(self->tmp, rel, devno))
			return -1;
	}
	snprintf(target, sizeof(target), "../../%s/%s", parent, name);
	snprintf(link, sizeof(link), "%s/class/block/%s", self->sys, name);
	return symlink(target, link);
}

FIXTURE_SETUP(guard)
{
	const char *t = getenv("TMPDIR");

	snprintf(self->tmp, sizeof(self->tmp), "%s/iodirty-guard.XXXXXX",
		 t && *t && strlen(t) < 64 ? t : "/tmp");
	ASSERT_NE(NULL, mkdtemp(self->tmp));
	snprintf(self->sys, sizeof(self->sys), "%s/sys", self->tmp);
	snprintf(self->proc, sizeof(self->proc), "%s/proc", self->tmp);
	snprintf(self->dev, sizeof(self->dev), "%s/dev", self->tmp);
	self->roots = (struct iod_disk_roots){ self->sys, self->proc,
					       self->dev };
	ASSERT_EQ(0, mkdirs(self->tmp, "sys/bus/pci/devices"));
	ASSERT_EQ(0, mkdirs(self->tmp, "sys/bus/pci/drivers/vfio-pci"));
	ASSERT_EQ(0, mkdirs(self->tmp, "sys/bus/pci/drivers/nvme"));
	ASSERT_EQ(0, mkdirs(self->tmp, "sys/class/block"));
	ASSERT_EQ(0, mkdirs(self->tmp, "proc/self"));
	ASSERT_EQ(0, mkdirs(self->tmp, "dev"));
	ASSERT_EQ(0, put(self->tmp, "proc/self/mountinfo", MOUNTINFO_BASE));
	ASSERT_EQ(0, put(self->tmp, "proc/swaps",
			 "Filename\tType\tSize\tUsed\tPriority\n"));
	ASSERT_EQ(0, add_pci(self, NVME));
	ASSERT_EQ(0, add_pci(self, OTHER));
	/* the controller under test: one namespace, two partitions */
	ASSERT_EQ(0, add_block(self, PCI "/" NVME "/nvme/nvme0", "nvme0n1",
			       "259:0"));
	ASSERT_EQ(0, add_block(self, PCI "/" NVME "/nvme/nvme0/nvme0n1",
			       "nvme0n1p1", "259:1"));
	ASSERT_EQ(0, add_block(self, PCI "/" NVME "/nvme/nvme0/nvme0n1",
			       "nvme0n1p2", "259:2"));
	/* the other controller's namespace */
	ASSERT_EQ(0, add_block(self, PCI "/" OTHER "/nvme/nvme0", "nvme1n1",
			       "259:3"));
	/* a regular file where the node would be: never opened as a disk */
	ASSERT_EQ(0, put(self->tmp, "dev/nvme0n1", ""));
}

FIXTURE_TEARDOWN(guard)
{
	if (strcmp(self->tmp + strlen(self->tmp) - 6, "XXXXXX"))
		nftw(self->tmp, fake_tree_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int guard(FIXTURE_DATA(guard) *self, const char *bdf)
{
	return iod_disk_guard(&self->roots, bdf, self->err,
			      sizeof(self->err));
}

TEST_F(guard, lists_disks_and_partitions_of_the_device_only)
{
	char names[8][IOD_DISK_NAME_MAX];
	int n, i, seen = 0;

	n = iod_disk_list(&self->roots, NVME, names, 8);
	ASSERT_EQ(3, n);
	for (i = 0; i < n; i++)
		seen |= !strcmp(names[i], "nvme0n1") << 0 |
			!strcmp(names[i], "nvme0n1p1") << 1 |
			!strcmp(names[i], "nvme0n1p2") << 2;
	ASSERT_EQ(7, seen);
	ASSERT_EQ(1, iod_disk_list(&self->roots, OTHER, names, 8));
	ASSERT_STREQ("nvme1n1", names[0]);
	/* a short array still gets the total */
	ASSERT_EQ(3, iod_disk_list(&self->roots, NVME, names, 1));
}

TEST_F(guard, nvme_namespace_of_the_device)
{
	char ns[IOD_DISK_NAME_MAX];

	ASSERT_EQ(0, iod_disk_nvme_namespace(&self->roots, NVME, ns,
					     sizeof(ns)));
	ASSERT_STREQ("nvme0n1", ns);
	ASSERT_EQ(0, iod_disk_nvme_namespace(&self->roots, OTHER, ns,
					     sizeof(ns)));
	ASSERT_STREQ("nvme1n1", ns);
	ASSERT_EQ(-ENODEV, iod_disk_nvme_namespace(&self->roots,
						   "0000:00:1f.0", ns,
						   sizeof(ns)));
}

TEST_F(guard, idle_disks_pass)
{
	ASSERT_EQ(0, guard(self, NVME)) TH_LOG("%s", self->err);
	ASSERT_STREQ("", self->err);
}

TEST_F(guard, no_block_layer_means_no_disks)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/class/block", self->sys);
	ASSERT_EQ(0, nftw(p, fake_tree_rm_one, 16, FTW_DEPTH | FTW_PHYS));
	ASSERT_EQ(0, iod_disk_list(&self->roots, NVME, NULL, 0));
	ASSERT_EQ(0, guard(self, NVME));
}

TEST_F(guard, partition_mounted_by_devno)
{
	ASSERT_EQ(0, put(self->tmp, "proc/self/mountinfo", MOUNTINFO_BASE
			 "40 22 259:1 / /boot rw - ext2 /dev/root rw\n"));
	ASSERT_EQ(-EBUSY, guard(self, NVME));
	ASSERT_NE(NULL, strstr(self->err, "nvme0n1p1 mounted at /boot"))
		TH_LOG("%s", self->err);
	ASSERT_NE(NULL, strstr(self->err, NVME));
	/* the message says what to do next */
	ASSERT_NE(NULL, strstr(self->err, "; unmount"));
	/* the other controller is not blamed for it */
	ASSERT_EQ(0, guard(self, OTHER)) TH_LOG("%s", self->err);
}

TEST_F(guard, mounted_by_source_with_anonymous_devno)
{
	/* btrfs reports an anonymous 0:N, the source still names the disk */
	ASSERT_EQ(0, put(self->tmp, "proc/self/mountinfo", MOUNTINFO_BASE
			 "41 22 0:44 / /data rw - btrfs /dev/nvme0n1p2 rw\n"));
	ASSERT_EQ(-EBUSY, guard(self, NVME));
	ASSERT_NE(NULL, strstr(self->err, "nvme0n1p2 mounted at /data"))
		TH_LOG("%s", self->err);
}

TEST_F(guard, whole_disk_used_as_swap)
{
	ASSERT_EQ(0, put(self->tmp, "proc/swaps",
			 "Filename\tType\tSize\tUsed\tPriority\n"
			 "/dev/nvme0n1\tpartition\t1024\t0\t-2\n"));
	ASSERT_EQ(-EBUSY, guard(self, NVME));
	ASSERT_NE(NULL, strstr(self->err, "nvme0n1 used as swap"))
		TH_LOG("%s", self->err);
	ASSERT_EQ(0, guard(self, OTHER));
}

TEST_F(guard, swap_file_is_not_the_disk)
{
	/* a swap file is on a mounted filesystem: the mount check's job */
	ASSERT_EQ(0, put(self->tmp, "proc/swaps",
			 "Filename\tType\tSize\tUsed\tPriority\n"
			 "/swapfile\tfile\t1024\t0\t-2\n"));
	ASSERT_EQ(0, guard(self, NVME)) TH_LOG("%s", self->err);
}

TEST_F(guard, kernel_without_swap)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/swaps", self->proc);
	ASSERT_EQ(0, unlink(p));
	ASSERT_EQ(0, guard(self, NVME)) TH_LOG("%s", self->err);
}

TEST_F(guard, partition_held_by_device_mapper)
{
	ASSERT_EQ(0, mkdirs(self->tmp, "sys/" PCI "/" NVME
			    "/nvme/nvme0/nvme0n1/nvme0n1p2/holders/dm-0"));
	ASSERT_EQ(-EBUSY, guard(self, NVME));
	ASSERT_NE(NULL, strstr(self->err, "nvme0n1p2 held by dm-0"))
		TH_LOG("%s", self->err);
}

TEST_F(guard, every_reason_is_listed)
{
	ASSERT_EQ(0, put(self->tmp, "proc/self/mountinfo", MOUNTINFO_BASE
			 "40 22 259:1 / /boot rw - ext2 /dev/root rw\n"));
	ASSERT_EQ(0, put(self->tmp, "proc/swaps",
			 "Filename\tType\tSize\tUsed\tPriority\n"
			 "/dev/nvme0n1p2\tpartition\t1024\t0\t-2\n"));
	ASSERT_EQ(-EBUSY, guard(self, NVME));
	ASSERT_NE(NULL, strstr(self->err, "nvme0n1p1 mounted at /boot"));
	ASSERT_NE(NULL, strstr(self->err, "nvme0n1p2 used as swap"));
}

TEST_F(guard, multipath_head_of_a_path_disk)
{
	/* native multipath: the controller holds the hidden path disk, the
	 * head with its partition lives under the subsystem */
	char names[8][IOD_DISK_NAME_MAX];
	char p[256];
	int n;

	snprintf(p, sizeof(p), "%s/class/block/nvme1n1", self->sys);
	ASSERT_EQ(0, unlink(p));
	ASSERT_EQ(0, add_block(self, PCI "/" OTHER "/nvme/nvme0", "nvme1c1n1",
			       NULL));
	ASSERT_EQ(0, add_block(self, "devices/virtual/nvme-subsystem/nvme-subsys1",
			       "nvme1n1", "259:3"));
	ASSERT_EQ(0, add_block(self, "devices/virtual/nvme-subsystem/nvme-subsys1/nvme1n1",
			       "nvme1n1p1", "259:4"));
	n = iod_disk_list(&self->roots, OTHER, names, 8);
	ASSERT_EQ(3, n);
	ASSERT_EQ(0, guard(self, OTHER)) TH_LOG("%s", self->err);
	ASSERT_EQ(0, put(self->tmp, "proc/self/mountinfo", MOUNTINFO_BASE
			 "40 22 259:4 / /srv rw - ext4 /dev/nvme1n1p1 rw\n"));
	ASSERT_EQ(-EBUSY, guard(self, OTHER));
	ASSERT_NE(NULL, strstr(self->err, "nvme1n1p1 mounted at /srv"))
		TH_LOG("%s", self->err);
	ASSERT_EQ(0, guard(self, NVME)) TH_LOG("%s", self->err);
}

TEST_F(guard, fails_closed_without_mountinfo)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/self/mountinfo", self->proc);
	ASSERT_EQ(0, unlink(p));
	ASSERT_EQ(-ENOENT, guard(self, NVME));
	ASSERT_NE(NULL, strstr(self->err, "mountinfo")) TH_LOG("%s", self->err);
	ASSERT_NE(NULL, strstr(self->err, "left alone"));
}

TEST_F(guard, no_such_device)
{
	ASSERT_EQ(-ENODEV, guard(self, "0000:00:1f.0"));
	ASSERT_NE(NULL, strstr(self->err, "lspci")) TH_LOG("%s", self->err);
}

/* Run iodirty-bind with the fake roots; its exit status, or -1. */
static int run_bind(FIXTURE_DATA(guard) *self, char *const argv[],
		    char *out, size_t outlen)
{
	char outp[256];
	int status, fd;
	ssize_t n;
	pid_t pid;

	snprintf(outp, sizeof(outp), "%s/cli.out", self->tmp);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		setenv("IODIRTY_SYSFS", self->sys, 1);
		setenv("IODIRTY_PROC", self->proc, 1);
		setenv("IODIRTY_DEV", self->dev, 1);
		fd = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	fd = open(outp, O_RDONLY);
	n = fd >= 0 ? read(fd, out, outlen - 1) : -1;
	if (fd >= 0)
		close(fd);
	out[n > 0 ? n : 0] = '\0';
	return WEXITSTATUS(status);
}

TEST_F(guard, cli_bind_refuses_a_mounted_controller_untouched)
{
	const char *bin = getenv("IODIRTY_BIND_BIN");
	char state[256], out[2048], p[512];
	char *const bind[] = { (char *)bin, "bind", "--allow", NVME,
			       "--state", state, NVME, NULL };
	char *const check[] = { (char *)bin, "guard", NVME, NULL };
	struct stat st;

	if (!bin || !*bin || access(bin, X_OK))
		SKIP(return, "IODIRTY_BIND_BIN is not an executable: build runners/bind/main.c and point it at the binary");
	snprintf(state, sizeof(state), "%s/state", self->tmp);
	/* bound to nvme, with a driver_override the bind would write */
	snprintf(p, sizeof(p), "%s/" PCI "/" NVME "/driver", self->sys);
	ASSERT_EQ(0, symlink("../../../bus/pci/drivers/nvme", p));
	ASSERT_EQ(0, put(self->tmp, "sys/" PCI "/" NVME "/driver_override",
			 "(null)\n"));
	ASSERT_EQ(0, put(self->tmp, "proc/self/mountinfo", MOUNTINFO_BASE
			 "40 22 259:1 / /boot rw - ext2 /dev/nvme0n1p1 rw\n"));

	ASSERT_EQ(1, run_bind(self, bind, out, sizeof(out)));
	ASSERT_NE(NULL, strstr(out, "nvme0n1p1 mounted at /boot")) TH_LOG("%s", out);
	ASSERT_NE(NULL, strstr(out, "iodirty-bind: next: unmount")) TH_LOG("%s", out);
	/* nothing was written and nothing journalled */
	snprintf(p, sizeof(p), "%s/" PCI "/" NVME "/driver_override", self->sys);
	ASSERT_EQ(0, stat(p, &st));
	ASSERT_EQ(7, st.st_size);
	ASSERT_NE(0, access(state, F_OK));

	ASSERT_EQ(1, run_bind(self, check, out, sizeof(out)));
	ASSERT_NE(NULL, strstr(out, "nvme0n1\n")) TH_LOG("%s", out);
	ASSERT_NE(NULL, strstr(out, "nvme0n1p1\n"));
	ASSERT_NE(NULL, strstr(out, "mounted at /boot"));
	ASSERT_EQ(0, put(self->tmp, "proc/self/mountinfo", MOUNTINFO_BASE));
	ASSERT_EQ(0, run_bind(self, check, out, sizeof(out))) TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
