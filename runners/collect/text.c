// SPDX-License-Identifier: GPL-2.0
/* Text helpers shared by the stream split and the judge. */
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
