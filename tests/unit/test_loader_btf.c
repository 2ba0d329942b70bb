/* SPDX-License-Identifier: MIT */
/*
 * BTF layer tests: the bpftool-style dump of a known type set compiled by
 * clang (every kind clang 14 emits), type resolution helpers, and refusal of
 * malformed blobs built by hand, each with a message naming the problem.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/btf.h"
#include "loader/btf_ext.h"
#include "loader/elf.h"
#include "../lib/harness.h"
#include "../loader/testutil.h"

/* `bpftool btf dump file` of tests/loader/btftypes.bpf.c (bpftool 7.1, clang 14) */
static const char expected_dump[] =
	"[1] RESTRICT '(anon)' type_id=2\n"
	"[2] PTR '(anon)' type_id=3\n"
	"[3] STRUCT 'flags' size=32 vlen=6\n"
	"\t'a' type_id=5 bits_offset=0 bitfield_size=3\n"
	"\t'b' type_id=5 bits_offset=3 bitfield_size=5\n"
	"\t'c' type_id=6 bits_offset=32\n"
	"\t'u' type_id=7 bits_offset=64\n"
	"\t'op' type_id=12 bits_offset=128\n"
	"\t'(anon)' type_id=14 bits_offset=192\n"
	"[4] DECL_TAG 'struct_tag' type_id=3 component_idx=-1\n"
	"[5] INT 'unsigned int' size=4 bits_offset=0 nr_bits=32 encoding=(none)\n"
	"[6] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n"
	"[7] UNION '(anon)' size=2 vlen=2\n"
	"\t's' type_id=8 bits_offset=0\n"
	"\t'bytes' type_id=10 bits_offset=0\n"
	"[8] INT 'short' size=2 bits_offset=0 nr_bits=16 encoding=SIGNED\n"
	"[9] INT 'char' size=1 bits_offset=0 nr_bits=8 encoding=SIGNED\n"
	"[10] ARRAY '(anon)' type_id=9 index_type_id=11 nr_elems=2\n"
	"[11] INT '__ARRAY_SIZE_TYPE__' size=4 bits_offset=0 nr_bits=32 encoding=(none)\n"
	"[12] PTR '(anon)' type_id=13\n"
	"[13] FWD 'opaque' fwd_kind=struct\n"
	"[14] UNION '(anon)' size=4 vlen=2\n"
	"\t'x' type_id=6 bits_offset=0\n"
	"\t'y' type_id=5 bits_offset=0\n"
	"[15] PTR '(anon)' type_id=16\n"
	"[16] CONST '(anon)' type_id=17\n"
	"[17] VOLATILE '(anon)' type_id=18\n"
	"[18] TYPEDEF 'u32_t' type_id=5\n"
	"[19] FUNC_PROTO '(anon)' ret_type_id=6 vlen=2\n"
	"\t'f' type_id=1\n"
	"\t'cnt' type_id=15\n"
	"[20] FUNC 'process' type_id=19 linkage=global\n"
	"[21] DECL_TAG 'arg_tag' type_id=20 component_idx=0\n"
	"[22] PTR '(anon)' type_id=0\n"
	"[23] FUNC_PROTO '(anon)' ret_type_id=6 vlen=1\n"
	"\t'ctx' type_id=22\n"
	"[24] FUNC 'entry' type_id=23 linkage=global\n"
	"[25] FUNC_PROTO '(anon)' ret_type_id=6 vlen=1\n"
	"\t'x' type_id=6\n"
	"[26] FUNC 'helper' type_id=25 linkage=static\n"
	"[27] CONST '(anon)' type_id=28\n"
	"[28] FLOAT 'double' size=8\n"
	"[29] VAR 'scale' type_id=27, linkage=global\n"
	"[30] ENUM 'color' encoding=UNSIGNED size=4 vlen=3\n"
	"\t'RED' val=1\n"
	"\t'GREEN' val=4294967294\n"
	"\t'BLUE' val=2147483647\n"
	"[31] VAR 'current_color' type_id=30, linkage=global\n"
	"[32] ARRAY '(anon)' type_id=3 index_type_id=11 nr_elems=2\n"
	"[33] VAR 'all_flags' type_id=32, linkage=global\n"
	"[34] DECL_TAG 'var_tag' type_id=33 component_idx=-1\n"
	"[35] TYPE_TAG 'user' type_id=6\n"
	"[36] PTR '(anon)' type_id=35\n"
	"[37] VAR 'tagged_ptr' type_id=36, linkage=global\n"
	"[38] VOLATILE '(anon)' type_id=39\n"
	"[39] FLOAT 'float' size=4\n"
	"[40] VAR 'ratio' type_id=38, linkage=global\n"
	"[41] ARRAY '(anon)' type_id=9 index_type_id=11 nr_elems=4\n"
	"[42] VAR '_license' type_id=41, linkage=global\n"
	"[43] DATASEC '.bss' size=0 vlen=4\n"
	"\ttype_id=31 offset=0 size=4 (VAR 'current_color')\n"
	"\ttype_id=33 offset=0 size=64 (VAR 'all_flags')\n"
	"\ttype_id=37 offset=0 size=8 (VAR 'tagged_ptr')\n"
	"\ttype_id=40 offset=0 size=4 (VAR 'ratio')\n"
	"[44] DATASEC '.rodata' size=0 vlen=1\n"
	"\ttype_id=29 offset=0 size=8 (VAR 'scale')\n"
	"[45] DATASEC 'license' size=0 vlen=1\n"
	"\ttype_id=42 offset=0 size=4 (VAR '_license')\n";

