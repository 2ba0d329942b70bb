// SPDX-License-Identifier: MIT
/*
 * xdp_filter: an IPv4 source-address blocklist for the "xdp" program type
 * (extensions/net), written against libbpf's headers as for Linux.
 *
 * - blocklist: hash map, IPv4 source address (network byte order) -> rule
 *   id. Pinned by name, so `bpfhost map update` or a loader fills it and
 *   every later load of the object sees the same entries.
 * - rule_hits: array of per-rule drop counters indexed by rule id (rule
 *   ids are 0..MAX_RULES-1; a larger id still drops, uncounted). Pinned.
 * - configuration in read-only global data (struct xdp_filter_config in
 *   xdp_filter.h, section ".rodata.config"), set by a loader before load:
 *   drop_non_ipv4 drops every frame that is not option-less IPv4; debug
 *   makes each drop print a line through bpf_printk.
 *
 * Verdicts: XDP_DROP for a blocked source (or non-IPv4 with
 * drop_non_ipv4, or a frame shorter than an Ethernet header), XDP_PASS
 * otherwise.
 */
#include "xdp_parse.h"
#include "xdp_filter.h"

#define MAX_RULES XDP_FILTER_MAX_RULES

const volatile struct xdp_filter_config cfg SEC(".rodata.config") = {
	.drop_non_ipv4 = 0,
	.debug = 0,
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} blocklist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_RULES);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} rule_hits SEC(".maps");

SEC("xdp")
int xdp_filter(struct xdp_md *ctx)
{
	struct pkt p;
	__u32 saddr, rule, *rulep;
	__u64 *hits;
	__u8 *a;

	if (parse_pkt(ctx, &p))
		return XDP_DROP;
	if (!p.ip) {
		if (cfg.drop_non_ipv4) {
			if (cfg.debug)
				bpf_printk("dropped a frame of EtherType 0x%04x",
					   bpf_ntohs(p.eth->h_proto));
			return XDP_DROP;
		}
		return XDP_PASS;
	}
	saddr = p.ip->saddr;
	rulep = bpf_map_lookup_elem(&blocklist, &saddr);
	if (!rulep)
		return XDP_PASS;
	rule = *rulep;
	hits = bpf_map_lookup_elem(&rule_hits, &rule);
	if (hits)
		__sync_fetch_and_add(hits, 1);
	if (cfg.debug) {
		a = (__u8 *)&saddr;
		bpf_printk("dropped a packet from %u.%u.%u.%u (rule %u)", a[0], a[1], a[2], a[3],
			   rule);
	}
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
