/* SPDX-License-Identifier: MIT */
/*
 * Assembler tests: every mnemonic and operand form (with opcodes written out
 * here from RFC 9669, independently of opcodes.def, and a check that every
 * table entry was produced), labels, every error path with its line and
 * message, the assembler-level negative cases and the asm-vs-raw file of the
 * shared conformance suite, and robustness against random text.
 */
#include <errno.h>
#include <stdlib.h>

#include "isa/isa.h"
#include "../lib/datafile.h"
#include "../lib/harness.h"

#define I(c, d, s, o, i)        \
	((struct bpfhost_insn){ \
		.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

static int asm_text(const char *text, size_t len, struct bpfhost_insn **p, size_t *n, char *log,
		    size_t logsz)
{
	BPFHOST_OPTS_INIT(bpfhost_asm_opts, o, .filename = "t.s", .log_buf = log,
			  .log_size = logsz);
	if (log && logsz)
		log[0] = '\0';
	return bpfhost_asm(text, len, p, n, &o);
}

static bool same_insn(const struct bpfhost_insn *a, const struct bpfhost_insn *b)
{
	return a->code == b->code && a->dst_reg == b->dst_reg && a->src_reg == b->src_reg &&
	       a->off == b->off && a->imm == b->imm;
}

static void fmt_insn(char *b, size_t sz, const struct bpfhost_insn *in)
{
	snprintf(b, sz, "{code 0x%02x dst %u src %u off %d imm %d}", in->code, in->dst_reg,
		 in->src_reg, in->off, in->imm);
}

/* ops produced by check_one, to verify every table entry has a spelling */
static bool covered[BH_OP__COUNT];

/* Assemble text (one instruction, maybe lddw) and compare with want[0..n). */
static void check_one_at(const char *file, int line, const char *text,
			 const struct bpfhost_insn *want, size_t n)
{
	struct bpfhost_insn *p = NULL;
	size_t cnt = 0, i;
	char log[512], a[96], b[96];
	int ret = asm_text(text, strlen(text), &p, &cnt, log, sizeof(log));

	if (ret) {
		bh_test_fail(file, line, "'%s': returned %d: %s", text, ret, log);
		return;
	}
	if (cnt != n) {
		bh_test_fail(file, line, "'%s': %zu slots, want %zu", text, cnt, n);
	} else {
		for (i = 0; i < n; i++) {
			if (same_insn(&p[i], &want[i]))
				continue;
			fmt_insn(a, sizeof(a), &p[i]);
			fmt_insn(b, sizeof(b), &want[i]);
			bh_test_fail(file, line, "'%s' slot %zu: got %s, want %s", text, i, a, b);
		}
		if (bh_decode_op(&p[0]) >= 0)
			covered[bh_decode_op(&p[0])] = true;
	}
	bpfhost_insns_free(p);
}

#define CHECK_ASM(text, ...)                                                              \
	do {                                                                              \
		const struct bpfhost_insn w_[] = { __VA_ARGS__ };                         \
		check_one_at(__FILE__, __LINE__, (text), w_, sizeof(w_) / sizeof(w_[0])); \
	} while (0)

/* Assembly must fail with every string of want[] in the log. */
static void check_err_at(const char *file, int line, const char *text, size_t len,
			 const char *const *want, size_t nwant)
{
	struct bpfhost_insn *p = (struct bpfhost_insn *)&p; /* must be reset to NULL */
	size_t cnt = 99, i;
	char log[4096];
	int ret = asm_text(text, len, &p, &cnt, log, sizeof(log));

	if (ret != -EINVAL)
		bh_test_fail(file, line, "'%s': returned %d, want -EINVAL", text, ret);
	if (p || cnt)
		bh_test_fail(file, line, "'%s': outputs not cleared on failure", text);
	for (i = 0; i < nwant; i++)
		if (!strstr(log, want[i]))
			bh_test_fail(file, line, "'%s': log \"%s\" lacks \"%s\"", text, log,
				     want[i]);
	if (ret == 0)
		bpfhost_insns_free(p);
}

#define CHECK_ASM_ERR(text, ...)                                           \
	do {                                                               \
		const char *const w_[] = { __VA_ARGS__ };                  \
		check_err_at(__FILE__, __LINE__, (text), strlen(text), w_, \
			     sizeof(w_) / sizeof(w_[0]));                  \
	} while (0)

TEST(asm_alu_every_operation_and_form)
{
	static const struct {
		const char *m;
		uint8_t k64; /* ALU64 immediate opcode; +8 register, -3 ALU32 */
		int16_t off;
	} alu[] = {
		{ "add", 0x07, 0 },  { "sub", 0x17, 0 },  { "mul", 0x27, 0 },  { "div", 0x37, 0 },
		{ "sdiv", 0x37, 1 }, { "or", 0x47, 0 },	  { "and", 0x57, 0 },  { "lsh", 0x67, 0 },
		{ "rsh", 0x77, 0 },  { "mod", 0x97, 0 },  { "smod", 0x97, 1 }, { "xor", 0xa7, 0 },
		{ "mov", 0xb7, 0 },  { "arsh", 0xc7, 0 },
	};
	char t[64];
	size_t i;

	for (i = 0; i < sizeof(alu) / sizeof(alu[0]); i++) {
		uint8_t k = alu[i].k64, k32 = (uint8_t)(alu[i].k64 - 3);
		int16_t o = alu[i].off;

		snprintf(t, sizeof(t), "%s %%r3, -7", alu[i].m);
		CHECK_ASM(t, I(k, 3, 0, o, -7));
		snprintf(t, sizeof(t), "%s64 %%r3, 0x7fffffff", alu[i].m);
		CHECK_ASM(t, I(k, 3, 0, o, INT32_MAX));
		snprintf(t, sizeof(t), "%s %%r0, %%r9", alu[i].m);
		CHECK_ASM(t, I(k | 8, 0, 9, o, 0));
		snprintf(t, sizeof(t), "%s32 %%r3, 0x80000000", alu[i].m);
		CHECK_ASM(t, I(k32, 3, 0, o, INT32_MIN));
		snprintf(t, sizeof(t), "%s32 %%r10, %%r10", alu[i].m);
		CHECK_ASM(t, I(k32 | 8, 10, 10, o, 0));
		snprintf(t, sizeof(t), "%s32\t%%r1 ,  -2147483648 ", alu[i].m);
		CHECK_ASM(t, I(k32, 1, 0, o, INT32_MIN));
	}
	CHECK_ASM("neg %r2", I(0x87, 2, 0, 0, 0));
	CHECK_ASM("neg64 %r2", I(0x87, 2, 0, 0, 0));
	CHECK_ASM("neg32 %r9", I(0x84, 9, 0, 0, 0));
	CHECK_ASM("mov %r1, 0xffffffff", I(0xb7, 1, 0, 0, -1));
	CHECK_ASM("mov %r1, -0x10", I(0xb7, 1, 0, 0, -16));
	CHECK_ASM("mov %r1, +5", I(0xb7, 1, 0, 0, 5));
	CHECK_ASM("movsx864 %r1, %r2", I(0xbf, 1, 2, 8, 0));
	CHECK_ASM("movsx1664 %r1, %r2", I(0xbf, 1, 2, 16, 0));
	CHECK_ASM("movsx3264 %r1, %r2", I(0xbf, 1, 2, 32, 0));
	CHECK_ASM("movsx832 %r1, %r2", I(0xbc, 1, 2, 8, 0));
	CHECK_ASM("movsx1632 %r1, %r2", I(0xbc, 1, 2, 16, 0));
}

TEST(asm_byte_swaps)
{
	CHECK_ASM("le16 %r1", I(0xd4, 1, 0, 0, 16));
	CHECK_ASM("le32 %r1", I(0xd4, 1, 0, 0, 32));
	CHECK_ASM("le64 %r1", I(0xd4, 1, 0, 0, 64));
	CHECK_ASM("be16 %r1", I(0xdc, 1, 0, 0, 16));
	CHECK_ASM("be32 %r1", I(0xdc, 1, 0, 0, 32));
	CHECK_ASM("be64 %r1", I(0xdc, 1, 0, 0, 64));
	CHECK_ASM("bswap16 %r4", I(0xd7, 4, 0, 0, 16));
	CHECK_ASM("bswap32 %r4", I(0xd7, 4, 0, 0, 32));
	CHECK_ASM("bswap64 %r4", I(0xd7, 4, 0, 0, 64));
	CHECK_ASM("swap16 %r4", I(0xd7, 4, 0, 0, 16));
	CHECK_ASM("swap32 %r4", I(0xd7, 4, 0, 0, 32));
	CHECK_ASM("swap64 %r4", I(0xd7, 4, 0, 0, 64));
}

TEST(asm_memory_forms)
{
	CHECK_ASM("ldxw %r1, [%r2+4]", I(0x61, 1, 2, 4, 0));
	CHECK_ASM("ldxh %r1, [%r2-4]", I(0x69, 1, 2, -4, 0));
	CHECK_ASM("ldxb %r1, [%r2]", I(0x71, 1, 2, 0, 0));
	CHECK_ASM("ldxdw %r1, [ %r10 + 0x10 ]", I(0x79, 1, 10, 16, 0));
	CHECK_ASM("ldxsw %r1, [%r2+32767]", I(0x81, 1, 2, 32767, 0));
	CHECK_ASM("ldxsh %r1, [%r2-32768]", I(0x89, 1, 2, -32768, 0));
	CHECK_ASM("ldxsb %r1, [%r2-0x8000]", I(0x91, 1, 2, -32768, 0));
	CHECK_ASM("stw [%r1-8], 5", I(0x62, 1, 0, -8, 5));
	CHECK_ASM("sth [%r1+2], -1", I(0x6a, 1, 0, 2, -1));
	CHECK_ASM("stb [%r1], 0xff", I(0x72, 1, 0, 0, 255));
	CHECK_ASM("stdw [%r10-8], 0x80000000", I(0x7a, 10, 0, -8, INT32_MIN));
	CHECK_ASM("stxw [%r1+0], %r2", I(0x63, 1, 2, 0, 0));
	CHECK_ASM("stxh [%r1+1], %r2", I(0x6b, 1, 2, 1, 0));
	CHECK_ASM("stxb [%r1-1], %r2", I(0x73, 1, 2, -1, 0));
	CHECK_ASM("stxdw [%r10-8], %r0", I(0x7b, 10, 0, -8, 0));
	CHECK_ASM("ldabsw 12", I(0x20, 0, 0, 0, 12));
	CHECK_ASM("ldabsh -4", I(0x28, 0, 0, 0, -4));
	CHECK_ASM("ldabsb 0x10", I(0x30, 0, 0, 0, 16));
	CHECK_ASM("ldindw %r3, 12", I(0x40, 0, 3, 0, 12));
	CHECK_ASM("ldindh %r3, 0", I(0x48, 0, 3, 0, 0));
	CHECK_ASM("ldindb %r7, -2", I(0x50, 0, 7, 0, -2));
}

TEST(asm_atomics)
{
	static const struct {
		const char *m;
		int32_t imm;
	} ops[] = {
		{ "add", 0x00 },       { "or", 0x40 },	      { "and", 0x50 },
		{ "xor", 0xa0 },       { "fetch add", 0x01 }, { "fetch or", 0x41 },
		{ "fetch and", 0x51 }, { "fetch xor", 0xa1 }, { "xchg", 0xe1 },
		{ "cmpxchg", 0xf1 },
	};
	char t[64];
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		snprintf(t, sizeof(t), "lock %s [%%r10-8], %%r1", ops[i].m);
		CHECK_ASM(t, I(0xdb, 10, 1, -8, ops[i].imm));
		snprintf(t, sizeof(t), "lock  %s32 [%%r2+4], %%r3", ops[i].m);
		CHECK_ASM(t, I(0xc3, 2, 3, 4, ops[i].imm));
	}
}

TEST(asm_jumps_and_calls)
{
	static const struct {
		const char *m;
		uint8_t k; /* JMP immediate opcode; +8 register, +1 JMP32 */
	} j[] = {
		{ "jeq", 0x15 }, { "jgt", 0x25 },  { "jge", 0x35 },  { "jset", 0x45 },
		{ "jne", 0x55 }, { "jsgt", 0x65 }, { "jsge", 0x75 }, { "jlt", 0xa5 },
		{ "jle", 0xb5 }, { "jslt", 0xc5 }, { "jsle", 0xd5 },
	};
	char t[64];
	size_t i;

	for (i = 0; i < sizeof(j) / sizeof(j[0]); i++) {
		snprintf(t, sizeof(t), "%s %%r1, 5, +3", j[i].m);
		CHECK_ASM(t, I(j[i].k, 1, 0, 3, 5));
		snprintf(t, sizeof(t), "%s %%r1, %%r2, -3", j[i].m);
		CHECK_ASM(t, I(j[i].k | 8, 1, 2, -3, 0));
		snprintf(t, sizeof(t), "%s32 %%r9, 0xffffffff, 0", j[i].m);
		CHECK_ASM(t, I(j[i].k + 1, 9, 0, 0, -1));
		snprintf(t, sizeof(t), "%s32 %%r9, %%r10, 32767", j[i].m);
		CHECK_ASM(t, I((j[i].k + 1) | 8, 9, 10, 32767, 0));
	}
	CHECK_ASM("ja +3", I(0x05, 0, 0, 3, 0));
	CHECK_ASM("ja -32768", I(0x05, 0, 0, -32768, 0));
	CHECK_ASM("ja 0x10", I(0x05, 0, 0, 16, 0));
	CHECK_ASM("ja32 -2", I(0x06, 0, 0, 0, -2));
	CHECK_ASM("ja32 +100000", I(0x06, 0, 0, 0, 100000));
	CHECK_ASM("exit", I(0x95, 0, 0, 0, 0));
	CHECK_ASM("call 5", I(0x85, 0, 0, 0, 5));
	CHECK_ASM("call 0xffffffff", I(0x85, 0, 0, 0, -1));
	CHECK_ASM("call %r2", I(0x8d, 2, 0, 0, 0));
	CHECK_ASM("call local +3", I(0x85, 0, 1, 0, 3));
	CHECK_ASM("call local -1", I(0x85, 0, 1, 0, -1));
	CHECK_ASM("call runtime 7", I(0x85, 0, 2, 0, 7));
	CHECK_ASM("call runtime 7, 2", I(0x85, 0, 2, 2, 7));
}

TEST(asm_lddw_values_and_pseudo_forms)
{
	CHECK_ASM("lddw %r0, 0x1122334455667788", I(0x18, 0, 0, 0, 0x55667788),
		  I(0, 0, 0, 0, 0x11223344));
	CHECK_ASM("lddw %r1, 0xFFFFFFFFFFFFFFFF", I(0x18, 1, 0, 0, -1), I(0, 0, 0, 0, -1));
	CHECK_ASM("lddw %r1, 18446744073709551615", I(0x18, 1, 0, 0, -1), I(0, 0, 0, 0, -1));
	CHECK_ASM("lddw %r1, -1", I(0x18, 1, 0, 0, -1), I(0, 0, 0, 0, -1));
	CHECK_ASM("lddw %r1, -9223372036854775808", I(0x18, 1, 0, 0, 0), I(0, 0, 0, 0, INT32_MIN));
	CHECK_ASM("lddw %r1, 2147483648", I(0x18, 1, 0, 0, INT32_MIN), I(0, 0, 0, 0, 0));
	CHECK_ASM("lddw %r9, 0x0000000000000000", I(0x18, 9, 0, 0, 0), I(0, 0, 0, 0, 0));
	CHECK_ASM("lddw %r1, map_fd 3", I(0x18, 1, 1, 0, 3), I(0, 0, 0, 0, 0));
	CHECK_ASM("lddw %r1, map_value 3, 8", I(0x18, 1, 2, 0, 3), I(0, 0, 0, 0, 8));
	CHECK_ASM("lddw %r1, btf_id 5", I(0x18, 1, 3, 0, 5), I(0, 0, 0, 0, 0));
	CHECK_ASM("lddw %r1, func -4", I(0x18, 1, 4, 0, -4), I(0, 0, 0, 0, 0));
	CHECK_ASM("lddw %r1, map_idx 0", I(0x18, 1, 5, 0, 0), I(0, 0, 0, 0, 0));
	CHECK_ASM("lddw %r1, map_idx_value  2 , 0x10", I(0x18, 1, 6, 0, 2), I(0, 0, 0, 0, 16));
}

/* The form tests above, together, produce every entry of the opcode table. */
TEST(asm_every_table_entry_has_a_spelling)
{
	int op;

	memset(covered, 0, sizeof(covered));
	test_asm_alu_every_operation_and_form();
	test_asm_byte_swaps();
	test_asm_memory_forms();
	test_asm_atomics();
	test_asm_jumps_and_calls();
	test_asm_lddw_values_and_pseudo_forms();
	for (op = 0; op < BH_OP__COUNT; op++)
		CHECK_MSG(covered[op], "no assembler test produced %s (%s)", bh_opinfo[op].name,
			  bh_opinfo[op].mnem);
}

/* Assemble a whole program that must succeed. */
static struct bpfhost_insn *asm_ok(const char *text, size_t *n)
{
	struct bpfhost_insn *p = NULL;
	char log[1024];
	int ret = asm_text(text, strlen(text), &p, n, log, sizeof(log));

	CHECK_MSG(ret == 0, "assembling <<%s>>: %d: %s", text, ret, log);
	return ret ? NULL : p;
}

TEST(asm_labels_forward_backward_and_implicit_exit)
{
	const char *text = "  mov %r0, 0\n"
			   "top:\n"
			   "  jeq %r0, 3, done   # forward\n"
			   "  add %r0, 1\n"
			   "  lddw %r1, 0x100000000  # two slots between\n"
			   "  ja top             # backward\n"
			   "done:\n"
			   "  jne %r0, 3, exit   # implicit label\n"
			   "  call local fn\n"
			   "  ja32 done\n"
			   "  exit\n"
			   "fn: mov %r0, 7\n"
			   "  exit\n";
	struct bpfhost_insn *p;
	size_t n = 0;

	p = asm_ok(text, &n);
	if (!p)
		return;
	CHECK_EQ(n, 12);
	if (n == 12) {
		CHECK_EQ(p[1].code, 0x15);
		CHECK_EQ(p[1].off, 4); /* 1 -> 6 */
		CHECK_EQ(p[5].code, 0x05);
		CHECK_EQ(p[5].off, -5); /* 5 -> 1 */
		CHECK_EQ(p[6].off, 2);	/* 6 -> 9 (first exit) */
		CHECK_EQ(p[7].src_reg, 1);
		CHECK_EQ(p[7].imm, 2); /* 7 -> 10 */
		CHECK_EQ(p[8].code, 0x06);
		CHECK_EQ(p[8].imm, -3); /* 8 -> 6 */
		CHECK_EQ(p[10].code, 0xb7);
		CHECK_EQ(p[10].imm, 7);
	}
	bpfhost_insns_free(p);
}

TEST(asm_explicit_exit_label_wins)
{
	struct bpfhost_insn *p;
	size_t n = 0;

	p = asm_ok("ja exit\nexit\nexit:\nexit\n", &n);
	if (!p)
		return;
	CHECK_EQ(n, 3);
	if (n == 3)
		CHECK_EQ(p[0].off, 1);
	bpfhost_insns_free(p);
}

TEST(asm_lexical_details)
{
	/* CRLF, tabs, comments anywhere, blank lines, len not NUL-terminated */
	const char text[] = "\r\n# only a comment\r\n\tmov\t%r0,\t1\t# c\r\n\r\nexit#c\r\nGARBAGE";
	struct bpfhost_insn *p = NULL;
	size_t n = 0;
	char log[256];

	CHECK_EQ(asm_text(text, strlen(text) - strlen("GARBAGE"), &p, &n, log, sizeof(log)), 0);
	CHECK_STR(log, "");
	CHECK_EQ(n, 2);
	if (n == 2) {
		CHECK(same_insn(&p[0], &I(0xb7, 0, 0, 0, 1)));
		CHECK(same_insn(&p[1], &I(0x95, 0, 0, 0, 0)));
	}
	bpfhost_insns_free(p);
}

TEST(asm_error_messages_name_line_and_problem)
{
	CHECK_ASM_ERR("ldxq %r0, %r1\nexit", "t.s:1: unknown mnemonic 'ldxq'");
	CHECK_ASM_ERR("exit\nr0 = 1", "t.s:2: unknown mnemonic 'r0'");
	CHECK_ASM_ERR("mov32 %r0, 2147483648\nexit",
		      "t.s:1: immediate '2147483648' is out of range: 32 bits");
	CHECK_ASM_ERR("mov32 %r0, -2147483649", "t.s:1: immediate '-2147483649' is out of range");
	CHECK_ASM_ERR("mov32 %r0, 0x100000000", "t.s:1: immediate '0x100000000' is out of range");
	CHECK_ASM_ERR("mov %r0, 99999999999999999999999", "is out of range");
	CHECK_ASM_ERR("mov %r0, 1 2", "t.s:1: expected register or immediate (decimal or 0x hex), "
				      "got '1 2'");
	CHECK_ASM_ERR("mov %r0, 0x", "expected register or immediate");
	CHECK_ASM_ERR("mov %r0, r1", "got 'r1'");
	CHECK_ASM_ERR("stw [%r1+2], %r2",
		      "t.s:1: expected immediate (decimal or 0x hex), got '%r2'");
	CHECK_ASM_ERR("ja NOT_A_LABEL\nexit", "t.s:1: unknown label 'NOT_A_LABEL'");
	CHECK_ASM_ERR("exit\ncall local nowhere", "t.s:2: unknown label 'nowhere'");
	CHECK_ASM_ERR("lock or [%r10-8]\nexit",
		      "t.s:1: wrong operand count for 'lock or': expected 2 (lock or "
		      "[%rd+off], %rs), got 1");
	CHECK_ASM_ERR("lock\nexit", "t.s:1: wrong operand count for 'lock'");
	CHECK_ASM_ERR("lock [%r1], %r2", "t.s:1: wrong operand count for 'lock'");
	CHECK_ASM_ERR("lock fetch", "t.s:1: wrong operand count for 'lock fetch'");
	CHECK_ASM_ERR("lock fetch xchg [%r1], %r2", "t.s:1: unknown mnemonic 'lock fetch xchg'");
	CHECK_ASM_ERR("lock nand [%r1], %r2", "t.s:1: unknown mnemonic 'lock nand'");
	CHECK_ASM_ERR("ldxb %r0, %r1\nexit", "t.s:1: expected memory operand [%rN+off], got '%r1'");
	CHECK_ASM_ERR("ldxb %r0, [%r1+0x10000]",
		      "t.s:1: offset in '[%r1+0x10000]' is out of range: 16 bits");
	CHECK_ASM_ERR("ldxb %r0, [%r1-32769]", "is out of range: 16 bits");
	CHECK_ASM_ERR("ldxb %r0, [%r1+32768]", "is out of range: 16 bits");
	CHECK_ASM_ERR("ldxb %r0, [%r11+2]", "t.s:1: invalid register in '[%r11+2]'");
	CHECK_ASM_ERR("ldxb %r0, [%r1+2", "expected memory operand");
	CHECK_ASM_ERR("ldxb %r0, [%r1+2]x", "expected memory operand");
	CHECK_ASM_ERR("ldxb %r0, [%r1*2]", "expected memory operand");
	CHECK_ASM_ERR("ldxb %r0, [+2]", "expected memory operand");
	CHECK_ASM_ERR("lddw %r0\nexit",
		      "t.s:1: wrong operand count for 'lddw': expected 2 (lddw %rd, imm64), got 1");
	CHECK_ASM_ERR("lddw %r0, 1, 2", "wrong operand count for 'lddw'");
	CHECK_ASM_ERR("lddw %r1, 0x10000000000000000", "t.s:1: immediate '0x10000000000000000' is "
						       "out of range: 64 bits");
	CHECK_ASM_ERR("lddw %r1, 18446744073709551616", "out of range: 64 bits");
	CHECK_ASM_ERR("lddw %r1, -9223372036854775809", "out of range: 64 bits");
	CHECK_ASM_ERR("lddw %r1, foo", "expected 64-bit immediate, got 'foo'");
	CHECK_ASM_ERR("lddw %r1, map_foo 3", "unknown lddw pseudo source 'map_foo'");
	CHECK_ASM_ERR("lddw %r1, map_fd x", "expected immediate (decimal or 0x hex), got 'x'");
	CHECK_ASM_ERR("or %r0, %r50\nexit",
		      "t.s:1: invalid register '%r50': registers are %r0..%r10");
	CHECK_ASM_ERR("or %r0, %r01", "t.s:1: invalid register '%r01'");
	CHECK_ASM_ERR("or %rx, 1", "t.s:1: expected register %r0..%r10, got '%rx'");
	CHECK_ASM_ERR("neg 1", "expected register %r0..%r10, got '1'");
	CHECK_ASM_ERR("-- Unknown directive", "t.s:1: unknown directive '-- Unknown directive'");
	CHECK_ASM_ERR("exit\n.section text", "t.s:2: unknown directive '.section text'");
	CHECK_ASM_ERR("foo:\nexit\nfoo:\nexit", "t.s:3: label 'foo' is already defined on line 1");
	CHECK_ASM_ERR("1abc:\nexit", "t.s:1: invalid label '1abc:'");
	CHECK_ASM_ERR("a-b: exit", "t.s:1: invalid label 'a-b:'");
	CHECK_ASM_ERR("exit %r0", "t.s:1: wrong operand count for 'exit': expected none, got 1");
	CHECK_ASM_ERR("add %r1", "wrong operand count for 'add': expected 2 (add %rd, %rs|imm), "
				 "got 1");
	CHECK_ASM_ERR("add %r1, 1, 2", "wrong operand count for 'add': expected 2");
	CHECK_ASM_ERR("add %r1, 1, 2, 3, 4, 5", "wrong operand count for 'add': too many operands");
	CHECK_ASM_ERR("add %r1,, 2", "t.s:1: empty operand 2");
	CHECK_ASM_ERR("add %r1, 1,", "t.s:1: empty operand 3");
	CHECK_ASM_ERR("le16 %r1, 16", "wrong operand count for 'le16': expected 1 (le16 %rd)");
	CHECK_ASM_ERR("movsx864 %r1, 5", "'movsx864' takes a register source, got '5'");
	CHECK_ASM_ERR("jeq %r1, 1", "wrong operand count for 'jeq': expected 3");
	CHECK_ASM_ERR("jeq %r1, 1, +40000", "jump offset '+40000' is out of range: 16 bits");
	CHECK_ASM_ERR("jeq %r1, 1, 1x", "expected jump target (+N, -N or a label), got '1x'");
	CHECK_ASM_ERR("ja 99999999999999999999", "jump offset '99999999999999999999' is out of "
						 "range");
	CHECK_ASM_ERR("ja32 +4294967296", "target offset '+4294967296' is out of range: 32 bits");
	CHECK_ASM_ERR("call foo", "expected helper id or register, got 'foo' (a local function is "
				  "called with 'call local foo')");
	CHECK_ASM_ERR("call runtime 1, 40000", "offset '40000' is out of range: 16 bits");
	CHECK_ASM_ERR("call runtime", "wrong operand count for 'call runtime'");
	CHECK_ASM_ERR("call", "wrong operand count for 'call'");
	CHECK_ASM_ERR("mov %r0, \x01\xff'", "got '\\x01\\xff\\x27'");
	/* several errors are all reported, each with its line */
	CHECK_ASM_ERR("foo\nmov %r0, 1\nbar %r1\nexit", "t.s:1: unknown mnemonic 'foo'",
		      "t.s:3: unknown mnemonic 'bar'");
}

TEST(asm_error_nul_byte_and_long_tokens)
{
	static const char nul[] = "mov %r0, 1\n\0\nexit\n";
	const char *const want[] = { "t.s:2: line contains a NUL byte" };
	char big[600];

	check_err_at(__FILE__, __LINE__, nul, sizeof(nul) - 1, want, 1);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_ASM_ERR(big, "t.s:1: mnemonic too long: 'aaaa", "...'");
	memcpy(big, "mov %r0, ", 9);
	CHECK_ASM_ERR(big, "t.s:1: expected register or immediate", "aaa...'");
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "lock ", 5);
	CHECK_ASM_ERR(big, "t.s:1: unknown mnemonic 'lock aaaa");
}

