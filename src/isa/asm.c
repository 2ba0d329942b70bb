/* SPDX-License-Identifier: MIT */
/*
 * Assembler for the uBPF / bpf_conformance assembly dialect.
 *
 * Line-oriented: each line is blank, a label "name:", or one instruction
 * "mnemonic operand, operand, ...". The mnemonic selects a run of entries of
 * the shared opcode table (opcodes.def) with that uBPF name; the operand
 * forms pick one entry (register vs immediate source, pseudo lddw kinds) and
 * its format (bh_fmt) says where each operand goes. Jump and call targets
 * that name labels are recorded as fixups and patched once every label is
 * known; the first `exit` instruction implicitly defines the label "exit".
 *
 * Extensions beyond the conformance dialect, needed so that every encodable
 * instruction can be written (and so disassembly re-assembles exactly):
 *   call local +N / -N           pc-relative target instead of a label
 *   call runtime IMM, OFF        kfunc with a BTF module index in off
 *   lddw %rd, KIND IMM[, IMM2]   pseudo lddw (src 1..6); KIND is the table's
 *                                operator name: map_fd, map_value, btf_id,
 *                                func (IMM a target: label or +N/-N),
 *                                map_idx, map_idx_value; IMM2 is the second
 *                                slot's imm (map value offset)
 *
 * Every problem is reported as "FILE:LINE: message"; assembly continues with
 * the next line so that one run shows several errors (up to a limit).
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/asm_lex.h"
#include "isa/isa.h"

#define MAX_ERRORS 20
#define MAX_OPERANDS 4

struct label {
	char *name;
	size_t slot;
	unsigned line;
};

enum fix_field { FIX_OFF, FIX_IMM };

struct fixup {
	char *name;
	size_t slot;
	unsigned line;
	enum fix_field field;
};

struct asm_ctx {
	const char *fname;
	struct bh_log *log;
	unsigned line;
	int errors;
	bool oom;

	struct bpfhost_insn *insns;
	size_t cnt, cap;

	/* open-addressing hash of labels, names owned */
	struct label *labels;
	size_t nlabels, labels_cap;

	struct fixup *fixups;
	size_t nfix, fix_cap;

	long long first_exit;
	char qbuf[2][80];
	int qidx;
};

__attribute__((format(printf, 2, 3))) static void asm_err(struct asm_ctx *c, const char *fmt, ...)
{
	va_list ap;

	c->errors++;
	if (c->errors > MAX_ERRORS)
		return;
	bh_logf(c->log, "%s:%u: ", c->fname, c->line);
	va_start(ap, fmt);
	bh_vlogf(c->log, fmt, ap);
	va_end(ap);
	bh_logf(c->log, "\n");
	if (c->errors == MAX_ERRORS)
		bh_logf(c->log, "%s:%u: too many errors, stopping\n", c->fname, c->line);
}

/* Printable, length-limited rendering of user text for messages. */
static const char *q(struct asm_ctx *c, const char *s)
{
	c->qidx ^= 1;
	return bh_asm_quote(s, c->qbuf[c->qidx], sizeof(c->qbuf[0]));
}

/* ---- mnemonic index: table entries sorted by uBPF name ---- */

static uint16_t by_mnem[BH_OP__COUNT];
static pthread_once_t by_mnem_once = PTHREAD_ONCE_INIT;

static int cmp_mnem(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
	int r = strcmp(bh_opinfo[x].mnem, bh_opinfo[y].mnem);

	/* keep table order among equal names (stable for the same mnemonic) */
	return r ? r : (int)x - (int)y;
}

static void build_by_mnem(void)
{
	int i;

	for (i = 0; i < BH_OP__COUNT; i++)
		by_mnem[i] = (uint16_t)i;
	qsort(by_mnem, BH_OP__COUNT, sizeof(by_mnem[0]), cmp_mnem);
}

/* Range [*lo, *hi) of by_mnem[] whose name is m; false if none. */
static bool find_mnem(const char *m, int *lo, int *hi)
{
	int a = 0, b = BH_OP__COUNT;

	pthread_once(&by_mnem_once, build_by_mnem);
	while (a < b) {
		int mid = (a + b) / 2;

		if (strcmp(bh_opinfo[by_mnem[mid]].mnem, m) < 0)
			a = mid + 1;
		else
			b = mid;
	}
	if (a >= BH_OP__COUNT || strcmp(bh_opinfo[by_mnem[a]].mnem, m))
		return false;
	*lo = a;
	for (b = a; b < BH_OP__COUNT && !strcmp(bh_opinfo[by_mnem[b]].mnem, m); b++)
		;
	*hi = b;
	return true;
}

