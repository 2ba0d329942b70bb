/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the command groups: error reporting (text or JSON),
 * keyword and number parsing, whole-file I/O and reading a program from
 * raw instruction bytes or assembly source.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "main.h"

static char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

static void emit_error(const char *msg)
{
	if (json_output) {
		/* a fresh object of its own: errors come before any result */
		struct json_writer *w = json_new(stdout, pretty_output);

		if (!w)
			return;
		json_start_object(w);
		json_string_field(w, "error", msg);
		cli_json_warnings(w); /* what the runtime said on the way */
		json_end_object(w);
		json_destroy(w);
		return;
	}
	fprintf(stderr, "Error: %s\n", msg);
}

void p_err(const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = vformat(fmt, ap);
	va_end(ap);
	emit_error(msg ? msg : "out of memory formatting an error message");
	free(msg);
}

void p_err_log(const char *prefix, const char *log, const char *fmt, ...)
{
	size_t len = log ? strlen(log) : 0;
	char *summary, *msg = NULL;
	const char *nl;
	va_list ap;
	int n;

	va_start(ap, fmt);
	summary = vformat(fmt, ap);
	va_end(ap);
	while (len && (log[len - 1] == '\n' || log[len - 1] == ' '))
		len--;
	nl = len ? memchr(log, '\n', len) : NULL;
	if (!len)
		n = asprintf(&msg, "%s", summary ? summary : "error");
	else if (!nl)
		n = asprintf(&msg, "%s%.*s", prefix ? prefix : "", (int)len, log);
	else
		n = asprintf(&msg, "%s:\n%.*s", summary ? summary : "error", (int)len, log);
	emit_error(n >= 0 ? msg : "out of memory formatting an error message");
	if (n >= 0)
		free(msg);
	free(summary);
}

void p_info(const char *fmt, ...)
{
	va_list ap;

	if (json_output)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool is_prefix(const char *arg, const char *word)
{
	size_t n = strlen(arg);

	return n && !strncmp(arg, word, n);
}

int match_word(const char *arg, const char *const *words, const char *what)
{
	int i, found = -1, nfound = 0;

	for (i = 0; words[i]; i++) {
		if (!strcmp(arg, words[i]))
			return i;
		if (is_prefix(arg, words[i])) {
			found = i;
			nfound++;
		}
	}
	if (nfound == 1)
		return found;
	if (nfound == 0) {
		char list[256] = "";
		size_t off = 0;

		for (i = 0; words[i] && off < sizeof(list); i++)
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
						i ? ", " : "", words[i]);
		p_err("unknown %s '%s' (expected one of: %s)", what, arg, list);
	} else {
		char list[256] = "";
		size_t off = 0;

		for (i = 0; words[i] && off < sizeof(list); i++)
			if (is_prefix(arg, words[i]))
				off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
							off ? ", " : "", words[i]);
		p_err("ambiguous %s '%s' (could be: %s)", what, arg, list);
	}
	return -1;
}

