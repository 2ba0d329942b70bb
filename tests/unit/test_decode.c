/* SPDX-License-Identifier: MIT */
/* Decoder and encoding-validator tests. */
#include <errno.h>
#include <stdlib.h>

#include "isa/isa.h"
#include "../lib/harness.h"

#define INSN(c, d, s, o, i)     \
	((struct bpfhost_insn){ \
		.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define EXIT_INSN INSN(0x95, 0, 0, 0, 0)

static int validate(const struct bpfhost_insn *p, size_t n, char *log, size_t logsz)
{
	BPFHOST_OPTS_INIT(bpfhost_validate_opts, o, .log_buf = log, .log_size = logsz);
	return bpfhost_insns_validate(p, n, &o);
}

TEST(decode_table_entries_with_same_code_are_contiguous)
{
	int op, seen[256];

	for (op = 0; op < 256; op++)
		seen[op] = -1;
	for (op = 0; op < BH_OP__COUNT; op++) {
		uint8_t c = bh_opinfo[op].code;

		if (seen[c] >= 0 && seen[c] != op - 1)
			bh_test_fail(__FILE__, __LINE__, "%s not adjacent to other 0x%02x entries",
				     bh_opinfo[op].name, c);
		seen[c] = op;
	}
}

TEST(decode_every_table_entry_roundtrips)
{
	int op;

	for (op = 0; op < BH_OP__COUNT; op++) {
		const struct bh_opinfo *oi = &bh_opinfo[op];
		struct bpfhost_insn in = INSN(oi->code, 1, 2, 0, 0);

		if (oi->sel == BH_SEL_OFF)
			in.off = (int16_t)oi->selval;
		else if (oi->sel == BH_SEL_IMM)
			in.imm = oi->selval;
		else if (oi->sel == BH_SEL_SRC)
			in.src_reg = (uint8_t)oi->selval;
		CHECK_MSG(bh_decode_op(&in) == op, "%s decodes as %d", oi->name, bh_decode_op(&in));
	}
}

TEST(validate_accepts_minimal_program)
{
	struct bpfhost_insn p[] = { INSN(0xb7, 0, 0, 0, 1), EXIT_INSN };
	char log[256] = "";

	CHECK_EQ(validate(p, 2, log, sizeof(log)), 0);
	CHECK_STR(log, "");
}

TEST(validate_refusals_name_insn_and_rule)
{
	static const struct {
		struct bpfhost_insn p[3];
		size_t n;
		int err;
		const char *msg;
	} cases[] = {
		{ { INSN(0xff, 0, 0, 0, 0), EXIT_INSN },
		  2,
		  -EINVAL,
		  "insn 0: unknown opcode 0xff" },
		{ { INSN(0x07, 0, 0, 1, 1), EXIT_INSN },
		  2,
		  -EINVAL,
		  "insn 0: add (0x07): off must be 0, got 1" },
		{ { INSN(0x37, 0, 0, 2, 1), EXIT_INSN },
		  2,
		  -EINVAL,
		  "insn 0: opcode 0x37: off 2 selects no operation" },
		{ { INSN(0xb7, 10, 0, 0, 1), EXIT_INSN },
		  2,
		  -EINVAL,
		  "r10 is the read-only frame pointer" },
		{ { INSN(0xbf, 0, 11, 0, 0), EXIT_INSN }, 2, -EINVAL, "invalid src register r11" },
		{ { INSN(0x05, 0, 0, 5, 0), EXIT_INSN },
		  2,
		  -EINVAL,
		  "insn 0: jump target 6 is outside the program [0, 2)" },
		{ { INSN(0x05, 0, 0, 1, 0), INSN(0x18, 0, 0, 0, 1), INSN(0, 0, 0, 0, 0) },
		  3,
		  -EINVAL,
		  "target 2 is the second slot of lddw at insn 1" },
		{ { INSN(0xb7, 0, 0, 0, 0), INSN(0x18, 0, 0, 0, 1) },
		  2,
		  -EINVAL,
		  "lddw is incomplete" },
		{ { INSN(0x18, 0, 0, 0, 1), INSN(0x18, 0, 0, 0, 0), EXIT_INSN },
		  3,
		  -EINVAL,
		  "second slot of lddw at insn 0 must have code" },
		{ { INSN(0xb7, 0, 0, 0, 0) },
		  1,
		  -EINVAL,
		  "must end with exit or an unconditional jump" },
		{ { INSN(0x85, 0, 1, 0, 7), EXIT_INSN },
		  2,
		  -EINVAL,
		  "call local target 8 is outside" },
		{ { INSN(0x95, 1, 0, 0, 0) }, 1, -EINVAL, "exit (0x95): dst must be 0" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char log[512] = "";
		int err = validate(cases[i].p, cases[i].n, log, sizeof(log));

		CHECK_EQ(err, cases[i].err);
		CHECK_CONTAINS(log, cases[i].msg);
	}
}

TEST(validate_limit_and_empty)
{
	struct bpfhost_insn p[4] = { INSN(0xb7, 0, 0, 0, 0), INSN(0xb7, 0, 0, 0, 0),
				     INSN(0xb7, 0, 0, 0, 0), EXIT_INSN };
	char log[256] = "";
	BPFHOST_OPTS_INIT(bpfhost_validate_opts, o, .insn_limit = 3, .log_buf = log,
			  .log_size = sizeof(log));

	CHECK_EQ(bpfhost_insns_validate(p, 4, &o), -E2BIG);
	CHECK_CONTAINS(log, "more than the limit of 3");
	CHECK_EQ(validate(p, 0, log, sizeof(log)), -EINVAL);
	CHECK_CONTAINS(log, "no instructions");
}

TEST(validate_log_never_silently_truncated)
{
	struct bpfhost_insn p[] = { INSN(0xff, 0, 0, 0, 0), EXIT_INSN };
	char log[8];
	BPFHOST_OPTS_INIT(bpfhost_validate_opts, o, .log_buf = log, .log_size = sizeof(log));

	CHECK_EQ(bpfhost_insns_validate(p, 2, &o), -EINVAL);
	CHECK_EQ(strlen(log), 7);
	CHECK(o.log_true_size > sizeof(log));
}

TEST(validate_fuzzish_random_bytes_never_crash)
{
	unsigned seed = 12345;
	int round;

	for (round = 0; round < 20000; round++) {
		struct bpfhost_insn p[8];
		unsigned char *b = (unsigned char *)p;
		size_t i, n = 1 + (size_t)(round % 8);
		char log[128];

		for (i = 0; i < sizeof(p); i++) {
			seed = seed * 1103515245u + 12345u;
			b[i] = (unsigned char)(seed >> 16);
		}
		(void)validate(p, n, log, sizeof(log));
	}
}
