/* SPDX-License-Identifier: MIT */
/*
 * Verifier core: control flow, registers, scalars, branches, stack, loops,
 * exits. Each test verifies a small program under a hand-built program type
 * (test_verifier_util.h) and checks the verdict, the rule and the message.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/harness.h"
#include "test_verifier_util.h"

static void accept_(const char *file, int line, const char *type, const char *text,
		    struct vt_run *r)
{
	vt_verify_asm(text, type, r);
	if (r->err)
		bh_test_fail(file, line, "expected the program to be accepted, got %d: %s", r->err,
			     r->log);
}

static void refuse_(const char *file, int line, const char *type, enum bh_vrule rule,
		    const char *substr, const char *text)
{
	struct vt_run r;

	vt_verify_asm(text, type, &r);
	if (!r.err)
		bh_test_fail(file, line, "expected refusal [%s], but accepted: %s",
			     bh_vrule_name(rule), r.res.summary);
	else if (r.res.rule != rule)
		bh_test_fail(file, line, "expected rule [%s], got [%s]: %s", bh_vrule_name(rule),
			     r.res.rule == BH_VR__COUNT ? "asm" : bh_vrule_name(r.res.rule), r.log);
	else if (!strstr(r.log, substr))
		bh_test_fail(file, line, "message lacks \"%s\": %s", substr, r.log);
	vt_run_free(&r);
}

#define ACCEPT(type, text)                                    \
	do {                                                  \
		struct vt_run r_;                             \
		accept_(__FILE__, __LINE__, type, text, &r_); \
		vt_run_free(&r_);                             \
	} while (0)
#define REFUSE(type, rule, substr, text) refuse_(__FILE__, __LINE__, type, rule, substr, text)

TEST(verifier_straight_line)
{
	struct vt_run r;

	accept_(__FILE__, __LINE__, "ctx",
		"mov %r0, 7\n"
		"add %r0, 3\n"
		"mul %r0, 2\n"
		"exit\n",
		&r);
	CHECK(bh_scalar_is_const(&r.res.r0));
	CHECK_U64(r.res.r0.umin, 20);
	CHECK_EQ(r.res.insns_processed, 4);
	CHECK_CONTAINS(r.res.summary, "verifier: accepted");
	CHECK(r.res.insns == NULL);
	vt_run_free(&r);
}

TEST(verifier_uninit_register)
{
	REFUSE("ctx", BH_VR_UNINIT_REG, "r2 is read but not initialised",
	       "mov %r0, %r2\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_UNINIT_REG, "r3 is read but not initialised",
	       "mov %r0, 1\n"
	       "add %r0, %r3\n"
	       "exit\n");
	/* r1..r5 are clobbered by a helper call */
	REFUSE("ctx", BH_VR_UNINIT_REG, "r1 is read but not initialised",
	       "call 5\n"
	       "mov %r0, %r1\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_UNINIT_REG, "r4 is read",
	       "mov %r0, 0\n"
	       "jeq %r4, 0, +0\n"
	       "exit\n");
}

TEST(verifier_r0_at_exit)
{
	REFUSE("ctx", BH_VR_R0_UNINIT, "r0 is not initialised at exit", "exit\n");
	REFUSE("ctx", BH_VR_R0_UNINIT, "r0 is not initialised",
	       "ldxw %r2, [%r1+0]\n"
	       "jeq %r2, 0, skip\n"
	       "mov %r0, 1\n"
	       "skip:\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_PTR_LEAK, "returning a pointer (ctx)",
	       "mov %r0, %r1\n"
	       "exit\n");
}

TEST(verifier_return_range)
{
	struct vt_run r;

	ACCEPT("ret01", "mov %r0, 1\nexit\n");
	REFUSE("ret01", BH_VR_RET_RANGE, "outside the range [0, 1]", "mov %r0, 2\nexit\n");
	REFUSE("ret01", BH_VR_RET_RANGE, "r0 at exit may be scalar",
	       "ldxw %r0, [%r1+0]\n"
	       "exit\n");
	/* a bounded value is fine */
	accept_(__FILE__, __LINE__, "ret01",
		"ldxw %r0, [%r1+0]\n"
		"and %r0, 1\n"
		"exit\n",
		&r);
	CHECK_U64(r.res.r0.umin, 0);
	CHECK_U64(r.res.r0.umax, 1);
	vt_run_free(&r);
}

