/* SPDX-License-Identifier: MIT */
/*
 * Verifier call rules: helper prototypes (argument types and sizes, map
 * types, helpers the program type offers), ring buffer reference tracking,
 * tail calls, callbacks (bpf_loop, bpf_for_each_map_elem) and bpf-to-bpf
 * calls (frames, depth, stacks, return values).
 */
#include <errno.h>
#include <string.h>

#include "../lib/harness.h"
#include "test_verifier_util.h"

static void expect(const char *file, int line, const char *type, const char *text,
		   enum bh_vrule rule, const char *substr)
{
	struct vt_run r;

	vt_verify_asm(text, type, &r);
	if (rule == BH_VR_NONE) {
		if (r.err)
			bh_test_fail(file, line, "expected accept, got %d: %s", r.err, r.log);
	} else if (!r.err) {
		bh_test_fail(file, line, "expected refusal [%s], accepted: %s", bh_vrule_name(rule),
			     r.res.summary);
	} else if (r.res.rule != rule) {
		bh_test_fail(file, line, "expected [%s], got [%s]: %s", bh_vrule_name(rule),
			     bh_vrule_name(r.res.rule), r.log);
	} else if (substr && !strstr(r.log, substr)) {
		bh_test_fail(file, line, "message lacks \"%s\": %s", substr, r.log);
	}
	vt_run_free(&r);
}

#define ACCEPT(type, text) expect(__FILE__, __LINE__, type, text, BH_VR_NONE, NULL)
#define REFUSE(type, rule, substr, text) expect(__FILE__, __LINE__, type, text, rule, substr)

/* r0 = reserve(rb, 16, 0) */
#define RESERVE16              \
	"lddw %r1, map_fd 3\n" \
	"mov %r2, 16\n"        \
	"mov %r3, 0\n"         \
	"call 131\n"

TEST(verifier_helper_protos)
{
	REFUSE("ctx", BH_VR_HELPER_UNKNOWN, "unknown helper 9999",
	       "call 9999\n"
	       "mov %r0, 0\n"
	       "exit\n");
	ACCEPT("ctx", "call 5\n"
		      "exit\n");
	/* bpf_get_attach_cookie(ctx) needs the unmodified context */
	ACCEPT("ctx", "call 174\n"
		      "exit\n");
	REFUSE("ctx", BH_VR_HELPER_ARG, "unmodified context pointer",
	       "mov %r1, %r10\n"
	       "call 174\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_UNINIT_REG, "r1 is read but not initialised",
	       "mov %r1, 0\n"
	       "call 5\n"
	       "call 174\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_HELPER_ARG, "a map is expected",
	       "mov %r1, 0\n"
	       "mov %r2, %r10\n"
	       "call 1\n"
	       "mov %r0, 0\n"
	       "exit\n");
	/* bpf_trace_printk(buf, size, ...) reads size initialised bytes */
	ACCEPT("ctx", "stdw [%r10-8], 0x0a6968\n"
		      "mov %r1, %r10\n"
		      "add %r1, -8\n"
		      "mov %r2, 8\n"
		      "mov %r3, 0\n"
		      "mov %r4, 0\n"
		      "mov %r5, 0\n"
		      "call 6\n"
		      "exit\n");
	REFUSE("ctx", BH_VR_STACK_UNINIT, "uninitialised stack",
	       "stw [%r10-8], 0x0a6968\n"
	       "mov %r1, %r10\n"
	       "add %r1, -8\n"
	       "mov %r2, 8\n"
	       "call 6\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_HELPER_ARG, "the size must not be 0",
	       "stdw [%r10-8], 0\n"
	       "mov %r1, %r10\n"
	       "add %r1, -8\n"
	       "mov %r2, 0\n"
	       "call 6\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_HELPER_ARG, "the size must be bounded",
	       "stdw [%r10-8], 0\n"
	       "ldxdw %r2, [%r1+0]\n"
	       "mov %r1, %r10\n"
	       "add %r1, -8\n"
	       "call 6\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_STACK_BOUNDS, "outside the frame",
	       "stdw [%r10-8], 0\n"
	       "mov %r1, %r10\n"
	       "add %r1, -8\n"
	       "mov %r2, 16\n"
	       "call 6\n"
	       "exit\n");
	/* bounded variable size: the largest value counts */
	ACCEPT("ctx", "stdw [%r10-16], 0\n"
		      "stdw [%r10-8], 0\n"
		      "ldxw %r2, [%r1+0]\n"
		      "and %r2, 15\n"
		      "add %r2, 1\n"
		      "mov %r1, %r10\n"
		      "add %r1, -16\n"
		      "mov %r3, 0\n"
		      "mov %r4, 0\n"
		      "mov %r5, 0\n"
		      "call 6\n"
		      "exit\n");
}

