// SPDX-License-Identifier: MIT
// xdp_md.egress_ifindex is part of the Linux view but this runtime's XDP-like
// type does not provide it.
// verdict: refuse
// type: xdp_md
// rule: ctx-view
// error: the field does not exist here
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int egress(struct xdp_md *ctx)
{
	return ctx->egress_ifindex == 3 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
