/* SPDX-License-Identifier: MIT */
/*
 * .BTF.ext parsing.
 *
 * Each of the three record areas (func_info, line_info, core_relo) has the
 * same shape: a u32 record size, then blocks of {section name offset, record
 * count, records}. One walker checks that shape and hands every record to a
 * per-area decoder; the decoded records are grouped per section name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/btf_ext.h"
#include "loader/elf.h"

#define EXT_MAGIC 0xeb9f
#define EXT_HDR_MIN 24

enum area { AREA_FUNC, AREA_LINE, AREA_CORE };

static const char *const area_names[] = { "func_info", "line_info", "core_relo" };
static const uint32_t min_rec[] = { 8, 16, 16 };

struct ctx {
	struct bh_btf_ext *ext;
	const struct bh_btf *btf;
	const uint8_t *p;
	const char *what;
	struct bh_log *log;
};

const struct bh_btf_ext_sec *bh_btf_ext_sec_by_name(const struct bh_btf_ext *ext, const char *name)
{
	uint32_t i;

	for (i = 0; ext && i < ext->nr_secs; i++)
		if (!strcmp(ext->secs[i].name, name))
			return &ext->secs[i];
	return NULL;
}

static struct bh_btf_ext_sec *get_sec(struct bh_btf_ext *ext, const char *name)
{
	struct bh_btf_ext_sec *s = (struct bh_btf_ext_sec *)bh_btf_ext_sec_by_name(ext, name);

	if (s)
		return s;
	s = realloc(ext->secs, (ext->nr_secs + 1) * sizeof(*s));
	if (!s)
		return NULL;
	ext->secs = s;
	s = &ext->secs[ext->nr_secs++];
	memset(s, 0, sizeof(*s));
	s->name = name;
	return s;
}

/* Decode one record at rec (absolute offset off) into section s. */
static int decode_rec(struct ctx *c, enum area a, struct bh_btf_ext_sec *s, uint32_t idx,
		      uint32_t off)
{
	const uint8_t *rec = c->p + off;
	uint32_t insn_off = bh_le32(rec);
	uint32_t prev = 0, n = 0;

	if (insn_off % 8) {
		bh_logf(c->log,
			"%s: %s record for section '%s' at offset 0x%x: instruction offset %u is "
			"not a multiple of 8\n",
			c->what, area_names[a], s->name, off, insn_off);
		return -EINVAL;
	}
	switch (a) {
	case AREA_FUNC: {
		const struct bh_btf_type *t = bh_btf_type_by_id(c->btf, bh_le32(rec + 4));

		if (!t || t->kind != BH_BTF_KIND_FUNC) {
			bh_logf(c->log,
				"%s: func_info record for section '%s' at offset 0x%x: type_id "
				"%u is not a BTF FUNC\n",
				c->what, s->name, off, bh_le32(rec + 4));
			return -EINVAL;
		}
		if (s->nr_func)
			prev = s->func[s->nr_func - 1].insn, n = s->nr_func;
		s->func[idx].insn = insn_off / 8;
		s->func[idx].type_id = t->id;
		break;
	}
	case AREA_LINE: {
		struct bh_btf_line_info *l = &s->line[idx];
		uint32_t lc = bh_le32(rec + 12);

		l->insn = insn_off / 8;
		l->file = bh_btf_str(c->btf, bh_le32(rec + 4));
		l->line = bh_btf_str(c->btf, bh_le32(rec + 8));
		l->line_num = lc >> 10;
		l->col = lc & 0x3ff;
		if (!l->file || !l->line) {
			bh_logf(c->log,
				"%s: line_info record for section '%s' at offset 0x%x: %s name "
				"offset 0x%x is outside the BTF string section\n",
				c->what, s->name, off, l->file ? "line" : "file",
				bh_le32(rec + (l->file ? 8 : 4)));
			return -EINVAL;
		}
		if (s->nr_line)
			prev = s->line[s->nr_line - 1].insn, n = s->nr_line;
		break;
	}
	case AREA_CORE: {
		struct bh_btf_core_relo *r = &s->core[idx];

		r->insn = insn_off / 8;
		r->type_id = bh_le32(rec + 4);
		r->access = bh_btf_str(c->btf, bh_le32(rec + 8));
		r->kind = bh_le32(rec + 12);
		if (!r->access || !bh_btf_type_by_id(c->btf, r->type_id)) {
			bh_logf(c->log,
				"%s: core_relo record for section '%s' at offset 0x%x: bad type "
				"id %u or access string offset 0x%x\n",
				c->what, s->name, off, r->type_id, bh_le32(rec + 8));
			return -EINVAL;
		}
		return 0;
	}
	}
	/* func_info strictly ascending, line_info non-decreasing */
	if (n && (insn_off / 8 < prev || (a == AREA_FUNC && insn_off / 8 == prev))) {
		bh_logf(c->log,
			"%s: %s record for section '%s' at offset 0x%x: instruction %u is not "
			"after "
			"the previous record's %u\n",
			c->what, area_names[a], s->name, off, insn_off / 8, prev);
		return -EINVAL;
	}
	return 0;
}

