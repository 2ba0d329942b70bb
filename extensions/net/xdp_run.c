/* SPDX-License-Identifier: MIT */
/*
 * Running an application's packets through the xdp hook: each packet gets
 * a context wrapper on the stack (the runtime's header embedded with
 * BPFHOST_CTX_HEADER_MEMBER, initialised by bpfhost_ctx_init), bounded by
 * the application's buffer: the metadata may start at the buffer's first
 * byte, the packet may grow to its last. One packet goes through
 * bpfhost_hook_invoke, several through bpfhost_hook_invoke_batch2 in chunks
 * of BPFHOST_NET_XDP_BATCH (its count of completed contexts tells which
 * packet failed). After the run, the packet's new position and lengths are
 * written back into the application's descriptors. The *_hook_run calls
 * take any hook whose program type is this extension's xdp type (found
 * with bpfhost_hook__prog_type, recognised by its priv); the
 * extension-based calls take the type and hook of the extension given, as
 * they always did (so one copy of the extension can drive another copy's
 * registration, e.g. the static archive a shared object's).
 */
#include <errno.h>
#include <string.h>

#include "net_internal.h"

#define XB_V1_SIZE (offsetof(struct bpfhost_net_xdp_buff, rx_queue_index) + sizeof(uint32_t))

static int check_buff(const struct bpfhost_net_xdp_buff *xb, size_t idx)
{
	if (!xb || xb->sz < XB_V1_SIZE)
		return bh_net_err(-EINVAL, "xdp packet %zu: no descriptor, or its sz is too small",
				  idx);
	if (!xb->buf)
		return bh_net_err(-EINVAL, "xdp packet %zu: no buffer", idx);
	if ((uint64_t)xb->data_off + xb->data_len > xb->buf_size)
		return bh_net_err(-EINVAL,
				  "xdp packet %zu: bytes [%u, %llu) lie beyond the %u-byte buffer",
				  idx, xb->data_off,
				  (unsigned long long)xb->data_off + xb->data_len, xb->buf_size);
	if (xb->meta_len > xb->data_off || !bh_net_metalen_ok(xb->meta_len))
		return bh_net_err(-EINVAL,
				  "xdp packet %zu: %u metadata bytes before offset %u (at most "
				  "%u, a multiple of 4, inside the buffer)",
				  idx, xb->meta_len, xb->data_off, BPFHOST_NET_XDP_META_MAX);
	return 0;
}

static int wrap_buff(struct bh_net_xdp_wrap *w, const struct bpfhost_prog_type *type,
		     const struct bpfhost_net_xdp_buff *xb)
{
	uint8_t *buf = xb->buf;

	return bh_net_wrap_init(w, type, buf, buf + xb->buf_size, buf + xb->data_off, xb->data_len,
				xb->meta_len, xb->ingress_ifindex, xb->rx_queue_index);
}

static void unwrap_buff(const struct bh_net_xdp_wrap *w, struct bpfhost_net_xdp_buff *xb)
{
	uintptr_t buf = (uintptr_t)xb->buf;

	xb->data_off = (uint32_t)((uintptr_t)w->ctx.data - buf);
	xb->data_len = (uint32_t)(w->ctx.data_end - w->ctx.data);
	xb->meta_len = (uint32_t)(w->ctx.data - w->ctx.data_meta);
}

/* One packet through hook, whose contexts are of type. */
static int run_one(struct bpfhost_hook *hook, struct bpfhost_prog_type *type,
		   struct bpfhost_net_xdp_buff *xb, uint32_t *verdict)
{
	struct bh_net_xdp_wrap w;
	uint64_t v = 0;
	int err;

	err = check_buff(xb, 0);
	if (!err)
		err = wrap_buff(&w, type, xb);
	if (err)
		return err;
	err = bpfhost_hook_invoke(hook, &w.ctx, &v);
	unwrap_buff(&w, xb);
	if (err)
		return bh_net_err(err, "xdp run: the hook invocation failed (%d)", err);
	*verdict = (uint32_t)v;
	return 0;
}