TEST(verifier_r0_range_joins_paths)
{
	struct vt_run r;

	accept_(__FILE__, __LINE__, "ctx",
		"ldxw %r2, [%r1+0]\n"
		"mov %r0, 3\n"
		"jgt %r2, 10, out\n"
		"mov %r0, 9\n"
		"out:\n"
		"exit\n",
		&r);
	CHECK(bh_scalar_contains(&r.res.r0, 3));
	CHECK(bh_scalar_contains(&r.res.r0, 9));
	CHECK(r.res.r0.umin == 3 && r.res.r0.umax == 9);
	vt_run_free(&r);
}

TEST(verifier_unreachable_code)
{
	REFUSE("ctx", BH_VR_UNREACHABLE, "unreachable insn 2",
	       "mov %r0, 0\n"
	       "exit\n"
	       "mov %r0, 1\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_UNREACHABLE, "unreachable insn 2",
	       "mov %r0, 0\n"
	       "ja +1\n"
	       "mov %r0, 1\n"
	       "exit\n");
}

TEST(verifier_jumps_stay_in_function)
{
	REFUSE("ctx", BH_VR_JUMP_OUT, "leaves the function",
	       "mov %r0, 0\n"
	       "call local f\n"
	       "exit\n"
	       "f:\n"
	       "jeq %r1, 0, +1\n"
	       "exit\n"
	       "ja -5\n");
	REFUSE("ctx", BH_VR_ENCODING, "outside the program",
	       "mov %r0, 0\n"
	       "ja +5\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_JUMP_OUT, "falls through into the next function",
	       "mov %r0, 0\n"
	       "call local f\n"
	       "mov %r0, 1\n"
	       "f:\n"
	       "mov %r0, 2\n"
	       "exit\n");
}

TEST(verifier_unsupported)
{
	REFUSE("ctx", BH_VR_UNSUPPORTED, "legacy packet loads",
	       "ldabsb 3\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_UNSUPPORTED, "kfunc",
	       "call runtime 7, 0\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_UNSUPPORTED, "callx needs a known helper id",
	       "ldxdw %r2, [%r1+0]\n"
	       "call %r2\n"
	       "mov %r0, 0\n"
	       "exit\n");
}

TEST(verifier_branch_refinement)
{
	/* the bound proven by the branch makes the stack index safe */
	ACCEPT("ctx", "ldxw %r2, [%r1+0]\n"
		      "stdw [%r10-16], 0\n"
		      "stdw [%r10-8], 0\n"
		      "mov %r0, 0\n"
		      "jgt %r2, 15, out\n"
		      "mov %r3, %r10\n"
		      "sub %r3, 16\n"
		      "add %r3, %r2\n"
		      "ldxb %r0, [%r3]\n"
		      "out:\n"
		      "exit\n");
	/* off by one: index 16 would reach r10 + 0 */
	REFUSE("ctx", BH_VR_STACK_BOUNDS, "outside the frame",
	       "ldxw %r2, [%r1+0]\n"
	       "stdw [%r10-16], 0\n"
	       "stdw [%r10-8], 0\n"
	       "mov %r0, 0\n"
	       "jgt %r2, 16, out\n"
	       "mov %r3, %r10\n"
	       "sub %r3, 16\n"
	       "add %r3, %r2\n"
	       "ldxb %r0, [%r3]\n"
	       "out:\n"
	       "exit\n");
	/* a decided branch: the other side is never explored */
	ACCEPT("ctx", "mov %r2, 5\n"
		      "mov %r0, 0\n"
		      "jlt %r2, 3, bad\n"
		      "exit\n"
		      "bad:\n"
		      "ldxdw %r0, [%r2]\n"
		      "exit\n");
	/* linked copies: a bound on r3 also bounds r2 */
	ACCEPT("ctx", "ldxw %r2, [%r1+0]\n"
		      "stdw [%r10-8], 0\n"
		      "mov %r0, 0\n"
		      "mov %r3, %r2\n"
		      "jgt %r3, 7, out\n"
		      "mov %r4, %r10\n"
		      "sub %r4, 8\n"
		      "add %r4, %r2\n"
		      "ldxb %r0, [%r4]\n"
		      "out:\n"
		      "exit\n");
	/* 32-bit comparisons refine the low half */
	ACCEPT("ctx", "ldxw %r2, [%r1+0]\n"
		      "stdw [%r10-8], 0\n"
		      "mov %r0, 0\n"
		      "jgt32 %r2, 7, out\n"
		      "mov %r4, %r10\n"
		      "sub %r4, 8\n"
		      "add %r4, %r2\n"
		      "ldxb %r0, [%r4]\n"
		      "out:\n"
		      "exit\n");
}

