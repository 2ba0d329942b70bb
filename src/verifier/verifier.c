/* SPDX-License-Identifier: MIT */
/*
 * Verifier driver: Linux-style path exploration with state pruning.
 *
 * Design. The program is first checked statically (cfg.c: encoding,
 * subprograms, no jump leaves a function, no unreachable code, liveness).
 * Then every path from the entry is executed on abstract states (env.h):
 * each instruction is applied to the state by a transfer function that also
 * checks it (alu.c, jmp.c, memory.c, ctx_view.c, calls.c). A conditional
 * jump whose outcome the state does not decide splits the path: the state is
 * copied, both copies are narrowed by the condition, one continues and the
 * other waits on a stack (depth-first search). At prune points (state.c) the
 * state is compared with checkpoints of earlier paths: if one that was
 * completely verified covers it, the path is cut; otherwise a checkpoint is
 * stored. Loops need no special case: they are unrolled by exploration, a
 * bounded loop ends when its condition becomes decided, and a state that
 * repeats exactly on the current path is an infinite loop. Every path costs
 * its instructions against a budget (1,000,000 processed instructions by
 * default) that bounds the whole verification.
 *
 * Invariants.
 *  - Soundness: the abstract state at an instruction contains every
 *    concrete state a run can have there along that path (transfer functions
 *    over-approximate, refinements only remove values the condition
 *    excludes). Hence a check that holds for the abstract state holds for
 *    every run, and r0's join over all exits contains every possible result.
 *  - Pruning is sound because a cut path's concrete states are contained in
 *    those of a checkpoint from which every path was proven safe.
 *  - Every path is finite (budget), so verification terminates.
 *  - The first error stops verification; nothing is reported twice.
 *  - Memory: at most BH_MAX_CHECKPOINTS checkpoints per instruction and
 *    BH_MAX_PENDING waiting paths, each a few KiB: linear in program size.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "verifier/env.h"

#define BH_DEFAULT_BUDGET 1000000u
#define BH_MAX_PENDING 8192

uint32_t bh_new_id(struct bh_venv *env)
{
	return ++env->next_id;
}

struct bh_vstate *bh_push_branch(struct bh_venv *env, size_t idx)
{
	struct bh_vstate *cp;

	if (env->npending >= env->max_pending) {
		bh_verr(env, -E2BIG, BH_VR_TOO_COMPLEX, 0,
			"reduce the number of branches that are open at the same time",
			"too many branches waiting to be explored (%u)", env->max_pending);
		return NULL;
	}
	cp = bh_state_copy(env, env->cur);
	if (!cp) {
		bh_verr(env, -ENOMEM, BH_VR_NOMEM, 0, NULL, "out of memory");
		return NULL;
	}
	cp->insn_idx = (uint32_t)idx;
	if (bh_hist_jump(env, cp, env->cur->insn_idx, (uint32_t)idx)) {
		bh_state_free(env, cp);
		return NULL;
	}
	if (cp->parent)
		cp->parent->branches++;
	cp->next = env->pending;
	env->pending = cp;
	env->npending++;
	return cp;
}

static uint32_t written_regs(const struct bpfhost_insn *insn, uint8_t fmt)
{
	switch (fmt) {
	case BH_FMT_ALU_K:
	case BH_FMT_ALU_X:
	case BH_FMT_NEG:
	case BH_FMT_END:
	case BH_FMT_LDDW:
	case BH_FMT_LDX:
		return 1u << insn->dst_reg;
	case BH_FMT_CALL:
	case BH_FMT_CALLX:
	case BH_FMT_CALL_LOCAL:
		return 1u;
	case BH_FMT_ATOMIC:
		return (1u << insn->src_reg) | 1u;
	default:
		return 0;
	}
}

/* Apply instruction idx to env->cur. 0: continue at *next; 1: path ended. */
static int do_insn(struct bh_venv *env, size_t idx, size_t *next)
{
	const struct bpfhost_insn *insn = &env->insns[idx];
	enum bh_op op = (enum bh_op)env->aux[idx].op;
	int err = 0;

	env->aux[idx].reached = 1;
	*next = idx + 1;
	switch (bh_opinfo[op].fmt) {
	case BH_FMT_ALU_K:
	case BH_FMT_ALU_X:
	case BH_FMT_NEG:
	case BH_FMT_END:
		err = bh_check_alu(env, insn, op);
		break;
	case BH_FMT_JA:
		*next = idx + 1 + (int64_t)insn->off;
		break;
	case BH_FMT_JA32:
		*next = idx + 1 + (int64_t)insn->imm;
		break;
	case BH_FMT_JMP_K:
	case BH_FMT_JMP_X:
		err = bh_check_cond_jmp(env, insn, op, idx, next);
		break;
	case BH_FMT_CALL:
	case BH_FMT_CALLX:
	case BH_FMT_CALL_LOCAL:
		err = bh_check_call(env, insn, op, idx, next);
		break;
	case BH_FMT_EXIT:
		err = bh_check_exit(env, idx, next);
		break;
	case BH_FMT_LDDW:
		err = bh_check_lddw(env, insn, op, idx);
		*next = idx + 2;
		break;
	case BH_FMT_LDX:
	case BH_FMT_ST:
	case BH_FMT_STX:
	case BH_FMT_ATOMIC:
		err = bh_check_mem(env, insn, op, idx);
		break;
	default:
		err = bh_verr(env, -EINVAL, BH_VR_UNSUPPORTED, 0, NULL,
			      "instruction %s is not supported by the verifier",
			      bh_opinfo[op].mnem);
		break;
	}
	if (err >= 0 && env->trace)
		bh_vtrace(env, idx, written_regs(insn, bh_opinfo[op].fmt));
	return err;
}

