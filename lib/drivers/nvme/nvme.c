// SPDX-License-Identifier: GPL-2.0
/*
 * A userspace NVMe driver: registers and commands from the NVM Express base
 * specification (controller registers, admin commands Identify, Set
 * Features / Number of Queues, Create I/O CQ and SQ; NVM commands Read,
 * Write, Compare).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "clock.h"
#include "uapi/dma_map.h"
#include "drivers/nvme/nvme.h"
#include "drivers/uring_loop.h"
#include "uapi/vfio_irq.h"

#define REG_CAP		0x00
#define REG_VS		0x08
#define REG_CC		0x14
#define REG_CSTS	0x1c
#define REG_AQA		0x24
#define REG_ASQ		0x28
#define REG_ACQ		0x30
#define REG_DBS		0x1000

#define CC_EN		(1u << 0)
#define CC_IOSQES	(6u << 16)
#define CC_IOCQES	(4u << 20)
#define CSTS_RDY	(1u << 0)
#define CSTS_CFS	(1u << 1)

#define ADM_CREATE_SQ	0x01
#define ADM_CREATE_CQ	0x05
#define ADM_IDENTIFY	0x06
#define ADM_SET_FEATURES 0x09
#define FEAT_NUM_QUEUES	0x07

#define ADMIN_DEPTH	32
#define SQE_SIZE	64
#define CQE_SIZE	16
#define XFER_CAP	(128u * 1024)	/* one PRP list page per command */
#define ARENA_EXTRA	(8u << 20)	/* for iod_nvme_dma_alloc() */
#define DEFAULT_TIMEOUT_MS 5000

struct slot {
	struct iod_nvme_io *io;
	uint64_t deadline;
	uint64_t *prp_list;
	uint64_t prp_list_iova;
};

struct queue {
	uint16_t qid, depth;
	uint8_t *sq, *cq;
	uint64_t sq_iova, cq_iova;
	uint16_t sq_tail, cq_head;
	uint8_t phase;
	volatile uint32_t *sq_db, *cq_db;
	struct slot *slots;
	unsigned int inflight;
	uint16_t next_cid;
	struct iod_nvme *n;
};

struct iod_nvme {
	struct iod_vfio_dev *dev;
	struct iod_dma_map map;	/* where the arena is mapped */
	volatile uint8_t *bar;
	uint64_t cap;
	unsigned int dstrd, timeout_ms, ready_ms;
	bool poll;
	uint8_t *arena;
	uint64_t arena_iova, arena_len, arena_used;
	bool mapped;
	struct queue admin;
	struct queue io[IOD_NVME_MAX_IOQ];
	unsigned int nr_io, depth;
	uint8_t *ident;
	uint64_t ident_iova;
	uint32_t lba_size;
	uint64_t nlbas, max_xfer;
	uint16_t oncs;		/* Optional NVM Command Support */
	int efds[IOD_NVME_MAX_IOQ + 1];
	uint32_t nr_vec;
	struct iod_uring_loop loop;
	unsigned int resets;
	int reaped;
	uint64_t irqs, completions;
};

static uint32_t rd32(struct iod_nvme *n, unsigned int off)
{
	return *(volatile uint32_t *)(n->bar + off);
}

static void wr32(struct iod_nvme *n, unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(n->bar + off) = v;
}

/* 64-bit registers as two 32-bit accesses, low half first. */
static uint64_t rd64(struct iod_nvme *n, unsigned int off)
{
	uint64_t lo = rd32(n, off);

	return lo | (uint64_t)rd32(n, off + 4) << 32;
}

static void wr64(struct iod_nvme *n, unsigned int off, uint64_t v)
{
	wr32(n, off, (uint32_t)v);
	wr32(n, off + 4, (uint32_t)(v >> 32));
}

static void *arena_take(struct iod_nvme *n, uint64_t len, uint64_t *iova)
{
	uint64_t off = (n->arena_used + IOD_NVME_PAGE - 1) &
		       ~(uint64_t)(IOD_NVME_PAGE - 1);

	len = (len + IOD_NVME_PAGE - 1) & ~(uint64_t)(IOD_NVME_PAGE - 1);
	if (off + len > n->arena_len)
		return NULL;
	n->arena_used = off + len;
	*iova = n->arena_iova + off;
	return n->arena + off;
}

