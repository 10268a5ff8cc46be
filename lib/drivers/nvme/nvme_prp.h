/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NVMe PRP entries for one command's data: PRP1 points at the first byte
 * (any dword-aligned offset in its page), every later entry at the start of
 * a memory page. Two pages fit PRP1 and PRP2; more take a PRP list whose
 * pages are chained through their last entry.
 */
#ifndef IODIRTY_NVME_PRP_H
#define IODIRTY_NVME_PRP_H

#include <stdint.h>

/* One piece of a command's data in IOVA space. */
struct iod_nvme_seg {
	uint64_t iova;
	uint64_t len;
};

struct iod_nvme_prp {
	uint64_t prp1, prp2;
	unsigned int list_entries;	/* entries written to the list pages */
};

/*
 * Build the PRPs of data made of `n` segments, with memory page size
 * `page` (a power of two). Segments must chain page by page: the first may
 * start at any dword offset, every other starts on a page boundary, and
 * every one but the last ends on a page boundary. List entries go to
 * `list` (list_cap entries, in pages of page / 8 entries, at IOVA
 * list_iova: its page k is at list_iova + k * page). 0, -EINVAL (bad
 * layout) or -ENOSPC (list too small).
 */
int iod_nvme_prp_build(const struct iod_nvme_seg *seg, unsigned int n,
		       uint64_t page, uint64_t *list, unsigned int list_cap,
		       uint64_t list_iova, struct iod_nvme_prp *out);

/* How many list entries data spanning `pages` memory pages needs. */
unsigned int iod_nvme_prp_list_entries(uint64_t pages, uint64_t page);

#endif
