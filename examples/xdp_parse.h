/* SPDX-License-Identifier: MIT */
/*
 * Packet parsing shared by the XDP examples: the Ethernet header, then an
 * IPv4 header without options, each checked against data_end before it
 * is read (the verifier refuses any packet read it cannot prove to be in
 * bounds). Header-only, inlined into every program that uses it.
 */
#ifndef BPFHOST_EXAMPLES_XDP_PARSE_H
#define BPFHOST_EXAMPLES_XDP_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

struct pkt {
	void *data;
	void *data_end;
	struct ethhdr *eth;
	struct iphdr *ip; /* NULL unless an option-less IPv4 header follows */
	void *l4;	  /* first byte after the IPv4 header */
};

/*
 * Fills *p from ctx. Returns 0 for a whole Ethernet header (p->ip set
 * when an option-less IPv4 header follows it), -1 for a runt frame.
 */
static __always_inline int parse_pkt(struct xdp_md *ctx, struct pkt *p)
{
	struct iphdr *ip;

	p->data = (void *)(long)ctx->data;
	p->data_end = (void *)(long)ctx->data_end;
	p->eth = p->data;
	p->ip = NULL;
	p->l4 = NULL;
	if ((void *)(p->eth + 1) > p->data_end)
		return -1;
	if (p->eth->h_proto != bpf_htons(ETH_P_IP))
		return 0;
	ip = (void *)(p->eth + 1);
	if ((void *)(ip + 1) > p->data_end || ip->version != 4 || ip->ihl != 5)
		return 0;
	p->ip = ip;
	p->l4 = ip + 1;
	return 0;
}

#endif
