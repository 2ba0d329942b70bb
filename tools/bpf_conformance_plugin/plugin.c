/* SPDX-License-Identifier: MIT */
/*
 * bpf_conformance plugin: lets the upstream bpf_conformance runner drive the
 * bpfhost engine.
 *
 *   bpf_conformance_plugin [<mem-hex>] [--engine interp] [--elf] [--help]
 *
 * Protocol (upstream runner): the optional first positional argument is the
 * input memory as hex bytes separated by whitespace; the program arrives on
 * stdin as whitespace-separated hex bytes, 8 per instruction slot, on one
 * newline-terminated line. The program runs with r1 = a private copy of the
 * memory (NULL when there is none), r2 = its length and helper 5 = identity;
 * r0 is printed as bare lowercase hex digits (the runner reads it with a
 * base-16 conversion) and the exit status is 0. Any failure prints one line
 * on stderr, nothing on stdout, and exits with 1 (2 for usage errors).
 *
 * Older runners pass an empty memory argument and all plugin options as one
 * argument ("--engine interp"); both are accepted.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpfhost/isa.h>

#define EXIT_FAIL 1
#define EXIT_USAGE 2
/* Largest program text accepted on stdin: the slot limit in "xx " form. */
#define MAX_STDIN ((size_t)BPFHOST_INSN_LIMIT_DEFAULT * 8 * 4)

static const char usage[] =
	"usage: bpf_conformance_plugin [<mem-hex>] [--engine interp] [--elf] [--help]\n"
	"\n"
	"Runs one eBPF program for the bpf_conformance runner. The program is read\n"
	"from stdin as hex bytes (8 per instruction); <mem-hex> is the input memory\n"
	"as hex bytes (e.g. \"aa  bb  01\"), passed to the program in r1 (pointer)\n"
	"and r2 (length). Prints r0 in hex and exits 0, or prints one error line on\n"
	"stderr and exits non-zero. Helper 5 returns its first argument.\n"
	"\n"
	"  --engine interp   execution engine (default: interp)\n"
	"  --elf             stdin holds an ELF object (not supported yet)\n"
	"  --help            this text\n";

