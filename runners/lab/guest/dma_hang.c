// SPDX-License-Identifier: GPL-2.0
/*
 * dma_hang: a program stuck on its device, on purpose, for lab/safety to
 * prove that a runner kills it and gives the next program a usable device.
 *
 *   dma_hang [--ready FILE]
 *
 * It does what a kselftest case stuck in its device does: a forked child
 * (the harness runs every case, set-up included, in one) sets up the
 * device like any suite program (IODIRTY_PROFILE, IODIRTY_DEVICES,
 * IODIRTY_ENGINE), checks one device write lands, then keeps DMA in
 * flight, round after round, and never ends, while this process waits for
 * it forever. The child holds
 * the device's VFIO cdev open: as long as it lives, every other
 * VFIO_DEVICE_BIND_IOMMUFD on the device fails with EINVAL, and killing
 * this process alone (busybox timeout does only that) leaves it running.
 * FILE (default $IODIRTY_HANG_READY) gets the child's pid once its first
 * round was submitted. Exits 1 if the device fails before that; never
 * exits 0.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/dirty.h"
#include "harness/env.h"
#include "pid_file.h"

#define BUF_LEN (64 * 1024)
#define FIRST_LEN 2048	/* bytes of the first, checked write */

/*
 * The stuck case: set up, one checked write, then device writes without
 * end, the device held open. Returns (1) only if the set-up fails.
 */
static int stuck(const char *ready)
{
	struct iod_dirty_opts o = {
		.buf_len = BUF_LEN,
		.enable = true,
		.plain_if_incapable = true,
	};
	struct iod_dirty dirty, *d = &dirty;
	uint64_t ia, la, len;
	unsigned long round;
	char why[512] = "";
	int rc;

	rc = iod_dirty_setup(d, &o, why, sizeof(why));
	if (rc) {
		fprintf(stderr, "dma_hang: error: setting up the device failed (%s): %s\n",
			strerror(-rc), why);
		return 1;
	}
	/*
	 * The first write proves the device works before it is made stuck:
	 * FIRST_LEN bytes, not a whole page, so no edu DMA starts at a page's
	 * last byte (the virtio lab flavour's QEMU defect, see
	 * profiles/lab-virtio.profile).
	 */
	iod_engine_align(&d->engine, &ia, &la);
	len = la * ((FIRST_LEN + la - 1) / la);
	rc = iod_engine_write(&d->engine, d->iova, len, 0x5a, NULL);
	if (rc || !iod_engine_check(&d->engine, d->iova, len, 0x5a)) {
		fprintf(stderr, "dma_hang: error: the first device write did not land (%s)\n",
			rc ? strerror(-rc) : "wrong data");
		iod_dirty_teardown(d);
		return 1;
	}
	printf("# dma_hang: engine %s, case pid %d: stuck from now on\n",
	       d->engine.ops->name, (int)getpid());
	fflush(stdout);
	len = la * ((4096 + la - 1) / la);
	for (round = 0;; round++) {
		rc = iod_engine_write(&d->engine, d->iova, len,
				      (uint8_t)(round + 1), NULL);
		if (!round && ready)
			lab_write_pid_file(ready, getpid());
		if (rc) {
			/* still stuck: holding the device, doing nothing */
			fprintf(stderr, "dma_hang: the engine failed (%s); holding the device anyway\n",
				strerror(-rc));
			for (;;)
				pause();
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ready", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ready = getenv("IODIRTY_HANG_READY");
	pid_t child;
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'r') {
			fprintf(stderr, "usage: dma_hang [--ready FILE]\n");
			return 2;
		}
		ready = optarg;
	}
	iod_env_load(1, argv);
	printf("1..1\n");
	fflush(stdout);
	child = fork();
	if (child < 0) {
		perror("dma_hang: fork");
		return 1;
	}
	if (!child)
		_exit(stuck(ready));
	/* the parent of a stuck case: waits for it, for ever */
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	fprintf(stderr, "dma_hang: error: the stuck child ended (status 0x%x)\n",
		status);
	return 1;
}
