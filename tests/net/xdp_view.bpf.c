// SPDX-License-Identifier: MIT
/*
 * XDP programs written for Linux (struct xdp_md, libbpf's headers),
 * compiled by the net extension's tests with `clang -O2 -g -target bpf`.
 * They read ctx->data and friends as 32-bit fields: on bpfhost they run
 * only after the verifier rewrote those accesses to the real context.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* IPv4 PASS, ARP TX, IPv6 DROP, else ABORTED; only from ingress ifindex 7. */
SEC("xdp")
int xdp_ethertype(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	if (ctx->ingress_ifindex != 7 || ctx->rx_queue_index != 1)
		return XDP_DROP;
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_ARP))
		return XDP_TX;
	if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		return XDP_DROP;
	return XDP_ABORTED;
}

/* Strip the Ethernet header; PASS when an IPv4 header (0x45) follows. */
SEC("xdp")
int xdp_strip(struct xdp_md *ctx)
{
	unsigned char *data, *data_end;

	if (bpf_xdp_adjust_head(ctx, ETH_HLEN))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + 1 > data_end)
		return XDP_ABORTED;
	return data[0] == 0x45 ? XDP_PASS : XDP_DROP;
}

/* Put the ingress ifindex into 4 bytes of metadata in front of the packet. */
SEC("xdp")
int xdp_meta(struct xdp_md *ctx)
{
	__u32 *meta;
	void *data;

	if (bpf_xdp_adjust_meta(ctx, -4))
		return XDP_ABORTED;
	meta = (void *)(long)ctx->data_meta;
	data = (void *)(long)ctx->data;
	if ((void *)(meta + 1) > data)
		return XDP_ABORTED;
	*meta = ctx->ingress_ifindex;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