TEST(verifier_helper_map_types)
{
	REFUSE("ctx", BH_VR_MAP_TYPE, "cannot be used with map 'rb'",
	       "stw [%r10-4], 0\n"
	       "lddw %r1, map_fd 3\n"
	       "mov %r2, %r10\n"
	       "add %r2, -4\n"
	       "call 1\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_MAP_TYPE, "cannot be used with map 'hash'",
	       "lddw %r1, map_fd 1\n"
	       "mov %r2, 16\n"
	       "mov %r3, 0\n"
	       "call 131\n"
	       "mov %r0, 0\n"
	       "exit\n");
	/* map_update_elem reads key and value */
	ACCEPT("ctx", "stw [%r10-4], 1\n"
		      "stdw [%r10-16], 7\n"
		      "lddw %r1, map_fd 1\n"
		      "mov %r2, %r10\n"
		      "add %r2, -4\n"
		      "mov %r3, %r10\n"
		      "add %r3, -16\n"
		      "mov %r4, 0\n"
		      "call 2\n"
		      "exit\n");
	REFUSE("ctx", BH_VR_STACK_UNINIT, "uninitialised stack",
	       "stw [%r10-4], 1\n"
	       "stw [%r10-16], 7\n"
	       "lddw %r1, map_fd 1\n"
	       "mov %r2, %r10\n"
	       "add %r2, -4\n"
	       "mov %r3, %r10\n"
	       "add %r3, -16\n"
	       "mov %r4, 0\n"
	       "call 2\n"
	       "exit\n");
	/* queue pop writes its value argument: uninitialised stack is fine */
	ACCEPT("ctx", "lddw %r1, map_fd 6\n"
		      "mov %r2, %r10\n"
		      "add %r2, -8\n"
		      "call 88\n"
		      "ldxdw %r0, [%r10-8]\n"
		      "exit\n");
	REFUSE("ctx", BH_VR_MAP_TYPE, "cannot be used with map 'q'",
	       "stw [%r10-4], 0\n"
	       "lddw %r1, map_fd 6\n"
	       "mov %r2, %r10\n"
	       "add %r2, -4\n"
	       "call 3\n"
	       "exit\n");
}

TEST(verifier_helper_strings)
{
	/* bpf_strncmp(buf, size, "hello") with the string in .rodata */
	ACCEPT("ctx", "stdw [%r10-8], 0\n"
		      "mov %r1, %r10\n"
		      "add %r1, -8\n"
		      "mov %r2, 8\n"
		      "lddw %r3, map_value 4, 0\n"
		      "call 182\n"
		      "exit\n");
	REFUSE("ctx", BH_VR_HELPER_ARG, "read-only (frozen) map",
	       "stdw [%r10-8], 0\n"
	       "stdw [%r10-16], 0\n"
	       "mov %r1, %r10\n"
	       "add %r1, -8\n"
	       "mov %r2, 8\n"
	       "mov %r3, %r10\n"
	       "add %r3, -16\n"
	       "call 182\n"
	       "exit\n");
	/* offset 10 of "hello\0pad\0..." is in the zero tail: still terminated */
	REFUSE("ctx", BH_VR_HELPER_ARG, "outside the map value",
	       "stdw [%r10-8], 0\n"
	       "mov %r1, %r10\n"
	       "add %r1, -8\n"
	       "mov %r2, 8\n"
	       "lddw %r3, map_value 4, 0\n"
	       "add %r3, 16\n"
	       "call 182\n"
	       "exit\n");
}

