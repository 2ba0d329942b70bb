// SPDX-License-Identifier: MIT
/*
 * Loader test object: legacy map definitions in the "maps" section (the
 * pre-BTF struct bpf_map_def layout), which the loader accepts with a
 * warning.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct legacy_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct legacy_map_def old_hash SEC("maps") = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = 4,
	.value_size = 8,
	.max_entries = 64,
	.map_flags = BPF_F_NO_PREALLOC,
};

struct legacy_map_def old_array SEC("maps") = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = 4,
	.value_size = 4,
	.max_entries = 16,
};

SEC("socket")
int legacy_prog(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&old_hash, &key);
	__u32 *a = bpf_map_lookup_elem(&old_array, &key);

	return (v ? (int)*v : 0) + (a ? (int)*a : 0);
}

char LICENSE[] SEC("license") = "GPL";
