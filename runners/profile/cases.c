// SPDX-License-Identifier: GPL-2.0
/* The case ids of suite programs, from their kselftest listing. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cases.h"

/* Columns of the harness listing: "%-20s %-25s %s" (fixture, variant, test). */
#define FIXTURE_COL	20
#define VARIANT_COL	25

static int push(char ***v, size_t *n, size_t *cap, char *s)
{
	char **nv;

	if (!s)
		return -1;
	if (*n == *cap) {
		nv = realloc(*v, (*cap ? *cap * 2 : 64) * sizeof(*nv));
		if (!nv) {
			free(s);
			return -1;
		}
		*v = nv;
		*cap = *cap ? *cap * 2 : 64;
	}
	(*v)[(*n)++] = s;
	return 0;
}

static char *join(const char *a, const char *b, const char *c)
{
	char *s;

	if (asprintf(&s, "%s%s%s%s%s", a, b ? "." : "", b ? b : "",
		     c ? "." : "", c ? c : "") < 0)
		return NULL;
	return s;
}

/* The program that already defines @fixture, or NULL. */
static const char *fixture_owner(const struct iod_cases *c,
				 const char *fixture)
{
	size_t i, l = strlen(fixture);

	for (i = 0; i < c->nfix; i++)
		if (!strncmp(c->fixtures[i], fixture, l) &&
		    c->fixtures[i][l] == '\t')
			return c->fixtures[i] + l + 1;
	return NULL;
}

/* The name in @line at @col, up to the next space, into @out (or ""). */
static size_t field(const char *line, size_t len, size_t col, char *out,
		    size_t outlen)
{
	size_t n = 0;

	while (col + n < len && line[col + n] != ' ' && n + 1 < outlen) {
		out[n] = line[col + n];
		n++;
	}
	out[n] = '\0';
	return n;
}

struct block {
	char fixture[256];
	char **variants, **tests;
	size_t nv, capv, nt, capt;
};

static void block_reset(struct block *b)
{
	size_t i;

	for (i = 0; i < b->nv; i++)
		free(b->variants[i]);
	for (i = 0; i < b->nt; i++)
		free(b->tests[i]);
	free(b->variants);
	free(b->tests);
	memset(b, 0, sizeof(*b));
}

/* Add the ids of one fixture's block of the listing. */
static int block_emit(struct iod_cases *c, const char *program,
		      const struct block *b, char *err, size_t errlen)
{
	const char *owner;
	char *entry;
	size_t i, j;

	if (!b->nt)
		return 0;
	owner = fixture_owner(c, b->fixture);
	if (owner) {
		snprintf(err, errlen,
			 "fixture '%s' is defined by both %s and %s: its case ids are ambiguous",
			 b->fixture, owner, program);
		return -1;
	}
	if (asprintf(&entry, "%s\t%s", b->fixture, program) < 0)
		entry = NULL;
	if (push(&c->fixtures, &c->nfix, &c->capfix, entry))
		goto oom;
	/* What the harness runs: every test of every variant, in that order. */
	for (i = 0; i < (b->nv ? b->nv : 1); i++)
		for (j = 0; j < b->nt; j++)
			if (push(&c->runs, &c->nruns, &c->capruns,
				 join(b->fixture, b->nv ? b->variants[i] : NULL,
				      b->tests[j])))
				goto oom;
	for (j = 0; j < b->nt; j++) {
		/* fixture.test: the test in every variant, or its only case. */
		if (push(&c->ids, &c->n, &c->cap,
			 join(b->fixture, b->tests[j], NULL)))
			goto oom;
		for (i = 0; i < b->nv; i++)
			if (push(&c->ids, &c->n, &c->cap,
				 join(b->fixture, b->variants[i],
				      b->tests[j])))
				goto oom;
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

int iod_cases_parse_list(struct iod_cases *c, const char *program,
			 const char *text, char *err, size_t errlen)
{
	struct block b = { 0 };
	const char *line = text, *nl;
	char name[256];
	size_t len, col, n;
	int rc = 0;

	for (; *line && !rc; line = *nl ? nl + 1 : nl) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line);
		len = nl - line;
		if (line[0] == '#')
			continue;
		if (line[0] == '-') {
			rc = block_emit(c, program, &b, err, errlen);
			block_reset(&b);
			continue;
		}
		/* The fixture's name starts its block's first line. */
		n = field(line, len, 0, name, sizeof(name));
		if (n)
			snprintf(b.fixture, sizeof(b.fixture), "%s", name);
		col = (n > FIXTURE_COL ? n : FIXTURE_COL) + 1;
		n = field(line, len, col, name, sizeof(name));
		if (n && push(&b.variants, &b.nv, &b.capv, strdup(name)))
			goto oom;
		col += (n > VARIANT_COL ? n : VARIANT_COL) + 1;
		while (col < len && line[col] == ' ')
			col++;
		n = field(line, len, col, name, sizeof(name));
		if (n && push(&b.tests, &b.nt, &b.capt, strdup(name)))
			goto oom;
	}
	if (!rc)
		rc = block_emit(c, program, &b, err, errlen);
	block_reset(&b);
	return rc;
oom:
	block_reset(&b);
	snprintf(err, errlen, "out of memory");
	return -1;
}