TEST(verifier_stack_init)
{
	ACCEPT("ctx", "stw [%r10-4], 1\n"
		      "ldxw %r0, [%r10-4]\n"
		      "exit\n");
	REFUSE("ctx", BH_VR_STACK_UNINIT, "uninitialised stack byte at fp-8",
	       "ldxdw %r0, [%r10-8]\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_STACK_UNINIT, "uninitialised stack byte at fp-4",
	       "stw [%r10-8], 1\n"
	       "ldxdw %r0, [%r10-8]\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_STACK_BOUNDS, "outside the frame [-512, 0)",
	       "stdw [%r10-520], 1\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_STACK_BOUNDS, "outside the frame [-512, 0)",
	       "stdw [%r10-4], 1\n"
	       "mov %r0, 0\n"
	       "exit\n");
	/* stored on one path only */
	REFUSE("ctx", BH_VR_STACK_UNINIT, "uninitialised stack",
	       "ldxw %r2, [%r1+0]\n"
	       "jeq %r2, 0, skip\n"
	       "stdw [%r10-8], 3\n"
	       "skip:\n"
	       "ldxdw %r0, [%r10-8]\n"
	       "exit\n");
}

TEST(verifier_stack_spills)
{
	struct vt_run r;

	/* a spilled pointer comes back as a pointer */
	ACCEPT("ctx", "stxdw [%r10-8], %r1\n"
		      "ldxdw %r2, [%r10-8]\n"
		      "ldxw %r0, [%r2+4]\n"
		      "exit\n");
	/* a precise scalar spill keeps its value */
	accept_(__FILE__, __LINE__, "ctx",
		"mov %r2, 42\n"
		"stxdw [%r10-16], %r2\n"
		"ldxdw %r0, [%r10-16]\n"
		"exit\n",
		&r);
	CHECK(bh_scalar_is_const(&r.res.r0) && r.res.r0.umin == 42);
	vt_run_free(&r);
	/* also at 32 bits */
	accept_(__FILE__, __LINE__, "ctx",
		"stw [%r10-8], 9\n"
		"ldxw %r0, [%r10-8]\n"
		"exit\n",
		&r);
	CHECK(bh_scalar_is_const(&r.res.r0) && r.res.r0.umin == 9);
	vt_run_free(&r);
	REFUSE("ctx", BH_VR_STACK_SPILL, "reads part of a spilled pointer",
	       "stxdw [%r10-8], %r1\n"
	       "ldxw %r0, [%r10-8]\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_STACK_SPILL, "only aligned 8-byte spills keep a pointer",
	       "stxw [%r10-8], %r1\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_STACK_SPILL, "only aligned 8-byte spills keep a pointer",
	       "stxdw [%r10-12], %r1\n"
	       "mov %r0, 0\n"
	       "exit\n");
	/* a partial overwrite makes the rest of the pointer unreadable */
	REFUSE("ctx", BH_VR_STACK_UNINIT, "uninitialised stack byte at fp-4",
	       "stxdw [%r10-8], %r1\n"
	       "stw [%r10-8], 0\n"
	       "ldxdw %r0, [%r10-8]\n"
	       "exit\n");
}

