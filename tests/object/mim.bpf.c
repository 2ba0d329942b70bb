// SPDX-License-Identifier: MIT
/*
 * Object API test object: an array of maps whose slots 0 and 2 are filled
 * by its `values` initialiser; the program reads element 0 of the inner
 * map in the slot named by the first packet byte.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "sample_ctx.h"

struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer SEC(".maps") = {
	.values = { [0] = &inner_a, [2] = &inner_b },
};

SEC("sample")
int pick(struct sample_ctx *ctx)
{
	__u32 slot, zero = 0;
	__u64 *v;
	void *in;
	int b = first_byte(ctx);

	if (b < 0)
		return -1;
	slot = b;
	in = bpf_map_lookup_elem(&outer, &slot);
	if (!in)
		return -2;
	v = bpf_map_lookup_elem(in, &zero);
	return v ? *v : -3;
}

char LICENSE[] SEC("license") = "GPL";
