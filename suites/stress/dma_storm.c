// SPDX-License-Identifier: GPL-2.0
/*
 * Real DMA under stress on the vIOMMU flavours: the NVMe controller and
 * edu bound to vfio-pci, their data checked byte for byte, and where the
 * profile says the IOMMU tracks dirty pages, a harvester thread beside
 * the device judging every harvest with the invariant of a harvest racing
 * DMA. Harvests H1, H2, ... of one range are serialised (one thread); Hk
 * starts at sk and returns at ek; a device write W of leaf L runs over
 * [aW, bW] (NVMe: doorbell to reaped completion; edu: command to its
 * completion). Within one tracking epoch:
 *   - no loss: W is reported by some Hj with ej > aW, j at most the first
 *     harvest that starts after bW;
 *   - no phantom: a leaf Hk reports was written by some W with aW < ek
 *     and bW > sj, Hj the last earlier harvest that reported it (or the
 *     round's start).
 * Which of two adjacent harvests reports a concurrent write is not judged.
 * Every round ends with a harvest after its last completion, so each round
 * starts with nothing dirty.
 *
 *   nvme_storm: 4 I/O queues x depth 32 of NVMe Reads from namespace 1's
 *     reference blocks (never a write) into leaves of the bench buffer,
 *     completions reaped through the io_uring loop over the MSI-X
 *     eventfds, a churn thread mapping and unmapping an area no command
 *     targets;
 *   edu_writer_harvester: edu's writes from one thread (edu runs one DMA
 *     at a time: writes are serial) and the harvester in another;
 *   unmap_under_dma: an area is unmapped while NVMe commands target the
 *     bench buffer: every command completes with the right data and the
 *     unmapped area's memory is never written.
 * Where the IOMMU cannot track, the bench is a plain HWPT and only the
 * data and translation are judged. Without the device (mock) the cases
 * SKIP. Seeds from the case seed, printed; per-thread op logs into the
 * TAP on failure; no splat, VmPin back after the case.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "clock.h"
#include "drivers/nvme/nvme.h"
#include "drivers/nvme/nvme_dma.h"
#include "harness/env.h"
#include "harness/iod_test.h"
#include "harness/kmsg.h"
#include "harness/stress.h"
#include "model/rand.h"
#include "uapi/iommufd.h"
#include "util.h"

#define NQ		4	/* NVMe I/O queues */
#define QD		32	/* commands per queue per round */
#define NSLOTS		(NQ * QD)
#define CMD_LEN		4096u	/* one NVMe Read: a 4 KiB leaf */
#define REF_SPAN	(1u << 20)	/* reference bytes the reads come from */
#define MAX_LEAVES	128
#define WORDS		(MAX_LEAVES / 64)
#define MAX_HARVESTS	16384	/* per round; the harvester stops there */
#define NVME_ROUNDS	3
#define EDU_WRITES	32	/* per round */
#define EDU_ROUNDS	2
#define UNMAP_ROUNDS	3
#define CHURN_LEN	(64u * 1024)
#define LOG_CAP		256

struct write_rec {
	unsigned int leaf;
	uint64_t a, b;		/* ns: submit, reaped completion */
};

struct harvest_rec {
	uint64_t s, e;
	uint64_t bits[WORDS];
};

/* One round's record: the device's writes and the harvests beside them. */
struct round_rec {
	struct write_rec *w;
	unsigned int nw, wcap;
	struct harvest_rec *h;
	unsigned int nh;
	int harvest_rc;
};

FIXTURE(storm) {
	struct iod_dirty d;
	struct iod_oplog log[3];	/* device, harvester, churn */
	uint64_t tseed[3];
	struct iod_stress_figures fig;
	struct iod_stress_counters before;
	uint64_t vmpin;
	unsigned int nleaves;
	struct round_rec r;
	int kfd;
	bool ready;
	/* the harvester and churn threads of a round */
	volatile bool stop;
	uint64_t churn_iova, churn_ops;
	void *churn_buf;
	int churn_rc;
};

static bool bit(const uint64_t *b, unsigned int i)
{
	return b[i / 64] >> (i % 64) & 1;
}

