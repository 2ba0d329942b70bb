/* SPDX-License-Identifier: MIT */
/*
 * Conditional jumps.
 *
 * Scalars: when the state decides the comparison only one successor is
 * followed; otherwise the path splits and each side is narrowed by the
 * condition (bh_scalar_refine), including every copy linked by id.
 *
 * Pointers:
 *  - "or NULL" pointers compared (==, !=) with 0: on the NULL side every
 *    copy (same id) becomes the scalar 0 and a reference it held is dropped
 *    (a NULL record needs no release); on the other side every copy becomes
 *    the non-NULL type;
 *  - other pointers are never NULL, so == / != 0 is decided;
 *  - a packet pointer p = base + off compared with the packet end proves,
 *    on the side where p <= end (p < end), that bytes [base, base + off)
 *    ([base, base + off + 1)) exist: the state's packet range (constant
 *    offsets) or the range of every pointer sharing p's id grows. The same
 *    holds for data_meta pointers compared with data;
 *  - other pointers may be compared only with pointers into the same
 *    region (both sides are then explored); a pointer against a scalar,
 *    pointers into different regions, 32-bit comparisons and jset on
 *    pointers are refused.
 */
#include <errno.h>

#include "verifier/env.h"

#define REGBIT(n) (1u << (n))

static enum bh_cmp cmp_of(const struct bpfhost_insn *insn)
{
	switch (insn->code >> 4) {
	case 0x1:
		return BH_CMP_EQ;
	case 0x2:
		return BH_CMP_GT;
	case 0x3:
		return BH_CMP_GE;
	case 0x4:
		return BH_CMP_SET;
	case 0x5:
		return BH_CMP_NE;
	case 0x6:
		return BH_CMP_SGT;
	case 0x7:
		return BH_CMP_SGE;
	case 0xa:
		return BH_CMP_LT;
	case 0xb:
		return BH_CMP_LE;
	case 0xc:
		return BH_CMP_SLT;
	default:
		return BH_CMP_SLE;
	}
}

struct link_arg {
	uint32_t id;
	const struct bh_scalar *s;
};

static void set_linked(struct bh_reg *r, void *arg)
{
	const struct link_arg *a = arg;

	if (r->type == BH_RT_SCALAR && r->id == a->id)
		r->s = *a->s;
}

void bh_set_scalar(struct bh_vstate *st, struct bh_reg *r, const struct bh_scalar *s)
{
	struct link_arg a = { r->id, s };

	r->s = *s;
	if (r->id)
		bh_state_for_each_reg(st, set_linked, &a);
}

static struct bh_reg *reg_in(struct bh_vstate *st, uint32_t regno)
{
	return &st->frames[st->curframe]->regs[regno];
}

/*
 * Split the path at a conditional jump. The side that reaches an exit sooner
 * (a straight run of instructions) continues first and the other waits, so
 * early exits do not pile up waiting paths.
 */
static int split(struct bh_venv *env, size_t idx, size_t target, struct bh_vstate **taken,
		 struct bh_vstate **fall, size_t *next)
{
	bool swap = env->aux[target].exit_dist < env->aux[idx + 1].exit_dist;
	struct bh_vstate *other = bh_push_branch(env, swap ? idx + 1 : target);

	if (!other)
		return env->err;
	*taken = swap ? env->cur : other;
	*fall = swap ? other : env->cur;
	*next = swap ? target : idx + 1;
	return 0;
}

static void unprop_linked(struct bh_reg *r, void *arg)
{
	if (r->type == BH_RT_SCALAR && r->id == *(uint32_t *)arg)
		r->prop = 0;
}

/* r (and its linked copies) now depend on more than their provenance. */
static void unprop(struct bh_vstate *st, struct bh_reg *r)
{
	uint32_t id = r->id;

	r->prop = 0;
	if (id)
		bh_state_for_each_reg(st, unprop_linked, &id);
}

