/* SPDX-License-Identifier: MIT */
/*
 * `prog dump xlated OBJ [name NAME] [type TYPE] [linum]`: disassembly of
 * an object's programs (or of a raw instruction file), in the Linux
 * syntax of verifier logs, annotated the way bpftool annotates it:
 *
 *   int count_first(struct sample_ctx * ctx):
 *   ; int count_first(struct sample_ctx *ctx)
 *      0: (bf) r6 = r1
 *   ; __u8 *end = (__u8 *)(long)ctx->data_end;
 *      1: (79) r1 = *(u64 *)(r6 +8)
 *
 * - at each function start (BTF func_info), its prototype built from BTF
 *   (the function's name alone when the object has no BTF);
 * - before the first instruction of each BTF line_info record, `; ` and the
 *   source line (leading blanks removed); `linum` appends
 *   ` [file:FILE line_num:N line_col:N]`;
 * - helper calls name the helper (`call bpf_map_lookup_elem#1`, from the
 *   core helpers and those of the program's type when it is registered);
 *   map references, still symbolic since the object is not loaded, name
 *   the map (`r1 = map[name:hits]`, `r1 = map[name:obj.rodata][0]+4`).
 *
 * The object is opened, not loaded: no program type is needed and nothing
 * is created. JSON: one {"idx", "code", "insn"} object per instruction
 * (lddw once), with "proto" at function starts, "src" where a line record
 * starts and, with linum, "file", "line_num", "line_col". With `name` (or
 * a raw file) the output is that array; without, an array of
 * {"name", "section", "insns": [...]} per program.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"
#include "loader/object.h"
#include "runtime/feature.h"

#define LDDW 0x18
#define CALL 0x85

/* ---- BTF prototypes ---- */

/* Append to a bounded buffer. */
struct sbuf {
	char *p;
	size_t size, len;
};

static void sb_add(struct sbuf *b, const char *s)
{
	int n = snprintf(b->p + b->len, b->size - b->len, "%s", s);

	if (n > 0)
		b->len += (size_t)n < b->size - b->len ? (size_t)n : b->size - b->len - 1;
}

static void type_name(const struct bh_btf *btf, uint32_t id, struct sbuf *b, int depth)
{
	const struct bh_btf_type *t = bh_btf_type_by_id(btf, id);
	char num[32];

	if (!id) {
		sb_add(b, "void");
		return;
	}
	if (!t || depth > 32) {
		sb_add(b, "?");
		return;
	}
	switch (t->kind) {
	case BH_BTF_KIND_STRUCT:
		sb_add(b, "struct ");
		break;
	case BH_BTF_KIND_UNION:
		sb_add(b, "union ");
		break;
	case BH_BTF_KIND_ENUM:
	case BH_BTF_KIND_ENUM64:
		sb_add(b, "enum ");
		break;
	case BH_BTF_KIND_FWD:
		sb_add(b, t->kflag ? "union " : "struct ");
		break;
	case BH_BTF_KIND_PTR:
		type_name(btf, t->type, b, depth + 1);
		sb_add(b, " *");
		return;
	case BH_BTF_KIND_CONST:
		sb_add(b, "const ");
		type_name(btf, t->type, b, depth + 1);
		return;
	case BH_BTF_KIND_VOLATILE:
		sb_add(b, "volatile ");
		type_name(btf, t->type, b, depth + 1);
		return;
	case BH_BTF_KIND_RESTRICT:
	case BH_BTF_KIND_TYPE_TAG:
		type_name(btf, t->type, b, depth + 1);
		return;
	case BH_BTF_KIND_ARRAY:
		type_name(btf, t->arr.type, b, depth + 1);
		snprintf(num, sizeof(num), "[%u]", t->arr.nelems);
		sb_add(b, num);
		return;
	case BH_BTF_KIND_FUNC_PROTO:
		sb_add(b, "(function)");
		return;
	default:
		break;
	}
	sb_add(b, *t->name ? t->name : "(anon)");
}

