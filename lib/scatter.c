// SPDX-License-Identifier: GPL-2.0
/* Seeded scattered device writes over a bench's buffer. */
#include "rand.h"
#include "scatter.h"

int iod_scatter_writes(struct iod_dirty *d, uint64_t seed, unsigned int count)
{
	uint64_t maxw = d->len / 8 ? d->len / 8 : 1;
	struct iod_rand r;
	unsigned int i;
	int rc;

	if (maxw > 3 * d->leaf)
		maxw = 3 * d->leaf;
	iod_rand_init(&r, seed);
	/* The first and the last byte of the buffer. */
	rc = iod_engine_write(&d->engine, d->iova, 1, (uint8_t)seed, &d->fp);
	if (!rc)
		rc = iod_engine_write(&d->engine, d->iova + d->len - 1, 1,
				      (uint8_t)seed, &d->fp);
	/* Two bytes across the leaf boundary nearest the middle. */
	if (!rc && d->len >= 2 * d->leaf) {
		uint64_t mid = (d->len / 2) & ~(d->leaf - 1);

		rc = iod_engine_write(&d->engine, d->iova + mid - 1, 2,
				      (uint8_t)seed, &d->fp);
	}
	for (i = 3; !rc && i < count; i++) {
		uint64_t len = 1 + iod_rand_below(&r, maxw);
		uint64_t off = iod_rand_below(&r, d->len - len + 1);

		rc = iod_engine_write(&d->engine, d->iova + off, len,
				      (uint8_t)(seed + i), &d->fp);
	}
	return rc;
}
