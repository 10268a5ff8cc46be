// SPDX-License-Identifier: GPL-2.0
/* Text as the report writes it: always valid UTF-8 (utf8.h). */
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "utf8.h"

/* Sequence length a lead byte announces (Perl's UTF8SKIP, extended forms). */
static size_t lead_len(unsigned char b)
{
	if (b < 0xc0)
		return 1;
	if (b < 0xe0)
		return 2;
	if (b < 0xf0)
		return 3;
	if (b < 0xf8)
		return 4;
	if (b < 0xfc)
		return 5;
	if (b < 0xfe)
		return 6;
	return b == 0xfe ? 7 : 13;
}

static bool valid_cp(uint32_t cp, size_t n)
{
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };

	if (n > 4 || cp < min[n] || cp > 0x10ffff)
		return false;
	if (cp >= 0xd800 && cp <= 0xdfff)
		return false;
	if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe)
		return false;
	return true;
}

static char *put_cp(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

char *iod_utf8_decode(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	/* U+FFFD is 3 bytes and replaces at least one */
	char *d = collect_xrealloc(NULL, 3 * len + 1), *o = d;
	size_t i = 0, n, k;
	uint32_t cp;

	while (i < len) {
		if (p[i] < 0x80) {
			*o++ = (char)p[i++];
			continue;
		}
		n = lead_len(p[i]);
		cp = n == 1 ? 0 : p[i] & (0x7f >> n);
		for (k = 1; k < n && i + k < len && (p[i + k] & 0xc0) == 0x80; k++)
			cp = cp << 6 | (p[i + k] & 0x3f);
		if (n == 1 || k < n || !valid_cp(cp, n))
			cp = 0xfffd;
		o = put_cp(o, cp);
		i += k;
	}
	*o = '\0';
	return d;
}

char *iod_latin1_to_utf8(const char *s)
{
	char *d = collect_xrealloc(NULL, 2 * strlen(s) + 1), *o = d;

	for (; *s; s++)
		o = put_cp(o, (unsigned char)*s);
	*o = '\0';
	return d;
}

size_t iod_utf8_next(const char *s, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = lead_len(p[0]), k;

	if (n == 1) {
		*cp = p[0];
		return 1;
	}
	*cp = p[0] & (0x7f >> n);
	for (k = 1; k < n; k++)
		*cp = *cp << 6 | (p[k] & 0x3f);
	return n;
}

size_t iod_utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

bool iod_uspace(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 ||
	       cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
	       cp == 0x3000;
}

size_t iod_uspace_span(const char *s)
{
	size_t n = 0, k;
	uint32_t cp;

	while (s[n]) {
		k = iod_utf8_next(s + n, &cp);
		if (!iod_uspace(cp))
			break;
		n += k;
	}
	return n;
}
