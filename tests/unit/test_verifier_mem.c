/* SPDX-License-Identifier: MIT */
/*
 * Verifier memory rules: context (bounds, header, writable ranges, packet
 * pointer fields), packet access proven by data/data_end comparisons
 * (constant and variable offsets, metadata), map values (NULL checks,
 * bounds, read-only maps, direct value access), memory of known size, and
 * pointer leaks.
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

/* r2 = data, r3 = data_end (xdp real layout) */
#define PKT_PROLOGUE           \
	"ldxdw %r2, [%r1+0]\n" \
	"ldxdw %r3, [%r1+8]\n"

TEST(verifier_ctx_bounds)
{
	ACCEPT("ctx", "ldxdw %r0, [%r1+24]\n"
		      "exit\n");
	ACCEPT("ctx", "ldxb %r0, [%r1+31]\n"
		      "exit\n");
	REFUSE("ctx", BH_VR_CTX_BOUNDS, "beyond the 32-byte context",
	       "ldxdw %r0, [%r1+28]\n"
	       "exit\n");
	/* the context header sits in front of the context: never reachable */
	REFUSE("ctx", BH_VR_CTX_HEADER, "context header",
	       "ldxdw %r0, [%r1-8]\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_CTX_HEADER, "offset -64",
	       "ldxdw %r0, [%r1-64]\n"
	       "exit\n");
	REFUSE("xdp", BH_VR_CTX_HEADER, "not accessible to programs",
	       "mov %r0, 0\n"
	       "stdw [%r1-16], 0\n"
	       "exit\n");
	/* stepping back with arithmetic first does not help */
	REFUSE("ctx", BH_VR_CTX_MODIFIED, "modified context pointer",
	       "sub %r1, 8\n"
	       "ldxdw %r0, [%r1+0]\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_CTX_MODIFIED, "modified context pointer",
	       "add %r1, 8\n"
	       "ldxdw %r0, [%r1+0]\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_CTX_MODIFIED, "variable offset added to the context",
	       "ldxw %r2, [%r1+0]\n"
	       "and %r2, 7\n"
	       "add %r1, %r2\n"
	       "mov %r0, 0\n"
	       "exit\n");
}

TEST(verifier_ctx_writes)
{
	ACCEPT("ctx", "stdw [%r1+16], 7\n"
		      "mov %r0, 0\n"
		      "exit\n");
	ACCEPT("ctx", "mov %r2, 3\n"
		      "stxw [%r1+20], %r2\n"
		      "mov %r0, 0\n"
		      "exit\n");
	REFUSE("ctx", BH_VR_CTX_WRITE, "not writable",
	       "stw [%r1+12], 7\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_CTX_WRITE, "not writable",
	       "stdw [%r1+20], 7\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_PTR_LEAK, "into the context would leak",
	       "stxdw [%r1+16], %r10\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("xdp", BH_VR_CTX_WRITE, "hold the data pointer",
	       "stdw [%r1+0], 0\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("xdp", BH_VR_CTX_BOUNDS, "partial read",
	       "ldxw %r0, [%r1+8]\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_BAD_ACCESS, "atomic operations on the context",
	       "mov %r2, 1\n"
	       "lock add [%r1+16], %r2\n"
	       "mov %r0, 0\n"
	       "exit\n");
}

