/* SPDX-License-Identifier: MIT */
/*
 * Calls and exits: helper prototypes, bpf-to-bpf calls, callbacks, references.
 *
 * Helpers. Only ids the program type offers (find_helper) may be called.
 * Each argument register is checked against its enum bpfhost_arg_type:
 * memory arguments must be readable (initialised, in bounds) or writable for
 * the size in the following size argument (whose largest value counts; a
 * size that may be 0 lets any pointer through when it is exactly 0), map
 * keys and values for the map's key / value size, maps must have a type the
 * helper works on, records must be held references. After the call r1..r5
 * are not initialised and r0 has the return type: a map value or NULL
 * (fresh id for the NULL check), a ring buffer record or NULL whose size is
 * the constant argument 2 (a new reference), a scalar, or nothing. Releasing
 * a record drops the reference and every copy of the pointer.
 *
 * bpf-to-bpf calls push a frame (at most BPFHOST_MAX_CALL_DEPTH frames) with
 * the caller's r1..r5 and a fresh 512-byte stack; the callee's exit pops it,
 * r0 comes back, r1..r5 are clobbered, r6..r9 and the caller's stack stay.
 *
 * Callbacks (bpf_loop, bpf_for_each_map_elem) may run any number of times,
 * and may write the caller's stack through their context pointer. They are
 * verified as a nested exploration from the helper call with the arguments
 * the helper passes, on a state where the caller's stack bytes the callback
 * may write are generalised (initialised bytes become "some scalar", spilled
 * pointers unusable). The set of such bytes is grown until the callback's
 * writes stay inside it (a fixpoint), so the generalised state covers the
 * caller's state after any number of calls; the caller continues from it.
 * Callbacks return 0 or 1 and release what they acquire; they cannot
 * release their caller's references or store pointers into its stack.
 *
 * Exit of the program: r0 initialised, a scalar (a pointer would leak its
 * address), inside the program type's return range, and no reference held.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "verifier/env.h"

#define REGBIT(n) (1u << (n))
#define CB_MAX_ROUNDS 8

enum {
	HELPER_MAP_LOOKUP = 1,
	HELPER_MAP_UPDATE = 2,
	HELPER_MAP_DELETE = 3,
	HELPER_TAIL_CALL = 12,
	HELPER_PERF_OUTPUT = 25,
	HELPER_MAP_PUSH = 87,
	HELPER_MAP_POP = 88,
	HELPER_MAP_PEEK = 89,
	HELPER_RINGBUF_OUTPUT = 130,
	HELPER_RINGBUF_RESERVE = 131,
	HELPER_RINGBUF_QUERY = 134,
	HELPER_FOR_EACH = 164,
	HELPER_LOOP = 181,
};

struct call_meta {
	const struct bpfhost_helper_proto *p;
	const struct bh_vmap *map;
	int mem_regno;
	bool mem_write;
	uint32_t release_ref;
	uint32_t release_regno;
	int func_regno;
	int stack_or_null_regno;
	uint64_t alloc_size;
	bool has_alloc_size;
};

static bool data_map(uint32_t t)
{
	switch (t) {
	case BPFHOST_MAP_TYPE_HASH:
	case BPFHOST_MAP_TYPE_ARRAY:
	case BPFHOST_MAP_TYPE_PERCPU_HASH:
	case BPFHOST_MAP_TYPE_PERCPU_ARRAY:
	case BPFHOST_MAP_TYPE_LRU_HASH:
	case BPFHOST_MAP_TYPE_LRU_PERCPU_HASH:
	case BPFHOST_MAP_TYPE_LPM_TRIE:
		return true;
	default:
		return false;
	}
}

static bool is_map_of_maps(uint32_t t)
{
	return t == BPFHOST_MAP_TYPE_ARRAY_OF_MAPS || t == BPFHOST_MAP_TYPE_HASH_OF_MAPS;
}

/* Does core helper id work on maps of type t? */
static bool map_type_ok(uint32_t id, uint32_t t)
{
	switch (id) {
	case HELPER_MAP_LOOKUP:
		return data_map(t) || is_map_of_maps(t);
	case HELPER_MAP_UPDATE:
	case HELPER_MAP_DELETE:
	case HELPER_FOR_EACH:
		return data_map(t);
	case HELPER_MAP_PUSH:
	case HELPER_MAP_POP:
	case HELPER_MAP_PEEK:
		return t == BPFHOST_MAP_TYPE_QUEUE || t == BPFHOST_MAP_TYPE_STACK;
	case HELPER_RINGBUF_OUTPUT:
	case HELPER_RINGBUF_RESERVE:
	case HELPER_RINGBUF_QUERY:
		return t == BPFHOST_MAP_TYPE_RINGBUF;
	case HELPER_PERF_OUTPUT:
		return t == BPFHOST_MAP_TYPE_PERF_EVENT_ARRAY;
	case HELPER_TAIL_CALL:
		return t == BPFHOST_MAP_TYPE_PROG_ARRAY;
	default:
		return id >= BPFHOST_HELPER_EXT_BASE || data_map(t);
	}
}

