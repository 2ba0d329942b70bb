/* SPDX-License-Identifier: MIT */
/*
 * Abstract states: copies, comparison, checkpoints and pruning.
 *
 * A checkpoint is a copy of the state at a prune point (see cfg.c). When a
 * path reaches a prune point again, the explored checkpoints there decide:
 *  - a complete checkpoint (every path from it was verified) that *covers*
 *    the current state proves the current path safe: the path is cut. Old
 *    covers new when, for every register live at this instruction and every
 *    stack byte the old state had initialised, the old value set contains
 *    the new one (scalar ranges and known bits include, pointers of the same
 *    region with the same constant offset and an including variable part,
 *    packet ranges at least as large, the same references held), with ids
 *    mapping consistently (copies in old are copies in new). A register or
 *    stack byte the old state did not have initialised is unconstrained: the
 *    old state's successful exploration never read it.
 *  - a checkpoint still in progress is an ancestor on the current path (the
 *    exploration is depth first). If it is *equal* to the current state the
 *    program can loop forever: refused. Equality is tested on a hash first.
 * Per instruction at most BH_MAX_CHECKPOINTS are kept; complete ones that
 * never helped are evicted first, so memory stays linear in program size.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "verifier/env.h"

#define BH_MAX_CHECKPOINTS 64
#define BH_CHECKPOINT_SPACING 8
#define BH_MAX_IDMAP 64

/* ---- registers ---- */

void bh_reg_not_init(struct bh_reg *r)
{
	memset(r, 0, sizeof(*r));
	r->s = bh_scalar_unknown();
}

void bh_reg_scalar(struct bh_reg *r, struct bh_scalar s)
{
	memset(r, 0, sizeof(*r));
	r->type = BH_RT_SCALAR;
	r->s = s;
	r->prop = 1; /* a fresh value depends on nothing before it */
}

void bh_reg_unknown(struct bh_reg *r)
{
	bh_reg_scalar(r, bh_scalar_unknown());
}

void bh_reg_const(struct bh_reg *r, uint64_t v)
{
	bh_reg_scalar(r, bh_scalar_const(v));
}

void bh_reg_ptr(struct bh_reg *r, enum bh_rtype t)
{
	memset(r, 0, sizeof(*r));
	r->type = (uint8_t)t;
	r->s = bh_scalar_const(0);
}

bool bh_reg_is_ptr(const struct bh_reg *r)
{
	return r->type > BH_RT_SCALAR;
}

void bh_state_for_each_reg(struct bh_vstate *st, void (*fn)(struct bh_reg *r, void *arg), void *arg)
{
	uint32_t f, i;

	for (f = 0; f <= st->curframe; f++) {
		struct bh_frame *fr = st->frames[f];

		for (i = 0; i < BH_NREGS; i++)
			fn(&fr->regs[i], arg);
		for (i = 0; i < fr->nslots; i++)
			if (fr->stack[i].kind[0] == BH_SB_SPILL)
				fn(&fr->stack[i].spill, arg);
	}
}

/* ---- allocation ---- */

static size_t frame_bytes(const struct bh_frame *f)
{
	return sizeof(*f) + f->cap * sizeof(struct bh_slot);
}

static void account(struct bh_venv *env, struct bh_vstate *st)
{
	uint32_t i;
	size_t b = sizeof(*st) + st->refs_cap * sizeof(struct bh_ref) +
		   st->hist_cap * sizeof(struct bh_hist);

	for (i = 0; i <= st->curframe; i++)
		if (st->frames[i])
			b += frame_bytes(st->frames[i]);
	st->bytes = b;
	env->bytes += b;
	if (env->bytes > env->peak_bytes)
		env->peak_bytes = env->bytes;
}

struct bh_frame *bh_frame_new(struct bh_venv *env, int32_t callsite, uint32_t subprog)
{
	struct bh_frame *f = calloc(1, sizeof(*f));
	uint32_t i;

	(void)env;
	if (!f)
		return NULL;
	for (i = 0; i < BH_NREGS; i++)
		bh_reg_not_init(&f->regs[i]);
	f->callsite = callsite;
	f->subprog = subprog;
	return f;
}

