/* SPDX-License-Identifier: MIT */
/*
 * The net extension: registration (program type and hook accepted with the
 * context-header capability, what the runtime reports about them), the
 * context layout and its Linux view, and test runs with data/ctx in and out
 * following Linux's BPF_PROG_TEST_RUN for XDP, including every refusal.
 */
#include <stddef.h>

#include "../net/net_testutil.h"
#include "runtime/feature.h"

/* The layouts programs and test-run callers depend on. */
_Static_assert(sizeof(struct bpfhost_net_xdp_ctx) == 40, "xdp ctx size");
_Static_assert(offsetof(struct bpfhost_net_xdp_ctx, data) == 0, "data");
_Static_assert(offsetof(struct bpfhost_net_xdp_ctx, data_end) == 8, "data_end");
_Static_assert(offsetof(struct bpfhost_net_xdp_ctx, data_meta) == 16, "data_meta");
_Static_assert(offsetof(struct bpfhost_net_xdp_ctx, ingress_ifindex) == 24, "ingress_ifindex");
_Static_assert(offsetof(struct bpfhost_net_xdp_ctx, rx_queue_index) == 28, "rx_queue_index");
_Static_assert(offsetof(struct bpfhost_net_xdp_ctx, egress_ifindex) == 32, "egress_ifindex");
_Static_assert(sizeof(struct bpfhost_net_xdp_md) == 24, "struct xdp_md size");
_Static_assert(offsetof(struct bpfhost_net_xdp_md, data_end) == 4, "xdp_md.data_end");
_Static_assert(offsetof(struct bpfhost_net_xdp_md, data_meta) == 8, "xdp_md.data_meta");
_Static_assert(offsetof(struct bpfhost_net_xdp_md, ingress_ifindex) == 12, "xdp_md.ingress");
_Static_assert(offsetof(struct bpfhost_net_xdp_md, rx_queue_index) == 16, "xdp_md.rxq");
_Static_assert(offsetof(struct bpfhost_net_xdp_md, egress_ifindex) == 20, "xdp_md.egress");
_Static_assert(BPFHOST_NET_XDP_MAX_DATA == 3520, "Linux's linear XDP test-run data");

struct seen {
	int types, hooks;
	struct bpfhost_prog_type_desc type;
	struct bpfhost_ctx_desc cd;
	struct bpfhost_ctx_view_field view[8];
	struct bpfhost_helper_proto helpers[4];
	char prefix[16];
	struct bpfhost_hook_desc hook;
	char hook_type[16];
};

static int on_type(const char *ext_name, const struct bpfhost_prog_type_desc *d, void *ctx)
{
	struct seen *s = ctx;
	uint32_t i;

	if (strcmp(ext_name, "net") || strcmp(d->name, "xdp"))
		return 0;
	s->types++;
	s->type = *d;
	s->cd = *d->ctx_desc;
	for (i = 0; i < d->ctx_desc->nr_view_fields && i < 8; i++)
		s->view[i] = d->ctx_desc->view[i];
	for (i = 0; i < d->nr_helpers && i < 4; i++)
		s->helpers[i] = d->helpers[i];
	snprintf(s->prefix, sizeof(s->prefix), "%s",
		 d->section_prefixes && d->section_prefixes[0] ? d->section_prefixes[0] : "");
	return 0;
}

static int on_hook(const char *ext_name, const struct bpfhost_hook_desc *d, void *ctx)
{
	struct seen *s = ctx;

	if (strcmp(ext_name, "net") || strcmp(d->name, "xdp"))
		return 0;
	s->hooks++;
	s->hook = *d;
	snprintf(s->hook_type, sizeof(s->hook_type), "%s", d->prog_type);
	return 0;
}

