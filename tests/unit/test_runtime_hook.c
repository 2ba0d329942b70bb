/* SPDX-License-Identifier: MIT */
/*
 * Hooks and links: invoking attached programs, verdict rules, cookies,
 * the header check (refused and counted, nothing run), slot 0 cleared
 * after every invocation, link refusals with their errnos and messages,
 * detaching, re-registration (re-attach or detach for good), batches.
 */
#include "test_runtime_util.h"
#include "runtime/runtime.h"

/* ---- an extension whose helper looks at the header while a program runs ---- */

static uint64_t seen_slot0, seen_cookie;
static const void *seen_prog;

static uint64_t peek_header(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, void *ctx)
{
	struct bpfhost_ctx_header *hdr = bpfhost_ctx_header(ctx);
	struct bh_exec_state *st = bh_exec_state(ctx);

	seen_slot0 = hdr->slot[BPFHOST_CTX_SLOT_STATE];
	seen_cookie = hdr->slot[BPFHOST_CTX_SLOT_COOKIE];
	seen_prog = st ? (const void *)st->prog : NULL;
	return 1;
}

#define PEEK_ID (BPFHOST_HELPER_EXT_BASE + 8)

struct hext {
	struct text t;
	struct bpfhost_helper_proto helpers[2];
};

static void hext_init(struct hext *h, const char *name)
{
	text_init(&h->t, name);
	h->helpers[0] = h->t.helpers[0];
	h->helpers[1] = h->t.helpers[0];
	h->helpers[1].id = PEEK_ID;
	h->helpers[1].name = "peek_header";
	h->helpers[1].fn = peek_header;
	h->helpers[1].flags = BPFHOST_HELPER_F_IMPLICIT_CTX;
	h->helpers[1].args[0] = BPFHOST_ARG_NONE;
	h->helpers[1].args[1] = BPFHOST_ARG_NONE;
	h->t.type.helpers = h->helpers;
	h->t.type.nr_helpers = 2;
}

/* r0 = ctx->len */
static const char *prog_len = "ldxw %r0, [%r1+16]\nexit\n";

static int load(struct bpfhost *rt, const char *name, const char *text)
{
	char log[1024];
	int fd = rt_load(rt, "tprog", name, text, log, sizeof(log));

	if (fd < 0)
		printf("  load %s failed: %s\n", name, log);
	return fd;
}

static int attach(int prog, struct bpfhost_hook *hook, uint64_t cookie)
{
	BPFHOST_OPTS_INIT(bpfhost_link_opts, o, .cookie = cookie);

	return bpfhost_link_create(prog, hook, &o);
}

static struct hext ext_desc;

static struct bpfhost *setup(struct bpfhost_extension **ext, struct bpfhost_hook **hook,
			     struct bpfhost_prog_type **type)
{
	struct bpfhost *rt = rt_new();

	hext_init(&ext_desc, "h");
	text_add_hook(&ext_desc.t, "until", BPFHOST_VERDICT_UNTIL_NOT_PASS, 1);
	text_add_hook(&ext_desc.t, "allnz", BPFHOST_VERDICT_ALL_NONZERO, 77);
	*ext = bpfhost_extension__register(rt, &ext_desc.t.ext);
	if (!*ext) {
		printf("  register failed: %s\n", rt_msgs);
		return rt;
	}
	*hook = bpfhost_extension__hook(*ext, "thook");
	*type = bpfhost_extension__prog_type(*ext, "tprog");
	return rt;
}

