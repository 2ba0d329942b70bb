/* SPDX-License-Identifier: MIT */
/*
 * Static checks on the control-flow graph, before any path is explored.
 *
 *  1. the encoding (bh_validate) and instructions the verifier does not
 *     support (kfunc calls, legacy packet loads, lddw of BTF ids);
 *  2. subprograms: instruction 0 and every target of a local call or of an
 *     lddw func start one; each extends to the next start. Jumps must stay
 *     inside their subprogram, and a subprogram must not fall through into
 *     the next one (its last instruction is exit or an unconditional jump);
 *  3. reachability: every instruction must be reachable from the entry
 *     through jumps, fall-through, local calls and lddw func references
 *     (dead code is refused, as Linux does);
 *  4. checkpoints (prune points): jump targets, the instruction after a
 *     conditional jump or a call, subprogram entries;
 *  5. register liveness (backward data flow to a fixpoint): a register that
 *     is not live before an instruction is written before it is read on
 *     every path from there, so states may differ in it and still be
 *     interchangeable. Calls use r1..r5 and clobber r0..r5; exit uses r0.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "verifier/env.h"

#define REG(n) (1u << (n))
#define R1_R5 (REG(1) | REG(2) | REG(3) | REG(4) | REG(5))
#define R0_R5 (REG(0) | R1_R5)

static int validate(struct bh_venv *env)
{
	struct bh_log tmp = BH_LOG_INIT;
	int16_t *ops;
	size_t i, n;
	int err;

	ops = malloc(env->cnt * sizeof(*ops));
	if (!ops)
		return bh_verr_at(env, -1, -ENOMEM, BH_VR_NOMEM, "out of memory");
	err = bh_validate(env->insns, env->cnt, 0, ops, &tmp);
	if (err) {
		const char *t = bh_log_text(&tmp);
		long at = -1;

		n = strlen(t);
		while (n && t[n - 1] == '\n')
			n--;
		if (!strncmp(t, "insn ", 5))
			at = strtol(t + 5, NULL, 10);
		bh_verr_at(env, at, err, BH_VR_ENCODING, "%.*s", (int)n, t);
		bh_log_free(&tmp);
		free(ops);
		return err;
	}
	bh_log_free(&tmp);
	for (i = 0; i < env->cnt; i++)
		env->aux[i].op = ops[i];
	free(ops);
	return 0;
}

static int check_supported(struct bh_venv *env)
{
	size_t i;

	for (i = 0; i < env->cnt; i++) {
		int op = env->aux[i].op;

		if (op < 0)
			continue;
		switch (bh_opinfo[op].fmt) {
		case BH_FMT_CALL_KFUNC:
			return bh_verr_at(env, (long)i, -EINVAL, BH_VR_UNSUPPORTED,
					  "kfunc calls (call with src 2) are not supported");
		case BH_FMT_LDABS:
		case BH_FMT_LDIND:
			return bh_verr_at(env, (long)i, -EINVAL, BH_VR_UNSUPPORTED,
					  "legacy packet loads (%s) are not supported; read the "
					  "packet through the data/data_end pointers",
					  bh_opinfo[op].mnem);
		default:
			break;
		}
		if (op == BH_OP_LDDW_BTF_ID)
			return bh_verr_at(env, (long)i, -EINVAL, BH_VR_UNSUPPORTED,
					  "lddw of a BTF id (src 3) is not supported");
	}
	return 0;
}

/* Target of slot i for jumps, local calls and lddw func; -1 otherwise. */
static int64_t target_of(const struct bh_venv *env, size_t i)
{
	int op = env->aux[i].op;

	if (op < 0)
		return -1;
	if (op == BH_OP_LDDW_FUNC)
		return (int64_t)i + 1 + env->insns[i].imm;
	return bh_branch_target(env->insns, i, op);
}

