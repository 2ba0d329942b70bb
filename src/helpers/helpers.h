/* SPDX-License-Identifier: MIT */
/*
 * The runtime's core helper functions: Linux helper ids, names and
 * semantics (see docs/helpers.md).
 *
 * bh_core_helpers[] is the table the runtime offers to every program type,
 * one struct bpfhost_helper_proto per helper (id, name, function, return and
 * argument types for the verifier). The functions are also declared one by
 * one so tests and extensions can call them directly with hand-built
 * contexts.
 *
 * Callbacks (bpf_loop, bpf_for_each_map_elem) run BPF subprograms. The
 * helpers do not know how a program is executed, so they go through
 * bh_call_bpf_func(), which the runtime/engine implements.
 */
#ifndef BH_HELPERS_HELPERS_H
#define BH_HELPERS_HELPERS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <bpfhost/extension.h>

/* ---- the table ---- */

extern const struct bpfhost_helper_proto bh_core_helpers[];
extern const size_t bh_core_helper_cnt;

/* Entry of bh_core_helpers for a Linux helper id, or NULL. */
const struct bpfhost_helper_proto *bh_core_helper_find(uint32_t id);

/* ---- provided by the runtime/engine ---- */

/*
 * Call the BPF function `fn` of the program running in the invocation that
 * ctx belongs to (header slot 0), with r1..r5 = a1..a5 and a fresh stack
 * frame. `fn` is the value a `lddw rX, func` (src_reg 4, BPF_PSEUDO_FUNC)
 * left in the register, passed to the helper unchanged. On success stores
 * the callee's r0 into *ret and returns 0; returns a negative errno if the
 * call cannot be made (no invocation, unknown function, call depth
 * exhausted) or the callee hit a run-time error.
 */
int bh_call_bpf_func(void *ctx, uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		     uint64_t a5, uint64_t *ret);

/* ---- Linux constants used by the helpers ---- */

#define BH_BPF_MAX_LOOPS (8u * 1024 * 1024)
/* bpf_snprintf / bpf_trace_vprintk: at most 12 u64 arguments */
#define BH_BPRINTF_MAX_ARGS 12
/* bpf_trace_printk: at most 3 */
#define BH_TRACE_PRINTK_MAX_ARGS 3
/* trace_printk/trace_vprintk format into a buffer of this size */
#define BH_TRACE_BUF_SIZE 1024
/* bytes available for converted arguments (strings are copied there) */
#define BH_BPRINTF_ARG_BYTES 512
/* Linux's CONFIG_HZ equivalent for bpf_jiffies64 */
#define BH_JIFFIES_HZ 1000

/* ---- formatting (Linux bpf_bprintf rules), src/helpers/bprintf.c ---- */

/*
 * Format fmt with args the way bpf_trace_printk/bpf_snprintf do: fmt must
 * be NUL-terminated within fmt_size bytes; specifiers %d %i %u %x %X with
 * optional l/ll, %c, %s, %p (also %pK %px %ps %pS %pB %pks %pus %pi4 %pI4
 * %pi6 %pI6), %% and the flags [0+- ] with a field width; at most nr_args
 * specifiers. %s and %pI reads go through bh_probe_read* and never fault.
 * The result is NUL-terminated in buf when size > 0 (buf may be NULL when
 * size is 0). Returns the length of the whole output (excluding the NUL;
 * may exceed size - 1), -EINVAL for a bad format or too many specifiers,
 * -ENOSPC when the converted arguments exceed BH_BPRINTF_ARG_BYTES. On
 * error buf is left untouched.
 */
int bh_bprintf(char *buf, size_t size, const char *fmt, size_t fmt_size, const uint64_t *args,
	       uint32_t nr_args);

/* ---- fault-safe memory reads, src/helpers/probe_read.c ---- */

/* Copy len bytes; 0, or -EFAULT (dst zeroed) if any byte is unreadable. */
int bh_probe_read(void *dst, const void *src, size_t len);
/*
 * Copy a NUL-terminated string of at most size - 1 characters plus NUL.
 * Returns the bytes stored including the NUL, or -EFAULT (dst[0] = 0) if
 * memory became unreadable before the string ended; -EINVAL if size is 0.
 */
long bh_probe_read_str(char *dst, const void *src, size_t size);

/* ---- the helpers (signature of bpfhost_helper_fn) ---- */

#define BH_HELPER(name)                                                                            \
	uint64_t bh_helper_##name(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, \
				  void *ctx)

/* maps (map_helpers.c) */
BH_HELPER(map_lookup_elem);
BH_HELPER(map_update_elem);
BH_HELPER(map_delete_elem);
BH_HELPER(map_push_elem);
BH_HELPER(map_pop_elem);
BH_HELPER(map_peek_elem);
/* time (time.c) */
BH_HELPER(ktime_get_ns);
BH_HELPER(ktime_get_boot_ns);
BH_HELPER(ktime_get_coarse_ns);
BH_HELPER(jiffies64);
/* thread, cpu, randomness, attach cookie (task.c) */
BH_HELPER(get_prandom_u32);
BH_HELPER(get_smp_processor_id);
BH_HELPER(get_current_pid_tgid);
BH_HELPER(get_attach_cookie);
/* ring buffer (ringbuf_helpers.c), perf event output (perf_output.c) */
BH_HELPER(ringbuf_output);
BH_HELPER(ringbuf_reserve);
BH_HELPER(ringbuf_submit);
BH_HELPER(ringbuf_discard);
BH_HELPER(ringbuf_query);
BH_HELPER(perf_event_output);
/* trace output (trace.c) */
BH_HELPER(trace_printk);
BH_HELPER(trace_vprintk);
/* strings (string.c) */
BH_HELPER(strncmp);
BH_HELPER(snprintf);
/* callbacks into the program (callbacks.c) */
BH_HELPER(loop);
BH_HELPER(for_each_map_elem);

#endif /* BH_HELPERS_HELPERS_H */