TEST(runtime_hook_invoke_basic)
{
	struct bpfhost_extension *ext;
	struct bpfhost_hook *hook;
	struct bpfhost_prog_type *type;
	struct bpfhost *rt = setup(&ext, &hook, &type);
	BPFHOST_OPTS_INIT(bpfhost_hook_stats, st);
	struct tctx *ctx = bpfhost_ctx_alloc(type, 0, 0);
	uint64_t v = 99;
	int p, l;

	/* nothing attached: the pass value, nothing else */
	CHECK_EQ(bpfhost_hook_invoke(hook, ctx, &v), 0);
	CHECK_U64(v, 0);
	p = load(rt, "len", prog_len);
	l = attach(p, hook, 0);
	CHECK(l > 0);
	ctx->len = 1234;
	CHECK_EQ(bpfhost_hook_invoke(hook, ctx, &v), 0);
	CHECK_U64(v, 1234);
	CHECK_EQ(bpfhost_hook__stats(hook, &st), 0);
	CHECK_U64(st.invocations, 2);
	CHECK_U64(st.bad_header, 0);
	CHECK_U64(st.links, 1);
	/* close the link: detached */
	CHECK_EQ(bpfhost_close(l), 0);
	CHECK_EQ(bpfhost_hook_invoke(hook, ctx, &v), 0);
	CHECK_U64(v, 0);
	CHECK_EQ(bpfhost_hook__stats(hook, &st), 0);
	CHECK_U64(st.links, 0);
	/* argument errors */
	CHECK_EQ(bpfhost_hook_invoke(NULL, ctx, &v), -EINVAL);
	CHECK_EQ(bpfhost_hook_invoke(hook, NULL, &v), -EINVAL);
	CHECK_EQ(bpfhost_hook_invoke(hook, ctx, NULL), -EINVAL);
	CHECK_EQ(bpfhost_hook__stats(NULL, &st), -EINVAL);
	bpfhost_ctx_free(ctx);
	bpfhost__free(rt);
}

TEST(runtime_hook_slot0_and_cookie_cleared)
{
	struct bpfhost_extension *ext;
	struct bpfhost_hook *hook;
	struct bpfhost_prog_type *type;
	struct bpfhost *rt = setup(&ext, &hook, &type);
	struct tctx *ctx = bpfhost_ctx_alloc(type, 0, 0);
	struct bpfhost_ctx_header *hdr = bpfhost_ctx_header(ctx);
	char text[128];
	uint64_t v;
	int p, i;

	snprintf(text, sizeof(text), "call 0x%x\nexit\n", PEEK_ID);
	p = load(rt, "peek", text);
	CHECK(attach(p, hook, 0x1122334455667788ull) > 0);
	/* a long-lived context, invoked again and again */
	for (i = 0; i < 3; i++) {
		seen_slot0 = seen_cookie = 0;
		seen_prog = NULL;
		CHECK_EQ(bpfhost_hook_invoke(hook, ctx, &v), 0);
		CHECK(seen_slot0 != 0);
		CHECK(seen_prog != NULL);
		CHECK_U64(seen_cookie, 0x1122334455667788ull);
		CHECK_U64(hdr->slot[BPFHOST_CTX_SLOT_STATE], 0);
		CHECK_U64(hdr->slot[BPFHOST_CTX_SLOT_COOKIE], 0);
		CHECK_U64(hdr->slot[BPFHOST_CTX_SLOT_SELF], BPFHOST_CTX_SELF(sizeof(struct tctx)));
	}
	bpfhost_ctx_free(ctx);
	bpfhost__free(rt);
}

TEST(runtime_hook_cookies_via_helper)
{
	struct bpfhost_extension *ext;
	struct bpfhost_hook *hook;
	struct bpfhost_prog_type *type;
	struct bpfhost *rt = setup(&ext, &hook, &type);
	struct tctx *ctx = bpfhost_ctx_alloc(type, 0, 0);
	uint64_t v = 0;
	int p;

	/* bpf_get_attach_cookie (174) reads slot 3 */
	p = load(rt, "cookie", "call 174\nexit\n");
	CHECK(attach(p, hook, 5) > 0);
	CHECK_EQ(bpfhost_hook_invoke(hook, ctx, &v), 0);
	CHECK_U64(v, 5);
	CHECK(attach(p, hook, 6) > 0); /* same program twice, another cookie */
	CHECK_EQ(bpfhost_hook_invoke(hook, ctx, &v), 0);
	CHECK_U64(v, 6); /* rule LAST: the second link's */
	bpfhost_ctx_free(ctx);
	bpfhost__free(rt);
}

