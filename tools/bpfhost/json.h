/* SPDX-License-Identifier: MIT */
/*
 * A small streaming JSON writer for the CLI.
 *
 * The writer keeps a stack of open containers and whether each already has
 * a member, so callers only say what comes next (object, array, name,
 * value) and the commas, indentation (pretty mode) and string escaping are
 * handled here. Strings are written as valid JSON whatever the input bytes:
 * invalid UTF-8 becomes U+FFFD.
 */
#ifndef BPFHOST_CLI_JSON_H
#define BPFHOST_CLI_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json_writer;

struct json_writer *json_new(FILE *out, bool pretty);
/* Ends the output with a newline if anything was written; frees w. */
void json_destroy(struct json_writer *w);

void json_start_object(struct json_writer *w);
void json_end_object(struct json_writer *w);
void json_start_array(struct json_writer *w);
void json_end_array(struct json_writer *w);
/* Member name inside an object; the next value call gives its value. */
void json_name(struct json_writer *w, const char *name);

void json_string(struct json_writer *w, const char *s);
void json_uint(struct json_writer *w, uint64_t v);
void json_int(struct json_writer *w, int64_t v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/* name + value in one call */
void json_string_field(struct json_writer *w, const char *name, const char *s);
void json_uint_field(struct json_writer *w, const char *name, uint64_t v);
void json_int_field(struct json_writer *w, const char *name, int64_t v);
void json_bool_field(struct json_writer *w, const char *name, bool v);

#endif /* BPFHOST_CLI_JSON_H */
