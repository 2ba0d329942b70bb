/* SPDX-License-Identifier: MIT */
/*
 * `bpfhost disasm FILE [syntax linux|ubpf]`: print raw instruction bytes as
 * text. Linux syntax (the default) is the verifier-log form
 * "   0: (b7) r0 = 1"; uBPF syntax is assembly that `bpfhost asm` turns
 * back into the same bytes. JSON mode gives one {"idx","code","insn"}
 * object per instruction (lddw counts once, at its first slot).
 *
 * Every slot is decoded before anything is printed, so an undecodable
 * instruction is an error naming its index rather than half a listing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

static int do_help(void)
{
	if (json_output) {
		json_null(json_wtr);
		return 0;
	}
	fprintf(stdout,
		"Usage: %s disasm FILE [syntax { linux | ubpf }]\n"
		"       %s disasm help\n"
		"\n"
		"Disassemble FILE, raw eBPF instructions (8 little-endian bytes each).\n"
		"syntax linux (default): verifier-log style, '   0: (b7) r0 = 1'.\n"
		"syntax ubpf: assembly that '%s asm' reassembles to the same bytes.\n",
		bin_name, bin_name, bin_name);
	return 0;
}

static const char *const syntax_words[] = { "linux", "ubpf", NULL };
static const char *const disasm_keywords[] = { "syntax", NULL };

/* Decode every instruction once; report the first that cannot be. */
static int check_decodable(const char *path, const struct bpfhost_insn *insns, size_t cnt,
			   enum bpfhost_disasm_syntax syntax)
{
	char buf[BPFHOST_DISASM_BUF_SIZE];
	size_t i = 0;

	while (i < cnt) {
		int n = bpfhost_disasm_insn(insns, cnt, i, syntax, buf, sizeof(buf));

		if (n <= 0) {
			p_err("'%s': insn %zu (code 0x%02x): %s", path, i, insns[i].code,
			      n == -EINVAL && buf[0] ? buf : strerror(n ? -n : EINVAL));
			return -1;
		}
		i += (size_t)n;
	}
	return 0;
}

static void print_json(const struct bpfhost_insn *insns, size_t cnt,
		       enum bpfhost_disasm_syntax syntax)
{
	char buf[BPFHOST_DISASM_BUF_SIZE], code[8];
	size_t i = 0;

	json_start_array(json_wtr);
	while (i < cnt) {
		int n = bpfhost_disasm_insn(insns, cnt, i, syntax, buf, sizeof(buf));

		snprintf(code, sizeof(code), "0x%02x", insns[i].code);
		json_start_object(json_wtr);
		json_uint_field(json_wtr, "idx", i);
		json_string_field(json_wtr, "code", code);
		json_string_field(json_wtr, "insn", buf);
		json_end_object(json_wtr);
		i += n > 0 ? (size_t)n : 1;
	}
	json_end_array(json_wtr);
}

int do_disasm(int argc, char **argv)
{
	enum bpfhost_disasm_syntax syntax = BPFHOST_DISASM_LINUX;
	struct bpfhost_insn *insns = NULL;
	const char *path;
	char *buf = NULL;
	size_t len, cnt;
	int i, err, ret = -1;

	if (argc < 1) {
		p_err("disasm: expected a FILE of raw instructions");
		return -1;
	}
	if (argc == 1 && !strcmp(argv[0], "help"))
		return do_help();
	path = argv[0];
	for (i = 1; i < argc; i += 2) {
		int kw = match_word(argv[i], disasm_keywords, "disasm keyword");
		int s;

		if (kw < 0)
			return -1;
		if (i + 1 >= argc) {
			p_err("disasm: keyword '%s' needs a value (linux or ubpf)", argv[i]);
			return -1;
		}
		s = match_word(argv[i + 1], syntax_words, "syntax");
		if (s < 0)
			return -1;
		syntax = s == 0 ? BPFHOST_DISASM_LINUX : BPFHOST_DISASM_UBPF;
	}
	if (is_asm_name(path)) {
		p_err("disasm: '%s' looks like assembly source; disasm reads raw instructions "
		      "(assemble it with '%s asm' first)",
		      path, bin_name);
		return -1;
	}
	if (read_file(path, MAX_PROG_FILE, &buf, &len))
		return -1;
	if (insns_from_bytes(path, buf, len, &insns, &cnt))
		goto out;
	if (check_decodable(path, insns, cnt, syntax))
		goto out;
	if (json_output) {
		print_json(insns, cnt, syntax);
	} else {
		err = bpfhost_disasm_fprint(stdout, insns, cnt, syntax);
		if (err) {
			p_err("'%s': disassembly failed: %s", path, strerror(-err));
			goto out;
		}
	}
	ret = 0;
out:
	free(insns);
	free(buf);
	return ret;
}
