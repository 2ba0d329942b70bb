/* SPDX-License-Identifier: MIT */
/*
 * Random program bodies for the kernel oracle, deterministic from a seed.
 *
 * A generated body (the convention of kernel_oracle.h) initialises every
 * scalar register and four stack slots, runs a sequence of random items
 * and folds all scalar registers and stack slots into r0. Items are ALU and
 * ALU32 operations (every operation of the ISA with random "interesting"
 * immediates), packet and stack loads and stores, stack atomics and, in
 * branching bodies, forward conditional jumps of every kind (JMP and
 * JMP32), if/else pairs joined by ja/gotol, bounds-checked packet accesses
 * past the guaranteed bytes, loops with a constant trip count and
 * bpf-to-bpf calls to up to two functions placed after the body.
 *
 * Only programs the Linux verifier accepts are produced: no immediate shift
 * by the width or more, no division by an immediate zero, registers read
 * only once written, aligned stack accesses on initialised slots, packet
 * accesses inside the guaranteed bytes or behind a check against r3, and
 * pointers never mixed into scalar results. Fetching atomics stay out of
 * branching bodies, where a Linux verifier bug makes the kernel run them
 * wrongly (tests/kernel/progs/kbug-atomic-fetch-precision.s).
 */
#ifndef BH_TESTS_KERNEL_GEN_H
#define BH_TESTS_KERNEL_GEN_H

#include <stddef.h>
#include <stdint.h>

#include <bpfhost/isa.h>
#include "kernel_oracle.h"

/* splitmix64: small, seedable, the same sequence everywhere. */
struct bh_krng {
	uint64_t s;
};

uint64_t bh_krng_next(struct bh_krng *r);
/* Uniform in [0, n) for n > 0. */
uint64_t bh_krng_below(struct bh_krng *r, uint64_t n);

enum bh_kgen_shape {
	BH_KGEN_STRAIGHT, /* no jumps at all */
	BH_KGEN_BRANCHY,  /* forward jumps, if/else, checked accesses, bounded loops */
};

/* Upper bound on the slots of one generated body. */
#define BH_KGEN_MAX_INSNS 1024

/* Generate one body into out (BH_KGEN_MAX_INSNS slots); returns its length. */
size_t bh_kgen_body(struct bh_krng *rng, enum bh_kgen_shape shape, struct bpfhost_insn *out);

/*
 * Fill n packets for one body: lengths from BH_KORACLE_MIN_PKT to 160 bytes
 * of biased random bytes, stored in buf (n * 160 bytes).
 */
#define BH_KGEN_PKT_MAX 160
void bh_kgen_packets(struct bh_krng *rng, uint8_t *buf, struct bh_kpacket *pkts, size_t n);

#endif /* BH_TESTS_KERNEL_GEN_H */
