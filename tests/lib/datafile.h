/* SPDX-License-Identifier: MIT */
/*
 * Reader for the bpf_conformance ".data" test format (used by the shared
 * conformance suite and by the project's own tests/isa files).
 *
 * A file is a sequence of sections opened by a line whose first non-blank
 * characters are "--": "-- asm" (program text), "-- raw" (instructions as one
 * little-endian u64 per line, or as 8 hex bytes per line), "-- mem" (input
 * memory, hex bytes), "-- result" (expected r0, 0x-hex or decimal) and
 * "-- error" (expected failure text). "-- c", "-- no register offset" and
 * any other section are notes whose contents are ignored. '#' starts a
 * comment anywhere, CR is dropped, blank lines are skipped. Text before the
 * first section (other than comments) is an error, as are repeated sections
 * and malformed numbers or bytes; the message names the line.
 */
#ifndef BH_TESTS_DATAFILE_H
#define BH_TESTS_DATAFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bpfhost/isa.h>

struct bh_datafile {
	/*
	 * Program text of "-- asm" (NUL-terminated), comments removed. It is
	 * preceded by empty lines so that its line N is line N of the file,
	 * which makes assembler messages point into the .data file.
	 */
	char *asm_text;
	size_t asm_len;
	bool has_asm;
	int asm_line; /* line of the "-- asm" header */

	struct bpfhost_insn *raw;
	size_t raw_cnt;
	bool has_raw;

	uint8_t *mem;
	size_t mem_len;
	bool has_mem;

	uint64_t result;
	bool has_result;

	/* lines of "-- error" joined by '\n', trimmed; "" when the section is empty */
	char *error;
	bool has_error;
};

/*
 * Parse `len` bytes of text into *df (zeroed first). Returns 0, or -EINVAL
 * with "line N: message" in err (or -ENOMEM). On failure *df holds nothing
 * to free, but bh_datafile_free() is still safe to call.
 */
int bh_datafile_parse(const char *text, size_t len, struct bh_datafile *df, char *err,
		      size_t err_sz);
/* Read and parse a file; errors as above, plus -errno if it cannot be read. */
int bh_datafile_load(const char *path, struct bh_datafile *df, char *err, size_t err_sz);
void bh_datafile_free(struct bh_datafile *df);

/*
 * Sorted names (not paths) of the regular files ending in ".data" in dir.
 * Returns the count (>= 0) and a malloc'ed array in *names (free with
 * bh_datafile_names_free), or a negative errno.
 */
int bh_datafile_list(const char *dir, char ***names);
void bh_datafile_names_free(char **names, int cnt);

#endif /* BH_TESTS_DATAFILE_H */
