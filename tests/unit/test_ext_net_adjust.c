/* SPDX-License-Identifier: MIT */
/*
 * The XDP helpers on test-run frames (Linux's geometry: packet at 256 of a
 * 4096-byte frame, 40 bytes reserved at the front, 320 at the end):
 * bpf_xdp_adjust_head, bpf_xdp_adjust_meta and bpf_xdp_adjust_tail moving
 * the packet bounds, each bound hit exactly and one byte beyond (-EINVAL,
 * or -EACCES for a bad metadata length, like Linux), metadata moving along
 * with the packet start, zeroed growth, the int conversion of the delta,
 * packet reads after an adjustment, adjustments accumulating over repeated
 * runs, and the refusal of contexts the extension did not build.
 */
#include "../net/net_testutil.h"

#define HEAD BPFHOST_NET_HELPER_XDP_ADJUST_HEAD
#define META BPFHOST_NET_HELPER_XDP_ADJUST_META
#define TAIL BPFHOST_NET_HELPER_XDP_ADJUST_TAIL

/* Verdicts the programs map helper results to. */
#define V_OK 2	   /* every call returned 0 */
#define V_EINVAL 1 /* the last call returned -EINVAL */
#define V_EACCES 3 /* ... -EACCES */
#define V_OTHER 0

struct call {
	int helper;
	int64_t delta;
};

/*
 * A program making the calls in order (the context kept in r6), stopping
 * at the first that fails, and returning the verdict for its result.
 */
static int load_calls(struct bpfhost *rt, const struct call *calls, size_t n)
{
	char text[4096], log[1024] = "";
	size_t len = 0, i;
	int fd;

	len += (size_t)snprintf(text + len, sizeof(text) - len, "mov %%r6, %%r1\nmov %%r7, 0\n");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"mov %%r1, %%r6\n"
					"lddw %%r2, %lld\n"
					"call %d\n"
					"mov %%r7, %%r0\n"
					"jne %%r7, 0, map\n",
					(long long)calls[i].delta, calls[i].helper);
	snprintf(text + len, sizeof(text) - len,
		 "map:\n"
		 "mov %%r0, %d\n"
		 "jeq %%r7, 0, out\n"
		 "mov %%r0, %d\n"
		 "jeq %%r7, %d, out\n"
		 "mov %%r0, %d\n"
		 "jeq %%r7, %d, out\n"
		 "mov %%r0, %d\n"
		 "out:\n"
		 "exit\n",
		 V_OK, V_EINVAL, -EINVAL, V_EACCES, -EACCES, V_OTHER);
	fd = net_load(rt, "adjust", text, log, sizeof(log));
	CHECK_MSG(fd > 0, "load: %d %s", fd, log);
	return fd;
}

struct result {
	uint64_t verdict;
	uint8_t out[4096];
	uint32_t out_len;
	struct bpfhost_net_xdp_md md;
};

/* Test-run the calls on pkt (meta_len bytes of metadata first). */
static int run_calls(struct bpfhost *rt, const struct call *calls, size_t n, const uint8_t *pkt,
		     uint32_t len, uint32_t meta_len, int repeat, struct result *r)
{
	struct bpfhost_net_xdp_md md = { .data = meta_len, .data_end = len };
	BPFHOST_OPTS_INIT(bpfhost_test_run_opts, o, .data_in = pkt, .data_size_in = len,
			  .data_out = r->out, .data_size_out = sizeof(r->out), .ctx_in = &md,
			  .ctx_size_in = sizeof(md), .ctx_out = &r->md,
			  .ctx_size_out = sizeof(r->md), .repeat = repeat);
	int fd = load_calls(rt, calls, n), err;

	if (fd < 0)
		return fd;
	memset(r->out, 0xee, sizeof(r->out));
	err = bpfhost_prog_test_run_opts(fd, &o);
	r->verdict = o.retval;
	r->out_len = o.data_size_out;
	bpfhost_close(fd);
	return err;
}

static int all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