TEST(ext_net_register)
{
	struct bpfhost_extension *ext = NULL;
	struct bpfhost *rt;
	struct seen s;
	static const uint32_t view_real[6][2] = { { 0, 8 },  { 8, 8 },	{ 16, 8 },
						  { 24, 4 }, { 28, 4 }, { 32, 4 } };
	uint32_t i;

	NEED_NET();
	rt = net_rt(&ext);
	CHECK(rt != NULL);
	if (!rt)
		return;
	CHECK(bpfhost_extension__prog_type(ext, "xdp") != NULL);
	CHECK(bpfhost_extension__hook(ext, "xdp") != NULL);
	CHECK(bpfhost_hook__find(rt, "xdp") == bpfhost_extension__hook(ext, "xdp"));

	memset(&s, 0, sizeof(s));
	CHECK_EQ(bpfhost__for_each_prog_type(rt, on_type, &s), 0);
	CHECK_EQ(bpfhost__for_each_hook(rt, on_hook, &s), 0);
	CHECK_EQ(s.types, 1);
	CHECK_EQ(s.hooks, 1);
	CHECK_U64(s.type.capabilities & BPFHOST_CAP_CONTEXT_HEADER, BPFHOST_CAP_CONTEXT_HEADER);
	CHECK_U64(s.hook.capabilities & BPFHOST_CAP_CONTEXT_HEADER, BPFHOST_CAP_CONTEXT_HEADER);
	CHECK_EQ(s.type.linux_prog_type, 6);
	CHECK_STR(s.prefix, "xdp");
	CHECK_EQ(s.type.ret_min, 0);
	CHECK_EQ(s.type.ret_max, 4);
	CHECK(s.type.ctx_create != NULL && s.type.ctx_destroy != NULL);

	/* the real context and its struct xdp_md view */
	CHECK_EQ(s.cd.ctx_size, 40);
	CHECK_EQ(s.cd.data_off, 0);
	CHECK_EQ(s.cd.data_end_off, 8);
	CHECK_EQ(s.cd.data_meta_off, 16);
	CHECK_EQ(s.cd.nr_writable, 0);
	CHECK_EQ(s.cd.linux_ctx_size, 24);
	CHECK_EQ(s.cd.nr_view_fields, 6);
	for (i = 0; i < 6; i++) {
		CHECK_EQ(s.view[i].linux_off, 4 * i);
		CHECK_EQ(s.view[i].linux_size, 4);
		CHECK_EQ(s.view[i].real_off, view_real[i][0]);
		CHECK_EQ(s.view[i].real_size, view_real[i][1]);
	}

	/* helpers: Linux ids, the context as first argument */
	CHECK_EQ(s.type.nr_helpers, 3);
	CHECK_EQ(s.helpers[0].id, 44);
	CHECK_STR(s.helpers[0].name, "bpf_xdp_adjust_head");
	CHECK_EQ(s.helpers[1].id, 54);
	CHECK_STR(s.helpers[1].name, "bpf_xdp_adjust_meta");
	CHECK_EQ(s.helpers[2].id, 65);
	CHECK_STR(s.helpers[2].name, "bpf_xdp_adjust_tail");
	for (i = 0; i < 3; i++) {
		CHECK_EQ(s.helpers[i].args[0], BPFHOST_ARG_PTR_TO_CTX);
		CHECK_EQ(s.helpers[i].args[1], BPFHOST_ARG_ANYTHING);
		CHECK_EQ(s.helpers[i].args[2], BPFHOST_ARG_NONE);
		CHECK_EQ(s.helpers[i].ret, BPFHOST_RET_INTEGER);
	}

	/* the hook: XDP chain semantics */
	CHECK_STR(s.hook_type, "xdp");
	CHECK_EQ(s.hook.verdict_rule, BPFHOST_VERDICT_UNTIL_NOT_PASS);
	CHECK_U64(s.hook.pass_value, 2);
	CHECK_EQ(s.hook.linux_attach_type, 37);

	/* the same extension twice is refused by name */
	errno = 0;
	CHECK(bpfhost_extension__register(rt, bpfhost_net_extension()) == NULL);
	CHECK_EQ(errno, EEXIST);
	bpfhost__free(rt);
}