struct elf_btf {
	void *buf;
	struct bh_elf elf;
	struct bh_btf *btf;
	struct bh_btf_ext *ext;
};

static int open_elf_btf(const char *obj, struct elf_btf *e, struct bh_log *log)
{
	size_t len, i;

	memset(e, 0, sizeof(*e));
	e->buf = lt_read(obj, &len);
	if (!e->buf || bh_elf_open(&e->elf, e->buf, len, log))
		return -1;
	for (i = 0; i < e->elf.nsec; i++) {
		const struct bh_elf_sec *s = &e->elf.secs[i];

		if (!strcmp(s->name, ".BTF"))
			e->btf = bh_btf_new(s->data, s->size, ".BTF", log);
	}
	if (!e->btf)
		return -1;
	for (i = 0; i < e->elf.nsec; i++) {
		const struct bh_elf_sec *s = &e->elf.secs[i];

		if (!strcmp(s->name, ".BTF.ext"))
			e->ext = bh_btf_ext_new(s->data, s->size, e->btf, ".BTF.ext", log);
	}
	return e->ext ? 0 : -1;
}

static void close_elf_btf(struct elf_btf *e)
{
	bh_btf_ext_free(e->ext);
	bh_btf_free(e->btf);
	bh_elf_close(&e->elf);
	free(e->buf);
}

static char *dump_all(const struct bh_btf *btf)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	bh_btf_dump(btf, f);
	fclose(f);
	return text;
}

TEST(loader_btf_dump_matches_bpftool_format)
{
	const char *obj = lt_obj("btftypes");
	struct bh_log log = BH_LOG_INIT;
	struct elf_btf e;
	char *text;

	if (!obj)
		SKIP("%s", lt_why());
	if (open_elf_btf(obj, &e, &log)) {
		CHECK_MSG(0, "open failed: %s", bh_log_text(&log));
		goto out;
	}
	text = dump_all(e.btf);
	CHECK_STR(text, expected_dump);
	/* when bpftool is around, it must agree too */
	if (lt_sh("command -v bpftool >/dev/null 2>&1") == 0) {
		char cmd[1200];
		FILE *p;
		char *theirs = calloc(1, 1 << 16);
		size_t n;

		snprintf(cmd, sizeof(cmd), "bpftool btf dump file '%s'", obj);
		p = popen(cmd, "r");
		n = p && theirs ? fread(theirs, 1, (1 << 16) - 1, p) : 0;
		if (p)
			pclose(p);
		if (n)
			CHECK_STR(text, theirs);
		free(theirs);
	}
	free(text);
out:
	close_elf_btf(&e);
	bh_log_free(&log);
}

