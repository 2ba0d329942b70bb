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

/* ---- taking a file's program through the engine ---- */

/* Where a program stopped; BH_DF_OK means it ran to completion. */
enum bh_df_stage {
	BH_DF_ASM = 1,	/* bpfhost_asm on "-- asm" (or asm/raw disagreement) */
	BH_DF_VALIDATE, /* bpfhost_insns_validate */
	BH_DF_LOAD,	/* bpfhost_vm__load */
	BH_DF_RUN,	/* bpfhost_vm__run */
	BH_DF_OK,
};

/* "asm", "validate", "load", "run", "ok" */
const char *bh_df_stage_name(enum bh_df_stage stage);

struct bh_df_outcome {
	enum bh_df_stage stage;
	int err;	/* negative errno of the failed stage */
	char msg[2048]; /* its diagnostics: log text, or "E2BIG: ..." for run */
	uint64_t r0;	/* stage == BH_DF_OK */
};

/*
 * The program of a file: "-- asm" assembled (name is used in assembler
 * messages), else "-- raw"; when both are present they must agree slot for
 * slot. A file with neither gives 0 slots (insns NULL). On success *insns is
 * malloc'ed (free()); on failure -EINVAL/-ENOMEM with the reason in msg.
 */
int bh_datafile_program(const struct bh_datafile *df, const char *name, struct bpfhost_insn **insns,
			size_t *cnt, char *msg, size_t msg_sz);

/* Name of a negative errno ("E2BIG"), or "errno N" for others. */
const char *bh_df_errno_name(int err);

/*
 * Take a file through every stage as the bpf_conformance suite requires:
 * assemble, validate, load with helper 5 = identity, run with r1 = a private
 * copy of "-- mem" (NULL when there is none) and r2 = its length.
 */
void bh_datafile_execute(const struct bh_datafile *df, const char *name, struct bh_df_outcome *out);

/*
 * Sorted names (not paths) of the regular files ending in ".data" in dir.
 * Returns the count (>= 0) and a malloc'ed array in *names (free with
 * bh_datafile_names_free), or a negative errno.
 */
int bh_datafile_list(const char *dir, char ***names);
void bh_datafile_names_free(char **names, int cnt);

#endif /* BH_TESTS_DATAFILE_H */
