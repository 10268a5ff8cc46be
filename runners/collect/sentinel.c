// SPDX-License-Identifier: GPL-2.0
/* Kernel sentinel: splat detection in the guest console log. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sentinel.h"
#include "util.h"

#define MARKER		"iodirty: "
#define MARKER_BEGIN	"iodirty: begin "
#define MARKER_END	"iodirty: end "

static const char *const splat_patterns[] = {
	"WARNING:",
	"BUG:",
	"Oops",
	"KASAN",
	"UBSAN",
	"rcu: INFO:",
	"detected stalls",
	"RCU stall",
	"Kernel panic",
	"general protection fault",
	"watchdog: BUG",
};

static bool is_iommu_fault(const char *line)
{
	/* DMAR: [DMA Write NO_PASID] Request device [00:03.0] fault addr ... */
	/* DMAR: DRHD: handling fault status reg 2 */
	if (strstr(line, "DMAR:") &&
	    (strstr(line, "fault") || strstr(line, "[DMA ")))
		return true;
	/* AMD-Vi: Event logged [IO_PAGE_FAULT device=00:03.0 ...] */
	if (strstr(line, "IO_PAGE_FAULT") ||
	    (strstr(line, "AMD-Vi:") && strstr(line, "Event logged")))
		return true;
	/* virtio_iommu virtio0: fault from EP 8 at 0x1000 [w] */
	if ((strstr(line, "virtio_iommu") || strstr(line, "virtio-iommu")) &&
	    strstr(line, "fault"))
		return true;
	return false;
}

enum iod_line_kind iod_sentinel_classify(const char *line)
{
	size_t i;

	if (strstr(line, MARKER))
		return IOD_LINE_MARKER;
	if (is_iommu_fault(line))
		return IOD_LINE_IOMMU_FAULT;
	if (strstr(line, "FAULT_INJECTION: forcing a failure"))
		return IOD_LINE_INJECTED;
	for (i = 0; i < ARRAY_SIZE(splat_patterns); i++)
		if (strstr(line, splat_patterns[i]))
			return IOD_LINE_SPLAT;
	if (strstr(line, "Call Trace:"))
		return IOD_LINE_TRACE;
	return IOD_LINE_PLAIN;
}

static void excerpt_add(struct iod_excerpt *ex, const char *line)
{
	if (ex->lines.n < IOD_EXCERPT_MAX)
		collect_lines_push(&ex->lines, line, strlen(line));
	else
		ex->dropped++;
}

int iod_excerpt_write(const struct iod_excerpt *ex, FILE *f)
{
	size_t i, n = ex->lines.n;

	if (ex->dropped)
		n = IOD_EXCERPT_MAX - 1;
	for (i = 0; i < n; i++)
		if (fprintf(f, "%s\n", ex->lines.v[i]) < 0)
			return -1;
	if (ex->dropped &&
	    fprintf(f, "[... %zu more console lines not shown]\n",
		    ex->lines.n - n + ex->dropped) < 0)
		return -1;
	return 0;
}

void iod_console_init(struct iod_console *con)
{
	memset(con, 0, sizeof(*con));
}

void iod_console_free(struct iod_console *con)
{
	size_t i;

	for (i = 0; i < con->nwin; i++) {
		free(con->win[i]->name);
		collect_lines_free(&con->win[i]->ex.lines);
		free(con->win[i]);
	}
	free(con->win);
	collect_lines_free(&con->outside.lines);
	memset(con, 0, sizeof(*con));
}

struct iod_excerpt *iod_console_find(struct iod_console *con,
				     const char *name)
{
	size_t i;

	for (i = 0; i < con->nwin; i++)
		if (!strcmp(con->win[i]->name, name))
			return &con->win[i]->ex;
	return NULL;
}

