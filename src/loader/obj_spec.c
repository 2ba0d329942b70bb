/* SPDX-License-Identifier: MIT */
/*
 * Object specification from an eBPF ELF object (see obj_spec.h).
 *
 * The steps, each refusing bad input with the section and offset:
 *  1. ELF view (elf.c); classify sections: code, .maps, legacy maps, global
 *     data, license, version, BTF, BTF.ext.
 *  2. BTF and BTF.ext; DATASEC sizes and variable offsets are fixed up from
 *     the ELF section sizes and symbols, as clang leaves them 0.
 *  3. Externs (.kconfig/.ksyms, kfuncs) are refused: not supported yet.
 *  4. Functions: every STT_FUNC of a code section; the non-.text ones are
 *     programs (libbpf's rules).
 *  5. Maps: legacy `maps` definitions, BTF-defined `.maps` (attributes from
 *     BTF, inner definitions of map-in-map), one array map per global data
 *     section.
 *  6. Relocations of code sections into a per-instruction table; `.maps`
 *     relocations into `values` initialisers; the others are checked and
 *     ignored (debug info, BTF).
 *  7. Linking: each program gets the functions it reaches appended, with
 *     call/callback immediates fixed, map loads in pseudo form, and its
 *     func_info/line_info remapped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/elf.h"
#include "loader/obj_spec.h"

#define OP_LDDW 0x18
#define OP_CALL 0x85
#define MAX_MAP_NAME 16 /* BPF_OBJ_NAME_LEN */
#define LEGACY_DEF_SIZE 20
#define MAX_DATA_SIZE (64u << 20)

/* libbpf's map types used for `values` (UAPI enum bpf_map_type) */
#define MAP_TYPE_PROG_ARRAY 3
#define MAP_TYPE_ARRAY 2
#define MAP_TYPE_ARRAY_OF_MAPS 12
#define MAP_TYPE_HASH_OF_MAPS 13

enum sec_kind {
	SEC_OTHER,
	SEC_CODE, /* executable section other than .text */
	SEC_TEXT,
	SEC_MAPS,
	SEC_LEGACY_MAPS,
	SEC_DATA,
	SEC_LICENSE,
	SEC_VERSION,
	SEC_BTF,
	SEC_BTF_EXT,
};

enum irel_kind { IREL_NONE, IREL_MAP, IREL_MAP_VALUE, IREL_CALL, IREL_FUNC };

/* A relocation resolved for one instruction of a code section. */
struct irel {
	uint8_t kind;
	uint32_t map;
	uint32_t offset;
	uint32_t tsec;	/* CALL/FUNC: target section */
	uint32_t tinsn; /* CALL/FUNC: target instruction in it */
};

struct sec_info {
	enum sec_kind kind;
	uint32_t map; /* SEC_DATA: its map */
	struct bpfhost_insn *insns;
	uint32_t nr_insns;
	struct irel *irels;  /* nr_insns entries, code sections */
	int32_t *func_at;    /* nr_insns entries: function starting here or -1 */
	uint32_t datasec_id; /* BTF DATASEC of the same name, 0 if none */
};

struct ctx {
	struct bh_elf elf;
	struct bh_obj_spec *spec;
	struct sec_info *secs;
	struct bh_log *log;
	size_t maps_sec, legacy_sec, btf_sec, btf_ext_sec;
};

#define SEC_FMT "section '%s' (index %zu)"
#define SEC_ARG(c, i) bh_elf_sec_name(&(c)->elf, (i)), (size_t)(i)

static char *xstrdup(const char *s)
{
	return strdup(s ? s : "");
}

static bool has_prefix(const char *s, const char *pfx)
{
	return !strncmp(s, pfx, strlen(pfx));
}

static bool is_data_sec_name(const char *n)
{
	return !strcmp(n, ".data") || !strcmp(n, ".rodata") || !strcmp(n, ".bss") ||
	       has_prefix(n, ".data.") || has_prefix(n, ".rodata.");
}

/* ---- step 1: sections ---- */

static void decode_insn(const uint8_t *p, struct bpfhost_insn *i)
{
	i->code = p[0];
	i->dst_reg = p[1] & 0xf;
	i->src_reg = p[1] >> 4;
	i->off = (int16_t)bh_le16(p + 2);
	i->imm = (int32_t)bh_le32(p + 4);
}

static int classify(struct ctx *c)
{
	struct bh_elf *elf = &c->elf;
	size_t i;

	c->secs = calloc(elf->nsec, sizeof(*c->secs));
	if (!c->secs)
		return -ENOMEM;
	for (i = 1; i < elf->nsec; i++) {
		const struct bh_elf_sec *s = &elf->secs[i];
		struct sec_info *si = &c->secs[i];
		bool code = s->type == BH_SHT_PROGBITS && (s->flags & BH_SHF_EXECINSTR);
		bool text = !strcmp(s->name, ".text");
		uint32_t k;

		if (code) {
			if (s->size % 8) {
				bh_logf(c->log,
					SEC_FMT ": code size 0x%llx is not a multiple of the "
						"8-byte instruction size\n",
					SEC_ARG(c, i), (unsigned long long)s->size);
				return -EINVAL;
			}
			if (!s->size && !text) {
				bh_logf(c->log, SEC_FMT ": program section has no instructions\n",
					SEC_ARG(c, i));
				return -EINVAL;
			}
			if (s->size / 8 > BPFHOST_INSN_LIMIT_DEFAULT) {
				bh_logf(c->log,
					SEC_FMT ": %llu instructions, over the limit of %u\n",
					SEC_ARG(c, i), (unsigned long long)s->size / 8,
					BPFHOST_INSN_LIMIT_DEFAULT);
				return -E2BIG;
			}
			si->kind = text ? SEC_TEXT : SEC_CODE;
			si->nr_insns = (uint32_t)(s->size / 8);
			si->insns = calloc(si->nr_insns + 1, sizeof(*si->insns));
			si->irels = calloc(si->nr_insns + 1, sizeof(*si->irels));
			si->func_at = malloc((si->nr_insns + 1) * sizeof(*si->func_at));
			if (!si->insns || !si->irels || !si->func_at)
				return -ENOMEM;
			for (k = 0; k < si->nr_insns; k++) {
				decode_insn(s->data + 8 * k, &si->insns[k]);
				si->func_at[k] = -1;
			}
		} else if (!strcmp(s->name, ".maps") &&
			   (s->type == BH_SHT_PROGBITS || s->type == BH_SHT_NOBITS)) {
			si->kind = SEC_MAPS;
			c->maps_sec = i;
		} else if (!strcmp(s->name, "maps") && s->type == BH_SHT_PROGBITS) {
			si->kind = SEC_LEGACY_MAPS;
			c->legacy_sec = i;
		} else if (is_data_sec_name(s->name) &&
			   (s->type == BH_SHT_PROGBITS || s->type == BH_SHT_NOBITS)) {
			si->kind = SEC_DATA;
		} else if (!strcmp(s->name, "license") && s->type == BH_SHT_PROGBITS) {
			si->kind = SEC_LICENSE;
		} else if (!strcmp(s->name, "version") && s->type == BH_SHT_PROGBITS) {
			si->kind = SEC_VERSION;
		} else if (!strcmp(s->name, ".BTF") && s->type == BH_SHT_PROGBITS) {
			si->kind = SEC_BTF;
			c->btf_sec = i;
		} else if (!strcmp(s->name, ".BTF.ext") && s->type == BH_SHT_PROGBITS) {
			si->kind = SEC_BTF_EXT;
			c->btf_ext_sec = i;
		}
	}
	return 0;
}

static int read_license_version(struct ctx *c)
{
	struct bh_obj_spec *spec = c->spec;
	size_t i;

	for (i = 1; i < c->elf.nsec; i++) {
		const struct bh_elf_sec *s = &c->elf.secs[i];

		if (c->secs[i].kind == SEC_LICENSE) {
			if (!s->size || !memchr(s->data, '\0', s->size)) {
				bh_logf(c->log,
					SEC_FMT ": license string at offset 0x0 is not "
						"NUL-terminated within the section (size 0x%llx)\n",
					SEC_ARG(c, i), (unsigned long long)s->size);
				return -EINVAL;
			}
			free(spec->license);
			spec->license = xstrdup((const char *)s->data);
			if (!spec->license)
				return -ENOMEM;
		} else if (c->secs[i].kind == SEC_VERSION) {
			if (s->size != 4) {
				bh_logf(c->log,
					SEC_FMT ": kernel version must be 4 bytes, section has "
						"0x%llx\n",
					SEC_ARG(c, i), (unsigned long long)s->size);
				return -EINVAL;
			}
			spec->kern_version = bh_le32(s->data);
			spec->has_kern_version = true;
		}
	}
	if (!spec->license)
		spec->license = xstrdup("");
	return spec->license ? 0 : -ENOMEM;
}

