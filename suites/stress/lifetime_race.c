// SPDX-License-Identifier: GPL-2.0
/*
 * Object lifetime racing calls in other threads: IOMMU_DESTROY of a HWPT
 * while threads harvest it and switch its tracking, IOMMU_DESTROY racing
 * the destroy a driver makes itself (a device unbound, an access closed),
 * a device unbound while a long HWPT_ALLOC holds it, and an fd-creating
 * allocation aborted while another thread closes the fd it reserved. Each
 * case is the regression of the fix named in its id.
 *
 * Every call returns what the kernel may return there (the object, or
 * ENOENT once it is gone, EBUSY for IOMMU_DESTROY while a call holds
 * it); a wrong return is logged and the case fails with every thread's
 * operation log. After each case: the bench still harvests exactly, no
 * splat, nothing leaked, the figures line (harness/race_case.h).
 *
 * The HWPT race needs only a tracking bench and runs on every target that
 * has one; the others use the mock's own devices and accesses and SKIP
 * elsewhere.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "clock.h"
#include "harness/iod_test.h"
#include "harness/race_case.h"
#include "harness/regress.h"
#include "harness/stress.h"
#include "uapi/iommufd.h"
#include "util.h"

#define NLEAVES 256		/* the bench */
#define DESTROY_TRIES 20	/* IOMMU_DESTROY racing the calls, then alone */
#define BIG_LEN (8 * M)		/* the long allocation's IOAS */
/* an unbind that outlasts the call holding the device by this is stuck */
#define UNBIND_SLACK_NS (5ull * 1000000000)

IOD_REGRESSION(6f9c4d8c468c, "iommufd: Do not UAF during iommufd_put_object()",
	       "6.7");
IOD_REGRESSION(99f98a7c0d69,
	       "iommufd: IOMMUFD_DESTROY should not increase the refcount",
	       "6.5");
IOD_REGRESSION(d9df72c6acd6,
	       "iommu: iommufd: fix WARNING in iommufd_device_unbind",
	       "6.14, 6.12.13");
IOD_REGRESSION(4e034bf045b1,
	       "iommufd: Fix race during abort for file descriptors",
	       "6.17, 6.12.50");

FIXTURE(lifetime_race) {
	struct iod_dirty d;
	struct iod_race r;
	/* what the racing threads share */
	_Atomic uint32_t id;	/* the object (or fd) under the race */
	atomic_bool stop;
	int fd;			/* the iommufd they use */
};

FIXTURE_SETUP(lifetime_race)
{
	const struct iod_dirty_opts o = { .leaves = NLEAVES, .enable = true };

	self->r.kfd = -1;
	IOD_DIRTY_SETUP(&self->d, &o);
	IOD_RACE_SETUP(&self->r);
	self->fd = self->d.t.fd;
}

FIXTURE_TEARDOWN(lifetime_race)
{
	iod_dirty_teardown(&self->d);
	iod_race_free(&self->r);
}

/* ---------------------------------------------------------------------- */
/* 1. GET_DIRTY_BITMAP and SET_DIRTY_TRACKING vs IOMMU_DESTROY of the HWPT */

struct worker {
	FIXTURE_DATA(lifetime_race) *self;
	unsigned int t;
};

static void *get_set_worker(void *arg)
{
	struct worker *w = arg;
	FIXTURE_DATA(lifetime_race) *self = w->self;
	struct iod_dirty *d = &self->d;
	uint64_t bm[NLEAVES / 64];

	while (!atomic_load(&self->stop)) {
		uint32_t id = atomic_load(&self->id);
		uint64_t t = iod_now_ns();
		const char *name;
		int rc;

		if (w->t == 1) {
			name = "GET_DIRTY_BITMAP";
			rc = iod_get_dirty_bitmap(self->fd, id, d->iova,
						  d->len, d->leaf, bm, 0);
		} else {
			name = "SET_DIRTY_TRACKING";
			rc = iod_set_dirty_tracking(self->fd, id, true);
		}
		iod_race_log(&self->r, w->t, name, id, 0, t, rc);
		/* the object is there, or it is gone: nothing else */
		if (rc && rc != -ENOENT)
			iod_race_wrong(&self->r, w->t, name, id, rc);
		self->r.fig.ops++;
	}
	return NULL;
}

