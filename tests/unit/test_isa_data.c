/* SPDX-License-Identifier: MIT */
/*
 * The project's own ISA tests: the .data files of tests/isa, in the bpf_conformance
 * format plus one convention for expected failures (tests/isa/README.md):
 *
 *   -- error
 *   STAGE: TEXT
 *
 * STAGE is where the program must stop (asm, validate, load or run) and TEXT
 * a substring of that stage's message ("E2BIG: Argument list too long" form
 * for run). Every file is executed as the conformance tier does; a second
 * test checks that together the files use every operation of opcodes.def
 * the engine executes, and that every operation it refuses has a file
 * expecting that refusal.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "isa/isa.h"
#include "../lib/datafile.h"
#include "../lib/harness.h"

#define ISA_DIR "tests/isa"
#define GOOD 0x600d

static bool have_isa_dir(void)
{
	struct stat st;

	return stat(ISA_DIR, &st) == 0 && S_ISDIR(st.st_mode);
}

#define NEED_ISA_DIR()                                                                         \
	do {                                                                                   \
		if (!have_isa_dir())                                                           \
			SKIP("%s not found: run the tests from the repository root", ISA_DIR); \
	} while (0)

/* Operations the stand-alone engine refuses at load time. */
static bool refused_op(int op)
{
	switch (op) {
	case BH_OP_LDDW_MAP_FD:
	case BH_OP_LDDW_MAP_VALUE:
	case BH_OP_LDDW_BTF_ID:
	case BH_OP_LDDW_FUNC:
	case BH_OP_LDDW_MAP_IDX:
	case BH_OP_LDDW_MAP_IDX_VALUE:
	case BH_OP_CALL_KFUNC:
	case BH_OP_LDABSW:
	case BH_OP_LDABSH:
	case BH_OP_LDABSB:
	case BH_OP_LDINDW:
	case BH_OP_LDINDH:
	case BH_OP_LDINDB:
		return true;
	default:
		return false;
	}
}

/*
 * Split an expected error "STAGE: TEXT" into its stage and text. Returns
 * false if STAGE is not one of asm, validate, load, run.
 */
static bool parse_expected(const char *err, enum bh_df_stage *stage, const char **text)
{
	static const enum bh_df_stage stages[] = { BH_DF_ASM, BH_DF_VALIDATE, BH_DF_LOAD,
						   BH_DF_RUN };
	size_t i;

	for (i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		const char *name = bh_df_stage_name(stages[i]);
		size_t n = strlen(name);

		if (!strncmp(err, name, n) && err[n] == ':') {
			*stage = stages[i];
			*text = err + n + 1;
			while (**text == ' ')
				(*text)++;
			return true;
		}
	}
	return false;
}

static const char *first_line(const char *msg, char *buf, size_t sz)
{
	size_t n = strcspn(msg, "\n");

	if (n >= sz)
		n = sz - 1;
	memcpy(buf, msg, n);
	buf[n] = '\0';
	return buf;
}

/* Run one file and compare with its expectation; returns true if it passed. */
static bool run_one(const char *name)
{
	struct bh_datafile df;
	struct bh_df_outcome out;
	char path[4096], err[256], line[512];
	enum bh_df_stage want = BH_DF_OK;
	const char *text = "";
	bool ok = false;

	snprintf(path, sizeof(path), "%s/%s", ISA_DIR, name);
	if (bh_datafile_load(path, &df, err, sizeof(err))) {
		CHECK_MSG(0, "%s: %s", path, err);
		return false;
	}
	if (df.has_result == df.has_error) {
		CHECK_MSG(0, "%s: needs exactly one of '-- result' and '-- error'", path);
		goto out;
	}
	if (df.has_error && !parse_expected(df.error, &want, &text)) {
		CHECK_MSG(0,
			  "%s: '-- error' must be \"STAGE: TEXT\" with STAGE asm, validate, load "
			  "or run, not \"%s\"",
			  path, df.error);
		goto out;
	}
	bh_datafile_execute(&df, name, &out);
	first_line(out.msg, line, sizeof(line));
	if (df.has_error) {
		if (out.stage == BH_DF_OK)
			CHECK_MSG(0,
				  "%s: expected a %s error (\"%s\"), but it ran: r0 = 0x%" PRIx64,
				  path, bh_df_stage_name(want), text, out.r0);
		else if (out.stage != want)
			CHECK_MSG(0, "%s: expected a %s error (\"%s\"), got a %s error: %s", path,
				  bh_df_stage_name(want), text, bh_df_stage_name(out.stage), line);
		else if (!strstr(out.msg, text))
			CHECK_MSG(0, "%s: %s error \"%s\" does not contain \"%s\"", path,
				  bh_df_stage_name(want), line, text);
		else
			ok = true;
	} else if (out.stage != BH_DF_OK) {
		CHECK_MSG(0, "%s: %s failed (%s): %s", path, bh_df_stage_name(out.stage),
			  bh_df_errno_name(out.err), line);
	} else if (out.r0 != df.result) {
		if (df.result == GOOD && out.r0 < 1000)
			CHECK_MSG(0,
				  "%s: check %" PRIu64 " failed (see '# %" PRIu64 ":' in the file)",
				  path, out.r0, out.r0);
		else
			CHECK_MSG(0, "%s: r0 = 0x%" PRIx64 ", expected 0x%" PRIx64, path, out.r0,
				  df.result);
	} else {
		ok = true;
	}
out:
	bh_datafile_free(&df);
	return ok;
}

