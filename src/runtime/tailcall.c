/* SPDX-License-Identifier: MIT */
/*
 * bpf_tail_call (Linux helper 12) as a trampoline.
 *
 * The helper does not jump: it looks the target up in the prog array and
 * records it in the invocation state (header slot 0). When the current
 * program returns, the invoke loop (bh_run_chain) runs the recorded program
 * on the same context, up to BH_MAX_TAIL_CALLS times per invocation, as
 * Linux allows. Engines need no tail-call code.
 *
 * Difference from Linux: a successful tail call does not end the caller
 * immediately; the caller runs to its exit and its r0 is discarded. Code
 * compiled for Linux places the tail call right before `return`, so only
 * that return statement runs.
 *
 * Failures return a negative errno and the program continues, as in Linux:
 * -ENOENT (index out of range or empty slot), -E2BIG (33 tail calls already
 * taken), -EINVAL (not a prog array, or called outside an invocation).
 */
#include <errno.h>

#include "maps/map.h"
#include "maps/prog_array.h"
#include "runtime/runtime.h"

static uint64_t tail_call(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			  void *ctx)
{
	struct bh_exec_state *st = ctx ? bh_exec_state(ctx) : NULL;
	struct bh_map *map = (struct bh_map *)(uintptr_t)r2;
	const struct bh_prog *next;

	if (!st || !map || map->def.type != BPFHOST_MAP_TYPE_PROG_ARRAY)
		return (uint64_t)-EINVAL;
	if (st->tail_calls >= BH_MAX_TAIL_CALLS)
		return (uint64_t)-E2BIG;
	/* the index is a u32, as in Linux */
	next = bh_prog_array_get(map, (uint32_t)r3);
	if (!next)
		return (uint64_t)-ENOENT;
	st->tail_next = next;
	return 0;
}

const struct bpfhost_helper_proto bh_tail_call_proto = {
	.version = BPFHOST_HELPER_PROTO_VERSION,
	.size = sizeof(struct bpfhost_helper_proto),
	.id = 12,
	.flags = BPFHOST_HELPER_F_IMPLICIT_CTX,
	.name = "bpf_tail_call",
	.fn = tail_call,
	.ret = BPFHOST_RET_INTEGER,
	.args = { BPFHOST_ARG_PTR_TO_CTX, BPFHOST_ARG_CONST_MAP_PTR, BPFHOST_ARG_ANYTHING },
};
