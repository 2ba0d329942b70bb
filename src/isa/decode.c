/* SPDX-License-Identifier: MIT */
/*
 * Decoder and encoding validator.
 *
 * Decoding is table-driven from opcodes.def: an index from opcode byte to
 * its first table entry, then a scan of the entries sharing that byte for the
 * one whose selector field (off, imm or src) matches. Validation applies the
 * per-format field rules of RFC 9669 (which fields must be zero, which
 * registers may be written) and the program-level rules (targets, lddw
 * pairs, termination, size) and stops at the first problem, naming it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "isa/isa.h"

const struct bh_opinfo bh_opinfo[BH_OP__COUNT] = {
#define X(NAME, CODE, SEL, SELVAL, FMT, ASM, OPSTR) \
	[BH_OP_##NAME] = { #NAME, ASM, OPSTR, SELVAL, CODE, BH_SEL_##SEL, BH_FMT_##FMT },
#include "isa/opcodes.def"
#undef X
};

static int16_t first_op[256];
static pthread_once_t first_op_once = PTHREAD_ONCE_INIT;

static void build_index(void)
{
	int i;

	for (i = 0; i < 256; i++)
		first_op[i] = -1;
	for (i = BH_OP__COUNT - 1; i >= 0; i--)
		first_op[bh_opinfo[i].code] = (int16_t)i;
}

int bh_first_op_for_code(uint8_t code)
{
	pthread_once(&first_op_once, build_index);
	return first_op[code];
}

static int32_t sel_field(const struct bpfhost_insn *insn, uint8_t sel)
{
	switch (sel) {
	case BH_SEL_OFF:
		return insn->off;
	case BH_SEL_IMM:
		return insn->imm;
	case BH_SEL_SRC:
		return insn->src_reg;
	default:
		return 0;
	}
}

int bh_decode_op(const struct bpfhost_insn *insn)
{
	int op = bh_first_op_for_code(insn->code);

	if (op < 0)
		return -1;
	for (; op < BH_OP__COUNT && bh_opinfo[op].code == insn->code; op++) {
		const struct bh_opinfo *oi = &bh_opinfo[op];

		if (oi->sel == BH_SEL_NONE || sel_field(insn, oi->sel) == oi->selval)
			return op;
	}
	return -1;
}

int64_t bh_branch_target(const struct bpfhost_insn *insns, size_t i, enum bh_op op)
{
	switch (bh_opinfo[op].fmt) {
	case BH_FMT_JA:
	case BH_FMT_JMP_K:
	case BH_FMT_JMP_X:
		return (int64_t)i + 1 + insns[i].off;
	case BH_FMT_JA32:
	case BH_FMT_CALL_LOCAL:
		return (int64_t)i + 1 + insns[i].imm;
	default:
		return -1;
	}
}

static const char *sel_name(uint8_t sel)
{
	return sel == BH_SEL_OFF ? "off" : sel == BH_SEL_IMM ? "imm" : "src";
}

/* Describe why no table entry matched an opcode byte that exists. */
static void log_bad_selector(struct bh_log *log, size_t i, const struct bpfhost_insn *insn,
			     int first)
{
	const struct bh_opinfo *oi = &bh_opinfo[first];
	int op;

	bh_logf(log, "insn %zu: opcode 0x%02x: %s %d selects no operation (valid:", i, insn->code,
		sel_name(oi->sel), sel_field(insn, oi->sel));
	for (op = first; op < BH_OP__COUNT && bh_opinfo[op].code == insn->code; op++)
		bh_logf(log, "%s %d = %s", op == first ? "" : ",", bh_opinfo[op].selval,
			bh_opinfo[op].mnem);
	bh_logf(log, ")\n");
}

enum field { F_DST = 1, F_SRC = 2, F_OFF = 4, F_IMM = 8 };

