/* SPDX-License-Identifier: MIT */
/*
 * Soundness of the verifier's scalar domain. Each round draws a few concrete
 * values per operand, builds the scalar that is their join (so the values
 * are members), applies a transfer function, and checks that the concrete
 * RFC 9669 result for every pair of members is a member of the result.
 * Branch refinement is checked the same way: members satisfying the
 * comparison must survive refinement of the taken side, the others the
 * not-taken side, and branch_taken must never contradict a member.
 */
#include "verifier/scalar.h"
#include "../lib/harness.h"

static uint64_t rs = 0x243f6a8885a308d3ull;

static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

/* Values near interesting boundaries as often as random ones. */
static uint64_t rnd_val(uint64_t base)
{
	static const uint64_t edges[] = { 0,
					  1,
					  2,
					  7,
					  31,
					  32,
					  63,
					  64,
					  0x7f,
					  0x80,
					  0xff,
					  0x7fffffff,
					  0x80000000,
					  0xffffffff,
					  0x100000000ull,
					  0x7fffffffffffffffull,
					  0x8000000000000000ull,
					  ~0ull,
					  ~0ull - 1 };
	switch (rnd() % 5) {
	case 0:
		return edges[rnd() % (sizeof(edges) / sizeof(edges[0]))];
	case 1:
		return base + rnd() % 16;
	case 2:
		return base - rnd() % 16;
	case 3:
		return rnd() >> (rnd() % 64);
	default:
		return rnd();
	}
}

#define NV 4

static struct bh_scalar make(uint64_t *v, int n)
{
	struct bh_scalar s = bh_scalar_const(v[0]);
	int i;

	for (i = 1; i < n; i++) {
		struct bh_scalar c = bh_scalar_const(v[i]);

		s = bh_scalar_join(&s, &c);
	}
	return s;
}

static uint64_t conc_alu(enum bh_alu op, uint64_t a, uint64_t b, bool is32)
{
	if (is32) {
		uint32_t x = (uint32_t)a, y = (uint32_t)b;

		switch (op) {
		case BH_ALU_ADD:
			return (uint32_t)(x + y);
		case BH_ALU_SUB:
			return (uint32_t)(x - y);
		case BH_ALU_MUL:
			return (uint32_t)(x * y);
		case BH_ALU_DIV:
			return y ? x / y : 0;
		case BH_ALU_MOD:
			return y ? x % y : x;
		case BH_ALU_SDIV:
			return !y		  ? 0
			       : (int32_t)y == -1 ? (uint32_t)-x
						  : (uint32_t)((int32_t)x / (int32_t)y);
		case BH_ALU_SMOD:
			return !y ? x : (int32_t)y == -1 ? 0 : (uint32_t)((int32_t)x % (int32_t)y);
		case BH_ALU_OR:
			return x | y;
		case BH_ALU_AND:
			return x & y;
		case BH_ALU_XOR:
			return x ^ y;
		case BH_ALU_LSH:
			return (uint32_t)(x << (y & 31));
		case BH_ALU_RSH:
			return x >> (y & 31);
		case BH_ALU_ARSH:
			return (uint32_t)((int32_t)x >> (y & 31));
		default:
			return y;
		}
	}
	switch (op) {
	case BH_ALU_ADD:
		return a + b;
	case BH_ALU_SUB:
		return a - b;
	case BH_ALU_MUL:
		return a * b;
	case BH_ALU_DIV:
		return b ? a / b : 0;
	case BH_ALU_MOD:
		return b ? a % b : a;
	case BH_ALU_SDIV:
		return !b ? 0 : (int64_t)b == -1 ? -a : (uint64_t)((int64_t)a / (int64_t)b);
	case BH_ALU_SMOD:
		return !b ? a : (int64_t)b == -1 ? 0 : (uint64_t)((int64_t)a % (int64_t)b);
	case BH_ALU_OR:
		return a | b;
	case BH_ALU_AND:
		return a & b;
	case BH_ALU_XOR:
		return a ^ b;
	case BH_ALU_LSH:
		return a << (b & 63);
	case BH_ALU_RSH:
		return a >> (b & 63);
	case BH_ALU_ARSH:
		return (uint64_t)((int64_t)a >> (b & 63));
	default:
		return b;
	}
}

