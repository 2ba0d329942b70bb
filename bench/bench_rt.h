/* SPDX-License-Identifier: MIT */
/*
 * Shared by the runtime benchmarks (bench_runtime.c, bench_helpers.c): a
 * runtime instance with a benchmark program type and as many hooks as the
 * benchmarks need, programs loaded for the interpreter engine, a timed
 * invoke loop, and the table every runtime figure is printed in:
 *
 *   operation   bpfhost ns   native ns   ratio   net ns   native baseline
 *
 * "bpfhost ns" is one bpfhost_hook_invoke of the program (median of
 * BENCH_RUNS runs), "native ns" the C equivalent timed in the same run,
 * "net ns" the bpfhost figure minus the `return 0` invocation measured in
 * the same run (what the operation itself costs inside a program).
 */
#ifndef BH_BENCH_RT_H
#define BH_BENCH_RT_H

#include <stddef.h>
#include <stdint.h>

#include <bpfhost/bpfhost.h>
#include "bench.h"

#define BI(c, d, s, o, i)       \
	((struct bpfhost_insn){ \
		.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
/* lddw dst, map fd (BPF_PSEUDO_MAP_FD): two slots */
#define BI_LD_MAP(dst, fd) BI(0x18, dst, 1, 0, fd), BI(0, 0, 0, 0, 0)

#define BENCH_RT_MAX_HOOKS 8

/* context of the benchmark program type: packet pointers only */
struct bench_rt_ctx {
	uint64_t data, data_end;
};

struct bench_rt {
	struct bpfhost *rt;
	struct bpfhost_extension *ext;
	struct bpfhost_prog_type *type;
	struct bpfhost_hook *hooks[BENCH_RT_MAX_HOOKS];
	int nr_hooks;
	void *ctx; /* a header-prefixed context of the type, reused */
};

/* Instance with program type "bench" and nr_hooks hooks (rule LAST); exits on error. */
void bench_rt_init(struct bench_rt *b, int nr_hooks);
void bench_rt_fini(struct bench_rt *b);
/* Load a program for the interpreter; returns its fd, exits on error. */
int bench_rt_load(struct bench_rt *b, const struct bpfhost_insn *insns, size_t cnt);
/* Attach prog to hook i; exits on error. */
void bench_rt_attach(struct bench_rt *b, int hook, int prog);
/* ns per bpfhost_hook_invoke of hook on b->ctx, over calls calls; exits on error. */
double bench_rt_time_invoke(struct bench_rt *b, int hook, int calls);
__attribute__((noreturn)) void bench_rt_die(const char *what, int err);

/* bpfhost figure minus the reference, never below 0 (noise) */
static inline double bench_rt_net(double ns, double reference)
{
	return ns > reference ? ns - reference : 0;
}

/* The table. */
void bench_rt_header(void);
/* net < 0: not applicable; native <= 0: no baseline */
void bench_rt_row(const char *name, double ns, double native, double net, const char *baseline);

#endif /* BH_BENCH_RT_H */
