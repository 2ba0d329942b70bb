/* SPDX-License-Identifier: MIT */
/*
 * Random programs for the verifier soundness fuzzer (see vfuzz.h): the
 * generator's random numbers, the "mem" kind and the choice of a kind.
 * "mem" programs mix ALU operations, loads and stores through r1, r10 and
 * derived pointers at offsets near the boundaries, forward conditional
 * jumps, counted loops and calls of a small function that reads through its
 * argument. The "xdp" kinds are in vfuzz_xdp.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfuzz.h"

static uint64_t rs = 0x9e3779b97f4a7c15ull;

void vfuzz_seed(uint64_t seed)
{
	rs = seed ? seed : 0x9e3779b97f4a7c15ull; /* xorshift: never 0 */
}

uint64_t vfuzz_rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

unsigned vfuzz_pick(unsigned n)
{
	return (unsigned)(vfuzz_rnd() % n);
}

#define pick vfuzz_pick

const char *vfuzz_kind_name(enum vfuzz_kind kind)
{
	static const char *const names[] = { "mem", "xdp", "xdp_md" };

	return kind < VFUZZ__KINDS ? names[kind] : "?";
}

static int16_t edge_off_(void);

/* Mostly offsets valid for r1/r3 (memory) or r4/r10 (stack), sometimes edges. */
static int16_t off_for(uint8_t base)
{
	if (pick(10) < 3)
		return edge_off_();
	if (base == 10)
		return (int16_t)(-8 * (int)(1 + pick(8)));
	if (base == 4)
		return (int16_t)(8 * (int)pick(8));
	return (int16_t)pick(4088);
}

static int16_t edge_off_(void)
{
	static const int16_t offs[] = { 0,    1,    4,	  7,	8,    -1,   -4,	  -8,
					-16,  -512, -511, -505, -504, 4088, 4089, 4092,
					4095, 4096, 16,	  24,	-513, -516 };
	return offs[pick(sizeof(offs) / sizeof(offs[0]))];
}

int32_t vfuzz_edge_imm(void)
{
	static const int32_t imms[] = { 0,   1,	   2,	       3,
					7,   8,	   15,	       16,
					255, 4088, 4095,       4096,
					-1,  -8,   0x7fffffff, (int32_t)0x80000000,
					63,  64,   511,	       512 };
	return pick(3) ? imms[pick(sizeof(imms) / sizeof(imms[0]))] : (int32_t)vfuzz_rnd();
}

#define INSN(c, d, s, o, i) ((struct bpfhost_insn){ (c), (d), (s), (o), (i) })

static const uint8_t alu_ops[] = { 0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x47, 0x4f, 0x57,
				   0x5f, 0x67, 0x77, 0x97, 0xa7, 0xaf, 0xb7, 0xbf, 0xc7,
				   0x04, 0x0c, 0x54, 0x74, 0xb4, 0xbc, 0x87 };
static const uint8_t ldx_ops[] = { 0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91 };
static const uint8_t st_ops[] = { 0x62, 0x6a, 0x72, 0x7a };
static const uint8_t stx_ops[] = { 0x63, 0x6b, 0x73, 0x7b };
static const uint8_t jmp_ops[] = { 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x55, 0x65,
				   0xa5, 0xad, 0xb5, 0xc5, 0x16, 0x26, 0xa6, 0xb6 };

static const uint8_t bases[] = { 1, 3, 4, 10 };

/* r0 and r5 are scratch; r2 is the length; r1, r3, r4 pointers (sometimes overwritten) */
static uint8_t reg(void)
{
	static const uint8_t regs[] = { 0, 0, 5, 5, 2, 3, 4, 1 };

	return regs[pick(sizeof(regs))];
}

void vfuzz_fix_jumps(struct bpfhost_insn *p, size_t k)
{
	size_t i;

	for (i = 0; i < k; i++) {
		uint8_t cls = p[i].code & 7;
		size_t t;

		if ((cls != 5 && cls != 6) || p[i].off <= 0 || p[i].code == 0x85)
			continue;
		if (i + 1 + (size_t)p[i].off >= k)
			p[i].off = (int16_t)(k - i - 1);
		t = i + 1 + (size_t)p[i].off;
		/* the second slot of an lddw is no target */
		if (t > 0 && t < k && p[t - 1].code == 0x18)
			p[i].off = (int16_t)(p[i].off > 1 ? p[i].off - 1 : p[i].off + 1);
	}
}