static bool conc_cmp(enum bh_cmp c, uint64_t a, uint64_t b, bool is32)
{
	if (is32) {
		uint32_t x = (uint32_t)a, y = (uint32_t)b;

		switch (c) {
		case BH_CMP_EQ:
			return x == y;
		case BH_CMP_NE:
			return x != y;
		case BH_CMP_GT:
			return x > y;
		case BH_CMP_GE:
			return x >= y;
		case BH_CMP_LT:
			return x < y;
		case BH_CMP_LE:
			return x <= y;
		case BH_CMP_SGT:
			return (int32_t)x > (int32_t)y;
		case BH_CMP_SGE:
			return (int32_t)x >= (int32_t)y;
		case BH_CMP_SLT:
			return (int32_t)x < (int32_t)y;
		case BH_CMP_SLE:
			return (int32_t)x <= (int32_t)y;
		default:
			return x & y;
		}
	}
	switch (c) {
	case BH_CMP_EQ:
		return a == b;
	case BH_CMP_NE:
		return a != b;
	case BH_CMP_GT:
		return a > b;
	case BH_CMP_GE:
		return a >= b;
	case BH_CMP_LT:
		return a < b;
	case BH_CMP_LE:
		return a <= b;
	case BH_CMP_SGT:
		return (int64_t)a > (int64_t)b;
	case BH_CMP_SGE:
		return (int64_t)a >= (int64_t)b;
	case BH_CMP_SLT:
		return (int64_t)a < (int64_t)b;
	case BH_CMP_SLE:
		return (int64_t)a <= (int64_t)b;
	default:
		return a & b;
	}
}

static void draw(uint64_t *a, int *na, uint64_t *b, int *nb)
{
	uint64_t base = rnd_val(0);
	int i;

	*na = 1 + (int)(rnd() % NV);
	*nb = 1 + (int)(rnd() % NV);
	for (i = 0; i < *na; i++)
		a[i] = rnd_val(base);
	for (i = 0; i < *nb; i++)
		b[i] = rnd() % 3 ? rnd_val(base) : rnd() % 70;
}

TEST(scalar_members_survive_join_and_sync)
{
	int round, i;

	for (round = 0; round < 20000; round++) {
		uint64_t a[NV], b[NV];
		int na, nb;
		struct bh_scalar s;

		draw(a, &na, b, &nb);
		s = make(a, na);
		CHECK(bh_scalar_sync(&s));
		for (i = 0; i < na; i++)
			if (!bh_scalar_contains(&s, a[i])) {
				bh_test_fail(__FILE__, __LINE__, "member %#llx lost",
					     (unsigned long long)a[i]);
				return;
			}
	}
}

TEST(scalar_alu_sound)
{
	int round, op, i, j, w;

	for (round = 0; round < 4000; round++) {
		uint64_t a[NV], b[NV];
		int na, nb;
		struct bh_scalar sa, sb;

		draw(a, &na, b, &nb);
		sa = make(a, na);
		sb = make(b, nb);
		for (w = 0; w < 2; w++)
			for (op = BH_ALU_ADD; op <= BH_ALU_MOV; op++) {
				struct bh_scalar r = bh_scalar_alu(op, &sa, &sb, w);

				for (i = 0; i < na; i++)
					for (j = 0; j < nb; j++) {
						uint64_t c = conc_alu(op, a[i], b[j], w);

						if (!bh_scalar_contains(&r, c)) {
							char buf[256];

							bh_test_fail(__FILE__, __LINE__,
								     "op %d is32 %d: %#llx op "
								     "%#llx = %#llx not in %s",
								     op, w,
								     (unsigned long long)a[i],
								     (unsigned long long)b[j],
								     (unsigned long long)c,
								     bh_scalar_str(&r, buf,
										   sizeof(buf)));
							return;
						}
					}
			}
	}
}