/*
 * PROGRAM ARG: what it prints on `fd` (1 or 2) into a malloc'd string,
 * or NULL.
 */
static char *run_capture(const char *program, const char *arg, int fd,
			 char *err, size_t errlen)
{
	char *out = NULL, *grown;
	size_t len = 0, cap = 0;
	int fds[2], status, devnull;
	ssize_t r;
	pid_t pid;

	if (pipe(fds)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return NULL;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	if (!pid) {
		devnull = open("/dev/null", O_RDWR);
		dup2(devnull, 0);
		dup2(devnull, 3 - fd);
		dup2(fds[1], fd);
		close(fds[0]);
		execl(program, program, arg, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		if (cap - len < 4096) {
			grown = realloc(out, cap + 65536);
			if (!grown)
				break;
			out = grown;
			cap += 65536;
		}
		r = read(fds[0], out + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += r;
	}
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (out)
		out[len] = '\0';
	else
		snprintf(err, errlen, "out of memory");
	return out;
}

/* PROGRAM -l: the listing (on stderr) into a malloc'd string, or NULL. */
static char *run_list(const char *program, char *err, size_t errlen)
{
	char *out = run_capture(program, "-l", 2, err, errlen);

	if (out && strncmp(out, "# FIXTURE", 9)) {
		snprintf(err, errlen, "'%s -l' printed no test list", program);
		free(out);
		return NULL;
	}
	return out;
}

int iod_cases_add_program(struct iod_cases *c, const char *program,
			  char *err, size_t errlen)
{
	char *text = run_list(program, err, errlen);
	int rc;

	if (!text)
		return -1;
	rc = iod_cases_parse_list(c, program, text, err, errlen);
	free(text);
	return rc;
}

int iod_cases_add_devices(struct iod_cases *c, size_t from,
			  const char *devices, char *err, size_t errlen)
{
	const char *dev = devices, *nl;
	size_t i, to = c->n;
	char name[64];

	for (; *dev; dev = *nl ? nl + 1 : nl) {
		nl = strchr(dev, '\n');
		if (!nl)
			nl = dev + strlen(dev);
		if (nl == dev || (size_t)(nl - dev) >= sizeof(name))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(nl - dev), dev);
		for (i = from; i < to; i++)
			if (push(&c->ids, &c->n, &c->cap,
				 join(c->ids[i], name, NULL))) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
	}
	return 0;
}

/* nftw() takes no context: the walk's state. */
static struct {
	struct iod_cases *c;
	char *err;
	size_t errlen;
} walk;

static int visit(const char *path, const struct stat *st, int type,
		 struct FTW *ftw)
{
	size_t from = walk.c->n;
	char *text;
	int rc;

	(void)ftw;
	if (type != FTW_F || !S_ISREG(st->st_mode) || !(st->st_mode & S_IXUSR))
		return 0;
	if (iod_cases_add_program(walk.c, path, walk.err, walk.errlen))
		return 1;
	/* A program that runs once per engine: its ids keyed to a device. */
	text = run_capture(path, "--engine-devices", 1, walk.err, walk.errlen);
	if (!text)
		return 1;
	rc = iod_cases_add_devices(walk.c, from, text, walk.err, walk.errlen);
	free(text);
	return rc ? 1 : 0;
}

int iod_cases_load(struct iod_cases *c, const char *dir, char *err,
		   size_t errlen)
{
	struct stat st;

	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory of suite programs",
			 dir);
		return -1;
	}
	walk.c = c;
	walk.err = err;
	walk.errlen = errlen;
	if (nftw(dir, visit, 16, FTW_PHYS))
		return -1;
	if (!c->n) {
		snprintf(err, errlen, "no suite program under %s lists a case",
			 dir);
		return -1;
	}
	return 0;
}

bool iod_cases_has(const struct iod_cases *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->ids[i], id))
			return true;
	return false;
}

/* Levenshtein distance of @a and @b. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, diag, up, best;
	size_t *row = calloc(lb + 1, sizeof(*row));

	if (!row)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

const char *iod_cases_closest(const struct iod_cases *c, const char *id)
{
	size_t i, d, best = (size_t)-1;
	const char *closest = NULL;

	for (i = 0; i < c->n; i++) {
		d = distance(id, c->ids[i]);
		if (d < best) {
			best = d;
			closest = c->ids[i];
		}
	}
	return closest;
}

void iod_cases_free(struct iod_cases *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->ids[i]);
	for (i = 0; i < c->nfix; i++)
		free(c->fixtures[i]);
	for (i = 0; i < c->nruns; i++)
		free(c->runs[i]);
	free(c->runs);
	free(c->ids);
	free(c->fixtures);
	memset(c, 0, sizeof(*c));
}
