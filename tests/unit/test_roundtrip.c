/* SPDX-License-Identifier: MIT */
/*
 * Round trips between the assembler and the disassembler, and a cross-check
 * against LLVM's BPF assembler.
 *
 * - Every opcode-table entry, with representative field values, printed in
 *   the uBPF syntax re-assembles to the same bytes; fields the format does
 *   not use (an RFC 9669 fact written out here, not taken from the library)
 *   must make the disassembler refuse the slot.
 * - Random slots: whatever the disassembler accepts re-assembles exactly,
 *   and both syntaxes agree on what is accepted.
 * - Every conformance program survives assemble -> fprint (uBPF, with
 *   labels) -> assemble.
 * - llvm-mc (LLVM 14) assembles our Linux-syntax output, and a hand-written
 *   list of LLVM-syntax instructions, to the bytes our assembler produces
 *   from the uBPF spelling; instructions LLVM 14 lacks are left out.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isa/isa.h"
#include "../lib/datafile.h"
#include "../lib/harness.h"

#define I(c, d, s, o, i)        \
	((struct bpfhost_insn){ \
		.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

enum { U_DST = 1, U_SRC = 2, U_OFF = 4, U_IMM = 8 };

/* Fields each format uses (RFC 9669 section 4/5), selector fields aside. */
static unsigned used_fields(uint8_t fmt)
{
	switch (fmt) {
	case BH_FMT_ALU_K:
		return U_DST | U_IMM;
	case BH_FMT_ALU_X:
		return U_DST | U_SRC;
	case BH_FMT_NEG:
	case BH_FMT_END:
	case BH_FMT_CALLX:
		return U_DST;
	case BH_FMT_JA:
		return U_OFF;
	case BH_FMT_JA32:
	case BH_FMT_CALL:
	case BH_FMT_CALL_LOCAL:
	case BH_FMT_LDABS:
		return U_IMM;
	case BH_FMT_JMP_K:
		return U_DST | U_IMM | U_OFF;
	case BH_FMT_CALL_KFUNC:
		return U_IMM | U_OFF;
	case BH_FMT_LDDW:
		return U_DST | U_IMM;
	case BH_FMT_LDIND:
		return U_SRC | U_IMM;
	case BH_FMT_ST:
		return U_DST | U_OFF | U_IMM;
	case BH_FMT_EXIT:
		return 0;
	default: /* JMP_X, LDX, STX, ATOMIC */
		return U_DST | U_SRC | U_OFF;
	}
}

static void set_selector(struct bpfhost_insn *in, const struct bh_opinfo *oi)
{
	in->code = oi->code;
	if (oi->sel == BH_SEL_OFF)
		in->off = (int16_t)oi->selval;
	else if (oi->sel == BH_SEL_IMM)
		in->imm = oi->selval;
	else if (oi->sel == BH_SEL_SRC)
		in->src_reg = (uint8_t)oi->selval;
}

/* Second-slot imm of lddw is free only for imm64 and the map value forms. */
static bool lddw_hi_free(const struct bh_opinfo *oi)
{
	return oi->selval == 0 || oi->selval == 2 || oi->selval == 6;
}

/* Disassemble p[0..n) slot by slot into one uBPF text; false on refusal. */
static bool ubpf_text(const struct bpfhost_insn *p, size_t n, char *out, size_t out_sz)
{
	size_t i = 0, len = 0;

	out[0] = '\0';
	while (i < n) {
		char buf[BPFHOST_DISASM_BUF_SIZE];
		int r = bpfhost_disasm_insn(p, n, i, BPFHOST_DISASM_UBPF, buf, sizeof(buf));

		if (r < 0)
			return false;
		len += (size_t)snprintf(out + len, out_sz - len, "%s\n", buf);
		if (len >= out_sz)
			return false;
		i += (size_t)r;
	}
	return true;
}