int bpfhost_net_xdp_hook_run(struct bpfhost_hook *hook, struct bpfhost_net_xdp_buff *xb,
			     uint32_t *verdict)
{
	struct bpfhost_prog_type *type;
	int err;

	bh_net_err_clear();
	if (!verdict)
		return bh_net_err(-EINVAL, "xdp run: no verdict pointer");
	err = bh_net_resolve_hook(hook, &type);
	if (err)
		return err;
	return run_one(hook, type, xb, verdict);
}

int bpfhost_net_xdp_run(struct bpfhost_extension *net, struct bpfhost_net_xdp_buff *xb,
			uint32_t *verdict)
{
	struct bpfhost_prog_type *type;
	struct bpfhost_hook *hook;
	int err;

	bh_net_err_clear();
	if (!verdict)
		return bh_net_err(-EINVAL, "xdp run: no verdict pointer");
	err = bh_net_resolve(net, &type, &hook);
	if (err)
		return err;
	return run_one(hook, type, xb, verdict);
}

/* n packets through hook, whose contexts are of type. */
static int run_batch(struct bpfhost_hook *hook, struct bpfhost_prog_type *type,
		     struct bpfhost_net_xdp_buff *xbs, uint32_t *verdicts, size_t n)
{
	struct bh_net_xdp_wrap w[BPFHOST_NET_XDP_BATCH];
	void *ctxs[BPFHOST_NET_XDP_BATCH];
	uint64_t v[BPFHOST_NET_XDP_BATCH];
	size_t i, j, k, done;
	int err = 0;

	if (n && (!xbs || !verdicts))
		return bh_net_err(-EINVAL, "xdp batch: no packets or no verdict array");
	for (i = 0; i < n && !err; i++)
		err = check_buff(&xbs[i], i);
	for (i = 0; i < n && !err; i += k) {
		k = n - i < BPFHOST_NET_XDP_BATCH ? n - i : BPFHOST_NET_XDP_BATCH;
		for (j = 0; j < k && !err; j++) {
			err = wrap_buff(&w[j], type, &xbs[i + j]);
			ctxs[j] = &w[j].ctx;
		}
		if (err)
			return bh_net_err(err, "xdp batch: bpfhost_ctx_init failed (%d)", err);
		memset(v, 0, sizeof(v));
		err = bpfhost_hook_invoke_batch2(hook, ctxs, v, k, &done);
		/* the failing packet ran part of the chain: its position too */
		for (j = 0; j < k && j <= done; j++)
			unwrap_buff(&w[j], &xbs[i + j]);
		for (j = 0; j < done; j++)
			verdicts[i + j] = (uint32_t)v[j];
		if (err)
			return bh_net_err(
				err,
				"xdp batch: the hook invocation failed (%d) at packet %zu "
				"(packets before it have their verdicts)",
				err, i + done);
	}
	return err;
}

int bpfhost_net_xdp_hook_run_batch(struct bpfhost_hook *hook, struct bpfhost_net_xdp_buff *xbs,
				   uint32_t *verdicts, size_t n)
{
	struct bpfhost_prog_type *type;
	int err;

	bh_net_err_clear();
	err = bh_net_resolve_hook(hook, &type);
	if (err)
		return err;
	return run_batch(hook, type, xbs, verdicts, n);
}

int bpfhost_net_xdp_run_batch(struct bpfhost_extension *net, struct bpfhost_net_xdp_buff *xbs,
			      uint32_t *verdicts, size_t n)
{
	struct bpfhost_prog_type *type;
	struct bpfhost_hook *hook;
	int err;

	bh_net_err_clear();
	err = bh_net_resolve(net, &type, &hook);
	if (err)
		return err;
	return run_batch(hook, type, xbs, verdicts, n);
}