static int start_workers(FIXTURE_DATA(lifetime_race) *self,
			 void *(*fn)(void *), struct worker *w, pthread_t *th)
{
	unsigned int i;
	int rc;

	for (i = 0; i < 2; i++) {
		w[i] = (struct worker){ self, i + 1 };
		rc = pthread_create(&th[i], NULL, fn, &w[i]);
		if (rc)
			return -rc;
	}
	return 0;
}

static void stop_workers(FIXTURE_DATA(lifetime_race) *self, pthread_t *th)
{
	atomic_store(&self->stop, true);
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
}

IOD_REGRESSION_TEST_F_OF(lifetime_race, 6f9c4d8c468c, destroy_vs_get_set)
{
	struct iod_dirty *d = &self->d;
	struct iod_stress_loop l;
	struct worker w[2];
	pthread_t th[2];
	uint64_t busy = 0;

	iod_stress_loop_init(&l, "destroy vs GET/SET", 300);
	l.figures = &self->r.fig;
	ASSERT_EQ(0, start_workers(self, get_set_worker, w, th));
	while (iod_stress_loop_next(&l)) {
		uint32_t id = 0;
		uint64_t t = iod_now_ns();
		unsigned int tries;
		int rc;

		rc = iod_race_log(&self->r, 0, "HWPT_ALLOC", 0, 0, t,
			    iod_hwpt_alloc(self->fd, d->t.dev_id, d->t.ioas_id,
					   IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
					   &id));
		if (rc) {
			iod_race_wrong(&self->r, 0, "HWPT_ALLOC", 0, rc);
			break;
		}
		atomic_store(&self->id, id);
		iod_race_spin(&self->r, 0, 200);
		/*
		 * EBUSY while a call holds it, then gone. After a few tries
		 * under the calls the workers are sent to id 0 (ENOENT), so
		 * the destroy cannot starve.
		 */
		for (tries = 0;; tries++) {
			if (tries == DESTROY_TRIES)
				atomic_store(&self->id, 0);
			t = iod_now_ns();
			rc = iod_race_log(&self->r, 0, "DESTROY", id, 0, t,
				    iod_destroy(self->fd, id));
			self->r.fig.ops++;
			if (rc != -EBUSY)
				break;
			busy++;
		}
		if (rc || iod_id_gone(self->fd, id))
			iod_race_wrong(&self->r, 0, "DESTROY", id, rc ? rc : -EEXIST);
		self->r.fig.ops += 2;
	}
	stop_workers(self, th);
	TH_LOG("%" PRIu64 " rounds, %" PRIu64 " destroys found the HWPT busy",
	       l.rounds, busy);
	IOD_ASSERT_BENCH_WORKS(&self->r, &self->d);
	IOD_ASSERT_RACE_CLEAN(&self->r);
}

/* ---------------------------------------------------------------------- */
/* 2. IOMMU_DESTROY vs the destroy a driver makes (device unbind, access) */

static void *destroy_worker(void *arg)
{
	struct worker *w = arg;
	FIXTURE_DATA(lifetime_race) *self = w->self;

	while (!atomic_load(&self->stop)) {
		uint32_t id = atomic_load(&self->id);
		uint64_t t = iod_now_ns();
		int rc = iod_race_log(&self->r, w->t, "DESTROY", id, 0, t,
				iod_destroy(self->fd, id));

		/* the driver's object: busy, or already gone */
		if (rc != -EBUSY && rc != -ENOENT)
			iod_race_wrong(&self->r, w->t, "DESTROY", id, rc);
		self->r.fig.ops++;
	}
	return NULL;
}

/*
 * The id the next object of fd will get (the lowest free one): an IOAS
 * allocated and destroyed. 0 or -errno.
 */
static int next_object_id(int fd, uint32_t *id)
{
	int rc = iod_ioas_alloc(fd, id);

	return rc ? rc : iod_destroy(fd, *id);
}