TEST(runtime_hook_verdict_rules)
{
	struct bpfhost_extension *ext;
	struct bpfhost_hook *hook, *until, *allnz;
	struct bpfhost_prog_type *type;
	struct bpfhost *rt = setup(&ext, &hook, &type);
	struct tctx *ctx = bpfhost_ctx_alloc(type, 0, 0);
	/* each program sets its bit in ctx->mark and returns its value */
	static const char *fmt = "ldxw %%r2, [%%r1+20]\nor %%r2, %d\nstxw [%%r1+20], %%r2\n"
				 "mov %%r0, %d\nexit\n";
	char text[256];
	int ret1, ret2, ret3, ret0;
	uint64_t v;

	until = bpfhost_extension__hook(ext, "until");
	allnz = bpfhost_extension__hook(ext, "allnz");
	snprintf(text, sizeof(text), fmt, 1, 1);
	ret1 = load(rt, "r1", text);
	snprintf(text, sizeof(text), fmt, 2, 2);
	ret2 = load(rt, "r2", text);
	snprintf(text, sizeof(text), fmt, 4, 3);
	ret3 = load(rt, "r3", text);
	snprintf(text, sizeof(text), fmt, 8, 0);
	ret0 = load(rt, "r0", text);

	/* UNTIL_NOT_PASS (pass 1): 1 runs on, 2 stops the chain */
	CHECK_EQ(bpfhost_hook_invoke(until, ctx, &v), 0);
	CHECK_U64(v, 1); /* nothing attached: pass value */
	attach(ret1, until, 0);
	attach(ret2, until, 0);
	attach(ret3, until, 0);
	ctx->mark = 0;
	CHECK_EQ(bpfhost_hook_invoke(until, ctx, &v), 0);
	CHECK_U64(v, 2);
	CHECK_EQ(ctx->mark, 3); /* the third did not run */

	/* ALL_NONZERO: 1 unless a program returns 0; all run */
	CHECK_EQ(bpfhost_hook_invoke(allnz, ctx, &v), 0);
	CHECK_U64(v, 77); /* nothing attached: pass value */
	attach(ret1, allnz, 0);
	attach(ret3, allnz, 0);
	ctx->mark = 0;
	CHECK_EQ(bpfhost_hook_invoke(allnz, ctx, &v), 0);
	CHECK_U64(v, 1);
	attach(ret0, allnz, 0);
	attach(ret2, allnz, 0);
	ctx->mark = 0;
	CHECK_EQ(bpfhost_hook_invoke(allnz, ctx, &v), 0);
	CHECK_U64(v, 0);
	CHECK_EQ(ctx->mark, 15);

	/* LAST: every program runs, the last r0 counts */
	attach(ret3, hook, 0);
	attach(ret0, hook, 0);
	attach(ret2, hook, 0);
	ctx->mark = 0;
	CHECK_EQ(bpfhost_hook_invoke(hook, ctx, &v), 0);
	CHECK_U64(v, 2);
	CHECK_EQ(ctx->mark, 14);
	bpfhost_ctx_free(ctx);
	bpfhost__free(rt);
}

