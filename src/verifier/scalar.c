/* SPDX-License-Identifier: MIT */
/*
 * Scalar domain of the verifier: ranges + known bits (see scalar.h).
 *
 * Soundness rule for every function here: the result must contain each
 * concrete outcome for each member of the inputs. Precision is secondary and
 * comes from bh_scalar_sync(), which lets the tnum, the 64-bit ranges and the
 * 32-bit ranges narrow each other. tests/unit/test_scalar.c checks soundness
 * by sampling members of random scalars against the concrete RFC 9669
 * semantics.
 */
#include <stdio.h>

#include "verifier/scalar.h"

#define SIGN64 (1ull << 63)
#define SIGN32 (1ull << 31)
#define LO32 0xffffffffull
#define HI32 0xffffffff00000000ull

static uint64_t umax64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}
static uint64_t umin64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}
static int64_t smax64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}
static int64_t smin64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

struct bh_scalar bh_scalar_unknown(void)
{
	return (struct bh_scalar){ .umin = 0,
				   .umax = UINT64_MAX,
				   .smin = INT64_MIN,
				   .smax = INT64_MAX,
				   .u32min = 0,
				   .u32max = UINT32_MAX,
				   .s32min = INT32_MIN,
				   .s32max = INT32_MAX,
				   .var = BH_TNUM_UNKNOWN };
}

struct bh_scalar bh_scalar_const(uint64_t v)
{
	return (struct bh_scalar){ .umin = v,
				   .umax = v,
				   .smin = (int64_t)v,
				   .smax = (int64_t)v,
				   .u32min = (uint32_t)v,
				   .u32max = (uint32_t)v,
				   .s32min = (int32_t)(uint32_t)v,
				   .s32max = (int32_t)(uint32_t)v,
				   .var = bh_tnum_const(v) };
}

struct bh_scalar bh_scalar_urange(uint64_t lo, uint64_t hi)
{
	struct bh_scalar s = bh_scalar_unknown();

	s.umin = lo;
	s.umax = hi;
	bh_scalar_sync(&s);
	return s;
}

struct bh_scalar bh_scalar_srange(int64_t lo, int64_t hi)
{
	struct bh_scalar s = bh_scalar_unknown();

	s.smin = lo;
	s.smax = hi;
	bh_scalar_sync(&s);
	return s;
}

static bool tnums_compatible(struct bh_tnum a, struct bh_tnum b)
{
	return !((a.value ^ b.value) & ~(a.mask | b.mask));
}

