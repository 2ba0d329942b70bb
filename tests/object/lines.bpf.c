// SPDX-License-Identifier: MIT
/*
 * Object API test object for instruction-level accessors: a program with
 * a subprogram in .text (function names at their first instruction), BTF
 * line info, and a map plus global data referenced by lddw.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "sample_ctx.h"

__u32 scale = 4;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} store SEC(".maps");

static __attribute__((noinline)) int helper_twice(int x)
{
	return x * 2;
}

SEC("sample")
int lines_main(struct sample_ctx *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&store, &key);

	if (v)
		*v = ctx->len;
	return helper_twice(ctx->len) * scale;
}

char LICENSE[] SEC("license") = "GPL";