int parse_u64(const char *s, const char *what, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull accepts leading space and a minus sign: refuse both */
	if (!*s || !(s[0] >= '0' && s[0] <= '9')) {
		p_err("invalid %s '%s': expected a non-negative number", what, s);
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10);
	if (*end || end == s) {
		p_err("invalid %s '%s': expected a non-negative number", what, s);
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		p_err("invalid %s '%s': must be between %llu and %llu", what, s,
		      (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

int read_file(const char *path, size_t max, char **bufp, size_t *lenp)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 0, len = 0;
	char *buf = NULL;

	if (!f) {
		p_err("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t n;

		if (cap - len < 2) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *nb = realloc(buf, ncap);

			if (!nb) {
				p_err("'%s': out of memory after %zu bytes", path, len);
				goto fail;
			}
			buf = nb;
			cap = ncap;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
		if (len > max) {
			p_err("'%s' is larger than the limit of %zu bytes", path, max);
			goto fail;
		}
	}
	if (ferror(f)) {
		p_err("cannot read '%s': %s", path, strerror(errno));
		goto fail;
	}
	if (f != stdin)
		fclose(f);
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	if (f != stdin)
		fclose(f);
	free(buf);
	return -1;
}

int write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;

	if (!f) {
		p_err("cannot create '%s': %s", path, strerror(errno));
		return -1;
	}
	if ((len && fwrite(buf, 1, len, f) != len) || fflush(f)) {
		p_err("cannot write '%s': %s", path, strerror(errno));
		if (f != stdout)
			fclose(f);
		return -1;
	}
	if (f != stdout && fclose(f)) {
		p_err("cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcmp(s + n - m, suffix);
}

bool is_asm_name(const char *path)
{
	return ends_with(path, ".s") || ends_with(path, ".asm");
}

int insns_from_bytes(const char *path, const void *buf, size_t len, struct bpfhost_insn **insns,
		     size_t *cnt)
{
	const unsigned char *b = buf;
	struct bpfhost_insn *p;
	size_t i, n = len / 8;

	if (len == 0) {
		p_err("'%s' is empty: expected eBPF instructions (8 bytes each)", path);
		return -1;
	}
	if (len % 8) {
		p_err("'%s' has %zu bytes, not a multiple of 8: not raw eBPF instructions", path,
		      len);
		return -1;
	}
	p = calloc(n, sizeof(*p));
	if (!p) {
		p_err("'%s': out of memory for %zu instructions", path, n);
		return -1;
	}
	/* explicit little-endian decoding: independent of host byte order */
	for (i = 0; i < n; i++, b += 8) {
		p[i].code = b[0];
		p[i].dst_reg = b[1] & 0x0f;
		p[i].src_reg = b[1] >> 4;
		p[i].off = (int16_t)(uint16_t)(b[2] | b[3] << 8);
		p[i].imm = (int32_t)((uint32_t)b[4] | (uint32_t)b[5] << 8 | (uint32_t)b[6] << 16 |
				     (uint32_t)b[7] << 24);
	}
	*insns = p;
	*cnt = n;
	return 0;
}

void insns_to_bytes(const struct bpfhost_insn *insns, size_t cnt, unsigned char *out)
{
	size_t i;

	for (i = 0; i < cnt; i++, out += 8) {
		uint16_t off = (uint16_t)insns[i].off;
		uint32_t imm = (uint32_t)insns[i].imm;

		out[0] = insns[i].code;
		out[1] = (uint8_t)(insns[i].dst_reg | insns[i].src_reg << 4);
		out[2] = (uint8_t)off;
		out[3] = (uint8_t)(off >> 8);
		out[4] = (uint8_t)imm;
		out[5] = (uint8_t)(imm >> 8);
		out[6] = (uint8_t)(imm >> 16);
		out[7] = (uint8_t)(imm >> 24);
	}
}

int assemble_text(const char *path, const char *text, size_t len, struct bpfhost_insn **insns,
		  size_t *cnt)
{
	size_t log_size = 64 * 1024;
	struct bpfhost_insn *out = NULL, *copy;
	char *log = NULL;
	size_t n = 0;
	int err;

	for (;;) {
		BPFHOST_OPTS_INIT(bpfhost_asm_opts, opts, .filename = path);
		char *nl = realloc(log, log_size);

		if (!nl) {
			p_err("'%s': out of memory", path);
			free(log);
			return -1;
		}
		log = nl;
		log[0] = '\0';
		opts.log_buf = log;
		opts.log_size = log_size;
		err = bpfhost_asm(text, len, &out, &n, &opts);
		/* the log did not fit: assemble again with room for all of it */
		if (err && opts.log_true_size > log_size) {
			log_size = opts.log_true_size;
			continue;
		}
		break;
	}
	if (err) {
		p_err_log("", log, "cannot assemble '%s'", path);
		free(log);
		return -1;
	}
	free(log);
	if (!n) {
		p_err("'%s' contains no instructions", path);
		bpfhost_insns_free(out);
		return -1;
	}
	copy = malloc(n * sizeof(*copy));
	if (!copy) {
		p_err("'%s': out of memory", path);
		bpfhost_insns_free(out);
		return -1;
	}
	memcpy(copy, out, n * sizeof(*copy));
	bpfhost_insns_free(out);
	*insns = copy;
	*cnt = n;
	return 0;
}

int read_prog_file(const char *path, struct bpfhost_insn **insns, size_t *cnt)
{
	char *buf;
	size_t len;
	int err;

	if (read_file(path, MAX_PROG_FILE, &buf, &len))
		return -1;
	if (is_asm_name(path))
		err = assemble_text(path, buf, len, insns, cnt);
	else
		err = insns_from_bytes(path, buf, len, insns, cnt);
	free(buf);
	return err;
}
