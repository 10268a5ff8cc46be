// SPDX-License-Identifier: GPL-2.0
/*
 * The edu engine: QEMU's educational device moving real DMA through the
 * IOMMU. A device write of a pattern is two DMAs: the device reads the
 * pattern from a staging page the engine mapped into the IOAS, then writes
 * its buffer to the target IOVA. A device read is one DMA into the buffer.
 * Each DMA moves at most IOD_EDU_MAX_XFER bytes and takes 100 ms of device
 * time, so this engine is for conformance, never for stress. "edu" waits
 * for the device's MSI through a VFIO eventfd, "edu-poll" polls its
 * command register.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "drivers/edu/edu.h"
#include "engine/engine.h"
#include "uapi/iommufd.h"

#define STAGE_LEN 4096
#define STAGE_GAP (1ull << 21)

struct edu_engine {
	uint8_t *stage;		/* the pattern the device reads */
	uint64_t stage_iova;
	bool mapped;
	int efd;		/* the MSI's eventfd, -1 when polling */
};

static void edu_close(struct iod_engine *e)
{
	struct edu_engine *x = e->priv;

	if (!x)
		return;
	if (x->efd >= 0)
		iod_edu_irq_off(&e->t->vdev, &x->efd);
	if (x->mapped)
		iod_ioas_unmap(e->t->fd, e->space->ioas_id, x->stage_iova,
			       STAGE_LEN, NULL);
	if (x->stage)
		munmap(x->stage, STAGE_LEN);
	free(x);
	e->priv = NULL;
}

static int edu_open(struct iod_engine *e, bool irq)
{
	struct edu_engine *x;
	int rc;

	rc = iod_edu_init(&e->t->vdev);
	if (rc)
		return rc;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	e->priv = x;
	x->efd = -1;
	if (irq) {
		rc = iod_edu_irq_on(&e->t->vdev, &x->efd);
		if (rc) {
			snprintf(e->why, sizeof(e->why),
				 "cannot route the edu MSI to an eventfd: %s",
				 strerror(-rc));
			goto fail;
		}
	}
	x->stage = mmap(NULL, STAGE_LEN, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (x->stage == MAP_FAILED) {
		rc = -errno;
		x->stage = NULL;
		goto fail;
	}
	/*
	 * Above everything the test mapped, with a gap, so the IOVAs next to
	 * the test's own mappings stay unmapped.
	 */
	rc = iod_ioas_pick_iova(e->t->fd, e->space->ioas_id, STAGE_LEN,
				iod_space_end(e->space) + STAGE_GAP, STAGE_LEN,
				&x->stage_iova);
	if (!rc)
		rc = iod_ioas_map_fixed(e->t->fd, e->space->ioas_id, x->stage,
					STAGE_LEN, x->stage_iova);
	if (rc)
		goto fail;
	x->mapped = true;
	e->own_iova_end = x->stage_iova + STAGE_LEN;
	return 0;
fail:
	edu_close(e);
	return rc;
}

static int edu_submit(struct iod_engine *e, struct iod_dma *op)
{
	struct edu_engine *x = e->priv;
	struct iod_vfio_dev *dev = &e->t->vdev;
	uint64_t i;

	op->done = true;
	if (!op->len || op->len > IOD_EDU_MAX_XFER) {
		op->status = -EINVAL;
		return 0;
	}
	if (!op->to_memory) {
		op->status = iod_edu_dma(dev, x->efd, false, op->iova,
					 (uint32_t)op->len);
		return 0;
	}
	for (i = 0; i < op->len; i++)
		x->stage[i] = iod_pattern_byte(op->seed, op->pattern_off + i);
	op->status = iod_edu_dma(dev, x->efd, false, x->stage_iova,
				 (uint32_t)op->len);
	if (!op->status)
		op->status = iod_edu_dma(dev, x->efd, true, op->iova,
					 (uint32_t)op->len);
	return 0;
}

static int edu_wait(struct iod_engine *e, int timeout_ms)
{
	(void)e;
	(void)timeout_ms;
	return 0;	/* submit polls each DMA to completion */
}

static int edu_open_irq(struct iod_engine *e)
{
	return edu_open(e, true);
}

static int edu_open_poll(struct iod_engine *e)
{
	return edu_open(e, false);
}

/* About 4100 commands: seconds on a quiet host, a minute on a loaded one. */
#define EDU_CASE_MAX (16ull << 20)

const struct iod_engine_ops iod_engine_edu = {
	.name = "edu",
	.device = "edu",
	.peer = "nvme-poll",
	.open = edu_open_irq,
	.close = edu_close,
	.submit = edu_submit,
	.wait = edu_wait,
	.max_len = IOD_EDU_MAX_XFER,
	.case_max = EDU_CASE_MAX,
};

const struct iod_engine_ops iod_engine_edu_poll = {
	.name = "edu-poll",
	.device = "edu",
	.peer = "nvme-poll",
	.open = edu_open_poll,
	.close = edu_close,
	.submit = edu_submit,
	.wait = edu_wait,
	.max_len = IOD_EDU_MAX_XFER,
	.case_max = EDU_CASE_MAX,
};
