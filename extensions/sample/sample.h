/* SPDX-License-Identifier: MIT */
/*
 * The sample extension: a program type "sample" and a hook "sample_hook",
 * written the way a third-party extension is, against <bpfhost/extension.h>
 * only. Built as a static archive (libbpfhost_sample.a) and as a shared
 * object (libbpfhost_sample.so, loaded with bpfhost_extension__load).
 *
 * Context programs see (24 bytes):
 *   struct bpfhost_sample_ctx { u64 data; u64 data_end; u32 len; u32 mark; }
 * data/data_end point at the packet; mark is writable. Each context also
 * carries a private `secret` that programs cannot read directly; the
 * helper bpfhost_sample_get_secret (id BPFHOST_SAMPLE_HELPER_GET_SECRET,
 * no arguments, context passed implicitly) returns it.
 *
 * Verdicts: sample_hook runs programs in attach order while they return
 * BPFHOST_SAMPLE_CONTINUE (1); the first other value is the verdict.
 *
 * Test runs: data_in is the packet (copied; data_out receives it back,
 * with the program's changes), ctx_in/ctx_out a struct bpfhost_sample_ctx
 * whose data/data_end must be 0 on input (only mark is taken), priv_in a
 * struct bpfhost_sample_test_priv carrying the secret.
 */
#ifndef BPFHOST_SAMPLE_H
#define BPFHOST_SAMPLE_H

#include <stdint.h>

#include <bpfhost/extension.h>

#define BPFHOST_SAMPLE_PROG_TYPE "sample"
#define BPFHOST_SAMPLE_HOOK "sample_hook"
#define BPFHOST_SAMPLE_HELPER_GET_SECRET (BPFHOST_HELPER_EXT_BASE + 1)
#define BPFHOST_SAMPLE_CONTINUE 1

struct bpfhost_sample_ctx {
	uint64_t data;
	uint64_t data_end;
	uint32_t len;
	uint32_t mark;
};

#define BPFHOST_SAMPLE_TEST_PRIV_VERSION 1
struct bpfhost_sample_test_priv {
	uint32_t version; /* BPFHOST_SAMPLE_TEST_PRIV_VERSION */
	uint32_t size;	  /* sizeof(struct bpfhost_sample_test_priv) */
	uint64_t secret;
};

/* The extension's description, to pass to bpfhost_extension__register. */
const struct bpfhost_extension_desc *bpfhost_sample_extension(void);

/*
 * Invoke the hook on a packet: builds the context (header embedded in the
 * extension's own wrapper, on the stack), invokes, and returns what
 * bpfhost_hook_invoke returned; *mark receives the final mark if not NULL.
 */
int bpfhost_sample_invoke(struct bpfhost_extension *ext, void *data, uint32_t len, uint64_t secret,
			  uint64_t *verdict, uint32_t *mark);

#endif /* BPFHOST_SAMPLE_H */
