/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by the net extension's files: the context wrapper every
 * xdp context lives in, and the per-thread error message.
 *
 * struct bh_net_xdp_wrap = the runtime's context header, the public
 * context programs see, then the packet's bounds, which programs cannot
 * reach: the lowest address the metadata may start at (head_min) and the
 * highest address the packet may end at (tail_max). The adjust helpers
 * move data_meta/data/data_end between them; the buffer itself never
 * moves, so every pointer a program obtained stays inside it.
 *
 * Header slot 4 (the extension's) holds the wrapper's own address. The
 * helpers check it before touching the private fields: a context of type
 * xdp built by someone else (bpfhost_ctx_alloc) has the right header for
 * the hook but no wrapper around it, and gets -EINVAL from the helpers.
 */
#ifndef BH_NET_INTERNAL_H
#define BH_NET_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "net.h"

struct bh_net_xdp_wrap {
	BPFHOST_CTX_HEADER_MEMBER;
	struct bpfhost_net_xdp_ctx ctx; /* what programs see */
	uint8_t *head_min;		/* data_meta never goes below */
	uint8_t *tail_max;		/* data_end never goes above */
	uint8_t *frame;			/* test runs: the frame ctx_destroy frees */
};
BPFHOST_CTX_CHECK_LAYOUT(struct bh_net_xdp_wrap, ctx);

static inline struct bh_net_xdp_wrap *bh_net_wrap_of(void *ctx)
{
	return (struct bh_net_xdp_wrap *)((char *)ctx - offsetof(struct bh_net_xdp_wrap, ctx));
}

/* The wrapper around ctx if ctx was built by this extension, else NULL. */
static inline struct bh_net_xdp_wrap *bh_net_wrap_checked(void *ctx)
{
	struct bh_net_xdp_wrap *w;

	if (!ctx)
		return NULL;
	w = bh_net_wrap_of(ctx);
	if (w->bpfhost_hdr.slot[BPFHOST_CTX_SLOT_EXT] != (uint64_t)(uintptr_t)w)
		return NULL;
	return w;
}

/*
 * Initialise w for the packet [data, data + len) with meta_len metadata
 * bytes in front, inside [head_min, tail_max]. The caller checked the
 * bounds. 0 or the error of bpfhost_ctx_init.
 */
int bh_net_wrap_init(struct bh_net_xdp_wrap *w, const struct bpfhost_prog_type *type,
		     uint8_t *head_min, uint8_t *tail_max, uint8_t *data, uint32_t len,
		     uint32_t meta_len, uint32_t ingress_ifindex, uint32_t rx_queue_index);

/* Linux's rule for a metadata length: a multiple of 4, at most 252. */
static inline int bh_net_metalen_ok(uint64_t len)
{
	return len <= BPFHOST_NET_XDP_META_MAX && !(len & 3);
}

/* The extension descriptor (ext.c; entry.c returns it too). */
const struct bpfhost_extension_desc *bh_net_extension_desc(void);

/* The program type and its helpers (xdp_type.c, xdp_helpers.c). */
extern const struct bpfhost_prog_type_desc bh_net_xdp_type;
#define BH_NET_XDP_NR_HELPERS 3
extern const struct bpfhost_helper_proto bh_net_xdp_helpers[BH_NET_XDP_NR_HELPERS];

/* Test runs (xdp_test_run.c). */
int bh_net_xdp_ctx_create(struct bpfhost_prog_type *type, const struct bpfhost_test_ctx *in,
			  void **ctx);
void bh_net_xdp_ctx_destroy(struct bpfhost_prog_type *type, void *ctx,
			    struct bpfhost_test_ctx *out);

/* Type and hook of a registered net extension, or -ENODEV (with a message). */
int bh_net_resolve(struct bpfhost_extension *net, struct bpfhost_prog_type **type,
		   struct bpfhost_hook **hook);
/*
 * The program type of a hook that runs this extension's xdp programs, or
 * -EINVAL (no hook, another provider's type) / -ENODEV (unregistered).
 */
int bh_net_resolve_hook(struct bpfhost_hook *hook, struct bpfhost_prog_type **type);
/* priv of the xdp program type (xdp_type.c): identifies it. */
extern char bh_net_xdp_marker;

/* Record the message bpfhost_net_last_error returns; returns err. */
__attribute__((format(printf, 2, 3))) int bh_net_err(int err, const char *fmt, ...);
void bh_net_err_clear(void);

#endif /* BH_NET_INTERNAL_H */