TEST(ext_net_adjust_head)
{
	struct bpfhost *rt;
	static struct result r;
	uint8_t pkt[8 + 60];
	struct call c[2];

	NEED_NET();
	rt = net_rt(NULL);
	if (!rt)
		return;
	net_eth(pkt, 60, 0x0800);

	/* strip the Ethernet header */
	c[0] = (struct call){ HEAD, 14 };
	CHECK_EQ(run_calls(rt, c, 1, pkt, 60, 0, 1, &r), 0);
	CHECK_U64(r.verdict, V_OK);
	CHECK_EQ(r.out_len, 46);
	CHECK(!memcmp(r.out, pkt + 14, 46));
	CHECK_EQ(r.md.data, 0);
	CHECK_EQ(r.md.data_end, 46);

	/* exactly 14 bytes may stay; one more is refused and changes nothing */
	c[0].delta = 46;
	CHECK_EQ(run_calls(rt, c, 1, pkt, 60, 0, 1, &r), 0);
	CHECK_U64(r.verdict, V_OK);
	CHECK_EQ(r.out_len, 14);
	c[0].delta = 47;
	CHECK_EQ(run_calls(rt, c, 1, pkt, 60, 0, 1, &r), 0);
	CHECK_U64(r.verdict, V_EINVAL);
	CHECK_EQ(r.out_len, 60);
	CHECK(!memcmp(r.out, pkt, 60));

	/* grow into the headroom: down to the 40 reserved bytes, not one more */
	c[0].delta = -216;
	CHECK_EQ(run_calls(rt, c, 1, pkt, 60, 0, 1, &r), 0);
	CHECK_U64(r.verdict, V_OK);
	CHECK_EQ(r.out_len, 276);
	CHECK(all_zero(r.out, 216));
	CHECK(!memcmp(r.out + 216, pkt, 60));
	CHECK_EQ(r.md.data_end, 276);
	c[0].delta = -217;
	CHECK_EQ(run_calls(rt, c, 1, pkt, 60, 0, 1, &r), 0);
	CHECK_U64(r.verdict, V_EINVAL);
	CHECK_EQ(r.out_len, 60);

	/* the delta is the C int: the upper half of r2 is ignored */
	c[0].delta = 0x10000000eLL;
	CHECK_EQ(run_calls(rt, c, 1, pkt, 60, 0, 1, &r), 0);
	CHECK_U64(r.verdict, V_OK);
	CHECK_EQ(r.out_len, 46);

	/* grow, then shrink back: the packet is as before */
	c[0] = (struct call){ HEAD, -100 };
	c[1] = (struct call){ HEAD, 100 };
	CHECK_EQ(run_calls(rt, c, 2, pkt, 60, 0, 1, &r), 0);
	CHECK_U64(r.verdict, V_OK);
	CHECK_EQ(r.out_len, 60);
	CHECK(!memcmp(r.out, pkt, 60));

	/* runs share one context (as in Linux): two runs strip 2 x 14 bytes */
	c[0] = (struct call){ HEAD, 14 };
	CHECK_EQ(run_calls(rt, c, 1, pkt, 60, 0, 2, &r), 0);
	CHECK_EQ(r.out_len, 32);
	CHECK(!memcmp(r.out, pkt + 28, 32));
	bpfhost__free(rt);
}

TEST(ext_net_adjust_head_moves_metadata)
{
	struct bpfhost *rt;
	static struct result r;
	uint8_t in[8 + 60];
	struct call c[1];

	NEED_NET();
	rt = net_rt(NULL);
	if (!rt)
		return;
	memcpy(in, "METADATA", 8);
	net_eth(in + 8, 60, 0x0800);

	c[0] = (struct call){ HEAD, 4 };
	CHECK_EQ(run_calls(rt, c, 1, in, sizeof(in), 8, 1, &r), 0);
	CHECK_U64(r.verdict, V_OK);
	CHECK_EQ(r.out_len, 8 + 56);
	CHECK(!memcmp(r.out, "METADATA", 8));
	CHECK(!memcmp(r.out + 8, in + 8 + 4, 56));
	CHECK_EQ(r.md.data, 8);
	CHECK_EQ(r.md.data_end, 64);

	/* the metadata must stay above the reserved bytes: 216 - 8 */
	c[0].delta = -208;
	CHECK_EQ(run_calls(rt, c, 1, in, sizeof(in), 8, 1, &r), 0);
	CHECK_U64(r.verdict, V_OK);
	CHECK_EQ(r.out_len, 8 + 208 + 60);
	CHECK(!memcmp(r.out, "METADATA", 8));
	/* the headroom is not cleared: the metadata's old copy is still there */
	CHECK(all_zero(r.out + 8, 200));
	CHECK(!memcmp(r.out + 208, "METADATA", 8));
	CHECK(!memcmp(r.out + 216, in + 8, 60));
	CHECK_EQ(r.md.data, 8);
	c[0].delta = -209;
	CHECK_EQ(run_calls(rt, c, 1, in, sizeof(in), 8, 1, &r), 0);
	CHECK_U64(r.verdict, V_EINVAL);
	CHECK_EQ(r.out_len, sizeof(in));
	bpfhost__free(rt);
}

