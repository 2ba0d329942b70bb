/* SPDX-License-Identifier: MIT */
/*
 * Whole ELF objects in the Linux kernel, for the kernel oracle tier.
 *
 * bh_kobj_load() instantiates a parsed object (struct bh_obj_spec, the
 * loader's runtime-independent view) in the kernel with raw bpf() calls, as
 * libbpf would without BTF: one kernel map per map spec (global data as a
 * single-entry array holding its initial bytes; .rodata* frozen), every
 * symbolic lddw patched to the kernel map (src 1: BPF_PSEUDO_MAP_FD with
 * the map fd; src 2: BPF_PSEUDO_MAP_VALUE with the fd and the offset), each
 * program loaded as XDP under the object's license, and prog_arrays filled
 * from their `values` initialisers. A program the kernel refuses does not
 * fail the object: its fd stays negative and its verifier reason is kept,
 * so accept/refuse can be compared with bpfhost's verifier.
 */
#ifndef BH_TESTS_KERNEL_OBJ_H
#define BH_TESTS_KERNEL_OBJ_H

#include <stddef.h>
#include <stdint.h>

#include "loader/obj_spec.h"

#define BH_KOBJ_REASON_SZ 240

struct bh_kobj {
	const struct bh_obj_spec *spec;
	int *map_fds;  /* spec->nr_maps, -errno for a map not created */
	int *prog_fds; /* spec->nr_progs, -errno for a program refused */
	/* per program: the last line of the verifier's log when refused */
	char (*reasons)[BH_KOBJ_REASON_SZ];
};

/*
 * Create the maps and load the programs of spec (which must outlive ko).
 * Returns 0 when every map exists (programs may still be refused: see
 * prog_fds), or a negative errno with a one-line reason in why; on failure
 * nothing stays open.
 */
int bh_kobj_load(struct bh_kobj *ko, const struct bh_obj_spec *spec, char *why, size_t why_sz);
/* Close every map and program; ko may be partly filled or zeroed. */
void bh_kobj_close(struct bh_kobj *ko);

/* Index of the map or program called name in the spec, -1 if none. */
int bh_kobj_map_index(const struct bh_kobj *ko, const char *name);
int bh_kobj_prog_index(const struct bh_kobj *ko, const char *name);

#endif /* BH_TESTS_KERNEL_OBJ_H */