TEST(ext_net_view_mode_known)
{
	struct bpfhost *rt;
	int mode;

	NEED_NET();
	rt = net_rt(NULL);
	if (!rt)
		return;
	mode = net_view_mode(rt);
	CHECK_MSG(mode == 0 || mode == 1, "the view probe failed: %s", rt_msgs);
	printf("  xdp programs load %s\n",
	       mode == 1 ? "through the struct xdp_md view (verifier rewriting)"
			 : "against the real context (no view rewriting at load yet)");
	bpfhost__free(rt);
}

TEST(ext_net_test_run_data_and_ctx)
{
	struct bpfhost *rt;
	uint8_t in[60], out[128];
	struct bpfhost_net_xdp_md md_out;
	BPFHOST_OPTS_INIT(bpfhost_test_run_opts, o, .data_in = in, .data_size_in = sizeof(in),
			  .data_out = out, .data_size_out = sizeof(out), .ctx_out = &md_out,
			  .ctx_size_out = sizeof(md_out));
	char log[1024];
	static const struct {
		uint16_t type;
		uint64_t verdict;
	} cases[] = { { 0x0800, 2 }, { 0x0806, 3 }, { 0x86dd, 1 }, { 0x1234, 0 } };
	size_t i;
	int p;

	NEED_NET();
	rt = net_rt(NULL);
	if (!rt)
		return;
	p = net_load(rt, "ethertype", net_prog_ethertype, log, sizeof(log));
	CHECK_MSG(p > 0, "load: %d %s", p, log);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		net_eth(in, sizeof(in), cases[i].type);
		memset(out, 0xee, sizeof(out));
		memset(&md_out, 0xee, sizeof(md_out));
		o.data_size_out = sizeof(out);
		o.ctx_size_out = sizeof(md_out);
		CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), 0);
		CHECK_U64(o.retval, cases[i].verdict);
		CHECK_EQ(o.data_size_out, sizeof(in));
		CHECK(!memcmp(out, in, sizeof(in)));
		CHECK_EQ(o.ctx_size_out, sizeof(md_out));
		CHECK_EQ(md_out.data, 0);
		CHECK_EQ(md_out.data_end, sizeof(in));
		CHECK_EQ(md_out.data_meta, 0);
		CHECK_EQ(md_out.ingress_ifindex, 0);
		CHECK_EQ(md_out.rx_queue_index, 0);
		CHECK_EQ(md_out.egress_ifindex, 0);
	}

	/* exactly an Ethernet header: the shortest packet a test run takes */
	net_eth(in, 14, 0x0800);
	o.data_size_in = 14;
	o.data_size_out = sizeof(out);
	o.ctx_size_out = sizeof(md_out);
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), 0);
	CHECK_U64(o.retval, 2);
	CHECK_EQ(o.data_size_out, 14);
	bpfhost__free(rt);
}

/*
 * PASS when ingress_ifindex == 7, rx_queue_index == 3, egress_ifindex == 0
 * and the metadata holds 8 bytes whose first is 0x5a; DROP otherwise.
 */
static const char *prog_md = "@ingress_ifindex %r2, %r1\n"
			     "@rx_queue_index %r3, %r1\n"
			     "@egress_ifindex %r4, %r1\n"
			     "@data_meta %r5, %r1\n"
			     "@data %r6, %r1\n"
			     "mov %r0, 1\n"
			     "jne %r2, 7, out\n"
			     "jne %r3, 3, out\n"
			     "jne %r4, 0, out\n"
			     "mov %r7, %r5\n"
			     "add %r7, 8\n"
			     "jgt %r7, %r6, out\n"
			     "jlt %r7, %r6, out\n"
			     "ldxb %r8, [%r5+0]\n"
			     "jne %r8, 0x5a, out\n"
			     "mov %r0, 2\n"
			     "out:\n"
			     "exit\n";

