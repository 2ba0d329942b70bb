/* SPDX-License-Identifier: MIT */
/*
 * Verification time and memory on generated programs of 1k, 10k and 100k
 * instructions: straight-line code (ALU, context loads, stack spills) and
 * typical branching code (a field is compared and a counter updated on one
 * side of each branch; the counters end in the context, r0 is a constant
 * verdict, packet checks with early exits). Prints a table; fails only on a
 * gross regression (more than 100 ms per 1,000 instructions, or states not
 * linear in size), since timings vary between machines and sanitizers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/harness.h"
#include "test_verifier_util.h"

#define I(c, d, s, o, i) ((struct bpfhost_insn){ (c), (d), (s), (o), (i) })

static size_t gen_straight(struct bpfhost_insn *p, size_t n)
{
	size_t k = 0;

	p[k++] = I(0xb7, 0, 0, 0, 0); /* r0 = 0 */
	while (k + 10 <= n - 2) {
		p[k++] = I(0x61, 2, 1, 0, 0);	 /* r2 = *(u32 *)(r1 + 0) */
		p[k++] = I(0xbf, 3, 2, 0, 0);	 /* r3 = r2 */
		p[k++] = I(0x07, 3, 0, 0, 7);	 /* r3 += 7 */
		p[k++] = I(0x27, 3, 0, 0, 3);	 /* r3 *= 3 */
		p[k++] = I(0x7b, 10, 3, -8, 0);	 /* *(u64 *)(r10 - 8) = r3 */
		p[k++] = I(0x79, 4, 10, -8, 0);	 /* r4 = *(u64 *)(r10 - 8) */
		p[k++] = I(0xaf, 0, 4, 0, 0);	 /* r0 ^= r4 */
		p[k++] = I(0x77, 4, 0, 0, 3);	 /* r4 >>= 3 */
		p[k++] = I(0x0f, 0, 4, 0, 0);	 /* r0 += r4 */
		p[k++] = I(0x63, 10, 2, -16, 0); /* *(u32 *)(r10 - 16) = r2 */
	}
	while (k < n - 2)
		p[k++] = I(0x07, 0, 0, 0, 1);
	p[k++] = I(0x57, 0, 0, 0, 1); /* r0 &= 1 */
	p[k++] = I(0x95, 0, 0, 0, 0);
	return k;
}

/*
 * Blocks of 14: a bounds check with an early exit (to the block's own drop
 * exit), a compare of a packet byte with a counter update on one side, a
 * field load and a compare with a flag update on one side.
 */
static size_t gen_branchy(struct bpfhost_insn *p, size_t n)
{
	size_t k = 0;
	int32_t b = 0;

	p[k++] = I(0x79, 2, 1, 0, 0); /* r2 = data */
	p[k++] = I(0x79, 3, 1, 8, 0); /* r3 = data_end */
	p[k++] = I(0xb7, 6, 0, 0, 0); /* r6 = 0 */
	p[k++] = I(0xb7, 7, 0, 0, 0); /* r7 = 0 */
	while (k + 15 <= n - 3) {
		int32_t off = (b++ % 8) * 4;

		p[k++] = I(0xbf, 4, 2, 0, 0);		 /* r4 = r2 */
		p[k++] = I(0x07, 4, 0, 0, off + 4);	 /* r4 += off + 4 */
		p[k++] = I(0x2d, 4, 3, 10, 0);		 /* if r4 > r3 goto drop */
		p[k++] = I(0x61, 5, 2, (int16_t)off, 0); /* r5 = *(u32 *)(r2 + off) */
		p[k++] = I(0x25, 5, 0, 1, 100);		 /* if r5 > 100 goto +1 */
		p[k++] = I(0x07, 6, 0, 0, 1);		 /* r6 += 1 */
		p[k++] = I(0x61, 8, 1, 24, 0);		 /* r8 = ifindex */
		p[k++] = I(0x55, 8, 0, 1, 3);		 /* if r8 != 3 goto +1 */
		p[k++] = I(0x47, 7, 0, 0, 2);		 /* r7 |= 2 */
		p[k++] = I(0xbf, 9, 5, 0, 0);		 /* r9 = r5 */
		p[k++] = I(0x57, 9, 0, 0, 0xff);	 /* r9 &= 0xff */
		p[k++] = I(0x0f, 6, 9, 0, 0);		 /* r6 += r9 */
		p[k++] = I(0x05, 0, 0, 2, 0);		 /* goto next block */
		p[k++] = I(0xb7, 0, 0, 0, 1);		 /* drop: r0 = XDP_DROP */
		p[k++] = I(0x95, 0, 0, 0, 0);		 /* exit */
	}
	while (k < n - 3)
		p[k++] = I(0x07, 7, 0, 0, 0);
	p[k++] = I(0x63, 1, 6, 32, 0); /* mark = r6 */
	p[k++] = I(0xb7, 0, 0, 0, 2);  /* r0 = XDP_PASS */
	p[k++] = I(0x95, 0, 0, 0, 0);
	return k;
}

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
		run("straight", gen_straight, sizes[i], "ctx");
	for (i = 0; i < 3; i++)
		run("branchy", gen_branchy, sizes[i], "xdp");
}
