// SPDX-License-Identifier: MIT
// An event reserved in a ring buffer, filled from the packet and submitted.
// verdict: accept
// type: xdp_md
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u32 len;
	__u32 queue;
	__u8 head[8];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int report(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct event *e;

	if (data + 8 > data_end)
		return XDP_PASS;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return XDP_PASS;
	e->len = data_end - data;
	e->queue = ctx->rx_queue_index;
	__builtin_memcpy(e->head, data, 8);
	bpf_ringbuf_submit(e, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
