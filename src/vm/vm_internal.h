/* SPDX-License-Identifier: MIT */
/*
 * Internal representation of a loaded program for the interpreter.
 *
 * Loading pre-decodes every instruction slot into a struct bh_dinsn: the
 * handler (label address for computed-goto dispatch, operation number for
 * the switch fallback), register numbers, the immediate already widened to
 * 64 bits the way the operation uses it (sign- or zero-extended, shift counts
 * masked, lddw halves joined), a direct pointer to the jump target and the
 * resolved helper function. Slot numbering is kept (the second slot of lddw
 * has an unused entry), so a target index is also its array index.
 */
#ifndef BH_VM_INTERNAL_H
#define BH_VM_INTERNAL_H

#include <stdint.h>

#include "isa/isa.h"

struct bh_dinsn {
	union {
		const void *label; /* computed-goto dispatch */
		uintptr_t op;	   /* switch dispatch: enum bh_op */
	};
	union {
		const struct bh_dinsn *target; /* jumps, local calls */
		bpfhost_helper_fn fn;	       /* helper calls */
	};
	uint64_t imm; /* widened immediate */
	uint8_t dst;
	uint8_t src;
	int16_t off;
	uint32_t pad;
};

_Static_assert(sizeof(struct bh_dinsn) == 32, "decoded instruction is half a cache line");

struct bpfhost_vm {
	struct bh_dinsn *code;
	size_t insn_cnt;
	struct bpfhost_insn *insns;	    /* original program */
	struct bpfhost_helper_def *helpers; /* sorted by id, for callx */
	size_t helper_cnt;
};

/*
 * The interpreter. With vm == NULL it only stores its dispatch table (one
 * entry per enum bh_op) into *labels and returns 0; this is how the loader
 * learns the label addresses for computed-goto dispatch.
 *
 * stack_top: NULL runs on the interpreter's own stack (8 frames of 512 bytes
 * in its C frame); otherwise r10 of the main frame starts there and each
 * local call moves it down 512 bytes, so the caller provides
 * 512 * (deepest frame + 1) bytes below it (the verifier soundness fuzzer
 * puts guard pages around them).
 */
int bh_interp_run(const struct bpfhost_vm *vm, uint64_t r1, uint64_t r2, uint64_t *ret,
		  const void *const **labels, uint64_t *stack_top);

/* bpfhost_vm__run() on a caller-provided stack (see bh_interp_run). */
int bh_vm_run_on_stack(const struct bpfhost_vm *vm, uint64_t r1, uint64_t r2, uint64_t *ret,
		       uint64_t *stack_top);

bpfhost_helper_fn bh_vm_find_helper(const struct bpfhost_vm *vm, uint64_t id);

#endif /* BH_VM_INTERNAL_H */
