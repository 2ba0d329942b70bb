/* SPDX-License-Identifier: MIT */
/*
 * Random "xdp" and "xdp_md" programs for the verifier soundness fuzzer (see
 * vfuzz.h and the test types of tests/unit/test_verifier_util.h).
 *
 * Register use: r6 = the context, r7 = data, r8 = data_end (loaded by the
 * prologue), r9 = a saved map value or record pointer; r0-r5 scratch. The
 * body is a sequence of blocks, each mostly right and sometimes wrong in one
 * place (a bounds check one byte short, a missing null check, a record not
 * released or released twice, an access one byte past a value, a write to
 * a read-only field), so that both verdicts are common and the accepted
 * programs come close to every edge.
 */
#include <string.h>

#include "vfuzz.h"

#define pick vfuzz_pick
#define INSN(c, d, s, o, i) ((struct bpfhost_insn){ (c), (d), (s), (o), (i) })

/* map fds of the test types (tests/unit/test_verifier_util.h) */
enum { M_HASH = 1, M_ARR = 2, M_RB = 3, M_RODATA = 4, M_PROGS = 5, M_QUEUE = 6, M_GLOB = 7 };

static const uint8_t ldx_ops[] = { 0x61, 0x69, 0x71, 0x79 };
static const uint8_t st_ops[] = { 0x62, 0x6a, 0x72, 0x7a };
static const uint8_t stx_ops[] = { 0x63, 0x6b, 0x73, 0x7b };
static const uint8_t alu_ops[] = {
	0x07, 0x0f, 0x17, 0x1f, 0x27, 0x47, 0x4f, 0x57, 0x5f, 0x67, 0x77,
	0xa7, 0xb7, 0xbf, 0xc7, 0x04, 0x54, 0xb4, 0xbc, 0x87, 0x37, 0x97
};
static const uint8_t jmp_ops[] = { 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x55,
				   0x65, 0xa5, 0xad, 0xb5, 0xc5, 0x16, 0xa6, 0x5d };

static unsigned size_of_ldx(uint8_t op)
{
	switch (op & 0x18) {
	case 0x00:
		return 4;
	case 0x08:
		return 2;
	case 0x10:
		return 1;
	default:
		return 8;
	}
}

/* An op of a size that fits `room` bytes (or any size, now and then). */
static uint8_t mem_op(const uint8_t *ops, unsigned room)
{
	unsigned i;

	for (i = 0; i < 4; i++) {
		uint8_t op = ops[pick(4)];

		if (size_of_ldx(op) <= room || pick(8) == 0)
			return op;
	}
	return ops[2]; /* one byte */
}

/* An offset for an access of `size` inside `room` bytes; sometimes one too far. */
static int16_t off_in(unsigned room, unsigned size)
{
	unsigned r = pick(10);

	if (room < size || r == 0)
		return (int16_t)(room >= size ? room - size + 1 : 0); /* one byte too far */
	if (r == 1)
		return (int16_t)(room - size); /* the last that fits */
	if (r == 2)
		return (int16_t)(pick(4) == 0 ? -1 : 0); /* the first byte, or one before */
	return (int16_t)pick(room - size + 1);
}

/* scratch registers, sometimes a pointer one */
static uint8_t sreg(void)
{
	static const uint8_t regs[] = { 0, 0, 5, 5, 3, 3, 2, 9, 0, 5, 3, 9, 7, 8, 6, 4 };
	unsigned i = pick(sizeof(regs));

	/* the pointer registers r6-r8 and r4 only now and then */
	return (i >= 12 && pick(3)) ? regs[i - 12] : regs[i];
}

static size_t emit_lddw(struct bpfhost_insn *p, size_t k, uint8_t dst, uint8_t src, int32_t imm,
			int32_t imm2)
{
	p[k++] = INSN(0x18, dst, src, 0, imm);
	p[k++] = INSN(0, 0, 0, 0, imm2);
	return k;
}

