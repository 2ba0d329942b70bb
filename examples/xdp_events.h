/* SPDX-License-Identifier: MIT */
/*
 * The event record xdp_events.bpf.c writes into its ring buffer, shared
 * with the user-space reader (examples/user/xdp_events_user.c).
 * Addresses are in network byte order, as in the packet.
 */
#ifndef BPFHOST_EXAMPLES_XDP_EVENTS_H
#define BPFHOST_EXAMPLES_XDP_EVENTS_H

#include <linux/types.h>

struct xdp_event {
	__u32 saddr;	 /* IPv4 source, 0 when the frame is not IPv4 */
	__u32 daddr;	 /* IPv4 destination, likewise */
	__u32 len;	 /* frame length in bytes */
	__u16 eth_proto; /* EtherType, host byte order */
	__u8 ip_proto;	 /* IPPROTO_*, 0 when not IPv4 */
	__u8 pad;
};

#endif
