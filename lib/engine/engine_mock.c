// SPDX-License-Identifier: GPL-2.0
/*
 * The mock engine: a device write on the iommufd mock IOMMU, modelled as
 * what it is. The data goes to the memory the IOVA is mapped to, and the
 * mock IOPTEs of every 2 KiB mock page it touched get their dirty bit from
 * IOMMU_TEST_OP_DIRTY, as an IOMMU walking the page table would set it:
 * in the paging HWPT the device's DMA ends in, the nest parent when the
 * device sits on a nested HWPT (a mock nested domain translates nothing
 * of its own and has no IOPTEs; OP_DIRTY on it is ENOENT).
 * A read moves data out and dirties nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "uapi/mock.h"

/* The mock IOMMU's page: PAGE_SIZE / 2. OP_DIRTY indexes its entries by it. */
#define MOCK_PAGE 2048ull
/* OP_DIRTY takes at most 16 Mi * 8 bits. */
#define MOCK_MAX_LEN (MOCK_PAGE * 16 * 1024 * 1024 * 8)

struct mock_engine {
	uint8_t *bits;		/* all-ones page bitmap for OP_DIRTY */
	size_t bits_len;
	uint8_t sink[4096];	/* where device reads go */
};

static int mock_open(struct iod_engine *e)
{
	struct mock_engine *m;

	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	e->priv = m;
	return 0;
}

static void mock_close(struct iod_engine *e)
{
	struct mock_engine *m = e->priv;

	if (m)
		free(m->bits);
	free(m);
	e->priv = NULL;
}

static int mark_dirty(struct iod_engine *e, uint64_t iova, uint64_t len)
{
	struct mock_engine *m = e->priv;
	uint64_t first = iova & ~(MOCK_PAGE - 1);
	uint64_t end = (iova + len + MOCK_PAGE - 1) & ~(MOCK_PAGE - 1);
	uint64_t pages = (end - first) / MOCK_PAGE, nr = 0;
	size_t need = (pages + 7) / 8;
	int rc;

	if (need > m->bits_len) {
		uint8_t *b = realloc(m->bits, need);

		if (!b)
			return -ENOMEM;
		m->bits = b;
		m->bits_len = need;
	}
	memset(m->bits, 0xff, need);
	rc = iod_mock_set_dirty(e->t->fd, iod_target_paging_id(e->t), first,
				end - first, MOCK_PAGE, m->bits, &nr);
	/*
	 * The arguments are valid by construction, so EINVAL means tracking
	 * is off: the write happened, and the IOMMU records nothing, as a
	 * real one would not.
	 */
	if (rc == -EINVAL)
		return 0;
	if (rc)
		return rc;
	/* Every page the space maps must be in the mock page table. */
	return nr == pages ? 0 : -EIO;
}

static int mock_submit(struct iod_engine *e, struct iod_dma *op)
{
	struct mock_engine *m = e->priv;
	uint8_t *va = iod_space_va(e->space, op->iova, op->len);
	uint64_t i;

	op->done = true;
	if (!va) {
		/* Nothing mapped there: the IOMMU blocks the access. */
		op->status = -EFAULT;
		return 0;
	}
	if (op->to_memory) {
		for (i = 0; i < op->len; i++)
			va[i] = iod_pattern_byte(op->seed, op->pattern_off + i);
		op->status = mark_dirty(e, op->iova, op->len);
		return 0;
	}
	for (i = 0; i < op->len; i += sizeof(m->sink)) {
		uint64_t n = op->len - i;

		memcpy(m->sink, va + i, n < sizeof(m->sink) ? n : sizeof(m->sink));
	}
	op->status = 0;
	return 0;
}

static int mock_wait(struct iod_engine *e, int timeout_ms)
{
	(void)e;
	(void)timeout_ms;
	return 0;	/* every operation completes in submit */
}

/*
 * The mock paging domain answers IOMMU_TEST_OP_MD_CHECK_MAP (a nested
 * one maps 1:1 onto its parent's IOVAs).
 */
static int mock_check_map(struct iod_engine *e, uint64_t iova, void *va,
			  uint64_t len)
{
	return iod_mock_check_map(e->t->fd, iod_target_paging_id(e->t), iova,
				  va, len);
}

const struct iod_engine_ops iod_engine_mock = {
	.name = "mock",
	.device = IOD_ENGINE_MOCK,
	.peer = "mock",
	.open = mock_open,
	.close = mock_close,
	.submit = mock_submit,
	.wait = mock_wait,
	.check_map = mock_check_map,
	.max_len = MOCK_MAX_LEN,
};