bool bh_frame_grow(struct bh_venv *env, struct bh_frame *f, uint32_t n)
{
	(void)env;
	if (n > BH_SLOTS)
		n = BH_SLOTS;
	if (n <= f->nslots)
		return true;
	if (n > f->cap) {
		uint32_t cap = f->cap ? f->cap : 4;
		struct bh_slot *s;

		while (cap < n)
			cap *= 2;
		if (cap > BH_SLOTS)
			cap = BH_SLOTS;
		s = realloc(f->stack, cap * sizeof(*s));
		if (!s)
			return false;
		f->stack = s;
		f->cap = cap;
	}
	memset(&f->stack[f->nslots], 0, (n - f->nslots) * sizeof(*f->stack));
	f->nslots = n;
	return true;
}

static void frame_free(struct bh_frame *f)
{
	if (f) {
		free(f->stack);
		free(f);
	}
}

static struct bh_frame *frame_copy(const struct bh_frame *src)
{
	struct bh_frame *f = malloc(sizeof(*f));

	if (!f)
		return NULL;
	*f = *src;
	f->stack = NULL;
	f->cap = src->nslots;
	if (src->nslots) {
		f->stack = malloc(src->nslots * sizeof(*f->stack));
		if (!f->stack) {
			free(f);
			return NULL;
		}
		memcpy(f->stack, src->stack, src->nslots * sizeof(*f->stack));
	}
	return f;
}

struct bh_vstate *bh_state_new(struct bh_venv *env)
{
	struct bh_vstate *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->frames[0] = bh_frame_new(env, -1, 0);
	if (!st->frames[0]) {
		free(st);
		return NULL;
	}
	account(env, st);
	return st;
}

struct bh_vstate *bh_state_copy(struct bh_venv *env, const struct bh_vstate *src)
{
	struct bh_vstate *st = malloc(sizeof(*st));
	uint32_t i;

	if (!st)
		return NULL;
	*st = *src;
	memset(st->frames, 0, sizeof(st->frames));
	st->refs = NULL;
	st->refs_cap = src->nrefs;
	st->hist = NULL;
	st->hist_cap = src->nhist;
	st->next = NULL;
	st->branches = 0;
	st->hit = st->miss = 0;
	st->all_precise = false;
	memset(st->read, 0, sizeof(st->read));
	for (i = 0; i <= src->curframe; i++) {
		st->frames[i] = frame_copy(src->frames[i]);
		if (!st->frames[i])
			goto fail;
	}
	if (src->nrefs) {
		st->refs = malloc(src->nrefs * sizeof(*st->refs));
		if (!st->refs)
			goto fail;
		memcpy(st->refs, src->refs, src->nrefs * sizeof(*st->refs));
	}
	if (src->nhist) {
		st->hist = malloc(src->nhist * sizeof(*st->hist));
		if (!st->hist)
			goto fail;
		memcpy(st->hist, src->hist, src->nhist * sizeof(*st->hist));
	}
	account(env, st);
	return st;
fail:
	for (i = 0; i <= src->curframe; i++)
		frame_free(st->frames[i]);
	free(st->refs);
	free(st);
	return NULL;
}

void bh_state_free(struct bh_venv *env, struct bh_vstate *st)
{
	uint32_t i;

	if (!st)
		return;
	env->bytes -= st->bytes;
	for (i = 0; i < BH_MAX_FRAMES; i++)
		frame_free(st->frames[i]);
	free(st->refs);
	free(st->hist);
	free(st);
}

/* ---- references ---- */

int bh_ref_acquire(struct bh_venv *env, struct bh_vstate *st, uint32_t insn)
{
	if (st->nrefs == st->refs_cap) {
		uint32_t cap = st->refs_cap ? st->refs_cap * 2 : 4;
		struct bh_ref *r = realloc(st->refs, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		st->refs = r;
		st->refs_cap = cap;
	}
	st->refs[st->nrefs].id = bh_new_id(env);
	st->refs[st->nrefs].insn = insn;
	st->refs[st->nrefs].frame = env->cb_depth ? st->curframe : 0;
	return (int)st->refs[st->nrefs++].id;
}

bool bh_ref_release(struct bh_vstate *st, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < st->nrefs; i++) {
		if (st->refs[i].id == id) {
			memmove(&st->refs[i], &st->refs[i + 1],
				(st->nrefs - i - 1) * sizeof(*st->refs));
			st->nrefs--;
			return true;
		}
	}
	return false;
}

/* ---- comparison ---- */

struct idmap {
	uint32_t n;
	uint32_t old[BH_MAX_IDMAP], cur[BH_MAX_IDMAP];
};