static bool sync_once(struct bh_scalar *s)
{
	struct bh_tnum v = s->var, lo = bh_tnum_lo32(s->var), r;

	/* known bits bound the ranges */
	s->umin = umax64(s->umin, v.value);
	s->umax = umin64(s->umax, v.value | v.mask);
	s->smin = smax64(s->smin, (int64_t)(v.value | (v.mask & SIGN64)));
	s->smax = smin64(s->smax, (int64_t)(v.value | (v.mask & ~SIGN64)));
	if ((uint32_t)lo.value > s->u32min)
		s->u32min = (uint32_t)lo.value;
	if ((uint32_t)(lo.value | lo.mask) < s->u32max)
		s->u32max = (uint32_t)(lo.value | lo.mask);
	if ((int32_t)(uint32_t)(lo.value | (lo.mask & SIGN32)) > s->s32min)
		s->s32min = (int32_t)(uint32_t)(lo.value | (lo.mask & SIGN32));
	if ((int32_t)(uint32_t)(lo.value | (lo.mask & ~SIGN32 & LO32)) < s->s32max)
		s->s32max = (int32_t)(uint32_t)(lo.value | (lo.mask & ~SIGN32 & LO32));

	/* signed <-> unsigned where the range does not cross the sign boundary */
	if (!((s->umin ^ s->umax) & SIGN64)) {
		s->smin = smax64(s->smin, (int64_t)s->umin);
		s->smax = smin64(s->smax, (int64_t)s->umax);
	}
	if (s->smin >= 0 || s->smax < 0) {
		s->umin = umax64(s->umin, (uint64_t)s->smin);
		s->umax = umin64(s->umax, (uint64_t)s->smax);
	}
	if (!((s->u32min ^ s->u32max) & SIGN32)) {
		if ((int32_t)s->u32min > s->s32min)
			s->s32min = (int32_t)s->u32min;
		if ((int32_t)s->u32max < s->s32max)
			s->s32max = (int32_t)s->u32max;
	}
	if (s->s32min >= 0 || s->s32max < 0) {
		if ((uint32_t)s->s32min > s->u32min)
			s->u32min = (uint32_t)s->s32min;
		if ((uint32_t)s->s32max < s->u32max)
			s->u32max = (uint32_t)s->s32max;
	}

	/* 64-bit ranges inside one 2^32 window fix the low half's ranges */
	if ((s->umin >> 32) == (s->umax >> 32)) {
		if ((uint32_t)s->umin > s->u32min)
			s->u32min = (uint32_t)s->umin;
		if ((uint32_t)s->umax < s->u32max)
			s->u32max = (uint32_t)s->umax;
	}
	if ((uint64_t)s->smax - (uint64_t)s->smin < (1ull << 32) &&
	    (((uint64_t)s->smin + SIGN32) >> 32) == (((uint64_t)s->smax + SIGN32) >> 32)) {
		if ((int32_t)(uint32_t)s->smin > s->s32min)
			s->s32min = (int32_t)(uint32_t)s->smin;
		if ((int32_t)(uint32_t)s->smax < s->s32max)
			s->s32max = (int32_t)(uint32_t)s->smax;
	}
	/* known upper half: the low half's ranges fix the 64-bit ones */
	if (!(v.mask & HI32)) {
		uint64_t hi = v.value & HI32;

		s->umin = umax64(s->umin, hi | s->u32min);
		s->umax = umin64(s->umax, hi | s->u32max);
		s->smin = smax64(s->smin, (int64_t)(hi | s->u32min));
		s->smax = smin64(s->smax, (int64_t)(hi | s->u32max));
	}

	if (s->umin > s->umax || s->smin > s->smax || s->u32min > s->u32max ||
	    s->s32min > s->s32max)
		return false;

	/* ranges bound the known bits */
	r = bh_tnum_range(s->umin, s->umax);
	if (!tnums_compatible(s->var, r))
		return false;
	s->var = bh_tnum_intersect(s->var, r);
	r = bh_tnum_range(s->u32min, s->u32max);
	r.mask |= HI32;
	if (!tnums_compatible(s->var, r))
		return false;
	s->var = bh_tnum_intersect(s->var, r);
	return true;
}

bool bh_scalar_sync(struct bh_scalar *s)
{
	int i;

	for (i = 0; i < 3; i++)
		if (!sync_once(s))
			return false;
	return true;
}

bool bh_scalar_is_const(const struct bh_scalar *s)
{
	return bh_tnum_is_const(s->var);
}

bool bh_scalar_contains(const struct bh_scalar *s, uint64_t v)
{
	return v >= s->umin && v <= s->umax && (int64_t)v >= s->smin && (int64_t)v <= s->smax &&
	       (uint32_t)v >= s->u32min && (uint32_t)v <= s->u32max &&
	       (int32_t)(uint32_t)v >= s->s32min && (int32_t)(uint32_t)v <= s->s32max &&
	       bh_tnum_contains(s->var, v);
}

bool bh_scalar_includes(const struct bh_scalar *a, const struct bh_scalar *b)
{
	return a->umin <= b->umin && b->umax <= a->umax && a->smin <= b->smin &&
	       b->smax <= a->smax && a->u32min <= b->u32min && b->u32max <= a->u32max &&
	       a->s32min <= b->s32min && b->s32max <= a->s32max && bh_tnum_in(a->var, b->var);
}

struct bh_scalar bh_scalar_join(const struct bh_scalar *a, const struct bh_scalar *b)
{
	struct bh_scalar r;

	r.umin = umin64(a->umin, b->umin);
	r.umax = umax64(a->umax, b->umax);
	r.smin = smin64(a->smin, b->smin);
	r.smax = smax64(a->smax, b->smax);
	r.u32min = a->u32min < b->u32min ? a->u32min : b->u32min;
	r.u32max = a->u32max > b->u32max ? a->u32max : b->u32max;
	r.s32min = a->s32min < b->s32min ? a->s32min : b->s32min;
	r.s32max = a->s32max > b->s32max ? a->s32max : b->s32max;
	r.var = bh_tnum_union(a->var, b->var);
	bh_scalar_sync(&r);
	return r;
}