TEST(loader_btf_resolution_helpers)
{
	const char *obj = lt_obj("btftypes");
	struct bh_log log = BH_LOG_INIT;
	const struct bh_btf_type *t, *r;
	uint32_t boff, tid, bf, rid;
	struct elf_btf e;
	int id;

	if (!obj)
		SKIP("%s", lt_why());
	if (open_elf_btf(obj, &e, &log)) {
		CHECK_MSG(0, "open failed: %s", bh_log_text(&log));
		goto out;
	}
	id = bh_btf_find_by_name_kind(e.btf, "flags", BH_BTF_KIND_STRUCT);
	CHECK(id > 0);
	t = bh_btf_type_by_id(e.btf, (uint32_t)id);
	CHECK_EQ(bh_btf_resolve_size(e.btf, (uint32_t)id), 32);
	/* plain member, bitfield, member of an anonymous union */
	CHECK_EQ(bh_btf_member_by_name(e.btf, t, "op", &boff, &tid, &bf), 4);
	CHECK_EQ(boff, 128);
	CHECK_EQ(bh_btf_type_by_id(e.btf, tid)->kind, BH_BTF_KIND_PTR);
	CHECK_EQ(bh_btf_member_by_name(e.btf, t, "b", &boff, &tid, &bf), 1);
	CHECK_EQ(boff, 3);
	CHECK_EQ(bf, 5);
	CHECK_EQ(bh_btf_member_by_name(e.btf, t, "y", &boff, &tid, &bf), 5);
	CHECK_EQ(boff, 192);
	CHECK_STR(bh_btf_type_by_id(e.btf, tid)->name, "unsigned int");
	CHECK_EQ(bh_btf_member_by_name(e.btf, t, "nope", NULL, NULL, NULL), -ENOENT);
	/* const volatile u32_t -> unsigned int */
	id = bh_btf_find_by_name_kind(e.btf, "u32_t", BH_BTF_KIND_TYPEDEF);
	CHECK(id > 0);
	r = bh_btf_skip_mods_typedefs(e.btf, (uint32_t)id, &rid);
	CHECK(r && r->kind == BH_BTF_KIND_INT);
	CHECK_EQ(bh_btf_resolve_size(e.btf, (uint32_t)id), 4);
	/* a variable's size is its type's: struct flags all_flags[2] */
	id = bh_btf_find_by_name_kind(e.btf, "all_flags", BH_BTF_KIND_VAR);
	CHECK(id > 0);
	CHECK_EQ(bh_btf_resolve_size(e.btf, (uint32_t)id), 64);
	/* functions have no size */
	id = bh_btf_find_by_name_kind(e.btf, "process", BH_BTF_KIND_FUNC);
	CHECK(id > 0);
	CHECK_EQ(bh_btf_resolve_size(e.btf, (uint32_t)id), -EINVAL);
	CHECK(bh_btf_type_by_id(e.btf, bh_btf_type_cnt(e.btf)) == NULL);
out:
	close_elf_btf(&e);
	bh_log_free(&log);
}

