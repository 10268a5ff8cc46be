// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring beside dirty tracking. Every case runs rounds of device writes
 * to random leaves, each followed by a clearing harvest of the whole
 * buffer that must equal the footprint bit for bit
 * (harness/stress_rounds.h; the bitmap straddles a host page boundary):
 *   - register_buffers_double_pin: IORING_REGISTER_BUFFERS of the
 *     IOAS-mapped buffer pins it a second time, and both pins count in
 *     VmPin (io_uring/rsrc.c io_account_mem() adds to the mm's pinned_vm
 *     as iommufd's pages.c does, 6.12): unregistering drops io_uring's
 *     share, unmapping the IOAS drops iommufd's, the harvests stay exact
 *     throughout, and a mapping made again of the registered buffer is
 *     tracked; on the mock each page's own pin count says the same
 *     (IOMMU_TEST_OP_MD_CHECK_REFS: 1, 2, 1);
 *   - madvise_bitmap_during_harvests: IORING_OP_MADVISE zaps the bitmap's
 *     pages (MADV_DONTNEED, and MADV_PAGEOUT where the kernel has it)
 *     before every harvest, so the kernel refaults them to record, while a
 *     second ring zaps the other pages of the bitmap's mapping throughout.
 *     A zap of the very page a harvest holds pinned is not judged: the
 *     bits then go to a page the process no longer maps, as it asked.
 * After every case: no splat, VmPin, MemFree, HugePages_Free and
 * nr_iommu_pages back (harness/stress.h), the figures line.
 */
#include <errno.h>
#include <inttypes.h>
#include <liburing.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "clock.h"
#include "harness/harvest.h"
#include "harness/iod_test.h"
#include "harness/kmsg.h"
#include "harness/stress.h"
#include "harness/stress_rounds.h"
#include "model/rand.h"
#include "uapi/iommufd.h"
#include "util.h"

#define NLEAVES 128		/* a 16-byte bitmap: it straddles two pages */
#define ROUNDS 48		/* short run */
#define BM_PAGES 2		/* the bitmap's pages; the helper's follow */
#define BM_MAP_PAGES 6

FIXTURE(uring) {
	struct iod_rounds_case c;
	struct io_uring ring;
	bool ring_on;
	pthread_t thr;
	bool thr_on;
	atomic_bool stop;
	uint64_t helper_done;
	int helper_err;
};

FIXTURE_SETUP(uring)
{
	int rc;

	IOD_ROUNDS_CASE_SETUP(&self->c);
	rc = io_uring_queue_init(8, &self->ring, 0);
	if (rc == -ENOSYS || rc == -EPERM)
		SKIP(return, "io_uring: %s (CONFIG_IO_URING, /proc/sys/kernel/io_uring_disabled)",
		     strerror(-rc));
	ASSERT_EQ(0, rc) TH_LOG("io_uring_queue_init: %s", strerror(-rc));
	self->ring_on = true;
}

static void stop_helper(FIXTURE_DATA(uring) *self)
{
	atomic_store(&self->stop, true);
	if (self->thr_on)
		pthread_join(self->thr, NULL);
	self->thr_on = false;
}

static void free_all(FIXTURE_DATA(uring) *self)
{
	if (self->ring_on)
		io_uring_queue_exit(&self->ring);
	self->ring_on = false;
	iod_rounds_case_release(&self->c);
}

FIXTURE_TEARDOWN(uring)
{
	stop_helper(self);
	free_all(self);
	iod_rounds_case_free(&self->c);
}

/* The bench, and the rounds' bitmap over a page boundary of bm_map. */
#define BENCH_AND_BITMAP() do { \
	const struct iod_dirty_opts __o = { .leaves = NLEAVES, .enable = true }; \
	IOD_ROUNDS_BENCH(&self->c, &__o); \
	ASSERT_EQ(0, iod_rounds_case_map_bitmap(&self->c, BM_MAP_PAGES)); \
	ASSERT_EQ(0, iod_round_bitmap_straddle(&self->c.bm, self->c.bm_map, \
		  BM_PAGES * iod_host_page(), \
		  iod_round_bitmap_bytes(&self->c.d, self->c.d.leaf))); \
	self->c.r.bm = &self->c.bm; \
} while (0)

