/* SPDX-License-Identifier: MIT */
/*
 * ARRAY_OF_MAPS and HASH_OF_MAPS: maps whose values are references to other
 * maps of this process. See map_in_map.c for the design; the runtime side
 * (fd translation, creation with an inner map template) is in
 * src/runtime/map_in_map.c.
 */
#ifndef BH_MAPS_MAP_IN_MAP_H
#define BH_MAPS_MAP_IN_MAP_H

#include <stdbool.h>
#include <stdint.h>

#include <bpfhost/bpfhost.h>
#include "common/log.h"

struct bh_map;
struct bh_map_def;

extern const struct bh_map_ops bh_array_of_maps_map_ops;
extern const struct bh_map_ops bh_hash_of_maps_map_ops;

/*
 * Linux's BPF_F_INNER_MAP: set on an inner map template (and its inner
 * maps), max_entries is not compared. (Not yet a public BPFHOST_F_* flag.)
 */
#define BH_F_INNER_MAP (1u << 12)

static inline bool bh_map_type_is_mim(uint32_t type)
{
	return type == BPFHOST_MAP_TYPE_ARRAY_OF_MAPS || type == BPFHOST_MAP_TYPE_HASH_OF_MAPS;
}

/*
 * Create an outer map (anonymous memory only) whose inner maps must match
 * the definition tmpl (the inner map template). Messages name the problem.
 */
int bh_mim_create(const struct bh_map_def *def, const struct bh_map_def *tmpl, struct bh_map **out,
		  struct bh_log *log);

/*
 * Can def be stored in an outer map with template tmpl? 0, or -EINVAL with
 * a message naming the first differing attribute (outer: the outer map's
 * definition, for the message).
 */
int bh_mim_template_check(const struct bh_map_def *outer, const struct bh_map_def *tmpl,
			  const struct bh_map_def *def, struct bh_log *log);

/* Can a map of this definition serve as an inner map template? 0 or -errno. */
int bh_mim_template_ok(const struct bh_map_def *tmpl, struct bh_log *log);

/*
 * Store inner at key (user view; Linux flags). The outer map takes its own
 * reference; the caller keeps its one. A replaced map is released after a
 * grace period. Must not be called from inside an invocation.
 */
int bh_mim_update(struct bh_map *outer, const void *key, struct bh_map *inner, uint64_t flags,
		  struct bh_log *log);

/* The inner map template recorded at creation. */
const struct bh_map_def *bh_mim_template(const struct bh_map *outer);

/*
 * Process-wide map ids (what user lookups return, as Linux returns
 * bpf_map_info.id): a map gets an id when it is first stored in an outer
 * map and keeps it while any outer map slot holds it.
 */
uint32_t bh_mim_map_id(const struct bh_map *map);

/* ---- provided by the runtime (src/runtime/map_in_map.c) ---- */

/* Map of a bpfhost map fd with a reference taken, or NULL + *err. */
struct bh_map *bh_mim_fd_to_map(uint32_t fd, int *err);
/* Is the calling thread inside an invocation (where no grace period may be awaited)? */
bool bh_mim_in_invocation(void);
/* Wait until every invocation in flight has returned. */
void bh_mim_synchronize(void);

#endif /* BH_MAPS_MAP_IN_MAP_H */
