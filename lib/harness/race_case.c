// SPDX-License-Identifier: GPL-2.0
/*
 * The frame of a stress case racing an object's lifetime (race_case.h):
 * thread seeds and logs, the wrong-return flag, the bench check after the
 * race, an iommufd of its own on the mock.
 */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "harness/harvest.h"
#include "harness/kmsg.h"
#include "harness/race_case.h"
#include "harness/regress.h"
#include "uapi/iommufd.h"
#include "uapi/mock.h"

#define IOD_RACE_OPLOG_CAP 256

int iod_race_init(struct iod_race *r, uint64_t case_seed,
		  const char *case_id)
{
	unsigned int i;
	int rc;

	memset(r, 0, sizeof(*r));
	r->kfd = -1;
	for (i = 0; i < IOD_RACE_THREADS; i++) {
		r->seed[i] = iod_stress_thread_seed(case_seed, case_id, i);
		iod_rand_init(&r->rnd[i], r->seed[i]);
		rc = iod_oplog_init(&r->log[i], i, r->seed[i],
				    IOD_RACE_OPLOG_CAP);
		if (rc)
			return rc;
	}
	rc = iod_stress_counters_read(&r->before);
	if (rc)
		return rc;
	r->kfd = iod_kmsg_open();
	return 0;
}

void iod_race_free(struct iod_race *r)
{
	unsigned int i;

	for (i = 0; i < IOD_RACE_THREADS; i++)
		iod_oplog_free(&r->log[i]);
	if (r->kfd >= 0)
		close(r->kfd);
	r->kfd = -1;
}

int iod_race_log(struct iod_race *r, unsigned int t, const char *name,
		 uint64_t a0, uint64_t a1, uint64_t t_in, int rc)
{
	return iod_oplog_add(&r->log[t], name, a0, a1, 0, t_in, iod_now_ns(),
			     rc);
}

void iod_race_wrong(struct iod_race *r, unsigned int t, const char *name,
		    uint64_t id, int rc)
{
	iod_race_log(r, t, name, id, 0xbad, iod_now_ns(), rc);
	atomic_store(&r->bad, true);
}

void iod_race_spin(struct iod_race *r, unsigned int t, unsigned int max_us)
{
	uint64_t end = iod_now_ns() +
		       iod_rand_below(&r->rnd[t], max_us + 1ull) * 1000;

	while (iod_now_ns() < end)
		sched_yield();
}

void iod_race_dump(struct iod_race *r)
{
	struct iod_oplog *logs[IOD_RACE_THREADS];
	unsigned int i;

	for (i = 0; i < IOD_RACE_THREADS; i++)
		logs[i] = &r->log[i];
	iod_oplog_dump(logs, IOD_RACE_THREADS, stderr);
}

int64_t iod_race_bench_works(struct iod_race *r, struct iod_dirty *d,
			     char *rep, size_t len)
{
	uint64_t leaves = d->len / d->leaf, l;
	uint64_t *bm = calloc((leaves + 63) / 64, sizeof(*bm));
	int64_t wrong;
	int rc;

	if (!bm)
		return -ENOMEM;
	/* whatever the race left dirty: harvested away, not judged */
	rc = iod_bench_get_bitmap(d, d->iova, d->len, d->leaf, bm, 0);
	free(bm);
	if (rc) {
		snprintf(rep, len, "the harvest clearing the race's bits: %s",
			 strerror(-rc));
		return rc;
	}
	iod_fp_reset(&d->fp);
	for (l = 1; l < leaves; l += leaves / 3 + 1) {
		rc = iod_touch(d, &d->fp, d->iova + l * d->leaf);
		if (rc) {
			snprintf(rep, len, "the device's write at leaf %" PRIu64
				 ": %s", l, strerror(-rc));
			return rc;
		}
		r->fig.writes++;
	}
	wrong = iod_harvest_compare(d, &d->fp,
				    &(const struct iod_harvest_req){
					    .iova = d->iova, .len = d->len,
					    .page_size = d->leaf },
				    NULL, rep, len);
	iod_fp_reset(&d->fp);
	r->fig.harvests += 2;
	r->fig.bits_checked += leaves;
	r->fig.ops += 2;
	return wrong;
}

int iod_race_mock_tracked(struct iod_target *t, void *buf, uint64_t len,
			  uint64_t leaf, uint32_t *hwpt, uint64_t *iova,
			  char *why, size_t wlen)
{
	uint64_t *all = NULL, nr = 0;
	int rc = iod_target_open(t, 0, why, wlen);

	if (rc)
		return rc;
	rc = iod_hwpt_alloc(t->fd, t->dev_id, t->ioas_id,
			    IOMMU_HWPT_ALLOC_DIRTY_TRACKING, hwpt);
	if (!rc)
		rc = iod_target_attach(t, *hwpt);
	/* an IOVA the device's domain accepts */
	if (!rc)
		rc = iod_ioas_pick_iova(t->fd, t->ioas_id, len, 0, len, iova);
	if (!rc)
		rc = iod_ioas_map_fixed(t->fd, t->ioas_id, buf, len, *iova);
	if (!rc)
		rc = iod_set_dirty_tracking(t->fd, *hwpt, true);
	if (!rc) {
		all = malloc(len / leaf / 8);
		rc = all ? 0 : -ENOMEM;
	}
	if (!rc) {
		memset(all, 0xff, len / leaf / 8);
		rc = iod_mock_set_dirty(t->fd, *hwpt, *iova, len, leaf, all,
					&nr);
		if (!rc && nr != len / leaf)
			rc = -EBADMSG;
	}
	free(all);
	if (rc)
		snprintf(why, wlen, "an iommufd of its own with a tracking mock device: %s",
			 strerror(-rc));
	return rc;
}
