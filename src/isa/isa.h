/* SPDX-License-Identifier: MIT */
/*
 * Internal view of the instruction set, generated from opcodes.def.
 *
 * bh_decode_op() maps one instruction slot to its operation (enum bh_op)
 * using the opcode byte and, where several operations share it, the selector
 * field named in the table. bh_validate() checks a whole program's encoding
 * and can hand back the decoded operation of every slot, which the engines
 * use for pre-decoding.
 */
#ifndef BH_ISA_ISA_H
#define BH_ISA_ISA_H

#include <stdbool.h>
#include <stdint.h>

#include <bpfhost/isa.h>
#include "common/log.h"

enum bh_op {
#define X(NAME, CODE, SEL, SELVAL, FMT, ASM, OPSTR) BH_OP_##NAME,
#include "isa/opcodes.def"
#undef X
	BH_OP__COUNT,
};

enum bh_sel {
	BH_SEL_NONE,
	BH_SEL_OFF,
	BH_SEL_IMM,
	BH_SEL_SRC,
};

enum bh_fmt {
	BH_FMT_ALU_K,	   /* dst op= imm */
	BH_FMT_ALU_X,	   /* dst op= src (movsx: width in off) */
	BH_FMT_NEG,	   /* dst = -dst */
	BH_FMT_END,	   /* byte swap of dst, width in imm */
	BH_FMT_JA,	   /* goto pc + off */
	BH_FMT_JA32,	   /* goto pc + imm */
	BH_FMT_JMP_K,	   /* if dst op imm goto pc + off */
	BH_FMT_JMP_X,	   /* if dst op src goto pc + off */
	BH_FMT_CALL,	   /* helper call, id in imm */
	BH_FMT_CALL_LOCAL, /* bpf-to-bpf call, pc-relative target in imm */
	BH_FMT_CALL_KFUNC, /* runtime function (kfunc), BTF id in imm */
	BH_FMT_CALLX,	   /* call helper whose id is in dst */
	BH_FMT_EXIT,
	BH_FMT_LDDW,   /* two slots: dst = imm64 (or pseudo source in src) */
	BH_FMT_LDABS,  /* legacy r0 = packet[imm] */
	BH_FMT_LDIND,  /* legacy r0 = packet[src + imm] */
	BH_FMT_LDX,    /* dst = *(size *)(src + off) */
	BH_FMT_ST,     /* *(size *)(dst + off) = imm */
	BH_FMT_STX,    /* *(size *)(dst + off) = src */
	BH_FMT_ATOMIC, /* atomic op on *(size *)(dst + off) with src */
};

struct bh_opinfo {
	const char *name;  /* NAME from the table, e.g. "ADD64_K" */
	const char *mnem;  /* uBPF dialect mnemonic */
	const char *opstr; /* Linux syntax operator */
	int32_t selval;
	uint8_t code;
	uint8_t sel; /* enum bh_sel */
	uint8_t fmt; /* enum bh_fmt */
};

extern const struct bh_opinfo bh_opinfo[BH_OP__COUNT];

/* Opcode byte fields (RFC 9669 section 3). */
#define BH_CLASS(code) ((code)&0x07)
#define BH_CLASS_LD 0x00
#define BH_CLASS_LDX 0x01
#define BH_CLASS_ST 0x02
#define BH_CLASS_STX 0x03
#define BH_CLASS_ALU 0x04
#define BH_CLASS_JMP 0x05
#define BH_CLASS_JMP32 0x06
#define BH_CLASS_ALU64 0x07
#define BH_SRC_X 0x08

/* Width in bytes of a load/store/atomic opcode (LD/LDX/ST/STX classes). */
static inline unsigned bh_mem_size(uint8_t code)
{
	static const unsigned char sz[4] = { 4, 2, 1, 8 };
	return sz[(code >> 3) & 3];
}

/* True for ALU32, JMP32 and 32-bit atomics: operate on the low 32 bits. */
static inline bool bh_op_is32(enum bh_op op)
{
	uint8_t code = bh_opinfo[op].code;
	uint8_t cls = BH_CLASS(code);

	if (cls == BH_CLASS_ALU || cls == BH_CLASS_JMP32)
		return true;
	if (bh_opinfo[op].fmt == BH_FMT_ATOMIC)
		return bh_mem_size(code) == 4;
	return false;
}

/* The operation of one slot, or -1 if the opcode/selector is unknown. */
int bh_decode_op(const struct bpfhost_insn *insn);

/* First table entry with this opcode byte, or -1. */
int bh_first_op_for_code(uint8_t code);

/*
 * Validate a program's encoding (see bpfhost_insns_validate). If ops is not
 * NULL it must hold cnt entries and receives each slot's operation (-1 for
 * the second slot of lddw). limit 0 means the default. Returns 0, -EINVAL or
 * -E2BIG, with one "insn N: ..." line in log.
 */
int bh_validate(const struct bpfhost_insn *insns, size_t cnt, uint32_t limit, int16_t *ops,
		struct bh_log *log);

/* Jump/call target of slot i for the formats that have one, else -1. */
int64_t bh_branch_target(const struct bpfhost_insn *insns, size_t i, enum bh_op op);

#endif /* BH_ISA_ISA_H */
