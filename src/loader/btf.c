/* SPDX-License-Identifier: MIT */
/*
 * BTF parsing and validation.
 *
 * Three passes over the copied blob: (1) walk the type section to count the
 * types and their vlen entries, checking that every record fits; (2) decode
 * the records into host-order structs and check the per-kind rules that need
 * only the record itself (names, vlen/kflag, sizes, encodings); (3) check
 * the references between types (ids in range, FUNC -> FUNC_PROTO, tag
 * components, DATASEC entries), compute the size of every sized type with a
 * bounded-depth walk that also finds reference cycles, and check that
 * members fit in their struct/union.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/btf.h"
#include "loader/elf.h"

#define BTF_MAGIC 0xeb9f
#define BTF_HDR_MIN 24
#define BTF_REC 12
#define INFO_MASK 0x9f00ffffu
#define MAX_RESOLVE_DEPTH 32
#define MAX_TYPES (1u << 24)

static const char *const kind_names[BH_BTF_KIND__COUNT] = {
	[BH_BTF_KIND_UNKN] = "UNKNOWN",	     [BH_BTF_KIND_INT] = "INT",
	[BH_BTF_KIND_PTR] = "PTR",	     [BH_BTF_KIND_ARRAY] = "ARRAY",
	[BH_BTF_KIND_STRUCT] = "STRUCT",     [BH_BTF_KIND_UNION] = "UNION",
	[BH_BTF_KIND_ENUM] = "ENUM",	     [BH_BTF_KIND_FWD] = "FWD",
	[BH_BTF_KIND_TYPEDEF] = "TYPEDEF",   [BH_BTF_KIND_VOLATILE] = "VOLATILE",
	[BH_BTF_KIND_CONST] = "CONST",	     [BH_BTF_KIND_RESTRICT] = "RESTRICT",
	[BH_BTF_KIND_FUNC] = "FUNC",	     [BH_BTF_KIND_FUNC_PROTO] = "FUNC_PROTO",
	[BH_BTF_KIND_VAR] = "VAR",	     [BH_BTF_KIND_DATASEC] = "DATASEC",
	[BH_BTF_KIND_FLOAT] = "FLOAT",	     [BH_BTF_KIND_DECL_TAG] = "DECL_TAG",
	[BH_BTF_KIND_TYPE_TAG] = "TYPE_TAG", [BH_BTF_KIND_ENUM64] = "ENUM64",
};

const char *bh_btf_kind_str(unsigned kind)
{
	return kind < BH_BTF_KIND__COUNT ? kind_names[kind] : "UNKNOWN";
}

const char *bh_btf_str(const struct bh_btf *btf, uint32_t off)
{
	const char *s = (const char *)btf->raw + btf->str_off;

	if (off >= btf->str_len)
		return NULL;
	if (!memchr(s + off, '\0', btf->str_len - off))
		return NULL;
	return s + off;
}

const struct bh_btf_type *bh_btf_type_by_id(const struct bh_btf *btf, uint32_t id)
{
	return id < btf->nr_types ? &btf->types[id] : NULL;
}

/* Size of the vlen/extra data following a record; -1 for unknown kinds. */
static long extra_size(unsigned kind, unsigned vlen)
{
	switch (kind) {
	case BH_BTF_KIND_INT:
	case BH_BTF_KIND_VAR:
	case BH_BTF_KIND_DECL_TAG:
		return 4;
	case BH_BTF_KIND_ARRAY:
		return 12;
	case BH_BTF_KIND_STRUCT:
	case BH_BTF_KIND_UNION:
	case BH_BTF_KIND_DATASEC:
	case BH_BTF_KIND_ENUM64:
		return 12L * vlen;
	case BH_BTF_KIND_ENUM:
	case BH_BTF_KIND_FUNC_PROTO:
		return 8L * vlen;
	case BH_BTF_KIND_PTR:
	case BH_BTF_KIND_FWD:
	case BH_BTF_KIND_TYPEDEF:
	case BH_BTF_KIND_VOLATILE:
	case BH_BTF_KIND_CONST:
	case BH_BTF_KIND_RESTRICT:
	case BH_BTF_KIND_FUNC:
	case BH_BTF_KIND_FLOAT:
	case BH_BTF_KIND_TYPE_TAG:
		return 0;
	default:
		return -1;
	}
}

static bool has_items(unsigned kind)
{
	return kind == BH_BTF_KIND_STRUCT || kind == BH_BTF_KIND_UNION ||
	       kind == BH_BTF_KIND_ENUM || kind == BH_BTF_KIND_ENUM64 ||
	       kind == BH_BTF_KIND_FUNC_PROTO || kind == BH_BTF_KIND_DATASEC;
}

struct ctx {
	struct bh_btf *btf;
	const char *what;
	struct bh_log *log;
};

