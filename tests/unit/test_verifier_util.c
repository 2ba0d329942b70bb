/* SPDX-License-Identifier: MIT */
/* Test program types, maps and helpers for the verifier tests (see the header). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/helpers.h"
#include "runtime/runtime.h"
#include "test_verifier_util.h"

static const struct bpfhost_ctx_range ctx_writable[] = { { 16, 8 } };
static const struct bpfhost_ctx_desc ctx_desc = {
	.version = BPFHOST_CTX_DESC_VERSION,
	.size = sizeof(struct bpfhost_ctx_desc),
	.ctx_size = 32,
	.data_off = -1,
	.data_end_off = -1,
	.data_meta_off = -1,
	.writable = ctx_writable,
	.nr_writable = 1,
};

static const struct bpfhost_ctx_range xdp_writable[] = { { 32, 4 } };
static const struct bpfhost_ctx_desc xdp_desc = {
	.version = BPFHOST_CTX_DESC_VERSION,
	.size = sizeof(struct bpfhost_ctx_desc),
	.ctx_size = 40,
	.data_off = 0,
	.data_end_off = 8,
	.data_meta_off = 16,
	.writable = xdp_writable,
	.nr_writable = 1,
};

static const struct bpfhost_ctx_view_field xdp_md_view[] = {
	{ 0, 4, 0, 8 },	  /* data */
	{ 4, 4, 8, 8 },	  /* data_end */
	{ 8, 4, 16, 8 },  /* data_meta */
	{ 12, 4, 24, 4 }, /* ingress_ifindex */
	{ 16, 4, 28, 4 }, /* rx_queue_index */
};
static const struct bpfhost_ctx_desc xdp_md_desc = {
	.version = BPFHOST_CTX_DESC_VERSION,
	.size = sizeof(struct bpfhost_ctx_desc),
	.ctx_size = 40,
	.data_off = 0,
	.data_end_off = 8,
	.data_meta_off = 16,
	.writable = xdp_writable,
	.nr_writable = 1,
	.linux_ctx_size = 24,
	.view = xdp_md_view,
	.nr_view_fields = 5,
};

static const char rodata[16] = "hello\0pad";

static const struct bh_map_def maps[] = {
	[1] = { BPFHOST_MAP_TYPE_HASH, 4, 8, 16, 0, "hash" },
	[2] = { BPFHOST_MAP_TYPE_ARRAY, 4, 16, 4, 0, "arr" },
	[3] = { BPFHOST_MAP_TYPE_RINGBUF, 0, 0, 4096, 0, "rb" },
	[4] = { BPFHOST_MAP_TYPE_ARRAY, 4, 16, 1, BPFHOST_F_RDONLY_PROG, ".rodata" },
	[5] = { BPFHOST_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0, "jmp" },
	[6] = { BPFHOST_MAP_TYPE_QUEUE, 0, 8, 16, 0, "q" },
	[7] = { BPFHOST_MAP_TYPE_ARRAY, 4, 32, 1, 0, "glob" },
	[8] = { BPFHOST_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, 0, "outer" },
};

const struct bpfhost_ctx_desc *vt_ctx_desc(const char *type)
{
	if (!strcmp(type, "ctx") || !strcmp(type, "ret01"))
		return &ctx_desc;
	if (!strcmp(type, "xdp"))
		return &xdp_desc;
	if (!strcmp(type, "xdp_md"))
		return &xdp_md_desc;
	return NULL;
}

const struct bh_map_def *vt_map(int fd)
{
	if (fd <= 0 || (size_t)fd >= sizeof(maps) / sizeof(maps[0]))
		return NULL;
	return &maps[fd];
}

const char *vt_rodata(void)
{
	return rodata;
}

static uint64_t identity(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, void *ctx)
{
	return r1;
}

static const struct bpfhost_helper_proto identity_proto = {
	.version = BPFHOST_HELPER_PROTO_VERSION,
	.size = sizeof(struct bpfhost_helper_proto),
	.id = 5,
	.name = "identity",
	.fn = identity,
	.ret = BPFHOST_RET_INTEGER,
	.args = { BPFHOST_ARG_ANYTHING },
};

/*
 * The "xdp" types also offer packet-changing helpers with the ids and
 * prototypes of Linux's bpf_xdp_adjust_head/tail. Only the prototypes
 * matter here: the verifier never calls a helper, and the soundness fuzzer
 * runs its own functions for these ids.
 */
static uint64_t no_call(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, void *ctx)
{
	return (uint64_t)-ENOTSUP;
}

#define ADJUST_PROTO(ID, NAME)                                                         \
	{                                                                              \
		.version = BPFHOST_HELPER_PROTO_VERSION,                               \
		.size = sizeof(struct bpfhost_helper_proto), .id = (ID), .name = NAME, \
		.fn = no_call, .ret = BPFHOST_RET_INTEGER,                             \
		.flags = BPFHOST_HELPER_F_CHANGES_PKT_DATA,                            \
		.args = { BPFHOST_ARG_PTR_TO_CTX, BPFHOST_ARG_ANYTHING },              \
	}
static const struct bpfhost_helper_proto adjust_head_proto =
	ADJUST_PROTO(44, "bpf_xdp_adjust_head");