TEST(runtime_hook_bad_header_refused_and_counted)
{
	struct bpfhost_extension *ext;
	struct bpfhost_hook *hook;
	struct bpfhost_prog_type *type;
	struct bpfhost *rt = setup(&ext, &hook, &type);
	BPFHOST_OPTS_INIT(bpfhost_hook_stats, st);
	struct tctx *ctx = bpfhost_ctx_alloc(type, 0, 0);
	struct bpfhost_ctx_header *hdr = bpfhost_ctx_header(ctx);
	uint64_t good = hdr->slot[BPFHOST_CTX_SLOT_SELF], v;
	uint64_t bad[] = {
		good ^ (1ull << 40),			   /* magic */
		good + (1ull << 24),			   /* header version */
		good - 1,				   /* context size */
		0,					   /* no header at all */
		BPFHOST_CTX_SELF(sizeof(struct tctx)) + 8, /* a bigger context */
	};
	size_t i;
	int p;

	p = load(rt, "mark", "mov %r2, 1\nstxw [%r1+20], %r2\nmov %r0, 0\nexit\n");
	attach(p, hook, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hdr->slot[BPFHOST_CTX_SLOT_SELF] = bad[i];
		ctx->mark = 0;
		v = 1234;
		CHECK_EQ(bpfhost_hook_invoke(hook, ctx, &v), -EBADMSG);
		CHECK_EQ(ctx->mark, 0); /* the program did not run */
		CHECK_U64(v, 1234);
		CHECK_U64(hdr->slot[BPFHOST_CTX_SLOT_STATE], 0);
	}
	hdr->slot[BPFHOST_CTX_SLOT_SELF] = good;
	/* a descriptor that is not the type's */
	hdr->slot[BPFHOST_CTX_SLOT_DESC] ^= 8;
	CHECK_EQ(bpfhost_hook_invoke(hook, ctx, &v), -EBADMSG);
	CHECK_EQ(ctx->mark, 0);
	hdr->slot[BPFHOST_CTX_SLOT_DESC] ^= 8;
	CHECK_EQ(bpfhost_hook__stats(hook, &st), 0);
	CHECK_U64(st.bad_header, 6);
	CHECK_U64(st.invocations, 0);
	CHECK_EQ(bpfhost_hook_invoke(hook, ctx, &v), 0);
	CHECK_EQ(ctx->mark, 1);
	CHECK_EQ(bpfhost_hook__stats(hook, &st), 0);
	CHECK_U64(st.invocations, 1);
	bpfhost_ctx_free(ctx);
	bpfhost__free(rt);
}

TEST(runtime_hook_batch)
{
	struct bpfhost_extension *ext;
	struct bpfhost_hook *hook;
	struct bpfhost_prog_type *type;
	struct bpfhost *rt = setup(&ext, &hook, &type);
	BPFHOST_OPTS_INIT(bpfhost_hook_stats, st);
	struct tctx *c[4];
	uint64_t v[4] = { 0 };
	int i;

	attach(load(rt, "len", prog_len), hook, 0);
	for (i = 0; i < 4; i++) {
		c[i] = bpfhost_ctx_alloc(type, 0, 0);
		c[i]->len = 10 + i;
	}
	CHECK_EQ(bpfhost_hook_invoke_batch(hook, (void *const *)c, v, 4), 0);
	for (i = 0; i < 4; i++)
		CHECK_U64(v[i], 10 + i);
	bpfhost_ctx_header(c[2])->slot[BPFHOST_CTX_SLOT_SELF] = 0;
	memset(v, 0, sizeof(v));
	CHECK_EQ(bpfhost_hook_invoke_batch(hook, (void *const *)c, v, 4), -EBADMSG);
	CHECK_U64(v[1], 11);
	CHECK_U64(v[3], 0); /* stopped at the bad one */
	CHECK_EQ(bpfhost_hook_invoke_batch(hook, NULL, v, 1), -EINVAL);
	CHECK_EQ(bpfhost_hook_invoke_batch(hook, NULL, NULL, 0), 0);
	CHECK_EQ(bpfhost_hook__stats(hook, &st), 0);
	CHECK_U64(st.invocations, 6);
	CHECK_U64(st.bad_header, 1);
	for (i = 0; i < 4; i++)
		bpfhost_ctx_free(c[i]);
	bpfhost__free(rt);
}

