/* SPDX-License-Identifier: MIT */
/*
 * Tristate-number arithmetic (see tnum.h). The add/sub/mul algorithms are
 * the published ones for tristate numbers (Vishwanathan et al., "Sound,
 * Precise, and Fast Abstract Interpretation with Tristate Numbers", CGO
 * 2022); soundness is checked exhaustively in tests/unit/test_tnum.c.
 */
#include <stdio.h>

#include "verifier/tnum.h"

static struct bh_tnum mk(uint64_t v, uint64_t m)
{
	return (struct bh_tnum){ .value = v & ~m, .mask = m };
}

struct bh_tnum bh_tnum_range(uint64_t min, uint64_t max)
{
	uint64_t chi = min ^ max, delta;
	unsigned bits;

	if (min > max)
		return BH_TNUM_UNKNOWN;
	if (!chi)
		return bh_tnum_const(min);
	bits = 64 - (unsigned)__builtin_clzll(chi);
	if (bits >= 64)
		return BH_TNUM_UNKNOWN;
	delta = (1ull << bits) - 1;
	return mk(min & ~delta, delta);
}

struct bh_tnum bh_tnum_add(struct bh_tnum a, struct bh_tnum b)
{
	uint64_t sm = a.mask + b.mask, sv = a.value + b.value;
	uint64_t carries = (sm + sv) ^ sv;

	return mk(sv, carries | a.mask | b.mask);
}

struct bh_tnum bh_tnum_sub(struct bh_tnum a, struct bh_tnum b)
{
	uint64_t dv = a.value - b.value;
	uint64_t borrows = (dv + a.mask) ^ (dv - b.mask);

	return mk(dv, borrows | a.mask | b.mask);
}

struct bh_tnum bh_tnum_neg(struct bh_tnum a)
{
	return bh_tnum_sub(bh_tnum_const(0), a);
}

struct bh_tnum bh_tnum_and(struct bh_tnum a, struct bh_tnum b)
{
	uint64_t may_a = a.value | a.mask, may_b = b.value | b.mask;
	uint64_t v = a.value & b.value;

	return mk(v, may_a & may_b & ~v);
}

struct bh_tnum bh_tnum_or(struct bh_tnum a, struct bh_tnum b)
{
	uint64_t v = a.value | b.value;

	return mk(v, (a.mask | b.mask) & ~v);
}

struct bh_tnum bh_tnum_xor(struct bh_tnum a, struct bh_tnum b)
{
	return mk(a.value ^ b.value, a.mask | b.mask);
}

struct bh_tnum bh_tnum_lsh(struct bh_tnum a, unsigned shift)
{
	shift &= 63;
	return mk(a.value << shift, a.mask << shift);
}

struct bh_tnum bh_tnum_rsh(struct bh_tnum a, unsigned shift)
{
	shift &= 63;
	return mk(a.value >> shift, a.mask >> shift);
}

struct bh_tnum bh_tnum_arsh(struct bh_tnum a, unsigned shift, unsigned width)
{
	if (width == 32) {
		shift &= 31;
		return mk((uint32_t)((int32_t)(uint32_t)a.value >> shift),
			  (uint32_t)((int32_t)(uint32_t)a.mask >> shift));
	}
	shift &= 63;
	return mk((uint64_t)((int64_t)a.value >> shift), (uint64_t)((int64_t)a.mask >> shift));
}

struct bh_tnum bh_tnum_mul(struct bh_tnum a, struct bh_tnum b)
{
	uint64_t known = a.value * b.value;
	struct bh_tnum acc = bh_tnum_const(0);

	/* sum, per bit of a, the partial products that are not fully known */
	while (a.value || a.mask) {
		if (a.value & 1)
			acc = bh_tnum_add(acc, mk(0, b.mask));
		else if (a.mask & 1)
			acc = bh_tnum_add(acc, mk(0, b.value | b.mask));
		a = bh_tnum_rsh(a, 1);
		b = bh_tnum_lsh(b, 1);
	}
	return bh_tnum_add(bh_tnum_const(known), acc);
}

struct bh_tnum bh_tnum_intersect(struct bh_tnum a, struct bh_tnum b)
{
	return mk(a.value | b.value, a.mask & b.mask);
}

struct bh_tnum bh_tnum_union(struct bh_tnum a, struct bh_tnum b)
{
	uint64_t m = a.mask | b.mask | (a.value ^ b.value);

	return mk(a.value, m);
}

struct bh_tnum bh_tnum_cast(struct bh_tnum a, unsigned bytes)
{
	uint64_t keep;

	if (bytes >= 8)
		return a;
	keep = (1ull << (bytes * 8)) - 1;
	return mk(a.value & keep, a.mask & keep);
}

struct bh_tnum bh_tnum_sext(struct bh_tnum a, unsigned bytes)
{
	uint64_t keep, sign;

	if (bytes >= 8)
		return a;
	keep = (1ull << (bytes * 8)) - 1;
	sign = 1ull << (bytes * 8 - 1);
	a = bh_tnum_cast(a, bytes);
	if (a.mask & sign)
		return mk(a.value, a.mask | ~keep);
	if (a.value & sign)
		return mk(a.value | ~keep, a.mask);
	return a;
}

bool bh_tnum_in(struct bh_tnum a, struct bh_tnum b)
{
	if (b.mask & ~a.mask)
		return false;
	return (b.value & ~a.mask) == a.value;
}

bool bh_tnum_is_aligned(struct bh_tnum a, uint64_t size)
{
	if (!size)
		return true;
	return !((a.value | a.mask) & (size - 1));
}

char *bh_tnum_str(struct bh_tnum a, char *buf, unsigned long size)
{
	snprintf(buf, size, "(%#llx; %#llx)", (unsigned long long)a.value,
		 (unsigned long long)a.mask);
	return buf;
}