static bool ids_match(struct idmap *m, uint32_t old, uint32_t cur)
{
	uint32_t i;

	if (!old || !cur)
		return !old && !cur;
	for (i = 0; i < m->n; i++) {
		if (m->old[i] == old)
			return m->cur[i] == cur;
		if (m->cur[i] == cur)
			return false;
	}
	if (m->n == BH_MAX_IDMAP)
		return false;
	m->old[m->n] = old;
	m->cur[m->n++] = cur;
	return true;
}

static bool scalar_eq(const struct bh_scalar *a, const struct bh_scalar *b)
{
	return a->umin == b->umin && a->umax == b->umax && a->smin == b->smin &&
	       a->smax == b->smax && a->u32min == b->u32min && a->u32max == b->u32max &&
	       a->s32min == b->s32min && a->s32max == b->s32max && a->var.value == b->var.value &&
	       a->var.mask == b->var.mask;
}

static bool var_ok(const struct bh_scalar *old, const struct bh_scalar *cur, bool exact)
{
	return exact ? scalar_eq(old, cur) : bh_scalar_includes(old, cur);
}

static bool map_eq(const struct bh_vmap *a, const struct bh_vmap *b)
{
	if (a == b)
		return true;
	if (!a || !b)
		return false;
	if ((a->inner == NULL) != (b->inner == NULL) || (a->inner && !map_eq(a->inner, b->inner)))
		return false;
	return a->rodata == b->rodata && a->def.type == b->def.type &&
	       a->def.key_size == b->def.key_size && a->def.value_size == b->def.value_size &&
	       a->def.max_entries == b->def.max_entries && a->def.map_flags == b->def.map_flags;
}

static bool regsafe(const struct bh_reg *old, const struct bh_reg *cur, struct idmap *m, bool exact)
{
	if (old->type == BH_RT_NOT_INIT)
		return !exact || cur->type == BH_RT_NOT_INIT;
	if (old->type != cur->type)
		return false;
	switch (old->type) {
	case BH_RT_SCALAR:
		if (old->id && !ids_match(m, old->id, cur->id))
			return false;
		if (exact && !old->id && cur->id)
			return false;
		/* a value no decision depended on matches any value */
		if (!exact && !old->precise)
			return true;
		return var_ok(&old->s, &cur->s, exact);
	case BH_RT_CTX:
	case BH_RT_PKT_END:
		return old->off == cur->off && var_ok(&old->s, &cur->s, exact);
	case BH_RT_PKT:
	case BH_RT_PKT_META:
		if (old->off != cur->off || !var_ok(&old->s, &cur->s, exact))
			return false;
		if (!ids_match(m, old->id, cur->id))
			return false;
		return exact ? old->range == cur->range : cur->range >= old->range;
	case BH_RT_STACK:
		return old->frameno == cur->frameno && old->off == cur->off &&
		       var_ok(&old->s, &cur->s, exact);
	case BH_RT_MAP_PTR:
		return map_eq(old->map, cur->map);
	case BH_RT_MAP_VALUE:
		return map_eq(old->map, cur->map) && old->off == cur->off &&
		       var_ok(&old->s, &cur->s, exact);
	case BH_RT_MAP_VALUE_OR_NULL:
		return map_eq(old->map, cur->map) && old->off == cur->off &&
		       var_ok(&old->s, &cur->s, exact) && ids_match(m, old->id, cur->id);
	case BH_RT_MAP_PTR_OR_NULL:
		return map_eq(old->map, cur->map) && ids_match(m, old->id, cur->id);
	case BH_RT_RINGBUF_REC:
	case BH_RT_RINGBUF_REC_OR_NULL:
		return old->mem_size == cur->mem_size && old->off == cur->off &&
		       var_ok(&old->s, &cur->s, exact) && ids_match(m, old->id, cur->id) &&
		       ids_match(m, old->ref_id, cur->ref_id);
	case BH_RT_MEM:
		return old->mem_size == cur->mem_size && old->off == cur->off &&
		       old->rdonly == cur->rdonly && var_ok(&old->s, &cur->s, exact);
	case BH_RT_FUNC:
		return old->subprog == cur->subprog;
	default:
		return false;
	}
}

