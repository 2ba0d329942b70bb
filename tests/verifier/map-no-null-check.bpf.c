// SPDX-License-Identifier: MIT
// The lookup result is used without checking it against NULL.
// verdict: refuse
// type: xdp_md
// rule: null-check
// error: which may be NULL
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} verdicts SEC(".maps");

SEC("xdp")
int no_null(struct xdp_md *ctx)
{
	__u32 key = ctx->rx_queue_index & 3;
	__u32 *v = bpf_map_lookup_elem(&verdicts, &key);

	return *v & 3;
}

char LICENSE[] SEC("license") = "GPL";
