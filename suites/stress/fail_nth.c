// SPDX-License-Identifier: GPL-2.0
/*
 * The fail-nth sweep over the dirty-tracking calls: for nth = 1, 2, ...
 * the nth fault-injection site a call reaches fails (harness/fail_nth.h:
 * failslab, fail_page_alloc down to order 0, fail_usercopy, fail_iommufd),
 * until the call runs without reaching it. Every iteration starts from a
 * known footprint on a tracking HWPT of 64 leaves and judges:
 *   - rc < 0 leaves the state unchanged: the next harvest reports exactly
 *     the footprint, a failed map/unmap/alloc/replace changed nothing;
 *   - rc 0 did the call: a harvest's bits plus the next one's are the
 *     footprint, no bit in both, none outside it;
 *   - the call without a fault succeeds.
 * The number of sites each call reaches goes to the TAP diagnostics. No
 * splat (kernel log witness per case), no leak (VmPin back to its value
 * after set-up, destroyed ids ENOENT).
 *
 * A harvest whose bitmap page cannot be faulted in after the read-and-clear
 * returns 0 and loses the bit for good on 6.11+ (iova_bitmap_set() is
 * void): the untouched-bitmap sweep is an XFAIL where the profile names it
 * a known bug, a FAIL elsewhere. IOMMU_TEST_OP_DIRTY and the replace op are
 * the mock's own: other targets SKIP those two.
 *
 * IODIRTY_STRESS=long repeats every sweep with fresh footprints until the
 * run's seconds are up.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "clock.h"
#include "harness/fail_nth.h"
#include "harness/iod_test.h"
#include "harness/kmsg.h"
#include "harness/rules.h"
#include "harness/stress.h"
#include "model/rand.h"
#include "uapi/iommufd.h"
#include "util.h"

#define NLEAVES 64		/* one u64 of bitmap */
#define MAX_SITES 300		/* a call reaching more is a runaway sweep */

FIXTURE(fail_nth) {
	struct iod_dirty d;
	struct iod_fail_nth fn;
	struct iod_oplog log;
	struct iod_rand rnd;
	uint64_t vmpin;		/* kB after set-up */
	int kfd;
	/* what an iteration needs beyond the bench */
	void *extra;		/* NLEAVES leaves mapped at extra_iova */
	uint64_t extra_iova, span;
	uint32_t hwpt2;		/* a second dirty HWPT (replace) */
	uint64_t want;		/* the footprint the call starts from */
	uint64_t got;		/* what the call itself harvested */
	void *bm;		/* the call's bitmap page */
	uint32_t new_id;	/* what the call allocated */
	struct iod_stress_figures fig;
};

/* One call under the sweep. */
struct sweep_ops {
	const char *call;
	bool mock_only;
	/* bring the iteration's start state (self->want); 0 or -errno */
	int (*prep)(FIXTURE_DATA(fail_nth) *self, bool untouched);
	int (*call_fn)(FIXTURE_DATA(fail_nth) *self);
	/*
	 * After the call and the disarm: does the state hold? 0 yes, 1 bits
	 * lost after rc 0 (the pin-failure bug), -EINVAL anything else wrong;
	 * rep says what.
	 */
	int (*judge)(FIXTURE_DATA(fail_nth) *self, int rc, bool injected,
		     char *rep, size_t len);
};

/* ---------------------------------------------------------------------- */
/* the bench's footprint as one u64, bit i = leaf i */

static int logged(FIXTURE_DATA(fail_nth) *self, const char *name,
		  uint64_t a0, uint64_t a1, uint64_t t_in, int rc)
{
	return iod_oplog_add(&self->log, name, a0, a1, self->d.hwpt_id, t_in,
			     iod_now_ns(), rc);
}

/* The device writes leaf i for every bit of mask. 0 or -errno. */
static int touch_mask(FIXTURE_DATA(fail_nth) *self, uint64_t mask)
{
	struct iod_dirty *d = &self->d;
	unsigned int i;
	int rc;

	for (i = 0; i < NLEAVES; i++) {
		if (!(mask >> i & 1))
			continue;
		rc = iod_engine_touch(&d->engine, d->iova + i * d->leaf + 1,
				      (uint8_t)i, &d->fp);
		if (rc)
			return logged(self, "TOUCH", i, 0, iod_now_ns(), rc);
	}
	return 0;
}

