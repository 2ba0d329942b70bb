/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: arbitrary bytes as a program.
 *
 * The input is cut into 8-byte instruction slots (a trailing partial slot is
 * dropped) copied into an exactly-sized heap array, so that any read past
 * the program is caught by AddressSanitizer. Every layer that takes raw
 * instructions sees them: the validator (internal and public, with a tiny
 * log buffer to exercise truncation), the decoder, the disassembler in both
 * syntaxes (per slot, with exact-size output buffers, and whole-program) and
 * the engine loader (never run: memory accesses are not checked there).
 *
 * Beyond "no crash", it checks agreements that must hold: a rejected
 * program always says why, the validator's decoded ops match the decoder,
 * a program that validates disassembles completely, and the loader accepts
 * nothing the validator rejects.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa.h"

#define MAX_SLOTS 4096

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	bpfhost_set_print(NULL);
	devnull = fopen("/dev/null", "w");
	return 0;
}

static void fail(const char *what, size_t idx)
{
	fprintf(stderr, "fuzz_decode: %s (insn %zu)\n", what, idx);
	abort();
}

/* Disassemble one slot into an exactly-sized heap buffer. */
static int disasm_exact(const struct bpfhost_insn *insns, size_t cnt, size_t i,
			enum bpfhost_disasm_syntax syntax, size_t bufsz)
{
	char *buf = malloc(bufsz);
	int n;

	if (!buf)
		return -ENOMEM;
	n = bpfhost_disasm_insn(insns, cnt, i, syntax, buf, bufsz);
	if (n != -ENOSPC && !memchr(buf, '\0', bufsz))
		fail("disasm output is not NUL-terminated", i);
	free(buf);
	return n;
}

static void check_disasm(const struct bpfhost_insn *insns, size_t cnt, const int16_t *ops,
			 bool valid)
{
	static const enum bpfhost_disasm_syntax syntaxes[] = { BPFHOST_DISASM_LINUX,
							       BPFHOST_DISASM_UBPF };
	size_t s, i;

	for (s = 0; s < 2; s++) {
		for (i = 0; i < cnt; i++) {
			char buf[BPFHOST_DISASM_BUF_SIZE];
			int n = bpfhost_disasm_insn(insns, cnt, i, syntaxes[s], buf, sizeof(buf));

			if (n == -ENOSPC)
				fail("BPFHOST_DISASM_BUF_SIZE was not enough", i);
			if (n != 1 && n != 2 && n != -EINVAL)
				fail("disasm returned an unexpected value", i);
			if (!memchr(buf, '\0', sizeof(buf)))
				fail("disasm output is not NUL-terminated", i);
			if (valid && ops[i] >= 0 && n < 0)
				fail("a validated instruction does not disassemble", i);
			if (n > 0) {
				/* a tight buffer gives the same text or -ENOSPC */
				size_t need = strlen(buf) + 1;

				if (disasm_exact(insns, cnt, i, syntaxes[s], need) != n)
					fail("disasm differs with an exactly-sized buffer", i);
				if (need > 1 &&
				    disasm_exact(insns, cnt, i, syntaxes[s], need - 1) != -ENOSPC)
					fail("disasm did not report a short buffer", i);
			}
		}
		if (devnull) {
			int err = bpfhost_disasm_fprint(devnull, insns, cnt, syntaxes[s]);

			if (valid && err)
				fail("a validated program does not disassemble", 0);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cnt = size / 8, i;
	struct bh_log log = BH_LOG_INIT;
	struct bpfhost_insn *insns;
	struct bpfhost_vm *vm;
	int16_t *ops;
	char small[16];
	int err, perr;

	if (cnt == 0 || cnt > MAX_SLOTS)
		return 0;
	insns = malloc(cnt * sizeof(*insns));
	ops = malloc(cnt * sizeof(*ops));
	if (!insns || !ops)
		goto out;
	memcpy(insns, data, cnt * sizeof(*insns));

	err = bh_validate(insns, cnt, 0, ops, &log);
	if (err && (err != -EINVAL && err != -E2BIG))
		fail("validator returned an unexpected error", 0);
	if (err && !log.len)
		fail("a rejected program has no log message", 0);
	if (!err && log.len)
		fail("an accepted program has a log message", 0);
	bh_log_free(&log);

	for (i = 0; i < cnt; i++) {
		int op = bh_decode_op(&insns[i]);

		if (op >= BH_OP__COUNT)
			fail("decoder returned an out-of-range op", i);
		if (op >= 0 && bh_opinfo[op].code != insns[i].code)
			fail("decoded op has another opcode byte", i);
		if (!err && ops[i] >= 0 && ops[i] != op)
			fail("validator and decoder disagree", i);
		if (!err && ops[i] >= 0 && bh_opinfo[op].fmt == BH_FMT_LDDW && ops[i + 1] != -1)
			fail("second slot of lddw not marked", i);
	}

	/* the public entry point with a log buffer too small for any message */
	{
		BPFHOST_OPTS_INIT(bpfhost_validate_opts, vo, .log_buf = small,
				  .log_size = sizeof(small));

		perr = bpfhost_insns_validate(insns, cnt, &vo);
		if (!err && perr)
			fail("public validate disagrees with bh_validate", 0);
		if (err && perr >= 0)
			fail("public validate accepted a rejected program", 0);
		if (strlen(small) >= sizeof(small) || vo.log_true_size < strlen(small) + 1)
			fail("log truncation not reported", 0);
	}

	check_disasm(insns, cnt, ops, !err);

	{
		BPFHOST_OPTS_INIT(bpfhost_vm_opts, lo);

		errno = 0;
		vm = bpfhost_vm__load(insns, cnt, &lo);
		if (vm && err)
			fail("loader accepted a program the validator rejects", 0);
		if (!vm && !errno)
			fail("loader failed without setting errno", 0);
		if (vm && bpfhost_vm__insn_cnt(vm) != cnt)
			fail("loaded program has another length", 0);
		bpfhost_vm__free(vm);
	}
out:
	free(ops);
	free(insns);
	return 0;
}
