// SPDX-License-Identifier: GPL-2.0
/*
 * The NVMe engine: a real NVMe controller moving data through the IOMMU,
 * by lib/drivers/nvme/nvme_dma.h. Unless IODIRTY_SCRATCH names the
 * controller's BDF, the namespace is never written: a device write is an
 * NVMe Read of blocks the namespace already holds (what it delivers is
 * the engine's expected bytes, captured once per program), and a device
 * read is an NVMe Compare of the target against blocks it holds. With
 * scratch, a device write of the pattern goes through the namespace's
 * first blocks (NVMe Write from a staging buffer, NVMe Read to the target)
 * and a device read is an NVMe Write to the blocks after them. Long
 * operations are split over the I/O queues and run at once. The mode is
 * said once per program, as a TAP comment.
 *
 * "nvme" completes through MSI-X vectors routed to eventfds and reaped by
 * one io_uring loop; "nvme-poll" polls the completion queues.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "drivers/nvme/nvme.h"
#include "drivers/nvme/nvme_dma.h"
#include "harness/env.h"
#include "uapi/vfio_group.h"

#define NR_QUEUES	4
#define QUEUE_DEPTH	32
#define IOVA_GAP	(1ull << 21)

struct nvme_engine {
	struct iod_nvme *n;
	struct iod_nvme_dma *dma;
	bool irq;		/* completion must come by MSI-X */
};

static void nvme_close(struct iod_engine *e)
{
	struct nvme_engine *x = e->priv;

	if (!x)
		return;
	iod_nvme_dma_close(x->dma);
	iod_nvme_close(x->n);
	free(x);
	e->priv = NULL;
}

static int nvme_open(struct iod_engine *e, bool poll)
{
	struct iod_nvme_opts o = {
		.nr_queues = NR_QUEUES,
		.depth = QUEUE_DEPTH,
		.poll = poll,
		.iova_floor = iod_space_end(e->space) + IOVA_GAP,
	};
	struct iod_dma_map map = iod_dma_map_ioas(e->t->fd,
						  e->space->ioas_id);
	struct iod_nvme_dma_opts dopts = { .pattern = iod_pattern_fill };
	struct nvme_engine *x;
	char bdf[64] = "";
	int rc;

	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	e->priv = x;
	x->irq = !poll;
	/* The controller's BDF decides whether its namespace is scratch. */
	rc = iod_vfio_fd_bdf(e->t->vdev.fd, bdf, sizeof(bdf));
	if (rc) {
		snprintf(e->why, sizeof(e->why),
			 "cannot find the controller's PCI address from its VFIO cdev: %s",
			 strerror(-rc));
		goto fail;
	}
	dopts.id = bdf;
	dopts.scratch = iod_env_scratch(bdf);
	rc = iod_nvme_open(&x->n, &e->t->vdev, &map, &o, e->why,
			   sizeof(e->why));
	if (rc)
		goto fail;
	rc = iod_nvme_dma_open(&x->dma, x->n, &dopts, e->why, sizeof(e->why));
	if (rc)
		goto fail;
	if (iod_nvme_dma_first_word(x->dma)) {
		fprintf(stderr, "# nvme engine on %s: %s\n", bdf,
			iod_nvme_dma_mode(x->dma));
		fflush(stderr);
	}
	e->iova_align = 4;
	e->len_align = iod_nvme_dma_unit(x->dma);
	e->own_iova_end = iod_nvme_iova_end(x->n);
	return 0;
fail:
	nvme_close(e);
	return rc;
}

static int nvme_open_irq(struct iod_engine *e)
{
	return nvme_open(e, false);
}

static int nvme_open_poll(struct iod_engine *e)
{
	return nvme_open(e, true);
}

static int nvme_submit(struct iod_engine *e, struct iod_dma *op)
{
	struct nvme_engine *x = e->priv;

	op->done = true;
	if (!op->to_memory) {
		op->status = iod_nvme_dma_read(x->dma, op->iova, op->len);
		return 0;
	}
	op->status = iod_nvme_dma_write(x->dma, op->iova, op->len, op->seed,
					op->pattern_off);
	/*
	 * This engine promises completion by interrupts: many commands done
	 * and not one MSI-X interrupt, even a second later, means they were
	 * found by polling only (the reaper looks at the completion queue
	 * before it waits, so a fast device can be polled every time).
	 */
	if (!op->status && x->irq && !iod_nvme_interrupts(x->n) &&
	    iod_nvme_completions(x->n) >= 16 &&
	    iod_nvme_await_interrupt(x->n, 1000) <= 0) {
		fprintf(stderr, "nvme engine: %llu commands completed without one MSI-X interrupt\n",
			(unsigned long long)iod_nvme_completions(x->n));
		op->status = -EPROTO;
	}
	return 0;
}

static int nvme_wait(struct iod_engine *e, int timeout_ms)
{
	(void)e;
	(void)timeout_ms;
	return 0;	/* submit runs each operation to completion */
}

static void nvme_expected(struct iod_engine *e, uint8_t seed, uint64_t off,
			  uint8_t *buf, uint64_t len)
{
	struct nvme_engine *x = e->priv;

	iod_nvme_dma_expected(x->dma, seed, off, buf, len);
}

struct iod_nvme *iod_engine_nvme_ctrl(struct iod_engine *e,
				 struct iod_nvme_dma **dma)
{
	struct nvme_engine *x = e->priv;

	if (!e->ops || strcmp(e->ops->device, "nvme") || !x)
		return NULL;
	if (dma)
		*dma = x->dma;
	return x->n;
}

/* One operation: four commands of 32 KiB, one per I/O queue. */
#define MAX_OP (128u * 1024)

const struct iod_engine_ops iod_engine_nvme = {
	.name = "nvme",
	.device = "nvme",
	.peer = "edu-poll",
	.open = nvme_open_irq,
	.close = nvme_close,
	.submit = nvme_submit,
	.wait = nvme_wait,
	.expected = nvme_expected,
	.max_len = MAX_OP,
};

const struct iod_engine_ops iod_engine_nvme_poll = {
	.name = "nvme-poll",
	.device = "nvme",
	.peer = "edu-poll",
	.open = nvme_open_poll,
	.close = nvme_close,
	.submit = nvme_submit,
	.wait = nvme_wait,
	.expected = nvme_expected,
	.max_len = MAX_OP,
};