TEST(asm_error_empty_programs)
{
	CHECK_ASM_ERR("", "t.s:1: program has no instructions");
	CHECK_ASM_ERR("# nothing\n\n   \n", "t.s:3: program has no instructions");
	CHECK_ASM_ERR("only_a_label:\n", "program has no instructions");
}

TEST(asm_error_jump_too_far)
{
	size_t n = 40000, i, len = 0;
	char *text = malloc(n * 12 + 64);

	if (!text)
		SKIP("out of memory");
	len += (size_t)sprintf(text + len, "ja far\n");
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "mov %%r0, 1\n");
	len += (size_t)sprintf(text + len, "far:\nja32 top\ntop:\nexit\n");
	{
		const char *const want[] = { "t.s:1: jump to label 'far' is too far: offset 40000 "
					     "does not fit 16 bits" };

		check_err_at(__FILE__, __LINE__, text, len, want, 1);
	}
	free(text);
}

TEST(asm_error_count_is_limited)
{
	char text[30 * 5 + 1] = "", log[8192];
	struct bpfhost_insn *p = NULL;
	size_t n = 0, lines = 0;
	const char *s;
	int i;

	for (i = 0; i < 30; i++)
		strcat(text, "foo\n");
	CHECK_EQ(asm_text(text, strlen(text), &p, &n, log, sizeof(log)), -EINVAL);
	for (s = log; (s = strstr(s, "unknown mnemonic")); s++)
		lines++;
	CHECK_EQ(lines, 20);
	CHECK_CONTAINS(log, "t.s:20: too many errors, stopping");
}

