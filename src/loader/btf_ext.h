/* SPDX-License-Identifier: MIT */
/*
 * .BTF.ext: per-section func_info, line_info and CO-RE relocation records.
 *
 * The records are decoded into host-order arrays grouped by ELF section
 * name, with instruction byte offsets turned into instruction indexes and
 * every string offset (file name, source line, CO-RE access string) resolved
 * against the BTF string section, so a disassembler or verifier can print
 * "file.c:12: x = y + 1;" for an instruction directly. The strings point
 * into the struct bh_btf given to bh_btf_ext_new(), which must outlive it.
 */
#ifndef BH_LOADER_BTF_EXT_H
#define BH_LOADER_BTF_EXT_H

#include <stdint.h>

#include "common/log.h"
#include "loader/btf.h"

struct bh_btf_func_info {
	uint32_t insn;	  /* instruction index in the section (or program) */
	uint32_t type_id; /* a BTF FUNC */
};

struct bh_btf_line_info {
	uint32_t insn;
	const char *file; /* never NULL */
	const char *line; /* source text of the line, never NULL (may be "") */
	uint32_t line_num;
	uint32_t col;
};

struct bh_btf_core_relo {
	uint32_t insn;
	uint32_t type_id;
	const char *access; /* access string, e.g. "0:1:2" */
	uint32_t kind;	    /* enum bpf_core_relo_kind */
};

struct bh_btf_ext_sec {
	const char *name; /* ELF section name */
	struct bh_btf_func_info *func;
	uint32_t nr_func;
	struct bh_btf_line_info *line;
	uint32_t nr_line;
	struct bh_btf_core_relo *core;
	uint32_t nr_core;
};

struct bh_btf_ext {
	struct bh_btf_ext_sec *secs;
	uint32_t nr_secs;
};

/*
 * Parse and validate a .BTF.ext blob against its BTF (string offsets,
 * FUNC type ids, ascending instruction offsets that are multiples of 8).
 * Returns NULL with errno set and the reason in log.
 */
struct bh_btf_ext *bh_btf_ext_new(const void *data, size_t size, const struct bh_btf *btf,
				  const char *what, struct bh_log *log);
void bh_btf_ext_free(struct bh_btf_ext *ext);
/* Records for one ELF section, NULL when there are none. */
const struct bh_btf_ext_sec *bh_btf_ext_sec_by_name(const struct bh_btf_ext *ext, const char *name);

#endif /* BH_LOADER_BTF_EXT_H */
