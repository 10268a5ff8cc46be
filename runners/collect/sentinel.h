/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel sentinel: find kernel splats in the guest's console log and
 * attribute each one to the program that was running when it was printed.
 *
 * The console is the guest's first serial port: the kernel log with printk
 * timestamps, possibly with other noise in front of a line. The guest marks
 * each program's window by writing to /dev/kmsg:
 *
 *	[   12.345678] iodirty: begin alloc/alloc_hw_info
 *	...
 *	[   13.000000] iodirty: end alloc/alloc_hw_info rc=1
 *
 * A line fires the sentinel when it contains one of
 *
 *	WARNING:  BUG:  Oops  KASAN  UBSAN  rcu: INFO:  detected stalls
 *	RCU stall  Kernel panic  general protection fault  watchdog: BUG
 *
 * or "Call Trace:" with no firing line among the 30 lines before it (a stack
 * dump of its own: hung task, lockup, ...). IOMMU DMA fault reports (DMAR,
 * AMD-Vi IO_PAGE_FAULT, virtio_iommu faults) never fire: the tests provoke
 * them on purpose. Neither does the stack dump that fault injection prints
 * after "FAULT_INJECTION: forcing a failure."
 *
 * The excerpt of a splat is the firing line plus up to 25 following lines; it
 * stops early at the next "iodirty: " line. A "Call Trace:" inside a splat
 * extends it by another 25 lines. Splats of one window are concatenated with
 * "--" lines between them, and one window's excerpt holds at most 200 lines
 * (the 200th then says how many were left out).
 */
#ifndef IODIRTY_SENTINEL_H
#define IODIRTY_SENTINEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "text.h"

#define IOD_EXCERPT_FOLLOW	25
#define IOD_EXCERPT_MAX		200
#define IOD_TRACE_LOOKBACK	30

/* The synthetic program that holds splats printed outside every program. */
#define IOD_BOOT_NAME		"lab/boot"

/* What one console line is, as far as the sentinel is concerned. */
enum iod_line_kind {
	IOD_LINE_PLAIN,
	IOD_LINE_MARKER,	/* contains "iodirty: " */
	IOD_LINE_SPLAT,		/* fires the sentinel */
	IOD_LINE_TRACE,		/* "Call Trace:" (fires only on its own) */
	IOD_LINE_IOMMU_FAULT,	/* a provoked IOMMU DMA fault report */
	IOD_LINE_INJECTED,	/* "FAULT_INJECTION: forcing a failure" */
};

enum iod_line_kind iod_sentinel_classify(const char *line);

/* The splats collected for one window. */
struct iod_excerpt {
	struct collect_lines lines;
	size_t dropped;		/* lines left out past IOD_EXCERPT_MAX */
};

/* Write @ex to @f as it goes into a .sentinel file. Returns 0 or -1. */
int iod_excerpt_write(const struct iod_excerpt *ex, FILE *f);

static inline bool iod_excerpt_empty(const struct iod_excerpt *ex)
{
	return ex->lines.n == 0;
}

struct iod_window {
	char *name;		/* "suite/program" */
	struct iod_excerpt ex;
};

/* Every window seen on the console, in order of their first begin marker. */
struct iod_console {
	struct iod_window **win;
	size_t nwin;
	struct iod_excerpt outside;	/* boot, between and after programs */
};

/* Incremental console scanner, fed one line at a time. */
struct iod_scanner {
	struct iod_console *con;
	struct iod_excerpt *cur;	/* the window being printed now */
	struct iod_excerpt *active;	/* excerpt being extended, or NULL */
	unsigned int remaining;		/* lines @active may still take */
	unsigned long lineno;
	unsigned long last_splat;	/* 0: none yet */
	struct iod_excerpt *last_splat_win;
	unsigned long last_injected;	/* 0: none yet */
};

void iod_console_init(struct iod_console *con);
void iod_console_free(struct iod_console *con);
/* The excerpt of window @name, or NULL if no begin marker named it. */
struct iod_excerpt *iod_console_find(struct iod_console *con,
				     const char *name);

void iod_scanner_init(struct iod_scanner *s, struct iod_console *con);
/* Feed one line, without its line end. */
void iod_scanner_feed(struct iod_scanner *s, const char *line);

/*
 * Scan the console log at @path into @con (initialised here). Returns 0, or
 * -1 with a message in @err.
 */
int iod_console_load(const char *path, struct iod_console *con, char *err,
		     size_t errlen);

#endif /* IODIRTY_SENTINEL_H */