static bool is_alu_fmt(uint8_t fmt)
{
	return fmt == BH_FMT_ALU_K || fmt == BH_FMT_ALU_X || fmt == BH_FMT_NEG;
}

/*
 * Look a mnemonic up, applying the dialect's aliases: "swapN" for
 * "bswapN", and an optional "64" suffix on ALU64 operations ("add64").
 */
static bool lookup_mnem(const char *m, int *lo, int *hi)
{
	char alt[BH_ASM_WORD_MAX + 2];
	size_t n = strlen(m);

	if (find_mnem(m, lo, hi))
		return true;
	if (n + 2 > sizeof(alt))
		return false;
	if (!strncmp(m, "swap", 4)) {
		snprintf(alt, sizeof(alt), "b%s", m);
		return find_mnem(alt, lo, hi) && bh_opinfo[by_mnem[*lo]].fmt == BH_FMT_END;
	}
	if (n > 2 && !strcmp(m + n - 2, "64")) {
		memcpy(alt, m, n - 2);
		alt[n - 2] = '\0';
		return find_mnem(alt, lo, hi) && is_alu_fmt(bh_opinfo[by_mnem[*lo]].fmt) &&
		       BH_CLASS(bh_opinfo[by_mnem[*lo]].code) == BH_CLASS_ALU64;
	}
	return false;
}

/* ---- output, labels and fixups ---- */

static struct bpfhost_insn *emit(struct asm_ctx *c)
{
	struct bpfhost_insn *in;

	if (c->cnt == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct bpfhost_insn *n = realloc(c->insns, cap * sizeof(*n));

		if (!n) {
			c->oom = true;
			return NULL;
		}
		c->insns = n;
		c->cap = cap;
	}
	in = &c->insns[c->cnt++];
	memset(in, 0, sizeof(*in));
	return in;
}

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static struct label *label_slot(struct label *tab, size_t cap, const char *name)
{
	size_t i = hash_str(name) & (cap - 1);

	while (tab[i].name && strcmp(tab[i].name, name))
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static const struct label *label_find(const struct asm_ctx *c, const char *name)
{
	const struct label *l;

	if (!c->labels_cap)
		return NULL;
	l = label_slot(c->labels, c->labels_cap, name);
	return l->name ? l : NULL;
}

static void label_define(struct asm_ctx *c, const char *name)
{
	struct label *l;

	if (2 * (c->nlabels + 1) > c->labels_cap) {
		size_t cap = c->labels_cap ? c->labels_cap * 2 : 64, i;
		struct label *n = calloc(cap, sizeof(*n));

		if (!n) {
			c->oom = true;
			return;
		}
		for (i = 0; i < c->labels_cap; i++)
			if (c->labels[i].name)
				*label_slot(n, cap, c->labels[i].name) = c->labels[i];
		free(c->labels);
		c->labels = n;
		c->labels_cap = cap;
	}
	l = label_slot(c->labels, c->labels_cap, name);
	if (l->name) {
		asm_err(c, "label '%s' is already defined on line %u", q(c, name), l->line);
		return;
	}
	l->name = strdup(name);
	if (!l->name) {
		c->oom = true;
		return;
	}
	l->slot = c->cnt;
	l->line = c->line;
	c->nlabels++;
}

static void add_fixup(struct asm_ctx *c, const char *name, enum fix_field field)
{
	struct fixup *f;

	if (c->nfix == c->fix_cap) {
		size_t cap = c->fix_cap ? c->fix_cap * 2 : 32;
		struct fixup *n = realloc(c->fixups, cap * sizeof(*n));

		if (!n) {
			c->oom = true;
			return;
		}
		c->fixups = n;
		c->fix_cap = cap;
	}
	f = &c->fixups[c->nfix];
	f->name = strdup(name);
	if (!f->name) {
		c->oom = true;
		return;
	}
	/* the instruction being assembled is the last one emitted */
	f->slot = c->cnt - 1;
	f->line = c->line;
	f->field = field;
	c->nfix++;
}

/* Forget the instruction being assembled (after an operand error). */
static void drop_last(struct asm_ctx *c)
{
	c->cnt--;
	while (c->nfix && c->fixups[c->nfix - 1].slot >= c->cnt)
		free(c->fixups[--c->nfix].name);
}

static void resolve_fixups(struct asm_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nfix; i++) {
		const struct fixup *f = &c->fixups[i];
		const struct label *l = label_find(c, f->name);
		long long slot, d;

		c->line = f->line;
		if (l)
			slot = (long long)l->slot;
		else if (!strcmp(f->name, "exit") && c->first_exit >= 0)
			slot = c->first_exit;
		else {
			asm_err(c, "unknown label '%s'", q(c, f->name));
			continue;
		}
		d = slot - ((long long)f->slot + 1);
		if (f->field == FIX_OFF) {
			if (d < INT16_MIN || d > INT16_MAX) {
				asm_err(c,
					"jump to label '%s' is too far: offset %lld does not fit "
					"16 bits (use ja32 for long unconditional jumps)",
					q(c, f->name), d);
				continue;
			}
			c->insns[f->slot].off = (int16_t)d;
		} else {
			if (d < INT32_MIN || d > INT32_MAX) {
				asm_err(c, "target label '%s' is too far: offset %lld",
					q(c, f->name), d);
				continue;
			}
			c->insns[f->slot].imm = (int32_t)d;
		}
	}
}

