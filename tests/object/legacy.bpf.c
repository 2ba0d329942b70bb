// SPDX-License-Identifier: MIT
/*
 * Object API test object: a map in the legacy `maps` section (struct
 * bpf_map_def, accepted with a warning) used by a sample program.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "sample_ctx.h"

/* libbpf 1.x dropped struct bpf_map_def from its headers */
struct legacy_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct legacy_def old_style SEC("maps") = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 2,
};

SEC("sample")
int use_legacy(struct sample_ctx *ctx)
{
	__u32 key = 1;
	__u64 *v = bpf_map_lookup_elem(&old_style, &key);

	return v ? *v : -1;
}

char LICENSE[] SEC("license") = "GPL";
