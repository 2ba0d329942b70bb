// SPDX-License-Identifier: MIT
// The Ethernet type is read without comparing data + 14 against data_end.
// verdict: refuse
// type: xdp_md
// rule: pkt-bounds
// error: is not proven to be inside the packet
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int no_check(struct xdp_md *ctx)
{
	struct ethhdr *eth = (void *)(long)ctx->data;

	return eth->h_proto == 8 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
