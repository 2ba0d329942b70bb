// SPDX-License-Identifier: MIT
// On short packets the reserved record is neither submitted nor discarded.
// verdict: refuse
// type: xdp_md
// rule: ref-leak
// error: neither submitted nor discarded
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int leak(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 *e = bpf_ringbuf_reserve(&events, 8, 0);

	if (!e)
		return XDP_PASS;
	if (data + 64 > data_end)
		return XDP_DROP;
	*e = data_end - data;
	bpf_ringbuf_submit(e, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
