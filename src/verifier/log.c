/* SPDX-License-Identifier: MIT */
/*
 * Verifier messages.
 *
 * Only the first error is reported (later ones are consequences). Its block
 * names the instruction index and the instruction disassembled (Linux
 * syntax), the C source line when the loader supplied line info, the
 * message, the registers involved with their abstract state, and a hint:
 *
 *   insn 3: r0 = *(u64 *)(r1 - 8)
 *     source: return ctx->hdr;
 *     error: context access at offset -8 ...
 *     r1: ctx(off=0)
 *     hint: ...
 *
 * It ends with the stable one-line summary (also in res->summary):
 *
 *   verifier: refused insn 3 [ctx-header] (processed 4 insns): MESSAGE
 *
 * Log level 2 adds one trace line per processed instruction with the
 * registers of the current frame.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "verifier/env.h"

static const char *const rule_names[BH_VR__COUNT] = {
	[BH_VR_NONE] = "none",
	[BH_VR_ENCODING] = "encoding",
	[BH_VR_UNREACHABLE] = "unreachable",
	[BH_VR_JUMP_OUT] = "jump-out",
	[BH_VR_UNSUPPORTED] = "unsupported",
	[BH_VR_UNINIT_REG] = "uninit-reg",
	[BH_VR_CTX_HEADER] = "ctx-header",
	[BH_VR_CTX_BOUNDS] = "ctx-bounds",
	[BH_VR_CTX_MODIFIED] = "ctx-modified",
	[BH_VR_CTX_WRITE] = "ctx-write",
	[BH_VR_CTX_VIEW] = "ctx-view",
	[BH_VR_PKT_BOUNDS] = "pkt-bounds",
	[BH_VR_MAP_BOUNDS] = "map-bounds",
	[BH_VR_MAP_RDONLY] = "map-rdonly",
	[BH_VR_MEM_BOUNDS] = "mem-bounds",
	[BH_VR_STACK_BOUNDS] = "stack-bounds",
	[BH_VR_STACK_UNINIT] = "stack-uninit",
	[BH_VR_STACK_SPILL] = "stack-spill",
	[BH_VR_NULL_CHECK] = "null-check",
	[BH_VR_NOT_PTR] = "not-a-pointer",
	[BH_VR_BAD_ACCESS] = "bad-access",
	[BH_VR_PTR_ARITH] = "ptr-arith",
	[BH_VR_PTR_UNBOUNDED] = "ptr-unbounded",
	[BH_VR_PTR_ALU32] = "ptr-alu32",
	[BH_VR_PTR_CMP] = "ptr-compare",
	[BH_VR_PTR_LEAK] = "ptr-leak",
	[BH_VR_HELPER_UNKNOWN] = "helper-unknown",
	[BH_VR_HELPER_ARG] = "helper-arg",
	[BH_VR_MAP_TYPE] = "map-type",
	[BH_VR_REF_LEAK] = "ref-leak",
	[BH_VR_REF_RELEASE] = "ref-release",
	[BH_VR_INFINITE_LOOP] = "infinite-loop",
	[BH_VR_TOO_COMPLEX] = "too-complex",
	[BH_VR_CALL_DEPTH] = "call-depth",
	[BH_VR_R0_UNINIT] = "r0-uninit",
	[BH_VR_RET_RANGE] = "return-range",
	[BH_VR_CALLBACK] = "callback",
	[BH_VR_NOMEM] = "nomem",
};

const char *bh_vrule_name(enum bh_vrule rule)
{
	return (unsigned)rule < BH_VR__COUNT && rule_names[rule] ? rule_names[rule] : "?";
}

static const char *const type_names[BH_RT__COUNT] = {
	[BH_RT_NOT_INIT] = "not initialised",
	[BH_RT_SCALAR] = "scalar",
	[BH_RT_CTX] = "ctx",
	[BH_RT_PKT] = "pkt",
	[BH_RT_PKT_END] = "pkt_end",
	[BH_RT_PKT_META] = "pkt_meta",
	[BH_RT_STACK] = "fp",
	[BH_RT_MAP_PTR] = "map_ptr",
	[BH_RT_MAP_VALUE] = "map_value",
	[BH_RT_MAP_VALUE_OR_NULL] = "map_value_or_null",
	[BH_RT_RINGBUF_REC] = "ringbuf_rec",
	[BH_RT_RINGBUF_REC_OR_NULL] = "ringbuf_rec_or_null",
	[BH_RT_MEM] = "mem",
	[BH_RT_FUNC] = "func",
	[BH_RT_MAP_PTR_OR_NULL] = "map_ptr_or_null",
};

const char *bh_rtype_name(enum bh_rtype t)
{
	return (unsigned)t < BH_RT__COUNT ? type_names[t] : "?";
}

/* ", var=..." for a non-constant variable offset, else "". */
static void var_str(const struct bh_reg *r, char *buf, size_t sz)
{
	char s[160];

	if (bh_scalar_is_const(&r->s) && r->s.var.value == 0) {
		buf[0] = '\0';
		return;
	}
	snprintf(buf, sz, ",var=(%s)", bh_scalar_str(&r->s, s, sizeof(s)));
}

