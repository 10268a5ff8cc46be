// SPDX-License-Identifier: GPL-2.0
/* Rounds of device writes and exact harvests (stress_rounds.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "clock.h"
#include "harness/harvest.h"
#include "harness/kmsg.h"
#include "harness/stress_rounds.h"
#include "util.h"

int iod_round_bitmap_straddle(struct iod_bitmap_buf *b, void *map,
			      size_t map_len, size_t bytes)
{
	size_t page = iod_host_page();
	size_t before = bytes / 2 & ~(size_t)7;

	if (!before)
		before = 8;
	if (bytes % 8 || map_len < 2 * page || before + IOD_BM_GUARD > page ||
	    bytes - before + IOD_BM_GUARD > map_len - page)
		return -EINVAL;
	memset(b, 0, sizeof(*b));
	b->map = map;
	b->map_len = map_len;
	b->offset = page - before;
	b->data = (uint8_t *)map + b->offset;
	b->bytes = bytes;
	return 0;
}

size_t iod_round_bitmap_bytes(const struct iod_dirty *d, uint64_t page_size)
{
	uint64_t bits = d->len / page_size;

	return (bits + 63) / 64 * 8;
}

/* Write leaf `leaf` of the bench at a random byte of it. 0 or -errno. */
static int write_leaf(struct iod_round *r, uint64_t leaf, char *rep,
		      size_t len)
{
	struct iod_dirty *d = r->d;
	uint64_t unit = iod_engine_unit(&d->engine);
	uint64_t off = r->off + leaf * d->leaf +
		       iod_rand_below(r->rnd, d->leaf) / unit * unit;
	uint8_t seed = (uint8_t)iod_rand_next(r->rnd);
	uint64_t t = iod_now_ns();
	int rc;

	rc = iod_engine_touch(&d->engine, d->iova + off, seed, &d->fp);
	if (r->log)
		iod_oplog_add(r->log, "WRITE", d->iova + off, seed, 0, t,
			      iod_now_ns(), rc);
	if (r->fig) {
		r->fig->ops++;
		r->fig->writes++;
	}
	if (rc) {
		snprintf(rep, len, "device write at iova 0x%llx: %s",
			 (unsigned long long)(d->iova + off), strerror(-rc));
		return rc;
	}
	if (r->landed && !iod_bench_landed(d, off, unit, seed)) {
		snprintf(rep, len, "the device's write at +0x%llx did not land in the buffer",
			 (unsigned long long)off);
		return -EIO;
	}
	return 0;
}

int64_t iod_round_exact(struct iod_round *r, char *rep, size_t len)
{
	struct iod_dirty *d = r->d;
	uint64_t ps = r->page_size ? r->page_size : d->leaf;
	uint64_t part = r->len ? r->len : d->len - r->off;
	uint64_t nleaves = part / d->leaf, mask, i, t;
	int64_t wrong;
	int rc;

	rep[0] = 0;
	mask = iod_rand_next(r->rnd) | 1;
	for (i = 0; i < 64; i++) {
		if (!(mask >> i & 1))
			continue;
		if (nleaves < 64 && i >= nleaves)
			break;
		rc = write_leaf(r, nleaves < 64 ? i : i * nleaves / 64, rep,
				len);
		if (rc)
			return rc;
	}
	t = iod_now_ns();
	wrong = iod_harvest_compare(d, &d->fp,
				    IOD_HARVEST(d->iova, d->len, ps, 0),
				    r->bm, rep, len);
	if (r->log)
		iod_oplog_add(r->log, "HARVEST", d->iova, d->len, ps, t,
			      iod_now_ns(), wrong < 0 ? (int)wrong : 0);
	if (r->fig) {
		r->fig->ops++;
		r->fig->harvests++;
		r->fig->bits_checked += d->len / ps;
	}
	iod_fp_reset(&d->fp);
	return wrong;
}

int iod_rounds_case_init(struct iod_rounds_case *c, uint64_t case_seed,
			 const char *case_id)
{
	uint64_t seed = iod_stress_thread_seed(case_seed, case_id, 0);
	int rc;

	c->kfd = -1;
	c->logs[0] = &c->log;
	c->logs[1] = &c->tlog;
	rc = iod_stress_counters_read(&c->before);
	if (rc)
		return rc;
	iod_rand_init(&c->rnd, seed);
	rc = iod_oplog_init(&c->log, 0, seed, 128);
	if (!rc)
		rc = iod_oplog_init(&c->tlog, 1,
				    iod_stress_thread_seed(case_seed, case_id,
							   1), 128);
	if (rc)
		return rc;
	c->kfd = iod_kmsg_open();
	return 0;
}

int iod_rounds_case_map_bitmap(struct iod_rounds_case *c, unsigned int pages)
{
	c->bm_map_len = pages * iod_host_page();
	c->bm_map = mmap(NULL, c->bm_map_len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (c->bm_map == MAP_FAILED) {
		c->bm_map = NULL;
		return -errno;
	}
	return 0;
}

void iod_rounds_case_release(struct iod_rounds_case *c)
{
	if (c->bm_map)
		munmap(c->bm_map, c->bm_map_len);
	c->bm_map = NULL;
	if (c->bench)
		iod_dirty_teardown(&c->d);
	c->bench = false;
}

void iod_rounds_case_free(struct iod_rounds_case *c)
{
	iod_rounds_case_release(c);
	iod_oplog_free(&c->log);
	iod_oplog_free(&c->tlog);
	if (c->kfd >= 0)
		close(c->kfd);
	c->kfd = -1;
}
