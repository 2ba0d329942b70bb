/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: arbitrary text through the assembler, then a round
 * trip through the disassembler.
 *
 * The text is copied into an exactly-sized, not NUL-terminated heap buffer,
 * so the assembler must honour its length argument. When it assembles and
 * the result validates, the program is disassembled in uBPF syntax and that
 * text assembled again: the bytes must be identical, otherwise the
 * assembler and disassembler disagree, which is a bug (abort). Failures
 * must come with a log message.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpfhost/isa.h>

#define MAX_TEXT (64 * 1024)

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	bpfhost_set_print(NULL);
	devnull = fopen("/dev/null", "w");
	return 0;
}

static void dump_program(const char *title, const struct bpfhost_insn *p, size_t n)
{
	size_t i;

	fprintf(stderr, "%s (%zu slots):\n", title, n);
	for (i = 0; i < n; i++)
		fprintf(stderr, "  %4zu: %02x %x %x %6d %d\n", i, p[i].code, p[i].dst_reg,
			p[i].src_reg, p[i].off, p[i].imm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpfhost_insn *insns = NULL, *again = NULL;
	size_t cnt = 0, cnt2 = 0, dlen = 0;
	char log[256], *text, *dis = NULL;
	FILE *ms;
	int err;

	if (size > MAX_TEXT)
		return 0;
	text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);

	{
		BPFHOST_OPTS_INIT(bpfhost_asm_opts, ao, .filename = "fuzz.s", .log_buf = log,
				  .log_size = sizeof(log));

		log[0] = '\0';
		err = bpfhost_asm(text, size, &insns, &cnt, &ao);
		if (err) {
			if (err > 0 || !log[0] || ao.log_true_size < 2) {
				fprintf(stderr, "fuzz_asm: failure %d without a message\n", err);
				abort();
			}
			goto out;
		}
	}
	{
		BPFHOST_OPTS_INIT(bpfhost_validate_opts, vo, .log_buf = log,
				  .log_size = sizeof(log));

		if (bpfhost_insns_validate(insns, cnt, &vo))
			goto out;
	}
	if (devnull)
		bpfhost_disasm_fprint(devnull, insns, cnt, BPFHOST_DISASM_LINUX);

	ms = open_memstream(&dis, &dlen);
	if (!ms)
		goto out;
	err = bpfhost_disasm_fprint(ms, insns, cnt, BPFHOST_DISASM_UBPF);
	fclose(ms);
	if (err) {
		dump_program("fuzz_asm: a validated program does not disassemble", insns, cnt);
		abort();
	}
	{
		BPFHOST_OPTS_INIT(bpfhost_asm_opts, ao, .filename = "disasm.s", .log_buf = log,
				  .log_size = sizeof(log));

		log[0] = '\0';
		err = bpfhost_asm(dis, dlen, &again, &cnt2, &ao);
	}
	if (err || cnt2 != cnt || memcmp(insns, again, cnt * sizeof(*insns))) {
		fprintf(stderr, "fuzz_asm: disassembly does not reassemble to the same bytes\n");
		fprintf(stderr, "--- disassembly ---\n%s--- reassembly: %d %s\n", dis, err, log);
		dump_program("original", insns, cnt);
		if (!err)
			dump_program("reassembled", again, cnt2);
		abort();
	}
out:
	bpfhost_insns_free(again);
	bpfhost_insns_free(insns);
	free(dis);
	free(text);
	return 0;
}