TEST(verifier_stack_variable_offset)
{
	/* the conformance suite's stack.data: r10 + var */
	ACCEPT("ctx", "mov %r1, 51\n"
		      "stdw [%r10-16], 0xab\n"
		      "stdw [%r10-8], 0xcd\n"
		      "and %r1, 1\n"
		      "lsh %r1, 3\n"
		      "mov %r2, %r10\n"
		      "add %r2, %r1\n"
		      "ldxdw %r0, [%r2-16]\n"
		      "exit\n");
	REFUSE("ctx", BH_VR_STACK_UNINIT, "uninitialised stack",
	       "ldxw %r1, [%r1+0]\n"
	       "stdw [%r10-8], 0xcd\n"
	       "and %r1, 8\n"
	       "mov %r2, %r10\n"
	       "add %r2, %r1\n"
	       "ldxdw %r0, [%r2-16]\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_PTR_UNBOUNDED, "unbounded scalar",
	       "ldxdw %r2, [%r1+0]\n"
	       "mov %r3, %r10\n"
	       "add %r3, %r2\n"
	       "mov %r0, 0\n"
	       "exit\n");
}

TEST(verifier_pointer_arith)
{
	REFUSE("ctx", BH_VR_PTR_ALU32, "32-bit add on a pointer",
	       "add32 %r1, 4\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_PTR_ALU32, "32-bit move of pointer r1",
	       "mov32 %r2, %r1\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_PTR_ARITH, "mul on a pointer",
	       "mul %r1, 2\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_PTR_ARITH, "and on a pointer",
	       "mov %r2, %r10\n"
	       "and %r2, -8\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_PTR_ARITH, "adding two pointers",
	       "mov %r2, %r10\n"
	       "add %r2, %r1\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_PTR_ARITH, "different regions",
	       "mov %r2, %r10\n"
	       "sub %r2, %r1\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_PTR_ARITH, "negation of pointer",
	       "neg %r1\n"
	       "mov %r0, 0\n"
	       "exit\n");
	/* pointer - pointer of the same frame is a number */
	ACCEPT("ctx", "mov %r2, %r10\n"
		      "sub %r2, 8\n"
		      "mov %r0, %r10\n"
		      "sub %r0, %r2\n"
		      "exit\n");
}

TEST(verifier_pointer_compare)
{
	REFUSE("ctx", BH_VR_PTR_CMP, "pointers into different regions",
	       "mov %r0, 0\n"
	       "jgt %r1, %r10, +0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_PTR_CMP, "scalar other than 0",
	       "mov %r0, 0\n"
	       "jgt %r1, 100, +0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_PTR_CMP, "32-bit comparison",
	       "mov %r0, 0\n"
	       "jeq32 %r1, 0, +0\n"
	       "exit\n");
	/* a context pointer is never NULL: the check is decided */
	ACCEPT("ctx", "mov %r0, 0\n"
		      "jne %r1, 0, +1\n"
		      "ldxdw %r0, [%r0]\n"
		      "exit\n");
}

TEST(verifier_loops)
{
	struct vt_run r;

	/* bounded: the counter decides the branch after 10 rounds */
	accept_(__FILE__, __LINE__, "ctx",
		"mov %r0, 0\n"
		"mov %r2, 0\n"
		"loop:\n"
		"add %r0, 3\n"
		"add %r2, 1\n"
		"jlt %r2, 10, loop\n"
		"exit\n",
		&r);
	CHECK(bh_scalar_is_const(&r.res.r0) && r.res.r0.umin == 30);
	vt_run_free(&r);
	REFUSE("ctx", BH_VR_INFINITE_LOOP, "infinite loop",
	       "mov %r0, 0\n"
	       "loop:\n"
	       "ja loop\n");
	REFUSE("ctx", BH_VR_INFINITE_LOOP, "infinite loop",
	       "mov %r0, 0\n"
	       "ldxw %r2, [%r1+0]\n"
	       "loop:\n"
	       "mov %r3, 1\n"
	       "jne %r2, 0, loop\n"
	       "exit\n");
	/* unbounded: the counter never decides the branch */
	REFUSE("ctx", BH_VR_TOO_COMPLEX, "too complex",
	       "mov %r0, 0\n"
	       "ldxdw %r2, [%r1+0]\n"
	       "loop:\n"
	       "add %r0, 1\n"
	       "jne %r0, %r2, loop\n"
	       "exit\n");
}