char *bh_reg_str(const struct bh_venv *env, const struct bh_reg *r, char *buf, size_t sz)
{
	char v[200], s[160];
	const char *name = r->map && r->map->def.name[0] ? r->map->def.name : "";

	var_str(r, v, sizeof(v));
	switch (r->type) {
	case BH_RT_NOT_INIT:
		if (r->released)
			snprintf(buf, sz, "not initialised (its record was released at insn %u)",
				 r->released - 1);
		else
			snprintf(buf, sz, "not initialised");
		break;
	case BH_RT_SCALAR:
		if (bh_scalar_is_const(&r->s))
			snprintf(buf, sz, "%lld", (long long)r->s.var.value);
		else
			snprintf(buf, sz, "scalar(%s)", bh_scalar_str(&r->s, s, sizeof(s)));
		break;
	case BH_RT_PKT:
	case BH_RT_PKT_META: {
		uint32_t range =
			r->id ? r->range
			      : (r->type == BH_RT_PKT ? env->cur->pkt_range : env->cur->meta_range);

		snprintf(buf, sz, "%s(off=%d%s,r=%u)", bh_rtype_name(r->type), r->off, v, range);
		break;
	}
	case BH_RT_STACK:
		snprintf(buf, sz, "fp%u(off=%d%s)", r->frameno, r->off, v);
		break;
	case BH_RT_MAP_PTR:
	case BH_RT_MAP_PTR_OR_NULL:
		snprintf(buf, sz, "%s(%s%sks=%u,vs=%u)", bh_rtype_name(r->type), name,
			 *name ? "," : "", r->map ? r->map->def.key_size : 0,
			 r->map ? r->map->def.value_size : 0);
		break;
	case BH_RT_MAP_VALUE:
	case BH_RT_MAP_VALUE_OR_NULL:
		snprintf(buf, sz, "%s(%s%soff=%d%s,vs=%u)", bh_rtype_name(r->type), name,
			 *name ? "," : "", r->off, v, r->map ? r->map->def.value_size : 0);
		break;
	case BH_RT_RINGBUF_REC:
	case BH_RT_RINGBUF_REC_OR_NULL:
	case BH_RT_MEM:
		snprintf(buf, sz, "%s(off=%d%s,size=%u)", bh_rtype_name(r->type), r->off, v,
			 r->mem_size);
		break;
	case BH_RT_FUNC:
		snprintf(buf, sz, "func(insn %u)",
			 env->subprogs && r->subprog < env->nsubprogs
				 ? env->subprogs[r->subprog].start
				 : 0);
		break;
	default:
		snprintf(buf, sz, "%s(off=%d%s)", bh_rtype_name(r->type), r->off, v);
		break;
	}
	return buf;
}

static void insn_line(struct bh_venv *env, long idx)
{
	char dis[BPFHOST_DISASM_BUF_SIZE];
	const char *src;

	if (idx < 0 || (size_t)idx >= env->cnt)
		return;
	if (bpfhost_disasm_insn(env->insns, env->cnt, (size_t)idx, BPFHOST_DISASM_LINUX, dis,
				sizeof(dis)) < 0)
		snprintf(dis, sizeof(dis), "(code 0x%02x)", env->insns[idx].code);
	bh_logf(env->log, "insn %ld: %s\n", idx, dis);
	src = env->in->source_line ? env->in->source_line(env->in->cookie, (size_t)idx) : NULL;
	if (src && *src)
		bh_logf(env->log, "  source: %s\n", src);
}

static int record(struct bh_venv *env, long idx, int err, enum bh_vrule rule, const char *fmt,
		  va_list ap)
{
	if (env->err)
		return env->err;
	env->err = err;
	env->rule = rule;
	env->err_insn = idx;
	vsnprintf(env->msg, sizeof(env->msg), fmt, ap);
	return err;
}

int bh_verr_at(struct bh_venv *env, long idx, int err, enum bh_vrule rule, const char *fmt, ...)
{
	va_list ap;

	if (env->err)
		return env->err;
	va_start(ap, fmt);
	record(env, idx, err, rule, fmt, ap);
	va_end(ap);
	insn_line(env, idx);
	bh_logf(env->log, "  error: %s\n", env->msg);
	return err;
}