static int arg_err(struct bh_venv *env, const struct call_meta *m, uint32_t regno, const char *hint,
		   const char *what)
{
	char buf[300];

	return bh_verr(env, -EACCES, BH_VR_HELPER_ARG, REGBIT(regno), hint,
		       "%s argument %u (r%u): %s, but r%u is %s", m->p->name, regno, regno, what,
		       regno, bh_reg_str(env, &bh_regs(env)[regno], buf, sizeof(buf)));
}

static bool is_null_const(const struct bh_reg *r)
{
	return r->type == BH_RT_SCALAR && bh_scalar_is_const(&r->s) && r->s.var.value == 0;
}

static bool is_mem_ptr(const struct bh_reg *r)
{
	switch (r->type) {
	case BH_RT_STACK:
	case BH_RT_PKT:
	case BH_RT_PKT_META:
	case BH_RT_MAP_VALUE:
	case BH_RT_MEM:
	case BH_RT_RINGBUF_REC:
		return true;
	default:
		return false;
	}
}

static int check_size_arg(struct bh_venv *env, struct call_meta *m, uint32_t regno, bool zero_ok)
{
	const struct bh_reg *r = &bh_regs(env)[regno];
	int mreg = m->mem_regno;

	if (mreg < 0)
		return bh_verr(env, -EINVAL, BH_VR_HELPER_ARG, 0, NULL,
			       "prototype of %s: size argument %u does not follow a memory "
			       "argument",
			       m->p->name, regno);
	m->mem_regno = -1;
	if (r->type != BH_RT_SCALAR)
		return arg_err(env, m, regno, NULL, "a size is expected");
	if (bh_mark_precise(env, REGBIT(regno)))
		return env->err;
	if (r->s.umax > BH_MAX_MEM_ARG)
		return arg_err(env, m, regno, "compare the size against the buffer size first",
			       "the size must be bounded");
	if (!zero_ok && r->s.umin == 0)
		return arg_err(env, m, regno, "check that the size is not 0 first",
			       "the size must not be 0");
	if (r->s.umax == 0)
		return 0; /* nothing is accessed: any pointer, even NULL */
	if (!is_mem_ptr(&bh_regs(env)[mreg])) {
		char hint[96];

		snprintf(hint, sizeof(hint), "pass a pointer to %llu bytes of memory",
			 (unsigned long long)r->s.umax);
		return arg_err(env, m, (uint32_t)mreg, hint, "a pointer to memory is expected");
	}
	return bh_check_region(env, (uint32_t)mreg, 0, r->s.umax,
			       m->mem_write ? BH_ACC_HELPER_WRITE : BH_ACC_HELPER_READ, zero_ok);
}

