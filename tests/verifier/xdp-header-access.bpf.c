// SPDX-License-Identifier: MIT
// Reaching back from the context pointer into the runtime's context header.
// verdict: refuse
// type: xdp_md
// rule: ctx-header
// error: the context header in front of the context is not accessible
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int peek_header(struct xdp_md *ctx)
{
	return ((volatile __u32 *)ctx)[-2] ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