/* m accesses through base to `room` bytes; returns the new k */
static size_t accesses(struct bpfhost_insn *p, size_t k, uint8_t base, unsigned room, unsigned m,
		       int writable)
{
	unsigned j;

	for (j = 0; j < m; j++) {
		unsigned w = pick(4);
		uint8_t op;

		if (w == 0 && writable) {
			op = mem_op(st_ops, room);
			p[k++] = INSN(op, base, 0, off_in(room, size_of_ldx(op)), vfuzz_edge_imm());
		} else if (w == 1 && (writable || pick(6) == 0)) {
			op = mem_op(stx_ops, room);
			p[k++] = INSN(op, base, pick(2) ? 5 : 0, off_in(room, size_of_ldx(op)), 0);
		} else {
			op = mem_op(ldx_ops, room);
			p[k++] = INSN(op, pick(2) ? 5 : 3, base, off_in(room, size_of_ldx(op)), 0);
		}
	}
	return k;
}

/* after a helper call: r1-r5 are gone; r4 and r5 come back usable */
static size_t after_call(struct bpfhost_insn *p, size_t k)
{
	p[k++] = INSN(0xb7, 5, 0, 0, (int32_t)pick(64));
	if (pick(2))
		p[k++] = INSN(0xb7, 3, 0, 0, 0);
	return k;
}

/* r2 = r10 - off: a key or buffer on the stack */
static size_t stack_arg(struct bpfhost_insn *p, size_t k, uint8_t reg, int32_t off)
{
	p[k++] = INSN(0xbf, reg, 10, 0, 0);
	p[k++] = INSN(0x07, reg, 0, 0, off);
	return k;
}

static int32_t stack_off(unsigned size)
{
	static const int32_t offs[] = { -8, -16, -24, -32, -64, -4, -72, -512, -2, -3, -513, -516 };
	unsigned i = pick(14);

	if (i >= sizeof(offs) / sizeof(offs[0]))
		return -(int32_t)((size + 7) & ~7u); /* just fits */
	return offs[i];
}

static size_t block_packet(struct bpfhost_insn *p, size_t k, int md)
{
	static const int32_t lens[] = { 1, 2, 4, 8, 14, 20, 34, 54, 64, 100 };
	int32_t len = lens[pick(sizeof(lens) / sizeof(lens[0]))];
	unsigned m = 1 + pick(4), v = pick(12);
	uint8_t base = 7;
	size_t at;

	if (pick(4) == 0) { /* variable offset: r2 = data + (r5 & mask) */
		p[k++] = INSN(0x57, 5, 0, 0, pick(2) ? 0x3f : 0xff);
		p[k++] = INSN(0xbf, 2, 7, 0, 0);
		p[k++] = INSN(0x0f, 2, 5, 0, 0);
		base = 2;
		p[k++] = INSN(0xbf, 3, 2, 0, 0);
	} else if (pick(6) == 0) { /* the metadata in front of data */
		if (md)
			p[k++] = INSN(0x61, 2, 6, 8, 0);
		else
			p[k++] = INSN(0x79, 2, 6, 16, 0);
		base = 2;
		len = (int32_t)(1 + pick(8));
		p[k++] = INSN(0xbf, 3, 2, 0, 0);
		p[k++] = INSN(0x07, 3, 0, 0, len);
		p[k++] = INSN(0x2d, 3, 7, 0, 0); /* if r3 > data goto out */
		at = k - 1;
		k = accesses(p, k, base, (unsigned)len, m, 1);
		p[at].off = (int16_t)(k - at - 1);
		return k;
	} else {
		p[k++] = INSN(0xbf, 3, 7, 0, 0);
	}
	p[k++] = INSN(0x07, 3, 0, 0, len);
	switch (v) {
	case 0: /* if r8 < r3 goto out */
		p[k++] = INSN(0xad, 8, 3, 0, 0);
		break;
	case 1: /* if r3 <= r8 goto +1; goto out */
		p[k++] = INSN(0xbd, 3, 8, 1, 0);
		p[k++] = INSN(0x05, 0, 0, 0, 0);
		break;
	case 2: /* wrong: if r3 < r8 goto out (the accesses run when r3 >= r8) */
		p[k++] = INSN(0xad, 3, 8, 0, 0);
		break;
	case 3: /* stricter: if r3 >= r8 goto out */
		p[k++] = INSN(0x3d, 3, 8, 0, 0);
		break;
	case 4: /* wrong: a 32-bit comparison of pointers */
		p[k++] = INSN(0x2e, 3, 8, 0, 0);
		break;
	default: /* if r3 > r8 goto out */
		p[k++] = INSN(0x2d, 3, 8, 0, 0);
		break;
	}
	at = k - 1;
	if (pick(10) == 0)
		len++; /* one byte more than checked */
	k = accesses(p, k, base, (unsigned)len, m, 1);
	p[at].off = (int16_t)(k - at - 1);
	return k;
}