static int check_map_mem(struct bh_venv *env, struct call_meta *m, uint32_t regno, bool key,
			 bool write)
{
	const struct bh_reg *r = &bh_regs(env)[regno];
	uint32_t sz;

	if (!m->map)
		return bh_verr(env, -EINVAL, BH_VR_HELPER_ARG, 0, NULL,
			       "prototype of %s: map key/value argument without a map argument",
			       m->p->name);
	sz = key ? m->map->def.key_size : m->map->def.value_size;
	if (!sz)
		return bh_verr(env, -EACCES, BH_VR_MAP_TYPE, REGBIT(regno), NULL,
			       "%s: map '%s' has no %s", m->p->name, m->map->def.name,
			       key ? "keys" : "values");
	if (!is_mem_ptr(r))
		return arg_err(env, m, regno, NULL,
			       key ? "a pointer to the key is expected"
				   : "a pointer to a value is expected");
	return bh_check_region(env, regno, 0, sz, write ? BH_ACC_HELPER_WRITE : BH_ACC_HELPER_READ,
			       false);
}

static int check_const_str(struct bh_venv *env, struct call_meta *m, uint32_t regno)
{
	const struct bh_reg *r = &bh_regs(env)[regno];
	int64_t off;
	uint32_t vs;
	const char *hint = "pass a string constant (it is placed in the read-only .rodata map)";

	if (r->type != BH_RT_MAP_VALUE || !r->map->rodata)
		return arg_err(env, m, regno, hint,
			       "a string in a read-only (frozen) map is expected");
	if (!bh_scalar_is_const(&r->s))
		return arg_err(env, m, regno, hint, "the string must be at a constant offset");
	off = (int64_t)r->off + (int64_t)r->s.var.value;
	vs = r->map->def.value_size;
	if (off < 0 || off >= vs)
		return arg_err(env, m, regno, NULL, "the string offset is outside the map value");
	if (!memchr((const char *)r->map->rodata + off, 0, vs - (size_t)off))
		return arg_err(env, m, regno, NULL, "the string is not NUL-terminated in its map");
	return 0;
}

