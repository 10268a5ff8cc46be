// SPDX-License-Identifier: GPL-2.0
/* The DMA engine registry and the operations every test uses. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "harness/env.h"

extern const struct iod_engine_ops iod_engine_mock;
extern const struct iod_engine_ops iod_engine_edu;
extern const struct iod_engine_ops iod_engine_edu_poll;
extern const struct iod_engine_ops iod_engine_nvme;
extern const struct iod_engine_ops iod_engine_nvme_poll;

static const struct iod_engine_ops *const engines[] = {
	&iod_engine_mock,
	&iod_engine_edu,
	&iod_engine_edu_poll,
	&iod_engine_nvme,
	&iod_engine_nvme_poll,
};

static const char *engine_arg;

void iod_engine_take_arg(int *argc, char **argv)
{
	int i, j;

	for (i = 1, j = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--engine") && i + 1 < *argc) {
			engine_arg = argv[++i];
			continue;
		}
		argv[j++] = argv[i];
	}
	argv[j] = NULL;
	*argc = j;
}

const char *iod_engine_name(void)
{
	const char *env = getenv("IODIRTY_ENGINE");

	if (engine_arg)
		return engine_arg;
	if (env && *env)
		return env;
	if (iod_env.profile)
		return iod_profile_enum(iod_env.profile, "dma.engine");
	return NULL;
}

int iod_engine_open(struct iod_engine *e, const char *name,
		    struct iod_target *t, struct iod_space *space,
		    uint32_t hwpt_id)
{
	unsigned int i;
	int rc;

	memset(e, 0, sizeof(*e));
	for (i = 0; i < sizeof(engines) / sizeof(engines[0]); i++)
		if (name && !strcmp(engines[i]->name, name))
			e->ops = engines[i];
	if (!e->ops)
		return -ENOENT;
	e->t = t;
	e->space = space;
	e->hwpt_id = hwpt_id;
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

void iod_engine_close(struct iod_engine *e)
{
	if (e->ops)
		e->ops->close(e);
	e->ops = NULL;
}

static int run(struct iod_engine *e, uint64_t iova, uint64_t len,
	       bool to_memory, uint8_t seed)
{
	uint64_t off = 0, ia, la;
	int rc;

	iod_engine_align(e, &ia, &la);
	if (!len || iova % ia || len % la)
		return -EINVAL;
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
		rc = e->ops->submit(e, &op);
		if (rc)
			return rc;
		while (!op.done) {
			rc = e->ops->wait(e, 10000);
			if (rc)
				return rc;
		}
		if (op.status)
			return op.status;
		off += n;
	}
	return 0;
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
	uint64_t i;

	if (!p)
		return false;
	for (i = 0; i < len; i++)
		if (p[i] != iod_pattern_byte(seed, i))
			return false;
	return true;
}