static int die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("bpf_conformance_plugin: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
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

/*
 * Decode whitespace-separated hex: each group is an even number of hex
 * digits (normally two). On error returns -1 with the reason in why.
 */
static int hex_decode(const char *s, size_t len, uint8_t **out, size_t *out_len, char *why,
		      size_t why_sz)
{
	uint8_t *b = malloc(len / 2 + 1);
	size_t n = 0, i = 0;

	if (!b) {
		snprintf(why, why_sz, "out of memory");
		return -1;
	}
	while (i < len) {
		size_t start, digits;

		if (is_space(s[i])) {
			i++;
			continue;
		}
		start = i;
		while (i < len && !is_space(s[i]))
			i++;
		digits = i - start;
		for (size_t k = start; k < i; k++) {
			if (hex_val(s[k]) < 0) {
				if (s[k] == '\0')
					snprintf(why, why_sz, "NUL byte at offset %zu", k);
				else if (s[k] >= 0x20 && s[k] < 0x7f)
					snprintf(why, why_sz,
						 "'%c' at offset %zu is not a hex digit (byte %zu)",
						 s[k], k, n + (k - start) / 2);
				else
					snprintf(why, why_sz,
						 "byte 0x%02x at offset %zu is not a hex digit",
						 (unsigned char)s[k], k);
				free(b);
				return -1;
			}
		}
		if (digits % 2) {
			snprintf(why, why_sz,
				 "'%.*s' at offset %zu has an odd number of hex digits (%zu); "
				 "each byte is two",
				 digits > 20 ? 20 : (int)digits, s + start, start, digits);
			free(b);
			return -1;
		}
		for (size_t k = start; k < i; k += 2)
			b[n++] = (uint8_t)(hex_val(s[k]) << 4 | hex_val(s[k + 1]));
	}
	*out = b;
	*out_len = n;
	return 0;
}

static char *read_stdin(size_t *len, char *why, size_t why_sz)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	if (!buf) {
		snprintf(why, why_sz, "out of memory");
		return NULL;
	}
	for (;;) {
		size_t r;

		if (n == cap) {
			char *nb;

			if (cap >= MAX_STDIN) {
				snprintf(why, why_sz, "program text on stdin exceeds %zu bytes",
					 MAX_STDIN);
				free(buf);
				return NULL;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				snprintf(why, why_sz, "out of memory");
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		r = fread(buf + n, 1, cap - n, stdin);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(stdin)) {
		snprintf(why, why_sz, "cannot read stdin: %s", strerror(errno));
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static uint64_t helper_identity(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
				void *ctx)
{
	return r1;
}

static const struct bpfhost_helper_def helpers[] = {
	{ .id = 5, .name = "identity", .fn = helper_identity },
};

/* Make a multi-line engine log fit on one line. */
static void one_line(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	for (; *s; s++)
		if (*s == '\n')
			*s = ';';
}

struct args {
	const char *mem;
	bool have_mem;
	bool elf;
	const char *engine;
};

static int parse_option(struct args *a, char **words, int cnt, int *i)
{
	const char *w = words[*i];

	if (!strcmp(w, "--help") || !strcmp(w, "-h")) {
		fputs(usage, stdout);
		return -1;
	}
	if (!strcmp(w, "--elf")) {
		a->elf = true;
		return 0;
	}
	if (!strncmp(w, "--engine=", 9)) {
		a->engine = w + 9;
		return 0;
	}
	if (!strcmp(w, "--engine")) {
		if (*i + 1 >= cnt)
			return die(EXIT_USAGE, "--engine needs a value (interp)");
		a->engine = words[++*i];
		return 0;
	}
	return die(EXIT_USAGE, "unknown option '%s' (see --help)", w);
}

/* Split arguments that hold several words ("--engine interp" from old runners). */
static char **split_args(int argc, char **argv, int *cnt)
{
	char **words = calloc((size_t)argc * 2 + 1, sizeof(*words));
	int n = 0, i;

	if (!words)
		return NULL;
	for (i = 1; i < argc; i++) {
		char *a = argv[i];

		if (a[0] == '-' && a[1] == '-' && strpbrk(a, " \t")) {
			char *save = NULL, *w;
			char **nw;
			int room = n + (int)strlen(a) + argc + 1;

			nw = realloc(words, (size_t)room * sizeof(*words));
			if (!nw) {
				free(words);
				return NULL;
			}
			words = nw;
			for (w = strtok_r(a, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
				words[n++] = w;
		} else {
			words[n++] = a;
		}
	}
	*cnt = n;
	return words;
}

static int parse_args(struct args *a, int argc, char **argv)
{
	char **words;
	int cnt = 0, i, ret = 0;

	words = split_args(argc, argv, &cnt);
	if (!words)
		return die(EXIT_FAIL, "out of memory");
	for (i = 0; i < cnt && !ret; i++) {
		const char *w = words[i];

		if (w[0] == '-' && w[1]) {
			ret = parse_option(a, words, cnt, &i);
		} else if (!a->have_mem) {
			a->mem = w;
			a->have_mem = true;
		} else if (*w) {
			ret = die(EXIT_USAGE,
				  "unexpected argument '%.40s': memory was already given (see "
				  "--help)",
				  w);
		}
	}
	free(words);
	return ret;
}

static int run(const struct args *a)
{
	uint8_t *mem = NULL, *prog = NULL;
	size_t mem_len = 0, prog_len = 0, text_len = 0, i, cnt;
	struct bpfhost_insn *insns = NULL;
	struct bpfhost_vm *vm = NULL;
	char why[256], log[4096] = "";
	char *text = NULL;
	uint64_t r0 = 0;
	int ret = EXIT_FAIL, err;

	if (a->mem && hex_decode(a->mem, strlen(a->mem), &mem, &mem_len, why, sizeof(why))) {
		ret = die(EXIT_USAGE, "memory argument: %s", why);
		goto out;
	}
	if (!mem_len) {
		/* no bytes: the program gets r1 = NULL, r2 = 0 */
		free(mem);
		mem = NULL;
	}
	text = read_stdin(&text_len, why, sizeof(why));
	if (!text) {
		die(EXIT_FAIL, "%s", why);
		goto out;
	}
	if (hex_decode(text, text_len, &prog, &prog_len, why, sizeof(why))) {
		die(EXIT_FAIL, "program on stdin: %s", why);
		goto out;
	}
	if (!prog_len) {
		die(EXIT_FAIL, "program on stdin: no instructions (expected hex bytes, 8 per "
			       "instruction)");
		goto out;
	}
	if (prog_len % 8) {
		die(EXIT_FAIL,
		    "program on stdin: %zu bytes is not a whole number of instructions (8 bytes "
		    "each)",
		    prog_len);
		goto out;
	}
	cnt = prog_len / 8;
	insns = calloc(cnt, sizeof(*insns));
	if (!insns) {
		die(EXIT_FAIL, "out of memory");
		goto out;
	}
	for (i = 0; i < cnt; i++) {
		const uint8_t *b = prog + 8 * i;

		insns[i].code = b[0];
		insns[i].dst_reg = b[1] & 0x0f;
		insns[i].src_reg = b[1] >> 4;
		insns[i].off = (int16_t)(uint16_t)(b[2] | b[3] << 8);
		insns[i].imm = (int32_t)((uint32_t)b[4] | (uint32_t)b[5] << 8 |
					 (uint32_t)b[6] << 16 | (uint32_t)b[7] << 24);
	}
	{
		BPFHOST_OPTS_INIT(bpfhost_vm_opts, opts, .helpers = helpers,
				  .helper_cnt = sizeof(helpers) / sizeof(helpers[0]),
				  .engine = BPFHOST_ENGINE_INTERP, .log_buf = log,
				  .log_size = sizeof(log));

		vm = bpfhost_vm__load(insns, cnt, &opts);
		if (!vm) {
			err = errno;
			one_line(log);
			die(EXIT_FAIL, "load failed: %s", *log ? log : strerror(err));
			goto out;
		}
	}
	err = bpfhost_vm__run(vm, (uint64_t)(uintptr_t)mem, mem_len, &r0);
	if (err) {
		die(EXIT_FAIL, "run failed: %s (%s)", strerror(-err),
		    err == -E2BIG    ? "call depth limit exceeded"
		    : err == -ENOENT ? "callx to an unknown helper"
				     : "run-time error");
		goto out;
	}
	printf("%" PRIx64 "\n", r0);
	if (fflush(stdout) || ferror(stdout)) {
		die(EXIT_FAIL, "cannot write the result: %s", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	bpfhost_vm__free(vm);
	free(insns);
	free(prog);
	free(text);
	free(mem);
	return ret;
}

int main(int argc, char **argv)
{
	struct args a = { .engine = "interp" };
	int ret;

	ret = parse_args(&a, argc, argv);
	if (ret)
		return ret < 0 ? 0 : ret; /* -1: --help was printed */
	if (strcmp(a.engine, "interp")) {
		if (!strcmp(a.engine, "jit"))
			return die(EXIT_USAGE,
				   "engine 'jit' not available yet (available: interp)");
		return die(EXIT_USAGE, "unknown engine '%s' (available: interp)", a.engine);
	}
	if (a.elf)
		return die(EXIT_FAIL,
			   "--elf: ELF input is not supported yet; pass the program as raw "
			   "instruction bytes");
	return run(&a);
}
