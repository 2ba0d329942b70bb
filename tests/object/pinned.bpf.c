// SPDX-License-Identifier: MIT
/*
 * Object API test object: a hash map pinned by name, shared by every
 * process that loads the object with the same pin root, and a program
 * adding the first packet byte to the counter of key 1.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "sample_ctx.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} shared_cnt SEC(".maps");

SEC("sample")
int bump(struct sample_ctx *ctx)
{
	__u32 key = 1;
	__u64 add = ctx->len, *v;

	v = bpf_map_lookup_elem(&shared_cnt, &key);
	if (v) {
		__sync_fetch_and_add(v, add);
		return *v;
	}
	bpf_map_update_elem(&shared_cnt, &key, &add, BPF_NOEXIST);
	return add;
}

char LICENSE[] SEC("license") = "GPL";