/* A clearing harvest of the 64 leaves into a touched bitmap: *bits. */
static int harvest(FIXTURE_DATA(fail_nth) *self, uint64_t *bits)
{
	uint64_t t = iod_now_ns();
	int rc;

	*bits = 0;
	rc = iod_bench_get_bitmap(&self->d, self->d.iova, self->span,
				  self->d.leaf, bits, 0);
	self->fig.harvests++;
	if (!rc)
		self->fig.bits_checked += NLEAVES;
	return logged(self, "HARVEST", *bits, 0, t, rc);
}

/* The iteration's footprint: a random non-empty set of leaves. */
static uint64_t random_mask(FIXTURE_DATA(fail_nth) *self)
{
	return iod_rand_next(&self->rnd) | 1ull << 63 | 1;
}

/* Harvest and compare with want; 0, or -EINVAL with rep. */
static int expect_harvest(FIXTURE_DATA(fail_nth) *self, uint64_t want,
			  const char *when, char *rep, size_t len)
{
	uint64_t bits;
	int rc = harvest(self, &bits);

	if (rc) {
		snprintf(rep, len, "%s: the harvest failed: %s", when,
			 strerror(-rc));
		return -EINVAL;
	}
	if (bits != want) {
		snprintf(rep, len,
			 "%s: harvest 0x%016" PRIx64 ", footprint 0x%016" PRIx64
			 " (missing 0x%016" PRIx64 ", phantom 0x%016" PRIx64 ")",
			 when, bits, want, want & ~bits, bits & ~want);
		return -EINVAL;
	}
	return 0;
}

/*
 * After a call that failed: the footprint exactly where the profile says a
 * failed call keeps every bit (`rule` = keeps), else no bit outside it.
 */
static int expect_kept(FIXTURE_DATA(fail_nth) *self, const char *rule,
		       const char *when, char *rep, size_t len)
{
	uint64_t bits;
	int rc;

	if (iod_rule_is(rule, "keeps"))
		return expect_harvest(self, self->want, when, rep, len);
	rc = harvest(self, &bits);
	if (rc || (bits & ~self->want)) {
		snprintf(rep, len, "%s: harvest %s, 0x%016" PRIx64
			 " outside the footprint 0x%016" PRIx64, when,
			 strerror(-rc), bits, self->want);
		return -EINVAL;
	}
	return 0;
}

/*
 * EFAULT can come from the last copy-out (iommufd_ucmd_respond(),
 * drivers/iommu/iommufd/main.c, 6.12), after the call did its work: the
 * state is then the done one or the unchanged one, never anything else.
 */
static bool maybe_done(int rc)
{
	return rc == -EFAULT;
}

/* A failure with no fault injected: the clean call must work. */
static int clean_failed(int rc, bool injected, const char *call, char *rep,
			size_t len)
{
	if (rc >= 0 || injected)
		return 0;
	snprintf(rep, len, "%s failed with no fault injected: %s", call,
		 strerror(-rc));
	return -EINVAL;
}

/* ---------------------------------------------------------------------- */
/* prep: the footprint, and what the call needs */

static int prep_footprint(FIXTURE_DATA(fail_nth) *self, bool untouched)
{
	(void)untouched;
	self->want = random_mask(self);
	return touch_mask(self, self->want);
}

/* ---------------------------------------------------------------------- */
/* HWPT_ALLOC(DIRTY_TRACKING) */

static int call_alloc(FIXTURE_DATA(fail_nth) *self)
{
	self->new_id = 0;
	return iod_hwpt_alloc(self->d.t.fd, self->d.t.dev_id,
			      self->d.t.ioas_id,
			      IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &self->new_id);
}

static int judge_alloc(FIXTURE_DATA(fail_nth) *self, int rc, bool injected,
		       char *rep, size_t len)
{
	int gone;

	if (clean_failed(rc, injected, "HWPT_ALLOC(DIRTY_TRACKING)", rep, len))
		return -EINVAL;
	if (!rc) {
		rc = iod_destroy(self->d.t.fd, self->new_id);
		gone = iod_id_gone(self->d.t.fd, self->new_id);
		if (rc || gone) {
			snprintf(rep, len, "the new HWPT %u: destroy %s, then %s",
				 self->new_id, strerror(-rc),
				 gone > 0 ? "still there" : strerror(-gone));
			return -EINVAL;
		}
	}
	return expect_harvest(self, self->want, "the bench's HWPT after it",
			      rep, len);
}

