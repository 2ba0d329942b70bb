/* SPDX-License-Identifier: MIT */
/*
 * ".data" test-file reader (format in datafile.h).
 *
 * The text is walked line by line with a small state machine: a header line
 * selects the section, and each content line is handed to that section's
 * parser. Nothing is trusted: every number is range-checked, every byte must
 * be two hex digits, and the first problem stops parsing with its line.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "datafile.h"

enum section {
	SEC_NONE,
	SEC_ASM,
	SEC_RAW,
	SEC_MEM,
	SEC_RESULT,
	SEC_ERROR,
	SEC_IGNORE,
};

struct buf {
	char *p;
	size_t len, cap;
};

struct parser {
	struct bh_datafile *df;
	char *err;
	size_t err_sz;
	int line;
	enum section sec;
	int sec_line[SEC_IGNORE]; /* header line of each section seen, 0 if none */
	struct buf asm_buf, err_buf, mem_buf, raw_buf;
};

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (p->err && p->err_sz) {
		n = snprintf(p->err, p->err_sz, "line %d: ", p->line);
		if (n >= 0 && (size_t)n < p->err_sz) {
			va_start(ap, fmt);
			vsnprintf(p->err + n, p->err_sz - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return -EINVAL;
}

static int buf_add(struct buf *b, const void *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np)
			return -ENOMEM;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Next whitespace-separated token of *s (NUL-terminated in place), or NULL. */
static char *next_token(char **s)
{
	char *t = *s;

	while (*t && is_space(*t))
		t++;
	if (!*t) {
		*s = t;
		return NULL;
	}
	*s = t;
	while (**s && !is_space(**s))
		(*s)++;
	if (**s)
		*(*s)++ = '\0';
	return t;
}

static bool parse_hex_byte(const char *t, uint8_t *out)
{
	int hi, lo;

	if (strlen(t) != 2)
		return false;
	hi = hex_val(t[0]);
	lo = hex_val(t[1]);
	if (hi < 0 || lo < 0)
		return false;
	*out = (uint8_t)(hi << 4 | lo);
	return true;
}

/* "0x" hex (up to 16 digits) or decimal; '-' allowed for decimal if neg_ok. */
static bool parse_u64(const char *t, bool neg_ok, uint64_t *out)
{
	uint64_t v = 0;
	bool neg = false;

	if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
		const char *d = t + 2;
		size_t n = 0;

		if (!*d)
			return false;
		while (*d == '0')
			d++;
		for (; *d; d++, n++) {
			int h = hex_val(*d);

			if (h < 0 || n >= 16)
				return false;
			v = v << 4 | (uint64_t)h;
		}
		*out = v;
		return true;
	}
	if (*t == '-' && neg_ok) {
		neg = true;
		t++;
	}
	if (!*t)
		return false;
	for (; *t; t++) {
		if (*t < '0' || *t > '9')
			return false;
		if (v > (UINT64_MAX - (uint64_t)(*t - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*t - '0');
	}
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return false;
		v = (uint64_t)0 - v;
	}
	*out = v;
	return true;
}

static int open_section(struct parser *p, const char *name)
{
	static const struct {
		const char *name;
		enum section sec;
	} known[] = {
		{ "asm", SEC_ASM },	  { "raw", SEC_RAW },	  { "mem", SEC_MEM },
		{ "result", SEC_RESULT }, { "error", SEC_ERROR },
	};
	size_t i;

	p->sec = SEC_IGNORE; /* "c", "no register offset" and unknown notes */
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcmp(name, known[i].name))
			continue;
		if (p->sec_line[known[i].sec])
			return fail(p, "second '-- %s' section (the first is at line %d)", name,
				    p->sec_line[known[i].sec]);
		p->sec = known[i].sec;
		p->sec_line[p->sec] = p->line;
		break;
	}
	if (p->sec == SEC_ASM) {
		/* pad so that line numbers of the asm text are those of the file */
		int k;

		p->df->has_asm = true;
		p->df->asm_line = p->line;
		if (buf_add(&p->asm_buf, "", 0))
			return -ENOMEM;
		for (k = 0; k < p->line; k++)
			if (buf_add(&p->asm_buf, "\n", 1))
				return -ENOMEM;
	}
	return 0;
}

static int raw_line(struct parser *p, char *s)
{
	char *tok[9];
	uint8_t bytes[8];
	int n = 0, i;

	while (n < 9 && (tok[n] = next_token(&s)) != NULL)
		n++;
	if (n == 1) {
		uint64_t v;

		if (!parse_u64(tok[0], false, &v))
			return fail(p, "raw: '%s' is not a 64-bit number (0x hex or decimal)",
				    tok[0]);
		for (i = 0; i < 8; i++)
			bytes[i] = (uint8_t)(v >> (8 * i));
	} else if (n == 8) {
		for (i = 0; i < 8; i++)
			if (!parse_hex_byte(tok[i], &bytes[i]))
				return fail(p, "raw: byte %d '%s' is not two hex digits", i + 1,
					    tok[i]);
	} else {
		return fail(p,
			    "raw: expected one 64-bit number or 8 hex bytes per line, got %s%d "
			    "fields",
			    n > 8 ? "more than " : "", n > 8 ? 8 : n);
	}
	return buf_add(&p->raw_buf, bytes, 8);
}

