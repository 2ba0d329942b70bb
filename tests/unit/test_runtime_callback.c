/* SPDX-License-Identifier: MIT */
/*
 * Callbacks: bpf_loop and bpf_for_each_map_elem calling BPF subprograms
 * (lddw src=4) through bh_call_bpf_func — arguments, the program context
 * seen by helpers inside the callback, early stop, nesting limit, refusals.
 */
#include "test_runtime_util.h"
#include "helpers/helpers.h"
#include "runtime/runtime.h"

struct cenv {
	struct bpfhost *rt;
	struct bpfhost_hook *hook;
	struct bpfhost_prog_type *type;
	struct text t;
};

static void cenv_init(struct cenv *e)
{
	struct bpfhost_extension *ext;

	e->rt = rt_new();
	text_init(&e->t, "cb");
	ext = bpfhost_extension__register(e->rt, &e->t.ext);
	e->hook = bpfhost_extension__hook(ext, "thook");
	e->type = bpfhost_extension__prog_type(ext, "tprog");
}

/*
 * Load (trusted: skipping the verifier, for the engine's own guards the
 * verifier would refuse), attach with cookie, invoke once; returns the
 * verdict (or ~0 on error).
 */
static uint64_t run_opt(struct cenv *e, const char *text, uint64_t cookie, int trusted)
{
	BPFHOST_OPTS_INIT(bpfhost_link_opts, lo, .cookie = cookie);
	char log[1024];
	struct tctx *ctx;
	uint64_t v = ~0ull;
	int p, l, err;

	p = rt_load_opt(e->rt, "tprog", "cb", text, log, sizeof(log), trusted);
	if (p < 0) {
		printf("  load: %s\n", log);
		return ~0ull;
	}
	l = bpfhost_link_create(p, e->hook, &lo);
	ctx = bpfhost_ctx_alloc(e->type, 0, 0);
	err = bpfhost_hook_invoke(e->hook, ctx, &v);
	if (err)
		printf("  invoke: %d\n", err);
	bpfhost_ctx_free(ctx);
	bpfhost_close(l);
	bpfhost_close(p);
	return v;
}

static uint64_t run(struct cenv *e, const char *text, uint64_t cookie)
{
	return run_opt(e, text, cookie, 0);
}

/*
 * Block at r10-16: { sum, ctx }. bpf_loop(10, cb, &block); r0 = sum.
 * cb(index, block): sum += index + bpf_get_attach_cookie(block->ctx), and
 * bpf_trace_printk("cb!") — which finds the program through the context
 * the engine passes implicitly.
 */
static const char *loop_prog = "stxdw [%r10-8], %r1\n"	  /* 0 */
			       "stdw [%r10-16], 0\n"	  /* 1 */
			       "mov %r1, 10\n"		  /* 2 */
			       "lddw %r2, 0x7ffd000c\n"	  /* 3-4: callback at 12 */
			       "mov %r3, %r10\n"	  /* 5 */
			       "add %r3, -16\n"		  /* 6 */
			       "mov %r4, 0\n"		  /* 7 */
			       "call 181\n"		  /* 8 */
			       "jne %r0, 10, +1\n"	  /* 9: iterations */
			       "ldxdw %r0, [%r10-16]\n"	  /* 10 */
			       "exit\n"			  /* 11 */
			       "mov %r6, %r1\n"		  /* 12: cb(index, block) */
			       "mov %r7, %r2\n"		  /* 13 */
			       "ldxdw %r1, [%r7+8]\n"	  /* 14 */
			       "call 174\n"		  /* 15: bpf_get_attach_cookie */
			       "add %r0, %r6\n"		  /* 16 */
			       "ldxdw %r3, [%r7+0]\n"	  /* 17 */
			       "add %r3, %r0\n"		  /* 18 */
			       "stxdw [%r7+0], %r3\n"	  /* 19 */
			       "stw [%r10-4], 0x216263\n" /* 20: "cb!" */
			       "mov %r1, %r10\n"	  /* 21 */
			       "add %r1, -4\n"		  /* 22 */
			       "mov %r2, 4\n"		  /* 23 */
			       "call 6\n"		  /* 24: bpf_trace_printk */
			       "mov %r0, 0\n"		  /* 25 */
			       "exit\n";		  /* 26 */

static int traces;
static char trace_name[32];

static void trace_sink(void *tctx, const char *prog, const char *text)
{
	if (!strcmp(text, "cb!") || !strcmp(text, "cb!\n"))
		traces++;
	snprintf(trace_name, sizeof(trace_name), "%s", prog);
}

TEST(runtime_callback_loop)
{
	BPFHOST_OPTS_INIT(bpfhost_opts, o, .print = rt_capture, .trace = trace_sink);
	struct bpfhost_extension *ext;
	struct cenv e;

	/* an instance with a trace sink */
	text_init(&e.t, "cb");
	e.rt = bpfhost__new(&o);
	ext = bpfhost_extension__register(e.rt, &e.t.ext);
	e.hook = bpfhost_extension__hook(ext, "thook");
	e.type = bpfhost_extension__prog_type(ext, "tprog");
	traces = 0;
	/* 0 + 1 + ... + 9, plus the link's cookie seen 10 times inside the callback */
	CHECK_U64(run(&e, loop_prog, 100), 45 + 1000);
	CHECK_EQ(traces, 10);
	CHECK_STR(trace_name, "cb");
	bpfhost__free(e.rt);
}