/* A scalar known only by its tnum (ranges derived by sync). */
static struct bh_scalar from_tnum(struct bh_tnum t)
{
	struct bh_scalar s = bh_scalar_unknown();

	s.var = t;
	bh_scalar_sync(&s);
	return s;
}

struct bh_scalar bh_scalar_zext(const struct bh_scalar *s, unsigned bytes)
{
	struct bh_scalar r;
	uint64_t max;

	if (bytes >= 8)
		return *s;
	if (bytes == 4) {
		r = bh_scalar_unknown();
		r.umin = s->u32min;
		r.umax = s->u32max;
		r.u32min = s->u32min;
		r.u32max = s->u32max;
		r.s32min = s->s32min;
		r.s32max = s->s32max;
		r.var = bh_tnum_cast(s->var, 4);
		bh_scalar_sync(&r);
		return r;
	}
	max = (1ull << (bytes * 8)) - 1;
	if (s->umax <= max)
		return *s;
	r = from_tnum(bh_tnum_cast(s->var, bytes));
	return r;
}

struct bh_scalar bh_scalar_sext(const struct bh_scalar *s, unsigned bytes)
{
	struct bh_scalar r;
	int64_t lim;

	if (bytes >= 8)
		return *s;
	if (bytes == 4) {
		r = bh_scalar_unknown();
		r.smin = s->s32min;
		r.smax = s->s32max;
		r.u32min = s->u32min;
		r.u32max = s->u32max;
		r.s32min = s->s32min;
		r.s32max = s->s32max;
		r.var = bh_tnum_sext(s->var, 4);
		bh_scalar_sync(&r);
		return r;
	}
	lim = 1ll << (bytes * 8 - 1);
	if (s->smin >= -lim && s->smax < lim)
		return *s;
	r = from_tnum(bh_tnum_sext(s->var, bytes));
	r.smin = smax64(r.smin, -lim);
	r.smax = smin64(r.smax, lim - 1);
	bh_scalar_sync(&r);
	return r;
}

static uint64_t c_sdiv(uint64_t a, uint64_t b)
{
	if (!b)
		return 0;
	if ((int64_t)b == -1)
		return -a;
	return (uint64_t)((int64_t)a / (int64_t)b);
}

static uint64_t c_smod(uint64_t a, uint64_t b)
{
	if (!b)
		return a;
	if ((int64_t)b == -1)
		return 0;
	return (uint64_t)((int64_t)a % (int64_t)b);
}

static struct bh_scalar shift_const(enum bh_alu op, const struct bh_scalar *a, unsigned sh)
{
	struct bh_scalar r = bh_scalar_unknown();

	switch (op) {
	case BH_ALU_LSH:
		r.var = bh_tnum_lsh(a->var, sh);
		if (!sh || !(a->umax >> (64 - sh))) {
			r.umin = a->umin << sh;
			r.umax = a->umax << sh;
		}
		break;
	case BH_ALU_RSH:
		r.var = bh_tnum_rsh(a->var, sh);
		r.umin = a->umin >> sh;
		r.umax = a->umax >> sh;
		break;
	default: /* ARSH */
		r.var = bh_tnum_arsh(a->var, sh, 64);
		r.smin = a->smin >> sh;
		r.smax = a->smax >> sh;
		break;
	}
	bh_scalar_sync(&r);
	return r;
}

static struct bh_scalar alu64(enum bh_alu op, const struct bh_scalar *a, const struct bh_scalar *b)
{
	struct bh_scalar r = bh_scalar_unknown();
	int64_t s1, s2;

