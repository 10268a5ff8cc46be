// SPDX-License-Identifier: GPL-2.0
/*
 * The stress programs' run length, thread seeds, operation logs and leak
 * checks (stress.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/stress.h"
#include "profile/profile.h"
#include "uapi/iommufd.h"

#define IOD_STRESS_LONG_SECONDS 1800u

int iod_stress_mode_parse(const char *mode, const char *seconds,
			  struct iod_stress_mode *m, char *why, size_t len)
{
	char *end;
	unsigned long v;

	memset(m, 0, sizeof(*m));
	if (!mode || !*mode || !strcmp(mode, "short"))
		return 0;
	if (strcmp(mode, "long")) {
		snprintf(why, len,
			 "IODIRTY_STRESS='%s' is neither 'short' nor 'long'",
			 mode);
		return -EINVAL;
	}
	m->long_run = true;
	m->seconds = IOD_STRESS_LONG_SECONDS;
	if (!seconds || !*seconds)
		return 0;
	errno = 0;
	v = strtoul(seconds, &end, 10);
	if (errno || *end || seconds[0] == '-' || !v || v > 7 * 24 * 3600) {
		snprintf(why, len,
			 "IODIRTY_STRESS_SECONDS='%s' is not a number of seconds from 1 to 604800",
			 seconds);
		return -EINVAL;
	}
	m->seconds = (unsigned int)v;
	return 0;
}

const struct iod_stress_mode *iod_stress_mode(void)
{
	static struct iod_stress_mode m;
	static bool parsed;
	char why[256];

	if (parsed)
		return &m;
	if (iod_stress_mode_parse(getenv("IODIRTY_STRESS"),
				  getenv("IODIRTY_STRESS_SECONDS"), &m, why,
				  sizeof(why))) {
		fprintf(stderr, "iodirty: error: %s\n"
			"iodirty: next: unset IODIRTY_STRESS for the short run, or set IODIRTY_STRESS=long and IODIRTY_STRESS_SECONDS=N\n",
			why);
		exit(2);
	}
	parsed = true;
	return &m;
}

uint64_t iod_splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* FNV-1a over the case id: which case, not which run. */
static uint64_t case_hash(const char *id)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; id && *id; id++)
		h = (h ^ (uint8_t)*id) * 0x100000001b3ull;
	return h;
}

uint64_t iod_stress_thread_seed(uint64_t case_seed, const char *case_id,
				unsigned int thread)
{
	uint64_t s = case_seed ^ case_hash(case_id) ^ thread;

	return iod_splitmix64(&s);
}

int iod_oplog_init(struct iod_oplog *l, unsigned int thread, uint64_t seed,
		   unsigned int cap)
{
	memset(l, 0, sizeof(*l));
	l->ops = calloc(cap ? cap : 1, sizeof(*l->ops));
	if (!l->ops)
		return -ENOMEM;
	l->cap = cap ? cap : 1;
	l->thread = thread;
	l->seed = seed;
	return 0;
}

void iod_oplog_free(struct iod_oplog *l)
{
	free(l->ops);
	l->ops = NULL;
	l->cap = 0;
}

int iod_oplog_add(struct iod_oplog *l, const char *name, uint64_t a0,
		  uint64_t a1, uint64_t a2, uint64_t t_in, uint64_t t_out,
		  int rc)
{
	struct iod_op *op;

	if (!l->ops)
		return rc;
	op = &l->ops[l->total % l->cap];
	*op = (struct iod_op){ .name = name, .arg = { a0, a1, a2 },
			       .t_in = t_in, .t_out = t_out, .rc = rc };
	l->total++;
	return rc;
}

int iod_op_format(const struct iod_op *op, unsigned int thread,
		  uint64_t index, uint64_t t0, char *buf, size_t len)
{
	uint64_t in = op->t_in >= t0 ? op->t_in - t0 : 0;
	uint64_t took = op->t_out >= op->t_in ? op->t_out - op->t_in : 0;
	char rc[48];

	if (op->rc < 0)
		snprintf(rc, sizeof(rc), "%d (%s)", op->rc,
			 iod_errno_name(-op->rc));
	else
		snprintf(rc, sizeof(rc), "%d", op->rc);
	return snprintf(buf, len,
			"t%u #%" PRIu64 " +%" PRIu64 ".%06" PRIu64
			" +%" PRIu64 ".%06" PRIu64 " %s 0x%" PRIx64
			" 0x%" PRIx64 " 0x%" PRIx64 " = %s",
			thread, index, in / 1000000000, in / 1000 % 1000000,
			took / 1000000000, took / 1000 % 1000000,
			op->name ? op->name : "?", op->arg[0], op->arg[1],
			op->arg[2], rc);
}

/* The oldest index still held in l. */
static uint64_t oplog_first(const struct iod_oplog *l)
{
	return l->total > l->cap ? l->total - l->cap : 0;
}

unsigned int iod_oplog_dump(struct iod_oplog *const *logs, unsigned int n,
			    FILE *f)
{
	uint64_t next[64], t0 = UINT64_MAX;
	unsigned int i, lines = 0;
	char line[256];

	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++) {
		next[i] = oplog_first(logs[i]);
		fprintf(f, "# oplog t%u seed %" PRIu64 ": %" PRIu64
			" operations, the last %" PRIu64 " below\n",
			logs[i]->thread, logs[i]->seed, logs[i]->total,
			logs[i]->total - next[i]);
		lines++;
		if (next[i] < logs[i]->total &&
		    logs[i]->ops[next[i] % logs[i]->cap].t_in < t0)
			t0 = logs[i]->ops[next[i] % logs[i]->cap].t_in;
	}
	for (;;) {
		const struct iod_op *best = NULL;
		unsigned int bi = 0;

		for (i = 0; i < n; i++) {
			const struct iod_op *op;

			if (next[i] >= logs[i]->total)
				continue;
			op = &logs[i]->ops[next[i] % logs[i]->cap];
			if (!best || op->t_in < best->t_in) {
				best = op;
				bi = i;
			}
		}
		if (!best)
			break;
		iod_op_format(best, logs[bi]->thread, next[bi], t0, line,
			      sizeof(line));
		fprintf(f, "# oplog %s\n", line);
		next[bi]++;
		lines++;
	}
	fflush(f);
	return lines;
}

int iod_vmpin_kb(uint64_t *kb)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long v;

	*kb = 0;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "VmPin: %llu kB", &v) == 1) {
			*kb = v;
			break;
		}
	}
	fclose(f);
	return 0;
}

int iod_id_gone(int fd, uint32_t id)
{
	int rc = iod_destroy(fd, id);

	return rc == -ENOENT ? 0 : (rc ? rc : 1);
}
