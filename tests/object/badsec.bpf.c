// SPDX-License-Identifier: MIT
/*
 * Object API test object: a program in a section no program type handles
 * next to a valid one; the load must fail before anything is created.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "sample_ctx.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} unused_map SEC(".maps");

SEC("sample")
int fine(struct sample_ctx *ctx)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&unused_map, &key) != 0;
}

SEC("foo")
int stray(struct sample_ctx *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