TEST(verifier_budget)
{
	struct bpfhost_insn prog[] = {
		{ 0xb7, 0, 0, 0, 0 },  /* r0 = 0 */
		{ 0x07, 0, 0, 0, 1 },  /* r0 += 1 */
		{ 0xa5, 0, 0, -2, 0 }, /* if r0 < imm goto 1 (imm set below) */
		{ 0x95, 0, 0, 0, 0 },
	};
	struct vt_run r;

	/* a loop of 100000 rounds: too many for a budget of 10000 */
	vt_budget = 10000;
	prog[2].imm = 100000;
	vt_verify_insns(prog, 4, "ctx", 0, &r);
	CHECK_EQ(r.err, -E2BIG);
	CHECK_EQ(r.res.rule, BH_VR_TOO_COMPLEX);
	vt_run_free(&r);
	prog[2].imm = 1000;
	vt_verify_insns(prog, 4, "ctx", 0, &r);
	CHECK_EQ(r.err, 0);
	CHECK(r.res.insns_processed > 2000);
	vt_run_free(&r);
	vt_budget = 0;
}

TEST(verifier_message_format)
{
	struct vt_run r;

	vt_verify_asm("mov %r0, 0\n"
		      "ldxdw %r0, [%r1-8]\n"
		      "exit\n",
		      "ctx", &r);
	CHECK_EQ(r.err, -EACCES);
	CHECK_EQ(r.res.rule, BH_VR_CTX_HEADER);
	CHECK_EQ(r.res.err_insn, 1);
	CHECK_CONTAINS(r.log, "insn 1: r0 = *(u64 *)(r1 - 8)");
	CHECK_CONTAINS(r.log, "error: context access at offset -8");
	CHECK_CONTAINS(r.log, "r1: ctx(off=0)");
	CHECK_CONTAINS(r.log, "hint:");
	CHECK_CONTAINS(r.log, "verifier: refused insn 1 [ctx-header]");
	CHECK_CONTAINS(r.res.summary, "verifier: refused insn 1 [ctx-header] (processed 2 insns)");
	vt_run_free(&r);
	/* the source line from the loader's line info */
	vt_verify_asm("ldxdw %r0, [%r1-8]\n"
		      "exit\n",
		      "ctx", &r);
	CHECK_CONTAINS(r.log, "source: int prog(void *ctx) {");
	vt_run_free(&r);
}

/*
 * Pruning treats scalars no decision depended on as equal. These programs
 * are unsafe only on the path explored second, which reaches the join with
 * a different value: precision tracking must carry the first path's needs
 * back to the checkpoint, or the unsafe path would be cut. Each is written
 * with the unsafe value on either side of the diamond.
 */
static void diamond(const char *file, int line, const char *fmt, const char *a, const char *b,
		    enum bh_vrule rule)
{
	char text[2048];
	int k;

	for (k = 0; k < 2; k++) {
		snprintf(text, sizeof(text), fmt, k ? b : a, k ? a : b);
		refuse_(file, line, "ctx", rule, "", text);
	}
}

