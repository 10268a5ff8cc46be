// SPDX-License-Identifier: GPL-2.0
/*
 * The random fault-injection soak: failslab, fail_page_alloc (down to
 * order 0), fail_iommufd and fail_usercopy fail a few percent of the sites
 * they see (harness/fail_nth.h, iod_fail_soak_*) while a seeded random mix
 * of dirty-tracking calls runs on the mock: OP_DIRTY marks, harvests
 * (clearing and NO_CLEAR), enable and disable, IOAS_MAP/IOAS_UNMAP of a
 * second area, HWPT_ALLOC(DIRTY_TRACKING)/IOMMU_DESTROY of a second HWPT,
 * and replacing the device's HWPT. Only this thread fails, and only inside
 * the call under test (task-filter and its make-it-fail). A model holds
 * what each HWPT must report: the bits surely dirty, and those that may be
 * (a call whose last copy-out failed may or may not have been done). Per
 * call, as suites/stress/fail_nth.c judges one site at a time:
 *   - rc < 0 leaves the state unchanged (a failed harvest or
 *     SET_DIRTY_TRACKING as the profile's dirty.failed_* says); EFAULT of
 *     a call that copies out last is either done or unchanged, and is
 *     resolved by looking;
 *   - rc 0 did the call; a harvest that returns 0 reports no bit outside
 *     the model, and what it did not report comes in the next one;
 *   - a call into which no fault was injected does what the model says.
 * After every call that met a fault the whole state is looked at with the
 * faults disarmed: which HWPTs track (a zero-mask OP_DIRTY, which the mock
 * refuses on a HWPT that does not track), every tracked area's bits (a
 * NO_CLEAR harvest), the second area mapped or not. A destroy of the HWPT
 * the device is on must be EBUSY: that checks where the device is. At the
 * end: the state once more, no splat, no leak (VmPin and the machine
 * counters back, the second HWPT's id gone).
 *
 * Every harvest goes into a bitmap page touched before the soak: faulting
 * a bitmap page in after the read-and-clear and failing there loses the
 * bits with rc 0 on 6.11+ (iova_bitmap_set() is void; fail_nth's
 * get_bitmap_untouched XFAIL), which would make every later judgement of
 * that HWPT unsound. With the page present the pin needs no allocation,
 * so no fault can land after the IOPTEs were cleared.
 *
 * The second HWPT is allocated with the faults disarmed (fail_nth sweeps
 * HWPT_ALLOC(DIRTY_TRACKING) one site at a time): a new mock domain's page
 * table is an xarray, and an xa_store() in mock_domain_map_pages() whose
 * node allocation fails half-way down leaves empty interior nodes behind;
 * when the failed allocation then frees the domain, mock_domain_free()
 * (drivers/iommu/iommufd/selftest.c:374, 6.12.117) warns that the xarray
 * is not empty, though it holds no entry (a debug kernel counted none) and
 * the core's error path unmapped everything. A defect of the mock's test
 * code, not of the uAPI under test, whose WARNING would end every soak.
 *
 * Which sites fail is the kernel's random choice: a failing run replays
 * its operations (IODIRTY_SEED) but not its faults; the operation log in
 * the TAP says which call met how many.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
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

#define NLEAVES 64		/* one u64 of bitmap an area */
#define FAULT_PERCENT 2		/* of the sites each kind sees */
#define OPLOG_CAP 256

enum { AREA_MAIN, AREA_EXTRA, NR_AREAS };
enum { HW_A, HW_B, NR_HWPTS };	/* A: the bench's, B: allocated and destroyed */

enum op_kind {
	OP_MARK, OP_HARVEST, OP_ENABLE, OP_DISABLE, OP_MAP_TOGGLE,
	OP_HWPT_TOGGLE, OP_REPLACE, NR_OPS,
};

/* What one HWPT must report of each area, bit i = leaf i. */
struct soak_hwpt {
	uint32_t id;
	bool exists, tracking;
	uint64_t sure[NR_AREAS];	/* dirty */
	uint64_t maybe[NR_AREAS];	/* dirty or not */
};

struct soak_model {
	struct soak_hwpt h[NR_HWPTS];
	unsigned int dev_on;		/* the HWPT the device is attached to */
	bool extra_mapped;
};

