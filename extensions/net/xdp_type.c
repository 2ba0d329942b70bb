/* SPDX-License-Identifier: MIT */
/*
 * Program type "xdp": the context descriptor with its Linux view, the
 * type descriptor, and the initialisation of a context wrapper.
 *
 * Real context (struct bpfhost_net_xdp_ctx, 40 bytes): data@0, data_end@8
 * and data_meta@16 are 64-bit pointers, then ingress_ifindex@24,
 * rx_queue_index@28, egress_ifindex@32. Nothing is writable (Linux's XDP
 * context is read-only too).
 *
 * Linux view (struct xdp_md, 24 bytes): six u32 fields. The three packet
 * fields map to the 64-bit pointers (the verifier turns the 32-bit load
 * into a 64-bit load of the real field), the others to the u32 fields.
 */
#include <stddef.h>
#include <string.h>

#include "net_internal.h"

#define REAL(f) offsetof(struct bpfhost_net_xdp_ctx, f)
#define REALSZ(f) sizeof(((struct bpfhost_net_xdp_ctx *)0)->f)
#define LINUX(f) offsetof(struct bpfhost_net_xdp_md, f)
#define FIELD(f)                                               \
	{                                                      \
		LINUX(f), sizeof(uint32_t), REAL(f), REALSZ(f) \
	}

_Static_assert(sizeof(struct bpfhost_net_xdp_ctx) == 40, "xdp context is 40 bytes");
_Static_assert(REAL(data) == 0 && REAL(data_end) == 8 && REAL(data_meta) == 16,
	       "xdp packet pointers at 0, 8, 16");
_Static_assert(REAL(ingress_ifindex) == 24 && REAL(rx_queue_index) == 28 &&
		       REAL(egress_ifindex) == 32,
	       "xdp u32 fields at 24, 28, 32");
_Static_assert(sizeof(struct bpfhost_net_xdp_md) == 24, "struct xdp_md is 24 bytes");
_Static_assert(LINUX(data) == 0 && LINUX(data_end) == 4 && LINUX(data_meta) == 8 &&
		       LINUX(ingress_ifindex) == 12 && LINUX(rx_queue_index) == 16 &&
		       LINUX(egress_ifindex) == 20,
	       "struct xdp_md layout (Linux UAPI)");

static const struct bpfhost_ctx_view_field xdp_md_view[] = {
	FIELD(data),	       FIELD(data_end),	      FIELD(data_meta), FIELD(ingress_ifindex),
	FIELD(rx_queue_index), FIELD(egress_ifindex),
};

static const struct bpfhost_ctx_desc xdp_ctx_desc = {
	.version = BPFHOST_CTX_DESC_VERSION,
	.size = sizeof(struct bpfhost_ctx_desc),
	.ctx_size = sizeof(struct bpfhost_net_xdp_ctx),
	.data_off = REAL(data),
	.data_end_off = REAL(data_end),
	.data_meta_off = REAL(data_meta),
	.writable = NULL,
	.nr_writable = 0,
	.linux_ctx_size = sizeof(struct bpfhost_net_xdp_md),
	.view = xdp_md_view,
	.nr_view_fields = sizeof(xdp_md_view) / sizeof(xdp_md_view[0]),
};

static const char *const xdp_prefixes[] = { "xdp", NULL };

/*
 * The type's priv: tells this extension's xdp type (whose contexts are
 * struct bh_net_xdp_wrap) from a same-named type of another provider.
 */
char bh_net_xdp_marker;

const struct bpfhost_prog_type_desc bh_net_xdp_type = {
	.version = BPFHOST_PROG_TYPE_DESC_VERSION,
	.size = sizeof(struct bpfhost_prog_type_desc),
	.name = BPFHOST_NET_PROG_TYPE_XDP,
	.linux_prog_type = BPFHOST_NET_LINUX_PROG_TYPE_XDP,
	.section_prefixes = xdp_prefixes,
	.ctx_desc = &xdp_ctx_desc,
	.helpers = bh_net_xdp_helpers,
	.nr_helpers = BH_NET_XDP_NR_HELPERS,
	.capabilities = BPFHOST_CAP_CONTEXT_HEADER,
	.ret_min = BPFHOST_NET_XDP_ABORTED,
	.ret_max = BPFHOST_NET_XDP_REDIRECT,
	.ctx_create = bh_net_xdp_ctx_create,
	.ctx_destroy = bh_net_xdp_ctx_destroy,
	.priv = &bh_net_xdp_marker,
};

int bh_net_wrap_init(struct bh_net_xdp_wrap *w, const struct bpfhost_prog_type *type,
		     uint8_t *head_min, uint8_t *tail_max, uint8_t *data, uint32_t len,
		     uint32_t meta_len, uint32_t ingress_ifindex, uint32_t rx_queue_index)
{
	int err = bpfhost_ctx_init(&w->bpfhost_hdr, type, (uint64_t)(uintptr_t)w);

	if (err)
		return err;
	memset(&w->ctx, 0, sizeof(w->ctx));
	w->ctx.data = (uint64_t)(uintptr_t)data;
	w->ctx.data_end = (uint64_t)(uintptr_t)(data + len);
	w->ctx.data_meta = (uint64_t)(uintptr_t)(data - meta_len);
	w->ctx.ingress_ifindex = ingress_ifindex;
	w->ctx.rx_queue_index = rx_queue_index;
	w->head_min = head_min;
	w->tail_max = tail_max;
	w->frame = NULL;
	return 0;
}
