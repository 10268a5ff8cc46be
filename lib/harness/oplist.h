/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A replayable list of operations: what a serial stress case did, dumped
 * into its TAP when it fails and read back by `--replay FILE`. One
 * operation a line, every argument in hex:
 *
 *	# op MARK 0x10 0x8 0xa5
 *	# op HARVEST 0x0 0x100 0x800
 *
 * ("# " may be absent). A file may be the whole TAP: any line that is not
 * an operation is skipped, so the list is read from the case's output as
 * it is. The meaning of a name and its arguments is the program's own.
 */
#ifndef IODIRTY_OPLIST_H
#define IODIRTY_OPLIST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define IOD_OPLIST_NAME_MAX 24
#define IOD_OPLIST_ARGS 3

struct iod_oplist_op {
	char name[IOD_OPLIST_NAME_MAX];	/* [A-Z0-9_], not empty */
	uint64_t arg[IOD_OPLIST_ARGS];
};

struct iod_oplist {
	struct iod_oplist_op *ops;
	size_t n, cap;
};

void iod_oplist_init(struct iod_oplist *l);
void iod_oplist_free(struct iod_oplist *l);
/* Forget every operation, keep the memory. */
void iod_oplist_clear(struct iod_oplist *l);
/* Append one; 0, -EINVAL (a name not [A-Z0-9_]{1,23}), -ENOMEM. */
int iod_oplist_add(struct iod_oplist *l, const char *name, uint64_t a0,
		   uint64_t a1, uint64_t a2);

/* "# op NAME 0xA0 0xA1 0xA2" (no newline); what snprintf returns. */
int iod_oplist_format(const struct iod_oplist_op *op, char *buf, size_t len);
/*
 * One line: 1 and *op for an operation line, 0 for any other line, and
 * -EINVAL for a line that starts as an operation ("# op " or "op ") but
 * is not a well-formed one.
 */
int iod_oplist_parse_line(const char *line, struct iod_oplist_op *op);

/* Every operation, one line each, after a line saying what the list is. */
void iod_oplist_dump(const struct iod_oplist *l, const char *what, FILE *f);
/*
 * Read the operations of the file at path into l (emptied first). 0, or
 * -errno with `why` naming the file and line.
 */
int iod_oplist_load(struct iod_oplist *l, const char *path, char *why,
		    size_t len);

#endif
