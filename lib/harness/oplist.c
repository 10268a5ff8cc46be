// SPDX-License-Identifier: GPL-2.0
/* A replayable list of operations: its text form and parser (oplist.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "harness/oplist.h"

void iod_oplist_init(struct iod_oplist *l)
{
	memset(l, 0, sizeof(*l));
}

void iod_oplist_free(struct iod_oplist *l)
{
	free(l->ops);
	iod_oplist_init(l);
}

void iod_oplist_clear(struct iod_oplist *l)
{
	l->n = 0;
}

static bool name_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || n >= IOD_OPLIST_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

int iod_oplist_add(struct iod_oplist *l, const char *name, uint64_t a0,
		   uint64_t a1, uint64_t a2)
{
	struct iod_oplist_op *op;
	size_t n = strlen(name);

	if (!name_ok(name, n))
		return -EINVAL;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct iod_oplist_op *ops = realloc(l->ops, cap * sizeof(*ops));

		if (!ops)
			return -ENOMEM;
		l->ops = ops;
		l->cap = cap;
	}
	op = &l->ops[l->n++];
	memset(op, 0, sizeof(*op));
	memcpy(op->name, name, n);
	op->arg[0] = a0;
	op->arg[1] = a1;
	op->arg[2] = a2;
	return 0;
}

int iod_oplist_format(const struct iod_oplist_op *op, char *buf, size_t len)
{
	return snprintf(buf, len, "# op %s 0x%" PRIx64 " 0x%" PRIx64
			" 0x%" PRIx64, op->name, op->arg[0], op->arg[1],
			op->arg[2]);
}

/* One hex argument "0x..." at *p, then blanks; false if there is none. */
static bool hex_arg(const char **p, uint64_t *v)
{
	const char *s = *p;
	char *end;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') ||
	    !strchr("0123456789abcdefABCDEF", s[2]) || !s[2])
		return false;
	errno = 0;
	*v = strtoull(s + 2, &end, 16);
	if (errno || (*end && *end != ' ' && *end != '\t' && *end != '\n' &&
		      *end != '\r'))
		return false;
	while (*end == ' ' || *end == '\t')
		end++;
	*p = end;
	return true;
}

int iod_oplist_parse_line(const char *line, struct iod_oplist_op *op)
{
	const char *p = line, *name;
	size_t n;
	int i;

	if (!strncmp(p, "# ", 2))
		p += 2;
	if (strncmp(p, "op ", 3))
		return 0;
	p += 3;
	name = p;
	n = strcspn(p, " \t\r\n");
	if (!name_ok(name, n))
		return -EINVAL;
	memset(op, 0, sizeof(*op));
	memcpy(op->name, name, n);
	p += n;
	while (*p == ' ' || *p == '\t')
		p++;
	for (i = 0; i < IOD_OPLIST_ARGS; i++)
		if (!hex_arg(&p, &op->arg[i]))
			return -EINVAL;
	if (*p && *p != '\n' && *p != '\r')
		return -EINVAL;
	return 1;
}

void iod_oplist_dump(const struct iod_oplist *l, const char *what, FILE *f)
{
	char line[128];
	size_t i;

	fprintf(f, "# replay list of %s: %zu operations (--replay FILE reads them back)\n",
		what, l->n);
	for (i = 0; i < l->n; i++) {
		iod_oplist_format(&l->ops[i], line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
	fflush(f);
}

int iod_oplist_load(struct iod_oplist *l, const char *path, char *why,
		    size_t len)
{
	FILE *f = fopen(path, "r");
	struct iod_oplist_op op;
	unsigned int lineno = 0;
	char line[512];
	int rc = 0;

	iod_oplist_clear(l);
	if (!f) {
		rc = -errno;
		snprintf(why, len, "%s: %s", path, strerror(-rc));
		return rc;
	}
	while (!rc && fgets(line, sizeof(line), f)) {
		lineno++;
		rc = iod_oplist_parse_line(line, &op);
		if (rc < 0) {
			snprintf(why, len, "%s:%u: not an operation: %s", path,
				 lineno, line);
			break;
		}
		rc = rc ? iod_oplist_add(l, op.name, op.arg[0], op.arg[1],
					 op.arg[2]) : 0;
		if (rc)
			snprintf(why, len, "%s:%u: %s", path, lineno,
				 strerror(-rc));
	}
	fclose(f);
	return rc;
}
