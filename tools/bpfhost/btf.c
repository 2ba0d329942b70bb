/* SPDX-License-Identifier: MIT */
/*
 * `bpfhost btf dump file FILE [format raw]`: print the BTF types of an
 * eBPF object (its .BTF section) or of a raw BTF blob (a file starting with
 * the BTF magic, e.g. /sys/kernel/btf/vmlinux), in bpftool's raw format.
 *
 * The section is parsed as stored (bh_elf_open + bh_btf_new), without the
 * DATASEC fix-ups the loader applies, so the output matches what
 * `bpftool btf dump file` prints for the same file: text through the
 * loader's bh_btf_dump(), JSON (-j/-p) as {"types": [...]} with one object
 * per type and the field names bpftool uses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"
#include "loader/btf.h"
#include "loader/elf.h"

static int do_help(int argc, char **argv)
{
	if (json_output) {
		json_null(json_wtr);
		return 0;
	}
	fprintf(stdout,
		"Usage: %s btf dump file FILE [format raw]\n"
		"       %s btf help\n"
		"\n"
		"FILE is an eBPF ELF object (its .BTF section is dumped) or a raw BTF\n"
		"blob such as /sys/kernel/btf/vmlinux. The output is bpftool's raw\n"
		"format; only 'format raw' is supported.\n",
		bin_name, bin_name);
	return 0;
}

/* ---- JSON form of one type (bpftool's field names) ---- */

static const char *type_name(const struct bh_btf *btf, uint32_t off)
{
	const char *s;

	if (!off)
		return "(anon)";
	s = bh_btf_str(btf, off);
	return s ? s : "(invalid)";
}

static const char *int_encoding(uint8_t enc)
{
	switch (enc) {
	case 0:
		return "(none)";
	case BH_BTF_INT_SIGNED:
		return "SIGNED";
	case BH_BTF_INT_CHAR:
		return "CHAR";
	case BH_BTF_INT_BOOL:
		return "BOOL";
	default:
		return "UNKN";
	}
}

static const char *linkage_name(uint32_t linkage)
{
	switch (linkage) {
	case BH_BTF_LINKAGE_STATIC:
		return "static";
	case BH_BTF_LINKAGE_GLOBAL:
		return "global";
	case BH_BTF_LINKAGE_EXTERN:
		return "extern";
	default:
		return "(unknown)";
	}
}

static void json_members(struct json_writer *w, const struct bh_btf *btf,
			 const struct bh_btf_type *t)
{
	uint32_t i;

	json_name(w, "members");
	json_start_array(w);
	for (i = 0; i < t->vlen; i++) {
		uint32_t bf = bh_btf_member_bitfield_size(t, i);

		json_start_object(w);
		json_string_field(w, "name", type_name(btf, t->items[i].name_off));
		json_uint_field(w, "type_id", t->items[i].type);
		json_uint_field(w, "bits_offset", bh_btf_member_bit_off(t, i));
		if (bf)
			json_uint_field(w, "bitfield_size", bf);
		json_end_object(w);
	}
	json_end_array(w);
}

static void json_enum_values(struct json_writer *w, const struct bh_btf *btf,
			     const struct bh_btf_type *t)
{
	uint32_t i;

	json_string_field(w, "encoding", t->kflag ? "SIGNED" : "UNSIGNED");
	json_uint_field(w, "size", t->size);
	json_uint_field(w, "vlen", t->vlen);
	json_name(w, "values");
	json_start_array(w);
	for (i = 0; i < t->vlen; i++) {
		const struct bh_btf_item *m = &t->items[i];

		json_start_object(w);
		json_string_field(w, "name", type_name(btf, m->name_off));
		if (t->kind == BH_BTF_KIND_ENUM && t->kflag)
			json_int_field(w, "val", (int32_t)m->val);
		else if (t->kind == BH_BTF_KIND_ENUM)
			json_uint_field(w, "val", (uint32_t)m->val);
		else if (t->kflag)
			json_int_field(w, "val", (int64_t)m->val);
		else
			json_uint_field(w, "val", m->val);
		json_end_object(w);
	}
	json_end_array(w);
}

