/* SPDX-License-Identifier: MIT */
/*
 * Program generators for verifier performance measurements, shared by the
 * unit test (tests/unit/test_verifier_perf.c) and the benchmark
 * (bench/bench_verifier.c). Each fills p (room for n + 8 instructions) with
 * an accepted program of n instructions and returns its length.
 *
 * vgen_straight: straight-line code (context loads at offset 0, ALU, stack
 *   spills and fills) for a context of at least 4 bytes; any r0 (0 or 1).
 * vgen_branchy: XDP-like blocks of 15 (a packet bounds check with an early
 *   exit, a compare of a packet word with a counter update on one side, a
 *   field compare with a flag update) for the layout u64 data @0,
 *   data_end @8, u32 field @24, writable u32 @32 (40 bytes); r0 in [0, 2].
 */
#ifndef BH_TEST_VGEN_H
#define BH_TEST_VGEN_H

#include <stddef.h>

#include <bpfhost/isa.h>

size_t vgen_straight(struct bpfhost_insn *p, size_t n);
size_t vgen_branchy(struct bpfhost_insn *p, size_t n);

#endif /* BH_TEST_VGEN_H */
