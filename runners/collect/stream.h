/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's result stream and its split into per-program files; judge.h
 * turns one program's files into the TAP that prove reads.
 *
 * The stream is the guest's second serial port. Lines may end in "\r\n"; the
 * '\r' is dropped. Marker lines start with "@@iodirty ":
 *
 *	@@iodirty flavour NAME
 *	@@iodirty begin SUITE/PROGRAM
 *	...the program's TAP, exactly as printed...
 *	@@iodirty end SUITE/PROGRAM rc=N
 *	@@iodirty done
 *
 * "done" comes last, and only when the guest ran every program. A program
 * whose end marker never came is "incomplete". Lines outside any program are
 * ignored. The stream is rejected as malformed on a begin inside a begin, an
 * end that does not close the running program, a program begun twice, a name
 * that iod_program_name_valid() refuses (or the reserved "lab/boot"), a bad rc, an
 * unknown marker or a marker after "done".
 *
 * iod_split() writes, under DIR:
 *
 *	programs		one "suite/program" a line, in run order
 *	guest.status		"done", or "incomplete: NAME" naming the last
 *				program begun ("before the first program")
 *	SUITE/PROGRAM.tap	the program's raw TAP lines
 *	SUITE/PROGRAM.status	"rc=N" or "incomplete"
 *	SUITE/PROGRAM.sentinel	the kernel splats printed in the program's
 *				console window (see sentinel.h), if any
 *
 * Splats outside every program window go to lab/boot.sentinel, and the
 * synthetic program "lab/boot" (lab/boot.tap is "1..1", "ok 1 boot") is then
 * listed last in programs. A program that has a console window with splats
 * but no begin marker in the stream (the guest died between the two markers)
 * is listed too, with an empty .tap and status "incomplete".
 */
#ifndef IODIRTY_STREAM_H
#define IODIRTY_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "text.h"

struct iod_program {
	char *name;		/* "suite/program" */
	struct collect_lines tap;
	bool ended;
	int rc;			/* valid when @ended */
};

struct iod_stream {
	char *flavour;		/* NULL if the stream named none */
	struct iod_program *prog;
	size_t nprog;
	bool done;
};

/*
 * Parse the stream from @f (@fname names it in messages) into @s, which is
 * initialised here. Returns 0, or -1 with "FNAME:LINE: reason" in @err and
 * @s left empty.
 */
int iod_stream_parse(FILE *f, const char *fname, struct iod_stream *s,
		     char *err, size_t errlen);
void iod_stream_free(struct iod_stream *s);

/*
 * Split @stream_path and @console_path into @outdir (created if missing).
 * Returns 0, or -1 with a message in @err.
 */
int iod_split(const char *stream_path, const char *console_path,
	      const char *outdir, char *err, size_t errlen);

#endif /* IODIRTY_STREAM_H */