	if (op == BH_ALU_MOV)
		return *b;
	switch (op) {
	case BH_ALU_ADD:
		r.var = bh_tnum_add(a->var, b->var);
		if (a->umin + b->umin >= a->umin && a->umax + b->umax >= a->umax) {
			r.umin = a->umin + b->umin;
			r.umax = a->umax + b->umax;
		}
		if (!__builtin_add_overflow(a->smin, b->smin, &s1) &&
		    !__builtin_add_overflow(a->smax, b->smax, &s2)) {
			r.smin = s1;
			r.smax = s2;
		}
		break;
	case BH_ALU_SUB:
		r.var = bh_tnum_sub(a->var, b->var);
		if (a->umin >= b->umax) {
			r.umin = a->umin - b->umax;
			r.umax = a->umax - b->umin;
		}
		if (!__builtin_sub_overflow(a->smin, b->smax, &s1) &&
		    !__builtin_sub_overflow(a->smax, b->smin, &s2)) {
			r.smin = s1;
			r.smax = s2;
		}
		break;
	case BH_ALU_MUL:
		r.var = bh_tnum_mul(a->var, b->var);
		if (a->umax <= UINT32_MAX && b->umax <= UINT32_MAX) {
			r.umin = a->umin * b->umin;
			r.umax = a->umax * b->umax;
		}
		break;
	case BH_ALU_DIV:
		if (bh_scalar_is_const(b)) {
			uint64_t c = b->var.value;

			if (!c)
				return bh_scalar_const(0);
			r.umin = a->umin / c;
			r.umax = a->umax / c;
		} else if (!b->umin) {
			r.umax = a->umax;
		} else {
			r.umin = a->umin / b->umax;
			r.umax = a->umax / b->umin;
		}
		break;
	case BH_ALU_MOD:
		if (!b->umax)
			return *a; /* modulo by zero leaves dst */
		if (a->umax < b->umin)
			return *a; /* x % y == x for x < y */
		r.umax = umin64(a->umax, b->umax - 1);
		bh_scalar_sync(&r);
		if (!b->umin)
			r = bh_scalar_join(&r, a);
		return r;
	case BH_ALU_SDIV:
	case BH_ALU_SMOD:
		if (bh_scalar_is_const(a) && bh_scalar_is_const(b))
			return bh_scalar_const(op == BH_ALU_SDIV
						       ? c_sdiv(a->var.value, b->var.value)
						       : c_smod(a->var.value, b->var.value));
		if (op == BH_ALU_SMOD && b->smin > INT64_MIN) {
			int64_t m = smax64(-b->smin, b->smax); /* max |divisor| */

			if (m > 0) {
				r.smin = a->smin >= 0 ? 0 : -(m - 1);
				r.smax = a->smax <= 0 ? 0 : m - 1;
				bh_scalar_sync(&r);
			}
			if (bh_scalar_contains(b, 0))
				r = bh_scalar_join(&r, a);
			return r;
		}
		break;
	case BH_ALU_OR:
		r.var = bh_tnum_or(a->var, b->var);
		r.umin = umax64(a->umin, b->umin);
		break;
	case BH_ALU_AND:
		r.var = bh_tnum_and(a->var, b->var);
		r.umax = umin64(a->umax, b->umax);
		break;
	case BH_ALU_XOR:
		r.var = bh_tnum_xor(a->var, b->var);
		break;
	case BH_ALU_LSH:
	case BH_ALU_RSH:
	case BH_ALU_ARSH: {
		uint64_t lo = b->umin, hi = b->umax, sh;

		if (hi > 63) {
			lo = 0;
			hi = 63;
		}
		r = shift_const(op, a, (unsigned)lo);
		for (sh = lo + 1; sh <= hi; sh++) {
			struct bh_scalar t;

			if (!bh_tnum_contains(b->var, sh) && b->umax <= 63)
				continue;
			t = shift_const(op, a, (unsigned)sh);
			r = bh_scalar_join(&r, &t);
		}
		return r;
	}
	default:
		break;
	}
	if (!bh_scalar_sync(&r))
		return bh_scalar_unknown(); /* cannot happen for sound inputs */
	return r;
}

