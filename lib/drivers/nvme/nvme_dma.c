// SPDX-License-Identifier: GPL-2.0
/*
 * An NVMe controller writing and reading host memory, read-only on its
 * namespace unless named scratch (see nvme_dma.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "drivers/nvme/nvme_dma.h"

#define CHUNK		(32u * 1024)	/* bytes per command */
#define NR_CHUNKS	4
#define MAX_OP		(NR_CHUNKS * CHUNK)
#define MAX_CMDS	(2 * NR_CHUNKS)	/* a chunk may wrap the reference */
#define MIN_REF		(1u << 20)
#define NR_SLOTS	4
#define HDR_LEN		4096u

/*
 * The references of this program's controllers, in memory shared by the
 * harness's forks (mapped before main, so every case's child sees what
 * the first one captured).
 */
struct ref_slot {
	char id[64];
	uint64_t len;		/* bytes captured; 0: none yet */
	uint32_t lba_size;
	bool said;		/* the mode was said once */
};

static struct ref_slot *slots;	/* NR_SLOTS, in the shared header */
static uint8_t *slot_data;	/* NR_SLOTS * IOD_NVME_REF_LEN, shared */

static __attribute__((constructor)) void ref_cache_map(void)
{
	void *p = mmap(NULL, HDR_LEN + (size_t)NR_SLOTS * IOD_NVME_REF_LEN,
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		       0);

	if (p == MAP_FAILED)
		return;		/* each open captures on its own then */
	slots = p;
	slot_data = (uint8_t *)p + HDR_LEN;
}

struct iod_nvme_dma {
	struct iod_nvme *n;
	bool scratch;
	iod_nvme_fill_fn *pattern;
	uint32_t lbs;
	uint8_t *stage;		/* MAX_OP bytes of driver memory */
	uint64_t stage_iova;
	uint8_t *ref;		/* the reference (read-only) */
	uint64_t ref_len, stride;
	struct ref_slot *slot;	/* where ref lives when shared, or NULL */
	bool own_ref;		/* ref is this open's malloc */
	bool said;		/* the mode was said (unshared ref) */
	char mode[256];
};

struct cmd {
	uint8_t opc;
	uint64_t iova, len, lba;
};