static void json_type(struct json_writer *w, const struct bh_btf *btf, uint32_t id)
{
	const struct bh_btf_type *t = bh_btf_type_by_id(btf, id);
	uint32_t i;

	json_start_object(w);
	json_uint_field(w, "id", id);
	json_string_field(w, "kind", bh_btf_kind_str(t->kind));
	json_string_field(w, "name", type_name(btf, t->name_off));
	switch (t->kind) {
	case BH_BTF_KIND_INT:
		json_uint_field(w, "size", t->size);
		json_uint_field(w, "bits_offset", t->intv.offset);
		json_uint_field(w, "nr_bits", t->intv.bits);
		json_string_field(w, "encoding", int_encoding(t->intv.encoding));
		break;
	case BH_BTF_KIND_PTR:
	case BH_BTF_KIND_CONST:
	case BH_BTF_KIND_VOLATILE:
	case BH_BTF_KIND_RESTRICT:
	case BH_BTF_KIND_TYPEDEF:
	case BH_BTF_KIND_TYPE_TAG:
		json_uint_field(w, "type_id", t->type);
		break;
	case BH_BTF_KIND_ARRAY:
		json_uint_field(w, "type_id", t->arr.type);
		json_uint_field(w, "index_type_id", t->arr.index_type);
		json_uint_field(w, "nr_elems", t->arr.nelems);
		break;
	case BH_BTF_KIND_STRUCT:
	case BH_BTF_KIND_UNION:
		json_uint_field(w, "size", t->size);
		json_uint_field(w, "vlen", t->vlen);
		json_members(w, btf, t);
		break;
	case BH_BTF_KIND_ENUM:
	case BH_BTF_KIND_ENUM64:
		json_enum_values(w, btf, t);
		break;
	case BH_BTF_KIND_FWD:
		json_string_field(w, "fwd_kind", t->kflag ? "union" : "struct");
		break;
	case BH_BTF_KIND_FUNC:
		json_uint_field(w, "type_id", t->type);
		json_string_field(w, "linkage", linkage_name(t->vlen));
		break;
	case BH_BTF_KIND_FUNC_PROTO:
		json_uint_field(w, "ret_type_id", t->type);
		json_uint_field(w, "vlen", t->vlen);
		json_name(w, "params");
		json_start_array(w);
		for (i = 0; i < t->vlen; i++) {
			json_start_object(w);
			json_string_field(w, "name", type_name(btf, t->items[i].name_off));
			json_uint_field(w, "type_id", t->items[i].type);
			json_end_object(w);
		}
		json_end_array(w);
		break;
	case BH_BTF_KIND_VAR:
		json_uint_field(w, "type_id", t->type);
		json_string_field(w, "linkage", linkage_name(t->linkage));
		break;
	case BH_BTF_KIND_DATASEC:
		json_uint_field(w, "size", t->size);
		json_uint_field(w, "vlen", t->vlen);
		json_name(w, "vars");
		json_start_array(w);
		for (i = 0; i < t->vlen; i++) {
			json_start_object(w);
			json_uint_field(w, "type_id", t->items[i].type);
			json_uint_field(w, "offset", t->items[i].offset);
			json_uint_field(w, "size", t->items[i].size);
			json_end_object(w);
		}
		json_end_array(w);
		break;
	case BH_BTF_KIND_FLOAT:
		json_uint_field(w, "size", t->size);
		break;
	case BH_BTF_KIND_DECL_TAG:
		json_uint_field(w, "type_id", t->type);
		json_int_field(w, "component_idx", t->component_idx);
		break;
	default:
		break;
	}
	json_end_object(w);
}

/* ---- loading ---- */

#define BTF_MAGIC_LO 0x9f
#define BTF_MAGIC_HI 0xeb

/*
 * The BTF of FILE: its .BTF section when it is ELF, the whole file when it
 * starts with the BTF magic. NULL after reporting why.
 */
static struct bh_btf *load_btf(const char *path)
{
	struct bh_log log = BH_LOG_INIT;
	struct bh_elf elf = { 0 };
	struct bh_btf *btf = NULL;
	char prefix[512], ctx[96];
	size_t len, i;
	char *buf;
	int err;

