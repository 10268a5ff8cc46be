// SPDX-License-Identifier: GPL-2.0
/* Seeded scattered device writes over a bench's buffer. */
#include "model/rand.h"
#include "harness/scatter.h"

int iod_scatter_writes(struct iod_dirty *d, uint64_t seed, unsigned int count)
{
	uint64_t maxw = d->len / 8 ? d->len / 8 : 1, ia, la, edge;
	struct iod_rand r;
	unsigned int i;
	int rc;

	/* Every write obeys the engine's alignment (NVMe: whole blocks). */
	iod_engine_align(&d->engine, &ia, &la);
	if (maxw > 3 * d->leaf)
		maxw = 3 * d->leaf;
	if (maxw < la)
		maxw = la;
	iod_rand_init(&r, seed);
	/* The first and the last byte of the buffer. */
	rc = iod_engine_write(&d->engine, d->iova, la, (uint8_t)seed, &d->fp);
	if (!rc)
		rc = iod_engine_write(&d->engine, d->iova + d->len - la, la,
				      (uint8_t)seed, &d->fp);
	/* Bytes on both sides of the leaf boundary nearest the middle. */
	if (!rc && d->len >= 2 * d->leaf) {
		uint64_t mid = (d->len / 2) & ~(d->leaf - 1);

		edge = la < 2 ? 2 : la;
		rc = iod_engine_write(&d->engine,
				      d->iova + ((mid - edge / 2) & ~(ia - 1)),
				      edge, (uint8_t)seed, &d->fp);
	}
	for (i = 3; !rc && i < count; i++) {
		uint64_t len = la * (1 + iod_rand_below(&r, maxw / la));
		uint64_t off = ia * iod_rand_below(&r, (d->len - len) / ia + 1);

		rc = iod_engine_write(&d->engine, d->iova + off, len,
				      (uint8_t)(seed + i), &d->fp);
	}
	return rc;
}
