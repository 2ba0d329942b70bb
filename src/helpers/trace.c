/* SPDX-License-Identifier: MIT */
/*
 * bpf_trace_printk(fmt, fmt_size, a1, a2, a3) and
 * bpf_trace_vprintk(fmt, fmt_size, data, data_len).
 *
 * Both format with Linux's rules (bprintf.c) into a BH_TRACE_BUF_SIZE
 * buffer (longer output is truncated, as in Linux) and hand the text to the
 * trace sink of the runtime instance running the program, found through
 * header slot 0 of the context: bh_runtime_trace() with the program's name
 * (the instance's bpfhost_trace_fn_t, by default stderr "NAME: text"). A
 * helper called outside an invocation (slot 0 empty, or no context) writes
 * "bpf_trace_printk: text" to stderr. They return the length of the
 * formatted text (not counting truncation), or -EINVAL for a bad format,
 * more specifiers than arguments (3 for trace_printk, data_len / 8 for
 * trace_vprintk), a data_len that is not a multiple of 8 or above 96, or
 * data missing; -ENOSPC when string arguments overflow Linux's 512-byte
 * argument buffer. Nothing is printed on error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "helpers/helpers.h"
#include "runtime/exec_state.h"

static void emit(void *ctx, const char *text)
{
	struct bh_exec_state *st = ctx ? bh_exec_state(ctx) : NULL;
	size_t n;

	if (st) {
		bh_runtime_trace(st->rt, bh_prog_name(st->prog), text);
		return;
	}
	n = strlen(text);
	fprintf(stderr, "bpf_trace_printk: %s%s", text, n && text[n - 1] == '\n' ? "" : "\n");
}

static uint64_t trace_fmt(void *ctx, const char *fmt, uint32_t fmt_size, const uint64_t *args,
			  uint32_t nr_args)
{
	char buf[BH_TRACE_BUF_SIZE];
	int n;

	n = bh_bprintf(buf, sizeof(buf), fmt, fmt_size, args, nr_args);
	if (n < 0)
		return (uint64_t)(int64_t)n;
	emit(ctx, buf);
	return (uint64_t)n;
}

BH_HELPER(trace_printk)
{
	uint64_t args[BH_TRACE_PRINTK_MAX_ARGS] = { r3, r4, r5 };

	return trace_fmt(ctx, (const char *)(uintptr_t)r1, (uint32_t)r2, args,
			 BH_TRACE_PRINTK_MAX_ARGS);
}

BH_HELPER(trace_vprintk)
{
	const void *data = (const void *)(uintptr_t)r3;
	uint32_t data_len = (uint32_t)r4;
	uint64_t args[BH_BPRINTF_MAX_ARGS];

	if (data_len % 8 || data_len > sizeof(args) || (data_len && !data))
		return (uint64_t)-EINVAL;
	if (data_len)
		memcpy(args, data, data_len);
	return trace_fmt(ctx, (const char *)(uintptr_t)r1, (uint32_t)r2, args, data_len / 8);
}
