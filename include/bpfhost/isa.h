/* SPDX-License-Identifier: MIT */
/*
 * bpfhost instruction-set API: instructions, validation of raw programs,
 * assembler, disassembler and the stand-alone execution engine.
 *
 * Conventions (shared by the whole public API, see docs/api-conventions.md):
 *  - functions returning int give 0 (or a count) on success and a negative
 *    errno on failure, never 0 on failure;
 *  - functions returning a pointer give NULL and set errno on failure;
 *  - options structs start with `size_t sz` (set it to sizeof the struct;
 *    BPFHOST_OPTS_INIT does that) so fields can be appended compatibly;
 *  - human-readable detail goes to the caller's log buffer (log_buf/log_size)
 *    when one is given, otherwise to the print callback (bpfhost_set_print).
 *    A log that does not fit is truncated at a line boundary only after
 *    log_true_size has been set to the size it needed: never silently.
 */
#ifndef BPFHOST_ISA_H
#define BPFHOST_ISA_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef BPFHOST_API
#define BPFHOST_API __attribute__((visibility("default")))
#endif

/* Declare and zero an options struct, setting its size field. */
#define BPFHOST_OPTS_INIT(TYPE, NAME, ...) \
	struct TYPE NAME = { .sz = sizeof(struct TYPE), __VA_ARGS__ }

/* One eBPF instruction slot; same layout as struct bpf_insn of <linux/bpf.h>. */
struct bpfhost_insn {
	uint8_t code;
	uint8_t dst_reg : 4;
	uint8_t src_reg : 4;
	int16_t off;
	int32_t imm;
};

/* Default limit on the number of instruction slots of one program. */
#define BPFHOST_INSN_LIMIT_DEFAULT 1000000u
/* Registers r0..r10; r10 is the read-only frame pointer. */
#define BPFHOST_NR_REGS 11
/* Per-frame stack size and maximum bpf-to-bpf call depth (frames). */
#define BPFHOST_STACK_SIZE 512
#define BPFHOST_MAX_CALL_DEPTH 8

/* ---- diagnostics ---- */
enum bpfhost_print_level {
	BPFHOST_WARN,
	BPFHOST_INFO,
	BPFHOST_DEBUG,
};
typedef int (*bpfhost_print_fn_t)(enum bpfhost_print_level level, const char *fmt, va_list ap);
/*
 * Set the process-wide print callback used when an operation has no log
 * buffer (NULL silences). Returns the previous one. The default prints
 * warnings to stderr.
 */
BPFHOST_API bpfhost_print_fn_t bpfhost_set_print(bpfhost_print_fn_t fn);

/* ---- validation of raw programs ---- */
struct bpfhost_validate_opts {
	size_t sz;
	/* maximum instruction slots; 0 means BPFHOST_INSN_LIMIT_DEFAULT */
	uint32_t insn_limit;
	char *log_buf;
	size_t log_size;
	/* out: bytes the whole log needed, including the terminating NUL */
	size_t log_true_size;
};
/*
 * Check the encoding of a program: known opcodes, fields that must be zero,
 * register numbers, no write to r10, jump and local-call targets inside the
 * program and not into the second slot of lddw, complete lddw, last
 * instruction exit or unconditional jump, size limit. The first problem is
 * reported as "insn N: ..." and -EINVAL returned (-E2BIG for the size limit).
 */
BPFHOST_API int bpfhost_insns_validate(const struct bpfhost_insn *insns, size_t insn_cnt,
				       struct bpfhost_validate_opts *opts);

/* ---- assembler (uBPF / bpf_conformance dialect) ---- */
struct bpfhost_asm_opts {
	size_t sz;
	/* file name used in messages ("FILE:LINE: ..."); default "<input>" */
	const char *filename;
	char *log_buf;
	size_t log_size;
	size_t log_true_size;
};
/*
 * Assemble `len` bytes of text. On success *insns is a malloc'ed array of
 * *insn_cnt slots (release with bpfhost_insns_free) and 0 is returned. On
 * failure -EINVAL, with "FILE:LINE: message" in the log.
 */
BPFHOST_API int bpfhost_asm(const char *text, size_t len, struct bpfhost_insn **insns,
			    size_t *insn_cnt, struct bpfhost_asm_opts *opts);
