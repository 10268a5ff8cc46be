// SPDX-License-Identifier: GPL-2.0
/* Text helpers shared by the collector's parts (text.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

void collect_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

char *collect_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		fputs("iodirty-collect: out of memory\n", stderr);
		abort();
	}
	return s;
}

int collect_parse_rc(const char *s, int *rc)
{
	char *end;
	long v;

	if (strncmp(s, "rc=", 3) || !isdigit((unsigned char)s[3]))
		return -1;
	errno = 0;
	v = strtol(s + 3, &end, 10);
	if (errno || *end || v > INT_MAX)
		return -1;
	*rc = (int)v;
	return 0;
}

void *collect_xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p) {
		fputs("iodirty-collect: out of memory\n", stderr);
		abort();
	}
	return p;
}

char *collect_xstrdup(const char *s)
{
	size_t len = strlen(s);
	char *d = collect_xrealloc(NULL, len + 1);

	memcpy(d, s, len + 1);
	return d;
}

void collect_lines_push(struct collect_lines *l, const char *s, size_t len)
{
	char *d;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = collect_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	d = collect_xrealloc(NULL, len + 1);
	memcpy(d, s, len);
	d[len] = '\0';
	l->v[l->n++] = d;
}

void collect_lines_free(struct collect_lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
	l->cap = 0;
}

size_t collect_chomp(char *s, size_t len)
{
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		s[--len] = '\0';
	return len;
}

int collect_lines_read(const char *path, struct collect_lines *out)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	int saved;

	if (!f)
		return -1;
	while ((len = getline(&buf, &cap, f)) >= 0)
		collect_lines_push(out, buf, collect_chomp(buf, len));
	saved = errno;
	free(buf);
	if (ferror(f)) {
		fclose(f);
		errno = saved ? saved : EIO;
		return -1;
	}
	fclose(f);
	return 0;
}

static bool name_part_valid(const char *s, size_t len)
{
	size_t i;

	if (!len || (len == 1 && s[0] == '.') ||
	    (len == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-' || c == '@'))
			return false;
	}
	return true;
}

bool iod_program_name_valid(const char *name)
{
	const char *slash = strchr(name, '/');

	if (!slash || strchr(slash + 1, '/'))
		return false;
	return name_part_valid(name, slash - name) &&
	       name_part_valid(slash + 1, strlen(slash + 1));
}