/* Run every command at once over the I/O queues: 0 or the first error. */
static int run_cmds(struct iod_nvme_dma *x, const struct cmd *c,
		    unsigned int nc)
{
	struct iod_nvme_seg seg[MAX_CMDS];
	struct iod_nvme_io io[MAX_CMDS];
	unsigned int k, nq = iod_nvme_nr_queues(x->n), count = 0;
	int rc = 0, rr;

	memset(io, 0, sizeof(io));
	for (k = 0; k < nc; k++) {
		seg[k] = (struct iod_nvme_seg){ .iova = c[k].iova,
						.len = c[k].len };
		io[k] = (struct iod_nvme_io){
			.opc = c[k].opc, .slba = c[k].lba,
			.nlb = (uint32_t)(c[k].len / x->lbs), .seg = &seg[k],
			.nseg = 1,
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
	for (k = 0; k < count && !rc; k++) {
		rc = io[k].done ? io[k].result : -ETIMEDOUT;
		/* A Compare that differs still read the memory. */
		if (rc == -EIO && io[k].opc == IOD_NVME_COMPARE &&
		    (io[k].status & 0x7ff) == IOD_NVME_COMPARE_FAILURE)
			rc = 0;
	}
	return rc;
}

/*
 * Commands moving [iova, +len) against namespace bytes from `from` on, in
 * chunks; with `wrap` (the reference's length), from the reference's
 * bytes (from + offset) mod wrap, a chunk split where the reference wraps.
 */
static unsigned int chunk_cmds(const struct iod_nvme_dma *x, uint8_t opc,
			       uint64_t iova, uint64_t len, uint64_t from,
			       uint64_t wrap, struct cmd *c)
{
	unsigned int nc = 0;
	uint64_t o;

	for (o = 0; o < len; o += CHUNK) {
		uint64_t n = len - o < CHUNK ? len - o : CHUNK;
		uint64_t src = wrap ? (from + o) % wrap : from + o;
		uint64_t first = wrap && wrap - src < n ? wrap - src : n;

		c[nc++] = (struct cmd){ opc, iova + o, first, src / x->lbs };
		if (first < n)
			c[nc++] = (struct cmd){ opc, iova + o + first,
						n - first, 0 };
	}
	return nc;
}

/* Commands against the reference's bytes from `from` on (mod its length). */
static unsigned int ref_cmds(const struct iod_nvme_dma *x, uint8_t opc,
			     uint64_t iova, uint64_t len, uint64_t from,
			     struct cmd *c)
{
	return chunk_cmds(x, opc, iova, len, from, x->ref_len, c);
}

/* Commands against the blocks from `lba` on. */
static unsigned int block_cmds(const struct iod_nvme_dma *x, uint8_t opc,
			       uint64_t iova, uint64_t len, uint64_t lba,
			       struct cmd *c)
{
	return chunk_cmds(x, opc, iova, len, lba * x->lbs, 0, c);
}

/* Read the reference into x->ref through the staging buffer. */
static int capture(struct iod_nvme_dma *x)
{
	struct cmd c[MAX_CMDS];
	uint64_t off;
	int rc;

	for (off = 0; off < x->ref_len; off += MAX_OP) {
		rc = run_cmds(x, c, block_cmds(x, IOD_NVME_READ, x->stage_iova,
					       MAX_OP, off / x->lbs, c));
		if (rc)
			return rc;
		memcpy(x->ref + off, x->stage, MAX_OP);
	}
	return 0;
}

/* This controller's shared slot (a free one if it has none), or NULL. */
static struct ref_slot *find_slot(const char *id, uint8_t **data)
{
	unsigned int i;

	if (!slots || !id || !*id || strlen(id) >= sizeof(slots[0].id))
		return NULL;
	for (i = 0; i < NR_SLOTS; i++) {
		if (!slots[i].id[0])
			strcpy(slots[i].id, id);
		if (!strcmp(slots[i].id, id)) {
			*data = slot_data + (size_t)i * IOD_NVME_REF_LEN;
			return &slots[i];
		}
	}
	return NULL;
}

/*
 * The reference: shared and captured once (in x->slot's data), else
 * captured now.
 */
static int open_ref(struct iod_nvme_dma *x, uint8_t *data)
{
	int rc;

	if (x->slot && x->slot->len == x->ref_len &&
	    x->slot->lba_size == x->lbs) {
		x->ref = data;
		return 0;
	}
	if (x->slot) {
		x->ref = data;
		x->slot->len = 0;
	} else {
		x->ref = malloc(x->ref_len);
		if (!x->ref)
			return -ENOMEM;
		x->own_ref = true;
	}
	rc = capture(x);
	if (!rc && x->slot) {
		x->slot->len = x->ref_len;
		x->slot->lba_size = x->lbs;
	}
	return rc;
}

int iod_nvme_dma_open(struct iod_nvme_dma **out, struct iod_nvme *n,
		      const struct iod_nvme_dma_opts *o, char *why,
		      size_t len)
{
	struct iod_nvme_dma *x;
	uint8_t *data = NULL;
	uint64_t ns_bytes;
	int rc;

	*out = NULL;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->n = n;
	x->slot = find_slot(o->id, &data);
	x->scratch = o->scratch;
	x->pattern = o->pattern;
	x->lbs = iod_nvme_lba_size(n);
	ns_bytes = iod_nvme_nlbas(n) * x->lbs;
	if (iod_nvme_max_xfer(n) < CHUNK) {
		snprintf(why, len,
			 "the controller moves at most %llu bytes a command, the driver needs %u",
			 (unsigned long long)iod_nvme_max_xfer(n), CHUNK);
		rc = -EOPNOTSUPP;
		goto fail;
	}
	if (ns_bytes < (x->scratch ? 2ull * MAX_OP : MIN_REF)) {
		snprintf(why, len,
			 "namespace 1 has %llu bytes, the driver needs %llu",
			 (unsigned long long)ns_bytes,
			 x->scratch ? 2ull * MAX_OP : (unsigned long long)MIN_REF);
		rc = -ENOSPC;
		goto fail;
	}
	if (x->scratch && !x->pattern) {
		snprintf(why, len, "scratch mode needs the stream's pattern");
		rc = -EINVAL;
		goto fail;
	}
	x->stage = iod_nvme_dma_alloc(n, MAX_OP, &x->stage_iova);
	if (!x->stage) {
		snprintf(why, len, "no room for the staging buffer");
		rc = -ENOMEM;
		goto fail;
	}
	if (x->scratch) {
		snprintf(x->mode, sizeof(x->mode),
			 "scratch: namespace 1's first %u KiB are overwritten (device writes go through them, device reads are written to them)",
			 2 * MAX_OP / 1024);
		*out = x;
		return 0;
	}
	x->ref_len = (ns_bytes < IOD_NVME_REF_LEN ? ns_bytes :
		      IOD_NVME_REF_LEN) / MAX_OP * MAX_OP;
	x->stride = x->ref_len / 256 / x->lbs * x->lbs;
	rc = open_ref(x, data);
	if (rc) {
		snprintf(why, len,
			 "reading namespace 1's first %llu KiB as the reference failed: %s",
			 (unsigned long long)(x->ref_len / 1024),
			 strerror(-rc));
		goto fail;
	}
	snprintf(x->mode, sizeof(x->mode),
		 "read-only: device writes are NVMe Reads of namespace 1's first %llu KiB (read once as the reference), device reads are %s; the namespace is never written",
		 (unsigned long long)(x->ref_len / 1024),
		 iod_nvme_can_compare(n) ? "NVMe Compares" :
		 "impossible (the controller has no Compare: they fail with EOPNOTSUPP)");
	*out = x;
	return 0;
fail:
	iod_nvme_dma_close(x);
	return rc;
}

void iod_nvme_dma_close(struct iod_nvme_dma *x)
{
	if (!x)
		return;
	if (x->own_ref)
		free(x->ref);
	free(x);
}

uint64_t iod_nvme_dma_max_len(const struct iod_nvme_dma *x)
{
	(void)x;
	return MAX_OP;
}

uint32_t iod_nvme_dma_unit(const struct iod_nvme_dma *x)
{
	return x->lbs;
}

bool iod_nvme_dma_scratch(const struct iod_nvme_dma *x)
{
	return x->scratch;
}

const char *iod_nvme_dma_mode(const struct iod_nvme_dma *x)
{
	return x->mode;
}

bool iod_nvme_dma_first_word(struct iod_nvme_dma *x)
{
	bool *said = x->slot ? &x->slot->said : &x->said;
	bool first = !*said;

	*said = true;
	return first;
}

static bool bad_op(const struct iod_nvme_dma *x, uint64_t iova,
		   uint64_t len, uint64_t off)
{
	return !len || len > MAX_OP || len % x->lbs || off % x->lbs ||
	       iova % 4;
}

int iod_nvme_dma_write(struct iod_nvme_dma *x, uint64_t iova, uint64_t len,
		       uint8_t seed, uint64_t off)
{
	struct cmd c[MAX_CMDS];
	int rc;

	if (bad_op(x, iova, len, off))
		return -EINVAL;
	if (!x->scratch)
		return run_cmds(x, c, ref_cmds(x, IOD_NVME_READ, iova, len,
					       seed * x->stride + off, c));
	x->pattern(x->stage, len, seed, off);
	rc = run_cmds(x, c, block_cmds(x, IOD_NVME_WRITE, x->stage_iova, len,
				       0, c));
	if (!rc)
		rc = run_cmds(x, c, block_cmds(x, IOD_NVME_READ, iova, len, 0,
					       c));
	return rc;
}

int iod_nvme_dma_read(struct iod_nvme_dma *x, uint64_t iova, uint64_t len)
{
	struct cmd c[MAX_CMDS];

	if (bad_op(x, iova, len, 0))
		return -EINVAL;
	if (x->scratch)
		return run_cmds(x, c, block_cmds(x, IOD_NVME_WRITE, iova, len,
						 MAX_OP / x->lbs, c));
	if (!iod_nvme_can_compare(x->n))
		return -EOPNOTSUPP;
	return run_cmds(x, c, ref_cmds(x, IOD_NVME_COMPARE, iova, len, 0, c));
}

void iod_nvme_dma_expected(const struct iod_nvme_dma *x, uint8_t seed,
			   uint64_t off, uint8_t *buf, uint64_t len)
{
	uint64_t i, at;

	if (x->scratch) {
		x->pattern(buf, len, seed, off);
		return;
	}
	at = (seed * x->stride + off) % x->ref_len;
	for (i = 0; i < len; i++) {
		buf[i] = x->ref[at];
		if (++at == x->ref_len)
			at = 0;
	}
}
