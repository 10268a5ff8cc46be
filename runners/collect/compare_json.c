// SPDX-License-Identifier: GPL-2.0
/* Reading a results.json (compare_json.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_json.h"
#include "report.h"

/* Nesting deeper than this in a skipped value is refused. */
#define MAX_DEPTH 32

struct parser {
	const char *s, *end, *start;
	char *err;
	size_t errlen;
};

static int fail(struct parser *p, const char *fmt, ...)
{
	const char *c;
	size_t n;
	int line = 1;
	va_list ap;

	for (c = p->start; c < p->s && c < p->end; c++)
		line += *c == '\n';
	n = snprintf(p->err, p->errlen, "line %d: ", line);
	if (n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

static void skip_ws(struct parser *p)
{
	while (p->s < p->end && strchr(" \t\r\n", *p->s))
		p->s++;
}

/* The next significant character, or 0 at the end. */
static char peek(struct parser *p)
{
	skip_ws(p);
	return p->s < p->end ? *p->s : 0;
}

static int expect(struct parser *p, char c, const char *what)
{
	if (peek(p) != c)
		return p->s < p->end ?
			fail(p, "expected %s, found '%c'", what, *p->s) :
			fail(p, "expected %s, found the end of the file", what);
	p->s++;
	return 0;
}

static int hex4(struct parser *p, unsigned int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++, p->s++) {
		char c = p->s < p->end ? *p->s : 0;

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*v |= c - 'A' + 10;
		else
			return fail(p, "\\u needs four hex digits");
	}
	return 0;
}

static size_t utf8_put(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		o[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = 0xc0 | cp >> 6;
		o[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = 0xe0 | cp >> 12;
		o[1] = 0x80 | (cp >> 6 & 0x3f);
		o[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	o[0] = 0xf0 | cp >> 18;
	o[1] = 0x80 | (cp >> 12 & 0x3f);
	o[2] = 0x80 | (cp >> 6 & 0x3f);
	o[3] = 0x80 | (cp & 0x3f);
	return 4;
}

static int escape(struct parser *p, char *o, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	unsigned int cp, lo;
	const char *e;

	if (p->s >= p->end)
		return fail(p, "unterminated string");
	if (*p->s != 'u') {
		e = strchr(from, *p->s);
		if (!e || !*p->s)
			return fail(p, "unknown escape '\\%c' in a string", *p->s);
		o[(*n)++] = to[e - from];
		p->s++;
		return 0;
	}
	p->s++;
	if (hex4(p, &cp))
		return -1;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(p, "a lone low surrogate \\u%04x in a string", cp);
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (p->end - p->s < 2 || p->s[0] != '\\' || p->s[1] != 'u')
			return fail(p, "a high surrogate \\u%04x without its low half", cp);
		p->s += 2;
		if (hex4(p, &lo))
			return -1;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(p, "a high surrogate \\u%04x without its low half", cp);
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (!cp)
		return fail(p, "\\u0000 in a string");
	*n += utf8_put(o + *n, cp);
	return 0;
}

/* A JSON string at p->s; *out (malloc'd, NUL-terminated) when @out. */
static int string(struct parser *p, char **out)
{
	const char *q;
	char *o;
	size_t n = 0;

	if (expect(p, '"', "a string"))
		return -1;
	for (q = p->s; q < p->end && *q != '"'; q++)
		if (*q == '\\')
			q++;
	/* Every escape shrinks or keeps its length (\uXXXX: 6 bytes, <= 4). */
	o = malloc(q - p->s + 1);
	if (!o)
		return fail(p, "out of memory");
	while (p->s < p->end && *p->s != '"') {
		unsigned char c = *p->s;

		if (c < 0x20) {
			free(o);
			return fail(p, "a control character (0x%02x) in a string", c);
		}
		if (c == '\\') {
			p->s++;
			if (escape(p, o, &n)) {
				free(o);
				return -1;
			}
			continue;
		}
		o[n++] = c;
		p->s++;
	}
	if (p->s >= p->end) {
		free(o);
		return fail(p, "unterminated string");
	}
	p->s++;
	o[n] = 0;
	if (out)
		*out = o;
	else
		free(o);
	return 0;
}

static int skip_value(struct parser *p, int depth);

static int skip_container(struct parser *p, char close, bool keys, int depth)
{
	p->s++;
	if (peek(p) == close) {
		p->s++;
		return 0;
	}
	for (;;) {
		if (keys && (string(p, NULL) || expect(p, ':', "':'")))
			return -1;
		if (skip_value(p, depth + 1))
			return -1;
		if (peek(p) == close) {
			p->s++;
			return 0;
		}
		if (expect(p, ',', keys ? "',' or '}'" : "',' or ']'"))
			return -1;
	}
}

/* Any JSON value: a string, a number, true/false/null, an array, an object. */
static int skip_value(struct parser *p, int depth)
{
	static const char *const words[] = { "true", "false", "null" };
	const char *q;
	size_t i;
	char c = peek(p);

	if (depth > MAX_DEPTH)
		return fail(p, "values nested deeper than %d", MAX_DEPTH);
	if (c == '"')
		return string(p, NULL);
	if (c == '[')
		return skip_container(p, ']', false, depth);
	if (c == '{')
		return skip_container(p, '}', true, depth);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t l = strlen(words[i]);

		if ((size_t)(p->end - p->s) >= l && !memcmp(p->s, words[i], l)) {
			p->s += l;
			return 0;
		}
	}
	q = p->s;
	while (p->s < p->end && strchr("+-.0123456789eE", *p->s) && *p->s)
		p->s++;
	if (p->s == q || (*q != '-' && (*q < '0' || *q > '9')))
		return fail(p, "expected a value");
	return 0;
}

static void rec_free(struct iod_cmp_rec *r)
{
	free(r->flavour);
	free(r->suite);
	free(r->program);
	free(r->name);
	free(r->status);
	free(r->reason);
}

static bool known_status(const char *s)
{
	int i;

	for (i = 0; i < IOD_NSTATUS; i++)
		if (!strcmp(s, iod_status_name[i]))
			return true;
	return false;
}

/* The value of @key goes to *slot when it is one the record holds. */
static char **slot_of(struct iod_cmp_rec *r, const char *key)
{
	if (!strcmp(key, "flavour"))
		return &r->flavour;
	if (!strcmp(key, "suite"))
		return &r->suite;
	if (!strcmp(key, "program"))
		return &r->program;
	if (!strcmp(key, "case"))
		return &r->name;
	if (!strcmp(key, "status"))
		return &r->status;
	if (!strcmp(key, "reason"))
		return &r->reason;
	return NULL;
}

static int check_record(struct parser *p, struct iod_cmp_rec *r, size_t idx)
{
	static const char *const need[] = {
		"flavour", "suite", "program", "case", "status",
	};
	size_t i;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!*slot_of(r, need[i]))
			return fail(p, "record %zu has no \"%s\" string", idx + 1,
				    need[i]);
	if (!known_status(r->status))
		return fail(p, "record %zu: unknown status \"%s\"", idx + 1,
			    r->status);
	if (!r->reason) {
		r->reason = strdup("");
		if (!r->reason)
			return fail(p, "out of memory");
	}
	return 0;
}

static int record(struct parser *p, struct iod_cmp_rec *r, size_t idx)
{
	char *key, **slot;

	if (expect(p, '{', "'{' (a case's record)"))
		return -1;
	if (peek(p) == '}') {
		p->s++;
		return check_record(p, r, idx);
	}
	for (;;) {
		if (string(p, &key))
			return -1;
		slot = slot_of(r, key);
		if (slot && *slot) {
			fail(p, "record %zu has \"%s\" twice", idx + 1, key);
			free(key);
			return -1;
		}
		free(key);
		if (expect(p, ':', "':'"))
			return -1;
		if (slot && peek(p) == '"') {
			if (string(p, slot))
				return -1;
		} else if (skip_value(p, 1)) {
			return -1;
		}
		if (peek(p) == '}') {
			p->s++;
			return check_record(p, r, idx);
		}
		if (expect(p, ',', "',' or '}'"))
			return -1;
	}
}

static int push(struct parser *p, struct iod_cmp_recs *out,
		struct iod_cmp_rec *r)
{
	if (out->n == out->cap) {
		size_t cap = out->cap ? 2 * out->cap : 64;
		struct iod_cmp_rec *v = realloc(out->v, cap * sizeof(*v));

		if (!v)
			return fail(p, "out of memory");
		out->v = v;
		out->cap = cap;
	}
	out->v[out->n++] = *r;
	return 0;
}

int iod_cmp_parse(const char *text, size_t len, struct iod_cmp_recs *out,
		  char *err, size_t errlen)
{
	struct parser p = {
		.s = text, .start = text, .end = text + len,
		.err = err, .errlen = errlen,
	};
	struct iod_cmp_rec r;

	if (memchr(text, 0, len))
		return fail(&p, "a NUL byte: this is not a JSON text");
	if (expect(&p, '[', "'[' (results.json is an array of records)"))
		return -1;
	if (peek(&p) == ']') {
		p.s++;
	} else {
		for (;;) {
			memset(&r, 0, sizeof(r));
			if (record(&p, &r, out->n) || push(&p, out, &r)) {
				rec_free(&r);
				return -1;
			}
			if (peek(&p) == ']') {
				p.s++;
				break;
			}
			if (expect(&p, ',', "',' or ']'"))
				return -1;
		}
	}
	if (peek(&p))
		return fail(&p, "text after the closing ']'");
	return 0;
}

void iod_cmp_recs_free(struct iod_cmp_recs *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		rec_free(&r->v[i]);
	free(r->v);
	memset(r, 0, sizeof(*r));
}
