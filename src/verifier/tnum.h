/* SPDX-License-Identifier: MIT */
/*
 * Tristate numbers ("known bits") for the verifier's scalar domain.
 *
 * A tnum {value, mask} stands for every 64-bit number x with
 * (x & ~mask) == value: bits set in mask are unknown, the others are known
 * and equal to the bits of value (value & mask is always 0). The operations
 * below are sound over-approximations: the result contains every outcome of
 * the concrete operation applied to members of the operands.
 */
#ifndef BH_VERIFIER_TNUM_H
#define BH_VERIFIER_TNUM_H

#include <stdbool.h>
#include <stdint.h>

struct bh_tnum {
	uint64_t value;
	uint64_t mask;
};

#define BH_TNUM_UNKNOWN ((struct bh_tnum){ .value = 0, .mask = ~0ull })

static inline struct bh_tnum bh_tnum_const(uint64_t v)
{
	return (struct bh_tnum){ .value = v, .mask = 0 };
}
static inline bool bh_tnum_is_const(struct bh_tnum a)
{
	return !a.mask;
}
static inline bool bh_tnum_equals_const(struct bh_tnum a, uint64_t v)
{
	return !a.mask && a.value == v;
}
/* Smallest/largest unsigned member. */
static inline uint64_t bh_tnum_umin(struct bh_tnum a)
{
	return a.value;
}
static inline uint64_t bh_tnum_umax(struct bh_tnum a)
{
	return a.value | a.mask;
}

/* All numbers in [min, max] (unsigned). */
struct bh_tnum bh_tnum_range(uint64_t min, uint64_t max);

struct bh_tnum bh_tnum_add(struct bh_tnum a, struct bh_tnum b);
struct bh_tnum bh_tnum_sub(struct bh_tnum a, struct bh_tnum b);
struct bh_tnum bh_tnum_neg(struct bh_tnum a);
struct bh_tnum bh_tnum_and(struct bh_tnum a, struct bh_tnum b);
struct bh_tnum bh_tnum_or(struct bh_tnum a, struct bh_tnum b);
struct bh_tnum bh_tnum_xor(struct bh_tnum a, struct bh_tnum b);
struct bh_tnum bh_tnum_mul(struct bh_tnum a, struct bh_tnum b);
struct bh_tnum bh_tnum_lsh(struct bh_tnum a, unsigned shift);
struct bh_tnum bh_tnum_rsh(struct bh_tnum a, unsigned shift);
/* Arithmetic right shift of the low `width` (32 or 64) bits. */
struct bh_tnum bh_tnum_arsh(struct bh_tnum a, unsigned shift, unsigned width);

/* Members of both (caller guarantees they overlap). */
struct bh_tnum bh_tnum_intersect(struct bh_tnum a, struct bh_tnum b);
/* Smallest tnum containing both. */
struct bh_tnum bh_tnum_union(struct bh_tnum a, struct bh_tnum b);
/* Truncate to the low `bytes` bytes (zero-extended). */
struct bh_tnum bh_tnum_cast(struct bh_tnum a, unsigned bytes);
/* Sign-extend from the low `bytes` bytes. */
struct bh_tnum bh_tnum_sext(struct bh_tnum a, unsigned bytes);
/* Is every member of b a member of a? */
bool bh_tnum_in(struct bh_tnum a, struct bh_tnum b);
/* Are the low bits selected by `size - 1` (size a power of 2) known zero? */
bool bh_tnum_is_aligned(struct bh_tnum a, uint64_t size);
/* Could x be a member? */
static inline bool bh_tnum_contains(struct bh_tnum a, uint64_t x)
{
	return (x & ~a.mask) == a.value;
}
/* Low / high 32 bits as a tnum. */
static inline struct bh_tnum bh_tnum_lo32(struct bh_tnum a)
{
	return (struct bh_tnum){ a.value & 0xffffffffull, a.mask & 0xffffffffull };
}

/* "(0x10; 0xf)" style text for logs; returns buf. */
char *bh_tnum_str(struct bh_tnum a, char *buf, unsigned long size);

#endif /* BH_VERIFIER_TNUM_H */
