// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty tracking while the memory under it moves, is pressed, compacted,
 * split or zapped. Every case runs rounds of device writes to random
 * leaves, each followed by a clearing harvest of the whole buffer that
 * must equal the footprint bit for bit (harness/stress_rounds.h; the
 * bitmap straddles a host page boundary, so the kernel pins two pages to
 * record it), while something else happens to the bench's memory or the
 * bitmap's:
 *   - numa_split: buffer on node 0, bitmap on node 1;
 *   - move_pinned: move_pages(MPOL_MF_MOVE) of the IOAS-pinned buffer
 *     moves none of its pages and the IOMMU still translates to them;
 *     once unmapped they move, and a new mapping of them is tracked;
 *   - move_bitmap_during_harvests: a thread moves the bitmap's pages
 *     between the nodes while the harvests write it;
 *   - memory_pressure: a child holds memory until MemAvailable is low
 *     (bounded, never the OOM killer's business);
 *   - compaction: /proc/sys/vm/compact_memory written while harvesting;
 *   - thp_split_collapse: a buffer of one transparent huge page, pinned:
 *     mprotect of half of it (a split) keeps the pin and the translation;
 *     MADV_DONTNEED of half zaps the CPU mapping only (the IOVA still
 *     reaches the pinned pages, writes there are still reported); and
 *     MADV_COLLAPSE of pinned base pages is EAGAIN, of the same pages
 *     unpinned 0 (mm/khugepaged.c: a pinned page's extra references fail
 *     the collapse, 6.12);
 *   - hugetlbfs_leaves: a hugetlb buffer whose leaves are the profile's
 *     dirty.huge_leaf: one byte written reports the whole leaf, at the
 *     base page size and at the huge one.
 * The NUMA cases SKIP with the reason on a machine of one node. After
 * every case: no splat, VmPin, MemFree, HugePages_Free and nr_iommu_pages
 * back (harness/stress.h), the figures line. IODIRTY_STRESS=long runs the
 * rounds until the run's seconds are up.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <numa.h>
#include <numaif.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "harness/harvest.h"
#include "harness/hugepages.h"
#include "harness/iod_test.h"
#include "harness/kmsg.h"
#include "harness/stress.h"
#include "harness/stress_rounds.h"
#include "model/rand.h"
#include "uapi/iommufd.h"
#include "util.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25	/* include/uapi/asm-generic/mman-common.h, 6.1 */
#endif

#define NLEAVES 128		/* a 16-byte bitmap: it straddles two pages */
#define ROUNDS 48		/* short run */
#define BM_MAP_PAGES 3

FIXTURE(memory) {
	struct iod_rounds_case c;
	bool bm_numa;		/* c.bm_map from numa_alloc_onnode() */
	/* a helper thread, a hog child */
	pthread_t thr;
	bool thr_on;
	atomic_bool stop;
	uint64_t helper_done;	/* what the helper achieved */
	uint64_t helper_calls;
	int helper_err;
	pid_t hog;
	/* a region of the case's own */
	void *extra;
	size_t extra_len;
};

FIXTURE_SETUP(memory)
{
	self->hog = -1;
	IOD_ROUNDS_CASE_SETUP(&self->c);
}

static void stop_helpers(FIXTURE_DATA(memory) *self)
{
	int st;

	atomic_store(&self->stop, true);
	if (self->thr_on)
		pthread_join(self->thr, NULL);
	self->thr_on = false;
	if (self->hog > 0) {
		kill(self->hog, SIGKILL);
		waitpid(self->hog, &st, 0);
	}
	self->hog = -1;
}

static void free_memory(FIXTURE_DATA(memory) *self)
{
	if (self->c.bm_map && self->bm_numa) {
		numa_free(self->c.bm_map, self->c.bm_map_len);
		self->c.bm_map = NULL;
	}
	if (self->extra)
		munmap(self->extra, self->extra_len);
	self->extra = NULL;
	iod_rounds_case_release(&self->c);
}

FIXTURE_TEARDOWN(memory)
{
	stop_helpers(self);
	free_memory(self);
	iod_rounds_case_free(&self->c);
}

#define BENCH(opts) IOD_ROUNDS_BENCH(&self->c, (opts))

/* The rounds' bitmap over a page boundary of bm_map. */
#define BITMAP_STRADDLE(page_size) do { \
	ASSERT_EQ(0, iod_round_bitmap_straddle(&self->c.bm, self->c.bm_map, \
		  self->c.bm_map_len, \
		  iod_round_bitmap_bytes(&self->c.d, (page_size)))); \
	self->c.r.bm = &self->c.bm; \
} while (0)