__attribute__((format(printf, 3, 4))) static int
bad_type(struct ctx *c, const struct bh_btf_type *t, const char *fmt, ...)
{
	va_list ap;

	bh_logf(c->log, "%s: type [%u] %s '%s' at offset 0x%x: ", c->what, t->id,
		bh_btf_kind_str(t->kind), t->name && *t->name ? t->name : "(anon)", t->rec_off);
	va_start(ap, fmt);
	bh_vlogf(c->log, fmt, ap);
	va_end(ap);
	bh_logf(c->log, "\n");
	return -EINVAL;
}

static int parse_header(struct ctx *c)
{
	struct bh_btf *btf = c->btf;
	const uint8_t *p = btf->raw;
	size_t size = btf->raw_size;
	uint32_t hdr_len, toff, tlen, soff, slen;

	if (size < BTF_HDR_MIN) {
		bh_logf(c->log, "%s: %zu bytes, too small for the BTF header (%d bytes)\n", c->what,
			size, BTF_HDR_MIN);
		return -EINVAL;
	}
	if (bh_le16(p) != BTF_MAGIC) {
		if (bh_le16(p) == 0x9feb)
			bh_logf(c->log, "%s: big-endian BTF is not supported\n", c->what);
		else
			bh_logf(c->log,
				"%s: bad BTF magic 0x%04x at offset 0x0 (expected 0xeb9f)\n",
				c->what, bh_le16(p));
		return -EINVAL;
	}
	if (p[2] != 1) {
		bh_logf(c->log, "%s: unsupported BTF version %u at offset 0x2\n", c->what, p[2]);
		return -EINVAL;
	}
	if (p[3] != 0) {
		bh_logf(c->log, "%s: unsupported BTF flags 0x%x at offset 0x3\n", c->what, p[3]);
		return -EINVAL;
	}
	hdr_len = bh_le32(p + 4);
	if (hdr_len < BTF_HDR_MIN || hdr_len > size) {
		bh_logf(c->log, "%s: BTF header length %u at offset 0x4 is outside 24..%zu\n",
			c->what, hdr_len, size);
		return -EINVAL;
	}
	toff = bh_le32(p + 8);
	tlen = bh_le32(p + 12);
	soff = bh_le32(p + 16);
	slen = bh_le32(p + 20);
	if (!bh_range_ok(toff, tlen, size - hdr_len) || toff % 4) {
		bh_logf(c->log,
			"%s: type section (offset 0x%x, length 0x%x after the %u-byte header) is "
			"misaligned or runs past the end (0x%zx)\n",
			c->what, toff, tlen, hdr_len, size);
		return -EINVAL;
	}
	if (!bh_range_ok(soff, slen, size - hdr_len)) {
		bh_logf(c->log,
			"%s: string section (offset 0x%x, length 0x%x after the %u-byte header) "
			"runs past the end (0x%zx)\n",
			c->what, soff, slen, hdr_len, size);
		return -EINVAL;
	}
	if (tlen && slen && toff < soff + (uint64_t)slen && soff < toff + (uint64_t)tlen) {
		bh_logf(c->log, "%s: type section and string section overlap\n", c->what);
		return -EINVAL;
	}
	if (!slen || p[hdr_len + soff] != '\0' || p[hdr_len + soff + slen - 1] != '\0') {
		bh_logf(c->log,
			"%s: string section at offset 0x%x must start and end with a NUL byte\n",
			c->what, hdr_len + soff);
		return -EINVAL;
	}
	for (size_t i = hdr_len; i > BTF_HDR_MIN; i--) {
		if (p[i - 1]) {
			bh_logf(c->log,
				"%s: unknown BTF header field set at offset 0x%zx (header length "
				"%u)\n",
				c->what, i - 1, hdr_len);
			return -EINVAL;
		}
	}
	btf->hdr_len = hdr_len;
	btf->type_off = hdr_len + toff;
	btf->type_len = tlen;
	btf->str_off = hdr_len + soff;
	btf->str_len = slen;
	return 0;
}

