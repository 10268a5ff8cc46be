/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Buffers whose every page has, physically just below it, a page the
 * caller owns. QEMU 7.2's virtio-iommu looks an IOVA up with the key
 * [addr, addr + 1], which also matches a mapping that starts at addr + 1:
 * a DMA that starts at the last byte of an IOVA page can be translated
 * through the next IOVA page's mapping, and that byte lands at the last
 * byte of the physical page below the next page's. With these buffers
 * such a byte lands in memory of the program that asked for the DMA,
 * never in another process's or the kernel's.
 */
#ifndef IODIRTY_GUARD_PAGES_H
#define IODIRTY_GUARD_PAGES_H

#include <stddef.h>
#include <stdint.h>

/*
 * Map len bytes (a multiple of the page size) of zeroed, populated memory
 * at *buf. Below the first page physically lies the last page (a byte that
 * strays from the IOVA page below the buffer is seen in the buffer); below
 * every other page (and a one-page buffer's page) a guard page, kept mapped in [*guards, +*guards_len)
 * and never used. Reads PFNs from /proc/self/pagemap (CAP_SYS_ADMIN).
 * 0, or -errno (-EPERM: PFNs unreadable, -ENOSPC: too few physically
 * adjacent pages).
 */
int iod_guarded_map(uint64_t len, void **buf, void **guards,
		    uint64_t *guards_len);

/*
 * The choice behind it: from npool pages with page frame numbers pfn[],
 * pick[0..npages) gets the pool index backing each buffer page, such that
 * pfn - 1 of pick[0] is pick[npages - 1] (npages > 1) and pfn - 1 of every
 * other pick is a pool page not picked. 0, -ENOSPC or -ENOMEM.
 */
int iod_guard_pick(const uint64_t *pfn, size_t npool, size_t *pick,
		   size_t npages);

#endif
