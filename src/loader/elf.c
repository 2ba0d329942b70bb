/* SPDX-License-Identifier: MIT */
/*
 * ELF64 reader for eBPF objects: header, section table, names, symbol table
 * and relocation-section shape, all checked against the buffer bounds once
 * in bh_elf_open(). Fields are decoded byte by byte (little-endian), so the
 * reader works on any host and on unaligned buffers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/elf.h"

#define EHDR_SIZE 64
#define SHDR_SIZE 64
#define SYM_SIZE 24
#define REL_SIZE 16

const char *bh_elf_str(const struct bh_elf *elf, size_t strsec, uint64_t off)
{
	const struct bh_elf_sec *s;

	if (strsec >= elf->nsec)
		return NULL;
	s = &elf->secs[strsec];
	if (!s->data || off >= s->size)
		return NULL;
	if (!memchr(s->data + off, '\0', s->size - off))
		return NULL;
	return (const char *)s->data + off;
}

const char *bh_elf_rel_type_name(uint32_t type)
{
	switch (type) {
	case BH_R_BPF_NONE:
		return "R_BPF_NONE";
	case BH_R_BPF_64_64:
		return "R_BPF_64_64";
	case BH_R_BPF_64_ABS64:
		return "R_BPF_64_ABS64";
	case BH_R_BPF_64_ABS32:
		return "R_BPF_64_ABS32";
	case BH_R_BPF_64_NODYLD32:
		return "R_BPF_64_NODYLD32";
	case BH_R_BPF_64_32:
		return "R_BPF_64_32";
	default:
		return "unknown";
	}
}

static int check_header(const uint8_t *p, size_t size, struct bh_log *log)
{
	if (size < 4 || memcmp(p, "\177ELF", 4)) {
		bh_logf(log, "not an ELF file: no ELF magic at offset 0 (size %zu)\n", size);
		return -EINVAL;
	}
	if (size < EHDR_SIZE) {
		bh_logf(log,
			"ELF header truncated: file has %zu bytes, the ELF64 header needs %d\n",
			size, EHDR_SIZE);
		return -EINVAL;
	}
	if (p[4] != 2) {
		bh_logf(log,
			"not a 64-bit ELF file (EI_CLASS %u at offset 0x4); only ELF64 is "
			"supported\n",
			p[4]);
		return -EINVAL;
	}
	if (p[5] == 2) {
		bh_logf(log, "big-endian ELF (EI_DATA 2 at offset 0x5) is not supported; only "
			     "little-endian eBPF objects are\n");
		return -EINVAL;
	}
	if (p[5] != 1) {
		bh_logf(log, "bad ELF data encoding %u at offset 0x5\n", p[5]);
		return -EINVAL;
	}
	if (p[6] != 1) {
		bh_logf(log, "bad ELF version %u at offset 0x6\n", p[6]);
		return -EINVAL;
	}
	if (bh_le16(p + 18) != BH_EM_BPF) {
		bh_logf(log,
			"not an eBPF object: e_machine is %u at offset 0x12, expected EM_BPF "
			"(247)\n",
			bh_le16(p + 18));
		return -EINVAL;
	}
	if (bh_le16(p + 16) != BH_ET_REL) {
		bh_logf(log,
			"not a relocatable object: e_type is %u at offset 0x10, expected ET_REL "
			"(1)\n",
			bh_le16(p + 16));
		return -EINVAL;
	}
	return 0;
}

static void read_shdr(const uint8_t *p, struct bh_elf_sec *s)
{
	s->type = bh_le32(p + 4);
	s->flags = bh_le64(p + 8);
	s->offset = bh_le64(p + 24);
	s->size = bh_le64(p + 32);
	s->link = bh_le32(p + 40);
	s->info = bh_le32(p + 44);
	s->addralign = bh_le64(p + 48);
	s->entsize = bh_le64(p + 56);
}

static int read_sections(struct bh_elf *elf, struct bh_log *log)
{
	const uint8_t *p = elf->data;
	uint64_t shoff = bh_le64(p + 40);
	uint64_t nsec = bh_le16(p + 60);
	uint32_t shstrndx = bh_le16(p + 62);
	struct bh_elf_sec first;
	size_t i;

	if (shoff == 0) {
		bh_logf(log, "ELF header: no section header table (e_shoff is 0)\n");
		return -EINVAL;
	}
	if (bh_le16(p + 58) != SHDR_SIZE) {
		bh_logf(log, "ELF header: e_shentsize is %u at offset 0x3a, expected %d\n",
			bh_le16(p + 58), SHDR_SIZE);
		return -EINVAL;
	}
	if (!bh_range_ok(shoff, SHDR_SIZE, elf->size)) {
		bh_logf(log,
			"ELF header: section header table at offset 0x%llx runs past the end of "
			"the file (size 0x%zx)\n",
			(unsigned long long)shoff, elf->size);
		return -EINVAL;
	}
	/* extended numbering: counts live in section 0 */
	read_shdr(p + shoff, &first);
	if (nsec == 0)
		nsec = first.size;
	if (shstrndx == BH_SHN_XINDEX)
		shstrndx = first.link;
	if (nsec == 0 || nsec > (elf->size - shoff) / SHDR_SIZE) {
		bh_logf(log,
			"ELF header: %llu section headers at offset 0x%llx do not fit in the file "
			"(size 0x%zx)\n",
			(unsigned long long)nsec, (unsigned long long)shoff, elf->size);
		return -EINVAL;
	}
	elf->secs = calloc(nsec, sizeof(*elf->secs));
	if (!elf->secs)
		return -ENOMEM;
	elf->nsec = nsec;
	for (i = 0; i < nsec; i++) {
		struct bh_elf_sec *s = &elf->secs[i];

		read_shdr(p + shoff + i * SHDR_SIZE, s);
		if (s->type != BH_SHT_NOBITS && s->type != BH_SHT_NULL && s->size) {
			if (!bh_range_ok(s->offset, s->size, elf->size)) {
				bh_logf(log,
					"section index %zu: data at offset 0x%llx size 0x%llx runs "
					"past the end of the file (size 0x%zx)\n",
					i, (unsigned long long)s->offset,
					(unsigned long long)s->size, elf->size);
				return -EINVAL;
			}
			s->data = p + s->offset;
		}
	}
	if (shstrndx >= nsec || elf->secs[shstrndx].type != BH_SHT_STRTAB) {
		bh_logf(log, "ELF header: e_shstrndx %u is not a string table section\n", shstrndx);
		return -EINVAL;
	}
	elf->secs[0].name = "";
	for (i = 1; i < nsec; i++) {
		uint32_t noff = bh_le32(p + shoff + i * SHDR_SIZE);

		elf->secs[i].name = bh_elf_str(elf, shstrndx, noff);
		if (!elf->secs[i].name) {
			bh_logf(log,
				"section index %zu: name offset 0x%x is outside the section name "
				"table '%s' (size 0x%llx) or not NUL-terminated\n",
				i, noff, elf->secs[shstrndx].name ? elf->secs[shstrndx].name : "",
				(unsigned long long)elf->secs[shstrndx].size);
			return -EINVAL;
		}
	}
	return 0;
}

