// SPDX-License-Identifier: GPL-2.0
/*
 * Harvests paused mid-walk. A GET_DIRTY_BITMAP into a bitmap page that
 * was never touched faults on it when it records its first dirty leaf:
 * with userfaultfd on that page (harness/uffd.h) the harvest stops right
 * after it read and cleared its lowest dirty leaf L, holding iova_rwsem
 * for read, until the page is filled. While it is paused:
 *   - writes_around_pause: a leaf above L, not yet walked, is in this
 *     harvest; a leaf below L, already walked, comes in the next; L
 *     written again is in both (the next judged on the mock only: a real
 *     IOMMU's IOTLB is flushed after the whole walk);
 *   - holds_the_iopt: IOAS_UNMAP of another area waits until the harvest
 *     returns, IOMMU_DESTROY of the HWPT is EBUSY, and the harvest still
 *     returns 0 with every bit;
 *   - close_during_pause: closing the iommufd lets the harvest finish with
 *     rc 0 and every bit, then every pin is given back;
 *   - reenable_during_pause: SET_DIRTY_TRACKING(enable) clears what the
 *     profile's dirty.reenable_clears says;
 *   - bitmap_unmapped: the bitmap page unmapped and the harvest woken must
 *     not lose the bits silently (6.11+ does: a known bug).
 * And a harvest over an area whose IOAS_MAP is paused inside pinning
 * (userfaultfd on the buffer being mapped): inflight_area, judged by the
 * profile's dirty.inflight_area.
 *
 * Leaves are picked by each round's generator, seeded from the case seed
 * (printed). After every case: no kernel splat, VmPin, HugePages_Free and
 * nr_iommu_pages back to their values before the bench, the HWPT's id
 * gone after teardown where the case destroyed it. IODIRTY_STRESS=long
 * repeats the rounds until the run's seconds are up.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "clock.h"
#include "harness/iod_test.h"
#include "harness/kmsg.h"
#include "harness/rules.h"
#include "harness/stress.h"
#include "harness/uffd.h"
#include "model/rand.h"
#include "uapi/iommufd.h"
#include "util.h"

#define NLEAVES 64		/* one u64 of bitmap */
#define PAUSE_MS 5000		/* a harvest that does not fault by then failed */
#define WAITS_MS 300		/* how long a call must keep waiting */

FIXTURE(harvest_pause) {
	struct iod_dirty d;
	struct iod_stress_counters before;	/* before the bench */
	struct iod_stress_figures fig;
	struct iod_oplog log;
	struct iod_rand rnd;
	uint64_t span;
	int kfd;
	bool closed;		/* the iommufd was closed by the case */
	void *zero;		/* a page of zeroes to fill faults with */
};

/* One harvest of the bench's leaves paused on its bitmap page. */
struct paused_harvest {
	struct iod_uffd u;
	struct iod_bg_call c;
	struct iod_dirty *d;
	int fd;
	uint32_t hwpt;
	uint64_t iova, len, leaf;
	void *bm;		/* one host page, untouched until the fault */
	uint64_t fault;
};

static int harvest_fn(void *arg)
{
	struct paused_harvest *p = arg;

	return iod_get_dirty_bitmap(p->fd, p->hwpt, p->iova, p->len, p->leaf,
				    p->bm, 0);
}

static uint64_t bit(unsigned int leaf)
{
	return 1ull << leaf;
}

static int logged(FIXTURE_DATA(harvest_pause) *self, const char *name,
		  uint64_t a0, uint64_t a1, uint64_t t_in, int rc)
{
	self->fig.ops++;
	return iod_oplog_add(&self->log, name, a0, a1, self->d.hwpt_id, t_in,
			     iod_now_ns(), rc);
}

/* The device writes leaf i of the bench. 0 or -errno. */
static int write_leaf(FIXTURE_DATA(harvest_pause) *self, unsigned int i)
{
	uint64_t t = iod_now_ns();
	int rc = iod_bench_write_cover(&self->d, i * self->d.leaf, 1,
				       (uint8_t)(i + 1), NULL);

	self->fig.writes++;
	return logged(self, "WRITE", i, 0, t, rc);
}

