// SPDX-License-Identifier: GPL-2.0
/* Spans: one buffer mapped again and again at consecutive IOVAs. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "uapi/iommufd.h"
#include "profile/profile.h"
#include "harness/span.h"
#include "util.h"

/* What the IOAS allows, for a SKIP reason. */
static void describe_ranges(struct iod_dirty *d, char *buf, size_t len)
{
	struct iommu_iova_range r[8];
	size_t used = 0;
	int n, i;

	n = iod_ioas_iova_ranges(d->t.fd, d->t.ioas_id, r, 8, NULL);
	if (n < 0) {
		snprintf(buf, len, "(IOAS_IOVA_RANGES failed: %s)",
			 iod_errno_name(-n));
		return;
	}
	buf[0] = 0;
	for (i = 0; i < n && i < 8 && used < len; i++)
		used += snprintf(buf + used, len - used, "%s[0x%llx, 0x%llx]",
				 i ? " " : "",
				 (unsigned long long)r[i].start,
				 (unsigned long long)r[i].last);
	if (!n)
		snprintf(buf, len, "no range at all");
}

int iod_span_build(struct iod_dirty *d, struct iod_span *sp, uint64_t prefix,
		   uint64_t len, const uint64_t *hot, unsigned int nhot,
		   char *why, size_t wl)
{
	uint64_t align = iod_bench_align(d), p0, off;
	char ranges[256];
	unsigned int h;
	int rc;

	memset(sp, 0, sizeof(*sp));
	if (prefix >= align || len % d->leaf)
		return -EINVAL;
	rc = iod_space_unmap(&d->space, d->iova);
	if (rc) {
		snprintf(why, wl, "unmapping the bench buffer: %s",
			 iod_errno_name(-rc));
		return rc;
	}
	rc = iod_ioas_pick_iova(d->t.fd, d->t.ioas_id, align + len,
				iod_bench_iova_floor(d, 1ull << 24), align, &p0);
	if (rc == -ENOSPC) {
		describe_ranges(d, ranges, sizeof(ranges));
		snprintf(why, wl,
			 "needs %llu MiB of contiguous IOVA aperture, the IOAS offers %s",
			 (unsigned long long)((align + len + M - 1) / M),
			 ranges);
		return rc;
	}
	if (rc)
		return rc;
	sp->base = p0 + align;
	sp->prefix = prefix;
	sp->start = sp->base - prefix;
	sp->len = len;
	if (prefix) {
		rc = iod_ioas_map_fixed(d->t.fd, d->t.ioas_id, d->buf, prefix,
					sp->start);
		if (rc) {
			snprintf(why, wl, "mapping the %llu-byte prefix: %s",
				 (unsigned long long)prefix,
				 iod_errno_name(-rc));
			return rc;
		}
	}
	for (off = 0; off < len; off += d->len) {
		uint64_t n = len - off < d->len ? len - off : d->len;
		bool in_space = false;

		for (h = 0; h < nhot; h++)
			if (hot[h] >= off && hot[h] < off + n)
				in_space = true;
		if (in_space)
			rc = iod_space_map(&d->space, d->buf, n, sp->base + off);
		else
			rc = iod_ioas_map_fixed(d->t.fd, d->t.ioas_id, d->buf,
						n, sp->base + off);
		if (rc) {
			snprintf(why, wl, "mapping a copy at 0x%llx: %s",
				 (unsigned long long)(sp->base + off),
				 iod_errno_name(-rc));
			return rc;
		}
	}
	rc = iod_fp_init(&sp->fp, sp->base, len, d->leaf);
	if (rc)
		snprintf(why, wl, "footprint: %s", iod_errno_name(-rc));
	return rc;
}