static bool is_jump_fmt(uint8_t fmt)
{
	return fmt == BH_FMT_JA || fmt == BH_FMT_JA32 || fmt == BH_FMT_JMP_K || fmt == BH_FMT_JMP_X;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int find_subprogs(struct bh_venv *env)
{
	uint32_t *starts, n = 0, i, k;
	size_t j;

	starts = malloc((env->cnt + 1) * sizeof(*starts));
	if (!starts)
		return bh_verr_at(env, -1, -ENOMEM, BH_VR_NOMEM, "out of memory");
	starts[n++] = 0;
	for (j = 0; j < env->cnt; j++) {
		int op = env->aux[j].op;
		int64_t t;

		if (op != BH_OP_CALL_LOCAL && op != BH_OP_LDDW_FUNC)
			continue;
		t = target_of(env, j);
		if (t < 0 || t >= (int64_t)env->cnt || env->aux[t].op < 0) {
			free(starts);
			return bh_verr_at(env, (long)j, -EINVAL, BH_VR_JUMP_OUT,
					  "function target %lld is not an instruction of the "
					  "program",
					  (long long)t);
		}
		starts[n++] = (uint32_t)t;
	}
	qsort(starts, n, sizeof(*starts), cmp_u32);
	for (i = 0, k = 0; i < n; i++)
		if (!k || starts[k - 1] != starts[i])
			starts[k++] = starts[i];
	if (k > UINT16_MAX) {
		free(starts);
		return bh_verr_at(env, -1, -E2BIG, BH_VR_TOO_COMPLEX, "more than %u subprograms",
				  UINT16_MAX);
	}
	env->subprogs = calloc(k, sizeof(*env->subprogs));
	if (!env->subprogs) {
		free(starts);
		return bh_verr_at(env, -1, -ENOMEM, BH_VR_NOMEM, "out of memory");
	}
	env->nsubprogs = k;
	for (i = 0; i < k; i++) {
		env->subprogs[i].start = starts[i];
		env->subprogs[i].end = i + 1 < k ? starts[i + 1] : (uint32_t)env->cnt;
		for (j = starts[i]; j < env->subprogs[i].end; j++)
			env->aux[j].subprog = (uint16_t)i;
	}
	free(starts);
	return 0;
}

static int check_subprog_bounds(struct bh_venv *env)
{
	uint32_t s;
	size_t i;

	for (s = 0; s < env->nsubprogs; s++) {
		const struct bh_subprog *sp = &env->subprogs[s];
		size_t last = sp->end - 1;
		int op;

		for (i = sp->start; i < sp->end; i++) {
			int64_t t;

			op = env->aux[i].op;
			if (op < 0 || !is_jump_fmt(bh_opinfo[op].fmt))
				continue;
			t = target_of(env, i);
			if (t < sp->start || t >= sp->end)
				return bh_verr_at(
					env, (long)i, -EINVAL, BH_VR_JUMP_OUT,
					"jump to insn %lld leaves the function at [%u, %u); use a "
					"call to enter another function",
					(long long)t, sp->start, sp->end - 1);
		}
		if (env->aux[last].op < 0)
			last--;
		op = env->aux[last].op;
		if (op != BH_OP_EXIT && op != BH_OP_JA && op != BH_OP_JA32)
			return bh_verr_at(env, (long)last, -EINVAL, BH_VR_JUMP_OUT,
					  "the function at [%u, %zu] falls through into the next "
					  "function at insn %u: end it with exit or a jump",
					  sp->start, last, sp->end);
	}
	return 0;
}

static size_t next_insn(const struct bh_venv *env, size_t i)
{
	return i + (bh_opinfo[env->aux[i].op].fmt == BH_FMT_LDDW ? 2 : 1);
}

static int check_reachable(struct bh_venv *env)
{
	uint32_t *work, n = 0;
	uint8_t *seen;
	size_t i;
	int ret = 0;

	seen = calloc(env->cnt, 1);
	work = malloc(env->cnt * sizeof(*work));
	if (!seen || !work) {
		free(seen);
		free(work);
		return bh_verr_at(env, -1, -ENOMEM, BH_VR_NOMEM, "out of memory");
	}
#define PUSH(x)                                   \
	do {                                      \
		size_t x_ = (x);                  \
		if (x_ < env->cnt && !seen[x_]) { \
			seen[x_] = 1;             \
			work[n++] = (uint32_t)x_; \
		}                                 \
	} while (0)
	PUSH(0);
	while (n) {
		size_t cur = work[--n];
		int op = env->aux[cur].op;
		uint8_t fmt = bh_opinfo[op].fmt;
		int64_t t = target_of(env, cur);

		if (fmt == BH_FMT_LDDW && cur + 1 < env->cnt)
			seen[cur + 1] = 1;
		if (t >= 0)
			PUSH((size_t)t);
		if (fmt == BH_FMT_CALL_LOCAL)
			env->subprogs[env->aux[t].subprog].reachable = true;
		if (op == BH_OP_LDDW_FUNC)
			env->subprogs[env->aux[t].subprog].reachable = true;
		if (fmt != BH_FMT_EXIT && fmt != BH_FMT_JA && fmt != BH_FMT_JA32)
			PUSH(next_insn(env, cur));
	}
#undef PUSH
	env->subprogs[0].reachable = true;
	for (i = 0; i < env->cnt; i++) {
		if (!seen[i]) {
			ret = bh_verr_at(env, (long)i, -EINVAL, BH_VR_UNREACHABLE,
					 "unreachable insn %zu: no path from the program entry "
					 "reaches it (dead code is refused)",
					 i);
			break;
		}
	}
	free(seen);
	free(work);
	return ret;
}

static void mark_prune_points(struct bh_venv *env)
{
	uint32_t s;
	size_t i;

	for (s = 0; s < env->nsubprogs; s++)
		env->aux[env->subprogs[s].start].prune = 1;
	for (i = 0; i < env->cnt; i++) {
		int op = env->aux[i].op;
		uint8_t fmt;
		int64_t t;

		if (op < 0)
			continue;
		fmt = bh_opinfo[op].fmt;
		t = target_of(env, i);
		if (is_jump_fmt(fmt) && t >= 0)
			env->aux[t].prune = (t <= (int64_t)i || env->aux[t].prune == 2) ? 2 : 1;
		if ((fmt == BH_FMT_JMP_K || fmt == BH_FMT_JMP_X || fmt == BH_FMT_CALL ||
		     fmt == BH_FMT_CALL_LOCAL || fmt == BH_FMT_CALLX) &&
		    i + 1 < env->cnt && !env->aux[i + 1].prune)
			env->aux[i + 1].prune = 1;
	}
}

/* Registers an instruction reads (use) and writes (def). */
static void use_def(const struct bh_venv *env, size_t i, uint16_t *use, uint16_t *def)
{
	const struct bpfhost_insn *in = &env->insns[i];
	int op = env->aux[i].op;
	const struct bh_opinfo *oi = &bh_opinfo[op];
	uint16_t u = 0, d = 0;

	switch (oi->fmt) {
	case BH_FMT_ALU_K:
		if (op != BH_OP_MOV64_K && op != BH_OP_MOV32_K)
			u |= REG(in->dst_reg);
		d |= REG(in->dst_reg);
		break;
	case BH_FMT_ALU_X:
		u |= REG(in->src_reg);
		if (strcmp(oi->mnem, "mov") && strcmp(oi->mnem, "mov32") &&
		    strncmp(oi->mnem, "movsx", 5))
			u |= REG(in->dst_reg);
		d |= REG(in->dst_reg);
		break;
	case BH_FMT_NEG:
	case BH_FMT_END:
		u |= REG(in->dst_reg);
		d |= REG(in->dst_reg);
		break;
	case BH_FMT_JMP_K:
		u |= REG(in->dst_reg);
		break;
	case BH_FMT_JMP_X:
		u |= REG(in->dst_reg) | REG(in->src_reg);
		break;
	case BH_FMT_CALL: {
		const struct bpfhost_helper_proto *p =
			env->in->find_helper ? env->in->find_helper(env->in->cookie, in->imm)
					     : NULL;
		int a;

		if (p) {
			for (a = 0; a < 5 && p->args[a] != BPFHOST_ARG_NONE; a++)
				u |= REG(a + 1);
		} else {
			u |= R1_R5;
		}
		d |= R0_R5;
		break;
	}
	case BH_FMT_CALLX:
		u |= REG(in->dst_reg) | R1_R5;
		d |= R0_R5;
		break;
	case BH_FMT_CALL_LOCAL:
		u |= R1_R5;
		d |= R0_R5;
		break;
	case BH_FMT_EXIT:
		u |= REG(0);
		break;
	case BH_FMT_LDDW:
		d |= REG(in->dst_reg);
		break;
	case BH_FMT_LDX:
		u |= REG(in->src_reg);
		d |= REG(in->dst_reg);
		break;
	case BH_FMT_ST:
		u |= REG(in->dst_reg);
		break;
	case BH_FMT_STX:
		u |= REG(in->dst_reg) | REG(in->src_reg);
		break;
	case BH_FMT_ATOMIC:
		u |= REG(in->dst_reg) | REG(in->src_reg);
		if (in->imm == 0xf1) { /* cmpxchg */
			u |= REG(0);
			d |= REG(0);
		} else if (in->imm & 1) { /* fetch, xchg */
			d |= REG(in->src_reg);
		}
		break;
	default:
		break;
	}
	/* r10 never differs between states: leave it out */
	*use = u & (uint16_t)~REG(10);
	*def = d;
}

static int compute_liveness(struct bh_venv *env)
{
	uint16_t *use, *def;
	bool changed = true;
	size_t i;

	use = malloc(env->cnt * sizeof(*use));
	def = malloc(env->cnt * sizeof(*def));
	if (!use || !def) {
		free(use);
		free(def);
		return bh_verr_at(env, -1, -ENOMEM, BH_VR_NOMEM, "out of memory");
	}
	for (i = 0; i < env->cnt; i++) {
		if (env->aux[i].op >= 0)
			use_def(env, i, &use[i], &def[i]);
		env->aux[i].live = 0;
	}
	while (changed) {
		changed = false;
		for (i = env->cnt; i-- > 0;) {
			int op = env->aux[i].op;
			uint8_t fmt;
			uint16_t out = 0, in;
			int64_t t;

			if (op < 0)
				continue;
			fmt = bh_opinfo[op].fmt;
			t = target_of(env, i);
			if (is_jump_fmt(fmt) && t >= 0)
				out |= env->aux[t].live;
			if (fmt != BH_FMT_EXIT && fmt != BH_FMT_JA && fmt != BH_FMT_JA32) {
				size_t nx = next_insn(env, i);

				if (nx < env->cnt)
					out |= env->aux[nx].live;
			}
			in = (uint16_t)(use[i] | (out & ~def[i]));
			if (in != env->aux[i].live) {
				env->aux[i].live = in;
				changed = true;
			}
		}
	}
	free(use);
	free(def);
	return 0;
}

/* Length of the straight run to an exit from each instruction (jmp.c's order). */
static void exit_distances(struct bh_venv *env)
{
	size_t i;
	int pass;

	for (i = 0; i < env->cnt; i++)
		env->aux[i].exit_dist = 255;
	for (pass = 0; pass < 2; pass++) {
		for (i = env->cnt; i-- > 0;) {
			int op = env->aux[i].op;
			unsigned d = 255;

			if (op < 0)
				continue;
			switch (bh_opinfo[op].fmt) {
			case BH_FMT_EXIT:
				d = 1;
				break;
			case BH_FMT_JA:
			case BH_FMT_JA32:
				d = env->aux[target_of(env, i)].exit_dist + 1u;
				break;
			case BH_FMT_JMP_K:
			case BH_FMT_JMP_X:
			case BH_FMT_CALL_LOCAL:
			case BH_FMT_CALLX:
				break;
			default:
				if (next_insn(env, i) < env->cnt)
					d = env->aux[next_insn(env, i)].exit_dist + 1u;
				break;
			}
			env->aux[i].exit_dist = (uint8_t)(d > 255 ? 255 : d);
		}
	}
}

int bh_cfg_check(struct bh_venv *env)
{
	int err;

	err = validate(env);
	if (!err)
		err = check_supported(env);
	if (!err)
		err = find_subprogs(env);
	if (!err)
		err = check_subprog_bounds(env);
	if (!err)
		err = check_reachable(env);
	if (!err) {
		mark_prune_points(env);
		exit_distances(env);
		err = compute_liveness(env);
	}
	return err;
}