/* A random body of about n slots ending in exit; forward jumps only, plus loops. */
size_t vfuzz_gen_mem(struct bpfhost_insn *p, size_t n)
{
	size_t k = 0, i;

	size_t ncalls = 0, calls[8];

	p[k++] = INSN(0xb7, 0, 0, 0, 0);
	p[k++] = INSN(0xb7, 5, 0, 0, 0);
	p[k++] = INSN(0xbf, 6, 1, 0, 0);  /* r6 = r1 (kept across calls) */
	p[k++] = INSN(0xbf, 3, 1, 0, 0);  /* r3 = r1 */
	p[k++] = INSN(0xbf, 4, 10, 0, 0); /* r4 = r10 */
	p[k++] = INSN(0x07, 4, 0, 0, -64);
	for (i = 1; i <= 8; i++) /* the top 64 bytes of the stack are initialised */
		p[k++] = INSN(0x7a, 10, 0, (int16_t)(-8 * (int)i), (int32_t)i);
	while (k < n - 8) {
		unsigned what = pick(12);

		switch (what) {
		case 0:
		case 1:
		case 2: {
			uint8_t op = alu_ops[pick(sizeof(alu_ops))];

			p[k++] = INSN(op, reg(), (op & 8) ? reg() : 0,
				      (op == 0x97 && pick(4) == 0) ? 1 : 0,
				      ((op & 8) || op == 0x87) ? 0 : vfuzz_edge_imm());
			break;
		}
		case 3:
		case 4: { /* load through r1, r3 (mem), r4, r10 (stack) */
			uint8_t b = bases[pick(4)];

			p[k++] = INSN(ldx_ops[pick(sizeof(ldx_ops))], reg(), b, off_for(b), 0);
			break;
		}
		case 5: {
			uint8_t b = bases[pick(4)];

			p[k++] = INSN(st_ops[pick(sizeof(st_ops))], b, 0, off_for(b),
				      vfuzz_edge_imm());
			break;
		}
		case 6: {
			uint8_t b = bases[pick(4)];

			p[k++] = INSN(stx_ops[pick(sizeof(stx_ops))], b, reg(), off_for(b), 0);
			break;
		}
		case 7: { /* bounded index into memory: r5 = val & mask; r3 = r1 + r5 */
			p[k++] = INSN(0x57, 5, 0, 0, (int32_t)(pick(2) ? 0xfff : 0x1fff));
			p[k++] = INSN(0xbf, 3, 1, 0, 0);
			p[k++] = INSN(0x0f, 3, 5, 0, 0);
			break;
		}
		case 8:
		case 9: { /* forward conditional jump */
			uint8_t op = jmp_ops[pick(sizeof(jmp_ops))];
			int16_t off = (int16_t)(1 + pick(6));

			p[k++] = INSN(op, reg(), (op & 8) ? reg() : 0, off,
				      (op & 8) ? 0 : vfuzz_edge_imm());
			break;
		}
		case 10: { /* counted loop: r5 = 0; loop: r0 += r5; r5 += 1; if r5 < N goto loop */
			int32_t cnt = (int32_t)pick(20);

			p[k++] = INSN(0xb7, 5, 0, 0, 0);
			p[k++] = INSN(0x0f, 0, 5, 0, 0);
			p[k++] = INSN(0x07, 5, 0, 0, 1);
			p[k++] = INSN(0xa5, 5, 0, -3, cnt);
			break;
		}
		case 11:
			if (ncalls < 8 && pick(2)) { /* call the function; r1..r5 come back unset */
				calls[ncalls++] = k;
				p[k++] = INSN(0x85, 0, 1, 0, 0);
				p[k++] = INSN(0xbf, 1, 6, 0, 0);
				p[k++] = INSN(0xbf, 3, 6, 0, 0);
				p[k++] = INSN(0xbf, 4, 10, 0, 0);
				p[k++] = INSN(0xb7, 5, 0, 0, 0);
				p[k++] = INSN(0xb7, 2, 0, 0, VFUZZ_PAGE);
				break;
			}
			/* fall through */
		default: /* pointer bumps */
			p[k++] = INSN(0x07, (uint8_t)(3 + pick(2)), 0, 0, edge_off_());
			break;
		}
	}
	/* clamp jump targets into the body, before the final exit */
	vfuzz_fix_jumps(p, k);
	p[k++] = INSN(0x95, 0, 0, 0, 0);
	if (ncalls) {
		/* the function: r0 = r2 op imm, a read through r1 (the memory, if passed) */
		size_t f = k;

		p[k++] = INSN(0xbf, 0, 2, 0, 0);
		static const uint8_t kops[] = { 0x07, 0x17, 0x27, 0x47, 0x57, 0x77, 0xa7, 0x04 };

		p[k++] = INSN(kops[pick(sizeof(kops))], 0, 0, 0, vfuzz_edge_imm());
		p[k++] = INSN(ldx_ops[pick(sizeof(ldx_ops))], 5, 1, off_for(1), 0);
		p[k++] = INSN(0x0f, 0, 5, 0, 0);
		p[k++] = INSN(0x95, 0, 0, 0, 0);
		for (i = 0; i < ncalls; i++)
			p[calls[i]].imm = (int32_t)(f - calls[i] - 1);
	}
	return k;
}

void vfuzz_gen_any(struct vfuzz_prog *p)
{
	unsigned k = pick(3);

	p->kind = (enum vfuzz_kind)k;
	if (k == VFUZZ_MEM)
		p->cnt = vfuzz_gen_mem(p->insns, 16 + pick(VFUZZ_MAXI - 16));
	else
		p->cnt = vfuzz_gen_xdp(p->insns, 24 + pick(VFUZZ_MAXI - 24), k == VFUZZ_XDP_MD);
}
