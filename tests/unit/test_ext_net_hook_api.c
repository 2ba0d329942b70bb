/* SPDX-License-Identifier: MIT */
/*
 * The net extension's hook-based run API: bpfhost_net_xdp_hook_run and
 * _batch take any hook that runs the extension's xdp programs (found by
 * name here), refuse a hook of another provider's type and an
 * unregistered one; a batch that fails names the failing packet and keeps
 * the verdicts of the packets before it.
 */
#include "../net/net_testutil.h"

#pragma weak bpfhost_net_xdp_hook_run
#pragma weak bpfhost_net_xdp_hook_run_batch

#define NEED_NET_HOOK_API()                                                       \
	do {                                                                      \
		NEED_NET();                                                       \
		if (!bpfhost_net_xdp_hook_run || !bpfhost_net_xdp_hook_run_batch) \
			SKIP("net extension without the hook run API");           \
	} while (0)

/* verdict = first byte % 5 */
static const char *prog_mod5 = "@data %r2, %r1\n"
			       "@data_end %r3, %r1\n"
			       "mov %r0, 2\n"
			       "mov %r4, %r2\n"
			       "add %r4, 1\n"
			       "jgt %r4, %r3, out\n"
			       "ldxb %r0, [%r2+0]\n"
			       "mod %r0, 5\n"
			       "out:\n"
			       "exit\n";

static void xb_init(struct bpfhost_net_xdp_buff *xb, uint8_t *buf, uint32_t size)
{
	memset(xb, 0, sizeof(*xb));
	xb->sz = sizeof(*xb);
	xb->buf = buf;
	xb->buf_size = size;
	xb->data_off = 4;
	xb->data_len = size - 4;
}

TEST(ext_net_hook_run_by_hook)
{
	struct bpfhost_extension *ext = NULL, *other;
	struct bpfhost_net_xdp_buff xb[3];
	uint8_t buf[3][20];
	uint32_t v[3] = { 9, 9, 9 };
	struct bpfhost_hook *hook;
	static struct text tx;
	struct bpfhost *rt;
	char log[1024];
	int p, i;

	NEED_NET_HOOK_API();
	rt = net_rt(&ext);
	if (!rt)
		return;
	hook = bpfhost_hook__find(rt, BPFHOST_NET_HOOK_XDP);
	CHECK(hook != NULL);
	CHECK(bpfhost_hook__prog_type(hook) ==
	      bpfhost_extension__prog_type(ext, BPFHOST_NET_PROG_TYPE_XDP));
	p = net_load(rt, "mod5", prog_mod5, log, sizeof(log));
	CHECK_MSG(p > 0, "load: %s", log);
	CHECK(bpfhost_link_create(p, hook, NULL) > 0);
	for (i = 0; i < 3; i++) {
		memset(buf[i], 0, sizeof(buf[i]));
		buf[i][4] = (uint8_t)(11 * i + 1);
		xb_init(&xb[i], buf[i], sizeof(buf[i]));
	}
	CHECK_EQ(bpfhost_net_xdp_hook_run(hook, &xb[0], &v[0]), 0);
	CHECK_EQ(v[0], 1);
	CHECK_EQ(bpfhost_net_xdp_hook_run_batch(hook, xb, v, 3), 0);
	CHECK_EQ(v[0], 1);
	CHECK_EQ(v[1], 12 % 5);
	CHECK_EQ(v[2], 23 % 5);
	/* the extension-based calls agree */
	CHECK_EQ(bpfhost_net_xdp_run(ext, &xb[1], &v[1]), 0);
	CHECK_EQ(v[1], 12 % 5);

	/* a hook of another provider's program type */
	text_init(&tx, "notnet");
	other = bpfhost_extension__register(rt, &tx.ext);
	CHECK_MSG(other, "register: %s", rt_msgs);
	CHECK_EQ(bpfhost_net_xdp_hook_run(bpfhost_extension__hook(other, "thook"), &xb[0], &v[0]),
		 -EINVAL);
	CHECK_CONTAINS(bpfhost_net_last_error(), "does not run the net extension's 'xdp'");
	CHECK_EQ(bpfhost_net_xdp_hook_run_batch(bpfhost_extension__hook(other, "thook"), xb, v, 3),
		 -EINVAL);
	CHECK_EQ(bpfhost_net_xdp_hook_run(NULL, &xb[0], &v[0]), -EINVAL);
	CHECK_CONTAINS(bpfhost_net_last_error(), "no hook");
	/* unregistered */
	CHECK_EQ(bpfhost_extension__unregister(ext), 0);
	CHECK_EQ(bpfhost_net_xdp_hook_run(hook, &xb[0], &v[0]), -ENODEV);
	CHECK_CONTAINS(bpfhost_net_last_error(), "unregistered");
	CHECK_EQ(bpfhost_net_xdp_hook_run_batch(hook, xb, v, 3), -ENODEV);
	bpfhost__free(rt);
}

TEST(ext_net_hook_batch_failure_index)
{
	/* recursion without end when the first byte is 0xee: the engine's frame limit */
	static const char *prog_rec = "ldxdw %r2, [%r1+0]\n"
				      "ldxb %r3, [%r2+0]\n"
				      "mov %r0, 2\n"
				      "jne %r3, 0xee, out\n"
				      "call local f\n"
				      "out:\n"
				      "exit\n"
				      "f:\n"
				      "call local f\n"
				      "exit\n";
	enum { N = BPFHOST_NET_XDP_BATCH + 6 };
	static struct bpfhost_net_xdp_buff xb[N];
	static uint8_t buf[N][20];
	struct bpfhost_extension *ext = NULL;
	uint32_t v[N];
	struct bpfhost *rt;
	char log[1024], want[64];
	size_t bad = BPFHOST_NET_XDP_BATCH + 2, i;
	int p;

	NEED_NET_HOOK_API();
	rt = net_rt(&ext);
	if (!rt)
		return;
	/* the verifier refuses endless recursion: loaded trusted to reach the engine */
	p = rt_load_opt(rt, BPFHOST_NET_PROG_TYPE_XDP, "rec", prog_rec, log, sizeof(log), 1);
	CHECK_MSG(p > 0, "load: %s", log);
	CHECK(bpfhost_link_create(p, bpfhost_extension__hook(ext, BPFHOST_NET_HOOK_XDP), NULL) > 0);
	for (i = 0; i < N; i++) {
		memset(buf[i], 0, sizeof(buf[i]));
		buf[i][4] = i == bad ? 0xee : 1;
		xb_init(&xb[i], buf[i], sizeof(buf[i]));
		v[i] = 77;
	}
	CHECK_EQ(bpfhost_net_xdp_run_batch(ext, xb, v, N), -E2BIG);
	snprintf(want, sizeof(want), "at packet %zu", bad);
	CHECK_CONTAINS(bpfhost_net_last_error(), want);
	for (i = 0; i < N; i++)
		CHECK_MSG(v[i] == (i < bad ? 2u : 77u), "packet %zu: verdict %u", i, v[i]);
	bpfhost__free(rt);
}
