/* SPDX-License-Identifier: MIT */
/*
 * Runtime benchmarks (interpreter): the cost of bpfhost_hook_invoke with
 * nothing attached and around a `return 0` program (header check, slot 0/3
 * write and clear, read-side section, link array walk), and of tail-call
 * chains of 1, 5 and 33 hops, each next to a native C equivalent timed in
 * the same run: a call through a function pointer, and a chain of calls
 * through a pointer table. The per-hop figure is the chain's net cost
 * divided by its hops.
 */
#include <stdio.h>

#include "bench_rt.h"

#define CALLS 1000000
#define NR_CHAINS 3

static const int hops[NR_CHAINS] = { 1, 5, 33 };

__attribute__((noinline)) static uint64_t native_ret0(void *ctx)
{
	__asm__ volatile("" ::"r"(ctx));
	return 0;
}

static uint64_t (*volatile native_ret0_ptr)(void *) = native_ret0;

typedef uint64_t (*native_fn)(void *ctx, int k);
static native_fn native_table[40];

/* native chain: each hop calls the next through a table, like a tail call */
__attribute__((noinline)) static uint64_t native_hop(void *ctx, int k)
{
	native_fn next = native_table[k + 1];

	__asm__ volatile("" ::"r"(ctx));
	return next ? next(ctx, k + 1) : 0;
}

static double time_native_ret0(void *ctx, int calls)
{
	volatile uint64_t sink = 0;
	uint64_t t0 = bench_now_ns();
	int i;

	for (i = 0; i < calls; i++)
		sink += native_ret0_ptr(ctx);
	(void)sink;
	return (double)(bench_now_ns() - t0) / calls;
}

static double time_native_chain(void *ctx, int nhops, int calls)
{
	volatile uint64_t sink = 0;
	uint64_t t0;
	int i;

	for (i = 0; i <= nhops; i++)
		native_table[i] = native_hop;
	native_table[nhops + 1] = NULL;
	t0 = bench_now_ns();
	for (i = 0; i < calls; i++)
		sink += native_table[0](ctx, 0);
	(void)sink;
	return (double)(bench_now_ns() - t0) / calls;
}

/* hop k: r0 = tail_call(ctx, pa, next) ... then r0 = 0 */
static int load_hop(struct bench_rt *b, int pa, int next)
{
	struct bpfhost_insn p[] = {
		BI_LD_MAP(2, pa),     BI(0xb7, 3, 0, 0, next), BI(0x85, 0, 0, 0, 12),
		BI(0xb7, 0, 0, 0, 0), BI(0x95, 0, 0, 0, 0),
	};

	return bench_rt_load(b, p, sizeof(p) / sizeof(p[0]));
}

BENCH_GROUP(runtime)
{
	const struct bpfhost_insn ret0[] = { BI(0xb7, 0, 0, 0, 0), BI(0x95, 0, 0, 0, 0) };
	double empty[BENCH_RUNS], inv[BENCH_RUNS], nat[BENCH_RUNS];
	double chain[NR_CHAINS][BENCH_RUNS], nchain[NR_CHAINS][BENCH_RUNS];
	double e, r0, n0;
	struct bench_rt b;
	int r, h, k;

	/* hook 0: `return 0`; hooks 1..3: the chains */
	bench_rt_init(&b, 1 + NR_CHAINS);
	for (h = 0; h < NR_CHAINS; h++) {
		int pa =
			bpfhost_map_create(b.rt, BPFHOST_MAP_TYPE_PROG_ARRAY, "pa", 4, 4, 40, NULL);

		if (pa < 0)
			bench_rt_die("prog array", pa);
		for (k = 0; k <= hops[h]; k++) {
			uint32_t key = (uint32_t)k, val;
			int fd = k < hops[h] ? load_hop(&b, pa, k + 1) : bench_rt_load(&b, ret0, 2);

			if (k == 0) {
				bench_rt_attach(&b, 1 + h, fd);
				continue;
			}
			val = (uint32_t)fd;
			if (bpfhost_map_update_elem(pa, &key, &val, BPFHOST_ANY))
				bench_rt_die("prog array update", k);
		}
	}

	for (r = 0; r < BENCH_RUNS; r++)
		empty[r] = bench_rt_time_invoke(&b, 0, CALLS);
	bench_rt_attach(&b, 0, bench_rt_load(&b, ret0, 2));
	for (r = 0; r < BENCH_RUNS; r++) {
		inv[r] = bench_rt_time_invoke(&b, 0, CALLS);
		nat[r] = time_native_ret0(b.ctx, CALLS);
		for (h = 0; h < NR_CHAINS; h++) {
			chain[h][r] = bench_rt_time_invoke(&b, 1 + h, CALLS / 4);
			nchain[h][r] = time_native_chain(b.ctx, hops[h], CALLS / 4);
		}
	}
	e = bench_median(empty, BENCH_RUNS);
	r0 = bench_median(inv, BENCH_RUNS);
	n0 = bench_median(nat, BENCH_RUNS);
	bench_rt_header();
	bench_rt_row("hook_invoke, nothing attached", e, n0, -1, "call through a function pointer");
	bench_rt_row("hook_invoke, `return 0` (header check/write/clear)", r0, n0, -1,
		     "call through a function pointer");
	for (h = 0; h < NR_CHAINS; h++) {
		double c = bench_median(chain[h], BENCH_RUNS);
		char name[64];

		snprintf(name, sizeof(name), "tail-call chain of %d hop%s", hops[h],
			 hops[h] > 1 ? "s" : "");
		bench_rt_row(name, c, bench_median(nchain[h], BENCH_RUNS), bench_rt_net(c, r0),
			     "chain of calls through a pointer table");
		snprintf(name, sizeof(name), "  per hop");
		bench_rt_row(name, bench_rt_net(c, r0) / hops[h], 0, -1, NULL);
	}
	bench_rt_fini(&b);
}