static int scalar_jmp(struct bh_venv *env, const struct bpfhost_insn *insn, enum bh_cmp cmp,
		      bool is32, const struct bh_scalar *src_s, size_t idx, size_t target,
		      size_t *next)
{
	struct bh_reg *dst = reg_in(env->cur, insn->dst_reg);
	bool has_src = BH_SRC_X & insn->code;
	struct bh_scalar a1 = dst->s, b1 = *src_s, a2 = dst->s, b2 = *src_s;
	bool ok_t, ok_f;
	int t = bh_scalar_branch_taken(cmp, &dst->s, src_s, is32);

	if (t >= 0) {
		int err = bh_mark_precise(env, REGBIT(insn->dst_reg) |
						       (has_src ? REGBIT(insn->src_reg) : 0));

		if (err)
			return err;
	}
	if (t == 1) {
		*next = target;
		return 0;
	}
	if (t == 0) {
		*next = idx + 1;
		return 0;
	}
	ok_t = bh_scalar_refine(cmp, true, &a1, &b1, is32);
	ok_f = bh_scalar_refine(cmp, false, &a2, &b2, is32);
	if (!ok_t || !ok_f) {
		/* the values decide which side runs: keep them precise */
		int err = bh_mark_precise(env, REGBIT(insn->dst_reg) |
						       (has_src ? REGBIT(insn->src_reg) : 0));

		if (err)
			return err;
	}
	if (!ok_t && !ok_f)
		return 1; /* contradictory state: no run gets here */
	if (ok_t && ok_f) {
		struct bh_vstate *ts, *fs;
		int err;

		if (has_src && !(dst->prop && reg_in(env->cur, insn->src_reg)->prop)) {
			/* each side's range now depends on the other register too */
			unprop(env->cur, dst);
			unprop(env->cur, reg_in(env->cur, insn->src_reg));
		}
		err = split(env, idx, target, &ts, &fs, next);
		if (err)
			return err;
		bh_set_scalar(ts, reg_in(ts, insn->dst_reg), &a1);
		if (has_src)
			bh_set_scalar(ts, reg_in(ts, insn->src_reg), &b1);
		bh_set_scalar(fs, reg_in(fs, insn->dst_reg), &a2);
		if (has_src)
			bh_set_scalar(fs, reg_in(fs, insn->src_reg), &b2);
		return 0;
	}
	if (ok_t) {
		bh_set_scalar(env->cur, dst, &a1);
		if (has_src)
			bh_set_scalar(env->cur, reg_in(env->cur, insn->src_reg), &b1);
		*next = target;
	} else {
		bh_set_scalar(env->cur, dst, &a2);
		if (has_src)
			bh_set_scalar(env->cur, reg_in(env->cur, insn->src_reg), &b2);
		*next = idx + 1;
	}
	return 0;
}

/* ---- NULL checks ---- */

struct null_arg {
	uint32_t id;
	bool is_null;
	uint32_t insn;
};

static void mark_null(struct bh_reg *r, void *arg)
{
	const struct null_arg *a = arg;

	if ((r->type != BH_RT_MAP_VALUE_OR_NULL && r->type != BH_RT_RINGBUF_REC_OR_NULL &&
	     r->type != BH_RT_MAP_PTR_OR_NULL) ||
	    r->id != a->id)
		return;
	if (a->is_null) {
		bh_reg_const(r, 0);
		return;
	}
	r->type = r->type == BH_RT_MAP_VALUE_OR_NULL ? BH_RT_MAP_VALUE
		  : r->type == BH_RT_MAP_PTR_OR_NULL ? BH_RT_MAP_PTR
						     : BH_RT_RINGBUF_REC;
	r->id = 0;
}

static void settle_null(struct bh_vstate *st, uint32_t regno, bool is_null)
{
	struct bh_reg *r = reg_in(st, regno);
	struct null_arg a = { r->id, is_null, 0 };

	if (is_null && r->type == BH_RT_RINGBUF_REC_OR_NULL)
		bh_ref_release(st, r->ref_id);
	bh_state_for_each_reg(st, mark_null, &a);
}

static bool is_zero(const struct bh_reg *r)
{
	return r->type == BH_RT_SCALAR && bh_scalar_is_const(&r->s) && r->s.var.value == 0;
}

static bool is_or_null(const struct bh_reg *r)
{
	return r->type == BH_RT_MAP_VALUE_OR_NULL || r->type == BH_RT_RINGBUF_REC_OR_NULL ||
	       r->type == BH_RT_MAP_PTR_OR_NULL;
}

/* ---- packet ranges ---- */

struct range_arg {
	uint32_t id;
	uint8_t type;
	uint32_t range;
};