TEST(verifier_packet)
{
	/* the Ethernet header after the classic check */
	ACCEPT("xdp", PKT_PROLOGUE "mov %r0, 1\n"
				   "mov %r4, %r2\n"
				   "add %r4, 14\n"
				   "jgt %r4, %r3, out\n"
				   "ldxh %r5, [%r2+12]\n"
				   "stb [%r2+0], 1\n"
				   "mov %r0, 2\n"
				   "out:\n"
				   "exit\n");
	/* the same check written the other way round */
	ACCEPT("xdp", PKT_PROLOGUE "mov %r0, 1\n"
				   "mov %r4, %r2\n"
				   "add %r4, 14\n"
				   "jle %r4, %r3, ok\n"
				   "exit\n"
				   "ok:\n"
				   "ldxh %r5, [%r2+12]\n"
				   "exit\n");
	ACCEPT("xdp", PKT_PROLOGUE "mov %r0, 1\n"
				   "mov %r4, %r2\n"
				   "add %r4, 14\n"
				   "jlt %r3, %r4, out\n"
				   "ldxh %r5, [%r2+12]\n"
				   "out:\n"
				   "exit\n");
	/* a reload of data still sees the proven length */
	ACCEPT("xdp", PKT_PROLOGUE "mov %r0, 1\n"
				   "mov %r4, %r2\n"
				   "add %r4, 14\n"
				   "jgt %r4, %r3, out\n"
				   "ldxdw %r6, [%r1+0]\n"
				   "ldxw %r5, [%r6+8]\n"
				   "out:\n"
				   "exit\n");
	REFUSE("xdp", BH_VR_PKT_BOUNDS, "compare data + 14 against data_end",
	       PKT_PROLOGUE "mov %r0, 1\n"
			    "ldxh %r5, [%r2+12]\n"
			    "exit\n");
	/* checked 10 bytes, read 14 */
	REFUSE("xdp", BH_VR_PKT_BOUNDS, "proven: 10 bytes",
	       PKT_PROLOGUE "mov %r0, 1\n"
			    "mov %r4, %r2\n"
			    "add %r4, 10\n"
			    "jgt %r4, %r3, out\n"
			    "ldxh %r5, [%r2+12]\n"
			    "out:\n"
			    "exit\n");
	/* the bytes are proven only on the side where the comparison holds */
	REFUSE("xdp", BH_VR_PKT_BOUNDS, "not proven",
	       PKT_PROLOGUE "mov %r0, 1\n"
			    "mov %r4, %r2\n"
			    "add %r4, 14\n"
			    "jgt %r4, %r3, bad\n"
			    "exit\n"
			    "bad:\n"
			    "ldxh %r5, [%r2+12]\n"
			    "exit\n");
	REFUSE("xdp", BH_VR_PKT_BOUNDS, "before its start",
	       PKT_PROLOGUE "mov %r0, 1\n"
			    "mov %r4, %r2\n"
			    "add %r4, 14\n"
			    "jgt %r4, %r3, out\n"
			    "ldxb %r5, [%r2-1]\n"
			    "out:\n"
			    "exit\n");
	REFUSE("xdp", BH_VR_BAD_ACCESS, "packet end pointer",
	       PKT_PROLOGUE "mov %r0, 1\n"
			    "ldxb %r5, [%r3+0]\n"
			    "exit\n");
	REFUSE("xdp", BH_VR_PTR_ARITH, "arithmetic on r3 (pkt_end)",
	       PKT_PROLOGUE "mov %r0, 1\n"
			    "sub %r3, 4\n"
			    "exit\n");
	REFUSE("xdp", BH_VR_PTR_LEAK, "into the packet would leak",
	       PKT_PROLOGUE "mov %r0, 1\n"
			    "mov %r4, %r2\n"
			    "add %r4, 14\n"
			    "jgt %r4, %r3, out\n"
			    "stxdw [%r2+0], %r2\n"
			    "out:\n"
			    "exit\n");
	/* data_end - data is a length */
	ACCEPT("xdp", PKT_PROLOGUE "mov %r0, %r3\n"
				   "sub %r0, %r2\n"
				   "and %r0, 3\n"
				   "exit\n");
}

TEST(verifier_packet_variable_offset)
{
	/* p = data + (x & 0xff); check p + 4 against data_end; read p[0..4) */
	ACCEPT("xdp", PKT_PROLOGUE "mov %r0, 1\n"
				   "ldxw %r4, [%r1+24]\n"
				   "and %r4, 0xff\n"
				   "mov %r5, %r2\n"
				   "add %r5, %r4\n"
				   "mov %r6, %r5\n"
				   "add %r6, 4\n"
				   "jgt %r6, %r3, out\n"
				   "ldxw %r7, [%r5+0]\n"
				   "out:\n"
				   "exit\n");
	/* read beyond what the check proved for this pointer */
	REFUSE("xdp", BH_VR_PKT_BOUNDS, "not proven",
	       PKT_PROLOGUE "mov %r0, 1\n"
			    "ldxw %r4, [%r1+24]\n"
			    "and %r4, 0xff\n"
			    "mov %r5, %r2\n"
			    "add %r5, %r4\n"
			    "mov %r6, %r5\n"
			    "add %r6, 4\n"
			    "jgt %r6, %r3, out\n"
			    "ldxw %r7, [%r5+2]\n"
			    "out:\n"
			    "exit\n");
	/* a signed index may be negative */
	REFUSE("xdp", BH_VR_PKT_BOUNDS, "before its start",
	       PKT_PROLOGUE "mov %r0, 1\n"
			    "ldxw %r4, [%r1+24]\n"
			    "lsh %r4, 56\n"
			    "arsh %r4, 56\n"
			    "mov %r5, %r2\n"
			    "add %r5, %r4\n"
			    "mov %r6, %r5\n"
			    "add %r6, 4\n"
			    "jgt %r6, %r3, out\n"
			    "ldxw %r7, [%r5+0]\n"
			    "out:\n"
			    "exit\n");
}

