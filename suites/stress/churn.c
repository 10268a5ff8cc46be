// SPDX-License-Identifier: GPL-2.0
/*
 * Churn around tracked areas while tracking. Every harvest is judged with
 * the invariant of one tracking epoch (harness/churn.h for the threaded
 * cases, an exact model after every operation for the serial ones): no
 * loss and no phantom for leaves mapped throughout; a leaf unmapped and
 * remapped starts clean unless the profile's dirty.new_mapping says dirty.
 *
 *   map_unmap_churn       a churn thread maps, marks and unmaps areas next
 *                         to the bench while a writer writes its leaves and
 *                         a harvester harvests across both: the bench exact
 *   harvest_across_churn  harvests over stable areas with churned areas
 *                         between them: rc 0, no phantom anywhere, a leaf
 *                         above a hole comes late (dirty.hole = stops) but
 *                         is never lost
 *   memlock_limit         RLIMIT_MEMLOCK without CAP_IPC_LOCK
 *                         (IOMMU_OPTION_RLIMIT_MODE=1, in a child): maps up
 *                         to the limit work, one crossing it is ENOMEM and
 *                         changes nothing, harvests stay exact, VmLck back
 *   ioas_copy             IOAS_COPY of the tracked area into a second IOAS
 *                         with its own dirty HWPT and device: each device's
 *                         writes only in its own HWPT's harvest
 *   attach_replace_churn  attach, detach and replace between two dirty
 *                         HWPTs and a plain one while writing and
 *                         harvesting: each HWPT reports what was written
 *                         while the device was on it
 *   enable_disable_epochs random epochs: exact within one, enable clears,
 *                         harvests while disabled as dirty.get_while_disabled
 *
 * Writes go through the bench's engine (the mock's IOMMU_TEST_OP_DIRTY, or
 * real DMA where the run has an engine on a tracking IOMMU); the marks a
 * churn thread makes in its own areas and the second device of ioas_copy
 * are the mock's. Seeds per thread from the case seed, operation logs to
 * the TAP on failure, no splat, no leak, a figures line per case.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "harness/churn.h"
#include "harness/churn_memlock.h"
#include "harness/harvest.h"
#include "harness/iod_test.h"
#include "harness/kmsg.h"
#include "harness/rules.h"
#include "harness/stress.h"
#include "model/rand.h"
#include "uapi/iommufd.h"
#include "util.h"

#define NLEAVES 64		/* the bench's tracked leaves */
#define AREA_LEAVES 16		/* leaves of one area of the region */
#define NTHREADS 4
#define DETACHED 3		/* attach_replace_churn: the device on no HWPT */

FIXTURE(churn) {
	struct iod_dirty d;
	struct iod_churn c;
	struct iod_stress_counters before;
	struct iod_stress_figures fig;
	struct iod_oplog logs[NTHREADS];
	uint64_t seed;
	char id[128];
	int kfd;
	/* what a case allocated beyond the bench; destroyed ids must go */
	uint32_t ids[4];
	unsigned int nids;
	struct iod_target peer;
	struct iod_fp fp[2];
};

/* One thread of a threaded case. */
struct worker {
	struct iod_churn *c;
	struct iod_oplog *log;
	struct iod_rand rnd;
	struct iod_stress_figures fig;
	uint64_t short_iters;
	bool mark;		/* churner: mark its areas (mock) */
	bool end_mapped;	/* churner: leave its areas mapped */
	pthread_t th;
	bool started;
};

FIXTURE_SETUP(churn)
{
	const struct iod_dirty_opts o = { .leaves = NLEAVES, .enable = true };
	char why[256] = "";
	unsigned int i;
	int rc;

	self->kfd = -1;
	IOD_DIRTY_SETUP(&self->d, &o);
	rc = iod_churn_init(&self->c, &self->d, AREA_LEAVES, why, sizeof(why));
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	self->seed = iod_seed();
	iod_case_id(self->id, sizeof(self->id), _metadata, variant);
	TH_LOG("seed %" PRIu64 " (replay: IODIRTY_SEED=%" PRIu64 ")",
	       self->seed, self->seed);
	for (i = 0; i < NTHREADS; i++) {
		uint64_t s = iod_stress_thread_seed(self->seed, self->id, i);

		ASSERT_EQ(0, iod_oplog_init(&self->logs[i], i, s, 256));
		TH_LOG("thread %u seed %" PRIu64, i, s);
	}
	ASSERT_EQ(0, iod_stress_counters_read(&self->before));
	self->kfd = iod_kmsg_open();
}