TEST(asm_arguments_and_options)
{
	struct bpfhost_insn *p = NULL;
	size_t n = 0;
	char log[64];
	struct bpfhost_asm_opts bad = { .sz = 1, .log_buf = NULL };
	/* no log buffer: messages go to the print callback, silenced here */
	bpfhost_print_fn_t old = bpfhost_set_print(NULL);

	CHECK_EQ(bpfhost_asm("exit", 4, NULL, &n, NULL), -EINVAL);
	CHECK_EQ(bpfhost_asm("exit", 4, &p, NULL, NULL), -EINVAL);
	CHECK_EQ(bpfhost_asm(NULL, 4, &p, &n, NULL), -EINVAL);
	CHECK_EQ(bpfhost_asm("exit", 4, &p, &n, &bad), -EINVAL);
	CHECK_EQ(bpfhost_asm("nope", 4, &p, &n, NULL), -EINVAL);
	bpfhost_set_print(old);
	{
		BPFHOST_OPTS_INIT(bpfhost_asm_opts, o, .log_buf = log, .log_size = sizeof(log));

		CHECK_EQ(bpfhost_asm(NULL, 0, &p, &n, &o), -EINVAL);
		CHECK_CONTAINS(log, "program has no instructions");
		CHECK_EQ(bpfhost_asm("exit", 4, &p, &n, &o), 0);
		bpfhost_insns_free(p);
	}
	{
		BPFHOST_OPTS_INIT(bpfhost_asm_opts, o, .log_buf = log, .log_size = sizeof(log));

		CHECK_EQ(bpfhost_asm("nope", 4, &p, &n, &o), -EINVAL);
		CHECK_STR(log, "<input>:1: unknown mnemonic 'nope'\n");
		CHECK_EQ(o.log_true_size, strlen(log) + 1);
	}
	{
		/* a log that does not fit: still -EINVAL, true size reported */
		BPFHOST_OPTS_INIT(bpfhost_asm_opts, o, .log_buf = log, .log_size = 10);

		CHECK_EQ(bpfhost_asm("nope", 4, &p, &n, &o), -EINVAL);
		CHECK_EQ(strlen(log), 9);
		CHECK_EQ(o.log_true_size, strlen("<input>:1: unknown mnemonic 'nope'\n") + 1);
	}
	{
		BPFHOST_OPTS_INIT(bpfhost_asm_opts, o, .log_buf = log, .log_size = sizeof(log));

		CHECK_EQ(bpfhost_asm("exit", 4, &p, &n, &o), 0);
		CHECK_EQ(n, 1);
		CHECK_STR(log, "");
		bpfhost_insns_free(p);
	}
	bpfhost_insns_free(NULL);
}