TEST(runtime_hook_engine_error)
{
	struct bpfhost_extension *ext;
	struct bpfhost_hook *hook;
	struct bpfhost_prog_type *type;
	struct bpfhost *rt = setup(&ext, &hook, &type);
	struct tctx *ctx = bpfhost_ctx_alloc(type, 0, 0);
	uint64_t v = 5;

	/*
	 * infinite recursion: the engine stops at its frame limit (the verifier
	 * refuses this program; loaded trusted to reach the engine's guard)
	 */
	attach(rt_load_opt(rt, "tprog", "rec", "call local f\nexit\nf:\ncall local f\nexit\n", NULL,
			   0, 1),
	       hook, 0);
	CHECK_EQ(bpfhost_hook_invoke(hook, ctx, &v), -E2BIG);
	CHECK_U64(v, 5);
	CHECK_U64(bpfhost_ctx_header(ctx)->slot[BPFHOST_CTX_SLOT_STATE], 0);
	bpfhost_ctx_free(ctx);
	bpfhost__free(rt);
}

TEST(runtime_hook_program_keeps_its_maps)
{
	struct bpfhost_extension *ext;
	struct bpfhost_hook *hook;
	struct bpfhost_prog_type *type;
	struct bpfhost *rt = setup(&ext, &hook, &type);
	struct tctx *ctx = bpfhost_ctx_alloc(type, 0, 0);
	char text[512];
	uint64_t v;
	int m, p, one;

	m = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "cnt", 4, 8, 1, NULL);
	one = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "val", 4, 8, 1, NULL);
	/* counter += 1 via bpf_map_lookup_elem; direct value: *val = 7; r0 = counter */
	snprintf(text, sizeof(text),
		 "mov %%r6, %%r1\nstw [%%r10-4], 0\nlddw %%r1, 0x%x\nmov %%r2, %%r10\n"
		 "add %%r2, -4\ncall 1\njeq %%r0, 0, out\nldxdw %%r3, [%%r0]\nadd %%r3, 1\n"
		 "stxdw [%%r0], %%r3\nlddw %%r4, 0x%x\nstdw [%%r4], 7\nmov %%r0, %%r3\nexit\n"
		 "out:\nmov %%r0, 0\nexit\n",
		 0x7fff0000 + m, 0x7ffe0000 + one);
	p = load(rt, "count", text);
	CHECK(p > 0);
	attach(p, hook, 0);
	CHECK_EQ(bpfhost_close(m), 0); /* the program holds the map */
	CHECK_EQ(bpfhost_hook_invoke(hook, ctx, &v), 0);
	CHECK_U64(v, 1);
	CHECK_EQ(bpfhost_hook_invoke(hook, ctx, &v), 0);
	CHECK_U64(v, 2);
	{
		uint32_t k = 0;
		uint64_t out = 0;

		CHECK_EQ(bpfhost_map_lookup_elem(one, &k, &out), 0);
		CHECK_U64(out, 7);
	}
	bpfhost_ctx_free(ctx);
	bpfhost__free(rt);
}

/* ---- link refusals ---- */

