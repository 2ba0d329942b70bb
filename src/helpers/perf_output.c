/* SPDX-License-Identifier: MIT */
/*
 * bpf_perf_event_output(ctx, map, flags, data, size).
 *
 * The low 32 bits of flags select the perf event array slot
 * (BPF_F_CURRENT_CPU: the calling thread's CPU); the upper bits
 * (BPF_F_CTXLEN_MASK) ask for that many bytes of the context's packet data
 * to be appended to the sample after data. This is the generic helper the
 * context header exists for: it cannot know the program type's context
 * layout, so it reads the context descriptor from header slot 1 and the
 * `data` / `data_end` pointer fields at the offsets the descriptor gives.
 *
 * Errors, as in Linux: unknown flag bits -EINVAL; CTXLEN on a context
 * whose type has no packet data (data_off or data_end_off -1, or no
 * descriptor) -EINVAL, like the tracing variant that accepts no CTXLEN;
 * CTXLEN larger than data_end - data -EFAULT, like the skb/xdp variants.
 * Then the map's bh_perf_event_output() answers (-E2BIG bad slot, -ENOENT
 * no buffer in the slot, -ENOSPC buffer full, -EINVAL not a perf event
 * array).
 */
#include <errno.h>
#include <string.h>

#include "helpers/helpers.h"
#include "maps/perf_event.h"
#include "runtime/exec_state.h"

/* The packet bytes of a context: 0, -EINVAL (none), -EFAULT (inconsistent). */
static int ctx_packet(void *ctx, const void **data, uint64_t *len)
{
	const struct bpfhost_ctx_desc *desc = ctx ? bh_ctx_desc(ctx) : NULL;
	uintptr_t start, end;

	if (!desc || desc->data_off < 0 || desc->data_end_off < 0 ||
	    (uint64_t)desc->data_off + sizeof(start) > desc->ctx_size ||
	    (uint64_t)desc->data_end_off + sizeof(end) > desc->ctx_size)
		return -EINVAL;
	memcpy(&start, (const char *)ctx + desc->data_off, sizeof(start));
	memcpy(&end, (const char *)ctx + desc->data_end_off, sizeof(end));
	if (!start || end < start)
		return -EFAULT;
	*data = (const void *)start;
	*len = end - start;
	return 0;
}

BH_HELPER(perf_event_output)
{
	void *pctx = (void *)(uintptr_t)r1;
	uint64_t flags = r3, ctxlen = (flags & BH_F_CTXLEN_MASK) >> 32;
	const void *pkt = NULL;
	uint64_t avail = 0;
	int err;

	if (flags & ~(BH_F_CTXLEN_MASK | BH_F_INDEX_MASK))
		return (uint64_t)-EINVAL;
	if (ctxlen) {
		err = ctx_packet(pctx, &pkt, &avail);
		if (err)
			return (uint64_t)(int64_t)err;
		if (ctxlen > avail)
			return (uint64_t)-EFAULT;
	}
	return (uint64_t)(int64_t)bh_perf_event_output((struct bh_map *)(uintptr_t)r2, flags,
						       (const void *)(uintptr_t)r4, r5, pkt, avail);
}
