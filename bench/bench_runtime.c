/* SPDX-License-Identifier: MIT */
/*
 * Runtime benchmarks (interpreter): the cost of bpfhost_hook_invoke around a
 * `return 0` program (header check, slot 0/3 write and clear, read-side
 * section, link array walk) and of tail-call chains of 1, 5 and 33 hops,
 * each next to a native C equivalent measured in the same run: a call
 * through a function pointer, and a chain of calls through a pointer table.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <bpfhost/bpfhost.h>
#include "bench.h"

#define I(c, d, s, o, i)        \
	((struct bpfhost_insn){ \
		.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

struct bctx {
	uint64_t data, data_end;
};

static const struct bpfhost_ctx_desc bctx_desc = {
	.version = BPFHOST_CTX_DESC_VERSION,
	.size = sizeof(struct bpfhost_ctx_desc),
	.ctx_size = sizeof(struct bctx),
	.data_off = 0,
	.data_end_off = 8,
	.data_meta_off = -1,
};

static const struct bpfhost_prog_type_desc btype = {
	.version = BPFHOST_PROG_TYPE_DESC_VERSION,
	.size = sizeof(struct bpfhost_prog_type_desc),
	.name = "bench",
	.ctx_desc = &bctx_desc,
	.capabilities = BPFHOST_CAP_CONTEXT_HEADER,
};

static const struct bpfhost_hook_desc bhook = {
	.version = BPFHOST_HOOK_DESC_VERSION,
	.size = sizeof(struct bpfhost_hook_desc),
	.name = "bench_hook",
	.prog_type = "bench",
	.verdict_rule = BPFHOST_VERDICT_LAST,
	.capabilities = BPFHOST_CAP_CONTEXT_HEADER,
};

static const struct bpfhost_prog_type_desc *const btypes[] = { &btype };
static const struct bpfhost_hook_desc *const bhooks[] = { &bhook };

static const struct bpfhost_extension_desc bext = {
	.version = BPFHOST_EXTENSION_DESC_VERSION,
	.size = sizeof(struct bpfhost_extension_desc),
	.name = "bench",
	.prog_types = btypes,
	.nr_prog_types = 1,
	.nr_hooks = 1,
	.hooks = bhooks,
};

static void die(const char *what, int err)
{
	fprintf(stderr, "bench_runtime: %s: %d\n", what, err);
	exit(1);
}

static int load(struct bpfhost *rt, const struct bpfhost_insn *p, size_t n)
{
	int fd = bpfhost_prog_load(rt, "bench", "b", p, n, NULL);

	if (fd < 0)
		die("prog_load", fd);
	return fd;
}

/* hop k: r0 = tail_call(ctx, pa, k + 1) ... then r0 = 0 */
static int load_hop(struct bpfhost *rt, int pa, int next)
{
	struct bpfhost_insn p[] = {
		I(0x18, 2, 1, 0, pa), I(0, 0, 0, 0, 0),	   I(0xb7, 3, 0, 0, next),
		I(0x85, 0, 0, 0, 12), I(0xb7, 0, 0, 0, 0), I(0x95, 0, 0, 0, 0),
	};

	return load(rt, p, sizeof(p) / sizeof(p[0]));
}

__attribute__((noinline)) static uint64_t native_ret0(void *ctx)
{
	__asm__ volatile("" ::"r"(ctx));
	return 0;
}

typedef uint64_t (*native_fn)(void *ctx, int k);
static native_fn native_table[40];

/* native chain: each hop calls the next through a table, like a tail call */
__attribute__((noinline)) static uint64_t native_hop(void *ctx, int k)
{
	native_fn next = native_table[k + 1];

	__asm__ volatile("" ::"r"(ctx));
	return next ? next(ctx, k + 1) : 0;
}

static uint64_t (*volatile native_ret0_ptr)(void *) = native_ret0;

#define CALLS 1000000

static double time_invoke(struct bpfhost_hook *hook, void *ctx, int calls)
{
	uint64_t t0, v;
	int i, err;

	t0 = bench_now_ns();
	for (i = 0; i < calls; i++) {
		err = bpfhost_hook_invoke(hook, ctx, &v);
		if (err)
			die("invoke", err);
	}
	return (double)(bench_now_ns() - t0) / calls;
}

static double time_native_chain(void *ctx, int hops, int calls)
{
	volatile uint64_t sink = 0;
	uint64_t t0;
	int i;

	for (i = 0; i <= hops; i++)
		native_table[i] = native_hop;
	native_table[hops + 1] = NULL;
	t0 = bench_now_ns();
	for (i = 0; i < calls; i++)
		sink += native_table[0](ctx, 0);
	if (sink == 42)
		printf("(sink)\n");
	return (double)(bench_now_ns() - t0) / calls;
}