int bh_explore(struct bh_venv *env, struct bh_vstate *st, uint32_t stop_frame)
{
	struct bh_vstate *saved_cur = env->cur, *saved_pending = env->pending;
	uint32_t saved_npending = env->npending, saved_stop = env->stop_frame;
	int err = 0;

	env->cur = st;
	env->pending = NULL;
	env->npending = 0;
	env->stop_frame = stop_frame;
	for (;;) {
		struct bh_vstate *cur = env->cur;
		size_t idx = cur->insn_idx, next;
		int r = 0;

		if (env->aux[idx].prune) {
			r = bh_state_visit(env);
			if (r < 0) {
				err = r;
				break;
			}
		}
		if (!r) {
			if (++env->processed > env->budget) {
				err = bh_verr(env, -E2BIG, BH_VR_TOO_COMPLEX, 0,
					      "bound loops by a counter with a small limit, or "
					      "split the program",
					      "the program is too complex: more than %llu "
					      "instructions processed (a loop may not terminate)",
					      (unsigned long long)env->budget);
				break;
			}
			r = do_insn(env, idx, &next);
			if (r < 0) {
				err = r;
				break;
			}
			if (!r) {
				size_t len =
					env->aux[idx].op >= 0 && bh_opinfo[env->aux[idx].op].fmt ==
									 BH_FMT_LDDW
						? 2
						: 1;

				if (next != idx + len) {
					err = bh_hist_jump(env, cur, (uint32_t)idx, (uint32_t)next);
					if (err)
						break;
				}
				cur->insn_idx = (uint32_t)next;
				continue;
			}
		}
		/* the path ended (exit or pruned): take the next one */
		bh_state_path_done(env, cur);
		bh_state_free(env, cur);
		env->cur = env->pending;
		if (!env->cur)
			break;
		env->pending = env->cur->next;
		env->cur->next = NULL;
		env->npending--;
		if (env->trace) {
			bh_logf(env->log, "from insn %u:\n", env->cur->insn_idx);
			bh_vdump_state(env, env->cur);
		}
	}
	if (err) {
		/* keep env->cur for messages until the caller is done with it */
		bh_state_free(env, env->cur);
		while (env->pending) {
			struct bh_vstate *p = env->pending;

			env->pending = p->next;
			bh_state_free(env, p);
		}
	}
	env->cur = saved_cur;
	env->pending = saved_pending;
	env->npending = saved_npending;
	env->stop_frame = saved_stop;
	return err;
}

