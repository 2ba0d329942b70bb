/* SPDX-License-Identifier: MIT */
/*
 * Linux context views: a program compiled for struct xdp_md (32-bit data /
 * data_end) is verified against the view and its context accesses are
 * rewritten to the real layout (64-bit pointers at other offsets), with the
 * same instruction count and jump offsets. Fields the view lacks, partial
 * reads of widened fields and stores that would change a field's meaning are
 * refused; so is an instruction that reaches the context on one path and
 * other memory on another (it could not be rewritten for both).
 */
#include <errno.h>
#include <string.h>

#include "isa/isa.h"
#include "../lib/harness.h"
#include "test_verifier_util.h"

TEST(verifier_view_rewrite)
{
	struct vt_run r;
	const struct bpfhost_insn *o;

	vt_verify_asm("ldxw %r2, [%r1+0]\n"  /* data -> ldxdw [r1+0] */
		      "ldxw %r3, [%r1+4]\n"  /* data_end -> ldxdw [r1+8] */
		      "ldxw %r6, [%r1+16]\n" /* rx_queue_index -> ldxw [r1+28] */
		      "ldxh %r7, [%r1+14]\n" /* upper half of ingress_ifindex -> [r1+26] */
		      "mov %r0, 1\n"
		      "mov %r4, %r2\n"
		      "add %r4, 14\n"
		      "jgt %r4, %r3, out\n"
		      "ldxh %r5, [%r2+12]\n" /* packet access: unchanged */
		      "mov %r0, 2\n"
		      "out:\n"
		      "exit\n",
		      "xdp_md", &r);
	CHECK_EQ(r.err, 0);
	o = r.res.insns;
	CHECK(o != NULL);
	if (r.err || !o) {
		vt_run_free(&r);
		return;
	}
	CHECK_EQ(o[0].code, 0x79); /* ldxdw */
	CHECK_EQ(o[0].off, 0);
	CHECK_EQ(o[1].code, 0x79);
	CHECK_EQ(o[1].off, 8);
	CHECK_EQ(o[2].code, 0x61); /* ldxw */
	CHECK_EQ(o[2].off, 28);
	CHECK_EQ(o[3].code, 0x69); /* ldxh */
	CHECK_EQ(o[3].off, 26);
	CHECK_EQ(o[8].code, 0x69);
	CHECK_EQ(o[8].off, 12);
	CHECK_EQ(o[7].off, 2); /* jump offsets unchanged */
	CHECK_EQ(r.res.ctx_access_end, 32);
	vt_run_free(&r);
}

TEST(verifier_view_refusals)
{
	struct vt_run r;

	/* egress_ifindex (20) is part of struct xdp_md but not provided */
	vt_verify_asm("ldxw %r0, [%r1+20]\nexit\n", "xdp_md", &r);
	CHECK_EQ(r.res.rule, BH_VR_CTX_VIEW);
	CHECK_CONTAINS(r.log, "the field does not exist here");
	vt_run_free(&r);
	vt_verify_asm("ldxw %r0, [%r1+24]\nexit\n", "xdp_md", &r);
	CHECK_EQ(r.res.rule, BH_VR_CTX_BOUNDS);
	CHECK_CONTAINS(r.log, "24-byte Linux context view");
	vt_run_free(&r);
	/* half of the 32-bit data field: its real field is a 64-bit pointer */
	vt_verify_asm("ldxh %r0, [%r1+0]\nexit\n", "xdp_md", &r);
	CHECK_EQ(r.res.rule, BH_VR_CTX_VIEW);
	CHECK_CONTAINS(r.log, "partial or sign-extending read");
	vt_run_free(&r);
	vt_verify_asm("mov %r0, 0\nstw [%r1+12], 1\nexit\n", "xdp_md", &r);
	CHECK_EQ(r.res.rule, BH_VR_CTX_WRITE);
	vt_run_free(&r);
	vt_verify_asm("mov %r0, 0\nstw [%r1+0], 1\nexit\n", "xdp_md", &r);
	CHECK_EQ(r.res.rule, BH_VR_CTX_VIEW);
	CHECK_CONTAINS(r.log, "another width");
	vt_run_free(&r);
	/* the header stays unreachable through the view */
	vt_verify_asm("ldxw %r0, [%r1-4]\nexit\n", "xdp_md", &r);
	CHECK_EQ(r.res.rule, BH_VR_CTX_HEADER);
	vt_run_free(&r);
	/* one load instruction used for the context and for the stack */
	vt_verify_asm("stdw [%r10-16], 0\n"
		      "stdw [%r10-8], 0\n"
		      "ldxw %r2, [%r1+16]\n"
		      "mov %r3, %r1\n"
		      "jeq %r2, 0, load\n"
		      "mov %r3, %r10\n"
		      "add %r3, -16\n"
		      "load:\n"
		      "ldxw %r0, [%r3+12]\n"
		      "and %r0, 1\n"
		      "exit\n",
		      "xdp_md", &r);
	CHECK_EQ(r.res.rule, BH_VR_BAD_ACCESS);
	CHECK_CONTAINS(r.log, "accesses the context on one path");
	vt_run_free(&r);
}

TEST(verifier_view_absent_means_real_layout)
{
	struct vt_run r;

	/* the same loads under the real layout are plain 8-byte reads */
	vt_verify_asm("ldxdw %r2, [%r1+0]\n"
		      "ldxw %r0, [%r1+28]\n"
		      "and %r0, 1\n"
		      "exit\n",
		      "xdp", &r);
	CHECK_EQ(r.err, 0);
	CHECK(r.res.insns == NULL);
	vt_run_free(&r);
	vt_verify_asm("ldxw %r2, [%r1+0]\nmov %r0, 0\nexit\n", "xdp", &r);
	CHECK_EQ(r.res.rule, BH_VR_CTX_BOUNDS);
	CHECK_CONTAINS(r.log, "partial read [0, 4) of the data pointer field");
	vt_run_free(&r);
}