	if (read_file(path, MAX_DATA_FILE, &buf, &len))
		return NULL;
	snprintf(prefix, sizeof(prefix), "'%s': ", path);
	if (len >= 2 && (uint8_t)buf[0] == BTF_MAGIC_LO && (uint8_t)buf[1] == BTF_MAGIC_HI) {
		btf = bh_btf_new(buf, len, "raw BTF", &log);
		if (!btf)
			p_err_log(prefix, bh_log_text(&log), "'%s': invalid BTF", path);
		goto out;
	}
	err = bh_elf_open(&elf, buf, len, &log);
	if (err) {
		p_err_log(prefix, bh_log_text(&log), "'%s' is neither an eBPF object nor raw BTF",
			  path);
		goto out;
	}
	for (i = 1; i < elf.nsec; i++)
		if (!strcmp(elf.secs[i].name, ".BTF"))
			break;
	if (i == elf.nsec) {
		p_err("'%s' has no .BTF section (compile it with -g)", path);
		goto out;
	}
	if (!elf.secs[i].data) {
		p_err("'%s': section '.BTF' (index %zu) is empty", path, i);
		goto out;
	}
	snprintf(ctx, sizeof(ctx), "section '.BTF' (index %zu)", i);
	btf = bh_btf_new(elf.secs[i].data, elf.secs[i].size, ctx, &log);
	if (!btf)
		p_err_log(prefix, bh_log_text(&log), "'%s': invalid BTF in section '.BTF'", path);
out:
	bh_elf_close(&elf);
	bh_log_free(&log);
	free(buf);
	return btf;
}

/* ---- btf dump ---- */

/* bpftool's sources are id, map, prog and file; only a file makes sense here */
static const char *const source_words[] = { "file", "id", "map", "prog", NULL };
static const char *const dump_keywords[] = { "format", NULL };
static const char *const format_words[] = { "raw", "c", NULL };

static int do_dump(int argc, char **argv)
{
	const char *path, *format = NULL;
	struct bh_btf *btf;
	int i;

	if (argc == 1 && !strcmp(argv[0], "help"))
		return do_help(0, NULL);
	if (argc < 2) {
		p_err("btf dump: expected 'file FILE'");
		return -1;
	}
	i = match_word(argv[0], source_words, "btf dump source");
	if (i < 0)
		return -1;
	if (i > 0) {
		p_err("btf dump: '%s' is not supported: bpfhost has no system-wide BTF registry "
		      "(use 'file FILE')",
		      source_words[i]);
		return -1;
	}
	path = argv[1];
	for (i = 2; i < argc; i += 2) {
		if (match_word(argv[i], dump_keywords, "btf dump keyword") < 0)
			return -1;
		if (i + 1 >= argc) {
			p_err("btf dump: keyword 'format' needs a value");
			return -1;
		}
		if (format) {
			p_err("btf dump: keyword 'format' given more than once");
			return -1;
		}
		format = argv[i + 1];
	}
	if (format) {
		int f = match_word(format, format_words, "btf dump format");

		if (f < 0)
			return -1;
		if (f == 1) {
			p_err("btf dump: format c is not supported (only raw)");
			return -1;
		}
	}
	btf = load_btf(path);
	if (!btf)
		return -1;
	if (json_output) {
		uint32_t id;

		json_start_object(json_wtr);
		json_name(json_wtr, "types");
		json_start_array(json_wtr);
		for (id = 1; id < bh_btf_type_cnt(btf); id++)
			json_type(json_wtr, btf, id);
		json_end_array(json_wtr);
		json_end_object(json_wtr);
	} else {
		bh_btf_dump(btf, stdout);
	}
	bh_btf_free(btf);
	return 0;
}

static const struct cmd btf_cmds[] = {
	{ "dump", do_dump, 0 },
	{ "help", do_help, 0 },
	{ 0 },
};

int do_btf(int argc, char **argv)
{
	return cmd_select(btf_cmds, "btf", argc, argv, do_help);
}