static int resolve_maps(struct bh_venv *env)
{
	size_t i, n = 0;

	for (i = 0; i < env->cnt; i++) {
		int op = env->aux[i].op;

		env->aux[i].map = -1;
		if (op == BH_OP_LDDW_MAP_FD || op == BH_OP_LDDW_MAP_VALUE ||
		    op == BH_OP_LDDW_MAP_IDX || op == BH_OP_LDDW_MAP_IDX_VALUE)
			n++;
	}
	if (!n)
		return 0;
	env->maps = calloc(2 * n, sizeof(*env->maps)); /* room for inner definitions */
	if (!env->maps)
		return bh_verr_at(env, -1, -ENOMEM, BH_VR_NOMEM, "out of memory");
	for (i = 0; i < env->cnt; i++) {
		int op = env->aux[i].op;
		struct bh_verifier_map m = { 0 };

		if (op != BH_OP_LDDW_MAP_FD && op != BH_OP_LDDW_MAP_VALUE &&
		    op != BH_OP_LDDW_MAP_IDX && op != BH_OP_LDDW_MAP_IDX_VALUE)
			continue;
		if (!env->in->map_def || !env->in->map_def(env->in->cookie, i, &m) || !m.def)
			return bh_verr_at(env, (long)i, -EINVAL, BH_VR_MAP_TYPE,
					  "lddw refers to map %d, which the loader did not "
					  "resolve",
					  env->insns[i].imm);
		env->maps[env->nmaps].def = *m.def;
		env->maps[env->nmaps].rodata = m.rodata;
		env->aux[i].map = (int32_t)env->nmaps++;
		if (m.inner) {
			env->maps[n + env->nmaps - 1].def = *m.inner;
			env->maps[env->nmaps - 1].inner = &env->maps[n + env->nmaps - 1];
		}
	}
	return 0;
}

static int init_entry_reg(struct bh_venv *env, struct bh_reg *r, const struct bh_ventry *e,
			  bool is_r1)
{
	switch (e->kind) {
	case BH_VENTRY_DEFAULT:
		if (!is_r1) {
			bh_reg_not_init(r);
			return 0;
		}
		if (!env->ctx)
			return bh_verr_at(env, -1, -EINVAL, BH_VR_BAD_ACCESS,
					  "no context descriptor given for r1");
		bh_reg_ptr(r, BH_RT_CTX);
		return 0;
	case BH_VENTRY_SCALAR:
		bh_reg_const(r, e->value);
		return 0;
	case BH_VENTRY_MEM:
		if (e->value > UINT32_MAX)
			return bh_verr_at(env, -1, -EINVAL, BH_VR_BAD_ACCESS,
					  "entry memory of %llu bytes is too large",
					  (unsigned long long)e->value);
		bh_reg_ptr(r, BH_RT_MEM);
		r->mem_size = (uint32_t)e->value;
		return 0;
	case BH_VENTRY_UNINIT:
		bh_reg_not_init(r);
		return 0;
	default:
		return bh_verr_at(env, -1, -EINVAL, BH_VR_BAD_ACCESS, "unknown entry kind %u",
				  e->kind);
	}
}