static int check_arg(struct bh_venv *env, struct call_meta *m, uint32_t a, uint32_t type)
{
	uint32_t regno = a + 1;
	struct bh_reg *r = &bh_regs(env)[regno];
	int err = bh_check_reg_init(env, regno);

	if (err)
		return err;
	switch (type) {
	case BPFHOST_ARG_ANYTHING:
		return 0;
	case BPFHOST_ARG_CONST_ALLOC_SIZE_OR_ZERO:
		if (r->type != BH_RT_SCALAR || !bh_scalar_is_const(&r->s) ||
		    r->s.var.value > BH_MAX_MEM_ARG)
			return arg_err(env, m, regno, "reserve records of a constant size",
				       "the size of the memory returned must be a constant");
		m->alloc_size = r->s.var.value;
		m->has_alloc_size = true;
		return bh_mark_precise(env, REGBIT(regno));
	case BPFHOST_ARG_CONST_SIZE:
		return check_size_arg(env, m, regno, false);
	case BPFHOST_ARG_CONST_SIZE_OR_ZERO:
		return check_size_arg(env, m, regno, true);
	case BPFHOST_ARG_PTR_TO_CTX:
		if (r->type != BH_RT_CTX || r->off || !bh_scalar_is_const(&r->s) || r->s.var.value)
			return arg_err(env, m, regno, "pass r1 as the program received it",
				       "the unmodified context pointer is expected");
		return 0;
	case BPFHOST_ARG_CONST_MAP_PTR:
		if (r->type == BH_RT_MAP_PTR_OR_NULL)
			return bh_verr(env, -EACCES, BH_VR_NULL_CHECK, REGBIT(regno),
				       "check the inner map returned by the lookup against NULL",
				       "%s argument r%u: the map may be NULL", m->p->name, regno);
		if (r->type != BH_RT_MAP_PTR)
			return arg_err(env, m, regno, "load the map with lddw (a map reference)",
				       "a map is expected");
		if (!map_type_ok(m->p->id, r->map->def.type))
			return bh_verr(env, -EACCES, BH_VR_MAP_TYPE, REGBIT(regno), NULL,
				       "%s cannot be used with map '%s' of type %u", m->p->name,
				       r->map->def.name, r->map->def.type);
		m->map = r->map;
		return 0;
	case BPFHOST_ARG_PTR_TO_MAP_KEY:
		return check_map_mem(env, m, regno, true, false);
	case BPFHOST_ARG_PTR_TO_MAP_VALUE:
		return check_map_mem(env, m, regno, false, false);
	case BPFHOST_ARG_PTR_TO_UNINIT_MAP_VALUE:
		return check_map_mem(env, m, regno, false, true);
	case BPFHOST_ARG_PTR_TO_MEM:
	case BPFHOST_ARG_PTR_TO_UNINIT_MEM:
		if (!is_mem_ptr(r) && !is_null_const(r))
			return arg_err(env, m, regno, NULL, "a pointer to memory is expected");
		if (r->type == BH_RT_SCALAR && bh_mark_precise(env, REGBIT(regno)))
			return env->err;
		m->mem_regno = (int)regno;
		m->mem_write = type == BPFHOST_ARG_PTR_TO_UNINIT_MEM;
		return 0;
	case BPFHOST_ARG_PTR_TO_RINGBUF_REC:
		if (r->type == BH_RT_RINGBUF_REC_OR_NULL)
			return bh_verr(env, -EACCES, BH_VR_NULL_CHECK, REGBIT(regno),
				       "check the result of bpf_ringbuf_reserve against NULL "
				       "first",
				       "%s argument r%u: the record may be NULL", m->p->name,
				       regno);
		if (r->type != BH_RT_RINGBUF_REC)
			return arg_err(env, m, regno, NULL,
				       "a record from bpf_ringbuf_reserve is expected");
		if (r->off || !bh_scalar_is_const(&r->s) || r->s.var.value)
			return arg_err(env, m, regno, "pass the pointer reserve returned",
				       "the start of the record is expected");
		m->release_ref = r->ref_id;
		m->release_regno = regno;
		return 0;
	case BPFHOST_ARG_PTR_TO_FUNC:
		if (r->type != BH_RT_FUNC)
			return arg_err(env, m, regno, "pass a function with lddw (src 4)",
				       "a callback function is expected");
		m->func_regno = (int)regno;
		return 0;
	case BPFHOST_ARG_PTR_TO_STACK_OR_NULL:
		if (is_null_const(r))
			return bh_mark_precise(env, REGBIT(regno));
		if (r->type != BH_RT_STACK)
			return arg_err(env, m, regno, NULL, "a stack pointer or NULL is expected");
		if (!bh_scalar_is_const(&r->s) || r->off + (int64_t)r->s.var.value < -BH_STACK ||
		    r->off + (int64_t)r->s.var.value >= 0)
			return arg_err(env, m, regno, NULL,
				       "the pointer must be at a constant offset in the frame");
		m->stack_or_null_regno = (int)regno;
		return 0;
	case BPFHOST_ARG_PTR_TO_CONST_STR:
		return check_const_str(env, m, regno);
	case BPFHOST_ARG_PTR_TO_LONG:
		if (!is_mem_ptr(r))
			return arg_err(env, m, regno, NULL, "a pointer to 8 bytes is expected");
		return bh_check_region(env, regno, 0, 8, BH_ACC_HELPER_WRITE, false);
	default:
		return bh_verr(env, -EINVAL, BH_VR_HELPER_ARG, 0, NULL,
			       "prototype of %s: unknown argument type %u", m->p->name, type);
	}
}

struct release_arg {
	uint32_t ref;
	uint32_t insn;
};

static void invalidate_ref(struct bh_reg *r, void *arg)
{
	const struct release_arg *a = arg;

	if ((r->type == BH_RT_RINGBUF_REC || r->type == BH_RT_RINGBUF_REC_OR_NULL) &&
	    r->ref_id == a->ref) {
		bh_reg_not_init(r);
		r->released = a->insn + 1;
	}
}