TEST(loader_btf_ext_line_info_gives_source_lines)
{
	const char *obj = lt_obj("btftypes");
	struct bh_log log = BH_LOG_INIT;
	const struct bh_btf_ext_sec *s;
	struct elf_btf e;
	uint32_t i;
	bool found = false;

	if (!obj)
		SKIP("%s", lt_why());
	if (open_elf_btf(obj, &e, &log)) {
		CHECK_MSG(0, "open failed: %s", bh_log_text(&log));
		goto out;
	}
	s = bh_btf_ext_sec_by_name(e.ext, "tp/test");
	CHECK(s != NULL);
	if (!s)
		goto out;
	CHECK_EQ(s->nr_func, 1);
	CHECK_EQ(s->func[0].insn, 0);
	CHECK_STR(bh_btf_type_by_id(e.btf, s->func[0].type_id)->name, "entry");
	CHECK(s->nr_line > 0);
	for (i = 0; i < s->nr_line; i++) {
		CHECK_CONTAINS(s->line[i].file, "btftypes.bpf.c");
		if (strstr(s->line[i].line, "u32_t n = (u32_t)current_color;"))
			found = true;
	}
	CHECK_MSG(found, "no line_info carries the source of 'u32_t n = ...'");
	s = bh_btf_ext_sec_by_name(e.ext, ".text");
	CHECK(s && s->nr_func == 2);
	CHECK(bh_btf_ext_sec_by_name(e.ext, "nope") == NULL);
out:
	close_elf_btf(&e);
	bh_log_free(&log);
}

/* ---- hand-built blobs ---- */

struct blob {
	uint8_t b[1024];
	size_t types; /* bytes of type data */
	uint8_t strs[256];
	size_t slen;
};

static void put32(struct blob *bl, uint32_t v)
{
	bh_put_le32(bl->b + 24 + bl->types, v);
	bl->types += 4;
}

static uint32_t str(struct blob *bl, const char *s)
{
	uint32_t off = (uint32_t)bl->slen;

	if (!bl->slen) {
		bl->strs[0] = 0;
		bl->slen = off = 1;
	}
	memcpy(bl->strs + bl->slen, s, strlen(s) + 1);
	bl->slen += strlen(s) + 1;
	return off;
}

static uint32_t info(unsigned kind, unsigned vlen, bool kflag)
{
	return kind << 24 | vlen | (kflag ? 1u << 31 : 0);
}

/* Finish: header, types, strings; returns total size. */
static size_t finish(struct blob *bl)
{
	uint8_t *p = bl->b;

	if (!bl->slen)
		bl->slen = 1;
	p[0] = 0x9f;
	p[1] = 0xeb;
	p[2] = 1;
	p[3] = 0;
	bh_put_le32(p + 4, 24);
	bh_put_le32(p + 8, 0);
	bh_put_le32(p + 12, (uint32_t)bl->types);
	bh_put_le32(p + 16, (uint32_t)bl->types);
	bh_put_le32(p + 20, (uint32_t)bl->slen);
	memcpy(p + 24 + bl->types, bl->strs, bl->slen);
	return 24 + bl->types + bl->slen;
}

static void int_type(struct blob *bl, const char *name, uint32_t size, uint32_t data)
{
	put32(bl, str(bl, name));
	put32(bl, info(BH_BTF_KIND_INT, 0, false));
	put32(bl, size);
	put32(bl, data);
}

/* Expect bh_btf_new() to refuse bl with a message containing msg. */
static void expect_refused(struct blob *bl, size_t size, const char *msg, int line)
{
	struct bh_log log = BH_LOG_INIT;
	struct bh_btf *btf;

	/* exact-size heap copy so that ASan sees any overread */
	uint8_t *copy = malloc(size ? size : 1);

	memcpy(copy, bl->b, size);
	errno = 0;
	btf = bh_btf_new(copy, size, "test blob", &log);
	if (btf) {
		bh_test_fail(__FILE__, line, "blob accepted, expected \"%s\"", msg);
		bh_btf_free(btf);
	} else {
		if (errno != EINVAL)
			bh_test_fail(__FILE__, line, "errno %d, expected EINVAL", errno);
		if (!strstr(bh_log_text(&log), msg))
			bh_test_fail(__FILE__, line, "message \"%s\" lacks \"%s\"",
				     bh_log_text(&log), msg);
	}
	bh_log_free(&log);
	free(copy);
}

