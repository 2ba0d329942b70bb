/* SPDX-License-Identifier: MIT */
/*
 * Test program types, maps and helpers for the verifier tests, built by hand
 * (no runtime needed), and a one-call way to verify assembly text.
 *
 * Program types (vt_type names):
 *   "ctx"    32-byte context, bytes [16, 24) writable, no packet, any r0
 *   "xdp"    real XDP-like layout: u64 data @0, data_end @8, data_meta @16,
 *            u32 ifindex @24, rx_queue @28, mark @32 (writable), 40 bytes;
 *            r0 in [0, 4]
 *   "xdp_md" the same real layout behind the Linux struct xdp_md view
 *            (u32 data @0, data_end @4, data_meta @8, ingress_ifindex @12,
 *            rx_queue_index @16; egress_ifindex @20 is not provided)
 *   "ret01"  like "ctx" but r0 must be 0 or 1
 *   "mem:N"  no context: r1 = N bytes of memory, r2 = N (conformance tests)
 *   "none"   like "mem:0" but r1 = 0 (conformance tests without memory)
 * Maps, by the imm of "lddw %rX, map_fd N":
 *   1 hash "hash" key 4 value 8      2 array "arr" key 4 value 16 x 4
 *   3 ringbuf "rb" 4096              4 .rodata array, value "hello\0pad", read-only
 *   5 prog array "jmp" x 4           6 queue "q" value 8
 *   7 single-entry array "glob" value 32 (for map_value lddw)
 *   8 array of maps "outer" x 2, inner maps like map 1
 * Helpers: the runtime's core helpers and bpf_tail_call; "xdp" and "xdp_md"
 * add bpf_xdp_adjust_head (44) and bpf_xdp_adjust_tail (65) (ctx, delta;
 * they change packet data); in "mem"/"none" types, helper 5 is the
 * conformance suite's identity (ANYTHING -> INTEGER).
 */
#ifndef BH_TEST_VERIFIER_UTIL_H
#define BH_TEST_VERIFIER_UTIL_H

#include <stddef.h>

#include "verifier/verifier.h"

struct vt_run {
	int err;
	struct bh_verifier_result res;
	char log[8192];
};

/* Verify assembly text under a test type; returns err (also in run->err). */
int vt_verify_asm(const char *text, const char *type, struct vt_run *run);
/* Same for instructions; log_level as given. */
int vt_verify_insns(const struct bpfhost_insn *insns, size_t cnt, const char *type,
		    unsigned log_level, struct vt_run *run);
void vt_run_free(struct vt_run *run);

/* Maps (and source lines) from elsewhere, e.g. a compiled object. */
struct vt_maps {
	bool (*map_def)(void *cookie, size_t insn_idx, struct bh_verifier_map *out);
	const char *(*source_line)(void *cookie, size_t insn_idx);
	void *cookie;
};
int vt_verify_with(const struct bpfhost_insn *insns, size_t cnt, const char *type,
		   const struct vt_maps *m, struct vt_run *run);
/* The context descriptor of a test type with a context, or NULL. */
const struct bpfhost_ctx_desc *vt_ctx_desc(const char *type);
/* Map N of the list above (NULL if none); the 16 value bytes of map 4. */
const struct bh_map_def *vt_map(int fd);
const char *vt_rodata(void);

/* Instruction budget for the next verifications (0: the default). */
extern uint32_t vt_budget;

#endif /* BH_TEST_VERIFIER_UTIL_H */