/* Cheap deterministic PRNG (xorshift64*). */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 2685821657736338717ull;
}

/* Any outcome but a crash is fine; failures must carry located messages. */
static void check_robust(const char *text, size_t len)
{
	struct bpfhost_insn *p = NULL;
	size_t n = 0;
	char log[8192];
	int ret = asm_text(text, len, &p, &n, log, sizeof(log));

	if (ret == 0) {
		CHECK(n > 0 && p);
		bpfhost_insns_free(p);
		return;
	}
	CHECK_MSG(ret == -EINVAL, "random text: returned %d", ret);
	CHECK_MSG(!strncmp(log, "t.s:", 4), "random text: log \"%s\"", log);
	CHECK(!p && !n);
}

TEST(asm_random_garbage_never_crashes)
{
	static const char *const tokens[] = {
		"mov",	 "add32",   "lddw", "lock", "fetch", "call",
		"local", "runtime", "ja",   "jeq",  "exit",  "ldxw",
		"stw",	 "stxdw",   "%r1",  "%r10", "%r11",  "[",
		"]",	 "+",	    "-",    ",",    ":",     "#",
		"\n",	 "\r",	    "0x",   "-1",   "7",     "lbl",
		"lbl:",	 "xchg",    "32",   " ",    "\t",    "0xffffffffffffffffff",
		"[%r1+", "map_fd",  "func", "--",   ".",     "\xff",
		"exit:", "swap16",
	};
	char buf[512];
	int iter;

	for (iter = 0; iter < 3000; iter++) {
		size_t len = rnd() % sizeof(buf), i;

		for (i = 0; i < len; i++)
			buf[i] = (char)rnd();
		check_robust(buf, len);
	}
	for (iter = 0; iter < 6000; iter++) {
		size_t len = 0, k = rnd() % 40;

		while (k--) {
			const char *t = tokens[rnd() % (sizeof(tokens) / sizeof(tokens[0]))];
			size_t tl = strlen(t);

			if (len + tl + 1 >= sizeof(buf))
				break;
			memcpy(buf + len, t, tl);
			len += tl;
			if (rnd() % 3 == 0)
				buf[len++] = ' ';
		}
		check_robust(buf, len);
	}
}

