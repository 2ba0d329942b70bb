/* SPDX-License-Identifier: MIT */
/*
 * Precision tracking: which scalars' values matter for what was proven.
 *
 * Pruning compares a path's state with a complete checkpoint. Comparing
 * every scalar's range would let branchy code explode (each diamond doubles
 * the paths when a counter differs by one). Most scalar values never decide
 * anything; a checkpoint scalar that is not marked *precise* matches any
 * scalar. A value decides something when it is
 *   - added to a pointer (the access bounds depend on it),
 *   - the operand of a conditional jump whose outcome the state decided
 *     (the other side was never explored),
 *   - a helper's size argument, a record size, bpf_loop's count, callx's id,
 *   - r0 at the exit of the program or of a callback (the return range and
 *     the r0 range the verifier reports).
 * Then the value is traced back along the current path (backtracking) to
 * where it came from: through moves, ALU operations (both operands),
 * spills and fills of stack slots, comparisons of two registers (both), calls
 * (arguments, r0 of a function), into the callback's caller. Every
 * checkpoint on the way gets the registers and slots that held the value at
 * that point marked precise. Checkpoints are ancestors still in progress, so
 * by the time one is complete and used to prune, all its descendants have
 * reported what they needed. When a path is cut by a checkpoint, what the
 * checkpoint needed precise is needed by the cut path's ancestors too.
 *
 * Each state keeps the history of its segment (since its parent checkpoint):
 * jumps taken (not to the next instruction) and constant-offset stack slot
 * accesses, which is all backtracking needs besides the instructions.
 * Only checkpoints carry marks; the live state never does. A mark that is
 * already present in a checkpoint stops the walk (its ancestors have it).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "verifier/env.h"

/* Longest walk before everything above is marked precise instead. */
#define BH_BACKTRACK_STEPS 8192
/* Longest segment history kept. */
#define BH_HIST_MAX 512

static void mark_all(struct bh_venv *env, struct bh_vstate *p, uint32_t depth);

static int hist_add(struct bh_venv *env, struct bh_vstate *st, struct bh_hist h)
{
	if (st->hist_dropped)
		return 0;
	if (st->nhist >= BH_HIST_MAX) {
		/*
		 * A segment this long is a loop past the checkpoint limit: keep
		 * everything above precise instead of copying the history into
		 * every branch.
		 */
		mark_all(env, st->parent, env->cb_depth);
		st->hist_dropped = true;
		st->nhist = 0;
		return 0;
	}
	if (st->nhist == st->hist_cap) {
		uint32_t cap = st->hist_cap ? st->hist_cap * 2 : 8;
		struct bh_hist *n = realloc(st->hist, cap * sizeof(*n));

		if (!n)
			return bh_verr(env, -ENOMEM, BH_VR_NOMEM, 0, NULL, "out of memory");
		st->hist = n;
		st->hist_cap = cap;
	}
	st->hist[st->nhist++] = h;
	return 0;
}

int bh_hist_jump(struct bh_venv *env, struct bh_vstate *st, uint32_t prev, uint32_t idx)
{
	struct bh_hist h = { idx, prev, 0, 0, BH_HIST_JUMP };

	return hist_add(env, st, h);
}

int bh_hist_stack(struct bh_venv *env, uint32_t idx, uint32_t frame, uint32_t slot)
{
	struct bh_hist h = { idx, 0, (uint16_t)slot, (uint8_t)frame, BH_HIST_STACK };

	return hist_add(env, env->cur, h);
}

static bool prec_empty(const struct bh_prec *s)
{
	uint32_t f;

	for (f = 0; f < BH_MAX_FRAMES; f++)
		if (s->regs[f] || s->slots[f])
			return false;
	return true;
}

#define R(n) (1u << (n))

static bool is_mov(enum bh_op op)
{
	switch (op) {
	case BH_OP_MOV64_X:
	case BH_OP_MOV32_X:
	case BH_OP_MOVSX8_64:
	case BH_OP_MOVSX16_64:
	case BH_OP_MOVSX32_64:
	case BH_OP_MOVSX8_32:
	case BH_OP_MOVSX16_32:
		return true;
	default:
		return false;
	}
}

