/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text helpers shared by the stream split and the judge: error messages,
 * allocated strings and the "rc=N" exit status token.
 */
#ifndef IODIRTY_COLLECT_TEXT_H
#define IODIRTY_COLLECT_TEXT_H

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

#endif /* IODIRTY_COLLECT_TEXT_H */
