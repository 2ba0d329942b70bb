/* SPDX-License-Identifier: MIT */
/*
 * The .data reader (tests/lib/datafile.c) and the conformance tier.
 *
 * The reader tests feed it synthetic files, well-formed and malformed. The
 * tier runs the shared bpf_conformance suite: every file of tests/ must
 * assemble, load and give its expected r0; every file of negative/ must be
 * refused or flagged, and each is classified by where that happened.
 */
#include <errno.h>
#include <stdlib.h>

#include "../lib/datafile.h"
#include "../lib/harness.h"

static int parse(const char *text, struct bh_datafile *df, char *err, size_t err_sz)
{
	return bh_datafile_parse(text, strlen(text), df, err, err_sz);
}

/* Parse text that must be malformed; the message must name line and problem. */
static void check_malformed(const char *text, const char *want_line, const char *want)
{
	struct bh_datafile df;
	char err[256];
	int ret = parse(text, &df, err, sizeof(err));

	CHECK_MSG(ret == -EINVAL, "parse of <<%s>> returned %d, want -EINVAL", text, ret);
	CHECK_CONTAINS(err, want_line);
	CHECK_CONTAINS(err, want);
	CHECK(!df.asm_text && !df.raw && !df.mem && !df.error);
	bh_datafile_free(&df);
}