void bh_elf_sym(const struct bh_elf *elf, size_t idx, struct bh_elf_sym *sym)
{
	const struct bh_elf_sec *st = &elf->secs[elf->symtab];
	const uint8_t *p = st->data + idx * SYM_SIZE;

	sym->name = bh_elf_str(elf, st->link, bh_le32(p));
	if (!sym->name)
		sym->name = "";
	sym->bind = p[4] >> 4;
	sym->type = p[4] & 0xf;
	sym->other = p[5];
	sym->shndx = bh_le16(p + 6);
	sym->value = bh_le64(p + 8);
	sym->size = bh_le64(p + 16);
}

static int check_symtab(struct bh_elf *elf, struct bh_log *log)
{
	const struct bh_elf_sec *st;
	size_t i;

	for (i = 1; i < elf->nsec; i++) {
		if (elf->secs[i].type != BH_SHT_SYMTAB)
			continue;
		if (elf->symtab) {
			bh_logf(log,
				"section '%s' (index %zu): a second symbol table (the first is "
				"index %zu)\n",
				elf->secs[i].name, i, elf->symtab);
			return -EINVAL;
		}
		elf->symtab = i;
	}
	if (!elf->symtab)
		return 0;
	st = &elf->secs[elf->symtab];
	if (st->entsize != SYM_SIZE || st->size % SYM_SIZE) {
		bh_logf(log,
			"section '%s' (index %zu): symbol table entry size %llu, size 0x%llx; "
			"expected entries of %d bytes\n",
			st->name, elf->symtab, (unsigned long long)st->entsize,
			(unsigned long long)st->size, SYM_SIZE);
		return -EINVAL;
	}
	if (st->link == 0 || st->link >= elf->nsec || elf->secs[st->link].type != BH_SHT_STRTAB) {
		bh_logf(log, "section '%s' (index %zu): sh_link %u is not a string table section\n",
			st->name, elf->symtab, st->link);
		return -EINVAL;
	}
	elf->nsym = st->size / SYM_SIZE;
	for (i = 1; i < elf->nsym; i++) {
		const uint8_t *p = st->data + i * SYM_SIZE;
		uint32_t shndx = bh_le16(p + 6);

		if (!bh_elf_str(elf, st->link, bh_le32(p))) {
			bh_logf(log,
				"section '%s' (index %zu): symbol %zu at offset 0x%zx: name "
				"offset 0x%x is outside the string table '%s'\n",
				st->name, elf->symtab, i, i * SYM_SIZE, bh_le32(p),
				elf->secs[st->link].name);
			return -EINVAL;
		}
		if (shndx >= elf->nsec && shndx != BH_SHN_ABS && shndx != BH_SHN_COMMON) {
			bh_logf(log,
				"section '%s' (index %zu): symbol '%s' at offset 0x%zx: section "
				"index %u does not exist (%zu sections)\n",
				st->name, elf->symtab, bh_elf_str(elf, st->link, bh_le32(p)),
				i * SYM_SIZE, shndx, elf->nsec);
			return -EINVAL;
		}
	}
	return 0;
}

