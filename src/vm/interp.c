/* SPDX-License-Identifier: MIT */
/*
 * The eBPF interpreter.
 *
 * Design: programs are pre-decoded (vm.c) into 32-byte struct bh_dinsn
 * entries; dispatch is threaded through computed goto (each handler ends by
 * jumping straight to the next instruction's label), with a portable
 * `switch` fallback selected at build time by -DBH_DISPATCH_SWITCH
 * (`make DISPATCH=switch`). Registers live in a local array, the stack of
 * every frame in one local buffer of BPFHOST_MAX_CALL_DEPTH * 512 bytes;
 * nothing is allocated per run, so one program can run on many threads.
 *
 * Semantics follow RFC 9669: ALU32 results are zero-extended; division by
 * zero yields 0 and modulo by zero leaves dst unchanged (truncated to 32 bits
 * for ALU32); signed INT_MIN / -1 wraps to INT_MIN and INT_MIN % -1 is 0;
 * shift counts are masked to the operand width. Memory accesses are
 * unaligned-safe (memcpy of constant size compiles to one move).
 *
 * Every operation of opcodes.def has exactly one handler below: the label
 * table is generated from the same X-macro, so a missing handler does not
 * compile.
 */
#include <errno.h>
#include <string.h>

#include "vm/vm_internal.h"

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HOST_LE 1
#else
#define HOST_LE 0
#endif

static inline uint64_t ld64(uint64_t a)
{
	uint64_t v;
	memcpy(&v, (const void *)(uintptr_t)a, 8);
	return v;
}
static inline uint32_t ld32(uint64_t a)
{
	uint32_t v;
	memcpy(&v, (const void *)(uintptr_t)a, 4);
	return v;
}
static inline uint16_t ld16(uint64_t a)
{
	uint16_t v;
	memcpy(&v, (const void *)(uintptr_t)a, 2);
	return v;
}
static inline uint8_t ld8(uint64_t a)
{
	return *(const uint8_t *)(uintptr_t)a;
}
static inline void st64(uint64_t a, uint64_t v)
{
	memcpy((void *)(uintptr_t)a, &v, 8);
}
static inline void st32(uint64_t a, uint32_t v)
{
	memcpy((void *)(uintptr_t)a, &v, 4);
}
static inline void st16(uint64_t a, uint16_t v)
{
	memcpy((void *)(uintptr_t)a, &v, 2);
}
static inline void st8(uint64_t a, uint8_t v)
{
	*(uint8_t *)(uintptr_t)a = v;
}

/* Host-order value of a little-/big-endian quantity of the given width. */
static inline uint64_t to_le(uint64_t v, int bits)
{
	if (HOST_LE)
		return bits == 16 ? (uint16_t)v : bits == 32 ? (uint32_t)v : v;
	return bits == 16   ? __builtin_bswap16((uint16_t)v)
	       : bits == 32 ? __builtin_bswap32((uint32_t)v)
			    : __builtin_bswap64(v);
}
static inline uint64_t to_be(uint64_t v, int bits)
{
	if (!HOST_LE)
		return bits == 16 ? (uint16_t)v : bits == 32 ? (uint32_t)v : v;
	return bits == 16   ? __builtin_bswap16((uint16_t)v)
	       : bits == 32 ? __builtin_bswap32((uint32_t)v)
			    : __builtin_bswap64(v);
}
static inline uint64_t bswap(uint64_t v, int bits)
{
	return bits == 16   ? __builtin_bswap16((uint16_t)v)
	       : bits == 32 ? __builtin_bswap32((uint32_t)v)
			    : __builtin_bswap64(v);
}