TEST(runtime_link_refusals)
{
	struct bpfhost_extension *ext, *other;
	struct bpfhost_hook *hook, *ohook;
	struct bpfhost_prog_type *type;
	struct bpfhost *rt = setup(&ext, &hook, &type);
	struct text t2;
	int p, m, q;

	text_init(&t2, "other");
	t2.type.name = "otype";
	t2.hooks[0].name = "ohook";
	t2.hooks[0].prog_type = "otype";
	other = bpfhost_extension__register(rt, &t2.ext);
	CHECK(other != NULL);
	ohook = bpfhost_extension__hook(other, "ohook");

	p = load(rt, "len", prog_len);
	rt_msgs_clear();
	CHECK_EQ(attach(p, ohook, 0), -EMEDIUMTYPE);
	CHECK_CONTAINS(rt_msgs,
		       "link of program 'len' to hook 'ohook' (extension 'other') "
		       "refused: the program is of type 'tprog', the hook runs programs of "
		       "type 'otype'");

	m = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "m", 4, 4, 1, NULL);
	rt_msgs_clear();
	CHECK_EQ(attach(m, hook, 0), -EBADF);
	CHECK_CONTAINS(rt_msgs, "is map, not a program");
	CHECK_EQ(attach(4242, hook, 0), -EBADF);
	CHECK_CONTAINS(rt_msgs, "fd 4242 is not open, not a program");
	CHECK_EQ(bpfhost_link_create(p, NULL, NULL), -EINVAL);

	/* the capability is checked again when a program meets the hook */
	hook->desc.capabilities = 0;
	rt_msgs_clear();
	CHECK_EQ(attach(p, hook, 0), -EPROTONOSUPPORT);
	CHECK_CONTAINS(rt_msgs, "refused: the hook provider does not declare "
				"BPFHOST_CAP_CONTEXT_HEADER");
	hook->desc.capabilities = BPFHOST_CAP_CONTEXT_HEADER;

	/* an unregistered hook */
	q = load(rt, "len2", prog_len);
	CHECK_EQ(bpfhost_extension__unregister(other), 0);
	rt_msgs_clear();
	CHECK_EQ(attach(q, ohook, 0), -ENODEV);
	CHECK_CONTAINS(rt_msgs, "the hook was unregistered");
	{
		uint64_t v;
		struct tctx *ctx = bpfhost_ctx_alloc(type, 0, 0);

		/* a retired hook's context type differs, but -ENODEV needs a good header */
		CHECK_EQ(bpfhost_hook_invoke(ohook, ctx, &v), -EBADMSG);
		bpfhost_ctx_free(ctx);
	}
	bpfhost__free(rt);
}

/* Load against provider A, re-register as B, try to attach. */
static int stale_case(void (*mutate)(struct hext *), const char *text, const char *expect)
{
	struct bpfhost *rt = rt_new();
	struct hext a, b;
	struct bpfhost_extension *ea, *eb;
	int p, err;

	hext_init(&a, "prov");
	ea = bpfhost_extension__register(rt, &a.t.ext);
	p = load(rt, "prog", text);
	bpfhost_extension__unregister(ea);
	hext_init(&b, "prov");
	mutate(&b);
	eb = bpfhost_extension__register(rt, &b.t.ext);
	if (!eb) {
		printf("  re-register failed: %s\n", rt_msgs);
		bpfhost__free(rt);
		return -1000;
	}
	rt_msgs_clear();
	err = attach(p, bpfhost_extension__hook(eb, "thook"), 0);
	if (expect)
		CHECK_CONTAINS(rt_msgs, expect);
	bpfhost__free(rt);
	return err > 0 ? 0 : err;
}

static void m_data_off(struct hext *h)
{
	h->t.cd.data_off = 8;
	h->t.cd.data_end_off = 0;
}
static void m_shrink(struct hext *h)
{
	h->t.cd.ctx_size = 20;
	h->t.cd.nr_writable = 0;
}
static void m_grow(struct hext *h)
{
	h->t.cd.ctx_size = 64;
}
static void m_proto(struct hext *h)
{
	h->helpers[0].args[1] = BPFHOST_ARG_PTR_TO_CTX;
}
static void m_drop_helper(struct hext *h)
{
	h->t.type.nr_helpers = 1;
}
static void m_none(struct hext *h)
{
}