TEST(loader_btf_minimal_blob_accepted)
{
	struct blob bl = { 0 };
	struct bh_log log = BH_LOG_INIT;
	struct bh_btf *btf;
	size_t n;

	int_type(&bl, "int", 4, 0x01000020); /* SIGNED, 32 bits */
	put32(&bl, 0);
	put32(&bl, info(BH_BTF_KIND_PTR, 0, false));
	put32(&bl, 1);
	n = finish(&bl);
	btf = bh_btf_new(bl.b, n, "test blob", &log);
	CHECK_MSG(btf != NULL, "%s", bh_log_text(&log));
	if (btf) {
		CHECK_EQ(bh_btf_type_cnt(btf), 3);
		CHECK_EQ(bh_btf_resolve_size(btf, 2), 8);
		CHECK_EQ(bh_btf_find_by_name_kind(btf, "int", BH_BTF_KIND_INT), 1);
		bh_btf_free(btf);
	}
	bh_log_free(&log);
}

TEST(loader_btf_malformed_blobs_refused)
{
	struct blob bl;
	size_t n;

	/* header problems */
	memset(&bl, 0, sizeof(bl));
	n = finish(&bl);
	expect_refused(&bl, 10, "too small for the BTF header", __LINE__);
	bl.b[0] = 0x12;
	expect_refused(&bl, n, "bad BTF magic", __LINE__);
	bl.b[0] = 0xeb;
	bl.b[1] = 0x9f;
	expect_refused(&bl, n, "big-endian BTF", __LINE__);
	memset(&bl, 0, sizeof(bl));
	n = finish(&bl);
	bl.b[2] = 2;
	expect_refused(&bl, n, "unsupported BTF version 2", __LINE__);
	memset(&bl, 0, sizeof(bl));
	n = finish(&bl);
	bh_put_le32(bl.b + 20, 100); /* strings past the end */
	expect_refused(&bl, n, "string section (offset 0x0, length 0x64", __LINE__);

	/* a record cut short */
	memset(&bl, 0, sizeof(bl));
	int_type(&bl, "int", 4, 32);
	n = finish(&bl);
	bh_put_le32(bl.b + 12, 14);
	bh_put_le32(bl.b + 16, 16);
	expect_refused(&bl, n, "type [1] INT at offset 0x18: 4 bytes of extra data run past",
		       __LINE__);

	/* unknown kind */
	memset(&bl, 0, sizeof(bl));
	put32(&bl, 0);
	put32(&bl, info(25, 0, false));
	put32(&bl, 0);
	n = finish(&bl);
	expect_refused(&bl, n, "type [1] at offset 0x18: unknown kind 25", __LINE__);

	/* bad name offset */
	memset(&bl, 0, sizeof(bl));
	put32(&bl, 999);
	put32(&bl, info(BH_BTF_KIND_INT, 0, false));
	put32(&bl, 4);
	put32(&bl, 32);
	n = finish(&bl);
	expect_refused(&bl, n, "name offset 0x3e7 is outside the string section", __LINE__);

	/* INT of 3 bytes, INT with two encodings */
	memset(&bl, 0, sizeof(bl));
	int_type(&bl, "odd", 3, 24);
	n = finish(&bl);
	expect_refused(&bl, n, "type [1] INT 'odd' at offset 0x18: INT size 3", __LINE__);
	memset(&bl, 0, sizeof(bl));
	int_type(&bl, "odd", 4, 0x03000020);
	n = finish(&bl);
	expect_refused(&bl, n, "bad INT data 0x03000020", __LINE__);

	/* reference out of range */
	memset(&bl, 0, sizeof(bl));
	put32(&bl, 0);
	put32(&bl, info(BH_BTF_KIND_PTR, 0, false));
	put32(&bl, 7);
	n = finish(&bl);
	expect_refused(&bl, n,
		       "type [1] PTR '(anon)' at offset 0x18: referenced type_id 7 is out of range",
		       __LINE__);

	/* FUNC whose type is not a FUNC_PROTO */
	memset(&bl, 0, sizeof(bl));
	int_type(&bl, "int", 4, 32);
	put32(&bl, str(&bl, "f"));
	put32(&bl, info(BH_BTF_KIND_FUNC, 1, false));
	put32(&bl, 1);
	n = finish(&bl);
	expect_refused(&bl, n,
		       "type [2] FUNC 'f' at offset 0x28: type_id 1 is a INT, not a FUNC_PROTO",
		       __LINE__);

	/* typedef cycle */
	memset(&bl, 0, sizeof(bl));
	put32(&bl, str(&bl, "a"));
	put32(&bl, info(BH_BTF_KIND_TYPEDEF, 0, false));
	put32(&bl, 2);
	put32(&bl, str(&bl, "b"));
	put32(&bl, info(BH_BTF_KIND_TYPEDEF, 0, false));
	put32(&bl, 1);
	n = finish(&bl);
	expect_refused(&bl, n, "reference cycle", __LINE__);

	/* struct member past the end */
	memset(&bl, 0, sizeof(bl));
	int_type(&bl, "int", 4, 32);
	put32(&bl, str(&bl, "s"));
	put32(&bl, info(BH_BTF_KIND_STRUCT, 1, false));
	put32(&bl, 4);
	put32(&bl, str(&bl, "m"));
	put32(&bl, 1);
	put32(&bl, 32);
	n = finish(&bl);
	expect_refused(
		&bl, n,
		"type [2] STRUCT 's' at offset 0x28: member 'm' (offset 4, size 4) is past the end",
		__LINE__);

	/* PTR with a name, TYPEDEF without */
	memset(&bl, 0, sizeof(bl));
	put32(&bl, str(&bl, "p"));
	put32(&bl, info(BH_BTF_KIND_PTR, 0, false));
	put32(&bl, 0);
	n = finish(&bl);
	expect_refused(&bl, n, "this kind must not have a name", __LINE__);
	memset(&bl, 0, sizeof(bl));
	put32(&bl, 0);
	put32(&bl, info(BH_BTF_KIND_TYPEDEF, 0, false));
	put32(&bl, 0);
	n = finish(&bl);
	expect_refused(&bl, n, "a name is required for this kind", __LINE__);

	/* DATASEC entry that is not a VAR */
	memset(&bl, 0, sizeof(bl));
	int_type(&bl, "int", 4, 32);
	put32(&bl, str(&bl, ".data"));
	put32(&bl, info(BH_BTF_KIND_DATASEC, 1, false));
	put32(&bl, 4);
	put32(&bl, 1);
	put32(&bl, 0);
	put32(&bl, 4);
	n = finish(&bl);
	expect_refused(&bl, n, "entry 0 (type_id 1) is a INT, not a VAR", __LINE__);

	/* string section not NUL-terminated */
	memset(&bl, 0, sizeof(bl));
	int_type(&bl, "int", 4, 32);
	n = finish(&bl);
	bl.b[n - 1] = 'x';
	expect_refused(&bl, n, "must start and end with a NUL byte", __LINE__);

	/* varargs parameter that is not last */
	memset(&bl, 0, sizeof(bl));
	int_type(&bl, "int", 4, 32);
	put32(&bl, 0);
	put32(&bl, info(BH_BTF_KIND_FUNC_PROTO, 2, false));
	put32(&bl, 1);
	put32(&bl, 0);
	put32(&bl, 0);
	put32(&bl, str(&bl, "x"));
	put32(&bl, 1);
	n = finish(&bl);
	expect_refused(&bl, n, "parameter 0 is void", __LINE__);

	/* decl tag on a missing member */
	memset(&bl, 0, sizeof(bl));
	int_type(&bl, "int", 4, 32);
	put32(&bl, str(&bl, "s"));
	put32(&bl, info(BH_BTF_KIND_STRUCT, 0, false));
	put32(&bl, 4);
	put32(&bl, str(&bl, "tag"));
	put32(&bl, info(BH_BTF_KIND_DECL_TAG, 0, false));
	put32(&bl, 2);
	put32(&bl, 3);
	n = finish(&bl);
	expect_refused(&bl, n, "component_idx 3 is out of range (vlen 0)", __LINE__);
}