/* ---------------------------------------------------------------------- */
/* threads beside the device */

static void *harvester(void *arg)
{
	FIXTURE_DATA(storm) *self = arg;
	struct iod_dirty *d = &self->d;

	while (!self->stop && self->r.nh < MAX_HARVESTS - 1) {
		struct harvest_rec *h = &self->r.h[self->r.nh];
		int rc;

		memset(h->bits, 0, sizeof(h->bits));
		h->s = iod_now_ns();
		rc = iod_bench_get_bitmap(d, d->iova, self->nleaves * d->leaf,
					  d->leaf, h->bits, 0);
		h->e = iod_now_ns();
		iod_oplog_add(&self->log[1], "HARVEST", h->bits[0],
			      h->bits[1], d->hwpt_id, h->s, h->e, rc);
		if (rc) {
			self->r.harvest_rc = rc;
			break;
		}
		self->r.nh++;
	}
	return NULL;
}

static void *churn(void *arg)
{
	FIXTURE_DATA(storm) *self = arg;
	struct iod_dirty *d = &self->d;

	while (!self->stop) {
		uint64_t t = iod_now_ns();
		int rc = iod_ioas_map_fixed(d->t.fd, d->t.ioas_id,
					    self->churn_buf, CHURN_LEN,
					    self->churn_iova);

		iod_oplog_add(&self->log[2], "IOAS_MAP", self->churn_iova,
			      CHURN_LEN, 0, t, iod_now_ns(), rc);
		if (!rc) {
			t = iod_now_ns();
			rc = iod_ioas_unmap(d->t.fd, d->t.ioas_id,
					    self->churn_iova, CHURN_LEN, NULL);
			iod_oplog_add(&self->log[2], "IOAS_UNMAP",
				      self->churn_iova, CHURN_LEN, 0, t,
				      iod_now_ns(), rc);
		}
		if (rc) {
			self->churn_rc = rc;
			break;
		}
		self->churn_ops += 2;
	}
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* the invariant */

static int record_write(struct round_rec *r, const struct iod_dirty *d,
			uint64_t off, uint64_t len, uint64_t a, uint64_t b)
{
	uint64_t l;

	for (l = off / d->leaf; l <= (off + len - 1) / d->leaf; l++) {
		if (r->nw == r->wcap)
			return -ENOSPC;
		r->w[r->nw++] = (struct write_rec){ (unsigned int)l, a, b };
	}
	return 0;
}

/*
 * Judge a round: the last harvest started after every write completed.
 * 0, or -EBADE with rep naming the first lost or phantom leaf.
 */
static int judge_round(const struct round_rec *r, unsigned int nleaves,
		       char *rep, size_t len)
{
	unsigned int i, k;

	if (!r->nh || r->h[r->nh - 1].s < r->w[r->nw - 1].b) {
		snprintf(rep, len, "no harvest after the round's last write");
		return -EBADE;
	}
	for (i = 0; i < r->nw; i++) {
		const struct write_rec *w = &r->w[i];
		bool seen = false;

		for (k = 0; k < r->nh && !seen; k++) {
			if (r->h[k].e > w->a && bit(r->h[k].bits, w->leaf))
				seen = true;
			if (r->h[k].s > w->b)
				break;	/* K(W): the first harvest after it */
		}
		if (!seen) {
			snprintf(rep, len,
				 "lost: leaf %u written over [%" PRIu64 ", %" PRIu64 "] ns is in no harvest up to the first one after its completion (%u harvests)",
				 w->leaf, w->a, w->b, r->nh);
			return -EBADE;
		}
	}
	for (i = 0; i < nleaves; i++) {
		uint64_t last_s = 0;

		for (k = 0; k < r->nh; k++) {
			bool ok = false;
			unsigned int j;

			if (!bit(r->h[k].bits, i))
				continue;
			for (j = 0; j < r->nw && !ok; j++)
				ok = r->w[j].leaf == i &&
				     r->w[j].a < r->h[k].e &&
				     r->w[j].b > last_s;
			if (!ok) {
				snprintf(rep, len,
					 "phantom: harvest %u over [%" PRIu64 ", %" PRIu64 "] ns reports leaf %u, which no write made since the harvest before that reported it",
					 k, r->h[k].s, r->h[k].e, i);
				return -EBADE;
			}
			last_s = r->h[k].s;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* set-up */

/*
 * SKIP unless the run has the device the case drives, then build the
 * bench over nleaves leaves with that device's engine.
 */
#define STORM_SETUP(_eng, _dev, _nl) do { \
	const struct iod_dirty_opts __o = { .leaves = (_nl), \
		.enable = true, .plain_if_incapable = true }; \
	char __id[128]; \
	uint64_t __seed; \
	unsigned int __i; \
	if (iod_env_is_mock() || !iod_env_device(_dev)) \
		SKIP(return, "no %s device bound to vfio-pci in this run: the case drives real DMA (a vIOMMU flavour's %s)", \
		     _dev, _dev); \
	setenv("IODIRTY_ENGINE", _eng, 1); \
	IOD_DIRTY_SETUP(&self->d, &__o); \
	if (strcmp(self->d.engine.ops->device, _dev)) \
		SKIP(return, "the run names engine %s; this case drives %s", \
		     self->d.engine.ops->name, _dev); \
	self->nleaves = (_nl); \
	if (!self->d.tracking) \
		TH_LOG("the IOMMU cannot track dirty pages here (profile): data and translation only, on a plain HWPT"); \
	__seed = iod_seed(); \
	iod_case_id(__id, sizeof(__id), _metadata, variant); \
	for (__i = 0; __i < 3; __i++) { \
		self->tseed[__i] = iod_stress_thread_seed(__seed, __id, __i); \
		ASSERT_EQ(0, iod_oplog_init(&self->log[__i], __i, \
					    self->tseed[__i], LOG_CAP)); \
	} \
	TH_LOG("seed %" PRIu64 " (replay: IODIRTY_SEED=%" PRIu64 "), thread seeds %" PRIu64 " %" PRIu64 " %" PRIu64, \
	       __seed, __seed, self->tseed[0], self->tseed[1], \
	       self->tseed[2]); \
	self->r.wcap = 4 * NSLOTS; \
	self->r.w = calloc(self->r.wcap, sizeof(*self->r.w)); \
	self->r.h = calloc(MAX_HARVESTS, sizeof(*self->r.h)); \
	ASSERT_NE(NULL, self->r.w); \
	ASSERT_NE(NULL, self->r.h); \
	ASSERT_EQ(0, iod_vmpin_kb(&self->vmpin)); \
	ASSERT_EQ(0, iod_stress_counters_read(&self->before)); \
	self->kfd = iod_kmsg_open(); \
	self->ready = true; \
} while (0)

FIXTURE_SETUP(storm)
{
	self->kfd = -1;
}

FIXTURE_TEARDOWN(storm)
{
	unsigned int i;

	for (i = 0; i < 3; i++)
		iod_oplog_free(&self->log[i]);
	free(self->r.w);
	free(self->r.h);
	if (self->churn_buf)
		munmap(self->churn_buf, CHURN_LEN);
	iod_dirty_teardown(&self->d);
}

/* Start the round's harvester (where tracking) and churn (if asked). */
static int round_start(FIXTURE_DATA(storm) *self, bool with_churn,
		       pthread_t *th)
{
	self->stop = false;
	self->r.nw = 0;
	self->r.nh = 0;
	self->r.harvest_rc = 0;
	if (self->d.tracking && pthread_create(&th[0], NULL, harvester, self))
		return -EAGAIN;
	if (with_churn && pthread_create(&th[1], NULL, churn, self))
		return -EAGAIN;
	return 0;
}

/*
 * Stop the threads; where tracking, one more harvest after every write
 * completed, then judge the round. 0 or -errno with rep.
 */
static int round_end(FIXTURE_DATA(storm) *self, bool with_churn,
		     pthread_t *th, char *rep, size_t len)
{
	struct iod_dirty *d = &self->d;
	int rc;

	self->stop = true;
	if (with_churn)
		pthread_join(th[1], NULL);
	if (!d->tracking)
		return 0;
	pthread_join(th[0], NULL);
	if (self->r.harvest_rc) {
		snprintf(rep, len, "GET_DIRTY_BITMAP failed: %s",
			 strerror(-self->r.harvest_rc));
		return self->r.harvest_rc;
	}
	/* the closing harvest, in this thread after the harvester's */
	{
		struct harvest_rec *h = &self->r.h[self->r.nh];

		memset(h->bits, 0, sizeof(h->bits));
		h->s = iod_now_ns();
		rc = iod_bench_get_bitmap(d, d->iova, self->nleaves * d->leaf,
					  d->leaf, h->bits, 0);
		h->e = iod_now_ns();
		iod_oplog_add(&self->log[1], "HARVEST", h->bits[0],
			      h->bits[1], d->hwpt_id, h->s, h->e, rc);
		if (rc) {
			snprintf(rep, len, "closing GET_DIRTY_BITMAP failed: %s",
				 strerror(-rc));
			return rc;
		}
		self->r.nh++;
	}
	self->fig.harvests += self->r.nh;
	self->fig.bits_checked += (uint64_t)self->r.nh * self->nleaves;
	self->fig.ops += self->r.nh;
	return judge_round(&self->r, self->nleaves, rep, len);
}

static void dump_logs(FIXTURE_DATA(storm) *self)
{
	struct iod_oplog *logs[] = { &self->log[0], &self->log[1],
				     &self->log[2] };

	iod_oplog_dump(logs, 3, stderr);
}

/* Fail the case (its op logs into the TAP first) unless rc is 0. */
#define STORM_ASSERT_OK(rc, rep) do { \
	int __rc = (rc); \
	if (__rc) \
		dump_logs(self); \
	ASSERT_EQ(0, __rc) TH_LOG("%s", rep); \
} while (0)

/* After a case: no splat, nothing left pinned, the counters back. */
#define STORM_ASSERT_NO_LEAK(what) do { \
	struct iod_stress_counters __after; \
	char __rep[256] = ""; \
	uint64_t __kb; \
	iod_stress_figures_print(&self->fig); \
	IOD_ASSERT_NO_SPLAT(self->kfd); \
	self->kfd = -1; \
	ASSERT_EQ(0, iod_vmpin_kb(&__kb)); \
	ASSERT_EQ(self->vmpin, __kb) \
		TH_LOG("VmPin %" PRIu64 " kB after %s, %" PRIu64 " kB before", \
		       __kb, what, self->vmpin); \
	ASSERT_EQ(0, iod_stress_counters_read(&__after)); \
	ASSERT_EQ(0, iod_stress_leak_check(&self->before, &__after, __rep, \
					   sizeof(__rep))) \
		TH_LOG("%s", __rep); \
} while (0)

/* ---------------------------------------------------------------------- */
/* NVMe: one round of NQ x QD Reads, each into its own leaf of the bench */

struct storm_cmd {
	struct iod_nvme_io io;
	struct iod_nvme_seg seg;
	uint64_t off;		/* in the bench buffer */
	uint64_t ref;		/* reference byte the read starts at */
	uint64_t a, b;
};

static void cmd_reaped(struct iod_nvme_io *io)
{
	struct storm_cmd *c = io->ctx;

	c->b = iod_now_ns();
}

/*
 * Submit a round: the controller reads each command's reference blocks
 * into its slot; the slot's bytes are first set to the complement of what
 * must land. 0, or -errno with rep.
 */
static int nvme_submit_round(FIXTURE_DATA(storm) *self, struct iod_rand *rnd,
			     struct storm_cmd *c, char *rep, size_t len)
{
	struct iod_dirty *d = &self->d;
	struct iod_nvme_dma *dma;
	struct iod_nvme *n = iod_engine_nvme_ctrl(&d->engine, &dma);
	uint32_t lbs = iod_nvme_lba_size(n);
	uint64_t stride = iod_max_u64(d->leaf, CMD_LEN);
	uint8_t want[CMD_LEN];
	unsigned int i, k;
	int rc;

	for (i = 0; i < NSLOTS; i++) {
		c[i] = (struct storm_cmd){ .off = i * stride };
		c[i].ref = iod_rand_below(rnd, (REF_SPAN - CMD_LEN) / lbs) *
			   lbs;
		iod_nvme_dma_expected(dma, 0, c[i].ref, want, CMD_LEN);
		for (k = 0; k < CMD_LEN; k++)
			((uint8_t *)d->buf)[c[i].off + k] = (uint8_t)~want[k];
		c[i].seg = (struct iod_nvme_seg){ d->iova + c[i].off, CMD_LEN };
		c[i].io = (struct iod_nvme_io){
			.opc = IOD_NVME_READ, .slba = c[i].ref / lbs,
			.nlb = CMD_LEN / lbs, .seg = &c[i].seg, .nseg = 1,
			.complete = cmd_reaped, .ctx = &c[i],
		};
	}
	for (i = 0; i < NSLOTS; i++) {
		uint64_t t = iod_now_ns();

		c[i].a = t;
		while ((rc = iod_nvme_submit(n, i % NQ, &c[i].io)) == -EBUSY)
			if (iod_nvme_reap(n, 1000) < 0)
				break;
		iod_oplog_add(&self->log[0], "NVME_READ", d->iova + c[i].off,
			      c[i].io.slba, i % NQ, t, iod_now_ns(), rc);
		if (rc) {
			snprintf(rep, len, "submit of command %u: %s", i,
				 strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/*
 * Reap a submitted round and check every command's result and data.
 * 0, or -errno with rep.
 */
static int nvme_reap_round(FIXTURE_DATA(storm) *self, struct storm_cmd *c,
			   char *rep, size_t len)
{
	struct iod_dirty *d = &self->d;
	struct iod_nvme_dma *dma;
	struct iod_nvme *n = iod_engine_nvme_ctrl(&d->engine, &dma);
	uint8_t want[CMD_LEN];
	unsigned int i;
	int rc;

	while (iod_nvme_inflight(n)) {
		rc = iod_nvme_reap(n, 10000);
		if (rc < 0) {
			snprintf(rep, len, "reaping: %s", strerror(-rc));
			return rc;
		}
		if (!rc) {
			snprintf(rep, len, "%u commands still in flight after 10 s",
				 iod_nvme_inflight(n));
			return -ETIMEDOUT;
		}
	}
	for (i = 0; i < NSLOTS; i++) {
		iod_oplog_add(&self->log[0], "NVME_DONE", d->iova + c[i].off,
			      c[i].io.status, i % NQ, c[i].a, c[i].b,
			      c[i].io.result);
		if (c[i].io.result) {
			snprintf(rep, len,
				 "command %u (LBA %" PRIu64 " to IOVA 0x%" PRIx64 "): %s (status 0x%x)",
				 i, (uint64_t)c[i].io.slba, c[i].seg.iova,
				 strerror(-c[i].io.result), c[i].io.status);
			return c[i].io.result;
		}
		iod_nvme_dma_expected(dma, 0, c[i].ref, want, CMD_LEN);
		if (memcmp((uint8_t *)d->buf + c[i].off, want, CMD_LEN)) {
			snprintf(rep, len,
				 "command %u: the bytes at IOVA 0x%" PRIx64 " are not namespace bytes %" PRIu64 "..+%u",
				 i, c[i].seg.iova, c[i].ref, CMD_LEN);
			return -EBADMSG;
		}
		rc = record_write(&self->r, d, c[i].off, CMD_LEN, c[i].a,
				  c[i].b);
		if (rc) {
			snprintf(rep, len, "write record full");
			return rc;
		}
	}
	self->fig.writes += NSLOTS;
	self->fig.ops += NSLOTS;
	return 0;
}

static int nvme_round(FIXTURE_DATA(storm) *self, struct iod_rand *rnd,
		      struct storm_cmd *c, char *rep, size_t len)
{
	int rc = nvme_submit_round(self, rnd, c, rep, len);

	return rc ? rc : nvme_reap_round(self, c, rep, len);
}

/* SKIP where the reads have no reference to be checked against. */
#define STORM_NEED_REFERENCE() do { \
	struct iod_nvme_dma *__x; \
	ASSERT_NE(NULL, iod_engine_nvme_ctrl(&self->d.engine, &__x)); \
	if (iod_nvme_dma_scratch(__x)) \
		SKIP(return, "the controller is named scratch: its namespace holds no reference to check reads against (run without IODIRTY_SCRATCH)"); \
	ASSERT_LE(NQ, iod_nvme_nr_queues(iod_engine_nvme_ctrl(&self->d.engine, \
							 NULL))); \
} while (0)

/* The area the churn thread maps and unmaps, which no command targets. */
#define STORM_CHURN_AREA() do { \
	self->churn_buf = mmap(NULL, CHURN_LEN, PROT_READ | PROT_WRITE, \
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, \
			       -1, 0); \
	ASSERT_NE(MAP_FAILED, self->churn_buf); \
	ASSERT_EQ(0, iod_ioas_pick_iova(self->d.t.fd, self->d.t.ioas_id, \
					CHURN_LEN, \
					iod_bench_iova_floor(&self->d, 0), \
					iod_bench_align(&self->d), \
					&self->churn_iova)); \
} while (0)

TEST_F_TIMEOUT(storm, nvme_storm, 300)
{
	struct storm_cmd *c = calloc(NSLOTS, sizeof(*c));
	struct iod_stress_loop l;
	struct iod_rand rnd;
	char rep[512] = "";
	pthread_t th[2];
	uint64_t bytes = 0;

	STORM_SETUP("nvme", "nvme", NSLOTS * iod_max_u64(iod_base_leaf(),
							  CMD_LEN) /
		    iod_base_leaf());
	ASSERT_NE(NULL, c);
	STORM_NEED_REFERENCE();
	ASSERT_GE(MAX_LEAVES, self->nleaves)
		TH_LOG("%u leaves of %" PRIu64 " bytes", self->nleaves,
		       self->d.leaf);
	STORM_CHURN_AREA();
	iod_rand_init(&rnd, self->tseed[0]);
	iod_stress_loop_init(&l, "nvme storm", NVME_ROUNDS);
	l.figures = &self->fig;
	while (iod_stress_loop_next(&l)) {
		ASSERT_EQ(0, round_start(self, true, th));
		STORM_ASSERT_OK(nvme_round(self, &rnd, c, rep, sizeof(rep)),
				rep);
		STORM_ASSERT_OK(round_end(self, true, th, rep, sizeof(rep)),
				rep);
		STORM_ASSERT_OK(self->churn_rc, "map/unmap churn failed");
		bytes += NSLOTS * CMD_LEN;
	}
	self->fig.ops += self->churn_ops;
	TH_LOG("%" PRIu64 " rounds: %" PRIu64 " commands, %" PRIu64 " bytes read and checked, %" PRIu64 " harvests, %" PRIu64 " map/unmap",
	       l.rounds, self->fig.writes, bytes, self->fig.harvests,
	       self->churn_ops);
	free(c);
	STORM_ASSERT_NO_LEAK("the storm");
}

TEST_F_TIMEOUT(storm, edu_writer_harvester, 300)
{
	struct iod_stress_loop l;
	struct iod_rand rnd;
	char rep[512] = "";
	pthread_t th[2];
	unsigned int i;

	STORM_SETUP("edu", "edu", 64);
	TH_LOG("edu runs one DMA at a time: the writes are serial, the harvests concurrent with them");
	iod_rand_init(&rnd, self->tseed[0]);
	iod_stress_loop_init(&l, "edu writer + harvester", EDU_ROUNDS);
	l.figures = &self->fig;
	while (iod_stress_loop_next(&l)) {
		ASSERT_EQ(0, round_start(self, false, th));
		for (i = 0; i < EDU_WRITES; i++) {
			unsigned int leaf = iod_rand_below(&rnd, self->nleaves);
			uint64_t off = leaf * self->d.leaf + 8;
			uint8_t seed = (uint8_t)iod_rand_next(&rnd);
			uint64_t a = iod_now_ns(), b;
			int rc;

			rc = iod_engine_touch(&self->d.engine,
					      self->d.iova + off, seed, NULL);
			b = iod_now_ns();
			iod_oplog_add(&self->log[0], "EDU_WRITE",
				      self->d.iova + off, seed, 0, a, b, rc);
			if (!rc && !iod_bench_landed(&self->d, off, 1, seed))
				rc = -EBADMSG;
			if (rc)
				snprintf(rep, sizeof(rep),
					 "edu write of leaf %u: %s", leaf,
					 strerror(-rc));
			if (!rc)
				rc = record_write(&self->r, &self->d, off, 1,
						  a, b);
			if (rc)
				self->stop = true;
			STORM_ASSERT_OK(rc, rep);
			self->fig.writes++;
			self->fig.ops++;
		}
		STORM_ASSERT_OK(round_end(self, false, th, rep, sizeof(rep)),
				rep);
	}
	TH_LOG("%" PRIu64 " rounds: %" PRIu64 " edu writes, %" PRIu64 " harvests (at most %u a round)",
	       l.rounds, self->fig.writes, self->fig.harvests, MAX_HARVESTS);
	STORM_ASSERT_NO_LEAK("the writes");
}

TEST_F_TIMEOUT(storm, unmap_under_dma, 300)
{
	struct storm_cmd *c = calloc(NSLOTS, sizeof(*c));
	struct iod_stress_loop l;
	struct iod_rand rnd;
	char rep[512] = "";
	pthread_t th[2];
	uint64_t unmapped, k;

	STORM_SETUP("nvme", "nvme", NSLOTS * iod_max_u64(iod_base_leaf(),
							  CMD_LEN) /
		    iod_base_leaf());
	ASSERT_NE(NULL, c);
	STORM_NEED_REFERENCE();
	STORM_CHURN_AREA();
	iod_rand_init(&rnd, self->tseed[0]);
	iod_stress_loop_init(&l, "unmap under DMA", UNMAP_ROUNDS);
	l.figures = &self->fig;
	while (iod_stress_loop_next(&l)) {
		uint64_t t;
		int rc;

		memset(self->churn_buf, 0x5a, CHURN_LEN);
		ASSERT_EQ(0, iod_ioas_map_fixed(self->d.t.fd,
						self->d.t.ioas_id,
						self->churn_buf, CHURN_LEN,
						self->churn_iova));
		ASSERT_EQ(0, round_start(self, false, th));
		STORM_ASSERT_OK(nvme_submit_round(self, &rnd, c, rep,
						  sizeof(rep)), rep);
		/* unmapped while the commands (on other leaves) are in flight */
		t = iod_now_ns();
		unmapped = 0;
		rc = iod_ioas_unmap(self->d.t.fd, self->d.t.ioas_id,
				    self->churn_iova, CHURN_LEN, &unmapped);
		iod_oplog_add(&self->log[2], "IOAS_UNMAP", self->churn_iova,
			      CHURN_LEN, unmapped, t, iod_now_ns(), rc);
		TH_LOG("round %" PRIu64 ": unmap with %u of %u commands in flight",
		       l.rounds, iod_nvme_inflight(iod_engine_nvme_ctrl(
				&self->d.engine, NULL)), NSLOTS);
		STORM_ASSERT_OK(nvme_reap_round(self, c, rep, sizeof(rep)),
				rep);
		STORM_ASSERT_OK(round_end(self, false, th, rep, sizeof(rep)),
				rep);
		ASSERT_EQ(0, rc);
		ASSERT_EQ(CHURN_LEN, unmapped);
		ASSERT_EQ(-ENOENT, iod_ioas_unmap(self->d.t.fd,
						  self->d.t.ioas_id,
						  self->churn_iova, CHURN_LEN,
						  NULL));
		for (k = 0; k < CHURN_LEN; k++)
			ASSERT_EQ(0x5a, ((uint8_t *)self->churn_buf)[k])
				TH_LOG("the unmapped area was written at +%" PRIu64,
				       k);
		self->fig.ops += 2;
	}
	free(c);
	STORM_ASSERT_NO_LEAK("the unmaps");
}

IOD_STRESS_MAIN