struct bh_scalar bh_scalar_alu(enum bh_alu op, const struct bh_scalar *dst,
			       const struct bh_scalar *src, bool is32)
{
	struct bh_scalar a, b, r, mask;

	if (!is32)
		return alu64(op, dst, src);
	if (op == BH_ALU_MOV)
		return bh_scalar_zext(src, 4);
	switch (op) {
	case BH_ALU_SDIV:
	case BH_ALU_SMOD:
		a = bh_scalar_sext(dst, 4);
		b = bh_scalar_sext(src, 4);
		break;
	case BH_ALU_ARSH:
		a = bh_scalar_sext(dst, 4);
		b = bh_scalar_zext(src, 4);
		break;
	default:
		a = bh_scalar_zext(dst, 4);
		b = bh_scalar_zext(src, 4);
		break;
	}
	if (op == BH_ALU_LSH || op == BH_ALU_RSH || op == BH_ALU_ARSH) {
		mask = bh_scalar_const(31);
		b = alu64(BH_ALU_AND, &b, &mask);
	}
	r = alu64(op, &a, &b);
	return bh_scalar_zext(&r, 4);
}

struct bh_scalar bh_scalar_neg(const struct bh_scalar *dst, bool is32)
{
	struct bh_scalar zero = bh_scalar_const(0);

	return bh_scalar_alu(BH_ALU_SUB, &zero, dst, is32);
}

static uint64_t bswap_bits(uint64_t v, unsigned bits)
{
	return bits == 16   ? __builtin_bswap16((uint16_t)v)
	       : bits == 32 ? __builtin_bswap32((uint32_t)v)
			    : __builtin_bswap64(v);
}

struct bh_scalar bh_scalar_bswap(const struct bh_scalar *dst, unsigned bits)
{
	struct bh_tnum t = bh_tnum_cast(dst->var, bits / 8);

	/* a byte permutation maps known bits to known bits exactly */
	return from_tnum((struct bh_tnum){ bswap_bits(t.value, bits), bswap_bits(t.mask, bits) });
}

/* ---- comparisons ---- */

static bool is_signed_cmp(enum bh_cmp c)
{
	return c >= BH_CMP_SGT && c <= BH_CMP_SLE;
}

static int taken64(enum bh_cmp cmp, const struct bh_scalar *a, const struct bh_scalar *b)
{
	switch (cmp) {
	case BH_CMP_EQ:
		if (bh_scalar_is_const(a) && bh_scalar_is_const(b))
			return a->var.value == b->var.value;
		if (a->umax < b->umin || b->umax < a->umin || a->smax < b->smin ||
		    b->smax < a->smin || !tnums_compatible(a->var, b->var))
			return 0;
		return -1;
	case BH_CMP_NE: {
		int t = taken64(BH_CMP_EQ, a, b);

		return t < 0 ? -1 : !t;
	}
	case BH_CMP_GT:
		return a->umin > b->umax ? 1 : a->umax <= b->umin ? 0 : -1;
	case BH_CMP_GE:
		return a->umin >= b->umax ? 1 : a->umax < b->umin ? 0 : -1;
	case BH_CMP_LT:
		return taken64(BH_CMP_GT, b, a);
	case BH_CMP_LE:
		return taken64(BH_CMP_GE, b, a);
	case BH_CMP_SGT:
		return a->smin > b->smax ? 1 : a->smax <= b->smin ? 0 : -1;
	case BH_CMP_SGE:
		return a->smin >= b->smax ? 1 : a->smax < b->smin ? 0 : -1;
	case BH_CMP_SLT:
		return taken64(BH_CMP_SGT, b, a);
	case BH_CMP_SLE:
		return taken64(BH_CMP_SGE, b, a);
	case BH_CMP_SET:
		if (a->var.value & b->var.value)
			return 1;
		if (!((a->var.value | a->var.mask) & (b->var.value | b->var.mask)))
			return 0;
		return -1;
	}
	return -1;
}

int bh_scalar_branch_taken(enum bh_cmp cmp, const struct bh_scalar *a, const struct bh_scalar *b,
			   bool is32)
{
	struct bh_scalar x, y;

	if (!is32)
		return taken64(cmp, a, b);
	if (is_signed_cmp(cmp)) {
		x = bh_scalar_sext(a, 4);
		y = bh_scalar_sext(b, 4);
	} else {
		x = bh_scalar_zext(a, 4);
		y = bh_scalar_zext(b, 4);
	}
	return taken64(cmp, &x, &y);
}

