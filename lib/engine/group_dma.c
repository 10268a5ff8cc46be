// SPDX-License-Identifier: GPL-2.0
/* Device DMA at IOVAs of a VFIO container: edu or NVMe (see group_dma.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "drivers/edu/edu.h"
#include "drivers/nvme/nvme.h"
#include "drivers/nvme/nvme_dma.h"
#include "engine/engine.h"
#include "engine/group_dma.h"
#include "harness/env.h"

#define EDU_STAGE	4096u

struct group_dma {
	/* edu */
	uint8_t *stage;
	uint64_t stage_iova;
	bool mapped;
	/* nvme */
	struct iod_nvme *n;
	struct iod_nvme_dma *x;
};

static int edu_up(struct iod_group_dma *g, struct group_dma *p,
		  uint64_t floor)
{
	int rc = iod_edu_init(g->dev);

	if (rc)
		return rc;
	p->stage = mmap(NULL, EDU_STAGE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p->stage == MAP_FAILED) {
		p->stage = NULL;
		return -ENOMEM;
	}
	rc = iod_dma_map_pick(&g->map, EDU_STAGE, floor, EDU_STAGE,
			      &p->stage_iova);
	if (!rc)
		rc = iod_dma_map_map(&g->map, p->stage, EDU_STAGE,
				     p->stage_iova);
	if (rc) {
		snprintf(g->why, sizeof(g->why),
			 "cannot map edu's staging page: %s", strerror(-rc));
		return rc;
	}
	p->mapped = true;
	g->iova_align = 1;
	g->unit = 1;
	g->max_len = IOD_EDU_MAX_XFER;
	return 0;
}

static int nvme_up(struct iod_group_dma *g, struct group_dma *p,
		   const char *bdf, uint64_t floor)
{
	struct iod_nvme_opts o = {
		.nr_queues = 4, .depth = 32, .poll = true, .iova_floor = floor,
	};
	struct iod_nvme_dma_opts d = {
		.scratch = iod_env_scratch(bdf), .id = bdf,
		.pattern = iod_pattern_fill,
	};
	int rc;

	rc = iod_nvme_open(&p->n, g->dev, &g->map, &o, g->why,
			   sizeof(g->why));
	if (rc)
		return rc;
	rc = iod_nvme_dma_open(&p->x, p->n, &d, g->why, sizeof(g->why));
	if (rc)
		return rc;
	g->iova_align = 4;
	g->unit = iod_nvme_dma_unit(p->x);
	g->max_len = iod_nvme_dma_max_len(p->x);
	g->mode = iod_nvme_dma_mode(p->x);
	if (iod_nvme_dma_first_word(p->x)) {
		fprintf(stderr, "# nvme on %s: %s\n", bdf, g->mode);
		fflush(stderr);
	}
	return 0;
}

int iod_group_dma_open(struct iod_group_dma *g, const char *device,
		       struct iod_vfio_dev *dev, const char *bdf,
		       int container_fd, uint64_t floor)
{
	struct group_dma *p;
	int rc;

	memset(g, 0, sizeof(*g));
	g->dev = dev;
	g->map = iod_dma_map_container(container_fd);
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	g->priv = p;
	if (!strcmp(device, "edu")) {
		g->device = "edu";
		rc = edu_up(g, p, floor);
	} else if (!strcmp(device, "nvme")) {
		g->device = "nvme";
		rc = nvme_up(g, p, bdf, floor);
	} else {
		rc = -EINVAL;
	}
	if (rc)
		iod_group_dma_close(g);
	return rc;
}

void iod_group_dma_close(struct iod_group_dma *g)
{
	struct group_dma *p = g->priv;

	if (!p)
		return;
	iod_nvme_dma_close(p->x);
	iod_nvme_close(p->n);
	if (p->mapped)
		iod_dma_map_unmap(&g->map, p->stage_iova, EDU_STAGE);
	if (p->stage)
		munmap(p->stage, EDU_STAGE);
	free(p);
	g->priv = NULL;
}

void iod_group_dma_expected(struct iod_group_dma *g, uint8_t seed,
			    uint8_t *buf, uint64_t len)
{
	struct group_dma *p = g->priv;

	if (p->x)
		iod_nvme_dma_expected(p->x, seed, 0, buf, len);
	else
		iod_pattern_fill(buf, len, seed, 0);
}

static int bad(const struct iod_group_dma *g, uint64_t iova, uint64_t len)
{
	return !len || len > g->max_len || iova % g->iova_align ||
	       len % g->unit;
}

int iod_group_dma_write(struct iod_group_dma *g, uint64_t iova, void *va,
			uint64_t len, uint8_t seed)
{
	struct group_dma *p = g->priv;
	uint8_t *mem = va;
	uint64_t i;
	int rc;

	if (bad(g, iova, len))
		return -EINVAL;
	if (mem) {
		iod_group_dma_expected(g, seed, mem, len);
		for (i = 0; i < len; i++)
			mem[i] = (uint8_t)~mem[i];
	}
	if (p->x)
		return iod_nvme_dma_write(p->x, iova, len, seed, 0);
	iod_pattern_fill(p->stage, len, seed, 0);
	rc = iod_edu_read_from(g->dev, p->stage_iova, (uint32_t)len);
	if (!rc)
		rc = iod_edu_write_to(g->dev, iova, (uint32_t)len);
	return rc;
}

int iod_group_dma_read(struct iod_group_dma *g, uint64_t iova, uint64_t len)
{
	struct group_dma *p = g->priv;

	if (bad(g, iova, len))
		return -EINVAL;
	if (p->x)
		return iod_nvme_dma_read(p->x, iova, len);
	return iod_edu_read_from(g->dev, iova, (uint32_t)len);
}