TEST(scalar_unary_sound)
{
	int round, i;

	for (round = 0; round < 4000; round++) {
		uint64_t a[NV], b[NV];
		int na, nb;
		struct bh_scalar s, n64, n32, z1, z2, z4, x1, x2, x4, s16, s32, s64;

		draw(a, &na, b, &nb);
		s = make(a, na);
		n64 = bh_scalar_neg(&s, false);
		n32 = bh_scalar_neg(&s, true);
		z1 = bh_scalar_zext(&s, 1);
		z2 = bh_scalar_zext(&s, 2);
		z4 = bh_scalar_zext(&s, 4);
		x1 = bh_scalar_sext(&s, 1);
		x2 = bh_scalar_sext(&s, 2);
		x4 = bh_scalar_sext(&s, 4);
		s16 = bh_scalar_bswap(&s, 16);
		s32 = bh_scalar_bswap(&s, 32);
		s64 = bh_scalar_bswap(&s, 64);
		for (i = 0; i < na; i++) {
			uint64_t x = a[i];

			CHECK(bh_scalar_contains(&n64, -x));
			CHECK(bh_scalar_contains(&n32, (uint32_t)-x));
			CHECK(bh_scalar_contains(&z1, (uint8_t)x));
			CHECK(bh_scalar_contains(&z2, (uint16_t)x));
			CHECK(bh_scalar_contains(&z4, (uint32_t)x));
			CHECK(bh_scalar_contains(&x1, (uint64_t)(int64_t)(int8_t)x));
			CHECK(bh_scalar_contains(&x2, (uint64_t)(int64_t)(int16_t)x));
			CHECK(bh_scalar_contains(&x4, (uint64_t)(int64_t)(int32_t)x));
			CHECK(bh_scalar_contains(&s16, __builtin_bswap16((uint16_t)x)));
			CHECK(bh_scalar_contains(&s32, __builtin_bswap32((uint32_t)x)));
			CHECK(bh_scalar_contains(&s64, __builtin_bswap64(x)));
		}
	}
}

TEST(scalar_branches_sound)
{
	int round, c, i, j, w;

	for (round = 0; round < 4000; round++) {
		uint64_t a[NV], b[NV];
		int na, nb;
		struct bh_scalar sa, sb;

		draw(a, &na, b, &nb);
		sa = make(a, na);
		sb = make(b, nb);
		for (w = 0; w < 2; w++)
			for (c = BH_CMP_EQ; c <= BH_CMP_SET; c++) {
				struct bh_scalar ta = sa, tb = sb, fa = sa, fb = sb;
				bool tok = bh_scalar_refine(c, true, &ta, &tb, w);
				bool fok = bh_scalar_refine(c, false, &fa, &fb, w);
				int known = bh_scalar_branch_taken(c, &sa, &sb, w);

				for (i = 0; i < na; i++)
					for (j = 0; j < nb; j++) {
						bool t = conc_cmp(c, a[i], b[j], w);

						if (known >= 0 && known != t) {
							bh_test_fail(__FILE__, __LINE__,
								     "cmp %d is32 %d: taken=%d but "
								     "%#llx vs %#llx gives %d",
								     c, w, known,
								     (unsigned long long)a[i],
								     (unsigned long long)b[j], t);
							return;
						}
						if (t && (!tok || !bh_scalar_contains(&ta, a[i]) ||
							  !bh_scalar_contains(&tb, b[j]))) {
							bh_test_fail(__FILE__, __LINE__,
								     "cmp %d is32 %d taken lost "
								     "%#llx/%#llx",
								     c, w, (unsigned long long)a[i],
								     (unsigned long long)b[j]);
							return;
						}
						if (!t && (!fok || !bh_scalar_contains(&fa, a[i]) ||
							   !bh_scalar_contains(&fb, b[j]))) {
							bh_test_fail(
								__FILE__, __LINE__,
								"cmp %d is32 %d not-taken lost "
								"%#llx/%#llx",
								c, w, (unsigned long long)a[i],
								(unsigned long long)b[j]);
							return;
						}
					}
			}
	}
}

TEST(scalar_precision_basics)
{
	struct bh_scalar a = bh_scalar_urange(0, 100), b = bh_scalar_const(14), r;
	struct bh_scalar ten = bh_scalar_const(10), five = bh_scalar_const(5);
	struct bh_scalar unk = bh_scalar_unknown();
	char buf[128];

	r = bh_scalar_alu(BH_ALU_ADD, &a, &b, false);
	CHECK_U64(r.umin, 14);
	CHECK_U64(r.umax, 114);
	/* if a < 10 then a in [0, 9] */
	CHECK(bh_scalar_refine(BH_CMP_LT, true, &a, &ten, false));
	CHECK_U64(a.umax, 9);
	CHECK_STR(bh_scalar_str(&b, buf, sizeof(buf)), "14");
	r = bh_scalar_alu(BH_ALU_AND, &unk, &b, false);
	CHECK_U64(r.umax, 14);
	CHECK_U64(r.var.mask, 14);
	/* impossible branch detected */
	a = bh_scalar_urange(0, 5);
	CHECK(!bh_scalar_refine(BH_CMP_GT, true, &a, &five, false));
}