static inline uint64_t sdiv64(uint64_t a, uint64_t b)
{
	if (!b)
		return 0;
	if ((int64_t)b == -1)
		return -a; /* INT64_MIN / -1 wraps to INT64_MIN */
	return (uint64_t)((int64_t)a / (int64_t)b);
}
static inline uint64_t smod64(uint64_t a, uint64_t b)
{
	if (!b)
		return a;
	if ((int64_t)b == -1)
		return 0;
	return (uint64_t)((int64_t)a % (int64_t)b);
}
static inline uint32_t sdiv32(uint32_t a, uint32_t b)
{
	if (!b)
		return 0;
	if ((int32_t)b == -1)
		return -a;
	return (uint32_t)((int32_t)a / (int32_t)b);
}
static inline uint32_t smod32(uint32_t a, uint32_t b)
{
	if (!b)
		return a;
	if ((int32_t)b == -1)
		return 0;
	return (uint32_t)((int32_t)a % (int32_t)b);
}

struct frame {
	const struct bh_dinsn *ret;
	uint64_t r6, r7, r8, r9, r10;
};

#ifdef BH_DISPATCH_SWITCH
#define OP(NAME) case BH_OP_##NAME:
#define DISPATCH() continue
#else
#define OP(NAME) L_##NAME:
#define DISPATCH() goto * ip->label
#endif
/* no do-while wrapper: DISPATCH() is `continue` in the switch build */
#define NEXT()              \
	{                   \
		ip++;       \
		DISPATCH(); \
	}

#define D reg[ip->dst]
#define S reg[ip->src]
#define IMM ip->imm
#define D32 ((uint32_t)reg[ip->dst])
#define S32 ((uint32_t)reg[ip->src])
#define IMM32 ((uint32_t)ip->imm)
#define ADDR(base) ((base) + (uint64_t)(int64_t)ip->off)

