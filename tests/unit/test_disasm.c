/* SPDX-License-Identifier: MIT */
/*
 * Disassembler tests: golden strings in the Linux syntax (every format and
 * the forms people know from verifier logs) and in the uBPF syntax, refusal
 * of undecodable slots with their reason, buffer handling, and whole-program
 * printing with bpfhost_disasm_fprint in both syntaxes.
 */
#include <errno.h>
#include <stdlib.h>

#include "isa/isa.h"
#include "../lib/harness.h"

#define I(c, d, s, o, i)        \
	((struct bpfhost_insn){ \
		.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define HI(i) I(0, 0, 0, 0, (i))

struct golden {
	struct bpfhost_insn in[2];
	const char *text;
	int line;
};

#define G(text, ...)                              \
	{                                         \
		{ __VA_ARGS__ }, (text), __LINE__ \
	}

static const struct golden linux_golden[] = {
	/* ALU */
	G("r0 = 1", I(0xb7, 0, 0, 0, 1)),
	G("w0 = 1", I(0xb4, 0, 0, 0, 1)),
	G("r0 += -3", I(0x07, 0, 0, 0, -3)),
	G("r0 += r1", I(0x0f, 0, 1, 0, 0)),
	G("w1 -= w2", I(0x1c, 1, 2, 0, 0)),
	G("r0 *= 7", I(0x27, 0, 0, 0, 7)),
	G("r0 /= r1", I(0x3f, 0, 1, 0, 0)),
	G("r0 s/= r1", I(0x3f, 0, 1, 1, 0)),
	G("w0 s/= -2", I(0x34, 0, 0, 1, -2)),
	G("r0 %= 3", I(0x97, 0, 0, 0, 3)),
	G("r0 s%= 3", I(0x97, 0, 0, 1, 3)),
	G("w3 s%= w4", I(0x9c, 3, 4, 1, 0)),
	G("r1 |= 2", I(0x47, 1, 0, 0, 2)),
	G("r1 &= r2", I(0x5f, 1, 2, 0, 0)),
	G("w1 <<= 2", I(0x64, 1, 0, 0, 2)),
	G("r1 >>= r2", I(0x7f, 1, 2, 0, 0)),
	G("r1 ^= -1", I(0xa7, 1, 0, 0, -1)),
	G("r0 s>>= 3", I(0xc7, 0, 0, 0, 3)),
	G("w0 s>>= w9", I(0xcc, 0, 9, 0, 0)),
	G("r0 = r10", I(0xbf, 0, 10, 0, 0)),
	G("w0 = w1", I(0xbc, 0, 1, 0, 0)),
	G("r0 = -r0", I(0x87, 0, 0, 0, 0)),
	G("w0 = -w0", I(0x84, 0, 0, 0, 0)),
	G("r0 = (s8)r1", I(0xbf, 0, 1, 8, 0)),
	G("r0 = (s16)r1", I(0xbf, 0, 1, 16, 0)),
	G("r0 = (s32)r1", I(0xbf, 0, 1, 32, 0)),
	G("w0 = (s8)w1", I(0xbc, 0, 1, 8, 0)),
	G("w0 = (s16)w1", I(0xbc, 0, 1, 16, 0)),
	G("r0 = be16 r0", I(0xdc, 0, 0, 0, 16)),
	G("r0 = be64 r0", I(0xdc, 0, 0, 0, 64)),
	G("r0 = le32 r0", I(0xd4, 0, 0, 0, 32)),
	G("r0 = bswap64 r0", I(0xd7, 0, 0, 0, 64)),
	G("r3 = bswap16 r3", I(0xd7, 3, 0, 0, 16)),
	/* lddw and its pseudo forms */
	G("r0 = 0x1122334455667788 ll", I(0x18, 0, 0, 0, 0x55667788), HI(0x11223344)),
	G("r0 = 0x0 ll", I(0x18, 0, 0, 0, 0), HI(0)),
	G("r9 = 0xffffffffffffffff ll", I(0x18, 9, 0, 0, -1), HI(-1)),
	G("r1 = map[fd:3]", I(0x18, 1, 1, 0, 3), HI(0)),
	G("r1 = map[fd:3][0]+8", I(0x18, 1, 2, 0, 3), HI(8)),
	G("r1 = btf_id[5]", I(0x18, 1, 3, 0, 5), HI(0)),
	G("r1 = func[pc+3]", I(0x18, 1, 4, 0, 3), HI(0)),
	G("r1 = func[pc-2]", I(0x18, 1, 4, 0, -2), HI(0)),
	G("r1 = map[idx:0]", I(0x18, 1, 5, 0, 0), HI(0)),
	G("r1 = map[idx:0][0]+8", I(0x18, 1, 6, 0, 0), HI(8)),
	/* legacy packet access */
	G("r0 = *(u32 *)skb[12]", I(0x20, 0, 0, 0, 12)),
	G("r0 = *(u16 *)skb[-4]", I(0x28, 0, 0, 0, -4)),
	G("r0 = *(u8 *)skb[0]", I(0x30, 0, 0, 0, 0)),
	G("r0 = *(u32 *)skb[r3 + 12]", I(0x40, 0, 3, 0, 12)),
	G("r0 = *(u16 *)skb[r3 + 12]", I(0x48, 0, 3, 0, 12)),
	G("r0 = *(u8 *)skb[r3 - 4]", I(0x50, 0, 3, 0, -4)),
	/* loads and stores */
	G("r0 = *(u32 *)(r1 + 4)", I(0x61, 0, 1, 4, 0)),
	G("r0 = *(u16 *)(r1 + 0)", I(0x69, 0, 1, 0, 0)),
	G("r0 = *(u8 *)(r1 - 1)", I(0x71, 0, 1, -1, 0)),
	G("r0 = *(u64 *)(r10 - 32768)", I(0x79, 0, 10, -32768, 0)),
	G("r0 = *(s32 *)(r1 + 32767)", I(0x81, 0, 1, 32767, 0)),
	G("r0 = *(s16 *)(r1 - 2)", I(0x89, 0, 1, -2, 0)),
	G("r0 = *(s8 *)(r1 + 2)", I(0x91, 0, 1, 2, 0)),
	G("*(u32 *)(r1 + 4) = -1", I(0x62, 1, 0, 4, -1)),
	G("*(u16 *)(r1 + 4) = 1", I(0x6a, 1, 0, 4, 1)),
	G("*(u8 *)(r1 + 4) = 255", I(0x72, 1, 0, 4, 255)),
	G("*(u64 *)(r10 - 8) = 5", I(0x7a, 10, 0, -8, 5)),
	G("*(u32 *)(r1 - 32768) = r2", I(0x63, 1, 2, -32768, 0)),
	G("*(u16 *)(r1 + 2) = r2", I(0x6b, 1, 2, 2, 0)),
	G("*(u8 *)(r1 + 0) = r2", I(0x73, 1, 2, 0, 0)),
	G("*(u64 *)(r10 - 8) = r1", I(0x7b, 10, 1, -8, 0)),
	/* atomics */
	G("lock *(u64 *)(r10 - 8) += r1", I(0xdb, 10, 1, -8, 0x00)),
	G("lock *(u64 *)(r10 - 8) |= r1", I(0xdb, 10, 1, -8, 0x40)),
	G("lock *(u64 *)(r10 - 8) &= r1", I(0xdb, 10, 1, -8, 0x50)),
	G("lock *(u64 *)(r10 - 8) ^= r1", I(0xdb, 10, 1, -8, 0xa0)),
	G("lock *(u32 *)(r10 - 8) += w1", I(0xc3, 10, 1, -8, 0x00)),
	G("lock *(u32 *)(r10 - 8) |= w1", I(0xc3, 10, 1, -8, 0x40)),
	G("r1 = atomic_fetch_add((u64 *)(r10 - 8), r1)", I(0xdb, 10, 1, -8, 0x01)),
	G("r1 = atomic_fetch_xor((u64 *)(r10 - 8), r1)", I(0xdb, 10, 1, -8, 0xa1)),
	G("w1 = atomic_fetch_and((u32 *)(r2 + 0), w1)", I(0xc3, 2, 1, 0, 0x51)),
	G("w1 = atomic_fetch_or((u32 *)(r2 + 4), w1)", I(0xc3, 2, 1, 4, 0x41)),
	G("r1 = xchg_64(r10 - 8, r1)", I(0xdb, 10, 1, -8, 0xe1)),
	G("w1 = xchg32_32(r10 - 8, w1)", I(0xc3, 10, 1, -8, 0xe1)),
	G("r0 = cmpxchg_64(r10 - 8, r0, r1)", I(0xdb, 10, 1, -8, 0xf1)),
	G("w0 = cmpxchg32_32(r10 - 8, w0, w1)", I(0xc3, 10, 1, -8, 0xf1)),
	/* jumps and calls */
	G("goto +5", I(0x05, 0, 0, 5, 0)),
	G("goto +0", I(0x05, 0, 0, 0, 0)),
	G("goto -1", I(0x05, 0, 0, -1, 0)),
	G("gotol -3", I(0x06, 0, 0, 0, -3)),
	G("gotol +100000", I(0x06, 0, 0, 0, 100000)),
	G("if r1 > 0x3 goto +5", I(0x25, 1, 0, 5, 3)),
	G("if r1 == 0x0 goto +0", I(0x15, 1, 0, 0, 0)),
	G("if r1 != 0xffffffff goto -2", I(0x55, 1, 0, -2, -1)),
	G("if r1 & 0x4 goto +1", I(0x45, 1, 0, 1, 4)),
	G("if r1 s>= 0x80000000 goto +1", I(0x75, 1, 0, 1, INT32_MIN)),
	G("if r1 <= r2 goto +1", I(0xbd, 1, 2, 1, 0)),
	G("if w1 s< w2 goto -1", I(0xce, 1, 2, -1, 0)),
	G("if w1 s<= 0x7 goto +2", I(0xd6, 1, 0, 2, 7)),
	G("if w1 & w2 goto +2", I(0x4e, 1, 2, 2, 0)),
	G("call 5", I(0x85, 0, 0, 0, 5)),
	G("call pc+3", I(0x85, 0, 1, 0, 3)),
	G("call pc-4", I(0x85, 0, 1, 0, -4)),
	G("call kfunc 12", I(0x85, 0, 2, 0, 12)),
	G("call kfunc 12, off 1", I(0x85, 0, 2, 1, 12)),
	G("callx r2", I(0x8d, 2, 0, 0, 0)),
	G("exit", I(0x95, 0, 0, 0, 0)),
};

static const struct golden ubpf_golden[] = {
	G("mov %r0, 1", I(0xb7, 0, 0, 0, 1)),
	G("add32 %r1, -2147483648", I(0x04, 1, 0, 0, INT32_MIN)),
	G("sdiv %r1, %r2", I(0x3f, 1, 2, 1, 0)),
	G("movsx1632 %r1, %r2", I(0xbc, 1, 2, 16, 0)),
	G("neg32 %r3", I(0x84, 3, 0, 0, 0)),
	G("be16 %r3", I(0xdc, 3, 0, 0, 16)),
	G("bswap32 %r3", I(0xd7, 3, 0, 0, 32)),
	G("lddw %r0, 0x1122334455667788", I(0x18, 0, 0, 0, 0x55667788), HI(0x11223344)),
	G("lddw %r1, map_fd 3", I(0x18, 1, 1, 0, 3), HI(0)),
	G("lddw %r1, map_value 3, 8", I(0x18, 1, 2, 0, 3), HI(8)),
	G("lddw %r1, func -2", I(0x18, 1, 4, 0, -2), HI(0)),
	G("lddw %r1, map_idx_value 0, -1", I(0x18, 1, 6, 0, 0), HI(-1)),
	G("ldabsh 12", I(0x28, 0, 0, 0, 12)),
	G("ldindb %r3, -4", I(0x50, 0, 3, 0, -4)),
	G("ldxw %r0, [%r1+4]", I(0x61, 0, 1, 4, 0)),
	G("ldxsh %r0, [%r1-32768]", I(0x89, 0, 1, -32768, 0)),
	G("stdw [%r10-8], 5", I(0x7a, 10, 0, -8, 5)),
	G("stxb [%r1+0], %r2", I(0x73, 1, 2, 0, 0)),
	G("lock add [%r10-8], %r1", I(0xdb, 10, 1, -8, 0x00)),
	G("lock fetch xor32 [%r10-8], %r1", I(0xc3, 10, 1, -8, 0xa1)),
	G("lock cmpxchg [%r10-8], %r1", I(0xdb, 10, 1, -8, 0xf1)),
	G("ja +5", I(0x05, 0, 0, 5, 0)),
	G("ja32 -3", I(0x06, 0, 0, 0, -3)),
	G("jsgt %r1, -1, +0", I(0x65, 1, 0, 0, -1)),
	G("jset32 %r1, %r2, -7", I(0x4e, 1, 2, -7, 0)),
	G("call 5", I(0x85, 0, 0, 0, 5)),
	G("call local +3", I(0x85, 0, 1, 0, 3)),
	G("call runtime 12", I(0x85, 0, 2, 0, 12)),
	G("call runtime 12, -1", I(0x85, 0, 2, -1, 12)),
	G("call %r2", I(0x8d, 2, 0, 0, 0)),
	G("exit", I(0x95, 0, 0, 0, 0)),
};

static void check_golden(const struct golden *g, size_t n, enum bpfhost_disasm_syntax syn)
{
	bool fmt_seen[BH_FMT_ATOMIC + 1] = { false };
	char buf[BPFHOST_DISASM_BUF_SIZE];
	size_t i;
	int f;

	for (i = 0; i < n; i++) {
		int want = g[i].in[0].code == 0x18 ? 2 : 1;
		int ret = bpfhost_disasm_insn(g[i].in, 2, 0, syn, buf, sizeof(buf));
		int op = bh_decode_op(&g[i].in[0]);

		if (ret != want || strcmp(buf, g[i].text))
			bh_test_fail(__FILE__, g[i].line, "got %d \"%s\", want %d \"%s\"", ret, buf,
				     want, g[i].text);
		if (op >= 0 && bh_opinfo[op].fmt <= BH_FMT_ATOMIC)
			fmt_seen[bh_opinfo[op].fmt] = true;
	}
	for (f = 0; f <= BH_FMT_ATOMIC; f++)
		CHECK_MSG(fmt_seen[f], "no golden string for format %d", f);
}

TEST(disasm_linux_golden_strings)
{
	check_golden(linux_golden, sizeof(linux_golden) / sizeof(linux_golden[0]),
		     BPFHOST_DISASM_LINUX);
}

TEST(disasm_ubpf_golden_strings)
{
	check_golden(ubpf_golden, sizeof(ubpf_golden) / sizeof(ubpf_golden[0]),
		     BPFHOST_DISASM_UBPF);
}

struct bad {
	struct bpfhost_insn in[2];
	size_t cnt;
	const char *why;
	int line;
};

#define B(cnt, why, ...)                                \
	{                                               \
		{ __VA_ARGS__ }, (cnt), (why), __LINE__ \
	}

TEST(disasm_refuses_undecodable_slots_with_reason)
{
	static const struct bad bad[] = {
		B(1, "unknown opcode 0xff", I(0xff, 0, 0, 0, 0)),
		B(1, "unknown opcode 0x00", I(0x00, 0, 0, 0, 0)),
		B(1, "lddw missing second slot", I(0x18, 0, 0, 0, 0)),
		B(2, "lddw second slot must have code, dst, src and off zero (code 0x95",
		  I(0x18, 0, 0, 0, 0), I(0x95, 0, 0, 0, 0)),
		B(2,
		  "lddw second slot must have code, dst, src and off zero (code 0x00, dst 0, "
		  "src 0, off 1)",
		  I(0x18, 0, 0, 0, 0), I(0, 0, 0, 1, 0)),
		B(2, "lddw map_fd: second slot imm must be 0, got 5", I(0x18, 1, 1, 0, 3), HI(5)),
		B(2, "lddw func: second slot imm must be 0, got -1", I(0x18, 1, 4, 0, 3), HI(-1)),
		B(2, "opcode 0x18: src 7 selects no operation", I(0x18, 1, 7, 0, 3), HI(0)),
		B(2, "lddw (0x18): off must be 0, got 4", I(0x18, 1, 0, 4, 3), HI(0)),
		B(1, "opcode 0x37: off 2 selects no operation", I(0x37, 0, 0, 2, 1)),
		B(1, "opcode 0xbf: off 7 selects no operation", I(0xbf, 0, 1, 7, 0)),
		B(1, "opcode 0xd7: imm 8 selects no operation", I(0xd7, 0, 0, 0, 8)),
		B(1, "opcode 0xdb: imm 2 selects no operation", I(0xdb, 1, 2, 0, 2)),
		B(1, "opcode 0x85: src 3 selects no operation", I(0x85, 0, 3, 0, 1)),
		B(1, "add (0x07): off must be 0, got 1", I(0x07, 0, 0, 1, 1)),
		B(1, "add (0x07): src must be 0, got 1", I(0x07, 0, 1, 0, 1)),
		B(1, "add (0x0f): imm must be 0, got 9", I(0x0f, 0, 1, 0, 9)),
		B(1, "exit (0x95): dst must be 0, got 1", I(0x95, 1, 0, 0, 0)),
		B(1, "exit (0x95): imm must be 0, got 1", I(0x95, 0, 0, 0, 1)),
		B(1, "ja (0x05): imm must be 0, got 1", I(0x05, 0, 0, 0, 1)),
		B(1, "ja32 (0x06): off must be 0, got 1", I(0x06, 0, 0, 1, 0)),
		B(1, "jeq (0x15): src must be 0, got 1", I(0x15, 0, 1, 0, 0)),
		B(1, "call (0x85): off must be 0, got 1", I(0x85, 0, 0, 1, 0)),
		B(1, "call (0x8d): imm must be 0, got 2", I(0x8d, 0, 0, 0, 2)),
		B(1, "ldxw (0x61): imm must be 0, got 1", I(0x61, 0, 1, 0, 1)),
		B(1, "stw (0x62): src must be 0, got 1", I(0x62, 0, 1, 0, 1)),
		B(1, "ldabsw (0x20): dst must be 0, got 1", I(0x20, 1, 0, 0, 1)),
		B(1, "ldindw (0x40): dst must be 0, got 2", I(0x40, 2, 1, 0, 1)),
		B(1, "mov (0xb7): invalid dst register r11", I(0xb7, 11, 0, 0, 1)),
		B(1, "mov (0xbf): invalid src register r12", I(0xbf, 1, 12, 0, 0)),
		B(1, "ldxdw (0x79): invalid src register r15", I(0x79, 1, 15, 0, 0)),
	};
	char buf[BPFHOST_DISASM_BUF_SIZE];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int s;

		for (s = BPFHOST_DISASM_LINUX; s <= BPFHOST_DISASM_UBPF; s++) {
			int ret =
				bpfhost_disasm_insn(bad[i].in, bad[i].cnt, 0, s, buf, sizeof(buf));

			if (ret != -EINVAL || !strstr(buf, bad[i].why))
				bh_test_fail(__FILE__, bad[i].line,
					     "syntax %d: got %d \"%s\", want -EINVAL \"%s\"", s,
					     ret, buf, bad[i].why);
		}
	}
}

TEST(disasm_arguments_and_buffer_sizes)
{
	const struct bpfhost_insn p[] = { I(0xb7, 0, 0, 0, 1), I(0x95, 0, 0, 0, 0) };
	char buf[BPFHOST_DISASM_BUF_SIZE];

	CHECK_EQ(bpfhost_disasm_insn(p, 2, 2, BPFHOST_DISASM_LINUX, buf, sizeof(buf)), -EINVAL);
	CHECK_STR(buf, "instruction index 2 is outside the program [0, 2)");
	CHECK_EQ(bpfhost_disasm_insn(NULL, 2, 0, BPFHOST_DISASM_LINUX, buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(bpfhost_disasm_insn(p, 2, 0, (enum bpfhost_disasm_syntax)7, buf, sizeof(buf)),
		 -EINVAL);
	CHECK_CONTAINS(buf, "unknown disassembly syntax 7");
	CHECK_EQ(bpfhost_disasm_insn(p, 2, 0, BPFHOST_DISASM_LINUX, NULL, 10), -EINVAL);
	CHECK_EQ(bpfhost_disasm_insn(p, 2, 0, BPFHOST_DISASM_LINUX, buf, 0), -ENOSPC);
	/* "r0 = 1" needs 7 bytes */
	CHECK_EQ(bpfhost_disasm_insn(p, 2, 0, BPFHOST_DISASM_LINUX, buf, 6), -ENOSPC);
	CHECK_STR(buf, "r0 = ");
	CHECK_EQ(bpfhost_disasm_insn(p, 2, 0, BPFHOST_DISASM_LINUX, buf, 7), 1);
	CHECK_STR(buf, "r0 = 1");
	CHECK_EQ(bpfhost_disasm_insn(p, 2, 1, BPFHOST_DISASM_UBPF, buf, 5), 1);
	CHECK_STR(buf, "exit");
	/* a reason that does not fit is truncated but still -EINVAL */
	{
		const struct bpfhost_insn q[] = { I(0xff, 0, 0, 0, 0) };

		CHECK_EQ(bpfhost_disasm_insn(q, 1, 0, BPFHOST_DISASM_LINUX, buf, 8), -EINVAL);
		CHECK_STR(buf, "unknown");
	}
}

/* Print a program to a string with bpfhost_disasm_fprint. */
static char *print_prog(const struct bpfhost_insn *p, size_t n, enum bpfhost_disasm_syntax syn,
			int *ret)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f) {
		*ret = -errno;
		return NULL;
	}
	*ret = bpfhost_disasm_fprint(f, p, n, syn);
	fclose(f);
	return out;
}

TEST(disasm_fprint_linux_bpftool_style)
{
	const struct bpfhost_insn p[] = {
		I(0xb7, 0, 0, 0, 1), I(0x18, 2, 0, 0, 1),  HI(2),
		I(0xff, 0, 0, 0, 0), I(0x05, 0, 0, -5, 0), I(0x95, 0, 0, 0, 0),
		I(0x18, 0, 0, 0, 0),
	};
	int ret;
	char *out = print_prog(p, sizeof(p) / sizeof(p[0]), BPFHOST_DISASM_LINUX, &ret);

	CHECK_STR(out, "   0: (b7) r0 = 1\n"
		       "   1: (18) r2 = 0x200000001 ll\n"
		       "   3: (ff) invalid: unknown opcode 0xff\n"
		       "   4: (05) goto -5\n"
		       "   5: (95) exit\n"
		       "   6: (18) invalid: lddw missing second slot (program ends)\n");
	CHECK_EQ(ret, -EINVAL);
	free(out);
	out = print_prog(p, 2, BPFHOST_DISASM_LINUX, &ret);
	CHECK_EQ(ret, -EINVAL); /* lddw cut in half */
	free(out);
	out = print_prog(p, 0, BPFHOST_DISASM_LINUX, &ret);
	CHECK_EQ(ret, 0);
	CHECK_STR(out, "");
	free(out);
	CHECK_EQ(bpfhost_disasm_fprint(NULL, p, 1, BPFHOST_DISASM_LINUX), -EINVAL);
	CHECK_EQ(bpfhost_disasm_fprint(stdout, NULL, 1, BPFHOST_DISASM_LINUX), -EINVAL);
	CHECK_EQ(bpfhost_disasm_fprint(stdout, p, 1, (enum bpfhost_disasm_syntax)3), -EINVAL);
}

TEST(disasm_fprint_ubpf_labels_and_reassembly)
{
	const struct bpfhost_insn p[] = {
		I(0xb7, 0, 0, 0, 0),  /* 0 */
		I(0x15, 0, 0, 4, 3),  /* 1: -> 6 */
		I(0x18, 1, 0, 0, 1),  /* 2 */
		HI(0),		      /* 3 */
		I(0x85, 0, 1, 0, 3),  /* 4: call local -> 8 */
		I(0x05, 0, 0, -6, 0), /* 5: -> 0 */
		I(0x06, 0, 0, 0, -4), /* 6: -> 3, second slot of lddw: stays relative */
		I(0x95, 0, 0, 0, 0),  /* 7 */
		I(0x18, 2, 4, 0, -1), /* 8: func -> 8 */
		HI(0),		      /* 9 */
		I(0x95, 0, 0, 0, 0),  /* 10 */
	};
	const size_t n = sizeof(p) / sizeof(p[0]);
	struct bpfhost_insn *q = NULL;
	size_t qn = 0, i;
	char log[512];
	int ret;
	char *out = print_prog(p, n, BPFHOST_DISASM_UBPF, &ret);

	CHECK_EQ(ret, 0);
	CHECK_STR(out, "L0:\n"
		       "mov %r0, 0\n"
		       "jeq %r0, 3, L6\n"
		       "lddw %r1, 0x1\n"
		       "call local L8\n"
		       "ja L0\n"
		       "L6:\n"
		       "ja32 -4\n"
		       "exit\n"
		       "L8:\n"
		       "lddw %r2, func L8\n"
		       "exit\n");
	if (out) {
		BPFHOST_OPTS_INIT(bpfhost_asm_opts, o, .log_buf = log, .log_size = sizeof(log));

		CHECK_EQ(bpfhost_asm(out, strlen(out), &q, &qn, &o), 0);
		CHECK_EQ(qn, n);
		for (i = 0; i < n && i < qn; i++)
			CHECK_MSG(!memcmp(&p[i], &q[i], sizeof(p[i])), "slot %zu differs", i);
		bpfhost_insns_free(q);
	}
	free(out);
}

TEST(disasm_fprint_ubpf_invalid_slots_become_comments)
{
	const struct bpfhost_insn p[] = { I(0x07, 0, 0, 1, 1), I(0x95, 0, 0, 0, 0) };
	int ret;
	char *out = print_prog(p, 2, BPFHOST_DISASM_UBPF, &ret);

	CHECK_EQ(ret, -EINVAL);
	CHECK_STR(out, "# insn 0: invalid: add (0x07): off must be 0, got 1\nexit\n");
	free(out);
}