TEST(verifier_precision_soundness)
{
	/* the value decides a branch later (decided comparison) */
	diamond(__FILE__, __LINE__,
		"ldxw %%r2, [%%r1+0]\n"
		"mov %%r3, %s\n"
		"jeq %%r2, 0, join\n"
		"mov %%r3, %s\n"
		"join:\n"
		"mov %%r0, 0\n"
		"jeq %%r3, 0, out\n"
		"ldxdw %%r0, [%%r10-8]\n"
		"out:\n"
		"exit\n",
		"0", "1", BH_VR_STACK_UNINIT);
	/* the value is added to a pointer later */
	diamond(__FILE__, __LINE__,
		"stdw [%%r10-8], 0\n"
		"ldxw %%r2, [%%r1+0]\n"
		"mov %%r3, %s\n"
		"jeq %%r2, 0, join\n"
		"mov %%r3, %s\n"
		"join:\n"
		"mov %%r4, %%r10\n"
		"sub %%r4, %%r3\n"
		"ldxb %%r0, [%%r4+0]\n"
		"exit\n",
		"8", "600", BH_VR_STACK_BOUNDS);
	/* ... after a trip through a stack slot */
	diamond(__FILE__, __LINE__,
		"stdw [%%r10-8], 0\n"
		"ldxw %%r2, [%%r1+0]\n"
		"mov %%r3, %s\n"
		"jeq %%r2, 0, join\n"
		"mov %%r3, %s\n"
		"join:\n"
		"stxdw [%%r10-16], %%r3\n"
		"mov %%r3, 0\n"
		"ldxdw %%r5, [%%r10-16]\n"
		"mov %%r4, %%r10\n"
		"sub %%r4, %%r5\n"
		"ldxb %%r0, [%%r4+0]\n"
		"exit\n",
		"8", "600", BH_VR_STACK_BOUNDS);
	/* ... bounding another register through a register comparison */
	diamond(__FILE__, __LINE__,
		"stdw [%%r10-16], 0\n"
		"stdw [%%r10-8], 0\n"
		"ldxw %%r2, [%%r1+0]\n"
		"ldxw %%r6, [%%r1+4]\n"
		"mov %%r3, %s\n"
		"jeq %%r2, 0, join\n"
		"mov %%r3, %s\n"
		"join:\n"
		"mov %%r0, 0\n"
		"jge %%r6, %%r3, out\n"
		"mov %%r4, %%r10\n"
		"add %%r4, -16\n"
		"add %%r4, %%r6\n"
		"ldxb %%r0, [%%r4+0]\n"
		"out:\n"
		"exit\n",
		"16", "17", BH_VR_STACK_BOUNDS);
	/* ... through a function's return value */
	diamond(__FILE__, __LINE__,
		"stdw [%%r10-8], 0\n"
		"ldxw %%r2, [%%r1+0]\n"
		"mov %%r1, %s\n"
		"jeq %%r2, 0, join\n"
		"mov %%r1, %s\n"
		"join:\n"
		"call local f\n"
		"mov %%r4, %%r10\n"
		"sub %%r4, %%r0\n"
		"ldxb %%r0, [%%r4+0]\n"
		"exit\n"
		"f:\n"
		"mov %%r0, %%r1\n"
		"add %%r0, 4\n"
		"exit\n",
		"4", "600", BH_VR_STACK_BOUNDS);
	/* ... as the return value checked against the type's range */
	{
		char text[512];
		int k;

		for (k = 0; k < 2; k++) {
			snprintf(text, sizeof(text),
				 "ldxw %%r2, [%%r1+0]\n"
				 "mov %%r0, %d\n"
				 "jeq %%r2, 0, join\n"
				 "mov %%r0, %d\n"
				 "join:\n"
				 "mov %%r3, 1\n"
				 "exit\n",
				 k ? 5 : 1, k ? 1 : 5);
			refuse_(__FILE__, __LINE__, "ret01", BH_VR_RET_RANGE, "", text);
		}
	}
}

TEST(verifier_precision_prunes)
{
	struct vt_run r;
	char text[8192];
	size_t n = 0;
	int i;

	/* 40 diamonds updating a counter no decision depends on: linear work */
	n += (size_t)snprintf(text + n, sizeof(text) - n, "mov %%r6, 0\n");
	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(
			text + n, sizeof(text) - n,
			"ldxw %%r2, [%%r1+%d]\njgt %%r2, %d, l%d\nadd %%r6, 1\nl%d:\n", (i % 8) * 4,
			i, i, i);
	snprintf(text + n, sizeof(text) - n, "stxdw [%%r1+16], %%r6\nmov %%r0, 0\nexit\n");
	accept_(__FILE__, __LINE__, "ctx", text, &r);
	CHECK(r.res.pruned >= 30);
	CHECK(r.res.insns_processed < 400);
	vt_run_free(&r);
}