/* "int name(struct x * ctx, __u32 len)" for a BTF FUNC; false if it is none. */
static bool func_proto(const struct bh_btf *btf, uint32_t func_id, char *buf, size_t size)
{
	const struct bh_btf_type *f = bh_btf_type_by_id(btf, func_id), *fp;
	struct sbuf b = { buf, size, 0 };
	uint32_t i;

	buf[0] = '\0';
	if (!f || f->kind != BH_BTF_KIND_FUNC)
		return false;
	fp = bh_btf_type_by_id(btf, f->type);
	if (!fp || fp->kind != BH_BTF_KIND_FUNC_PROTO)
		return false;
	type_name(btf, fp->type, &b, 0);
	sb_add(&b, " ");
	sb_add(&b, f->name);
	sb_add(&b, "(");
	for (i = 0; i < fp->vlen; i++) {
		const struct bh_btf_item *p = &fp->items[i];

		if (i)
			sb_add(&b, ", ");
		if (!p->type && !*p->name) {
			sb_add(&b, "...");
			continue;
		}
		type_name(btf, p->type, &b, 0);
		if (*p->name) {
			sb_add(&b, " ");
			sb_add(&b, p->name);
		}
	}
	if (!fp->vlen)
		sb_add(&b, "void");
	sb_add(&b, ")");
	return true;
}

/* ---- helper names ---- */

struct helper_names {
	struct {
		uint32_t id;
		const char *name;
	} * v;
	size_t n, cap;
	size_t nr_core;	  /* the first nr_core names are the library's own */
	const char *type; /* program type whose helpers are wanted */
};

static int add_helper(const struct bpfhost_helper_proto *p, void *ctx)
{
	struct helper_names *h = ctx;

	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		void *nv = realloc(h->v, cap * sizeof(*h->v));

		if (!nv)
			return -ENOMEM;
		h->v = nv;
		h->cap = cap;
	}
	h->v[h->n].id = p->id;
	h->v[h->n].name = p->name; /* core protos are static; type ones copied below */
	h->n++;
	return 0;
}

static int add_type_helpers(const char *ext, const struct bpfhost_prog_type_desc *d, void *ctx)
{
	struct helper_names *h = ctx;
	size_t i;

	if (!h->type || strcmp(d->name, h->type))
		return 0;
	for (i = 0; i < d->nr_helpers; i++) {
		size_t at = h->n;

		if (add_helper(&d->helpers[i], h))
			return -ENOMEM;
		/* the descriptor is only valid during the callback */
		h->v[at].name = strdup(d->helpers[i].name ? d->helpers[i].name : "?");
		if (!h->v[at].name)
			return -ENOMEM;
	}
	return 0;
}

static void helper_names_load(struct helper_names *h, const char *type)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	bpfhost_for_each_core_helper(add_helper, h);
	h->nr_core = h->n;
	if (type)
		bpfhost__for_each_prog_type(cli_rt, add_type_helpers, h);
}

static void helper_names_free(struct helper_names *h)
{
	size_t i;

	for (i = h->nr_core; i < h->n; i++)
		free((char *)h->v[i].name);
	free(h->v);
}

static const char *helper_name(const struct helper_names *h, uint32_t id)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (h->v[i].id == id)
			return h->v[i].name;
	return NULL;
}

/* ---- one program ---- */

struct dump_ctx {
	const struct cli_obj *o; /* NULL for raw instructions */
	const struct bh_btf *btf;
	const struct bpfhost_program *prog;
	const struct bpfhost_insn *insns;
	size_t cnt;
	bool linum;
	struct helper_names helpers;
};

