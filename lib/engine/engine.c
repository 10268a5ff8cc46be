// SPDX-License-Identifier: GPL-2.0
/* The DMA engine registry and the operations every test uses. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "engine/engine.h"
#include "harness/env.h"
#include "util.h"

/*
 * Every engine, one line each (X(n) names struct iod_engine_ops
 * iod_engine_<n> of its file), in the order a program runs once per engine.
 */
#define ENGINES(X) \
	X(mock) \
	X(edu) \
	X(edu_poll) \
	X(nvme) \
	X(nvme_poll)

#define DECLARE(n) extern const struct iod_engine_ops iod_engine_##n;
#define ENTRY(n) &iod_engine_##n,
ENGINES(DECLARE)
static const struct iod_engine_ops *const engines[] = { ENGINES(ENTRY) };

static const char *engine_arg;
bool iod_runs_per_engine;
bool iod_runs_per_profile_engine;

const struct iod_engine_ops *iod_engine_find(const char *name)
{
	unsigned int i;

	for (i = 0; name && i < ARRAY_SIZE(engines); i++)
		if (!strcmp(engines[i]->name, name))
			return engines[i];
	return NULL;
}

static bool is_mock(const struct iod_engine_ops *ops)
{
	return !strcmp(ops->device, IOD_ENGINE_MOCK);
}

/* Is the device the engine drives in this environment? */
static bool device_present(const struct iod_engine_ops *ops)
{
	if (iod_env_is_mock())
		return is_mock(ops);
	return !is_mock(ops) && iod_env_device(ops->device);
}

const char *iod_engine_cdev(const char *name)
{
	const struct iod_engine_ops *ops = iod_engine_find(name);
	const char *cdev = ops ? iod_env_device(ops->device) : NULL;

	return cdev ? cdev : iod_env.vfio_cdev;
}

/* The engine named by --engine or IODIRTY_ENGINE, or NULL. */
static const char *named_engine(void)
{
	const char *env = getenv("IODIRTY_ENGINE");

	if (engine_arg)
		return engine_arg;
	return env && *env ? env : NULL;
}

/*
 * --engines of a program that runs per profile engine: nothing without
 * dma.extra_engines (it runs once, as PROGRAM); else the named engine, or
 * dma.engine and each extra engine whose device is here, once each.
 */
static void list_profile_engines(char *argv0, const char *named)
{
	const char *extra, *first, *p;
	char name[32];
	size_t n;

	iod_env_load_profile(argv0);
	extra = iod_env.profile ?
		iod_profile_str(iod_env.profile, "dma.extra_engines") : NULL;
	if (!extra)
		return;
	if (named) {
		printf("%s\n", named);
		return;
	}
	first = iod_profile_enum(iod_env.profile, "dma.engine");
	if (first)
		printf("%s\n", first);
	for (p = extra; *(p += strspn(p, " \t")); p += n) {
		const struct iod_engine_ops *ops;

		n = strcspn(p, " \t");
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		ops = iod_engine_find(name);
		if (ops && device_present(ops) &&
		    (!first || strcmp(first, name)))
			printf("%s\n", name);
	}
}

/* Answer --engines (see engine.h). */
static void list_engines(char *argv0)
{
	const char *named = named_engine();
	unsigned int i;

	if (!iod_runs_per_engine && !iod_runs_per_profile_engine)
		exit(0);
	if (iod_runs_per_profile_engine) {
		list_profile_engines(argv0, named);
		exit(0);
	}
	if (named) {
		printf("%s\n", named);
		exit(0);
	}
	iod_env_load_profile(argv0);
	for (i = 0; i < ARRAY_SIZE(engines); i++)
		if (device_present(engines[i]))
			printf("%s\n", engines[i]->name);
	exit(0);
}