FIXTURE_TEARDOWN(churn)
{
	unsigned int i;

	if (self->peer.fd > 0)
		iod_target_close(&self->peer);
	for (i = 0; i < self->nids; i++)
		iod_destroy(self->d.t.fd, self->ids[i]);
	iod_fp_free(&self->fp[0]);
	iod_fp_free(&self->fp[1]);
	iod_churn_fini(&self->c);
	for (i = 0; i < NTHREADS; i++)
		iod_oplog_free(&self->logs[i]);
	iod_dirty_teardown(&self->d);
}

/* The operation logs of every thread into the TAP. */
static void dump_logs(FIXTURE_DATA(churn) *self)
{
	struct iod_oplog *l[NTHREADS];
	unsigned int i;

	for (i = 0; i < NTHREADS; i++)
		l[i] = &self->logs[i];
	iod_oplog_dump(l, NTHREADS, stderr);
}

static void worker_init(FIXTURE_DATA(churn) *self, struct worker *w,
			unsigned int thread, uint64_t short_iters)
{
	memset(w, 0, sizeof(*w));
	w->c = &self->c;
	w->log = &self->logs[thread];
	w->short_iters = short_iters;
	iod_rand_init(&w->rnd, self->logs[thread].seed);
}

static void fig_add(struct iod_stress_figures *to,
		    const struct iod_stress_figures *f)
{
	to->ops += f->ops;
	to->harvests += f->harvests;
	to->bits_checked += f->bits_checked;
	to->writes += f->writes;
}

/* Short runs write less through an engine that moves real DMA. */
static uint64_t iters(FIXTURE_DATA(churn) *self, uint64_t mock_iters)
{
	return self->d.t.mock ? mock_iters : mock_iters / 8;
}

/* The device writes a clean leaf, claimed first (clean-known). */
static int write_one(struct worker *w)
{
	struct iod_churn *c = w->c;
	int i = iod_churn_claim(c, iod_rand_next(&w->rnd));
	uint64_t t;
	int rc;

	if (i < 0)
		return -EAGAIN;
	t = iod_now_ns();
	rc = iod_engine_touch(&c->d->engine, c->leaf_iova[i], (uint8_t)i, NULL);
	iod_oplog_add(w->log, "TOUCH", (uint64_t)i, c->leaf_iova[i], 0, t,
		      iod_now_ns(), rc);
	w->fig.ops++;
	if (rc)
		return iod_churn_fail(c, "device write of leaf %d (IOVA 0x%"
				      PRIx64 "): %s", i, c->leaf_iova[i],
				      strerror(-rc));
	w->fig.writes++;
	iod_churn_written(c, (unsigned int)i);
	return 0;
}

static void *writer_main(void *arg)
{
	struct worker *w = arg;
	struct iod_stress_loop l;

	iod_stress_loop_init(&l, "writer", w->short_iters);
	l.figures = &w->fig;
	/* a round is one write: a leaf not yet reported is waited for */
	while (!atomic_load(&w->c->failed) && iod_stress_loop_next(&l))
		while (write_one(w) == -EAGAIN && !atomic_load(&w->c->failed))
			sched_yield();
	atomic_fetch_sub(&w->c->running, 1);
	return NULL;
}

/* Harvest until every other thread is done, then once more. */
static void *harvester_main(void *arg)
{
	struct worker *w = arg;
	bool last;

	do {
		last = atomic_load(&w->c->running) == 0;
		if (iod_churn_harvest(w->c, w->log, &w->fig))
			break;
	} while (!last && !atomic_load(&w->c->failed));
	return NULL;
}

static void *churner_main(void *arg)
{
	struct worker *w = arg;
	struct iod_stress_loop l;

	iod_stress_loop_init(&l, "churn", w->short_iters);
	l.figures = &w->fig;
	while (!atomic_load(&w->c->failed) && iod_stress_loop_next(&l)) {
		w->fig.ops++;
		if (iod_churn_step(w->c, iod_rand_next(&w->rnd), w->mark,
				   w->log))
			break;
	}
	if (!atomic_load(&w->c->failed))
		iod_churn_settle(w->c, w->end_mapped, w->log);
	atomic_fetch_sub(&w->c->running, 1);
	return NULL;
}