/* Assemble text; compare with want[0..n); report with ctx. */
static void check_reassembles(const char *text, const struct bpfhost_insn *want, size_t n,
			      const char *ctx)
{
	struct bpfhost_insn *q = NULL;
	size_t qn = 0, i;
	char log[1024];
	BPFHOST_OPTS_INIT(bpfhost_asm_opts, o, .filename = "rt", .log_buf = log,
			  .log_size = sizeof(log));
	int ret = bpfhost_asm(text, strlen(text), &q, &qn, &o);

	if (ret) {
		bh_test_fail(__FILE__, __LINE__, "%s: \"%s\" does not assemble: %s", ctx, text,
			     log);
		return;
	}
	if (qn != n)
		bh_test_fail(__FILE__, __LINE__, "%s: \"%s\": %zu slots, want %zu", ctx, text, qn,
			     n);
	for (i = 0; i < n && i < qn; i++) {
		if (memcmp(&q[i], &want[i], sizeof(q[i]))) {
			bh_test_fail(__FILE__, __LINE__,
				     "%s: slot %zu of \"%s\" re-assembles as {%02x %u %u %d %d}, "
				     "was {%02x %u %u %d %d}",
				     ctx, i, text, q[i].code, q[i].dst_reg, q[i].src_reg, q[i].off,
				     q[i].imm, want[i].code, want[i].dst_reg, want[i].src_reg,
				     want[i].off, want[i].imm);
			break;
		}
	}
	bpfhost_insns_free(q);
}

TEST(roundtrip_every_table_entry)
{
	static const uint8_t regs[] = { 0, 1, 10, 5 };
	static const int16_t offs[] = { 0, 1, -1, 32767, -32768 };
	static const int32_t imms[] = { 0, 1, -1, INT32_MAX, INT32_MIN, 0x12345678 };
	static const int32_t his[] = { 0, -1, INT32_MAX, INT32_MIN };
	int op, v;

	for (op = 0; op < BH_OP__COUNT; op++) {
		const struct bh_opinfo *oi = &bh_opinfo[op];
		unsigned use = used_fields(oi->fmt);
		bool lddw = oi->fmt == BH_FMT_LDDW;
		char text[512], ctx[64], buf[BPFHOST_DISASM_BUF_SIZE];
		int f, s;

		for (v = 0; v < 6; v++) {
			struct bpfhost_insn p[2] = { I(0, 0, 0, 0, 0), I(0, 0, 0, 0, 0) };

			if (use & U_DST)
				p[0].dst_reg = regs[v % 4];
			if (use & U_SRC)
				p[0].src_reg = regs[(v + 1) % 4];
			if (use & U_OFF)
				p[0].off = offs[v % 5];
			if (use & U_IMM)
				p[0].imm = imms[v % 6];
			if (lddw && lddw_hi_free(oi))
				p[1].imm = his[v % 4];
			set_selector(&p[0], oi);
			snprintf(ctx, sizeof(ctx), "%s variant %d", oi->name, v);
			if (!ubpf_text(p, lddw ? 2 : 1, text, sizeof(text))) {
				bpfhost_disasm_insn(p, 2, 0, BPFHOST_DISASM_UBPF, buf, sizeof(buf));
				bh_test_fail(__FILE__, __LINE__, "%s: refused: %s", ctx, buf);
				continue;
			}
			check_reassembles(text, p, lddw ? 2 : 1, ctx);
			CHECK_MSG(bpfhost_disasm_insn(p, 2, 0, BPFHOST_DISASM_LINUX, buf,
						      sizeof(buf)) == (lddw ? 2 : 1),
				  "%s: Linux syntax refused: %s", ctx, buf);
		}
		/* an unused field that is not zero has no spelling: refused */
		for (f = U_DST; f <= U_IMM; f <<= 1) {
			struct bpfhost_insn p[2] = { I(0, 0, 0, 0, 0), I(0, 0, 0, 0, 0) };

			if ((use & (unsigned)f) || (f == U_OFF && oi->sel == BH_SEL_OFF) ||
			    (f == U_IMM && oi->sel == BH_SEL_IMM) ||
			    (f == U_SRC && oi->sel == BH_SEL_SRC))
				continue;
			set_selector(&p[0], oi);
			if (f == U_DST)
				p[0].dst_reg = 1;
			else if (f == U_SRC)
				p[0].src_reg = 1;
			else if (f == U_OFF)
				p[0].off = 1;
			else
				p[0].imm = 1;
			for (s = BPFHOST_DISASM_LINUX; s <= BPFHOST_DISASM_UBPF; s++)
				CHECK_MSG(bpfhost_disasm_insn(p, 2, 0, s, buf, sizeof(buf)) ==
							  -EINVAL &&
						  strstr(buf, "must be 0"),
					  "%s: unused field %d set: \"%s\"", oi->name, f, buf);
		}
	}
}