/* Text of instruction i with map and helper names; returns its slot count. */
static int insn_text(const struct dump_ctx *d, size_t i, char *buf, size_t size)
{
	const struct bpfhost_insn *in = &d->insns[i];
	int n = bpfhost_disasm_insn(d->insns, d->cnt, i, BPFHOST_DISASM_LINUX, buf, size);

	if (n <= 0)
		return n;
	if (d->o && in->code == LDDW && (in->src_reg == 1 || in->src_reg == 2) && n == 2) {
		struct bpfhost_map *m = cli_obj_map_at(d->o, (uint32_t)in->imm);
		const char *name = m ? bpfhost_map__name(m) : "?";

		if (in->src_reg == 1)
			snprintf(buf, size, "r%u = map[name:%s]", in->dst_reg, name);
		else
			snprintf(buf, size, "r%u = map[name:%s][0]+%u", in->dst_reg, name,
				 (uint32_t)d->insns[i + 1].imm);
	} else if (in->code == CALL && in->src_reg == 0) {
		const char *name = helper_name(&d->helpers, (uint32_t)in->imm);

		if (name)
			snprintf(buf, size, "call %s#%d", name, in->imm);
	}
	return n;
}

/* The prototype (or name) of the function starting at insn i, if one does. */
static bool func_header(const struct dump_ctx *d, size_t i, char *buf, size_t size)
{
	const char *name;
	uint32_t k;

	buf[0] = '\0';
	if (!d->prog)
		return false;
	if (d->btf) {
		const struct bh_prog_spec *ps = d->prog->spec;

		for (k = 0; k < ps->nr_func_info; k++)
			if (ps->func_info[k].insn == i)
				return func_proto(d->btf, ps->func_info[k].type_id, buf, size);
	}
	name = bpfhost_program__func_name(d->prog, i);
	if (!name)
		return false;
	snprintf(buf, size, "%s", name);
	return true;
}

/* The source line starting at insn i, if a line record starts there. */
static bool line_at(const struct dump_ctx *d, size_t i, struct bpfhost_line_info *li,
		    struct bpfhost_line_info *prev, bool *have_prev)
{
	if (!d->prog || bpfhost_program__line_info(d->prog, i, li))
		return false;
	if (*have_prev && li->file == prev->file && li->source == prev->source &&
	    li->line == prev->line && li->col == prev->col)
		return false;
	*prev = *li;
	*have_prev = true;
	while (*li->source == ' ' || *li->source == '\t')
		li->source++;
	return *li->source != '\0';
}

static int dump_insns(struct dump_ctx *d, const char *path)
{
	char text[BPFHOST_DISASM_BUF_SIZE + 128], head[512];
	struct bpfhost_line_info li, prev;
	bool have_prev = false;
	size_t i = 0;

	/* decode everything first: an undecodable insn is an error, not half a listing */
	while (i < d->cnt) {
		int n = insn_text(d, i, text, sizeof(text));

		if (n <= 0) {
			p_err("'%s': insn %zu (code 0x%02x): %s", path, i, d->insns[i].code,
			      n == -EINVAL && text[0] ? text : strerror(n ? -n : EINVAL));
			return -1;
		}
		i += (size_t)n;
	}
	if (json_output)
		json_start_array(json_wtr);
	for (i = 0; i < d->cnt;) {
		bool has_head = func_header(d, i, head, sizeof(head));
		bool has_line = line_at(d, i, &li, &prev, &have_prev);
		int n = insn_text(d, i, text, sizeof(text));

		if (json_output) {
			json_start_object(json_wtr);
			json_uint_field(json_wtr, "idx", i);
			if (has_head)
				json_string_field(json_wtr, "proto", head);
			if (has_line) {
				json_string_field(json_wtr, "src", li.source);
				if (d->linum) {
					json_string_field(json_wtr, "file", li.file);
					json_uint_field(json_wtr, "line_num", li.line);
					json_uint_field(json_wtr, "line_col", li.col);
				}
			}
			{
				char code[8];

				snprintf(code, sizeof(code), "0x%02x", d->insns[i].code);
				json_string_field(json_wtr, "code", code);
			}
			json_string_field(json_wtr, "insn", text);
			json_end_object(json_wtr);
		} else {
			if (has_head)
				printf("%s:\n", head);
			if (has_line && d->linum)
				printf("; %s [file:%s line_num:%u line_col:%u]\n", li.source,
				       li.file, li.line, li.col);
			else if (has_line)
				printf("; %s\n", li.source);
			printf("%4zu: (%02x) %s\n", i, d->insns[i].code, text);
		}
		i += (size_t)n;
	}
	if (json_output)
		json_end_array(json_wtr);
	return 0;
}