static int release_ref(struct bh_venv *env, const struct call_meta *m, size_t idx)
{
	struct bh_vstate *st = env->cur;
	struct release_arg a = { m->release_ref, (uint32_t)idx };
	uint32_t i;

	for (i = 0; i < st->nrefs; i++)
		if (st->refs[i].id == m->release_ref)
			break;
	if (i == st->nrefs)
		return bh_verr(env, -EACCES, BH_VR_REF_RELEASE, REGBIT(m->release_regno), NULL,
			       "%s: the record in r%u is not held (already released?)", m->p->name,
			       m->release_regno);
	if (env->cb_depth && st->refs[i].frame < env->cb_frame[env->cb_depth - 1])
		return bh_verr(env, -EACCES, BH_VR_CALLBACK, REGBIT(m->release_regno), NULL,
			       "a callback may not release a record its caller reserved");
	bh_ref_release(st, m->release_ref);
	bh_state_for_each_reg(st, invalidate_ref, &a);
	return 0;
}

/* ---- callbacks ---- */

static int setup_cb_args(struct bh_venv *env, const struct call_meta *m, struct bh_frame *cf,
			 const struct bh_frame *caller, uint32_t cbframe)
{
	struct bh_reg *r = cf->regs;
	const struct bh_reg *cr = caller->regs;

	switch (m->p->id) {
	case HELPER_LOOP: {
		uint64_t n = cr[1].type == BH_RT_SCALAR ? cr[1].s.umax : 0;

		if (n > (1u << 23))
			n = 1u << 23;
		bh_reg_scalar(&r[1], bh_scalar_urange(0, n ? n - 1 : 0));
		r[2] = cr[3];
		break;
	}
	case HELPER_FOR_EACH:
		bh_reg_ptr(&r[1], BH_RT_MAP_PTR);
		r[1].map = m->map;
		bh_reg_ptr(&r[2], BH_RT_MEM);
		r[2].mem_size = m->map->def.key_size;
		r[2].rdonly = 1;
		bh_reg_ptr(&r[3], BH_RT_MAP_VALUE);
		r[3].map = m->map;
		r[4] = cr[3];
		break;
	default:
		return bh_verr(env, -EINVAL, BH_VR_UNSUPPORTED, 0, NULL,
			       "callbacks are verified for bpf_loop and bpf_for_each_map_elem "
			       "only, not for %s",
			       m->p->name);
	}
	bh_reg_ptr(&r[10], BH_RT_STACK);
	r[10].frameno = (uint8_t)cbframe;
	return 0;
}

static int verify_callback(struct bh_venv *env, const struct call_meta *m, size_t idx)
{
	struct bh_vstate *cur = env->cur;
	uint32_t cbframe = cur->curframe + 1, round, token = bh_new_id(env);
	uint16_t sp = bh_regs(env)[m->func_regno].subprog;
	struct bh_cbwrite *w;
	int err = 0;

	if (m->p->id == HELPER_LOOP) {
		/* the iteration count bounds the index the callback sees */
		err = bh_mark_precise(env, REGBIT(1));
		if (err)
			return err;
	}
	if (cbframe >= BH_MAX_FRAMES)
		return bh_verr(env, -E2BIG, BH_VR_CALL_DEPTH, 0, NULL,
			       "the callback would be frame %u; at most %u frames may be active",
			       cbframe + 1, BH_MAX_FRAMES);
	if (env->cb_depth >= BH_MAX_FRAMES)
		return bh_verr(env, -E2BIG, BH_VR_CALL_DEPTH, 0, NULL, "callbacks nest too deep");
	w = calloc(1, sizeof(*w));
	if (!w)
		return bh_verr(env, -ENOMEM, BH_VR_NOMEM, 0, NULL, "out of memory");
	for (round = 0;; round++) {
		struct bh_vstate *st = bh_state_copy(env, cur);
		struct bh_frame *cf;

		if (!st) {
			err = bh_verr(env, -ENOMEM, BH_VR_NOMEM, 0, NULL, "out of memory");
			break;
		}
		if (round == CB_MAX_ROUNDS) /* give up on precision: every caller byte */
			memset(w->bytes, 1, sizeof(w->bytes));
		bh_stack_widen(st, w, cbframe);
		cf = bh_frame_new(env, (int32_t)idx, sp);
		if (!cf) {
			bh_state_free(env, st);
			err = bh_verr(env, -ENOMEM, BH_VR_NOMEM, 0, NULL, "out of memory");
			break;
		}
		cf->callback = true;
		st->frames[cbframe] = cf;
		st->curframe = cbframe;
		err = setup_cb_args(env, m, cf, cur->frames[cur->curframe], cbframe);
		if (err) {
			bh_state_free(env, st);
			break;
		}
		st->insn_idx = env->subprogs[sp].start;
		st->parent = NULL;
		st->cb_token = token;
		st->nhist = 0;
		st->seg_start = st->insn_idx;
		bh_prop_reset(st);
		memset(st->written, 0, sizeof(st->written));
		st->written[cbframe] = ~0ull;
		env->cb_outer[env->cb_depth] = cur;
		w->grew = false;
		env->cbw[env->cb_depth] = w;
		env->cb_frame[env->cb_depth] = cbframe;
		env->cb_depth++;
		err = bh_explore(env, st, cbframe);
		env->cb_depth--;
		if (err || !w->grew || round == CB_MAX_ROUNDS)
			break;
	}
	if (!err)
		bh_stack_widen(cur, w, cbframe);
	free(w);
	return err;
}