TEST(verifier_log_levels)
{
	static const struct bpfhost_insn prog[] = {
		{ 0xb7, 0, 0, 0, 5 }, /* r0 = 5 */
		{ 0x07, 0, 0, 0, 1 }, /* r0 += 1 */
		{ 0x95, 0, 0, 0, 0 },
	};
	struct vt_run r;

	/* level 0: nothing for an accepted program */
	vt_verify_insns(prog, 3, "ctx", 0, &r);
	CHECK_EQ(r.err, 0);
	CHECK_STR(r.log, "");
	vt_run_free(&r);
	/* level 1: the summary line */
	vt_verify_insns(prog, 3, "ctx", 1, &r);
	CHECK_CONTAINS(r.log, "verifier: accepted (processed 3 insns");
	CHECK_CONTAINS(r.log, "r0 in [6, 6]");
	vt_run_free(&r);
	/* level 2: every instruction with the registers it wrote */
	vt_verify_insns(prog, 3, "ctx", 2, &r);
	CHECK_CONTAINS(r.log, "0: r0 = 5\t; r0=5");
	CHECK_CONTAINS(r.log, "1: r0 += 1\t; r0=6");
	CHECK_CONTAINS(r.log, "2: exit");
	CHECK_CONTAINS(r.log, "entry:\n  frame 0: r1=ctx(off=0) r10=fp0(off=0)");
	vt_run_free(&r);
	/* the whole state at the start of each path */
	vt_verify_asm("stdw [%r10-8], 0\n"
		      "ldxw %r2, [%r1+0]\n"
		      "mov %r0, 0\n"
		      "jeq %r2, 0, +1\n"
		      "mov %r0, 1\n"
		      "exit\n",
		      "ctx", &r);
	vt_run_free(&r);
	{
		struct bpfhost_insn *insns = NULL;
		size_t cnt = 0;

		CHECK_EQ(bpfhost_asm("stdw [%r10-8], 0\nldxw %r2, [%r1+0]\nmov %r0, 0\n"
				     "jeq %r2, 0, +1\nmov %r0, 1\nexit\n",
				     strlen("stdw [%r10-8], 0\nldxw %r2, [%r1+0]\nmov %r0, 0\n"
					    "jeq %r2, 0, +1\nmov %r0, 1\nexit\n"),
				     &insns, &cnt, NULL),
			 0);
		vt_verify_insns(insns, cnt, "ctx", 2, &r);
		CHECK_CONTAINS(r.log, "from insn ");
		CHECK_CONTAINS(r.log, "fp-8=0");
		vt_run_free(&r);
		bpfhost_insns_free(insns);
	}
}

TEST(verifier_bad_input)
{
	struct bh_verifier_input in;
	struct bh_verifier_result res;
	struct bpfhost_ctx_desc bad = { .version = BPFHOST_CTX_DESC_VERSION,
					.size = sizeof(bad),
					.ctx_size = 16,
					.data_off = 12,
					.data_end_off = -1,
					.data_meta_off = -1 };
	static const struct bpfhost_insn prog[] = { { 0xb7, 0, 0, 0, 0 }, { 0x95, 0, 0, 0, 0 } };

	memset(&in, 0, sizeof(in));
	CHECK_EQ(bh_verify(&in, &res, NULL), -EINVAL);
	CHECK_EQ(res.rule, BH_VR_ENCODING);
	in.insns = prog;
	in.insn_cnt = 2;
	/* no context descriptor for the default r1 */
	CHECK_EQ(bh_verify(&in, &res, NULL), -EINVAL);
	in.ctx = &bad;
	CHECK_EQ(bh_verify(&in, &res, NULL), -EINVAL);
	CHECK_CONTAINS(res.summary, "packet pointer field at 12");
	bad.data_off = -1;
	bad.nr_view_fields = 2;
	CHECK_EQ(bh_verify(&in, &res, NULL), -EINVAL);
	bad.nr_view_fields = 0;
	CHECK_EQ(bh_verify(&in, &res, NULL), 0);
	/* a map lddw the loader did not resolve */
	{
		static const struct bpfhost_insn m[] = { { 0x18, 1, 1, 0, 99 },
							 { 0, 0, 0, 0, 0 },
							 { 0xb7, 0, 0, 0, 0 },
							 { 0x95, 0, 0, 0, 0 } };

		in.insns = m;
		in.insn_cnt = 4;
		CHECK_EQ(bh_verify(&in, &res, NULL), -EINVAL);
		CHECK_EQ(res.rule, BH_VR_MAP_TYPE);
		CHECK_CONTAINS(res.summary, "did not resolve");
	}
}

TEST(verifier_pointer_distance_32)
{
	struct vt_run r;

	/* clang -mcpu=v3 computes (u32)(data_end - data) as w8 -= w7 */
	accept_(__FILE__, __LINE__, "xdp",
		"ldxdw %r7, [%r1+0]\n"
		"ldxdw %r8, [%r1+8]\n"
		"sub32 %r8, %r7\n"
		"mov %r0, %r8\n"
		"and %r0, 3\n"
		"exit\n",
		&r);
	vt_run_free(&r);
	accept_(__FILE__, __LINE__, "ctx",
		"mov %r2, %r10\n"
		"add %r2, -24\n"
		"mov %r0, %r10\n"
		"sub32 %r0, %r2\n"
		"exit\n",
		&r);
	CHECK(bh_scalar_is_const(&r.res.r0) && r.res.r0.umin == 24);
	vt_run_free(&r);
	refuse_(__FILE__, __LINE__, "xdp", BH_VR_PTR_ARITH, "different regions",
		"ldxdw %r7, [%r1+0]\n"
		"mov %r8, %r10\n"
		"sub32 %r8, %r7\n"
		"mov %r0, 0\n"
		"exit\n");
}