/*
 * After a case: the run's verdict (with the logs when it failed), the
 * figures, no splat, no leak.
 */
#define IOD_ASSERT_CHURN_END() do { \
	struct iod_stress_counters __after; \
	char __rep[512]; \
	if (atomic_load(&self->c.failed)) \
		dump_logs(self); \
	ASSERT_FALSE(atomic_load(&self->c.failed)) TH_LOG("%s", self->c.rep); \
	iod_stress_figures_print(&self->fig); \
	iod_churn_fini(&self->c); \
	IOD_ASSERT_NO_SPLAT(self->kfd); \
	self->kfd = -1; \
	ASSERT_EQ(0, iod_stress_counters_read(&__after)); \
	ASSERT_EQ(0, iod_stress_leak_check(&self->before, &__after, __rep, \
					   sizeof(__rep))) \
		TH_LOG("%s", __rep); \
} while (0)

/*
 * Start w's thread; a thread that cannot start fails the run, so the
 * others stop and can be joined.
 */
static void start(struct worker *w, void *(*fn)(void *))
{
	int rc = pthread_create(&w->th, NULL, fn, w);

	w->started = !rc;
	if (rc)
		iod_churn_fail(w->c, "pthread_create: %s", strerror(rc));
}

static void join(struct worker *w)
{
	if (w->started)
		pthread_join(w->th, NULL);
	w->started = false;
}

TEST_F(churn, map_unmap_churn)
{
	struct worker wr, hv, ch;
	struct iod_churn *c = &self->c;
	unsigned int i;

	c->churned = (1u << IOD_CHURN_AREAS) - 1;
	c->nleaves = NLEAVES;
	c->reach_all = NLEAVES;
	for (i = 0; i < NLEAVES; i++)
		c->leaf_iova[i] = self->d.iova + i * self->d.leaf;
	/* no hole between the bench and the areas: every harvest reaches them */
	ASSERT_EQ(c->floor, c->niova);
	ASSERT_EQ(0, iod_churn_range(c, self->d.iova, c->niova + c->nlen));
	TH_LOG("bench [0x%" PRIx64 ", +0x%" PRIx64 "), churned areas [0x%"
	       PRIx64 ", +0x%" PRIx64 ")", self->d.iova, self->d.len,
	       c->niova, c->nlen);

	worker_init(self, &wr, 1, iters(self, 4000));
	worker_init(self, &hv, 2, 0);
	worker_init(self, &ch, 3, 3000);
	ch.mark = true;
	atomic_store(&c->running, 2);
	start(&wr, writer_main);
	start(&ch, churner_main);
	start(&hv, harvester_main);
	join(&wr);
	join(&ch);
	join(&hv);
	fig_add(&self->fig, &wr.fig);
	fig_add(&self->fig, &hv.fig);
	fig_add(&self->fig, &ch.fig);
	IOD_ASSERT_CHURN_END();
}

TEST_F(churn, harvest_across_churn)
{
	struct worker me, ch;
	struct iod_churn *c = &self->c;
	struct iod_stress_loop l;
	unsigned int a, i, k;

	IOD_NEED_RULE("dirty.hole");
	/* stable areas 0, 2, 4 with churned areas 1 and 3 between them */
	c->churned = 1u << 1 | 1u << 3;
	for (a = 0; a < IOD_CHURN_AREAS; a += 2) {
		ASSERT_EQ(0, iod_churn_map_stable(c, a));
		for (i = 0; i < AREA_LEAVES; i++)
			c->leaf_iova[c->nleaves++] =
				iod_churn_area_iova(c, a) + i * self->d.leaf;
	}
	c->reach_all = AREA_LEAVES;	/* area 0: below every hole */
	ASSERT_EQ(0, iod_churn_range(c, c->niova, c->niova + c->nlen));

	worker_init(self, &me, 1, 0);
	worker_init(self, &ch, 2, 3000);
	ch.mark = true;
	ch.end_mapped = true;
	atomic_store(&c->running, 1);
	start(&ch, churner_main);
	iod_stress_loop_init(&l, "writes+harvests", iters(self, 2000));
	l.figures = &me.fig;
	while (!atomic_load(&c->failed) && iod_stress_loop_next(&l)) {
		k = 1 + (unsigned int)iod_rand_below(&me.rnd, 4);
		while (k-- && !atomic_load(&c->failed))
			write_one(&me);
		if (iod_churn_harvest(c, me.log, &me.fig))
			break;
	}
	join(&ch);
	/* every churned area mapped again: the last harvest reaches all */
	c->reach_all = c->nleaves;
	if (!atomic_load(&c->failed))
		iod_churn_harvest(c, me.log, &me.fig);
	fig_add(&self->fig, &me.fig);
	fig_add(&self->fig, &ch.fig);
	IOD_ASSERT_CHURN_END();
}