static uint64_t rnd_state = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 2685821657736338717ull;
}

/* A field value biased towards zero and small numbers. */
static int64_t rnd_field(void)
{
	switch (rnd() % 4) {
	case 0:
		return 0;
	case 1:
		return (int64_t)(rnd() % 17) - 8;
	default:
		return (int64_t)rnd();
	}
}

TEST(roundtrip_random_slots)
{
	enum { N = 40000 };
	struct bpfhost_insn *all = calloc(2 * N, sizeof(*all));
	size_t text_sz = (size_t)N * BPFHOST_DISASM_BUF_SIZE, len = 0, cnt = 0;
	char *text = malloc(text_sz);
	int i, accepted = 0;

	if (!all || !text) {
		free(all);
		free(text);
		SKIP("out of memory");
	}
	for (i = 0; i < N; i++) {
		struct bpfhost_insn p[2] = { I(0, 0, 0, 0, 0), I(0, 0, 0, 0, 0) };
		char a[BPFHOST_DISASM_BUF_SIZE], b[BPFHOST_DISASM_BUF_SIZE];
		int ra, rb;

		p[0].code = rnd() % 10 ? bh_opinfo[rnd() % BH_OP__COUNT].code : (uint8_t)rnd();
		p[0].dst_reg = rnd() % 4 ? (uint8_t)(rnd() % 11) : (uint8_t)(rnd() % 16);
		p[0].src_reg = rnd() % 4 ? (uint8_t)(rnd() % 11) : (uint8_t)(rnd() % 16);
		p[0].off = (int16_t)rnd_field();
		p[0].imm = (int32_t)rnd_field();
		if (rnd() % 8 == 0)
			p[1].code = (uint8_t)rnd();
		p[1].imm = (int32_t)rnd_field();
		if (rnd() % 2) { /* often make the unused fields right */
			int op = bh_decode_op(&p[0]);

			if (op >= 0) {
				unsigned use = used_fields(bh_opinfo[op].fmt);

				if (!(use & U_DST))
					p[0].dst_reg = 0;
				if (!(use & U_SRC) && bh_opinfo[op].sel != BH_SEL_SRC)
					p[0].src_reg = 0;
				if (!(use & U_OFF) && bh_opinfo[op].sel != BH_SEL_OFF)
					p[0].off = 0;
				if (!(use & U_IMM) && bh_opinfo[op].sel != BH_SEL_IMM)
					p[0].imm = 0;
			}
		}
		ra = bpfhost_disasm_insn(p, 2, 0, BPFHOST_DISASM_UBPF, a, sizeof(a));
		rb = bpfhost_disasm_insn(p, 2, 0, BPFHOST_DISASM_LINUX, b, sizeof(b));
		CHECK_MSG(ra == rb, "{%02x %u %u %d %d}: uBPF %d \"%s\", Linux %d \"%s\"",
			  p[0].code, p[0].dst_reg, p[0].src_reg, p[0].off, p[0].imm, ra, a, rb, b);
		if (ra < 0) {
			CHECK_MSG(ra == -EINVAL && !strcmp(a, b),
				  "refusals differ: \"%s\" / \"%s\"", a, b);
			continue;
		}
		accepted++;
		memcpy(&all[cnt], p, (size_t)ra * sizeof(p[0]));
		cnt += (size_t)ra;
		len += (size_t)snprintf(text + len, text_sz - len, "%s\n", a);
	}
	/* one program of everything accepted: must re-assemble slot for slot */
	check_reassembles(text, all, cnt, "random slots");
	CHECK_MSG(accepted > N / 4, "only %d of %d random slots were decodable", accepted, N);
	free(all);
	free(text);
}

/* ---- whole programs from the conformance suite ---- */

static char *print_prog(const struct bpfhost_insn *p, size_t n, enum bpfhost_disasm_syntax syn,
			int *ret)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f) {
		*ret = -errno;
		return NULL;
	}
	*ret = bpfhost_disasm_fprint(f, p, n, syn);
	fclose(f);
	return out;
}

