/* SPDX-License-Identifier: MIT */
/*
 * The reason channel of test runs (struct bpfhost_test_ctx log_buf): a
 * line a program type's ctx_create writes ends the runtime's failure
 * message, ctx_destroy's becomes a note; trailing newlines are cut, an
 * unterminated buffer is cut at its size, nothing written leaves the plain
 * message. The net extension writes its refusals there and still accepts
 * a test context of the v1 size (no log fields), writing nothing then.
 */
#include "../net/net_testutil.h"

static char create_reason[512];
static int create_err;
static char destroy_reason[64];
static uint32_t seen_log_size;
static int seen_has_log;

static int log_ctx_create(struct bpfhost_prog_type *type, const struct bpfhost_test_ctx *in,
			  void **ctx)
{
	seen_has_log = BPFHOST_TEST_CTX_HAS_LOG(in);
	seen_log_size = seen_has_log ? in->log_size : 0;
	if (create_err) {
		if (seen_has_log && in->log_buf && create_reason[0]) {
			/* deliberately without a terminator when it does not fit */
			size_t n = strlen(create_reason);

			memcpy(in->log_buf, create_reason, n < in->log_size ? n + 1 : in->log_size);
		}
		return create_err;
	}
	*ctx = bpfhost_ctx_alloc(type, 0, 0);
	return *ctx ? 0 : -ENOMEM;
}

static void log_ctx_destroy(struct bpfhost_prog_type *type, void *ctx, struct bpfhost_test_ctx *out)
{
	if (BPFHOST_TEST_CTX_HAS_LOG(out) && out->log_buf && destroy_reason[0])
		snprintf(out->log_buf, out->log_size, "%s", destroy_reason);
	out->data_size_out = 0;
	out->ctx_size_out = 0;
	bpfhost_ctx_free(ctx);
}

static struct text log_ext;

static struct bpfhost *log_setup(int *prog)
{
	struct bpfhost *rt = rt_new();
	char log[1024];

	text_init(&log_ext, "logext");
	log_ext.type.ctx_create = log_ctx_create;
	log_ext.type.ctx_destroy = log_ctx_destroy;
	CHECK_MSG(bpfhost_extension__register(rt, &log_ext.ext), "register: %s", rt_msgs);
	*prog = rt_load(rt, "tprog", "lp", "mov %r0, 3\nexit\n", log, sizeof(log));
	CHECK_MSG(*prog > 0, "load: %s", log);
	return rt;
}

TEST(runtime_test_run_ctx_create_reason)
{
	BPFHOST_OPTS_INIT(bpfhost_test_run_opts, o);
	struct bpfhost *rt;
	int p;

	rt = log_setup(&p);
	/* the reason ends the message; its trailing newline is cut */
	create_err = -EINVAL;
	snprintf(create_reason, sizeof(create_reason), "mark must be below 10, not 12\n");
	rt_msgs_clear();
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), -EINVAL);
	CHECK(seen_has_log);
	CHECK(seen_log_size >= 128);
	CHECK_CONTAINS(rt_msgs, "test run of 'lp': ctx_create of type 'tprog' failed (-22): mark "
				"must be below 10, not 12\n");
	CHECK(!strstr(rt_msgs, "12\n\n"));
	/* nothing written: the message without a reason */
	create_reason[0] = '\0';
	create_err = -ENOTSUP;
	rt_msgs_clear();
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), -ENOTSUP);
	CHECK_CONTAINS(rt_msgs, "ctx_create of type 'tprog' failed (-95)\n");
	/* a reason that fills the buffer without a terminator: cut, still one line */
	memset(create_reason, 'x', sizeof(create_reason) - 1);
	create_reason[sizeof(create_reason) - 1] = '\0';
	create_err = -EINVAL;
	rt_msgs_clear();
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "failed (-22): xxxx");
	CHECK(strlen(rt_msgs) < 100 + seen_log_size);
	CHECK_EQ(rt_msgs[strlen(rt_msgs) - 1], '\n');
	/* a reason from ctx_destroy is a note of its own; the run succeeds */
	create_err = 0;
	create_reason[0] = '\0';
	snprintf(destroy_reason, sizeof(destroy_reason), "output clipped");
	rt_msgs_clear();
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), 0);
	CHECK_U64(o.retval, 3);
	CHECK_CONTAINS(rt_msgs, "test run of 'lp': ctx_destroy of type 'tprog': output clipped\n");
	destroy_reason[0] = '\0';
	rt_msgs_clear();
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), 0);
	CHECK_STR(rt_msgs, "");
	bpfhost__free(rt);
}