TEST(runtime_link_stale_provider)
{
	const char *calls = "mov %r1, 1\nmov %r2, 2\ncall 0x10007\ncall 0x10008\nexit\n";

	CHECK_EQ(stale_case(m_none, calls, NULL), 0);
	CHECK_EQ(stale_case(m_data_off, calls,
			    "the program was loaded against data/data_end/data_meta offsets "
			    "0/8/-1, the provider of 'tprog' registered now has 8/0/-1"),
		 -ESTALE);
	CHECK_EQ(stale_case(m_shrink, calls,
			    "the program was checked against a 24-byte context, the provider of "
			    "'tprog' registered now has 20 bytes"),
		 -ESTALE);
	/* contexts may grow */
	CHECK_EQ(stale_case(m_grow, calls, NULL), 0);
	CHECK_EQ(stale_case(m_proto, calls,
			    "the prototype of helper 65543 (tprog_add) differs from the one the "
			    "program was loaded against"),
		 -ESTALE);
	CHECK_EQ(stale_case(m_drop_helper, calls,
			    "the program calls helper 65544 (peek_header), which the provider of "
			    "'tprog' registered now does not offer"),
		 -ESTALE);
	/* a helper the program does not call may change */
	CHECK_EQ(stale_case(m_proto, "mov %r0, 0\nexit\n", NULL), 0);
}

/* ---- re-registration ---- */

TEST(runtime_link_reattach_after_reregistration)
{
	struct bpfhost *rt = rt_new();
	struct hext a;
	struct bpfhost_extension *e;
	struct bpfhost_hook *old, *h;
	struct bpfhost_prog_type *type;
	BPFHOST_OPTS_INIT(bpfhost_hook_stats, st);
	struct tctx *ctx;
	uint64_t v = 0;
	int p, l;

	hext_init(&a, "prov");
	e = bpfhost_extension__register(rt, &a.t.ext);
	old = bpfhost_extension__hook(e, "thook");
	type = bpfhost_extension__prog_type(e, "tprog");
	p = load(rt, "len", prog_len);
	l = attach(p, old, 0);
	CHECK(l > 0);
	ctx = bpfhost_ctx_alloc(type, 0, 0);
	CHECK_EQ(bpfhost_hook_invoke(old, ctx, &v), 0);
	rt_msgs_clear();
	CHECK_EQ(bpfhost_extension__unregister(e), 0);
	CHECK_CONTAINS(rt_msgs, "hook 'thook' unregistered; detached until a hook of that name "
				"registers again");
	/* the old hook answers -ENODEV (header is still the old type's) */
	CHECK_EQ(bpfhost_hook_invoke(old, ctx, &v), -ENODEV);
	bpfhost_ctx_free(ctx);

	/* compatible provider: the link comes back by itself */
	e = bpfhost_extension__register(rt, &a.t.ext);
	h = bpfhost_extension__hook(e, "thook");
	CHECK(h != old);
	CHECK_CONTAINS(rt_msgs, "link of program 'len' re-attached to hook 'thook'");
	ctx = bpfhost_ctx_alloc(bpfhost_extension__prog_type(e, "tprog"), 0, 0);
	ctx->len = 31;
	CHECK_EQ(bpfhost_hook_invoke(h, ctx, &v), 0);
	CHECK_U64(v, 31);
	bpfhost_ctx_free(ctx);

	/* incompatible provider: detached for good, with the reason */
	CHECK_EQ(bpfhost_extension__unregister(e), 0);
	a.t.cd.ctx_size = 16;
	a.t.cd.nr_writable = 0;
	rt_msgs_clear();
	e = bpfhost_extension__register(rt, &a.t.ext);
	CHECK(e != NULL);
	CHECK_CONTAINS(rt_msgs, "link of program 'len' to hook 'thook' detached for good: the "
				"hook registered again with incompatible information: the program "
				"was checked against a 24-byte context");
	h = bpfhost_extension__hook(e, "thook");
	CHECK_EQ(bpfhost_hook__stats(h, &st), 0);
	CHECK_U64(st.links, 0);
	/* the link fd still closes cleanly */
	CHECK_EQ(bpfhost_close(l), 0);
	bpfhost__free(rt);
}