static struct iod_excerpt *console_window(struct iod_console *con,
					  const char *name)
{
	struct iod_excerpt *ex = iod_console_find(con, name);
	struct iod_window *w;

	if (ex)
		return ex;
	w = collect_xrealloc(NULL, sizeof(*w));
	memset(w, 0, sizeof(*w));
	w->name = collect_xstrdup(name);
	con->win = collect_xrealloc(con->win, (con->nwin + 1) * sizeof(*con->win));
	con->win[con->nwin++] = w;
	return &w->ex;
}

void iod_scanner_init(struct iod_scanner *s, struct iod_console *con)
{
	memset(s, 0, sizeof(*s));
	s->con = con;
	s->cur = &con->outside;
}

/*
 * A marker line changes the current window: "iodirty: begin NAME" opens
 * NAME's window (closing any window left open), "iodirty: end NAME ..."
 * closes it. A begin with a name that is not a valid program name (or is
 * the reserved IOD_BOOT_NAME) counts as outside every program.
 */
static void scan_marker(struct iod_scanner *s, const char *line)
{
	const char *p = strstr(line, MARKER_BEGIN);
	char name[256];
	size_t len;

	if (!p) {
		if (strstr(line, MARKER_END))
			s->cur = &s->con->outside;
		return;
	}
	p += strlen(MARKER_BEGIN);
	len = strcspn(p, " \t");
	s->cur = &s->con->outside;
	if (len >= sizeof(name))
		return;
	memcpy(name, p, len);
	name[len] = '\0';
	if (iod_program_name_valid(name) && strcmp(name, IOD_BOOT_NAME))
		s->cur = console_window(s->con, name);
}

static void start_or_extend(struct iod_scanner *s, const char *line)
{
	if (s->active != s->cur) {
		s->active = s->cur;
		if (!iod_excerpt_empty(s->active))
			excerpt_add(s->active, "--");
	}
	excerpt_add(s->active, line);
	s->remaining = IOD_EXCERPT_FOLLOW;
}

void iod_scanner_feed(struct iod_scanner *s, const char *line)
{
	enum iod_line_kind kind = iod_sentinel_classify(line);

	s->lineno++;
	switch (kind) {
	case IOD_LINE_MARKER:
		s->active = NULL;
		s->remaining = 0;
		scan_marker(s, line);
		return;
	case IOD_LINE_SPLAT:
		s->last_splat = s->lineno;
		s->last_splat_win = s->cur;
		start_or_extend(s, line);
		return;
	case IOD_LINE_TRACE:
		if (s->last_splat &&
		    s->lineno - s->last_splat <= IOD_TRACE_LOOKBACK) {
			/* the stack dump of a splat already caught */
			if (s->last_splat_win != s->cur)
				break;
			start_or_extend(s, line);
			return;
		}
		if (!s->last_injected ||
		    s->lineno - s->last_injected > IOD_TRACE_LOOKBACK) {
			/* a stack dump on its own: hung task, lockup, ... */
			s->last_splat = s->lineno;
			s->last_splat_win = s->cur;
			start_or_extend(s, line);
			return;
		}
		break;
	case IOD_LINE_INJECTED:
		s->last_injected = s->lineno;
		break;
	case IOD_LINE_IOMMU_FAULT:
	case IOD_LINE_PLAIN:
		break;
	}
	if (!s->active)
		return;
	excerpt_add(s->active, line);
	if (--s->remaining == 0)
		s->active = NULL;
}

int iod_console_load(const char *path, struct iod_console *con, char *err,
		     size_t errlen)
{
	struct iod_scanner s;
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len, i;

	iod_console_init(con);
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	iod_scanner_init(&s, con);
	while ((len = getline(&buf, &cap, f)) >= 0) {
		/* serial noise may carry NUL bytes: keep the rest visible */
		for (i = 0; i < len; i++)
			if (buf[i] == '\0')
				buf[i] = '?';
		collect_chomp(buf, len);
		iod_scanner_feed(&s, buf);
	}
	free(buf);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		fclose(f);
		iod_console_free(con);
		return -1;
	}
	fclose(f);
	return 0;
}