/* Step back over instruction p (executed in frame fr): what did S depend on before it? */
static void backtrack_insn(const struct bh_venv *env, uint32_t p, struct bh_prec *s, uint32_t fr,
			   const struct bh_hist *stk)
{
	const struct bpfhost_insn *in = &env->insns[p];
	enum bh_op op = (enum bh_op)env->aux[p].op;
	uint16_t *regs = &s->regs[fr];
	uint16_t d = (uint16_t)R(in->dst_reg), sr = (uint16_t)R(in->src_reg);

	switch (bh_opinfo[op].fmt) {
	case BH_FMT_ALU_K:
		if ((op == BH_OP_MOV64_K || op == BH_OP_MOV32_K) && (*regs & d))
			*regs &= (uint16_t)~d;
		break;
	case BH_FMT_ALU_X:
		if (!(*regs & d))
			break;
		if (is_mov(op))
			*regs &= (uint16_t)~d;
		*regs |= sr;
		break;
	case BH_FMT_LDDW:
		*regs &= (uint16_t)~d;
		break;
	case BH_FMT_LDX:
		if (!(*regs & d))
			break;
		*regs &= (uint16_t)~d;
		if (stk)
			s->slots[stk->frame] |= 1ull << stk->slot;
		break;
	case BH_FMT_ST:
		if (stk)
			s->slots[stk->frame] &= ~(1ull << stk->slot);
		break;
	case BH_FMT_STX:
		if (stk && (s->slots[stk->frame] & (1ull << stk->slot))) {
			s->slots[stk->frame] &= ~(1ull << stk->slot);
			*regs |= sr;
		}
		break;
	case BH_FMT_ATOMIC:
		if (in->imm == 0xf1)
			*regs &= (uint16_t)~R(0);
		else if (in->imm & 1)
			*regs &= (uint16_t)~sr;
		break;
	case BH_FMT_JMP_X:
		if (*regs & (d | sr))
			*regs |= d | sr;
		break;
	case BH_FMT_CALL:
	case BH_FMT_CALLX:
		*regs &= (uint16_t)~0x3f;
		break;
	default:
		break;
	}
	*regs &= (uint16_t)~R(10);
}

/* Mark S in checkpoint p; drop what is not a scalar. Returns true if a mark was new. */
static bool mark_state(struct bh_vstate *p, struct bh_prec *s)
{
	bool changed = false;
	uint32_t f, i;

	for (f = 0; f < BH_MAX_FRAMES; f++) {
		struct bh_frame *fr = f <= p->curframe ? p->frames[f] : NULL;

		if (!fr) {
			s->regs[f] = 0;
			s->slots[f] = 0;
			continue;
		}
		for (i = 0; i < BH_NREGS; i++) {
			struct bh_reg *r = &fr->regs[i];

			if (!(s->regs[f] & R(i)))
				continue;
			if (r->type != BH_RT_SCALAR) {
				s->regs[f] &= (uint16_t)~R(i);
				continue;
			}
			changed |= !r->precise;
			r->precise = 1;
		}
		for (i = 0; i < BH_SLOTS; i++) {
			struct bh_slot *sl;

			if (!(s->slots[f] & (1ull << i)))
				continue;
			sl = i < fr->nslots ? &fr->stack[i] : NULL;
			if (!sl || sl->kind[0] != BH_SB_SPILL || sl->spill.type != BH_RT_SCALAR) {
				s->slots[f] &= ~(1ull << i);
				continue;
			}
			changed |= !sl->spill.precise;
			sl->spill.precise = 1;
		}
	}
	return changed;
}

/* Last resort: every scalar of p and its ancestors is precise. */
static void mark_all(struct bh_venv *env, struct bh_vstate *p, uint32_t depth)
{
	for (;;) {
		for (; p && !p->all_precise; p = p->parent) {
			struct bh_prec all;
			uint32_t f;

			for (f = 0; f < BH_MAX_FRAMES; f++) {
				all.regs[f] = 0x3ff;
				all.slots[f] = ~0ull;
			}
			mark_state(p, &all);
			p->all_precise = true;
		}
		if (!depth)
			return;
		depth--;
		p = env->cb_outer[depth] ? env->cb_outer[depth]->parent : NULL;
	}
}

static uint32_t prev_seq(const struct bh_venv *env, uint32_t pos)
{
	uint32_t p = pos - 1;

	if (p && env->aux[p].op < 0)
		p--;
	return p;
}