static void grow_range(struct bh_reg *r, void *arg)
{
	const struct range_arg *a = arg;

	if (r->type == a->type && r->id == a->id && r->range < a->range)
		r->range = a->range;
}

/* In st, p (register regno, a PKT or PKT_META pointer) + n <= its end. */
static void prove_range(struct bh_vstate *st, uint32_t regno, uint32_t n)
{
	const struct bh_reg *p = reg_in(st, regno);
	int64_t r = (int64_t)p->off + n;
	struct range_arg a;

	if (r <= 0)
		return;
	if (r > UINT32_MAX)
		r = UINT32_MAX;
	if (!p->id) {
		if (p->type == BH_RT_PKT && st->pkt_range < r)
			st->pkt_range = (uint32_t)r;
		if (p->type == BH_RT_PKT_META && st->meta_range < r)
			st->meta_range = (uint32_t)r;
		return;
	}
	a.id = p->id;
	a.type = p->type;
	a.range = (uint32_t)r;
	bh_state_for_each_reg(st, grow_range, &a);
}

static enum bh_cmp swap_cmp(enum bh_cmp c)
{
	switch (c) {
	case BH_CMP_GT:
		return BH_CMP_LT;
	case BH_CMP_GE:
		return BH_CMP_LE;
	case BH_CMP_LT:
		return BH_CMP_GT;
	case BH_CMP_LE:
		return BH_CMP_GE;
	case BH_CMP_SGT:
		return BH_CMP_SLT;
	case BH_CMP_SGE:
		return BH_CMP_SLE;
	case BH_CMP_SLT:
		return BH_CMP_SGT;
	case BH_CMP_SLE:
		return BH_CMP_SGE;
	default:
		return c;
	}
}

/* Is `end` the end of p's region (pkt -> pkt_end, meta -> data)? */
static bool is_end_of(const struct bh_reg *p, const struct bh_reg *end)
{
	if (p->type == BH_RT_PKT)
		return end->type == BH_RT_PKT_END;
	if (p->type == BH_RT_PKT_META)
		return end->type == BH_RT_PKT && !end->id && end->off == 0;
	return false;
}

static bool pointers_comparable(const struct bh_reg *a, const struct bh_reg *b)
{
	bool pa = a->type == BH_RT_PKT || a->type == BH_RT_PKT_END || a->type == BH_RT_PKT_META;
	bool pb = b->type == BH_RT_PKT || b->type == BH_RT_PKT_END || b->type == BH_RT_PKT_META;

	if (pa || pb)
		return pa && pb;
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case BH_RT_STACK:
		return a->frameno == b->frameno;
	case BH_RT_MAP_VALUE:
		return a->map == b->map;
	case BH_RT_CTX:
	case BH_RT_MEM:
		return true;
	case BH_RT_RINGBUF_REC:
		return a->ref_id == b->ref_id;
	default:
		return false;
	}
}