static int mem_line(struct parser *p, char *s)
{
	char *t;
	uint8_t b;

	while ((t = next_token(&s)) != NULL) {
		if (!parse_hex_byte(t, &b))
			return fail(p, "mem: '%s' is not a hex byte (two hex digits)", t);
		if (buf_add(&p->mem_buf, &b, 1))
			return -ENOMEM;
	}
	return 0;
}

static int result_line(struct parser *p, char *s)
{
	char *t = next_token(&s);

	if (p->df->has_result)
		return fail(p, "result: a second value (the result is one number)");
	if (!parse_u64(t, true, &p->df->result))
		return fail(p, "result: '%s' is not a 64-bit number (0x hex or decimal)", t);
	if (next_token(&s))
		return fail(p, "result: extra text after the value");
	p->df->has_result = true;
	return 0;
}

/* Handle one line (NUL-terminated, CR and comment already removed). */
static int one_line(struct parser *p, char *s, size_t n)
{
	char *t = s;

	while (*t && is_space(*t))
		t++;
	if (t[0] == '-' && t[1] == '-') {
		char *name = t + 2, *end;

		while (*name && is_space(*name))
			name++;
		end = name + strlen(name);
		while (end > name && is_space(end[-1]))
			*--end = '\0';
		return open_section(p, name);
	}
	if (p->sec == SEC_ASM)
		return buf_add(&p->asm_buf, s, n) || buf_add(&p->asm_buf, "\n", 1) ? -ENOMEM : 0;
	if (!*t)
		return 0;
	switch (p->sec) {
	case SEC_NONE:
		return fail(p, "text outside any section (expected a '-- asm', '-- raw', ... "
			       "header first)");
	case SEC_RAW:
		return raw_line(p, t);
	case SEC_MEM:
		return mem_line(p, t);
	case SEC_RESULT:
		return result_line(p, t);
	case SEC_ERROR: {
		char *end = t + strlen(t);

		while (end > t && is_space(end[-1]))
			end--;
		if (p->err_buf.len && buf_add(&p->err_buf, "\n", 1))
			return -ENOMEM;
		return buf_add(&p->err_buf, t, (size_t)(end - t));
	}
	default:
		return 0;
	}
}

/* Instruction slot from its 8 little-endian bytes (host independent). */
static void decode_slot(const uint8_t *b, struct bpfhost_insn *insn)
{
	insn->code = b[0];
	insn->dst_reg = b[1] & 0x0f;
	insn->src_reg = b[1] >> 4;
	insn->off = (int16_t)(uint16_t)(b[2] | b[3] << 8);
	insn->imm = (int32_t)((uint32_t)b[4] | (uint32_t)b[5] << 8 | (uint32_t)b[6] << 16 |
			      (uint32_t)b[7] << 24);
}

static int finish(struct parser *p)
{
	struct bh_datafile *df = p->df;

	if (p->sec_line[SEC_RESULT] && !df->has_result) {
		p->line = p->sec_line[SEC_RESULT];
		return fail(p, "'-- result' section has no value");
	}
	if (df->has_asm) {
		df->asm_text = p->asm_buf.p;
		df->asm_len = p->asm_buf.len;
		p->asm_buf.p = NULL;
	}
	if (p->sec_line[SEC_RAW]) {
		df->has_raw = true;
		df->raw_cnt = p->raw_buf.len / 8;
		if (df->raw_cnt) {
			size_t i;

			df->raw = calloc(df->raw_cnt, sizeof(*df->raw));
			if (!df->raw)
				return -ENOMEM;
			for (i = 0; i < df->raw_cnt; i++)
				decode_slot((const uint8_t *)p->raw_buf.p + 8 * i, &df->raw[i]);
		}
	}
	if (p->sec_line[SEC_MEM]) {
		df->has_mem = true;
		df->mem_len = p->mem_buf.len;
		df->mem = (uint8_t *)p->mem_buf.p;
		p->mem_buf.p = NULL;
	}
	if (p->sec_line[SEC_ERROR]) {
		df->has_error = true;
		df->error = p->err_buf.p ? p->err_buf.p : strdup("");
		p->err_buf.p = NULL;
		if (!df->error)
			return -ENOMEM;
	}
	return 0;
}