#define ALU64(NAME, EXPR_K, EXPR_X) \
	OP(NAME##64_K)              \
	{                           \
		D = (EXPR_K);       \
		NEXT();             \
	}                           \
	OP(NAME##64_X)              \
	{                           \
		D = (EXPR_X);       \
		NEXT();             \
	}
#define ALU32(NAME, EXPR_K, EXPR_X)     \
	OP(NAME##32_K)                  \
	{                               \
		D = (uint32_t)(EXPR_K); \
		NEXT();                 \
	}                               \
	OP(NAME##32_X)                  \
	{                               \
		D = (uint32_t)(EXPR_X); \
		NEXT();                 \
	}
#define JMP(NAME, CMP_K, CMP_X)                     \
	OP(NAME##_K)                                \
	{                                           \
		ip = (CMP_K) ? ip->target : ip + 1; \
		DISPATCH();                         \
	}                                           \
	OP(NAME##_X)                                \
	{                                           \
		ip = (CMP_X) ? ip->target : ip + 1; \
		DISPATCH();                         \
	}
#define JMP_BOTH(NAME, OPR, T64, T32)                     \
	JMP(NAME, (T64)D OPR(T64) IMM, (T64)D OPR(T64) S) \
	JMP(NAME##32, (T32)D OPR(T32) IMM, (T32)D OPR(T32) S)
#define LDX(NAME, EXPR)     \
	OP(NAME)            \
	{                   \
		D = (EXPR); \
		NEXT();     \
	}
#define ST(NAME, FN, T, VAL)           \
	OP(NAME)                       \
	{                              \
		FN(ADDR(D), (T)(VAL)); \
		NEXT();                \
	}
#define ATOMIC_OPS(BITS, T, MASK)                                                         \
	OP(AADD##BITS)                                                                    \
	{                                                                                 \
		__atomic_fetch_add((T *)(uintptr_t)ADDR(D), (T)S, __ATOMIC_SEQ_CST);      \
		NEXT();                                                                   \
	}                                                                                 \
	OP(AOR##BITS)                                                                     \
	{                                                                                 \
		__atomic_fetch_or((T *)(uintptr_t)ADDR(D), (T)S, __ATOMIC_SEQ_CST);       \
		NEXT();                                                                   \
	}                                                                                 \
	OP(AAND##BITS)                                                                    \
	{                                                                                 \
		__atomic_fetch_and((T *)(uintptr_t)ADDR(D), (T)S, __ATOMIC_SEQ_CST);      \
		NEXT();                                                                   \
	}                                                                                 \
	OP(AXOR##BITS)                                                                    \
	{                                                                                 \
		__atomic_fetch_xor((T *)(uintptr_t)ADDR(D), (T)S, __ATOMIC_SEQ_CST);      \
		NEXT();                                                                   \
	}                                                                                 \
	OP(AFETCH_ADD##BITS)                                                              \
	{                                                                                 \
		S = __atomic_fetch_add((T *)(uintptr_t)ADDR(D), (T)S, __ATOMIC_SEQ_CST);  \
		NEXT();                                                                   \
	}                                                                                 \
	OP(AFETCH_OR##BITS)                                                               \
	{                                                                                 \
		S = __atomic_fetch_or((T *)(uintptr_t)ADDR(D), (T)S, __ATOMIC_SEQ_CST);   \
		NEXT();                                                                   \
	}                                                                                 \
	OP(AFETCH_AND##BITS)                                                              \
	{                                                                                 \
		S = __atomic_fetch_and((T *)(uintptr_t)ADDR(D), (T)S, __ATOMIC_SEQ_CST);  \
		NEXT();                                                                   \
	}                                                                                 \
	OP(AFETCH_XOR##BITS)                                                              \
	{                                                                                 \
		S = __atomic_fetch_xor((T *)(uintptr_t)ADDR(D), (T)S, __ATOMIC_SEQ_CST);  \
		NEXT();                                                                   \
	}                                                                                 \
	OP(AXCHG##BITS)                                                                   \
	{                                                                                 \
		S = __atomic_exchange_n((T *)(uintptr_t)ADDR(D), (T)S, __ATOMIC_SEQ_CST); \
		NEXT();                                                                   \
	}                                                                                 \
	OP(ACMPXCHG##BITS)                                                                \
	{                                                                                 \
		T expected = (T)reg[0];                                                   \
		__atomic_compare_exchange_n((T *)(uintptr_t)ADDR(D), &expected, (T)S, 0,  \
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);          \
		reg[0] = expected & (MASK);                                               \
		NEXT();                                                                   \
	}

int bh_interp_run(const struct bpfhost_vm *vm, uint64_t r1, uint64_t r2, uint64_t *ret,
		  const void *const **labels, uint64_t *stack_top)
{
#ifndef BH_DISPATCH_SWITCH
	static const void *const table[BH_OP__COUNT] = {
#define X(NAME, CODE, SEL, SELVAL, FMT, ASM, OPSTR) [BH_OP_##NAME] = &&L_##NAME,
#include "isa/opcodes.def"
#undef X
	};
#endif
	uint64_t reg[BPFHOST_NR_REGS];
	uint64_t stack[BPFHOST_MAX_CALL_DEPTH * BPFHOST_STACK_SIZE / 8];
	struct frame frames[BPFHOST_MAX_CALL_DEPTH];
	const struct bh_dinsn *ip;
	void *ctx = (void *)(uintptr_t)r1;
	unsigned depth = 0;
	int err;

	if (!vm) {
#ifndef BH_DISPATCH_SWITCH
		*labels = table;
#else
		*labels = NULL;
#endif
		return 0;
	}
	reg[0] = 0;
	reg[1] = r1;
	reg[2] = r2;
	reg[3] = reg[4] = reg[5] = reg[6] = reg[7] = reg[8] = reg[9] = 0;
	/* main frame at the top; each local call moves r10 down one frame */
	reg[10] = (uint64_t)(uintptr_t)(stack_top ? stack_top
						  : &stack[BPFHOST_MAX_CALL_DEPTH *
							   BPFHOST_STACK_SIZE / 8]);
	ip = vm->code;

#ifdef BH_DISPATCH_SWITCH
	for (;;) {
		switch ((enum bh_op)ip->op) {
#else
	DISPATCH();
	{
		{
#endif
			/* ---- ALU64 ---- */
			ALU64(ADD, D + IMM, D + S)
			ALU64(SUB, D - IMM, D - S)
			ALU64(MUL, D * IMM, D * S)
			ALU64(DIV, IMM ? D / IMM : 0, S ? D / S : 0)
			ALU64(SDIV, sdiv64(D, IMM), sdiv64(D, S))
			ALU64(OR, D | IMM, D | S)
			ALU64(AND, D & IMM, D & S)
			ALU64(LSH, D << IMM, D << (S & 63))
			ALU64(RSH, D >> IMM, D >> (S & 63))
			ALU64(MOD, IMM ? D % IMM : D, S ? D % S : D)
			ALU64(SMOD, smod64(D, IMM), smod64(D, S))
			ALU64(XOR, D ^ IMM, D ^ S)
			ALU64(MOV, IMM, S)
			ALU64(ARSH, (uint64_t)((int64_t)D >> IMM),
			      (uint64_t)((int64_t)D >> (S & 63)))
			OP(NEG64)
			{
				D = -D;
				NEXT();
			}
			OP(MOVSX8_64)
			{
				D = (uint64_t)(int64_t)(int8_t)S;
				NEXT();
			}
			OP(MOVSX16_64)
			{
				D = (uint64_t)(int64_t)(int16_t)S;
				NEXT();
			}
			OP(MOVSX32_64)
			{
				D = (uint64_t)(int64_t)(int32_t)S;
				NEXT();
			}
			OP(BSWAP16)
			{
				D = bswap(D, 16);
				NEXT();
			}
			OP(BSWAP32)
			{
				D = bswap(D, 32);
				NEXT();
			}
			OP(BSWAP64)
			{
				D = bswap(D, 64);
				NEXT();
			}

			/* ---- ALU32 ---- */
			ALU32(ADD, D32 + IMM32, D32 + S32)
			ALU32(SUB, D32 - IMM32, D32 - S32)
			ALU32(MUL, D32 * IMM32, D32 * S32)
			ALU32(DIV, IMM32 ? D32 / IMM32 : 0, S32 ? D32 / S32 : 0)
			ALU32(SDIV, sdiv32(D32, IMM32), sdiv32(D32, S32))
			ALU32(OR, D32 | IMM32, D32 | S32)
			ALU32(AND, D32 & IMM32, D32 & S32)
			ALU32(LSH, D32 << IMM32, D32 << (S32 & 31))
			ALU32(RSH, D32 >> IMM32, D32 >> (S32 & 31))
			ALU32(MOD, IMM32 ? D32 % IMM32 : D32, S32 ? D32 % S32 : D32)
			ALU32(SMOD, smod32(D32, IMM32), smod32(D32, S32))
			ALU32(XOR, D32 ^ IMM32, D32 ^ S32)
			ALU32(MOV, IMM32, S32)
			ALU32(ARSH, (uint32_t)((int32_t)D32 >> IMM32),
			      (uint32_t)((int32_t)D32 >> (S32 & 31)))
			OP(NEG32)
			{
				D = (uint32_t)-D32;
				NEXT();
			}
			OP(MOVSX8_32)
			{
				D = (uint32_t)(int32_t)(int8_t)S;
				NEXT();
			}
			OP(MOVSX16_32)
			{
				D = (uint32_t)(int32_t)(int16_t)S;
				NEXT();
			}
			OP(LE16)
			{
				D = to_le(D, 16);
				NEXT();
			}
			OP(LE32)
			{
				D = to_le(D, 32);
				NEXT();
			}
			OP(LE64)
			{
				D = to_le(D, 64);
				NEXT();
			}
			OP(BE16)
			{
				D = to_be(D, 16);
				NEXT();
			}
			OP(BE32)
			{
				D = to_be(D, 32);
				NEXT();
			}
			OP(BE64)
			{
				D = to_be(D, 64);
				NEXT();
			}

			/* ---- jumps ---- */
			OP(JA)
			OP(JA32)
			{
				ip = ip->target;
				DISPATCH();
			}
			JMP_BOTH(JEQ, ==, uint64_t, uint32_t)
			JMP_BOTH(JNE, !=, uint64_t, uint32_t)
			JMP_BOTH(JGT, >, uint64_t, uint32_t)
			JMP_BOTH(JGE, >=, uint64_t, uint32_t)
			JMP_BOTH(JLT, <, uint64_t, uint32_t)
			JMP_BOTH(JLE, <=, uint64_t, uint32_t)
			JMP_BOTH(JSGT, >, int64_t, int32_t)
			JMP_BOTH(JSGE, >=, int64_t, int32_t)
			JMP_BOTH(JSLT, <, int64_t, int32_t)
			JMP_BOTH(JSLE, <=, int64_t, int32_t)
			JMP(JSET, D & IMM, D & S)
			JMP(JSET32, (uint32_t)D & IMM32, (uint32_t)D & S32)

			/* ---- calls ---- */
			OP(CALL)
			{
				reg[0] = ip->fn(reg[1], reg[2], reg[3], reg[4], reg[5], ctx);
				NEXT();
			}
			OP(CALLX)
			{
				bpfhost_helper_fn fn = bh_vm_find_helper(vm, D);

				if (!fn) {
					err = -ENOENT;
					goto fail;
				}
				reg[0] = fn(reg[1], reg[2], reg[3], reg[4], reg[5], ctx);
				NEXT();
			}
			OP(CALL_LOCAL)
			{
				struct frame *f;

				if (depth + 1 >= BPFHOST_MAX_CALL_DEPTH) {
					err = -E2BIG;
					goto fail;
				}
				f = &frames[depth++];
				f->ret = ip + 1;
				f->r6 = reg[6];
				f->r7 = reg[7];
				f->r8 = reg[8];
				f->r9 = reg[9];
				f->r10 = reg[10];
				reg[10] -= BPFHOST_STACK_SIZE;
				ip = ip->target;
				DISPATCH();
			}
			OP(EXIT)
			{
				const struct frame *f;

				if (!depth) {
					*ret = reg[0];
					return 0;
				}
				f = &frames[--depth];
				reg[6] = f->r6;
				reg[7] = f->r7;
				reg[8] = f->r8;
				reg[9] = f->r9;
				reg[10] = f->r10;
				ip = f->ret;
				DISPATCH();
			}

			/* ---- loads and stores ---- */
			OP(LDDW)
			{
				D = IMM;
				ip += 2;
				DISPATCH();
			}
			LDX(LDXW, ld32(ADDR(S)))
			LDX(LDXH, ld16(ADDR(S)))
			LDX(LDXB, ld8(ADDR(S)))
			LDX(LDXDW, ld64(ADDR(S)))
			LDX(LDXSW, (uint64_t)(int64_t)(int32_t)ld32(ADDR(S)))
			LDX(LDXSH, (uint64_t)(int64_t)(int16_t)ld16(ADDR(S)))
			LDX(LDXSB, (uint64_t)(int64_t)(int8_t)ld8(ADDR(S)))
			ST(STW, st32, uint32_t, IMM)
			ST(STH, st16, uint16_t, IMM)
			ST(STB, st8, uint8_t, IMM)
			ST(STDW, st64, uint64_t, IMM)
			ST(STXW, st32, uint32_t, S)
			ST(STXH, st16, uint16_t, S)
			ST(STXB, st8, uint8_t, S)
			ST(STXDW, st64, uint64_t, S)
			ATOMIC_OPS(32, uint32_t, 0xffffffffull)
			ATOMIC_OPS(64, uint64_t, ~0ull)

			/* refused by bpfhost_vm__load; never reached */
			OP(CALL_KFUNC)
			OP(LDDW_MAP_FD)
			OP(LDDW_MAP_VALUE)
			OP(LDDW_BTF_ID)
			OP(LDDW_FUNC)
			OP(LDDW_MAP_IDX)
			OP(LDDW_MAP_IDX_VALUE)
			OP(LDABSW)
			OP(LDABSH)
			OP(LDABSB)
			OP(LDINDW)
			OP(LDINDH)
			OP(LDINDB)
			{
				err = -EOPNOTSUPP;
				goto fail;
			}
#ifdef BH_DISPATCH_SWITCH
		default:
			err = -EINVAL;
			goto fail;
#endif
		}
	}
fail:
	return err;
}