TEST(ext_net_test_run_ctx_in)
{
	struct bpfhost *rt;
	uint8_t in[8 + 40], out[64];
	struct bpfhost_net_xdp_md md = { .data = 8,
					 .data_end = sizeof(in),
					 .ingress_ifindex = 7,
					 .rx_queue_index = 3 },
				  md_out;
	uint8_t big_ctx[32] = { 0 };
	BPFHOST_OPTS_INIT(bpfhost_test_run_opts, o, .data_in = in, .data_size_in = sizeof(in),
			  .data_out = out, .data_size_out = sizeof(out), .ctx_in = &md,
			  .ctx_size_in = sizeof(md), .ctx_out = &md_out,
			  .ctx_size_out = sizeof(md_out));
	char log[1024];
	int p;

	NEED_NET();
	rt = net_rt(NULL);
	if (!rt)
		return;
	p = net_load(rt, "md", prog_md, log, sizeof(log));
	CHECK_MSG(p > 0, "load: %d %s", p, log);
	memset(in, 0, 8);
	in[0] = 0x5a;
	net_eth(in + 8, 40, 0x0800);
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), 0);
	CHECK_U64(o.retval, 2);
	/* data_out: metadata, then the packet; ctx_out relative to the metadata */
	CHECK_EQ(o.data_size_out, sizeof(in));
	CHECK(!memcmp(out, in, sizeof(in)));
	CHECK_EQ(md_out.data, 8);
	CHECK_EQ(md_out.data_end, sizeof(in));
	CHECK_EQ(md_out.data_meta, 0);
	CHECK_EQ(md_out.ingress_ifindex, 7);
	CHECK_EQ(md_out.rx_queue_index, 3);
	CHECK_EQ(md_out.egress_ifindex, 0);

	/* another queue: the program sees it */
	md.rx_queue_index = 4;
	o.data_size_out = sizeof(out);
	o.ctx_size_out = sizeof(md_out);
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), 0);
	CHECK_U64(o.retval, 1);

	/* a shorter ctx_in reads the missing fields as zero */
	md.rx_queue_index = 3;
	o.ctx_size_in = 12; /* data, data_end, data_meta: ifindex 0 */
	o.data_size_out = sizeof(out);
	o.ctx_size_out = sizeof(md_out);
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), 0);
	CHECK_U64(o.retval, 1);
	CHECK_EQ(md_out.ingress_ifindex, 0);
	CHECK_EQ(md_out.data, 8);

	/* a longer ctx_in whose extra bytes are zero is accepted */
	memcpy(big_ctx, &md, sizeof(md));
	o.ctx_in = big_ctx;
	o.ctx_size_in = sizeof(big_ctx);
	o.data_size_out = sizeof(out);
	o.ctx_size_out = sizeof(md_out);
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), 0);
	CHECK_U64(o.retval, 2);

	/* data = data_end = 0: the whole input is the packet (no metadata) */
	memset(&md, 0, sizeof(md));
	md.ingress_ifindex = 7;
	md.rx_queue_index = 3;
	o.ctx_in = &md;
	o.ctx_size_in = sizeof(md);
	o.data_size_out = sizeof(out);
	o.ctx_size_out = sizeof(md_out);
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), 0);
	CHECK_U64(o.retval, 1); /* no metadata: the program drops */
	CHECK_EQ(md_out.data, 0);
	CHECK_EQ(md_out.data_end, sizeof(in));
	bpfhost__free(rt);
}

struct refusal {
	const char *what;
	struct bpfhost_net_xdp_md md;
	uint32_t ctx_size;
	uint32_t data_size;
	uint32_t flags;
	int err;
	const char *msg;
};

