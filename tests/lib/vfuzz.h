/* SPDX-License-Identifier: MIT */
/*
 * Verifier soundness fuzzing, shared by the deterministic unit test
 * (tests/unit/test_verifier_fuzz.c) and the time-bounded driver
 * (tests/vfuzz/vfuzz_main.c).
 *
 * Three kinds of random programs (tests/lib/vfuzz.c, vfuzz_xdp.c):
 *   mem     the "mem:4096" test type: r1 = one page of memory, r2 = 4096;
 *           ALU, stack and memory accesses, loops, bpf-to-bpf calls;
 *   xdp     the "xdp" test type (a 40-byte context with data, data_end and
 *           data_meta, a writable mark): context fields, packet accesses
 *           behind data/data_end checks, map lookups and map values, map
 *           value lddw, ringbuf records, helpers with memory arguments;
 *   xdp_md  the same through the Linux struct xdp_md view, so every context
 *           access goes through the verifier's rewrite.
 * vfuzz_check() verifies a program and runs every accepted one in the
 * interpreter (tests/lib/vfuzz_run.c). Each object a program can reach
 * lives in its own pages between PROT_NONE guard pages: the memory, the
 * context, the packet (with its metadata), the stack, every map value and
 * ringbuf record; a read-only map's value is in a read-only page. Each
 * program runs with every object against its lower guard page and again
 * against its upper one, and in ASan builds the rest of each object's pages
 * is poisoned, so an access one byte outside is caught on either side.
 *
 * A fault, a run error, an r0 outside the verifier's range, a write to a
 * context byte that is not writable, a helper called against its prototype
 * (checked by the fuzzer's own helpers, which touch exactly the memory the
 * prototype promises) or a ringbuf record not released exactly once is a
 * verifier bug. The generator state is global (one fuzzer per process); the
 * sequence depends only on the seed.
 */
#ifndef BH_TEST_VFUZZ_H
#define BH_TEST_VFUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "../unit/test_verifier_util.h"

#define VFUZZ_PAGE 4096
#define VFUZZ_MAXI 96 /* body slots at most */
/* room for a whole program: body, the last block, exit, the called function */
#define VFUZZ_PROG_MAX (VFUZZ_MAXI + 48)

enum vfuzz_kind {
	VFUZZ_MEM = 0,
	VFUZZ_XDP,
	VFUZZ_XDP_MD,
	VFUZZ__KINDS,
};

struct vfuzz_prog {
	struct bpfhost_insn insns[VFUZZ_PROG_MAX];
	size_t cnt;
	enum vfuzz_kind kind;
};

enum vfuzz_outcome {
	VFUZZ_REFUSED = 0, /* the verifier refused the program */
	VFUZZ_OK,	   /* accepted, every run fine */
	VFUZZ_LOAD_ERROR,  /* accepted but the interpreter would not load it */
	VFUZZ_RUN_ERROR,   /* accepted but a run returned an error */
	VFUZZ_R0_RANGE,	   /* accepted but r0 outside the verifier's range */
	VFUZZ_CTX_WRITE,   /* accepted but it changed a read-only context byte */
	VFUZZ_HELPER,	   /* accepted but a helper call broke its prototype */
	VFUZZ_REF,	   /* accepted but a ringbuf record leaked */
};

struct vfuzz_stats {
	long programs;
	long accepted;
	long runs;
	long kind_programs[VFUZZ__KINDS];
	long kind_accepted[VFUZZ__KINDS];
	long helper_calls;
	long violations; /* every accepted program whose outcome is not VFUZZ_OK */
	long refusals[BH_VR__COUNT];
};

const char *vfuzz_kind_name(enum vfuzz_kind kind);

void vfuzz_seed(uint64_t seed);
uint64_t vfuzz_rnd(void);
/* A random index below n. */
unsigned vfuzz_pick(unsigned n);
/* A random immediate, often one near an edge. */
int32_t vfuzz_edge_imm(void);
/* Forward jumps clamped into [0, k) and off the second slot of an lddw. */
void vfuzz_fix_jumps(struct bpfhost_insn *p, size_t k);

/* A "mem" program of about n (>= 16, <= VFUZZ_MAXI) body slots; its length. */
size_t vfuzz_gen_mem(struct bpfhost_insn *p, size_t n);
/* An "xdp" program (or "xdp_md" when md) of about n body slots; its length. */
size_t vfuzz_gen_xdp(struct bpfhost_insn *p, size_t n, int md);
/* A random program of a random kind and length. */
void vfuzz_gen_any(struct vfuzz_prog *p);

/* The guarded objects, fake maps and helpers the programs run with. */
struct vfuzz_env;
struct vfuzz_env *vfuzz_env_new(void); /* NULL (errno) if pages cannot be mapped */
void vfuzz_env_free(struct vfuzz_env *env);

/*
 * Verify p and run it if accepted; r is scratch. Counts into st; on a
 * violation, why (why_size bytes) says what happened and r->res.summary
 * still holds the verifier's result until vt_run_free(r). The caller frees
 * r with vt_run_free() after every call.
 */
enum vfuzz_outcome vfuzz_check(struct vfuzz_env *env, const struct vfuzz_prog *p, struct vt_run *r,
			       struct vfuzz_stats *st, char *why, size_t why_size);

#endif /* BH_TEST_VFUZZ_H */
