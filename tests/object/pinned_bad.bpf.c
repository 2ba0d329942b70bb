// SPDX-License-Identifier: MIT
/*
 * Object API test object: the pinned map of pinned.bpf.c with another
 * value size, which must be refused when the pinned file exists.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "sample_ctx.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} shared_cnt SEC(".maps");

SEC("sample")
int bump(struct sample_ctx *ctx)
{
	__u32 key = 1;

	return bpf_map_lookup_elem(&shared_cnt, &key) != 0;
}

char LICENSE[] SEC("license") = "GPL";