/* Plain anonymous memory for the bitmap, populated. */
#define BITMAP_ANON(page_size) do { \
	ASSERT_EQ(0, iod_rounds_case_map_bitmap(&self->c, BM_MAP_PAGES)); \
	BITMAP_STRADDLE(page_size); \
} while (0)

#define ASSERT_ROUNDS(what, n) \
	IOD_ASSERT_ROUNDS(&self->c.r, (what), (n), self->c.logs, 2)
#define ASSERT_ROUNDS_FIXED(what, n) \
	IOD_ASSERT_ROUNDS_FIXED(&self->c.r, (what), (n), self->c.logs, 2)
#define ASSERT_TRANSLATES(off, len, what) \
	IOD_ASSERT_TRANSLATES(&self->c.d, (off), (len), (what))
#define ASSERT_VMPIN(kb, what) IOD_ASSERT_VMPIN((kb), (what))

/* The case's end: figures, helpers stopped, everything given back. */
#define FINISH() do { \
	iod_stress_figures_print(&self->c.fig); \
	stop_helpers(self); \
	free_memory(self); \
	IOD_ASSERT_GIVEN_BACK(self->c.kfd, &self->c.before); \
	self->c.kfd = -1; \
} while (0)

static const struct iod_dirty_opts plain_opts = {
	.leaves = NLEAVES, .enable = true,
};

/* ---------------------------------------------------------------------- */
/* NUMA */

#define NEED_TWO_NODES() do { \
	if (numa_available() < 0) \
		SKIP(return, "the kernel has no NUMA policy (numa_available() < 0): CONFIG_NUMA"); \
	if (numa_max_node() < 1) \
		SKIP(return, "one NUMA node: the case needs two (the lab's mock flavour has two)"); \
} while (0)

/*
 * The node of each host page of [va, +len) into nodes (n entries). 0 or
 * -errno.
 */
static int pages_nodes(void *va, size_t len, int *nodes, unsigned int n)
{
	size_t page = iod_host_page();
	void *pages[n];
	unsigned int i;

	if (len / page != n)
		return -EINVAL;
	for (i = 0; i < n; i++)
		pages[i] = (uint8_t *)va + i * page;
	return numa_move_pages(0, n, pages, NULL, nodes, 0) ? -errno : 0;
}

/* Is every page of [va, +len) on `node`? 0, or the first page not on it + 1. */
static long first_off_node(void *va, size_t len, int node, int *found)
{
	unsigned int n = len / iod_host_page(), i;
	int *nodes = calloc(n, sizeof(*nodes));
	long bad = 0;

	*found = 0;
	if (!nodes || pages_nodes(va, len, nodes, n)) {
		*found = -1;
		bad = 1;
	} else {
		for (i = 0; i < n && !bad; i++)
			if (nodes[i] != node) {
				*found = nodes[i];
				bad = i + 1;
			}
	}
	free(nodes);
	return bad;
}

#define ASSERT_ON_NODE(va, len, node, what) do { \
	int __found; \
	long __bad = first_off_node((va), (len), (node), &__found); \
	ASSERT_EQ(0, __bad) TH_LOG("%s: page %ld is on node %d, not %d", \
				   (what), __bad - 1, __found, (node)); \
} while (0)

