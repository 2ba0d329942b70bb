/* SPDX-License-Identifier: MIT */
/*
 * ALU instructions on abstract registers.
 *
 * Scalars go through the scalar domain (scalar.c). Pointers allow only what
 * keeps them checkable:
 *  - 64-bit add/sub of a scalar: a constant moves the constant offset, a
 *    variable scalar joins the variable part, which must stay within
 *    +-2^29 (an unbounded scalar would make the pointer unknown: refused);
 *    adding a variable to a packet pointer gives it a new id and range 0
 *    (what was proven for the old pointer says nothing about the new one);
 *  - pointer - pointer into the same region gives a scalar (also as a
 *    32-bit subtraction, which clang emits for (u32)(data_end - data));
 *  - every other operation on a pointer, any 32-bit ALU operation on one,
 *    and arithmetic on packet-end, map, function or possibly-NULL pointers
 *    are refused, each with its own message.
 * A 64-bit mov of a scalar links the copies (same id): a comparison that
 * narrows one narrows the others (jmp.c).
 */
#include <errno.h>
#include <stdio.h>

#include "verifier/env.h"

#define REGBIT(n) (1u << (n))

int bh_check_reg_init(struct bh_venv *env, uint32_t regno)
{
	const struct bh_reg *r = &bh_regs(env)[regno];

	if (r->type != BH_RT_NOT_INIT)
		return 0;
	if (r->released)
		return bh_verr(env, -EACCES, BH_VR_REF_RELEASE, REGBIT(regno),
			       "a record may be used only until it is submitted or discarded",
			       "r%u is used after its ring buffer record was released at insn %u",
			       regno, r->released - 1);
	return bh_verr(env, -EACCES, BH_VR_UNINIT_REG, REGBIT(regno),
		       "only r1 (context) and r10 (frame pointer) are set at entry; calls "
		       "clobber r1-r5, so keep values in r6-r9 across calls",
		       "r%u is read but not initialised", regno);
}

static enum bh_alu alu_kind(const struct bpfhost_insn *insn)
{
	switch (insn->code >> 4) {
	case 0x0:
		return BH_ALU_ADD;
	case 0x1:
		return BH_ALU_SUB;
	case 0x2:
		return BH_ALU_MUL;
	case 0x3:
		return insn->off == 1 ? BH_ALU_SDIV : BH_ALU_DIV;
	case 0x4:
		return BH_ALU_OR;
	case 0x5:
		return BH_ALU_AND;
	case 0x6:
		return BH_ALU_LSH;
	case 0x7:
		return BH_ALU_RSH;
	case 0x9:
		return insn->off == 1 ? BH_ALU_SMOD : BH_ALU_MOD;
	case 0xa:
		return BH_ALU_XOR;
	case 0xc:
		return BH_ALU_ARSH;
	default:
		return BH_ALU_MOV;
	}
}

static const char *alu_name(enum bh_alu k)
{
	static const char *const n[] = { "add", "sub", "mul", "div", "sdiv", "mod",  "smod",
					 "or",	"and", "xor", "lsh", "rsh",  "arsh", "mov" };
	return n[k];
}

static bool arith_ok_type(uint8_t t)
{
	switch (t) {
	case BH_RT_CTX:
	case BH_RT_PKT:
	case BH_RT_PKT_META:
	case BH_RT_STACK:
	case BH_RT_MAP_VALUE:
	case BH_RT_MEM:
	case BH_RT_RINGBUF_REC:
		return true;
	default:
		return false;
	}
}

static int refuse_ptr_type(struct bh_venv *env, uint32_t regno, const struct bh_reg *p)
{
	if (p->type == BH_RT_MAP_VALUE_OR_NULL || p->type == BH_RT_RINGBUF_REC_OR_NULL ||
	    p->type == BH_RT_MAP_PTR_OR_NULL)
		return bh_verr(env, -EACCES, BH_VR_NULL_CHECK, REGBIT(regno),
			       "compare the pointer with 0 (if (!p) ...) before using it",
			       "arithmetic on r%u, which may be NULL", regno);
	return bh_verr(env, -EACCES, BH_VR_PTR_ARITH, REGBIT(regno), NULL,
		       "arithmetic on r%u (%s) is not allowed", regno, bh_rtype_name(p->type));
}