/* Fields that must be zero for a format (selector fields excluded). */
static unsigned zero_fields(enum bh_fmt fmt, uint8_t sel)
{
	unsigned z;

	switch (fmt) {
	case BH_FMT_ALU_K:
		z = F_SRC | F_OFF;
		break;
	case BH_FMT_ALU_X:
		z = F_IMM | F_OFF;
		break;
	case BH_FMT_NEG:
		z = F_SRC | F_OFF | F_IMM;
		break;
	case BH_FMT_END:
		z = F_SRC | F_OFF;
		break;
	case BH_FMT_JA:
		z = F_DST | F_SRC | F_IMM;
		break;
	case BH_FMT_JA32:
		z = F_DST | F_SRC | F_OFF;
		break;
	case BH_FMT_JMP_K:
		z = F_SRC;
		break;
	case BH_FMT_JMP_X:
		z = F_IMM;
		break;
	case BH_FMT_CALL:
	case BH_FMT_CALL_LOCAL:
		z = F_DST | F_OFF;
		break;
	case BH_FMT_CALL_KFUNC:
		z = F_DST;
		break;
	case BH_FMT_CALLX:
		z = F_SRC | F_OFF | F_IMM;
		break;
	case BH_FMT_EXIT:
		z = F_DST | F_SRC | F_OFF | F_IMM;
		break;
	case BH_FMT_LDDW:
		z = F_OFF;
		break;
	case BH_FMT_LDABS:
		z = F_DST | F_SRC | F_OFF;
		break;
	case BH_FMT_LDIND:
		z = F_DST | F_OFF;
		break;
	case BH_FMT_LDX:
	case BH_FMT_STX:
		z = F_IMM;
		break;
	case BH_FMT_ST:
		z = F_SRC;
		break;
	case BH_FMT_ATOMIC:
	default:
		z = 0;
		break;
	}
	/* the selector field carries the selector value, not zero */
	if (sel == BH_SEL_OFF)
		z &= ~F_OFF;
	else if (sel == BH_SEL_IMM)
		z &= ~F_IMM;
	else if (sel == BH_SEL_SRC)
		z &= ~F_SRC;
	return z;
}

/* Does the operation write its dst register? */
static bool writes_dst(enum bh_fmt fmt)
{
	switch (fmt) {
	case BH_FMT_ALU_K:
	case BH_FMT_ALU_X:
	case BH_FMT_NEG:
	case BH_FMT_END:
	case BH_FMT_LDDW:
	case BH_FMT_LDX:
		return true;
	default:
		return false;
	}
}

static int check_fields(const struct bpfhost_insn *insn, size_t i, enum bh_op op,
			struct bh_log *log)
{
	const struct bh_opinfo *oi = &bh_opinfo[op];
	unsigned z = zero_fields(oi->fmt, oi->sel);

	if ((z & F_DST) && insn->dst_reg) {
		bh_logf(log, "insn %zu: %s (0x%02x): dst must be 0, got %u\n", i, oi->mnem,
			insn->code, insn->dst_reg);
		return -EINVAL;
	}
	if ((z & F_SRC) && insn->src_reg) {
		bh_logf(log, "insn %zu: %s (0x%02x): src must be 0, got %u\n", i, oi->mnem,
			insn->code, insn->src_reg);
		return -EINVAL;
	}
	if ((z & F_OFF) && insn->off) {
		bh_logf(log, "insn %zu: %s (0x%02x): off must be 0, got %d\n", i, oi->mnem,
			insn->code, insn->off);
		return -EINVAL;
	}
	if ((z & F_IMM) && insn->imm) {
		bh_logf(log, "insn %zu: %s (0x%02x): imm must be 0, got %d\n", i, oi->mnem,
			insn->code, insn->imm);
		return -EINVAL;
	}
	if (insn->dst_reg >= BPFHOST_NR_REGS) {
		bh_logf(log, "insn %zu: %s (0x%02x): invalid dst register r%u\n", i, oi->mnem,
			insn->code, insn->dst_reg);
		return -EINVAL;
	}
	/* src is a register for every format except the pseudo forms of lddw and call */
	if (oi->sel != BH_SEL_SRC && insn->src_reg >= BPFHOST_NR_REGS) {
		bh_logf(log, "insn %zu: %s (0x%02x): invalid src register r%u\n", i, oi->mnem,
			insn->code, insn->src_reg);
		return -EINVAL;
	}
	if (insn->dst_reg == 10 && writes_dst(oi->fmt)) {
		bh_logf(log, "insn %zu: %s (0x%02x): r10 is the read-only frame pointer\n", i,
			oi->mnem, insn->code);
		return -EINVAL;
	}
	if (oi->fmt == BH_FMT_ATOMIC && (insn->imm & 0x01) && op != BH_OP_ACMPXCHG32 &&
	    op != BH_OP_ACMPXCHG64 && insn->src_reg == 10) {
		bh_logf(log, "insn %zu: %s (0x%02x): fetch into r10, the read-only frame pointer\n",
			i, oi->mnem, insn->code);
		return -EINVAL;
	}
	return 0;
}

static int check_lddw(const struct bpfhost_insn *insns, size_t cnt, size_t i, enum bh_op op,
		      struct bh_log *log)
{
	const struct bpfhost_insn *hi;

