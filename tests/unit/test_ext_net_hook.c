/* SPDX-License-Identifier: MIT */
/*
 * The xdp hook driven through the extension's C API: several programs in
 * a chain with the XDP_PASS rule (later programs do not run after another
 * verdict; detaching changes the chain), nothing attached, packet
 * positions written back after adjust_head/adjust_meta/adjust_tail in the
 * application's buffer (its whole headroom and tailroom usable), ifindex
 * and queue seen by programs, batches across chunk boundaries, bad
 * descriptors refused before anything runs, the shared object.
 */
#include <pthread.h>
#include <unistd.h>

#include "../../extensions/sample/sample.h"
#include "../net/net_testutil.h"

#pragma weak bpfhost_sample_extension

/* Write id at packet byte idx (packets of 3+ bytes), return verdict. */
static int load_marker(struct bpfhost *rt, int idx, int id, int verdict)
{
	char text[512], log[1024] = "";
	int fd;

	snprintf(text, sizeof(text),
		 "@data %%r2, %%r1\n"
		 "@data_end %%r3, %%r1\n"
		 "mov %%r0, 0\n"
		 "mov %%r4, %%r2\n"
		 "add %%r4, 3\n"
		 "jgt %%r4, %%r3, out\n"
		 "stb [%%r2+%d], %d\n"
		 "mov %%r0, %d\n"
		 "out:\n"
		 "exit\n",
		 idx, id, verdict);
	fd = net_load(rt, "marker", text, log, sizeof(log));
	CHECK_MSG(fd > 0, "load: %d %s", fd, log);
	return fd;
}

static void buff_init(struct bpfhost_net_xdp_buff *xb, void *buf, uint32_t size, uint32_t off,
		      uint32_t len)
{
	memset(xb, 0, sizeof(*xb));
	xb->sz = sizeof(*xb);
	xb->buf = buf;
	xb->buf_size = size;
	xb->data_off = off;
	xb->data_len = len;
}

TEST(ext_net_hook_chain)
{
	struct bpfhost_extension *ext = NULL;
	struct bpfhost_net_xdp_buff xb;
	struct bpfhost_hook_stats st = { .sz = sizeof(st) };
	struct bpfhost_hook *hook;
	struct bpfhost *rt;
	uint8_t buf[128];
	uint32_t v = 99;
	int a, b, c, lb;

	NEED_NET();
	rt = net_rt(&ext);
	if (!rt)
		return;
	hook = bpfhost_extension__hook(ext, "xdp");

	/* nothing attached: XDP_PASS, the packet untouched */
	memset(buf, 0, sizeof(buf));
	buff_init(&xb, buf, sizeof(buf), 32, 64);
	CHECK_EQ(bpfhost_net_xdp_run(ext, &xb, &v), 0);
	CHECK_EQ(v, BPFHOST_NET_XDP_PASS);
	CHECK_EQ(xb.data_off, 32);
	CHECK_EQ(xb.data_len, 64);

	a = load_marker(rt, 0, 0xa, BPFHOST_NET_XDP_PASS);
	b = load_marker(rt, 1, 0xb, BPFHOST_NET_XDP_DROP);
	c = load_marker(rt, 2, 0xc, BPFHOST_NET_XDP_TX);
	CHECK(bpfhost_link_create(a, hook, NULL) > 0);
	lb = bpfhost_link_create(b, hook, NULL);
	CHECK(lb > 0);
	CHECK(bpfhost_link_create(c, hook, NULL) > 0);

	/* a passes, b drops: c does not run */
	CHECK_EQ(bpfhost_net_xdp_run(ext, &xb, &v), 0);
	CHECK_EQ(v, BPFHOST_NET_XDP_DROP);
	CHECK_EQ(buf[32], 0xa);
	CHECK_EQ(buf[33], 0xb);
	CHECK_EQ(buf[34], 0);

	/* without b: a passes, c transmits */
	CHECK_EQ(bpfhost_close(lb), 0);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(bpfhost_net_xdp_run(ext, &xb, &v), 0);
	CHECK_EQ(v, BPFHOST_NET_XDP_TX);
	CHECK_EQ(buf[32], 0xa);
	CHECK_EQ(buf[33], 0);
	CHECK_EQ(buf[34], 0xc);

	CHECK_EQ(bpfhost_hook__stats(hook, &st), 0);
	CHECK_U64(st.invocations, 3);
	CHECK_U64(st.links, 2);
	CHECK_U64(st.bad_header, 0);
	bpfhost__free(rt);
}

