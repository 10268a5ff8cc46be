/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host's huge pages, as the dirty bench needs them: hugetlb memory
 * physically contiguous in runs of at least an IOMMU huge leaf (huge
 * cases), and transparent-huge-page memory for base-leaf cases (so that an
 * IOMMU that ignored IOMMU_OPTION_HUGE_PAGES=0 would map large leaves and
 * be caught). Sizes come from sysfs, never from a constant.
 */
#ifndef IODIRTY_HUGEPAGES_H
#define IODIRTY_HUGEPAGES_H

#include <stddef.h>
#include <stdint.h>

/*
 * The smallest hugetlb page size of this host that is at least `leaf`
 * (/sys/kernel/mm/hugepages/hugepages-<N>kB), in bytes; 0 if none.
 */
uint64_t iod_hugetlb_size_for(uint64_t leaf);

/* Free, unreserved hugetlb pages of `size` bytes (0 if unknown). */
uint64_t iod_hugetlb_available(uint64_t size);

/*
 * Map len bytes (rounded up to whole hugetlb pages, *maplen) of hugetlb
 * memory in pages of at least `leaf` bytes, populated. 0, or -EOPNOTSUPP
 * with `why` saying what is missing and what to do (no hugetlb size that
 * large, too few huge pages reserved: "echo N > .../nr_hugepages"), or
 * another -errno with `why`.
 */
int iod_hugetlb_map(uint64_t leaf, uint64_t len, void **buf,
		    uint64_t *maplen, char *why, size_t wl);

/*
 * The transparent huge page size (hpage_pmd_size), 0 without THP. Memory
 * aligned to it and advised MADV_HUGEPAGE tends to be physically
 * contiguous in such runs.
 */
uint64_t iod_thp_size(void);

/*
 * Map len bytes (a multiple of the host page) of populated anonymous
 * memory aligned to the THP size, transparent huge pages asked for (a
 * wish: plain pages also do). 0 or -errno.
 */
int iod_thp_map(uint64_t len, void **buf);

#endif