int bh_datafile_parse(const char *text, size_t len, struct bh_datafile *df, char *err,
		      size_t err_sz)
{
	struct parser p = { .df = df, .err = err, .err_sz = err_sz };
	char *copy, *line;
	size_t pos = 0;
	int ret = 0;

	memset(df, 0, sizeof(*df));
	if (err && err_sz)
		err[0] = '\0';
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';
	while (pos < len && !ret) {
		size_t end = pos, n, i;
		char *hash;

		while (end < len && copy[end] != '\n')
			end++;
		p.line++;
		line = copy + pos;
		copy[end] = '\0';
		n = end - pos;
		pos = end + 1;
		if (strlen(line) != n) {
			ret = fail(&p, "NUL byte in the text");
			break;
		}
		hash = strchr(line, '#');
		if (hash) {
			*hash = '\0';
			n = (size_t)(hash - line);
		}
		/* drop CR (CRLF files, stray CRs) */
		for (i = 0; i < n;) {
			if (line[i] == '\r') {
				memmove(line + i, line + i + 1, n - i);
				n--;
			} else {
				i++;
			}
		}
		ret = one_line(&p, line, n);
	}
	if (!ret)
		ret = finish(&p);
	free(copy);
	free(p.asm_buf.p);
	free(p.err_buf.p);
	free(p.mem_buf.p);
	free(p.raw_buf.p);
	if (ret) {
		if (ret == -ENOMEM && err && err_sz)
			snprintf(err, err_sz, "out of memory");
		bh_datafile_free(df);
	}
	return ret;
}

int bh_datafile_load(const char *path, struct bh_datafile *df, char *err, size_t err_sz)
{
	FILE *f;
	struct buf b = { 0 };
	char chunk[4096];
	size_t n;
	int ret;

	memset(df, 0, sizeof(*df));
	f = fopen(path, "rb");
	if (!f) {
		ret = -errno;
		snprintf(err, err_sz, "cannot open: %s", strerror(errno));
		return ret;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_add(&b, chunk, n)) {
			fclose(f);
			free(b.p);
			snprintf(err, err_sz, "out of memory");
			return -ENOMEM;
		}
	}
	if (ferror(f)) {
		fclose(f);
		free(b.p);
		snprintf(err, err_sz, "read error");
		return -EIO;
	}
	fclose(f);
	ret = bh_datafile_parse(b.p ? b.p : "", b.len, df, err, err_sz);
	free(b.p);
	return ret;
}

void bh_datafile_free(struct bh_datafile *df)
{
	if (!df)
		return;
	free(df->asm_text);
	free(df->raw);
	free(df->mem);
	free(df->error);
	memset(df, 0, sizeof(*df));
}

/* ---- running a file's program ---- */

const char *bh_df_stage_name(enum bh_df_stage stage)
{
	switch (stage) {
	case BH_DF_ASM:
		return "asm";
	case BH_DF_VALIDATE:
		return "validate";
	case BH_DF_LOAD:
		return "load";
	case BH_DF_RUN:
		return "run";
	case BH_DF_OK:
		return "ok";
	}
	return "?";
}

const char *bh_df_errno_name(int err)
{
	static const struct {
		int e;
		const char *name;
	} names[] = {
		{ E2BIG, "E2BIG" },	      { ENOENT, "ENOENT" },
		{ EINVAL, "EINVAL" },	      { ENOMEM, "ENOMEM" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EFAULT, "EFAULT" },
		{ ERANGE, "ERANGE" },	      { EDOM, "EDOM" },
		{ ENOSPC, "ENOSPC" },	      { EPERM, "EPERM" },
		{ EACCES, "EACCES" },	      { ELOOP, "ELOOP" },
		{ ENOEXEC, "ENOEXEC" },	      { EOVERFLOW, "EOVERFLOW" },
		{ ETIMEDOUT, "ETIMEDOUT" },
	};
	static __thread char other[32];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == -err)
			return names[i].name;
	snprintf(other, sizeof(other), "errno %d", -err);
	return other;
}

static bool same_insn(const struct bpfhost_insn *a, const struct bpfhost_insn *b)
{
	return a->code == b->code && a->dst_reg == b->dst_reg && a->src_reg == b->src_reg &&
	       a->off == b->off && a->imm == b->imm;
}

