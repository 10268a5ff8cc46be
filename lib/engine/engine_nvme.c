// SPDX-License-Identifier: GPL-2.0
/*
 * The NVMe engine: a real NVMe controller moving data through the IOMMU.
 * A device write of a pattern at (iova, len) puts the pattern in a staging
 * buffer, NVMe Writes it to the namespace (the device reads host memory
 * outside the test's IOVAs), then NVMe Reads those blocks to the target
 * IOVAs (the device writes host memory: what must show up dirty). A device
 * read is an NVMe Write from the target IOVAs to scratch blocks. Long
 * operations are split over the I/O queues and run at once.
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

#define NR_QUEUES	4
#define QUEUE_DEPTH	32
#define CHUNK		(32u * 1024)	/* bytes per command */
#define MAX_OP		(NR_QUEUES * CHUNK)
#define IOVA_GAP	(1ull << 21)

struct nvme_engine {
	struct iod_nvme *n;
	bool irq;		/* completion must come by MSI-X */
	uint8_t *stage;		/* MAX_OP bytes: the pattern to write */
	uint64_t stage_iova;
	uint64_t write_lba;	/* blocks the pattern goes through */
	uint64_t scratch_lba;	/* blocks device reads go to */
};

static void nvme_close(struct iod_engine *e)
{
	struct nvme_engine *x = e->priv;

	if (!x)
		return;
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
	struct nvme_engine *x;
	uint64_t blocks;
	int rc;

	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	e->priv = x;
	x->irq = !poll;
	rc = iod_nvme_open(&x->n, &e->t->vdev, e->t->fd, e->space->ioas_id, &o,
			   e->why, sizeof(e->why));
	if (rc)
		goto fail;
	if (iod_nvme_max_xfer(x->n) < CHUNK) {
		snprintf(e->why, sizeof(e->why),
			 "the controller moves at most %llu bytes a command, the engine needs %u",
			 (unsigned long long)iod_nvme_max_xfer(x->n), CHUNK);
		rc = -EOPNOTSUPP;
		goto fail;
	}
	blocks = MAX_OP / iod_nvme_lba_size(x->n);
	if (iod_nvme_nlbas(x->n) < 2 * blocks) {
		snprintf(e->why, sizeof(e->why),
			 "namespace 1 has %llu blocks, the engine needs %llu",
			 (unsigned long long)iod_nvme_nlbas(x->n),
			 (unsigned long long)(2 * blocks));
		rc = -ENOSPC;
		goto fail;
	}
	x->write_lba = 0;
	x->scratch_lba = blocks;
	x->stage = iod_nvme_dma_alloc(x->n, MAX_OP, &x->stage_iova);
	if (!x->stage) {
		snprintf(e->why, sizeof(e->why), "no room for the staging buffer");
		rc = -ENOMEM;
		goto fail;
	}
	e->iova_align = 4;
	e->len_align = iod_nvme_lba_size(x->n);
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

/*
 * One NVMe command per CHUNK of [iova, +len) on queue k, all at once: opc
 * moves between the IOVAs and the blocks from `lba`. 0 or the first error.
 */
static int run_chunks(struct nvme_engine *x, uint8_t opc, uint64_t iova,
		      uint64_t len, uint64_t lba)
{
	struct iod_nvme_seg seg[NR_QUEUES];
	struct iod_nvme_io io[NR_QUEUES];
	uint32_t lbs = iod_nvme_lba_size(x->n);
	unsigned int k, nq = iod_nvme_nr_queues(x->n), count = 0;
	uint64_t off;
	int rc = 0, rr;

	memset(io, 0, sizeof(io));
	for (off = 0, k = 0; off < len; off += CHUNK, k++) {
		uint64_t n = len - off < CHUNK ? len - off : CHUNK;

		seg[k] = (struct iod_nvme_seg){ .iova = iova + off, .len = n };
		io[k] = (struct iod_nvme_io){
			.opc = opc, .slba = lba + off / lbs,
			.nlb = (uint32_t)(n / lbs), .seg = &seg[k], .nseg = 1,
		};
		rc = iod_nvme_submit(x->n, k % nq, &io[k]);
		if (rc)
			break;
		count++;
	}
	/* Reap what was submitted, even after a failed submission. */
	for (;;) {
		bool all = true;

		for (k = 0; k < count; k++)
			all = all && io[k].done;
		if (all)
			break;
		rr = iod_nvme_reap(x->n, 10000);
		if (rr < 0)
			return rc ? rc : rr;
		if (!rr && iod_nvme_inflight(x->n) == 0)
			break;
	}
	for (k = 0; k < count && !rc; k++)
		rc = io[k].done ? io[k].result : -ETIMEDOUT;
	return rc;
}

static int nvme_submit(struct iod_engine *e, struct iod_dma *op)
{
	struct nvme_engine *x = e->priv;
	uint64_t i;

	op->done = true;
	if (!op->len || op->len > MAX_OP || op->len % e->len_align ||
	    op->iova % e->iova_align) {
		op->status = -EINVAL;
		return 0;
	}
	if (!op->to_memory) {
		op->status = run_chunks(x, IOD_NVME_WRITE, op->iova, op->len,
					x->scratch_lba);
		return 0;
	}
	for (i = 0; i < op->len; i++)
		x->stage[i] = iod_pattern_byte(op->seed, op->pattern_off + i);
	op->status = run_chunks(x, IOD_NVME_WRITE, x->stage_iova, op->len,
				x->write_lba);
	if (!op->status)
		op->status = run_chunks(x, IOD_NVME_READ, op->iova, op->len,
					x->write_lba);
	/*
	 * This engine promises completion by interrupts: many commands done
	 * and not one MSI-X interrupt means they were found by polling only.
	 */
	if (!op->status && x->irq && !iod_nvme_interrupts(x->n) &&
	    iod_nvme_completions(x->n) >= 16) {
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

const struct iod_engine_ops iod_engine_nvme = {
	.name = "nvme",
	.device = "nvme",
	.peer = "edu-poll",
	.open = nvme_open_irq,
	.close = nvme_close,
	.submit = nvme_submit,
	.wait = nvme_wait,
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
	.max_len = MAX_OP,
};
