/* SPDX-License-Identifier: MIT */
/*
 * Helpers that call back into the program: bpf_loop and
 * bpf_for_each_map_elem.
 *
 * Callbacks are BPF subprograms, passed as the value of a
 * `lddw rX, func` (BPF_PSEUDO_FUNC); they run through the engine with
 * bh_call_bpf_func(), in the invocation ctx belongs to.
 *
 * A callback returns 0 to go on and 1 to stop (the verifier refuses other
 * values). If the engine cannot run a callback, the helper stops and
 * returns the engine's negative errno.
 */
#include <errno.h>

#include "helpers/helpers.h"
#include "maps/map.h"

/*
 * bpf_loop(nr_loops, callback_fn, callback_ctx, flags): calls
 * long fn(u32 index, void *ctx) for index 0 .. nr_loops - 1 until it
 * returns 1. Returns the number of iterations performed, counting the one
 * that stopped; -EINVAL for non-zero flags; -E2BIG when nr_loops exceeds
 * Linux's limit of 1 << 23.
 */
BH_HELPER(loop)
{
	uint32_t nr_loops = (uint32_t)r1;
	uint64_t ret;
	uint32_t i;
	int err;

	if (r4)
		return (uint64_t)-EINVAL;
	if (nr_loops > BH_BPF_MAX_LOOPS)
		return (uint64_t)-E2BIG;
	for (i = 0; i < nr_loops; i++) {
		err = bh_call_bpf_func(ctx, r2, i, r3, 0, 0, 0, &ret);
		if (err)
			return (uint64_t)(int64_t)err;
		if (ret)
			return (uint64_t)i + 1;
	}
	return i;
}

/* State of one bpf_for_each_map_elem call, handed through the map op. */
struct for_each_call {
	void *ctx;	 /* program context: finds the running invocation */
	uint64_t fn;	 /* the BPF callback */
	uint64_t cb_ctx; /* callback_ctx argument */
	int err;	 /* first error from bh_call_bpf_func */
};

static long for_each_cb(struct bh_map *map, const void *key, void *value, void *arg)
{
	struct for_each_call *call = arg;
	uint64_t ret = 0;
	int err;

	err = bh_call_bpf_func(call->ctx, call->fn, (uint64_t)(uintptr_t)map,
			       (uint64_t)(uintptr_t)key, (uint64_t)(uintptr_t)value, call->cb_ctx,
			       0, &ret);
	if (err) {
		call->err = err;
		return 1;
	}
	/* 0: continue, 1: stop (other values are refused by the verifier) */
	return ret ? 1 : 0;
}

/*
 * bpf_for_each_map_elem(map, callback_fn, callback_ctx, flags): the
 * callback is long fn(map, key, value, ctx); returns the number of elements
 * visited, including the one whose callback stopped the walk.
 */
BH_HELPER(for_each_map_elem)
{
	struct bh_map *map = (struct bh_map *)(uintptr_t)r1;
	struct for_each_call call = { .ctx = ctx, .fn = r2, .cb_ctx = r3 };
	long n;

	if (!map || r4)
		return (uint64_t)-EINVAL;
	if (!map->ops->for_each)
		return (uint64_t)-EOPNOTSUPP;
	n = map->ops->for_each(map, for_each_cb, &call);
	if (call.err)
		return (uint64_t)(int64_t)call.err;
	return (uint64_t)n;
}