/* Pass 1: count types and vlen entries, checking that records fit. */
static int count_types(struct ctx *c, uint32_t *ntypes, size_t *nitems)
{
	struct bh_btf *btf = c->btf;
	const uint8_t *p = btf->raw;
	uint32_t off = btf->type_off, end = btf->type_off + btf->type_len;
	uint32_t n = 1;
	size_t items = 0;

	while (off < end) {
		uint32_t info;
		unsigned kind, vlen;
		long extra;

		if (end - off < BTF_REC) {
			bh_logf(c->log,
				"%s: type [%u] at offset 0x%x: record truncated (%u bytes left, "
				"12 needed)\n",
				c->what, n, off, end - off);
			return -EINVAL;
		}
		info = bh_le32(p + off + 4);
		kind = (info >> 24) & 0x1f;
		vlen = info & 0xffff;
		extra = extra_size(kind, vlen);
		if (extra < 0 || kind == BH_BTF_KIND_UNKN) {
			bh_logf(c->log, "%s: type [%u] at offset 0x%x: unknown kind %u\n", c->what,
				n, off, kind);
			return -EINVAL;
		}
		if ((unsigned long)extra > end - off - BTF_REC) {
			bh_logf(c->log,
				"%s: type [%u] %s at offset 0x%x: %ld bytes of %s data run past "
				"the end of the type section (offset 0x%x)\n",
				c->what, n, bh_btf_kind_str(kind), off, extra,
				has_items(kind) ? "member" : "extra", end);
			return -EINVAL;
		}
		if (has_items(kind))
			items += vlen;
		off += BTF_REC + (uint32_t)extra;
		if (++n > MAX_TYPES) {
			bh_logf(c->log, "%s: more than %u types\n", c->what, MAX_TYPES);
			return -E2BIG;
		}
	}
	*ntypes = n;
	*nitems = items;
	return 0;
}

static int name_of(struct ctx *c, struct bh_btf_type *t, uint32_t off, const char **out)
{
	*out = bh_btf_str(c->btf, off);
	if (!*out)
		return bad_type(c, t, "name offset 0x%x is outside the string section (0x%x bytes)",
				off, c->btf->str_len);
	return 0;
}

static int check_name(struct ctx *c, struct bh_btf_type *t, bool required)
{
	if (required && !*t->name)
		return bad_type(c, t, "a name is required for this kind");
	if (!required && *t->name)
		return bad_type(c, t, "this kind must not have a name");
	return 0;
}