static int ptr_jmp(struct bh_venv *env, const struct bpfhost_insn *insn, enum bh_cmp cmp, bool is32,
		   size_t idx, size_t target, size_t *next)
{
	struct bh_reg *regs = bh_regs(env), *dst = &regs[insn->dst_reg];
	bool has_src = BH_SRC_X & insn->code;
	struct bh_reg imm, *src;
	uint32_t inv = REGBIT(insn->dst_reg) | (has_src ? REGBIT(insn->src_reg) : 0);
	uint32_t preg, n_taken = 0, n_fall = 0;
	bool prove_taken = false, prove_fall = false;
	struct bh_vstate *ts, *fs;
	int err;

	if (has_src) {
		src = &regs[insn->src_reg];
	} else {
		bh_reg_const(&imm, (uint64_t)(int64_t)insn->imm);
		src = &imm;
	}
	if (is32)
		return bh_verr(env, -EACCES, BH_VR_PTR_CMP, inv,
			       "compare pointers with 64-bit jumps",
			       "32-bit comparison involving a pointer");
	if (cmp == BH_CMP_SET)
		return bh_verr(env, -EACCES, BH_VR_PTR_CMP, inv, NULL,
			       "bit test (jset) on a pointer");
	/* comparisons with 0 */
	if ((is_zero(src) || is_zero(dst)) && (cmp == BH_CMP_EQ || cmp == BH_CMP_NE)) {
		uint32_t preg0 = is_zero(src) ? insn->dst_reg : insn->src_reg;
		struct bh_reg *p = is_zero(src) ? dst : src;
		bool eq = cmp == BH_CMP_EQ;

		err = bh_mark_precise(env, (is_zero(src) && has_src ? REGBIT(insn->src_reg) : 0) |
						   (is_zero(dst) ? REGBIT(insn->dst_reg) : 0));
		if (err)
			return err;
		if (!is_or_null(p)) {
			/* never NULL: == 0 is false, != 0 true */
			*next = eq ? idx + 1 : target;
			return 0;
		}
		err = split(env, idx, target, &ts, &fs, next);
		if (err)
			return err;
		settle_null(ts, preg0, eq);
		settle_null(fs, preg0, !eq);
		return 0;
	}
	if (dst->type == BH_RT_SCALAR || src->type == BH_RT_SCALAR) {
		const struct bh_reg *p = dst->type == BH_RT_SCALAR ? src : dst;

		if (is_or_null(p))
			return bh_verr(env, -EACCES, BH_VR_NULL_CHECK, inv,
				       "compare the pointer with 0 first",
				       "comparison of a possibly-NULL pointer (%s) with a "
				       "non-zero scalar",
				       bh_rtype_name(p->type));
		return bh_verr(env, -EACCES, BH_VR_PTR_CMP, inv, NULL,
			       "comparison of a pointer (%s) with a scalar other than 0",
			       bh_rtype_name(p->type));
	}
	if (!pointers_comparable(dst, src))
		return bh_verr(env, -EACCES, BH_VR_PTR_CMP, inv, NULL,
			       "comparison of pointers into different regions (%s and %s)",
			       bh_rtype_name(dst->type), bh_rtype_name(src->type));
	/* packet pointer against its end: p CMP end */
	if (is_end_of(dst, src) || is_end_of(src, dst)) {
		enum bh_cmp c = is_end_of(dst, src) ? cmp : swap_cmp(cmp);

		preg = is_end_of(dst, src) ? insn->dst_reg : insn->src_reg;
		switch (c) {
		case BH_CMP_GT: /* fall: p <= end */
			prove_fall = true;
			break;
		case BH_CMP_GE: /* fall: p < end */
			prove_fall = true;
			n_fall = 1;
			break;
		case BH_CMP_LT:
			prove_taken = true;
			n_taken = 1;
			break;
		case BH_CMP_LE:
		case BH_CMP_EQ:
			prove_taken = true;
			break;
		case BH_CMP_NE:
			prove_fall = true;
			break;
		default:
			break;
		}
	} else {
		preg = 0;
	}
	err = split(env, idx, target, &ts, &fs, next);
	if (err)
		return err;
	if (prove_taken)
		prove_range(ts, preg, n_taken);
	if (prove_fall)
		prove_range(fs, preg, n_fall);
	return 0;
}

int bh_check_cond_jmp(struct bh_venv *env, const struct bpfhost_insn *insn, enum bh_op op,
		      size_t idx, size_t *next)
{
	struct bh_reg *regs = bh_regs(env), *dst = &regs[insn->dst_reg];
	bool is32 = bh_op_is32(op);
	enum bh_cmp cmp = cmp_of(insn);
	size_t target = idx + 1 + (int64_t)insn->off;
	struct bh_scalar imm;
	int err;

	err = bh_check_reg_init(env, insn->dst_reg);
	if (err)
		return err;
	if (bh_opinfo[op].fmt == BH_FMT_JMP_X) {
		const struct bh_reg *src = &regs[insn->src_reg];

		err = bh_check_reg_init(env, insn->src_reg);
		if (err)
			return err;
		if (dst->type == BH_RT_SCALAR && src->type == BH_RT_SCALAR)
			return scalar_jmp(env, insn, cmp, is32, &src->s, idx, target, next);
		return ptr_jmp(env, insn, cmp, is32, idx, target, next);
	}
	if (dst->type != BH_RT_SCALAR)
		return ptr_jmp(env, insn, cmp, is32, idx, target, next);
	imm = bh_scalar_const((uint64_t)(int64_t)insn->imm);
	return scalar_jmp(env, insn, cmp, is32, &imm, idx, target, next);
}
