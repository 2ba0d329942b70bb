/* SPDX-License-Identifier: MIT */
/*
 * bpfhost: an embeddable eBPF runtime for Linux user space.
 *
 * This is the umbrella header. The instruction-set layer (validation,
 * assembler, disassembler, stand-alone engine) is in <bpfhost/isa.h>; the
 * runtime and object API are declared here as they land.
 */
#ifndef BPFHOST_BPFHOST_H
#define BPFHOST_BPFHOST_H

#include <bpfhost/isa.h>

#define BPFHOST_VERSION_MAJOR 0
#define BPFHOST_VERSION_MINOR 1

#ifdef __cplusplus
extern "C" {
#endif

/* Map types: the Linux enum bpf_map_type numbers. */
enum bpfhost_map_type {
	BPFHOST_MAP_TYPE_UNSPEC = 0,
	BPFHOST_MAP_TYPE_HASH = 1,
	BPFHOST_MAP_TYPE_ARRAY = 2,
	BPFHOST_MAP_TYPE_PROG_ARRAY = 3,
	BPFHOST_MAP_TYPE_PERF_EVENT_ARRAY = 4,
	BPFHOST_MAP_TYPE_PERCPU_HASH = 5,
	BPFHOST_MAP_TYPE_PERCPU_ARRAY = 6,
	BPFHOST_MAP_TYPE_LRU_HASH = 9,
	BPFHOST_MAP_TYPE_LRU_PERCPU_HASH = 10,
	BPFHOST_MAP_TYPE_LPM_TRIE = 11,
	BPFHOST_MAP_TYPE_ARRAY_OF_MAPS = 12,
	BPFHOST_MAP_TYPE_HASH_OF_MAPS = 13,
	BPFHOST_MAP_TYPE_QUEUE = 22,
	BPFHOST_MAP_TYPE_STACK = 23,
	BPFHOST_MAP_TYPE_RINGBUF = 27,
};

/* Map update flags (Linux values). */
#define BPFHOST_ANY 0ull
#define BPFHOST_NOEXIST 1ull
#define BPFHOST_EXIST 2ull
#define BPFHOST_F_LOCK 4ull

/* Map creation flags (Linux values) that bpfhost understands. */
#define BPFHOST_F_NO_PREALLOC (1u << 0)
#define BPFHOST_F_NO_COMMON_LRU (1u << 1)
#define BPFHOST_F_RDONLY_PROG (1u << 7)
#define BPFHOST_F_WRONLY_PROG (1u << 8)

/* Library version as "MAJOR.MINOR". */
BPFHOST_API const char *bpfhost_version(void);

#ifdef __cplusplus
}
#endif

#endif /* BPFHOST_BPFHOST_H */
