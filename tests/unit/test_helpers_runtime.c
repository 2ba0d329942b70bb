/* SPDX-License-Identifier: MIT */
/*
 * Core helpers called by real programs through the runtime: loaded with
 * bpfhost_prog_load, attached with a cookie, run by bpfhost_hook_invoke on
 * header-prefixed contexts. Checks that trace_printk reaches the instance's
 * sink with the program's name, that get_attach_cookie sees the link's
 * cookie, that map helpers work on lddw-resolved maps, and that
 * perf_event_output captures packet bytes found through the header.
 */
#include "helpers/helpers.h"
#include "maps/perf_event.h"
#include "runtime/runtime.h"
#include "test_runtime_util.h"

struct trace_sink {
	int calls;
	char name[64];
	char text[256];
};

static void trace_sink_fn(void *ctx, const char *prog_name, const char *text)
{
	struct trace_sink *s = ctx;

	s->calls++;
	snprintf(s->name, sizeof(s->name), "%s", prog_name);
	snprintf(s->text, sizeof(s->text), "%s", text);
}

struct env {
	struct bpfhost *rt;
	struct text t;
	struct bpfhost_extension *ext;
	struct bpfhost_prog_type *type;
	struct bpfhost_hook *hook;
};

static bool env_init(struct env *e, struct trace_sink *sink)
{
	BPFHOST_OPTS_INIT(bpfhost_opts, o, .print = rt_capture, .trace = trace_sink_fn,
			  .trace_ctx = sink);

	memset(e, 0, sizeof(*e));
	rt_msgs_clear();
	e->rt = bpfhost__new(&o);
	CHECK(e->rt);
	if (!e->rt)
		return false;
	text_init(&e->t, "helpers_ext");
	e->ext = bpfhost_extension__register(e->rt, &e->t.ext);
	CHECK_MSG(e->ext, "register: %s", rt_msgs);
	if (!e->ext)
		return false;
	e->type = bpfhost_extension__prog_type(e->ext, "tprog");
	e->hook = bpfhost_extension__hook(e->ext, "thook");
	CHECK(e->type && e->hook);
	return e->type && e->hook;
}

static void env_fini(struct env *e)
{
	if (e->rt)
		bpfhost__free(e->rt);
}

static int attach(int prog, struct bpfhost_hook *hook, uint64_t cookie)
{
	BPFHOST_OPTS_INIT(bpfhost_link_opts, o, .cookie = cookie);

	return bpfhost_link_create(prog, hook, &o);
}

/*
 * trace_printk("hi %d\n", 7); value[0] of the array map += cookie;
 * return the cookie.
 */
static const char *prog_trace_cookie_map = "mov %%r6, %%r1\n"
					   "lddw %%r1, 0x00000a6425206968\n"
					   "stxdw [%%r10-8], %%r1\n"
					   "mov %%r1, %%r10\n"
					   "add %%r1, -8\n"
					   "mov %%r2, 8\n"
					   "mov %%r3, 7\n"
					   "call 6\n"
					   "mov %%r1, %%r6\n"
					   "call 174\n"
					   "mov %%r7, %%r0\n"
					   "stw [%%r10-16], 0\n"
					   "lddw %%r1, 0x%x\n"
					   "mov %%r2, %%r10\n"
					   "add %%r2, -16\n"
					   "call 1\n"
					   "jeq %%r0, 0, out\n"
					   "ldxdw %%r1, [%%r0+0]\n"
					   "add %%r1, %%r7\n"
					   "stxdw [%%r0+0], %%r1\n"
					   "out:\n"
					   "mov %%r0, %%r7\n"
					   "exit\n";

TEST(helpers_runtime_trace_cookie_and_map)
{
	struct trace_sink sink = { 0 };
	struct env e;
	char text[1024], log[1024] = "";
	int map, prog = -1, link = -1;
	struct tctx *ctx = NULL;
	uint64_t v = 0, val = 0;
	uint32_t k = 0;

	if (!env_init(&e, &sink))
		goto out;
	map = bpfhost_map_create(e.rt, BPFHOST_MAP_TYPE_ARRAY, "acc", 4, 8, 1, NULL);
	CHECK_MSG(map > 0, "map: %d", map);
	if (map <= 0)
		goto out;
	snprintf(text, sizeof(text), prog_trace_cookie_map, 0x7fff0000 + map);
	prog = rt_load(e.rt, "tprog", "helpers_prog", text, log, sizeof(log));
	CHECK_MSG(prog > 0, "load: %d %s", prog, log);
	if (prog <= 0)
		goto out;
	link = attach(prog, e.hook, 0x1234);
	CHECK_MSG(link > 0, "link: %d %s", link, rt_msgs);
	ctx = bpfhost_ctx_alloc(e.type, 0, 0);
	CHECK(ctx);
	if (link <= 0 || !ctx)
		goto out;

	CHECK_EQ(bpfhost_hook_invoke(e.hook, ctx, &v), 0);
	CHECK_U64(v, 0x1234);
	CHECK_EQ(sink.calls, 1);
	CHECK_STR(sink.text, "hi 7\n");
	CHECK_STR(sink.name, "helpers_prog");
	CHECK_EQ(bpfhost_hook_invoke(e.hook, ctx, &v), 0);
	CHECK_EQ(bpfhost_map_lookup_elem(map, &k, &val), 0);
	CHECK_U64(val, 2 * 0x1234);
	/* slot 0 is cleared after the invocation: trace_printk now falls back */
	CHECK_U64(bpfhost_ctx_header(ctx)->slot[BPFHOST_CTX_SLOT_STATE], 0);
out:
	if (ctx)
		bpfhost_ctx_free(ctx);
	env_fini(&e);
}