#define ASSERT_ROUNDS(what, n) \
	IOD_ASSERT_ROUNDS(&self->c.r, (what), (n), self->c.logs, 2)
#define ASSERT_ROUNDS_FIXED(what, n) \
	IOD_ASSERT_ROUNDS_FIXED(&self->c.r, (what), (n), self->c.logs, 2)

#define FINISH() do { \
	iod_stress_figures_print(&self->c.fig); \
	stop_helper(self); \
	free_all(self); \
	IOD_ASSERT_GIVEN_BACK(self->c.kfd, &self->c.before); \
	self->c.kfd = -1; \
} while (0)

/* IORING_REGISTER_BUFFERS of the whole bench buffer: 0 or -errno. */
static int register_buffer(FIXTURE_DATA(uring) *self)
{
	struct iovec iov = { .iov_base = self->c.d.buf, .iov_len = self->c.d.len };
	uint64_t t = iod_now_ns();
	int rc = io_uring_register_buffers(&self->ring, &iov, 1);

	self->c.fig.ops++;
	return iod_oplog_add(&self->c.log, "REGISTER_BUFFERS", self->c.d.len, 0,
			     0, t, iod_now_ns(), rc);
}

static int unregister_buffer(FIXTURE_DATA(uring) *self)
{
	uint64_t t = iod_now_ns();
	int rc = io_uring_unregister_buffers(&self->ring);

	self->c.fig.ops++;
	return iod_oplog_add(&self->c.log, "UNREGISTER_BUFFERS", 0, 0, 0, t,
			     iod_now_ns(), rc);
}

TEST_F(uring, register_buffers_double_pin)
{
	uint64_t pinned, share;

	BENCH_AND_BITMAP();
	share = self->c.d.len / K;	/* base pages: no compound page */
	ASSERT_EQ(0, iod_vmpin_kb(&pinned));
	TH_LOG("VmPin %" PRIu64 " kB with the IOAS mapping; the buffer is %" PRIu64 " kB",
	       pinned, share);
	ASSERT_LE(share, pinned) TH_LOG("the IOAS mapping of the buffer is not in VmPin");
	IOD_ASSERT_PAGE_PINS(&self->c.d, 1, "mapped in the IOAS");

	ASSERT_EQ(0, register_buffer(self));
	IOD_ASSERT_VMPIN(pinned + share,
			 "registered with io_uring too: both pins count");
	IOD_ASSERT_PAGE_PINS(&self->c.d, 2, "registered with io_uring too");
	ASSERT_ROUNDS("pinned by the IOAS and io_uring", ROUNDS / 4);
	ASSERT_EQ(0, unregister_buffer(self));
	IOD_ASSERT_VMPIN(pinned, "unregistered: io_uring's share gone");
	IOD_ASSERT_PAGE_PINS(&self->c.d, 1, "unregistered");
	ASSERT_ROUNDS_FIXED("io_uring's pin dropped", ROUNDS / 4);

	/* the IOAS lets go while io_uring holds on, then maps it again */
	ASSERT_EQ(0, register_buffer(self));
	IOD_ASSERT_VMPIN(pinned + share, "registered again");
	ASSERT_EQ(0, iod_ioas_unmap(self->c.d.t.fd, self->c.d.t.ioas_id,
				    self->c.d.iova, self->c.d.len, NULL));
	IOD_ASSERT_VMPIN(pinned, "unmapped from the IOAS: its share gone");
	IOD_ASSERT_PAGE_PINS(&self->c.d, 1, "unmapped from the IOAS, registered");
	ASSERT_EQ(0, iod_bench_map(&self->c.d, self->c.d.buf, self->c.d.len,
				   self->c.d.iova));
	IOD_ASSERT_VMPIN(pinned + share, "mapped again beside io_uring's pin");
	IOD_ASSERT_TRANSLATES(&self->c.d, 0, self->c.d.len,
			      "mapped again beside io_uring's pin");
	ASSERT_ROUNDS_FIXED("mapped again, registered", ROUNDS / 4);
	ASSERT_EQ(0, unregister_buffer(self));
	IOD_ASSERT_VMPIN(pinned, "unregistered at the end");
	IOD_ASSERT_PAGE_PINS(&self->c.d, 1, "unregistered at the end, mapped");
	FINISH();
}