TEST(verifier_stack_liveness)
{
	struct vt_run r;
	char text[16384];
	size_t n = 0;
	int i;

	/* 30 diamonds where one side uses a stack temporary that dies at the join */
	n += (size_t)snprintf(text + n, sizeof(text) - n, "mov %%r6, 0\n");
	for (i = 0; i < 30; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "ldxw %%r2, [%%r1+%d]\n"
				      "jgt %%r2, 7, l%d\n"
				      "stxdw [%%r10-%d], %%r2\n"
				      "ldxdw %%r3, [%%r10-%d]\n"
				      "add %%r6, %%r3\n"
				      "l%d:\n",
				      (i % 8) * 4, i, 8 * (1 + i % 4), 8 * (1 + i % 4), i);
	snprintf(text + n, sizeof(text) - n, "stxdw [%%r1+16], %%r6\nmov %%r0, 0\nexit\n");
	accept_(__FILE__, __LINE__, "ctx", text, &r);
	CHECK(r.res.insns_processed < 600);
	vt_run_free(&r);
	/* a slot read after the join is compared (either order of the sides) */
	diamond(__FILE__, __LINE__,
		"stdw [%%r10-8], 0\n"
		"ldxw %%r2, [%%r1+0]\n"
		"stdw [%%r10-16], %s\n"
		"jeq %%r2, 0, join\n"
		"stdw [%%r10-16], %s\n"
		"join:\n"
		"ldxdw %%r5, [%%r10-16]\n"
		"mov %%r4, %%r10\n"
		"sub %%r4, %%r5\n"
		"ldxb %%r0, [%%r4+0]\n"
		"exit\n",
		"8", "600", BH_VR_STACK_BOUNDS);
	/* ... also when a called function reads it through a pointer */
	diamond(__FILE__, __LINE__,
		"stdw [%%r10-8], 0\n"
		"ldxw %%r2, [%%r1+0]\n"
		"stdw [%%r10-16], %s\n"
		"jeq %%r2, 0, join\n"
		"stdw [%%r10-16], %s\n"
		"join:\n"
		"mov %%r1, %%r10\n"
		"add %%r1, -16\n"
		"call local f\n"
		"exit\n"
		"f:\n"
		"ldxdw %%r5, [%%r1+0]\n"
		"mov %%r4, %%r10\n"
		"sub %%r4, %%r5\n"
		"stdw [%%r10-8], 0\n"
		"ldxb %%r0, [%%r4+0]\n"
		"exit\n",
		"8", "600", BH_VR_STACK_BOUNDS);
	/* ... or a helper reads it (written on the fall-through or the jump side) */
	refuse_(__FILE__, __LINE__, "ctx", BH_VR_STACK_UNINIT, "uninitialised stack",
		"ldxw %r2, [%r1+0]\n"
		"stw [%r10-4], 1\n"
		"jeq %r2, 0, join\n"
		"stw [%r10-8], 1\n"
		"join:\n"
		"lddw %r1, map_fd 1\n"
		"mov %r2, %r10\n"
		"add %r2, -8\n"
		"call 1\n"
		"mov %r0, 0\n"
		"exit\n");
	refuse_(__FILE__, __LINE__, "ctx", BH_VR_STACK_UNINIT, "uninitialised stack",
		"ldxw %r2, [%r1+0]\n"
		"stw [%r10-4], 1\n"
		"jeq %r2, 0, w\n"
		"ja join\n"
		"w:\n"
		"stw [%r10-8], 1\n"
		"join:\n"
		"lddw %r1, map_fd 1\n"
		"mov %r2, %r10\n"
		"add %r2, -8\n"
		"call 1\n"
		"mov %r0, 0\n"
		"exit\n");
}