void *iod_nvme_dma_alloc(struct iod_nvme *n, uint64_t len, uint64_t *iova)
{
	return arena_take(n, len, iova);
}

static volatile uint32_t *doorbell(struct iod_nvme *n, uint16_t qid, int cq)
{
	return (volatile uint32_t *)(n->bar + REG_DBS +
				     (2 * qid + cq) * (4u << n->dstrd));
}

static int queue_alloc(struct iod_nvme *n, struct queue *q, uint16_t qid,
		       uint16_t depth)
{
	unsigned int i;

	q->qid = qid;
	q->depth = depth;
	q->n = n;
	q->sq = arena_take(n, (uint64_t)depth * SQE_SIZE, &q->sq_iova);
	q->cq = arena_take(n, (uint64_t)depth * CQE_SIZE, &q->cq_iova);
	q->slots = calloc(depth, sizeof(*q->slots));
	if (!q->sq || !q->cq || !q->slots)
		return -ENOMEM;
	for (i = 0; i < depth && qid; i++) {
		q->slots[i].prp_list = arena_take(n, IOD_NVME_PAGE,
						  &q->slots[i].prp_list_iova);
		if (!q->slots[i].prp_list)
			return -ENOMEM;
	}
	return 0;
}

/* Empty queue state, as after creation on the controller. */
static void queue_reset(struct iod_nvme *n, struct queue *q)
{
	memset(q->sq, 0, (size_t)q->depth * SQE_SIZE);
	memset(q->cq, 0, (size_t)q->depth * CQE_SIZE);
	q->sq_tail = 0;
	q->cq_head = 0;
	q->phase = 1;
	q->inflight = 0;
	q->sq_db = doorbell(n, q->qid, 0);
	q->cq_db = doorbell(n, q->qid, 1);
}

/* Put one command on a queue and ring its doorbell. */
static void queue_push(struct queue *q, const uint8_t *sqe)
{
	memcpy(q->sq + (size_t)q->sq_tail * SQE_SIZE, sqe, SQE_SIZE);
	if (++q->sq_tail == q->depth)
		q->sq_tail = 0;
	__sync_synchronize();
	*q->sq_db = q->sq_tail;
}

static void put32(uint8_t *sqe, unsigned int off, uint32_t v)
{
	memcpy(sqe + off, &v, 4);
}

static void put64(uint8_t *sqe, unsigned int off, uint64_t v)
{
	memcpy(sqe + off, &v, 8);
}

/*
 * The next completion entry of q if the controller posted it: its status
 * field (phase bit dropped) in *status, command id in *cid.
 */
static bool queue_pop(struct queue *q, uint16_t *cid, uint16_t *status,
		      uint32_t *dw0)
{
	const uint8_t *cqe = q->cq + (size_t)q->cq_head * CQE_SIZE;
	uint32_t dw3;

	__sync_synchronize();
	memcpy(&dw3, cqe + 12, 4);
	if (((dw3 >> 16) & 1) != q->phase)
		return false;
	__sync_synchronize();
	memcpy(dw0, cqe, 4);
	*cid = dw3 & 0xffff;
	*status = (dw3 >> 17) & 0x7fff;
	if (++q->cq_head == q->depth) {
		q->cq_head = 0;
		q->phase ^= 1;
	}
	return true;
}

static int wait_ready(struct iod_nvme *n, bool ready)
{
	uint64_t deadline = iod_now_ms() + n->ready_ms;

	for (;;) {
		uint32_t csts = rd32(n, REG_CSTS);

		if (csts == 0xffffffff)
			return -ENODEV;
		if (ready && (csts & CSTS_CFS))
			return -EIO;
		if (!!(csts & CSTS_RDY) == ready)
			return 0;
		if (iod_now_ms() > deadline)
			return -ETIMEDOUT;
		usleep(1000);
	}
}

