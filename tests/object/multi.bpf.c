// SPDX-License-Identifier: MIT
/*
 * Object API test object (sample program type): several programs in
 * "sample" and "sample/sample_hook" sections, a hash and an array map,
 * configuration in .rodata, counters in .data and .bss, bpf_printk, and
 * tail calls through a prog_array filled by its `values` initialiser.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "sample_ctx.h"

const volatile __u32 cfg_mult = 3;
__u64 runs = 100;
__u32 last_len;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} results SEC(".maps");

int tail_one(struct sample_ctx *ctx);
int tail_two(struct sample_ctx *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int(struct sample_ctx *));
} jumps SEC(".maps") = {
	.values = { [1] = (void *)&tail_one, [3] = (void *)&tail_two },
};

/* counts[len] += 1; returns len * cfg_mult */
SEC("sample")
int count_len(struct sample_ctx *ctx)
{
	__u32 key = ctx->len;
	__u64 one = 1, *v;

	v = bpf_map_lookup_elem(&counts, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&counts, &key, &one, BPF_ANY);
	return ctx->len * cfg_mult;
}

/* prints, counts runs in .data and remembers the length in .bss */
SEC("sample/sample_hook")
int printer(struct sample_ctx *ctx)
{
	__u32 key = 0;
	__u64 *r;

	bpf_printk("len=%u mark=%u", ctx->len, ctx->mark);
	runs++;
	last_len = ctx->len;
	r = bpf_map_lookup_elem(&results, &key);
	if (r)
		*r = runs;
	return 1;
}

SEC("sample")
int tail_one(struct sample_ctx *ctx)
{
	ctx->mark = 11;
	return 111;
}

SEC("sample")
int tail_two(struct sample_ctx *ctx)
{
	ctx->mark = 22;
	return 222;
}

/* tail-calls jumps[first byte]; 7 when the slot is empty */
SEC("sample")
int dispatcher(struct sample_ctx *ctx)
{
	int b = first_byte(ctx);

	if (b < 0)
		return 0;
	bpf_tail_call(ctx, &jumps, b);
	return 7;
}

/* the sample type's own helper plus the .rodata configuration */
SEC("sample")
int secret(struct sample_ctx *ctx)
{
	return sample_get_secret() + cfg_mult;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
