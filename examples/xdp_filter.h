/* SPDX-License-Identifier: MIT */
/*
 * Configuration of xdp_filter.bpf.c, shared with its loader. The program
 * keeps it in a section of its own, ".rodata.config", so that it is the
 * whole value of the global-data map ".rodata.config" and a
 * loader replaces it with bpfhost_map__set_initial_value (or libbpf's
 * bpf_map__set_initial_value) before load, as a skeleton would.
 */
#ifndef BPFHOST_EXAMPLES_XDP_FILTER_H
#define BPFHOST_EXAMPLES_XDP_FILTER_H

#include <linux/types.h>

#define XDP_FILTER_MAX_RULES 16

struct xdp_filter_config {
	__u32 drop_non_ipv4; /* drop frames that are not option-less IPv4 */
	__u32 debug;	     /* bpf_printk a line for every drop */
};

#endif