int bh_datafile_program(const struct bh_datafile *df, const char *name, struct bpfhost_insn **insns,
			size_t *cnt, char *msg, size_t msg_sz)
{
	struct bpfhost_insn *a = NULL;
	size_t n = 0, i;
	int ret;

	*insns = NULL;
	*cnt = 0;
	if (msg && msg_sz)
		msg[0] = '\0';
	if (df->has_asm) {
		BPFHOST_OPTS_INIT(bpfhost_asm_opts, o, .filename = name, .log_buf = msg,
				  .log_size = msg_sz);

		ret = bpfhost_asm(df->asm_text, df->asm_len, &a, &n, &o);
		if (ret) {
			bpfhost_insns_free(a); /* NULL unless only the log failed */
			return ret == -ENOSPC ? -EINVAL : ret;
		}
		if (df->has_raw) {
			for (i = 0; i < n && i < df->raw_cnt; i++)
				if (!same_insn(&a[i], &df->raw[i]))
					break;
			if (i < n || i < df->raw_cnt) {
				snprintf(msg, msg_sz,
					 "%s: '-- asm' and '-- raw' differ at slot %zu (asm has "
					 "%zu slots, raw %zu)\n",
					 name, i, n, df->raw_cnt);
				bpfhost_insns_free(a);
				return -EINVAL;
			}
		}
	} else if (df->raw_cnt) {
		n = df->raw_cnt;
		a = calloc(n, sizeof(*a));
		if (!a)
			return -ENOMEM;
		memcpy(a, df->raw, n * sizeof(*a));
	}
	if (n) {
		/* hand back plain malloc'ed memory whatever produced it */
		*insns = malloc(n * sizeof(**insns));
		if (!*insns) {
			free(a);
			return -ENOMEM;
		}
		memcpy(*insns, a, n * sizeof(**insns));
	}
	if (df->has_asm)
		bpfhost_insns_free(a);
	else
		free(a);
	*cnt = n;
	return 0;
}

static uint64_t helper_identity(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
				void *ctx)
{
	return r1;
}

static const struct bpfhost_helper_def df_helpers[] = {
	{ .id = 5, .name = "identity", .fn = helper_identity },
};

void bh_datafile_execute(const struct bh_datafile *df, const char *name, struct bh_df_outcome *out)
{
	struct bpfhost_insn *insns = NULL;
	struct bpfhost_vm *vm = NULL;
	uint8_t *mem = NULL;
	size_t cnt = 0;
	int err;

	memset(out, 0, sizeof(*out));
	out->stage = BH_DF_ASM;
	out->err = bh_datafile_program(df, name, &insns, &cnt, out->msg, sizeof(out->msg));
	if (out->err)
		return;
	{
		BPFHOST_OPTS_INIT(bpfhost_validate_opts, o, .log_buf = out->msg,
				  .log_size = sizeof(out->msg));

		out->stage = BH_DF_VALIDATE;
		out->err = bpfhost_insns_validate(insns, cnt, &o);
		if (out->err)
			goto out;
	}
	{
		BPFHOST_OPTS_INIT(bpfhost_vm_opts, o, .helpers = df_helpers,
				  .helper_cnt = sizeof(df_helpers) / sizeof(df_helpers[0]),
				  .log_buf = out->msg, .log_size = sizeof(out->msg));

		out->stage = BH_DF_LOAD;
		vm = bpfhost_vm__load(insns, cnt, &o);
		if (!vm) {
			out->err = -errno;
			goto out;
		}
	}
	out->stage = BH_DF_RUN;
	if (df->mem_len) {
		mem = malloc(df->mem_len);
		if (!mem) {
			out->err = -ENOMEM;
			snprintf(out->msg, sizeof(out->msg), "out of memory");
			goto out;
		}
		memcpy(mem, df->mem, df->mem_len);
	}
	err = bpfhost_vm__run(vm, (uint64_t)(uintptr_t)mem, df->mem_len, &out->r0);
	if (err) {
		out->err = err;
		snprintf(out->msg, sizeof(out->msg), "%s: %s", bh_df_errno_name(err),
			 strerror(-err));
		goto out;
	}
	out->stage = BH_DF_OK;
	out->msg[0] = '\0';
out:
	bpfhost_vm__free(vm);
	free(mem);
	free(insns);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int bh_datafile_list(const char *dir, char ***names)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	int cnt = 0, cap = 0;

	*names = NULL;
	if (!d)
		return -errno;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		char path[4096];
		struct stat st;

		if (l <= 5 || strcmp(de->d_name + l - 5, ".data"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		if (cnt == cap) {
			char **nv = realloc(v, sizeof(*v) * (size_t)(cap ? cap * 2 : 64));

			if (!nv)
				goto oom;
			v = nv;
			cap = cap ? cap * 2 : 64;
		}
		v[cnt] = strdup(de->d_name);
		if (!v[cnt])
			goto oom;
		cnt++;
	}
	closedir(d);
	if (cnt)
		qsort(v, (size_t)cnt, sizeof(*v), cmp_names);
	*names = v;
	return cnt;
oom:
	closedir(d);
	bh_datafile_names_free(v, cnt);
	return -ENOMEM;
}

void bh_datafile_names_free(char **names, int cnt)
{
	int i;

	for (i = 0; i < cnt; i++)
		free(names[i]);
	free(names);
}