size_t bh_elf_rel_cnt(const struct bh_elf_sec *rel)
{
	return rel->data ? rel->size / REL_SIZE : 0;
}

void bh_elf_rel(const struct bh_elf_sec *rel, size_t i, struct bh_elf_rel *out)
{
	const uint8_t *p = rel->data + i * REL_SIZE;
	uint64_t info = bh_le64(p + 8);

	out->offset = bh_le64(p);
	out->sym = (uint32_t)(info >> 32);
	out->type = (uint32_t)info;
}

static int check_relocs(struct bh_elf *elf, struct bh_log *log)
{
	size_t i, j;

	for (i = 1; i < elf->nsec; i++) {
		const struct bh_elf_sec *s = &elf->secs[i];

		if (s->type == BH_SHT_RELA) {
			bh_logf(log,
				"section '%s' (index %zu): RELA relocations are not used by eBPF "
				"objects; only SHT_REL is supported\n",
				s->name, i);
			return -EINVAL;
		}
		if (s->type != BH_SHT_REL)
			continue;
		if ((s->entsize && s->entsize != REL_SIZE) || s->size % REL_SIZE) {
			bh_logf(log,
				"section '%s' (index %zu): relocation entry size %llu, size "
				"0x%llx; expected entries of %d bytes\n",
				s->name, i, (unsigned long long)s->entsize,
				(unsigned long long)s->size, REL_SIZE);
			return -EINVAL;
		}
		if (s->info == 0 || s->info >= elf->nsec) {
			bh_logf(log,
				"section '%s' (index %zu): target section index %u (sh_info) does "
				"not exist\n",
				s->name, i, s->info);
			return -EINVAL;
		}
		if (bh_elf_rel_cnt(s) && (!elf->symtab || s->link != elf->symtab)) {
			bh_logf(log,
				"section '%s' (index %zu): sh_link %u is not the symbol table\n",
				s->name, i, s->link);
			return -EINVAL;
		}
		for (j = 0; j < bh_elf_rel_cnt(s); j++) {
			struct bh_elf_rel r;

			bh_elf_rel(s, j, &r);
			if (r.sym >= elf->nsym) {
				bh_logf(log,
					"section '%s' (index %zu): relocation %zu at offset 0x%zx "
					"refers to symbol %u, but the symbol table has %zu\n",
					s->name, i, j, j * REL_SIZE, r.sym, elf->nsym);
				return -EINVAL;
			}
		}
	}
	return 0;
}

int bh_elf_open(struct bh_elf *elf, const void *data, size_t size, struct bh_log *log)
{
	int err;

	memset(elf, 0, sizeof(*elf));
	if (!data) {
		bh_logf(log, "no object data\n");
		return -EINVAL;
	}
	elf->data = data;
	elf->size = size;
	err = check_header(data, size, log);
	if (!err)
		err = read_sections(elf, log);
	if (!err)
		err = check_symtab(elf, log);
	if (!err)
		err = check_relocs(elf, log);
	if (err)
		bh_elf_close(elf);
	return err;
}

void bh_elf_close(struct bh_elf *elf)
{
	free(elf->secs);
	memset(elf, 0, sizeof(*elf));
}

const char *bh_elf_sec_name(const struct bh_elf *elf, size_t i)
{
	return i < elf->nsec && elf->secs[i].name ? elf->secs[i].name : "?";
}
