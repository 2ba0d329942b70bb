/* SPDX-License-Identifier: MIT */
/*
 * Verification at program load (docs/verifier.md, "Integration").
 *
 * bpfhost_prog_load calls bh_prog_verify before it resolves anything, so the
 * verifier sees the program as the caller gave it: lddw map_fd / map_value
 * with bpfhost map fds in their imm. The verifier's questions are answered
 * here:
 *  - find_helper: the helpers the program type offers (its own, tail_call
 *    and the core table: bh_type_find_helper), nothing else;
 *  - map_def: the definition of the map behind the lddw's fd. The map is
 *    held until bh_verify returns (the verifier copies the definition);
 *    for maps programs cannot write (BPFHOST_F_RDONLY_PROG single-entry
 *    arrays, i.e. .rodata) the value bytes are given too, so constant
 *    strings passed to helpers can be checked. An fd that is not a map is
 *    reported as resolve would (-EBADF);
 *  - source_line: the caller's per-instruction C source lines
 *    (opts->source_line, the object API passes BTF line_info).
 * The program type gives the context descriptor (and its Linux view, whose
 * accesses the verifier rewrites to the real layout) and the r0 range
 * (ret_min > ret_max, or both 0 as in a zeroed descriptor: unrestricted).
 * Statistics of an accepted program are kept on it (prog->vstats).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "isa/isa.h"
#include "maps/map.h"
#include "maps/map_in_map.h"
#include "runtime/prog_verify.h"
#include "verifier/verifier.h"

struct vcookie {
	const struct bh_prog *prog;
	const struct bpfhost_insn *insns;
	const int16_t *ops;
	size_t cnt;
	const struct bpfhost_prog_load_opts *opts;
	struct bh_log *log;
	struct bh_map **held; /* maps looked up for the verifier */
	size_t nr_held;
	int map_err; /* first fd that is not a map: -EBADF */
};

static const struct bpfhost_helper_proto *v_find_helper(void *cookie, uint32_t id)
{
	struct vcookie *c = cookie;

	return bh_type_find_helper(c->prog->type, id);
}

/* Value bytes of a map programs cannot write, or NULL. */
static const void *map_rodata(struct bh_map *map)
{
	uint32_t key = 0;

	if (map->def.type != BPFHOST_MAP_TYPE_ARRAY || map->def.max_entries != 1 ||
	    !(map->def.map_flags & BPFHOST_F_RDONLY_PROG) || !map->ops->lookup)
		return NULL;
	return map->ops->lookup(map, &key);
}

static bool v_map_def(void *cookie, size_t idx, struct bh_verifier_map *out)
{
	struct vcookie *c = cookie;
	struct bh_map **nh, *map;
	int fd, err;

	if (idx >= c->cnt ||
	    (c->ops[idx] != BH_OP_LDDW_MAP_FD && c->ops[idx] != BH_OP_LDDW_MAP_VALUE))
		return false; /* map index forms: raw loads take fds */
	fd = c->insns[idx].imm;
	map = bh_fd_map(fd, &err);
	if (!map) {
		bh_logf(c->log, "insn %zu: lddw %s: fd %d is %s, not a map\n", idx,
			c->ops[idx] == BH_OP_LDDW_MAP_VALUE ? "map_value" : "map_fd", fd,
			err == -EBADF ? "not open" : bh_fd_kind_name(bh_fd_kind_of(fd)));
		if (!c->map_err)
			c->map_err = -EBADF;
		return false;
	}
	nh = realloc(c->held, (c->nr_held + 1) * sizeof(*nh));
	if (!nh) {
		bh_map_put(map);
		return false;
	}
	c->held = nh;
	c->held[c->nr_held++] = map;
	out->def = &map->def;
	out->rodata = map_rodata(map);
	if (bh_map_type_is_mim(map->def.type))
		out->inner = bh_mim_template(map);
	return true;
}

static const char *v_source_line(void *cookie, size_t idx)
{
	const struct vcookie *c = cookie;

	return c->opts->source_line(c->opts->source_line_ctx, idx);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int bh_prog_verify(struct bh_prog *prog, const struct bpfhost_insn *insns, const int16_t *ops,
		   size_t cnt, const struct bpfhost_prog_load_opts *opts,
		   struct bpfhost_insn **rewritten, struct bh_log *log)
{
	const struct bpfhost_prog_type *t = prog->type;
	struct vcookie c = {
		.prog = prog, .insns = insns, .ops = ops, .cnt = cnt, .opts = opts, .log = log
	};
	struct bh_verifier_input in;
	struct bh_verifier_result res;
	uint64_t start;
	size_t i;
	int err;

	*rewritten = NULL;
	memset(&in, 0, sizeof(in));
	in.insns = insns;
	in.insn_cnt = cnt;
	in.ctx = &t->ctx_desc;
	in.ret_min = t->desc.ret_min;
	in.ret_max = t->desc.ret_max;
	if (!in.ret_min && !in.ret_max) {
		/* a zeroed descriptor declares no range (min > max: unrestricted) */
		in.ret_min = 1;
		in.ret_max = 0;
	}
	in.find_helper = v_find_helper;
	in.map_def = v_map_def;
	in.cookie = &c;
	if (BH_OPTS_GET(opts, source_line, NULL))
		in.source_line = v_source_line;
	in.log_level = BH_OPTS_GET(opts, log_level, 0);

	start = now_ns();
	err = bh_verify(&in, &res, log);
	prog->vstats.ns = now_ns() - start;
	for (i = 0; i < c.nr_held; i++)
		bh_map_put(c.held[i]);
	free(c.held);
	prog->vstats.insns_processed = res.insns_processed;
	prog->vstats.states = res.states;
	prog->vstats.peak_states = res.peak_states;
	prog->vstats.peak_bytes = res.peak_bytes;
	if (err) {
		free(res.insns);
		return c.map_err ? c.map_err : err;
	}
	prog->vstats.verified = true;
	prog->vstats.r0_min = res.r0.smin;
	prog->vstats.r0_max = res.r0.smax;
	*rewritten = res.insns;
	return 0;
}