/* ---------------------------------------------------------------------- */
/* serial cases: one conductor, an exact model after every operation */

static int logged(FIXTURE_DATA(churn) *self, const char *name, uint64_t a0,
		  uint64_t a1, uint64_t a2, uint64_t t_in, int rc)
{
	self->fig.ops++;
	return iod_oplog_add(&self->logs[0], name, a0, a1, a2, t_in,
			     iod_now_ns(), rc);
}

/*
 * A clearing harvest of the bench's leaves in HWPT hwpt against fp (NULL:
 * nothing may be reported); fp is then empty. The wrong bits, or -errno;
 * rep says what.
 */
static int64_t harvest_exact(FIXTURE_DATA(churn) *self, uint32_t hwpt,
			     struct iod_fp *fp, char *rep, size_t len)
{
	struct iod_dirty *d = &self->d;
	uint64_t t = iod_now_ns();
	int64_t wrong;

	wrong = iod_harvest_compare(d, fp, IOD_HARVEST(d->iova, NLEAVES * d->leaf,
						       d->leaf, 0,
						       .hwpt_id = hwpt),
				    NULL, rep, len);
	logged(self, "GET_DIRTY_BITMAP", hwpt, fp ? iod_fp_count(fp) : 0,
	       (uint64_t)wrong, t, wrong < 0 ? (int)wrong : 0);
	self->fig.harvests++;
	self->fig.bits_checked += NLEAVES;
	if (fp)
		iod_fp_reset(fp);
	return wrong;
}

/* The bench's device writes leaf i, recorded in fp (NULL: nowhere). */
static int touch(FIXTURE_DATA(churn) *self, unsigned int i, struct iod_fp *fp)
{
	struct iod_dirty *d = &self->d;
	uint64_t t = iod_now_ns();
	int rc;

	rc = iod_engine_touch(&d->engine, d->iova + i * d->leaf, (uint8_t)i, fp);
	self->fig.writes++;
	return logged(self, "TOUCH", i, d->t.pt_id, 0, t, rc);
}

/* End a serial case that went wrong: its log, then the assertion. */
#define IOD_ASSERT_SERIAL(cond, fmt, ...) do { \
	if (!(cond)) \
		dump_logs(self); \
	ASSERT_TRUE(cond) TH_LOG(fmt, ##__VA_ARGS__); \
} while (0)

static int fp_bench(FIXTURE_DATA(churn) *self, struct iod_fp *fp)
{
	return iod_fp_init(fp, self->d.iova, NLEAVES * self->d.leaf,
			   self->d.leaf);
}