/* The bench, its memory taken from `node` only. */
#define BENCH_ON_NODE(opts, node) do { \
	struct bitmask *__m = numa_allocate_nodemask(); \
	ASSERT_NE(NULL, __m); \
	numa_bitmask_setbit(__m, (node)); \
	numa_set_membind(__m); \
	numa_bitmask_free(__m); \
	BENCH(opts); \
	numa_set_localalloc(); \
	ASSERT_ON_NODE(self->c.d.buf, self->c.d.len, (node), "the buffer"); \
} while (0)

TEST_F(memory, numa_split)
{
	NEED_TWO_NODES();
	BENCH_ON_NODE(&plain_opts, 0);
	numa_set_strict(1);
	self->c.bm_map_len = BM_MAP_PAGES * iod_host_page();
	self->c.bm_map = numa_alloc_onnode(self->c.bm_map_len, 1);
	ASSERT_NE(NULL, self->c.bm_map);
	self->bm_numa = true;
	memset(self->c.bm_map, 0, self->c.bm_map_len);
	ASSERT_ON_NODE(self->c.bm_map, self->c.bm_map_len, 1, "the bitmap");
	BITMAP_STRADDLE(self->c.d.leaf);
	ASSERT_ROUNDS("buffer on node 0, bitmap on node 1", ROUNDS);
	ASSERT_ON_NODE(self->c.bm_map, self->c.bm_map_len, 1,
		       "the bitmap after the harvests");
	FINISH();
}

/*
 * Ask to move every page of the bench's buffer to `node`: *not_moved gets
 * what move_pages() returns (pages it did not move). 0 or -errno.
 */
static int move_buffer(FIXTURE_DATA(memory) *self, int node, long *not_moved)
{
	unsigned int n = self->c.d.len / iod_host_page(), i;
	void **pages = calloc(n, sizeof(*pages));
	int *nodes = calloc(n, sizeof(*nodes)), *status = calloc(n, sizeof(int));
	uint64_t t = iod_now_ns();
	int rc = 0;

	if (!pages || !nodes || !status) {
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		pages[i] = (uint8_t *)self->c.d.buf + i * iod_host_page();
		nodes[i] = node;
	}
	*not_moved = numa_move_pages(0, n, pages, nodes, status,
				     MPOL_MF_MOVE);
	if (*not_moved < 0)
		rc = -errno;
	iod_oplog_add(&self->c.log, "MOVE_PAGES", (uint64_t)node, n,
		      (uint64_t)*not_moved, t, iod_now_ns(), rc);
	self->c.fig.ops++;
out:
	free(pages);
	free(nodes);
	free(status);
	return rc;
}

TEST_F(memory, move_pinned)
{
	long not_moved = 0;

	NEED_TWO_NODES();
	BENCH_ON_NODE(&plain_opts, 0);
	BITMAP_ANON(self->c.d.leaf);
	self->c.r.landed = true;
	ASSERT_ROUNDS_FIXED("before the move", ROUNDS / 4);

	ASSERT_EQ(0, move_buffer(self, 1, &not_moved));
	TH_LOG("move_pages() of the %" PRIu64 " pinned pages: %ld not moved",
	       self->c.d.len / iod_host_page(), not_moved);
	ASSERT_ON_NODE(self->c.d.buf, self->c.d.len, 0,
		       "the pinned buffer after move_pages()");
	ASSERT_TRANSLATES(0, self->c.d.len, "after move_pages()");
	IOD_ASSERT_PAGE_PINS(&self->c.d, 1, "after move_pages()");
	ASSERT_ROUNDS("pinned pages after the move", ROUNDS / 2);
	ASSERT_TRANSLATES(0, self->c.d.len, "after the writes");

	/* unpinned, they move; mapped again, they are tracked */
	ASSERT_EQ(0, iod_ioas_unmap(self->c.d.t.fd, self->c.d.t.ioas_id,
				    self->c.d.iova, self->c.d.len, NULL));
	IOD_ASSERT_PAGE_PINS(&self->c.d, 0, "unmapped");
	ASSERT_EQ(0, move_buffer(self, 1, &not_moved));
	ASSERT_EQ(0, not_moved);
	ASSERT_ON_NODE(self->c.d.buf, self->c.d.len, 1,
		       "the unmapped buffer after move_pages()");
	ASSERT_EQ(0, iod_bench_map(&self->c.d, self->c.d.buf, self->c.d.len,
				   self->c.d.iova));
	ASSERT_TRANSLATES(0, self->c.d.len, "mapped again after the move");
	ASSERT_ROUNDS_FIXED("moved and mapped again", ROUNDS / 4);
	FINISH();
}