static size_t block_lookup(struct bpfhost_insn *p, size_t k)
{
	static const uint8_t fds[] = {
		M_ARR, M_ARR, M_HASH, M_HASH, M_GLOB, M_RODATA, M_QUEUE, M_RB
	};
	static const unsigned vsize[] = { [M_HASH] = 8,	 [M_ARR] = 16,	[M_RODATA] = 16,
					  [M_GLOB] = 32, [M_QUEUE] = 8, [M_RB] = 0 };
	uint8_t fd = fds[pick(sizeof(fds))];
	int32_t koff = stack_off(4);
	unsigned m = 1 + pick(4);
	size_t at;

	if (pick(3))
		p[k++] = INSN(0x62, 10, 0, (int16_t)koff, (int32_t)pick(6) - (pick(8) == 0));
	k = stack_arg(p, k, 2, koff);
	k = emit_lddw(p, k, 1, 1, fd, 0);
	p[k++] = INSN(0x85, 0, 0, 0, 1);
	k = after_call(p, k);
	if (pick(10) == 0) { /* no null check */
		at = 0;
	} else if (pick(4) == 0) { /* if r0 != 0 goto +1; goto out */
		p[k++] = INSN(0x55, 0, 0, 1, 0);
		p[k++] = INSN(0x05, 0, 0, 0, 0);
		at = k - 1;
	} else {
		p[k++] = INSN(0x15, 0, 0, 0, 0);
		at = k - 1;
	}
	if (pick(5) == 0) { /* a bounded variable offset */
		p[k++] = INSN(0xbf, 3, 5, 0, 0);
		p[k++] = INSN(0x57, 3, 0, 0, pick(2) ? 7 : 15);
		p[k++] = INSN(0x0f, 0, 3, 0, 0);
		k = accesses(p, k, 0, vsize[fd] > 15 ? vsize[fd] - 15 : 1, m, fd != M_RODATA);
	} else {
		k = accesses(p, k, 0, vsize[fd], m, fd != M_RODATA || pick(4) == 0);
	}
	if (pick(3) == 0)
		p[k++] = INSN(0xbf, 9, 0, 0, 0); /* keep it for later blocks */
	if (at)
		p[at].off = (int16_t)(k - at - 1);
	return k;
}

static size_t block_map_value(struct bpfhost_insn *p, size_t k)
{
	int ro = pick(3) == 0;
	unsigned size = ro ? 16 : 32;
	int32_t off = (int32_t)pick(size + 1);

	if (pick(6) == 0)
		off = -1 - (int32_t)pick(8);
	k = emit_lddw(p, k, 2, 2, ro ? M_RODATA : M_GLOB, off);
	return accesses(p, k, 2, off >= 0 && (unsigned)off <= size ? size - (unsigned)off : 1,
			1 + pick(3), !ro || pick(4) == 0);
}