/* ---------------------------------------------------------------------- */
/* SET_DIRTY_TRACKING: enable on a tracking HWPT wipes, disable stops */

static int call_enable(FIXTURE_DATA(fail_nth) *self)
{
	return iod_set_dirty_tracking(self->d.t.fd, self->d.hwpt_id, true);
}

static int judge_enable(FIXTURE_DATA(fail_nth) *self, int rc, bool injected,
			char *rep, size_t len)
{
	if (clean_failed(rc, injected, "SET_DIRTY_TRACKING(enable)", rep, len))
		return -EINVAL;
	/* done: enabling cleared every bit */
	if (rc)
		return expect_kept(self, "dirty.failed_set_tracking",
				   "after a failed enable", rep, len);
	return expect_harvest(self, 0, "after an enable", rep, len);
}

static int call_disable(FIXTURE_DATA(fail_nth) *self)
{
	return iod_set_dirty_tracking(self->d.t.fd, self->d.hwpt_id, false);
}

static int judge_disable(FIXTURE_DATA(fail_nth) *self, int rc, bool injected,
			 char *rep, size_t len)
{
	if (clean_failed(rc, injected, "SET_DIRTY_TRACKING(disable)", rep,
			 len))
		return -EINVAL;
	if (rc)	/* still tracking */
		return expect_kept(self, "dirty.failed_set_tracking",
				   "after a failed disable", rep, len);
	rc = iod_set_dirty_tracking(self->d.t.fd, self->d.hwpt_id, true);
	if (rc) {
		snprintf(rep, len, "enabling again after the disable: %s",
			 strerror(-rc));
		return -EINVAL;
	}
	return expect_harvest(self, 0, "after disable and enable", rep, len);
}

/* ---------------------------------------------------------------------- */
/* GET_DIRTY_BITMAP into a fresh (untouched) or a touched bitmap */

