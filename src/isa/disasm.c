/* SPDX-License-Identifier: MIT */
/*
 * Disassembler: one instruction to text in the Linux/LLVM syntax of
 * verifier logs and llvm-objdump, or in the uBPF dialect accepted by
 * asm.c (so that the output re-assembles to the same bytes).
 *
 * Both are driven by the opcode table: the decoded operation's format
 * (bh_fmt) chooses the shape, its `mnem` (uBPF) or `opstr` (Linux) the
 * operator. Linux forms, per format:
 *
 *   ALU      r0 += 5   w0 += w1   r0 s/= r1   r0 = (s8)r1   w0 = (s16)w1
 *   NEG/END  r0 = -r0   w0 = -w0   r0 = be16 r0   r0 = bswap64 r0
 *   JA/JA32  goto +5   gotol -3
 *   JMP      if r1 > 0x3 goto +5   if w1 s< w2 goto -1
 *   CALL     call 5   call pc+3 (local)   call kfunc 12[, off 1]   callx r2
 *   LDDW     r0 = 0x1122334455667788 ll      r1 = map[fd:3]
 *            r1 = map[fd:3][0]+8   r1 = map[idx:0]   r1 = map[idx:0][0]+8
 *            r1 = btf_id[5]   r1 = func[pc+3] (pc-relative, like call pc+3)
 *   LDABS    r0 = *(u32 *)skb[12]      LDIND  r0 = *(u16 *)skb[r3 + 12]
 *   LDX      r0 = *(u32 *)(r1 + 4)   r0 = *(s16 *)(r1 - 2)
 *   ST/STX   *(u64 *)(r10 - 8) = 5   *(u8 *)(r1 + 0) = r2
 *   ATOMIC   lock *(u64 *)(r10 - 8) += r1   lock *(u32 *)(r10 - 8) |= w1
 *            r1 = atomic_fetch_add((u64 *)(r10 - 8), r1)
 *            r1 = xchg_64(r10 - 8, r1)   w0 = cmpxchg32_32(r10 - 8, w0, w1)
 *
 * ALU and store immediates are signed decimal; jump-comparison immediates
 * are "0x%x" of the 32-bit value, as in the kernel's verifier log.
 *
 * A slot is disassembled only if it is encodable in both syntaxes: a known
 * opcode and selector, registers r0..r10 where a register is shown, and
 * zero in every field the format does not use (those have no spelling, so
 * printing the instruction would hide them). Program-level rules (targets,
 * r10 writes, termination) are the validator's business, not ours.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa.h"

#define TEXT_MAX 256

enum { F_DST = 1, F_SRC = 2, F_OFF = 4, F_IMM = 8 };

/* Fields a format shows (selector fields are added by the caller). */
static unsigned shown_fields(uint8_t fmt)
{
	switch (fmt) {
	case BH_FMT_ALU_K:
		return F_DST | F_IMM;
	case BH_FMT_ALU_X:
		return F_DST | F_SRC;
	case BH_FMT_NEG:
	case BH_FMT_END:
	case BH_FMT_CALLX:
		return F_DST;
	case BH_FMT_JA:
		return F_OFF;
	case BH_FMT_JA32:
	case BH_FMT_CALL:
	case BH_FMT_CALL_LOCAL:
	case BH_FMT_LDABS:
		return F_IMM;
	case BH_FMT_JMP_K:
		return F_DST | F_IMM | F_OFF;
	case BH_FMT_JMP_X:
	case BH_FMT_LDX:
	case BH_FMT_STX:
	case BH_FMT_ATOMIC:
		return F_DST | F_SRC | F_OFF;
	case BH_FMT_CALL_KFUNC:
		return F_IMM | F_OFF;
	case BH_FMT_LDDW:
		return F_DST | F_IMM;
	case BH_FMT_LDIND:
		return F_SRC | F_IMM;
	case BH_FMT_ST:
		return F_DST | F_OFF | F_IMM;
	default:
		return 0;
	}
}