static int dump_obj_prog(const struct cli_obj *o, const struct bpfhost_program *p, bool linum)
{
	struct dump_ctx d = {
		.o = o,
		.btf = o->obj->spec->btf,
		.prog = p,
		.insns = bpfhost_program__insns(p),
		.cnt = bpfhost_program__insn_cnt(p),
		.linum = linum,
	};
	int ret;

	helper_names_load(&d.helpers, bpfhost_program__type_name(p));
	ret = dump_insns(&d, o->path);
	helper_names_free(&d.helpers);
	return ret;
}

static int dump_obj(const char *path, const char *name, const char *type, bool linum)
{
	struct bpfhost_program *p;
	struct cli_obj o;
	bool first = true;
	int ret = -1;

	if (cli_obj_open(&o, path, NULL))
		return -1;
	if (type && cli_obj_set_type(&o, type))
		goto out;
	if (name) {
		p = cli_obj_prog(&o, name);
		if (p)
			ret = dump_obj_prog(&o, p, linum);
		goto out;
	}
	if (json_output)
		json_start_array(json_wtr);
	bpfhost_object__for_each_program(p, o.obj)
	{
		if (json_output) {
			json_start_object(json_wtr);
			json_string_field(json_wtr, "name", bpfhost_program__name(p));
			json_string_field(json_wtr, "section", bpfhost_program__section_name(p));
			json_name(json_wtr, "insns");
		} else if (!first) {
			printf("\n");
		}
		first = false;
		if (dump_obj_prog(&o, p, linum))
			goto out;
		if (json_output)
			json_end_object(json_wtr);
	}
	if (json_output)
		json_end_array(json_wtr);
	ret = 0;
out:
	cli_obj_close(&o);
	return ret;
}

static int dump_raw(const char *path, const char *type)
{
	struct dump_ctx d = { 0 };
	struct raw_prog r;
	int ret;

	if (raw_prog_read(&r, path, type, NULL))
		return -1;
	d.insns = r.insns;
	d.cnt = r.cnt;
	helper_names_load(&d.helpers, type);
	ret = dump_insns(&d, path);
	helper_names_free(&d.helpers);
	raw_prog_free(&r);
	return ret;
}

enum { DK_NAME, DK_TYPE, DK_LINUM };

int do_prog_dump(int argc, char **argv)
{
	static const char *const kinds[] = { "xlated", "jited", NULL };
	struct kw kws[] = {
		[DK_NAME] = KW_VALUE("name"),
		[DK_TYPE] = KW_VALUE("type"),
		[DK_LINUM] = KW_FLAG("linum"),
		KW_END,
	};
	const char *path;
	int k, elf;

	if (argc < 1) {
		p_err("prog dump: expected 'xlated OBJ'");
		return -1;
	}
	k = match_word(argv[0], kinds, "prog dump kind");
	if (k < 0)
		return -1;
	if (k == 1) {
		p_err("prog dump jited: bpfhost has no JIT output to dump (use 'xlated')");
		return -1;
	}
	if (argc < 2) {
		p_err("prog dump xlated: expected an object FILE");
		return -1;
	}
	path = argv[1];
	if (parse_keywords(argc - 2, argv + 2, kws, "prog dump"))
		return -1;
	elf = file_is_elf(path);
	if (elf < 0)
		return -1;
	if (elf)
		return dump_obj(path, kws[DK_NAME].value, kws[DK_TYPE].value, kws[DK_LINUM].seen);
	if (kws[DK_NAME].seen) {
		p_err("prog dump: 'name' selects a program of an ELF object; '%s' is raw "
		      "instructions",
		      path);
		return -1;
	}
	return dump_raw(path, kws[DK_TYPE].value);
}