FIXTURE(fail_soak) {
	struct iod_dirty d;
	struct iod_fail_soak fs;
	struct iod_oplog log;
	struct iod_rand rnd;
	struct iod_stress_counters before;
	struct iod_stress_figures fig;
	struct soak_model m;
	int kfd;
	void *extra;		/* NLEAVES leaves mapped at extra_iova, or not */
	uint64_t extra_iova, span;
	uint64_t *bm;		/* the harvests' bitmap page, touched */
	uint64_t faulted;	/* calls that met a fault */
	uint64_t failed;	/* calls that returned an error */
	char rep[512];		/* what was wrong */
};

FIXTURE_VARIANT(fail_soak) {
	unsigned int weight[NR_OPS];
	uint64_t short_ops;
};

/* Marks, harvests, enable and disable on one or two HWPTs. */
FIXTURE_VARIANT_ADD(fail_soak, tracking) {
	.weight = { [OP_MARK] = 4, [OP_HARVEST] = 4, [OP_ENABLE] = 1,
		    [OP_DISABLE] = 1, [OP_HWPT_TOGGLE] = 1 },
	.short_ops = 8000,
};

/* Map/unmap, HWPT alloc/destroy and replace among marks and harvests. */
FIXTURE_VARIANT_ADD(fail_soak, topology) {
	.weight = { [OP_MARK] = 3, [OP_HARVEST] = 3, [OP_ENABLE] = 1,
		    [OP_MAP_TOGGLE] = 2, [OP_HWPT_TOGGLE] = 2,
		    [OP_REPLACE] = 2 },
	.short_ops = 8000,
};

/* Everything. */
FIXTURE_VARIANT_ADD(fail_soak, mixed) {
	.weight = { [OP_MARK] = 3, [OP_HARVEST] = 3, [OP_ENABLE] = 1,
		    [OP_DISABLE] = 1, [OP_MAP_TOGGLE] = 1,
		    [OP_HWPT_TOGGLE] = 1, [OP_REPLACE] = 1 },
	.short_ops = 8000,
};

typedef FIXTURE_DATA(fail_soak) soak_t;

