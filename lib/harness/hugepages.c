// SPDX-License-Identifier: GPL-2.0
/* The host's hugetlb and transparent huge pages, read from sysfs. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "harness/hugepages.h"
#include "util.h"

#define HUGETLB_DIR "/sys/kernel/mm/hugepages"

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif

static uint64_t read_u64(const char *path)
{
	unsigned long long v = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	if (fscanf(f, "%llu", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

uint64_t iod_hugetlb_size_for(uint64_t leaf)
{
	uint64_t best = 0;
	struct dirent *e;
	DIR *dir = opendir(HUGETLB_DIR);

	if (!dir)
		return 0;
	while ((e = readdir(dir))) {
		unsigned long long kb;
		uint64_t sz;

		if (sscanf(e->d_name, "hugepages-%llukB", &kb) != 1)
			continue;
		sz = kb * K;
		if (sz >= leaf && (!best || sz < best))
			best = sz;
	}
	closedir(dir);
	return best;
}

static void size_path(char *p, size_t n, uint64_t size, const char *file)
{
	snprintf(p, n, HUGETLB_DIR "/hugepages-%llukB/%s",
		 (unsigned long long)(size / K), file);
}

uint64_t iod_hugetlb_available(uint64_t size)
{
	char p[128];
	uint64_t free_, resv;

	size_path(p, sizeof(p), size, "free_hugepages");
	free_ = read_u64(p);
	size_path(p, sizeof(p), size, "resv_hugepages");
	resv = read_u64(p);
	return free_ > resv ? free_ - resv : 0;
}

static unsigned int log2_u64(uint64_t x)
{
	return 63 - __builtin_clzll(x);
}

int iod_hugetlb_map(uint64_t leaf, uint64_t len, void **buf,
		    uint64_t *maplen, char *why, size_t wl)
{
	uint64_t size = iod_hugetlb_size_for(leaf), n, avail;
	char nr[128];
	void *p;

	*buf = NULL;
	if (!size) {
		snprintf(why, wl,
			 "no hugetlb page size of at least %llu KiB (the profile's huge leaf) on this host (%s): the kernel needs CONFIG_HUGETLBFS and that page size (hugepagesz=)",
			 (unsigned long long)(leaf / K), HUGETLB_DIR);
		return -EOPNOTSUPP;
	}
	n = DIV_ROUND_UP(len, size);
	*maplen = n * size;
	avail = iod_hugetlb_available(size);
	size_path(nr, sizeof(nr), size, "nr_hugepages");
	if (avail < n) {
		snprintf(why, wl,
			 "needs %llu free huge pages of %llu KiB, %llu are free: reserve them (echo %llu > %s, or hugepages=%llu on the kernel command line)",
			 (unsigned long long)n, (unsigned long long)(size / K),
			 (unsigned long long)avail,
			 (unsigned long long)(read_u64(nr) + n - avail), nr,
			 (unsigned long long)(read_u64(nr) + n - avail));
		return -EOPNOTSUPP;
	}
	p = mmap(NULL, *maplen, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_HUGETLB |
			 (int)(log2_u64(size) << MAP_HUGE_SHIFT),
		 -1, 0);
	if (p == MAP_FAILED) {
		int e = errno;

		snprintf(why, wl,
			 "cannot map %llu huge pages of %llu KiB: %s; reserve more (echo N > %s)",
			 (unsigned long long)n, (unsigned long long)(size / K),
			 strerror(e), nr);
		return e == ENOMEM ? -EOPNOTSUPP : -e;
	}
	*buf = p;
	return 0;
}

uint64_t iod_thp_size(void)
{
	return read_u64("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size");
}

int iod_thp_map(uint64_t len, void **buf)
{
	uint64_t align = iod_max_u64(iod_thp_size(), iod_host_page()), i;
	uint8_t *p, *a;

	p = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	a = (uint8_t *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if (a != p)
		munmap(p, a - p);
	if (p + align != a)
		munmap(a + len, p + align - a);
	madvise(a, len, MADV_HUGEPAGE);
	for (i = 0; i < len; i += iod_host_page())
		((volatile uint8_t *)a)[i] = 0;
	*buf = a;
	return 0;
}