TEST(ext_net_adjust_meta)
{
	struct bpfhost *rt;
	static struct result r;
	uint8_t pkt[60];
	struct call c[2];

	NEED_NET();
	rt = net_rt(NULL);
	if (!rt)
		return;
	net_eth(pkt, 60, 0x0800);

	/* reserve 8 metadata bytes: data_out starts with them */
	c[0] = (struct call){ META, -8 };
	CHECK_EQ(run_calls(rt, c, 1, pkt, 60, 0, 1, &r), 0);
	CHECK_U64(r.verdict, V_OK);
	CHECK_EQ(r.out_len, 68);
	CHECK(all_zero(r.out, 8));
	CHECK(!memcmp(r.out + 8, pkt, 60));
	CHECK_EQ(r.md.data, 8);
	CHECK_EQ(r.md.data_end, 68);

	/* in steps of 4 (more than 32 since Linux 6.2); giving it back restores the packet */
	c[0].delta = -36;
	c[1] = (struct call){ META, 36 };
	CHECK_EQ(run_calls(rt, c, 2, pkt, 60, 0, 1, &r), 0);
	CHECK_U64(r.verdict, V_OK);
	CHECK_EQ(r.out_len, 60);
	CHECK_EQ(r.md.data, 0);

	/* the whole headroom up to the 40 reserved bytes: 216 */
	c[0].delta = -216;
	CHECK_EQ(run_calls(rt, c, 1, pkt, 60, 0, 1, &r), 0);
	CHECK_U64(r.verdict, V_OK);
	CHECK_EQ(r.md.data, 216);
	c[0].delta = -220;
	CHECK_EQ(run_calls(rt, c, 1, pkt, 60, 0, 1, &r), 0);
	CHECK_U64(r.verdict, V_EINVAL);

	/* a bad length is -EACCES, metadata behind the packet start -EINVAL */
	c[0].delta = -6;
	CHECK_EQ(run_calls(rt, c, 1, pkt, 60, 0, 1, &r), 0);
	CHECK_U64(r.verdict, V_EACCES);
	c[0].delta = 4;
	CHECK_EQ(run_calls(rt, c, 1, pkt, 60, 0, 1, &r), 0);
	CHECK_U64(r.verdict, V_EINVAL);
	CHECK_EQ(r.out_len, 60);

	/* the metadata may not reach into the 40 reserved bytes */
	c[0] = (struct call){ HEAD, -216 };
	c[1] = (struct call){ META, -4 };
	CHECK_EQ(run_calls(rt, c, 2, pkt, 60, 0, 1, &r), 0);
	CHECK_U64(r.verdict, V_EINVAL);
	CHECK_EQ(r.out_len, 276);
	CHECK_EQ(r.md.data, 0);
	bpfhost__free(rt);
}

TEST(ext_net_adjust_tail)
{
	struct bpfhost *rt;
	static struct result r;
	uint8_t pkt[60];
	struct call c[2];

	NEED_NET();
	rt = net_rt(NULL);
	if (!rt)
		return;
	net_eth(pkt, 60, 0x0800);

	/* shrink to an Ethernet header, not below */
	c[0] = (struct call){ TAIL, -46 };
	CHECK_EQ(run_calls(rt, c, 1, pkt, 60, 0, 1, &r), 0);
	CHECK_U64(r.verdict, V_OK);
	CHECK_EQ(r.out_len, 14);
	CHECK(!memcmp(r.out, pkt, 14));
	CHECK_EQ(r.md.data_end, 14);
	c[0].delta = -47;
	CHECK_EQ(run_calls(rt, c, 1, pkt, 60, 0, 1, &r), 0);
	CHECK_U64(r.verdict, V_EINVAL);
	CHECK_EQ(r.out_len, 60);

	/* shrink then grow: the bytes grown are zero, not the old packet */
	c[0] = (struct call){ TAIL, -20 };
	c[1] = (struct call){ TAIL, 20 };
	CHECK_EQ(run_calls(rt, c, 2, pkt, 60, 0, 1, &r), 0);
	CHECK_U64(r.verdict, V_OK);
	CHECK_EQ(r.out_len, 60);
	CHECK(!memcmp(r.out, pkt, 40));
	CHECK(all_zero(r.out + 40, 20));

	/* grow up to the 320 reserved bytes at the end: 3520 packet bytes */
	c[0] = (struct call){ TAIL, (int64_t)BPFHOST_NET_XDP_MAX_DATA - 60 };
	CHECK_EQ(run_calls(rt, c, 1, pkt, 60, 0, 1, &r), 0);
	CHECK_U64(r.verdict, V_OK);
	CHECK_EQ(r.out_len, BPFHOST_NET_XDP_MAX_DATA);
	CHECK(!memcmp(r.out, pkt, 60));
	CHECK(all_zero(r.out + 60, BPFHOST_NET_XDP_MAX_DATA - 60));
	c[0].delta++;
	CHECK_EQ(run_calls(rt, c, 1, pkt, 60, 0, 1, &r), 0);
	CHECK_U64(r.verdict, V_EINVAL);
	CHECK_EQ(r.out_len, 60);
	bpfhost__free(rt);
}