/* Answer --engine-devices (see engine.h). */
static void list_devices(void)
{
	unsigned int i, j;

	for (i = 0; iod_runs_per_engine && i < ARRAY_SIZE(engines); i++) {
		for (j = 0; j < i; j++)
			if (!strcmp(engines[j]->device, engines[i]->device))
				break;
		if (j == i)
			printf("%s\n", engines[i]->device);
	}
	exit(0);
}

void iod_engine_take_arg(int *argc, char **argv)
{
	bool list = false;
	int i, j;

	for (i = 1, j = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--engine") && i + 1 < *argc) {
			engine_arg = argv[++i];
			continue;
		}
		if (!strcmp(argv[i], "--engines")) {
			list = true;
			continue;
		}
		if (!strcmp(argv[i], "--engine-devices"))
			list_devices();
		argv[j++] = argv[i];
	}
	argv[j] = NULL;
	*argc = j;
	if (list)
		list_engines(argv[0]);
}

const char *iod_engine_device(void)
{
	const struct iod_engine_ops *ops;

	if (!iod_runs_per_engine)
		return NULL;
	ops = iod_engine_find(iod_engine_name());
	return ops ? ops->device : NULL;
}

const char *iod_engine_name(void)
{
	const char *named = named_engine();

	if (named)
		return named;
	if (iod_env.profile)
		return iod_profile_enum(iod_env.profile, "dma.engine");
	return NULL;
}

bool iod_engine_absent(void)
{
	const char *name = iod_engine_name();

	return !name || !strcmp(name, "none");
}

int iod_engine_open(struct iod_engine *e, const char *name,
		    struct iod_target *t, struct iod_space *space)
{
	int rc;

	memset(e, 0, sizeof(*e));
	e->ops = iod_engine_find(name);
	if (!e->ops)
		return -ENOENT;
	if (is_mock(e->ops) != t->mock) {
		e->ops = NULL;
		return -ENODEV;
	}
	e->t = t;
	e->space = space;
	rc = e->ops->open(e);
	if (rc)
		e->ops = NULL;
	return rc;
}

void iod_engine_align(const struct iod_engine *e, uint64_t *iova_align,
		      uint64_t *len_align)
{
	*iova_align = e->iova_align ? e->iova_align : 1;
	*len_align = e->len_align ? e->len_align : 1;
}

uint64_t iod_engine_unit(const struct iod_engine *e)
{
	uint64_t ia, la;

	iod_engine_align(e, &ia, &la);
	return la > ia ? la : ia;
}

int iod_engine_write_cover(struct iod_engine *e, uint64_t iova, uint64_t len,
			   uint8_t seed, struct iod_fp *fp)
{
	uint64_t unit = iod_engine_unit(e);
	uint64_t start = iova / unit * unit;
	uint64_t end = (iova + len + unit - 1) / unit * unit;

	return iod_engine_write(e, start, end - start, seed, fp);
}

int iod_engine_touch(struct iod_engine *e, uint64_t iova, uint8_t seed,
		     struct iod_fp *fp)
{
	return iod_engine_write_cover(e, iova, 1, seed, fp);
}

void iod_engine_close(struct iod_engine *e)
{
	if (e->ops)
		e->ops->close(e);
	e->ops = NULL;
}

/*
 * Wait for op until its deadline: an engine whose wait keeps returning
 * without completing it is a device that never finished, not a reason to
 * wait forever. 0, or -ETIMEDOUT (said on stderr), or wait's -errno.
 */
static int wait_done(struct iod_engine *e, const struct iod_dma *op)
{
	unsigned int limit = e->op_timeout_ms ? e->op_timeout_ms :
			     IOD_ENGINE_OP_TIMEOUT_MS;
	uint64_t deadline = iod_now_ms() + limit;
	int rc;

	while (!op->done) {
		uint64_t now = iod_now_ms();

		if (now >= deadline) {
			fprintf(stderr, "engine %s: a %s of %llu bytes at IOVA 0x%llx did not complete within %u ms\n",
				e->ops->name,
				op->to_memory ? "device write" : "device read",
				(unsigned long long)op->len,
				(unsigned long long)op->iova, limit);
			return -ETIMEDOUT;
		}
		rc = e->ops->wait(e, (int)(deadline - now));
		if (rc)
			return rc;
	}
	return 0;
}