static const char *sel_name(uint8_t sel)
{
	return sel == BH_SEL_OFF ? "off" : sel == BH_SEL_IMM ? "imm" : "src";
}

static bool is_pseudo_kind(enum bh_op op, const char *kind)
{
	return bh_opinfo[op].fmt == BH_FMT_LDDW && !strcmp(bh_opinfo[op].opstr, kind);
}

/* Pseudo lddw forms whose second-slot imm has no spelling (must be 0). */
static bool lddw_hi_unused(enum bh_op op)
{
	return bh_opinfo[op].selval != 0 && !is_pseudo_kind(op, "map_value") &&
	       !is_pseudo_kind(op, "map_idx_value");
}

/* Decode slot idx and check that it can be printed; message in err. */
static int decode_slot(const struct bpfhost_insn *insns, size_t cnt, size_t idx, char *err,
		       size_t err_sz)
{
	const struct bpfhost_insn *in = &insns[idx];
	const struct bh_opinfo *oi;
	unsigned shown;
	int op = bh_decode_op(in);

	if (op < 0) {
		int first = bh_first_op_for_code(in->code);

		if (first < 0)
			snprintf(err, err_sz, "unknown opcode 0x%02x", in->code);
		else
			snprintf(err, err_sz, "opcode 0x%02x: %s %d selects no operation", in->code,
				 sel_name(bh_opinfo[first].sel),
				 bh_opinfo[first].sel == BH_SEL_OFF   ? in->off
				 : bh_opinfo[first].sel == BH_SEL_IMM ? in->imm
								      : in->src_reg);
		return -EINVAL;
	}
	oi = &bh_opinfo[op];
	shown = shown_fields(oi->fmt);
	if (oi->sel == BH_SEL_OFF)
		shown |= F_OFF;
	else if (oi->sel == BH_SEL_IMM)
		shown |= F_IMM;
	if (!(shown & F_DST) && in->dst_reg) {
		snprintf(err, err_sz, "%s (0x%02x): dst must be 0, got %u", oi->mnem, in->code,
			 in->dst_reg);
		return -EINVAL;
	}
	if (!(shown & F_SRC) && oi->sel != BH_SEL_SRC && in->src_reg) {
		snprintf(err, err_sz, "%s (0x%02x): src must be 0, got %u", oi->mnem, in->code,
			 in->src_reg);
		return -EINVAL;
	}
	if (!(shown & F_OFF) && in->off) {
		snprintf(err, err_sz, "%s (0x%02x): off must be 0, got %d", oi->mnem, in->code,
			 in->off);
		return -EINVAL;
	}
	if (!(shown & F_IMM) && in->imm) {
		snprintf(err, err_sz, "%s (0x%02x): imm must be 0, got %d", oi->mnem, in->code,
			 in->imm);
		return -EINVAL;
	}
	if (in->dst_reg >= BPFHOST_NR_REGS || ((shown & F_SRC) && in->src_reg >= BPFHOST_NR_REGS)) {
		snprintf(err, err_sz, "%s (0x%02x): invalid %s register r%u", oi->mnem, in->code,
			 in->dst_reg >= BPFHOST_NR_REGS ? "dst" : "src",
			 in->dst_reg >= BPFHOST_NR_REGS ? in->dst_reg : in->src_reg);
		return -EINVAL;
	}
	if (oi->fmt == BH_FMT_LDDW) {
		const struct bpfhost_insn *hi;

		if (idx + 1 >= cnt) {
			snprintf(err, err_sz, "lddw missing second slot (program ends)");
			return -EINVAL;
		}
		hi = &insns[idx + 1];
		if (hi->code || hi->dst_reg || hi->src_reg || hi->off) {
			snprintf(err, err_sz,
				 "lddw second slot must have code, dst, src and off zero (code "
				 "0x%02x, dst %u, src %u, off %d)",
				 hi->code, hi->dst_reg, hi->src_reg, hi->off);
			return -EINVAL;
		}
		if (lddw_hi_unused(op) && hi->imm) {
			snprintf(err, err_sz, "lddw %s: second slot imm must be 0, got %d",
				 oi->opstr, hi->imm);
			return -EINVAL;
		}
	}
	return op;
}

