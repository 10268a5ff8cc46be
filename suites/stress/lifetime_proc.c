// SPDX-License-Identifier: GPL-2.0
/*
 * Object lifetime across file and process boundaries: close(iommufd)
 * while another thread harvests a large range (the harvest finishes with
 * every bit on its own file reference, then every pin goes), fork and
 * exec with an open iommufd and a pinned buffer (the child's copy is not
 * the IOVA page, its NO_CLEAR harvest through the inherited fd is exact,
 * the parent's data, mapping and bits are untouched, nothing stays behind
 * after an exec with the fd inherited or closed on exec), and a child
 * SIGKILLed in the middle of harvests or device writes (the parent's
 * objects and device still work, the child's objects and pins are gone).
 *
 * After each case: the bench still harvests exactly, no splat, the
 * machine's counters back (harness/race_case.h), the figures line. The
 * cases that need a second mock device, or a child driving the mock's
 * writes, SKIP on other targets.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "harness/harvest.h"
#include "harness/iod_test.h"
#include "harness/race_case.h"
#include "harness/regress.h"
#include "harness/stress.h"
#include "uapi/iommufd.h"
#include "util.h"

#define NLEAVES 256		/* the bench */
#define CLOSE_LEN (32 * M)	/* the harvest the close races */
/* a killed child's own mapping (mock): above MemFree's slack if leaked */
#define KILL_LEN (96 * M)

FIXTURE(lifetime_proc) {
	struct iod_dirty d;
	struct iod_race r;
	int fd;			/* the iommufd the harvest uses */
};

FIXTURE_SETUP(lifetime_proc)
{
	const struct iod_dirty_opts o = { .leaves = NLEAVES, .enable = true };

	self->r.kfd = -1;
	IOD_DIRTY_SETUP(&self->d, &o);
	IOD_RACE_SETUP(&self->r);
	self->fd = self->d.t.fd;
}

FIXTURE_TEARDOWN(lifetime_proc)
{
	iod_dirty_teardown(&self->d);
	iod_race_free(&self->r);
}

/* ---------------------------------------------------------------------- */
/* 4. close(iommufd) while another thread harvests a large range */

struct harvest_job {
	FIXTURE_DATA(lifetime_proc) *self;
	uint32_t hwpt;
	uint64_t iova, len, leaf;
	uint64_t *bm;
	int rc;
	atomic_bool started;
	uint64_t t_in, t_out;
};

static void *harvest_worker(void *arg)
{
	struct harvest_job *j = arg;

	atomic_store(&j->started, true);
	j->t_in = iod_now_ns();
	j->rc = iod_get_dirty_bitmap(j->self->fd, j->hwpt, j->iova, j->len,
				     j->leaf, j->bm, 0);
	j->t_out = iod_now_ns();
	iod_oplog_add(&j->self->r.log[1], "GET_DIRTY_BITMAP", j->hwpt, j->len,
		      0, j->t_in, j->t_out, j->rc);
	return NULL;
}

/*
 * A private iommufd: a mock device on a tracking HWPT with len bytes of
 * buf mapped at *iova (picked), every leaf marked dirty. *hwpt gets the
 * HWPT.
 */
static uint64_t popcount_bm(const uint64_t *bm, uint64_t bits)
{
	uint64_t i, n = 0;

	for (i = 0; i < bits / 64; i++)
		n += (uint64_t)__builtin_popcountll(bm[i]);
	return n;
}


/* Round of close_during_harvest: 1 the harvest overlapped the close, 0 not. */
static int close_round(struct __test_metadata *_metadata,
		       FIXTURE_DATA(lifetime_proc) *self, void *buf,
		       uint64_t len)
{
	struct harvest_job j = { .self = self, .len = len,
				 .leaf = self->d.leaf };
	uint64_t bits = len / self->d.leaf, t_close, kb;
	struct iod_target t;
	char why[256] = "";
	pthread_t th;
	int rc;

	rc = iod_race_mock_tracked(&t, buf, len, j.leaf, &j.hwpt, &j.iova, why,
			     sizeof(why));
	if (rc) {
		iod_target_close(&t);
		TH_LOG("%s", why);
		return rc;
	}
	j.bm = calloc(1, bits / 8);
	if (!j.bm)
		return -ENOMEM;
	self->fd = t.fd;
	rc = pthread_create(&th, NULL, harvest_worker, &j);
	if (rc)
		return -rc;
	while (!atomic_load(&j.started))
		sched_yield();
	iod_race_spin(&self->r, 0, 400);
	t_close = iod_now_ns();
	iod_race_log(&self->r, 0, "CLOSE_IOMMUFD", (uint64_t)t.fd, 0, t_close,
	       close(t.fd) ? -errno : 0);
	t.fd = -1;
	pthread_join(th, NULL);
	self->fd = self->d.t.fd;
	iod_target_close(&t);
	self->r.fig.ops += 2;
	self->r.fig.harvests++;
	/* closed before the ioctl found the fd: not this race */
	if (j.rc == -EBADF) {
		free(j.bm);
		return 0;
	}
	self->r.fig.bits_checked += bits;
	/* the harvest finishes on its own file reference, with every bit */
	if (j.rc || popcount_bm(j.bm, bits) != bits)
		iod_race_wrong(&self->r, 1, "GET_DIRTY_BITMAP", (uint32_t)popcount_bm(j.bm, bits),
		      j.rc ? j.rc : -EBADMSG);
	free(j.bm);
	/* the last file reference went with the ioctl: every pin with it */
	rc = iod_vmpin_kb(&kb);
	if (rc || kb != self->r.before.vmpin_kb)
		iod_race_wrong(&self->r, 0, "VMPIN", (uint32_t)kb, rc ? rc : -EBADE);
	return t_close < j.t_out ? 1 : 0;
}