TEST(ext_net_test_run_reason_in_message)
{
	uint8_t in[3] = { 1, 2, 3 };
	BPFHOST_OPTS_INIT(bpfhost_test_run_opts, o, .data_in = in, .data_size_in = sizeof(in));
	struct bpfhost_extension *ext = NULL;
	struct bpfhost *rt;
	char log[1024];
	int p;

	NEED_NET();
	rt = net_rt(&ext);
	if (!rt)
		return;
	p = net_load(rt, "ethertype", net_prog_ethertype, log, sizeof(log));
	CHECK_MSG(p > 0, "load: %s", log);
	rt_msgs_clear();
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "test run of 'ethertype': ctx_create of type 'xdp' failed (-22): "
				"xdp test run: data_in has 3 bytes, at least 14");
	/* the extension's own channel still has it */
	CHECK_CONTAINS(bpfhost_net_last_error(), "data_in has 3 bytes");
	o.flags = 2;
	rt_msgs_clear();
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), -EOPNOTSUPP);
	CHECK_CONTAINS(rt_msgs, "failed (-95): xdp test run: live frames");
	bpfhost__free(rt);
}

TEST(ext_net_test_ctx_v1_size_accepted)
{
	const struct bpfhost_extension_desc *d;
	const struct bpfhost_prog_type_desc *td;
	struct bpfhost_extension *ext = NULL;
	struct bpfhost_prog_type *type;
	struct bpfhost_test_ctx tc;
	uint8_t pkt[64];
	char buf[32] = "untouched";
	struct bpfhost *rt;
	void *ctx = NULL;

	NEED_NET();
	rt = net_rt(&ext);
	if (!rt)
		return;
	d = bpfhost_net_extension();
	td = d->prog_types[0];
	type = bpfhost_extension__prog_type(ext, BPFHOST_NET_PROG_TYPE_XDP);
	CHECK(type != NULL);
	net_eth(pkt, sizeof(pkt), 0x0800);
	/* a runtime built before log_buf existed: the v1 size */
	memset(&tc, 0, sizeof(tc));
	tc.version = BPFHOST_TEST_CTX_VERSION;
	tc.size = BPFHOST_TEST_CTX_V1_SIZE;
	tc.data_in = pkt;
	tc.data_size_in = sizeof(pkt);
	CHECK(!BPFHOST_TEST_CTX_HAS_LOG(&tc));
	CHECK_EQ(td->ctx_create(type, &tc, &ctx), 0);
	CHECK(ctx != NULL);
	if (ctx)
		td->ctx_destroy(type, ctx, &tc);
	CHECK_EQ(tc.data_size_out, sizeof(pkt));
	/* a refusal at the v1 size writes no reason beyond the struct */
	tc.log_buf = buf; /* beyond size: must not be used */
	tc.log_size = sizeof(buf);
	tc.data_size_in = 3;
	CHECK_EQ(td->ctx_create(type, &tc, &ctx), -EINVAL);
	CHECK_STR(buf, "untouched");
	/* at the full size it is written */
	tc.size = sizeof(tc);
	CHECK_EQ(td->ctx_create(type, &tc, &ctx), -EINVAL);
	CHECK_CONTAINS(buf, "xdp test run: data_in has 3");
	/* below the v1 size: refused */
	tc.size = BPFHOST_TEST_CTX_V1_SIZE - 8;
	CHECK_EQ(td->ctx_create(type, &tc, &ctx), -EPROTO);
	bpfhost__free(rt);
}