/* Memory operand "rN + off" / "rN - off" of the Linux syntax. */
static const char *lx_mem(char *b, size_t sz, unsigned reg, long long off)
{
	snprintf(b, sz, "r%u %c %lld", reg, off < 0 ? '-' : '+', off < 0 ? -off : off);
	return b;
}

static const char *mem_type(uint8_t code)
{
	switch (bh_mem_size(code)) {
	case 1:
		return "u8";
	case 2:
		return "u16";
	case 4:
		return "u32";
	default:
		return "u64";
	}
}

static void fmt_linux(const struct bpfhost_insn *insns, size_t idx, enum bh_op op, char *t,
		      size_t sz)
{
	const struct bpfhost_insn *in = &insns[idx];
	const struct bh_opinfo *oi = &bh_opinfo[op];
	char r = bh_op_is32(op) ? 'w' : 'r', m[48];
	unsigned d = in->dst_reg, s = in->src_reg;

	switch (oi->fmt) {
	case BH_FMT_ALU_K:
		snprintf(t, sz, "%c%u %s %d", r, d, oi->opstr, in->imm);
		break;
	case BH_FMT_ALU_X:
		if (!strcmp(oi->opstr, "=") && oi->selval) /* movsx: width in off */
			snprintf(t, sz, "%c%u = (s%d)%c%u", r, d, oi->selval, r, s);
		else
			snprintf(t, sz, "%c%u %s %c%u", r, d, oi->opstr, r, s);
		break;
	case BH_FMT_NEG:
		snprintf(t, sz, "%c%u = -%c%u", r, d, r, d);
		break;
	case BH_FMT_END:
		snprintf(t, sz, "r%u = %s r%u", d, oi->opstr, d);
		break;
	case BH_FMT_JA:
		snprintf(t, sz, "goto %+d", in->off);
		break;
	case BH_FMT_JA32:
		snprintf(t, sz, "gotol %+d", in->imm);
		break;
	case BH_FMT_JMP_K:
		snprintf(t, sz, "if %c%u %s 0x%x goto %+d", r, d, oi->opstr, (uint32_t)in->imm,
			 in->off);
		break;
	case BH_FMT_JMP_X:
		snprintf(t, sz, "if %c%u %s %c%u goto %+d", r, d, oi->opstr, r, s, in->off);
		break;
	case BH_FMT_CALL:
		snprintf(t, sz, "call %d", in->imm);
		break;
	case BH_FMT_CALL_LOCAL:
		snprintf(t, sz, "call pc%+d", in->imm);
		break;
	case BH_FMT_CALL_KFUNC:
		if (in->off)
			snprintf(t, sz, "call kfunc %d, off %d", in->imm, in->off);
		else
			snprintf(t, sz, "call kfunc %d", in->imm);
		break;
	case BH_FMT_CALLX:
		snprintf(t, sz, "callx r%u", d);
		break;
	case BH_FMT_EXIT:
		snprintf(t, sz, "exit");
		break;
	case BH_FMT_LDDW: {
		uint32_t lo = (uint32_t)in->imm, hi = (uint32_t)insns[idx + 1].imm;

		if (oi->selval == 0)
			snprintf(t, sz, "r%u = 0x%llx ll", d,
				 (unsigned long long)((uint64_t)hi << 32 | lo));
		else if (is_pseudo_kind(op, "map_fd"))
			snprintf(t, sz, "r%u = map[fd:%d]", d, in->imm);
		else if (is_pseudo_kind(op, "map_value"))
			snprintf(t, sz, "r%u = map[fd:%d][0]+%u", d, in->imm, hi);
		else if (is_pseudo_kind(op, "map_idx"))
			snprintf(t, sz, "r%u = map[idx:%u]", d, lo);
		else if (is_pseudo_kind(op, "map_idx_value"))
			snprintf(t, sz, "r%u = map[idx:%u][0]+%u", d, lo, hi);
		else if (is_pseudo_kind(op, "btf_id"))
			snprintf(t, sz, "r%u = btf_id[%u]", d, lo);
		else if (is_pseudo_kind(op, "func"))
			snprintf(t, sz, "r%u = func[pc%+d]", d, in->imm);
		else
			snprintf(t, sz, "r%u = %s[%d] ll", d, oi->opstr, in->imm);
		break;
	}
	case BH_FMT_LDABS:
		snprintf(t, sz, "r0 = *(%s *)skb[%d]", oi->opstr, in->imm);
		break;
	case BH_FMT_LDIND:
		snprintf(t, sz, "r0 = *(%s *)skb[%s]", oi->opstr, lx_mem(m, sizeof(m), s, in->imm));
		break;
	case BH_FMT_LDX:
		snprintf(t, sz, "r%u = *(%s *)(%s)", d, oi->opstr,
			 lx_mem(m, sizeof(m), s, in->off));
		break;
	case BH_FMT_ST:
		snprintf(t, sz, "*(%s *)(%s) = %d", oi->opstr, lx_mem(m, sizeof(m), d, in->off),
			 in->imm);
		break;
	case BH_FMT_STX:
		snprintf(t, sz, "*(%s *)(%s) = r%u", oi->opstr, lx_mem(m, sizeof(m), d, in->off),
			 s);
		break;
	case BH_FMT_ATOMIC:
		lx_mem(m, sizeof(m), d, in->off);
		if (oi->selval == 0xe1) /* xchg */
			snprintf(t, sz, "%c%u = %s(%s, %c%u)", r, s, oi->opstr, m, r, s);
		else if (oi->selval == 0xf1) /* cmpxchg: compares r0 */
			snprintf(t, sz, "%c0 = %s(%s, %c0, %c%u)", r, oi->opstr, m, r, r, s);
		else if (oi->selval & 0x01) /* fetch */
			snprintf(t, sz, "%c%u = %s((%s *)(%s), %c%u)", r, s, oi->opstr,
				 mem_type(oi->code), m, r, s);
		else
			snprintf(t, sz, "lock *(%s *)(%s) %s %c%u", mem_type(oi->code), m,
				 oi->opstr, r, s);
		break;
	default:
		snprintf(t, sz, "(format %u)", oi->fmt);
		break;
	}
}