/* The bitmap's pages move from node to node until told to stop. */
static void *bitmap_mover(void *arg)
{
	FIXTURE_DATA(memory) *self = arg;
	size_t page = iod_host_page();
	void *pages[BM_MAP_PAGES];
	int nodes[BM_MAP_PAGES], status[BM_MAP_PAGES];
	unsigned int i, k;
	uint64_t t;
	long rc;

	for (k = 0; !atomic_load(&self->stop); k++) {
		for (i = 0; i < BM_MAP_PAGES; i++) {
			pages[i] = (uint8_t *)self->c.bm_map + i * page;
			nodes[i] = k & 1;
		}
		t = iod_now_ns();
		rc = numa_move_pages(0, BM_MAP_PAGES, pages, nodes, status,
				     MPOL_MF_MOVE);
		iod_oplog_add(&self->c.tlog, "MOVE_PAGES(bitmap)", k & 1,
			      BM_MAP_PAGES, (uint64_t)rc, t, iod_now_ns(),
			      rc < 0 ? -errno : 0);
		if (rc < 0) {
			self->helper_err = -errno;
			break;
		}
		for (i = 0; i < BM_MAP_PAGES; i++)
			self->helper_done += status[i] == (int)(k & 1);
		self->helper_calls++;
	}
	return NULL;
}

TEST_F(memory, move_bitmap_during_harvests)
{
	NEED_TWO_NODES();
	BENCH(&plain_opts);
	BITMAP_ANON(self->c.d.leaf);
	TH_LOG("thread 1 (the mover) seed %" PRIu64, self->c.tlog.seed);
	ASSERT_EQ(0, pthread_create(&self->thr, NULL, bitmap_mover, self));
	self->thr_on = true;
	ASSERT_ROUNDS("harvests into a moving bitmap", ROUNDS);
	stop_helpers(self);
	ASSERT_EQ(0, self->helper_err) TH_LOG("move_pages() of the bitmap: %s",
					      strerror(-self->helper_err));
	TH_LOG("%" PRIu64 " move_pages() calls of the bitmap's %d pages: a page was on the asked node %" PRIu64 " times",
	       self->helper_calls, BM_MAP_PAGES, self->helper_done);
	ASSERT_LT(0, self->helper_done) TH_LOG("no bitmap page ever moved: the case judged nothing");
	FINISH();
}

/* ---------------------------------------------------------------------- */
/* memory pressure, compaction */

static uint64_t meminfo_kb(const char *key)
{
	char line[256];
	uint64_t kb = 0;
	size_t n = strlen(key);
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n)) {
			kb = strtoull(line + n, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

#define HOG_CHUNK (16 * M)

/*
 * The hog: take memory in chunks until MemAvailable is below floor_kb,
 * say how much on `wfd`, then keep touching it until killed. The first to
 * go, should the OOM killer ever come.
 */
static void hog(int wfd, uint64_t floor_kb)
{
	uint64_t held = 0, i;
	uint8_t **chunks = calloc(4096, sizeof(*chunks));
	unsigned int n = 0, k;
	int fd = open("/proc/self/oom_score_adj", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "1000", 4) < 0)
			_exit(3);
		close(fd);
	}
	while (chunks && n < 4096 && meminfo_kb("MemAvailable:") > floor_kb +
	       HOG_CHUNK / K) {
		chunks[n] = mmap(NULL, HOG_CHUNK, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
				 -1, 0);
		if (chunks[n] == MAP_FAILED)
			break;
		held += HOG_CHUNK;
		n++;
	}
	if (write(wfd, &held, sizeof(held)) != sizeof(held))
		_exit(2);
	for (;;)
		for (k = 0; k < n; k++)
			for (i = 0; i < HOG_CHUNK; i += iod_host_page())
				chunks[k][i]++;
}

