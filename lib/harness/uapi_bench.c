// SPDX-License-Identifier: GPL-2.0
/* The bench of the negative-uAPI programs. */
#include "uapi/iommufd.h"
#include "harness/uapi_bench.h"

int iod_uapi_dirty_some(struct iod_dirty *d)
{
	int rc;

	/* The first byte, both sides of a leaf boundary, the last byte. */
	rc = iod_engine_touch(&d->engine, d->iova, 1, &d->fp);
	if (!rc)
		rc = iod_engine_touch(&d->engine, d->iova + 5 * d->leaf - 7, 2,
				      &d->fp);
	if (!rc)
		rc = iod_engine_touch(&d->engine, d->iova + 5 * d->leaf + 6, 2,
				      &d->fp);
	if (!rc)
		rc = iod_engine_touch(&d->engine, d->iova + d->len - 1, 3,
				      &d->fp);
	return rc;
}

int iod_uapi_dirty_some_bitmap(struct iod_dirty *d, struct iod_bitmap_buf *b)
{
	int rc = iod_bitmap_buf_alloc(b, IOD_UAPI_BUF_LEN / 2048 / 8, 0, 0);

	if (rc)
		return rc;
	rc = iod_uapi_dirty_some(d);
	if (rc)
		iod_bitmap_buf_free(b);
	return rc;
}

struct iommu_hwpt_get_dirty_bitmap iod_uapi_get_cmd(struct iod_dirty *d,
						    void *bm)
{
	return (struct iommu_hwpt_get_dirty_bitmap){
		.size = sizeof(struct iommu_hwpt_get_dirty_bitmap),
		.hwpt_id = d->hwpt_id,
		.iova = d->iova,
		.length = d->len,
		.page_size = d->leaf,
		.data = (uintptr_t)bm,
	};
}

int iod_uapi_tracking_on(struct iod_dirty *d)
{
	uint64_t bm[4] = { 0 };
	int rc;

	rc = iod_get_dirty_bitmap(d->t.fd, d->hwpt_id, d->iova, d->len,
				  d->len, bm, 0);
	iod_fp_reset(&d->fp);
	if (!rc)
		rc = iod_engine_touch(&d->engine, d->iova, 9, NULL);
	if (rc)
		return rc;
	bm[0] = 0;
	rc = iod_get_dirty_bitmap(d->t.fd, d->hwpt_id, d->iova, d->len,
				  d->len, bm, 0);
	return rc ? rc : (int)(bm[0] & 1);
}