BPFHOST_API void bpfhost_insns_free(struct bpfhost_insn *insns);

/* ---- disassembler ---- */
enum bpfhost_disasm_syntax {
	/* Linux/LLVM syntax, as in verifier logs: r0 = *(u32 *)(r1 + 4) */
	BPFHOST_DISASM_LINUX = 0,
	/* uBPF/bpf_conformance assembly dialect: re-assembles to the same bytes */
	BPFHOST_DISASM_UBPF = 1,
};
/*
 * Disassemble the instruction at insns[idx] into buf (NUL-terminated).
 * Returns the number of slots it occupies (1, or 2 for lddw), -EINVAL for an
 * undecodable instruction (buf then says why), -ENOSPC if buf is too small
 * (BPFHOST_DISASM_BUF_SIZE always suffices).
 */
#define BPFHOST_DISASM_BUF_SIZE 128
BPFHOST_API int bpfhost_disasm_insn(const struct bpfhost_insn *insns, size_t insn_cnt, size_t idx,
				    enum bpfhost_disasm_syntax syntax, char *buf, size_t buf_sz);
/*
 * Print a whole program, one line per instruction ("   0: (b7) r0 = 1" in
 * Linux syntax, the bare instruction in uBPF syntax, with labels for jump
 * targets). Returns 0 or a negative errno (first undecodable instruction).
 */
BPFHOST_API int bpfhost_disasm_fprint(FILE *out, const struct bpfhost_insn *insns, size_t insn_cnt,
				      enum bpfhost_disasm_syntax syntax);

/* ---- stand-alone execution engine ---- */

/*
 * A helper function. r1..r5 are the eBPF argument registers; ctx is the
 * value r1 had when the program was entered (the program context), passed
 * so that helpers can reach per-invocation state without thread-locals.
 */
typedef uint64_t (*bpfhost_helper_fn)(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				      uint64_t r5, void *ctx);

struct bpfhost_helper_def {
	uint32_t id;
	const char *name;
	bpfhost_helper_fn fn;
};

enum bpfhost_engine {
	BPFHOST_ENGINE_DEFAULT = 0,
	BPFHOST_ENGINE_INTERP = 1,
};

struct bpfhost_vm_opts {
	size_t sz;
	/* helpers callable by id (call imm and callx); ids must be unique */
	const struct bpfhost_helper_def *helpers;
	size_t helper_cnt;
	uint32_t insn_limit;
	enum bpfhost_engine engine;
	char *log_buf;
	size_t log_size;
	size_t log_true_size;
};

struct bpfhost_vm;

/*
 * Validate and prepare a program for execution. Calls to helper ids not in
 * opts->helpers, unresolved pseudo lddw forms (map fds, ...), kfunc calls and
 * legacy packet loads are refused here with a message naming the
 * instruction. Returns NULL and sets errno on failure.
 *
 * NOTE: this engine-level API trusts the program beyond its encoding: memory
 * accesses are not checked. The runtime API verifies programs before use.
 */
BPFHOST_API struct bpfhost_vm *bpfhost_vm__load(const struct bpfhost_insn *insns, size_t insn_cnt,
						struct bpfhost_vm_opts *opts);
/*
 * Run the program with r1 and r2 set as given (r1 is the context), every
 * other register zero and r10 at the top of a fresh 512-byte stack. On
 * success stores r0 into *ret and returns 0; on a run-time error (callx to an
 * unknown helper: -ENOENT; more than BPFHOST_MAX_CALL_DEPTH frames: -E2BIG)
 * returns the negative errno and leaves *ret untouched. Thread-safe: one
 * loaded program may run on many threads at once.
 */
BPFHOST_API int bpfhost_vm__run(const struct bpfhost_vm *vm, uint64_t r1, uint64_t r2,
				uint64_t *ret);
BPFHOST_API size_t bpfhost_vm__insn_cnt(const struct bpfhost_vm *vm);
BPFHOST_API void bpfhost_vm__free(struct bpfhost_vm *vm);

#ifdef __cplusplus
}
#endif

#endif /* BPFHOST_ISA_H */