int bh_verr(struct bh_venv *env, int err, enum bh_vrule rule, uint32_t regs, const char *hint,
	    const char *fmt, ...)
{
	long idx = env->cur ? (long)env->cur->insn_idx : -1;
	va_list ap;
	uint32_t i;

	if (env->err)
		return env->err;
	va_start(ap, fmt);
	record(env, idx, err, rule, fmt, ap);
	va_end(ap);
	insn_line(env, idx);
	bh_logf(env->log, "  error: %s\n", env->msg);
	if (env->cur) {
		const struct bh_frame *f = bh_curframe(env);
		char buf[400];

		for (i = 0; i < BH_NREGS; i++)
			if (regs & (1u << i))
				bh_logf(env->log, "  r%u: %s\n", i,
					bh_reg_str(env, &f->regs[i], buf, sizeof(buf)));
		if (env->cur->curframe)
			bh_logf(env->log, "  in function at insn %u (call depth %u)\n",
				env->subprogs[f->subprog].start, env->cur->curframe + 1);
	}
	if (hint)
		bh_logf(env->log, "  hint: %s\n", hint);
	return err;
}

void bh_vtrace(struct bh_venv *env, size_t idx, uint32_t regs_written)
{
	char dis[BPFHOST_DISASM_BUF_SIZE], buf[400];
	const struct bh_frame *f;
	uint32_t i;

	if (bpfhost_disasm_insn(env->insns, env->cnt, idx, BPFHOST_DISASM_LINUX, dis, sizeof(dis)) <
	    0)
		dis[0] = '\0';
	bh_logf(env->log, "%zu: %s", idx, dis);
	if (env->cur && regs_written) {
		f = bh_curframe(env);
		bh_logf(env->log, "\t;");
		for (i = 0; i < BH_NREGS; i++)
			if ((regs_written & (1u << i)) && f->regs[i].type != BH_RT_NOT_INIT)
				bh_logf(env->log, " r%u=%s", i,
					bh_reg_str(env, &f->regs[i], buf, sizeof(buf)));
	}
	bh_logf(env->log, "\n");
}

void bh_vdump_state(struct bh_venv *env, const struct bh_vstate *st)
{
	char buf[400];
	uint32_t f, i;

	for (f = 0; f <= st->curframe; f++) {
		const struct bh_frame *fr = st->frames[f];

		bh_logf(env->log, "  frame %u:", f);
		for (i = 0; i < BH_NREGS; i++)
			if (fr->regs[i].type != BH_RT_NOT_INIT)
				bh_logf(env->log, " r%u=%s", i,
					bh_reg_str(env, &fr->regs[i], buf, sizeof(buf)));
		for (i = 0; i < fr->nslots; i++) {
			const struct bh_slot *sl = &fr->stack[i];
			char kinds[9];
			unsigned b;

			if (sl->kind[0] == BH_SB_SPILL) {
				bh_logf(env->log, " fp-%u=%s", 8 * (i + 1),
					bh_reg_str(env, &sl->spill, buf, sizeof(buf)));
				continue;
			}
			for (b = 0; b < 8; b++)
				kinds[b] = "?mzs"[sl->kind[b] & 3];
			kinds[8] = '\0';
			if (strcmp(kinds, "????"
					  "????"))
				bh_logf(env->log, " fp-%u=%s", 8 * (i + 1), kinds);
		}
		bh_logf(env->log, "\n");
	}
	if (st->pkt_range || st->meta_range || st->nrefs)
		bh_logf(env->log, "  packet %u bytes proven, metadata %u, %u references held\n",
			st->pkt_range, st->meta_range, st->nrefs);
}

static void range_str(const struct bh_scalar *s, char *buf, size_t sz)
{
	if (s->smin >= 0 || s->umax <= INT64_MAX)
		snprintf(buf, sz, "[%" PRIu64 ", %" PRIu64 "]", s->umin, s->umax);
	else
		snprintf(buf, sz, "[%" PRId64 ", %" PRId64 "]", s->smin, s->smax);
}

void bh_vfinish_log(struct bh_venv *env, const struct bh_verifier_result *res)
{
	(void)env;
	if (res->rule != BH_VR_NONE || env->in->log_level >= 1)
		bh_logf(env->log, "%s\n", res->summary);
}

void bh_vsummary(const struct bh_venv *env, struct bh_verifier_result *res)
{
	char r0[96];

	if (env->err) {
		if (env->err_insn >= 0)
			snprintf(res->summary, sizeof(res->summary),
				 "verifier: refused insn %ld [%s] (processed %" PRIu64
				 " insns): %s",
				 env->err_insn, bh_vrule_name(env->rule), env->processed, env->msg);
		else
			snprintf(res->summary, sizeof(res->summary),
				 "verifier: refused [%s] (processed %" PRIu64 " insns): %s",
				 bh_vrule_name(env->rule), env->processed, env->msg);
		return;
	}
	range_str(&res->r0, r0, sizeof(r0));
	snprintf(res->summary, sizeof(res->summary),
		 "verifier: accepted (processed %" PRIu64 " insns, %" PRIu64
		 " states, peak %" PRIu64 ", pruned %" PRIu64 "; r0 in %s)",
		 env->processed, env->states, env->peak_states, env->pruned, r0);
}
