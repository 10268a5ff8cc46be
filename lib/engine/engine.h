/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DMA engines behind one interface. A test says "write these ranges" and
 * never knows which device did it: the mock (the iommufd mock IOMMU's
 * simulated device writes), edu and NVMe (real devices through VFIO), and
 * later others. The engine is chosen by name: --engine NAME on the command
 * line, IODIRTY_ENGINE in the environment, else the profile's dma.engine.
 *
 * Every operation is a record of what the device touched (iova, len,
 * direction); a completed write is added to the caller's footprint.
 */
#ifndef IODIRTY_ENGINE_H
#define IODIRTY_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "model/footprint.h"
#include "model/space.h"
#include "harness/target.h"

struct iod_engine;

struct iod_dma {
	uint64_t iova;
	uint64_t len;
	bool to_memory;		/* the device writes host memory (dirties it) */
	uint8_t seed;		/* data pattern, see iod_pattern_byte() */
	uint64_t pattern_off;	/* pattern index of the first byte */
	int status;		/* 0 when done well, -errno on failure */
	bool done;
};

struct iod_engine_ops {
	const char *name;
	/* Set up on an attached target whose IOVAs the space describes. */
	int (*open)(struct iod_engine *e);
	void (*close)(struct iod_engine *e);
	/* Start one operation (asynchronously where the device can). */
	int (*submit)(struct iod_engine *e, struct iod_dma *op);
	/* Wait up to timeout_ms for submitted operations to complete. */
	int (*wait)(struct iod_engine *e, int timeout_ms);
	uint64_t max_len;	/* bytes one operation may move */
};

struct iod_engine {
	const struct iod_engine_ops *ops;
	struct iod_target *t;
	struct iod_space *space;
	uint32_t hwpt_id;	/* the HWPT the device is attached to */
	void *priv;
	/*
	 * Every operation's iova and len must be multiples of these (set by
	 * open; 0 means 1): NVMe moves whole logical blocks to dword-aligned
	 * addresses.
	 */
	uint64_t iova_align, len_align;
	char why[256];		/* what failed when open failed, or "" */
};

/* Byte i of a pattern with `seed`. */
static inline uint8_t iod_pattern_byte(uint8_t seed, uint64_t i)
{
	return (uint8_t)(seed + i * 31 + (i >> 8));
}

/* The engine name this run asks for (see above); NULL if none. */
const char *iod_engine_name(void);
/* Strip "--engine NAME" from argv (before the harness parses it). */
void iod_engine_take_arg(int *argc, char **argv);

/* The engine's alignment rules (see struct iod_engine), never 0. */
void iod_engine_align(const struct iod_engine *e, uint64_t *iova_align,
		      uint64_t *len_align);

/*
 * 0, -ENOENT (no engine of that name), or the engine's open error (e->why
 * then says what failed).
 */
int iod_engine_open(struct iod_engine *e, const char *name,
		    struct iod_target *t, struct iod_space *space,
		    uint32_t hwpt_id);
void iod_engine_close(struct iod_engine *e);

/*
 * The device writes len bytes of pattern `seed` at iova (split into
 * operations of at most max_len) and waits for them. On success the write
 * is recorded in fp (if not NULL). 0 or -errno (-EINVAL when iova or len
 * breaks the engine's alignment).
 */
int iod_engine_write(struct iod_engine *e, uint64_t iova, uint64_t len,
		     uint8_t seed, struct iod_fp *fp);
/* The device reads len bytes at iova (must never dirty anything). */
int iod_engine_read(struct iod_engine *e, uint64_t iova, uint64_t len);
/* Does host memory at iova hold pattern `seed` for len bytes? */
bool iod_engine_check(struct iod_engine *e, uint64_t iova, uint64_t len,
		      uint8_t seed);

#endif