/* Pass 2: decode one record at raw offset off; returns its total size. */
static long decode_type(struct ctx *c, struct bh_btf_type *t, struct bh_btf_item **itemp)
{
	const uint8_t *p = c->btf->raw + t->rec_off;
	uint32_t info = bh_le32(p + 4);
	const uint8_t *x = p + BTF_REC;
	uint32_t i;
	int err;

	t->name_off = bh_le32(p);
	t->kind = (info >> 24) & 0x1f;
	t->vlen = info & 0xffff;
	t->kflag = info >> 31;
	t->size = t->type = bh_le32(p + 8);
	t->name = "";
	err = name_of(c, t, t->name_off, &t->name);
	if (err)
		return err;
	if (info & ~INFO_MASK)
		return bad_type(c, t, "reserved bits set in info word 0x%08x", info);
	if (has_items(t->kind)) {
		t->items = *itemp;
		*itemp += t->vlen;
	}
	switch (t->kind) {
	case BH_BTF_KIND_INT: {
		uint32_t v = bh_le32(x);
		unsigned enc = (v >> 24) & 0xf;

		t->intv.encoding = (uint8_t)enc;
		t->intv.offset = (uint8_t)(v >> 16);
		t->intv.bits = (uint8_t)v;
		if (v & 0xf0000000u || (v & 0xff00) || (enc & (enc - 1)) || enc > 4)
			return bad_type(c, t, "bad INT data 0x%08x (encoding %u)", v, enc);
		if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8 && t->size != 16)
			return bad_type(c, t, "INT size %u is not 1, 2, 4, 8 or 16", t->size);
		if (t->intv.bits > 128 || t->intv.offset + t->intv.bits > t->size * 8u)
			return bad_type(c, t, "%u bits at bit offset %u do not fit in %u bytes",
					t->intv.bits, t->intv.offset, t->size);
		break;
	}
	case BH_BTF_KIND_ARRAY:
		t->arr.type = bh_le32(x);
		t->arr.index_type = bh_le32(x + 4);
		t->arr.nelems = bh_le32(x + 8);
		if (t->size)
			return bad_type(c, t, "size/type word must be 0, is %u", t->size);
		break;
	case BH_BTF_KIND_STRUCT:
	case BH_BTF_KIND_UNION:
		for (i = 0; i < t->vlen; i++, x += 12) {
			struct bh_btf_item *m = &t->items[i];

			m->name_off = bh_le32(x);
			m->type = bh_le32(x + 4);
			m->offset = bh_le32(x + 8);
			err = name_of(c, t, m->name_off, &m->name);
			if (err)
				return err;
			if (t->kflag && (m->offset >> 24) > 128)
				return bad_type(c, t, "member '%s' bitfield size %u is over 128",
						m->name, m->offset >> 24);
		}
		break;
	case BH_BTF_KIND_ENUM:
	case BH_BTF_KIND_ENUM64:
		for (i = 0; i < t->vlen; i++) {
			struct bh_btf_item *m = &t->items[i];

			m->name_off = bh_le32(x);
			if (t->kind == BH_BTF_KIND_ENUM) {
				uint32_t v = bh_le32(x + 4);

				/* kflag: signed values */
				m->val = t->kflag ? (uint64_t)(int64_t)(int32_t)v : v;
				x += 8;
			} else {
				m->val = (uint64_t)bh_le32(x + 4) | (uint64_t)bh_le32(x + 8) << 32;
				x += 12;
			}
			err = name_of(c, t, m->name_off, &m->name);
			if (err)
				return err;
			if (!*m->name)
				return bad_type(c, t, "value %u has no name", i);
		}
		if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8)
			return bad_type(c, t, "size %u is not 1, 2, 4 or 8", t->size);
		break;
	case BH_BTF_KIND_FUNC_PROTO:
		for (i = 0; i < t->vlen; i++, x += 8) {
			struct bh_btf_item *m = &t->items[i];

			m->name_off = bh_le32(x);
			m->type = bh_le32(x + 4);
			err = name_of(c, t, m->name_off, &m->name);
			if (err)
				return err;
			if (m->type == 0 && (i + 1 != t->vlen || *m->name))
				return bad_type(c, t,
						"parameter %u is void; only an unnamed last one "
						"(varargs) may be",
						i);
		}
		break;
	case BH_BTF_KIND_DATASEC:
		for (i = 0; i < t->vlen; i++, x += 12) {
			struct bh_btf_item *m = &t->items[i];

			m->type = bh_le32(x);
			m->offset = bh_le32(x + 4);
			m->size = bh_le32(x + 8);
			m->name = "";
			if (t->size && !bh_range_ok(m->offset, m->size, t->size))
				return bad_type(c, t,
						"variable %u (offset %u size %u) does not fit in "
						"size %u",
						i, m->offset, m->size, t->size);
		}
		break;
	case BH_BTF_KIND_VAR:
		t->linkage = bh_le32(x);
		if (t->linkage > BH_BTF_LINKAGE_EXTERN)
			return bad_type(c, t, "unknown linkage %u", t->linkage);
		break;
	case BH_BTF_KIND_DECL_TAG:
		t->component_idx = (int32_t)bh_le32(x);
		if (t->component_idx < -1)
			return bad_type(c, t, "component_idx %d is below -1", t->component_idx);
		break;
	case BH_BTF_KIND_FLOAT:
		if (t->size != 2 && t->size != 4 && t->size != 8 && t->size != 12 && t->size != 16)
			return bad_type(c, t, "FLOAT size %u is not 2, 4, 8, 12 or 16", t->size);
		break;
	default:
		break;
	}

	/* names, vlen and kflag rules per kind */
	switch (t->kind) {
	case BH_BTF_KIND_INT:
	case BH_BTF_KIND_FLOAT:
	case BH_BTF_KIND_TYPEDEF:
	case BH_BTF_KIND_VAR:
	case BH_BTF_KIND_TYPE_TAG:
	case BH_BTF_KIND_DECL_TAG:
	case BH_BTF_KIND_FWD:
	case BH_BTF_KIND_DATASEC:
	case BH_BTF_KIND_FUNC:
		err = check_name(c, t, true);
		break;
	case BH_BTF_KIND_PTR:
	case BH_BTF_KIND_ARRAY:
	case BH_BTF_KIND_VOLATILE:
	case BH_BTF_KIND_CONST:
	case BH_BTF_KIND_RESTRICT:
	case BH_BTF_KIND_FUNC_PROTO:
		err = check_name(c, t, false);
		break;
	default:
		err = 0;
	}
	if (err)
		return err;
	if (!has_items(t->kind) && t->kind != BH_BTF_KIND_FUNC && t->vlen)
		return bad_type(c, t, "vlen must be 0, is %u", t->vlen);
	if (t->kind == BH_BTF_KIND_FUNC && t->vlen > BH_BTF_LINKAGE_EXTERN)
		return bad_type(c, t, "unknown linkage %u", t->vlen);
	if (t->kflag && t->kind != BH_BTF_KIND_STRUCT && t->kind != BH_BTF_KIND_UNION &&
	    t->kind != BH_BTF_KIND_FWD && t->kind != BH_BTF_KIND_ENUM &&
	    t->kind != BH_BTF_KIND_ENUM64 && t->kind != BH_BTF_KIND_DECL_TAG &&
	    t->kind != BH_BTF_KIND_TYPE_TAG)
		return bad_type(c, t, "kind_flag must be 0 for this kind");
	return BTF_REC + extra_size(t->kind, t->vlen);
}

static int check_ref(struct ctx *c, const struct bh_btf_type *t, uint32_t ref, const char *what,
		     bool void_ok)
{
	if (ref >= c->btf->nr_types)
		return bad_type(c, t, "%s type_id %u is out of range (last id %u)", what, ref,
				c->btf->nr_types - 1);
	if (!ref && !void_ok)
		return bad_type(c, t, "%s type_id must not be 0 (void)", what);
	return 0;
}

