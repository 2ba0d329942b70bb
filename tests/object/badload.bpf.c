// SPDX-License-Identifier: MIT
/*
 * Object API test object: maps (one pinned) and a first program that
 * load fine, then a program calling a helper the sample program type does
 * not offer: the load fails after maps and programs were created, and
 * must undo all of it (the pinned file included).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "sample_ctx.h"

static long (*no_such_helper)(void) = (void *)0x10099;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} doomed SEC(".maps");

__u64 counter = 5;

SEC("sample")
int good(struct sample_ctx *ctx)
{
	__u32 key = 0;

	counter++;
	return bpf_map_lookup_elem(&doomed, &key) != 0;
}

SEC("sample")
int bad(struct sample_ctx *ctx)
{
	return no_such_helper();
}

char LICENSE[] SEC("license") = "GPL";
