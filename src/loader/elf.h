/* SPDX-License-Identifier: MIT */
/*
 * Bounds-checked reader of ELF64 relocatable objects for eBPF.
 *
 * Only little-endian ELF64 EM_BPF relocatable files are accepted; anything
 * else is refused with a message naming what is wrong and where. The view
 * points into the caller's buffer (it copies nothing but the section table),
 * so it lives only as long as that buffer. Every accessor is bounds-checked:
 * bh_elf_open() validates the header, the section table, the section names,
 * the symbol table and the relocation sections' shape once, so later lookups
 * only need index checks.
 */
#ifndef BH_LOADER_ELF_H
#define BH_LOADER_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/log.h"

/* The ELF constants we use (System V gABI and the BPF psABI). */
#define BH_EM_BPF 247
#define BH_ET_REL 1
#define BH_SHT_NULL 0
#define BH_SHT_PROGBITS 1
#define BH_SHT_SYMTAB 2
#define BH_SHT_STRTAB 3
#define BH_SHT_RELA 4
#define BH_SHT_NOBITS 8
#define BH_SHT_REL 9
#define BH_SHT_DYNSYM 11
#define BH_SHF_WRITE 0x1
#define BH_SHF_ALLOC 0x2
#define BH_SHF_EXECINSTR 0x4
#define BH_SHN_UNDEF 0
#define BH_SHN_LORESERVE 0xff00
#define BH_SHN_ABS 0xfff1
#define BH_SHN_COMMON 0xfff2
#define BH_SHN_XINDEX 0xffff
#define BH_STB_LOCAL 0
#define BH_STB_GLOBAL 1
#define BH_STB_WEAK 2
#define BH_STT_NOTYPE 0
#define BH_STT_OBJECT 1
#define BH_STT_FUNC 2
#define BH_STT_SECTION 3
#define BH_STT_FILE 4

/* Relocation types of the BPF psABI. */
#define BH_R_BPF_NONE 0
#define BH_R_BPF_64_64 1
#define BH_R_BPF_64_ABS64 2
#define BH_R_BPF_64_ABS32 3
#define BH_R_BPF_64_NODYLD32 4
#define BH_R_BPF_64_32 10

struct bh_elf_sec {
	const char *name; /* never NULL after bh_elf_open() */
	uint32_t type;
	uint64_t flags;
	uint64_t offset; /* file offset of the data */
	uint64_t size;
	uint32_t link;
	uint32_t info;
	uint64_t addralign;
	uint64_t entsize;
	/* NULL for SHT_NOBITS and empty sections; else size bytes */
	const uint8_t *data;
};

struct bh_elf_sym {
	const char *name; /* "" when the symbol has no name */
	uint64_t value;
	uint64_t size;
	uint32_t shndx; /* extended indexes are not used by BPF objects */
	uint8_t bind;
	uint8_t type;
	uint8_t other;
};

struct bh_elf_rel {
	uint64_t offset; /* in the target section */
	uint32_t sym;
	uint32_t type;
};

struct bh_elf {
	const uint8_t *data;
	size_t size;
	size_t nsec;
	struct bh_elf_sec *secs;
	size_t symtab; /* index of SHT_SYMTAB, 0 if there is none */
	size_t nsym;
};

/*
 * Validate and index an object. Returns 0 or -EINVAL/-ENOMEM with the
 * problem in log. On failure nothing needs to be released.
 */
int bh_elf_open(struct bh_elf *elf, const void *data, size_t size, struct bh_log *log);
void bh_elf_close(struct bh_elf *elf);

/* Name of section i, "?" when i is out of range. */
const char *bh_elf_sec_name(const struct bh_elf *elf, size_t i);

/* A string of a string-table section, or NULL when off is not inside it. */
const char *bh_elf_str(const struct bh_elf *elf, size_t strsec, uint64_t off);

/*
 * Symbol idx (0 < idx < nsym). The section index was checked to be a real
 * section, SHN_UNDEF, SHN_ABS or SHN_COMMON by bh_elf_open().
 */
void bh_elf_sym(const struct bh_elf *elf, size_t idx, struct bh_elf_sym *sym);

/* Number of entries of an SHT_REL section and entry i of it. */
size_t bh_elf_rel_cnt(const struct bh_elf_sec *rel);
void bh_elf_rel(const struct bh_elf_sec *rel, size_t i, struct bh_elf_rel *out);

/* Name of a relocation type, "unknown" for others. */
const char *bh_elf_rel_type_name(uint32_t type);

/* Little-endian field readers (no alignment needed). */
static inline uint16_t bh_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t bh_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t bh_le64(const uint8_t *p)
{
	return (uint64_t)bh_le32(p) | (uint64_t)bh_le32(p + 4) << 32;
}

static inline void bh_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* True when [off, off + len) lies inside [0, size). */
static inline bool bh_range_ok(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

#endif /* BH_LOADER_ELF_H */
