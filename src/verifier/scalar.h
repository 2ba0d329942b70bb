/* SPDX-License-Identifier: MIT */
/*
 * The verifier's scalar domain: what is known about a 64-bit value.
 *
 * A scalar is the conjunction of five facts, each a sound over-approximation
 * of the set of values the register may hold:
 *   - unsigned 64-bit range [umin, umax]
 *   - signed 64-bit range [smin, smax]
 *   - unsigned and signed ranges of the low 32 bits (the subregister that
 *     32-bit ALU and JMP32 instructions see)
 *   - known bits (struct bh_tnum)
 * bh_scalar_sync() lets every fact sharpen the others. Transfer functions
 * give, for an ALU operation, a scalar containing every concrete result of
 * members of the operands; branch refinement narrows both operands of a
 * comparison under the assumption that the branch went one way, and reports
 * when that is impossible (the path is dead).
 *
 * 32-bit operations are computed as the 64-bit operation on the zero- or
 * sign-extended low halves, followed by a truncation: the low 32 bits of
 * the 64-bit result equal the 32-bit result for every RFC 9669 ALU32 op.
 */
#ifndef BH_VERIFIER_SCALAR_H
#define BH_VERIFIER_SCALAR_H

#include <stdbool.h>
#include <stdint.h>

#include "verifier/tnum.h"

struct bh_scalar {
	uint64_t umin, umax;
	int64_t smin, smax;
	uint32_t u32min, u32max;
	int32_t s32min, s32max;
	struct bh_tnum var;
};

enum bh_alu {
	BH_ALU_ADD,
	BH_ALU_SUB,
	BH_ALU_MUL,
	BH_ALU_DIV,
	BH_ALU_SDIV,
	BH_ALU_MOD,
	BH_ALU_SMOD,
	BH_ALU_OR,
	BH_ALU_AND,
	BH_ALU_XOR,
	BH_ALU_LSH,
	BH_ALU_RSH,
	BH_ALU_ARSH,
	BH_ALU_MOV,
};

enum bh_cmp {
	BH_CMP_EQ,
	BH_CMP_NE,
	BH_CMP_GT,
	BH_CMP_GE,
	BH_CMP_LT,
	BH_CMP_LE,
	BH_CMP_SGT,
	BH_CMP_SGE,
	BH_CMP_SLT,
	BH_CMP_SLE,
	BH_CMP_SET,
};

struct bh_scalar bh_scalar_const(uint64_t v);
struct bh_scalar bh_scalar_unknown(void);
/* Every value in [lo, hi] (unsigned). */
struct bh_scalar bh_scalar_urange(uint64_t lo, uint64_t hi);
/* Every value in [lo, hi] (signed). */
struct bh_scalar bh_scalar_srange(int64_t lo, int64_t hi);

/* Sharpen all facts against each other; false if they contradict (empty). */
bool bh_scalar_sync(struct bh_scalar *s);

bool bh_scalar_is_const(const struct bh_scalar *s);
bool bh_scalar_contains(const struct bh_scalar *s, uint64_t v);
/* Is every member of b a member of a? */
bool bh_scalar_includes(const struct bh_scalar *a, const struct bh_scalar *b);
/* Smallest scalar containing both (join). */
struct bh_scalar bh_scalar_join(const struct bh_scalar *a, const struct bh_scalar *b);

/* Zero-extend from / sign-extend from the low `bytes` bytes (1, 2, 4, 8). */
struct bh_scalar bh_scalar_zext(const struct bh_scalar *s, unsigned bytes);
struct bh_scalar bh_scalar_sext(const struct bh_scalar *s, unsigned bytes);

/* dst op= src, 64-bit (is32 false) or 32-bit with zero-extension. */
struct bh_scalar bh_scalar_alu(enum bh_alu op, const struct bh_scalar *dst,
			       const struct bh_scalar *src, bool is32);
struct bh_scalar bh_scalar_neg(const struct bh_scalar *dst, bool is32);
/* Byte swaps: to_be/to_le on this little-endian model and bswap. */
struct bh_scalar bh_scalar_bswap(const struct bh_scalar *dst, unsigned bits);

/* 1: a cmp b holds for all members, 0: for none, -1: depends. */
int bh_scalar_branch_taken(enum bh_cmp cmp, const struct bh_scalar *a, const struct bh_scalar *b,
			   bool is32);
/*
 * Narrow a and b assuming `a cmp b` is `taken`. Returns false when that is
 * impossible for every member (the path cannot happen).
 */
bool bh_scalar_refine(enum bh_cmp cmp, bool taken, struct bh_scalar *a, struct bh_scalar *b,
		      bool is32);

/* Verifier-log text, e.g. "smin=-4,smax=12,var_off=(0x0; 0xf)". */
char *bh_scalar_str(const struct bh_scalar *s, char *buf, unsigned long size);

#endif /* BH_VERIFIER_SCALAR_H */