/* One round: a mock device and an access, destroyed by their driver. */
static int refcount_round(FIXTURE_DATA(lifetime_race) *self, bool access)
{
	struct iod_dirty *d = &self->d;
	struct iod_mock_dev md = { 0 };
	struct worker w = { self, 1 };
	int afd = -1, rc;
	pthread_t th;
	uint32_t id;
	uint64_t t;

	if (access) {
		rc = next_object_id(self->fd, &id);
		if (!rc)
			rc = iod_mock_access_create(self->fd, d->t.ioas_id, 0,
						    &afd);
		/* the access took the probed id: it is busy */
		if (!rc && iod_destroy(self->fd, id) != -EBUSY)
			rc = -ESRCH;
	} else {
		rc = iod_mock_dev_create(self->fd, d->t.ioas_id, 0, &md);
		id = md.idev_id;
	}
	if (rc) {
		if (afd >= 0)
			close(afd);
		return iod_race_log(&self->r, 0, access ? "CREATE_ACCESS" : "MOCK_DEV",
			      0, 0, iod_now_ns(), rc);
	}
	atomic_store(&self->id, id);
	atomic_store(&self->stop, false);
	rc = pthread_create(&th, NULL, destroy_worker, &w);
	if (rc)
		return -rc;
	iod_race_spin(&self->r, 0, 300);
	t = iod_now_ns();
	if (access) {
		rc = close(afd) ? -errno : 0;
		iod_race_log(&self->r, 0, "CLOSE_ACCESS", id, 0, t, rc);
	} else {
		rc = iod_race_log(&self->r, 0, "DESTROY_STDEV", md.stdev_id, id, t,
			    iod_destroy(self->fd, md.stdev_id));
	}
	if (rc)
		iod_race_wrong(&self->r, 0, "driver destroy", id, rc);
	iod_race_spin(&self->r, 0, 50);
	atomic_store(&self->stop, true);
	pthread_join(th, NULL);
	/* the driver's destroy took it away */
	rc = iod_id_gone(self->fd, id);
	if (rc)
		iod_race_wrong(&self->r, 0, "ID_GONE", id, rc > 0 ? -EEXIST : rc);
	self->r.fig.ops += 3;
	return 0;
}

IOD_REGRESSION_TEST_F_OF(lifetime_race, 99f98a7c0d69, destroy_refcount)
{
	struct iod_stress_loop l;
	int rc = 0;

	IOD_RACE_NEED_MOCK(&self->d.t,
			   "an access and a device destroyed by their own driver");
	iod_stress_loop_init(&l, "IOMMU_DESTROY vs driver destroy", 150);
	l.figures = &self->r.fig;
	while (!rc && iod_stress_loop_next(&l)) {
		rc = refcount_round(self, false);
		if (!rc)
			rc = refcount_round(self, true);
	}
	ASSERT_EQ(0, rc) TH_LOG("round %" PRIu64 ": %s", l.rounds,
				strerror(-rc));
	IOD_ASSERT_BENCH_WORKS(&self->r, &self->d);
	IOD_ASSERT_RACE_CLEAN(&self->r);
}

/* ---------------------------------------------------------------------- */
/* 3. unbind a device while a long HWPT_ALLOC(DIRTY) holds it */

struct alloc_job {
	FIXTURE_DATA(lifetime_race) *self;
	uint32_t dev_id, ioas_id, hwpt;
	uint64_t ns, t_out;	/* how long it took, when it returned */
	int rc;
	atomic_bool started;
};

static void *alloc_worker(void *arg)
{
	struct alloc_job *j = arg;
	uint64_t t;

	atomic_store(&j->started, true);
	t = iod_now_ns();
	j->rc = iod_hwpt_alloc(j->self->fd, j->dev_id, j->ioas_id,
			       IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &j->hwpt);
	j->t_out = iod_now_ns();
	j->ns = j->t_out - t;
	iod_race_log(&j->self->r, 1, "HWPT_ALLOC", j->dev_id, j->ioas_id, t, j->rc);
	return NULL;
}