/* ---- helper calls ---- */

/* After a helper that may move packet data, no packet pointer stays valid. */
static void forget_pkt(struct bh_reg *r, void *arg)
{
	(void)arg;
	if (r->type == BH_RT_PKT || r->type == BH_RT_PKT_END || r->type == BH_RT_PKT_META)
		bh_reg_unknown(r);
}

static int helper_call(struct bh_venv *env, const struct bpfhost_helper_proto *p, size_t idx)
{
	struct call_meta m;
	struct bh_reg *regs;
	uint32_t a;
	int err;

	memset(&m, 0, sizeof(m));
	m.p = p;
	m.mem_regno = -1;
	m.func_regno = -1;
	m.stack_or_null_regno = -1;
	for (a = 0; a < 5 && p->args[a] != BPFHOST_ARG_NONE; a++) {
		err = check_arg(env, &m, a, p->args[a]);
		if (err)
			return err;
	}
	if (m.mem_regno >= 0)
		return bh_verr(env, -EINVAL, BH_VR_HELPER_ARG, 0, NULL,
			       "prototype of %s: memory argument r%d has no size argument", p->name,
			       m.mem_regno);
	if (p->ret == BPFHOST_RET_MAP_VALUE_OR_NULL && !m.map)
		return bh_verr(env, -EINVAL, BH_VR_HELPER_ARG, 0, NULL,
			       "prototype of %s: returns a map value but takes no map", p->name);
	if (p->ret == BPFHOST_RET_RINGBUF_REC_OR_NULL &&
	    (!m.map || m.map->def.type != BPFHOST_MAP_TYPE_RINGBUF || !m.has_alloc_size))
		return bh_verr(env, -EINVAL, BH_VR_HELPER_ARG, 0, NULL,
			       "prototype of %s: a ring buffer record needs a ring buffer map "
			       "and a constant size argument",
			       p->name);
	if (m.func_regno >= 0) {
		err = verify_callback(env, &m, idx);
		if (err)
			return err;
	}
	if (m.release_ref) {
		err = release_ref(env, &m, idx);
		if (err)
			return err;
	}
	if (p->flags & BPFHOST_HELPER_F_CHANGES_PKT_DATA)
		bh_state_for_each_reg(env->cur, forget_pkt, NULL);
	regs = bh_regs(env);
	for (a = 1; a <= 5; a++)
		bh_reg_not_init(&regs[a]);
	switch (p->ret) {
	case BPFHOST_RET_INTEGER:
		bh_reg_unknown(&regs[0]);
		break;
	case BPFHOST_RET_VOID:
		bh_reg_not_init(&regs[0]);
		break;
	case BPFHOST_RET_MAP_VALUE_OR_NULL:
		if (is_map_of_maps(m.map->def.type)) {
			/* the value of a map-in-map is an inner map */
			if (!m.map->inner)
				return bh_verr(env, -EACCES, BH_VR_MAP_TYPE, REGBIT(1), NULL,
					       "map-in-map '%s': the loader gave no inner map "
					       "definition",
					       m.map->def.name);
			bh_reg_ptr(&regs[0], BH_RT_MAP_PTR_OR_NULL);
			regs[0].map = m.map->inner;
			regs[0].id = bh_new_id(env);
			break;
		}
		bh_reg_ptr(&regs[0], BH_RT_MAP_VALUE_OR_NULL);
		regs[0].map = m.map;
		regs[0].id = bh_new_id(env);
		break;
	case BPFHOST_RET_RINGBUF_REC_OR_NULL:
		err = bh_ref_acquire(env, env->cur, (uint32_t)idx);
		if (err < 0)
			return bh_verr(env, -ENOMEM, BH_VR_NOMEM, 0, NULL, "out of memory");
		bh_reg_ptr(&regs[0], BH_RT_RINGBUF_REC_OR_NULL);
		regs[0].ref_id = (uint32_t)err;
		regs[0].id = bh_new_id(env);
		regs[0].mem_size = (uint32_t)m.alloc_size;
		break;
	default:
		return bh_verr(env, -EINVAL, BH_VR_HELPER_ARG, 0, NULL,
			       "prototype of %s: unknown return type %u", p->name, p->ret);
	}
	return 0;
}