TEST(ext_net_test_run_refusals)
{
	static uint8_t in[4000];
	static const struct refusal cases[] = {
		{ "short", { 0 }, 0, 13, 0, -EINVAL, "at least 14" },
		{ "empty", { 0 }, 0, 0, 0, -EINVAL, "at least 14" },
		{ "too big", { 0 }, 0, 3521, 0, -EOPNOTSUPP, "multi-buffer" },
		{ "data_meta",
		  { .data_meta = 4, .data_end = 60 },
		  24,
		  60,
		  0,
		  -EINVAL,
		  "data_meta must be 0" },
		{ "data_end", { .data_end = 59 }, 24, 60, 0, -EINVAL, "data_end 59 must be" },
		{ "data only", { .data = 4 }, 24, 60, 0, -EINVAL, "data_end 0 must be" },
		{ "data > end",
		  { .data = 64, .data_end = 60 },
		  24,
		  60,
		  0,
		  -EINVAL,
		  "metadata length" },
		{ "meta 6", { .data = 6, .data_end = 60 }, 24, 60, 0, -EINVAL, "multiple of 4" },
		{ "meta 256",
		  { .data = 256, .data_end = 300 },
		  24,
		  300,
		  0,
		  -EINVAL,
		  "at most 252" },
		{ "egress", { .egress_ifindex = 1 }, 24, 60, 0, -EINVAL, "egress_ifindex" },
		{ "rxq", { .rx_queue_index = 1 }, 24, 60, 0, -EINVAL, "needs an ingress_ifindex" },
		{ "live", { 0 }, 0, 60, 2, -EOPNOTSUPP, "live frames" },
		{ "flags", { 0 }, 0, 60, 1, -EINVAL, "unknown flags" },
	};
	struct bpfhost *rt;
	uint8_t big_ctx[28] = { 0 };
	uint64_t priv = 1;
	BPFHOST_OPTS_INIT(bpfhost_test_run_opts, o, .data_in = in);
	char log[1024];
	size_t i;
	int p;

	NEED_NET();
	rt = net_rt(NULL);
	if (!rt)
		return;
	p = net_load(rt, "ethertype", net_prog_ethertype, log, sizeof(log));
	CHECK_MSG(p > 0, "load: %d %s", p, log);
	net_eth(in, sizeof(in), 0x0800);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct refusal *c = &cases[i];
		int err;

		o.data_size_in = c->data_size;
		o.ctx_in = c->ctx_size ? &c->md : NULL;
		o.ctx_size_in = c->ctx_size;
		o.flags = c->flags;
		rt_msgs_clear();
		err = bpfhost_prog_test_run_opts(p, &o);
		CHECK_MSG(err == c->err, "%s: %d, expected %d", c->what, err, c->err);
		CHECK_MSG(strstr(bpfhost_net_last_error(), c->msg), "%s: message '%s' lacks '%s'",
			  c->what, bpfhost_net_last_error(), c->msg);
		CHECK_CONTAINS(rt_msgs, "ctx_create of type 'xdp' failed");
	}
	o.flags = 0;

	/* ctx_in longer than struct xdp_md with a non-zero extra byte: -E2BIG */
	big_ctx[26] = 1;
	o.data_size_in = 60;
	o.ctx_in = big_ctx;
	o.ctx_size_in = sizeof(big_ctx);
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), -E2BIG);
	CHECK_CONTAINS(bpfhost_net_last_error(), "ctx_in byte 26 is not zero");

	/* private test state is not part of xdp */
	o.ctx_in = NULL;
	o.ctx_size_in = 0;
	o.priv_in = &priv;
	o.priv_size_in = sizeof(priv);
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), -EINVAL);
	CHECK_CONTAINS(bpfhost_net_last_error(), "priv_in");
	o.priv_in = NULL;
	o.priv_size_in = 0;

	/* the largest linear packet is accepted */
	o.data_size_in = BPFHOST_NET_XDP_MAX_DATA;
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), 0);
	CHECK_U64(o.retval, 2);
	CHECK_STR(bpfhost_net_last_error(), "");
	bpfhost__free(rt);
}