/* ---- operands ---- */

static bool op_reg(struct asm_ctx *c, const char *s, uint8_t *r)
{
	switch (bh_asm_parse_reg(s, r)) {
	case BH_ASM_OK:
		return true;
	case BH_ASM_RANGE:
		asm_err(c, "invalid register '%s': registers are %%r0..%%r10", q(c, s));
		return false;
	default:
		asm_err(c, "expected register %%r0..%%r10, got '%s'", q(c, s));
		return false;
	}
}

/* what: how to name the expected operand ("immediate", "register or immediate") */
static bool op_imm32w(struct asm_ctx *c, const char *s, int32_t *v, const char *what)
{
	switch (bh_asm_parse_imm32(s, v)) {
	case BH_ASM_OK:
		return true;
	case BH_ASM_RANGE:
		asm_err(c,
			"immediate '%s' is out of range: 32 bits (decimal %d..%d, hex "
			"0x0..0xffffffff)",
			q(c, s), INT32_MIN, INT32_MAX);
		return false;
	default:
		asm_err(c, "expected %s (decimal or 0x hex), got '%s'", what, q(c, s));
		return false;
	}
}

static bool op_imm32(struct asm_ctx *c, const char *s, int32_t *v)
{
	return op_imm32w(c, s, v, "immediate");
}

static bool op_mem(struct asm_ctx *c, const char *s, uint8_t *r, int16_t *off)
{
	switch (bh_asm_parse_mem(s, r, off)) {
	case BH_ASM_OK:
		return true;
	case BH_ASM_RANGE:
		asm_err(c, "offset in '%s' is out of range: 16 bits (-32768..32767)", q(c, s));
		return false;
	case BH_ASM_BADREG:
		asm_err(c, "invalid register in '%s': registers are %%r0..%%r10", q(c, s));
		return false;
	default:
		asm_err(c, "expected memory operand [%%rN+off], got '%s'", q(c, s));
		return false;
	}
}

/*
 * A jump or call target: +N / -N / N (relative, in slots) or a label. The
 * value goes to off (16 bits) or imm (32 bits) of the current instruction.
 */
static bool op_target(struct asm_ctx *c, const char *s, enum fix_field field,
		      struct bpfhost_insn *in)
{
	long long d;

