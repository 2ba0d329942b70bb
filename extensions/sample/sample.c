/* SPDX-License-Identifier: MIT */
/*
 * The sample extension (see sample.h): program type "sample", hook
 * "sample_hook", one implicit-context helper reading private state.
 *
 * Every context lives in struct sample_wrap: the runtime's header, the
 * public context programs see, then private fields. The header is never
 * filled by hand: bpfhost_ctx_init writes it. The helper gets the public
 * context pointer and steps back to the wrapper (container-of).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sample.h"

struct sample_wrap {
	BPFHOST_CTX_HEADER_MEMBER;
	struct bpfhost_sample_ctx ctx; /* what programs see */
	uint64_t secret;	       /* private: read by bpfhost_sample_get_secret */
	uint8_t *buf;		       /* test runs: the packet copy */
};
BPFHOST_CTX_CHECK_LAYOUT(struct sample_wrap, ctx);

static struct sample_wrap *wrap_of(void *ctx)
{
	return (struct sample_wrap *)((char *)ctx - offsetof(struct sample_wrap, ctx));
}

static uint64_t get_secret(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			   void *ctx)
{
	return wrap_of(ctx)->secret;
}

static int ctx_create(struct bpfhost_prog_type *type, const struct bpfhost_test_ctx *in, void **out)
{
	struct sample_wrap *w;
	struct bpfhost_sample_ctx cin = { 0 };
	uint64_t secret = 0;
	int err;

	if (in->version != BPFHOST_TEST_CTX_VERSION || in->size < BPFHOST_TEST_CTX_V1_SIZE)
		return -EPROTO;
	if (in->ctx_size_in) {
		if (in->ctx_size_in != sizeof(cin))
			return -EINVAL;
		memcpy(&cin, in->ctx_in, sizeof(cin));
		if (cin.data || cin.data_end || (cin.len && cin.len != in->data_size_in))
			return -EINVAL; /* only mark can be set */
	}
	if (in->priv_size_in) {
		struct bpfhost_sample_test_priv p = { 0 };

		if (in->priv_size_in < 8)
			return -EINVAL;
		memcpy(&p, in->priv_in,
		       in->priv_size_in < sizeof(p) ? in->priv_size_in : sizeof(p));
		if (p.version != BPFHOST_SAMPLE_TEST_PRIV_VERSION || p.size < sizeof(p))
			return -EPROTO;
		secret = p.secret;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->buf = malloc(in->data_size_in ? in->data_size_in : 1);
	if (!w->buf) {
		free(w);
		return -ENOMEM;
	}
	if (in->data_size_in)
		memcpy(w->buf, in->data_in, in->data_size_in);
	err = bpfhost_ctx_init(&w->bpfhost_hdr, type, 0);
	if (err) {
		free(w->buf);
		free(w);
		return err;
	}
	w->ctx.data = (uint64_t)(uintptr_t)w->buf;
	w->ctx.data_end = (uint64_t)(uintptr_t)(w->buf + in->data_size_in);
	w->ctx.len = in->data_size_in;
	w->ctx.mark = cin.mark;
	w->secret = secret;
	*out = &w->ctx;
	return 0;
}

static void ctx_destroy(struct bpfhost_prog_type *type, void *ctx, struct bpfhost_test_ctx *out)
{
	struct sample_wrap *w = wrap_of(ctx);
	struct bpfhost_sample_ctx cout = w->ctx;
	uint32_t n;

	if (out->data_out) {
		n = w->ctx.len < out->data_size_out ? w->ctx.len : out->data_size_out;
		memcpy(out->data_out, w->buf, n);
	}
	out->data_size_out = w->ctx.len;
	if (out->ctx_out) {
		cout.data = cout.data_end = 0; /* pointers mean nothing to the caller */
		n = sizeof(cout) < out->ctx_size_out ? sizeof(cout) : out->ctx_size_out;
		memcpy(out->ctx_out, &cout, n);
	}
	out->ctx_size_out = sizeof(cout);
	free(w->buf);
	free(w);
}

static const struct bpfhost_ctx_range writable[] = {
	{ offsetof(struct bpfhost_sample_ctx, mark), sizeof(uint32_t) },
};

static const struct bpfhost_ctx_desc ctx_desc = {
	.version = BPFHOST_CTX_DESC_VERSION,
	.size = sizeof(struct bpfhost_ctx_desc),
	.ctx_size = sizeof(struct bpfhost_sample_ctx),
	.data_off = offsetof(struct bpfhost_sample_ctx, data),
	.data_end_off = offsetof(struct bpfhost_sample_ctx, data_end),
	.data_meta_off = -1,
	.writable = writable,
	.nr_writable = 1,
};

static const struct bpfhost_helper_proto helpers[] = {
	{
		.version = BPFHOST_HELPER_PROTO_VERSION,
		.size = sizeof(struct bpfhost_helper_proto),
		.id = BPFHOST_SAMPLE_HELPER_GET_SECRET,
		.flags = BPFHOST_HELPER_F_IMPLICIT_CTX,
		.name = "bpfhost_sample_get_secret",
		.fn = get_secret,
		.ret = BPFHOST_RET_INTEGER,
	},
};

static const char *const prefixes[] = { "sample", NULL };

static const struct bpfhost_prog_type_desc prog_type = {
	.version = BPFHOST_PROG_TYPE_DESC_VERSION,
	.size = sizeof(struct bpfhost_prog_type_desc),
	.name = BPFHOST_SAMPLE_PROG_TYPE,
	.section_prefixes = prefixes,
	.ctx_desc = &ctx_desc,
	.helpers = helpers,
	.nr_helpers = sizeof(helpers) / sizeof(helpers[0]),
	.capabilities = BPFHOST_CAP_CONTEXT_HEADER,
	.ret_min = 1,
	.ret_max = 0, /* unrestricted */
	.ctx_create = ctx_create,
	.ctx_destroy = ctx_destroy,
};

static const struct bpfhost_hook_desc hook = {
	.version = BPFHOST_HOOK_DESC_VERSION,
	.size = sizeof(struct bpfhost_hook_desc),
	.name = BPFHOST_SAMPLE_HOOK,
	.prog_type = BPFHOST_SAMPLE_PROG_TYPE,
	.verdict_rule = BPFHOST_VERDICT_UNTIL_NOT_PASS,
	.pass_value = BPFHOST_SAMPLE_CONTINUE,
	.capabilities = BPFHOST_CAP_CONTEXT_HEADER,
};

static const struct bpfhost_prog_type_desc *const prog_types[] = { &prog_type };
static const struct bpfhost_hook_desc *const hooks[] = { &hook };

static const struct bpfhost_extension_desc extension = {
	.version = BPFHOST_EXTENSION_DESC_VERSION,
	.size = sizeof(struct bpfhost_extension_desc),
	.name = "sample",
	.prog_types = prog_types,
	.nr_prog_types = 1,
	.nr_hooks = 1,
	.hooks = hooks,
};

const struct bpfhost_extension_desc *bpfhost_sample_extension(void)
{
	return &extension;
}

int bpfhost_sample_invoke(struct bpfhost_extension *ext, void *data, uint32_t len, uint64_t secret,
			  uint64_t *verdict, uint32_t *mark)
{
	struct bpfhost_prog_type *type = bpfhost_extension__prog_type(ext, "sample");
	struct bpfhost_hook *h = bpfhost_extension__hook(ext, BPFHOST_SAMPLE_HOOK);
	struct sample_wrap w;
	int err;

	if (!type || !h)
		return -ENOENT;
	err = bpfhost_ctx_init(&w.bpfhost_hdr, type, 0);
	if (err)
		return err;
	w.ctx.data = (uint64_t)(uintptr_t)data;
	w.ctx.data_end = (uint64_t)(uintptr_t)((char *)data + len);
	w.ctx.len = len;
	w.ctx.mark = 0;
	w.secret = secret;
	w.buf = NULL;
	err = bpfhost_hook_invoke(h, &w.ctx, verdict);
	if (mark)
		*mark = w.ctx.mark;
	return err;
}