/* Assemble every conformance program; call fn for each. */
static int for_each_conformance_program(void (*fn)(const char *name, struct bpfhost_insn *p,
						   size_t n, void *arg),
					void *arg)
{
	const char *why = "";
	const char *dir = bh_test_conformance_dir(&why);
	char sub[2048], path[4096], err[256], log[1024];
	char **names = NULL;
	int cnt, i;

	if (!dir) {
		bh_test_skip("%s", why);
		return -1;
	}
	snprintf(sub, sizeof(sub), "%.2000s/tests", dir);
	cnt = bh_datafile_list(sub, &names);
	CHECK_MSG(cnt > 0, "no .data files in %s (%d)", sub, cnt);
	for (i = 0; i < cnt; i++) {
		struct bh_datafile df;
		struct bpfhost_insn *p = NULL;
		size_t n = 0;
		BPFHOST_OPTS_INIT(bpfhost_asm_opts, o, .filename = names[i], .log_buf = log,
				  .log_size = sizeof(log));

		snprintf(path, sizeof(path), "%s/%.2000s", sub, names[i]);
		if (bh_datafile_load(path, &df, err, sizeof(err)) || !df.has_asm) {
			bh_datafile_free(&df);
			continue;
		}
		if (bpfhost_asm(df.asm_text, df.asm_len, &p, &n, &o) == 0)
			fn(names[i], p, n, arg);
		else
			bh_test_fail(__FILE__, __LINE__, "%s", log);
		bpfhost_insns_free(p);
		bh_datafile_free(&df);
	}
	bh_datafile_names_free(names, cnt);
	return 0;
}

static void fprint_roundtrip(const char *name, struct bpfhost_insn *p, size_t n, void *arg)
{
	int ret;
	char *out = print_prog(p, n, BPFHOST_DISASM_UBPF, &ret);

	(*(int *)arg)++;
	CHECK_MSG(ret == 0 && out, "%s: fprint uBPF returned %d", name, ret);
	if (out)
		check_reassembles(out, p, n, name);
	free(out);
	out = print_prog(p, n, BPFHOST_DISASM_LINUX, &ret);
	CHECK_MSG(ret == 0 && out && !strstr(out, "invalid"), "%s: fprint Linux returned %d", name,
		  ret);
	free(out);
}

TEST(roundtrip_conformance_programs_via_fprint)
{
	int progs = 0;

	if (for_each_conformance_program(fprint_roundtrip, &progs) == 0)
		CHECK_MSG(progs > 100, "only %d programs", progs);
}

/* ---- llvm-mc cross-check ---- */

/* Path of llvm-mc ($LLVM_MC, else llvm-mc or llvm-mc-14 on PATH), or NULL. */
static const char *find_llvm_mc(void)
{
	static char found[4096];
	static const char *const names[] = { "llvm-mc", "llvm-mc-14" };
	const char *env = getenv("LLVM_MC"), *path = getenv("PATH");
	size_t k;

	if (env && *env)
		return access(env, X_OK) == 0 ? env : NULL;
	if (!path || !*path)
		path = "/usr/bin:/bin";
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		const char *s = path;

		while (*s) {
			size_t n = strcspn(s, ":");

			if (n && n < 3000) {
				snprintf(found, sizeof(found), "%.*s/%s", (int)n, s, names[k]);
				if (access(found, X_OK) == 0)
					return found;
			}
			s += n + (s[n] == ':');
		}
	}
	return NULL;
}