static int local_call(struct bh_venv *env, const struct bpfhost_insn *insn, size_t idx,
		      size_t *next)
{
	struct bh_vstate *st = env->cur;
	size_t target = idx + 1 + (int64_t)insn->imm;
	struct bh_frame *caller = bh_curframe(env), *f;
	uint32_t i;

	if (st->curframe + 1 >= BH_MAX_FRAMES)
		return bh_verr(env, -E2BIG, BH_VR_CALL_DEPTH, 0,
			       "flatten the call chain (calls may nest 7 deep below the program)",
			       "call to the function at insn %zu would be frame %u; at most %u "
			       "frames may be active",
			       target, st->curframe + 2, BH_MAX_FRAMES);
	f = bh_frame_new(env, (int32_t)idx, env->aux[target].subprog);
	if (!f)
		return bh_verr(env, -ENOMEM, BH_VR_NOMEM, 0, NULL, "out of memory");
	for (i = 1; i <= 5; i++)
		f->regs[i] = caller->regs[i];
	bh_reg_ptr(&f->regs[10], BH_RT_STACK);
	f->regs[10].frameno = (uint8_t)(st->curframe + 1);
	st->frames[++st->curframe] = f;
	/* the new frame's stack did not exist above: no read goes further up */
	st->written[st->curframe] = ~0ull;
	*next = target;
	return 0;
}

int bh_check_call(struct bh_venv *env, const struct bpfhost_insn *insn, enum bh_op op, size_t idx,
		  size_t *next)
{
	const struct bpfhost_helper_proto *p;
	uint32_t id = (uint32_t)insn->imm;
	int err;

	*next = idx + 1;
	if (op == BH_OP_CALL_LOCAL)
		return local_call(env, insn, idx, next);
	if (op == BH_OP_CALLX) {
		const struct bh_reg *r = &bh_regs(env)[insn->dst_reg];

		err = bh_check_reg_init(env, insn->dst_reg);
		if (err)
			return err;
		if (r->type != BH_RT_SCALAR || !bh_scalar_is_const(&r->s) ||
		    r->s.var.value > UINT32_MAX)
			return bh_verr(env, -EINVAL, BH_VR_UNSUPPORTED, REGBIT(insn->dst_reg),
				       "call helpers by id (call N)",
				       "callx needs a known helper id in r%u", insn->dst_reg);
		err = bh_mark_precise(env, REGBIT(insn->dst_reg));
		if (err)
			return err;
		id = (uint32_t)r->s.var.value;
	}
	p = env->in->find_helper ? env->in->find_helper(env->in->cookie, id) : NULL;
	if (!p)
		return bh_verr(env, -EACCES, BH_VR_HELPER_UNKNOWN, 0,
			       "the program type lists the helpers it offers",
			       "unknown helper %u: the program type does not offer it", id);
	return helper_call(env, p, idx);
}

/* ---- exits ---- */

