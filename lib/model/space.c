// SPDX-License-Identifier: GPL-2.0
/* The IOVA space of one IOAS: its mappings and the memory behind them. */
#include <errno.h>
#include <string.h>

#include "uapi/iommufd.h"
#include "model/space.h"

void iod_space_init(struct iod_space *s, int fd, uint32_t ioas_id)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->ioas_id = ioas_id;
}

int iod_space_map(struct iod_space *s, void *va, uint64_t len, uint64_t iova)
{
	int rc;

	if (s->n == IOD_SPACE_MAX_MAPS)
		return -ENOSPC;
	rc = iod_ioas_map_fixed(s->fd, s->ioas_id, va, len, iova);
	if (rc)
		return rc;
	s->maps[s->n++] = (struct iod_space_map){
		.iova = iova, .len = len, .va = va,
	};
	return 0;
}

int iod_space_unmap(struct iod_space *s, uint64_t iova)
{
	unsigned int i;
	int rc;

	for (i = 0; i < s->n; i++) {
		if (s->maps[i].iova != iova)
			continue;
		rc = iod_ioas_unmap(s->fd, s->ioas_id, iova, s->maps[i].len,
				    NULL);
		if (rc)
			return rc;
		s->maps[i] = s->maps[--s->n];
		return 0;
	}
	return -ENOENT;
}

void *iod_space_va(const struct iod_space *s, uint64_t iova, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		const struct iod_space_map *m = &s->maps[i];

		if (iova >= m->iova && len <= m->len &&
		    iova - m->iova <= m->len - len)
			return (char *)m->va + (iova - m->iova);
	}
	return NULL;
}

uint64_t iod_space_end(const struct iod_space *s)
{
	uint64_t end = 0;
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (s->maps[i].iova + s->maps[i].len > end)
			end = s->maps[i].iova + s->maps[i].len;
	return end;
}