/* ---- the shared conformance suite ---- */

static const char *conf_dir(void)
{
	const char *why = "";
	const char *d = bh_test_conformance_dir(&why);

	if (!d)
		bh_test_skip("%s", why);
	return d;
}

TEST(asm_conformance_negative_assembler_cases)
{
	static const char *const files[] = {
		"empty",
		"empty_instructions",
		"invalid_imm32_dec_range",
		"invalid_imm32_hex_range",
		"invalid_label",
		"invalid_lock",
		"invalid_lock2",
		"invalid_mnemonic",
		"invalid_offset",
		"invalid_offset_range",
		"invalid_operand_count",
		"invalid_register",
		"invalid_unknown_directive",
	};
	const char *dir = conf_dir();
	size_t i;

	if (!dir)
		return;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct bh_datafile df;
		struct bpfhost_insn *p = NULL;
		char path[4096], err[256], log[1024];
		size_t n = 0;
		int ret;

		snprintf(path, sizeof(path), "%.3000s/negative/%s.data", dir, files[i]);
		ret = bh_datafile_load(path, &df, err, sizeof(err));
		CHECK_MSG(ret == 0, "%s: %s", path, err);
		if (ret)
			continue;
		ret = asm_text(df.asm_text ? df.asm_text : "", df.asm_text ? df.asm_len : 0, &p, &n,
			       log, sizeof(log));
		CHECK_MSG(ret == -EINVAL, "%s: assembled (%d)", files[i], ret);
		CHECK_MSG(!strncmp(log, "t.s:", 4), "%s: log \"%s\"", files[i], log);
		if (getenv("BH_TEST_VERBOSE"))
			printf("  %-28s %s", files[i], log);
		if (!ret)
			bpfhost_insns_free(p);
		bh_datafile_free(&df);
	}
}

