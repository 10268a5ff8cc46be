/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text as the report writes it: always valid UTF-8.
 *
 * A program's TAP is bytes. iod_utf8_decode() keeps well-formed UTF-8 and
 * turns everything else into U+FFFD, as strict UTF-8 decoding does: a lead
 * byte and the continuation bytes its length allows become one U+FFFD when
 * the sequence is truncated, overlong, a surrogate, above U+10FFFF or a
 * noncharacter (U+FDD0..U+FDEF, U+xxFFFE, U+xxFFFF); a stray continuation
 * byte is one U+FFFD. Names that are not decoded (a flavour directory) are
 * read as Latin-1 (iod_latin1_to_utf8()).
 *
 * Whitespace is Unicode's (Perl's \s on text): U+0009..U+000D, U+0020,
 * U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F
 * and U+3000. Lengths are in code points.
 */
#ifndef IODIRTY_COLLECT_UTF8_H
#define IODIRTY_COLLECT_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* @len bytes of @s as valid UTF-8 (allocated). */
char *iod_utf8_decode(const char *s, size_t len);

/* The bytes of @s as Latin-1 characters, in UTF-8 (allocated). */
char *iod_latin1_to_utf8(const char *s);

/*
 * The code point at @s (valid UTF-8, not at its end) in *@cp; returns its
 * length in bytes.
 */
size_t iod_utf8_next(const char *s, uint32_t *cp);

/* Code points in @s (valid UTF-8). */
size_t iod_utf8_len(const char *s);

bool iod_uspace(uint32_t cp);

/* Bytes of the whitespace run at the start of @s (valid UTF-8). */
size_t iod_uspace_span(const char *s);

#endif /* IODIRTY_COLLECT_UTF8_H */
