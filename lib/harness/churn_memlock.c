// SPDX-License-Identifier: GPL-2.0
/*
 * RLIMIT_MEMLOCK near the limit while tracking, in a child without
 * CAP_IPC_LOCK (harness/churn_memlock.h says what it asserts).
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "harness/churn_memlock.h"
#include "harness/dirty.h"
#include "harness/harvest.h"
#include "model/rand.h"
#include "uapi/iommufd.h"
#include "util.h"

#define BENCH_LEAVES 64
#define CHUNK_LEAVES 16
#define CHUNKS 4		/* whole chunks that fit under the limit */

struct ml {
	struct iod_dirty d;
	struct iod_fp fp;	/* the areas' writes: [niova, +CHUNKS + 2) */
	struct iod_oplog log;
	struct iod_rand rnd;
	struct iod_memlock_result *res;
	void *buf;
	uint64_t chunk, niova, mapped;	/* bytes mapped from niova */
	uint64_t base_kb;		/* VmLck with the bench alone */
};

static int fail(struct ml *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(struct ml *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->res->rep, sizeof(m->res->rep), fmt, ap);
	va_end(ap);
	m->res->verdict = IOD_MEMLOCK_FAIL;
	return -EINVAL;
}

static int status_kb(const char *field, uint64_t *kb)
{
	char line[256], fmt[64];
	unsigned long long v;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -errno;
	snprintf(fmt, sizeof(fmt), "%s: %%llu kB", field);
	*kb = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, fmt, &v) == 1) {
			*kb = v;
			break;
		}
	fclose(f);
	return 0;
}

