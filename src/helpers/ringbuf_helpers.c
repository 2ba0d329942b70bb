/* SPDX-License-Identifier: MIT */
/*
 * bpf_ringbuf_output/reserve/submit/discard/query: thin wrappers over the
 * ring buffer map's program-side functions (src/maps/ringbuf.h), which
 * implement Linux's semantics: output returns 0, -EINVAL (unknown flags,
 * not a ring buffer map) or -EAGAIN (no room); reserve returns the record
 * or NULL (no room, flags != 0, not a ring buffer); submit and discard take
 * only the record and return nothing (r0 is 0); query answers
 * BPF_RB_AVAIL_DATA/RING_SIZE/CONS_POS/PROD_POS, 0 for anything else.
 */
#include "helpers/helpers.h"
#include "maps/ringbuf.h"

#define MAP(r) ((struct bh_map *)(uintptr_t)(r))
#define PTR(r) ((void *)(uintptr_t)(r))

BH_HELPER(ringbuf_output)
{
	return (uint64_t)(int64_t)bh_ringbuf_output(MAP(r1), PTR(r2), r3, r4);
}

BH_HELPER(ringbuf_reserve)
{
	return (uint64_t)(uintptr_t)bh_ringbuf_reserve(MAP(r1), r2, r3);
}

BH_HELPER(ringbuf_submit)
{
	bh_ringbuf_submit(PTR(r1), r2);
	return 0;
}

BH_HELPER(ringbuf_discard)
{
	bh_ringbuf_discard(PTR(r1), r2);
	return 0;
}

BH_HELPER(ringbuf_query)
{
	return bh_ringbuf_query(MAP(r1), r2);
}
