// SPDX-License-Identifier: MIT
/*
 * xdp_events: reports every frame to user space through a ring buffer and
 * lets it pass. Each record is a struct xdp_event (xdp_events.h): IPv4
 * source and destination, IP protocol, EtherType and frame length; frames
 * that are not option-less IPv4 are reported with zero addresses. When
 * the ring buffer is full the event is lost (counted in `lost`, an array
 * of one counter) and the frame still passes.
 */
#include "xdp_parse.h"
#include "xdp_events.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

SEC("xdp")
int xdp_events(struct xdp_md *ctx)
{
	struct xdp_event *e;
	struct pkt p;
	__u32 zero = 0;
	__u64 *cnt;

	if (parse_pkt(ctx, &p))
		return XDP_PASS;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		cnt = bpf_map_lookup_elem(&lost, &zero);
		if (cnt)
			__sync_fetch_and_add(cnt, 1);
		return XDP_PASS;
	}
	e->saddr = p.ip ? p.ip->saddr : 0;
	e->daddr = p.ip ? p.ip->daddr : 0;
	e->ip_proto = p.ip ? p.ip->protocol : 0;
	e->eth_proto = bpf_ntohs(p.eth->h_proto);
	e->len = (__u32)(p.data_end - p.data);
	e->pad = 0;
	bpf_ringbuf_submit(e, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
