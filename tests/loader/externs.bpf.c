// SPDX-License-Identifier: MIT
/*
 * Loader test object: a .kconfig extern, which the loader refuses (not
 * supported yet) with an error naming the extern and its section.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern unsigned int LINUX_KERNEL_VERSION __kconfig;

SEC("xdp")
int uses_kconfig(struct xdp_md *ctx)
{
	return LINUX_KERNEL_VERSION > 0x050000 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
