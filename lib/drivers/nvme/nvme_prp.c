// SPDX-License-Identifier: GPL-2.0
/* PRP entries and chained PRP lists of one NVMe command. */
#include <errno.h>

#include "drivers/nvme/nvme_prp.h"

unsigned int iod_nvme_prp_list_entries(uint64_t pages, uint64_t page)
{
	uint64_t per = page / 8, rest, entries = 0;

	if (pages <= 2)
		return 0;
	rest = pages - 1;	/* PRP1 holds the first page */
	/* Every full list page but the last gives one entry to the chain. */
	while (rest > per) {
		entries += per;
		rest -= per - 1;
	}
	return entries + rest;
}

int iod_nvme_prp_build(const struct iod_nvme_seg *seg, unsigned int n,
		       uint64_t page, uint64_t *list, unsigned int list_cap,
		       uint64_t list_iova, struct iod_nvme_prp *out)
{
	uint64_t mask = page - 1, per = page / 8;
	uint64_t second, total = 0, left, i;
	unsigned int s, k = 0;

	if (!n || !page || (page & mask) || page < 64)
		return -EINVAL;
	/* Check the layout and count the memory pages. */
	for (s = 0; s < n; s++) {
		uint64_t first = seg[s].iova & ~mask;
		uint64_t end = seg[s].iova + seg[s].len;

		if (!seg[s].len || end < seg[s].iova || (seg[s].iova & 3))
			return -EINVAL;
		if (s > 0 && (seg[s].iova & mask))
			return -EINVAL;
		if (s < n - 1 && (end & mask))
			return -EINVAL;
		total += ((end + mask) & ~mask) - first;
	}
	total /= page;
	out->prp1 = seg[0].iova;
	out->prp2 = 0;
	out->list_entries = 0;
	if (total == 1)
		return 0;
	if (total == 2) {
		/* The second page: the next page of seg 0, or seg 1's. */
		second = (seg[0].iova & ~mask) + page;
		out->prp2 = second < seg[0].iova + seg[0].len ? second :
							       seg[1].iova;
		return 0;
	}
	if (iod_nvme_prp_list_entries(total, page) > list_cap)
		return -ENOSPC;
	out->prp2 = list_iova;
	/*
	 * Every page after the first, in order; the last slot of a full list
	 * page points at the next list page while more than one page is left.
	 */
	left = total - 1;
	for (s = 0; s < n; s++) {
		uint64_t p = s ? seg[s].iova : (seg[0].iova & ~mask) + page;
		uint64_t end = seg[s].iova + seg[s].len;

		for (i = p; i < end; i += page, left--) {
			if (k % per == per - 1 && left > 1) {
				list[k] = list_iova + (k / per + 1) * page;
				k++;
			}
			list[k++] = i;
		}
	}
	out->list_entries = k;
	return 0;
}