static enum bh_cmp negate(enum bh_cmp c)
{
	switch (c) {
	case BH_CMP_EQ:
		return BH_CMP_NE;
	case BH_CMP_NE:
		return BH_CMP_EQ;
	case BH_CMP_GT:
		return BH_CMP_LE;
	case BH_CMP_GE:
		return BH_CMP_LT;
	case BH_CMP_LT:
		return BH_CMP_GE;
	case BH_CMP_LE:
		return BH_CMP_GT;
	case BH_CMP_SGT:
		return BH_CMP_SLE;
	case BH_CMP_SGE:
		return BH_CMP_SLT;
	case BH_CMP_SLT:
		return BH_CMP_SGE;
	case BH_CMP_SLE:
		return BH_CMP_SGT;
	default:
		return c;
	}
}

/* Ranges of one width, widened to 64-bit integers. */
struct rng {
	uint64_t umin, umax, umax_lim;
	int64_t smin, smax, smin_lim, smax_lim;
};

static struct rng get_rng(const struct bh_scalar *s, bool is32)
{
	if (is32)
		return (struct rng){ s->u32min, s->u32max, UINT32_MAX, s->s32min,
				     s->s32max, INT32_MIN, INT32_MAX };
	return (struct rng){ s->umin, s->umax, UINT64_MAX, s->smin, s->smax, INT64_MIN, INT64_MAX };
}

static void put_rng(struct bh_scalar *s, const struct rng *r, bool is32)
{
	if (is32) {
		s->u32min = (uint32_t)r->umin;
		s->u32max = (uint32_t)r->umax;
		s->s32min = (int32_t)r->smin;
		s->s32max = (int32_t)r->smax;
	} else {
		s->umin = r->umin;
		s->umax = r->umax;
		s->smin = r->smin;
		s->smax = r->smax;
	}
}

/* a > b (or a >= b when `eq`), unsigned or signed */
static bool refine_gt(struct rng *a, struct rng *b, bool sign, bool eq)
{
	if (!sign) {
		if (!eq && (b->umin == a->umax_lim || a->umax == 0))
			return false;
		a->umin = umax64(a->umin, eq ? b->umin : b->umin + 1);
		b->umax = umin64(b->umax, eq ? a->umax : a->umax - 1);
		return a->umin <= a->umax && b->umin <= b->umax;
	}
	if (!eq && (b->smin == a->smax_lim || a->smax == a->smin_lim))
		return false;
	a->smin = smax64(a->smin, eq ? b->smin : b->smin + 1);
	b->smax = smin64(b->smax, eq ? a->smax : a->smax - 1);
	return a->smin <= a->smax && b->smin <= b->smax;
}

/* a != c for a constant c: trim c off the ends of a's ranges */
static void refine_ne_const(struct rng *a, uint64_t c, bool is32)
{
	int64_t sc = is32 ? (int64_t)(int32_t)(uint32_t)c : (int64_t)c;

	if (is32)
		c = (uint32_t)c;
	if (a->umin == c && a->umin < a->umax)
		a->umin++;
	else if (a->umax == c && a->umin < a->umax)
		a->umax--;
	if (a->smin == sc && a->smin < a->smax)
		a->smin++;
	else if (a->smax == sc && a->smin < a->smax)
		a->smax--;
}

static bool const_of(const struct bh_scalar *s, bool is32, uint64_t *c)
{
	struct bh_tnum t = is32 ? bh_tnum_lo32(s->var) : s->var;

	if (t.mask)
		return false;
	*c = t.value;
	return true;
}

/* The known bits of the width only: the other half stays unknown. */
static struct bh_tnum width_tnum(struct bh_tnum t, bool is32)
{
	if (is32)
		return (struct bh_tnum){ t.value & LO32, t.mask | HI32 };
	return t;
}