	switch (bh_asm_parse_rel(s, &d)) {
	case BH_ASM_OK:
		if (field == FIX_OFF) {
			if (d < INT16_MIN || d > INT16_MAX) {
				asm_err(c,
					"jump offset '%s' is out of range: 16 bits "
					"(-32768..32767)",
					q(c, s));
				return false;
			}
			in->off = (int16_t)d;
		} else {
			if (d < INT32_MIN || d > INT32_MAX) {
				asm_err(c, "target offset '%s' is out of range: 32 bits", q(c, s));
				return false;
			}
			in->imm = (int32_t)d;
		}
		return true;
	case BH_ASM_RANGE:
		asm_err(c, "jump offset '%s' is out of range", q(c, s));
		return false;
	default:
		break;
	}
	if (!bh_asm_is_ident(s)) {
		asm_err(c, "expected jump target (+N, -N or a label), got '%s'", q(c, s));
		return false;
	}
	add_fixup(c, s, field);
	return true;
}

/* ---- instructions ---- */

/* Operand syntax of each format, for operand-count messages. */
static const char *usage(uint8_t fmt, bool movsx)
{
	switch (fmt) {
	case BH_FMT_ALU_K:
	case BH_FMT_ALU_X:
		return movsx ? "%rd, %rs" : "%rd, %rs|imm";
	case BH_FMT_NEG:
	case BH_FMT_END:
		return "%rd";
	case BH_FMT_JA:
	case BH_FMT_JA32:
	case BH_FMT_CALL_LOCAL:
		return "target";
	case BH_FMT_JMP_K:
	case BH_FMT_JMP_X:
		return "%rd, %rs|imm, target";
	case BH_FMT_CALL:
	case BH_FMT_CALLX:
		return "imm|%rX";
	case BH_FMT_CALL_KFUNC:
		return "imm[, off]";
	case BH_FMT_EXIT:
		return "";
	case BH_FMT_LDDW:
		return "%rd, imm64";
	case BH_FMT_LDABS:
		return "imm";
	case BH_FMT_LDIND:
		return "%rs, imm";
	case BH_FMT_LDX:
		return "%rd, [%rs+off]";
	case BH_FMT_ST:
		return "[%rd+off], imm";
	default: /* STX, ATOMIC */
		return "[%rd+off], %rs";
	}
}

static bool want_ops(struct asm_ctx *c, const char *mnem, uint8_t fmt, bool movsx, int n, int min,
		     int max)
{
	const char *u = usage(fmt, movsx);

	if (n >= min && n <= max)
		return true;
	if (!max)
		asm_err(c, "wrong operand count for '%s': expected none, got %d", mnem, n);
	else if (min == max)
		asm_err(c, "wrong operand count for '%s': expected %d (%s %s), got %d", mnem, min,
			mnem, u, n);
	else
		asm_err(c, "wrong operand count for '%s': expected %d to %d (%s %s), got %d", mnem,
			min, max, mnem, u, n);
	return false;
}

/* Pick the entry of [lo, hi) with format fmt, or -1. */
static int pick_fmt(int lo, int hi, uint8_t fmt)
{
	for (; lo < hi; lo++)
		if (bh_opinfo[by_mnem[lo]].fmt == fmt)
			return by_mnem[lo];
	return -1;
}

static void apply_selector(struct bpfhost_insn *in, const struct bh_opinfo *oi)
{
	in->code = oi->code;
	if (oi->sel == BH_SEL_OFF)
		in->off = (int16_t)oi->selval;
	else if (oi->sel == BH_SEL_IMM)
		in->imm = oi->selval;
	else if (oi->sel == BH_SEL_SRC)
		in->src_reg = (uint8_t)oi->selval;
}