/* Pass 3a: references between types. */
static int check_refs(struct ctx *c, const struct bh_btf_type *t)
{
	const struct bh_btf *btf = c->btf;
	const struct bh_btf_type *r;
	uint32_t i;
	int err = 0;

	switch (t->kind) {
	case BH_BTF_KIND_PTR:
	case BH_BTF_KIND_TYPEDEF:
	case BH_BTF_KIND_VOLATILE:
	case BH_BTF_KIND_CONST:
	case BH_BTF_KIND_RESTRICT:
	case BH_BTF_KIND_TYPE_TAG:
		return check_ref(c, t, t->type, "referenced", true);
	case BH_BTF_KIND_VAR:
		return check_ref(c, t, t->type, "variable", false);
	case BH_BTF_KIND_ARRAY:
		err = check_ref(c, t, t->arr.type, "element", false);
		if (!err)
			err = check_ref(c, t, t->arr.index_type, "index", false);
		return err;
	case BH_BTF_KIND_STRUCT:
	case BH_BTF_KIND_UNION:
		for (i = 0; i < t->vlen && !err; i++)
			err = check_ref(c, t, t->items[i].type, "member", false);
		return err;
	case BH_BTF_KIND_FUNC_PROTO:
		err = check_ref(c, t, t->type, "return", true);
		for (i = 0; i < t->vlen && !err; i++)
			err = check_ref(c, t, t->items[i].type, "parameter", true);
		return err;
	case BH_BTF_KIND_FUNC:
		err = check_ref(c, t, t->type, "prototype", false);
		if (!err && btf->types[t->type].kind != BH_BTF_KIND_FUNC_PROTO)
			return bad_type(c, t, "type_id %u is a %s, not a FUNC_PROTO", t->type,
					bh_btf_kind_str(btf->types[t->type].kind));
		return err;
	case BH_BTF_KIND_DATASEC:
		for (i = 0; i < t->vlen && !err; i++) {
			err = check_ref(c, t, t->items[i].type, "variable", false);
			if (err)
				break;
			r = &btf->types[t->items[i].type];
			if (r->kind != BH_BTF_KIND_VAR && r->kind != BH_BTF_KIND_FUNC)
				return bad_type(c, t, "entry %u (type_id %u) is a %s, not a VAR", i,
						t->items[i].type, bh_btf_kind_str(r->kind));
		}
		return err;
	case BH_BTF_KIND_DECL_TAG:
		err = check_ref(c, t, t->type, "tagged", false);
		if (err)
			return err;
		r = &btf->types[t->type];
		if (t->component_idx == -1)
			return 0;
		if (r->kind == BH_BTF_KIND_FUNC && r->type < btf->nr_types)
			r = &btf->types[r->type];
		else if (r->kind != BH_BTF_KIND_STRUCT && r->kind != BH_BTF_KIND_UNION)
			return bad_type(c, t, "component_idx %d given for a %s", t->component_idx,
					bh_btf_kind_str(r->kind));
		if ((uint32_t)t->component_idx >= r->vlen)
			return bad_type(c, t, "component_idx %d is out of range (vlen %u)",
					t->component_idx, r->vlen);
		return 0;
	default:
		return 0;
	}
}

enum { UNSEEN, VISITING, DONE };