static size_t block_ringbuf(struct bpfhost_insn *p, size_t k)
{
	static const int32_t sizes[] = { 8, 16, 1, 7, 64, 0, 24, 5000 };
	int32_t size = sizes[pick(sizeof(sizes) / sizeof(sizes[0]))];
	unsigned v = pick(14);
	size_t at;

	k = emit_lddw(p, k, 1, 1, pick(12) ? M_RB : M_HASH, 0);
	p[k++] = INSN(0xb7, 2, 0, 0, size);
	if (pick(12) == 0)
		p[k++] = INSN(0xbf, 2, 5, 0, 0); /* wrong: not a constant */
	p[k++] = INSN(0xb7, 3, 0, 0, 0);
	p[k++] = INSN(0x85, 0, 0, 0, 131);
	k = after_call(p, k);
	if (v == 0) { /* no null check */
		at = 0;
	} else {
		p[k++] = INSN(0x15, 0, 0, 0, 0);
		at = k - 1;
	}
	k = accesses(p, k, 0, size > 0 ? (unsigned)size : 1, 1 + pick(3), 1);
	p[k++] = INSN(0xbf, 9, 0, 0, 0);
	if (v != 1) {	    /* v == 1: leaked */
		if (v == 4) /* released on one path only */
			p[k++] = INSN(0x25, 5, 0, 3, 10);
		p[k++] = INSN(0xbf, 1, 9, 0, 0);
		p[k++] = INSN(0xb7, 2, 0, 0, 0);
		p[k++] = INSN(0x85, 0, 0, 0, pick(2) ? 132 : 133);
		k = after_call(p, k);
	}
	if (v == 2) { /* released twice */
		p[k++] = INSN(0xbf, 1, 9, 0, 0);
		p[k++] = INSN(0xb7, 2, 0, 0, 0);
		p[k++] = INSN(0x85, 0, 0, 0, 133);
		k = after_call(p, k);
	} else if (v == 3) { /* used after the release */
		p[k++] = INSN(0x71, 3, 9, 0, 0);
	}
	if (at)
		p[at].off = (int16_t)(k - at - 1);
	return k;
}

/* bpf_xdp_adjust_head/tail: every packet pointer is stale afterwards */
static size_t block_adjust(struct bpfhost_insn *p, size_t k, int md)
{
	static const int32_t deltas[] = { -14, -1, 0, 1, 14, 20, -20, 64, -64, 4096 };

	p[k++] = INSN(0xbf, 1, pick(10) ? 6 : 7, 0, 0);
	p[k++] = INSN(0xb7, 2, 0, 0, deltas[pick(sizeof(deltas) / sizeof(deltas[0]))]);
	p[k++] = INSN(0x85, 0, 0, 0, pick(2) ? 44 : 65);
	k = after_call(p, k);
	if (pick(6)) { /* load data and data_end again (or, now and then, only one) */
		unsigned which = pick(8);

		if (which != 0)
			p[k++] = md ? INSN(0x61, 7, 6, 0, 0) : INSN(0x79, 7, 6, 0, 0);
		if (which != 1)
			p[k++] = md ? INSN(0x61, 8, 6, 4, 0) : INSN(0x79, 8, 6, 8, 0);
	}
	return k;
}