static int wrong(soak_t *self, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Say what was wrong; -EINVAL. */
static int wrong(soak_t *self, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(self->rep, sizeof(self->rep), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static uint64_t area_iova(const soak_t *self, unsigned int a)
{
	return a == AREA_EXTRA ? self->extra_iova : self->d.iova;
}

static bool area_mapped(const soak_t *self, unsigned int a)
{
	return a == AREA_MAIN || self->m.extra_mapped;
}

static const char *hw_name(unsigned int k)
{
	return k == HW_A ? "A" : "B";
}

/* ---------------------------------------------------------------------- */
/* a call with the faults armed */

struct call {
	const char *name;
	uint64_t t_in;
	int rc;
	int faults;		/* injected into it */
};

static int armed_begin(soak_t *self, struct call *c, const char *name)
{
	int rc;

	c->name = name;
	c->rc = 0;
	c->faults = 0;
	rc = iod_fail_soak_arm(&self->fs);
	if (rc)
		return wrong(self, "arming the faults before %s: %s", name,
			     strerror(-rc));
	c->t_in = iod_now_ns();
	return 0;
}

/* Disarm, count, log "name a0 a1 faults = rc". 0 or -EINVAL. */
static int armed_end(soak_t *self, struct call *c, uint64_t a0, uint64_t a1)
{
	uint64_t t_out = iod_now_ns();
	int n = iod_fail_soak_disarm(&self->fs);

	if (n < 0)
		return wrong(self, "disarming the faults after %s: %s",
			     c->name, strerror(-n));
	c->faults = n;
	iod_oplog_add(&self->log, c->name, a0, a1, (uint64_t)n, c->t_in,
		      t_out, c->rc);
	self->fig.ops++;
	self->faulted += n > 0;
	self->failed += c->rc < 0;
	return 0;
}

/* A call that met no fault failed: always wrong. */
static int clean_failure(soak_t *self, const struct call *c)
{
	return wrong(self, "%s failed with no fault injected: %s", c->name,
		     strerror(-c->rc));
}

/* A call with the faults disarmed, logged. */
static int plain_logged(soak_t *self, const char *name, uint64_t a0,
			uint64_t a1, uint64_t t_in, int rc)
{
	self->fig.ops++;
	return iod_oplog_add(&self->log, name, a0, a1, 0, t_in, iod_now_ns(),
			     rc);
}

/* ---------------------------------------------------------------------- */
/* judging a harvest */

/*
 * HWPT k reported `got` of area a (rc 0, `faults` injected into it): no bit
 * outside the model; every sure bit unless a fault was injected (then the
 * next harvest must bring the rest: they stay sure). The model follows.
 */
static int judge_harvest(soak_t *self, unsigned int k, unsigned int a,
			 uint64_t got, bool no_clear, int faults)
{
	struct soak_hwpt *h = &self->m.h[k];
	uint64_t sure = h->sure[a], maybe = h->maybe[a];

	self->fig.harvests++;
	self->fig.bits_checked += NLEAVES;
	if (got & ~(sure | maybe))
		return wrong(self, "HWPT %s area %u: harvest 0x%016" PRIx64
			     ", phantom 0x%016" PRIx64 " (dirty 0x%016" PRIx64
			     ", maybe 0x%016" PRIx64 ")", hw_name(k), a, got,
			     got & ~(sure | maybe), sure, maybe);
	if (!faults && (sure & ~got))
		return wrong(self, "HWPT %s area %u: harvest 0x%016" PRIx64
			     ", missing 0x%016" PRIx64 " (dirty 0x%016" PRIx64
			     ", maybe 0x%016" PRIx64 ")", hw_name(k), a, got,
			     sure & ~got, sure, maybe);
	if (no_clear) {
		h->sure[a] |= got;
		h->maybe[a] &= ~got;
		if (!faults) {	/* every dirty bit seen */
			h->sure[a] = got;
			h->maybe[a] = 0;
		}
	} else {
		h->sure[a] &= ~got;
		h->maybe[a] = faults ? maybe & ~got : 0;
	}
	return 0;
}

/* A harvest of HWPT k's area a into the touched bitmap page. */
static int get_bitmap(soak_t *self, unsigned int k, unsigned int a,
		      uint32_t flags)
{
	self->bm[0] = 0;
	return iod_get_dirty_bitmap(self->d.t.fd, self->m.h[k].id,
				    area_iova(self, a), self->span,
				    self->d.leaf, self->bm, flags);
}

/* ---------------------------------------------------------------------- */
/* the state, looked at with the faults disarmed */

static int check_tracking(soak_t *self, unsigned int k)
{
	struct soak_hwpt *h = &self->m.h[k];
	uint64_t none = 0, nr = 0, t = iod_now_ns();
	int rc;

	/* a zero mask marks nothing; the mock refuses it where not tracking */
	rc = iod_mock_set_dirty(self->d.t.fd, h->id, self->d.iova, self->span,
				self->d.leaf, &none, &nr);
	plain_logged(self, "CHECK_TRACKING", h->id, h->tracking, t, rc);
	if (h->tracking ? rc || nr : rc != -EINVAL)
		return wrong(self, "HWPT %s should %strack: OP_DIRTY of nothing gave %s, %" PRIu64
			     " marked", hw_name(k), h->tracking ? "" : "not ",
			     strerror(-rc), nr);
	return 0;
}

static int check_bits(soak_t *self, unsigned int k, unsigned int a)
{
	uint64_t t = iod_now_ns();
	int rc = get_bitmap(self, k, a, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);

	plain_logged(self, "CHECK_BITS", self->m.h[k].id, self->bm[0], t, rc);
	if (rc)
		return wrong(self, "HWPT %s area %u: the NO_CLEAR harvest failed with no fault armed: %s",
			     hw_name(k), a, strerror(-rc));
	return judge_harvest(self, k, a, self->bm[0], true, 0);
}

/* Is the extra area mapped in the IOAS and every HWPT as the model says? */
static int check_extra(soak_t *self)
{
	uint64_t done = 0, t = iod_now_ns();
	unsigned int k;
	int rc;

	if (!self->m.extra_mapped) {
		/* unmapping what is not there changes nothing */
		rc = iod_ioas_unmap(self->d.t.fd, self->d.t.ioas_id,
				    self->extra_iova, self->span, &done);
		plain_logged(self, "CHECK_UNMAPPED", self->extra_iova, done, t,
			     rc);
		if (rc != -ENOENT)
			return wrong(self, "the second area should not be mapped: IOAS_UNMAP of it gave %s, %" PRIu64
				     " bytes", strerror(-rc), done);
		return 0;
	}
	for (k = 0; k < NR_HWPTS; k++) {
		if (!self->m.h[k].exists)
			continue;
		rc = iod_mock_check_map(self->d.t.fd, self->m.h[k].id,
					self->extra_iova, self->extra,
					self->span);
		plain_logged(self, "CHECK_MAPPED", self->m.h[k].id,
			     self->extra_iova, t, rc);
		if (rc)
			return wrong(self, "the second area should be mapped in HWPT %s: MD_CHECK_MAP gave %s",
				     hw_name(k), strerror(-rc));
	}
	return 0;
}

static int check_state(soak_t *self)
{
	unsigned int k, a;
	int rc;

	for (k = 0; k < NR_HWPTS; k++) {
		if (!self->m.h[k].exists)
			continue;
		rc = check_tracking(self, k);
		for (a = 0; !rc && self->m.h[k].tracking && a < NR_AREAS; a++)
			if (area_mapped(self, a))
				rc = check_bits(self, k, a);
		if (rc)
			return rc;
	}
	return check_extra(self);
}

/* ---------------------------------------------------------------------- */
/* the calls */

static unsigned int pick_hwpt(soak_t *self, bool tracking_only)
{
	unsigned int k = (unsigned int)iod_rand_below(&self->rnd, NR_HWPTS);

	if (!self->m.h[k].exists ||
	    (tracking_only && !self->m.h[k].tracking))
		k ^= 1;
	return k;
}

static int op_mark(soak_t *self)
{
	unsigned int k = pick_hwpt(self, false);
	unsigned int a = (unsigned int)iod_rand_below(&self->rnd, NR_AREAS);
	struct soak_hwpt *h = &self->m.h[k];
	uint64_t mask = iod_rand_next(&self->rnd), nr = 0, want_nr;
	bool lands = h->tracking && area_mapped(self, a);
	struct call c;

	if (armed_begin(self, &c, "OP_DIRTY"))
		return -EINVAL;
	c.rc = iod_mock_set_dirty(self->d.t.fd, h->id, area_iova(self, a),
				  self->span, self->d.leaf, &mask, &nr);
	if (armed_end(self, &c, h->id, mask))
		return -EINVAL;
	/* the mock marks the pages it has IOPTEs for */
	want_nr = area_mapped(self, a) ? (uint64_t)__builtin_popcountll(mask) : 0;
	if (!h->tracking) {
		/* the mock marks only a tracking HWPT */
		if (c.rc == 0)
			return wrong(self, "OP_DIRTY on HWPT %s, which should not track, gave 0",
				     hw_name(k));
		if (c.rc != -EINVAL && !c.faults)
			return clean_failure(self, &c);
		return 0;
	}
	if (c.rc == 0) {
		if (nr != want_nr)
			return wrong(self, "OP_DIRTY on HWPT %s area %u marked %" PRIu64
				     " pages, not %" PRIu64, hw_name(k), a, nr,
				     want_nr);
		self->fig.writes += nr;
		if (lands) {
			h->sure[a] |= mask;
			h->maybe[a] &= ~mask;
		}
		return 0;
	}
	if (!c.faults)
		return clean_failure(self, &c);
	/* its last act copies out the count: marked or not */
	if (c.rc == -EFAULT && lands)
		h->maybe[a] |= mask & ~h->sure[a];
	return 0;
}

static int op_harvest(soak_t *self)
{
	unsigned int k = pick_hwpt(self, true);
	unsigned int a = (unsigned int)iod_rand_below(&self->rnd, NR_AREAS);
	bool no_clear = !iod_rand_below(&self->rnd, 4);
	struct soak_hwpt *h = &self->m.h[k];
	struct call c;

	if (!h->tracking)
		return 0;	/* nothing tracks: nothing to harvest */
	if (!area_mapped(self, a))
		a = AREA_MAIN;
	if (armed_begin(self, &c, no_clear ? "GET_DIRTY_BITMAP(NO_CLEAR)" :
			"GET_DIRTY_BITMAP"))
		return -EINVAL;
	c.rc = get_bitmap(self, k, a, no_clear ?
			  IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR : 0);
	if (armed_end(self, &c, h->id, area_iova(self, a)))
		return -EINVAL;
	if (!c.rc)
		return judge_harvest(self, k, a, self->bm[0], no_clear,
				     c.faults);
	if (!c.faults)
		return clean_failure(self, &c);
	if (!no_clear && !iod_rule_is("dirty.failed_harvest", "keeps")) {
		h->maybe[a] |= h->sure[a];
		h->sure[a] = 0;
	}
	return 0;
}

/* SET_DIRTY_TRACKING(on) on one HWPT; enabling starts a clean epoch. */
static int op_set_tracking(soak_t *self, bool on)
{
	unsigned int k = pick_hwpt(self, false), a;
	struct soak_hwpt *h = &self->m.h[k];
	struct call c;

	if (armed_begin(self, &c, on ? "SET_DIRTY_TRACKING(enable)" :
			"SET_DIRTY_TRACKING(disable)"))
		return -EINVAL;
	c.rc = iod_set_dirty_tracking(self->d.t.fd, h->id, on);
	if (armed_end(self, &c, h->id, on))
		return -EINVAL;
	if (!c.rc) {
		/*
		 * Enabling clears every bit; disabled, the bits can be
		 * neither marked nor harvested until an enable clears them.
		 */
		h->tracking = on;
		for (a = 0; a < NR_AREAS; a++)
			h->sure[a] = h->maybe[a] = 0;
		return 0;
	}
	if (!c.faults)
		return clean_failure(self, &c);
	if (!iod_rule_is("dirty.failed_set_tracking", "keeps"))
		for (a = 0; a < NR_AREAS; a++) {
			h->maybe[a] |= h->sure[a];
			h->sure[a] = 0;
		}
	return 0;
}

/* Every HWPT's view of a freshly mapped second area. */
static void extra_now_mapped(soak_t *self)
{
	bool dirty = iod_rule_is("dirty.new_mapping", "dirty");
	unsigned int k;

	self->m.extra_mapped = true;
	for (k = 0; k < NR_HWPTS; k++) {
		self->m.h[k].sure[AREA_EXTRA] =
			dirty && self->m.h[k].tracking ? ~0ull : 0;
		self->m.h[k].maybe[AREA_EXTRA] = 0;
	}
}

static void extra_now_unmapped(soak_t *self)
{
	unsigned int k;

	self->m.extra_mapped = false;
	for (k = 0; k < NR_HWPTS; k++)
		self->m.h[k].sure[AREA_EXTRA] =
			self->m.h[k].maybe[AREA_EXTRA] = 0;
}

/*
 * After EFAULT from a map or unmap (done, then the copy-out failed; or
 * not done): unmap with the faults disarmed, which either unmaps the whole
 * area or finds nothing. The area is then unmapped.
 */
static int extra_resolve(soak_t *self)
{
	uint64_t done = 0, t = iod_now_ns();
	int rc = iod_ioas_unmap(self->d.t.fd, self->d.t.ioas_id,
				self->extra_iova, self->span, &done);

	plain_logged(self, "RESOLVE_UNMAP", self->extra_iova, done, t, rc);
	if (!(rc == -ENOENT || (!rc && done == self->span)))
		return wrong(self, "after EFAULT the second area is neither mapped nor unmapped: IOAS_UNMAP gave %s, %" PRIu64
			     " bytes", strerror(-rc), done);
	extra_now_unmapped(self);
	return 0;
}

static int op_map_toggle(soak_t *self)
{
	bool map = !self->m.extra_mapped;
	uint64_t done = 0;
	struct call c;

	if (armed_begin(self, &c, map ? "IOAS_MAP" : "IOAS_UNMAP"))
		return -EINVAL;
	if (map)
		c.rc = iod_ioas_map_fixed(self->d.t.fd, self->d.t.ioas_id,
					  self->extra, self->span,
					  self->extra_iova);
	else
		c.rc = iod_ioas_unmap(self->d.t.fd, self->d.t.ioas_id,
				      self->extra_iova, self->span, &done);
	if (armed_end(self, &c, self->extra_iova, done))
		return -EINVAL;
	if (!c.rc) {
		if (!map && done != self->span)
			return wrong(self, "IOAS_UNMAP gave 0 with %" PRIu64
				     " bytes unmapped of %" PRIu64, done,
				     self->span);
		if (map)
			extra_now_mapped(self);
		else
			extra_now_unmapped(self);
		return 0;
	}
	if (!c.faults)
		return clean_failure(self, &c);
	if (c.rc == -EFAULT)
		return extra_resolve(self);
	return 0;	/* unchanged: check_state() looks */
}

static int op_hwpt_toggle(soak_t *self)
{
	struct soak_hwpt *b = &self->m.h[HW_B];
	bool busy = self->m.dev_on == HW_B;
	uint32_t id = 0;
	struct call c;
	uint64_t t;
	int gone, rc;

	if (!b->exists) {
		/* with the faults disarmed: see the header */
		t = iod_now_ns();
		rc = iod_hwpt_alloc(self->d.t.fd, self->d.t.dev_id,
				    self->d.t.ioas_id,
				    IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &id);
		plain_logged(self, "HWPT_ALLOC(DIRTY_TRACKING)", id, 0, t, rc);
		if (rc)
			return wrong(self, "HWPT_ALLOC(DIRTY_TRACKING) with no fault armed: %s",
				     strerror(-rc));
		*b = (struct soak_hwpt){ .id = id, .exists = true };
		return 0;
	}
	if (armed_begin(self, &c, "IOMMU_DESTROY"))
		return -EINVAL;
	c.rc = iod_destroy(self->d.t.fd, b->id);
	if (armed_end(self, &c, b->id, busy))
		return -EINVAL;
	if (busy) {
		if (c.rc == -EBUSY)
			return 0;
		if (!c.rc)
			return wrong(self, "IOMMU_DESTROY of HWPT B, which the device should be attached to, gave 0");
		return c.faults ? 0 : clean_failure(self, &c);
	}
	if (c.rc)
		return c.faults ? 0 : clean_failure(self, &c);
	gone = iod_id_gone(self->d.t.fd, b->id);
	if (gone)
		return wrong(self, "HWPT B %u after its destroy gave 0: %s",
			     b->id, gone > 0 ? "still there" :
			     strerror(-gone));
	*b = (struct soak_hwpt){ 0 };
	return 0;
}

static int op_replace(soak_t *self)
{
	unsigned int to = self->m.dev_on ^ 1;
	uint32_t id = self->m.h[to].id;
	uint64_t t;
	struct call c;
	int rc;

	if (!self->m.h[to].exists)
		return op_hwpt_toggle(self);	/* allocates B */
	if (armed_begin(self, &c, "MOCK_DOMAIN_REPLACE"))
		return -EINVAL;
	c.rc = iod_mock_dev_replace(self->d.t.fd, &self->d.t.md, id);
	if (armed_end(self, &c, id, 0))
		return -EINVAL;
	if (!c.rc) {
		if (self->d.t.md.hwpt_id != id)
			return wrong(self, "MOCK_DOMAIN_REPLACE to %u gave 0 and says %u",
				     id, self->d.t.md.hwpt_id);
		self->m.dev_on = to;
		return 0;
	}
	if (!c.faults)
		return clean_failure(self, &c);
	if (c.rc != -EFAULT)
		return 0;	/* still on the old one: a destroy says */
	/* replaced, then the copy-out failed; or not: replace again */
	t = iod_now_ns();
	rc = iod_mock_dev_replace(self->d.t.fd, &self->d.t.md, id);
	plain_logged(self, "RESOLVE_REPLACE", id, 0, t, rc);
	if (rc)
		return wrong(self, "replacing to HWPT %s after EFAULT with no fault armed: %s",
			     hw_name(to), strerror(-rc));
	self->m.dev_on = to;
	return 0;
}

static int one_op(soak_t *self, enum op_kind op)
{
	switch (op) {
	case OP_MARK:
		return op_mark(self);
	case OP_HARVEST:
		return op_harvest(self);
	case OP_ENABLE:
		return op_set_tracking(self, true);
	case OP_DISABLE:
		return op_set_tracking(self, false);
	case OP_MAP_TOGGLE:
		return op_map_toggle(self);
	case OP_HWPT_TOGGLE:
		return op_hwpt_toggle(self);
	case OP_REPLACE:
		return op_replace(self);
	default:
		return wrong(self, "no operation %d", op);
	}
}

static enum op_kind pick_op(soak_t *self, const unsigned int *weight)
{
	unsigned int total = 0, i, r;

	for (i = 0; i < NR_OPS; i++)
		total += weight[i];
	r = (unsigned int)iod_rand_below(&self->rnd, total);
	for (i = 0; r >= weight[i]; i++)
		r -= weight[i];
	return (enum op_kind)i;
}

/* ---------------------------------------------------------------------- */
/* the end of a soak: everything back as set-up left it */

static int wind_down(soak_t *self)
{
	struct soak_hwpt *b = &self->m.h[HW_B];
	uint64_t t = iod_now_ns(), done = 0;
	unsigned int k, a;
	int rc = check_state(self), gone;

	/* a clearing harvest of everything tracked: exact */
	for (k = 0; !rc && k < NR_HWPTS; k++) {
		if (!self->m.h[k].exists || !self->m.h[k].tracking)
			continue;
		for (a = 0; !rc && a < NR_AREAS; a++) {
			if (!area_mapped(self, a))
				continue;
			rc = get_bitmap(self, k, a, 0);
			plain_logged(self, "FINAL_HARVEST", self->m.h[k].id,
				     self->bm[0], t, rc);
			rc = rc ? wrong(self, "the final harvest of HWPT %s area %u: %s",
					hw_name(k), a, strerror(-rc)) :
			     judge_harvest(self, k, a, self->bm[0], false, 0);
		}
	}
	if (rc)
		return rc;
	if (self->m.dev_on != HW_A) {
		rc = iod_mock_dev_replace(self->d.t.fd, &self->d.t.md,
					  self->m.h[HW_A].id);
		if (rc)
			return wrong(self, "replacing back to HWPT A: %s",
				     strerror(-rc));
		self->m.dev_on = HW_A;
	}
	if (b->exists) {
		rc = iod_destroy(self->d.t.fd, b->id);
		gone = iod_id_gone(self->d.t.fd, b->id);
		if (rc || gone)
			return wrong(self, "HWPT B %u at the end: destroy %s, then %s",
				     b->id, strerror(-rc),
				     gone > 0 ? "still there" : strerror(-gone));
		*b = (struct soak_hwpt){ 0 };
	}
	if (self->m.extra_mapped) {
		rc = iod_ioas_unmap(self->d.t.fd, self->d.t.ioas_id,
				    self->extra_iova, self->span, &done);
		if (rc || done != self->span)
			return wrong(self, "unmapping the second area at the end: %s, %" PRIu64
				     " bytes", strerror(-rc), done);
		extra_now_unmapped(self);
	}
	return 0;
}

/* The soak: the variant's mix, then the wind-down. 0 or -EINVAL (rep). */
static int soak(soak_t *self, const FIXTURE_VARIANT(fail_soak) *variant)
{
	struct iod_stress_loop loop;
	enum op_kind op;
	uint64_t faulted;
	int rc;

	iod_stress_loop_init(&loop, "fail_soak", variant->short_ops);
	loop.figures = &self->fig;
	while (iod_stress_loop_next(&loop)) {
		op = pick_op(self, variant->weight);
		faulted = self->faulted;
		rc = one_op(self, op);
		if (!rc && self->faulted != faulted)
			rc = check_state(self);
		if (rc)
			return rc;
	}
	return wind_down(self);
}

FIXTURE_SETUP(fail_soak)
{
	const struct iod_dirty_opts o = { .leaves = NLEAVES, .enable = true };
	char why[512] = "";
	int rc;

	self->kfd = -1;
	self->fs.make_it_fail = -1;
	IOD_DIRTY_SETUP(&self->d, &o);
	if (!self->d.t.mock)
		SKIP(return, "the soak marks pages with the mock's IOMMU_TEST_OP_DIRTY: on this target the dirty bits come from real DMA");
	IOD_NEED_RULE("dirty.failed_harvest");
	IOD_NEED_RULE("dirty.failed_set_tracking");
	self->span = NLEAVES * self->d.leaf;

	IOD_STRESS_SEED_THREAD0(&self->rnd, &self->log, OPLOG_CAP);

	self->extra = mmap(NULL, self->span, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, self->extra);
	self->bm = mmap(NULL, iod_host_page(), PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, self->bm);
	memset(self->bm, 0, iod_host_page());	/* present and writable */
	ASSERT_EQ(0, iod_ioas_pick_iova(self->d.t.fd, self->d.t.ioas_id,
					self->span,
					iod_bench_iova_floor(&self->d, 0),
					iod_bench_align(&self->d),
					&self->extra_iova));
	self->m.h[HW_A] = (struct soak_hwpt){
		.id = self->d.hwpt_id, .exists = true, .tracking = true,
	};
	self->m.dev_on = HW_A;
	ASSERT_EQ(0, iod_stress_counters_read(&self->before));
	self->kfd = iod_kmsg_open();

	rc = iod_fail_soak_open(&self->fs, FAULT_PERCENT, why, sizeof(why));
	if (rc == -EOPNOTSUPP)
		SKIP(return, "fault injection: %s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	iod_fail_soak_describe(&self->fs, why, sizeof(why));
	TH_LOG("faults: %s", why);
}

/* Runs after a failed ASSERT too: every fault-injection knob goes back. */
FIXTURE_TEARDOWN(fail_soak)
{
	iod_fail_soak_close(&self->fs);
	if (self->bm && self->bm != MAP_FAILED)
		munmap(self->bm, iod_host_page());
	if (self->extra && self->extra != MAP_FAILED)
		munmap(self->extra, self->span);
	iod_oplog_free(&self->log);
	iod_dirty_teardown(&self->d);
}

TEST_F(fail_soak, random_faults)
{
	struct iod_oplog *logs[] = { &self->log };
	struct iod_stress_counters after;
	const struct iod_fail_soak *fs = &self->fs;
	char rep[512];
	int rc;

	rc = soak(self, variant);
	/* the knobs go back before anything is judged */
	iod_fail_soak_close(&self->fs);
	iod_stress_figures_print(&self->fig);
	printf("# stress faults: injected=%" PRIu64 " (failslab %" PRIu64
	       ", fail_page_alloc %" PRIu64 ", fail_iommufd %" PRIu64
	       ", fail_usercopy %" PRIu64 "), calls that met one %" PRIu64
	       ", calls that returned an error %" PRIu64 " (refusals the model expects included)\n",
	       fs->injected[IOD_FAIL_SLAB] + fs->injected[IOD_FAIL_PAGE_ALLOC] +
	       fs->injected[IOD_FAIL_IOMMUFD] + fs->injected[IOD_FAIL_USERCOPY],
	       fs->injected[IOD_FAIL_SLAB], fs->injected[IOD_FAIL_PAGE_ALLOC],
	       fs->injected[IOD_FAIL_IOMMUFD], fs->injected[IOD_FAIL_USERCOPY],
	       self->faulted, self->failed);
	fflush(stdout);
	if (rc)
		iod_oplog_dump(logs, 1, stderr);
	ASSERT_EQ(0, rc) TH_LOG("%s", self->rep);
	/* a soak that met no fault proved nothing */
	ASSERT_NE(0, self->faulted) TH_LOG("no call met an injected fault in %" PRIu64
					   " calls", self->fig.ops);
	IOD_ASSERT_NO_SPLAT(self->kfd);
	self->kfd = -1;
	ASSERT_EQ(0, iod_stress_counters_read(&after));
	rc = iod_stress_leak_check(&self->before, &after, rep, sizeof(rep));
	ASSERT_EQ(0, rc) TH_LOG("after the soak: %s", rep);
}

IOD_STRESS_MAIN