/* ---- step 2: BTF ---- */

static int find_sym_in_sec(struct ctx *c, size_t shndx, const char *name, struct bh_elf_sym *out)
{
	size_t i;

	for (i = 1; i < c->elf.nsym; i++) {
		bh_elf_sym(&c->elf, i, out);
		if (out->shndx == shndx && out->type != BH_STT_SECTION &&
		    out->type != BH_STT_FUNC && !strcmp(out->name, name))
			return (int)i;
	}
	return -ENOENT;
}

static size_t find_sec(struct ctx *c, const char *name)
{
	size_t i;

	for (i = 1; i < c->elf.nsec; i++)
		if (!strcmp(c->elf.secs[i].name, name))
			return i;
	return 0;
}

/* clang leaves DATASEC sizes and variable offsets 0 in objects: fill them. */
static int fixup_datasecs(struct ctx *c)
{
	struct bh_btf *btf = c->spec->btf;
	uint32_t id, k;

	for (id = 1; id < bh_btf_type_cnt(btf); id++) {
		const struct bh_btf_type *t = bh_btf_type_by_id(btf, id);
		const struct bh_elf_sec *s;
		size_t shndx;

		if (t->kind != BH_BTF_KIND_DATASEC)
			continue;
		shndx = find_sec(c, t->name);
		if (!shndx)
			continue; /* .kconfig, .ksyms: externs, refused elsewhere */
		s = &c->elf.secs[shndx];
		if (c->secs[shndx].kind == SEC_DATA || c->secs[shndx].kind == SEC_MAPS)
			c->secs[shndx].datasec_id = id;
		if (s->size > UINT32_MAX) {
			bh_logf(c->log, SEC_FMT ": size 0x%llx is too large\n", SEC_ARG(c, shndx),
				(unsigned long long)s->size);
			return -EINVAL;
		}
		if (!t->size)
			bh_btf_set_datasec_size(btf, id, (uint32_t)s->size);
		for (k = 0; k < t->vlen; k++) {
			const struct bh_btf_type *v = bh_btf_type_by_id(btf, t->items[k].type);
			struct bh_elf_sym sym;

			if (v->kind != BH_BTF_KIND_VAR)
				continue;
			if (find_sym_in_sec(c, shndx, v->name, &sym) < 0) {
				bh_logf(c->log,
					SEC_FMT ": BTF variable '%s' of DATASEC [%u] has no symbol "
						"in this section\n",
					SEC_ARG(c, shndx), v->name, id);
				return -EINVAL;
			}
			if (!bh_range_ok(sym.value, sym.size, s->size) ||
			    !bh_range_ok(sym.value, t->items[k].size, s->size)) {
				bh_logf(c->log,
					SEC_FMT ": symbol '%s' at offset 0x%llx runs past the "
						"section end (size 0x%llx)\n",
					SEC_ARG(c, shndx), v->name, (unsigned long long)sym.value,
					(unsigned long long)s->size);
				return -EINVAL;
			}
			if (!t->items[k].offset)
				bh_btf_set_datasec_var_offset(btf, id, k, (uint32_t)sym.value);
		}
	}
	return 0;
}

static int load_btf(struct ctx *c)
{
	char what[300];
	const struct bh_elf_sec *s;

	if (c->maps_sec && !c->btf_sec) {
		bh_logf(c->log,
			SEC_FMT ": BTF is required for BTF-defined maps, and the object "
				"has no '.BTF' section (compile with -g)\n",
			SEC_ARG(c, c->maps_sec));
		return -EINVAL;
	}
	if (!c->btf_sec) {
		if (c->btf_ext_sec)
			bh_logf(c->log, SEC_FMT ": ignored: there is no '.BTF' section\n",
				SEC_ARG(c, c->btf_ext_sec));
		return 0;
	}
	s = &c->elf.secs[c->btf_sec];
	snprintf(what, sizeof(what), SEC_FMT, SEC_ARG(c, c->btf_sec));
	c->spec->btf = bh_btf_new(s->data ? (const void *)s->data : "", s->size, what, c->log);
	if (!c->spec->btf)
		return -errno;
	if (c->btf_ext_sec) {
		s = &c->elf.secs[c->btf_ext_sec];
		snprintf(what, sizeof(what), SEC_FMT, SEC_ARG(c, c->btf_ext_sec));
		c->spec->btf_ext = bh_btf_ext_new(s->data ? (const void *)s->data : "", s->size,
						  c->spec->btf, what, c->log);
		if (!c->spec->btf_ext)
			return -errno;
	}
	return fixup_datasecs(c);
}

/* ---- step 3: externs ---- */

/* The DATASEC (.kconfig, .ksyms) that declares extern `name`, or "". */
static const char *extern_sec(struct ctx *c, const char *name)
{
	const struct bh_btf *btf = c->spec->btf;
	uint32_t id, k;

	if (!btf)
		return "";
	for (id = 1; id < bh_btf_type_cnt(btf); id++) {
		const struct bh_btf_type *t = bh_btf_type_by_id(btf, id);

		if (t->kind != BH_BTF_KIND_DATASEC)
			continue;
		for (k = 0; k < t->vlen; k++)
			if (!strcmp(bh_btf_type_by_id(btf, t->items[k].type)->name, name))
				return t->name;
	}
	return "";
}

