/* SPDX-License-Identifier: MIT */
/*
 * The core helper table: Linux id, name, function and the prototype the
 * verifier checks calls against (enum bpfhost_ret_type / bpfhost_arg_type
 * of include/bpfhost/extension.h). Ids are Linux's (__BPF_FUNC_MAPPER in
 * <linux/bpf.h>); entries are sorted by id. tail_call (12) is the
 * runtime's (src/runtime/tailcall.c) and not listed here.
 *
 * BPFHOST_HELPER_F_IMPLICIT_CTX marks helpers that use the program context
 * handed to every helper (the ctx parameter) to reach the running
 * invocation.
 */
#include <stddef.h>

#include "helpers/helpers.h"

#define ARGS(...) .args = { __VA_ARGS__ }
#define PROTO(ID, NAME, RET, ...)                                                              \
	{                                                                                      \
		.version = BPFHOST_HELPER_PROTO_VERSION,                                       \
		.size = sizeof(struct bpfhost_helper_proto), .id = (ID), .name = "bpf_" #NAME, \
		.fn = bh_helper_##NAME, .ret = BPFHOST_RET_##RET, __VA_ARGS__                  \
	}

#define A(T) BPFHOST_ARG_##T
#define IMPLICIT_CTX .flags = BPFHOST_HELPER_F_IMPLICIT_CTX

const struct bpfhost_helper_proto bh_core_helpers[] = {
	PROTO(1, map_lookup_elem, MAP_VALUE_OR_NULL, ARGS(A(CONST_MAP_PTR), A(PTR_TO_MAP_KEY))),
	PROTO(2, map_update_elem, INTEGER,
	      ARGS(A(CONST_MAP_PTR), A(PTR_TO_MAP_KEY), A(PTR_TO_MAP_VALUE), A(ANYTHING))),
	PROTO(3, map_delete_elem, INTEGER, ARGS(A(CONST_MAP_PTR), A(PTR_TO_MAP_KEY))),
	PROTO(5, ktime_get_ns, INTEGER, ARGS(0)),
	/* variadic, as in Linux: only fmt and its size are checked (r3-r5 as needed) */
	PROTO(6, trace_printk, INTEGER, ARGS(A(PTR_TO_MEM), A(CONST_SIZE)), IMPLICIT_CTX),
	PROTO(7, get_prandom_u32, INTEGER, ARGS(0)),
	PROTO(8, get_smp_processor_id, INTEGER, ARGS(0)),
	PROTO(14, get_current_pid_tgid, INTEGER, ARGS(0)),
	PROTO(25, perf_event_output, INTEGER,
	      ARGS(A(PTR_TO_CTX), A(CONST_MAP_PTR), A(ANYTHING), A(PTR_TO_MEM),
		   A(CONST_SIZE_OR_ZERO))),
	PROTO(87, map_push_elem, INTEGER, ARGS(A(CONST_MAP_PTR), A(PTR_TO_MAP_VALUE), A(ANYTHING))),
	/* Linux: an uninitialised map-value-sized buffer the helper fills */
	PROTO(88, map_pop_elem, INTEGER, ARGS(A(CONST_MAP_PTR), A(PTR_TO_UNINIT_MAP_VALUE))),
	PROTO(89, map_peek_elem, INTEGER, ARGS(A(CONST_MAP_PTR), A(PTR_TO_UNINIT_MAP_VALUE))),
	PROTO(118, jiffies64, INTEGER, ARGS(0)),
	PROTO(125, ktime_get_boot_ns, INTEGER, ARGS(0)),
	PROTO(130, ringbuf_output, INTEGER,
	      ARGS(A(CONST_MAP_PTR), A(PTR_TO_MEM), A(CONST_SIZE_OR_ZERO), A(ANYTHING))),
	/* the record has the size of argument 2, which must be a constant */
	PROTO(131, ringbuf_reserve, RINGBUF_REC_OR_NULL,
	      ARGS(A(CONST_MAP_PTR), A(CONST_ALLOC_SIZE_OR_ZERO), A(ANYTHING))),
	PROTO(132, ringbuf_submit, VOID, ARGS(A(PTR_TO_RINGBUF_REC), A(ANYTHING))),
	PROTO(133, ringbuf_discard, VOID, ARGS(A(PTR_TO_RINGBUF_REC), A(ANYTHING))),
	PROTO(134, ringbuf_query, INTEGER, ARGS(A(CONST_MAP_PTR), A(ANYTHING))),
	PROTO(160, ktime_get_coarse_ns, INTEGER, ARGS(0)),
	PROTO(164, for_each_map_elem, INTEGER,
	      ARGS(A(CONST_MAP_PTR), A(PTR_TO_FUNC), A(PTR_TO_STACK_OR_NULL), A(ANYTHING)),
	      IMPLICIT_CTX),
	PROTO(165, snprintf, INTEGER,
	      ARGS(A(PTR_TO_UNINIT_MEM), A(CONST_SIZE_OR_ZERO), A(PTR_TO_CONST_STR), A(PTR_TO_MEM),
		   A(CONST_SIZE_OR_ZERO))),
	PROTO(174, get_attach_cookie, INTEGER, ARGS(A(PTR_TO_CTX))),
	PROTO(177, trace_vprintk, INTEGER,
	      ARGS(A(PTR_TO_MEM), A(CONST_SIZE), A(PTR_TO_MEM), A(CONST_SIZE_OR_ZERO)),
	      IMPLICIT_CTX),
	PROTO(181, loop, INTEGER,
	      ARGS(A(ANYTHING), A(PTR_TO_FUNC), A(PTR_TO_STACK_OR_NULL), A(ANYTHING)),
	      IMPLICIT_CTX),
	PROTO(182, strncmp, INTEGER, ARGS(A(PTR_TO_MEM), A(CONST_SIZE), A(PTR_TO_CONST_STR))),
};

const size_t bh_core_helper_cnt = sizeof(bh_core_helpers) / sizeof(bh_core_helpers[0]);

const struct bpfhost_helper_proto *bh_core_helper_find(uint32_t id)
{
	size_t lo = 0, hi = bh_core_helper_cnt;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bh_core_helpers[mid].id == id)
			return &bh_core_helpers[mid];
		if (bh_core_helpers[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1 + 1;
	}
	return NULL;
}