TEST(verifier_ringbuf_refs)
{
	ACCEPT("ctx", RESERVE16 "jeq %r0, 0, out\n"
				"stdw [%r0+8], 1\n"
				"mov %r1, %r0\n"
				"mov %r2, 0\n"
				"call 132\n"
				"out:\n"
				"mov %r0, 0\n"
				"exit\n");
	/* discard on one path, submit on the other */
	ACCEPT("ctx", "ldxw %r6, [%r1+0]\n" RESERVE16 "jeq %r0, 0, out\n"
		      "mov %r1, %r0\n"
		      "mov %r2, 0\n"
		      "jeq %r6, 0, discard\n"
		      "call 132\n"
		      "ja out\n"
		      "discard:\n"
		      "call 133\n"
		      "out:\n"
		      "mov %r0, 0\n"
		      "exit\n");
	REFUSE("ctx", BH_VR_REF_LEAK, "reserved at insn 4 is neither submitted nor discarded",
	       RESERVE16 "jeq %r0, 0, out\n"
			 "stdw [%r0+8], 1\n"
			 "out:\n"
			 "mov %r0, 0\n"
			 "exit\n");
	/* leaked on one path only */
	REFUSE("ctx", BH_VR_REF_LEAK, "neither submitted nor discarded",
	       "ldxw %r6, [%r1+0]\n" RESERVE16 "jeq %r0, 0, out\n"
	       "jeq %r6, 0, out\n"
	       "mov %r1, %r0\n"
	       "mov %r2, 0\n"
	       "call 132\n"
	       "out:\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_REF_RELEASE, "released at insn 9",
	       RESERVE16 "jeq %r0, 0, out\n"
			 "mov %r6, %r0\n"
			 "mov %r1, %r6\n"
			 "mov %r2, 0\n"
			 "call 132\n"
			 "mov %r1, %r6\n"
			 "mov %r2, 0\n"
			 "call 133\n"
			 "out:\n"
			 "mov %r0, 0\n"
			 "exit\n");
	REFUSE("ctx", BH_VR_REF_RELEASE, "used after its ring buffer record was released",
	       RESERVE16 "jeq %r0, 0, out\n"
			 "mov %r6, %r0\n"
			 "mov %r1, %r0\n"
			 "mov %r2, 0\n"
			 "call 132\n"
			 "stdw [%r6+0], 1\n"
			 "out:\n"
			 "mov %r0, 0\n"
			 "exit\n");
	REFUSE("ctx", BH_VR_NULL_CHECK, "the record may be NULL",
	       RESERVE16 "mov %r1, %r0\n"
			 "mov %r2, 0\n"
			 "call 132\n"
			 "mov %r0, 0\n"
			 "exit\n");
	REFUSE("ctx", BH_VR_MEM_BOUNDS, "outside its 16 bytes",
	       RESERVE16 "jeq %r0, 0, out\n"
			 "stdw [%r0+12], 1\n"
			 "mov %r1, %r0\n"
			 "mov %r2, 0\n"
			 "call 133\n"
			 "out:\n"
			 "mov %r0, 0\n"
			 "exit\n");
	REFUSE("ctx", BH_VR_HELPER_ARG, "size of the memory returned must be a constant",
	       "ldxw %r2, [%r1+0]\n"
	       "lddw %r1, map_fd 3\n"
	       "mov %r3, 0\n"
	       "call 131\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_HELPER_ARG, "the start of the record",
	       RESERVE16 "jeq %r0, 0, out\n"
			 "mov %r1, %r0\n"
			 "add %r1, 8\n"
			 "mov %r2, 0\n"
			 "call 132\n"
			 "out:\n"
			 "mov %r0, 0\n"
			 "exit\n");
	/* a record spilled to the stack and reloaded is still the reference */
	ACCEPT("ctx", RESERVE16 "jeq %r0, 0, out\n"
				"stxdw [%r10-8], %r0\n"
				"ldxdw %r1, [%r10-8]\n"
				"mov %r2, 0\n"
				"call 133\n"
				"out:\n"
				"mov %r0, 0\n"
				"exit\n");
	REFUSE("ctx", BH_VR_PTR_LEAK, "returning a pointer", RESERVE16 "exit\n");
}

TEST(verifier_tail_call)
{
	ACCEPT("ctx", "lddw %r2, map_fd 5\n"
		      "mov %r3, 1\n"
		      "call 12\n"
		      "mov %r0, 0\n"
		      "exit\n");
	REFUSE("ctx", BH_VR_MAP_TYPE, "bpf_tail_call cannot be used with map 'hash'",
	       "lddw %r2, map_fd 1\n"
	       "mov %r3, 1\n"
	       "call 12\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_HELPER_ARG, "unmodified context pointer",
	       "mov %r1, 0\n"
	       "lddw %r2, map_fd 5\n"
	       "mov %r3, 1\n"
	       "call 12\n"
	       "mov %r0, 0\n"
	       "exit\n");
}