/*
 * IORING_OP_MADVISE of [va, +len) through ring, waited for: its result
 * (0 or -errno), or -errno of the ring.
 */
static int ring_madvise(struct io_uring *ring, void *va, size_t len,
			int advice)
{
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	int rc;

	if (!sqe)
		return -EBUSY;
	io_uring_prep_madvise(sqe, va, len, advice);
	rc = io_uring_submit_and_wait(ring, 1);
	if (rc < 0)
		return rc;
	rc = io_uring_wait_cqe(ring, &cqe);
	if (rc)
		return rc;
	rc = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return rc;
}

/* Zap the pages after the bitmap's, through a ring of its own, until told to stop. */
static void *zapper(void *arg)
{
	FIXTURE_DATA(uring) *self = arg;
	size_t page = iod_host_page();
	uint8_t *va = (uint8_t *)self->c.bm_map + BM_PAGES * page;
	size_t len = (BM_MAP_PAGES - BM_PAGES) * page;
	struct io_uring ring;
	unsigned int k;
	uint64_t t;
	int rc;

	rc = io_uring_queue_init(4, &ring, 0);
	if (rc) {
		self->helper_err = rc;
		return NULL;
	}
	for (k = 0; !atomic_load(&self->stop); k++) {
		memset(va, (int)k, len);	/* fault them in again */
		t = iod_now_ns();
		rc = ring_madvise(&ring, va, len, MADV_DONTNEED);
		iod_oplog_add(&self->c.tlog, "MADVISE(DONTNEED)", (uintptr_t)va,
			      len, 0, t, iod_now_ns(), rc);
		if (rc) {
			self->helper_err = rc;
			break;
		}
		self->helper_done++;
	}
	io_uring_queue_exit(&ring);
	return NULL;
}

TEST_F(uring, madvise_bitmap_during_harvests)
{
	struct iod_stress_loop l;
	size_t bm_len = BM_PAGES * iod_host_page();
	bool pageout = true;
	char rep[512] = "";
	int64_t w = 0;
	uint64_t t;
	int advice, rc;

	BENCH_AND_BITMAP();
	TH_LOG("thread 1 (the zapper) seed %" PRIu64, self->c.tlog.seed);
	ASSERT_EQ(0, pthread_create(&self->thr, NULL, zapper, self));
	self->thr_on = true;
	iod_stress_loop_init(&l, "harvests into zapped bitmap pages", ROUNDS);
	l.figures = &self->c.fig;
	while (iod_stress_loop_next(&l)) {
		advice = pageout && l.rounds & 1 ? MADV_PAGEOUT : MADV_DONTNEED;
		t = iod_now_ns();
		rc = ring_madvise(&self->ring, self->c.bm_map, bm_len, advice);
		iod_oplog_add(&self->c.log, advice == MADV_PAGEOUT ?
			      "MADVISE(PAGEOUT)" : "MADVISE(DONTNEED)",
			      (uintptr_t)self->c.bm_map, bm_len, 0, t,
			      iod_now_ns(), rc);
		self->c.fig.ops++;
		if (rc == -EINVAL && advice == MADV_PAGEOUT) {
			TH_LOG("IORING_OP_MADVISE(MADV_PAGEOUT) is EINVAL: MADV_DONTNEED only");
			pageout = false;
			continue;
		}
		ASSERT_EQ(0, rc) TH_LOG("IORING_OP_MADVISE of the bitmap: %s",
					strerror(-rc));
		w = iod_round_exact(&self->c.r, rep, sizeof(rep));
		if (w)
			break;
	}
	if (w)
		iod_oplog_dump(self->c.logs, 2, stderr);
	ASSERT_EQ(0, w) TH_LOG("round %" PRIu64 ": %s", l.rounds, rep);
	stop_helper(self);
	ASSERT_EQ(0, self->helper_err) TH_LOG("the zapper: %s",
					      strerror(-self->helper_err));
	TH_LOG("the zapper zapped %" PRIu64 " times", self->helper_done);
	FINISH();
}

IOD_STRESS_MAIN
