// SPDX-License-Identifier: GPL-2.0
/*
 * Buffers whose pages each have a page of the caller's physically below
 * them: a pool is populated (transparent huge pages asked for, so that
 * runs of physically adjacent pages are long), its PFNs read from
 * /proc/self/pagemap, and pages with an owned lower neighbour are moved
 * (mremap) into the buffer.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness/guard_pages.h"
#include "harness/hugepages.h"
#include "util.h"

/* The pool's unit: a transparent huge page, or a page without THP. */
static size_t huge_sz(void)
{
	return iod_max_u64(iod_thp_size(), iod_host_page());
}

#define PM_PRESENT	(1ull << 63)
#define PM_PFN_MASK	((1ull << 55) - 1)
#define POOL_TRIES	3

struct slot {
	uint64_t pfn;
	size_t idx;
};

static int by_pfn(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

int iod_guard_pick(const uint64_t *pfn, size_t npool, size_t *pick,
		   size_t npages)
{
	bool triple = npages > 1;	/* guard, last page, first page */
	size_t next = triple ? 1 : 0, end = triple ? npages - 1 : npages;
	struct slot *s;
	size_t i, run, k;

	if (!npages)
		return 0;
	s = malloc(npool * sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (i = 0; i < npool; i++)
		s[i] = (struct slot){ .pfn = pfn[i], .idx = i };
	qsort(s, npool, sizeof(*s), by_pfn);
	/* Carve runs of consecutive PFNs: one triple, then (guard, page). */
	for (i = 0; i < npool && (triple || next < end); i += run) {
		for (run = 1; i + run < npool &&
			      s[i + run].pfn == s[i].pfn + run; run++)
			;
		if (!s[i].pfn)
			continue;
		k = i;
		if (triple && run >= 3) {
			pick[npages - 1] = s[k + 1].idx;
			pick[0] = s[k + 2].idx;
			k += 3;
			triple = false;
		}
		for (; next < end && k + 2 <= i + run; k += 2)
			pick[next++] = s[k + 1].idx;
	}
	free(s);
	return triple || next < end ? -ENOSPC : 0;
}

static int read_pfns(int fd, const uint8_t *va, size_t n, size_t pg,
		     uint64_t *pfn)
{
	size_t i, want = n * sizeof(*pfn);

	if (pread(fd, pfn, want, (off_t)((uintptr_t)va / pg * sizeof(*pfn))) !=
	    (ssize_t)want)
		return -EIO;
	for (i = 0; i < n; i++) {
		if (!(pfn[i] & PM_PRESENT))
			return -EFAULT;
		pfn[i] &= PM_PFN_MASK;
		if (!pfn[i])
			return -EPERM;	/* PFNs hidden without CAP_SYS_ADMIN */
	}
	return 0;
}

/* Move the picked pool pages into a new buffer, then check their PFNs. */
static int assemble(int fd, uint8_t *pool, const uint64_t *pfn,
		    const size_t *pick, size_t n, size_t pg, uint8_t **buf)
{
	uint64_t now;
	uint8_t *b;
	size_t j;
	int rc;

	b = mmap(NULL, n * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED)
		return -errno;
	for (j = 0; j < n; j++) {
		if (mremap(pool + pick[j] * pg, pg, pg,
			   MREMAP_MAYMOVE | MREMAP_FIXED, b + j * pg) ==
		    MAP_FAILED) {
			rc = -errno;
			goto fail;
		}
		rc = read_pfns(fd, b + j * pg, 1, pg, &now);
		if (!rc && now != pfn[pick[j]])
			rc = -EAGAIN;	/* the page moved physically */
		if (rc)
			goto fail;
	}
	*buf = b;
	return 0;
fail:
	munmap(b, n * pg);
	return rc;
}

/*
 * npool pages (a multiple of huge_sz()) aligned to huge_sz(), populated,
 * huge pages asked for: transparent huge pages come physically contiguous.
 */
static uint8_t *map_pool(size_t npool, size_t pg)
{
	size_t bytes = npool * pg, i, hsz = huge_sz();
	uint8_t *p, *a;

	p = mmap(NULL, bytes + hsz, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	a = (uint8_t *)(((uintptr_t)p + hsz - 1) & ~(uintptr_t)(hsz - 1));
	if (a != p)
		munmap(p, a - p);
	munmap(a + bytes, p + hsz - a);
	madvise(a, bytes, MADV_HUGEPAGE);	/* a wish: plain pages also do */
	for (i = 0; i < npool; i++)
		((volatile uint8_t *)a)[i * pg] = 0;
	return a;
}

/* One pool of npool pages: the buffer out of it, or -errno. */
static int try_pool(int fd, size_t npool, size_t n, size_t pg, uint8_t **buf,
		    uint8_t **pool)
{
	uint64_t *pfn = calloc(npool, sizeof(*pfn));
	size_t *pick = calloc(n, sizeof(*pick));
	int rc = -ENOMEM;

	*pool = map_pool(npool, pg);
	if (!*pool) {
		rc = -errno;
	} else if (pfn && pick) {
		rc = read_pfns(fd, *pool, npool, pg, pfn);
		if (!rc)
			rc = iod_guard_pick(pfn, npool, pick, n);
		if (!rc)
			rc = assemble(fd, *pool, pfn, pick, n, pg, buf);
	}
	if (rc && *pool) {
		munmap(*pool, npool * pg);
		*pool = NULL;
	}
	free(pfn);
	free(pick);
	return rc;
}

int iod_guarded_map(uint64_t len, void **buf, void **guards,
		    uint64_t *guards_len)
{
	size_t pg = iod_host_page(), n = len / pg, npool, hsz = huge_sz();
	uint8_t *b = NULL, *pool = NULL;
	int fd, rc = -ENOSPC, tries;

	if (!n || len % pg)
		return -EINVAL;
	/* A guard per page and one more, in whole huge pages. */
	npool = ((2 * n + 1) * pg + hsz - 1) / hsz * (hsz / pg);
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return -errno;
	for (tries = 0; tries < POOL_TRIES && rc == -ENOSPC; tries++) {
		rc = try_pool(fd, npool, n, pg, &b, &pool);
		if (rc == -ENOSPC)
			npool *= 2;
	}
	close(fd);
	if (rc)
		return rc;
	*buf = b;
	*guards = pool;
	*guards_len = npool * pg;
	return 0;
}
