/* SPDX-License-Identifier: MIT */
/*
 * Interpreter benchmarks: ns per simple instruction in a 1000-iteration loop
 * and ns per call of a `return 0` program, against native C equivalents.
 * Targets (issue #2): <= 1.5 ns per instruction, <= 10 ns per call.
 */
#include <stdio.h>
#include <stdlib.h>

#include <bpfhost/isa.h>
#include "bench.h"

#define I(c, d, s, o, i)        \
	((struct bpfhost_insn){ \
		.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

static struct bpfhost_vm *load(const struct bpfhost_insn *p, size_t n)
{
	struct bpfhost_vm *vm = bpfhost_vm__load(p, n, NULL);

	if (!vm) {
		perror("bpfhost_vm__load");
		exit(1);
	}
	return vm;
}

/* Native baseline of the loop: the compiler may not fold it (volatile bound). */
static volatile uint64_t native_bound = 1000;
__attribute__((noinline)) static uint64_t native_loop(uint64_t x)
{
	uint64_t r0 = 0, r1 = 0, n = native_bound;

	while (r1 < n) {
		r0 += r1 ^ x;
		r1++;
	}
	return r0;
}

__attribute__((noinline)) static uint64_t native_ret0(uint64_t ctx)
{
	__asm__ volatile("" ::"r"(ctx));
	return 0;
}
static uint64_t (*volatile native_ret0_ptr)(uint64_t) = native_ret0;

BENCH_GROUP(interpreter)
{
	/*
	 * r0 = 0; r1 = 0
	 * loop: r3 = r1; r3 ^= r2; r0 += r3; r1 += 1; if r1 < 1000 goto loop
	 * exit
	 * 5 instructions per iteration, 5002 + 1 executed per run.
	 */
	struct bpfhost_insn loop[] = {
		I(0xb7, 0, 0, 0, 0),	 I(0xb7, 1, 0, 0, 0), I(0xbf, 3, 1, 0, 0),
		I(0xaf, 3, 2, 0, 0),	 I(0x0f, 0, 3, 0, 0), I(0x07, 1, 0, 0, 1),
		I(0xa5, 1, 0, -5, 1000), I(0x95, 0, 0, 0, 0),
	};
	struct bpfhost_insn ret0[] = { I(0xb7, 0, 0, 0, 0), I(0x95, 0, 0, 0, 0) };
	const double executed = 2 + 5 * 1000 + 1;
	struct bpfhost_vm *vl = load(loop, sizeof(loop) / sizeof(loop[0]));
	struct bpfhost_vm *vr = load(ret0, 2);
	double ins[BENCH_RUNS], nat[BENCH_RUNS], call[BENCH_RUNS], ncall[BENCH_RUNS];
	uint64_t sink = 0;
	int r;

	for (r = 0; r < BENCH_RUNS; r++) {
		const int reps = 2000, calls = 2000000;
		uint64_t t0, r0 = 0;
		int i;

		t0 = bench_now_ns();
		for (i = 0; i < reps; i++) {
			bpfhost_vm__run(vl, 0, (uint64_t)i, &r0);
			sink += r0;
		}
		ins[r] = (double)(bench_now_ns() - t0) / (reps * executed);

		t0 = bench_now_ns();
		for (i = 0; i < reps; i++)
			sink += native_loop((uint64_t)i);
		nat[r] = (double)(bench_now_ns() - t0) / (reps * executed);

		t0 = bench_now_ns();
		for (i = 0; i < calls; i++) {
			bpfhost_vm__run(vr, (uint64_t)i, 0, &r0);
			sink += r0;
		}
		call[r] = (double)(bench_now_ns() - t0) / calls;

		t0 = bench_now_ns();
		for (i = 0; i < calls; i++)
			sink += native_ret0_ptr((uint64_t)i);
		ncall[r] = (double)(bench_now_ns() - t0) / calls;
	}
	bench_row("ns per instruction (1000-iteration loop)", bench_median(ins, BENCH_RUNS),
		  bench_median(nat, BENCH_RUNS), "target <= 1.5 ns");
	bench_row("ns per call of `return 0`", bench_median(call, BENCH_RUNS),
		  bench_median(ncall, BENCH_RUNS), "target <= 10 ns");
	if (sink == 42)
		printf("(sink)\n");
	bpfhost_vm__free(vl);
	bpfhost_vm__free(vr);
}
