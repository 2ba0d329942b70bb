/* SPDX-License-Identifier: MIT */
/*
 * Object specification: what an eBPF ELF object asks for, independent of any
 * runtime.
 *
 * bh_obj_spec_open_mem() parses an object produced by `clang -O2 -g -target
 * bpf` (libbpf conventions) into programs, map definitions, global data,
 * license/version, BTF and BTF.ext. The spec owns copies of everything; the
 * input buffer may be freed right after opening. The object layer
 * instantiates a spec in a runtime (creates maps, resolves the map
 * references below into its handles, verifies and loads programs).
 *
 * Programs: one per STT_FUNC symbol of every executable section except
 * .text (several programs per section; functions in .text are subprograms
 * only). A program's instruction array is its own code followed by every
 * function it calls directly or indirectly (bpf-to-bpf calls into .text or
 * another section, and callbacks whose address is taken), each appended
 * once, with call and callback-address immediates fixed up to the final
 * layout. func_info/line_info are remapped to the final layout too.
 *
 * Map references stay symbolic: an lddw that loads a map is left in the
 * kernel's pseudo form with src_reg BPF_PSEUDO_MAP_FD (1) and imm = map
 * index in the spec; one that loads the address of global data has src_reg
 * BPF_PSEUDO_MAP_VALUE (2), imm = map index and the second slot's imm = the
 * byte offset. Each is also listed in the program's relocations.
 */
#ifndef BH_LOADER_OBJ_SPEC_H
#define BH_LOADER_OBJ_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bpfhost/isa.h>
#include "common/log.h"
#include "loader/btf.h"
#include "loader/btf_ext.h"

/* lddw pseudo sources and the pseudo call source (Linux UAPI values). */
#define BH_PSEUDO_MAP_FD 1
#define BH_PSEUDO_MAP_VALUE 2
#define BH_PSEUDO_CALL 1
#define BH_PSEUDO_FUNC 4

/* Map flags the loader sets on global-data maps (Linux UAPI values). */
#define BH_F_RDONLY_PROG (1u << 7)
#define BH_F_MMAPABLE (1u << 10)

/* Pinning values of BTF map definitions (libbpf's enum libbpf_pin_type). */
#define BH_PIN_NONE 0
#define BH_PIN_BY_NAME 1

enum bh_reloc_kind {
	BH_RELOC_MAP,	    /* lddw of a map: map */
	BH_RELOC_MAP_VALUE, /* lddw of global data: map + offset */
	BH_RELOC_CALL,	    /* bpf-to-bpf call: func, target (resolved) */
	BH_RELOC_FUNC_ADDR, /* lddw of a function address: func, target (resolved) */
};

struct bh_reloc {
	uint32_t insn; /* index in the program's final instruction array */
	enum bh_reloc_kind kind;
	uint32_t map;	 /* MAP, MAP_VALUE: index in spec->maps */
	uint32_t offset; /* MAP_VALUE: byte offset in the map value */
	uint32_t func;	 /* CALL, FUNC_ADDR: index in spec->funcs */
	uint32_t target; /* CALL, FUNC_ADDR: start of func in the final array */
};

/* Every function (STT_FUNC symbol) of every executable section. */
struct bh_func_spec {
	char *name;
	char *sec_name;
	uint32_t sec_idx;
	uint32_t sec_insn; /* first instruction in its section */
	uint32_t insn_cnt;
	bool global;
	bool is_text; /* in .text: a subprogram, never a program by itself */
};

/* Where one function sits in a program's final instruction array. */
struct bh_subprog {
	uint32_t func; /* index in spec->funcs */
	uint32_t start;
	uint32_t insn_cnt;
};

