/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An NVMe controller as a device that writes and reads host memory at
 * IOVAs, which never writes its namespace unless its caller names it
 * scratch.
 *
 * Read-only (the default): the device writes memory with NVMe Reads of
 * blocks the namespace already holds. The first IOD_NVME_REF_LEN bytes of
 * namespace 1 (less on a smaller namespace) are read once per program into
 * memory of the driver's own as the reference, kept in memory shared
 * across the forks of one program. Stream byte `off` of a write with
 * `seed` is the reference's byte (seed * stride + off) mod its length, so
 * different seeds read different blocks; iod_nvme_dma_expected() says what
 * a write delivers. The device reads memory with NVMe Compare of the
 * memory against blocks of the reference: the controller fetches the data
 * either way, and a Compare Failure only says the bytes differ from the
 * blocks. A controller without Compare cannot read memory without writing
 * its namespace: reads then fail with -EOPNOTSUPP.
 *
 * Scratch: a write of a stream goes through the namespace: the caller's
 * pattern is staged in driver memory, NVMe Written to the namespace's first
 * blocks and NVMe Read from them to the IOVAs; a device read is an NVMe
 * Write from the IOVAs to the blocks after those.
 *
 * One operation moves at most iod_nvme_dma_max_len() bytes, split into
 * commands over the controller's I/O queues and run at once; its IOVA must
 * be dword aligned, its length and stream offset whole logical blocks.
 */
#ifndef IODIRTY_NVME_DMA_H
#define IODIRTY_NVME_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/nvme/nvme.h"

#define IOD_NVME_REF_LEN	(4u << 20)

struct iod_nvme_dma;

/* Stream bytes [off, +len) of `seed`: what a scratch write carries. */
typedef void iod_nvme_fill_fn(uint8_t *buf, uint64_t len, uint8_t seed,
			      uint64_t off);

struct iod_nvme_dma_opts {
	bool scratch;		/* the namespace may be written */
	const char *id;		/* the controller (its BDF): the reference's key */
	iod_nvme_fill_fn *pattern;	/* scratch: the stream's bytes */
};

/*
 * On an open controller n (which the caller closes after this): 0, or
 * -errno with `why` saying what failed (a namespace too small, no room for
 * the reference's staging, a failed capture).
 */
int iod_nvme_dma_open(struct iod_nvme_dma **x, struct iod_nvme *n,
		      const struct iod_nvme_dma_opts *o, char *why,
		      size_t len);
void iod_nvme_dma_close(struct iod_nvme_dma *x);

uint64_t iod_nvme_dma_max_len(const struct iod_nvme_dma *x);
/* Bytes the length and stream offset of an operation are multiples of. */
uint32_t iod_nvme_dma_unit(const struct iod_nvme_dma *x);
bool iod_nvme_dma_scratch(const struct iod_nvme_dma *x);
/* One line saying how the device moves data, for the TAP. */
const char *iod_nvme_dma_mode(const struct iod_nvme_dma *x);
/*
 * True the first time it is asked for this controller in this program
 * (across the harness's forks): when to say the mode once.
 */
bool iod_nvme_dma_first_word(struct iod_nvme_dma *x);

/*
 * The device writes stream bytes [off, +len) of `seed` at iova. 0, or the
 * first command's error (-EFAULT: the device could not reach the memory).
 */
int iod_nvme_dma_write(struct iod_nvme_dma *x, uint64_t iova, uint64_t len,
		       uint8_t seed, uint64_t off);
/*
 * The device reads [iova, +len). 0 (read-only: whether or not the bytes
 * matched the blocks), -EOPNOTSUPP (read-only without Compare), or the
 * first command's error.
 */
int iod_nvme_dma_read(struct iod_nvme_dma *x, uint64_t iova, uint64_t len);
/* What iod_nvme_dma_write() of (seed, off, len) delivers, into buf. */
void iod_nvme_dma_expected(const struct iod_nvme_dma *x, uint8_t seed,
			   uint64_t off, uint8_t *buf, uint64_t len);

#endif
