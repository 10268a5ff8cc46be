// SPDX-License-Identifier: GPL-2.0
/*
 * The report detect prints: ordered key/value pairs, as "key: value" lines
 * or as one flat JSON object of strings.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

struct probe_kv {
	struct {
		char *key, *val;
	} *items;
	int n, cap;
};

struct probe_kv *probe_kv_new(void)
{
	return calloc(1, sizeof(struct probe_kv));
}

void probe_kv_free(struct probe_kv *kv)
{
	int i;

	if (!kv)
		return;
	for (i = 0; i < kv->n; i++) {
		free(kv->items[i].key);
		free(kv->items[i].val);
	}
	free(kv->items);
	free(kv);
}

void probe_kv_add(struct probe_kv *kv, const char *key, const char *fmt, ...)
{
	char *val = NULL;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&val, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return;
	if (kv->n == kv->cap) {
		int cap = kv->cap ? kv->cap * 2 : 32;
		void *p = realloc(kv->items, cap * sizeof(*kv->items));

		if (!p) {
			free(val);
			return;
		}
		kv->items = p;
		kv->cap = cap;
	}
	kv->items[kv->n].key = strdup(key);
	kv->items[kv->n].val = val;
	kv->n++;
}

const char *probe_kv_get(const struct probe_kv *kv, const char *key)
{
	int i;

	for (i = 0; i < kv->n; i++)
		if (!strcmp(kv->items[i].key, key))
			return kv->items[i].val;
	return NULL;
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void probe_kv_print(const struct probe_kv *kv, bool json, FILE *f)
{
	int i;

	if (!json) {
		for (i = 0; i < kv->n; i++)
			fprintf(f, "%s: %s\n", kv->items[i].key, kv->items[i].val);
		return;
	}
	fputs("{\n", f);
	for (i = 0; i < kv->n; i++) {
		fputs("  ", f);
		json_string(f, kv->items[i].key);
		fputs(": ", f);
		json_string(f, kv->items[i].val);
		fputs(i + 1 < kv->n ? ",\n" : "\n", f);
	}
	fputs("}\n", f);
}