/* "lddw %rd, imm64" and the pseudo forms "lddw %rd, KIND IMM[, IMM2]". */
static void asm_lddw(struct asm_ctx *c, const char *mnem, int lo, int hi, char **ops, int n)
{
	struct bpfhost_insn *in, *hi_slot;
	const struct bh_opinfo *oi = NULL;
	int32_t imm1, imm2 = 0;
	uint8_t dst;
	uint64_t v;
	char kind[BH_ASM_WORD_MAX + 1];
	const char *arg;
	size_t klen;
	int i, op;

	if (n != 2 && n != 3) {
		want_ops(c, mnem, BH_FMT_LDDW, false, n, 2, 2);
		return;
	}
	arg = ops[1];
	klen = strcspn(arg, " \t");
	if (arg[klen] && klen < sizeof(kind) && (arg[0] < '0' || arg[0] > '9') && arg[0] != '-' &&
	    arg[0] != '+') {
		memcpy(kind, arg, klen);
		kind[klen] = '\0';
		for (i = lo; i < hi; i++)
			if (bh_opinfo[by_mnem[i]].sel == BH_SEL_SRC &&
			    bh_opinfo[by_mnem[i]].selval != 0 &&
			    !strcmp(bh_opinfo[by_mnem[i]].opstr, kind))
				oi = &bh_opinfo[by_mnem[i]];
		if (!oi) {
			asm_err(c,
				"unknown lddw pseudo source '%s' (map_fd, map_value, btf_id, "
				"func, map_idx, map_idx_value)",
				q(c, kind));
			return;
		}
		arg += klen + strspn(arg + klen, " \t");
	} else {
		op = pick_fmt(lo, hi, BH_FMT_LDDW); /* plain imm64: src 0, first entry */
		oi = &bh_opinfo[op];
		if (n == 3) {
			want_ops(c, mnem, BH_FMT_LDDW, false, n, 2, 2);
			return;
		}
	}
	in = emit(c);
	if (!in)
		return;
	if (!op_reg(c, ops[0], &dst))
		goto drop;
	in->dst_reg = dst;
	apply_selector(in, oi);
	if (oi->selval == 0) {
		switch (bh_asm_parse_imm64(arg, &v)) {
		case BH_ASM_OK:
			in->imm = (int32_t)(uint32_t)v;
			imm2 = (int32_t)(uint32_t)(v >> 32);
			break;
		case BH_ASM_RANGE:
			asm_err(c,
				"immediate '%s' is out of range: 64 bits (decimal "
				"-9223372036854775808..18446744073709551615, hex up to "
				"0xffffffffffffffff)",
				q(c, arg));
			goto drop;
		default:
			asm_err(c, "expected 64-bit immediate, got '%s'", q(c, arg));
			goto drop;
		}
	} else if (!strcmp(oi->opstr, "func")) {
		/* pc-relative like call local: target = this slot + 1 + imm */
		if (!op_target(c, arg, FIX_IMM, in))
			goto drop;
	} else if (!op_imm32(c, arg, &imm1)) {
		goto drop;
	} else {
		in->imm = imm1;
	}
	if (n == 3 && !op_imm32(c, ops[2], &imm2))
		goto drop;
	hi_slot = emit(c);
	if (hi_slot)
		hi_slot->imm = imm2;
	return;
drop:
	drop_last(c);
}