/* An admin command, polled to completion. */
static int admin(struct iod_nvme *n, uint8_t *sqe, uint32_t *result,
		 uint16_t *status_out)
{
	struct queue *q = &n->admin;
	uint64_t deadline = iod_now_ms() + n->timeout_ms;
	uint16_t cid = q->next_cid++ % q->depth, got, status;
	uint32_t dw0;

	put32(sqe, 0, sqe[0] | (uint32_t)cid << 16);
	queue_push(q, sqe);
	for (;;) {
		if (queue_pop(q, &got, &status, &dw0)) {
			*q->cq_db = q->cq_head;
			if (got != cid)
				continue;
			if (result)
				*result = dw0;
			if (status_out)
				*status_out = status;
			return (status & 0x7ff) ? -EIO : 0;
		}
		if (iod_now_ms() > deadline)
			return -ETIMEDOUT;
		usleep(50);
	}
}

static int create_io_queue(struct iod_nvme *n, struct queue *q,
			   uint16_t vector, uint16_t *status)
{
	uint8_t sqe[SQE_SIZE] = { 0 };
	int rc;

	sqe[0] = ADM_CREATE_CQ;
	put64(sqe, 24, q->cq_iova);
	put32(sqe, 40, (uint32_t)(q->depth - 1) << 16 | q->qid);
	put32(sqe, 44, (uint32_t)vector << 16 | (n->poll ? 0 : 2) | 1);
	rc = admin(n, sqe, NULL, status);
	if (rc)
		return rc;
	memset(sqe, 0, sizeof(sqe));
	sqe[0] = ADM_CREATE_SQ;
	put64(sqe, 24, q->sq_iova);
	put32(sqe, 40, (uint32_t)(q->depth - 1) << 16 | q->qid);
	put32(sqe, 44, (uint32_t)q->qid << 16 | 1);
	return admin(n, sqe, NULL, status);
}

/*
 * Disable, then enable the controller with the admin queue, and create the
 * I/O queues (n->nr_io of them; 0 before the first Identify).
 */