TEST_F(lifetime_proc, close_during_harvest)
{
	const uint64_t len = CLOSE_LEN;
	struct iod_stress_loop l;
	uint64_t overlapped = 0;
	void *buf;
	int rc = 0;

	IOD_RACE_NEED_MOCK(&self->d.t,
			   "a second device in an iommufd of its own");
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	iod_stress_loop_init(&l, "close vs harvest", 10);
	l.figures = &self->r.fig;
	while (iod_stress_loop_next(&l)) {
		rc = close_round(_metadata, self, buf, len);
		if (rc < 0)
			break;
		overlapped += (uint64_t)rc;
		rc = 0;
	}
	munmap(buf, len);
	ASSERT_EQ(0, rc) TH_LOG("round %" PRIu64 ": %s", l.rounds,
				strerror(-rc));
	TH_LOG("%" PRIu64 " rounds, %" PRIu64
	       " closed the iommufd while the harvest ran", l.rounds,
	       overlapped);
	IOD_ASSERT_BENCH_WORKS(&self->r, &self->d);
	IOD_ASSERT_RACE_CLEAN(&self->r);
}

/* ---------------------------------------------------------------------- */
/* 5. fork and exec with an open iommufd and a pinned buffer */

enum { CHILD_OK, CHILD_SAME_PAGE, CHILD_HARVEST, CHILD_EXEC };

/* The forked child: its copy is not the IOVA page; NO_CLEAR works. */
static int fork_child(FIXTURE_DATA(lifetime_proc) *self)
{
	struct iod_dirty *d = &self->d;
	char rep[512];

	if (d->t.mock &&
	    !iod_mock_check_map(d->t.fd, d->hwpt_id, d->iova, d->buf, d->len))
		return CHILD_SAME_PAGE;
	memset(d->buf, 0x5a, d->len);	/* the child's own copy */
	if (iod_harvest_compare(d, &d->fp,
				IOD_HARVEST(d->iova, d->len, d->leaf,
					    IOD_NO_CLEAR),
				NULL, rep, sizeof(rep))) {
		fprintf(stderr, "# child: %s\n", rep);
		return CHILD_HARVEST;
	}
	return CHILD_OK;
}

/* fork, run fn in the child, wait: its exit status or -1. */
static int run_child(int (*fn)(FIXTURE_DATA(lifetime_proc) *self, bool arg),
		     FIXTURE_DATA(lifetime_proc) *self, bool arg)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (!pid)
		_exit(fn(self, arg));
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int fork_child_fn(FIXTURE_DATA(lifetime_proc) *self, bool arg)
{
	(void)arg;
	return fork_child(self);
}

/* exec a shell that exits at once, the iommufd inherited or not. */
static int exec_child_fn(FIXTURE_DATA(lifetime_proc) *self, bool cloexec)
{
	int null = open("/dev/null", O_WRONLY);

	if (!cloexec && dup(self->d.t.fd) < 0)	/* dup: no O_CLOEXEC */
		return CHILD_EXEC;
	if (null >= 0) {
		dup2(null, 1);
		dup2(null, 2);
	}
	execl("/bin/sh", "sh", "-c", "exit 0", (char *)NULL);
	return CHILD_EXEC;
}