TEST_F(churn, attach_replace_churn)
{
	struct iod_dirty *d = &self->d;
	struct iod_stress_loop l;
	/* two dirty HWPTs, a plain one where allowed, detached (id 0) */
	uint32_t h[4] = { 0 };
	unsigned int nh = 2, cur = 0, x;
	struct iod_rand rnd;
	char rep[512] = "";
	int64_t wrong;
	int rc;

	iod_rand_init(&rnd, self->logs[0].seed);
	h[0] = d->hwpt_id;
	ASSERT_EQ(0, iod_hwpt_alloc(d->t.fd, d->t.dev_id, d->t.ioas_id,
				    IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &h[1]));
	self->ids[self->nids++] = h[1];
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, h[1], true));
	/* a plain HWPT too, where the profile says one can be allocated */
	if (iod_expect("alloc.plain") == 0) {
		ASSERT_EQ(0, iod_hwpt_alloc(d->t.fd, d->t.dev_id, d->t.ioas_id,
					    0, &h[2]));
		self->ids[self->nids++] = h[2];
		nh = 3;
	}
	ASSERT_EQ(0, fp_bench(self, &self->fp[0]));
	ASSERT_EQ(0, fp_bench(self, &self->fp[1]));

	iod_stress_loop_init(&l, "replace+writes+harvests", iters(self, 4000));
	l.figures = &self->fig;
	while (iod_stress_loop_next(&l)) {
		uint64_t r = iod_rand_next(&rnd), t;
		unsigned int op = r % 8;

		r >>= 3;
		if (op < 2 || (op == 2 && cur == DETACHED)) {
			x = (cur + 1 + (unsigned int)(r % (nh - 1))) % nh;
			if (cur == DETACHED)
				x = (unsigned int)(r % nh);
			t = iod_now_ns();
			rc = iod_target_attach(&d->t, h[x]);
			logged(self, "REPLACE", h[cur], h[x], 0, t, rc);
			IOD_ASSERT_SERIAL(rc == 0, "attach/replace %u -> %u: %s",
					  h[cur], h[x], strerror(-rc));
			cur = x;
		} else if (op == 2) {
			/* the mock re-attaches to the IOAS: a plain auto domain */
			t = iod_now_ns();
			rc = iod_target_detach(&d->t);
			logged(self, "DETACH", h[cur], d->t.pt_id, 0, t, rc);
			IOD_ASSERT_SERIAL(rc == 0, "detach from %u: %s", h[cur],
					  strerror(-rc));
			cur = DETACHED;
		} else if (op < 6) {
			if (cur == DETACHED && !d->t.mock)
				continue;	/* no domain: a DMA would fault */
			rc = touch(self, (unsigned int)(r % NLEAVES),
				   cur < 2 ? &self->fp[cur] : NULL);
			IOD_ASSERT_SERIAL(rc == 0, "device write on HWPT %u: %s",
					  h[cur], strerror(-rc));
		} else {
			x = (unsigned int)(r & 1);
			wrong = harvest_exact(self, h[x], &self->fp[x], rep,
					      sizeof(rep));
			IOD_ASSERT_SERIAL(wrong == 0, "HWPT %u (device on %u): %s",
					  h[x], h[cur], rep);
		}
	}
	for (x = 0; x < 2; x++) {
		wrong = harvest_exact(self, h[x], &self->fp[x], rep, sizeof(rep));
		IOD_ASSERT_SERIAL(wrong == 0, "last harvest of HWPT %u: %s",
				  h[x], rep);
	}
	ASSERT_EQ(0, iod_target_attach(&d->t, h[0]));
	for (x = 1; x < nh; x++)
		ASSERT_EQ(0, iod_destroy(d->t.fd, h[x]));
	for (x = 1; x < nh; x++)
		ASSERT_EQ(0, iod_id_gone(d->t.fd, h[x]));
	self->nids = 0;
	IOD_ASSERT_CHURN_END();
}

