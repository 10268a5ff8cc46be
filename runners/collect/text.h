/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text helpers shared by the collector's parts: error messages, allocated
 * strings, arrays of lines, the "rc=N" exit status token and program names.
 */
#ifndef IODIRTY_COLLECT_TEXT_H
#define IODIRTY_COLLECT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Format into @err (of size @errlen); nothing when @errlen is 0. */
__attribute__((format(printf, 3, 4)))
void collect_set_err(char *err, size_t errlen, const char *fmt, ...);

/* asprintf() that aborts when out of memory. */
__attribute__((format(printf, 1, 2)))
char *collect_xasprintf(const char *fmt, ...);

/*
 * Parse "rc=N" (the end marker's exit status, and a .status file) into @rc.
 * Returns 0, or -1 if @s is anything else.
 */
int collect_parse_rc(const char *s, int *rc);

/* A growable array of NUL-terminated lines. Zero-initialise before use. */
struct collect_lines {
	char **v;
	size_t n, cap;
};

void collect_lines_push(struct collect_lines *l, const char *s, size_t len);
void collect_lines_free(struct collect_lines *l);

/*
 * Read @path into @out, one entry a line, without the line ends (trailing
 * '\r' are stripped too). Returns 0, or -1 with errno set.
 */
int collect_lines_read(const char *path, struct collect_lines *out);

/* Strip trailing '\n' and '\r' from @s (of length @len); returns new length. */
size_t collect_chomp(char *s, size_t len);

void *collect_xrealloc(void *p, size_t size);
char *collect_xstrdup(const char *s);

/*
 * A program name is "suite/program": exactly one '/', both parts non-empty,
 * made of [A-Za-z0-9_.@-], and neither part "." or "..".
 */
bool iod_program_name_valid(const char *name);

#endif /* IODIRTY_COLLECT_TEXT_H */