TEST_F(lifetime_proc, fork_exec)
{
	static const char *const what[] = {
		"ok", "the child's copy is still the IOVA page",
		"the child's NO_CLEAR harvest was wrong", "exec failed",
	};
	struct iod_dirty *d = &self->d;
	uint64_t off = (NLEAVES / 2) * d->leaf, unit = iod_engine_unit(&d->engine);
	int st;

	IOD_ASSERT_WRITE(d, off, unit, 0x3c);
	IOD_ASSERT_WRITE(d, 5 * d->leaf, unit, 0x3d);
	st = run_child(fork_child_fn, self, false);
	ASSERT_EQ(CHILD_OK, st) TH_LOG("forked child: %s",
				       st >= 0 && st <= CHILD_EXEC ? what[st] :
				       "did not exit");
	/* the parent's data, mapping and bits are what they were */
	IOD_ASSERT_LANDED(d, off, unit, 0x3c);
	if (d->t.mock)
		ASSERT_EQ(0, iod_mock_check_map(d->t.fd, d->hwpt_id, d->iova,
						d->buf, d->len));
	IOD_ASSERT_HARVEST(d, d->leaf, 0);
	iod_fp_reset(&d->fp);
	self->r.fig.harvests += 2;
	self->r.fig.writes += 2;
	self->r.fig.bits_checked += 2 * NLEAVES;
	/* exec with the iommufd inherited, then closed on exec */
	st = run_child(exec_child_fn, self, false);
	ASSERT_EQ(0, st) TH_LOG("exec with the iommufd inherited: %d", st);
	st = run_child(exec_child_fn, self, true);
	ASSERT_EQ(0, st) TH_LOG("exec with the iommufd closed on exec: %d", st);
	self->r.fig.ops += 3;
	IOD_ASSERT_BENCH_WORKS(&self->r, &self->d);
	IOD_ASSERT_RACE_CLEAN(&self->r);
}

/* ---------------------------------------------------------------------- */
/* 6. a child killed mid-harvest or mid-DMA */

/* The child: harvest or write forever; the first byte on `ready` says go. */
static void kill_child(FIXTURE_DATA(lifetime_proc) *self, bool dma, int ready)
{
	struct iod_dirty *d = &self->d;
	uint64_t bm[NLEAVES / 64], *own = NULL, i, iova = 0;
	struct iod_target t = { .fd = -1 };
	uint32_t hwpt = 0;
	void *buf = NULL;
	char why[256];

	/* on the mock, objects and pins of its own die with it */
	if (d->t.mock && !dma) {
		buf = mmap(NULL, KILL_LEN, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		own = malloc(KILL_LEN / d->leaf / 8);
		if (buf == MAP_FAILED || !own ||
		    iod_race_mock_tracked(&t, buf, KILL_LEN, d->leaf, &hwpt, &iova,
				    why, sizeof(why)))
			_exit(1);
	}
	if (write(ready, "r", 1) != 1)
		_exit(1);
	for (i = 0;; i++) {
		if (dma) {
			iod_touch(d, NULL, d->iova + i % NLEAVES * d->leaf);
			continue;
		}
		iod_get_dirty_bitmap(d->t.fd, d->hwpt_id, d->iova, d->len,
				     d->leaf, bm, IOD_NO_CLEAR);
		if (own)
			iod_get_dirty_bitmap(t.fd, hwpt, iova, KILL_LEN,
					     d->leaf, own, IOD_NO_CLEAR);
	}
}

/* One round: fork, wait for go, kill after a random while. 0 or -errno. */
static int kill_round(FIXTURE_DATA(lifetime_proc) *self, bool dma)
{
	int p[2], st, rc = 0;
	uint64_t t;
	pid_t pid;
	char c;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		close(p[0]);
		kill_child(self, dma, p[1]);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		rc = -ECHILD;	/* it could not set up */
	close(p[0]);
	if (!rc)
		iod_race_spin(&self->r, 0, 50000);
	t = iod_now_ns();
	kill(pid, SIGKILL);
	if (waitpid(pid, &st, 0) != pid)
		rc = rc ? rc : -errno;
	iod_race_log(&self->r, 0, dma ? "KILL_WRITER" : "KILL_HARVESTER", (uint64_t)pid,
	       (uint64_t)st, t, rc);
	if (!rc && !(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL))
		rc = -ECHILD;
	self->r.fig.ops++;
	return rc;
}

static void kill_case(struct __test_metadata *_metadata,
		      FIXTURE_DATA(lifetime_proc) *self, bool dma)
{
	struct iod_stress_loop l;
	int rc = 0;

	iod_stress_loop_init(&l, dma ? "kill mid-DMA" : "kill mid-harvest", 4);
	l.figures = &self->r.fig;
	while (!rc && iod_stress_loop_next(&l))
		rc = kill_round(self, dma);
	ASSERT_EQ(0, rc) TH_LOG("round %" PRIu64 ": %s", l.rounds,
				strerror(-rc));
	/* the parent's objects still work, the device too */
	IOD_ASSERT_BENCH_WORKS(&self->r, &self->d);
	IOD_ASSERT_RACE_CLEAN(&self->r);
}

TEST_F(lifetime_proc, sigkill_mid_harvest)
{
	kill_case(_metadata, self, false);
}

TEST_F(lifetime_proc, sigkill_mid_dma)
{
	if (!self->d.t.mock)
		SKIP(return, "a child writing through the engine: this engine's queues and interrupts belong to the parent (the mock's write is an ioctl any process can make)");
	kill_case(_metadata, self, true);
}


IOD_STRESS_MAIN