TEST_F(churn, enable_disable_epochs)
{
	struct iod_dirty *d = &self->d;
	struct iod_stress_loop l;
	struct iod_rand rnd;
	bool on = true, empty;
	uint64_t disabled_writes = 0, bits;
	char rep[512] = "";
	int64_t wrong;
	int rc;

	IOD_NEED_RULE("dirty.get_while_disabled");
	empty = iod_rule_is("dirty.get_while_disabled", "empty");
	iod_rand_init(&rnd, self->logs[0].seed);
	ASSERT_EQ(0, fp_bench(self, &self->fp[0]));

	iod_stress_loop_init(&l, "epochs", iters(self, 4000));
	l.figures = &self->fig;
	while (iod_stress_loop_next(&l)) {
		uint64_t r = iod_rand_next(&rnd), t;
		unsigned int op = r % 8, i = (unsigned int)(r >> 3) % NLEAVES;

		if (op == 0) {
			/* enable, also on a tracking HWPT: it clears */
			on = (r >> 9) % 3 != 0;
			t = iod_now_ns();
			rc = iod_bench_set_tracking(d, on);
			logged(self, "SET_DIRTY_TRACKING", on, 0, 0, t, rc);
			IOD_ASSERT_SERIAL(rc == 0, "SET_DIRTY_TRACKING(%d): %s",
					  on, strerror(-rc));
			iod_fp_reset(&self->fp[0]);
			disabled_writes = 0;
		} else if (op < 5) {
			rc = touch(self, i, on ? &self->fp[0] : NULL);
			IOD_ASSERT_SERIAL(rc == 0, "device write: %s",
					  strerror(-rc));
			if (!on)
				disabled_writes |= 1ull << i;
		} else if (on || empty) {
			wrong = harvest_exact(self, d->hwpt_id,
					      on ? &self->fp[0] : NULL, rep,
					      sizeof(rep));
			IOD_ASSERT_SERIAL(wrong == 0, "tracking %s: %s",
					  on ? "on" : "off (get_while_disabled = empty)",
					  rep);
		} else {
			/* reports: what was dirty, never a leaf not written */
			uint64_t allowed = disabled_writes;
			unsigned int k;

			for (k = 0; k < NLEAVES; k++)
				if (iod_fp_leaf_dirty(&self->fp[0],
						      d->iova + k * d->leaf))
					allowed |= 1ull << k;
			bits = 0;
			t = iod_now_ns();
			rc = iod_get_dirty_bitmap(d->t.fd, d->hwpt_id, d->iova,
						  NLEAVES * d->leaf, d->leaf,
						  &bits, 0);
			logged(self, "GET_DIRTY_BITMAP", bits, allowed, 0, t, rc);
			self->fig.harvests++;
			self->fig.bits_checked += NLEAVES;
			IOD_ASSERT_SERIAL(rc == 0 && !(bits & ~allowed),
					  "tracking off: rc %d, phantom 0x%016"
					  PRIx64, rc, bits & ~allowed);
		}
	}
	ASSERT_EQ(0, iod_bench_set_tracking(d, true));
	wrong = harvest_exact(self, d->hwpt_id, NULL, rep, sizeof(rep));
	IOD_ASSERT_SERIAL(wrong == 0, "after the last enable: %s", rep);
	IOD_ASSERT_CHURN_END();
}

/* IOMMU_IOAS_COPY of [iova, +len) from src to the same IOVAs in dst. */
static int ioas_copy(int fd, uint32_t dst, uint32_t src, uint64_t iova,
		     uint64_t len)
{
	struct iommu_ioas_copy cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE |
			 IOMMU_IOAS_MAP_READABLE,
		.dst_ioas_id = dst,
		.src_ioas_id = src,
		.length = len,
		.dst_iova = iova,
		.src_iova = iova,
	};

	return iod_ioctl(fd, IOMMU_IOAS_COPY, &cmd);
}

