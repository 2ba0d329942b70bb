/* SPDX-License-Identifier: MIT */
/*
 * Map helpers: bpf_map_lookup/update/delete_elem and
 * bpf_map_push/pop/peek_elem (bpf_for_each_map_elem is in callbacks.c).
 *
 * A map argument arrives as a struct bh_map pointer (the loader resolved
 * the lddw map reference); the helpers dispatch to the map type's
 * program-view operations, which implement Linux's semantics and errnos.
 * An operation the type does not have answers like Linux's runtime would if
 * the verifier had let the call through: NULL for a lookup, -EOPNOTSUPP
 * otherwise. A NULL map (only possible without the verifier) gives -EINVAL.
 */
#include <errno.h>

#include "helpers/helpers.h"
#include "maps/map.h"

#define MAP(r) ((struct bh_map *)(uintptr_t)(r))
#define PTR(r) ((void *)(uintptr_t)(r))

BH_HELPER(map_lookup_elem)
{
	struct bh_map *map = MAP(r1);

	if (!map || !map->ops->lookup)
		return 0;
	return (uint64_t)(uintptr_t)map->ops->lookup(map, PTR(r2));
}

BH_HELPER(map_update_elem)
{
	struct bh_map *map = MAP(r1);

	if (!map)
		return (uint64_t)-EINVAL;
	if (!map->ops->update)
		return (uint64_t)-EOPNOTSUPP;
	return (uint64_t)(int64_t)map->ops->update(map, PTR(r2), PTR(r3), r4);
}

BH_HELPER(map_delete_elem)
{
	struct bh_map *map = MAP(r1);

	if (!map)
		return (uint64_t)-EINVAL;
	if (!map->ops->delete)
		return (uint64_t)-EOPNOTSUPP;
	return (uint64_t)(int64_t)map->ops->delete (map, PTR(r2));
}

BH_HELPER(map_push_elem)
{
	struct bh_map *map = MAP(r1);

	if (!map)
		return (uint64_t)-EINVAL;
	if (!map->ops->push)
		return (uint64_t)-EOPNOTSUPP;
	return (uint64_t)(int64_t)map->ops->push(map, PTR(r2), r3);
}

BH_HELPER(map_pop_elem)
{
	struct bh_map *map = MAP(r1);

	if (!map)
		return (uint64_t)-EINVAL;
	if (!map->ops->pop)
		return (uint64_t)-EOPNOTSUPP;
	return (uint64_t)(int64_t)map->ops->pop(map, PTR(r2));
}

BH_HELPER(map_peek_elem)
{
	struct bh_map *map = MAP(r1);

	if (!map)
		return (uint64_t)-EINVAL;
	if (!map->ops->peek)
		return (uint64_t)-EOPNOTSUPP;
	return (uint64_t)(int64_t)map->ops->peek(map, PTR(r2));
}