static int prep_get(FIXTURE_DATA(fail_nth) *self, bool untouched)
{
	/* every leaf dirty: a lost bit anywhere shows */
	self->want = ~0ull;
	self->bm = mmap(NULL, iod_host_page(), PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (self->bm == MAP_FAILED) {
		self->bm = NULL;
		return -errno;
	}
	if (!untouched)
		memset(self->bm, 0, iod_host_page());
	return touch_mask(self, self->want);
}

static int call_get(FIXTURE_DATA(fail_nth) *self)
{
	return iod_bench_get_bitmap(&self->d, self->d.iova, self->span,
				    self->d.leaf, self->bm, 0);
}

static int judge_get(FIXTURE_DATA(fail_nth) *self, int rc, bool injected,
		     char *rep, size_t len)
{
	uint64_t got, next;
	int err;

	got = *(uint64_t *)self->bm;
	munmap(self->bm, iod_host_page());
	self->bm = NULL;
	if (clean_failed(rc, injected, "GET_DIRTY_BITMAP", rep, len))
		return -EINVAL;
	if (rc)
		return expect_kept(self, "dirty.failed_harvest",
				   "the harvest after a failed one", rep, len);
	err = harvest(self, &next);
	if (err) {
		snprintf(rep, len, "the harvest after: %s", strerror(-err));
		return -EINVAL;
	}
	if ((got | next) & ~self->want || (got & next)) {
		snprintf(rep, len,
			 "rc 0 reported 0x%016" PRIx64 ", the next 0x%016" PRIx64
			 ": phantom or twice-reported bits",
			 got, next);
		return -EINVAL;
	}
	if ((got | next) != self->want) {
		snprintf(rep, len,
			 "rc 0%s: this harvest 0x%016" PRIx64 " plus the next 0x%016"
			 PRIx64 " lack 0x%016" PRIx64 " of the footprint: lost for good",
			 injected ? " with a fault injected" : "", got, next,
			 self->want & ~(got | next));
		return 1;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* IOMMU_TEST_OP_DIRTY (the mock's simulated device write) */

static int prep_nothing(FIXTURE_DATA(fail_nth) *self, bool untouched)
{
	(void)untouched;
	self->want = 0;
	return 0;
}

static int call_op_dirty(FIXTURE_DATA(fail_nth) *self)
{
	uint64_t mask = random_mask(self), nr = 0;
	int rc;

	rc = iod_mock_set_dirty(self->d.t.fd, self->d.hwpt_id, self->d.iova,
				self->span, self->d.leaf, &mask, &nr);
	self->got = mask;
	if (!rc && nr != (uint64_t)__builtin_popcountll(mask))
		return -EBADMSG;
	return rc;
}

static int judge_op_dirty(FIXTURE_DATA(fail_nth) *self, int rc,
			  bool injected, char *rep, size_t len)
{
	if (rc == -EBADMSG) {
		snprintf(rep, len, "OP_DIRTY rc 0 marked another count than the %d bits asked",
			 __builtin_popcountll(self->got));
		return -EINVAL;
	}
	if (clean_failed(rc, injected, "IOMMU_TEST_OP_DIRTY", rep, len))
		return -EINVAL;
	if (maybe_done(rc)) {	/* marked, then the copy-out failed; or not */
		uint64_t bits;
		int err = harvest(self, &bits);

		if (!err && (bits == 0 || bits == self->got))
			return 0;
		snprintf(rep, len, "after OP_DIRTY gave EFAULT: harvest %s, 0x%016"
			 PRIx64 ", neither none nor the 0x%016" PRIx64 " marked",
			 strerror(-err), bits, self->got);
		return -EINVAL;
	}
	return expect_harvest(self, rc ? 0 : self->got,
			      rc ? "after a failed OP_DIRTY" : "after OP_DIRTY",
			      rep, len);
}

/* ---------------------------------------------------------------------- */
/* IOAS_MAP / IOAS_UNMAP of another area while tracking */

static int call_map(FIXTURE_DATA(fail_nth) *self)
{
	return iod_ioas_map_fixed(self->d.t.fd, self->d.t.ioas_id,
				  self->extra, self->span, self->extra_iova);
}

/*
 * The extra area is mapped (or not): unmapping it says so. Leaves it
 * unmapped. 0, or -EINVAL with rep.
 */
static int extra_unmap_expect(FIXTURE_DATA(fail_nth) *self, bool mapped,
			      char *rep, size_t len)
{
	uint64_t done = 0;
	int rc = iod_ioas_unmap(self->d.t.fd, self->d.t.ioas_id,
				self->extra_iova, self->span, &done);

	if (mapped ? !rc && done == self->span : rc == -ENOENT)
		return 0;
	snprintf(rep, len, "the other area should be %s: its unmap gave %s, %" PRIu64
		 " bytes", mapped ? "mapped" : "unmapped", strerror(-rc), done);
	return -EINVAL;
}

static int judge_map(FIXTURE_DATA(fail_nth) *self, int rc, bool injected,
		     char *rep, size_t len)
{
	if (clean_failed(rc, injected, "IOAS_MAP", rep, len))
		return -EINVAL;
	if (maybe_done(rc)) {
		/* mapped, then the copy-out failed (now unmapped); or not */
		if (extra_unmap_expect(self, true, rep, len) &&
		    extra_unmap_expect(self, false, rep, len))
			return -EINVAL;
	} else if (extra_unmap_expect(self, !rc, rep, len)) {
		return -EINVAL;
	}
	return expect_harvest(self, self->want, "the tracked area", rep, len);
}

static int prep_unmap(FIXTURE_DATA(fail_nth) *self, bool untouched)
{
	int rc = call_map(self);

	return rc ? rc : prep_footprint(self, untouched);
}

static int call_unmap(FIXTURE_DATA(fail_nth) *self)
{
	return iod_ioas_unmap(self->d.t.fd, self->d.t.ioas_id,
			      self->extra_iova, self->span, NULL);
}

static int judge_unmap(FIXTURE_DATA(fail_nth) *self, int rc, bool injected,
		       char *rep, size_t len)
{
	if (clean_failed(rc, injected, "IOAS_UNMAP", rep, len))
		return -EINVAL;
	/* EFAULT: unmapped, then the copy-out failed; or not unmapped */
	if (rc && extra_unmap_expect(self, true, rep, len) &&
	    !(maybe_done(rc) && extra_unmap_expect(self, false, rep, len) == 0))
		return -EINVAL;
	return expect_harvest(self, self->want, "the tracked area", rep, len);
}

/* ---------------------------------------------------------------------- */
/* replace the mock device's HWPT with a second dirty one */

static int prep_replace(FIXTURE_DATA(fail_nth) *self, bool untouched)
{
	int rc = iod_hwpt_alloc(self->d.t.fd, self->d.t.dev_id,
				self->d.t.ioas_id,
				IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &self->hwpt2);

	return rc ? rc : prep_footprint(self, untouched);
}

static int call_replace(FIXTURE_DATA(fail_nth) *self)
{
	return iod_mock_dev_replace(self->d.t.fd, &self->d.t.md, self->hwpt2);
}

static int judge_replace(FIXTURE_DATA(fail_nth) *self, int rc, bool injected,
			 char *rep, size_t len)
{
	uint32_t on = self->d.t.md.hwpt_id;
	int err, gone;

	if (clean_failed(rc, injected, "MOCK_DOMAIN_REPLACE", rep, len))
		return -EINVAL;
	if (maybe_done(rc)) {
		/* replaced, then the copy-out failed; or not: put it back */
		err = iod_mock_dev_replace(self->d.t.fd, &self->d.t.md,
					   self->d.hwpt_id);
		if (err) {
			snprintf(rep, len, "replacing back after EFAULT: %s",
				 strerror(-err));
			return -EINVAL;
		}
	} else if (on != (rc ? self->d.hwpt_id : self->hwpt2)) {
		snprintf(rep, len, "the device is on HWPT %u after rc %d", on,
			 rc);
		return -EINVAL;
	}
	if (!rc) {
		err = iod_mock_dev_replace(self->d.t.fd, &self->d.t.md,
					   self->d.hwpt_id);
		if (err) {
			snprintf(rep, len, "replacing back: %s",
				 strerror(-err));
			return -EINVAL;
		}
	}
	/* the second HWPT is no longer held by anything */
	err = iod_destroy(self->d.t.fd, self->hwpt2);
	gone = iod_id_gone(self->d.t.fd, self->hwpt2);
	if (err || gone) {
		snprintf(rep, len, "the second HWPT %u: destroy %s, then %s",
			 self->hwpt2, strerror(-err),
			 gone > 0 ? "still there" : strerror(-gone));
		return -EINVAL;
	}
	self->hwpt2 = 0;
	return expect_harvest(self, self->want, "the first HWPT", rep, len);
}

/* ---------------------------------------------------------------------- */
/* the sweep */

struct sweep_result {
	unsigned int sites;	/* faults injected into the call */
	unsigned int lost;	/* iterations that lost bits after rc 0 */
	unsigned int sweeps;
	char rep[384];		/* the first wrong iteration */
	char lost_rep[384];	/* the first lost-bits iteration */
};

/* One sweep: 0, or -errno with rep (a wrong iteration stops it). */
static int sweep_once(FIXTURE_DATA(fail_nth) *self,
		      const struct sweep_ops *ops, bool untouched,
		      struct sweep_result *res)
{
	unsigned int nth;
	uint64_t clear;
	char rep[320];
	int rc, injected, verdict;

	for (nth = 1; nth <= MAX_SITES; nth++) {
		uint64_t t;

		rep[0] = 0;
		/* start clean: nothing dirty, tracking on */
		rc = harvest(self, &clear);
		if (!rc)
			rc = ops->prep(self, untouched);
		if (rc) {
			snprintf(res->rep, sizeof(res->rep),
				 "%s nth %u: setting up the iteration: %s",
				 ops->call, nth, strerror(-rc));
			return rc;
		}
		rc = iod_fail_nth_arm(&self->fn, nth);
		if (rc) {
			snprintf(res->rep, sizeof(res->rep),
				 "arming fail-nth %u: %s", nth,
				 strerror(-rc));
			return rc;
		}
		t = iod_now_ns();
		self->fig.ops++;
		rc = ops->call_fn(self);
		injected = iod_fail_nth_disarm(&self->fn);
		iod_oplog_add(&self->log, ops->call, nth, (uint64_t)injected,
			      self->want, t, iod_now_ns(), rc);
		if (injected < 0) {
			snprintf(res->rep, sizeof(res->rep),
				 "disarming fail-nth after %s nth %u: %s",
				 ops->call, nth, strerror(-injected));
			return injected;
		}
		verdict = ops->judge(self, rc, injected, rep, sizeof(rep));
		if (verdict < 0) {
			snprintf(res->rep, sizeof(res->rep),
				 "%s:%u (rc %d%s): %s", ops->call, nth, rc,
				 injected ? ", fault injected" : "", rep);
			return -EINVAL;
		}
		if (verdict > 0 && !res->lost++)
			snprintf(res->lost_rep, sizeof(res->lost_rep),
				 "%s:%u: %s", ops->call, nth, rep);
		if (!injected) {
			res->sites = nth - 1;
			res->sweeps++;
			return 0;
		}
	}
	snprintf(res->rep, sizeof(res->rep),
		 "%s still reached a fault site at nth %u: a runaway sweep",
		 ops->call, MAX_SITES);
	return -E2BIG;
}

/* The sweep, repeated until the long run's seconds are up. */
static int sweep(struct __test_metadata *_metadata,
		 FIXTURE_DATA(fail_nth) *self, const struct sweep_ops *ops,
		 bool untouched, struct sweep_result *res)
{
	struct iod_stress_loop l;
	int rc;

	memset(res, 0, sizeof(*res));
	iod_stress_loop_init(&l, ops->call, 1);
	l.figures = &self->fig;
	while (iod_stress_loop_next(&l)) {
		rc = sweep_once(self, ops, untouched, res);
		if (rc)
			return rc;
	}
	TH_LOG("%s%s: %u fault sites reached (nth 1..%u failed, %u clean), %u sweep(s)",
	       ops->call, untouched ? " (untouched bitmap)" : "", res->sites,
	       res->sites, res->sites + 1, res->sweeps);
	return 0;
}

/* After a case: no splat, nothing left pinned. */
#define IOD_ASSERT_NO_LEAK() do { \
	uint64_t __kb; \
	IOD_ASSERT_NO_SPLAT(self->kfd); \
	self->kfd = -1; \
	ASSERT_EQ(0, iod_vmpin_kb(&__kb)); \
	ASSERT_EQ(self->vmpin, __kb) \
		TH_LOG("VmPin %" PRIu64 " kB after the sweep, %" PRIu64 \
		       " kB before", __kb, self->vmpin); \
} while (0)

/*
 * Run the sweep of ops in a case: FAIL on a wrong iteration, then on a
 * splat or a leak, then XFAIL (a known bug in the profile) or FAIL on lost
 * bits. The fail_* attributes are restored first; the operation log goes
 * to the TAP when anything was wrong.
 */
#define IOD_ASSERT_SWEEP(ops, untouched) do { \
	struct sweep_result __r; \
	struct iod_oplog *__logs[] = { &self->log }; \
	int __rc; \
	if ((ops)->mock_only && !self->d.t.mock) \
		SKIP(return, "%s is the mock's own test op: on this target " \
		     "the HWPT's dirty bits come from real DMA", (ops)->call); \
	__rc = sweep(_metadata, self, (ops), (untouched), &__r); \
	iod_fail_nth_close(&self->fn); \
	if (__rc) \
		iod_oplog_dump(__logs, 1, stderr); \
	ASSERT_EQ(0, __rc) TH_LOG("%s", __r.rep); \
	if (__r.lost) \
		TH_LOG("%u iteration(s) lost bits; the first: %s", __r.lost, \
		       __r.lost_rep); \
	IOD_ASSERT_NO_LEAK(); \
	iod_stress_figures_print(&self->fig); \
	IOD_XFAIL_IF_KNOWN_BUG(__r.lost > 0); \
	if (__r.lost) \
		iod_oplog_dump(__logs, 1, stderr); \
	ASSERT_EQ(0, __r.lost) TH_LOG("%s", __r.lost_rep); \
} while (0)

FIXTURE_SETUP(fail_nth)
{
	const struct iod_dirty_opts o = { .leaves = NLEAVES, .enable = true };
	char why[384] = "", attrs[384];
	int rc;

	self->kfd = -1;
	self->fn.fd = -1;
	IOD_DIRTY_SETUP(&self->d, &o);
	self->span = NLEAVES * self->d.leaf;
	rc = iod_fail_nth_open(&self->fn, why, sizeof(why));
	if (rc == -EOPNOTSUPP)
		SKIP(return, "fault injection: %s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	iod_fail_nth_describe(&self->fn, attrs, sizeof(attrs));
	TH_LOG("fail-nth with %s", attrs);

	IOD_STRESS_SEED_THREAD0(&self->rnd, &self->log, 64);

	self->extra = mmap(NULL, self->span, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, self->extra);
	ASSERT_EQ(0, iod_ioas_pick_iova(self->d.t.fd, self->d.t.ioas_id,
					self->span,
					iod_bench_iova_floor(&self->d, 0),
					iod_bench_align(&self->d),
					&self->extra_iova));
	ASSERT_EQ(0, iod_vmpin_kb(&self->vmpin));
	self->kfd = iod_kmsg_open();
}

/*
 * A failed ASSERT does not reach the teardown with this kselftest harness:
 * each case restores the fail_* attributes and dumps its operation log as
 * soon as its sweep ends (IOD_ASSERT_SWEEP).
 */
FIXTURE_TEARDOWN(fail_nth)
{
	iod_fail_nth_close(&self->fn);
	if (self->bm)
		munmap(self->bm, iod_host_page());
	if (self->extra && self->extra != MAP_FAILED)
		munmap(self->extra, self->span);
	iod_oplog_free(&self->log);
	iod_dirty_teardown(&self->d);
}

static const struct sweep_ops alloc_ops = {
	"HWPT_ALLOC(DIRTY_TRACKING)", false, prep_footprint, call_alloc,
	judge_alloc,
};

TEST_F(fail_nth, hwpt_alloc_dirty)
{
	IOD_ASSERT_SWEEP(&alloc_ops, false);
}

static const struct sweep_ops enable_ops = {
	"SET_DIRTY_TRACKING(enable)", false, prep_footprint, call_enable,
	judge_enable,
};

TEST_F(fail_nth, set_tracking_enable)
{
	IOD_NEED_RULE("dirty.failed_set_tracking");
	IOD_ASSERT_SWEEP(&enable_ops, false);
}

static const struct sweep_ops disable_ops = {
	"SET_DIRTY_TRACKING(disable)", false, prep_footprint, call_disable,
	judge_disable,
};

TEST_F(fail_nth, set_tracking_disable)
{
	IOD_NEED_RULE("dirty.failed_set_tracking");
	IOD_ASSERT_SWEEP(&disable_ops, false);
}

static const struct sweep_ops get_ops = {
	"GET_DIRTY_BITMAP", false, prep_get, call_get, judge_get,
};

/* A bitmap already faulted in: every failure happens before the walk. */
TEST_F(fail_nth, get_bitmap_touched)
{
	IOD_NEED_RULE("dirty.failed_harvest");
	IOD_ASSERT_SWEEP(&get_ops, false);
}

/*
 * A bitmap page never touched: the kernel faults it in while recording,
 * after the IOPTEs were read and cleared.
 */
TEST_F(fail_nth, get_bitmap_untouched)
{
	IOD_NEED_RULE("dirty.failed_harvest");
	IOD_ASSERT_SWEEP(&get_ops, true);
}

static const struct sweep_ops op_dirty_ops = {
	"IOMMU_TEST_OP_DIRTY", true, prep_nothing, call_op_dirty,
	judge_op_dirty,
};

TEST_F(fail_nth, mock_op_dirty)
{
	IOD_ASSERT_SWEEP(&op_dirty_ops, false);
}

static const struct sweep_ops map_ops = {
	"IOAS_MAP", false, prep_footprint, call_map, judge_map,
};

TEST_F(fail_nth, map_while_tracking)
{
	IOD_ASSERT_SWEEP(&map_ops, false);
}

static const struct sweep_ops unmap_ops = {
	"IOAS_UNMAP", false, prep_unmap, call_unmap, judge_unmap,
};

TEST_F(fail_nth, unmap_while_tracking)
{
	IOD_ASSERT_SWEEP(&unmap_ops, false);
}

static const struct sweep_ops replace_ops = {
	"MOCK_DOMAIN_REPLACE", true, prep_replace, call_replace,
	judge_replace,
};

TEST_F(fail_nth, replace)
{
	IOD_ASSERT_SWEEP(&replace_ops, false);
}

IOD_STRESS_MAIN
