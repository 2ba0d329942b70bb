/* SPDX-License-Identifier: MIT */
/*
 * Random body generator (see kernel_gen.h).
 *
 * A body is built as a list of items, each a short run of instructions that
 * jumps may land in front of but never inside. An item holds at most one
 * jump to another item, recorded as an item index; once every item is
 * placed, the index becomes a slot offset. Jump targets always lie ahead, at
 * most the epilog, so the only backward jump is the one inside a loop item.
 * Instructions are encoded with the <linux/bpf.h> constants, independently
 * of bpfhost's own opcode table.
 */
#include <string.h>

#include <linux/bpf.h>

#include "kernel_gen.h"

#ifndef BPF_MEMSX
#define BPF_MEMSX 0x80 /* sign-extending load (ISA v4; not in older UAPI headers) */
#endif

#define INSN(c, d, s, o, i)     \
	((struct bpfhost_insn){ \
		.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

#define MAX_ITEM_INSNS 24
#define MAX_ITEMS 160
#define MAX_FUNCS 2
/* main-body items stop here: room for if/else, epilog and functions */
#define MAIN_ITEMS (MAX_ITEMS - 12 - MAX_FUNCS * 14)
#define NSLOTS 4 /* initialised 8-byte stack slots at r10-8 .. r10-32 */

uint64_t bh_krng_next(struct bh_krng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t bh_krng_below(struct bh_krng *r, uint64_t n)
{
	return bh_krng_next(r) % n;
}

struct item {
	struct bpfhost_insn in[MAX_ITEM_INSNS];
	int n;
	int jmp_at; /* slot in `in` of a jump to item `target`, or -1 */
	int target;
};

struct gen {
	struct bh_krng *rng;
	struct item items[MAX_ITEMS];
	int nitems;
	/* registers that must not be written (a loop counter) */
	unsigned int forbid;
	/* the body has jumps: no fetching atomics (see put_stack_access) */
	bool branchy;
};

/* The scalar registers; r1 (data) and r3 (data end) are pointers. */
static const uint8_t scalars[] = { 0, 2, 4, 5, 6, 7, 8, 9 };

static uint64_t rnd(struct gen *g, uint64_t n)
{
	return bh_krng_below(g->rng, n);
}

static uint8_t any_reg(struct gen *g)
{
	return scalars[rnd(g, sizeof(scalars))];
}

static uint8_t dst_reg(struct gen *g)
{
	uint8_t r;

	do
		r = any_reg(g);
	while (g->forbid & (1u << r));
	return r;
}

static int32_t imm32(struct gen *g)
{
	static const int32_t vals[] = {
		0,	     1,		  2,	      -1,	 -2,
		3,	     7,		  8,	      31,	 32,
		33,	     63,	  64,	      65,	 0x7f,
		0x80,	     0xff,	  0x100,      0x7fff,	 0x8000,
		0xffff,	     0x10000,	  0x7fffffff, INT32_MIN, INT32_MIN + 1,
		0x55555555,  -0x55555556, -0x80,      -0x8000,	 0x12345678,
		-0x789abcdf,
	};

	switch (rnd(g, 4)) {
	case 0:
		return (int32_t)(uint32_t)bh_krng_next(g->rng);
	case 1:
		return (int32_t)rnd(g, 200) - 100;
	default:
		return vals[rnd(g, sizeof(vals) / sizeof(vals[0]))];
	}
}

static uint64_t imm64(struct gen *g)
{
	switch (rnd(g, 4)) {
	case 0:
		return bh_krng_next(g->rng);
	case 1:
		return 1ull << rnd(g, 64);
	case 2:
		return ~0ull >> rnd(g, 64);
	default:
		return (uint64_t)(uint32_t)imm32(g) << 32 | (uint32_t)imm32(g);
	}
}

static struct item *new_item(struct gen *g)
{
	struct item *it = &g->items[g->nitems++];

	it->n = 0;
	it->jmp_at = -1;
	it->target = 0;
	return it;
}

static void put(struct item *it, struct bpfhost_insn in)
{
	it->in[it->n++] = in;
}

static void put_lddw(struct item *it, uint8_t dst, uint64_t v)
{
	put(it, INSN(BPF_LD | BPF_DW | BPF_IMM, dst, 0, 0, (int32_t)(uint32_t)v));
	put(it, INSN(0, 0, 0, 0, (int32_t)(uint32_t)(v >> 32)));
}

static uint8_t size_code(unsigned int bytes)
{
	switch (bytes) {
	case 1:
		return BPF_B;
	case 2:
		return BPF_H;
	case 4:
		return BPF_W;
	default:
		return BPF_DW;
	}
}

static unsigned int rnd_size(struct gen *g)
{
	return 1u << rnd(g, 4);
}

/* One ALU or ALU32 operation on dst (with a 2-slot lddw if allow_lddw). */
static void put_alu(struct gen *g, struct item *it, uint8_t dst, bool allow_lddw)
{
	static const uint8_t binops[] = { BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR,  BPF_AND,
					  BPF_LSH, BPF_RSH, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH };
	bool is64 = rnd(g, 2);
	uint8_t cls = is64 ? BPF_ALU64 : BPF_ALU, src = any_reg(g), op;
	int bits = is64 ? 64 : 32;
	int16_t off = 0;
	int32_t imm;

	switch (rnd(g, 16)) {
	case 0: /* negation */
		put(it, INSN(cls | BPF_NEG | BPF_K, dst, 0, 0, 0));
		return;
	case 1: /* le/be (ALU class) or bswap (ALU64 class) */
		imm = 16 << rnd(g, 3);
		if (is64)
			put(it, INSN(BPF_ALU64 | BPF_END | BPF_TO_LE, dst, 0, 0, imm));
		else
			put(it, INSN(BPF_ALU | BPF_END | (rnd(g, 2) ? BPF_TO_BE : BPF_TO_LE), dst,
				     0, 0, imm));
		return;
	case 2: /* movsx */
		off = (int16_t)(8 << rnd(g, is64 ? 3 : 2));
		put(it, INSN(cls | BPF_MOV | BPF_X, dst, src, off, 0));
		return;
	case 3:
		if (allow_lddw) {
			put_lddw(it, dst, imm64(g));
			return;
		}
		break;
	default:
		break;
	}
	op = binops[rnd(g, sizeof(binops) / sizeof(binops[0]))];
	if ((op == BPF_DIV || op == BPF_MOD) && rnd(g, 2))
		off = 1; /* sdiv / smod */
	if (rnd(g, 2)) {
		put(it, INSN(cls | op | BPF_X, dst, src, off, 0));
		return;
	}
	imm = imm32(g);
	if (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH)
		imm = (int32_t)((uint32_t)imm % (uint32_t)bits);
	if ((op == BPF_DIV || op == BPF_MOD) && imm == 0)
		imm = 1 + (int32_t)rnd(g, 9);
	put(it, INSN(cls | op | BPF_K, dst, 0, off, imm));
}

/* Load or store at a constant packet offset inside the guaranteed bytes. */
static void put_pkt_access(struct gen *g, struct item *it)
{
	unsigned int sz = rnd_size(g);
	int16_t off = (int16_t)rnd(g, BH_KORACLE_MIN_PKT - sz + 1);
	uint8_t sc = size_code(sz);

	switch (rnd(g, 3)) {
	case 0:
		put(it, INSN(BPF_ST | BPF_MEM | sc, 1, 0, off, imm32(g)));
		break;
	case 1:
		put(it, INSN(BPF_STX | BPF_MEM | sc, 1, any_reg(g), off, 0));
		break;
	default:
		put(it, INSN(BPF_LDX | (sz < 8 && rnd(g, 2) ? BPF_MEMSX : BPF_MEM) | sc, dst_reg(g),
			     1, off, 0));
		break;
	}
}

/* Aligned load, store or atomic on the initialised stack slots. */
static void put_stack_access(struct gen *g, struct item *it)
{
	static const int32_t atomics[] = { BPF_ADD,
					   BPF_OR,
					   BPF_AND,
					   BPF_XOR,
					   BPF_ADD | BPF_FETCH,
					   BPF_OR | BPF_FETCH,
					   BPF_AND | BPF_FETCH,
					   BPF_XOR | BPF_FETCH,
					   BPF_XCHG,
					   BPF_CMPXCHG };
	unsigned int sz = rnd_size(g);
	int16_t off = (int16_t)(-(int)(NSLOTS * 8) + (int)(rnd(g, NSLOTS * 8 / sz) * sz));
	uint8_t sc = size_code(sz), src;
	int32_t op;

	switch (rnd(g, 4)) {
	case 0:
		put(it, INSN(BPF_ST | BPF_MEM | sc, 10, 0, off, imm32(g)));
		break;
	case 1:
		put(it, INSN(BPF_STX | BPF_MEM | sc, 10, any_reg(g), off, 0));
		break;
	case 2:
		put(it, INSN(BPF_LDX | (sz < 8 && rnd(g, 2) ? BPF_MEMSX : BPF_MEM) | sc, dst_reg(g),
			     10, off, 0));
		break;
	default:
		if (sz < 4) {
			sz = 4 << rnd(g, 2);
			off = (int16_t)(-(int)(NSLOTS * 8) + (int)(rnd(g, NSLOTS * 8 / sz) * sz));
			sc = size_code(sz);
		}
		/*
		 * Linux 6.18 does not carry precision from a value fetched
		 * by an atomic on the stack back to the stack slot, so with
		 * branches it may prune a path that differs only in that
		 * slot and then drop a branch it wrongly thinks dead
		 * (tests/kernel/progs/kbug-atomic-fetch-precision.s).
		 * Fetching forms stay in straight-line bodies.
		 */
		op = atomics[rnd(g, g->branchy ? 4 : sizeof(atomics) / sizeof(atomics[0]))];
		/* fetching forms write src (cmpxchg writes r0) */
		if (op == BPF_CMPXCHG && (g->forbid & 1u))
			op = BPF_ADD;
		src = (op & BPF_FETCH) && op != BPF_CMPXCHG ? dst_reg(g) : any_reg(g);
		put(it, INSN(BPF_STX | BPF_ATOMIC | sc, 10, src, off, op));
		break;
	}
}

/* Packet access anywhere in the first 128 bytes, behind a check on r3. */
static void put_checked_pkt_access(struct gen *g, struct item *it)
{
	unsigned int sz = rnd_size(g);
	int16_t off = (int16_t)rnd(g, 128);
	uint8_t sc = size_code(sz), tmp = dst_reg(g), other;

	do
		other = any_reg(g);
	while (other == tmp || (g->forbid & (1u << other)));
	put(it, INSN(BPF_ALU64 | BPF_MOV | BPF_X, tmp, 1, 0, 0));
	put(it, INSN(BPF_ALU64 | BPF_ADD | BPF_K, tmp, 0, 0, off + (int)sz));
	put(it, INSN(BPF_JMP | BPF_JGT | BPF_X, tmp, 3, 1, 0));
	if (rnd(g, 2))
		put(it, INSN(BPF_LDX | (sz < 8 && rnd(g, 2) ? BPF_MEMSX : BPF_MEM) | sc, other, 1,
			     off, 0));
	else
		put(it, INSN(BPF_STX | BPF_MEM | sc, 1, other, off, 0));
	/* tmp held a packet pointer: make it a scalar again */
	put(it, INSN(BPF_ALU64 | BPF_MOV | BPF_K, tmp, 0, 0, imm32(g)));
}

static uint8_t jmp_code(struct gen *g, bool *is_x)
{
	static const uint8_t ops[] = { BPF_JEQ,	 BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT,
				       BPF_JSGE, BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE };

	*is_x = rnd(g, 2);
	return (rnd(g, 2) ? BPF_JMP : BPF_JMP32) | ops[rnd(g, sizeof(ops) / sizeof(ops[0]))] |
	       (*is_x ? BPF_X : BPF_K);
}

/* A conditional jump item to item `target` (fixed up at layout). */
static void put_jcc_item(struct gen *g, int target)
{
	struct item *it = new_item(g);
	bool is_x;
	uint8_t code = jmp_code(g, &is_x);

	put(it, INSN(code, any_reg(g), is_x ? any_reg(g) : 0, 0, is_x ? 0 : imm32(g)));
	it->jmp_at = 0;
	it->target = target;
}

static void plain_item(struct gen *g, bool branchy);

/* jcc else; <then items>; ja end; else: <else items>; end: */
static void put_if_else(struct gen *g)
{
	int a = 1 + (int)rnd(g, 3), b = 1 + (int)rnd(g, 3), jcc, ja, i;
	struct item *it;

	if (g->nitems + a + b + 2 > MAX_ITEMS)
		return;
	jcc = g->nitems;
	put_jcc_item(g, 0);
	for (i = 0; i < a; i++)
		plain_item(g, false);
	ja = g->nitems;
	it = new_item(g);
	if (rnd(g, 2))
		put(it, INSN(BPF_JMP | BPF_JA, 0, 0, 0, 0));
	else
		put(it, INSN(BPF_JMP32 | BPF_JA, 0, 0, 0, 0)); /* gotol: offset in imm */
	it->jmp_at = 0;
	g->items[jcc].target = g->nitems;
	for (i = 0; i < b; i++)
		plain_item(g, false);
	g->items[ja].target = g->nitems;
}

/* cnt = N; loop: <straight ALU>; cnt -= 1; if cnt != 0 goto loop */
static void put_loop(struct gen *g)
{
	struct item *it = new_item(g);
	uint8_t cnt = dst_reg(g);
	int body, i, n = 1 + (int)rnd(g, 4);
	unsigned int saved = g->forbid;

	put(it, INSN(BPF_ALU64 | BPF_MOV | BPF_K, cnt, 0, 0, 1 + (int32_t)rnd(g, 6)));
	body = it->n;
	g->forbid |= 1u << cnt;
	for (i = 0; i < n; i++)
		put_alu(g, it, dst_reg(g), false);
	g->forbid = saved;
	put(it, INSN(BPF_ALU64 | BPF_ADD | BPF_K, cnt, 0, 0, -1));
	put(it, INSN((rnd(g, 2) ? BPF_JMP : BPF_JMP32) | BPF_JNE | BPF_K, cnt, 0,
		     (int16_t)(body - (it->n + 1)), 0));
}

/*
 * Call function k (an item index fixed up once the functions exist, stored
 * meanwhile as -1 - k). The call scratches r1-r5, so the packet pointers
 * are spilled around it (below the slots the items use) and r2, r4, r5
 * are set again from the result.
 */
static void put_call(struct gen *g, int k)
{
	struct item *it = new_item(g);

	put(it, INSN(BPF_STX | BPF_MEM | BPF_DW, 10, 1, -8 * (NSLOTS + 1), 0));
	put(it, INSN(BPF_STX | BPF_MEM | BPF_DW, 10, 3, -8 * (NSLOTS + 2), 0));
	it->jmp_at = it->n;
	it->target = -1 - k;
	put(it, INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 0));
	put(it, INSN(BPF_LDX | BPF_MEM | BPF_DW, 1, 10, -8 * (NSLOTS + 1), 0));
	put(it, INSN(BPF_LDX | BPF_MEM | BPF_DW, 3, 10, -8 * (NSLOTS + 2), 0));
	put(it, INSN(BPF_ALU64 | BPF_MOV | BPF_X, 2, 0, 0, 0));
	put(it, INSN(BPF_ALU64 | BPF_MOV | BPF_K, 4, 0, 0, imm32(g)));
	put(it, INSN(BPF_ALU64 | BPF_MOV | BPF_X, 5, 0, 0, 0));
	put(it, INSN(BPF_ALU64 | BPF_MUL | BPF_K, 5, 0, 0, imm32(g)));
}

/* An item without jumps to other items. */
static void plain_item(struct gen *g, bool branchy)
{
	struct item *it = new_item(g);
	unsigned int r = (unsigned int)rnd(g, 10);

	if (r < 6)
		put_alu(g, it, dst_reg(g), true);
	else if (r < 7)
		put_pkt_access(g, it);
	else if (r < 9 || !branchy)
		put_stack_access(g, it);
	else
		put_checked_pkt_access(g, it);
}

/* Initialise the scalar registers not in `keep`, then the stack slots. */
static void prolog(struct gen *g, unsigned int keep)
{
	struct item *it = new_item(g);
	size_t i;

	for (i = 0; i < sizeof(scalars); i++) {
		uint8_t r = scalars[i];
		unsigned int sz;

		if (keep & (1u << r))
			continue;
		switch (rnd(g, 5)) {
		case 0:
			put(it, INSN(BPF_ALU64 | BPF_MOV | BPF_K, r, 0, 0, imm32(g)));
			break;
		case 1:
			put(it, INSN(BPF_ALU | BPF_MOV | BPF_K, r, 0, 0, imm32(g)));
			break;
		case 2:
			put_lddw(it, r, imm64(g));
			break;
		case 3:
			put(it, INSN(BPF_ALU64 | BPF_MOV | BPF_X, r, 2, 0, 0));
			put(it, INSN(BPF_ALU64 | BPF_MUL | BPF_K, r, 0, 0, imm32(g)));
			break;
		default:
			sz = rnd_size(g);
			put(it, INSN(BPF_LDX | BPF_MEM | size_code(sz), r, 1,
				     (int16_t)rnd(g, BH_KORACLE_MIN_PKT - sz + 1), 0));
			break;
		}
	}
	it = new_item(g);
	for (i = 1; i <= NSLOTS; i++) {
		if (rnd(g, 2))
			put(it, INSN(BPF_ST | BPF_MEM | BPF_DW, 10, 0, (int16_t)(-8 * (int)i),
				     imm32(g)));
		else
			put(it, INSN(BPF_STX | BPF_MEM | BPF_DW, 10, any_reg(g),
				     (int16_t)(-8 * (int)i), 0));
	}
}

/* r0 = fold of every scalar register and stack slot; exit */
static void epilog(struct gen *g)
{
	struct item *it = new_item(g);
	size_t i;

	for (i = 1; i < sizeof(scalars); i++) {
		put(it, INSN(BPF_ALU64 | BPF_MUL | BPF_K, 0, 0, 0, 0x01000193));
		put(it, INSN(BPF_ALU64 | BPF_XOR | BPF_X, 0, scalars[i], 0, 0));
	}
	it = new_item(g);
	for (i = 1; i <= NSLOTS; i++) {
		put(it, INSN(BPF_LDX | BPF_MEM | BPF_DW, 4, 10, (int16_t)(-8 * (int)i), 0));
		put(it, INSN(BPF_ALU64 | BPF_MUL | BPF_K, 0, 0, 0, 0x01000193));
		put(it, INSN(BPF_ALU64 | BPF_XOR | BPF_X, 0, 4, 0, 0));
	}
	put(it, INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
}

/* Turn item-index jump targets into slot offsets and copy out. */
static size_t layout(struct gen *g, struct bpfhost_insn *out)
{
	int start[MAX_ITEMS + 1], i, pos = 0;

	for (i = 0; i < g->nitems; i++) {
		start[i] = pos;
		pos += g->items[i].n;
	}
	start[g->nitems] = pos;
	for (i = 0; i < g->nitems; i++) {
		struct item *it = &g->items[i];
		struct bpfhost_insn *j;
		int rel;

		memcpy(out + start[i], it->in, (size_t)it->n * sizeof(*out));
		if (it->jmp_at < 0)
			continue;
		j = &out[start[i] + it->jmp_at];
		rel = start[it->target] - (start[i] + it->jmp_at + 1);
		if (j->code == (BPF_JMP32 | BPF_JA) || j->code == (BPF_JMP | BPF_CALL))
			j->imm = rel;
		else
			j->off = (int16_t)rel;
	}
	return (size_t)pos;
}

size_t bh_kgen_body(struct bh_krng *rng, enum bh_kgen_shape shape, struct bpfhost_insn *out)
{
	static struct gen g; /* about 30 KiB: not on the stack */
	bool branchy = shape == BH_KGEN_BRANCHY;
	int n = 8 + (int)bh_krng_below(rng, 32), end, i, k;
	int nfuncs = branchy ? (int)bh_krng_below(rng, MAX_FUNCS + 1) : 0;
	int func_start[MAX_FUNCS];

	memset(&g, 0, sizeof(g));
	g.rng = rng;
	g.branchy = branchy;
	prolog(&g, 1u << 2); /* r2: the length */
	while (n-- > 0 && g.nitems < MAIN_ITEMS) {
		unsigned int r = branchy ? (unsigned int)bh_krng_below(rng, 20) : 0;

		if (r == 19 && nfuncs)
			put_call(&g, (int)bh_krng_below(rng, (uint64_t)nfuncs));
		else if (r >= 17)
			put_if_else(&g);
		else if (r >= 15)
			put_loop(&g);
		else if (r >= 11)
			put_jcc_item(&g, g.nitems + 1 + (int)bh_krng_below(rng, 6));
		else
			plain_item(&g, branchy);
	}
	end = g.nitems; /* the epilog's first item */
	for (i = 0; i < end; i++)
		if (g.items[i].jmp_at >= 0 && g.items[i].target > end)
			g.items[i].target = end;
	epilog(&g);
	/*
	 * Functions after the body: entered with r1-r5 from the caller (r2,
	 * r4, r5 scalars), they initialise r0 and r6-r9 (the caller's are
	 * saved) and their own stack slots, run straight items and fold
	 * everything into r0.
	 */
	for (k = 0; k < nfuncs; k++) {
		int m = 2 + (int)bh_krng_below(rng, 7);
		bool called = false;

		/* the kernel refuses code no call reaches */
		for (i = 0; i < end && !called; i++)
			called = g.items[i].jmp_at >= 0 && g.items[i].target == -1 - k;
		if (!called)
			continue;
		func_start[k] = g.nitems;
		prolog(&g, 1u << 2 | 1u << 4 | 1u << 5);
		while (m-- > 0)
			plain_item(&g, true);
		epilog(&g);
	}
	for (i = 0; i < end; i++)
		if (g.items[i].jmp_at >= 0 && g.items[i].target < 0)
			g.items[i].target = func_start[-1 - g.items[i].target];
	return layout(&g, out);
}

void bh_kgen_packets(struct bh_krng *rng, uint8_t *buf, struct bh_kpacket *pkts, size_t n)
{
	static const uint8_t special[] = { 0x00, 0xff, 0x80, 0x7f, 0x01, 0xfe };
	size_t i, j;

	for (i = 0; i < n; i++) {
		uint8_t *p = buf + i * BH_KGEN_PKT_MAX;
		uint32_t len =
			BH_KORACLE_MIN_PKT +
			(uint32_t)bh_krng_below(rng, BH_KGEN_PKT_MAX - BH_KORACLE_MIN_PKT + 1);

		for (j = 0; j < len; j++) {
			uint64_t r = bh_krng_next(rng);

			p[j] = r & 1 ? (uint8_t)(r >> 8) : special[(r >> 8) % sizeof(special)];
		}
		pkts[i].data = p;
		pkts[i].len = len;
	}
}
