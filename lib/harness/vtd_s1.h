/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VT-d first-stage (IA-32e, 4-level) page table that maps a range 1:1,
 * built in memory mapped into the nest parent's IOAS: its addresses are
 * parent IOVAs, so the IOMMU walks it through the second stage. A and D are
 * preset on every entry so the IOMMU never writes the table (which would
 * dirty it in the parent). The table of a VT-d nested HWPT
 * (IOMMU_HWPT_DATA_VTD_S1).
 */
#ifndef IODIRTY_VTD_S1_H
#define IODIRTY_VTD_S1_H

#include <stddef.h>
#include <stdint.h>
#include <linux/iommufd.h>

/* Pages of table memory: enough for a few hundred MiB mapped 1:1. */
#define IOD_VTD_S1_PAGES 64
/* Table and leaf page of the first-stage format (architectural, VT-d 3.x). */
#define IOD_VTD_S1_PAGE 4096ull

struct iod_vtd_s1 {
	uint64_t *mem;		/* IOD_VTD_S1_PAGES pages of tables */
	uint64_t gpa;		/* where mem is mapped in the parent IOAS */
	int fd;			/* the iommufd holding that mapping */
	uint32_t ioas_id;
	unsigned int used;	/* pages in use; page 0 is the root */
};

/*
 * Allocate the table memory and map it at a free IOVA of ioas_id at or
 * above `floor`, aligned to `align`, with an empty root. 0, or -errno with
 * `why` saying what failed.
 */
int iod_vtd_s1_init(struct iod_vtd_s1 *pt, int fd, uint32_t ioas_id,
		    uint64_t floor, uint64_t align, char *why, size_t wl);
/*
 * Map [iova, +len) 1:1 (first-stage address = parent IOVA), 4 KiB pages.
 * 0, or -ENOSPC with `why` when the table memory is used up.
 */
int iod_vtd_s1_map(struct iod_vtd_s1 *pt, uint64_t iova, uint64_t len,
		   char *why, size_t wl);
/* The nested HWPT's data for this table: 48-bit, no flags. */
void iod_vtd_s1_data(const struct iod_vtd_s1 *pt,
		     struct iommu_hwpt_vtd_s1 *data);
/* Unmap the table from the IOAS (when its iommufd is still open) and free it. */
void iod_vtd_s1_free(struct iod_vtd_s1 *pt);

#endif
