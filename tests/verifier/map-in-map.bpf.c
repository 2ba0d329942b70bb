// SPDX-License-Identifier: MIT
// A map of maps: the outer lookup gives an inner map (or NULL), whose
// values are then counted.
// verdict: accept
// type: xdp_md
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps");

SEC("xdp")
int count_in_inner(struct xdp_md *ctx)
{
	__u32 k = ctx->rx_queue_index & 1, slot = 0;
	void *in = bpf_map_lookup_elem(&outer, &k);
	__u64 *v;

	if (!in)
		return XDP_PASS;
	v = bpf_map_lookup_elem(in, &slot);
	if (v)
		__sync_fetch_and_add(v, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