/* helpers with memory arguments: buffers on the stack, in the packet or a value */
static size_t block_helper(struct bpfhost_insn *p, size_t k)
{
	unsigned h = pick(8);
	int32_t size = (int32_t)(pick(3) ? 8 * (1 + pick(4)) : pick(40));
	int32_t soff = stack_off((unsigned)size);

	switch (h) {
	case 0: /* trace_printk(buf, size) */
		k = stack_arg(p, k, 1, soff);
		p[k++] = INSN(0xb7, 2, 0, 0, size);
		p[k++] = INSN(0x85, 0, 0, 0, 6);
		break;
	case 1: /* ringbuf_output(rb, buf, size, 0) */
		k = emit_lddw(p, k, 1, 1, M_RB, 0);
		if (pick(4) == 0)
			p[k++] = INSN(0xbf, 2, pick(2) ? 7 : 9, 0, 0); /* packet or saved value */
		else
			k = stack_arg(p, k, 2, soff);
		p[k++] = INSN(0xb7, 3, 0, 0, size);
		p[k++] = INSN(0xb7, 4, 0, 0, 0);
		p[k++] = INSN(0x85, 0, 0, 0, 130);
		break;
	case 2: /* map_update_elem(map, key, value, 0) */
		k = emit_lddw(p, k, 1, 1, pick(2) ? M_HASH : M_ARR, 0);
		k = stack_arg(p, k, 2, stack_off(4));
		k = stack_arg(p, k, 3, soff);
		p[k++] = INSN(0xb7, 4, 0, 0, 0);
		p[k++] = INSN(0x85, 0, 0, 0, 2);
		break;
	case 3: /* map_delete_elem(map, key) */
		k = emit_lddw(p, k, 1, 1, pick(2) ? M_HASH : M_ARR, 0);
		k = stack_arg(p, k, 2, soff);
		p[k++] = INSN(0x85, 0, 0, 0, 3);
		break;
	case 4: /* map_push_elem(queue, value, 0) */
		k = emit_lddw(p, k, 1, 1, pick(6) ? M_QUEUE : M_ARR, 0);
		k = stack_arg(p, k, 2, soff);
		p[k++] = INSN(0xb7, 3, 0, 0, 0);
		p[k++] = INSN(0x85, 0, 0, 0, 87);
		break;
	case 5: /* map_pop_elem / map_peek_elem(queue, buffer) */
		k = emit_lddw(p, k, 1, 1, pick(6) ? M_QUEUE : M_HASH, 0);
		if (pick(5) == 0)
			p[k++] = INSN(0xbf, 2, 9, 0, 0);
		else
			k = stack_arg(p, k, 2, pick(2) ? -72 - 8 * (int32_t)pick(8) : soff);
		p[k++] = INSN(0x85, 0, 0, 0, pick(2) ? 88 : 89);
		break;
	case 6: /* strncmp(buf, size, const string) */
		k = stack_arg(p, k, 1, soff);
		p[k++] = INSN(0xb7, 2, 0, 0, size ? size : 1);
		k = emit_lddw(p, k, 3, 2, pick(6) ? M_RODATA : M_GLOB, (int32_t)pick(8));
		p[k++] = INSN(0x85, 0, 0, 0, 182);
		break;
	default: /* ktime_get_ns, get_prandom_u32 */
		p[k++] = INSN(0x85, 0, 0, 0, pick(2) ? 5 : 7);
		break;
	}
	return after_call(p, k);
}

