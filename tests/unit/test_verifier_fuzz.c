/* SPDX-License-Identifier: MIT */
/*
 * A small soundness fuzzer for the verifier (deterministic, a few seconds):
 * random programs over guarded memory from tests/lib/vfuzz.c; every
 * accepted program runs in the interpreter on several memory contents and
 * must neither fault (a fault is a verifier bug; under ASan the
 * interpreter's stack is checked too) nor return an r0 outside the range
 * the verifier computed. BH_VERIFIER_FUZZ_ITERS sets the number of
 * programs; the time-bounded fuzzer is tests/vfuzz (make fuzz-verifier).
 */
#include <stdio.h>
#include <stdlib.h>

#include "../lib/harness.h"
#include "../lib/vfuzz.h"

TEST(verifier_soundness_fuzz)
{
	const char *env = getenv("BH_VERIFIER_FUZZ_ITERS");
	long iters = env ? strtol(env, NULL, 10) : 3000, it;
	struct bpfhost_insn p[VFUZZ_PROG_MAX];
	uint8_t *mem = vfuzz_page();
	struct vfuzz_stats st = { 0 };
	struct vt_run *r = malloc(sizeof(*r));
	int k;

	if (!mem || !r) {
		free(r);
		vfuzz_page_free(mem);
		SKIP("cannot map guard pages");
	}
	vfuzz_seed(0x9e3779b97f4a7c15ull);
	for (it = 0; it < iters; it++) {
		size_t cnt = vfuzz_gen_any(p);
		uint64_t r0;
		enum vfuzz_outcome out = vfuzz_check(p, cnt, mem, r, &st, &r0);

		if (out == VFUZZ_REFUSED && getenv("BH_VERIFIER_FUZZ_SHOW") && it < 3) {
			printf("%s\n", r->res.summary);
			bpfhost_disasm_fprint(stdout, p, cnt, BPFHOST_DISASM_LINUX);
		}
		CHECK_MSG(out != VFUZZ_LOAD_ERROR, "program %ld accepted but not loadable", it);
		CHECK_MSG(out != VFUZZ_RUN_ERROR, "program %ld accepted but its run failed", it);
		if (out == VFUZZ_R0_RANGE) {
			bh_test_fail(__FILE__, __LINE__,
				     "program %ld: r0 0x%llx outside the verifier's range (%s)", it,
				     (unsigned long long)r0, r->res.summary);
			bpfhost_disasm_fprint(stderr, p, cnt, BPFHOST_DISASM_UBPF);
		}
		vt_run_free(r);
	}
	printf("verifier fuzz: %ld programs, %ld accepted (%.1f%%), %ld runs, no faults\n", iters,
	       st.accepted, iters ? 100.0 * (double)st.accepted / (double)iters : 0.0, st.runs);
	if (getenv("BH_VERIFIER_FUZZ_SHOW"))
		for (k = 0; k < BH_VR__COUNT; k++)
			if (st.refusals[k])
				printf("  %-16s %ld\n", bh_vrule_name(k), st.refusals[k]);
	CHECK(st.accepted > iters / 20);
	vfuzz_page_free(mem);
	free(r);
}