static int backtrack(struct bh_venv *env, const struct bh_vstate *x, struct bh_prec *s,
		     uint32_t depth)
{
	uint32_t fr = x->curframe, steps = 0;

	for (;;) {
		uint32_t pos = x->insn_idx, h = x->nhist;
		struct bh_vstate *p;

		/* nothing above to mark, or everything above is already precise */
		if ((!x->parent && !depth) || (x->parent && x->parent->all_precise))
			return 0;
		if (x->hist_dropped) {
			mark_all(env, x->parent, depth);
			return 0;
		}
		while (!(pos == x->seg_start && h == 0)) {
			const struct bh_hist *stk = NULL;
			bool jumped = false;
			uint32_t q;
			int op;

			if (h && x->hist[h - 1].kind == BH_HIST_JUMP && x->hist[h - 1].idx == pos) {
				q = x->hist[--h].prev;
				jumped = true;
			} else if (pos == 0) {
				mark_all(env, x->parent, depth);
				return 0;
			} else {
				q = prev_seq(env, pos);
			}
			if (h && x->hist[h - 1].kind == BH_HIST_STACK && x->hist[h - 1].idx == q)
				stk = &x->hist[--h];
			if (++steps > BH_BACKTRACK_STEPS) {
				/* a very long segment (a loop past the checkpoint limit) */
				mark_all(env, x->parent, depth);
				return 0;
			}
			op = env->aux[q].op;
			if (jumped && op == BH_OP_EXIT) {
				/* we were after the return: continue inside the callee */
				if (fr + 1 >= BH_MAX_FRAMES) {
					mark_all(env, x->parent, depth);
					return 0;
				}
				fr++;
				s->regs[fr] = s->regs[fr - 1] & R(0);
				s->slots[fr] = 0;
				s->regs[fr - 1] &= (uint16_t)~0x3f;
			} else if (jumped && op == BH_OP_CALL_LOCAL) {
				/* we were at the callee's entry: back to the caller */
				if (!fr) {
					mark_all(env, x->parent, depth);
					return 0;
				}
				s->regs[fr - 1] |= s->regs[fr] & 0x3e;
				s->regs[fr] = 0;
				s->slots[fr] = 0;
				fr--;
			} else {
				backtrack_insn(env, q, s, fr, stk);
			}
			pos = q;
			if (prec_empty(s))
				return 0;
		}
		p = x->parent;
		if (!p) {
			if (!depth)
				return 0;
			/* root of a callback's exploration: continue in the caller */
			s->regs[fr] = 0;
			s->slots[fr] = 0;
			depth--;
			x = env->cb_outer[depth];
			if (!x || x->curframe + 1 != fr) {
				mark_all(env, x ? x->parent : NULL, depth);
				return 0;
			}
			fr = x->curframe;
			if (prec_empty(s))
				return 0;
			continue;
		}
		if (p->curframe != fr) {
			mark_all(env, p, depth);
			return 0;
		}
		if (!mark_state(p, s) || prec_empty(s))
			return 0;
		x = p;
	}
}

static void clear_prop(struct bh_reg *r, void *arg)
{
	(void)arg;
	r->prop = 0;
}

void bh_prop_reset(struct bh_vstate *st)
{
	bh_state_for_each_reg(st, clear_prop, NULL);
}

int bh_mark_precise(struct bh_venv *env, uint32_t regs)
{
	struct bh_vstate *cur = env->cur;
	struct bh_frame *f = cur->frames[cur->curframe];
	struct bh_prec s;
	uint32_t i;
	int err;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < BH_NREGS - 1; i++)
		if ((regs & R(i)) && f->regs[i].type == BH_RT_SCALAR && !f->regs[i].prop)
			s.regs[cur->curframe] |= (uint16_t)R(i);
	if (prec_empty(&s))
		return 0;
	err = backtrack(env, cur, &s, env->cb_depth);
	if (err)
		return err;
	/* done once: the same values need no second walk */
	for (i = 0; i < BH_NREGS - 1; i++)
		if ((regs & R(i)) && f->regs[i].type == BH_RT_SCALAR)
			f->regs[i].prop = 1;
	return 0;
}

int bh_propagate_precision(struct bh_venv *env, const struct bh_vstate *old)
{
	struct bh_prec s;
	uint32_t f, i;

	memset(&s, 0, sizeof(s));
	for (f = 0; f <= old->curframe; f++) {
		const struct bh_frame *fr = old->frames[f], *cf = env->cur->frames[f];

		for (i = 0; i < BH_NREGS - 1; i++)
			if (fr->regs[i].type == BH_RT_SCALAR && fr->regs[i].precise &&
			    !cf->regs[i].prop)
				s.regs[f] |= (uint16_t)R(i);
		for (i = 0; i < fr->nslots; i++)
			if (fr->stack[i].kind[0] == BH_SB_SPILL &&
			    fr->stack[i].spill.type == BH_RT_SCALAR && fr->stack[i].spill.precise &&
			    !(i < cf->nslots && cf->stack[i].kind[0] == BH_SB_SPILL &&
			      cf->stack[i].spill.prop))
				s.slots[f] |= 1ull << i;
	}
	if (prec_empty(&s))
		return 0;
	return backtrack(env, env->cur, &s, env->cb_depth);
}