/* PASS when ingress_ifindex == 5 and rx_queue_index == 2, else DROP. */
static const char *prog_ifindex = "@ingress_ifindex %r2, %r1\n"
				  "@rx_queue_index %r3, %r1\n"
				  "mov %r0, 1\n"
				  "jne %r2, 5, out\n"
				  "jne %r3, 2, out\n"
				  "mov %r0, 2\n"
				  "out:\n"
				  "exit\n";

TEST(ext_net_hook_ifindex)
{
	struct bpfhost_extension *ext = NULL;
	struct bpfhost_net_xdp_buff xb;
	struct bpfhost *rt;
	uint8_t buf[64] = { 0 };
	char log[1024];
	uint32_t v = 99;
	int p;

	NEED_NET();
	rt = net_rt(&ext);
	if (!rt)
		return;
	p = net_load(rt, "ifindex", prog_ifindex, log, sizeof(log));
	CHECK_MSG(p > 0, "load: %s", log);
	CHECK(bpfhost_link_create(p, bpfhost_extension__hook(ext, "xdp"), NULL) > 0);
	buff_init(&xb, buf, sizeof(buf), 0, 60);
	xb.ingress_ifindex = 5;
	xb.rx_queue_index = 2;
	CHECK_EQ(bpfhost_net_xdp_run(ext, &xb, &v), 0);
	CHECK_EQ(v, BPFHOST_NET_XDP_PASS);
	xb.rx_queue_index = 1;
	CHECK_EQ(bpfhost_net_xdp_run(ext, &xb, &v), 0);
	CHECK_EQ(v, BPFHOST_NET_XDP_DROP);
	bpfhost__free(rt);
}

/* Call helper(ctx, delta); PASS on success, DROP on failure. */
static int load_adjust(struct bpfhost *rt, int helper, int delta)
{
	char text[256], log[1024] = "";
	int fd;

	snprintf(text, sizeof(text),
		 "mov %%r2, %d\n"
		 "call %d\n"
		 "mov %%r1, %%r0\n"
		 "mov %%r0, 2\n"
		 "jeq %%r1, 0, out\n"
		 "mov %%r0, 1\n"
		 "out:\n"
		 "exit\n",
		 delta, helper);
	fd = net_load(rt, "adjust", text, log, sizeof(log));
	CHECK_MSG(fd > 0, "load: %d %s", fd, log);
	return fd;
}

/* Attach one adjust program alone, run xb through it. */
static uint32_t run_adjust(struct bpfhost *rt, struct bpfhost_extension *ext, int helper, int delta,
			   struct bpfhost_net_xdp_buff *xb)
{
	int p = load_adjust(rt, helper, delta);
	int l = bpfhost_link_create(p, bpfhost_extension__hook(ext, "xdp"), NULL);
	uint32_t v = 99;

	CHECK(l > 0);
	CHECK_EQ(bpfhost_net_xdp_run(ext, xb, &v), 0);
	bpfhost_close(l);
	bpfhost_close(p);
	return v;
}