/*
 * r = ptr (+ or -) scalar. ptr and r may alias. regno is the pointer's
 * register (for messages), sregno the scalar's (-1 for an immediate).
 */
static int ptr_adjust(struct bh_venv *env, struct bh_reg *r, const struct bh_reg *ptr,
		      const struct bh_scalar *s, bool sub, uint32_t regno, int sregno)
{
	struct bh_reg res = *ptr;
	uint32_t regs = REGBIT(regno) | (sregno >= 0 ? REGBIT(sregno) : 0);

	if (!arith_ok_type(ptr->type))
		return refuse_ptr_type(env, regno, ptr);
	if (sregno >= 0) {
		int err = bh_mark_precise(env, REGBIT(sregno));

		if (err)
			return err;
	}
	if (bh_scalar_is_const(s)) {
		int64_t c = (int64_t)s->var.value, off;

		if (c < -BH_MAX_VAR_OFF || c > BH_MAX_VAR_OFF)
			return bh_verr(env, -EACCES, BH_VR_PTR_UNBOUNDED, regs, NULL,
				       "%s %lld %s a pointer: the offset is out of the range "
				       "the verifier tracks (+-%lld)",
				       sub ? "subtracting" : "adding", (long long)c,
				       sub ? "from" : "to", (long long)BH_MAX_VAR_OFF);
		off = (int64_t)ptr->off + (sub ? -c : c);
		if (off < -BH_MAX_VAR_OFF || off > BH_MAX_VAR_OFF)
			return bh_verr(env, -EACCES, BH_VR_PTR_UNBOUNDED, regs, NULL,
				       "pointer offset %lld is out of the range the verifier "
				       "tracks (+-%lld)",
				       (long long)off, (long long)BH_MAX_VAR_OFF);
		res.off = (int32_t)off;
	} else {
		struct bh_scalar v;

		if (s->smin < -BH_MAX_VAR_OFF || s->smax > BH_MAX_VAR_OFF) {
			char b[160];

			return bh_verr(
				env, -EACCES, BH_VR_PTR_UNBOUNDED, regs,
				"compare the scalar against the size of the object first (for "
				"example if (i < N)), so its range is bounded",
				"%s of a pointer and an unbounded scalar (%s): the result could "
				"point anywhere",
				sub ? "difference" : "sum", bh_scalar_str(s, b, sizeof(b)));
		}
		if (ptr->type == BH_RT_CTX)
			return bh_verr(env, -EACCES, BH_VR_CTX_MODIFIED, regs,
				       "context fields are read at constant offsets from r1",
				       "variable offset added to the context pointer r%u", regno);
		v = bh_scalar_alu(sub ? BH_ALU_SUB : BH_ALU_ADD, &ptr->s, s, false);
		if (v.smin < -BH_MAX_VAR_OFF || v.smax > BH_MAX_VAR_OFF)
			return bh_verr(env, -EACCES, BH_VR_PTR_UNBOUNDED, regs,
				       "bound the index before adding it to the pointer",
				       "the variable part of the pointer becomes unbounded");
		res.s = v;
		if (ptr->type == BH_RT_PKT || ptr->type == BH_RT_PKT_META) {
			res.id = bh_new_id(env);
			res.range = 0;
		}
	}
	*r = res;
	return 0;
}

static bool same_region(const struct bh_reg *a, const struct bh_reg *b)
{
	if (a->type == BH_RT_PKT || a->type == BH_RT_PKT_END || a->type == BH_RT_PKT_META)
		return b->type == BH_RT_PKT || b->type == BH_RT_PKT_END ||
		       b->type == BH_RT_PKT_META;
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case BH_RT_STACK:
		return a->frameno == b->frameno;
	case BH_RT_MAP_VALUE:
		return a->map == b->map;
	case BH_RT_CTX:
	case BH_RT_MEM:
	case BH_RT_RINGBUF_REC:
		return a->type != BH_RT_RINGBUF_REC || a->ref_id == b->ref_id;
	default:
		return false;
	}
}