void iod_pattern_fill(uint8_t *buf, uint64_t len, uint8_t seed,
		      uint64_t off)
{
	uint64_t i;

	for (i = 0; i < len; i++)
		buf[i] = iod_pattern_byte(seed, off + i);
}

void iod_engine_expected(struct iod_engine *e, uint8_t seed, uint64_t off,
			 uint8_t *buf, uint64_t len)
{
	if (e->ops->expected)
		e->ops->expected(e, seed, off, buf, len);
	else
		iod_pattern_fill(buf, len, seed, off);
}

/*
 * Before a write of an engine with its own bytes: CPU stores of the
 * complement of what it will deliver into the mapped part of [iova, +len)
 * (want: those bytes), so a write that does not land is caught.
 */
static void prefill(struct iod_engine *e, uint64_t iova, uint64_t len,
		    const uint8_t *want)
{
	const struct iod_space *s = e->space;
	unsigned int k;
	uint64_t i;

	for (k = 0; s && k < s->n; k++) {
		const struct iod_space_map *m = &s->maps[k];
		uint64_t lo = iod_max_u64(iova, m->iova);
		uint64_t hi = iod_min_u64(iova + len, m->iova + m->len);
		uint8_t *va = m->va;

		for (i = lo; i < hi; i++)
			va[i - m->iova] = (uint8_t)~want[i - iova];
	}
}

static int run(struct iod_engine *e, uint64_t iova, uint64_t len,
	       bool to_memory, uint8_t seed)
{
	uint64_t off = 0, ia, la;
	uint8_t *want = NULL;
	int rc = 0;

	iod_engine_align(e, &ia, &la);
	if (!len || iova % ia || len % la)
		return -EINVAL;
	if (to_memory && e->ops->expected) {
		want = malloc(iod_min_u64(len, e->ops->max_len));
		if (!want)
			return -ENOMEM;
	}
	while (off < len) {
		uint64_t n = len - off;
		struct iod_dma op;

		if (n > e->ops->max_len)
			n = e->ops->max_len;
		op = (struct iod_dma){
			.iova = iova + off,
			.len = n,
			.to_memory = to_memory,
			.seed = seed,
			.pattern_off = off,
		};
		if (want) {
			iod_engine_expected(e, seed, off, want, n);
			prefill(e, op.iova, n, want);
		}
		rc = e->ops->submit(e, &op);
		if (!rc)
			rc = wait_done(e, &op);
		if (!rc)
			rc = op.status;
		if (rc)
			break;
		off += n;
	}
	free(want);
	return rc;
}

int iod_engine_write(struct iod_engine *e, uint64_t iova, uint64_t len,
		     uint8_t seed, struct iod_fp *fp)
{
	int rc = run(e, iova, len, true, seed);

	if (!rc && fp)
		rc = iod_fp_write(fp, iova, len);
	return rc;
}

int iod_engine_read(struct iod_engine *e, uint64_t iova, uint64_t len)
{
	return run(e, iova, len, false, 0);
}

bool iod_engine_check(struct iod_engine *e, uint64_t iova, uint64_t len,
		      uint8_t seed)
{
	const uint8_t *p = iod_space_va(e->space, iova, len);
	uint8_t want[4096];
	uint64_t off, i, n;

	if (!p)
		return false;
	for (off = 0; off < len; off += n) {
		n = iod_min_u64(len - off, sizeof(want));
		iod_engine_expected(e, seed, off, want, n);
		for (i = 0; i < n; i++)
			if (p[off + i] != want[i])
				return false;
	}
	return true;
}

int iod_engine_check_map(struct iod_engine *e, uint64_t iova, void *va,
			 uint64_t len)
{
	if (!e->ops->check_map)
		return -EOPNOTSUPP;
	return e->ops->check_map(e, iova, va, len);
}