/*
 * Free pages held on the per-CPU lists, in kB (/proc/zoneinfo "count:"
 * of every pageset): free memory MemFree does not count. Freeing the
 * hog's memory at once grows them by tens of MiB (their size is tuned to
 * the freeing rate since 6.7, mm/page_alloc.c) and they drain over
 * seconds.
 */
static uint64_t pcp_free_kb(void)
{
	char line[256];
	uint64_t pages = 0, n;
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %" SCNu64, &n) == 1)
			pages += n;
	fclose(f);
	return pages * (iod_host_page() / K);
}

TEST_F(memory, memory_pressure)
{
	uint64_t total = meminfo_kb("MemTotal:"), avail;
	uint64_t floor_kb = iod_max_u64(total / 10, 96 * K), held = 0, pin;
	uint64_t pcp0, pcp;
	struct pollfd p;
	int pfd[2];

	avail = meminfo_kb("MemAvailable:");
	if (!total || !avail)
		SKIP(return, "no MemTotal/MemAvailable in /proc/meminfo");
	if (avail < floor_kb + 64 * K)
		SKIP(return, "MemAvailable %" PRIu64 " kB: too little to press (the case keeps %" PRIu64 " kB free)",
		     avail, floor_kb);
	BENCH(&plain_opts);
	BITMAP_ANON(self->c.d.leaf);
	ASSERT_EQ(0, iod_vmpin_kb(&pin));
	ASSERT_EQ(0, pipe(pfd));
	pcp0 = pcp_free_kb();
	self->hog = fork();
	ASSERT_LE(0, self->hog);
	if (!self->hog) {
		close(pfd[0]);
		hog(pfd[1], floor_kb);
	}
	close(pfd[1]);
	p = (struct pollfd){ .fd = pfd[0], .events = POLLIN };
	ASSERT_EQ(1, poll(&p, 1, 60000)) TH_LOG("the hog did not say how much it holds within 60 s");
	ASSERT_EQ((ssize_t)sizeof(held), read(pfd[0], &held, sizeof(held)));
	close(pfd[0]);
	TH_LOG("the hog holds %" PRIu64 " MiB; MemAvailable %" PRIu64 " kB (was %" PRIu64 " kB)",
	       held / M, meminfo_kb("MemAvailable:"), avail);
	ASSERT_LT(0, held) TH_LOG("the hog could take no memory: nothing was pressed");
	ASSERT_ROUNDS("harvests under memory pressure", ROUNDS);
	ASSERT_TRANSLATES(0, self->c.d.len, "under memory pressure");
	ASSERT_VMPIN(pin, "under memory pressure");
	ASSERT_EQ(0, kill(self->hog, 0)) TH_LOG("the hog died before it was killed");
	stop_helpers(self);
	pcp = pcp_free_kb();
	if (pcp > pcp0) {
		/* free, but not in MemFree: the leak check counts them as free */
		TH_LOG("%" PRIu64 " kB more free pages on the per-CPU lists than before the hog",
		       pcp - pcp0);
		self->c.before.memfree_kb -= iod_min_u64(pcp - pcp0,
						       self->c.before.memfree_kb);
	}
	FINISH();
}

/* Compact all memory, again and again, until told to stop. */
static void *compactor(void *arg)
{
	FIXTURE_DATA(memory) *self = arg;
	uint64_t t;
	int fd, rc;

	do {
		t = iod_now_ns();
		fd = open("/proc/sys/vm/compact_memory", O_WRONLY);
		rc = fd < 0 || write(fd, "1", 1) != 1 ? -errno : 0;
		if (fd >= 0)
			close(fd);
		iod_oplog_add(&self->c.tlog, "COMPACT_MEMORY", 0, 0, 0, t,
			      iod_now_ns(), rc);
		if (rc) {
			self->helper_err = rc;
			break;
		}
		self->helper_done++;
	} while (!atomic_load(&self->stop));
	return NULL;
}