struct bh_prog_spec {
	char *name;	/* function name */
	char *sec_name; /* SEC() name, kept as is */
	uint32_t func;	/* index in spec->funcs */
	struct bpfhost_insn *insns;
	uint32_t insn_cnt;
	/* [0] is the program itself at 0, then the appended functions */
	struct bh_subprog *subprogs;
	uint32_t nr_subprogs;
	struct bh_reloc *relocs;
	uint32_t nr_relocs;
	/* remapped to insns; strings point into spec->btf */
	struct bh_btf_func_info *func_info;
	uint32_t nr_func_info;
	struct bh_btf_line_info *line_info;
	uint32_t nr_line_info;
};

enum bh_map_origin {
	BH_MAP_ORIGIN_BTF,    /* .maps */
	BH_MAP_ORIGIN_LEGACY, /* maps: struct bpf_map_def */
	BH_MAP_ORIGIN_DATA,   /* .data, .data.* */
	BH_MAP_ORIGIN_RODATA, /* .rodata, .rodata.* */
	BH_MAP_ORIGIN_BSS,    /* .bss */
	BH_MAP_ORIGIN_INNER,  /* inner definition of a map-in-map */
};

/* One `values` initialiser slot: a program (prog_array) or a map. */
struct bh_map_init {
	uint32_t slot;
	bool is_prog;
	uint32_t index; /* in spec->progs or spec->maps */
};

struct bh_map_spec {
	char *name;	/* variable name, or the internal name for global data */
	char *sec_name; /* ".maps", "maps", ".rodata", ... */
	enum bh_map_origin origin;
	uint32_t sec_idx;
	uint32_t sec_off; /* offset of the definition / data in its section */
	uint32_t type;	  /* enum bpf_map_type */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	uint32_t numa_node;
	uint64_t map_extra;
	uint32_t pinning; /* BH_PIN_* */
	uint32_t btf_key_type_id;
	uint32_t btf_value_type_id; /* DATASEC id for global data */
	uint32_t btf_var_id;	    /* VAR of the definition (BTF maps) */
	/* global data: initial value (value_size bytes, zeros for .bss) */
	uint8_t *data;
	/* map-in-map: definition of the inner maps (owned), NULL otherwise */
	struct bh_map_spec *inner;
	struct bh_map_init *init;
	uint32_t nr_init;
	uint32_t values_off; /* offset of `values` in the BTF definition */
};

struct bh_obj_spec {
	char *name; /* object name: file base name up to the first '.' */
	char *license;
	uint32_t kern_version;
	bool has_kern_version;
	struct bh_prog_spec *progs;
	uint32_t nr_progs;
	struct bh_map_spec *maps;
	uint32_t nr_maps;
	struct bh_func_spec *funcs;
	uint32_t nr_funcs;
	struct bh_btf *btf;	    /* NULL when the object has no .BTF */
	struct bh_btf_ext *btf_ext; /* NULL when it has no .BTF.ext */
};

/*
 * Parse an object. name is its file name or another label (used for the
 * object name and the names of global-data maps; may be NULL). On success
 * *out is set and 0 returned; warnings (legacy maps, ignored sections) may
 * be in log. On failure a negative errno (-EINVAL for a malformed or
 * unsupported object, -ENOTSUP for an unsupported feature, -ENOMEM) with the
 * problem, its section and offset in log; nothing is left allocated.
 */
int bh_obj_spec_open_mem(const void *data, size_t size, const char *name, struct bh_obj_spec **out,
			 struct bh_log *log);
void bh_obj_spec_free(struct bh_obj_spec *spec);

/* Lookup by name; NULL when absent. */
const struct bh_prog_spec *bh_obj_spec_find_prog(const struct bh_obj_spec *spec, const char *name);
const struct bh_map_spec *bh_obj_spec_find_map(const struct bh_obj_spec *spec, const char *name);

/*
 * The line_info record covering instruction insn of a program (the last one
 * at or before it within the same function), NULL when there is none.
 */
const struct bh_btf_line_info *bh_prog_spec_line(const struct bh_prog_spec *prog, uint32_t insn);

#endif /* BH_LOADER_OBJ_SPEC_H */
