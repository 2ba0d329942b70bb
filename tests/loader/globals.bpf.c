// SPDX-License-Identifier: MIT
/*
 * Loader test object: global data in .rodata, .data, .bss and custom
 * .data.* / .rodata.* sections, static variables (relocated through the
 * section symbol), bpf_printk format strings, license and version.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 cfg_limit = 42;
const volatile char cfg_name[8] = "bpfhost";
__u64 hits = 7;
__u32 last_len;
static __u32 static_counter;
__u32 custom_data SEC(".data.custom") = 0xabcd;
const volatile __u16 custom_ro SEC(".rodata.tbl") = 0x1234;

SEC("xdp")
int globals_prog(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;

	last_len = len;
	hits++;
	static_counter += 2;
	custom_data += custom_ro;
	bpf_printk("len %u limit %u", len, cfg_limit);
	bpf_printk("name %s", cfg_name);
	return len > cfg_limit ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
__u32 _version SEC("version") = 0x060100;
