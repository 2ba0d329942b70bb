/* SPDX-License-Identifier: MIT */
/*
 * Per-invocation execution state, reached from a program context through
 * slot 0 of its header (see include/bpfhost/extension.h).
 *
 * The invoke path keeps one struct bh_exec_state on its own stack, stores
 * its address in slot 0 before running the first program and clears the
 * slot when the invocation returns. Helpers that need the running program,
 * its instance, or tail-call bookkeeping read it with bh_exec_state(ctx);
 * nothing is looked up in thread-local storage.
 */
#ifndef BH_RUNTIME_EXEC_STATE_H
#define BH_RUNTIME_EXEC_STATE_H

#include <stdint.h>

#include <bpfhost/extension.h>

struct bh_prog;
struct bpfhost;

/* Linux's limit: at most 33 tail calls per invocation. */
#define BH_MAX_TAIL_CALLS 33

struct bh_exec_state {
	const struct bh_prog *prog;	 /* program currently running */
	const struct bh_prog *tail_next; /* set by bpf_tail_call, run after return */
	uint32_t tail_calls;		 /* tail calls taken so far */
	uint32_t pad;
	struct bpfhost *rt;
	uint32_t cb_depth; /* nested callbacks (bpf_loop, ...) running */
};

static inline struct bh_exec_state *bh_exec_state(void *ctx)
{
	return (struct bh_exec_state *)(uintptr_t)bpfhost_ctx_header(ctx)
		->slot[BPFHOST_CTX_SLOT_STATE];
}

static inline const struct bpfhost_ctx_desc *bh_ctx_desc(void *ctx)
{
	return (const struct bpfhost_ctx_desc *)(uintptr_t)bpfhost_ctx_header(ctx)
		->slot[BPFHOST_CTX_SLOT_DESC];
}

/* Name of a program (for trace output), provided by the runtime. */
const char *bh_prog_name(const struct bh_prog *prog);
/* Program type of a program, provided by the runtime. */
const struct bpfhost_prog_type *bh_prog_type_of(const struct bh_prog *prog);
/* Emit one trace_printk line through the instance's sink. */
void bh_runtime_trace(struct bpfhost *rt, const char *prog_name, const char *text);

#endif /* BH_RUNTIME_EXEC_STATE_H */
