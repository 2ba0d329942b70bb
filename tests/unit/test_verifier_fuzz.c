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
	struct vfuzz_prog *p = malloc(sizeof(*p));
	struct vfuzz_env *venv = vfuzz_env_new();
	struct vfuzz_stats st = { 0 };
	struct vt_run *r = malloc(sizeof(*r));
	char why[1024];
	int k;

	if (!venv || !r || !p) {
		free(r);
		free(p);
		vfuzz_env_free(venv);
		SKIP("cannot map guard pages");
	}
	vfuzz_seed(0x9e3779b97f4a7c15ull);
	for (it = 0; it < iters; it++) {
		enum vfuzz_outcome out;

		vfuzz_gen_any(p);
		out = vfuzz_check(venv, p, r, &st, why, sizeof(why));
		if (out == VFUZZ_REFUSED && getenv("BH_VERIFIER_FUZZ_SHOW") && it < 12) {
			printf("%s: %s\n", vfuzz_kind_name(p->kind), r->res.summary);
			bpfhost_disasm_fprint(stdout, p->insns, p->cnt, BPFHOST_DISASM_LINUX);
		}
		if (out != VFUZZ_OK && out != VFUZZ_REFUSED) {
			bh_test_fail(__FILE__, __LINE__, "program %ld (%s) accepted, but %s", it,
				     vfuzz_kind_name(p->kind), why);
			bpfhost_disasm_fprint(stderr, p->insns, p->cnt, BPFHOST_DISASM_UBPF);
		}
		vt_run_free(r);
	}
	printf("verifier fuzz: %ld programs, %ld accepted (%.1f%%), %ld runs, %ld helper calls\n",
	       iters, st.accepted, iters ? 100.0 * (double)st.accepted / (double)iters : 0.0,
	       st.runs, st.helper_calls);
	for (k = 0; k < VFUZZ__KINDS; k++)
		printf("  %-6s %ld programs, %ld accepted\n", vfuzz_kind_name((enum vfuzz_kind)k),
		       st.kind_programs[k], st.kind_accepted[k]);
	if (getenv("BH_VERIFIER_FUZZ_SHOW"))
		for (k = 0; k < BH_VR__COUNT; k++)
			if (st.refusals[k])
				printf("  %-16s %ld\n", bh_vrule_name(k), st.refusals[k]);
	CHECK(st.accepted > iters / 20);
	for (k = 0; k < VFUZZ__KINDS; k++)
		CHECK(st.kind_accepted[k] > st.kind_programs[k] / 50);
	vfuzz_env_free(venv);
	free(r);
	free(p);
}