/* Strip 14 bytes, then return (first byte of the new packet) & 3. */
static const char *prog_strip_read = "mov %r6, %r1\n"
				     "mov %r2, 14\n"
				     "call 44\n"
				     "jne %r0, 0, fail\n"
				     "@data %r2, %r6\n"
				     "@data_end %r3, %r6\n"
				     "mov %r4, %r2\n"
				     "add %r4, 1\n"
				     "jgt %r4, %r3, fail\n"
				     "ldxb %r0, [%r2+0]\n"
				     "and %r0, 3\n"
				     "exit\n"
				     "fail:\n"
				     "mov %r0, 0\n"
				     "exit\n";

TEST(ext_net_adjust_then_read)
{
	struct bpfhost *rt;
	uint8_t pkt[40], out[64];
	BPFHOST_OPTS_INIT(bpfhost_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
			  .data_out = out, .data_size_out = sizeof(out));
	char log[1024];
	int p;

	NEED_NET();
	rt = net_rt(NULL);
	if (!rt)
		return;
	p = net_load(rt, "strip_read", prog_strip_read, log, sizeof(log));
	CHECK_MSG(p > 0, "load: %d %s", p, log);
	net_eth(pkt, sizeof(pkt), 0x0800);
	pkt[14] = 0x13; /* & 3 = XDP_TX */
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), 0);
	CHECK_U64(o.retval, 3);
	CHECK_EQ(o.data_size_out, 26);
	CHECK_EQ(out[0], 0x13);
	bpfhost__free(rt);
}

/* Bounds proven before bpf_xdp_adjust_head, packet read after it: unsafe. */
static const char *prog_stale_read = "mov %r6, %r1\n"
				     "@data %r7, %r6\n"
				     "@data_end %r3, %r6\n"
				     "mov %r4, %r7\n"
				     "add %r4, 1\n"
				     "jgt %r4, %r3, fail\n"
				     "mov %r1, %r6\n"
				     "mov %r2, 14\n"
				     "call 44\n"
				     "ldxb %r0, [%r7+0]\n"
				     "and %r0, 3\n"
				     "exit\n"
				     "fail:\n"
				     "mov %r0, 0\n"
				     "exit\n";

TEST(ext_net_adjust_forgets_packet_pointers)
{
	struct bpfhost *rt;
	char log[2048] = "";
	char *src;
	int p;

	NEED_NET();
	rt = net_rt(NULL);
	if (!rt)
		return;
	/* the adjust helpers are declared BPFHOST_HELPER_F_CHANGES_PKT_DATA */
	src = net_asm_expand(prog_stale_read, net_view_mode(rt));
	CHECK(src != NULL);
	p = src ? rt_load(rt, BPFHOST_NET_PROG_TYPE_XDP, "stale", src, log, sizeof(log)) : -1;
	free(src);
	CHECK_EQ(p, -EACCES);
	CHECK_CONTAINS(log, "insn 9");
	bpfhost__free(rt);
}

TEST(ext_net_adjust_foreign_context)
{
	struct bpfhost_extension *ext = NULL;
	struct call c = { HEAD, 1 };
	struct bpfhost_net_xdp_ctx *ctx;
	struct bpfhost *rt;
	uint8_t pkt[60];
	uint64_t v = 99;
	int p;

	NEED_NET();
	rt = net_rt(&ext);
	if (!rt)
		return;
	p = load_calls(rt, &c, 1);
	CHECK(bpfhost_link_create(p, bpfhost_extension__hook(ext, "xdp"), NULL) > 0);
	/* a context with a valid header the extension did not build */
	ctx = bpfhost_ctx_alloc(bpfhost_extension__prog_type(ext, "xdp"), 0, 0);
	CHECK(ctx != NULL);
	if (!ctx)
		goto out;
	net_eth(pkt, sizeof(pkt), 0x0800);
	ctx->data = ctx->data_meta = (uint64_t)(uintptr_t)pkt;
	ctx->data_end = (uint64_t)(uintptr_t)(pkt + sizeof(pkt));
	CHECK_EQ(bpfhost_hook_invoke(bpfhost_extension__hook(ext, "xdp"), ctx, &v), 0);
	CHECK_U64(v, V_EINVAL);
	CHECK_U64(ctx->data, (uint64_t)(uintptr_t)pkt);
	bpfhost_ctx_free(ctx);
out:
	bpfhost__free(rt);
}
