/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DMA engines behind one interface. A test says "write these ranges" and
 * never knows which device did it: the mock (the iommufd mock IOMMU's
 * simulated device writes), edu and NVMe (real devices through VFIO), and
 * later others. The engine is chosen by name: --engine NAME on the command
 * line, IODIRTY_ENGINE in the environment, else the profile's dma.engine.
 *
 * Each engine is one struct iod_engine_ops in its own file, listed once in
 * ENGINES() of engine.c: it names the device it drives and the engine that
 * drives a second device next to it. An engine reads the page table its
 * device is attached to from the target (t->pt_id, and t->parent_id under
 * a nested HWPT), so attaching the target moves the engine with it.
 * Adding an engine is its file and its line in ENGINES(); a device new
 * to the lab also needs its QEMU device and its NAME@BDF binding in
 * runners/lab/boot. Programs that run once per
 * engine (IOD_RUNS_PER_ENGINE) then run with it wherever its device is.
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

/*
 * The deadline of one operation, submit to done, unless the engine sets
 * op_timeout_ms. The edu and NVMe drivers keep their own, shorter, per-DMA
 * and per-command deadlines; this one catches an engine whose wait returns
 * without ever completing the operation.
 */
#define IOD_ENGINE_OP_TIMEOUT_MS 60000

/* The device name of the iommufd mock device (not in IODIRTY_DEVICES). */
#define IOD_ENGINE_MOCK "mock"

struct iod_engine_ops {
	const char *name;
	/*
	 * The device the engine drives: IOD_ENGINE_MOCK, or a device name of
	 * IODIRTY_DEVICES (a PCI device through its VFIO cdev).
	 */
	const char *device;
	/*
	 * The engine that drives a second device on the same page table in
	 * cases with two devices, or NULL if there is none.
	 */
	const char *peer;
	/* Set up on an attached target whose IOVAs the space describes. */
	int (*open)(struct iod_engine *e);
	void (*close)(struct iod_engine *e);
	/* Start one operation (asynchronously where the device can). */
	int (*submit)(struct iod_engine *e, struct iod_dma *op);
	/*
	 * Wait up to timeout_ms for submitted operations to complete; 0 even
	 * if none did (the caller keeps the deadline), or -errno.
	 */
	int (*wait)(struct iod_engine *e, int timeout_ms);
	/*
	 * Where the device's page table can be asked (else NULL): does it
	 * translate [iova, +len) to the user memory at va? 0, or -errno
	 * (-EINVAL where it does not).
	 */
	int (*check_map)(struct iod_engine *e, uint64_t iova, void *va,
			 uint64_t len);
	/*
	 * Where the bytes a write delivers are not the pattern (else NULL):
	 * bytes [off, +len) of what a write with `seed` delivers, into buf
	 * (see iod_engine_expected()).
	 */
	void (*expected)(struct iod_engine *e, uint8_t seed, uint64_t off,
			 uint8_t *buf, uint64_t len);
	uint64_t max_len;	/* bytes one operation may move */
	/*
	 * Bytes one write or read of a case may move before it is bulk work
	 * this engine leaves to another (0: no limit): edu moves 4 KiB a
	 * command, and 128 MiB is 32768 of them.
	 */
	uint64_t case_max;
};

struct iod_engine {
	const struct iod_engine_ops *ops;
	struct iod_target *t;	/* the device; t->pt_id is what it is on */
	struct iod_space *space;
	void *priv;
	/*
	 * Every operation's iova and len must be multiples of these (set by
	 * open; 0 means 1): NVMe moves whole logical blocks to dword-aligned
	 * addresses.
	 */
	uint64_t iova_align, len_align;
	/*
	 * How long one operation may take from submit to done, in ms (0:
	 * IOD_ENGINE_OP_TIMEOUT_MS); past it the operation is -ETIMEDOUT.
	 */
	unsigned int op_timeout_ms;
	/*
	 * The first IOVA above what the engine mapped for itself (edu's
	 * staging buffer, NVMe's queues), set by open; 0 if nothing. A test
	 * that picks IOVAs of its own picks them above this.
	 */
	uint64_t own_iova_end;
	char why[256];		/* what failed when open failed, or "" */
};

/* Byte i of a pattern with `seed`. */
static inline uint8_t iod_pattern_byte(uint8_t seed, uint64_t i)
{
	return (uint8_t)(seed + i * 31 + (i >> 8));
}

/* Bytes [off, +len) of the pattern with `seed`, into buf. */
void iod_pattern_fill(uint8_t *buf, uint64_t len, uint8_t seed,
		      uint64_t off);

/* The engine name this run asks for (see above); NULL if none. */
const char *iod_engine_name(void);
/*
 * Strip "--engine NAME" from argv (before the harness parses it). Answer
 * "--engines" and exit: print, one a line, the engines this program runs
 * with, for a runner to run it once per engine (NAME@ENGINE with
 * IODIRTY_ENGINE=ENGINE). Nothing unless the program says
 * IOD_RUNS_PER_ENGINE or IOD_RUNS_PER_PROFILE_ENGINE; else the engine the
 * run asks for by name if it does, else every engine whose device this
 * environment has, in the order engine.c lists them (per engine), or
 * dma.engine and then each of dma.extra_engines whose device it has (per
 * profile engine, nothing when the profile lists no extra engines). Answer "--engine-devices" and exit: in a program
 * that runs once per engine, the devices of every registered engine, one
 * a line, each once (a profile may key a case of such a program to one
 * device: "<case id>.<device>"); nothing in any other program.
 */