static int ptr_diff(struct bh_venv *env, struct bh_reg *dst, const struct bh_reg *src,
		    uint32_t dreg, uint32_t sreg)
{
	bool exact;

	if (!same_region(dst, src) || dst->type == BH_RT_MAP_VALUE_OR_NULL)
		return bh_verr(env, -EACCES, BH_VR_PTR_ARITH, REGBIT(dreg) | REGBIT(sreg), NULL,
			       "subtraction of pointers into different regions (%s - %s)",
			       bh_rtype_name(dst->type), bh_rtype_name(src->type));
	exact = dst->type == src->type && dst->id == src->id && bh_scalar_is_const(&dst->s) &&
		bh_scalar_is_const(&src->s) && dst->type != BH_RT_PKT_END;
	if (exact) {
		int64_t d = ((int64_t)dst->off + (int64_t)dst->s.var.value) -
			    ((int64_t)src->off + (int64_t)src->s.var.value);

		bh_reg_const(dst, (uint64_t)d);
	} else {
		bh_reg_unknown(dst);
	}
	return 0;
}

static int check_end(struct bh_venv *env, const struct bpfhost_insn *insn, enum bh_op op)
{
	struct bh_reg *dst = &bh_regs(env)[insn->dst_reg];
	unsigned bits = (unsigned)insn->imm;
	struct bh_scalar s;
	uint8_t prop;
	int err = bh_check_reg_init(env, insn->dst_reg);

	if (err)
		return err;
	if (dst->type != BH_RT_SCALAR)
		return bh_verr(env, -EACCES, BH_VR_PTR_ARITH, REGBIT(insn->dst_reg), NULL,
			       "byte swap of a pointer (r%u is %s)", insn->dst_reg,
			       bh_rtype_name(dst->type));
	if (op == BH_OP_LE16 || op == BH_OP_LE32 || op == BH_OP_LE64)
		s = bh_scalar_zext(&dst->s, bits / 8);
	else
		s = bh_scalar_bswap(&dst->s, bits);
	prop = dst->prop;
	bh_reg_scalar(dst, s);
	dst->prop = prop;
	return 0;
}

static int check_mov(struct bh_venv *env, const struct bpfhost_insn *insn, enum bh_op op, bool is32)
{
	struct bh_reg *regs = bh_regs(env), *dst = &regs[insn->dst_reg];
	struct bh_reg *src = &regs[insn->src_reg];
	int err;

	if (bh_opinfo[op].fmt == BH_FMT_ALU_K) {
		if (is32)
			bh_reg_const(dst, (uint32_t)insn->imm);
		else
			bh_reg_const(dst, (uint64_t)(int64_t)insn->imm);
		return 0;
	}
	err = bh_check_reg_init(env, insn->src_reg);
	if (err)
		return err;
	if (src->type != BH_RT_SCALAR && (is32 || insn->off))
		return bh_verr(env, -EACCES, BH_VR_PTR_ALU32, REGBIT(insn->src_reg),
			       "keep pointers in 64-bit registers; 32-bit or sign-extending "
			       "moves would cut the address",
			       "%s of pointer r%u (%s) would lose the pointer",
			       is32 ? "32-bit move" : "sign-extending move", insn->src_reg,
			       bh_rtype_name(src->type));
	if (insn->off) { /* movsx */
		struct bh_scalar s = bh_scalar_sext(&src->s, (unsigned)insn->off / 8);
		uint8_t prop = src->prop;

		if (is32)
			s = bh_scalar_zext(&s, 4);
		bh_reg_scalar(dst, s);
		dst->prop = prop;
		return 0;
	}
	if (is32) {
		uint8_t prop = src->prop;

		bh_reg_scalar(dst, bh_scalar_zext(&src->s, 4));
		dst->prop = prop;
		return 0;
	}
	if (src->type == BH_RT_SCALAR && !bh_scalar_is_const(&src->s) && !src->id)
		src->id = bh_new_id(env);
	*dst = *src;
	return 0;
}

