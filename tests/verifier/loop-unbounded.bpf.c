// SPDX-License-Identifier: MIT
// The loop bound comes from the packet: it may not terminate within the budget.
// verdict: refuse
// type: xdp_md
// rule: too-complex
// error: too complex
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int spin(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	volatile __u64 n;
	__u64 i, acc = 0;

	if (data + 8 > data_end)
		return XDP_PASS;
	n = *(__u64 *)data;
	for (i = 0; i < n; i++)
		acc += i;
	return acc & 1;
}

char LICENSE[] SEC("license") = "GPL";
