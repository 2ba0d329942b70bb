/* SPDX-License-Identifier: MIT */
/*
 * PROG_ARRAY maps: slots holding program references, the targets of
 * bpf_tail_call. See prog_array.c.
 */
#ifndef BH_MAPS_PROG_ARRAY_H
#define BH_MAPS_PROG_ARRAY_H

#include <stdint.h>

struct bh_map;
struct bh_prog;

extern const struct bh_map_ops bh_prog_array_map_ops;

/* Program in slot index (NULL if empty or out of range); for tail calls. */
const struct bh_prog *bh_prog_array_get(struct bh_map *map, uint32_t index);
/*
 * Claim the array for programs of type_name (the first program that uses
 * it or is stored in it decides). -EINVAL if it belongs to another type.
 */
int bh_prog_array_set_owner(struct bh_map *map, const char *type_name, const char **owner);
/* User-space delete (waits for running invocations before dropping). */
int bh_prog_array_delete_user(struct bh_map *map, const void *key);
/* Empty every slot (last user fd closed). */
void bh_prog_array_clear(struct bh_map *map);

#endif /* BH_MAPS_PROG_ARRAY_H */