TEST(isa_data_files)
{
	char **names;
	int cnt, i, passed = 0;

	NEED_ISA_DIR();
	cnt = bh_datafile_list(ISA_DIR, &names);
	CHECK_MSG(cnt > 0, "no .data files in %s (%d)", ISA_DIR, cnt);
	for (i = 0; i < cnt; i++)
		passed += run_one(names[i]);
	bh_datafile_names_free(names, cnt > 0 ? cnt : 0);
	printf("  isa: %d/%d passed\n", passed, cnt > 0 ? cnt : 0);
	CHECK_EQ(passed, cnt);
}

/*
 * Every operation the engine executes must appear in a file that runs to a
 * result; every operation it refuses must appear in a file expecting an error.
 */
TEST(isa_data_cover_every_opcode)
{
	bool in_result[BH_OP__COUNT] = { false }, in_error[BH_OP__COUNT] = { false };
	char **names;
	int cnt, i, op, missing = 0;

	NEED_ISA_DIR();
	cnt = bh_datafile_list(ISA_DIR, &names);
	CHECK_MSG(cnt > 0, "no .data files in %s (%d)", ISA_DIR, cnt);
	for (i = 0; i < cnt; i++) {
		struct bh_datafile df;
		struct bpfhost_insn *insns = NULL;
		char path[4096], err[512];
		size_t n = 0, k;

		snprintf(path, sizeof(path), "%s/%s", ISA_DIR, names[i]);
		if (bh_datafile_load(path, &df, err, sizeof(err)))
			continue; /* reported by isa_data_files */
		if (bh_datafile_program(&df, names[i], &insns, &n, err, sizeof(err))) {
			bh_datafile_free(&df);
			continue; /* an asm-stage error file, or reported by isa_data_files */
		}
		for (k = 0; k < n; k++) {
			op = bh_decode_op(&insns[k]);
			if (op < 0)
				continue; /* invalid on purpose (validate-*.data) */
			if (df.has_error)
				in_error[op] = true;
			else
				in_result[op] = true;
			if (bh_opinfo[op].fmt == BH_FMT_LDDW)
				k++;
		}
		free(insns);
		bh_datafile_free(&df);
	}
	bh_datafile_names_free(names, cnt > 0 ? cnt : 0);
	for (op = 0; op < BH_OP__COUNT; op++) {
		const struct bh_opinfo *oi = &bh_opinfo[op];

		if (refused_op(op) && !in_error[op]) {
			CHECK_MSG(0, "%s (0x%02x, \"%s\"): no tests/isa file expects its refusal",
				  oi->name, oi->code, oi->mnem);
			missing++;
		} else if (!refused_op(op) && !in_result[op]) {
			CHECK_MSG(0, "%s (0x%02x, \"%s\"): used by no tests/isa file that runs",
				  oi->name, oi->code, oi->mnem);
			missing++;
		}
	}
	printf("  isa coverage: %d/%d operations of opcodes.def\n", BH_OP__COUNT - missing,
	       BH_OP__COUNT);
}
