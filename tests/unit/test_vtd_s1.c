// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the VT-d first-stage table (lib/harness/vtd_s1.c): every
 * mapped page translates 1:1 through four levels whose table addresses
 * are parent IOVAs inside the table memory, with P, RW, US and A on every
 * entry and D on the leaves; unmapped pages do not translate; a table
 * that runs out of pages says -ENOSPC. Table memory here is plain memory
 * at a made-up parent IOVA: no kernel is asked.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* kselftest_harness.h has unused parameters of its own. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#include "harness/vtd_s1.h"

#define GPA 0x7f000000ull	/* where the table "is" in the parent */
#define P_RW_US_A 0x27ull	/* P | RW | US | A */
#define D (1ull << 6)
#define ADDR 0x000ffffffffff000ull

/* A table over calloc'ed memory, no iommufd behind it. */
static void table_init(struct iod_vtd_s1 *pt)
{
	memset(pt, 0, sizeof(*pt));
	pt->mem = calloc(IOD_VTD_S1_PAGES, IOD_VTD_S1_PAGE);
	pt->gpa = GPA;
	pt->fd = -1;
	pt->used = 1;
}

static void table_free(struct iod_vtd_s1 *pt)
{
	free(pt->mem);
	pt->mem = NULL;
}

/*
 * Walk the table as the IOMMU does: 0 and the leaf in *pte, or -1 where
 * an entry is not present or a table address falls outside the memory.
 */
static int walk(const struct iod_vtd_s1 *pt, uint64_t va, uint64_t *pte)
{
	const uint64_t *tbl = pt->mem;
	uint64_t e = 0, addr;
	int lvl;

	for (lvl = 3; lvl >= 0; lvl--) {
		e = tbl[(va >> (12 + 9 * lvl)) & 511];
		if (!(e & 1))
			return -1;
		if ((e & P_RW_US_A) != P_RW_US_A)
			return -1;
		if (!lvl)
			break;
		addr = e & ADDR;
		if (addr < pt->gpa ||
		    addr >= pt->gpa + pt->used * IOD_VTD_S1_PAGE)
			return -1;
		tbl = pt->mem + (addr - pt->gpa) / 8;
	}
	*pte = e;
	return 0;
}

TEST(maps_one_to_one)
{
	static const uint64_t base[] = { 0x200000, 0x40000000, 0x7fff00000000 };
	struct iod_vtd_s1 pt;
	char why[128] = "";
	uint64_t pte, va;
	size_t i;

	table_init(&pt);
	ASSERT_NE(NULL, pt.mem);
	for (i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		ASSERT_EQ(0, iod_vtd_s1_map(&pt, base[i], 3 * IOD_VTD_S1_PAGE,
					    why, sizeof(why))) TH_LOG("%s", why);
	for (i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
		for (va = base[i]; va < base[i] + 3 * IOD_VTD_S1_PAGE;
		     va += IOD_VTD_S1_PAGE) {
			ASSERT_EQ(0, walk(&pt, va, &pte))
				TH_LOG("0x%llx does not translate",
				       (unsigned long long)va);
			EXPECT_EQ(va, pte & ADDR);
			EXPECT_EQ(D, pte & D);
		}
		/* The page after the range is not mapped. */
		EXPECT_EQ(-1, walk(&pt, va, &pte));
	}
	/*
	 * The root; one PDPT, PD and PT for 2 MiB; a PD and PT for 1 GiB
	 * (same PDPT); a PDPT, PD and PT for the region at 0x7fff00000000.
	 */
	EXPECT_EQ(9u, pt.used);
	table_free(&pt);
}

/* Mapping the same page twice adds nothing. */
TEST(remap_is_idempotent)
{
	struct iod_vtd_s1 pt;
	char why[128] = "";
	unsigned int used;

	table_init(&pt);
	ASSERT_EQ(0, iod_vtd_s1_map(&pt, 0x1000, 0x1000, why, sizeof(why)));
	used = pt.used;
	ASSERT_EQ(0, iod_vtd_s1_map(&pt, 0x1000, 0x1000, why, sizeof(why)));
	EXPECT_EQ(used, pt.used);
	table_free(&pt);
}

/* Each 512 GiB region takes three tables: the 22nd does not fit. */
TEST(runs_out_of_pages)
{
	struct iod_vtd_s1 pt;
	char why[128] = "";
	int i, rc = 0;

	table_init(&pt);
	for (i = 0; i < 22 && !rc; i++)
		rc = iod_vtd_s1_map(&pt, (uint64_t)i << 39, IOD_VTD_S1_PAGE,
				    why, sizeof(why));
	EXPECT_EQ(-ENOSPC, rc);
	EXPECT_EQ(22, i);
	EXPECT_NE(NULL, strstr(why, "too small")) TH_LOG("%s", why);
	EXPECT_EQ(IOD_VTD_S1_PAGES, pt.used);
	table_free(&pt);
}

/* The nested HWPT's data points at the root, 48-bit, no flags. */
TEST(data)
{
	struct iommu_hwpt_vtd_s1 d;
	struct iod_vtd_s1 pt;

	table_init(&pt);
	iod_vtd_s1_data(&pt, &d);
	EXPECT_EQ(GPA, d.pgtbl_addr);
	EXPECT_EQ(48, d.addr_width);
	EXPECT_EQ(0, d.flags);
	EXPECT_EQ(0, d.__reserved);
	table_free(&pt);
}

TEST_HARNESS_MAIN