static int check_ret_range(struct bh_venv *env, const struct bh_reg *r0)
{
	const struct bh_verifier_input *in = env->in;
	char buf[200], hint[96];

	if (in->ret_min > in->ret_max)
		return 0;
	if (r0->s.smin >= in->ret_min && r0->s.smax <= in->ret_max)
		return 0;
	snprintf(hint, sizeof(hint), "return a value in [%lld, %lld]", (long long)in->ret_min,
		 (long long)in->ret_max);
	return bh_verr(env, -EACCES, BH_VR_RET_RANGE, 1u, hint,
		       "r0 at exit may be %s, outside the range [%lld, %lld] the program type "
		       "allows",
		       bh_reg_str(env, r0, buf, sizeof(buf)), (long long)in->ret_min,
		       (long long)in->ret_max);
}

static int check_refs_released(struct bh_venv *env, uint32_t from_frame, const char *where)
{
	const struct bh_vstate *st = env->cur;
	uint32_t i;

	for (i = 0; i < st->nrefs; i++)
		if (st->refs[i].frame >= from_frame)
			return bh_verr(env, -EACCES, BH_VR_REF_LEAK, 0,
				       "call bpf_ringbuf_submit or bpf_ringbuf_discard on every "
				       "path",
				       "ring buffer record reserved at insn %u is neither "
				       "submitted nor discarded on this path (%s)",
				       st->refs[i].insn, where);
	return 0;
}

int bh_check_exit(struct bh_venv *env, size_t idx, size_t *next)
{
	struct bh_vstate *st = env->cur;
	struct bh_frame *f = bh_curframe(env);
	struct bh_reg *r0 = &f->regs[0];
	int err;

	if (r0->type == BH_RT_NOT_INIT)
		return bh_verr(env, -EACCES, BH_VR_R0_UNINIT, 1u,
			       "set r0 (the return value) on every path before exit",
			       "r0 is not initialised at exit%s",
			       st->curframe ? " of the function" : "");
	if (st->curframe == env->stop_frame && r0->type == BH_RT_SCALAR) {
		/* the return value is checked (and reported): keep it precise */
		err = bh_mark_precise(env, 1u);
		if (err)
			return err;
	}
	if (st->curframe == env->stop_frame && st->curframe == 0) {
		if (r0->type != BH_RT_SCALAR)
			return bh_verr(env, -EACCES, BH_VR_PTR_LEAK, 1u,
				       "return a number, not a pointer",
				       "returning a pointer (%s) would leak its address",
				       bh_rtype_name(r0->type));
		err = check_refs_released(env, 0, "program exit");
		if (!err)
			err = check_ret_range(env, r0);
		if (err)
			return err;
		env->r0 = env->r0_seen ? bh_scalar_join(&env->r0, &r0->s) : r0->s;
		env->r0_seen = true;
		return 1;
	}
	if (st->curframe == env->stop_frame) { /* callback */
		if (r0->type != BH_RT_SCALAR || r0->s.umax > 1)
			return bh_verr(env, -EACCES, BH_VR_CALLBACK, 1u,
				       "return 0 to continue or 1 to stop",
				       "a callback must return 0 or 1");
		return check_refs_released(env, st->curframe, "callback exit") ? env->err : 1;
	}
	if (r0->type == BH_RT_STACK && r0->frameno >= st->curframe)
		return bh_verr(env, -EACCES, BH_VR_PTR_LEAK, 1u, NULL,
			       "returning a pointer to the function's own stack, which ends with "
			       "the call");
	if (f->callback)
		return bh_verr(env, -EINVAL, BH_VR_CALLBACK, 0, NULL,
			       "callback frame exits outside its exploration");
	{
		struct bh_frame *caller = st->frames[st->curframe - 1];
		uint32_t i;

		caller->regs[0] = *r0;
		for (i = 1; i <= 5; i++)
			bh_reg_not_init(&caller->regs[i]);
		*next = (size_t)f->callsite + 1;
		st->frames[st->curframe] = NULL;
		st->curframe--;
		free(f->stack);
		free(f);
	}
	(void)idx;
	return 0;
}