TEST(verifier_packet_meta)
{
	ACCEPT("xdp", "ldxdw %r2, [%r1+16]\n"
		      "ldxdw %r3, [%r1+0]\n"
		      "mov %r0, 1\n"
		      "mov %r4, %r2\n"
		      "add %r4, 4\n"
		      "jgt %r4, %r3, out\n"
		      "ldxw %r0, [%r2+0]\n"
		      "and %r0, 1\n"
		      "out:\n"
		      "exit\n");
	REFUSE("xdp", BH_VR_PKT_BOUNDS, "compare data_meta",
	       "ldxdw %r2, [%r1+16]\n"
	       "mov %r0, 1\n"
	       "ldxw %r5, [%r2+0]\n"
	       "exit\n");
}

TEST(verifier_map_values)
{
	/* lookup, NULL check, read inside the value */
	ACCEPT("ctx", "stw [%r10-4], 0\n"
		      "lddw %r1, map_fd 1\n"
		      "mov %r2, %r10\n"
		      "add %r2, -4\n"
		      "call 1\n"
		      "jeq %r0, 0, out\n"
		      "ldxdw %r0, [%r0+0]\n"
		      "exit\n"
		      "out:\n"
		      "mov %r0, 0\n"
		      "exit\n");
	REFUSE("ctx", BH_VR_NULL_CHECK, "may be NULL",
	       "stw [%r10-4], 0\n"
	       "lddw %r1, map_fd 1\n"
	       "mov %r2, %r10\n"
	       "add %r2, -4\n"
	       "call 1\n"
	       "ldxdw %r0, [%r0+0]\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_MAP_BOUNDS, "outside the 8-byte value",
	       "stw [%r10-4], 0\n"
	       "lddw %r1, map_fd 1\n"
	       "mov %r2, %r10\n"
	       "add %r2, -4\n"
	       "call 1\n"
	       "jeq %r0, 0, out\n"
	       "ldxdw %r0, [%r0+4]\n"
	       "exit\n"
	       "out:\n"
	       "mov %r0, 0\n"
	       "exit\n");
	/* a NULL check on a copy settles the original too */
	ACCEPT("ctx", "stw [%r10-4], 0\n"
		      "lddw %r1, map_fd 1\n"
		      "mov %r2, %r10\n"
		      "add %r2, -4\n"
		      "call 1\n"
		      "mov %r6, %r0\n"
		      "jne %r6, 0, ok\n"
		      "mov %r0, 0\n"
		      "exit\n"
		      "ok:\n"
		      "ldxdw %r0, [%r0+0]\n"
		      "exit\n");
	/* the key must be initialised */
	REFUSE("ctx", BH_VR_STACK_UNINIT, "uninitialised stack",
	       "lddw %r1, map_fd 1\n"
	       "mov %r2, %r10\n"
	       "add %r2, -4\n"
	       "call 1\n"
	       "mov %r0, 0\n"
	       "exit\n");
	/* a bounded index into the value */
	ACCEPT("ctx", "stw [%r10-4], 0\n"
		      "ldxw %r6, [%r1+0]\n"
		      "lddw %r1, map_fd 2\n"
		      "mov %r2, %r10\n"
		      "add %r2, -4\n"
		      "call 1\n"
		      "jeq %r0, 0, out\n"
		      "and %r6, 7\n"
		      "add %r0, %r6\n"
		      "ldxdw %r0, [%r0+0]\n"
		      "exit\n"
		      "out:\n"
		      "mov %r0, 0\n"
		      "exit\n");
	REFUSE("ctx", BH_VR_MAP_BOUNDS, "outside the 16-byte value",
	       "stw [%r10-4], 0\n"
	       "ldxw %r6, [%r1+0]\n"
	       "lddw %r1, map_fd 2\n"
	       "mov %r2, %r10\n"
	       "add %r2, -4\n"
	       "call 1\n"
	       "jeq %r0, 0, out\n"
	       "and %r6, 15\n"
	       "add %r0, %r6\n"
	       "ldxdw %r0, [%r0+0]\n"
	       "exit\n"
	       "out:\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_PTR_LEAK, "into the map value would leak",
	       "stw [%r10-4], 0\n"
	       "lddw %r1, map_fd 1\n"
	       "mov %r2, %r10\n"
	       "add %r2, -4\n"
	       "call 1\n"
	       "jeq %r0, 0, out\n"
	       "stxdw [%r0+0], %r10\n"
	       "out:\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_NULL_CHECK, "arithmetic on r0, which may be NULL",
	       "stw [%r10-4], 0\n"
	       "lddw %r1, map_fd 1\n"
	       "mov %r2, %r10\n"
	       "add %r2, -4\n"
	       "call 1\n"
	       "add %r0, 4\n"
	       "mov %r0, 0\n"
	       "exit\n");
}