TEST(ext_net_test_run_output_space)
{
	struct bpfhost *rt;
	uint8_t in[40], out[16];
	struct bpfhost_net_xdp_md md_out;
	BPFHOST_OPTS_INIT(bpfhost_test_run_opts, o, .data_in = in, .data_size_in = sizeof(in),
			  .data_out = out, .data_size_out = sizeof(out));
	char log[1024];
	int p;

	NEED_NET();
	rt = net_rt(NULL);
	if (!rt)
		return;
	p = net_load(rt, "ethertype", net_prog_ethertype, log, sizeof(log));
	CHECK_MSG(p > 0, "load: %d %s", p, log);
	net_eth(in, sizeof(in), 0x0806);
	/* data_out too small: -ENOSPC, the first bytes copied, the full size reported */
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), -ENOSPC);
	CHECK_EQ(o.data_size_out, sizeof(in));
	CHECK(!memcmp(out, in, sizeof(out)));

	/* ctx_out too small: -ENOSPC, 24 bytes needed */
	o.data_out = NULL;
	o.data_size_out = 0;
	o.ctx_out = &md_out;
	o.ctx_size_out = 8;
	memset(&md_out, 0xee, sizeof(md_out));
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), -ENOSPC);
	CHECK_EQ(o.ctx_size_out, sizeof(md_out));
	CHECK_EQ(md_out.data, 0);
	CHECK_EQ(md_out.data_end, sizeof(in));
	CHECK_EQ(md_out.data_meta, 0xeeeeeeee);

	/* no outputs at all (data_size_out holds the size reported before) */
	o.ctx_out = NULL;
	o.ctx_size_out = 0;
	o.data_size_out = 0;
	o.repeat = 3;
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), 0);
	CHECK_U64(o.retval, 3);
	bpfhost__free(rt);
}

/*
 * What the descriptor lets the verifier refuse (the view form, as programs
 * compiled for Linux are loaded): packet reads without a data_end check,
 * stores to the read-only context, fields beyond struct xdp_md, a return
 * value outside XDP_ABORTED..XDP_REDIRECT, and a helper argument that is
 * not the context.
 */
TEST(ext_net_verifier_refusals)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "@data %r2, %r1\nldxb %r0, [%r2+0]\nexit\n", "[pkt-bounds]" },
		{ "mov %r0, 2\nstw [%r1+12], 1\nexit\n", "[ctx-write]" },
		{ "ldxw %r0, [%r1+24]\nexit\n", "[ctx-bounds]" },
		{ "mov %r0, 5\nexit\n", "[return-range]" },
		{ "mov %r1, 0\nmov %r2, 4\ncall 44\nmov %r0, 2\nexit\n", "[helper-arg]" },
	};
	struct bpfhost *rt;
	size_t i;

	NEED_NET();
	rt = net_rt(NULL);
	if (!rt)
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int err = net_verify_view(rt, "bad", cases[i].text);

		CHECK_MSG(err == -EACCES, "case %zu: %d (%s)", i, err, net_verify_log);
		CHECK_CONTAINS(net_verify_log, cases[i].msg);
	}
	/* and the good forms of the same are accepted */
	CHECK_EQ(net_verify_view(rt, "good",
				 "@data %r2, %r1\n@data_end %r3, %r1\nmov %r0, 1\n"
				 "mov %r4, %r2\nadd %r4, 1\njgt %r4, %r3, out\n"
				 "ldxb %r0, [%r2+0]\nand %r0, 3\nout:\nexit\n"),
		 0);
	bpfhost__free(rt);
}

/* Without an ingress_ifindex, programs see Linux's default: loopback (1), queue 0. */
TEST(ext_net_test_run_default_ifindex)
{
	static const char *prog = "@ingress_ifindex %r2, %r1\n"
				  "@rx_queue_index %r3, %r1\n"
				  "mov %r0, 1\n"
				  "jne %r2, 1, out\n"
				  "jne %r3, 0, out\n"
				  "mov %r0, 2\n"
				  "out:\n"
				  "exit\n";
	struct bpfhost *rt;
	uint8_t in[20] = { 0 };
	struct bpfhost_net_xdp_md md_out;
	BPFHOST_OPTS_INIT(bpfhost_test_run_opts, o, .data_in = in, .data_size_in = sizeof(in),
			  .ctx_out = &md_out, .ctx_size_out = sizeof(md_out));
	char log[1024];
	int p;

	NEED_NET();
	rt = net_rt(NULL);
	if (!rt)
		return;
	p = net_load(rt, "lo", prog, log, sizeof(log));
	CHECK_MSG(p > 0, "load: %s", log);
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), 0);
	CHECK_U64(o.retval, 2);
	/* ctx_out returns the fields as given (Linux does the same) */
	CHECK_EQ(md_out.ingress_ifindex, 0);
	bpfhost__free(rt);
}
