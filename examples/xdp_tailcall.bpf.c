// SPDX-License-Identifier: MIT
/*
 * xdp_tailcall: a dispatcher that tail-calls one program per protocol
 * through a prog_array whose slots are filled by the `values` initialiser
 * of its BTF map definition (the loader stores the programs' fds there).
 *
 *   slot 0 xdp_tcp:   drops TCP to port 23 (telnet), passes other TCP
 *   slot 1 xdp_udp:   passes UDP
 *   slot 2 xdp_other: passes everything else (non-IPv4, other protocols)
 *
 * Each counts the frames it saw in proto_count[slot] (pinned by name, so
 * `bpfhost map dump` shows the counts after runs). If a tail call fails
 * (an empty slot) the dispatcher returns XDP_ABORTED.
 */
#include <linux/tcp.h>

#include "xdp_parse.h"

enum { SLOT_TCP, SLOT_UDP, SLOT_OTHER, NR_SLOTS };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NR_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} proto_count SEC(".maps");

int xdp_tcp(struct xdp_md *ctx);
int xdp_udp(struct xdp_md *ctx);
int xdp_other(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, NR_SLOTS);
	__uint(key_size, sizeof(__u32));
	__array(values, int(struct xdp_md *));
} handlers SEC(".maps") = {
	.values = {
		[SLOT_TCP] = (void *)&xdp_tcp,
		[SLOT_UDP] = (void *)&xdp_udp,
		[SLOT_OTHER] = (void *)&xdp_other,
	},
};

static __always_inline void count(__u32 slot)
{
	__u64 *n = bpf_map_lookup_elem(&proto_count, &slot);

	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("xdp")
int xdp_dispatch(struct xdp_md *ctx)
{
	struct pkt p;
	__u32 slot = SLOT_OTHER;

	if (parse_pkt(ctx, &p))
		return XDP_DROP;
	if (p.ip && p.ip->protocol == IPPROTO_TCP)
		slot = SLOT_TCP;
	else if (p.ip && p.ip->protocol == IPPROTO_UDP)
		slot = SLOT_UDP;
	bpf_tail_call(ctx, &handlers, slot);
	return XDP_ABORTED;
}

SEC("xdp")
int xdp_tcp(struct xdp_md *ctx)
{
	struct tcphdr *tcp;
	struct pkt p;

	count(SLOT_TCP);
	if (parse_pkt(ctx, &p) || !p.ip)
		return XDP_ABORTED;
	tcp = p.l4;
	if ((void *)(tcp + 1) > p.data_end)
		return XDP_DROP;
	return tcp->dest == bpf_htons(23) ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int xdp_udp(struct xdp_md *ctx)
{
	count(SLOT_UDP);
	return XDP_PASS;
}

SEC("xdp")
int xdp_other(struct xdp_md *ctx)
{
	count(SLOT_OTHER);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
