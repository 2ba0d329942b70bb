/* SPDX-License-Identifier: MIT */
/*
 * The verifier: proves a program safe before it runs (docs/verifier.md).
 *
 * A self-contained subsystem. The runtime's program load fills a struct
 * bh_verifier_input with the program, the program type's context descriptor
 * and return range, and callbacks that answer what only the runtime knows
 * (helper prototypes the type offers, the map an lddw refers to, source
 * lines), then calls bh_verify(). The verifier never keeps pointers into the
 * input after it returns.
 *
 * Input program: the instructions as loaded, pseudo lddw forms still in
 * place. lddw src 1 (map fd) and 5 (map index) load a map pointer; src 2
 * (map value) and 6 (map index value) the address of the value of a
 * single-entry map plus the offset in the second slot's imm; src 4 (func) the
 * address of a subprogram. map_def(cookie, idx) gives the map of the lddw at
 * idx. src 3 (BTF ids), kfunc calls and legacy packet loads are refused.
 *
 * Entry state: r1 = the context (or what entry[0] says), r2 = entry[1]
 * (not initialised by default), r3..r9 not initialised, r10 = frame pointer.
 *
 * Errors: 0 = accepted; -EACCES = unsafe (memory, pointer, helper, reference,
 * return-value rules), -EINVAL = malformed or unprovable control flow
 * (encoding, unreachable code, jumps out of a function, infinite loop,
 * unsupported instruction), -E2BIG = more than insn_budget instructions
 * processed or call chain too deep, -ENOMEM. The first error only goes to the
 * log (instruction, disassembly, source line, registers, hint) followed by a
 * one-line summary that tools can parse:
 *
 *   verifier: refused insn 3 [ctx-header] (processed 4 insns): MESSAGE
 *   verifier: accepted (processed 120 insns, 14 states, peak 9; r0 in [0, 2])
 *
 * log_level 1 adds the summary of an accepted program (level 0 logs nothing
 * when the program is accepted); log_level 2 traces every processed
 * instruction with the registers it wrote.
 */
#ifndef BH_VERIFIER_VERIFIER_H
#define BH_VERIFIER_VERIFIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bpfhost/extension.h>
#include <bpfhost/isa.h>
#include "common/log.h"
#include "maps/map.h"
#include "verifier/scalar.h"

/* How r1 / r2 start (entry[0] / entry[1] of the input). */
enum bh_ventry_kind {
	BH_VENTRY_DEFAULT = 0, /* r1: the context; r2: not initialised */
	BH_VENTRY_SCALAR,      /* the known number `value` */
	BH_VENTRY_MEM,	       /* pointer to `value` bytes of read/write memory */
	BH_VENTRY_UNINIT,      /* not initialised */
};

struct bh_ventry {
	uint32_t kind; /* enum bh_ventry_kind */
	uint64_t value;
};

/* The map an lddw refers to. */
struct bh_verifier_map {
	const struct bh_map_def *def;
	/* map-in-map: definition of the inner maps (lookups return one), else NULL */
	const struct bh_map_def *inner;
	/*
	 * Value bytes of a map programs cannot write (BPFHOST_F_RDONLY_PROG,
	 * frozen), for string arguments (PTR_TO_CONST_STR); NULL if unknown.
	 */
	const void *rodata;
};

struct bh_verifier_input {
	const struct bpfhost_insn *insns;
	size_t insn_cnt;
	/* the program type's context (may be NULL when entry[0] is not DEFAULT) */
	const struct bpfhost_ctx_desc *ctx;
	/* range r0 must lie in at exit; ret_min > ret_max: unrestricted */
	int64_t ret_min, ret_max;
	/* prototype of helper `id` if the program type offers it, else NULL */
	const struct bpfhost_helper_proto *(*find_helper)(void *cookie, uint32_t id);
	/* map of the pseudo lddw at insn_idx; false if there is none */
	bool (*map_def)(void *cookie, size_t insn_idx, struct bh_verifier_map *out);
	void *cookie;
	/* optional: C source line of an instruction (BTF line_info), or NULL */
	const char *(*source_line)(void *cookie, size_t insn_idx);
	uint32_t log_level;
	uint32_t insn_budget; /* instructions processed; 0 = 1,000,000 */
	struct bh_ventry entry[2];
};

/* Rule a refusal broke (each has its own message); name by bh_vrule_name. */
enum bh_vrule {
	BH_VR_NONE = 0,
	BH_VR_ENCODING,
	BH_VR_UNREACHABLE,
	BH_VR_JUMP_OUT,
	BH_VR_UNSUPPORTED,
	BH_VR_UNINIT_REG,
	BH_VR_CTX_HEADER,
	BH_VR_CTX_BOUNDS,
	BH_VR_CTX_MODIFIED,
	BH_VR_CTX_WRITE,
	BH_VR_CTX_VIEW,
	BH_VR_PKT_BOUNDS,
	BH_VR_MAP_BOUNDS,
	BH_VR_MAP_RDONLY,
	BH_VR_MEM_BOUNDS,
	BH_VR_STACK_BOUNDS,
	BH_VR_STACK_UNINIT,
	BH_VR_STACK_SPILL,
	BH_VR_NULL_CHECK,
	BH_VR_NOT_PTR,
	BH_VR_BAD_ACCESS,
	BH_VR_PTR_ARITH,
	BH_VR_PTR_UNBOUNDED,
	BH_VR_PTR_ALU32,
	BH_VR_PTR_CMP,
	BH_VR_PTR_LEAK,
	BH_VR_HELPER_UNKNOWN,
	BH_VR_HELPER_ARG,
	BH_VR_MAP_TYPE,
	BH_VR_REF_LEAK,
	BH_VR_REF_RELEASE,
	BH_VR_INFINITE_LOOP,
	BH_VR_TOO_COMPLEX,
	BH_VR_CALL_DEPTH,
	BH_VR_R0_UNINIT,
	BH_VR_RET_RANGE,
	BH_VR_CALLBACK,
	BH_VR_NOMEM,
	BH_VR__COUNT,
};

const char *bh_vrule_name(enum bh_vrule rule);

struct bh_verifier_result {
	/* accepted: every value r0 can have at exit of the program */
	struct bh_scalar r0;
	/* statistics */
	uint64_t insns_processed;
	uint64_t states;      /* checkpoints stored for pruning */
	uint64_t peak_states; /* most checkpoints alive at once */
	uint64_t pruned;      /* paths cut because an explored state covered them */
	size_t peak_bytes;    /* most memory held for states at once */
	/* highest context byte accessed + 1 (real layout), 0 if none */
	uint32_t ctx_access_end;
	/*
	 * Context view accesses rewritten to the real layout: a malloc'ed copy
	 * of the program (same length, same jump offsets) or NULL when nothing
	 * was rewritten. Owned by the caller (free()).
	 */
	struct bpfhost_insn *insns;
	/* refused: first error */
	enum bh_vrule rule;
	long err_insn; /* -1 when not tied to an instruction */
	char summary[1024];
};

/*
 * Verify in->insns. res (required) is filled in either case; log (may be
 * NULL) receives the messages described above. Returns 0 or a negative errno.
 */
int bh_verify(const struct bh_verifier_input *in, struct bh_verifier_result *res,
	      struct bh_log *log);

#endif /* BH_VERIFIER_VERIFIER_H */
