/* SPDX-License-Identifier: MIT */
/*
 * Soundness of the tnum domain: for random tnums with few unknown bits,
 * every concrete result of every member pair must be a member of the
 * abstract result.
 */
#include "verifier/tnum.h"
#include "../lib/harness.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A random tnum with at most 4 unknown bits, at random positions. */
static struct bh_tnum rnd_tnum(void)
{
	uint64_t mask = 0;
	int i, n = (int)(rnd() % 5);

	for (i = 0; i < n; i++)
		mask |= 1ull << (rnd() % 64);
	if (rnd() % 4 == 0) /* also small, low-bit-heavy values */
		return (struct bh_tnum){ rnd() % 64 & ~(mask & 63), mask & 63 };
	return (struct bh_tnum){ rnd() & ~mask, mask };
}

/* The k-th member of t (k < 2^popcount(mask)). */
static uint64_t member(struct bh_tnum t, unsigned k)
{
	uint64_t v = t.value, m = t.mask;

	while (m) {
		uint64_t bit = m & -m;

		if (k & 1)
			v |= bit;
		k >>= 1;
		m &= m - 1;
	}
	return v;
}

static unsigned nmembers(struct bh_tnum t)
{
	return 1u << __builtin_popcountll(t.mask);
}

enum binop { ADD, SUB, AND, OR, XOR, MUL, NBINOPS };

static uint64_t concrete(enum binop op, uint64_t x, uint64_t y)
{
	switch (op) {
	case ADD:
		return x + y;
	case SUB:
		return x - y;
	case AND:
		return x & y;
	case OR:
		return x | y;
	case XOR:
		return x ^ y;
	default:
		return x * y;
	}
}

static struct bh_tnum abstract(enum binop op, struct bh_tnum a, struct bh_tnum b)
{
	switch (op) {
	case ADD:
		return bh_tnum_add(a, b);
	case SUB:
		return bh_tnum_sub(a, b);
	case AND:
		return bh_tnum_and(a, b);
	case OR:
		return bh_tnum_or(a, b);
	case XOR:
		return bh_tnum_xor(a, b);
	default:
		return bh_tnum_mul(a, b);
	}
}

TEST(tnum_binops_sound)
{
	int round, op;

	for (round = 0; round < 3000; round++) {
		struct bh_tnum a = rnd_tnum(), b = rnd_tnum();

		for (op = 0; op < NBINOPS; op++) {
			struct bh_tnum r = abstract(op, a, b);
			unsigned i, j;

			CHECK_U64(r.value & r.mask, 0);
			for (i = 0; i < nmembers(a); i++)
				for (j = 0; j < nmembers(b); j++) {
					uint64_t c = concrete(op, member(a, i), member(b, j));

					if (!bh_tnum_contains(r, c)) {
						bh_test_fail(__FILE__, __LINE__,
							     "op %d unsound: %#llx not in result",
							     op, (unsigned long long)c);
						return;
					}
				}
		}
	}
}

TEST(tnum_unary_and_shifts_sound)
{
	int round;

	for (round = 0; round < 3000; round++) {
		struct bh_tnum a = rnd_tnum();
		unsigned s = (unsigned)(rnd() % 64), i;
		struct bh_tnum l = bh_tnum_lsh(a, s), r = bh_tnum_rsh(a, s);
		struct bh_tnum ar = bh_tnum_arsh(a, s, 64), ar32 = bh_tnum_arsh(a, s % 32, 32);
		struct bh_tnum n = bh_tnum_neg(a), c4 = bh_tnum_cast(a, 4), x1 = bh_tnum_sext(a, 1);

		for (i = 0; i < nmembers(a); i++) {
			uint64_t x = member(a, i);

			CHECK(bh_tnum_contains(l, x << s));
			CHECK(bh_tnum_contains(r, x >> s));
			CHECK(bh_tnum_contains(ar, (uint64_t)((int64_t)x >> s)));
			CHECK(bh_tnum_contains(ar32, (uint32_t)((int32_t)(uint32_t)x >> (s % 32))));
			CHECK(bh_tnum_contains(n, -x));
			CHECK(bh_tnum_contains(c4, (uint32_t)x));
			CHECK(bh_tnum_contains(x1, (uint64_t)(int64_t)(int8_t)x));
		}
	}
}

TEST(tnum_range_union_intersect_in)
{
	int round;

	for (round = 0; round < 3000; round++) {
		uint64_t lo = rnd() >> (rnd() % 64), hi = lo + (rnd() >> (rnd() % 64));
		struct bh_tnum t, a = rnd_tnum(), b = rnd_tnum(), u;
		unsigned i;

		if (hi < lo)
			hi = ~0ull;
		t = bh_tnum_range(lo, hi);
		CHECK(bh_tnum_contains(t, lo));
		CHECK(bh_tnum_contains(t, hi));
		CHECK(bh_tnum_contains(t, lo + (hi - lo) / 2));
		u = bh_tnum_union(a, b);
		CHECK(bh_tnum_in(u, a));
		CHECK(bh_tnum_in(u, b));
		for (i = 0; i < nmembers(a); i++)
			CHECK(bh_tnum_contains(u, member(a, i)));
		/* intersect of a tnum with a superset is the tnum itself */
		CHECK(bh_tnum_in(a, bh_tnum_intersect(a, u)));
		CHECK(bh_tnum_in(bh_tnum_intersect(a, u), a));
	}
	CHECK(bh_tnum_equals_const(bh_tnum_range(5, 5), 5));
	CHECK_U64(bh_tnum_range(0, 255).mask, 0xff);
	CHECK(bh_tnum_is_aligned(bh_tnum_const(16), 8));
	CHECK(!bh_tnum_is_aligned((struct bh_tnum){ 16, 4 }, 8));
	CHECK(bh_tnum_in(BH_TNUM_UNKNOWN, bh_tnum_const(3)));
	CHECK(!bh_tnum_in(bh_tnum_const(3), BH_TNUM_UNKNOWN));
}
