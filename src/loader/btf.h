/* SPDX-License-Identifier: MIT */
/*
 * BTF (BPF Type Format): parsing, validation, type resolution and the
 * bpftool-style raw dump.
 *
 * bh_btf_new() copies the raw blob (header, type section, string section),
 * validates every type record of every kind (the kinds clang emits and the
 * rest of the kernel's list) and decodes them into host-order records, so
 * consumers never touch the little-endian bytes. Type id 0 is void. Errors
 * name the type id, its kind and name, and the offset of its record in the
 * blob.
 */
#ifndef BH_LOADER_BTF_H
#define BH_LOADER_BTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/log.h"

enum bh_btf_kind {
	BH_BTF_KIND_UNKN = 0,
	BH_BTF_KIND_INT = 1,
	BH_BTF_KIND_PTR = 2,
	BH_BTF_KIND_ARRAY = 3,
	BH_BTF_KIND_STRUCT = 4,
	BH_BTF_KIND_UNION = 5,
	BH_BTF_KIND_ENUM = 6,
	BH_BTF_KIND_FWD = 7,
	BH_BTF_KIND_TYPEDEF = 8,
	BH_BTF_KIND_VOLATILE = 9,
	BH_BTF_KIND_CONST = 10,
	BH_BTF_KIND_RESTRICT = 11,
	BH_BTF_KIND_FUNC = 12,
	BH_BTF_KIND_FUNC_PROTO = 13,
	BH_BTF_KIND_VAR = 14,
	BH_BTF_KIND_DATASEC = 15,
	BH_BTF_KIND_FLOAT = 16,
	BH_BTF_KIND_DECL_TAG = 17,
	BH_BTF_KIND_TYPE_TAG = 18,
	BH_BTF_KIND_ENUM64 = 19,
	BH_BTF_KIND__COUNT,
};

/* INT encoding bits */
#define BH_BTF_INT_SIGNED 0x1
#define BH_BTF_INT_CHAR 0x2
#define BH_BTF_INT_BOOL 0x4

/* FUNC and VAR linkage */
#define BH_BTF_LINKAGE_STATIC 0
#define BH_BTF_LINKAGE_GLOBAL 1
#define BH_BTF_LINKAGE_EXTERN 2

/* One vlen entry: struct/union member, enum value, parameter, datasec var. */
struct bh_btf_item {
	const char *name; /* "" when anonymous */
	uint32_t name_off;
	uint32_t type;	 /* member, param, datasec var */
	uint32_t offset; /* member: raw offset word; datasec: byte offset */
	uint32_t size;	 /* datasec var size */
	uint64_t val;	 /* enum/enum64 value bits */
};

struct bh_btf_type {
	uint32_t id;
	uint8_t kind;
	bool kflag;
	uint16_t vlen;
	uint32_t name_off;
	const char *name; /* "" when anonymous */
	uint32_t size;	  /* INT, ENUM*, STRUCT, UNION, DATASEC, FLOAT */
	uint32_t type;	  /* PTR, TYPEDEF, modifiers, FUNC, FUNC_PROTO (return), VAR, tags */
	uint32_t rec_off; /* offset of the record in the raw blob */
	union {
		struct {
			uint8_t encoding;
			uint8_t offset;
			uint8_t bits;
		} intv;
		struct {
			uint32_t type;
			uint32_t index_type;
			uint32_t nelems;
		} arr;
		uint32_t linkage;      /* VAR; FUNC keeps it in vlen */
		int32_t component_idx; /* DECL_TAG */
	};
	struct bh_btf_item *items; /* vlen entries */
};

struct bh_btf {
	uint8_t *raw; /* own copy of the blob */
	size_t raw_size;
	uint32_t hdr_len;
	uint32_t type_off; /* absolute offsets in raw */
	uint32_t type_len;
	uint32_t str_off;
	uint32_t str_len;
	uint32_t nr_types; /* number of ids, including void (0) */
	struct bh_btf_type *types;
	struct bh_btf_item *items;
	int64_t *sizes; /* resolved size per id, -1 when the type has none */
};

/*
 * Parse and validate a blob. ctx names it in messages (e.g. "section '.BTF'
 * (index 21)"). Returns NULL with errno set (EINVAL, ENOMEM) and the reason
 * in log.
 */
struct bh_btf *bh_btf_new(const void *data, size_t size, const char *ctx, struct bh_log *log);
void bh_btf_free(struct bh_btf *btf);

static inline uint32_t bh_btf_type_cnt(const struct bh_btf *btf)
{
	return btf->nr_types;
}

/* NULL when id is out of range; id 0 is void (kind UNKN). */
const struct bh_btf_type *bh_btf_type_by_id(const struct bh_btf *btf, uint32_t id);
/* A string of the string section, NULL when off is not inside it. */
const char *bh_btf_str(const struct bh_btf *btf, uint32_t off);
const char *bh_btf_kind_str(unsigned kind);
/* First type with this name and kind: its id, or -ENOENT. */
int bh_btf_find_by_name_kind(const struct bh_btf *btf, const char *name, unsigned kind);

/* Follow TYPEDEF, VOLATILE, CONST, RESTRICT and TYPE_TAG to a real type. */
const struct bh_btf_type *bh_btf_skip_mods_typedefs(const struct bh_btf *btf, uint32_t id,
						    uint32_t *res_id);
/* Size in bytes of a type, or -EINVAL for types without one (void, FWD, FUNC*). */
int64_t bh_btf_resolve_size(const struct bh_btf *btf, uint32_t id);
/*
 * Find member `name` of a struct/union (looking inside anonymous struct and
 * union members too). On success returns its index in the type where it was
 * found and fills *bit_off (from the start of `t`), *type_id and
 * *bitfield_size (0 unless a bitfield). -ENOENT when there is none.
 */
int bh_btf_member_by_name(const struct bh_btf *btf, const struct bh_btf_type *t, const char *name,
			  uint32_t *bit_off, uint32_t *type_id, uint32_t *bitfield_size);
/* Bit offset and bitfield size of member i of a struct/union. */
static inline uint32_t bh_btf_member_bit_off(const struct bh_btf_type *t, uint32_t i)
{
	return t->kflag ? t->items[i].offset & 0xffffff : t->items[i].offset;
}

static inline uint32_t bh_btf_member_bitfield_size(const struct bh_btf_type *t, uint32_t i)
{
	return t->kflag ? t->items[i].offset >> 24 : 0;
}

/* Change a DATASEC's size or one of its variables' offsets (both copies). */
void bh_btf_set_datasec_size(struct bh_btf *btf, uint32_t id, uint32_t size);
void bh_btf_set_datasec_var_offset(struct bh_btf *btf, uint32_t id, uint32_t idx, uint32_t off);

/* The blob as it is now (after any fix-ups). */
static inline const void *bh_btf_raw(const struct bh_btf *btf, size_t *size)
{
	*size = btf->raw_size;
	return btf->raw;
}

/*
 * Print type id in bpftool's raw format ("[1] INT 'int' size=4 bits_offset=0
 * nr_bits=32 encoding=SIGNED"), members on following tab-indented lines,
 * with a final newline. bh_btf_dump() prints every type.
 */
void bh_btf_dump_type(const struct bh_btf *btf, uint32_t id, FILE *out);
void bh_btf_dump(const struct bh_btf *btf, FILE *out);

#endif /* BH_LOADER_BTF_H */
