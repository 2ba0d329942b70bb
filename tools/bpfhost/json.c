/* SPDX-License-Identifier: MIT */
/*
 * Streaming JSON writer (see json.h). Each open container is one level on
 * a small stack holding whether it already has an element; the separator
 * and, in pretty mode, the newline and indentation are written before each
 * element. Names set a flag so the following value is not separated again.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "json.h"

#define JSON_MAX_DEPTH 64

struct json_writer {
	FILE *out;
	bool pretty;
	bool after_name;
	bool written;
	int depth;
	bool has_elem[JSON_MAX_DEPTH];
};

struct json_writer *json_new(FILE *out, bool pretty)
{
	struct json_writer *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->out = out;
	w->pretty = pretty;
	return w;
}

void json_destroy(struct json_writer *w)
{
	if (!w)
		return;
	if (w->written)
		fputc('\n', w->out);
	fflush(w->out);
	free(w);
}

static void indent(struct json_writer *w)
{
	int i;

	fputc('\n', w->out);
	for (i = 0; i < w->depth; i++)
		fputs("    ", w->out);
}

/* Separator before a new element (value or name) at the current level. */
static void begin_elem(struct json_writer *w)
{
	int lvl;

	w->written = true;
	if (w->after_name) {
		w->after_name = false;
		return;
	}
	if (w->depth == 0)
		return;
	/* the CLI nests a few levels; deeper ones only must not overflow */
	lvl = w->depth < JSON_MAX_DEPTH ? w->depth - 1 : JSON_MAX_DEPTH - 1;
	if (w->has_elem[lvl])
		fputc(',', w->out);
	w->has_elem[lvl] = true;
	if (w->pretty)
		indent(w);
}

static void open_container(struct json_writer *w, char c)
{
	begin_elem(w);
	fputc(c, w->out);
	if (w->depth < JSON_MAX_DEPTH)
		w->has_elem[w->depth] = false;
	w->depth++;
}

static void close_container(struct json_writer *w, char c)
{
	bool had = w->depth > 0 && w->depth <= JSON_MAX_DEPTH && w->has_elem[w->depth - 1];

	if (w->depth > 0)
		w->depth--;
	if (w->pretty && had)
		indent(w);
	fputc(c, w->out);
}

void json_start_object(struct json_writer *w)
{
	open_container(w, '{');
}

void json_end_object(struct json_writer *w)
{
	close_container(w, '}');
}

void json_start_array(struct json_writer *w)
{
	open_container(w, '[');
}

void json_end_array(struct json_writer *w)
{
	close_container(w, ']');
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not valid. */
static int utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	int n, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static void write_escaped(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");

	fputc('"', out);
	while (*s) {
		int n;

		switch (*s) {
		case '"':
			fputs("\\\"", out);
			s++;
			continue;
		case '\\':
			fputs("\\\\", out);
			s++;
			continue;
		case '\n':
			fputs("\\n", out);
			s++;
			continue;
		case '\t':
			fputs("\\t", out);
			s++;
			continue;
		case '\r':
			fputs("\\r", out);
			s++;
			continue;
		default:
			break;
		}
		if (*s < 0x20 || *s == 0x7f) {
			fprintf(out, "\\u%04x", *s);
			s++;
			continue;
		}
		n = utf8_len(s);
		if (!n) {
			fputs("\\ufffd", out);
			s++;
			continue;
		}
		fwrite(s, 1, (size_t)n, out);
		s += n;
	}
	fputc('"', out);
}

void json_name(struct json_writer *w, const char *name)
{
	begin_elem(w);
	write_escaped(w->out, name);
	fputs(w->pretty ? ": " : ":", w->out);
	w->after_name = true;
}

void json_string(struct json_writer *w, const char *s)
{
	begin_elem(w);
	write_escaped(w->out, s);
}

void json_uint(struct json_writer *w, uint64_t v)
{
	begin_elem(w);
	fprintf(w->out, "%" PRIu64, v);
}

void json_int(struct json_writer *w, int64_t v)
{
	begin_elem(w);
	fprintf(w->out, "%" PRId64, v);
}

void json_bool(struct json_writer *w, bool v)
{
	begin_elem(w);
	fputs(v ? "true" : "false", w->out);
}

void json_null(struct json_writer *w)
{
	begin_elem(w);
	fputs("null", w->out);
}

void json_string_field(struct json_writer *w, const char *name, const char *s)
{
	json_name(w, name);
	json_string(w, s);
}

void json_uint_field(struct json_writer *w, const char *name, uint64_t v)
{
	json_name(w, name);
	json_uint(w, v);
}

void json_int_field(struct json_writer *w, const char *name, int64_t v)
{
	json_name(w, name);
	json_int(w, v);
}

void json_bool_field(struct json_writer *w, const char *name, bool v)
{
	json_name(w, name);
	json_bool(w, v);
}