static uint64_t rd(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* The .text section of an ELF64 little-endian object; malloc'ed copy. */
static unsigned char *elf_text(const unsigned char *f, size_t fsz, size_t *tsz, const char **err)
{
	uint64_t shoff, strtab_off;
	unsigned shentsize, shnum, shstrndx, i;

	if (fsz < 64 || memcmp(f, "\177ELF", 4) || f[4] != 2 || f[5] != 1) {
		*err = "not an ELF64 little-endian file";
		return NULL;
	}
	shoff = rd(f + 0x28, 8);
	shentsize = (unsigned)rd(f + 0x3a, 2);
	shnum = (unsigned)rd(f + 0x3c, 2);
	shstrndx = (unsigned)rd(f + 0x3e, 2);
	if (shentsize < 64 || shstrndx >= shnum || shoff > fsz ||
	    (uint64_t)shnum * shentsize > fsz - shoff) {
		*err = "bad section header table";
		return NULL;
	}
	strtab_off = rd(f + shoff + (uint64_t)shstrndx * shentsize + 0x18, 8);
	for (i = 0; i < shnum; i++) {
		const unsigned char *sh = f + shoff + (uint64_t)i * shentsize;
		uint64_t name = strtab_off + rd(sh, 4), off = rd(sh + 0x18, 8),
			 size = rd(sh + 0x20, 8);
		unsigned char *t;

		if (name + 6 > fsz || memcmp(f + name, ".text", 6))
			continue;
		if (off > fsz || size > fsz - off) {
			*err = ".text lies outside the file";
			return NULL;
		}
		t = malloc(size ? size : 1);
		if (!t) {
			*err = "out of memory";
			return NULL;
		}
		memcpy(t, f + off, size);
		*tsz = size;
		return t;
	}
	*err = "no .text section";
	return NULL;
}

/*
 * Assemble LLVM-syntax text with llvm-mc; returns the .text bytes or NULL
 * after reporting a failure.
 */
static unsigned char *llvm_assemble(const char *mc, const char *src, size_t *tsz)
{
	char dir[] = "/tmp/bh_asm_llvm_XXXXXX", in[64], obj[64], errf[64], cmd[8192];
	unsigned char *text = NULL;
	char *objdata = NULL, *errtext = NULL;
	const char *err = NULL;
	size_t objsz = 0;
	FILE *f;
	int rc;

	if (!mkdtemp(dir)) {
		bh_test_fail(__FILE__, __LINE__, "mkdtemp: %s", strerror(errno));
		return NULL;
	}
	snprintf(in, sizeof(in), "%s/in.s", dir);
	snprintf(obj, sizeof(obj), "%s/out.o", dir);
	snprintf(errf, sizeof(errf), "%s/err.txt", dir);
	f = fopen(in, "w");
	if (!f || fputs(src, f) < 0 || fclose(f)) {
		bh_test_fail(__FILE__, __LINE__, "writing %s failed", in);
		goto out;
	}
	snprintf(cmd, sizeof(cmd), "'%s' -triple bpf -filetype=obj '%s' -o '%s' 2>'%s'", mc, in,
		 obj, errf);
	rc = system(cmd);
	if (rc != 0) {
		errtext = bh_test_read_file(errf, NULL);
		bh_test_fail(__FILE__, __LINE__, "llvm-mc failed (%d): %.2000s", rc,
			     errtext ? errtext : "");
		goto out;
	}
	objdata = bh_test_read_file(obj, &objsz);
	if (!objdata) {
		bh_test_fail(__FILE__, __LINE__, "cannot read %s", obj);
		goto out;
	}
	text = elf_text((unsigned char *)objdata, objsz, tsz, &err);
	if (!text)
		bh_test_fail(__FILE__, __LINE__, "%s: %s", obj, err);
out:
	free(objdata);
	free(errtext);
	unlink(in);
	unlink(obj);
	unlink(errf);
	rmdir(dir);
	return text;
}

/* Compare LLVM's bytes with ours slot by slot; name names slot i. */
static void compare_bytes(const unsigned char *t, size_t tsz, const struct bpfhost_insn *ours,
			  size_t n, void (*name)(size_t slot, char *buf, size_t sz, void *arg),
			  void *arg)
{
	size_t i;

	CHECK_MSG(tsz == n * 8, "llvm-mc produced %zu bytes, we %zu", tsz, n * 8);
	for (i = 0; i < n && (i + 1) * 8 <= tsz; i++) {
		char who[256], dis[BPFHOST_DISASM_BUF_SIZE];

		if (!memcmp(t + i * 8, &ours[i], 8))
			continue;
		name(i, who, sizeof(who), arg);
		bpfhost_disasm_insn(ours, n, i, BPFHOST_DISASM_LINUX, dis, sizeof(dis));
		bh_test_fail(
			__FILE__, __LINE__,
			"%s (\"%s\"): llvm-mc %02x %02x %02x %02x %02x %02x %02x %02x, "
			"ours %02x %02x %02x %02x %02x %02x %02x %02x",
			who, dis, t[i * 8], t[i * 8 + 1], t[i * 8 + 2], t[i * 8 + 3], t[i * 8 + 4],
			t[i * 8 + 5], t[i * 8 + 6], t[i * 8 + 7],
			((const unsigned char *)&ours[i])[0], ((const unsigned char *)&ours[i])[1],
			((const unsigned char *)&ours[i])[2], ((const unsigned char *)&ours[i])[3],
			((const unsigned char *)&ours[i])[4], ((const unsigned char *)&ours[i])[5],
			((const unsigned char *)&ours[i])[6], ((const unsigned char *)&ours[i])[7]);
		return;
	}
}

/* A growable string. */
struct sbuf {
	char *s;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void sb_add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? room : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->s && (size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		b->cap = (b->cap + (size_t)n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
}

struct pair {
	char ubpf[64];
	char llvm[64];
};

struct pairs {
	const struct pair *p;
	int n;
};

/* Name slot by its pair (each pair is one slot, lddw two). */
static void pair_name(size_t slot, char *buf, size_t sz, void *arg)
{
	const struct pairs *ps = arg;
	size_t at = 0;
	int i;

	for (i = 0; i < ps->n; i++) {
		size_t w = strncmp(ps->p[i].ubpf, "lddw", 4) ? 1 : 2;

		if (slot < at + w) {
			snprintf(buf, sz, "'%s' / '%s'", ps->p[i].ubpf, ps->p[i].llvm);
			return;
		}
		at += w;
	}
	snprintf(buf, sz, "slot %zu", slot);
}

/* Hand-written pairs: the uBPF spelling and the LLVM spelling. */
static int build_pairs(struct pair *p, int max)
{
	static const struct {
		const char *u, *l;
	} alu[] = {
		{ "add", "+=" }, { "sub", "-=" }, { "mul", "*=" },    { "div", "/=" },
		{ "or", "|=" },	 { "and", "&=" }, { "lsh", "<<=" },   { "rsh", ">>=" },
		{ "xor", "^=" }, { "mov", "=" },  { "arsh", "s>>=" },
	};
	static const struct {
		const char *u, *l;
	} jmp[] = {
		{ "jeq", "==" },  { "jgt", ">" },    { "jge", ">=" }, { "jne", "!=" },
		{ "jsgt", "s>" }, { "jsge", "s>=" }, { "jlt", "<" },  { "jle", "<=" },
		{ "jslt", "s<" }, { "jsle", "s<=" },
	};
	static const struct {
		const char *u, *l;
	} fixed[] = {
		{ "neg %r1", "r1 = -r1" },
		{ "neg32 %r2", "w2 = -w2" },
		{ "le16 %r3", "r3 = le16 r3" },
		{ "le32 %r3", "r3 = le32 r3" },
		{ "le64 %r3", "r3 = le64 r3" },
		{ "be16 %r4", "r4 = be16 r4" },
		{ "be32 %r4", "r4 = be32 r4" },
		{ "be64 %r4", "r4 = be64 r4" },
		{ "lddw %r0, 0x1122334455667788", "r0 = 0x1122334455667788 ll" },
		{ "lddw %r5, -1", "r5 = 0xffffffffffffffff ll" },
		{ "lddw %r9, 0", "r9 = 0x0 ll" },
		{ "ldxb %r0, [%r1+2]", "r0 = *(u8 *)(r1 + 2)" },
		{ "ldxh %r0, [%r1-2]", "r0 = *(u16 *)(r1 - 2)" },
		{ "ldxw %r2, [%r10-32768]", "r2 = *(u32 *)(r10 - 32768)" },
		{ "ldxdw %r3, [%r4+32767]", "r3 = *(u64 *)(r4 + 32767)" },
		{ "stxb [%r1+0], %r2", "*(u8 *)(r1 + 0) = r2" },
		{ "stxh [%r1-4], %r2", "*(u16 *)(r1 - 4) = r2" },
		{ "stxw [%r10-8], %r0", "*(u32 *)(r10 - 8) = r0" },
		{ "stxdw [%r10-16], %r9", "*(u64 *)(r10 - 16) = r9" },
		{ "ja +2", "goto +2" },
		{ "ja -1", "goto -1" },
		{ "call 5", "call 5" },
		{ "ldabsb 3", "r0 = *(u8 *)skb[3]" },
		{ "ldabsh 12", "r0 = *(u16 *)skb[12]" },
		{ "ldabsw -4", "r0 = *(u32 *)skb[-4]" },
		{ "lock add [%r10-8], %r1", "lock *(u64 *)(r10 - 8) += r1" },
		{ "lock or [%r10-8], %r1", "lock *(u64 *)(r10 - 8) |= r1" },
		{ "lock and [%r1+8], %r2", "lock *(u64 *)(r1 + 8) &= r2" },
		{ "lock xor [%r1+0], %r3", "lock *(u64 *)(r1 + 0) ^= r3" },
		{ "lock add32 [%r10-4], %r1", "lock *(u32 *)(r10 - 4) += w1" },
		{ "lock or32 [%r10-4], %r1", "lock *(u32 *)(r10 - 4) |= w1" },
		{ "lock and32 [%r2+4], %r1", "lock *(u32 *)(r2 + 4) &= w1" },
		{ "lock xor32 [%r2+4], %r1", "lock *(u32 *)(r2 + 4) ^= w1" },
		{ "exit", "exit" },
	};
	int n = 0;
	size_t i;

#define ADD(...)                                                             \
	do {                                                                 \
		if (n < max) {                                               \
			snprintf(p[n].ubpf, sizeof(p[n].ubpf), __VA_ARGS__); \
			n++;                                                 \
		}                                                            \
	} while (0)
#define LL(...) snprintf(p[n - 1].llvm, sizeof(p[n - 1].llvm), __VA_ARGS__)
	for (i = 0; i < sizeof(alu) / sizeof(alu[0]); i++) {
		ADD("%s %%r1, -7", alu[i].u);
		LL("r1 %s -7", alu[i].l);
		ADD("%s %%r9, %%r10", alu[i].u);
		LL("r9 %s r10", alu[i].l);
		ADD("%s32 %%r2, 2147483647", alu[i].u);
		LL("w2 %s 2147483647", alu[i].l);
		ADD("%s32 %%r0, %%r3", alu[i].u);
		LL("w0 %s w3", alu[i].l);
	}
	for (i = 0; i < sizeof(jmp) / sizeof(jmp[0]); i++) {
		ADD("%s %%r1, 5, +3", jmp[i].u);
		LL("if r1 %s 0x5 goto +3", jmp[i].l);
		ADD("%s %%r1, -2, -3", jmp[i].u);
		LL("if r1 %s 0xfffffffe goto -3", jmp[i].l);
		ADD("%s %%r1, %%r2, +0", jmp[i].u);
		LL("if r1 %s r2 goto +0", jmp[i].l);
		ADD("%s32 %%r3, 0x80000000, +7", jmp[i].u);
		LL("if w3 %s 0x80000000 goto +7", jmp[i].l);
		ADD("%s32 %%r3, %%r4, -7", jmp[i].u);
		LL("if w3 %s w4 goto -7", jmp[i].l);
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		ADD("%s", fixed[i].u);
		LL("%s", fixed[i].l);
	}
#undef ADD
#undef LL
	return n;
}

TEST(roundtrip_llvm_mc_hand_written_pairs)
{
	const char *mc = find_llvm_mc();
	struct pair pairs[256];
	struct sbuf ub = { 0 }, lb = { 0 };
	struct bpfhost_insn *ours = NULL;
	unsigned char *t = NULL;
	size_t n = 0, tsz = 0, slot = 0;
	char log[1024], dis[BPFHOST_DISASM_BUF_SIZE];
	int np, i;

	if (!mc)
		SKIP("llvm-mc not found");
	np = build_pairs(pairs, 256);
	CHECK(np < 256);
	for (i = 0; i < np; i++) {
		sb_add(&ub, "%s\n", pairs[i].ubpf);
		sb_add(&lb, "%s\n", pairs[i].llvm);
	}
	{
		BPFHOST_OPTS_INIT(bpfhost_asm_opts, o, .log_buf = log, .log_size = sizeof(log));

		CHECK_MSG(bpfhost_asm(ub.s, ub.len, &ours, &n, &o) == 0, "%s", log);
	}
	/* our Linux disassembly is exactly the LLVM spelling */
	for (i = 0; i < np && ours && slot < n; i++) {
		int r = bpfhost_disasm_insn(ours, n, slot, BPFHOST_DISASM_LINUX, dis, sizeof(dis));

		CHECK_MSG(r > 0 && !strcmp(dis, pairs[i].llvm), "'%s': ours \"%s\", want \"%s\"",
			  pairs[i].ubpf, dis, pairs[i].llvm);
		slot += r > 0 ? (size_t)r : 1;
	}
	if (ours)
		t = llvm_assemble(mc, lb.s, &tsz);
	if (t) {
		struct pairs ps = { pairs, np };

		compare_bytes(t, tsz, ours, n, pair_name, &ps);
	}
	free(t);
	bpfhost_insns_free(ours);
	free(ub.s);
	free(lb.s);
}

/* Operations LLVM 14's BPF assembler cannot parse (v4, st imm, fetch, ...). */
static bool llvm14_lacks(enum bh_op op)
{
	static const char *const prefixes[] = {
		"SDIV",	 "SMOD",       "MOD",	"MOVSX",    "LDXS",	  "BSWAP", "JA32",
		"JSET",	 "AFETCH_",    "AXCHG", "ACMPXCHG", "CALL_LOCAL", "CALLX", "LDIND",
		"LDDW_", "CALL_KFUNC", "STW",	"STH",	    "STB",	  "STDW",
	};
	const char *name = bh_opinfo[op].name;
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

struct xlate {
	struct sbuf llvm;
	struct bpfhost_insn *all;
	size_t cnt, cap;
	/* which program each slot came from */
	char (*names)[64];
	size_t *first;
	int progs, skipped;
};

static void xlate_prog(const char *name, struct bpfhost_insn *p, size_t n, void *arg)
{
	struct xlate *x = arg;
	char dis[BPFHOST_DISASM_BUF_SIZE];
	size_t i;

	for (i = 0; i < n;) {
		int op = bh_decode_op(&p[i]);

		if (op < 0 || llvm14_lacks(op)) {
			x->skipped++;
			return;
		}
		i += bh_opinfo[op].fmt == BH_FMT_LDDW ? 2 : 1;
	}
	if (x->cnt + n > x->cap) {
		x->cap = (x->cap + n) * 2;
		x->all = realloc(x->all, x->cap * sizeof(*x->all));
		x->names = realloc(x->names, x->cap * sizeof(*x->names));
		x->first = realloc(x->first, x->cap * sizeof(*x->first));
		if (!x->all || !x->names || !x->first)
			abort();
	}
	for (i = 0; i < n;) {
		int r = bpfhost_disasm_insn(p, n, i, BPFHOST_DISASM_LINUX, dis, sizeof(dis));

		if (r < 0) {
			bh_test_fail(__FILE__, __LINE__, "%s: slot %zu: %s", name, i, dis);
			return;
		}
		sb_add(&x->llvm, "%s\n", dis);
		i += (size_t)r;
	}
	for (i = 0; i < n; i++) {
		x->all[x->cnt + i] = p[i];
		snprintf(x->names[x->cnt + i], sizeof(x->names[0]), "%s", name);
		x->first[x->cnt + i] = x->cnt;
	}
	x->cnt += n;
	x->progs++;
}

static void xlate_name(size_t slot, char *buf, size_t sz, void *arg)
{
	const struct xlate *x = arg;

	snprintf(buf, sz, "%s insn %zu", x->names[slot], slot - x->first[slot]);
}

TEST(roundtrip_llvm_mc_conformance_programs)
{
	const char *mc = find_llvm_mc();
	struct xlate x;
	unsigned char *t;
	size_t tsz = 0;

	if (!mc)
		SKIP("llvm-mc not found");
	memset(&x, 0, sizeof(x));
	if (for_each_conformance_program(xlate_prog, &x) == 0) {
		if (getenv("BH_TEST_VERBOSE"))
			printf("  llvm-mc cross-check: %d programs translated, %d use "
			       "instructions LLVM 14 lacks\n",
			       x.progs, x.skipped);
		CHECK_MSG(x.progs >= 100, "only %d programs could be translated", x.progs);
		t = x.cnt ? llvm_assemble(mc, x.llvm.s, &tsz) : NULL;
		if (t)
			compare_bytes(t, tsz, x.all, x.cnt, xlate_name, &x);
		free(t);
	}
	free(x.llvm.s);
	free(x.all);
	free(x.names);
	free(x.first);
}