static const struct bpfhost_helper_proto adjust_tail_proto =
	ADJUST_PROTO(65, "bpf_xdp_adjust_tail");

uint32_t vt_budget;

struct vt_cookie {
	const struct bpfhost_insn *insns;
	bool conformance;
	bool packet; /* the type has packet data: the adjust helpers */
};

static const struct bpfhost_helper_proto *find_helper(void *cookie, uint32_t id)
{
	const struct vt_cookie *c = cookie;

	if (c->conformance)
		return id == 5 ? &identity_proto : NULL;
	if (id == 12)
		return &bh_tail_call_proto;
	if (c->packet && id == 44)
		return &adjust_head_proto;
	if (c->packet && id == 65)
		return &adjust_tail_proto;
	return bh_core_helper_find(id);
}

static bool map_def(void *cookie, size_t idx, struct bh_verifier_map *out)
{
	const struct vt_cookie *c = cookie;
	int32_t fd = c->insns[idx].imm;

	if (fd <= 0 || (size_t)fd >= sizeof(maps) / sizeof(maps[0]))
		return false;
	out->def = &maps[fd];
	out->rodata = fd == 4 ? rodata : NULL;
	out->inner = fd == 8 ? &maps[1] : NULL; /* inner maps are like "hash" */
	return true;
}

static const char *source_line(void *cookie, size_t idx)
{
	(void)cookie;
	return idx == 0 ? "int prog(void *ctx) {" : NULL;
}

static const struct vt_maps *custom_maps;

static bool custom_map_def(void *cookie, size_t idx, struct bh_verifier_map *out)
{
	(void)cookie;
	return custom_maps->map_def(custom_maps->cookie, idx, out);
}

static const char *custom_source_line(void *cookie, size_t idx)
{
	(void)cookie;
	return custom_maps->source_line ? custom_maps->source_line(custom_maps->cookie, idx) : NULL;
}

int vt_verify_with(const struct bpfhost_insn *insns, size_t cnt, const char *type,
		   const struct vt_maps *m, struct vt_run *run)
{
	int err;

	custom_maps = m;
	err = vt_verify_insns(insns, cnt, type, 0, run);
	custom_maps = NULL;
	return err;
}

int vt_verify_insns(const struct bpfhost_insn *insns, size_t cnt, const char *type,
		    unsigned log_level, struct vt_run *run)
{
	struct bh_verifier_input in;
	struct vt_cookie c = { insns, false, false };
	struct bh_log log = BH_LOG_INIT;

	memset(run, 0, sizeof(*run));
	memset(&in, 0, sizeof(in));
	in.insns = insns;
	in.insn_cnt = cnt;
	in.ret_min = 1;
	in.ret_max = 0;
	in.find_helper = find_helper;
	in.map_def = custom_maps ? custom_map_def : map_def;
	in.source_line = custom_maps ? custom_source_line : source_line;
	in.cookie = &c;
	in.log_level = log_level;
	in.insn_budget = vt_budget;
	if (!strcmp(type, "ctx")) {
		in.ctx = &ctx_desc;
	} else if (!strcmp(type, "ret01")) {
		in.ctx = &ctx_desc;
		in.ret_min = 0;
		in.ret_max = 1;
	} else if (!strcmp(type, "xdp")) {
		c.packet = true;
		in.ctx = &xdp_desc;
		in.ret_min = 0;
		in.ret_max = 4;
	} else if (!strcmp(type, "xdp_md")) {
		c.packet = true;
		in.ctx = &xdp_md_desc;
		in.ret_min = 0;
		in.ret_max = 4;
	} else if (!strncmp(type, "mem:", 4)) {
		c.conformance = true;
		in.entry[0].kind = BH_VENTRY_MEM;
		in.entry[0].value = strtoull(type + 4, NULL, 0);
		in.entry[1].kind = BH_VENTRY_SCALAR;
		in.entry[1].value = in.entry[0].value;
	} else if (!strcmp(type, "none")) {
		c.conformance = true;
		in.entry[0].kind = BH_VENTRY_SCALAR;
		in.entry[1].kind = BH_VENTRY_SCALAR;
	} else {
		snprintf(run->log, sizeof(run->log), "unknown test type '%s'", type);
		run->err = -EINVAL;
		return run->err;
	}
	run->err = bh_verify(&in, &run->res, &log);
	bh_log_finish(&log, run->log, sizeof(run->log), NULL, BPFHOST_WARN);
	return run->err;
}

int vt_verify_asm(const char *text, const char *type, struct vt_run *run)
{
	BPFHOST_OPTS_INIT(bpfhost_asm_opts, opts, .filename = "test.s", .log_buf = run->log,
			  .log_size = sizeof(run->log));
	struct bpfhost_insn *insns = NULL;
	size_t cnt = 0;
	int err;

	memset(run, 0, sizeof(*run));
	err = bpfhost_asm(text, strlen(text), &insns, &cnt, &opts);
	if (err) {
		run->err = err;
		run->res.rule = BH_VR__COUNT; /* marks "did not assemble" */
		return err;
	}
	err = vt_verify_insns(insns, cnt, type, 0, run);
	bpfhost_insns_free(insns);
	return err;
}

void vt_run_free(struct vt_run *run)
{
	free(run->res.insns);
	run->res.insns = NULL;
}