TEST(verifier_map_direct_value)
{
	struct vt_run r;

	ACCEPT("ctx", "lddw %r1, map_value 7, 8\n"
		      "ldxdw %r0, [%r1+16]\n"
		      "stdw [%r1+0], 1\n"
		      "exit\n");
	REFUSE("ctx", BH_VR_MAP_BOUNDS, "outside the 32-byte value",
	       "lddw %r1, map_value 7, 8\n"
	       "ldxdw %r0, [%r1+24]\n"
	       "exit\n");
	/* read-only .rodata: stores refused, constant reads are known */
	REFUSE("ctx", BH_VR_MAP_RDONLY, "read-only map",
	       "lddw %r1, map_value 4, 0\n"
	       "stb [%r1+0], 1\n"
	       "mov %r0, 0\n"
	       "exit\n");
	vt_verify_asm("lddw %r1, map_value 4, 0\n"
		      "ldxb %r0, [%r1+1]\n"
		      "exit\n",
		      "ctx", &r);
	CHECK_EQ(r.err, 0);
	CHECK(bh_scalar_is_const(&r.res.r0) && r.res.r0.umin == 'e');
	vt_run_free(&r);
	REFUSE("ctx", BH_VR_MAP_TYPE, "single-entry array",
	       "lddw %r1, map_value 2, 0\n"
	       "mov %r0, 0\n"
	       "exit\n");
	REFUSE("ctx", BH_VR_BAD_ACCESS, "map_ptr",
	       "lddw %r1, map_fd 1\n"
	       "ldxdw %r0, [%r1+0]\n"
	       "exit\n");
}

TEST(verifier_mem_region)
{
	ACCEPT("mem:16", "ldxdw %r0, [%r1+8]\n"
			 "stxdw [%r1+0], %r0\n"
			 "exit\n");
	REFUSE("mem:16", BH_VR_MEM_BOUNDS, "outside its 16 bytes",
	       "ldxdw %r0, [%r1+9]\n"
	       "exit\n");
	/* index bounded by r2 (the length) is not enough without a check */
	REFUSE("mem:16", BH_VR_PTR_UNBOUNDED, "unbounded scalar",
	       "ldxdw %r3, [%r1+0]\n"
	       "add %r1, %r3\n"
	       "mov %r0, 0\n"
	       "exit\n");
	ACCEPT("mem:16", "ldxdw %r3, [%r1+0]\n"
			 "jgt %r3, 12, out\n"
			 "add %r1, %r3\n"
			 "ldxw %r0, [%r1+0]\n"
			 "exit\n"
			 "out:\n"
			 "mov %r0, 0\n"
			 "exit\n");
	REFUSE("mem:16", BH_VR_NOT_PTR, "which is a scalar",
	       "ldxdw %r0, [%r2+0]\n"
	       "exit\n");
	REFUSE("none", BH_VR_NOT_PTR, "which is NULL",
	       "ldxdw %r0, [%r1+0]\n"
	       "exit\n");
}
