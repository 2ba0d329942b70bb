/* SPDX-License-Identifier: MIT */
/*
 * Test runs of xdp programs, following Linux's bpf_prog_test_run_xdp:
 *
 *  - the frame is 4096 bytes; data_in (metadata, then packet) is copied so
 *    that the packet starts at 256 (XDP_PACKET_HEADROOM). The first 40
 *    bytes and the last 320 are out of reach of the adjust helpers, so
 *    data_in holds 14..3520 bytes (-EINVAL below, -EOPNOTSUPP above: Linux
 *    would put the rest in fragments, which bpfhost does not have).
 *  - ctx_in is a struct xdp_md (up to 24 bytes read, the rest zero; more
 *    bytes must be zero, else -E2BIG): data = length of the metadata at
 *    the start of data_in (<= 252, a multiple of 4), data_end = data_size_in,
 *    data_meta = 0, egress_ifindex = 0, rx_queue_index only with an
 *    ingress_ifindex; anything else is -EINVAL. Unlike Linux, data and
 *    data_end may both be 0 (the whole of data_in is the packet), and
 *    ingress_ifindex is taken as given (there are no devices to look up).
 *    Without an ingress_ifindex the program sees Linux's default, the
 *    loopback device (ifindex 1, queue 0).
 *  - after the runs, data_out receives metadata + packet as the program
 *    left them, ctx_out the struct xdp_md of ctx_in with data/data_end
 *    relative to the metadata (Linux's convention: the other fields are
 *    returned as given).
 *  - priv_in is not used (-EINVAL when given); flags must be 0
 *    (BPF_F_TEST_XDP_LIVE_FRAMES: -EOPNOTSUPP).
 *
 * The reason of a refusal is in bpfhost_net_last_error() and, when the
 * runtime passes a log buffer (struct bpfhost_test_ctx log_buf), written
 * there too: the runtime's test-run message ends with it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"

#define F_TEST_XDP_LIVE_FRAMES (1u << 1)
#define LOOPBACK_IFINDEX 1

/* A test run's context: the wrapper, and the struct xdp_md given. */
struct test_frame {
	struct bh_net_xdp_wrap w;
	struct bpfhost_net_xdp_md md_in;
};

static int read_md(const struct bpfhost_test_ctx *in, struct bpfhost_net_xdp_md *md)
{
	const uint8_t *p = in->ctx_in;
	uint32_t i, n = in->ctx_size_in;

	memset(md, 0, sizeof(*md));
	if (!n)
		return 0;
	for (i = sizeof(*md); i < n; i++)
		if (p[i])
			return bh_net_err(-E2BIG,
					  "xdp test run: ctx_in byte %u is not zero (struct xdp_md "
					  "has %zu bytes)",
					  i, sizeof(*md));
	memcpy(md, p, n < sizeof(*md) ? n : sizeof(*md));
	if (md->data_meta)
		return bh_net_err(-EINVAL, "xdp test run: ctx_in data_meta must be 0, not %u",
				  md->data_meta);
	if (md->data || md->data_end) {
		if (md->data_end != in->data_size_in)
			return bh_net_err(-EINVAL,
					  "xdp test run: ctx_in data_end %u must be data_size_in "
					  "(%u) or, with data, 0",
					  md->data_end, in->data_size_in);
		if (md->data > md->data_end || !bh_net_metalen_ok(md->data))
			return bh_net_err(
				-EINVAL,
				"xdp test run: ctx_in data %u (metadata length) must be at "
				"most %u, a multiple of 4 and not beyond data_end %u",
				md->data, BPFHOST_NET_XDP_META_MAX, md->data_end);
	}
	if (md->egress_ifindex)
		return bh_net_err(-EINVAL, "xdp test run: ctx_in egress_ifindex must be 0, not %u",
				  md->egress_ifindex);
	if (!md->ingress_ifindex && md->rx_queue_index)
		return bh_net_err(-EINVAL,
				  "xdp test run: ctx_in rx_queue_index %u needs an ingress_ifindex",
				  md->rx_queue_index);
	return 0;
}

