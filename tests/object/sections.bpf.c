// SPDX-License-Identifier: MIT
/*
 * Object API test object for the attach rules and map size checks:
 * sections naming a hook that does not exist and a hook of another
 * program type, a per-CPU array, and a map whose name is longer than the
 * runtime's 15 characters.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "sample_ctx.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} per_cpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} a_rather_long_map_name SEC(".maps");

SEC("sample/nohook")
int to_nowhere(struct sample_ctx *ctx)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&a_rather_long_map_name, &key) != 0;
}

SEC("sample/thook")
int to_other_type(struct sample_ctx *ctx)
{
	__u32 key = 0, *v = bpf_map_lookup_elem(&per_cpu, &key);

	return v ? *v : 0;
}

char LICENSE[] SEC("license") = "GPL";