/* One instruction whose mnemonic names by_mnem[lo..hi). */
static void asm_insn(struct asm_ctx *c, const char *mnem, int lo, int hi, char **ops, int n)
{
	const struct bh_opinfo *oi = &bh_opinfo[by_mnem[lo]];
	bool movsx = false, is_reg, target_in_off, target_in_imm;
	struct bpfhost_insn *in;
	uint8_t dst = 0, src = 0;
	int16_t off = 0;
	int32_t imm = 0;
	uint8_t fmt = oi->fmt;
	int op;

	if (fmt == BH_FMT_LDDW) {
		asm_lddw(c, mnem, lo, hi, ops, n);
		return;
	}
	if (fmt == BH_FMT_ALU_K || fmt == BH_FMT_ALU_X) {
		movsx = pick_fmt(lo, hi, BH_FMT_ALU_K) < 0;
		if (!want_ops(c, mnem, fmt, movsx, n, 2, 2))
			return;
		is_reg = ops[1][0] == '%';
		op = pick_fmt(lo, hi, is_reg ? BH_FMT_ALU_X : BH_FMT_ALU_K);
		if (op < 0) {
			asm_err(c, "'%s' takes a register source, got '%s'", mnem, q(c, ops[1]));
			return;
		}
		oi = &bh_opinfo[op];
	} else if (fmt == BH_FMT_JMP_K || fmt == BH_FMT_JMP_X) {
		if (!want_ops(c, mnem, fmt, false, n, 3, 3))
			return;
		is_reg = ops[1][0] == '%';
		op = pick_fmt(lo, hi, is_reg ? BH_FMT_JMP_X : BH_FMT_JMP_K);
		if (op < 0) {
			asm_err(c, "'%s' has no %s form", mnem, is_reg ? "register" : "immediate");
			return;
		}
		oi = &bh_opinfo[op];
	} else if (fmt == BH_FMT_CALL || fmt == BH_FMT_CALLX) {
		if (!want_ops(c, mnem, fmt, false, n, 1, 1))
			return;
		is_reg = ops[0][0] == '%';
		op = pick_fmt(lo, hi, is_reg ? BH_FMT_CALLX : BH_FMT_CALL);
		if (op < 0) {
			asm_err(c, "'%s' has no %s form", mnem, is_reg ? "register" : "immediate");
			return;
		}
		oi = &bh_opinfo[op];
	} else {
		static const signed char nops[][2] = {
			[BH_FMT_NEG] = { 1, 1 },	[BH_FMT_END] = { 1, 1 },
			[BH_FMT_JA] = { 1, 1 },		[BH_FMT_JA32] = { 1, 1 },
			[BH_FMT_CALL_LOCAL] = { 1, 1 }, [BH_FMT_CALL_KFUNC] = { 1, 2 },
			[BH_FMT_EXIT] = { 0, 0 },	[BH_FMT_LDABS] = { 1, 1 },
			[BH_FMT_LDIND] = { 2, 2 },	[BH_FMT_LDX] = { 2, 2 },
			[BH_FMT_ST] = { 2, 2 },		[BH_FMT_STX] = { 2, 2 },
			[BH_FMT_ATOMIC] = { 2, 2 },
		};
		if (fmt >= sizeof(nops) / sizeof(nops[0])) {
			asm_err(c, "'%s': operand format %u is not supported", mnem, fmt);
			return;
		}
		if (!want_ops(c, mnem, fmt, false, n, nops[fmt][0], nops[fmt][1]))
			return;
	}

	in = emit(c);
	if (!in)
		return;
	fmt = oi->fmt;
	/* op_target writes the target straight into the emitted slot */
	target_in_off = fmt == BH_FMT_JA || fmt == BH_FMT_JMP_K || fmt == BH_FMT_JMP_X;
	target_in_imm = fmt == BH_FMT_JA32 || fmt == BH_FMT_CALL_LOCAL;
	switch (fmt) {
	case BH_FMT_ALU_K:
		if (!op_reg(c, ops[0], &dst) ||
		    !op_imm32w(c, ops[1], &imm, "register or immediate"))
			goto drop;
		break;
	case BH_FMT_ALU_X:
		if (!op_reg(c, ops[0], &dst) || !op_reg(c, ops[1], &src))
			goto drop;
		break;
	case BH_FMT_NEG:
	case BH_FMT_END:
		if (!op_reg(c, ops[0], &dst))
			goto drop;
		break;
	case BH_FMT_JA:
		if (!op_target(c, ops[0], FIX_OFF, in))
			goto drop;
		break;
	case BH_FMT_JA32:
	case BH_FMT_CALL_LOCAL:
		if (!op_target(c, ops[0], FIX_IMM, in))
			goto drop;
		break;
	case BH_FMT_JMP_K:
		if (!op_reg(c, ops[0], &dst) ||
		    !op_imm32w(c, ops[1], &imm, "register or immediate") ||
		    !op_target(c, ops[2], FIX_OFF, in))
			goto drop;
		break;
	case BH_FMT_JMP_X:
		if (!op_reg(c, ops[0], &dst) || !op_reg(c, ops[1], &src) ||
		    !op_target(c, ops[2], FIX_OFF, in))
			goto drop;
		break;
	case BH_FMT_CALL:
		if (bh_asm_is_ident(ops[0])) {
			asm_err(c,
				"expected helper id or register, got '%s' (a local function is "
				"called with 'call local %s')",
				q(c, ops[0]), q(c, ops[0]));
			goto drop;
		}
		if (!op_imm32(c, ops[0], &imm))
			goto drop;
		break;
	case BH_FMT_CALL_KFUNC:
		if (!op_imm32(c, ops[0], &imm))
			goto drop;
		if (n == 2) {
			int32_t v;

			if (!op_imm32(c, ops[1], &v))
				goto drop;
			if (v < INT16_MIN || v > INT16_MAX) {
				asm_err(c, "offset '%s' is out of range: 16 bits (-32768..32767)",
					q(c, ops[1]));
				goto drop;
			}
			off = (int16_t)v;
		}
		break;
	case BH_FMT_CALLX:
		if (!op_reg(c, ops[0], &dst))
			goto drop;
		break;
	case BH_FMT_EXIT:
		if (c->first_exit < 0)
			c->first_exit = (long long)c->cnt - 1;
		break;
	case BH_FMT_LDABS:
		if (!op_imm32(c, ops[0], &imm))
			goto drop;
		break;
	case BH_FMT_LDIND:
		if (!op_reg(c, ops[0], &src) || !op_imm32(c, ops[1], &imm))
			goto drop;
		break;
	case BH_FMT_LDX:
		if (!op_reg(c, ops[0], &dst) || !op_mem(c, ops[1], &src, &off))
			goto drop;
		break;
	case BH_FMT_ST:
		if (!op_mem(c, ops[0], &dst, &off) || !op_imm32(c, ops[1], &imm))
			goto drop;
		break;
	case BH_FMT_STX:
	case BH_FMT_ATOMIC:
		if (!op_mem(c, ops[0], &dst, &off) || !op_reg(c, ops[1], &src))
			goto drop;
		break;
	default:
		goto drop;
	}
	in = &c->insns[c->cnt - 1];
	in->dst_reg = dst;
	in->src_reg = src;
	if (!target_in_off)
		in->off = off;
	if (!target_in_imm)
		in->imm = imm;
	apply_selector(in, oi);
	return;
drop:
	drop_last(c);
}

