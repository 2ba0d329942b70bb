/* SPDX-License-Identifier: MIT */
/*
 * `bpfhost asm FILE.s [-o FILE.bin]`: assemble uBPF-dialect source into raw
 * little-endian instruction bytes, 8 per slot, as read back by `disasm` and
 * `prog run` (and as the bpf_conformance `-- raw` form spells them).
 *
 * Output: -o FILE, or by default the source name with its .s/.asm suffix
 * replaced by .bin (FILE.bin appended for other names). `-o -` writes to
 * stdout, which is refused when stdout is a terminal; FILE `-` is stdin
 * (then -o is required). Nothing is printed on
 * success; JSON mode prints {"file","output","insn_cnt"}.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "main.h"

static int do_help(void)
{
	if (json_output) {
		json_null(json_wtr);
		return 0;
	}
	fprintf(stdout,
		"Usage: %s asm FILE [-o OUTPUT]\n"
		"       %s asm help\n"
		"\n"
		"Assemble FILE (uBPF/bpf_conformance assembly dialect) into raw eBPF\n"
		"instructions: 8 little-endian bytes per instruction slot.\n"
		"OUTPUT defaults to FILE with its .s/.asm suffix replaced by .bin;\n"
		"'-o -' writes to stdout (refused if stdout is a terminal).\n",
		bin_name, bin_name);
	return 0;
}

/* FILE.s -> FILE.bin, FILE.asm -> FILE.bin, other -> other.bin */
static char *default_output(const char *src)
{
	size_t n = strlen(src);
	char *out;

	if (is_asm_name(src))
		n -= src[n - 1] == 's' && src[n - 2] == '.' ? 2 : 4;
	out = malloc(n + sizeof(".bin"));
	if (!out)
		return NULL;
	memcpy(out, src, n);
	memcpy(out + n, ".bin", sizeof(".bin"));
	return out;
}

int do_asm(int argc, char **argv)
{
	struct bpfhost_insn *insns = NULL;
	unsigned char *bytes = NULL;
	const char *src, *dst;
	char *text = NULL, *def_out = NULL;
	size_t len, cnt;
	int ret = -1;

	if (argc < 1) {
		p_err("asm: expected a source FILE");
		return -1;
	}
	if (argc == 1 && !strcmp(argv[0], "help"))
		return do_help();
	if (argc > 1) {
		p_err("asm: unexpected argument '%s' (the output file is given with -o)", argv[1]);
		return -1;
	}
	src = argv[0];
	dst = output_path;
	if (!dst && !strcmp(src, "-")) {
		p_err("asm: reading the source from stdin needs an output file (-o FILE)");
		return -1;
	}
	if (dst && !strcmp(dst, src) && strcmp(src, "-")) {
		p_err("asm: output '%s' would overwrite the source", dst);
		return -1;
	}
	if (!dst) {
		def_out = default_output(src);
		if (!def_out) {
			p_err("out of memory");
			return -1;
		}
		dst = def_out;
	}
	if (!strcmp(dst, "-")) {
		if (json_output) {
			p_err("asm: cannot write instructions and JSON both to stdout; use -o "
			      "FILE");
			goto out;
		}
		if (isatty(STDOUT_FILENO)) {
			p_err("asm: refusing to write binary instructions to a terminal; use -o "
			      "FILE");
			goto out;
		}
	}
	if (read_file(src, MAX_PROG_FILE, &text, &len))
		goto out;
	if (assemble_text(strcmp(src, "-") ? src : "<stdin>", text, len, &insns, &cnt))
		goto out;
	bytes = malloc(cnt * 8);
	if (!bytes) {
		p_err("out of memory for %zu instructions", cnt);
		goto out;
	}
	insns_to_bytes(insns, cnt, bytes);
	if (write_file(dst, bytes, cnt * 8))
		goto out;
	if (json_output) {
		json_start_object(json_wtr);
		json_string_field(json_wtr, "file", src);
		json_string_field(json_wtr, "output", dst);
		json_uint_field(json_wtr, "insn_cnt", cnt);
		json_end_object(json_wtr);
	}
	ret = 0;
out:
	free(bytes);
	free(insns);
	free(text);
	free(def_out);
	return ret;
}