static int enable(struct iod_nvme *n, char *why, size_t len)
{
	uint16_t status = 0;
	unsigned int i;
	int rc;

	wr32(n, REG_CC, 0);
	rc = wait_ready(n, false);
	if (rc) {
		snprintf(why, len, "controller did not disable (CSTS 0x%x): %s",
			 rd32(n, REG_CSTS), strerror(-rc));
		return rc;
	}
	queue_reset(n, &n->admin);
	wr32(n, REG_AQA, (uint32_t)(ADMIN_DEPTH - 1) << 16 | (ADMIN_DEPTH - 1));
	wr64(n, REG_ASQ, n->admin.sq_iova);
	wr64(n, REG_ACQ, n->admin.cq_iova);
	wr32(n, REG_CC, CC_EN | CC_IOSQES | CC_IOCQES);
	rc = wait_ready(n, true);
	if (rc) {
		snprintf(why, len, "controller did not become ready (CSTS 0x%x): %s",
			 rd32(n, REG_CSTS),
			 rc == -EIO ? "controller fatal status" : strerror(-rc));
		return rc;
	}
	for (i = 0; i < n->nr_io; i++) {
		queue_reset(n, &n->io[i]);
		rc = create_io_queue(n, &n->io[i], n->poll ? 0 : i + 1,
				     &status);
		if (rc) {
			snprintf(why, len, "creating I/O queue %u failed: %s",
				 i + 1, rc == -EIO ? iod_nvme_status_str(status) :
				 strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static int identify(struct iod_nvme *n, uint32_t nsid, uint32_t cns,
		    uint16_t *status)
{
	uint8_t sqe[SQE_SIZE] = { 0 };

	memset(n->ident, 0, IOD_NVME_PAGE);
	sqe[0] = ADM_IDENTIFY;
	put32(sqe, 4, nsid);
	put64(sqe, 24, n->ident_iova);
	put32(sqe, 40, cns);
	return admin(n, sqe, NULL, status);
}

/* Identify controller and namespace 1; set the queue count. */
static int discover(struct iod_nvme *n, unsigned int want, char *why,
		    size_t len)
{
	uint8_t sqe[SQE_SIZE] = { 0 };
	uint16_t status = 0;
	unsigned int mpsmin = (n->cap >> 48) & 0xf, mdts, flbas, lbads;
	uint32_t got;
	uint64_t nsze;
	int rc;

	rc = identify(n, 0, 1, &status);
	if (rc)
		goto fail_ident;
	mdts = n->ident[77];
	memcpy(&n->oncs, n->ident + 520, 2);
	n->max_xfer = XFER_CAP;
	if (mdts && (1ull << (12 + mpsmin)) << mdts < n->max_xfer)
		n->max_xfer = (1ull << (12 + mpsmin)) << mdts;
	rc = identify(n, 1, 0, &status);
	if (rc)
		goto fail_ident;
	memcpy(&nsze, n->ident, 8);
	flbas = n->ident[26] & 0xf;
	lbads = n->ident[128 + 4 * flbas + 2];
	if (!nsze || lbads < 9 || lbads > 12) {
		snprintf(why, len,
			 "namespace 1 is not usable (size %llu blocks, block size 2^%u)",
			 (unsigned long long)nsze, lbads);
		return -ENODEV;
	}
	n->nlbas = nsze;
	n->lba_size = 1u << lbads;
	sqe[0] = ADM_SET_FEATURES;
	put32(sqe, 40, FEAT_NUM_QUEUES);
	put32(sqe, 44, (want - 1) | (want - 1) << 16);
	rc = admin(n, sqe, &got, &status);
	if (rc) {
		snprintf(why, len, "Set Features (Number of Queues) failed: %s",
			 rc == -EIO ? iod_nvme_status_str(status) :
			 strerror(-rc));
		return rc;
	}
	if ((got & 0xffff) + 1 < want)
		want = (got & 0xffff) + 1;
	if ((got >> 16) + 1 < want)
		want = (got >> 16) + 1;
	n->nr_io = want;
	return 0;
fail_ident:
	snprintf(why, len, "Identify failed: %s",
		 rc == -EIO ? iod_nvme_status_str(status) : strerror(-rc));
	return rc;
}

static void complete(struct queue *q, uint16_t cid, uint16_t status)
{
	struct slot *s;
	struct iod_nvme_io *io;

	if (cid >= q->depth || !q->slots[cid].io)
		return;		/* not ours, or already timed out */
	s = &q->slots[cid];
	io = s->io;
	s->io = NULL;
	q->inflight--;
	io->status = status;
	/* Data Transfer Error: the device could not reach the memory. */
	io->result = !(status & 0x7ff) ? 0 :
		     (status & 0x7ff) == 0x004 ? -EFAULT : -EIO;
	io->done = true;
	q->n->reaped++;
	q->n->completions++;
	if (io->complete)
		io->complete(io);
}

static int drain(struct queue *q)
{
	uint16_t cid, status;
	uint32_t dw0;
	int got = 0;

	while (queue_pop(q, &cid, &status, &dw0)) {
		complete(q, cid, status);
		got++;
	}
	if (got)
		*q->cq_db = q->cq_head;
	return got;
}

static void on_vector(void *arg, uint64_t count)
{
	struct queue *q = arg;

	q->n->irqs += count;
	drain(q);
}

int iod_nvme_open(struct iod_nvme **out, struct iod_vfio_dev *dev,
		  const struct iod_dma_map *map, const struct iod_nvme_opts *o,
		  char *why, size_t len)
{
	struct iod_nvme *n;
	unsigned int want = o->nr_queues ? o->nr_queues : 1, i, mqes;
	unsigned int depth = o->depth ? o->depth : 64;
	uint64_t need;
	int rc;

	*out = NULL;
	if (want > IOD_NVME_MAX_IOQ || depth < 2 || depth > 1024) {
		snprintf(why, len, "bad NVMe options: %u queues of depth %u",
			 want, depth);
		return -EINVAL;
	}
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->dev = dev;
	n->map = *map;
	n->poll = o->poll;
	n->timeout_ms = o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	for (i = 0; i <= IOD_NVME_MAX_IOQ; i++)
		n->efds[i] = -1;
	if (!dev->bar) {
		rc = iod_vfio_map_bar(dev, 0);
		if (rc) {
			snprintf(why, len, "cannot map BAR0: %s", strerror(-rc));
			goto fail;
		}
	}
	n->bar = dev->bar;
	if (dev->bar_size < REG_DBS + 0x100) {
		snprintf(why, len, "BAR0 is %zu bytes: not an NVMe controller",
			 dev->bar_size);
		rc = -ENODEV;
		goto fail;
	}
	n->cap = rd64(n, REG_CAP);
	if (n->cap == ~0ull || !(n->cap & (1ull << 37))) {
		snprintf(why, len,
			 "CAP 0x%llx: not an NVMe controller with the NVM command set",
			 (unsigned long long)n->cap);
		rc = -ENODEV;
		goto fail;
	}
	if ((n->cap >> 48 & 0xf) != 0) {
		snprintf(why, len, "controller's smallest page is over 4 KiB (CAP 0x%llx)",
			 (unsigned long long)n->cap);
		rc = -ENODEV;
		goto fail;
	}
	mqes = (n->cap & 0xffff) + 1;
	if (depth > mqes)
		depth = mqes;
	n->depth = depth;
	n->dstrd = (n->cap >> 32) & 0xf;
	n->ready_ms = (((n->cap >> 24) & 0xff) + 1) * 500;
	rc = iod_vfio_bus_master(dev, 1);
	if (rc) {
		snprintf(why, len, "cannot enable bus mastering: %s",
			 strerror(-rc));
		goto fail;
	}
	/* The arena: queues, PRP lists, the Identify buffer, staging. */
	need = 3 * IOD_NVME_PAGE +
	       want * (2 * IOD_NVME_PAGE + (uint64_t)depth * SQE_SIZE +
		       (uint64_t)depth * CQE_SIZE +
		       (uint64_t)depth * IOD_NVME_PAGE) + ARENA_EXTRA;
	n->arena_len = (need + (2u << 20) - 1) & ~(uint64_t)((2u << 20) - 1);
	n->arena = mmap(NULL, n->arena_len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (n->arena == MAP_FAILED) {
		rc = -errno;
		n->arena = NULL;
		snprintf(why, len, "cannot allocate %llu bytes: %s",
			 (unsigned long long)n->arena_len, strerror(-rc));
		goto fail;
	}
	rc = iod_dma_map_pick(&n->map, n->arena_len, o->iova_floor, 2u << 20,
			      &n->arena_iova);
	if (!rc)
		rc = iod_dma_map_map(&n->map, n->arena, n->arena_len,
				     n->arena_iova);
	if (rc) {
		snprintf(why, len, "cannot map the driver's memory in the %s: %s",
			 n->map.container ? "VFIO container" : "IOAS",
			 strerror(-rc));
		goto fail;
	}
	n->mapped = true;
	rc = queue_alloc(n, &n->admin, 0, ADMIN_DEPTH);
	n->ident = arena_take(n, IOD_NVME_PAGE, &n->ident_iova);
	for (i = 0; !rc && i < want; i++)
		rc = queue_alloc(n, &n->io[i], i + 1, depth);
	if (rc || !n->ident) {
		snprintf(why, len, "the driver's memory is too small");
		rc = -ENOMEM;
		goto fail;
	}
	rc = enable(n, why, len);
	if (rc)
		goto fail;
	rc = discover(n, want, why, len);
	if (rc)
		goto fail;
	if (!n->poll) {
		n->nr_vec = n->nr_io + 1;
		rc = iod_vfio_irq_enable(dev, VFIO_PCI_MSIX_IRQ_INDEX,
					 n->nr_vec, n->efds);
		if (rc) {
			n->nr_vec = 0;
			snprintf(why, len,
				 "cannot route %u MSI-X vectors to eventfds: %s",
				 n->nr_io + 1, strerror(-rc));
			goto fail;
		}
		rc = iod_uring_loop_init(&n->loop, 2 * IOD_NVME_MAX_IOQ + 4);
		for (i = 0; !rc && i < n->nr_io; i++)
			rc = iod_uring_loop_watch(&n->loop, n->efds[i + 1],
						  on_vector, &n->io[i]);
		if (rc) {
			snprintf(why, len, "io_uring set-up failed: %s",
				 strerror(-rc));
			goto fail;
		}
	}
	/* Now the I/O queues, with their vectors. */
	for (i = 0; i < n->nr_io; i++) {
		uint16_t status = 0;

		queue_reset(n, &n->io[i]);
		rc = create_io_queue(n, &n->io[i], n->poll ? 0 : i + 1,
				     &status);
		if (rc) {
			snprintf(why, len, "creating I/O queue %u failed: %s",
				 i + 1, rc == -EIO ? iod_nvme_status_str(status) :
				 strerror(-rc));
			goto fail;
		}
	}
	*out = n;
	return 0;
fail:
	iod_nvme_close(n);
	return rc;
}

void iod_nvme_close(struct iod_nvme *n)
{
	unsigned int i;

	if (!n)
		return;
	if (n->bar) {
		wr32(n, REG_CC, 0);
		wait_ready(n, false);
	}
	iod_uring_loop_exit(&n->loop);
	if (n->nr_vec)
		iod_vfio_irq_disable(n->dev, VFIO_PCI_MSIX_IRQ_INDEX,
				     n->nr_vec, n->efds);
	if (n->mapped)
		iod_dma_map_unmap(&n->map, n->arena_iova, n->arena_len);
	if (n->arena)
		munmap(n->arena, n->arena_len);
	free(n->admin.slots);
	for (i = 0; i < IOD_NVME_MAX_IOQ; i++)
		free(n->io[i].slots);
	free(n);
}

uint32_t iod_nvme_lba_size(const struct iod_nvme *n)
{
	return n->lba_size;
}

uint64_t iod_nvme_nlbas(const struct iod_nvme *n)
{
	return n->nlbas;
}

uint64_t iod_nvme_max_xfer(const struct iod_nvme *n)
{
	return n->max_xfer;
}

bool iod_nvme_can_compare(const struct iod_nvme *n)
{
	return n->oncs & 1;
}

unsigned int iod_nvme_nr_queues(const struct iod_nvme *n)
{
	return n->nr_io;
}

unsigned int iod_nvme_inflight(const struct iod_nvme *n)
{
	unsigned int i, sum = 0;

	for (i = 0; i < n->nr_io; i++)
		sum += n->io[i].inflight;
	return sum;
}

uint64_t iod_nvme_interrupts(const struct iod_nvme *n)
{
	return n->irqs;
}

uint64_t iod_nvme_completions(const struct iod_nvme *n)
{
	return n->completions;
}

int64_t iod_nvme_await_interrupt(struct iod_nvme *n, int timeout_ms)
{
	uint64_t end = iod_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);

	while (!n->irqs && !n->poll) {
		uint64_t now = iod_now_ms();
		int rc;

		if (now >= end)
			break;
		rc = iod_uring_loop_run(&n->loop, (int)(end - now));
		if (rc < 0)
			return rc;
	}
	return (int64_t)n->irqs;
}

uint64_t iod_nvme_iova_end(const struct iod_nvme *n)
{
	return n->arena_iova + n->arena_len;
}

unsigned int iod_nvme_resets(const struct iod_nvme *n)
{
	return n->resets;
}

int iod_nvme_submit(struct iod_nvme *n, unsigned int qi,
		    struct iod_nvme_io *io)
{
	uint8_t sqe[SQE_SIZE] = { 0 };
	struct iod_nvme_prp prp;
	struct queue *q;
	struct slot *s;
	uint64_t bytes = 0;
	unsigned int i;
	uint16_t cid = 0;
	int rc;

	if (qi >= n->nr_io || !io->nlb || !io->nseg ||
	    io->slba + io->nlb > n->nlbas || io->slba + io->nlb < io->slba)
		return -EINVAL;
	for (i = 0; i < io->nseg; i++)
		bytes += io->seg[i].len;
	if (bytes != (uint64_t)io->nlb * n->lba_size || bytes > n->max_xfer)
		return -EINVAL;
	q = &n->io[qi];
	if (q->inflight >= q->depth - 1u)
		return -EBUSY;
	/* A free command id: the slot index. */
	for (i = 0; i < q->depth; i++) {
		cid = (q->next_cid + i) % q->depth;
		if (!q->slots[cid].io)
			break;
	}
	s = &q->slots[cid];
	rc = iod_nvme_prp_build(io->seg, io->nseg, IOD_NVME_PAGE, s->prp_list,
				IOD_NVME_PAGE / 8, s->prp_list_iova, &prp);
	if (rc)
		return rc;
	q->next_cid = (cid + 1) % q->depth;
	io->done = false;
	io->result = 0;
	io->status = 0;
	s->io = io;
	s->deadline = iod_now_ms() + n->timeout_ms;
	q->inflight++;
	put32(sqe, 0, io->opc | (uint32_t)cid << 16);
	put32(sqe, 4, 1);
	put64(sqe, 24, prp.prp1);
	put64(sqe, 32, prp.prp2);
	put64(sqe, 40, io->slba);
	put32(sqe, 48, io->nlb - 1);
	queue_push(q, sqe);
	return 0;
}

/* Fail everything in flight and bring the controller back. */
static void reset_after_timeout(struct iod_nvme *n)
{
	char why[256];
	unsigned int i, c;

	n->resets++;
	wr32(n, REG_CC, 0);
	wait_ready(n, false);
	for (i = 0; i < n->nr_io; i++) {
		struct queue *q = &n->io[i];

		for (c = 0; c < q->depth; c++) {
			struct iod_nvme_io *io = q->slots[c].io;

			if (!io)
				continue;
			q->slots[c].io = NULL;
			io->result = q->slots[c].deadline <= iod_now_ms() ?
				     -ETIMEDOUT : -ECANCELED;
			io->done = true;
			n->reaped++;
			if (io->complete)
				io->complete(io);
		}
		q->inflight = 0;
	}
	if (enable(n, why, sizeof(why)))
		fprintf(stderr, "nvme: reset after a timeout failed: %s\n", why);
}

static bool past_deadline(struct iod_nvme *n)
{
	uint64_t now = iod_now_ms();
	unsigned int i, c;

	for (i = 0; i < n->nr_io; i++)
		for (c = 0; c < n->io[i].depth; c++)
			if (n->io[i].slots[c].io &&
			    n->io[i].slots[c].deadline < now)
				return true;
	return false;
}

int iod_nvme_reap(struct iod_nvme *n, int timeout_ms)
{
	uint64_t end = iod_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	unsigned int i;
	int rc;

	n->reaped = 0;
	for (;;) {
		for (i = 0; i < n->nr_io; i++)
			drain(&n->io[i]);
		if (n->reaped)
			return n->reaped;
		if (past_deadline(n)) {
			reset_after_timeout(n);
			return n->reaped;
		}
		if (iod_now_ms() >= end || !iod_nvme_inflight(n))
			return 0;
		if (n->poll)
			continue;
		rc = iod_uring_loop_run(&n->loop, 100);
		if (rc < 0)
			return rc;
	}
}

int iod_nvme_rw(struct iod_nvme *n, unsigned int q, uint8_t opc,
		uint64_t slba, uint32_t nlb, const struct iod_nvme_seg *seg,
		unsigned int nseg)
{
	struct iod_nvme_io io = {
		.opc = opc, .slba = slba, .nlb = nlb, .seg = seg, .nseg = nseg,
	};
	int rc = iod_nvme_submit(n, q, &io);

	while (!rc && !io.done) {
		rc = iod_nvme_reap(n, n->timeout_ms + 1000);
		if (rc > 0)
			rc = 0;
	}
	return rc ? rc : io.result;
}

const char *iod_nvme_status_str(uint16_t status)
{
	static char buf[64];
	unsigned int sct = (status >> 8) & 7, sc = status & 0xff;

	if (sct == 0) {
		switch (sc) {
		case 0x00: return "success";
		case 0x01: return "Invalid Command Opcode";
		case 0x02: return "Invalid Field in Command";
		case 0x04: return "Data Transfer Error";
		case 0x06: return "Internal Error";
		case 0x0b: return "Invalid Namespace or Format";
		case 0x13: return "PRP Offset Invalid";
		case 0x80: return "LBA Out of Range";
		}
	}
	if (sct == 1 && sc == 0x01)
		return "Invalid Queue Identifier";
	if (sct == 1 && sc == 0x02)
		return "Invalid Queue Size";
	if (sct == 2 && sc == 0x85)
		return "Compare Failure";
	snprintf(buf, sizeof(buf), "status type %u code 0x%02x", sct, sc);
	return buf;
}