/*
 * uBPF syntax. label, when not NULL, is printed instead of the relative
 * target of a jump, local call or lddw func (fprint's labels).
 */
static void fmt_ubpf(const struct bpfhost_insn *insns, size_t idx, enum bh_op op, const char *label,
		     char *t, size_t sz)
{
	const struct bpfhost_insn *in = &insns[idx];
	const struct bh_opinfo *oi = &bh_opinfo[op];
	unsigned d = in->dst_reg, s = in->src_reg;
	char tgt[80];

	if (label)
		snprintf(tgt, sizeof(tgt), "%s", label);
	else if (oi->fmt == BH_FMT_JA || oi->fmt == BH_FMT_JMP_K || oi->fmt == BH_FMT_JMP_X)
		snprintf(tgt, sizeof(tgt), "%+d", in->off);
	else
		snprintf(tgt, sizeof(tgt), "%+d", in->imm);

	switch (oi->fmt) {
	case BH_FMT_ALU_K:
		snprintf(t, sz, "%s %%r%u, %d", oi->mnem, d, in->imm);
		break;
	case BH_FMT_ALU_X:
		snprintf(t, sz, "%s %%r%u, %%r%u", oi->mnem, d, s);
		break;
	case BH_FMT_NEG:
	case BH_FMT_END:
		snprintf(t, sz, "%s %%r%u", oi->mnem, d);
		break;
	case BH_FMT_JA:
	case BH_FMT_JA32:
	case BH_FMT_CALL_LOCAL:
		snprintf(t, sz, "%s %s", oi->mnem, tgt);
		break;
	case BH_FMT_JMP_K:
		snprintf(t, sz, "%s %%r%u, %d, %s", oi->mnem, d, in->imm, tgt);
		break;
	case BH_FMT_JMP_X:
		snprintf(t, sz, "%s %%r%u, %%r%u, %s", oi->mnem, d, s, tgt);
		break;
	case BH_FMT_CALL:
		snprintf(t, sz, "%s %d", oi->mnem, in->imm);
		break;
	case BH_FMT_CALL_KFUNC:
		if (in->off)
			snprintf(t, sz, "%s %d, %d", oi->mnem, in->imm, in->off);
		else
			snprintf(t, sz, "%s %d", oi->mnem, in->imm);
		break;
	case BH_FMT_CALLX:
		snprintf(t, sz, "%s %%r%u", oi->mnem, d);
		break;
	case BH_FMT_EXIT:
		snprintf(t, sz, "%s", oi->mnem);
		break;
	case BH_FMT_LDDW: {
		uint32_t lo = (uint32_t)in->imm, hi = (uint32_t)insns[idx + 1].imm;

		if (oi->selval == 0)
			snprintf(t, sz, "%s %%r%u, 0x%llx", oi->mnem, d,
				 (unsigned long long)((uint64_t)hi << 32 | lo));
		else if (is_pseudo_kind(op, "func"))
			snprintf(t, sz, "%s %%r%u, %s %s", oi->mnem, d, oi->opstr, tgt);
		else if (!lddw_hi_unused(op))
			snprintf(t, sz, "%s %%r%u, %s %d, %d", oi->mnem, d, oi->opstr, in->imm,
				 (int32_t)hi);
		else
			snprintf(t, sz, "%s %%r%u, %s %d", oi->mnem, d, oi->opstr, in->imm);
		break;
	}
	case BH_FMT_LDABS:
		snprintf(t, sz, "%s %d", oi->mnem, in->imm);
		break;
	case BH_FMT_LDIND:
		snprintf(t, sz, "%s %%r%u, %d", oi->mnem, s, in->imm);
		break;
	case BH_FMT_LDX:
		snprintf(t, sz, "%s %%r%u, [%%r%u%+d]", oi->mnem, d, s, in->off);
		break;
	case BH_FMT_ST:
		snprintf(t, sz, "%s [%%r%u%+d], %d", oi->mnem, d, in->off, in->imm);
		break;
	case BH_FMT_STX:
	case BH_FMT_ATOMIC:
		snprintf(t, sz, "%s [%%r%u%+d], %%r%u", oi->mnem, d, in->off, s);
		break;
	default:
		snprintf(t, sz, "# (format %u)", oi->fmt);
		break;
	}
}

