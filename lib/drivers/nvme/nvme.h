/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A userspace NVMe driver over a VFIO device: controller reset and enable,
 * the admin queue, Identify, I/O queue pairs, PRP lists, and Read / Write /
 * Compare of namespace 1. Its queues, PRP lists and buffers live in one
 * host memory arena the driver maps (uapi/dma_map.h: into an iommufd IOAS,
 * or a VFIO type1 container) at IOVAs it picks above a floor, so they stay
 * clear of a test's mappings.
 *
 * Completion is either by MSI-X (one vector per I/O queue, each routed to
 * an eventfd that one io_uring loop reads) or by polling the completion
 * queues' phase bits. Every command has a deadline; a command that misses
 * it fails with -ETIMEDOUT and the controller is reset, never waited on.
 */
#ifndef IODIRTY_NVME_H
#define IODIRTY_NVME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/nvme/nvme_prp.h"
#include "uapi/dma_map.h"
#include "uapi/vfio_cdev.h"

#define IOD_NVME_PAGE		4096u
#define IOD_NVME_MAX_IOQ	16

struct iod_nvme;

struct iod_nvme_opts {
	unsigned int nr_queues;	/* I/O queue pairs (1..IOD_NVME_MAX_IOQ) */
	unsigned int depth;	/* entries per I/O queue (2..1024) */
	bool poll;		/* completion by polling, not MSI-X */
	uint64_t iova_floor;	/* lowest IOVA the driver may use */
	unsigned int timeout_ms; /* per command; 0: 5000 */
};

/* One I/O command in flight. */
struct iod_nvme_io {
	uint8_t opc;		/* IOD_NVME_READ, _WRITE or _COMPARE */
	uint64_t slba;
	uint32_t nlb;		/* logical blocks (not 0-based) */
	const struct iod_nvme_seg *seg;	/* the data in IOVA space */
	unsigned int nseg;
	/*
	 * Set on completion: 0; -EFAULT for a Data Transfer Error (the device
	 * could not reach the memory: an IOMMU fault); -EIO for another
	 * status, in `status`; -ETIMEDOUT, or -ECANCELED when a reset after
	 * another command's timeout took it.
	 */
	int result;
	uint16_t status;	/* NVMe status field (SCT << 8 | SC) */
	bool done;
	void (*complete)(struct iod_nvme_io *io);	/* optional */
	void *ctx;
};

#define IOD_NVME_WRITE		0x01
#define IOD_NVME_READ		0x02
#define IOD_NVME_COMPARE	0x05

/* Status of a Compare whose data differs (SCT 2, SC 0x85). */
#define IOD_NVME_COMPARE_FAILURE 0x285

/*
 * Bring the controller up on a device whose DMA goes through `map` (bound
 * to the iommufd and attached to a page table of the IOAS, or in a group
 * set into the container). 0, or -errno with `why` saying what failed.
 */
int iod_nvme_open(struct iod_nvme **n, struct iod_vfio_dev *dev,
		  const struct iod_dma_map *map, const struct iod_nvme_opts *o,
		  char *why, size_t len);
/* Disable the controller, stop its interrupts, unmap and free. */
void iod_nvme_close(struct iod_nvme *n);

uint32_t iod_nvme_lba_size(const struct iod_nvme *n);
uint64_t iod_nvme_nlbas(const struct iod_nvme *n);
/* Largest transfer one command may move, in bytes. */
uint64_t iod_nvme_max_xfer(const struct iod_nvme *n);
unsigned int iod_nvme_nr_queues(const struct iod_nvme *n);
/* Does the controller implement Compare (Identify ONCS bit 0)? */
bool iod_nvme_can_compare(const struct iod_nvme *n);

/*
 * Host memory from the driver's arena, mapped in the IOAS (for staging
 * buffers); page aligned. NULL when the arena is full.
 */
void *iod_nvme_dma_alloc(struct iod_nvme *n, uint64_t len, uint64_t *iova);

/*
 * Queue `io` on I/O queue q (0-based). -EBUSY when the queue is full (reap
 * and retry), -EINVAL for a bad layout or length, else 0.
 */
int iod_nvme_submit(struct iod_nvme *n, unsigned int q,
		    struct iod_nvme_io *io);
/*
 * Reap completions for up to timeout_ms: returns the number of commands
 * completed (0 on timeout) or -errno. Commands past their deadline are
 * completed with -ETIMEDOUT and the controller is reset.
 */
int iod_nvme_reap(struct iod_nvme *n, int timeout_ms);
/* Commands queued and not yet completed. */
unsigned int iod_nvme_inflight(const struct iod_nvme *n);
/* Interrupts seen on the I/O vectors, and I/O commands completed well. */
uint64_t iod_nvme_interrupts(const struct iod_nvme *n);
uint64_t iod_nvme_completions(const struct iod_nvme *n);
/*
 * Wait up to timeout_ms for an interrupt still on its way: a completion
 * found by polling before its MSI-X eventfd was read is not a missing
 * interrupt. The interrupt count afterwards (0 if none came, or -errno).
 */
int64_t iod_nvme_await_interrupt(struct iod_nvme *n, int timeout_ms);
/* The first IOVA above the driver's own mapped memory (queues, PRPs). */
uint64_t iod_nvme_iova_end(const struct iod_nvme *n);
/* How many times the controller was reset after a timeout. */
unsigned int iod_nvme_resets(const struct iod_nvme *n);

/* Submit one command on queue q and wait for it: its result. */
int iod_nvme_rw(struct iod_nvme *n, unsigned int q, uint8_t opc,
		uint64_t slba, uint32_t nlb, const struct iod_nvme_seg *seg,
		unsigned int nseg);

/* "Invalid Field in Command" and such for an NVMe status field. */
const char *iod_nvme_status_str(uint16_t status);

#endif