BENCH_GROUP(runtime)
{
	static const int hops[] = { 1, 5, 33 };
	struct bpfhost_insn ret0[] = { I(0xb7, 0, 0, 0, 0), I(0x95, 0, 0, 0, 0) };
	double inv[BENCH_RUNS], nat[BENCH_RUNS], empty[BENCH_RUNS];
	double chain[3][BENCH_RUNS], nchain[3][BENCH_RUNS];
	struct bpfhost_hook *hook, *chook[3];
	struct bpfhost_extension *ext;
	struct bpfhost *rt;
	volatile uint64_t sink = 0;
	void *ctx;
	int r, h, k, fd;

	rt = bpfhost__new(NULL);
	ext = rt ? bpfhost_extension__register(rt, &bext) : NULL;
	if (!ext)
		die("register", -errno);
	hook = bpfhost_extension__hook(ext, "bench_hook");
	ctx = bpfhost_ctx_alloc(bpfhost_extension__prog_type(ext, "bench"), 0, 0);
	if (!ctx)
		die("ctx_alloc", -errno);

	/* the chains run on hooks of their own: three more registrations */
	for (h = 0; h < 3; h++) {
		static struct bpfhost_hook_desc hd[3];
		static const struct bpfhost_hook_desc *hp[3][1];
		static struct bpfhost_extension_desc ed[3];
		static char names[3][2][16];
		struct bpfhost_extension *e;
		int pa, first = -1;

		snprintf(names[h][0], 16, "chain%d", hops[h]);
		snprintf(names[h][1], 16, "chainext%d", hops[h]);
		hd[h] = bhook;
		hd[h].name = names[h][0];
		hp[h][0] = &hd[h];
		ed[h] = (struct bpfhost_extension_desc){
			.version = BPFHOST_EXTENSION_DESC_VERSION,
			.size = sizeof(ed[h]),
			.name = names[h][1],
			.nr_hooks = 1,
			.hooks = hp[h],
		};
		e = bpfhost_extension__register(rt, &ed[h]);
		if (!e)
			die("register chain hook", -errno);
		chook[h] = bpfhost_extension__hook(e, names[h][0]);
		pa = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_PROG_ARRAY, "pa", 4, 4, 40, NULL);
		if (pa < 0)
			die("prog array", pa);
		for (k = 0; k <= hops[h]; k++) {
			uint32_t key = (uint32_t)k, val;

			fd = k < hops[h] ? load_hop(rt, pa, k + 1) : load(rt, ret0, 2);
			if (k == 0)
				first = fd;
			else {
				val = (uint32_t)fd;
				if (bpfhost_map_update_elem(pa, &key, &val, BPFHOST_ANY))
					die("prog array update", k);
			}
		}
		if (bpfhost_link_create(first, chook[h], NULL) < 0)
			die("link chain", first);
	}

	/* nothing attached, then one `return 0` program */
	for (r = 0; r < BENCH_RUNS; r++)
		empty[r] = time_invoke(hook, ctx, CALLS);
	fd = load(rt, ret0, 2);
	if (bpfhost_link_create(fd, hook, NULL) < 0)
		die("link", fd);
	for (r = 0; r < BENCH_RUNS; r++) {
		uint64_t t0;
		int i;

		inv[r] = time_invoke(hook, ctx, CALLS);
		t0 = bench_now_ns();
		for (i = 0; i < CALLS; i++)
			sink += native_ret0_ptr(ctx);
		nat[r] = (double)(bench_now_ns() - t0) / CALLS;
		for (h = 0; h < 3; h++) {
			chain[h][r] = time_invoke(chook[h], ctx, CALLS / 4);
			nchain[h][r] = time_native_chain(ctx, hops[h], CALLS / 4);
		}
	}
	bench_row("hook_invoke, nothing attached", bench_median(empty, BENCH_RUNS),
		  bench_median(nat, BENCH_RUNS), NULL);
	bench_row("hook_invoke, `return 0` (header check/write/clear)",
		  bench_median(inv, BENCH_RUNS), bench_median(nat, BENCH_RUNS), NULL);
	for (h = 0; h < 3; h++) {
		char name[64];
		double c = bench_median(chain[h], BENCH_RUNS);

		snprintf(name, sizeof(name), "hook_invoke, tail-call chain of %d hops", hops[h]);
		bench_row(name, c, bench_median(nchain[h], BENCH_RUNS), NULL);
		snprintf(name, sizeof(name), "  per hop (%d hops)", hops[h]);
		bench_row(name, (c - bench_median(inv, BENCH_RUNS)) / hops[h], 0, NULL);
	}
	if (sink == 42)
		printf("(sink)\n");
	bpfhost_ctx_free(ctx);
	bpfhost__free(rt);
}