/* Text of slot idx into t (TEXT_MAX); slots used or -EINVAL (t = reason). */
static int disasm_one(const struct bpfhost_insn *insns, size_t cnt, size_t idx,
		      enum bpfhost_disasm_syntax syntax, const char *label, char *t)
{
	int op = decode_slot(insns, cnt, idx, t, TEXT_MAX);

	if (op < 0)
		return op;
	if (syntax == BPFHOST_DISASM_UBPF)
		fmt_ubpf(insns, idx, op, label, t, TEXT_MAX);
	else
		fmt_linux(insns, idx, op, t, TEXT_MAX);
	return bh_opinfo[op].fmt == BH_FMT_LDDW ? 2 : 1;
}

int bpfhost_disasm_insn(const struct bpfhost_insn *insns, size_t insn_cnt, size_t idx,
			enum bpfhost_disasm_syntax syntax, char *buf, size_t buf_sz)
{
	char t[TEXT_MAX];
	size_t n;
	int ret;

	if (!buf)
		return -EINVAL;
	if (!buf_sz)
		return -ENOSPC;
	if (!insns || idx >= insn_cnt) {
		snprintf(buf, buf_sz, "instruction index %zu is outside the program [0, %zu)", idx,
			 insns ? insn_cnt : 0);
		return -EINVAL;
	}
	if (syntax != BPFHOST_DISASM_LINUX && syntax != BPFHOST_DISASM_UBPF) {
		snprintf(buf, buf_sz, "unknown disassembly syntax %d", (int)syntax);
		return -EINVAL;
	}
	ret = disasm_one(insns, insn_cnt, idx, syntax, NULL, t);
	n = strlen(t);
	/* a reason that does not fit is still delivered, truncated */
	snprintf(buf, buf_sz, "%s", t);
	if (ret > 0 && n >= buf_sz)
		return -ENOSPC;
	return ret;
}