TEST(ext_net_hook_adjust_in_app_buffer)
{
	struct bpfhost_extension *ext = NULL;
	struct bpfhost_net_xdp_buff xb;
	struct bpfhost *rt;
	uint8_t buf[100];

	NEED_NET();
	rt = net_rt(&ext);
	if (!rt)
		return;
	net_eth(buf, sizeof(buf), 0x0800);

	/* the whole buffer in front of the packet is headroom */
	buff_init(&xb, buf, sizeof(buf), 16, 60);
	CHECK_EQ(run_adjust(rt, ext, 44, -16, &xb), BPFHOST_NET_XDP_PASS);
	CHECK_EQ(xb.data_off, 0);
	CHECK_EQ(xb.data_len, 76);
	CHECK_EQ(run_adjust(rt, ext, 44, -1, &xb), BPFHOST_NET_XDP_DROP);
	CHECK_EQ(xb.data_off, 0);
	CHECK_EQ(run_adjust(rt, ext, 44, 20, &xb), BPFHOST_NET_XDP_PASS);
	CHECK_EQ(xb.data_off, 20);
	CHECK_EQ(xb.data_len, 56);

	/* the packet may grow to the end of the buffer, not beyond */
	CHECK_EQ(run_adjust(rt, ext, 65, 24, &xb), BPFHOST_NET_XDP_PASS);
	CHECK_EQ(xb.data_len, 80);
	CHECK(!buf[99]);
	CHECK_EQ(run_adjust(rt, ext, 65, 1, &xb), BPFHOST_NET_XDP_DROP);
	CHECK_EQ(xb.data_len, 80);

	/* metadata comes back in meta_len, and goes in with it */
	CHECK_EQ(run_adjust(rt, ext, 54, -12, &xb), BPFHOST_NET_XDP_PASS);
	CHECK_EQ(xb.meta_len, 12);
	CHECK_EQ(xb.data_off, 20);
	/* the metadata (12 bytes at 8) moves along: at most down to offset 0 */
	CHECK_EQ(run_adjust(rt, ext, 44, -9, &xb), BPFHOST_NET_XDP_DROP);
	CHECK_EQ(run_adjust(rt, ext, 44, -8, &xb), BPFHOST_NET_XDP_PASS);
	CHECK_EQ(xb.data_off, 12);
	CHECK_EQ(xb.meta_len, 12);
	CHECK_EQ(run_adjust(rt, ext, 54, 12, &xb), BPFHOST_NET_XDP_PASS);
	CHECK_EQ(xb.meta_len, 0);

	/* with room for it, metadata is limited to 252 bytes (-EACCES above) */
	{
		static uint8_t big[400];

		buff_init(&xb, big, sizeof(big), 300, 60);
		CHECK_EQ(run_adjust(rt, ext, 54, -256, &xb), BPFHOST_NET_XDP_DROP);
		CHECK_EQ(xb.meta_len, 0);
		CHECK_EQ(run_adjust(rt, ext, 54, -252, &xb), BPFHOST_NET_XDP_PASS);
		CHECK_EQ(xb.meta_len, 252);
		CHECK_EQ(xb.data_off, 300);
	}
	bpfhost__free(rt);
}

TEST(ext_net_hook_bad_descriptors)
{
	struct bpfhost_extension *ext = NULL, *sample;
	struct bpfhost_net_xdp_buff xb, xbs[3];
	struct bpfhost *rt;
	uint8_t buf[64] = { 0 };
	uint32_t v = 99, vs[3];

	NEED_NET();
	rt = net_rt(&ext);
	if (!rt)
		return;
	buff_init(&xb, buf, sizeof(buf), 10, 55);
	CHECK_EQ(bpfhost_net_xdp_run(ext, &xb, &v), -EINVAL);
	CHECK_CONTAINS(bpfhost_net_last_error(), "bytes [10, 65) lie beyond the 64-byte buffer");
	buff_init(&xb, buf, sizeof(buf), 2, 20);
	xb.meta_len = 4;
	CHECK_EQ(bpfhost_net_xdp_run(ext, &xb, &v), -EINVAL);
	CHECK_CONTAINS(bpfhost_net_last_error(), "4 metadata bytes before offset 2");
	buff_init(&xb, buf, sizeof(buf), 8, 20);
	xb.meta_len = 6;
	CHECK_EQ(bpfhost_net_xdp_run(ext, &xb, &v), -EINVAL);
	xb.meta_len = 0;
	xb.buf = NULL;
	CHECK_EQ(bpfhost_net_xdp_run(ext, &xb, &v), -EINVAL);
	CHECK_CONTAINS(bpfhost_net_last_error(), "no buffer");
	xb.buf = buf;
	xb.sz = 0;
	CHECK_EQ(bpfhost_net_xdp_run(ext, &xb, &v), -EINVAL);
	xb.sz = sizeof(xb);
	CHECK_EQ(bpfhost_net_xdp_run(ext, NULL, &v), -EINVAL);
	CHECK_EQ(bpfhost_net_xdp_run(ext, &xb, NULL), -EINVAL);
	CHECK_EQ(bpfhost_net_xdp_run(NULL, &xb, &v), -EINVAL);
	CHECK_EQ(v, 99);

	/* an extension that is not net */
	if (bpfhost_sample_extension()) {
		sample = bpfhost_extension__register(rt, bpfhost_sample_extension());
		CHECK(sample != NULL);
		CHECK_EQ(bpfhost_net_xdp_run(sample, &xb, &v), -ENODEV);
		CHECK_CONTAINS(bpfhost_net_last_error(), "has no program type 'xdp'");
	}

	/* a batch is checked whole before anything runs; the index is named */
	buff_init(&xbs[0], buf, sizeof(buf), 0, 20);
	xbs[1] = xbs[0];
	xbs[2] = xbs[0];
	xbs[2].data_len = 65;
	CHECK_EQ(bpfhost_net_xdp_run_batch(ext, xbs, vs, 3), -EINVAL);
	CHECK_CONTAINS(bpfhost_net_last_error(), "xdp packet 2:");
	CHECK_EQ(bpfhost_net_xdp_run_batch(ext, NULL, vs, 3), -EINVAL);
	CHECK_EQ(bpfhost_net_xdp_run_batch(ext, xbs, vs, 0), 0);
	bpfhost__free(rt);
}

