// SPDX-License-Identifier: MIT
// A bounded loop over the packet's first bytes in a function called from
// the program (bpf-to-bpf call), with the packet checked per byte.
// verdict: accept
// type: xdp_md
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __attribute__((noinline)) int sum_head(void *data, void *data_end)
{
	__u8 *p = data;
	int sum = 0, i;

	for (i = 0; i < 16; i++) {
		if ((void *)(p + i + 1) > data_end)
			break;
		sum += p[i];
	}
	return sum;
}

SEC("xdp")
int loop_sub(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	return sum_head(data, data_end) > 1000 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
