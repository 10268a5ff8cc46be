// SPDX-License-Identifier: GPL-2.0
/* A VT-d first-stage page table mapping a range 1:1 (vtd_s1.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "harness/vtd_s1.h"
#include "profile/profile.h"
#include "uapi/iommufd.h"

#define S1_P	(1ull << 0)
#define S1_RW	(1ull << 1)
#define S1_US	(1ull << 2)
#define S1_A	(1ull << 5)
#define S1_D	(1ull << 6)
#define S1_ADDR	0x000ffffffffff000ull
#define S1_BYTES (IOD_VTD_S1_PAGES * IOD_VTD_S1_PAGE)

int iod_vtd_s1_init(struct iod_vtd_s1 *pt, int fd, uint32_t ioas_id,
		    uint64_t floor, uint64_t align, char *why, size_t wl)
{
	int rc;

	memset(pt, 0, sizeof(*pt));
	pt->fd = -1;
	pt->mem = mmap(NULL, S1_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (pt->mem == MAP_FAILED) {
		pt->mem = NULL;
		snprintf(why, wl, "no memory for the stage-1 table");
		return -ENOMEM;
	}
	rc = iod_ioas_pick_iova(fd, ioas_id, S1_BYTES, floor, align, &pt->gpa);
	if (!rc)
		rc = iod_ioas_map_fixed(fd, ioas_id, pt->mem, S1_BYTES,
					pt->gpa);
	if (rc) {
		snprintf(why, wl, "mapping the stage-1 table: %s",
			 iod_errno_name(-rc));
		return rc;
	}
	pt->fd = fd;
	pt->ioas_id = ioas_id;
	pt->used = 1;
	return 0;
}

static int s1_map_page(struct iod_vtd_s1 *pt, uint64_t va)
{
	uint64_t *tbl = pt->mem;
	int lvl;

	for (lvl = 3; lvl > 0; lvl--) {
		unsigned int idx = (va >> (12 + 9 * lvl)) & 511;

		if (!(tbl[idx] & S1_P)) {
			if (pt->used == IOD_VTD_S1_PAGES)
				return -ENOSPC;
			tbl[idx] = (pt->gpa + pt->used * IOD_VTD_S1_PAGE) |
				   S1_P | S1_RW | S1_US | S1_A;
			pt->used++;
		}
		tbl = pt->mem + ((tbl[idx] & S1_ADDR) - pt->gpa) / 8;
	}
	tbl[(va >> 12) & 511] = (va & S1_ADDR) | S1_P | S1_RW | S1_US | S1_A |
				S1_D;
	return 0;
}

int iod_vtd_s1_map(struct iod_vtd_s1 *pt, uint64_t iova, uint64_t len,
		   char *why, size_t wl)
{
	uint64_t va;
	int rc;

	for (va = iova; va < iova + len; va += IOD_VTD_S1_PAGE) {
		rc = s1_map_page(pt, va);
		if (rc) {
			snprintf(why, wl, "stage-1 table too small for %llu bytes",
				 (unsigned long long)len);
			return rc;
		}
	}
	return 0;
}

void iod_vtd_s1_data(const struct iod_vtd_s1 *pt,
		     struct iommu_hwpt_vtd_s1 *data)
{
	*data = (struct iommu_hwpt_vtd_s1){
		.flags = 0,
		.pgtbl_addr = pt->gpa,
		.addr_width = 48,
	};
}

void iod_vtd_s1_free(struct iod_vtd_s1 *pt)
{
	if (pt->fd >= 0 && pt->used)
		iod_ioas_unmap(pt->fd, pt->ioas_id, pt->gpa, S1_BYTES, NULL);
	if (pt->mem)
		munmap(pt->mem, S1_BYTES);
	pt->mem = NULL;
	pt->used = 0;
	pt->fd = -1;
}
