/* SPDX-License-Identifier: MIT */
/*
 * Verification time and memory on generated programs of 1k, 10k and 100k
 * instructions: straight-line code (ALU, context loads, stack spills) and
 * typical branching code (a field is compared and a counter updated on one
 * side of each branch; the counters end in the context, r0 is a constant
 * verdict, packet checks with early exits). Prints a table; fails only on a
 * gross regression (more than 100 ms per 1,000 instructions, or states not
 * linear in size), since timings vary between machines and sanitizers.
 * The generators are in tests/lib/vgen.c; bench/bench_verifier.c measures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/harness.h"
#include "../lib/vgen.h"
#include "test_verifier_util.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void run(const char *name, size_t (*gen)(struct bpfhost_insn *, size_t), size_t n,
		const char *type)
{
	struct bpfhost_insn *p = calloc(n + 8, sizeof(*p));
	struct vt_run *r = malloc(sizeof(*r));
	size_t cnt;
	double t0, ms;

	if (!p || !r) {
		free(p);
		free(r);
		bh_test_fail(__FILE__, __LINE__, "out of memory");
		return;
	}
	cnt = gen(p, n);
	t0 = now_ms();
	vt_verify_insns(p, cnt, type, 0, r);
	ms = now_ms() - t0;
	printf("  %-9s %7zu insns: %8.2f ms (%6.2f ms/1k), processed %8llu, states %6llu, "
	       "peak %6llu, peak memory %7zu KiB\n",
	       name, cnt, ms, ms * 1000.0 / (double)cnt, (unsigned long long)r->res.insns_processed,
	       (unsigned long long)r->res.states, (unsigned long long)r->res.peak_states,
	       r->res.peak_bytes / 1024);
	CHECK_MSG(r->err == 0, "%s %zu: %s", name, cnt, r->log);
	CHECK_MSG(ms * 1000.0 / (double)cnt < 100.0, "%s %zu: %.1f ms", name, cnt, ms);
	CHECK_MSG(r->res.peak_states <= 4 * cnt + 64, "%s %zu: %llu states", name, cnt,
		  (unsigned long long)r->res.peak_states);
	vt_run_free(r);
	free(r);
	free(p);
}

TEST(verifier_perf)
{
	static const size_t sizes[] = { 1000, 10000, 100000 };
	size_t i;

	printf("verifier performance:\n");
	for (i = 0; i < 3; i++)
		run("straight", vgen_straight, sizes[i], "ctx");
	for (i = 0; i < 3; i++)
		run("branchy", vgen_branchy, sizes[i], "xdp");
}