/*
 * The .data reader takes "-- Unknown directive" for a section of its own;
 * fed to the assembler as the text of the asm section, it is a directive.
 */
TEST(asm_conformance_unknown_directive_verbatim)
{
	const char *dir = conf_dir();
	char path[4096], *text, *start, *end;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%.3000s/negative/invalid_unknown_directive.data", dir);
	text = bh_test_read_file(path, NULL);
	CHECK_MSG(text, "cannot read %s", path);
	if (!text)
		return;
	start = strstr(text, "-- asm\n");
	end = start ? strstr(start, "-- error") : NULL;
	CHECK_MSG(start && end, "%s: no asm/error sections", path);
	if (start && end) {
		start += strlen("-- asm\n");
		*end = '\0';
		{
			const char *const want[] = { "t.s:1: unknown directive '-- Unknown "
						     "directive'" };

			check_err_at(__FILE__, __LINE__, start, strlen(start), want, 1);
		}
	}
	free(text);
}

/* Every positive test assembles into a valid program; asm matches raw. */
TEST(asm_conformance_programs_assemble_and_match_raw)
{
	const char *dir = conf_dir();
	char sub[2048], path[4096], err[256], log[1024];
	char **names = NULL;
	int cnt, i, with_raw = 0;

	if (!dir)
		return;
	snprintf(sub, sizeof(sub), "%.2000s/tests", dir);
	cnt = bh_datafile_list(sub, &names);
	CHECK_MSG(cnt > 0, "no .data files in %s (%d)", sub, cnt);
	for (i = 0; i < cnt; i++) {
		struct bh_datafile df;
		struct bpfhost_insn *p = NULL;
		size_t n = 0, k;
		int ret;

		snprintf(path, sizeof(path), "%s/%.2000s", sub, names[i]);
		ret = bh_datafile_load(path, &df, err, sizeof(err));
		CHECK_MSG(ret == 0, "%s: %s", names[i], err);
		if (ret || !df.has_asm) {
			bh_datafile_free(&df);
			continue;
		}
		ret = asm_text(df.asm_text, df.asm_len, &p, &n, log, sizeof(log));
		CHECK_MSG(ret == 0, "%s: %s", names[i], log);
		if (!ret) {
			BPFHOST_OPTS_INIT(bpfhost_validate_opts, vo, .log_buf = log,
					  .log_size = sizeof(log));

			CHECK_MSG(bpfhost_insns_validate(p, n, &vo) == 0, "%s: %s", names[i], log);
		}
		if (!ret && df.has_raw) {
			with_raw++;
			CHECK_MSG(n == df.raw_cnt, "%s: %zu slots, raw has %zu", names[i], n,
				  df.raw_cnt);
			for (k = 0; k < n && k < df.raw_cnt; k++)
				CHECK_MSG(same_insn(&p[k], &df.raw[k]), "%s: slot %zu differs",
					  names[i], k);
		}
		bpfhost_insns_free(p);
		bh_datafile_free(&df);
	}
	CHECK_MSG(with_raw >= 1, "no test with both asm and raw found");
	bh_datafile_names_free(names, cnt);
}