void iod_engine_take_arg(int *argc, char **argv);

/*
 * In a program that runs once per engine: the device the run's engine
 * drives (its case ids may be keyed "<case id>.<device>" in a profile).
 * NULL in any other program, or when the engine is unknown.
 */
const char *iod_engine_device(void);

/*
 * At file scope in a program that runs once per engine (see
 * iod_engine_take_arg()); any other program runs once, with the engine
 * iod_engine_name() gives.
 */
extern bool iod_runs_per_engine;
#define IOD_RUNS_PER_ENGINE \
	static __attribute__((constructor)) void iod_declare_per_engine(void) \
	{ \
		iod_runs_per_engine = true; \
	}

/*
 * At file scope in a program that judges a bench's DMA with whatever
 * engine the run has: it runs once with the profile's dma.engine, and,
 * where the profile lists dma.extra_engines, the runner runs it once per
 * engine, dma.engine first (see iod_engine_take_arg()).
 */
extern bool iod_runs_per_profile_engine;
#define IOD_RUNS_PER_PROFILE_ENGINE \
	static __attribute__((constructor)) void iod_declare_profile_engines(void) \
	{ \
		iod_runs_per_profile_engine = true; \
	}

/*
 * The run has no DMA engine: none is named and the profile's dma.engine
 * is "none" (a target without a device the suite can make write), or the
 * run names "none". DMA cases SKIP then.
 */
bool iod_engine_absent(void);

/* The engine of that name, or NULL. */
const struct iod_engine_ops *iod_engine_find(const char *name);
/*
 * The VFIO cdev of the device the engine `name` drives: its entry in
 * IODIRTY_DEVICES, else IODIRTY_VFIO_CDEV (also for an unknown name).
 */
const char *iod_engine_cdev(const char *name);

/* The engine's alignment rules (see struct iod_engine), never 0. */
void iod_engine_align(const struct iod_engine *e, uint64_t *iova_align,
		      uint64_t *len_align);

/*
 * Bind the engine `name` to the attached target t, whose IOVAs the space
 * describes. 0, -ENOENT (no engine of that name), -ENODEV (t is not the
 * kind of device the engine drives), or the engine's open error (e->why
 * then says what failed).
 */
int iod_engine_open(struct iod_engine *e, const char *name,
		    struct iod_target *t, struct iod_space *space);
void iod_engine_close(struct iod_engine *e);

/*
 * The device writes len bytes of pattern `seed` at iova (split into
 * operations of at most max_len) and waits for them. On success the write
 * is recorded in fp (if not NULL). 0 or -errno (-EINVAL when iova or len
 * breaks the engine's alignment).
 */
int iod_engine_write(struct iod_engine *e, uint64_t iova, uint64_t len,
		     uint8_t seed, struct iod_fp *fp);
/*
 * The engine's smallest write: 1 byte, or the aligned unit it moves
 * (NVMe: the logical block). It divides every page size, so a write
 * rounded out to units touches exactly the pages the exact one would.
 */
uint64_t iod_engine_unit(const struct iod_engine *e);
/*
 * The device writes [iova, +len) rounded out to whole units (see
 * iod_engine_unit()), recorded in fp as written: the same pages dirty as
 * an exact write's, for a case that judges pages, not bytes. As
 * iod_engine_write.
 */
int iod_engine_write_cover(struct iod_engine *e, uint64_t iova, uint64_t len,
			   uint8_t seed, struct iod_fp *fp);
/*
 * The device's smallest write holding the byte at iova (one unit, see
 * above), so it never leaves iova's page. As iod_engine_write.
 */
int iod_engine_touch(struct iod_engine *e, uint64_t iova, uint8_t seed,
		     struct iod_fp *fp);
/* The device reads len bytes at iova (must never dirty anything). */
int iod_engine_read(struct iod_engine *e, uint64_t iova, uint64_t len);
/*
 * Bytes [off, +len) of what a device write with `seed` delivers, into buf:
 * the pattern (iod_pattern_byte()), or, for an engine whose device writes
 * what it holds (NVMe without scratch), what it holds there. Before each
 * write of such an engine the target's mapped bytes are set to the
 * complement of these, so a write that did not land cannot pass a check.
 */
void iod_engine_expected(struct iod_engine *e, uint8_t seed, uint64_t off,
			 uint8_t *buf, uint64_t len);
/*
 * Does host memory at iova hold what a device write of len bytes with
 * `seed` there delivers (iod_engine_expected() from offset 0)?
 */
bool iod_engine_check(struct iod_engine *e, uint64_t iova, uint64_t len,
		      uint8_t seed);
/*
 * Does the page table the device is on translate [iova, +len) to va? 0,
 * -EINVAL where it does not, -EOPNOTSUPP where the engine cannot ask (its
 * DMA is then the only proof).
 */
int iod_engine_check_map(struct iod_engine *e, uint64_t iova, void *va,
			 uint64_t len);

struct iod_nvme;
struct iod_nvme_dma;
/*
 * An open NVMe engine's controller (and, in *dma when not NULL, its data
 * mover), for a test that drives the queues itself; NULL for an engine of
 * another device.
 */
struct iod_nvme *iod_engine_nvme_ctrl(struct iod_engine *e,
				 struct iod_nvme_dma **dma);

#endif