TEST(verifier_subprograms)
{
	struct vt_run r;

	vt_verify_asm("mov %r1, 4\n"
		      "call local f\n"
		      "add %r0, 1\n"
		      "exit\n"
		      "f:\n"
		      "mov %r0, %r1\n"
		      "mul %r0, 10\n"
		      "exit\n",
		      "ctx", &r);
	CHECK_EQ(r.err, 0);
	CHECK(bh_scalar_is_const(&r.res.r0) && r.res.r0.umin == 41);
	vt_run_free(&r);
	/* the callee reads the caller's stack through a pointer */
	ACCEPT("ctx", "stdw [%r10-8], 5\n"
		      "mov %r1, %r10\n"
		      "add %r1, -8\n"
		      "call local f\n"
		      "exit\n"
		      "f:\n"
		      "ldxdw %r0, [%r1+0]\n"
		      "stdw [%r10-8], 1\n"
		      "exit\n");
	/* r6..r9 are the callee's own: not initialised at entry */
	REFUSE("ctx", BH_VR_UNINIT_REG, "r6 is read but not initialised",
	       "mov %r6, 1\n"
	       "call local f\n"
	       "exit\n"
	       "f:\n"
	       "mov %r0, %r6\n"
	       "exit\n");
	/* and the caller's r6..r9 survive the call */
	ACCEPT("ctx", "mov %r6, 1\n"
		      "call local f\n"
		      "mov %r0, %r6\n"
		      "exit\n"
		      "f:\n"
		      "mov %r6, 2\n"
		      "mov %r0, 0\n"
		      "exit\n");
	REFUSE("ctx", BH_VR_UNINIT_REG, "r1 is read",
	       "call local f\n"
	       "mov %r0, %r1\n"
	       "exit\n"
	       "f:\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_PTR_LEAK, "own stack",
	       "call local f\n"
	       "mov %r0, 0\n"
	       "exit\n"
	       "f:\n"
	       "mov %r0, %r10\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_R0_UNINIT, "exit of the function",
	       "call local f\n"
	       "exit\n"
	       "f:\n"
	       "exit\n");
	/* each frame has its own 512 bytes */
	ACCEPT("ctx", "stdw [%r10-512], 1\n"
		      "call local f\n"
		      "ldxdw %r0, [%r10-512]\n"
		      "exit\n"
		      "f:\n"
		      "stdw [%r10-512], 2\n"
		      "ldxdw %r0, [%r10-512]\n"
		      "exit\n");
	REFUSE("ctx", BH_VR_STACK_UNINIT, "uninitialised stack",
	       "stdw [%r10-8], 1\n"
	       "call local f\n"
	       "exit\n"
	       "f:\n"
	       "ldxdw %r0, [%r10-8]\n"
	       "exit\n");
	/* a pointer to the callee's stack must not outlive it in the caller */
	REFUSE("ctx", BH_VR_PTR_LEAK, "outlive the callee",
	       "mov %r1, %r10\n"
	       "add %r1, -8\n"
	       "call local f\n"
	       "mov %r0, 0\n"
	       "exit\n"
	       "f:\n"
	       "stxdw [%r1+0], %r10\n"
	       "mov %r0, 0\n"
	       "exit\n");
}

TEST(verifier_call_depth)
{
	/* main + 7 nested calls = 8 frames: the limit */
	ACCEPT("ctx", "call local f1\nexit\n"
		      "f1:\ncall local f2\nexit\n"
		      "f2:\ncall local f3\nexit\n"
		      "f3:\ncall local f4\nexit\n"
		      "f4:\ncall local f5\nexit\n"
		      "f5:\ncall local f6\nexit\n"
		      "f6:\ncall local f7\nexit\n"
		      "f7:\nmov %r0, 0\nexit\n");
	REFUSE("ctx", BH_VR_CALL_DEPTH, "at most 8 frames",
	       "call local f1\nexit\n"
	       "f1:\ncall local f2\nexit\n"
	       "f2:\ncall local f3\nexit\n"
	       "f3:\ncall local f4\nexit\n"
	       "f4:\ncall local f5\nexit\n"
	       "f5:\ncall local f6\nexit\n"
	       "f6:\ncall local f7\nexit\n"
	       "f7:\ncall local f8\nexit\n"
	       "f8:\nmov %r0, 0\nexit\n");
	/* unbounded recursion hits the same limit */
	REFUSE("ctx", BH_VR_CALL_DEPTH, "at most 8 frames",
	       "call local f\n"
	       "exit\n"
	       "f:\n"
	       "call local f\n"
	       "exit\n");
	/* bounded recursion is fine */
	ACCEPT("ctx", "mov %r1, 3\n"
		      "call local f\n"
		      "exit\n"
		      "f:\n"
		      "mov %r0, 0\n"
		      "jeq %r1, 0, done\n"
		      "sub %r1, 1\n"
		      "call local f\n"
		      "done:\n"
		      "exit\n");
}