static int create(struct bpfhost_prog_type *type, const struct bpfhost_test_ctx *in, void **ctx)
{
	struct bpfhost_net_xdp_md md;
	struct test_frame *tf;
	uint32_t size, meta;
	uint8_t *frame;
	int err;

	if (in->flags)
		return in->flags == F_TEST_XDP_LIVE_FRAMES
			       ? bh_net_err(
					 -EOPNOTSUPP,
					 "xdp test run: live frames (BPF_F_TEST_XDP_LIVE_FRAMES) "
					 "are not supported")
			       : bh_net_err(-EINVAL, "xdp test run: unknown flags 0x%x", in->flags);
	if (in->priv_size_in)
		return bh_net_err(-EINVAL, "xdp test run: xdp contexts have no private test state "
					   "(priv_in)");
	err = read_md(in, &md);
	if (err)
		return err;
	size = in->data_size_in;
	meta = md.data;
	if (size < BPFHOST_NET_ETH_HLEN)
		return bh_net_err(-EINVAL,
				  "xdp test run: data_in has %u bytes, at least %u (an Ethernet "
				  "header) are needed",
				  size, BPFHOST_NET_ETH_HLEN);
	if (size - meta > BPFHOST_NET_XDP_MAX_DATA)
		return bh_net_err(-EOPNOTSUPP,
				  "xdp test run: a %u-byte packet does not fit the %u bytes of a "
				  "frame (multi-buffer packets are not supported)",
				  size - meta, BPFHOST_NET_XDP_MAX_DATA);
	frame = calloc(1, BPFHOST_NET_XDP_FRAME_SIZE);
	tf = calloc(1, sizeof(*tf));
	if (!frame || !tf) {
		free(frame);
		free(tf);
		return bh_net_err(-ENOMEM, "xdp test run: out of memory");
	}
	memcpy(frame + BPFHOST_NET_XDP_HEADROOM - meta, in->data_in, size);
	err = bh_net_wrap_init(&tf->w, type, frame + BPFHOST_NET_XDP_FRAME_RESERVED,
			       frame + BPFHOST_NET_XDP_FRAME_SIZE - BPFHOST_NET_XDP_TAIL_RESERVED,
			       frame + BPFHOST_NET_XDP_HEADROOM, size - meta, meta,
			       md.ingress_ifindex ? md.ingress_ifindex : LOOPBACK_IFINDEX,
			       md.rx_queue_index);
	if (err) {
		free(frame);
		free(tf);
		return bh_net_err(err, "xdp test run: bpfhost_ctx_init failed (%d)", err);
	}
	tf->w.frame = frame;
	tf->md_in = md;
	*ctx = &tf->w.ctx;
	return 0;
}

int bh_net_xdp_ctx_create(struct bpfhost_prog_type *type, const struct bpfhost_test_ctx *in,
			  void **ctx)
{
	int err;

	bh_net_err_clear();
	/* a runtime built before log_buf was appended passes the v1 size */
	if (!in || in->version != BPFHOST_TEST_CTX_VERSION || in->size < BPFHOST_TEST_CTX_V1_SIZE)
		return bh_net_err(-EPROTO, "xdp test run: unknown struct bpfhost_test_ctx version");
	err = create(type, in, ctx);
	if (err && BPFHOST_TEST_CTX_HAS_LOG(in) && in->log_buf && in->log_size)
		snprintf(in->log_buf, in->log_size, "%s", bpfhost_net_last_error());
	return err;
}

void bh_net_xdp_ctx_destroy(struct bpfhost_prog_type *type, void *ctx, struct bpfhost_test_ctx *out)
{
	struct test_frame *tf = (struct test_frame *)bh_net_wrap_of(ctx);
	struct bh_net_xdp_wrap *w = &tf->w;
	const uint8_t *meta = (const uint8_t *)(uintptr_t)w->ctx.data_meta;
	uint32_t len = (uint32_t)(w->ctx.data_end - w->ctx.data_meta);
	struct bpfhost_net_xdp_md md = tf->md_in;

	md.data = (uint32_t)(w->ctx.data - w->ctx.data_meta);
	md.data_end = len;

	if (out->data_out)
		memcpy(out->data_out, meta, len < out->data_size_out ? len : out->data_size_out);
	out->data_size_out = len;
	if (out->ctx_out)
		memcpy(out->ctx_out, &md,
		       sizeof(md) < out->ctx_size_out ? sizeof(md) : out->ctx_size_out);
	out->ctx_size_out = sizeof(md);
	free(w->frame);
	free(tf);
}