size_t vfuzz_gen_xdp(struct bpfhost_insn *p, size_t n, int md)
{
	static const int16_t xdp_offs[] = { 0, 8, 16, 24, 28, 32, 36, 40, -8, -64, 4, 39, 33 };
	static const int16_t md_offs[] = { 0, 4, 8, 12, 16, 20, 24, -4, -64, 2, 13 };
	size_t k = 0, i;

	p[k++] = INSN(0xb7, 0, 0, 0, 0);
	p[k++] = INSN(0xbf, 6, 1, 0, 0);
	if (md) {
		p[k++] = INSN(0x61, 7, 6, 0, 0);
		p[k++] = INSN(0x61, 8, 6, 4, 0);
	} else {
		p[k++] = INSN(0x79, 7, 6, 0, 0);
		p[k++] = INSN(0x79, 8, 6, 8, 0);
	}
	p[k++] = INSN(0xb7, 9, 0, 0, 0);
	p[k++] = INSN(0xb7, 5, 0, 0, 0);
	p[k++] = INSN(0xbf, 4, 10, 0, 0);
	p[k++] = INSN(0x07, 4, 0, 0, -64);
	for (i = 1; i <= 8; i++) /* the top 64 bytes of the stack are initialised */
		p[k++] = INSN(0x7a, 10, 0, (int16_t)(-8 * (int)i), (int32_t)i);
	while (k + 8 < n) {
		switch (pick(18)) {
		case 0:
		case 1:
		case 2: {
			uint8_t op = alu_ops[pick(sizeof(alu_ops))];

			p[k++] = INSN(op, sreg(), (op & 8) ? sreg() : 0, 0,
				      ((op & 8) || op == 0x87) ? 0 : vfuzz_edge_imm());
			break;
		}
		case 3: { /* a context field */
			const int16_t *offs = md ? md_offs : xdp_offs;
			unsigned no = md ? sizeof(md_offs) / 2 : sizeof(xdp_offs) / 2;
			int16_t off = offs[pick(no)];
			uint8_t op = (md || (off >= 24 && pick(2))) ? 0x61 : ldx_ops[pick(4)];

			p[k++] = INSN(op, pick(2) ? 5 : 3, pick(12) ? 6 : 1, off, 0);
			break;
		}
		case 4: { /* a context store: mark, or somewhere else */
			int16_t off = md ? (int16_t)(4 * pick(7))
					 : (pick(3) ? 32 + (int16_t)(pick(3) ? 0 : pick(8))
						    : (int16_t)(4 * pick(11)));

			if (pick(2))
				p[k++] = INSN(0x62, 6, 0, off, vfuzz_edge_imm());
			else
				p[k++] = INSN(stx_ops[pick(4)], 6, pick(4) ? 5 : 7, off, 0);
			break;
		}
		case 5:
		case 6:
		case 7:
			k = block_packet(p, k, md);
			break;
		case 8:
		case 9:
			k = block_lookup(p, k);
			break;
		case 10:
			k = block_map_value(p, k);
			break;
		case 11:
			k = block_ringbuf(p, k);
			break;
		case 12:
			k = block_helper(p, k);
			break;
		case 17:
			k = block_adjust(p, k, md);
			break;
		case 13: { /* a forward conditional jump */
			uint8_t op = jmp_ops[pick(sizeof(jmp_ops))];

			p[k++] = INSN(op, sreg(), (op & 8) ? sreg() : 0, (int16_t)(1 + pick(6)),
				      (op & 8) ? 0 : vfuzz_edge_imm());
			break;
		}
		case 14: { /* a counted loop over r3 */
			p[k++] = INSN(0xb7, 3, 0, 0, 0);
			p[k++] = INSN(0x0f, 5, 3, 0, 0);
			p[k++] = INSN(0x07, 3, 0, 0, 1);
			p[k++] = INSN(0xa5, 3, 0, -3, (int32_t)pick(16));
			break;
		}
		case 15: { /* the stack, through r10 or r4 */
			uint8_t b = pick(2) ? 10 : 4;
			int16_t off = b == 10 ? (int16_t)stack_off(8) : (int16_t)(8 * pick(9));

			if (pick(2))
				p[k++] = INSN(ldx_ops[pick(4)], pick(2) ? 5 : 0, b, off, 0);
			else
				p[k++] = INSN(stx_ops[pick(4)], b, sreg(), off, 0);
			break;
		}
		default: /* accesses through the saved pointer, or pointer bumps */
			if (pick(2))
				k = accesses(p, k, 9, 8, 1 + pick(2), 1);
			else
				p[k++] = INSN(0x07, pick(2) ? 9 : 7, 0, 0, (int32_t)pick(16) - 4);
			break;
		}
	}
	switch (pick(5)) { /* the verdict: XDP_ABORTED .. XDP_REDIRECT, or anything */
	case 0:
		break;
	case 1:
		p[k++] = INSN(0x57, 0, 0, 0, 3);
		break;
	default:
		p[k++] = INSN(0xb7, 0, 0, 0, (int32_t)pick(5));
		break;
	}
	vfuzz_fix_jumps(p, k);
	p[k++] = INSN(0x95, 0, 0, 0, 0);
	return k;
}