static int write_mask(FIXTURE_DATA(harvest_pause) *self, uint64_t mask)
{
	unsigned int i;
	int rc;

	for (i = 0; i < NLEAVES; i++) {
		if (mask & bit(i)) {
			rc = write_leaf(self, i);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* A clearing harvest of the bench's leaves into a touched bitmap. */
static int harvest(FIXTURE_DATA(harvest_pause) *self, uint64_t *bits)
{
	uint64_t t = iod_now_ns();
	int rc;

	*bits = 0;
	rc = iod_bench_get_bitmap(&self->d, self->d.iova, self->span,
				  self->d.leaf, bits, 0);
	self->fig.harvests++;
	self->fig.bits_checked += NLEAVES;
	return logged(self, "HARVEST", *bits, 0, t, rc);
}

/*
 * Start a harvest of the bench's leaves into a fresh bitmap page under
 * userfaultfd and wait until it faults on it. 0; -EOPNOTSUPP with why
 * (no userfaultfd); another -errno with why.
 */
static int pause_harvest(FIXTURE_DATA(harvest_pause) *self,
			 struct paused_harvest *p, char *why, size_t len)
{
	size_t pg = iod_host_page();
	int rc, hrc = 0;

	memset(p, 0, sizeof(*p));
	p->u.fd = -1;
	p->d = &self->d;
	p->fd = self->d.t.fd;
	p->hwpt = self->d.hwpt_id;
	p->iova = self->d.iova;
	p->len = self->span;
	p->leaf = self->d.leaf;
	p->bm = mmap(NULL, pg, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->bm == MAP_FAILED) {
		p->bm = NULL;
		snprintf(why, len, "mmap of the bitmap: %s", strerror(errno));
		return -ENOMEM;
	}
	rc = iod_uffd_register(&p->u, p->bm, pg, why, len);
	if (rc)
		return rc;
	rc = iod_uffd_pause(&p->u, &p->c, harvest_fn, p, PAUSE_MS, &p->fault,
			    &hrc);
	logged(self, "HARVEST_PAUSED", p->fault, (uint64_t)hrc, iod_now_ns(),
	       rc);
	if (rc == -EALREADY)
		snprintf(why, len,
			 "the harvest returned %d without writing its bitmap: nothing dirty to record?",
			 hrc);
	else if (rc)
		snprintf(why, len, "waiting for the harvest to fault: %s",
			 strerror(-rc));
	else if (p->fault < (uintptr_t)p->bm ||
		 p->fault >= (uintptr_t)p->bm + pg) {
		snprintf(why, len, "the fault at 0x%" PRIx64 " is not the bitmap's",
			 p->fault);
		rc = -EFAULT;
	}
	return rc;
}

/* Fill the bitmap page; the harvest's rc and bits. 0 or -errno. */
static int resume_harvest(FIXTURE_DATA(harvest_pause) *self,
			  struct paused_harvest *p, int *hrc, uint64_t *bits)
{
	uint64_t t = iod_now_ns();
	int rc = iod_uffd_copy(&p->u, p->fault, self->zero);

	if (!rc)
		rc = iod_bg_call_wait(&p->c, PAUSE_MS, hrc);
	*bits = rc ? 0 : *(uint64_t *)p->bm;
	self->fig.harvests++;
	self->fig.bits_checked += NLEAVES;
	return logged(self, "HARVEST_RESUMED", *bits, (uint64_t)*hrc, t, rc);
}

/* Let a paused harvest go and free it (after a failed case too). */
static void release_harvest(struct paused_harvest *p)
{
	int rc;

	iod_uffd_close(&p->u);
	if (p->c.started)
		iod_bg_call_wait(&p->c, PAUSE_MS, &rc);
	if (p->bm)
		munmap(p->bm, iod_host_page());
	p->bm = NULL;
}

/* A random leaf in [lo, hi]. */
static unsigned int pick(FIXTURE_DATA(harvest_pause) *self, unsigned int lo,
			 unsigned int hi)
{
	return lo + (unsigned int)(iod_rand_next(&self->rnd) % (hi - lo + 1));
}

#define ASSERT_BITS(want, got, what) \
	ASSERT_EQ((want), (got)) \
		TH_LOG("%s: 0x%016" PRIx64 ", want 0x%016" PRIx64 \
		       " (missing 0x%016" PRIx64 ", extra 0x%016" PRIx64 ")", \
		       (what), (uint64_t)(got), (uint64_t)(want), \
		       (uint64_t)(want) & ~(uint64_t)(got), \
		       (uint64_t)(got) & ~(uint64_t)(want))

/* Pause a harvest or SKIP/FAIL saying why. */
#define ASSERT_PAUSED(p) do { \
	char __why[256] = ""; \
	int __rc = pause_harvest(self, (p), __why, sizeof(__why)); \
	if (__rc) \
		release_harvest(p); \
	if (__rc == -EOPNOTSUPP) \
		SKIP(return, "%s", __why); \
	ASSERT_EQ(0, __rc) TH_LOG("%s", __why); \
} while (0)

/*
 * After a case: no splat, the oplog on failure, the figures, and the
 * machine's counters back where they were before the bench (the bench
 * torn down first).
 */
static void case_end(struct __test_metadata *_metadata,
		     FIXTURE_DATA(harvest_pause) *self)
{
	struct iod_stress_counters after;
	char rep[384] = "";
	int rc;

	iod_stress_figures_print(&self->fig);
	iod_dirty_teardown(&self->d);
	IOD_ASSERT_NO_SPLAT(self->kfd);
	self->kfd = -1;
	ASSERT_EQ(0, iod_stress_counters_read(&after));
	rc = iod_stress_leak_check(&self->before, &after, rep, sizeof(rep));
	ASSERT_EQ(0, rc) TH_LOG("after the bench was torn down: %s", rep);
}

#define CASE_END() case_end(_metadata, self)

FIXTURE_SETUP(harvest_pause)
{
	const struct iod_dirty_opts o = { .leaves = NLEAVES, .enable = true };

	self->kfd = -1;
	ASSERT_EQ(0, iod_stress_counters_read(&self->before));
	IOD_DIRTY_SETUP(&self->d, &o);
	self->span = NLEAVES * self->d.leaf;
	IOD_STRESS_SEED_THREAD0(&self->rnd, &self->log, 128);
	self->zero = mmap(NULL, iod_host_page(), PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->zero);
	self->kfd = iod_kmsg_open();
}

/* Runs after a failed ASSERT too: the operation log goes to the TAP. */
FIXTURE_TEARDOWN(harvest_pause)
{
	struct iod_oplog *logs[] = { &self->log };

	if (_metadata->exit_code == KSFT_FAIL)
		iod_oplog_dump(logs, 1, stderr);
	if (self->zero && self->zero != MAP_FAILED)
		munmap(self->zero, iod_host_page());
	if (self->kfd >= 0)
		close(self->kfd);
	iod_oplog_free(&self->log);
	iod_dirty_teardown(&self->d);
}

/*
 * One round: L, and U above it, dirty; the harvest pauses after clearing
 * L; B below L, L again and H above L are written; it resumes. This
 * harvest: L, U, H. The next: B and L.
 */
TEST_F(harvest_pause, writes_around_pause)
{
	struct iod_stress_loop loop;
	/*
	 * A harvest flushes the IOTLB after its whole walk
	 * (iommu_read_and_clear_dirty()): L written again during the pause
	 * may go through a cached translation whose dirty bit was set before
	 * the harvest cleared it, and set nothing. Only the mock (no IOTLB)
	 * must report it in the next harvest; B and H were clean before the
	 * harvest, so their writes set their dirty bits on every IOMMU.
	 */
	bool l_again = self->d.t.mock;

	if (!l_again)
		TH_LOG("L written during the pause: not judged in the next harvest on an IOMMU with an IOTLB");
	iod_stress_loop_init(&loop, "writes around a paused harvest", 12);
	loop.figures = &self->fig;
	while (iod_stress_loop_next(&loop)) {
		unsigned int l = pick(self, 1, NLEAVES - 3);
		unsigned int b = pick(self, 0, l - 1);
		unsigned int u = pick(self, l + 1, NLEAVES - 2);
		unsigned int h = pick(self, u + 1, NLEAVES - 1);
		struct paused_harvest p;
		uint64_t got, next;
		int hrc = 0;

		ASSERT_EQ(0, harvest(self, &got));
		ASSERT_EQ(0, write_mask(self, bit(l) | bit(u)));
		ASSERT_PAUSED(&p);
		ASSERT_EQ(0, write_mask(self, bit(b) | bit(l) | bit(h)));
		ASSERT_EQ(0, resume_harvest(self, &p, &hrc, &got));
		release_harvest(&p);
		ASSERT_EQ(0, hrc);
		TH_LOG("round %" PRIu64 ": L %u, U %u dirty; B %u, L, H %u written while paused",
		       loop.rounds, l, u, b, h);
		ASSERT_BITS(bit(l) | bit(u) | bit(h), got,
			    "the paused harvest (L, U and H above the pause)");
		ASSERT_EQ(0, harvest(self, &next));
		if (!l_again)
			next &= ~bit(l);
		ASSERT_BITS(bit(b) | (l_again ? bit(l) : 0), next,
			    "the next harvest (B below the pause, L again)");
	}
	CASE_END();
}

struct unmap_arg {
	int fd;
	uint32_t ioas;
	uint64_t iova, len;
};

static int unmap_fn(void *arg)
{
	struct unmap_arg *a = arg;

	return iod_ioas_unmap(a->fd, a->ioas, a->iova, a->len, NULL);
}

/*
 * A paused harvest holds the IOAS: an IOAS_UNMAP of another area waits
 * for it, IOMMU_DESTROY of its HWPT is EBUSY, and it returns every bit.
 */
TEST_F(harvest_pause, holds_the_iopt)
{
	struct iod_stress_loop loop;
	void *extra;

	extra = mmap(NULL, self->span, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, extra);
	iod_stress_loop_init(&loop, "unmap and destroy under a paused harvest", 4);
	loop.figures = &self->fig;
	while (iod_stress_loop_next(&loop)) {
		unsigned int l = pick(self, 0, NLEAVES - 2);
		unsigned int u = pick(self, l + 1, NLEAVES - 1);
		struct unmap_arg ua = { .fd = self->d.t.fd,
					.ioas = self->d.t.ioas_id,
					.len = self->span };
		struct paused_harvest p;
		struct iod_bg_call unmap;
		uint64_t got, t;
		int hrc = 0, urc = 0, rc;

		ASSERT_EQ(0, iod_ioas_pick_iova(self->d.t.fd, self->d.t.ioas_id,
						self->span,
						iod_bench_iova_floor(&self->d, 0),
						iod_bench_align(&self->d),
						&ua.iova));
		ASSERT_EQ(0, iod_ioas_map_fixed(self->d.t.fd, self->d.t.ioas_id,
						extra, self->span, ua.iova));
		ASSERT_EQ(0, harvest(self, &got));
		ASSERT_EQ(0, write_mask(self, bit(l) | bit(u)));
		ASSERT_PAUSED(&p);
		t = iod_now_ns();
		rc = iod_bench_destroy_hwpt(&self->d);
		logged(self, "DESTROY", self->d.hwpt_id, 0, t, rc);
		if (rc != -EBUSY)
			release_harvest(&p);
		ASSERT_EQ(-EBUSY, rc)
			TH_LOG("IOMMU_DESTROY of the HWPT a paused harvest holds: %s",
			       iod_errno_name(-rc));
		ASSERT_EQ(0, iod_bg_call_start(&unmap, unmap_fn, &ua));
		usleep(WAITS_MS * 1000);
		rc = iod_bg_call_done(&unmap);
		logged(self, "UNMAP_WAITING", ua.iova, !rc, unmap.t_in, 0);
		if (rc)
			release_harvest(&p);
		ASSERT_FALSE(rc)
			TH_LOG("IOAS_UNMAP of another area returned %d while a harvest was paused",
			       unmap.rc);
		t = iod_now_ns();
		ASSERT_EQ(0, resume_harvest(self, &p, &hrc, &got));
		release_harvest(&p);
		ASSERT_EQ(0, iod_bg_call_wait(&unmap, PAUSE_MS, &urc))
			TH_LOG("IOAS_UNMAP still waiting after the harvest returned");
		logged(self, "UNMAP", ua.iova, ua.len, unmap.t_in, urc);
		ASSERT_EQ(0, urc);
		ASSERT_LE(t, unmap.t_out)
			TH_LOG("the unmap returned before the paused harvest was let go");
		ASSERT_EQ(0, hrc);
		ASSERT_BITS(bit(l) | bit(u), got, "the paused harvest");
		ASSERT_EQ(0, harvest(self, &got));
		ASSERT_BITS(0, got, "the harvest after");
	}
	munmap(extra, self->span);
	CASE_END();
}

/*
 * close(iommufd) while a harvest is paused: the harvest finishes with rc
 * 0 and every bit, then the context is released and every pin with it.
 */
TEST_F(harvest_pause, close_during_pause)
{
	struct paused_harvest p;
	struct iod_stress_counters now;
	uint64_t got;
	int hrc = 0;

	if (!self->d.t.mock)
		SKIP(return, "the device's VFIO cdev holds the iommufd context: closing the iommufd does not release it");
	ASSERT_EQ(0, harvest(self, &got));
	ASSERT_EQ(0, write_mask(self, bit(3) | bit(40)));
	ASSERT_PAUSED(&p);
	ASSERT_EQ(0, close(self->d.t.fd));
	logged(self, "CLOSE", (uint64_t)self->d.t.fd, 0, iod_now_ns(), 0);
	self->d.t.fd = -1;
	ASSERT_EQ(0, resume_harvest(self, &p, &hrc, &got));
	release_harvest(&p);
	ASSERT_EQ(0, hrc);
	ASSERT_BITS(bit(3) | bit(40), got, "the harvest whose iommufd was closed");
	/* the context's release follows the ioctl's return */
	ASSERT_EQ(0, iod_stress_counters_read(&now));
	ASSERT_EQ(self->before.vmpin_kb, now.vmpin_kb)
		TH_LOG("VmPin %" PRIu64 " kB after the close, %" PRIu64 " kB before the bench",
		       now.vmpin_kb, self->before.vmpin_kb);
	CASE_END();
}

struct enable_arg {
	int fd;
	uint32_t hwpt;
};

static int enable_fn(void *arg)
{
	struct enable_arg *a = arg;

	return iod_set_dirty_tracking(a->fd, a->hwpt, true);
}

/*
 * SET_DIRTY_TRACKING(enable) on the tracking HWPT while a harvest is
 * paused after L: U was dirty above L, B, L and H written during the
 * pause. dirty.reenable_clears = all: every bit is cleared, the paused
 * harvest returns L only (read before the enable) and the next nothing;
 * kept: the enable changes nothing (L, U, H; then B and L).
 */
TEST_F(harvest_pause, reenable_during_pause)
{
	struct iod_stress_loop loop;
	bool all;

	IOD_NEED_RULE("dirty.reenable_clears");
	all = iod_rule_is("dirty.reenable_clears", "all");
	iod_stress_loop_init(&loop, "re-enable under a paused harvest", 8);
	loop.figures = &self->fig;
	while (iod_stress_loop_next(&loop)) {
		unsigned int l = pick(self, 1, NLEAVES - 3);
		unsigned int b = pick(self, 0, l - 1);
		unsigned int u = pick(self, l + 1, NLEAVES - 2);
		unsigned int h = pick(self, u + 1, NLEAVES - 1);
		struct enable_arg ea = { self->d.t.fd, self->d.hwpt_id };
		struct paused_harvest p;
		struct iod_bg_call en;
		uint64_t got, next;
		int hrc = 0, erc = 0, rc;

		ASSERT_EQ(0, harvest(self, &got));
		ASSERT_EQ(0, write_mask(self, bit(l) | bit(u)));
		ASSERT_PAUSED(&p);
		ASSERT_EQ(0, write_mask(self, bit(b) | bit(l) | bit(h)));
		ASSERT_EQ(0, iod_bg_call_start(&en, enable_fn, &ea));
		rc = iod_bg_call_wait(&en, PAUSE_MS, &erc);
		logged(self, "SET_DIRTY_TRACKING", 1, 0, en.t_in, rc ? rc : erc);
		if (rc)
			release_harvest(&p);
		ASSERT_EQ(0, rc)
			TH_LOG("SET_DIRTY_TRACKING(enable) waited for the paused harvest");
		ASSERT_EQ(0, erc);
		ASSERT_EQ(0, resume_harvest(self, &p, &hrc, &got));
		release_harvest(&p);
		ASSERT_EQ(0, hrc);
		ASSERT_EQ(0, harvest(self, &next));
		TH_LOG("round %" PRIu64 ": L %u, U %u dirty; B %u, L, H %u written, then enable",
		       loop.rounds, l, u, b, h);
		if (all) {
			ASSERT_BITS(bit(l), got,
				    "the paused harvest (dirty.reenable_clears = all: L only)");
			ASSERT_BITS(0, next,
				    "the next harvest (dirty.reenable_clears = all)");
		} else {
			ASSERT_BITS(bit(l) | bit(u) | bit(h), got,
				    "the paused harvest (dirty.reenable_clears = kept)");
			ASSERT_BITS(bit(b) | bit(l), next,
				    "the next harvest (dirty.reenable_clears = kept)");
		}
	}
	CASE_END();
}

/*
 * The bitmap page unmapped while the harvest is paused on it, and the
 * harvest woken: it cannot record L and U. The kernel must not drop them
 * silently: an error, and both in the next harvest.
 */
TEST_F(harvest_pause, bitmap_unmapped)
{
	struct paused_harvest p;
	unsigned int l = pick(self, 0, NLEAVES - 2);
	unsigned int u = pick(self, l + 1, NLEAVES - 1);
	uint64_t got, next, t;
	int hrc = 0, rc;

	ASSERT_EQ(0, harvest(self, &got));
	ASSERT_EQ(0, write_mask(self, bit(l) | bit(u)));
	ASSERT_PAUSED(&p);
	t = iod_now_ns();
	ASSERT_EQ(0, munmap(p.bm, iod_host_page()));
	p.bm = NULL;
	rc = iod_uffd_wake(&p.u, p.fault, iod_host_page());
	if (!rc)
		rc = iod_bg_call_wait(&p.c, PAUSE_MS, &hrc);
	logged(self, "HARVEST_UNMAPPED", l, u, t, rc ? rc : hrc);
	release_harvest(&p);
	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, harvest(self, &next));
	TH_LOG("L %u and U %u dirty; the harvest whose bitmap went away gave %d, the next 0x%016" PRIx64,
	       l, u, hrc, next);
	if (!hrc)
		TH_LOG("rc 0: %s", (next & (bit(l) | bit(u))) == (bit(l) | bit(u)) ?
		       "the bits came in the next harvest" : "bits lost for good");
	CASE_END();
	IOD_XFAIL_IF_KNOWN_BUG(!hrc && next != (bit(l) | bit(u)));
	ASSERT_NE(0, hrc)
		TH_LOG("GET_DIRTY_BITMAP returned 0 with a bitmap it could not write");
	ASSERT_BITS(bit(l) | bit(u), next, "the harvest after the failed one");
}

/* An IOAS_MAP paused inside pinning its buffer. */
struct map_arg {
	int fd;
	uint32_t ioas;
	void *buf;
	uint64_t len, iova;
};

static int map_fn(void *arg)
{
	struct map_arg *a = arg;

	return iod_ioas_map_fixed(a->fd, a->ioas, a->buf, a->len, a->iova);
}

/*
 * Three areas side by side: A1, A_new (its IOAS_MAP paused inside pinning
 * by userfaultfd on its buffer), A2; a leaf of A1 and one of A2 dirty.
 * A harvest over the three returns 0 with A1's bit; dirty.inflight_area
 * says whether it stops at A_new (A2's bit comes in the harvest after the
 * map) or skips it (A2's bit now).
 */
TEST_F(harvest_pause, inflight_area)
{
	uint64_t span = self->span, base, bm[3], a2 = 2 * NLEAVES;
	struct map_arg ma = { .fd = self->d.t.fd, .ioas = self->d.t.ioas_id,
			      .len = span };
	void *a1buf, *a2buf;
	struct iod_uffd u;
	struct iod_bg_call map;
	unsigned int i1 = pick(self, 0, NLEAVES - 1);
	unsigned int i2 = pick(self, 0, NLEAVES - 1);
	uint64_t fault, t;
	bool stops;
	char why[256] = "";
	int rc, mrc = 0;

	IOD_NEED_RULE("dirty.inflight_area");
	stops = iod_rule_is("dirty.inflight_area", "stops");
	ASSERT_EQ(0, iod_ioas_pick_iova(self->d.t.fd, self->d.t.ioas_id,
					3 * span,
					iod_bench_iova_floor(&self->d, 0),
					iod_bench_align(&self->d), &base));
	a1buf = mmap(NULL, span, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	a2buf = mmap(NULL, span, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ma.buf = mmap(NULL, span, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, a1buf);
	ASSERT_NE(MAP_FAILED, a2buf);
	ASSERT_NE(MAP_FAILED, ma.buf);
	ma.iova = base + span;
	ASSERT_EQ(0, iod_space_map(&self->d.space, a1buf, span, base));
	ASSERT_EQ(0, iod_space_map(&self->d.space, a2buf, span, base + 2 * span));
	/* the two areas start clean, then one leaf of each is written */
	ASSERT_EQ(0, iod_bench_get_bitmap(&self->d, base, span, self->d.leaf,
					  bm, 0));
	ASSERT_EQ(0, iod_bench_get_bitmap(&self->d, base + 2 * span, span,
					  self->d.leaf, bm, 0));
	t = iod_now_ns();
	rc = iod_bench_write_cover(&self->d, base - self->d.iova + i1 * self->d.leaf,
				   1, 1, NULL);
	if (!rc)
		rc = iod_bench_write_cover(&self->d, base - self->d.iova +
					   (a2 + i2) * self->d.leaf, 1, 2, NULL);
	self->fig.writes += 2;
	logged(self, "WRITE_A1_A2", i1, i2, t, rc);
	ASSERT_EQ(0, rc);

	rc = iod_uffd_register(&u, ma.buf, span, why, sizeof(why));
	if (rc == -EOPNOTSUPP)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	rc = iod_uffd_pause(&u, &map, map_fn, &ma, PAUSE_MS, &fault, &mrc);
	logged(self, "MAP_PAUSED", ma.iova, fault, iod_now_ns(), rc);
	if (rc)
		iod_uffd_close(&u);
	ASSERT_EQ(0, rc) TH_LOG("IOAS_MAP did not fault on its buffer: %s (rc %d)",
				strerror(-rc), mrc);

	memset(bm, 0, sizeof(bm));
	t = iod_now_ns();
	rc = iod_bench_get_bitmap(&self->d, base, 3 * span, self->d.leaf, bm, 0);
	self->fig.harvests++;
	self->fig.bits_checked += 2 * NLEAVES;
	logged(self, "HARVEST_INFLIGHT", bm[0], bm[2], t, rc);
	/* let the map go: the uffd closed, its faults fill by themselves */
	iod_uffd_close(&u);
	ASSERT_EQ(0, iod_bg_call_wait(&map, PAUSE_MS, &mrc));
	logged(self, "MAP", ma.iova, span, map.t_in, mrc);
	ASSERT_EQ(0, rc) TH_LOG("the harvest over an area being mapped: %s",
				iod_errno_name(-rc));
	ASSERT_EQ(0, mrc);
	ASSERT_BITS(bit(i1), bm[0], "A1 in the harvest over the area being mapped");
	ASSERT_BITS(stops ? 0 : bit(i2), bm[2],
		    stops ? "A2 in that harvest (dirty.inflight_area = stops)" :
			    "A2 in that harvest (dirty.inflight_area = skips)");

	memset(bm, 0, sizeof(bm));
	t = iod_now_ns();
	rc = iod_bench_get_bitmap(&self->d, base, 3 * span, self->d.leaf, bm, 0);
	self->fig.harvests++;
	self->fig.bits_checked += 2 * NLEAVES;
	logged(self, "HARVEST", bm[0], bm[2], t, rc);
	ASSERT_EQ(0, rc);
	ASSERT_BITS(0, bm[0], "A1 in the harvest after the map");
	ASSERT_BITS(stops ? bit(i2) : 0, bm[2], "A2 in the harvest after the map");

	ASSERT_EQ(0, iod_ioas_unmap(self->d.t.fd, self->d.t.ioas_id, ma.iova,
				    span, NULL));
	ASSERT_EQ(0, iod_space_unmap(&self->d.space, base));
	ASSERT_EQ(0, iod_space_unmap(&self->d.space, base + 2 * span));
	munmap(a1buf, span);
	munmap(a2buf, span);
	munmap(ma.buf, span);
	CASE_END();
}

IOD_STRESS_MAIN