static int parse_area(struct ctx *c, enum area a, uint32_t start, uint32_t len)
{
	uint32_t off = start, end = start + len, rec_size;

	if (!len)
		return 0;
	if (len < 4) {
		bh_logf(c->log, "%s: %s at offset 0x%x: %u bytes, too small for its record size\n",
			c->what, area_names[a], start, len);
		return -EINVAL;
	}
	rec_size = bh_le32(c->p + off);
	if (rec_size < min_rec[a] || rec_size % 4 || rec_size > 1024) {
		bh_logf(c->log, "%s: %s at offset 0x%x: bad record size %u (minimum %u)\n", c->what,
			area_names[a], start, rec_size, min_rec[a]);
		return -EINVAL;
	}
	off += 4;
	while (off < end) {
		struct bh_btf_ext_sec *s;
		const char *name;
		uint32_t num, i, have;
		void *arr;

		if (end - off < 8) {
			bh_logf(c->log,
				"%s: %s block at offset 0x%x: header truncated (%u bytes left)\n",
				c->what, area_names[a], off, end - off);
			return -EINVAL;
		}
		name = bh_btf_str(c->btf, bh_le32(c->p + off));
		num = bh_le32(c->p + off + 4);
		if (!name || !*name) {
			bh_logf(c->log,
				"%s: %s block at offset 0x%x: section name offset 0x%x is not a "
				"BTF string\n",
				c->what, area_names[a], off, bh_le32(c->p + off));
			return -EINVAL;
		}
		if (!num || (uint64_t)num * rec_size > end - off - 8) {
			bh_logf(c->log,
				"%s: %s block for section '%s' at offset 0x%x: %u records of %u "
				"bytes do not fit (%u bytes left)\n",
				c->what, area_names[a], name, off, num, rec_size, end - off - 8);
			return -EINVAL;
		}
		off += 8;
		s = get_sec(c->ext, name);
		if (!s)
			return -ENOMEM;
		have = a == AREA_FUNC ? s->nr_func : a == AREA_LINE ? s->nr_line : s->nr_core;
		switch (a) {
		case AREA_FUNC:
			arr = realloc(s->func, (size_t)(have + num) * sizeof(*s->func));
			if (arr)
				s->func = arr;
			break;
		case AREA_LINE:
			arr = realloc(s->line, (size_t)(have + num) * sizeof(*s->line));
			if (arr)
				s->line = arr;
			break;
		default:
			arr = realloc(s->core, (size_t)(have + num) * sizeof(*s->core));
			if (arr)
				s->core = arr;
			break;
		}
		if (!arr)
			return -ENOMEM;
		for (i = 0; i < num; i++, off += rec_size) {
			int err = decode_rec(c, a, s, have + i, off);

			if (err)
				return err;
			if (a == AREA_FUNC)
				s->nr_func++;
			else if (a == AREA_LINE)
				s->nr_line++;
			else
				s->nr_core++;
		}
	}
	return 0;
}

struct bh_btf_ext *bh_btf_ext_new(const void *data, size_t size, const struct bh_btf *btf,
				  const char *what, struct bh_log *log)
{
	struct bh_btf_ext *ext = calloc(1, sizeof(*ext));
	struct ctx c = { ext, btf, data, what ? what : "BTF.ext", log };
	uint32_t hdr_len, off[3] = { 0 }, len[3] = { 0 };
	int err = -EINVAL, a;

	if (!ext) {
		errno = ENOMEM;
		return NULL;
	}
	if (!data || size < EXT_HDR_MIN || size > UINT32_MAX) {
		bh_logf(log, "%s: %zu bytes, too small for the BTF.ext header (%d bytes)\n", c.what,
			size, EXT_HDR_MIN);
		goto fail;
	}
	if (bh_le16(c.p) != EXT_MAGIC || c.p[2] != 1 || c.p[3] != 0) {
		bh_logf(log,
			"%s: bad BTF.ext header at offset 0x0 (magic 0x%04x, version %u, flags "
			"0x%x)\n",
			c.what, bh_le16(c.p), c.p[2], c.p[3]);
		goto fail;
	}
	hdr_len = bh_le32(c.p + 4);
	if (hdr_len < EXT_HDR_MIN || hdr_len > size || hdr_len % 4) {
		bh_logf(log, "%s: BTF.ext header length %u at offset 0x4 is outside 24..%zu\n",
			c.what, hdr_len, size);
		goto fail;
	}
	for (a = 0; a < 3; a++) {
		if (a == AREA_CORE && hdr_len < 32)
			break;
		off[a] = bh_le32(c.p + 8 + a * 8);
		len[a] = bh_le32(c.p + 12 + a * 8);
		if (!bh_range_ok(off[a], len[a], size - hdr_len) || off[a] % 4) {
			bh_logf(log,
				"%s: %s (offset 0x%x, length 0x%x after the %u-byte header) is "
				"misaligned or runs past the end (0x%zx)\n",
				c.what, area_names[a], off[a], len[a], hdr_len, size);
			goto fail;
		}
	}
	for (a = 0; a < 3; a++) {
		err = parse_area(&c, (enum area)a, hdr_len + off[a], len[a]);
		if (err)
			goto fail;
	}
	return ext;
fail:
	bh_btf_ext_free(ext);
	errno = -err;
	return NULL;
}

void bh_btf_ext_free(struct bh_btf_ext *ext)
{
	uint32_t i;

	if (!ext)
		return;
	for (i = 0; i < ext->nr_secs; i++) {
		free(ext->secs[i].func);
		free(ext->secs[i].line);
		free(ext->secs[i].core);
	}
	free(ext->secs);
	free(ext);
}