/* perf_event_output(ctx, map, flags from the packet's first u64, &meta, 4) */
static const char *prog_perf = "mov %%r6, %%r1\n"
			       "stw [%%r10-8], 0x4154454d\n" /* "META" */
			       "ldxdw %%r2, [%%r6+0]\n"
			       "ldxdw %%r7, [%%r6+8]\n" /* data_end */
			       "mov %%r8, %%r2\n"
			       "add %%r8, 8\n"
			       "mov %%r0, 0\n"
			       "jgt %%r8, %%r7, +8\n"	/* fewer than 8 bytes */
			       "ldxdw %%r3, [%%r2+0]\n" /* flags: first 8 packet bytes */
			       "mov %%r1, %%r6\n"
			       "lddw %%r2, 0x%x\n"
			       "mov %%r4, %%r10\n"
			       "add %%r4, -8\n"
			       "mov %%r5, 4\n"
			       "call 25\n"
			       "exit\n";

struct pe_got {
	int n;
	uint32_t size;
	unsigned char data[64];
};

static void pe_got_fn(void *ctx, int cpu, void *data, uint32_t size)
{
	struct pe_got *g = ctx;

	g->n++;
	g->size = size;
	memcpy(g->data, data, size < 64 ? size : 64);
}

TEST(helpers_runtime_perf_event_output_capture)
{
	struct trace_sink sink = { 0 };
	struct bh_perf_consumer *c = NULL;
	struct bh_map *m = NULL;
	struct pe_got got = { 0 };
	struct env e;
	char text[1024], log[1024] = "";
	int map, prog, link, err = 0;
	struct tctx *ctx = NULL;
	uint64_t pkt[2], v = 0;

	if (!env_init(&e, &sink))
		goto out;
	map = bpfhost_map_create(e.rt, BPFHOST_MAP_TYPE_PERF_EVENT_ARRAY, "events", 4, 4,
				 bh_map_ncpus(), NULL);
	if (map == -EOPNOTSUPP) {
		env_fini(&e);
		SKIP("perf event arrays are not in the map type table yet");
	}
	CHECK_MSG(map > 0, "map: %d", map);
	if (map <= 0)
		goto out;
	m = bh_fd_map(map, &err);
	CHECK(m);
	if (!m)
		goto out;
	c = bh_perf_consumer_new(m, 1, pe_got_fn, NULL, &got, NULL);
	CHECK(c);
	snprintf(text, sizeof(text), prog_perf, 0x7fff0000 + map);
	prog = rt_load(e.rt, "tprog", "perf_prog", text, log, sizeof(log));
	CHECK_MSG(prog > 0, "load: %d %s", prog, log);
	if (prog <= 0 || !c)
		goto out;
	link = attach(prog, e.hook, 0);
	ctx = bpfhost_ctx_alloc(e.type, 0, 0);
	CHECK(link > 0 && ctx);
	if (link <= 0 || !ctx)
		goto out;
	ctx->data = (uint64_t)(uintptr_t)pkt;
	ctx->data_end = ctx->data + sizeof(pkt);
	ctx->len = sizeof(pkt);

	/* capture the whole 16-byte packet, CPU slot of the caller */
	pkt[0] = (16ull << 32) | BH_F_CURRENT_CPU;
	pkt[1] = 0x0706050403020100ull;
	CHECK_EQ(bpfhost_hook_invoke(e.hook, ctx, &v), 0);
	CHECK_EQ((int64_t)v, 0);
	CHECK_EQ(bh_perf_consumer_consume(c), 1);
	CHECK_EQ(got.size, 4 + 16);
	CHECK(!memcmp(got.data, "META", 4));
	CHECK(!memcmp(got.data + 4, pkt, 16));

	/* more than the packet: -EFAULT in r0, nothing delivered */
	pkt[0] = (17ull << 32) | BH_F_CURRENT_CPU;
	CHECK_EQ(bpfhost_hook_invoke(e.hook, ctx, &v), 0);
	CHECK_EQ((int64_t)v, -EFAULT);
	CHECK_EQ(bh_perf_consumer_consume(c), 0);
out:
	if (c)
		bh_perf_consumer_free(c);
	if (m)
		bh_map_put(m);
	if (ctx)
		bpfhost_ctx_free(ctx);
	env_fini(&e);
}