/* Pass 3b: size of every type, finding cycles; depth-bounded recursion. */
static int resolve(struct ctx *c, uint32_t id, uint8_t *state, unsigned depth)
{
	struct bh_btf *btf = c->btf;
	const struct bh_btf_type *t = &btf->types[id];
	int64_t sz = -1;
	uint32_t i;
	int err;

	if (state[id] == DONE)
		return 0;
	if (state[id] == VISITING)
		return bad_type(c, t, "type refers back to itself (reference cycle)");
	if (depth > MAX_RESOLVE_DEPTH)
		return bad_type(c, t, "type chain is deeper than %d", MAX_RESOLVE_DEPTH);
	state[id] = VISITING;
	switch (t->kind) {
	case BH_BTF_KIND_INT:
	case BH_BTF_KIND_ENUM:
	case BH_BTF_KIND_ENUM64:
	case BH_BTF_KIND_FLOAT:
	case BH_BTF_KIND_DATASEC:
		sz = t->size;
		break;
	case BH_BTF_KIND_PTR:
		sz = 8;
		break;
	case BH_BTF_KIND_TYPEDEF:
	case BH_BTF_KIND_VOLATILE:
	case BH_BTF_KIND_CONST:
	case BH_BTF_KIND_RESTRICT:
	case BH_BTF_KIND_TYPE_TAG:
	case BH_BTF_KIND_VAR:
		err = resolve(c, t->type, state, depth + 1);
		if (err)
			return err;
		sz = btf->sizes[t->type];
		break;
	case BH_BTF_KIND_ARRAY:
		err = resolve(c, t->arr.type, state, depth + 1);
		if (err)
			return err;
		if (btf->sizes[t->arr.type] < 0)
			return bad_type(c, t, "element type [%u] has no size", t->arr.type);
		sz = btf->sizes[t->arr.type] * (int64_t)t->arr.nelems;
		if (sz > UINT32_MAX)
			return bad_type(c, t, "array size %lld is over 4 GiB", (long long)sz);
		break;
	case BH_BTF_KIND_STRUCT:
	case BH_BTF_KIND_UNION:
		sz = t->size;
		for (i = 0; i < t->vlen; i++) {
			const struct bh_btf_item *m = &t->items[i];
			uint32_t boff = bh_btf_member_bit_off(t, i);
			uint32_t bsz = bh_btf_member_bitfield_size(t, i);
			int64_t msz;

			err = resolve(c, m->type, state, depth + 1);
			if (err)
				return err;
			msz = btf->sizes[m->type];
			if (msz < 0)
				return bad_type(c, t, "member '%s' type [%u] has no size", m->name,
						m->type);
			if (bsz) {
				if ((uint64_t)boff + bsz > (uint64_t)t->size * 8)
					return bad_type(
						c, t,
						"bitfield member '%s' (bits %u..%u) is past "
						"the end of the %u-byte type",
						m->name, boff, boff + bsz - 1, t->size);
				continue;
			}
			if (boff % 8) {
				/* plain int bitfields (kflag 0) use the INT's own offset */
				const struct bh_btf_type *mt =
					bh_btf_skip_mods_typedefs(btf, m->type, NULL);

				if (!mt ||
				    (mt->kind != BH_BTF_KIND_INT && mt->kind != BH_BTF_KIND_ENUM &&
				     mt->kind != BH_BTF_KIND_ENUM64))
					return bad_type(c, t,
							"member '%s' bit offset %u is not a "
							"multiple of 8",
							m->name, boff);
				if ((uint64_t)boff +
					    (mt->kind == BH_BTF_KIND_INT ? mt->intv.bits : 0) >
				    (uint64_t)t->size * 8)
					return bad_type(c, t,
							"member '%s' at bit offset %u is past the "
							"end of the %u-byte type",
							m->name, boff, t->size);
				continue;
			}
			if (boff / 8 + (uint64_t)msz > t->size)
				return bad_type(
					c, t,
					"member '%s' (offset %u, size %lld) is past the end "
					"of the %u-byte type",
					m->name, boff / 8, (long long)msz, t->size);
		}
		break;
	case BH_BTF_KIND_FUNC_PROTO:
		/* parameters and return types are references: no cycle through them */
		break;
	default:
		break;
	}
	btf->sizes[id] = sz;
	state[id] = DONE;
	return 0;
}

struct bh_btf *bh_btf_new(const void *data, size_t size, const char *what, struct bh_log *log)
{
	struct bh_btf *btf = calloc(1, sizeof(*btf));
	struct ctx c = { btf, what ? what : "BTF", log };
	struct bh_btf_item *items;
	uint8_t *state = NULL;
	size_t nitems;
	uint32_t n, id, off;
	int err = -ENOMEM;

	if (!btf)
		goto fail;
	if (!data || size > UINT32_MAX) {
		bh_logf(log, "%s: no BTF data or size %zu over 4 GiB\n", c.what, size);
		err = -EINVAL;
		goto fail;
	}
	btf->raw = malloc(size ? size : 1);
	if (!btf->raw)
		goto fail;
	memcpy(btf->raw, data, size);
	btf->raw_size = size;
	err = parse_header(&c);
	if (!err)
		err = count_types(&c, &n, &nitems);
	if (err)
		goto fail;
	err = -ENOMEM;
	btf->types = calloc(n, sizeof(*btf->types));
	btf->items = calloc(nitems ? nitems : 1, sizeof(*btf->items));
	btf->sizes = calloc(n, sizeof(*btf->sizes));
	state = calloc(n, 1);
	if (!btf->types || !btf->items || !btf->sizes || !state)
		goto fail;
	btf->nr_types = n;
	btf->types[0].name = "";
	btf->sizes[0] = -1;
	state[0] = DONE;
	items = btf->items;
	off = btf->type_off;
	for (id = 1; id < n; id++) {
		long len;

		btf->types[id].id = id;
		btf->types[id].rec_off = off;
		len = decode_type(&c, &btf->types[id], &items);
		if (len < 0) {
			err = (int)len;
			goto fail;
		}
		off += (uint32_t)len;
	}
	for (id = 1; id < n; id++) {
		err = check_refs(&c, &btf->types[id]);
		if (err)
			goto fail;
	}
	for (id = 1; id < n; id++) {
		err = resolve(&c, id, state, 0);
		if (err)
			goto fail;
	}
	free(state);
	return btf;
fail:
	free(state);
	bh_btf_free(btf);
	errno = -err;
	return NULL;
}