/*
 * Read the mnemonic words at *p: one word, except "lock [fetch] OP" and
 * "call local" / "call runtime". Returns false (after reporting) when the
 * mnemonic is malformed.
 */
static bool read_mnem(struct asm_ctx *c, char **p, char *m, size_t msz)
{
	char w[BH_ASM_WORD_MAX + 1];
	size_t len;

	if (!bh_asm_word(p, m, msz)) {
		asm_err(c, "mnemonic too long: '%s'", q(c, *p));
		return false;
	}
	if (!strcmp(m, "lock")) {
		char *save = *p;

		if (!bh_asm_word(p, w, sizeof(w))) {
			asm_err(c, "unknown mnemonic 'lock %s'", q(c, *p));
			return false;
		}
		if (!w[0] || w[0] == '[' || w[0] == '%') {
			asm_err(c, "wrong operand count for 'lock': expected an operation and 2 "
				   "operands (lock [fetch] add|and|or|xor|xchg|cmpxchg[32] "
				   "[%%rd+off], %%rs)");
			*p = save;
			return false;
		}
		len = strlen(m);
		snprintf(m + len, msz - len, " %s", w);
		if (!strcmp(w, "fetch")) {
			if (!bh_asm_word(p, w, sizeof(w))) {
				asm_err(c, "unknown mnemonic 'lock fetch %s'", q(c, *p));
				return false;
			}
			if (!w[0] || w[0] == '[') {
				asm_err(c, "wrong operand count for 'lock fetch': expected an "
					   "operation add|and|or|xor[32] and 2 operands");
				return false;
			}
			len = strlen(m);
			snprintf(m + len, msz - len, " %s", w);
		}
	} else if (!strcmp(m, "call")) {
		char *save = *p;

		if (bh_asm_word(p, w, sizeof(w)) &&
		    (!strcmp(w, "local") || !strcmp(w, "runtime"))) {
			len = strlen(m);
			snprintf(m + len, msz - len, " %s", w);
		} else {
			*p = save;
		}
	}
	return true;
}

static void asm_line(struct asm_ctx *c, char *s)
{
	char m[3 * (BH_ASM_WORD_MAX + 1)];
	char *ops[MAX_OPERANDS + 1];
	char *name;
	int n, lo, hi;

	s = bh_asm_trim(s);
	if (!*s)
		return;
	if (*s == '.' || (s[0] == '-' && s[1] == '-')) {
		asm_err(c, "unknown directive '%s'", q(c, s));
		return;
	}
	/* label definition "name:" (an instruction may follow) */
	name = bh_asm_label(&s);
	if (name) {
		label_define(c, name);
		s = bh_asm_trim(s);
		if (!*s)
			return;
	}
	if (!read_mnem(c, &s, m, sizeof(m)))
		return;
	if (!lookup_mnem(m, &lo, &hi)) {
		size_t ml = strlen(m);

		if (ml > 1 && m[ml - 1] == ':')
			asm_err(c,
				"invalid label '%s': labels are identifiers "
				"[A-Za-z_][A-Za-z0-9_.]* "
				"of at most %d characters",
				q(c, m), BH_ASM_WORD_MAX);
		else
			asm_err(c, "unknown mnemonic '%s'", q(c, m));
		return;
	}
	n = bh_asm_split(s, ops, MAX_OPERANDS + 1);
	if (n < 0) {
		asm_err(c, "empty operand %d in '%s' (stray comma?)", -n, q(c, s));
		return;
	}
	if (n > MAX_OPERANDS) {
		asm_err(c, "wrong operand count for '%s': too many operands", m);
		return;
	}
	asm_insn(c, m, lo, hi, ops, n);
}