static bool slot_byte_safe(const struct bh_slot *old, const struct bh_slot *cur, unsigned b,
			   bool exact)
{
	uint8_t o = old->kind[b], c = cur ? cur->kind[b] : BH_SB_INVALID;

	if (exact)
		return o == c;
	/* an imprecise spilled scalar is just some data */
	if (o == BH_SB_SPILL && old->spill.type == BH_RT_SCALAR && !old->spill.precise)
		o = BH_SB_MISC;
	switch (o) {
	case BH_SB_INVALID:
		return true;
	case BH_SB_MISC:
		return c == BH_SB_MISC || c == BH_SB_ZERO ||
		       (c == BH_SB_SPILL && cur->spill.type == BH_RT_SCALAR);
	case BH_SB_ZERO:
		return c == BH_SB_ZERO;
	default:
		return c == BH_SB_SPILL;
	}
}

static bool stack_safe(const struct bh_frame *old, const struct bh_frame *cur, uint64_t live,
		       struct idmap *m, bool exact)
{
	uint32_t i, n = old->nslots > cur->nslots ? old->nslots : cur->nslots;
	unsigned b;

	for (i = 0; i < n; i++) {
		const struct bh_slot *os = i < old->nslots ? &old->stack[i] : NULL;
		const struct bh_slot *cs = i < cur->nslots ? &cur->stack[i] : NULL;
		static const struct bh_slot empty;

		/* no path from the checkpoint reads the slot before writing it */
		if (!exact && !(live & (1ull << i)))
			continue;

		if (!os) {
			if (exact && cs && memcmp(cs->kind, empty.kind, 8))
				return false;
			continue;
		}
		for (b = 0; b < 8; b++)
			if (!slot_byte_safe(os, cs, b, exact))
				return false;
		if (os->kind[0] == BH_SB_SPILL &&
		    (exact || os->spill.type != BH_RT_SCALAR || os->spill.precise)) {
			if (cs->spill_size != os->spill_size ||
			    !regsafe(&os->spill, &cs->spill, m, exact))
				return false;
		}
	}
	return true;
}

static uint16_t frame_live(const struct bh_venv *env, const struct bh_vstate *st, uint32_t f)
{
	if (f == st->curframe)
		return env->aux[st->insn_idx].live;
	/* after the call returns r0..r5 are redefined */
	return env->aux[st->frames[f + 1]->callsite + 1].live & 0x3c0;
}

static bool states_equal(const struct bh_venv *env, const struct bh_vstate *old,
			 const struct bh_vstate *cur, bool exact)
{
	struct idmap m;
	uint32_t f, i;

	m.n = 0;
	if (old->curframe != cur->curframe || old->cb_token != cur->cb_token)
		return false;
	if (exact ? old->pkt_range != cur->pkt_range || old->meta_range != cur->meta_range
		  : cur->pkt_range < old->pkt_range || cur->meta_range < old->meta_range)
		return false;
	if (old->nrefs != cur->nrefs)
		return false;
	for (f = 0; f <= old->curframe; f++) {
		const struct bh_frame *of = old->frames[f], *cf = cur->frames[f];
		uint16_t live = frame_live(env, cur, f);

		if (of->callsite != cf->callsite || of->subprog != cf->subprog ||
		    of->callback != cf->callback)
			return false;
		for (i = 0; i < BH_NREGS - 1; i++)
			if ((live & (1u << i)) && !regsafe(&of->regs[i], &cf->regs[i], &m, exact))
				return false;
		if (!stack_safe(of, cf, old->read[f], &m, exact))
			return false;
	}
	for (i = 0; i < old->nrefs; i++)
		if (!ids_match(&m, old->refs[i].id, cur->refs[i].id))
			return false;
	return true;
}

/* ---- stack liveness ---- */

static uint64_t slot_mask(int64_t lo, int64_t hi, bool whole)
{
	uint64_t m = 0;
	int64_t s;

	/* slot i covers [-8(i+1), -8i) */
	for (s = 0; s < BH_SLOTS; s++) {
		int64_t a = -8 * (s + 1), b = -8 * s;
		bool hit = whole ? (lo <= a && b <= hi) : (lo < b && a < hi);

		if (hit)
			m |= 1ull << s;
	}
	return m;
}

/*
 * A read of slots that this segment did not write is a read by every
 * checkpoint above, up to the one whose segment wrote them: mark them. A
 * mark already present means the walk was done before.
 */