TEST(datafile_asm_mem_result_and_comments)
{
	const char *text = "# header comment\r\n"
			   "-- asm\r\n"
			   "mov %r0, 1 # trailing comment\r\n"
			   "\r\n"
			   "exit\r\n"
			   "-- mem\n"
			   "00 ff\n"
			   "  Aa\t10  \n"
			   "-- result\n"
			   "0x1122334455667788\n";
	struct bh_datafile df;
	char err[256];

	CHECK_EQ(parse(text, &df, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK(df.has_asm);
	CHECK_EQ(df.asm_line, 2);
	/* asm text is padded so that its line 3 is line 3 of the file */
	CHECK_STR(df.asm_text, "\n\nmov %r0, 1 \n\nexit\n");
	CHECK_EQ(df.asm_len, strlen(df.asm_text));
	CHECK(df.has_mem);
	CHECK_EQ(df.mem_len, 4);
	if (df.mem_len == 4) {
		CHECK_EQ(df.mem[0], 0x00);
		CHECK_EQ(df.mem[1], 0xff);
		CHECK_EQ(df.mem[2], 0xaa);
		CHECK_EQ(df.mem[3], 0x10);
	}
	CHECK(df.has_result);
	CHECK_U64(df.result, 0x1122334455667788ull);
	CHECK(!df.has_raw && !df.has_error);
	bh_datafile_free(&df);
	CHECK(!df.asm_text && !df.mem);
}

TEST(datafile_raw_both_forms)
{
	const char *text = "-- raw\n"
			   "0x5566778800000018\n"
			   "0x1122334400000000\n"
			   "07 a1 fe ff 78 56 34 12 # bytes as in negative/unused-*.data\n"
			   "149\n" /* decimal 0x95: exit */
			   "-- result\n"
			   "18446744073709551615\n";
	struct bh_datafile df;
	char err[256];

	CHECK_EQ(parse(text, &df, err, sizeof(err)), 0);
	CHECK(df.has_raw && !df.has_asm);
	CHECK_EQ(df.raw_cnt, 4);
	if (df.raw_cnt == 4) {
		CHECK_EQ(df.raw[0].code, 0x18);
		CHECK_EQ(df.raw[0].imm, 0x55667788);
		CHECK_EQ(df.raw[1].code, 0);
		CHECK_EQ(df.raw[1].imm, 0x11223344);
		CHECK_EQ(df.raw[2].code, 0x07);
		CHECK_EQ(df.raw[2].dst_reg, 1);
		CHECK_EQ(df.raw[2].src_reg, 10);
		CHECK_EQ(df.raw[2].off, -2);
		CHECK_EQ(df.raw[2].imm, 0x12345678);
		CHECK_EQ(df.raw[3].code, 0x95);
	}
	CHECK_U64(df.result, UINT64_MAX);
	bh_datafile_free(&df);
}

TEST(datafile_result_forms)
{
	struct bh_datafile df;
	char err[256];

	CHECK_EQ(parse("-- result\n-1\n", &df, err, sizeof(err)), 0);
	CHECK_U64(df.result, UINT64_MAX);
	bh_datafile_free(&df);
	CHECK_EQ(parse("-- result\n  42  \n", &df, err, sizeof(err)), 0);
	CHECK_U64(df.result, 42);
	bh_datafile_free(&df);
	CHECK_EQ(parse("-- result\n0x0\n", &df, err, sizeof(err)), 0);
	CHECK(df.has_result);
	CHECK_U64(df.result, 0);
	bh_datafile_free(&df);
	CHECK_EQ(parse("-- result\n0X00000000000000000000000000FF\n", &df, err, sizeof(err)), 0);
	CHECK_U64(df.result, 0xff);
	bh_datafile_free(&df);
}

TEST(datafile_error_and_notes)
{
	const char *text = "-- asm\n"
			   "exit\n"
			   "-- c\n"
			   "int f(int i) { return i-- > 0; }\n"
			   "-- no register offset\n"
			   "call instruction\n"
			   "-- Unknown directive\n"
			   "whatever 1 2 3\n"
			   "-- error\n"
			   "  load: first line  \n"
			   "\n"
			   "second line"; /* no final newline, as in negative/error.data */
	struct bh_datafile df;
	char err[256];

	CHECK_EQ(parse(text, &df, err, sizeof(err)), 0);
	CHECK(df.has_error);
	CHECK_STR(df.error, "load: first line\nsecond line");
	CHECK_STR(df.asm_text, "\nexit\n");
	CHECK(!df.has_result && !df.has_mem && !df.has_raw);
	bh_datafile_free(&df);

	CHECK_EQ(parse("-- raw\n95 00 00 00 00 00 00 00\n-- error\n", &df, err, sizeof(err)), 0);
	CHECK(df.has_error);
	CHECK_STR(df.error, "");
	CHECK_EQ(df.raw_cnt, 1);
	bh_datafile_free(&df);

	/* a file of comments only has nothing, which is not a parse error */
	CHECK_EQ(parse("# just a comment\n\n", &df, err, sizeof(err)), 0);
	CHECK(!df.has_asm && !df.has_raw && !df.has_result && !df.has_error);
	bh_datafile_free(&df);
	CHECK_EQ(parse("", &df, err, sizeof(err)), 0);
	bh_datafile_free(&df);
}

TEST(datafile_malformed_input_is_refused_with_its_line)
{
	check_malformed("-- mem\n00 11\n1 22\n", "line 3:", "'1' is not a hex byte");
	check_malformed("-- mem\nzz\n", "line 2:", "'zz'");
	check_malformed("-- mem\n0x12\n", "line 2:", "'0x12'");
	check_malformed("-- mem\n123\n", "line 2:", "'123'");
	check_malformed("-- raw\n95 00 00\n", "line 2:", "got 3 fields");
	check_malformed("-- raw\n95 00 00 00 00 00 00 00 00\n", "line 2:", "more than 8");
	check_malformed("-- raw\n95 00 00 00 00 00 00 0g\n", "line 2:", "byte 8 '0g'");
	check_malformed("-- raw\n0x11112222333344445\n", "line 2:", "not a 64-bit number");
	check_malformed("-- raw\n18446744073709551616\n", "line 2:", "not a 64-bit number");
	check_malformed("-- raw\n0x\n", "line 2:", "'0x'");
	check_malformed("-- result\nabc\n", "line 2:", "'abc' is not a 64-bit number");
	check_malformed("-- result\n1 2\n", "line 2:", "extra text");
	check_malformed("-- result\n1\n2\n", "line 3:", "second value");
	check_malformed("-- result\n-9223372036854775809\n", "line 2:", "not a 64-bit number");
	check_malformed("-- result\n# nothing\n-- asm\nexit\n", "line 1:", "has no value");
	check_malformed("-- asm\nexit\n-- mem\n00\n-- asm\nexit\n",
			"line 5:", "second '-- asm' section (the first is at line 1)");
	check_malformed("mov %r0, 1\n-- asm\n", "line 1:", "outside any section");
}

TEST(datafile_nul_byte)
{
	static const char text[] = "-- asm\nex\0it\n-- result\n0\n";
	struct bh_datafile df;
	char err[256];

	CHECK_EQ(bh_datafile_parse(text, sizeof(text) - 1, &df, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "line 2: NUL byte");
	bh_datafile_free(&df);
}

TEST(datafile_tiny_error_buffer_and_missing_file)
{
	struct bh_datafile df;
	char err[8];

	CHECK_EQ(parse("-- mem\nxyz\n", &df, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "line 2:");
	CHECK_EQ(parse("-- mem\nxyz\n", &df, NULL, 0), -EINVAL);
	CHECK_EQ(bh_datafile_load("/nonexistent/x.data", &df, err, sizeof(err)), -ENOENT);
	bh_datafile_free(&df);
	bh_datafile_free(NULL);
}

/* Every file of the shared suite must be readable by the parser. */
TEST(datafile_reads_the_whole_shared_suite)
{
	static const char *const subdirs[] = { "tests", "negative" };
	const char *why = NULL, *dir = bh_test_conformance_dir(&why);
	int total = 0, with_result = 0, with_mem = 0, with_raw = 0;
	size_t s;

	if (!dir)
		SKIP("%s", why);
	for (s = 0; s < 2; s++) {
		char path[4096], **names;
		int cnt, i;

		snprintf(path, sizeof(path), "%s/%s", dir, subdirs[s]);
		cnt = bh_datafile_list(path, &names);
		CHECK_MSG(cnt > 0, "no .data files in %s (%d)", path, cnt);
		for (i = 0; i < cnt; i++) {
			struct bh_datafile df;
			char err[256];

			snprintf(path, sizeof(path), "%s/%s/%s", dir, subdirs[s], names[i]);
			if (bh_datafile_load(path, &df, err, sizeof(err))) {
				CHECK_MSG(0, "%s/%s: %s", subdirs[s], names[i], err);
				continue;
			}
			total++;
			if (s == 0) {
				with_result += df.has_result;
				with_mem += df.has_mem;
				with_raw += df.has_raw;
				CHECK_MSG(df.has_asm || df.has_raw, "%s: no program", names[i]);
			}
			bh_datafile_free(&df);
		}
		bh_datafile_names_free(names, cnt);
	}
	CHECK_EQ(total, 313 + 60);
	CHECK_EQ(with_result, 313);
	CHECK_EQ(with_mem, 40);
	CHECK_EQ(with_raw, 1);
}

/* First line of a diagnostic, for one-line failure reports. */
static const char *first_line(const char *msg, char *buf, size_t sz)
{
	size_t n = strcspn(msg, "\n");

	if (n >= sz)
		n = sz - 1;
	memcpy(buf, msg, n);
	buf[n] = '\0';
	return buf;
}

/* Every file of tests/: assemble, load, run, compare r0. */
TEST(conformance_suite)
{
	const char *why = NULL, *dir = bh_test_conformance_dir(&why);
	char path[4096], **names;
	int cnt, i, passed = 0;

	if (!dir)
		SKIP("%s", why);
	snprintf(path, sizeof(path), "%s/tests", dir);
	cnt = bh_datafile_list(path, &names);
	CHECK_MSG(cnt > 0, "no .data files in %s (%d)", path, cnt);
	for (i = 0; i < cnt; i++) {
		struct bh_datafile df;
		struct bh_df_outcome out;
		char err[256], line[256], shown[512];

		snprintf(path, sizeof(path), "%s/tests/%s", dir, names[i]);
		if (bh_datafile_load(path, &df, err, sizeof(err))) {
			CHECK_MSG(0, "tests/%s: %s", names[i], err);
			continue;
		}
		snprintf(shown, sizeof(shown), "tests/%s", names[i]);
		bh_datafile_execute(&df, shown, &out);
		if (!df.has_result)
			CHECK_MSG(0, "tests/%s: no '-- result' to compare with", names[i]);
		else if (out.stage != BH_DF_OK)
			CHECK_MSG(0, "tests/%s: %s failed (%s): %s", names[i],
				  bh_df_stage_name(out.stage), bh_df_errno_name(out.err),
				  first_line(out.msg, line, sizeof(line)));
		else if (out.r0 != df.result)
			CHECK_MSG(0, "tests/%s: r0 = 0x%" PRIx64 ", expected 0x%" PRIx64, names[i],
				  out.r0, df.result);
		else
			passed++;
		bh_datafile_free(&df);
	}
	bh_datafile_names_free(names, cnt > 0 ? cnt : 0);
	printf("  conformance: %d/%d passed\n", passed, cnt > 0 ? cnt : 0);
	CHECK_EQ(passed, cnt);
}

enum neg_class {
	NEG_ASM,
	NEG_VALIDATOR,
	NEG_RUN,
	NEG_MISMATCH,
	NEG_PASSED, /* not refused: a failure */
	NEG__COUNT,
};

static const char *const neg_class_name[NEG__COUNT] = {
	"refused by assembler", "refused by validator", "run error",
	"result mismatch",	"NOT refused",
};

static enum neg_class classify(const struct bh_datafile *df, const struct bh_df_outcome *out)
{
	switch (out->stage) {
	case BH_DF_ASM:
		return NEG_ASM;
	case BH_DF_VALIDATE:
	case BH_DF_LOAD:
		return NEG_VALIDATOR;
	case BH_DF_RUN:
		return NEG_RUN;
	default:
		break;
	}
	/* it ran: flagged only if it contradicts what the file expects */
	if (df->has_error || (df->has_result && out->r0 != df->result))
		return NEG_MISMATCH;
	return NEG_PASSED;
}

/*
 * Field that a negative/unused-*.data file sets ("unused-add64_imm-offset.data"
 * -> "off"); NULL if the file is not one of those.
 */
static const char *unused_field(const char *name)
{
	static const char *const fields[][2] = {
		{ "-offset.data", "off" },
		{ "-src.data", "src" },
		{ "-imm.data", "imm" },
		{ "-dst.data", "dst" },
	};
	size_t n = strlen(name), i;

	if (strncmp(name, "unused-", 7))
		return NULL;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		size_t k = strlen(fields[i][0]);

		if (n > k && !strcmp(name + n - k, fields[i][0]))
			return fields[i][1];
	}
	return "(unknown field suffix)";
}

/*
 * Does the validator's message name the field that must be zero? Either
 * "insn 0: ...: FIELD must be 0, got N", or, where that field selects the
 * operation (off of mov/movsx), "insn 0: ...: FIELD N selects no operation
 * (valid: 0 = ...", which names it and says 0 is the plain form.
 */
static bool names_zero_field(const char *msg, const char *field)
{
	char want[64];
	const char *p;

	if (strncmp(msg, "insn 0: ", 8))
		return false;
	snprintf(want, sizeof(want), "%s must be 0", field);
	if (strstr(msg, want))
		return true;
	snprintf(want, sizeof(want), ": %s ", field);
	p = strstr(msg, want);
	return p && strstr(p, " selects no operation (valid: 0 = ");
}

/* Every file of negative/ must be refused or flagged; count where. */
TEST(conformance_negative)
{
	const char *why = NULL, *dir = bh_test_conformance_dir(&why);
	int cnt, i, counts[NEG__COUNT] = { 0 }, unused = 0;
	bool verbose = getenv("BH_TEST_VERBOSE") != NULL;
	char path[4096], **names;

	if (!dir)
		SKIP("%s", why);
	snprintf(path, sizeof(path), "%s/negative", dir);
	cnt = bh_datafile_list(path, &names);
	CHECK_MSG(cnt > 0, "no .data files in %s (%d)", path, cnt);
	for (i = 0; i < cnt; i++) {
		struct bh_datafile df;
		struct bh_df_outcome out;
		char err[256], line[256], shown[512];
		const char *field;
		enum neg_class cls;

		snprintf(path, sizeof(path), "%s/negative/%s", dir, names[i]);
		if (bh_datafile_load(path, &df, err, sizeof(err))) {
			CHECK_MSG(0, "negative/%s: %s", names[i], err);
			continue;
		}
		snprintf(shown, sizeof(shown), "negative/%s", names[i]);
		bh_datafile_execute(&df, shown, &out);
		cls = classify(&df, &out);
		counts[cls]++;
		first_line(out.msg, line, sizeof(line));
		if (verbose)
			printf("  negative/%s: %s%s%s\n", names[i], neg_class_name[cls],
			       *line ? ": " : "", line);
		CHECK_MSG(cls != NEG_PASSED,
			  "negative/%s: not refused: it ran and returned 0x%" PRIx64, names[i],
			  out.r0);
		field = unused_field(names[i]);
		if (field) {
			unused++;
			CHECK_MSG(out.stage == BH_DF_VALIDATE,
				  "negative/%s: must be refused by the validator, got: %s (%s)",
				  names[i], neg_class_name[cls], line);
			CHECK_MSG(names_zero_field(out.msg, field),
				  "negative/%s: validator message \"%s\" does not name insn 0 and "
				  "\"%s must be 0\"",
				  names[i], line, field);
		}
		if (!strcmp(names[i], "error.data") ||
		    !strcmp(names[i], "incorrect_return_value_high_bits.data"))
			CHECK_MSG(cls == NEG_MISMATCH,
				  "negative/%s: runner self-test classified as %s", names[i],
				  neg_class_name[cls]);
		bh_datafile_free(&df);
	}
	bh_datafile_names_free(names, cnt > 0 ? cnt : 0);
	printf("  conformance negative: %d/%d refused or flagged: %d %s, %d %s, %d %s, %d %s\n",
	       (cnt > 0 ? cnt : 0) - counts[NEG_PASSED], cnt > 0 ? cnt : 0, counts[NEG_ASM],
	       neg_class_name[NEG_ASM], counts[NEG_VALIDATOR], neg_class_name[NEG_VALIDATOR],
	       counts[NEG_RUN], neg_class_name[NEG_RUN], counts[NEG_MISMATCH],
	       neg_class_name[NEG_MISMATCH]);
	CHECK_EQ(unused, 45);
	CHECK_EQ(counts[NEG_PASSED], 0);
}
