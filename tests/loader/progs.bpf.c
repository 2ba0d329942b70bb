// SPDX-License-Identifier: MIT
/*
 * Loader test object: several programs per object and per section,
 * subprograms in .text (static and global), a call into a function of
 * another program section, and a callback passed by address (bpf_loop).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __attribute__((noinline)) int add3(int x)
{
	return x + 3;
}

__attribute__((noinline)) int twice(int x)
{
	return add3(x) * 2;
}

static int loop_cb(__u32 idx, void *ctx)
{
	*(int *)ctx += idx;
	return 0;
}

SEC("xdp")
int xdp_first(struct xdp_md *ctx)
{
	return twice(ctx->ingress_ifindex) & 3;
}

SEC("xdp")
int xdp_second(struct xdp_md *ctx)
{
	int sum = 0;

	bpf_loop(4, loop_cb, &sum, 0);
	return add3(sum) > 10 ? XDP_DROP : XDP_PASS;
}

/* a global function in a program section, called from another section */
SEC("tc")
__attribute__((noinline)) int tc_helper(struct __sk_buff *skb)
{
	return skb->len > 100 ? 2 : 0;
}

SEC("tc")
int tc_main(struct __sk_buff *skb)
{
	return tc_helper(skb) + twice(1);
}

SEC("socket")
int sock_prog(struct __sk_buff *skb)
{
	return tc_helper(skb);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
__u32 _version SEC("version") = 0x050a00;
