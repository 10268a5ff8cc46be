// SPDX-License-Identifier: GPL-2.0
/*
 * The machine counters a stress case must give back (VmPin, MemFree,
 * HugePages_Free, nr_iommu_pages) and their comparison (stress.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "harness/stress.h"

#define STR_(x) #x
#define STR(x) STR_(x)

/* The value of `key` ("MemFree:") in a /proc file of "key value" lines. */
static int proc_value(const char *path, const char *key, uint64_t *v,
		      bool *found)
{
	FILE *f = fopen(path, "r");
	size_t klen = strlen(key);
	char line[256];
	unsigned long long x;

	*found = false;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) ||
		    sscanf(line + klen, " %llu", &x) != 1)
			continue;
		*v = x;
		*found = true;
		break;
	}
	fclose(f);
	return 0;
}

int iod_stress_counters_read(struct iod_stress_counters *c)
{
	bool found;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = iod_vmpin_kb(&c->vmpin_kb);
	if (!rc)
		rc = proc_value("/proc/meminfo", "MemFree:", &c->memfree_kb,
				&found);
	if (!rc)
		rc = proc_value("/proc/meminfo", "HugePages_Free:",
				&c->hugepages_free, &c->have_hugepages);
	if (!rc)
		rc = proc_value("/proc/vmstat", "nr_iommu_pages",
				&c->nr_iommu_pages, &c->have_iommu_pages);
	return rc;
}

static void add(char *rep, size_t len, size_t *at, const char *fmt,
		uint64_t before, uint64_t after)
{
	int n;

	if (*at >= len)
		return;
	n = snprintf(rep + *at, len - *at, fmt, *at ? "; " : "", before,
		     after);
	if (n > 0)
		*at += (size_t)n;
}

int iod_stress_leak_check(const struct iod_stress_counters *before,
			  const struct iod_stress_counters *after, char *rep,
			  size_t len)
{
	size_t at = 0;

	if (len)
		rep[0] = 0;
	if (after->vmpin_kb != before->vmpin_kb)
		add(rep, len, &at, "%sVmPin %" PRIu64 " kB before, %" PRIu64
		    " kB after", before->vmpin_kb, after->vmpin_kb);
	if (before->have_hugepages && after->have_hugepages &&
	    after->hugepages_free != before->hugepages_free)
		add(rep, len, &at, "%sHugePages_Free %" PRIu64 " before, %"
		    PRIu64 " after", before->hugepages_free,
		    after->hugepages_free);
	if (before->have_iommu_pages && after->have_iommu_pages &&
	    after->nr_iommu_pages > before->nr_iommu_pages +
	    IOD_STRESS_IOMMU_PAGES_SLACK)
		add(rep, len, &at, "%snr_iommu_pages %" PRIu64 " before, %"
		    PRIu64 " after (slack "
		    STR(IOD_STRESS_IOMMU_PAGES_SLACK) ")",
		    before->nr_iommu_pages, after->nr_iommu_pages);
	if (after->memfree_kb + IOD_STRESS_MEMFREE_SLACK_KB <
	    before->memfree_kb)
		add(rep, len, &at, "%sMemFree %" PRIu64 " kB before, %" PRIu64
		    " kB after (slack "
		    STR(IOD_STRESS_MEMFREE_SLACK_KB) " kB)",
		    before->memfree_kb, after->memfree_kb);
	return at ? -EBADE : 0;
}