/* Verdict = first packet byte % 5 (ABORTED for an empty packet). */
static const char *prog_first_byte = "@data %r2, %r1\n"
				     "@data_end %r3, %r1\n"
				     "mov %r0, 0\n"
				     "mov %r4, %r2\n"
				     "add %r4, 1\n"
				     "jgt %r4, %r3, out\n"
				     "ldxb %r0, [%r2+0]\n"
				     "mod %r0, 5\n"
				     "stb [%r2+0], 0xff\n"
				     "out:\n"
				     "exit\n";

TEST(ext_net_hook_batch)
{
	enum { N = 2 * BPFHOST_NET_XDP_BATCH + 7 };
	struct bpfhost_extension *ext = NULL;
	static struct bpfhost_net_xdp_buff xbs[N];
	static uint8_t bufs[N][32];
	struct bpfhost_hook_stats st = { .sz = sizeof(st) };
	struct bpfhost_hook *hook;
	struct bpfhost *rt;
	uint32_t vs[N];
	char log[1024];
	size_t i;
	int p;

	NEED_NET();
	rt = net_rt(&ext);
	if (!rt)
		return;
	hook = bpfhost_extension__hook(ext, "xdp");
	p = net_load(rt, "first_byte", prog_first_byte, log, sizeof(log));
	CHECK_MSG(p > 0, "load: %s", log);
	CHECK(bpfhost_link_create(p, hook, NULL) > 0);
	for (i = 0; i < N; i++) {
		bufs[i][8] = (uint8_t)(i * 7);
		buff_init(&xbs[i], bufs[i], sizeof(bufs[i]), 8, i % 3 ? 16 : 0);
		vs[i] = 99;
	}
	CHECK_EQ(bpfhost_net_xdp_run_batch(ext, xbs, vs, N), 0);
	for (i = 0; i < N; i++) {
		uint32_t want = i % 3 ? (uint32_t)((i * 7) & 0xff) % 5 : 0;

		CHECK_MSG(vs[i] == want, "packet %zu: verdict %u, expected %u", i, vs[i], want);
		CHECK_EQ(bufs[i][8], i % 3 ? 0xff : (uint8_t)(i * 7));
		CHECK_EQ(xbs[i].data_off, 8);
	}
	CHECK_EQ(bpfhost_hook__stats(hook, &st), 0);
	CHECK_U64(st.invocations, N);
	bpfhost__free(rt);
}

TEST(ext_net_shared_object)
{
	char path[4096];
	struct bpfhost_extension *ext;
	struct bpfhost_net_xdp_buff xb;
	struct bpfhost *rt;
	uint8_t buf[64], pkt[40], out[64];
	BPFHOST_OPTS_INIT(bpfhost_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
			  .data_out = out, .data_size_out = sizeof(out));
	char log[1024];
	uint32_t v = 99;
	int p;

	NEED_NET();
	snprintf(path, sizeof(path), "%s/extensions/libbpfhost_net.so", bh_test_build_dir());
	if (access(path, R_OK))
		SKIP("%s not built (make tests builds it)", path);
	rt = rt_new();
	ext = bpfhost_extension__load(rt, path);
	CHECK_MSG(ext != NULL, "load: %s", rt_msgs);
	if (!ext)
		goto out;
	p = load_adjust(rt, 44, 14);
	CHECK(bpfhost_link_create(p, bpfhost_extension__hook(ext, "xdp"), NULL) > 0);
	net_eth(buf, sizeof(buf), 0x0800);
	buff_init(&xb, buf, sizeof(buf), 8, 40);
	CHECK_EQ(bpfhost_net_xdp_run(ext, &xb, &v), 0);
	CHECK_EQ(v, BPFHOST_NET_XDP_PASS);
	CHECK_EQ(xb.data_off, 22);
	CHECK_EQ(xb.data_len, 26);
	/* test runs through the object's ctx_create/ctx_destroy */
	net_eth(pkt, sizeof(pkt), 0x0806);
	p = net_load(rt, "ethertype", net_prog_ethertype, log, sizeof(log));
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), 0);
	CHECK_U64(o.retval, BPFHOST_NET_XDP_TX);
	CHECK_EQ(o.data_size_out, sizeof(pkt));
	CHECK(!memcmp(out, pkt, sizeof(pkt)));
	CHECK_EQ(bpfhost_extension__unregister(ext), 0);
