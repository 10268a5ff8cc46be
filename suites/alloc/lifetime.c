// SPDX-License-Identifier: GPL-2.0
/*
 * Object lifetime: what keeps an IOAS or HWPT alive, destroy order, and
 * closing the iommufd with live objects (pinned pages must be released).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness/iod_test.h"
#include "uapi/iommufd.h"
#include "harness/target.h"

#define BUF_LEN (256 * 1024)

FIXTURE(lifetime) {
	struct iod_target t;
};

FIXTURE_SETUP(lifetime)
{
	IOD_TARGET_OPEN(&self->t);
}

FIXTURE_TEARDOWN(lifetime)
{
	iod_target_close(&self->t);
}

/* A HWPT holds its IOAS: EBUSY until the HWPT is gone. */
TEST_F(lifetime, ioas_busy_while_hwpt)
{
	uint32_t ioas, hwpt;

	IOD_NEED_PLAIN_HWPT();
	ASSERT_EQ(0, iod_ioas_alloc(self->t.fd, &ioas));
	ASSERT_EQ(0, iod_hwpt_alloc(self->t.fd, self->t.dev_id, ioas, 0,
				    &hwpt));
	IOD_ASSERT_ERR(EBUSY, iod_destroy(self->t.fd, ioas));
	IOD_ASSERT_ERR(0, iod_destroy(self->t.fd, hwpt));
	IOD_ASSERT_ERR(0, iod_destroy(self->t.fd, ioas));
}

/* An attached device holds the IOAS (through its automatic HWPT). */
TEST_F(lifetime, ioas_busy_while_attached)
{
	uint32_t ioas;

	ASSERT_EQ(0, iod_ioas_alloc(self->t.fd, &ioas));
	ASSERT_EQ(0, iod_target_attach(&self->t, ioas));
	IOD_ASSERT_ERR(EBUSY, iod_destroy(self->t.fd, ioas));
	/* Move the device away; the automatic HWPT goes with it. */
	ASSERT_EQ(0, iod_target_attach(&self->t, self->t.ioas_id));
	IOD_ASSERT_ERR(0, iod_destroy(self->t.fd, ioas));
}

/* Destroying twice: the second is ENOENT; id 0 is never an object. */
TEST_F(lifetime, double_destroy)
{
	uint32_t ioas;

	ASSERT_EQ(0, iod_ioas_alloc(self->t.fd, &ioas));
	IOD_ASSERT_ERR(0, iod_destroy(self->t.fd, ioas));
	IOD_ASSERT_ERR(ENOENT, iod_destroy(self->t.fd, ioas));
	IOD_ASSERT_ERR(ENOENT, iod_destroy(self->t.fd, 0));
}

/*
 * A device object belongs to the driver that bound it (VFIO or the mock),
 * which holds a reference: IOMMU_DESTROY on it is EBUSY, and it stays usable.
 */
TEST_F(lifetime, destroy_device_id)
{
	IOD_ASSERT_ERR(EBUSY, iod_destroy(self->t.fd, self->t.dev_id));
	IOD_ASSERT_ERR(0, iod_get_hw_info(self->t.fd, self->t.dev_id, NULL, 0,
					  NULL, NULL, NULL));
}

/* VmPin of this process, in kB, or -1. */
static long vm_pin_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * Close the iommufd with an IOAS, a mapping, a HWPT and an attached device
 * still alive (no destroy, no detach): every page pinned for the mapping
 * must be released, and a fresh iommufd must work. Pins are accounted to
 * this process (IOMMU_OPTION_RLIMIT_MODE=1) so VmPin shows them.
 */
TEST_F(lifetime, close_with_live_objects)
{
	const struct iod_target_opts opts = { .account_mm = true };
	char why[256] = "";
	long before, during, after;
	uint32_t ioas2, hwpt;
	uint64_t iova;
	void *buf;

	iod_target_close(&self->t);
	before = vm_pin_kb();
	ASSERT_LE(0, before) TH_LOG("no VmPin in /proc/self/status");
	buf = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);

	ASSERT_EQ(0, iod_target_open_opts(&self->t, &opts, why, sizeof(why)))
		TH_LOG("%s", why);
	/* The mapping's IOAS gets the device (automatic HWPT)... */
	ASSERT_EQ(0, iod_target_attach(&self->t, self->t.ioas_id));
	/* ...and a second IOAS holds an explicit HWPT, left alive too. */
	ASSERT_EQ(0, iod_ioas_alloc(self->t.fd, &ioas2));
	if (!iod_expect("alloc.plain"))
		ASSERT_EQ(0, iod_hwpt_alloc(self->t.fd, self->t.dev_id, ioas2,
					    0, &hwpt));
	ASSERT_EQ(0, iod_ioas_pick_iova(self->t.fd, self->t.ioas_id, BUF_LEN,
					1 << 20, BUF_LEN, &iova));
	ASSERT_EQ(0, iod_ioas_map_fixed(self->t.fd, self->t.ioas_id, buf,
					BUF_LEN, iova));
	during = vm_pin_kb();
	EXPECT_LE(before + BUF_LEN / 1024, during)
		TH_LOG("VmPin %ld kB with %d kB mapped (before %ld kB)",
		       during, BUF_LEN / 1024, before);

	/* Drop the fds only: the kernel must tear down what is left. */
	if (self->t.vdev.fd >= 0)
		close(self->t.vdev.fd);
	close(self->t.fd);
	self->t.vdev.fd = -1;
	self->t.fd = -1;
	self->t.md.stdev_id = 0;
	after = vm_pin_kb();
	EXPECT_EQ(before, after) TH_LOG("pinned pages leaked after close");

	ASSERT_EQ(0, iod_target_open(&self->t, 0, why, sizeof(why)))
		TH_LOG("%s", why);
	ASSERT_EQ(0, iod_target_attach(&self->t, self->t.ioas_id));
	IOD_ASSERT_ERR(0, iod_ioas_map_fixed(self->t.fd, self->t.ioas_id, buf,
					     BUF_LEN, iova));
	munmap(buf, BUF_LEN);
}

IOD_HARNESS_MAIN