	if (i + 1 >= cnt) {
		bh_logf(log,
			"insn %zu: lddw is incomplete: the program ends after its first slot\n", i);
		return -EINVAL;
	}
	hi = &insns[i + 1];
	if (hi->code || hi->dst_reg || hi->src_reg || hi->off) {
		bh_logf(log,
			"insn %zu: second slot of lddw at insn %zu must have code, dst, src and "
			"off "
			"zero (code 0x%02x, dst %u, src %u, off %d)\n",
			i + 1, i, hi->code, hi->dst_reg, hi->src_reg, hi->off);
		return -EINVAL;
	}
	if ((op == BH_OP_LDDW_MAP_FD || op == BH_OP_LDDW_MAP_IDX || op == BH_OP_LDDW_FUNC ||
	     op == BH_OP_LDDW_BTF_ID) &&
	    hi->imm) {
		bh_logf(log, "insn %zu: lddw %s: second slot imm must be 0, got %d\n", i,
			bh_opinfo[op].opstr, hi->imm);
		return -EINVAL;
	}
	return 0;
}

int bh_validate(const struct bpfhost_insn *insns, size_t cnt, uint32_t limit, int16_t *ops,
		struct bh_log *log)
{
	bool *second = NULL;
	size_t i;
	int ret = 0, last_op = -1;

	if (!limit)
		limit = BPFHOST_INSN_LIMIT_DEFAULT;
	if (!insns || !cnt) {
		bh_logf(log, "program has no instructions\n");
		return -EINVAL;
	}
	if (cnt > limit) {
		bh_logf(log, "program has %zu instruction slots, more than the limit of %u\n", cnt,
			limit);
		return -E2BIG;
	}
	second = calloc(cnt, sizeof(*second));
	if (!second) {
		bh_logf(log, "out of memory validating %zu instructions\n", cnt);
		return -ENOMEM;
	}
	/* pass 1: each slot on its own; mark lddw second halves */
	for (i = 0; i < cnt; i++) {
		const struct bpfhost_insn *insn = &insns[i];
		int op = bh_decode_op(insn);

		if (op < 0) {
			int first = bh_first_op_for_code(insn->code);

			if (first < 0)
				bh_logf(log, "insn %zu: unknown opcode 0x%02x\n", i, insn->code);
			else
				log_bad_selector(log, i, insn, first);
			ret = -EINVAL;
			goto out;
		}
		ret = check_fields(insn, i, op, log);
		if (ret)
			goto out;
		if (ops)
			ops[i] = (int16_t)op;
		last_op = op;
		if (bh_opinfo[op].fmt == BH_FMT_LDDW) {
			ret = check_lddw(insns, cnt, i, op, log);
			if (ret)
				goto out;
			second[++i] = true;
			if (ops)
				ops[i] = -1;
		}
	}
	/* pass 2: targets */
	for (i = 0; i < cnt; i++) {
		int op;
		int64_t t;

		if (second[i])
			continue;
		op = bh_decode_op(&insns[i]);
		t = bh_branch_target(insns, i, op);
		if (bh_opinfo[op].fmt != BH_FMT_JA && bh_opinfo[op].fmt != BH_FMT_JA32 &&
		    bh_opinfo[op].fmt != BH_FMT_JMP_K && bh_opinfo[op].fmt != BH_FMT_JMP_X &&
		    bh_opinfo[op].fmt != BH_FMT_CALL_LOCAL)
			continue;
		if (t < 0 || t >= (int64_t)cnt) {
			bh_logf(log, "insn %zu: %s target %lld is outside the program [0, %zu)\n",
				i, op == BH_OP_CALL_LOCAL ? "call local" : "jump", (long long)t,
				cnt);
			ret = -EINVAL;
			goto out;
		}
		if (second[t]) {
			bh_logf(log,
				"insn %zu: %s target %lld is the second slot of lddw at insn "
				"%lld\n",
				i, op == BH_OP_CALL_LOCAL ? "call local" : "jump", (long long)t,
				(long long)t - 1);
			ret = -EINVAL;
			goto out;
		}
	}
	if (last_op != BH_OP_EXIT && last_op != BH_OP_JA && last_op != BH_OP_JA32) {
		bh_logf(log,
			"insn %zu: program must end with exit or an unconditional jump, not %s\n",
			second[cnt - 1] ? cnt - 2 : cnt - 1, bh_opinfo[last_op].mnem);
		ret = -EINVAL;
	}
out:
	free(second);
	return ret;
}

int bpfhost_insns_validate(const struct bpfhost_insn *insns, size_t insn_cnt,
			   struct bpfhost_validate_opts *opts)
{
	struct bh_log log = BH_LOG_INIT;
	int ret, lret;

	if (!BH_OPTS_VALID(opts, bpfhost_validate_opts, &log))
		ret = -EINVAL;
	else
		ret = bh_validate(insns, insn_cnt, BH_OPTS_GET(opts, insn_limit, 0), NULL, &log);
	lret = bh_log_finish(&log, BH_OPTS_GET(opts, log_buf, NULL), BH_OPTS_GET(opts, log_size, 0),
			     BH_OPTS_HAS(opts, log_true_size) ? &opts->log_true_size : NULL,
			     BPFHOST_WARN);
	return ret ? ret : lret;
}