void bh_btf_free(struct bh_btf *btf)
{
	if (!btf)
		return;
	free(btf->raw);
	free(btf->types);
	free(btf->items);
	free(btf->sizes);
	free(btf);
}

int bh_btf_find_by_name_kind(const struct bh_btf *btf, const char *name, unsigned kind)
{
	uint32_t id;

	for (id = 1; id < btf->nr_types; id++)
		if (btf->types[id].kind == kind && !strcmp(btf->types[id].name, name))
			return (int)id;
	return -ENOENT;
}

const struct bh_btf_type *bh_btf_skip_mods_typedefs(const struct bh_btf *btf, uint32_t id,
						    uint32_t *res_id)
{
	const struct bh_btf_type *t = bh_btf_type_by_id(btf, id);
	unsigned depth = 0;

	/* validated BTF has no cycles, but keep a bound for safety */
	while (t && depth++ <= MAX_RESOLVE_DEPTH + 1) {
		switch (t->kind) {
		case BH_BTF_KIND_TYPEDEF:
		case BH_BTF_KIND_VOLATILE:
		case BH_BTF_KIND_CONST:
		case BH_BTF_KIND_RESTRICT:
		case BH_BTF_KIND_TYPE_TAG:
			id = t->type;
			t = bh_btf_type_by_id(btf, id);
			continue;
		default:
			if (res_id)
				*res_id = id;
			return t;
		}
	}
	return NULL;
}

int64_t bh_btf_resolve_size(const struct bh_btf *btf, uint32_t id)
{
	if (id >= btf->nr_types || btf->sizes[id] < 0)
		return -EINVAL;
	return btf->sizes[id];
}

static int member_rec(const struct bh_btf *btf, const struct bh_btf_type *t, const char *name,
		      uint32_t base, uint32_t *bit_off, uint32_t *type_id, uint32_t *bf,
		      unsigned depth)
{
	uint32_t i;

	if (depth > MAX_RESOLVE_DEPTH)
		return -ENOENT;
	for (i = 0; i < t->vlen; i++) {
		const struct bh_btf_item *m = &t->items[i];

		if (*m->name) {
			if (strcmp(m->name, name))
				continue;
			*bit_off = base + bh_btf_member_bit_off(t, i);
			*type_id = m->type;
			*bf = bh_btf_member_bitfield_size(t, i);
			return (int)i;
		} else {
			const struct bh_btf_type *mt =
				bh_btf_skip_mods_typedefs(btf, m->type, NULL);

			if (mt &&
			    (mt->kind == BH_BTF_KIND_STRUCT || mt->kind == BH_BTF_KIND_UNION) &&
			    member_rec(btf, mt, name, base + bh_btf_member_bit_off(t, i), bit_off,
				       type_id, bf, depth + 1) >= 0)
				return (int)i;
		}
	}
	return -ENOENT;
}

int bh_btf_member_by_name(const struct bh_btf *btf, const struct bh_btf_type *t, const char *name,
			  uint32_t *bit_off, uint32_t *type_id, uint32_t *bitfield_size)
{
	uint32_t boff = 0, tid = 0, bf = 0;
	int i;

	if (!t || (t->kind != BH_BTF_KIND_STRUCT && t->kind != BH_BTF_KIND_UNION))
		return -EINVAL;
	i = member_rec(btf, t, name, 0, &boff, &tid, &bf, 0);
	if (i < 0)
		return i;
	if (bit_off)
		*bit_off = boff;
	if (type_id)
		*type_id = tid;
	if (bitfield_size)
		*bitfield_size = bf;
	return i;
}

void bh_btf_set_datasec_size(struct bh_btf *btf, uint32_t id, uint32_t size)
{
	struct bh_btf_type *t = &btf->types[id];

	t->size = size;
	btf->sizes[id] = size;
	bh_put_le32(btf->raw + t->rec_off + 8, size);
}

void bh_btf_set_datasec_var_offset(struct bh_btf *btf, uint32_t id, uint32_t idx, uint32_t off)
{
	struct bh_btf_type *t = &btf->types[id];

	t->items[idx].offset = off;
	bh_put_le32(btf->raw + t->rec_off + BTF_REC + idx * 12 + 4, off);
}

/* ---- bpftool-style raw dump ---- */

static const char *dump_name(const struct bh_btf *btf, uint32_t off)
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

static const char *linkage_str(uint32_t linkage)
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