TEST_F(memory, compaction)
{
	uint64_t pin;

	if (access("/proc/sys/vm/compact_memory", W_OK))
		SKIP(return, "no /proc/sys/vm/compact_memory: CONFIG_COMPACTION");
	BENCH(&plain_opts);
	BITMAP_ANON(self->c.d.leaf);
	self->c.r.landed = true;
	ASSERT_EQ(0, iod_vmpin_kb(&pin));
	ASSERT_EQ(0, pthread_create(&self->thr, NULL, compactor, self));
	self->thr_on = true;
	ASSERT_ROUNDS("harvests during compaction", ROUNDS);
	stop_helpers(self);
	ASSERT_EQ(0, self->helper_err) TH_LOG("compact_memory: %s",
					      strerror(-self->helper_err));
	TH_LOG("%" PRIu64 " compactions ran", self->helper_done);
	ASSERT_TRANSLATES(0, self->c.d.len, "after compaction");
	ASSERT_VMPIN(pin, "after compaction");
	FINISH();
}

/* ---------------------------------------------------------------------- */
/* transparent and hugetlb huge pages */

/* AnonHugePages of the mapping holding va, in kB (0 if none). */
static uint64_t anon_huge_kb(const void *va)
{
	unsigned long lo, hi;
	char line[512], perms[5];
	bool in = false;
	uint64_t kb = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		/* a mapping's first line: "lo-hi perms offset dev inode path" */
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3) {
			in = (unsigned long)va >= lo && (unsigned long)va < hi;
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %" SCNu64, &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

static bool thp_never(void)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (!f)
		return true;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strstr(buf, "[never]") != NULL;
}

TEST_F(memory, thp_split_collapse)
{
	uint64_t thp = iod_thp_size(), half, pin, iova;
	struct iod_dirty_opts o = { .enable = true };
	uint8_t *base;
	int rc;

	if (!thp || thp_never())
		SKIP(return, "transparent huge pages are off (CONFIG_TRANSPARENT_HUGEPAGE, /sys/kernel/mm/transparent_hugepage/enabled)");
	o.leaves = thp / iod_base_leaf();
	BENCH(&o);
	BITMAP_ANON(self->c.d.leaf);
	if (!anon_huge_kb(self->c.d.buf))
		SKIP(return, "the bench's buffer got no transparent huge page (AnonHugePages 0)");
	half = self->c.d.len / 2;
	ASSERT_EQ(0, iod_vmpin_kb(&pin));
	ASSERT_ROUNDS_FIXED("a whole transparent huge page", ROUNDS / 4);

	/* split: read-only second half, the first still written */
	ASSERT_EQ(0, mprotect((uint8_t *)self->c.d.buf + half, half, PROT_READ));
	ASSERT_VMPIN(pin, "after mprotect of half");
	ASSERT_TRANSLATES(0, self->c.d.len, "after mprotect of half");
	self->c.r.len = half;
	self->c.r.landed = true;
	ASSERT_ROUNDS("the split page's writable half", ROUNDS / 4);
	ASSERT_EQ(0, mprotect((uint8_t *)self->c.d.buf + half, half,
			      PROT_READ | PROT_WRITE));

	/* zap the CPU mapping of the second half: the IOVA keeps its pages */
	ASSERT_EQ(0, madvise((uint8_t *)self->c.d.buf + half, half,
			     MADV_DONTNEED));
	ASSERT_VMPIN(pin, "after MADV_DONTNEED of half");
	ASSERT_TRANSLATES(0, half, "the half kept");
	rc = iod_engine_check_map(&self->c.d.engine, self->c.d.iova + half,
				  (uint8_t *)self->c.d.buf + half, half);
	if (rc != -EOPNOTSUPP)
		ASSERT_EQ(-EINVAL, rc) TH_LOG("after MADV_DONTNEED the IOVA must still reach the pinned pages, not the CPU's new ones: %s",
					      strerror(-rc));
	self->c.r.off = half;
	self->c.r.landed = false;
	ASSERT_ROUNDS_FIXED("the zapped half", ROUNDS / 4);

	/* MADV_COLLAPSE of pinned base pages: EAGAIN; unpinned: done */
	self->extra_len = 2 * thp;
	self->extra = mmap(NULL, self->extra_len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->extra) self->extra = NULL;
	base = (uint8_t *)(((uintptr_t)self->extra + thp - 1) & ~(thp - 1));
	ASSERT_EQ(0, madvise(base, thp, MADV_NOHUGEPAGE));
	memset(base, 0x5a, thp);
	ASSERT_EQ(0, madvise(base, thp, MADV_HUGEPAGE));
	ASSERT_EQ(0, anon_huge_kb(base));
	ASSERT_EQ(0, iod_ioas_pick_iova(self->c.d.t.fd, self->c.d.t.ioas_id, thp,
					iod_bench_iova_floor(&self->c.d, 0),
					iod_bench_align(&self->c.d), &iova));
	ASSERT_EQ(0, iod_ioas_map_fixed(self->c.d.t.fd, self->c.d.t.ioas_id, base,
					thp, iova));
	rc = madvise(base, thp, MADV_COLLAPSE) ? errno : 0;
	if (rc == EINVAL) {
		iod_ioas_unmap(self->c.d.t.fd, self->c.d.t.ioas_id, iova, thp, NULL);
		SKIP(return, "MADV_COLLAPSE is EINVAL: the kernel has none (6.1+)");
	}
	ASSERT_EQ(EAGAIN, rc) TH_LOG("MADV_COLLAPSE of pinned base pages: %s, not EAGAIN",
				     strerror(rc));
	ASSERT_EQ(0, anon_huge_kb(base));
	ASSERT_EQ(0, iod_ioas_unmap(self->c.d.t.fd, self->c.d.t.ioas_id, iova, thp,
				    NULL));
	rc = madvise(base, thp, MADV_COLLAPSE) ? errno : 0;
	ASSERT_EQ(0, rc) TH_LOG("MADV_COLLAPSE of the same pages unpinned: %s",
				strerror(rc));
	self->c.r.off = 0;
	self->c.r.len = 0;
	ASSERT_ROUNDS_FIXED("the bench after the collapse", ROUNDS / 8);
	FINISH();
}

