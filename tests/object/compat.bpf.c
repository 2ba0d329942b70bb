// SPDX-License-Identifier: MIT
/*
 * Object loaded by tests/object/compat_user.c through the libbpf names of
 * <bpfhost/libbpf_compat.h>: a hash map of per-byte weights set by user
 * space and a ring buffer receiving one event per run.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "sample_ctx.h"

struct event {
	__u32 len;
	__u32 first;
	__u64 weight;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} weights SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

/* returns len + weights[first byte] and reports both in an event */
SEC("sample")
int weigh(struct sample_ctx *ctx)
{
	struct event *e;
	__u64 w = 0, *wp;
	__u32 key;
	int b = first_byte(ctx);

	if (b < 0)
		return 0;
	key = b;
	wp = bpf_map_lookup_elem(&weights, &key);
	if (wp)
		w = *wp;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		e->len = ctx->len;
		e->first = key;
		e->weight = w;
		bpf_ringbuf_submit(e, 0);
	}
	return ctx->len + w;
}

char LICENSE[] SEC("license") = "GPL";
