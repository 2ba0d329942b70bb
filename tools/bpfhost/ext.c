/* SPDX-License-Identifier: MIT */
/*
 * The CLI's runtime instance and the extensions loaded into it with the
 * global option `--ext PATH.so` (repeatable, on any command).
 *
 * main() records each --ext path (cli_ext_add), then cli_runtime_init()
 * creates the instance and loads the extensions in the order given,
 * through bpfhost_extension__load. The instance's messages go through
 * rt_print: while an extension loads, warnings are collected so that a
 * failure becomes one `Error: ...` naming the file and the runtime's
 * reason (missing file, no entry symbol, refused extension); otherwise
 * they go to stderr like the library's other messages (info and debug
 * ones only with -d). In JSON mode warnings are never free text on
 * stderr: they are kept (cli_json_warnings) and folded into the
 * {"error": ...} object, or, after a successful command, written to
 * stderr as one {"warnings": [...]} object (with -d they are printed as
 * text as well).
 *
 * The extension objects resolve the bpfhost_* functions they call against
 * this executable, which is linked with the whole library and its public
 * symbols exported (see the Makefile).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

struct bpfhost *cli_rt;
bool cli_debug;

static const char **ext_paths;
static size_t nr_ext_paths;

/* warnings collected while an extension loads */
static char *capture;
static size_t capture_len;
static bool capturing;

int cli_ext_add(const char *path)
{
	const char **v;

	if (!path || !*path) {
		p_err("option --ext needs a shared object path, got ''");
		return -1;
	}
	v = realloc(ext_paths, (nr_ext_paths + 1) * sizeof(*v));
	if (!v) {
		p_err("out of memory");
		return -1;
	}
	ext_paths = v;
	ext_paths[nr_ext_paths++] = path;
	return 0;
}

static void capture_text(const char *fmt, va_list ap)
{
	char *s = NULL, *n;
	int len = vasprintf(&s, fmt, ap);

	if (len <= 0)
		return;
	n = realloc(capture, capture_len + (size_t)len + 1);
	if (n) {
		capture = n;
		memcpy(capture + capture_len, s, (size_t)len + 1);
		capture_len += (size_t)len;
	}
	free(s);
}

/* JSON mode: warnings of the running command, until they are written. */
static char *warnings;
static size_t warnings_len;

static void keep_warning(const char *fmt, va_list ap)
{
	char *s = NULL, *n;
	int len = vasprintf(&s, fmt, ap);

	if (len <= 0) {
		free(s);
		return;
	}
	n = realloc(warnings, warnings_len + (size_t)len + 2);
	if (n) {
		warnings = n;
		memcpy(warnings + warnings_len, s, (size_t)len + 1);
		warnings_len += (size_t)len;
		if (warnings[warnings_len - 1] != '\n') {
			warnings[warnings_len++] = '\n';
			warnings[warnings_len] = '\0';
		}
	}
	free(s);
}

bool cli_json_warnings(struct json_writer *w)
{
	char *line, *save = NULL;

	if (!warnings_len)
		return false;
	json_name(w, "warnings");
	json_start_array(w);
	for (line = strtok_r(warnings, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		json_string(w, line);
	json_end_array(w);
	warnings_len = 0;
	warnings[0] = '\0';
	return true;
}

void cli_json_warnings_flush(void)
{
	struct json_writer *w;

	if (!warnings_len)
		return;
	w = json_new(stderr, pretty_output);
	if (!w)
		return;
	json_start_object(w);
	cli_json_warnings(w);
	json_end_object(w);
	json_destroy(w);
}

static int rt_print(enum bpfhost_print_level level, const char *fmt, va_list ap)
{
	va_list aq;

	if (json_output && !capturing && level == BPFHOST_WARN) {
		va_copy(aq, ap);
		keep_warning(fmt, aq);
		va_end(aq);
		if (!cli_debug)
			return 0;
	}

	if (capturing && level == BPFHOST_WARN) {
		va_copy(aq, ap);
		capture_text(fmt, aq);
		va_end(aq);
		if (!cli_debug)
			return 0;
	}
	if (level != BPFHOST_WARN && !cli_debug)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* The last non-empty line of the captured text, without its newline. */
static const char *last_line(char *text)
{
	char *end, *start;

	if (!text)
		return NULL;
	end = text + strlen(text);
	while (end > text && (end[-1] == '\n' || end[-1] == ' '))
		*--end = '\0';
	if (end == text)
		return NULL;
	start = strrchr(text, '\n');
	return start ? start + 1 : text;
}

static int load_one(const char *path)
{
	struct bpfhost_extension *ext;
	const char *why;
	int err;

	capture_len = 0;
	if (capture)
		capture[0] = '\0';
	capturing = true;
	ext = bpfhost_extension__load(cli_rt, path);
	err = errno;
	capturing = false;
	if (ext)
		return 0;
	why = last_line(capture);
	if (!why)
		p_err("cannot load extension '%s': %s", path, strerror(err));
	else if (strstr(why, path))
		p_err("%s", why);
	else
		p_err("%s: %s", path, why);
	return -1;
}

int cli_runtime_init(void)
{
	BPFHOST_OPTS_INIT(bpfhost_opts, o, .print = rt_print);
	size_t i;

	cli_rt = bpfhost__new(&o);
	if (!cli_rt) {
		p_err("cannot create a runtime instance: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < nr_ext_paths; i++)
		if (load_one(ext_paths[i]))
			return -1;
	return 0;
}

void cli_runtime_fini(void)
{
	bpfhost__free(cli_rt);
	cli_rt = NULL;
	free(ext_paths);
	ext_paths = NULL;
	nr_ext_paths = 0;
	free(capture);
	capture = NULL;
	free(warnings);
	warnings = NULL;
	warnings_len = 0;
}