/* Branch target of a decoded slot (jumps, local calls, lddw func), or -1. */
static int64_t target_of(const struct bpfhost_insn *insns, size_t i, enum bh_op op)
{
	if (is_pseudo_kind(op, "func"))
		return (int64_t)i + 1 + insns[i].imm;
	return bh_branch_target(insns, i, op);
}

/*
 * Label marks for fprint in uBPF syntax: label[t] is set for every slot that
 * starts an instruction and is the target of a decodable branch.
 */
static bool *find_labels(const struct bpfhost_insn *insns, size_t cnt)
{
	bool *start = calloc(cnt ? cnt : 1, 2 * sizeof(bool)), *label;
	char err[TEXT_MAX];
	size_t i;

	if (!start)
		return NULL;
	label = start + cnt;
	for (i = 0; i < cnt;) {
		int op = decode_slot(insns, cnt, i, err, sizeof(err));

		start[i] = true;
		i += op >= 0 && bh_opinfo[op].fmt == BH_FMT_LDDW ? 2 : 1;
	}
	for (i = 0; i < cnt;) {
		int op = decode_slot(insns, cnt, i, err, sizeof(err));
		int64_t t;

		if (op < 0) {
			i++;
			continue;
		}
		t = target_of(insns, i, op);
		if (t >= 0 && t < (int64_t)cnt && start[t])
			label[t] = true;
		i += bh_opinfo[op].fmt == BH_FMT_LDDW ? 2 : 1;
	}
	return start;
}

int bpfhost_disasm_fprint(FILE *out, const struct bpfhost_insn *insns, size_t insn_cnt,
			  enum bpfhost_disasm_syntax syntax)
{
	bool *marks = NULL, *label = NULL;
	char t[TEXT_MAX], name[32];
	int ret = 0;
	size_t i;

	if (!out || (!insns && insn_cnt))
		return -EINVAL;
	if (syntax != BPFHOST_DISASM_LINUX && syntax != BPFHOST_DISASM_UBPF)
		return -EINVAL;
	if (syntax == BPFHOST_DISASM_UBPF) {
		marks = find_labels(insns, insn_cnt);
		if (!marks)
			return -ENOMEM;
		label = marks + insn_cnt;
	}
	for (i = 0; i < insn_cnt;) {
		const char *lbl = NULL;
		int n, op;

		if (label) {
			if (label[i])
				fprintf(out, "L%zu:\n", i);
			op = bh_decode_op(&insns[i]);
			if (op >= 0) {
				int64_t tg = target_of(insns, i, op);

				if (tg >= 0 && tg < (int64_t)insn_cnt && label[tg]) {
					snprintf(name, sizeof(name), "L%lld", (long long)tg);
					lbl = name;
				}
			}
		}
		n = disasm_one(insns, insn_cnt, i, syntax, lbl, t);
		if (n < 0) {
			if (!ret)
				ret = n;
			if (syntax == BPFHOST_DISASM_UBPF)
				fprintf(out, "# insn %zu: invalid: %s\n", i, t);
			else
				fprintf(out, "%4zu: (%02x) invalid: %s\n", i, insns[i].code, t);
			i++;
			continue;
		}
		if (syntax == BPFHOST_DISASM_UBPF)
			fprintf(out, "%s\n", t);
		else
			fprintf(out, "%4zu: (%02x) %s\n", i, insns[i].code, t);
		i += (size_t)n;
	}
	free(marks);
	if (!ret && ferror(out))
		ret = -EIO;
	return ret;
}