void bh_stack_read_mark(struct bh_venv *env, uint32_t f, int64_t lo, int64_t hi)
{
	uint64_t want = slot_mask(lo, hi, false);
	const struct bh_vstate *st = env->cur;
	uint32_t depth = env->cb_depth;

	while (want) {
		struct bh_vstate *p;

		want &= ~st->written[f];
		if (!want)
			return;
		p = st->parent;
		if (!p) {
			if (!depth)
				return;
			st = env->cb_outer[--depth];
			if (!st || f > st->curframe)
				return;
			continue;
		}
		if (f > p->curframe)
			return;
		want &= ~p->read[f];
		p->read[f] |= want;
		st = p;
	}
}

void bh_stack_write_mark(struct bh_venv *env, uint32_t f, int64_t lo, int64_t hi)
{
	env->cur->written[f] |= slot_mask(lo, hi, true);
}

/* cur was cut by old: what old's paths read, cur's ancestors must keep. */
static void propagate_liveness(struct bh_venv *env, const struct bh_vstate *old)
{
	uint32_t f;
	int64_t s;

	for (f = 0; f <= old->curframe; f++)
		for (s = 0; s < BH_SLOTS; s++)
			if (old->read[f] & (1ull << s))
				bh_stack_read_mark(env, f, -8 * (s + 1), -8 * s);
}

/* ---- checkpoints ---- */

static void evict(struct bh_venv *env, uint32_t idx)
{
	struct bh_vstate **pp = &env->explored[idx], *sl;

	while ((sl = *pp)) {
		if (!sl->branches && sl->miss > sl->hit * 3 + 3) {
			*pp = sl->next;
			env->aux[idx].nexp--;
			env->live_states--;
			bh_state_free(env, sl);
			continue;
		}
		pp = &sl->next;
	}
}

int bh_state_visit(struct bh_venv *env)
{
	struct bh_vstate *cur = env->cur, *sl, *cp;
	uint32_t idx = cur->insn_idx;

	for (sl = env->explored[idx]; sl; sl = sl->next) {
		if (sl->branches) {
			if (states_equal(env, sl, cur, true))
				return bh_verr(env, -EINVAL, BH_VR_INFINITE_LOOP, 0,
					       "make the loop condition depend on a counter that "
					       "changes every iteration, or bound the loop",
					       "infinite loop: the state at insn %u repeats "
					       "without progress",
					       idx);
			continue;
		}
		if (states_equal(env, sl, cur, false)) {
			int err = bh_propagate_precision(env, sl);

			if (err)
				return err;
			propagate_liveness(env, sl);
			sl->hit++;
			env->pruned++;
			return 1;
		}
		sl->miss++;
	}
	/*
	 * Store a checkpoint only every few instructions of a path (loop heads
	 * always, for the infinite-loop check): fewer copies, nearly the same
	 * pruning.
	 */
	if (env->aux[idx].prune < 2 && cur->parent &&
	    env->processed - cur->cp_processed < BH_CHECKPOINT_SPACING)
		return 0;
	if (env->aux[idx].nexp >= BH_MAX_CHECKPOINTS)
		evict(env, idx);
	if (env->aux[idx].nexp >= BH_MAX_CHECKPOINTS)
		return 0;
	cur->cp_processed = env->processed;
	cp = bh_state_copy(env, cur);
	if (!cp)
		return bh_verr(env, -ENOMEM, BH_VR_NOMEM, 0, NULL, "out of memory");
	cp->branches = 1;
	cp->parent = cur->parent;
	cur->parent = cp;
	/* cur's history starts again here; cp keeps the segment that led to it */
	cur->nhist = 0;
	cur->hist_dropped = false;
	cur->seg_start = idx;
	memset(cur->written, 0, sizeof(cur->written));
	bh_prop_reset(cur);
	cp->next = env->explored[idx];
	env->explored[idx] = cp;
	env->aux[idx].nexp++;
	env->states++;
	env->live_states++;
	if (env->live_states > env->peak_states)
		env->peak_states = env->live_states;
	return 0;
}

void bh_state_path_done(struct bh_venv *env, struct bh_vstate *st)
{
	struct bh_vstate *c;

	(void)env;
	for (c = st->parent; c; c = c->parent)
		if (--c->branches)
			break;
}

void bh_state_free_all(struct bh_venv *env)
{
	size_t i;

	if (!env->explored)
		return;
	for (i = 0; i < env->cnt; i++) {
		struct bh_vstate *sl = env->explored[i], *nx;

		for (; sl; sl = nx) {
			nx = sl->next;
			bh_state_free(env, sl);
		}
	}
	free(env->explored);
	env->explored = NULL;
}