IOD_REGRESSION_TEST_F_OF(lifetime_race, d9df72c6acd6, unbind_during_harvest)
{
	struct iod_dirty *d = &self->d;
	uint64_t slowest = 0, waited = 0, held = 0, stuck = 0, big_iova;
	struct iod_stress_loop l;
	uint32_t ioas;
	void *big;

	IOD_RACE_NEED_MOCK(&self->d.t,
			   "a device unbound (its mock device destroyed) mid-call");
	big = mmap(NULL, BIG_LEN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, big);
	/* at an IOVA the mock device's domain accepts */
	ASSERT_EQ(0, iod_ioas_pick_iova(self->fd, d->t.ioas_id, BIG_LEN, 0,
					iod_bench_align(d), &big_iova));
	ASSERT_EQ(0, iod_ioas_alloc(self->fd, &ioas));
	ASSERT_EQ(0, iod_ioas_map_fixed(self->fd, ioas, big, BIG_LEN,
					big_iova));
	iod_stress_loop_init(&l, "unbind vs HWPT_ALLOC", 8);
	l.figures = &self->r.fig;
	while (iod_stress_loop_next(&l)) {
		struct iod_mock_dev md;
		struct alloc_job j = { .self = self, .ioas_id = ioas };
		pthread_t th;
		uint64_t t;
		int rc;

		ASSERT_EQ(0, iod_mock_dev_create(self->fd, d->t.ioas_id, 0,
						 &md));
		j.dev_id = md.idev_id;
		ASSERT_EQ(0, pthread_create(&th, NULL, alloc_worker, &j));
		while (!atomic_load(&j.started))
			sched_yield();
		/* unbind somewhere inside the allocation */
		iod_race_spin(&self->r, 0, slowest ? slowest / 2000 : 2000);
		t = iod_now_ns();
		rc = iod_race_log(&self->r, 0, "DESTROY_STDEV", md.stdev_id,
				  md.idev_id, t,
				  iod_destroy(self->fd, md.stdev_id));
		pthread_join(th, NULL);
		/*
		 * The unbind waits for the allocation to let the device go,
		 * not longer: one that outlasts it by seconds slept through
		 * the wake-up and ended at the kernel's 60 s timeout.
		 */
		if (iod_now_ns() > iod_max_u64(j.t_out, t) + UNBIND_SLACK_NS)
			stuck++;
		t = iod_now_ns() - t;
		if (rc)
			iod_race_wrong(&self->r, 0, "DESTROY_STDEV", md.stdev_id, rc);
		/* done before the unbind, or the device was gone */
		if (j.rc && j.rc != -ENOENT)
			iod_race_wrong(&self->r, 1, "HWPT_ALLOC", md.idev_id, j.rc);
		if (!j.rc) {
			held++;
			rc = iod_destroy(self->fd, j.hwpt);
			if (rc || iod_id_gone(self->fd, j.hwpt))
				iod_race_wrong(&self->r, 0, "DESTROY", j.hwpt,
				      rc ? rc : -EEXIST);
		}
		if (iod_id_gone(self->fd, md.idev_id))
			iod_race_wrong(&self->r, 0, "ID_GONE", md.idev_id, -EEXIST);
		slowest = iod_max_u64(slowest, j.ns);
		waited = iod_max_u64(waited, t);
		self->r.fig.ops += 4;
		if (stuck)	/* each costs the kernel's timeout: once is enough */
			break;
	}
	TH_LOG("%" PRIu64 " rounds: the longest HWPT_ALLOC took %" PRIu64
	       " ms, the longest unbind %" PRIu64 " ms; %" PRIu64
	       " allocations done before their device went",
	       l.rounds, slowest / 1000000, waited / 1000000, held);
	ASSERT_EQ(0, iod_ioas_unmap(self->fd, ioas, big_iova, BIG_LEN, NULL));
	ASSERT_EQ(0, iod_destroy(self->fd, ioas));
	munmap(big, BIG_LEN);
	IOD_ASSERT_BENCH_WORKS(&self->r, &self->d);
	IOD_ASSERT_RACE_CLEAN(&self->r);
	IOD_XFAIL_IF_KNOWN_BUG(stuck > 0);
	ASSERT_EQ(0, stuck)
		TH_LOG("an unbind waited %" PRIu64 " ms for an allocation that let its device go after at most %" PRIu64 " ms",
		       waited / 1000000, slowest / 1000000);
}

/* ---------------------------------------------------------------------- */
/* 7. an fd-creating allocation aborted while another thread closes the fd */

static void *fd_closer(void *arg)
{
	struct worker *w = arg;
	FIXTURE_DATA(lifetime_race) *self = w->self;

	while (!atomic_load(&self->stop)) {
		/* the fd number the allocation reserves */
		close((int)atomic_load(&self->id));
		self->r.fig.ops++;
	}
	return NULL;
}