bool bh_scalar_refine(enum bh_cmp cmp, bool taken, struct bh_scalar *a, struct bh_scalar *b,
		      bool is32)
{
	struct rng ra, rb;
	uint64_t c;
	bool ok = true;

	if (bh_scalar_branch_taken(cmp, a, b, is32) == !taken)
		return false;
	if (!taken)
		cmp = negate(cmp);
	if (cmp == BH_CMP_SET && !taken) {
		/* a & b == 0: bits known set in one are known clear in the other */
		if (const_of(b, is32, &c))
			a->var = bh_tnum_and(a->var, bh_tnum_const(~c));
		if (const_of(a, is32, &c))
			b->var = bh_tnum_and(b->var, bh_tnum_const(~c));
		return bh_scalar_sync(a) && bh_scalar_sync(b);
	}
	ra = get_rng(a, is32);
	rb = get_rng(b, is32);
	switch (cmp) {
	case BH_CMP_EQ: {
		struct bh_tnum ta = width_tnum(a->var, is32), tb = width_tnum(b->var, is32);

		ra.umin = rb.umin = umax64(ra.umin, rb.umin);
		ra.umax = rb.umax = umin64(ra.umax, rb.umax);
		ra.smin = rb.smin = smax64(ra.smin, rb.smin);
		ra.smax = rb.smax = smin64(ra.smax, rb.smax);
		if (!tnums_compatible(ta, tb))
			return false;
		a->var = bh_tnum_intersect(a->var, tb);
		b->var = bh_tnum_intersect(b->var, ta);
		break;
	}
	case BH_CMP_NE:
		if (const_of(b, is32, &c))
			refine_ne_const(&ra, c, is32);
		if (const_of(a, is32, &c))
			refine_ne_const(&rb, c, is32);
		break;
	case BH_CMP_GT:
		ok = refine_gt(&ra, &rb, false, false);
		break;
	case BH_CMP_GE:
		ok = refine_gt(&ra, &rb, false, true);
		break;
	case BH_CMP_LT:
		ok = refine_gt(&rb, &ra, false, false);
		break;
	case BH_CMP_LE:
		ok = refine_gt(&rb, &ra, false, true);
		break;
	case BH_CMP_SGT:
		ok = refine_gt(&ra, &rb, true, false);
		break;
	case BH_CMP_SGE:
		ok = refine_gt(&ra, &rb, true, true);
		break;
	case BH_CMP_SLT:
		ok = refine_gt(&rb, &ra, true, false);
		break;
	case BH_CMP_SLE:
		ok = refine_gt(&rb, &ra, true, true);
		break;
	case BH_CMP_SET:
		/* taken: some common bit set; a single-bit constant makes it known */
		if (const_of(b, is32, &c) && c && !(c & (c - 1)))
			a->var = bh_tnum_or(a->var, bh_tnum_const(c));
		if (const_of(a, is32, &c) && c && !(c & (c - 1)))
			b->var = bh_tnum_or(b->var, bh_tnum_const(c));
		break;
	}
	if (!ok || ra.umin > ra.umax || ra.smin > ra.smax || rb.umin > rb.umax || rb.smin > rb.smax)
		return false;
	put_rng(a, &ra, is32);
	put_rng(b, &rb, is32);
	return bh_scalar_sync(a) && bh_scalar_sync(b);
}

char *bh_scalar_str(const struct bh_scalar *s, char *buf, unsigned long size)
{
	int n = 0;

	if (bh_scalar_is_const(s)) {
		snprintf(buf, size, "%lld", (long long)s->var.value);
		return buf;
	}
#define ADD(...)                                                                      \
	do {                                                                          \
		if (n >= 0 && (unsigned long)n < size)                                \
			n += snprintf(buf + n, size - (unsigned long)n, __VA_ARGS__); \
	} while (0)
	buf[0] = '\0';
	if (s->smin != INT64_MIN)
		ADD("smin=%lld,", (long long)s->smin);
	if (s->smax != INT64_MAX)
		ADD("smax=%lld,", (long long)s->smax);
	if (s->umin)
		ADD("umin=%llu,", (unsigned long long)s->umin);
	if (s->umax != UINT64_MAX)
		ADD("umax=%llu,", (unsigned long long)s->umax);
	if (s->s32min != INT32_MIN)
		ADD("smin32=%d,", s->s32min);
	if (s->s32max != INT32_MAX)
		ADD("smax32=%d,", s->s32max);
	if (s->u32min)
		ADD("umin32=%u,", s->u32min);
	if (s->u32max != UINT32_MAX)
		ADD("umax32=%u,", s->u32max);
	ADD("var_off=(%#llx; %#llx)", (unsigned long long)s->var.value,
	    (unsigned long long)s->var.mask);
#undef ADD
	return buf;
}
