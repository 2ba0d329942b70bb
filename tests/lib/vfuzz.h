/* SPDX-License-Identifier: MIT */
/*
 * Verifier soundness fuzzing, shared by the deterministic unit test
 * (tests/unit/test_verifier_fuzz.c) and the time-bounded driver
 * (tests/vfuzz/vfuzz_main.c).
 *
 * vfuzz_gen() builds a random program for the "mem:4096" test type (r1 = one
 * page of memory between two PROT_NONE guard pages, r2 = 4096); vfuzz_check()
 * verifies it and, when accepted, runs it in the interpreter on several
 * memory contents: a fault is a verifier bug, and r0 must lie in the range
 * the verifier computed. The generator state is global (one fuzzer per
 * process); the sequence depends only on the seed.
 */
#ifndef BH_TEST_VFUZZ_H
#define BH_TEST_VFUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "../unit/test_verifier_util.h"

#define VFUZZ_PAGE 4096
#define VFUZZ_MAXI 96 /* body slots at most */
/* room for a whole program: body, exit, the called function */
#define VFUZZ_PROG_MAX (VFUZZ_MAXI + 16)

enum vfuzz_outcome {
	VFUZZ_REFUSED = 0, /* the verifier refused the program */
	VFUZZ_OK,	   /* accepted, every run fine */
	VFUZZ_LOAD_ERROR,  /* accepted but the interpreter would not load it */
	VFUZZ_RUN_ERROR,   /* accepted but a run returned an error */
	VFUZZ_R0_RANGE,	   /* accepted but r0 outside the verifier's range */
};

struct vfuzz_stats {
	long programs;
	long accepted;
	long runs;
	long load_errors;
	long run_errors;
	long r0_violations;
	long refusals[BH_VR__COUNT];
};

void vfuzz_seed(uint64_t seed);
uint64_t vfuzz_rnd(void);
/* A random program of about n (>= 16, <= VFUZZ_MAXI) body slots; its length. */
size_t vfuzz_gen(struct bpfhost_insn *p, size_t n);
/* A random program of random length (16 .. VFUZZ_MAXI slots); its length. */
size_t vfuzz_gen_any(struct bpfhost_insn *p);

/* One page of memory between two guard pages, or NULL; vfuzz_page_free(). */
uint8_t *vfuzz_page(void);
void vfuzz_page_free(uint8_t *mem);

/*
 * Verify p and run it if accepted (mem from vfuzz_page()); r is scratch.
 * Counts into st; on a violation, *bad_r0 is the offending r0 (if any) and
 * r->res.summary still holds the verifier's result until vt_run_free(r).
 * The caller frees r with vt_run_free() after every call.
 */
enum vfuzz_outcome vfuzz_check(const struct bpfhost_insn *p, size_t cnt, uint8_t *mem,
			       struct vt_run *r, struct vfuzz_stats *st, uint64_t *bad_r0);

#endif /* BH_TEST_VFUZZ_H */