void bh_btf_dump_type(const struct bh_btf *btf, uint32_t id, FILE *out)
{
	const struct bh_btf_type *t = bh_btf_type_by_id(btf, id);
	uint32_t i;

	if (!t || !id)
		return;
	fprintf(out, "[%u] %s '%s'", id, bh_btf_kind_str(t->kind), dump_name(btf, t->name_off));
	switch (t->kind) {
	case BH_BTF_KIND_INT:
		fprintf(out, " size=%u bits_offset=%u nr_bits=%u encoding=%s", t->size,
			t->intv.offset, t->intv.bits, int_encoding(t->intv.encoding));
		break;
	case BH_BTF_KIND_PTR:
	case BH_BTF_KIND_CONST:
	case BH_BTF_KIND_VOLATILE:
	case BH_BTF_KIND_RESTRICT:
	case BH_BTF_KIND_TYPEDEF:
	case BH_BTF_KIND_TYPE_TAG:
		fprintf(out, " type_id=%u", t->type);
		break;
	case BH_BTF_KIND_ARRAY:
		fprintf(out, " type_id=%u index_type_id=%u nr_elems=%u", t->arr.type,
			t->arr.index_type, t->arr.nelems);
		break;
	case BH_BTF_KIND_STRUCT:
	case BH_BTF_KIND_UNION:
		fprintf(out, " size=%u vlen=%u", t->size, t->vlen);
		for (i = 0; i < t->vlen; i++) {
			uint32_t bf = bh_btf_member_bitfield_size(t, i);

			fprintf(out, "\n\t'%s' type_id=%u bits_offset=%u",
				dump_name(btf, t->items[i].name_off), t->items[i].type,
				bh_btf_member_bit_off(t, i));
			if (bf)
				fprintf(out, " bitfield_size=%u", bf);
		}
		break;
	case BH_BTF_KIND_ENUM:
	case BH_BTF_KIND_ENUM64:
		fprintf(out, " encoding=%s size=%u vlen=%u", t->kflag ? "SIGNED" : "UNSIGNED",
			t->size, t->vlen);
		for (i = 0; i < t->vlen; i++) {
			const struct bh_btf_item *m = &t->items[i];

			if (t->kind == BH_BTF_KIND_ENUM && t->kflag)
				fprintf(out, "\n\t'%s' val=%d", dump_name(btf, m->name_off),
					(int32_t)m->val);
			else if (t->kind == BH_BTF_KIND_ENUM)
				fprintf(out, "\n\t'%s' val=%u", dump_name(btf, m->name_off),
					(uint32_t)m->val);
			else if (t->kflag)
				fprintf(out, "\n\t'%s' val=%lldLL", dump_name(btf, m->name_off),
					(long long)m->val);
			else
				fprintf(out, "\n\t'%s' val=%lluULL", dump_name(btf, m->name_off),
					(unsigned long long)m->val);
		}
		break;
	case BH_BTF_KIND_FWD:
		fprintf(out, " fwd_kind=%s", t->kflag ? "union" : "struct");
		break;
	case BH_BTF_KIND_FUNC:
		fprintf(out, " type_id=%u linkage=%s", t->type, linkage_str(t->vlen));
		break;
	case BH_BTF_KIND_FUNC_PROTO:
		fprintf(out, " ret_type_id=%u vlen=%u", t->type, t->vlen);
		for (i = 0; i < t->vlen; i++)
			fprintf(out, "\n\t'%s' type_id=%u", dump_name(btf, t->items[i].name_off),
				t->items[i].type);
		break;
	case BH_BTF_KIND_VAR:
		fprintf(out, " type_id=%u, linkage=%s", t->type, linkage_str(t->linkage));
		break;
	case BH_BTF_KIND_DATASEC:
		fprintf(out, " size=%u vlen=%u", t->size, t->vlen);
		for (i = 0; i < t->vlen; i++) {
			const struct bh_btf_item *v = &t->items[i];
			const struct bh_btf_type *vt = bh_btf_type_by_id(btf, v->type);

			fprintf(out, "\n\ttype_id=%u offset=%u size=%u", v->type, v->offset,
				v->size);
			if (vt)
				fprintf(out, " (%s '%s')", bh_btf_kind_str(vt->kind),
					dump_name(btf, vt->name_off));
		}
		break;
	case BH_BTF_KIND_FLOAT:
		fprintf(out, " size=%u", t->size);
		break;
	case BH_BTF_KIND_DECL_TAG:
		fprintf(out, " type_id=%u component_idx=%d", t->type, t->component_idx);
		break;
	default:
		break;
	}
	fputc('\n', out);
}

void bh_btf_dump(const struct bh_btf *btf, FILE *out)
{
	uint32_t id;

	for (id = 1; id < btf->nr_types; id++)
		bh_btf_dump_type(btf, id, out);
}
