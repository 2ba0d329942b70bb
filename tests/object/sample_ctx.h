/* SPDX-License-Identifier: MIT */
/*
 * What programs of the sample extension's program type see (see
 * extensions/sample/sample.h), for the BPF C test objects of tests/object.
 */
#ifndef BH_TESTS_OBJECT_SAMPLE_CTX_H
#define BH_TESTS_OBJECT_SAMPLE_CTX_H

#include <linux/types.h>

struct sample_ctx {
	__u64 data;
	__u64 data_end;
	__u32 len;
	__u32 mark;
};

/* bpfhost_sample_get_secret (BPFHOST_SAMPLE_HELPER_GET_SECRET): no arguments */
static __u64 (*sample_get_secret)(void) = (void *)0x10001;

/* First packet byte, or -1 when the packet is empty. */
static __attribute__((always_inline)) int first_byte(struct sample_ctx *ctx)
{
	__u8 *d = (__u8 *)(long)ctx->data;

	if ((void *)(d + 1) > (void *)(long)ctx->data_end)
		return -1;
	return d[0];
}

#endif /* BH_TESTS_OBJECT_SAMPLE_CTX_H */