TEST(verifier_callbacks)
{
	/* bpf_loop(10, cb, &ctx, 0): the callback adds to ctx->sum */
	ACCEPT("ctx", "stdw [%r10-8], 0\n"
		      "mov %r1, 10\n"
		      "lddw %r2, func cb\n"
		      "mov %r3, %r10\n"
		      "add %r3, -8\n"
		      "mov %r4, 0\n"
		      "call 181\n"
		      "ldxdw %r0, [%r10-8]\n"
		      "exit\n"
		      "cb:\n"
		      "ldxdw %r3, [%r2+0]\n"
		      "add %r3, %r1\n"
		      "stxdw [%r2+0], %r3\n"
		      "mov %r0, 0\n"
		      "exit\n");
	REFUSE("ctx", BH_VR_CALLBACK, "must return 0 or 1",
	       "mov %r1, 10\n"
	       "lddw %r2, func cb\n"
	       "mov %r3, 0\n"
	       "mov %r4, 0\n"
	       "call 181\n"
	       "mov %r0, 0\n"
	       "exit\n"
	       "cb:\n"
	       "mov %r0, 2\n"
	       "exit\n");
	/* the loop index is below nr_loops */
	ACCEPT("ctx", "stdw [%r10-16], 0\n"
		      "stdw [%r10-8], 0\n"
		      "mov %r1, 16\n"
		      "lddw %r2, func cb\n"
		      "mov %r3, %r10\n"
		      "add %r3, -16\n"
		      "mov %r4, 0\n"
		      "call 181\n"
		      "mov %r0, 0\n"
		      "exit\n"
		      "cb:\n"
		      "add %r2, %r1\n"
		      "stb [%r2+0], 1\n"
		      "mov %r0, 0\n"
		      "exit\n");
	REFUSE("ctx", BH_VR_STACK_BOUNDS, "outside the frame",
	       "stdw [%r10-16], 0\n"
	       "stdw [%r10-8], 0\n"
	       "mov %r1, 17\n"
	       "lddw %r2, func cb\n"
	       "mov %r3, %r10\n"
	       "add %r3, -16\n"
	       "mov %r4, 0\n"
	       "call 181\n"
	       "mov %r0, 0\n"
	       "exit\n"
	       "cb:\n"
	       "add %r2, %r1\n"
	       "stb [%r2+0], 1\n"
	       "mov %r0, 0\n"
	       "exit\n");
	/*
	 * The callback overwrites a spilled pointer of its caller with a
	 * number: after the loop the slot is no pointer any more.
	 */
	REFUSE("ctx", BH_VR_STACK_UNINIT, "uninitialised stack",
	       "stxdw [%r10-8], %r1\n"
	       "mov %r1, 3\n"
	       "lddw %r2, func cb\n"
	       "mov %r3, %r10\n"
	       "add %r3, -8\n"
	       "mov %r4, 0\n"
	       "call 181\n"
	       "ldxdw %r1, [%r10-8]\n"
	       "ldxdw %r0, [%r1+0]\n"
	       "exit\n"
	       "cb:\n"
	       "stdw [%r2+0], 0\n"
	       "mov %r0, 0\n"
	       "exit\n");
	/* ... and inside the callback, a second round sees the number too */
	REFUSE("ctx", BH_VR_STACK_UNINIT, "uninitialised stack",
	       "stxdw [%r10-8], %r1\n"
	       "mov %r1, 3\n"
	       "lddw %r2, func cb\n"
	       "mov %r3, %r10\n"
	       "add %r3, -8\n"
	       "mov %r4, 0\n"
	       "call 181\n"
	       "mov %r0, 0\n"
	       "exit\n"
	       "cb:\n"
	       "ldxdw %r3, [%r2+0]\n"
	       "ldxdw %r4, [%r3+0]\n"
	       "stdw [%r2+0], 0\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_CALLBACK, "may not store pointers into its caller's stack",
	       "stdw [%r10-8], 0\n"
	       "mov %r1, 3\n"
	       "lddw %r2, func cb\n"
	       "mov %r3, %r10\n"
	       "add %r3, -8\n"
	       "mov %r4, 0\n"
	       "call 181\n"
	       "mov %r0, 0\n"
	       "exit\n"
	       "cb:\n"
	       "stxdw [%r2+0], %r10\n"
	       "mov %r0, 0\n"
	       "exit\n");
	/* for_each_map_elem: value of the map's size, read-only key */
	ACCEPT("ctx", "lddw %r1, map_fd 2\n"
		      "lddw %r2, func cb\n"
		      "mov %r3, 0\n"
		      "mov %r4, 0\n"
		      "call 164\n"
		      "exit\n"
		      "cb:\n"
		      "ldxw %r0, [%r2+0]\n"
		      "ldxdw %r0, [%r3+8]\n"
		      "mov %r0, 0\n"
		      "exit\n");
	REFUSE("ctx", BH_VR_BAD_ACCESS, "read-only memory",
	       "lddw %r1, map_fd 2\n"
	       "lddw %r2, func cb\n"
	       "mov %r3, 0\n"
	       "mov %r4, 0\n"
	       "call 164\n"
	       "exit\n"
	       "cb:\n"
	       "stw [%r2+0], 1\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_MAP_BOUNDS, "outside the 16-byte value",
	       "lddw %r1, map_fd 2\n"
	       "lddw %r2, func cb\n"
	       "mov %r3, 0\n"
	       "mov %r4, 0\n"
	       "call 164\n"
	       "exit\n"
	       "cb:\n"
	       "ldxdw %r0, [%r3+12]\n"
	       "mov %r0, 0\n"
	       "exit\n");
	/* a callback may not release its caller's record */
	REFUSE("ctx", BH_VR_CALLBACK, "its caller reserved",
	       RESERVE16 "jeq %r0, 0, out\n"
			 "stxdw [%r10-8], %r0\n"
			 "mov %r1, 1\n"
			 "lddw %r2, func cb\n"
			 "mov %r3, %r10\n"
			 "add %r3, -8\n"
			 "mov %r4, 0\n"
			 "call 181\n"
			 "ldxdw %r1, [%r10-8]\n"
			 "mov %r2, 0\n"
			 "call 132\n"
			 "out:\n"
			 "mov %r0, 0\n"
			 "exit\n"
			 "cb:\n"
			 "ldxdw %r1, [%r2+0]\n"
			 "mov %r2, 0\n"
			 "call 132\n"
			 "mov %r0, 0\n"
			 "exit\n");
}