TEST_F(churn, ioas_copy)
{
	struct iod_dirty *d = &self->d;
	struct iod_stress_loop l;
	struct iod_rand rnd;
	uint32_t ioas2, hwpt2;
	char why[256] = "", rep[512] = "";
	uint8_t one = 1;
	int64_t wrong;
	int rc;

	if (!d->t.mock)
		SKIP(return, "the second device with an IOAS of its own is a "
		     "second mock device: not built for a VFIO target yet");
	iod_rand_init(&rnd, self->logs[0].seed);
	ASSERT_EQ(0, iod_ioas_alloc(d->t.fd, &ioas2));
	self->ids[self->nids++] = ioas2;
	rc = iod_target_open_peer(&self->peer, &d->t, NULL, why, sizeof(why));
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	ASSERT_EQ(0, iod_hwpt_alloc(d->t.fd, self->peer.dev_id, ioas2,
				    IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &hwpt2));
	self->ids[self->nids++] = hwpt2;
	ASSERT_EQ(0, ioas_copy(d->t.fd, ioas2, d->t.ioas_id, d->iova, d->len));
	ASSERT_EQ(0, iod_target_attach(&self->peer, hwpt2));
	ASSERT_EQ(0, iod_set_dirty_tracking(d->t.fd, hwpt2, true));
	ASSERT_EQ(0, fp_bench(self, &self->fp[0]));
	ASSERT_EQ(0, fp_bench(self, &self->fp[1]));

	iod_stress_loop_init(&l, "two devices", 4000);
	l.figures = &self->fig;
	while (iod_stress_loop_next(&l)) {
		uint64_t r = iod_rand_next(&rnd), t, iova;
		unsigned int op = r % 4, i = (unsigned int)(r >> 2) % NLEAVES;

		iova = d->iova + i * d->leaf;
		if (op == 0) {
			rc = touch(self, i, &self->fp[0]);
			IOD_ASSERT_SERIAL(rc == 0, "write by the first device: %s",
					  strerror(-rc));
		} else if (op == 1) {
			/* the second device writes: its domain marks the page */
			t = iod_now_ns();
			rc = iod_mock_set_dirty(d->t.fd, hwpt2, iova,
						d->base_leaf, d->base_leaf,
						&one, NULL);
			logged(self, "MARK_PEER", i, hwpt2, 0, t, rc);
			self->fig.writes++;
			IOD_ASSERT_SERIAL(rc == 0, "write by the second device: %s",
					  strerror(-rc));
			iod_fp_write(&self->fp[1], iova, 1);
		} else {
			uint32_t h = op == 2 ? d->hwpt_id : hwpt2;

			wrong = harvest_exact(self, h, &self->fp[op - 2], rep,
					      sizeof(rep));
			IOD_ASSERT_SERIAL(wrong == 0, "HWPT %u of the %s IOAS: %s",
					  h, op == 2 ? "first" : "copied", rep);
		}
	}
	wrong = harvest_exact(self, d->hwpt_id, &self->fp[0], rep, sizeof(rep));
	IOD_ASSERT_SERIAL(wrong == 0, "last harvest, first IOAS: %s", rep);
	wrong = harvest_exact(self, hwpt2, &self->fp[1], rep, sizeof(rep));
	IOD_ASSERT_SERIAL(wrong == 0, "last harvest, copied IOAS: %s", rep);
	iod_target_close(&self->peer);
	ASSERT_EQ(0, iod_destroy(d->t.fd, hwpt2));
	ASSERT_EQ(0, iod_destroy(d->t.fd, ioas2));
	ASSERT_EQ(0, iod_id_gone(d->t.fd, hwpt2));
	ASSERT_EQ(0, iod_id_gone(d->t.fd, ioas2));
	self->nids = 0;
	IOD_ASSERT_CHURN_END();
}

/* ---------------------------------------------------------------------- */
/* RLIMIT_MEMLOCK: in a child without CAP_IPC_LOCK, so no bench out here */

FIXTURE(churn_memlock) {
	int kfd;
};

FIXTURE_SETUP(churn_memlock)
{
	self->kfd = iod_kmsg_open();
}

FIXTURE_TEARDOWN(churn_memlock)
{
	if (self->kfd >= 0)
		close(self->kfd);
}

TEST_F(churn_memlock, memlock_limit)
{
	struct iod_stress_figures fig = { 0 };
	struct iod_memlock_result res;
	struct iod_stress_loop l;
	char id[128];
	uint64_t seed = iod_seed(), tseed;

	iod_case_id(id, sizeof(id), _metadata, variant);
	tseed = iod_stress_thread_seed(seed, id, 0);
	TH_LOG("seed %" PRIu64 " (replay: IODIRTY_SEED=%" PRIu64
	       "), thread 0 seed %" PRIu64, seed, seed, tseed);
	/* one child in a short run; a long run repeats it with new seeds */
	iod_stress_loop_init(&l, "memlock", 1);
	l.figures = &fig;
	while (iod_stress_loop_next(&l)) {
		iod_memlock_run(tseed + l.rounds - 1, &res);
		if (res.verdict == IOD_MEMLOCK_SKIP)
			SKIP(return, "%s", res.rep);
		ASSERT_EQ(IOD_MEMLOCK_PASS, res.verdict) TH_LOG("%s", res.rep);
		fig_add(&fig, &res.fig);
	}
	TH_LOG("%s", res.rep);
	iod_stress_figures_print(&fig);
	IOD_ASSERT_NO_SPLAT(self->kfd);
	self->kfd = -1;
}

IOD_STRESS_MAIN