static void ctx_free(struct asm_ctx *c)
{
	size_t i;

	for (i = 0; i < c->labels_cap; i++)
		free(c->labels[i].name);
	free(c->labels);
	for (i = 0; i < c->nfix; i++)
		free(c->fixups[i].name);
	free(c->fixups);
	free(c->insns);
}

static int assemble(const char *text, size_t len, struct asm_ctx *c)
{
	size_t pos = 0, cap = 256;
	char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	c->line = 0;
	while (pos < len && c->errors < MAX_ERRORS && !c->oom) {
		size_t end = pos, n = 0, i;
		bool nul = false;

		while (end < len && text[end] != '\n')
			end++;
		c->line++;
		if (end - pos + 1 > cap) {
			char *nb;

			cap = end - pos + 1;
			nb = realloc(buf, cap);
			if (!nb) {
				c->oom = true;
				break;
			}
			buf = nb;
		}
		for (i = pos; i < end; i++) {
			char ch = text[i];

			if (ch == '#')
				break;
			if (ch == '\0')
				nul = true;
			if (ch == '\r')
				continue;
			buf[n++] = ch;
		}
		buf[n] = '\0';
		pos = end + 1;
		if (nul) {
			asm_err(c, "line contains a NUL byte");
			continue;
		}
		asm_line(c, buf);
	}
	free(buf);
	if (c->oom)
		return -ENOMEM;
	if (c->errors)
		return -EINVAL;
	resolve_fixups(c);
	if (c->oom)
		return -ENOMEM;
	if (c->errors)
		return -EINVAL;
	if (!c->cnt) {
		c->line = c->line ? c->line : 1;
		asm_err(c, "program has no instructions");
		return -EINVAL;
	}
	return 0;
}

int bpfhost_asm(const char *text, size_t len, struct bpfhost_insn **insns, size_t *insn_cnt,
		struct bpfhost_asm_opts *opts)
{
	struct bh_log log = BH_LOG_INIT;
	struct asm_ctx c;
	int ret, lret;

	memset(&c, 0, sizeof(c));
	c.first_exit = -1;
	c.log = &log;
	c.fname = "<input>";
	if (insns)
		*insns = NULL;
	if (insn_cnt)
		*insn_cnt = 0;
	if (!BH_OPTS_VALID(opts, bpfhost_asm_opts, &log)) {
		ret = -EINVAL;
	} else if (!insns || !insn_cnt || (!text && len)) {
		bh_logf(&log, "bpfhost_asm: %s is NULL\n",
			!insns	    ? "insns"
			: !insn_cnt ? "insn_cnt"
				    : "text");
		ret = -EINVAL;
	} else {
		const char *fn = BH_OPTS_GET(opts, filename, NULL);

		if (fn)
			c.fname = fn;
		ret = assemble(text ? text : "", len, &c);
		if (ret == -ENOMEM)
			bh_logf(&log, "%s: out of memory\n", c.fname);
	}
	if (!ret) {
		*insns = c.insns;
		*insn_cnt = c.cnt;
		c.insns = NULL;
	}
	ctx_free(&c);
	lret = bh_log_finish(&log, BH_OPTS_GET(opts, log_buf, NULL), BH_OPTS_GET(opts, log_size, 0),
			     BH_OPTS_HAS(opts, log_true_size) ? &opts->log_true_size : NULL,
			     BPFHOST_WARN);
	if (!ret && lret == -ENOMEM)
		lret = 0; /* nothing to say on success; a failed log is not a failure */
	return ret ? ret : lret;
}

void bpfhost_insns_free(struct bpfhost_insn *insns)
{
	free(insns);
}
