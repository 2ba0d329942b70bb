/* SPDX-License-Identifier: MIT */
/*
 * Generated programs for the verifier's performance checks (see vgen.h):
 * straight-line code and typical branching packet code of any size.
 */
#include "vgen.h"

#define I(c, d, s, o, i) ((struct bpfhost_insn){ (c), (d), (s), (o), (i) })

size_t vgen_straight(struct bpfhost_insn *p, size_t n)
{
	size_t k = 0;

	p[k++] = I(0xb7, 0, 0, 0, 0); /* r0 = 0 */
	while (k + 10 <= n - 2) {
		p[k++] = I(0x61, 2, 1, 0, 0);	 /* r2 = *(u32 *)(r1 + 0) */
		p[k++] = I(0xbf, 3, 2, 0, 0);	 /* r3 = r2 */
		p[k++] = I(0x07, 3, 0, 0, 7);	 /* r3 += 7 */
		p[k++] = I(0x27, 3, 0, 0, 3);	 /* r3 *= 3 */
		p[k++] = I(0x7b, 10, 3, -8, 0);	 /* *(u64 *)(r10 - 8) = r3 */
		p[k++] = I(0x79, 4, 10, -8, 0);	 /* r4 = *(u64 *)(r10 - 8) */
		p[k++] = I(0xaf, 0, 4, 0, 0);	 /* r0 ^= r4 */
		p[k++] = I(0x77, 4, 0, 0, 3);	 /* r4 >>= 3 */
		p[k++] = I(0x0f, 0, 4, 0, 0);	 /* r0 += r4 */
		p[k++] = I(0x63, 10, 2, -16, 0); /* *(u32 *)(r10 - 16) = r2 */
	}
	while (k < n - 2)
		p[k++] = I(0x07, 0, 0, 0, 1);
	p[k++] = I(0x57, 0, 0, 0, 1); /* r0 &= 1 */
	p[k++] = I(0x95, 0, 0, 0, 0);
	return k;
}

/*
 * Blocks of 14: a bounds check with an early exit (to the block's own drop
 * exit), a compare of a packet byte with a counter update on one side, a
 * field load and a compare with a flag update on one side.
 */
size_t vgen_branchy(struct bpfhost_insn *p, size_t n)
{
	size_t k = 0;
	int32_t b = 0;

	p[k++] = I(0x79, 2, 1, 0, 0); /* r2 = data */
	p[k++] = I(0x79, 3, 1, 8, 0); /* r3 = data_end */
	p[k++] = I(0xb7, 6, 0, 0, 0); /* r6 = 0 */
	p[k++] = I(0xb7, 7, 0, 0, 0); /* r7 = 0 */
	while (k + 15 <= n - 3) {
		int32_t off = (b++ % 8) * 4;

		p[k++] = I(0xbf, 4, 2, 0, 0);		 /* r4 = r2 */
		p[k++] = I(0x07, 4, 0, 0, off + 4);	 /* r4 += off + 4 */
		p[k++] = I(0x2d, 4, 3, 10, 0);		 /* if r4 > r3 goto drop */
		p[k++] = I(0x61, 5, 2, (int16_t)off, 0); /* r5 = *(u32 *)(r2 + off) */
		p[k++] = I(0x25, 5, 0, 1, 100);		 /* if r5 > 100 goto +1 */
		p[k++] = I(0x07, 6, 0, 0, 1);		 /* r6 += 1 */
		p[k++] = I(0x61, 8, 1, 24, 0);		 /* r8 = ifindex */
		p[k++] = I(0x55, 8, 0, 1, 3);		 /* if r8 != 3 goto +1 */
		p[k++] = I(0x47, 7, 0, 0, 2);		 /* r7 |= 2 */
		p[k++] = I(0xbf, 9, 5, 0, 0);		 /* r9 = r5 */
		p[k++] = I(0x57, 9, 0, 0, 0xff);	 /* r9 &= 0xff */
		p[k++] = I(0x0f, 6, 9, 0, 0);		 /* r6 += r9 */
		p[k++] = I(0x05, 0, 0, 2, 0);		 /* goto next block */
		p[k++] = I(0xb7, 0, 0, 0, 1);		 /* drop: r0 = XDP_DROP */
		p[k++] = I(0x95, 0, 0, 0, 0);		 /* exit */
	}
	while (k < n - 3)
		p[k++] = I(0x07, 7, 0, 0, 0);
	p[k++] = I(0x63, 1, 6, 32, 0); /* mark = r6 */
	p[k++] = I(0xb7, 0, 0, 0, 2);  /* r0 = XDP_PASS */
	p[k++] = I(0x95, 0, 0, 0, 0);
	return k;
}