static int fault_alloc(int fd, struct iommu_fault_alloc *cmd)
{
	cmd->size = sizeof(*cmd);
	cmd->flags = 0;
	return iod_ioctl(fd, IOMMU_FAULT_QUEUE_ALLOC, cmd);
}

/* One round, the reply unwritable (abort) or not. 0 or -errno. */
static int abort_round(FIXTURE_DATA(lifetime_race) *self,
		       struct iommu_fault_alloc *ro)
{
	struct iommu_fault_alloc ok = { 0 };
	struct worker w = { self, 1 };
	uint32_t before, after;
	pthread_t th;
	int next, rc, rc_ok;
	uint64_t t;

	rc = next_object_id(self->fd, &before);
	next = dup(0);
	if (rc || next < 0)
		return rc ? rc : -errno;
	close(next);
	atomic_store(&self->id, (uint32_t)next);
	atomic_store(&self->stop, false);
	rc = pthread_create(&th, NULL, fd_closer, &w);
	if (rc)
		return -rc;
	t = iod_now_ns();
	rc = iod_race_log(&self->r, 0, "FAULT_QUEUE_ALLOC(ro)", (uint64_t)next, 0, t,
		    iod_ioctl(self->fd, IOMMU_FAULT_QUEUE_ALLOC, ro));
	t = iod_now_ns();
	rc_ok = iod_race_log(&self->r, 0, "FAULT_QUEUE_ALLOC", (uint64_t)next, 0, t,
		       fault_alloc(self->fd, &ok));
	atomic_store(&self->stop, true);
	pthread_join(th, NULL);
	/* the reply cannot be written: the whole allocation undone */
	if (rc != -EFAULT)
		iod_race_wrong(&self->r, 0, "FAULT_QUEUE_ALLOC(ro)", 0, rc ? rc : -EEXIST);
	if (rc_ok) {
		iod_race_wrong(&self->r, 0, "FAULT_QUEUE_ALLOC", 0, rc_ok);
	} else {
		/* closed by the other thread, or still ours */
		close((int)ok.out_fault_fd);
		rc = iod_destroy(self->fd, ok.out_fault_id);
		if (rc || iod_id_gone(self->fd, ok.out_fault_id))
			iod_race_wrong(&self->r, 0, "DESTROY", ok.out_fault_id,
			      rc ? rc : -EEXIST);
	}
	/* nothing of either allocation is left */
	rc = next_object_id(self->fd, &after);
	if (rc || after != before)
		iod_race_wrong(&self->r, 0, "NEXT_ID", after, rc ? rc : -EEXIST);
	self->r.fig.ops += 6;
	return 0;
}

IOD_REGRESSION_TEST_F_OF(lifetime_race, 4e034bf045b1, abort_race)
{
	struct iommu_fault_alloc probe = { 0 }, *ro;
	struct iod_stress_loop l;
	int rc;

	rc = fault_alloc(self->fd, &probe);
	if (rc == -ENOTTY)
		IOD_REGRESSION_SKIP("this kernel has no IOMMU_FAULT_QUEUE_ALLOC (6.11+)");
	ASSERT_EQ(0, rc) TH_LOG("IOMMU_FAULT_QUEUE_ALLOC: %s", strerror(-rc));
	close((int)probe.out_fault_fd);
	ASSERT_EQ(0, iod_destroy(self->fd, probe.out_fault_id));
	ro = mmap(NULL, iod_host_page(), PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	ro->size = sizeof(*ro);
	ASSERT_EQ(0, mprotect(ro, iod_host_page(), PROT_READ));
	iod_stress_loop_init(&l, "fd alloc abort vs close", 200);
	l.figures = &self->r.fig;
	rc = 0;
	while (!rc && iod_stress_loop_next(&l))
		rc = abort_round(self, ro);
	munmap(ro, iod_host_page());
	ASSERT_EQ(0, rc) TH_LOG("round %" PRIu64 ": %s", l.rounds,
				strerror(-rc));
	IOD_ASSERT_BENCH_WORKS(&self->r, &self->d);
	IOD_ASSERT_RACE_CLEAN(&self->r);
}

IOD_STRESS_MAIN