static int drop_ipc_lock(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct c[2];

	if (syscall(SYS_capget, &h, c))
		return -errno;
	c[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	c[CAP_IPC_LOCK / 32].permitted &= ~(1u << (CAP_IPC_LOCK % 32));
	c[CAP_IPC_LOCK / 32].inheritable &= ~(1u << (CAP_IPC_LOCK % 32));
	return syscall(SYS_capset, &h, c) ? -errno : 0;
}

static int expect_vmlck(struct ml *m, uint64_t want_kb, const char *when)
{
	uint64_t kb;
	int rc = status_kb("VmLck", &kb);

	if (rc)
		return fail(m, "reading VmLck: %s", strerror(-rc));
	if (kb != want_kb)
		return fail(m, "%s: VmLck %" PRIu64 " kB, want %" PRIu64 " kB",
			    when, kb, want_kb);
	return 0;
}

/* Write a random bench leaf and a random mapped area leaf, harvest both. */
static int write_and_harvest(struct ml *m, const char *when)
{
	struct iod_dirty *d = &m->d;
	uint64_t r = iod_rand_next(&m->rnd), t, off;
	char rep[384] = "";
	int64_t wrong;
	int rc;

	off = (r % BENCH_LEAVES) * d->leaf;
	t = iod_now_ns();
	rc = iod_bench_write_cover(d, off, 1, (uint8_t)r, &d->fp);
	iod_oplog_add(&m->log, "WRITE", d->iova + off, 0, 0, t, iod_now_ns(), rc);
	if (rc)
		return fail(m, "%s: bench write: %s", when, strerror(-rc));
	m->res->fig.writes++;
	if (m->mapped) {
		off = (r >> 8) % (m->mapped / d->leaf) * d->leaf;
		t = iod_now_ns();
		rc = iod_engine_touch(&d->engine, m->niova + off, (uint8_t)r,
				      &m->fp);
		iod_oplog_add(&m->log, "TOUCH", m->niova + off, 0, 0, t,
			      iod_now_ns(), rc);
		if (rc)
			return fail(m, "%s: area write: %s", when, strerror(-rc));
		m->res->fig.writes++;
	}
	wrong = iod_harvest_compare(d, &d->fp, IOD_HARVEST(d->iova,
			BENCH_LEAVES * d->leaf, d->leaf, 0), NULL, rep, sizeof(rep));
	iod_oplog_add(&m->log, "GET_DIRTY_BITMAP", d->iova, 0, 0, 0, 0,
		      (int)wrong);
	m->res->fig.harvests++;
	m->res->fig.bits_checked += BENCH_LEAVES;
	if (wrong)
		return fail(m, "%s: bench harvest: %s", when, rep);
	iod_fp_reset(&d->fp);
	if (!m->mapped)
		return 0;
	wrong = iod_harvest_compare(d, &m->fp, IOD_HARVEST(m->niova,
			m->mapped, d->leaf, 0), NULL, rep, sizeof(rep));
	iod_oplog_add(&m->log, "GET_DIRTY_BITMAP", m->niova, m->mapped, 0, 0,
		      0, (int)wrong);
	m->res->fig.harvests++;
	m->res->fig.bits_checked += m->mapped / d->leaf;
	if (wrong)
		return fail(m, "%s: area harvest: %s", when, rep);
	iod_fp_reset(&m->fp);
	return 0;
}

static int map_area(struct ml *m, uint64_t len, int want)
{
	uint64_t iova = m->niova + m->mapped, t = iod_now_ns();
	int rc = iod_bench_map(&m->d, (char *)m->buf + m->mapped, len, iova);

	iod_oplog_add(&m->log, "IOAS_MAP", iova, len, 0, t, iod_now_ns(), rc);
	m->res->fig.ops++;
	if (rc != want)
		return fail(m, "IOAS_MAP of %" PRIu64 " bytes with %" PRIu64
			    " of %" PRIu64 " chunk bytes mapped: %s, want %s",
			    len, m->mapped, CHUNKS * m->chunk + m->chunk / 2,
			    strerror(-rc), strerror(-want));
	if (!rc)
		m->mapped += len;
	return 0;
}

static int run(struct ml *m)
{
	const struct iod_dirty_opts o = {
		.leaves = BENCH_LEAVES, .enable = true, .account_mm = true,
	};
	struct iod_dirty *d = &m->d;
	char why[384] = "";
	uint64_t limit, kb, len;
	unsigned int k;
	int rc;

	rc = drop_ipc_lock();
	if (rc)
		return fail(m, "cannot drop CAP_IPC_LOCK: %s", strerror(-rc));
	rc = iod_dirty_setup(d, &o, why, sizeof(why));
	if (rc == -EOPNOTSUPP) {
		snprintf(m->res->rep, sizeof(m->res->rep), "%s", why);
		m->res->verdict = IOD_MEMLOCK_SKIP;
		return rc;
	}
	if (rc)
		return fail(m, "bench: %s", why);
	rc = status_kb("VmLck", &m->base_kb);
	if (rc || !m->base_kb)
		return fail(m, "VmLck is 0 with the bench mapped under "
			    "IOMMU_OPTION_RLIMIT_MODE=1: pins are not charged");
	m->chunk = CHUNK_LEAVES * d->leaf;
	if (m->chunk % (2 * iod_host_page()))
		m->chunk += 2 * iod_host_page() - m->chunk % (2 * iod_host_page());
	len = (CHUNKS + 2) * m->chunk;
	m->buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (m->buf == MAP_FAILED)
		return fail(m, "mmap: %s", strerror(errno));
	rc = iod_ioas_pick_iova(d->t.fd, d->t.ioas_id, len,
				iod_bench_iova_floor(d, d->iova + d->len),
				iod_bench_align(d), &m->niova);
	if (!rc)
		rc = iod_fp_init(&m->fp, m->niova, len, d->leaf);
	if (rc)
		return fail(m, "areas: %s", strerror(-rc));
	/* room for CHUNKS chunks and half of one more */
	limit = m->base_kb * 1024 + CHUNKS * m->chunk + m->chunk / 2;
	if (setrlimit(RLIMIT_MEMLOCK, &(struct rlimit){ limit, limit }))
		return fail(m, "setrlimit(RLIMIT_MEMLOCK): %s", strerror(errno));

	if (write_and_harvest(m, "before any map"))
		return -EINVAL;
	for (k = 0; k < CHUNKS; k++) {
		if (map_area(m, m->chunk, 0) ||
		    expect_vmlck(m, m->base_kb + m->mapped / 1024,
				 "after a map under the limit") ||
		    write_and_harvest(m, "under the limit"))
			return -EINVAL;
	}
	/* a whole chunk would cross the limit: ENOMEM, nothing mapped */
	if (map_area(m, m->chunk, -ENOMEM) ||
	    expect_vmlck(m, m->base_kb + m->mapped / 1024,
			 "after the map that crossed the limit"))
		return -EINVAL;
	rc = iod_ioas_unmap(d->t.fd, d->t.ioas_id, m->niova + m->mapped,
			    m->chunk, NULL);
	if (rc != -ENOENT)
		return fail(m, "the refused map left IOVAs behind: unmap %s",
			    strerror(-rc));
	if (write_and_harvest(m, "after the refused map"))
		return -EINVAL;
	/* the half chunk reaches the limit exactly: it fits */
	if (map_area(m, m->chunk / 2, 0) ||
	    expect_vmlck(m, limit / 1024, "at the limit") ||
	    write_and_harvest(m, "at the limit") ||
	    map_area(m, iod_host_page(), -ENOMEM) ||
	    write_and_harvest(m, "past the limit"))
		return -EINVAL;
	/* the CHUNKS chunks, then the half chunk */
	for (k = 0; k <= CHUNKS; k++) {
		rc = iod_space_unmap(&d->space, m->niova + k * m->chunk);
		if (rc)
			return fail(m, "unmap of area %u: %s", k, strerror(-rc));
	}
	m->mapped = 0;
	if (expect_vmlck(m, m->base_kb, "after unmapping the areas") ||
	    write_and_harvest(m, "after the unmaps"))
		return -EINVAL;
	iod_dirty_teardown(d);
	if (expect_vmlck(m, 0, "after the bench was torn down"))
		return -EINVAL;
	rc = iod_vmpin_kb(&kb);
	if (rc || kb)
		return fail(m, "VmPin %" PRIu64 " kB after the bench was torn "
			    "down (%s)", kb, strerror(-rc));
	snprintf(m->res->rep, sizeof(m->res->rep),
		 "VmLck %" PRIu64 " kB with the bench, RLIMIT_MEMLOCK %" PRIu64
		 " bytes: %u areas of %" PRIu64 " bytes and a half one mapped, "
		 "a whole one and a page past the limit refused", m->base_kb,
		 limit, CHUNKS, m->chunk);
	return 0;
}

void iod_memlock_run(uint64_t seed, struct iod_memlock_result *res)
{
	struct iod_memlock_result *shared;
	struct ml m;
	int status;
	pid_t pid;

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	memset(res, 0, sizeof(*res));
	res->verdict = IOD_MEMLOCK_FAIL;
	if (shared == MAP_FAILED) {
		snprintf(res->rep, sizeof(res->rep), "mmap: %s", strerror(errno));
		return;
	}
	memset(shared, 0, sizeof(*shared));
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		memset(&m, 0, sizeof(m));
		m.res = shared;
		iod_rand_init(&m.rnd, seed);
		if (iod_oplog_init(&m.log, 0, seed, 128))
			_exit(3);
		if (run(&m) && shared->verdict == IOD_MEMLOCK_FAIL) {
			struct iod_oplog *l = &m.log;

			iod_oplog_dump(&l, 1, stderr);
		}
		fflush(NULL);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		snprintf(res->rep, sizeof(res->rep), "fork/wait: %s",
			 strerror(errno));
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(res->rep, sizeof(res->rep),
			 "the child ended with status 0x%x", status);
	} else {
		*res = *shared;
	}
	munmap(shared, sizeof(*shared));
}