TEST(verifier_map_in_map)
{
	/* outer lookup gives an inner map (or NULL), then a lookup in it */
	ACCEPT("ctx", "stw [%r10-4], 0\n"
		      "lddw %r1, map_fd 8\n"
		      "mov %r2, %r10\n"
		      "add %r2, -4\n"
		      "call 1\n"
		      "jeq %r0, 0, out\n"
		      "mov %r1, %r0\n"
		      "mov %r2, %r10\n"
		      "add %r2, -4\n"
		      "call 1\n"
		      "jeq %r0, 0, out\n"
		      "ldxdw %r0, [%r0+0]\n"
		      "exit\n"
		      "out:\n"
		      "mov %r0, 0\n"
		      "exit\n");
	REFUSE("ctx", BH_VR_NULL_CHECK, "the map may be NULL",
	       "stw [%r10-4], 0\n"
	       "lddw %r1, map_fd 8\n"
	       "mov %r2, %r10\n"
	       "add %r2, -4\n"
	       "call 1\n"
	       "mov %r1, %r0\n"
	       "mov %r2, %r10\n"
	       "add %r2, -4\n"
	       "call 1\n"
	       "mov %r0, 0\n"
	       "exit\n");
	/* the inner map is not memory */
	REFUSE("ctx", BH_VR_BAD_ACCESS, "map_ptr",
	       "stw [%r10-4], 0\n"
	       "lddw %r1, map_fd 8\n"
	       "mov %r2, %r10\n"
	       "add %r2, -4\n"
	       "call 1\n"
	       "jeq %r0, 0, out\n"
	       "ldxdw %r0, [%r0+0]\n"
	       "exit\n"
	       "out:\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_MAP_TYPE, "cannot be used with map 'outer'",
	       "stw [%r10-4], 0\n"
	       "stw [%r10-8], 0\n"
	       "lddw %r1, map_fd 8\n"
	       "mov %r2, %r10\n"
	       "add %r2, -4\n"
	       "mov %r3, %r10\n"
	       "add %r3, -8\n"
	       "mov %r4, 0\n"
	       "call 2\n"
	       "exit\n");
}
