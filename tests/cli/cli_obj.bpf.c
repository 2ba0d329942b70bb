// SPDX-License-Identifier: MIT
/*
 * Test object of tests/cli/test_cli_obj.sh: two programs of the sample
 * extension's program type ("sample", extensions/sample), maps pinned by
 * name (a hash and a per-CPU array), one map that is not pinned and a
 * .rodata constant. Compiled by the test script with
 * `clang -O2 -g -target bpf`.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* the sample program type's context (struct bpfhost_sample_ctx) */
struct sample_ctx {
	__u64 data;
	__u64 data_end;
	__u32 len;
	__u32 mark;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} scratch SEC(".maps");

const volatile __u32 bonus = 100;

/* a subprogram (bpf-to-bpf call) */
static __attribute__((noinline)) int add_bonus(int x)
{
	return x + bonus;
}

/* counts packets by first byte, increments that byte, returns len + bonus */
SEC("sample")
int count_first(struct sample_ctx *ctx)
{
	__u8 *data = (__u8 *)(long)ctx->data;
	__u8 *end = (__u8 *)(long)ctx->data_end;
	__u64 one = 1, *cnt;
	__u32 key, zero = 0;

	if (data + 1 > end)
		return 0;
	key = data[0];
	cnt = bpf_map_lookup_elem(&hits, &key);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&hits, &key, &one, BPF_ANY);
	bpf_map_update_elem(&scratch, &zero, &one, BPF_ANY);
	data[0] = key + 1;
	ctx->mark = key;
	return add_bonus(ctx->len);
}

SEC("sample")
int ret_seven(void *ctx)
{
	return 7;
}

char LICENSE[] SEC("license") = "GPL";
