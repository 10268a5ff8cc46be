/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IOVA space a test builds in one IOAS: every IOAS_MAP it makes, with
 * the user memory behind it, so a DMA engine can find the memory an IOVA
 * lands in and a test can find what it mapped.
 */
#ifndef IODIRTY_SPACE_H
#define IODIRTY_SPACE_H

#include <stdint.h>

#define IOD_SPACE_MAX_MAPS 64

struct iod_space_map {
	uint64_t iova;
	uint64_t len;
	void *va;
};

struct iod_space {
	int fd;
	uint32_t ioas_id;
	unsigned int n;
	struct iod_space_map maps[IOD_SPACE_MAX_MAPS];
};

void iod_space_init(struct iod_space *s, int fd, uint32_t ioas_id);
/* IOAS_MAP [va, +len) at iova (fixed, read/write) and remember it. */
int iod_space_map(struct iod_space *s, void *va, uint64_t len, uint64_t iova);
/* IOAS_UNMAP exactly one earlier mapping starting at iova. */
int iod_space_unmap(struct iod_space *s, uint64_t iova);
/* The first IOVA above every mapping of the space (0 if none). */
uint64_t iod_space_end(const struct iod_space *s);
/* The user address behind [iova, +len), or NULL if not inside one mapping. */
void *iod_space_va(const struct iod_space *s, uint64_t iova, uint64_t len);

#endif