int bh_check_alu(struct bh_venv *env, const struct bpfhost_insn *insn, enum bh_op op)
{
	struct bh_reg *regs = bh_regs(env), *dst = &regs[insn->dst_reg];
	uint8_t fmt = bh_opinfo[op].fmt;
	bool is32 = bh_op_is32(op);
	enum bh_alu kind = alu_kind(insn);
	struct bh_reg imm, *src;
	int err;

	if (fmt == BH_FMT_END)
		return check_end(env, insn, op);
	if (kind == BH_ALU_MOV && fmt != BH_FMT_NEG)
		return check_mov(env, insn, op, is32);
	err = bh_check_reg_init(env, insn->dst_reg);
	if (err)
		return err;
	if (fmt == BH_FMT_NEG) {
		if (dst->type != BH_RT_SCALAR)
			return bh_verr(env, -EACCES, BH_VR_PTR_ARITH, REGBIT(insn->dst_reg), NULL,
				       "negation of pointer r%u (%s)", insn->dst_reg,
				       bh_rtype_name(dst->type));
		uint8_t prop = dst->prop;

		bh_reg_scalar(dst, bh_scalar_neg(&dst->s, is32));
		dst->prop = prop;
		return 0;
	}
	if (fmt == BH_FMT_ALU_K) {
		bh_reg_const(&imm, (uint64_t)(int64_t)insn->imm);
		src = &imm;
	} else {
		err = bh_check_reg_init(env, insn->src_reg);
		if (err)
			return err;
		src = &regs[insn->src_reg];
	}
	if (dst->type == BH_RT_SCALAR && src->type == BH_RT_SCALAR) {
		uint8_t prop = dst->prop & src->prop;

		bh_reg_scalar(dst, bh_scalar_alu(kind, &dst->s, &src->s, is32));
		dst->prop = prop;
		return 0;
	}
	/* a pointer is involved */
	{
		uint32_t regs_inv =
			REGBIT(insn->dst_reg) | (fmt == BH_FMT_ALU_X ? REGBIT(insn->src_reg) : 0);

		/* the distance of two pointers is a number at either width */
		if (is32 && kind == BH_ALU_SUB && dst->type != BH_RT_SCALAR &&
		    src->type != BH_RT_SCALAR) {
			err = ptr_diff(env, dst, src, insn->dst_reg, insn->src_reg);
			if (!err)
				bh_reg_scalar(dst, bh_scalar_zext(&dst->s, 4));
			return err;
		}
		if (is32)
			return bh_verr(env, -EACCES, BH_VR_PTR_ALU32, regs_inv,
				       "do pointer arithmetic with 64-bit instructions",
				       "32-bit %s on a pointer would lose the pointer",
				       alu_name(kind));
		if (kind != BH_ALU_ADD && kind != BH_ALU_SUB)
			return bh_verr(env, -EACCES, BH_VR_PTR_ARITH, regs_inv,
				       "only adding or subtracting a scalar keeps a pointer valid",
				       "%s on a pointer is not allowed", alu_name(kind));
	}
	if (dst->type != BH_RT_SCALAR && src->type == BH_RT_SCALAR)
		return ptr_adjust(env, dst, dst, &src->s, kind == BH_ALU_SUB, insn->dst_reg,
				  fmt == BH_FMT_ALU_X ? insn->src_reg : -1);
	if (dst->type == BH_RT_SCALAR) { /* scalar op pointer */
		struct bh_scalar s = dst->s;

		if (kind == BH_ALU_SUB)
			return bh_verr(env, -EACCES, BH_VR_PTR_ARITH,
				       REGBIT(insn->dst_reg) | REGBIT(insn->src_reg), NULL,
				       "subtracting a pointer (r%u) from a scalar", insn->src_reg);
		return ptr_adjust(env, dst, src, &s, false, insn->src_reg, insn->dst_reg);
	}
	if (kind == BH_ALU_SUB)
		return ptr_diff(env, dst, src, insn->dst_reg, insn->src_reg);
	return bh_verr(env, -EACCES, BH_VR_PTR_ARITH, REGBIT(insn->dst_reg) | REGBIT(insn->src_reg),
		       NULL, "adding two pointers");
}