out:
	bpfhost__free(rt);
}

/*
 * Threads running packets (single and batched) while another thread
 * attaches and detaches a second program: every verdict is the first
 * program's (the second one passes), nothing is lost (hook statistics).
 */
struct worker {
	struct bpfhost_extension *ext;
	int errors, wrong;
	unsigned seed;
};

enum { W_THREADS = 4, W_ROUNDS = 300 };

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct bpfhost_net_xdp_buff xbs[8];
	uint8_t bufs[8][32];
	uint32_t vs[8];
	int r, i;

	for (r = 0; r < W_ROUNDS; r++) {
		for (i = 0; i < 8; i++) {
			memset(bufs[i], 0, sizeof(bufs[i]));
			bufs[i][4] = (uint8_t)(rand_r(&w->seed) & 0xff);
			buff_init(&xbs[i], bufs[i], sizeof(bufs[i]), 4, 20);
		}
		if (bpfhost_net_xdp_run_batch(w->ext, xbs, vs, 8))
			w->errors++;
		if (bpfhost_net_xdp_run(w->ext, &xbs[0], &vs[0]))
			w->errors++;
		for (i = 0; i < 8; i++)
			if (vs[i] != (uint32_t)bufs[i][4] % 5)
				w->wrong++;
	}
	return NULL;
}

TEST(ext_net_hook_threads)
{
	static const char *ro = "@data %r2, %r1\n"
				"@data_end %r3, %r1\n"
				"mov %r0, 0\n"
				"mov %r4, %r2\n"
				"add %r4, 1\n"
				"jgt %r4, %r3, out\n"
				"ldxb %r0, [%r2+0]\n"
				"mod %r0, 5\n"
				"out:\n"
				"exit\n";
	struct bpfhost_extension *ext = NULL;
	struct bpfhost_hook_stats st = { .sz = sizeof(st) };
	struct worker w[W_THREADS];
	pthread_t th[W_THREADS];
	struct bpfhost_hook *hook;
	struct bpfhost *rt;
	char log[1024];
	int p, pass, i, n = 0;

	NEED_NET();
	rt = net_rt(&ext);
	if (!rt)
		return;
	hook = bpfhost_extension__hook(ext, "xdp");
	p = net_load(rt, "first_byte_ro", ro, log, sizeof(log));
	pass = net_load(rt, "pass", "mov %r0, 2\nexit\n", log, sizeof(log));
	CHECK(p > 0 && pass > 0);
	CHECK(bpfhost_link_create(p, hook, NULL) > 0);
	for (i = 0; i < W_THREADS; i++) {
		w[i] = (struct worker){ .ext = ext, .seed = 17u * (unsigned)i + 1 };
		CHECK_EQ(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
	}
	for (i = 0; i < 50; i++) {
		int l = bpfhost_link_create(pass, hook, NULL);

		CHECK(l > 0);
		CHECK_EQ(bpfhost_close(l), 0);
	}
	for (i = 0; i < W_THREADS; i++) {
		pthread_join(th[i], NULL);
		CHECK_EQ(w[i].errors, 0);
		CHECK_EQ(w[i].wrong, 0);
		n += W_ROUNDS * 9;
	}
	CHECK_EQ(bpfhost_hook__stats(hook, &st), 0);
	CHECK_U64(st.invocations, n);
	bpfhost__free(rt);
}