TEST_F(memory, hugetlbfs_leaves)
{
	const struct iod_dirty_opts o = {
		.huge = true, .leaves = 4, .enable = true,
	};
	struct iod_stress_loop l;
	char rep[512] = "";
	int64_t w = 0;

	BENCH(&o);
	ASSERT_EQ(0, iod_rounds_case_map_bitmap(&self->c, BM_MAP_PAGES));
	ASSERT_EQ(iod_huge_leaf(), self->c.d.leaf);
	TH_LOG("hugetlb leaves of %" PRIu64 " bytes, harvested at %" PRIu64 " and %" PRIu64,
	       self->c.d.leaf, self->c.d.base_leaf, self->c.d.leaf);
	self->c.r.landed = true;
	iod_stress_loop_init(&l, "writes and harvests of huge leaves", ROUNDS);
	l.figures = &self->c.fig;
	while (iod_stress_loop_next(&l)) {
		/* a byte in a leaf reports every base page of it */
		self->c.r.page_size = l.rounds & 1 ? self->c.d.leaf :
				    self->c.d.base_leaf;
		ASSERT_EQ(0, iod_round_bitmap_straddle(&self->c.bm, self->c.bm_map,
			  self->c.bm_map_len,
			  iod_round_bitmap_bytes(&self->c.d, self->c.r.page_size)));
		self->c.r.bm = &self->c.bm;
		w = iod_round_exact(&self->c.r, rep, sizeof(rep));
		if (w)
			break;
	}
	if (w)
		iod_oplog_dump(self->c.logs, 2, stderr);
	ASSERT_EQ(0, w) TH_LOG("round %" PRIu64 " at page size %" PRIu64 ": %s",
			       l.rounds, self->c.r.page_size, rep);
	FINISH();
}

IOD_STRESS_MAIN
