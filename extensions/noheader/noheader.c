/* SPDX-License-Identifier: MIT */
/*
 * The "noheader" test extension (see noheader.h): what an extension looks
 * like that hands programs bare contexts. Its contexts would have no header
 * for helpers to find the descriptor or the invocation state in, so the
 * runtime refuses its program type and its hook at registration.
 */
#include <stddef.h>
#include <stdint.h>

#include "noheader.h"

struct noheader_ctx {
	uint32_t value;
	uint32_t pad;
};

static const struct bpfhost_ctx_desc ctx_desc = {
	.version = BPFHOST_CTX_DESC_VERSION,
	.size = sizeof(struct bpfhost_ctx_desc),
	.ctx_size = sizeof(struct noheader_ctx),
	.data_off = -1,
	.data_end_off = -1,
	.data_meta_off = -1,
};

static const struct bpfhost_prog_type_desc prog_type = {
	.version = BPFHOST_PROG_TYPE_DESC_VERSION,
	.size = sizeof(struct bpfhost_prog_type_desc),
	.name = "noheader",
	.ctx_desc = &ctx_desc,
	.capabilities = 0, /* no BPFHOST_CAP_CONTEXT_HEADER */
};

static const struct bpfhost_hook_desc hook = {
	.version = BPFHOST_HOOK_DESC_VERSION,
	.size = sizeof(struct bpfhost_hook_desc),
	.name = "noheader_hook",
	.prog_type = "noheader",
	.verdict_rule = BPFHOST_VERDICT_LAST,
	.capabilities = 0,
};

static const struct bpfhost_hook_desc sample_hook = {
	.version = BPFHOST_HOOK_DESC_VERSION,
	.size = sizeof(struct bpfhost_hook_desc),
	.name = "noheader_sample_hook",
	.prog_type = "sample",
	.verdict_rule = BPFHOST_VERDICT_LAST,
	.capabilities = 0,
};

static const struct bpfhost_prog_type_desc *const prog_types[] = { &prog_type };
static const struct bpfhost_hook_desc *const hooks[] = { &hook };
static const struct bpfhost_hook_desc *const sample_hooks[] = { &sample_hook };

static const struct bpfhost_extension_desc extension = {
	.version = BPFHOST_EXTENSION_DESC_VERSION,
	.size = sizeof(struct bpfhost_extension_desc),
	.name = "noheader",
	.prog_types = prog_types,
	.nr_prog_types = 1,
	.nr_hooks = 1,
	.hooks = hooks,
};

static const struct bpfhost_extension_desc hook_extension = {
	.version = BPFHOST_EXTENSION_DESC_VERSION,
	.size = sizeof(struct bpfhost_extension_desc),
	.name = "noheader_hook_only",
	.nr_hooks = 1,
	.hooks = sample_hooks,
};

const struct bpfhost_extension_desc *bpfhost_noheader_extension(void)
{
	return &extension;
}

const struct bpfhost_extension_desc *bpfhost_noheader_hook_extension(void)
{
	return &hook_extension;
}