TEST(runtime_callback_loop_stops_early)
{
	struct cenv e;

	cenv_init(&e);
	/* callback returns 1 at index 3: bpf_loop reports 4 iterations */
	CHECK_U64(run(&e,
		      "mov %r1, 100\nlddw %r2, 0x7ffd0007\nmov %r3, 0\nmov %r4, 0\ncall 181\n"
		      "exit\n"
		      "mov %r0, 0\njne %r1, 3, +1\nmov %r0, 1\nexit\n",
		      0),
		  4);
	/* a value that is not one of the program's callbacks: the verifier refuses it... */
	CHECK_U64(run(&e, "mov %r1, 3\nmov %r2, 1234\nmov %r3, 0\nmov %r4, 0\ncall 181\nexit\n", 0),
		  ~0ull);
	/* ...and the helper refuses it at run time in a trusted program */
	CHECK_U64(run_opt(&e, "mov %r1, 3\nmov %r2, 1234\nmov %r3, 0\nmov %r4, 0\ncall 181\nexit\n",
			  0, 1),
		  (uint64_t)-EINVAL);
	bpfhost__free(e.rt);
}

TEST(runtime_callback_nesting_limit)
{
	struct cenv e;

	cenv_init(&e);
	/*
	 * the callback calls bpf_loop(1, itself, ctx): one level per callback,
	 * counted (the verifier refuses the recursion; trusted reaches the
	 * runtime's nesting limit)
	 */
	CHECK_U64(run_opt(&e,
			  "stdw [%r10-8], 0\nmov %r1, 1\nlddw %r2, 0x7ffd000a\nmov %r3, %r10\n"
			  "add %r3, -8\nmov %r4, 0\ncall 181\nldxdw %r0, [%r10-8]\nexit\n"
			  /* 10: cb(index, counter) */
			  "ldxdw %r3, [%r2+0]\nadd %r3, 1\nstxdw [%r2+0], %r3\nmov %r3, %r2\n"
			  "mov %r1, 1\nlddw %r2, 0x7ffd000a\nmov %r4, 0\ncall 181\nmov %r0, 0\n"
			  "exit\n",
			  0, 1),
		  BH_MAX_CB_DEPTH);
	bpfhost__free(e.rt);
}

TEST(runtime_callback_for_each_map_elem)
{
	struct cenv e;
	char text[1024];
	uint32_t k;
	uint64_t v;
	int m;

	cenv_init(&e);
	m = bpfhost_map_create(e.rt, BPFHOST_MAP_TYPE_ARRAY, "arr", 4, 8, 4, NULL);
	for (k = 0; k < 4; k++) {
		v = 10 * (k + 1);
		bpfhost_map_update_elem(m, &k, &v, BPFHOST_ANY);
	}
	/* sum of values via bpf_for_each_map_elem(map, cb, &sum, 0); r0 = sum * 10 + visited */
	snprintf(text, sizeof(text),
		 "stdw [%%r10-8], 0\n"	   /* 0 */
		 "lddw %%r1, 0x%x\n"	   /* 1-2 */
		 "lddw %%r2, 0x7ffd000e\n" /* 3-4: callback at 14 */
		 "mov %%r3, %%r10\n"	   /* 5 */
		 "add %%r3, -8\n"	   /* 6 */
		 "mov %%r4, 0\n"	   /* 7 */
		 "call 164\n"		   /* 8 */
		 "ldxdw %%r1, [%%r10-8]\n" /* 9 */
		 "mul %%r1, 10\n"	   /* 10 */
		 "add %%r1, %%r0\n"	   /* 11 */
		 "mov %%r0, %%r1\n"	   /* 12 */
		 "exit\n"		   /* 13 */
		 "ldxdw %%r5, [%%r3+0]\n"  /* 14: cb(map, key, value, ctx) */
		 "ldxdw %%r0, [%%r4+0]\n"  /* 15 */
		 "add %%r0, %%r5\n"	   /* 16 */
		 "stxdw [%%r4+0], %%r0\n"  /* 17 */
		 "mov %%r0, 0\n"	   /* 18 */
		 "exit\n",		   /* 19 */
		 0x7fff0000 + m);
	CHECK_U64(run(&e, text, 0), 100 * 10 + 4);
	bpfhost__free(e.rt);
}

TEST(runtime_callback_outside_invocation)
{
	struct cenv e;
	struct tctx *ctx;
	uint64_t r = 0;

	cenv_init(&e);
	ctx = bpfhost_ctx_alloc(e.type, 0, 0);
	/* slot 0 is clear: no invocation, nothing to call into */
	CHECK_EQ(bh_call_bpf_func(ctx, BH_CB_TAG | 1, 0, 0, 0, 0, 0, &r), -EINVAL);
	CHECK_EQ(bh_call_bpf_func(NULL, BH_CB_TAG | 1, 0, 0, 0, 0, 0, &r), -EINVAL);
	bpfhost_ctx_free(ctx);
	bpfhost__free(e.rt);
}
