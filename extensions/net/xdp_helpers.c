/* SPDX-License-Identifier: MIT */
/*
 * The XDP helpers, with Linux's ids, bounds and errors, on the packet of a
 * context this extension built (struct bh_net_xdp_wrap):
 *
 *   bpf_xdp_adjust_head(ctx, delta) (44): data += delta, the metadata moves
 *     along. -EINVAL unless head_min + metadata <= data and at least
 *     ETH_HLEN (14) bytes stay in the packet.
 *   bpf_xdp_adjust_meta(ctx, delta) (54): data_meta += delta. -EINVAL unless
 *     head_min <= data_meta <= data; -EACCES when the metadata length would
 *     be above 252 or not a multiple of 4.
 *   bpf_xdp_adjust_tail(ctx, delta) (65): data_end += delta. -EINVAL beyond
 *     tail_max or with fewer than ETH_HLEN bytes left. Bytes the packet
 *     grows by are zeroed.
 *
 * delta is the int of the C prototype (the low 32 bits of r2, signed).
 * Positions are computed as integers relative to head_min, so no pointer
 * is ever formed outside the buffer. A context not built by this extension
 * gets -EINVAL.
 *
 * These helpers change the packet bounds, like Linux's helpers for which
 * bpf_helper_changes_pkt_data() is true: a program must reload data and
 * data_end from the context after calling them. The buffer does not move,
 * so stale pointers still point into it.
 */
#include <errno.h>
#include <string.h>

#include "net_internal.h"

#define ERR(e) ((uint64_t)(int64_t)(e))

struct pos {
	int64_t meta, data, end, max; /* offsets from head_min */
};

static void pos_of(const struct bh_net_xdp_wrap *w, struct pos *p)
{
	uintptr_t base = (uintptr_t)w->head_min;

	p->meta = (int64_t)((uintptr_t)w->ctx.data_meta - base);
	p->data = (int64_t)((uintptr_t)w->ctx.data - base);
	p->end = (int64_t)((uintptr_t)w->ctx.data_end - base);
	p->max = (int64_t)((uintptr_t)w->tail_max - base);
}

static uint64_t at(const struct bh_net_xdp_wrap *w, int64_t off)
{
	return (uint64_t)(uintptr_t)(w->head_min + off);
}

static uint64_t xdp_adjust_head(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
				void *ctx)
{
	struct bh_net_xdp_wrap *w = bh_net_wrap_checked(ctx);
	int64_t delta = (int32_t)r2, metalen, data;
	struct pos p;

	if (!w)
		return ERR(-EINVAL);
	pos_of(w, &p);
	metalen = p.data - p.meta;
	data = p.data + delta;
	if (data < metalen || data > p.end - (int64_t)BPFHOST_NET_ETH_HLEN)
		return ERR(-EINVAL);
	if (metalen)
		memmove(w->head_min + (p.meta + delta), w->head_min + p.meta, (size_t)metalen);
	w->ctx.data_meta = at(w, p.meta + delta);
	w->ctx.data = at(w, data);
	return 0;
}

static uint64_t xdp_adjust_meta(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
				void *ctx)
{
	struct bh_net_xdp_wrap *w = bh_net_wrap_checked(ctx);
	int64_t delta = (int32_t)r2, meta;
	struct pos p;

	if (!w)
		return ERR(-EINVAL);
	pos_of(w, &p);
	meta = p.meta + delta;
	if (meta < 0 || meta > p.data)
		return ERR(-EINVAL);
	if (!bh_net_metalen_ok((uint64_t)(p.data - meta)))
		return ERR(-EACCES);
	w->ctx.data_meta = at(w, meta);
	return 0;
}

static uint64_t xdp_adjust_tail(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
				void *ctx)
{
	struct bh_net_xdp_wrap *w = bh_net_wrap_checked(ctx);
	int64_t delta = (int32_t)r2, end;
	struct pos p;

	if (!w)
		return ERR(-EINVAL);
	pos_of(w, &p);
	end = p.end + delta;
	if (end > p.max || end < p.data + (int64_t)BPFHOST_NET_ETH_HLEN)
		return ERR(-EINVAL);
	if (delta > 0)
		memset(w->head_min + p.end, 0, (size_t)delta);
	w->ctx.data_end = at(w, end);
	return 0;
}

#define XDP_HELPER(ID, NAME, FN)                                                            \
	{                                                                                   \
		.version = BPFHOST_HELPER_PROTO_VERSION,                                    \
		.size = sizeof(struct bpfhost_helper_proto), .id = (ID),                    \
		.flags = BPFHOST_HELPER_F_IMPLICIT_CTX | BPFHOST_HELPER_F_CHANGES_PKT_DATA, \
		.name = (NAME), .fn = (FN), .ret = BPFHOST_RET_INTEGER,                     \
		.args = { BPFHOST_ARG_PTR_TO_CTX, BPFHOST_ARG_ANYTHING, BPFHOST_ARG_NONE }, \
	}

const struct bpfhost_helper_proto bh_net_xdp_helpers[BH_NET_XDP_NR_HELPERS] = {
	XDP_HELPER(BPFHOST_NET_HELPER_XDP_ADJUST_HEAD, "bpf_xdp_adjust_head", xdp_adjust_head),
	XDP_HELPER(BPFHOST_NET_HELPER_XDP_ADJUST_META, "bpf_xdp_adjust_meta", xdp_adjust_meta),
	XDP_HELPER(BPFHOST_NET_HELPER_XDP_ADJUST_TAIL, "bpf_xdp_adjust_tail", xdp_adjust_tail),
};