static int refuse_externs(struct ctx *c)
{
	size_t i;

	for (i = 1; i < c->elf.nsym; i++) {
		struct bh_elf_sym sym;
		const char *sec;

		bh_elf_sym(&c->elf, i, &sym);
		if (sym.shndx != BH_SHN_UNDEF || !*sym.name)
			continue;
		sec = extern_sec(c, sym.name);
		bh_logf(c->log,
			SEC_FMT ": symbol %zu at offset 0x%zx: extern '%s'%s%s%s is not supported "
				"yet (kconfig/ksyms externs and kfuncs)\n",
			SEC_ARG(c, c->elf.symtab), i, i * 24, sym.name, *sec ? " (in '" : "", sec,
			*sec ? "')" : "");
		return -ENOTSUP;
	}
	for (i = 1; i < c->elf.nsym; i++) {
		struct bh_elf_sym sym;

		bh_elf_sym(&c->elf, i, &sym);
		if (sym.shndx == BH_SHN_COMMON) {
			bh_logf(c->log,
				SEC_FMT ": symbol '%s' at offset 0x%zx is a common symbol; compile "
					"with -fno-common\n",
				SEC_ARG(c, c->elf.symtab), sym.name, i * 24);
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- step 4: functions and programs ---- */

static int add_func(struct ctx *c, size_t symi, const struct bh_elf_sym *sym)
{
	struct bh_obj_spec *spec = c->spec;
	size_t shndx = sym->shndx;
	struct sec_info *si = &c->secs[shndx];
	struct bh_func_spec *f;
	uint32_t first, cnt, k;

	if (sym->value % 8 || sym->size % 8 || !sym->size ||
	    !bh_range_ok(sym->value, sym->size, (uint64_t)si->nr_insns * 8)) {
		bh_logf(c->log,
			SEC_FMT ": function '%s' at offset 0x%llx, size 0x%llx is empty, not "
				"instruction-aligned or runs past the section end (size 0x%llx)\n",
			SEC_ARG(c, shndx), sym->name, (unsigned long long)sym->value,
			(unsigned long long)sym->size, (unsigned long long)si->nr_insns * 8);
		return -EINVAL;
	}
	if (si->kind == SEC_CODE && sym->bind == BH_STB_LOCAL) {
		bh_logf(c->log,
			SEC_FMT ": function '%s' at offset 0x%llx is static; programs must be "
				"global (static functions belong in .text)\n",
			SEC_ARG(c, shndx), sym->name, (unsigned long long)sym->value);
		return -EINVAL;
	}
	first = (uint32_t)(sym->value / 8);
	cnt = (uint32_t)(sym->size / 8);
	for (k = first; k < first + cnt; k++) {
		if (si->func_at[k] != -1) {
			bh_logf(c->log,
				SEC_FMT ": function '%s' at offset 0x%llx overlaps function '%s'\n",
				SEC_ARG(c, shndx), sym->name, (unsigned long long)sym->value,
				spec->funcs[si->func_at[k] >= 0 ? si->func_at[k]
								: -2 - si->func_at[k]]
					.name);
			return -EINVAL;
		}
	}
	f = realloc(spec->funcs, (spec->nr_funcs + 1) * sizeof(*f));
	if (!f)
		return -ENOMEM;
	spec->funcs = f;
	f = &spec->funcs[spec->nr_funcs];
	memset(f, 0, sizeof(*f));
	f->name = xstrdup(sym->name);
	f->sec_name = xstrdup(c->elf.secs[shndx].name);
	if (!f->name || !f->sec_name) {
		free(f->name);
		free(f->sec_name);
		return -ENOMEM;
	}
	f->sec_idx = (uint32_t)shndx;
	f->sec_insn = first;
	f->insn_cnt = cnt;
	f->global = sym->bind != BH_STB_LOCAL;
	f->is_text = si->kind == SEC_TEXT;
	/* start: index; body: -2 - index (to report overlaps by name) */
	si->func_at[first] = (int32_t)spec->nr_funcs;
	for (k = first + 1; k < first + cnt; k++)
		si->func_at[k] = -2 - (int32_t)spec->nr_funcs;
	spec->nr_funcs++;
	(void)symi;
	return 0;
}

static int collect_funcs(struct ctx *c)
{
	struct bh_obj_spec *spec = c->spec;
	size_t i;
	uint32_t f;
	int err;

	for (i = 1; i < c->elf.nsym; i++) {
		struct bh_elf_sym sym;

		bh_elf_sym(&c->elf, i, &sym);
		if (sym.type != BH_STT_FUNC || sym.shndx == BH_SHN_UNDEF ||
		    sym.shndx >= c->elf.nsec)
			continue;
		if (c->secs[sym.shndx].kind != SEC_CODE && c->secs[sym.shndx].kind != SEC_TEXT) {
			bh_logf(c->log,
				SEC_FMT ": function symbol '%s' at offset 0x%llx is not in an "
					"executable section\n",
				SEC_ARG(c, sym.shndx), sym.name, (unsigned long long)sym.value);
			return -EINVAL;
		}
		err = add_func(c, i, &sym);
		if (err)
			return err;
	}
	for (i = 1; i < c->elf.nsec; i++) {
		struct sec_info *si = &c->secs[i];

		if (si->kind == SEC_CODE && si->nr_insns && si->func_at[0] == -1) {
			bh_logf(c->log,
				SEC_FMT
				": code at offset 0x0 belongs to no function symbol; cannot "
				"split the section into programs\n",
				SEC_ARG(c, i));
			return -EINVAL;
		}
	}
	for (f = 0; f < spec->nr_funcs; f++) {
		struct bh_prog_spec *p;

		if (spec->funcs[f].is_text)
			continue;
		p = realloc(spec->progs, (spec->nr_progs + 1) * sizeof(*p));
		if (!p)
			return -ENOMEM;
		spec->progs = p;
		p = &spec->progs[spec->nr_progs++];
		memset(p, 0, sizeof(*p));
		p->func = f;
		p->name = xstrdup(spec->funcs[f].name);
		p->sec_name = xstrdup(spec->funcs[f].sec_name);
		if (!p->name || !p->sec_name)
			return -ENOMEM;
	}
	return 0;
}

/* ---- step 5: maps ---- */

static struct bh_map_spec *new_map(struct ctx *c, const char *name, size_t shndx,
				   enum bh_map_origin origin)
{
	struct bh_obj_spec *spec = c->spec;
	struct bh_map_spec *m = realloc(spec->maps, (spec->nr_maps + 1) * sizeof(*m));

	if (!m)
		return NULL;
	spec->maps = m;
	m = &spec->maps[spec->nr_maps];
	memset(m, 0, sizeof(*m));
	m->name = xstrdup(name);
	m->sec_name = xstrdup(c->elf.secs[shndx].name);
	m->sec_idx = (uint32_t)shndx;
	m->origin = origin;
	if (!m->name || !m->sec_name) {
		free(m->name);
		free(m->sec_name);
		return NULL;
	}
	spec->nr_maps++;
	return m;
}

static void free_map(struct bh_map_spec *m)
{
	if (!m)
		return;
	free(m->name);
	free(m->sec_name);
	free(m->data);
	free(m->init);
	if (m->inner) {
		free_map(m->inner);
		free(m->inner);
	}
}

static int legacy_maps(struct ctx *c)
{
	size_t shndx = c->legacy_sec, i, nsyms = 0;
	const struct bh_elf_sec *s;
	struct bh_elf_sym sym;
	uint64_t def_size;

	if (!shndx)
		return 0;
	s = &c->elf.secs[shndx];
	for (i = 1; i < c->elf.nsym; i++) {
		bh_elf_sym(&c->elf, i, &sym);
		if (sym.shndx == shndx && sym.type != BH_STT_SECTION && *sym.name)
			nsyms++;
	}
	if (!nsyms) {
		if (s->size)
			bh_logf(c->log,
				SEC_FMT ": legacy map section without map symbols ignored\n",
				SEC_ARG(c, shndx));
		return 0;
	}
	bh_logf(c->log,
		SEC_FMT ": warning: legacy map definitions (struct bpf_map_def) are deprecated; "
			"use BTF-defined maps in '.maps'\n",
		SEC_ARG(c, shndx));
	def_size = s->size / nsyms;
	for (i = 1; i < c->elf.nsym; i++) {
		uint32_t f[5] = { 0 };
		struct bh_map_spec *m;
		uint64_t k, size;

		bh_elf_sym(&c->elf, i, &sym);
		if (sym.shndx != shndx || sym.type == BH_STT_SECTION || !*sym.name)
			continue;
		size = sym.size ? sym.size : def_size;
		if (!size || !bh_range_ok(sym.value, size, s->size)) {
			bh_logf(c->log,
				SEC_FMT ": symbol '%s' at offset 0x%llx runs past the section end "
					"(size 0x%llx)\n",
				SEC_ARG(c, shndx), sym.name, (unsigned long long)sym.value,
				(unsigned long long)s->size);
			return -EINVAL;
		}
		for (k = 0; k < 5 && 4 * k + 4 <= size; k++)
			f[k] = bh_le32(s->data + sym.value + 4 * k);
		for (k = LEGACY_DEF_SIZE; k < size; k++) {
			if (s->data[sym.value + k]) {
				bh_logf(c->log,
					SEC_FMT ": map '%s': byte 0x%llx of its %llu-byte "
						"definition at offset 0x%llx is set, but struct "
						"bpf_map_def has only %d bytes\n",
					SEC_ARG(c, shndx), sym.name, (unsigned long long)k,
					(unsigned long long)size, (unsigned long long)sym.value,
					LEGACY_DEF_SIZE);
				return -EINVAL;
			}
		}
		m = new_map(c, sym.name, shndx, BH_MAP_ORIGIN_LEGACY);
		if (!m)
			return -ENOMEM;
		m->sec_off = (uint32_t)sym.value;
		m->type = f[0];
		m->key_size = f[1];
		m->value_size = f[2];
		m->max_entries = f[3];
		m->map_flags = f[4];
	}
	return 0;
}

struct mapdef_ctx {
	struct ctx *c;
	const char *map_name;
	size_t shndx;
};

__attribute__((format(printf, 2, 3))) static int bad_map(struct mapdef_ctx *mc, const char *fmt,
							 ...)
{
	va_list ap;

	bh_logf(mc->c->log, SEC_FMT ": map '%s': ", SEC_ARG(mc->c, mc->shndx), mc->map_name);
	va_start(ap, fmt);
	bh_vlogf(mc->c->log, fmt, ap);
	va_end(ap);
	bh_logf(mc->c->log, "\n");
	return -EINVAL;
}

/* __uint(name, val) is `int (*name)[val]`: the value is the array length. */
static int get_uint(struct mapdef_ctx *mc, const char *attr, uint32_t type_id, uint32_t *val)
{
	const struct bh_btf *btf = mc->c->spec->btf;
	const struct bh_btf_type *t = bh_btf_skip_mods_typedefs(btf, type_id, NULL);
	const struct bh_btf_type *a;

	if (!t || t->kind != BH_BTF_KIND_PTR)
		return bad_map(mc, "attribute '%s': expected PTR, got %s", attr,
			       t ? bh_btf_kind_str(t->kind) : "nothing");
	a = bh_btf_skip_mods_typedefs(btf, t->type, NULL);
	if (!a || a->kind != BH_BTF_KIND_ARRAY)
		return bad_map(mc, "attribute '%s': expected PTR to ARRAY, got PTR to %s", attr,
			       a ? bh_btf_kind_str(a->kind) : "nothing");
	*val = a->arr.nelems;
	return 0;
}

/* __type(name, T) is `typeof(T) *name`: returns T's id and size. */
static int get_type(struct mapdef_ctx *mc, const char *attr, uint32_t type_id, uint32_t *id,
		    uint32_t *size)
{
	const struct bh_btf *btf = mc->c->spec->btf;
	const struct bh_btf_type *t = bh_btf_skip_mods_typedefs(btf, type_id, NULL);
	int64_t sz;

	if (!t || t->kind != BH_BTF_KIND_PTR)
		return bad_map(mc, "attribute '%s': expected PTR, got %s", attr,
			       t ? bh_btf_kind_str(t->kind) : "nothing");
	sz = bh_btf_resolve_size(btf, t->type);
	if (sz < 0 || sz > UINT32_MAX)
		return bad_map(mc, "attribute '%s': type [%u] has no size", attr, t->type);
	*id = t->type;
	*size = (uint32_t)sz;
	return 0;
}

static int parse_map_def(struct mapdef_ctx *mc, uint32_t def_id, struct bh_map_spec *m, bool inner,
			 uint32_t *values_off)
{
	const struct bh_btf *btf = mc->c->spec->btf;
	const struct bh_btf_type *t = bh_btf_skip_mods_typedefs(btf, def_id, NULL);
	uint32_t i, key_size = 0, value_size = 0, v;
	int err = 0;

	if (!t || t->kind != BH_BTF_KIND_STRUCT)
		return bad_map(mc, "definition is a %s, expected a struct",
			       t ? bh_btf_kind_str(t->kind) : "nothing");
	for (i = 0; i < t->vlen && !err; i++) {
		const struct bh_btf_item *mb = &t->items[i];
		const char *n = mb->name;

		if (!*n)
			return bad_map(mc, "member %u has no name", i);
		if (!strcmp(n, "type"))
			err = get_uint(mc, n, mb->type, &m->type);
		else if (!strcmp(n, "max_entries"))
			err = get_uint(mc, n, mb->type, &m->max_entries);
		else if (!strcmp(n, "map_flags"))
			err = get_uint(mc, n, mb->type, &m->map_flags);
		else if (!strcmp(n, "numa_node"))
			err = get_uint(mc, n, mb->type, &m->numa_node);
		else if (!strcmp(n, "key_size"))
			err = get_uint(mc, n, mb->type, &key_size);
		else if (!strcmp(n, "value_size"))
			err = get_uint(mc, n, mb->type, &value_size);
		else if (!strcmp(n, "map_extra")) {
			err = get_uint(mc, n, mb->type, &v);
			m->map_extra = v;
		} else if (!strcmp(n, "pinning")) {
			err = get_uint(mc, n, mb->type, &m->pinning);
			if (!err && inner && m->pinning)
				return bad_map(mc, "an inner map definition cannot be pinned");
			if (!err && m->pinning != BH_PIN_NONE && m->pinning != BH_PIN_BY_NAME)
				return bad_map(mc,
					       "pinning %u is neither LIBBPF_PIN_NONE nor "
					       "LIBBPF_PIN_BY_NAME",
					       m->pinning);
		} else if (!strcmp(n, "key")) {
			err = get_type(mc, n, mb->type, &m->btf_key_type_id, &v);
			if (!err && m->key_size && m->key_size != v)
				return bad_map(mc, "key size %u disagrees with key_size %u", v,
					       m->key_size);
			m->key_size = v;
		} else if (!strcmp(n, "value")) {
			err = get_type(mc, n, mb->type, &m->btf_value_type_id, &v);
			if (!err && m->value_size && m->value_size != v)
				return bad_map(mc, "value size %u disagrees with value_size %u", v,
					       m->value_size);
			m->value_size = v;
		} else if (!strcmp(n, "values")) {
			const struct bh_btf_type *a =
				bh_btf_skip_mods_typedefs(btf, mb->type, NULL);
			const struct bh_btf_type *p, *e;

			if (inner)
				return bad_map(mc, "an inner map definition cannot have 'values'");
			if (i + 1 != t->vlen)
				return bad_map(mc, "'values' must be the last member");
			if (!a || a->kind != BH_BTF_KIND_ARRAY || a->arr.nelems)
				return bad_map(mc, "'values' must be a zero-sized array");
			p = bh_btf_skip_mods_typedefs(btf, a->arr.type, NULL);
			if (!p || p->kind != BH_BTF_KIND_PTR)
				return bad_map(mc, "'values' must be an array of pointers");
			e = bh_btf_skip_mods_typedefs(btf, p->type, NULL);
			if (e && e->kind == BH_BTF_KIND_STRUCT) {
				if (m->type != MAP_TYPE_ARRAY_OF_MAPS &&
				    m->type != MAP_TYPE_HASH_OF_MAPS)
					return bad_map(mc,
						       "'values' of map definitions needs type "
						       "ARRAY_OF_MAPS or HASH_OF_MAPS, not %u",
						       m->type);
				m->inner = calloc(1, sizeof(*m->inner));
				if (!m->inner)
					return -ENOMEM;
				m->inner->origin = BH_MAP_ORIGIN_INNER;
				m->inner->sec_idx = m->sec_idx;
				m->inner->sec_off = m->sec_off;
				m->inner->name = malloc(strlen(m->name) + sizeof(".inner"));
				if (!m->inner->name)
					return -ENOMEM;
				sprintf(m->inner->name, "%s.inner", m->name);
				m->inner->sec_name = xstrdup(m->sec_name);
				if (!m->inner->sec_name)
					return -ENOMEM;
				err = parse_map_def(mc, p->type, m->inner, true, NULL);
			} else if (e && e->kind == BH_BTF_KIND_FUNC_PROTO) {
				if (m->type != MAP_TYPE_PROG_ARRAY)
					return bad_map(
						mc,
						"'values' of programs needs type PROG_ARRAY, "
						"not %u",
						m->type);
				/* slots hold program handles: 4 bytes, as in the kernel */
				if (!m->value_size && !value_size)
					value_size = 4;
			} else {
				return bad_map(mc, "'values' must point to map definitions or "
						   "functions");
			}
			if (values_off)
				*values_off = bh_btf_member_bit_off(t, i) / 8;
		} else {
			return bad_map(mc, "unknown attribute '%s'", n);
		}
	}
	if (err)
		return err;
	if (key_size) {
		if (m->key_size && m->key_size != key_size)
			return bad_map(mc, "key size %u disagrees with key_size %u", m->key_size,
				       key_size);
		m->key_size = key_size;
	}
	if (value_size) {
		if (m->value_size && m->value_size != value_size)
			return bad_map(mc, "value size %u disagrees with value_size %u",
				       m->value_size, value_size);
		m->value_size = value_size;
	}
	if (m->type == MAP_TYPE_ARRAY_OF_MAPS || m->type == MAP_TYPE_HASH_OF_MAPS) {
		if (!inner && !m->inner)
			return bad_map(mc, "a map-in-map needs an inner map definition "
					   "(__array(values, ...))");
		if (m->value_size && m->value_size != 4)
			return bad_map(mc, "map-in-map value_size must be 4, is %u", m->value_size);
		m->value_size = 4;
	}
	return 0;
}

static int btf_maps(struct ctx *c)
{
	struct bh_btf *btf = c->spec->btf;
	size_t shndx = c->maps_sec;
	const struct bh_btf_type *ds;
	uint32_t k;
	int err;

	if (!shndx)
		return 0;
	ds = bh_btf_type_by_id(btf, c->secs[shndx].datasec_id);
	if (!c->secs[shndx].datasec_id || !ds) {
		bh_logf(c->log, SEC_FMT ": BTF has no DATASEC '.maps' describing the maps\n",
			SEC_ARG(c, shndx));
		return -EINVAL;
	}
	for (k = 0; k < ds->vlen; k++) {
		const struct bh_btf_item *vi = &ds->items[k];
		const struct bh_btf_type *var = bh_btf_type_by_id(btf, vi->type);
		struct mapdef_ctx mc = { c, var->name, shndx };
		struct bh_map_spec *m;

		if (var->kind != BH_BTF_KIND_VAR)
			return bad_map(&mc, "DATASEC entry %u is a %s, not a VAR", k,
				       bh_btf_kind_str(var->kind));
		if (var->linkage != BH_BTF_LINKAGE_GLOBAL && var->linkage != BH_BTF_LINKAGE_STATIC)
			return bad_map(&mc, "unsupported linkage %u", var->linkage);
		m = new_map(c, var->name, shndx, BH_MAP_ORIGIN_BTF);
		if (!m)
			return -ENOMEM;
		m->sec_off = vi->offset;
		m->btf_var_id = vi->type;
		err = parse_map_def(&mc, var->type, m, false, &m->values_off);
		if (err)
			return err;
	}
	return 0;
}

static void internal_map_name(const char *obj, const char *sec, char *out)
{
	size_t sfx = strlen(sec) > 7 ? strlen(sec) : 7, pfx, i;

	if (sfx >= MAX_MAP_NAME)
		sfx = MAX_MAP_NAME - 1;
	if (strchr(sec + 1, '.'))
		pfx = 0; /* .rodata.str1.1, .data.custom: the section name */
	else
		pfx = strlen(obj) < MAX_MAP_NAME - sfx - 1 ? strlen(obj) : MAX_MAP_NAME - sfx - 1;
	snprintf(out, MAX_MAP_NAME, "%.*s%.*s", (int)pfx, obj, (int)sfx, sec);
	for (i = 0; out[i]; i++)
		if (!(out[i] == '_' || out[i] == '.' || (out[i] >= '0' && out[i] <= '9') ||
		      (out[i] >= 'a' && out[i] <= 'z') || (out[i] >= 'A' && out[i] <= 'Z')))
			out[i] = '_';
}

static int data_maps(struct ctx *c)
{
	size_t i;

	for (i = 1; i < c->elf.nsec; i++) {
		const struct bh_elf_sec *s = &c->elf.secs[i];
		char name[MAX_MAP_NAME];
		struct bh_map_spec *m;

		if (c->secs[i].kind != SEC_DATA)
			continue;
		/* .bss occupies no file bytes: bound what it may make us allocate */
		if (s->size > MAX_DATA_SIZE) {
			bh_logf(c->log,
				SEC_FMT ": size 0x%llx is over the %u MiB limit for global data\n",
				SEC_ARG(c, i), (unsigned long long)s->size, MAX_DATA_SIZE >> 20);
			return -E2BIG;
		}
		if (!s->size)
			continue;
		internal_map_name(c->spec->name, s->name, name);
		m = new_map(c, name, i,
			    has_prefix(s->name, ".rodata") ? BH_MAP_ORIGIN_RODATA
			    : !strcmp(s->name, ".bss")	   ? BH_MAP_ORIGIN_BSS
							   : BH_MAP_ORIGIN_DATA);
		if (!m)
			return -ENOMEM;
		c->secs[i].map = c->spec->nr_maps - 1;
		m->type = MAP_TYPE_ARRAY;
		m->key_size = 4;
		m->value_size = (uint32_t)s->size;
		m->max_entries = 1;
		m->map_flags = BH_F_MMAPABLE;
		if (m->origin == BH_MAP_ORIGIN_RODATA)
			m->map_flags |= BH_F_RDONLY_PROG;
		m->btf_value_type_id = c->secs[i].datasec_id;
		m->data = calloc(1, s->size);
		if (!m->data)
			return -ENOMEM;
		if (s->type != BH_SHT_NOBITS && s->data)
			memcpy(m->data, s->data, s->size);
	}
	return 0;
}

/* ---- step 6: relocations ---- */

#define REL_FMT SEC_FMT ": relocation %zu at offset 0x%zx (%s against '%s')"
#define REL_ARG(c, rs, j, r, sym) \
	SEC_ARG(c, rs), (size_t)(j), (size_t)(j)*16, bh_elf_rel_type_name((r)->type), (sym)->name

static int find_map_at(struct ctx *c, size_t shndx, uint64_t off)
{
	uint32_t i;

	for (i = 0; i < c->spec->nr_maps; i++)
		if (c->spec->maps[i].sec_idx == shndx && c->spec->maps[i].sec_off == off &&
		    (c->spec->maps[i].origin == BH_MAP_ORIGIN_BTF ||
		     c->spec->maps[i].origin == BH_MAP_ORIGIN_LEGACY))
			return (int)i;
	return -ENOENT;
}

static int code_reloc(struct ctx *c, size_t rs, size_t j, const struct bh_elf_rel *r)
{
	size_t shndx = c->elf.secs[rs].info;
	struct sec_info *si = &c->secs[shndx];
	struct bh_elf_sym sym;
	struct bpfhost_insn *insn;
	struct irel *ir;
	struct sec_info *ti;
	int64_t off;
	int m;

	bh_elf_sym(&c->elf, r->sym, &sym);
	if (r->type == BH_R_BPF_NONE)
		return 0;
	if (r->offset % 8 || r->offset / 8 >= si->nr_insns) {
		bh_logf(c->log,
			REL_FMT ": offset 0x%llx in '%s' is not an instruction (size 0x%zx)\n",
			REL_ARG(c, rs, j, r, &sym), (unsigned long long)r->offset,
			bh_elf_sec_name(&c->elf, shndx), (size_t)si->nr_insns * 8);
		return -EINVAL;
	}
	insn = &si->insns[r->offset / 8];
	ir = &si->irels[r->offset / 8];
	if (r->type != BH_R_BPF_64_64 && r->type != BH_R_BPF_64_32) {
		if (r->type == BH_R_BPF_64_ABS64 || r->type == BH_R_BPF_64_ABS32 ||
		    r->type == BH_R_BPF_64_NODYLD32)
			bh_logf(c->log, REL_FMT ": this relocation type is not valid in code\n",
				REL_ARG(c, rs, j, r, &sym));
		else
			bh_logf(c->log, REL_FMT ": unknown relocation type %u\n",
				REL_ARG(c, rs, j, r, &sym), r->type);
		return -EINVAL;
	}
	if (!r->sym || sym.shndx == BH_SHN_UNDEF || sym.shndx >= c->elf.nsec) {
		bh_logf(c->log, REL_FMT ": relocation against an unknown symbol (index %u)\n",
			REL_ARG(c, rs, j, r, &sym), r->sym);
		return -EINVAL;
	}
	if (ir->kind != IREL_NONE) {
		bh_logf(c->log, REL_FMT ": a second relocation for the same instruction\n",
			REL_ARG(c, rs, j, r, &sym));
		return -EINVAL;
	}
	ti = &c->secs[sym.shndx];
	if (r->type == BH_R_BPF_64_32) {
		if (insn->code != OP_CALL || insn->src_reg != BH_PSEUDO_CALL) {
			bh_logf(c->log,
				REL_FMT ": instruction (opcode 0x%02x, src %u) is not a bpf-to-bpf "
					"call\n",
				REL_ARG(c, rs, j, r, &sym), insn->code, insn->src_reg);
			return -EINVAL;
		}
		off = (int64_t)(sym.value / 8) + insn->imm + 1;
		if (ti->kind != SEC_CODE && ti->kind != SEC_TEXT) {
			bh_logf(c->log, REL_FMT ": call target is in '%s', which is not code\n",
				REL_ARG(c, rs, j, r, &sym), bh_elf_sec_name(&c->elf, sym.shndx));
			return -EINVAL;
		}
		if (sym.value % 8 || off < 0 || off >= ti->nr_insns) {
			bh_logf(c->log,
				REL_FMT ": call target instruction %lld is outside '%s' (%u "
					"instructions)\n",
				REL_ARG(c, rs, j, r, &sym), (long long)off,
				bh_elf_sec_name(&c->elf, sym.shndx), ti->nr_insns);
			return -EINVAL;
		}
		ir->kind = IREL_CALL;
		ir->tsec = sym.shndx;
		ir->tinsn = (uint32_t)off;
		return 0;
	}
	/* R_BPF_64_64: lddw of a map, global data or a function */
	if (insn->code != OP_LDDW || r->offset / 8 + 1 >= si->nr_insns) {
		bh_logf(c->log,
			REL_FMT ": instruction (opcode 0x%02x) is not a complete 64-bit immediate "
				"load (lddw)\n",
			REL_ARG(c, rs, j, r, &sym), insn->code);
		return -EINVAL;
	}
	off = (int64_t)sym.value + insn->imm;
	switch (ti->kind) {
	case SEC_MAPS:
	case SEC_LEGACY_MAPS:
		m = find_map_at(c, sym.shndx, (uint64_t)off);
		if (m < 0) {
			bh_logf(c->log, REL_FMT ": no map is defined at offset 0x%llx of '%s'\n",
				REL_ARG(c, rs, j, r, &sym), (unsigned long long)off,
				bh_elf_sec_name(&c->elf, sym.shndx));
			return -EINVAL;
		}
		ir->kind = IREL_MAP;
		ir->map = (uint32_t)m;
		return 0;
	case SEC_DATA:
		if (off < 0 || (uint64_t)off > c->elf.secs[sym.shndx].size ||
		    !c->elf.secs[sym.shndx].size) {
			bh_logf(c->log, REL_FMT ": offset %lld is outside '%s' (size 0x%llx)\n",
				REL_ARG(c, rs, j, r, &sym), (long long)off,
				bh_elf_sec_name(&c->elf, sym.shndx),
				(unsigned long long)c->elf.secs[sym.shndx].size);
			return -EINVAL;
		}
		ir->kind = IREL_MAP_VALUE;
		ir->map = ti->map;
		ir->offset = (uint32_t)off;
		return 0;
	case SEC_CODE:
	case SEC_TEXT:
		if (off < 0 || off % 8 || off / 8 >= ti->nr_insns) {
			bh_logf(c->log,
				REL_FMT ": function address offset %lld is not an instruction of "
					"'%s'\n",
				REL_ARG(c, rs, j, r, &sym), (long long)off,
				bh_elf_sec_name(&c->elf, sym.shndx));
			return -EINVAL;
		}
		ir->kind = IREL_FUNC;
		ir->tsec = sym.shndx;
		ir->tinsn = (uint32_t)(off / 8);
		return 0;
	default:
		bh_logf(c->log,
			REL_FMT ": symbol is in '%s', which holds no maps, global data or code\n",
			REL_ARG(c, rs, j, r, &sym), bh_elf_sec_name(&c->elf, sym.shndx));
		return -EINVAL;
	}
}

/* A relocation in .maps: one slot of a `values` initialiser. */
static int maps_reloc(struct ctx *c, size_t rs, size_t j, const struct bh_elf_rel *r)
{
	struct bh_obj_spec *spec = c->spec;
	const struct bh_elf_sec *ms = &c->elf.secs[c->maps_sec];
	const struct bh_btf_type *ds =
		bh_btf_type_by_id(spec->btf, c->secs[c->maps_sec].datasec_id);
	struct bh_elf_sym sym;
	struct bh_map_spec *m = NULL;
	struct bh_map_init *init;
	uint32_t k, values_off = 0, i, target = 0;
	uint64_t addend = 0, rel;
	bool is_prog = false;

	bh_elf_sym(&c->elf, r->sym, &sym);
	if (r->type == BH_R_BPF_NONE)
		return 0;
	if (r->type != BH_R_BPF_64_ABS64 && r->type != BH_R_BPF_64_64) {
		bh_logf(c->log, REL_FMT ": unexpected relocation type %u in '.maps'\n",
			REL_ARG(c, rs, j, r, &sym), r->type);
		return -EINVAL;
	}
	if (!bh_range_ok(r->offset, 8, ms->size)) {
		bh_logf(c->log,
			REL_FMT ": offset 0x%llx runs past the end of '.maps' (size 0x%llx)\n",
			REL_ARG(c, rs, j, r, &sym), (unsigned long long)r->offset,
			(unsigned long long)ms->size);
		return -EINVAL;
	}
	if (ms->data)
		addend = bh_le64(ms->data + r->offset);
	/* the map whose variable covers the slot */
	for (k = 0; ds && k < ds->vlen; k++) {
		const struct bh_btf_item *vi = &ds->items[k];

		if (r->offset >= vi->offset && r->offset + 8 <= (uint64_t)vi->offset + vi->size) {
			for (i = 0; i < spec->nr_maps; i++)
				if (spec->maps[i].origin == BH_MAP_ORIGIN_BTF &&
				    spec->maps[i].btf_var_id == vi->type)
					m = &spec->maps[i];
			break;
		}
	}
	if (!m) {
		bh_logf(c->log, REL_FMT ": offset 0x%llx of '.maps' is inside no map definition\n",
			REL_ARG(c, rs, j, r, &sym), (unsigned long long)r->offset);
		return -EINVAL;
	}
	values_off = m->values_off;
	if (m->type != MAP_TYPE_PROG_ARRAY && !m->inner) {
		bh_logf(c->log, REL_FMT ": map '%s' has no 'values' to initialise\n",
			REL_ARG(c, rs, j, r, &sym), m->name);
		return -EINVAL;
	}
	rel = r->offset - m->sec_off;
	if (rel < values_off || (rel - values_off) % 8) {
		bh_logf(c->log,
			REL_FMT ": offset 0x%llx is not a slot of map '%s' 'values' (which start "
				"at 0x%llx)\n",
			REL_ARG(c, rs, j, r, &sym), (unsigned long long)r->offset, m->name,
			(unsigned long long)m->sec_off + values_off);
		return -EINVAL;
	}
	if (!r->sym || sym.shndx == BH_SHN_UNDEF || sym.shndx >= c->elf.nsec) {
		bh_logf(c->log, REL_FMT ": relocation against an unknown symbol (index %u)\n",
			REL_ARG(c, rs, j, r, &sym), r->sym);
		return -EINVAL;
	}
	if (m->type == MAP_TYPE_PROG_ARRAY) {
		const struct sec_info *ti = &c->secs[sym.shndx];
		uint64_t at = sym.value + addend;
		int32_t f;

		f = (ti->kind == SEC_CODE && at % 8 == 0 && at / 8 < ti->nr_insns)
			    ? ti->func_at[at / 8]
			    : -1;
		for (i = 0; f >= 0 && i < spec->nr_progs; i++)
			if (spec->progs[i].func == (uint32_t)f)
				break;
		if (f < 0 || i == spec->nr_progs) {
			bh_logf(c->log, REL_FMT ": '%s' is not a program\n",
				REL_ARG(c, rs, j, r, &sym), sym.name);
			return -EINVAL;
		}
		is_prog = true;
		target = i;
	} else {
		int mi = sym.shndx == c->maps_sec ? find_map_at(c, sym.shndx, sym.value + addend)
						  : -1;

		if (mi < 0) {
			bh_logf(c->log, REL_FMT ": '%s' is not a map defined in '.maps'\n",
				REL_ARG(c, rs, j, r, &sym), sym.name);
			return -EINVAL;
		}
		target = (uint32_t)mi;
	}
	init = realloc(m->init, (m->nr_init + 1) * sizeof(*init));
	if (!init)
		return -ENOMEM;
	m->init = init;
	init[m->nr_init].slot = (uint32_t)((rel - values_off) / 8);
	init[m->nr_init].is_prog = is_prog;
	init[m->nr_init].index = target;
	if (init[m->nr_init].slot >= m->max_entries) {
		bh_logf(c->log, REL_FMT ": slot %u of map '%s' is beyond max_entries %u\n",
			REL_ARG(c, rs, j, r, &sym), init[m->nr_init].slot, m->name, m->max_entries);
		return -EINVAL;
	}
	m->nr_init++;
	return 0;
}

static int other_reloc(struct ctx *c, size_t rs, size_t j, const struct bh_elf_rel *r)
{
	size_t shndx = c->elf.secs[rs].info;
	struct bh_elf_sym sym;

	bh_elf_sym(&c->elf, r->sym, &sym);
	switch (r->type) {
	case BH_R_BPF_NONE:
	case BH_R_BPF_64_64:
	case BH_R_BPF_64_ABS64:
	case BH_R_BPF_64_ABS32:
	case BH_R_BPF_64_NODYLD32:
	case BH_R_BPF_64_32:
		break;
	default:
		bh_logf(c->log, REL_FMT ": unknown relocation type %u\n",
			REL_ARG(c, rs, j, r, &sym), r->type);
		return -EINVAL;
	}
	if (c->elf.secs[shndx].type != BH_SHT_NOBITS &&
	    !bh_range_ok(r->offset,
			 r->type == BH_R_BPF_64_ABS32 || r->type == BH_R_BPF_64_NODYLD32 ? 4 : 8,
			 c->elf.secs[shndx].size)) {
		bh_logf(c->log, REL_FMT ": offset 0x%llx runs past the end of '%s' (size 0x%llx)\n",
			REL_ARG(c, rs, j, r, &sym), (unsigned long long)r->offset,
			bh_elf_sec_name(&c->elf, shndx),
			(unsigned long long)c->elf.secs[shndx].size);
		return -EINVAL;
	}
	if (c->secs[shndx].kind == SEC_DATA && r->type != BH_R_BPF_NONE)
		bh_logf(c->log,
			REL_FMT ": warning: pointers in global data are not supported; the value "
				"stays as compiled\n",
			REL_ARG(c, rs, j, r, &sym));
	return 0;
}

static int relocations(struct ctx *c)
{
	size_t rs, j;
	int err;

	for (rs = 1; rs < c->elf.nsec; rs++) {
		const struct bh_elf_sec *s = &c->elf.secs[rs];
		enum sec_kind tk;

		if (s->type != BH_SHT_REL)
			continue;
		tk = c->secs[s->info].kind;
		for (j = 0; j < bh_elf_rel_cnt(s); j++) {
			struct bh_elf_rel r;

			bh_elf_rel(s, j, &r);
			if (tk == SEC_CODE || tk == SEC_TEXT)
				err = code_reloc(c, rs, j, &r);
			else if (tk == SEC_MAPS)
				err = maps_reloc(c, rs, j, &r);
			else
				err = other_reloc(c, rs, j, &r);
			if (err)
				return err;
		}
	}
	return 0;
}

/* ---- step 7: linking ---- */

/* Target of a call/callback instruction: its function, or -1 for none. */
static int insn_target(struct ctx *c, const struct bh_func_spec *f, uint32_t si_idx, int32_t *tfunc,
		       uint32_t *tsec_out, uint32_t *tinsn_out)
{
	const struct sec_info *si = &c->secs[f->sec_idx];
	const struct bpfhost_insn *insn = &si->insns[si_idx];
	const struct irel *ir = &si->irels[si_idx];
	uint32_t tsec, tinsn;
	int64_t t;

	if (ir->kind == IREL_CALL || ir->kind == IREL_FUNC) {
		tsec = ir->tsec;
		tinsn = ir->tinsn;
	} else if (ir->kind == IREL_NONE &&
		   ((insn->code == OP_CALL && insn->src_reg == BH_PSEUDO_CALL) ||
		    (insn->code == OP_LDDW && insn->src_reg == BH_PSEUDO_FUNC))) {
		/* local call within the section, no relocation */
		t = (int64_t)si_idx + insn->imm + 1;
		if (t < 0 || t >= si->nr_insns) {
			bh_logf(c->log,
				SEC_FMT ": instruction %u (offset 0x%x) in function '%s' calls "
					"instruction %lld, outside the section\n",
				SEC_ARG(c, f->sec_idx), si_idx, si_idx * 8, f->name, (long long)t);
			return -EINVAL;
		}
		tsec = f->sec_idx;
		tinsn = (uint32_t)t;
	} else {
		*tfunc = -1;
		return 0;
	}
	*tfunc = c->secs[tsec].func_at[tinsn];
	if (*tfunc < 0) {
		bh_logf(c->log,
			SEC_FMT ": instruction %u (offset 0x%x) in function '%s' calls instruction "
				"%u of '%s', which is not the start of a function\n",
			SEC_ARG(c, f->sec_idx), si_idx, si_idx * 8, f->name, tinsn,
			bh_elf_sec_name(&c->elf, tsec));
		return -EINVAL;
	}
	*tsec_out = tsec;
	*tinsn_out = tinsn;
	return 0;
}

static int add_reloc(struct bh_prog_spec *p, const struct bh_reloc *r)
{
	struct bh_reloc *n = realloc(p->relocs, (p->nr_relocs + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	p->relocs = n;
	n[p->nr_relocs++] = *r;
	return 0;
}

static int remap_ext(struct ctx *c, struct bh_prog_spec *p)
{
	const struct bh_btf_ext *ext = c->spec->btf_ext;
	uint32_t k, i, nf = 0, nl = 0;

	if (!ext)
		return 0;
	for (k = 0; k < p->nr_subprogs; k++) {
		const struct bh_func_spec *f = &c->spec->funcs[p->subprogs[k].func];
		const struct bh_btf_ext_sec *es = bh_btf_ext_sec_by_name(ext, f->sec_name);

		if (!es)
			continue;
		nf += es->nr_func;
		nl += es->nr_line;
	}
	p->func_info = calloc(nf + 1, sizeof(*p->func_info));
	p->line_info = calloc(nl + 1, sizeof(*p->line_info));
	if (!p->func_info || !p->line_info)
		return -ENOMEM;
	for (k = 0; k < p->nr_subprogs; k++) {
		const struct bh_subprog *sp = &p->subprogs[k];
		const struct bh_func_spec *f = &c->spec->funcs[sp->func];
		const struct bh_btf_ext_sec *es = bh_btf_ext_sec_by_name(ext, f->sec_name);
		uint32_t lo = f->sec_insn, hi = f->sec_insn + f->insn_cnt;

		if (!es)
			continue;
		for (i = 0; i < es->nr_func; i++) {
			if (es->func[i].insn < lo || es->func[i].insn >= hi)
				continue;
			p->func_info[p->nr_func_info] = es->func[i];
			p->func_info[p->nr_func_info++].insn = es->func[i].insn - lo + sp->start;
		}
		for (i = 0; i < es->nr_line; i++) {
			if (es->line[i].insn < lo || es->line[i].insn >= hi)
				continue;
			p->line_info[p->nr_line_info] = es->line[i];
			p->line_info[p->nr_line_info++].insn = es->line[i].insn - lo + sp->start;
		}
	}
	return 0;
}

static int link_prog(struct ctx *c, struct bh_prog_spec *p, int32_t *pos)
{
	struct bh_obj_spec *spec = c->spec;
	uint32_t k, j, total = 0;
	int err;

	for (k = 0; k < spec->nr_funcs; k++)
		pos[k] = -1;
	p->subprogs = calloc(spec->nr_funcs, sizeof(*p->subprogs));
	if (!p->subprogs)
		return -ENOMEM;
	p->subprogs[0].func = p->func;
	p->subprogs[0].insn_cnt = spec->funcs[p->func].insn_cnt;
	p->nr_subprogs = 1;
	pos[p->func] = 0;
	total = spec->funcs[p->func].insn_cnt;
	/* breadth-first over the call graph: append each reached function once */
	for (k = 0; k < p->nr_subprogs; k++) {
		const struct bh_func_spec *f = &spec->funcs[p->subprogs[k].func];

		for (j = 0; j < f->insn_cnt; j++) {
			uint32_t tsec, tinsn;
			int32_t tf;

			err = insn_target(c, f, f->sec_insn + j, &tf, &tsec, &tinsn);
			if (err)
				return err;
			if (tf < 0 || pos[tf] >= 0)
				continue;
			if (total > BPFHOST_INSN_LIMIT_DEFAULT) {
				bh_logf(c->log,
					"program '%s': more than %u instructions with its "
					"subprograms\n",
					p->name, BPFHOST_INSN_LIMIT_DEFAULT);
				return -E2BIG;
			}
			pos[tf] = (int32_t)p->nr_subprogs;
			p->subprogs[p->nr_subprogs].func = (uint32_t)tf;
			p->subprogs[p->nr_subprogs].start = total;
			p->subprogs[p->nr_subprogs].insn_cnt = spec->funcs[tf].insn_cnt;
			p->nr_subprogs++;
			total += spec->funcs[tf].insn_cnt;
		}
	}
	p->insns = calloc(total, sizeof(*p->insns));
	if (!p->insns)
		return -ENOMEM;
	p->insn_cnt = total;
	for (k = 0; k < p->nr_subprogs; k++) {
		const struct bh_subprog *sp = &p->subprogs[k];
		const struct bh_func_spec *f = &spec->funcs[sp->func];
		const struct sec_info *si = &c->secs[f->sec_idx];

		memcpy(p->insns + sp->start, si->insns + f->sec_insn,
		       f->insn_cnt * sizeof(*p->insns));
		for (j = 0; j < f->insn_cnt; j++) {
			const struct irel *ir = &si->irels[f->sec_insn + j];
			struct bpfhost_insn *in = &p->insns[sp->start + j];
			struct bh_reloc r = { .insn = sp->start + j };
			uint32_t tsec, tinsn;
			int32_t tf;

			if ((ir->kind == IREL_MAP || ir->kind == IREL_MAP_VALUE) &&
			    j + 1 >= f->insn_cnt) {
				bh_logf(c->log,
					SEC_FMT ": lddw at offset 0x%x is cut by the end of "
						"function '%s'\n",
					SEC_ARG(c, f->sec_idx), (f->sec_insn + j) * 8, f->name);
				return -EINVAL;
			}
			if (ir->kind == IREL_MAP) {
				in->src_reg = BH_PSEUDO_MAP_FD;
				in->imm = (int32_t)ir->map;
				in[1].imm = 0;
				r.kind = BH_RELOC_MAP;
				r.map = ir->map;
				err = add_reloc(p, &r);
			} else if (ir->kind == IREL_MAP_VALUE) {
				in->src_reg = BH_PSEUDO_MAP_VALUE;
				in->imm = (int32_t)ir->map;
				in[1].imm = (int32_t)ir->offset;
				r.kind = BH_RELOC_MAP_VALUE;
				r.map = ir->map;
				r.offset = ir->offset;
				err = add_reloc(p, &r);
			} else {
				err = insn_target(c, f, f->sec_insn + j, &tf, &tsec, &tinsn);
				if (err || tf < 0)
					goto next;
				r.kind = in->code == OP_CALL ? BH_RELOC_CALL : BH_RELOC_FUNC_ADDR;
				r.func = (uint32_t)tf;
				r.target = p->subprogs[pos[tf]].start;
				in->imm = (int32_t)((int64_t)r.target - (sp->start + j) - 1);
				if (r.kind == BH_RELOC_FUNC_ADDR) {
					if (j + 1 >= f->insn_cnt) {
						bh_logf(c->log,
							SEC_FMT ": lddw at offset 0x%x is cut by "
								"the end of function '%s'\n",
							SEC_ARG(c, f->sec_idx),
							(f->sec_insn + j) * 8, f->name);
						return -EINVAL;
					}
					in->src_reg = BH_PSEUDO_FUNC;
					in[1].imm = 0;
				}
				err = add_reloc(p, &r);
			}
next:
			if (err)
				return err;
		}
	}
	return remap_ext(c, p);
}

static int check_btf_ext(struct ctx *c)
{
	const struct bh_btf_ext *ext = c->spec->btf_ext;
	uint32_t k, i;

	for (k = 0; ext && k < ext->nr_secs; k++) {
		const struct bh_btf_ext_sec *es = &ext->secs[k];
		size_t shndx = find_sec(c, es->name);
		uint32_t n;

		if (!shndx ||
		    (c->secs[shndx].kind != SEC_CODE && c->secs[shndx].kind != SEC_TEXT)) {
			bh_logf(c->log,
				SEC_FMT ": has records for section '%s', which is not a code "
					"section\n",
				SEC_ARG(c, c->btf_ext_sec), es->name);
			return -EINVAL;
		}
		n = c->secs[shndx].nr_insns;
		for (i = 0; i < es->nr_func; i++)
			if (es->func[i].insn >= n)
				goto bad;
		for (i = 0; i < es->nr_line; i++)
			if (es->line[i].insn >= n)
				goto bad;
		for (i = 0; i < es->nr_core; i++)
			if (es->core[i].insn >= n)
				goto bad;
		if (es->nr_core)
			bh_logf(c->log,
				SEC_FMT ": warning: %u CO-RE relocations for section '%s' are not "
					"applied (not supported yet); compiled offsets stay\n",
				SEC_ARG(c, c->btf_ext_sec), es->nr_core, es->name);
		continue;
bad:
		bh_logf(c->log,
			SEC_FMT ": a record for section '%s' points past its %u instructions\n",
			SEC_ARG(c, c->btf_ext_sec), es->name, n);
		return -EINVAL;
	}
	return 0;
}

static int link_progs(struct ctx *c)
{
	int32_t *pos = malloc((c->spec->nr_funcs + 1) * sizeof(*pos));
	uint32_t i;
	int err = 0;

	if (!pos)
		return -ENOMEM;
	for (i = 0; i < c->spec->nr_progs && !err; i++)
		err = link_prog(c, &c->spec->progs[i], pos);
	free(pos);
	return err;
}

/* ---- entry points ---- */

static char *object_name(const char *name)
{
	const char *base = name ? strrchr(name, '/') : NULL;
	size_t len;

	base = base ? base + 1 : name;
	if (!base || !*base)
		base = "object";
	len = strcspn(base, ".");
	if (!len)
		return xstrdup("object");
	return strndup(base, len);
}

int bh_obj_spec_open_mem(const void *data, size_t size, const char *name, struct bh_obj_spec **out,
			 struct bh_log *log)
{
	struct ctx c = { .log = log };
	size_t i;
	int err;

	*out = NULL;
	c.spec = calloc(1, sizeof(*c.spec));
	if (!c.spec)
		return -ENOMEM;
	c.spec->name = object_name(name);
	if (!c.spec->name) {
		free(c.spec);
		return -ENOMEM;
	}
	err = bh_elf_open(&c.elf, data, size, log);
	if (err)
		goto out;
	err = classify(&c);
	if (!err)
		err = read_license_version(&c);
	if (!err)
		err = load_btf(&c);
	if (!err)
		err = refuse_externs(&c);
	if (!err)
		err = collect_funcs(&c);
	if (!err)
		err = legacy_maps(&c);
	if (!err)
		err = btf_maps(&c);
	if (!err)
		err = data_maps(&c);
	if (!err)
		err = relocations(&c);
	if (!err)
		err = check_btf_ext(&c);
	if (!err)
		err = link_progs(&c);
out:
	if (c.secs) {
		for (i = 0; i < c.elf.nsec; i++) {
			free(c.secs[i].insns);
			free(c.secs[i].irels);
			free(c.secs[i].func_at);
		}
		free(c.secs);
	}
	bh_elf_close(&c.elf);
	if (err) {
		if (err == -ENOMEM)
			bh_logf(log, "out of memory\n");
		bh_obj_spec_free(c.spec);
		return err;
	}
	*out = c.spec;
	return 0;
}

void bh_obj_spec_free(struct bh_obj_spec *spec)
{
	uint32_t i;

	if (!spec)
		return;
	for (i = 0; i < spec->nr_progs; i++) {
		struct bh_prog_spec *p = &spec->progs[i];

		free(p->name);
		free(p->sec_name);
		free(p->insns);
		free(p->subprogs);
		free(p->relocs);
		free(p->func_info);
		free(p->line_info);
	}
	for (i = 0; i < spec->nr_maps; i++)
		free_map(&spec->maps[i]);
	for (i = 0; i < spec->nr_funcs; i++) {
		free(spec->funcs[i].name);
		free(spec->funcs[i].sec_name);
	}
	free(spec->progs);
	free(spec->maps);
	free(spec->funcs);
	free(spec->name);
	free(spec->license);
	bh_btf_ext_free(spec->btf_ext);
	bh_btf_free(spec->btf);
	free(spec);
}

const struct bh_prog_spec *bh_obj_spec_find_prog(const struct bh_obj_spec *spec, const char *name)
{
	uint32_t i;

	for (i = 0; spec && name && i < spec->nr_progs; i++)
		if (!strcmp(spec->progs[i].name, name))
			return &spec->progs[i];
	return NULL;
}

const struct bh_map_spec *bh_obj_spec_find_map(const struct bh_obj_spec *spec, const char *name)
{
	uint32_t i;

	for (i = 0; spec && name && i < spec->nr_maps; i++)
		if (!strcmp(spec->maps[i].name, name))
			return &spec->maps[i];
	return NULL;
}

const struct bh_btf_line_info *bh_prog_spec_line(const struct bh_prog_spec *prog, uint32_t insn)
{
	const struct bh_btf_line_info *best = NULL;
	uint32_t i, lo = 0;

	/* records stay within the function (subprogram) holding insn */
	for (i = 0; i < prog->nr_subprogs; i++)
		if (insn >= prog->subprogs[i].start &&
		    insn < prog->subprogs[i].start + prog->subprogs[i].insn_cnt)
			lo = prog->subprogs[i].start;
	for (i = 0; i < prog->nr_line_info; i++) {
		const struct bh_btf_line_info *l = &prog->line_info[i];

		if (l->insn >= lo && l->insn <= insn && (!best || l->insn >= best->insn))
			best = l;
	}
	return best;
}