/* The descriptor is the runtime's checked copy; still, bad input must not crash. */
static int check_ctx_desc(struct bh_venv *env)
{
	const struct bpfhost_ctx_desc *c = env->ctx;
	const int32_t offs[3] = { c->data_off, c->data_end_off, c->data_meta_off };
	int i;

	if ((c->nr_writable && !c->writable) || (c->nr_view_fields && !c->view))
		return bh_verr_at(env, -1, -EINVAL, BH_VR_BAD_ACCESS,
				  "context descriptor: %u writable ranges / %u view fields without "
				  "their array",
				  c->nr_writable, c->nr_view_fields);
	for (i = 0; i < 3; i++)
		if (offs[i] < -1 || (offs[i] >= 0 && (uint64_t)offs[i] + 8 > c->ctx_size))
			return bh_verr_at(
				env, -1, -EINVAL, BH_VR_BAD_ACCESS,
				"context descriptor: packet pointer field at %d is outside "
				"the %u-byte context",
				offs[i], c->ctx_size);
	return 0;
}

static void free_env(struct bh_venv *env)
{
	bh_state_free_all(env);
	free(env->aux);
	free(env->subprogs);
	free(env->maps);
	free(env->rewritten);
}

int bh_verify(const struct bh_verifier_input *in, struct bh_verifier_result *res,
	      struct bh_log *log)
{
	struct bh_venv env;
	struct bh_vstate *st;
	int err;

	memset(res, 0, sizeof(*res));
	res->err_insn = -1;
	res->r0 = bh_scalar_unknown();
	memset(&env, 0, sizeof(env));
	env.in = in;
	env.log = log;
	env.err_insn = -1;
	env.insns = in->insns;
	env.cnt = in->insn_cnt;
	env.ctx = in->ctx;
	env.budget = in->insn_budget ? in->insn_budget : BH_DEFAULT_BUDGET;
	env.trace = in->log_level >= 2;
	/* Linux's limit, or one waiting path per instruction for large programs */
	env.max_pending = in->insn_cnt > BH_MAX_PENDING ? (uint32_t)in->insn_cnt : BH_MAX_PENDING;

	if (!in->insns || !in->insn_cnt) {
		err = bh_verr_at(&env, -1, -EINVAL, BH_VR_ENCODING, "program has no instructions");
		goto out;
	}
	env.aux = calloc(env.cnt, sizeof(*env.aux));
	env.explored = calloc(env.cnt, sizeof(*env.explored));
	if (!env.aux || !env.explored) {
		err = bh_verr_at(&env, -1, -ENOMEM, BH_VR_NOMEM, "out of memory");
		goto out;
	}
	err = env.ctx ? check_ctx_desc(&env) : 0;
	if (!err)
		err = bh_cfg_check(&env);
	if (!err)
		err = resolve_maps(&env);
	if (err)
		goto out;

	st = bh_state_new(&env);
	if (!st) {
		err = bh_verr_at(&env, -1, -ENOMEM, BH_VR_NOMEM, "out of memory");
		goto out;
	}
	err = init_entry_reg(&env, &st->frames[0]->regs[1], &in->entry[0], true);
	if (!err)
		err = init_entry_reg(&env, &st->frames[0]->regs[2], &in->entry[1], false);
	if (err) {
		bh_state_free(&env, st);
		goto out;
	}
	bh_reg_ptr(&st->frames[0]->regs[10], BH_RT_STACK);
	if (env.trace) {
		bh_logf(log, "entry:\n");
		bh_vdump_state(&env, st);
	}
	err = bh_explore(&env, st, 0);
	if (!err && !env.r0_seen)
		err = bh_verr_at(&env, -1, -EINVAL, BH_VR_INFINITE_LOOP,
				 "no path of the program reaches exit");
out:
	if (err && !env.err)
		env.err = err;
	res->rule = err ? env.rule : BH_VR_NONE;
	res->err_insn = err ? env.err_insn : -1;
	if (!err) {
		res->r0 = env.r0;
		res->insns = env.rewritten;
		env.rewritten = NULL;
	}
	res->insns_processed = env.processed;
	res->states = env.states;
	res->peak_states = env.peak_states;
	res->pruned = env.pruned;
	res->peak_bytes = env.peak_bytes;
	res->ctx_access_end = env.ctx_access_end;
	bh_vsummary(&env, res);
	bh_vfinish_log(&env, res);
	free_env(&env);
	return err;
}
