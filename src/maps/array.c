/* SPDX-License-Identifier: MIT */
/*
 * ARRAY and PERCPU_ARRAY.
 *
 * The region holds max_entries values of value_stride bytes right after the
 * common header; a PERCPU_ARRAY holds ncpus such arrays, one per CPU, so a
 * CPU's values are contiguous. A lookup is a bounds check and a multiply.
 * Every element always exists: there is no per-element state and no lock.
 * Writes are word-wise relaxed atomics (see bh_map_copy_in), so values of
 * at most 8 bytes are never torn; larger values can be, as in Linux.
 */
#include <errno.h>
#include <string.h>

#include "maps/map.h"

#define ARRAY_DATA_OFF BH_MAP_HDR_SIZE

static bool is_percpu(const struct bh_map *map)
{
	return map->def.type == BPFHOST_MAP_TYPE_PERCPU_ARRAY;
}

static int array_check_def(const struct bh_map_def *def, struct bh_log *log)
{
	bool percpu = def->type == BPFHOST_MAP_TYPE_PERCPU_ARRAY;
	uint32_t vmax = percpu ? BH_MAP_MAX_PERCPU_VALUE_SIZE : BH_MAP_MAX_VALUE_SIZE;

	if (def->key_size != 4) {
		bh_map_log(log, def, "key_size %u: array keys are 4-byte indices", def->key_size);
		return -EINVAL;
	}
	if (!def->value_size) {
		bh_map_log(log, def, "value_size 0: must be at least 1");
		return -EINVAL;
	}
	if (def->value_size > vmax) {
		bh_map_log(log, def, "value_size %u: larger than the limit of %u bytes%s",
			   def->value_size, vmax, percpu ? " per CPU" : "");
		return -E2BIG;
	}
	if (!def->max_entries) {
		bh_map_log(log, def, "max_entries 0: must be at least 1");
		return -EINVAL;
	}
	if (def->map_flags & BPFHOST_F_NO_PREALLOC) {
		bh_map_log(log, def, "map_flags: F_NO_PREALLOC is not valid for arrays");
		return -EINVAL;
	}
	if (def->map_flags & BPFHOST_F_NO_COMMON_LRU) {
		bh_map_log(log, def, "map_flags: F_NO_COMMON_LRU is only valid for LRU hashes");
		return -EINVAL;
	}
	return 0;
}

static size_t array_region_size(const struct bh_map_def *def, unsigned ncpus)
{
	uint64_t stride = ((uint64_t)def->value_size + 7) & ~7ull;
	uint64_t n = (uint64_t)def->max_entries *
		     (def->type == BPFHOST_MAP_TYPE_PERCPU_ARRAY ? ncpus : 1);

	/* stride <= 1 MiB and n < 2^44: no overflow */
	return ARRAY_DATA_OFF + n * stride;
}

static inline char *slot(const struct bh_map *map, unsigned cpu, uint32_t idx)
{
	return (char *)map->region + ARRAY_DATA_OFF +
	       ((uint64_t)cpu * map->def.max_entries + idx) * map->value_stride;
}

static inline uint32_t key_index(const void *key)
{
	uint32_t idx;

	memcpy(&idx, key, sizeof(idx));
	return idx;
}

static void *array_lookup(struct bh_map *map, const void *key)
{
	uint32_t idx = key_index(key);

	if (idx >= map->def.max_entries)
		return NULL;
	return (char *)map->region + ARRAY_DATA_OFF + (uint64_t)idx * map->value_stride;
}

static void *percpu_array_lookup(struct bh_map *map, const void *key)
{
	uint32_t idx = key_index(key);

	if (idx >= map->def.max_entries)
		return NULL;
	return slot(map, bh_map_this_cpu(map), idx);
}

static int check_update(struct bh_map *map, uint32_t idx, uint64_t flags)
{
	if (!bh_map_update_flags_ok(flags))
		return -EINVAL;
	if (idx >= map->def.max_entries)
		return -E2BIG;
	if (flags == BPFHOST_NOEXIST)
		return -EEXIST; /* every element always exists */
	return 0;
}

static int array_update(struct bh_map *map, const void *key, const void *value, uint64_t flags)
{
	uint32_t idx = key_index(key);
	int err = check_update(map, idx, flags);

	if (err)
		return err;
	bh_map_copy_in(is_percpu(map) ? slot(map, bh_map_this_cpu(map), idx) : slot(map, 0, idx),
		       value, map->def.value_size);
	return 0;
}

static int array_update_user(struct bh_map *map, const void *key, const void *value, uint64_t flags)
{
	uint32_t idx;
	unsigned cpu;
	int err;

	if (!key || !value)
		return -EINVAL;
	idx = key_index(key);
	err = check_update(map, idx, flags);
	if (err)
		return err;
	if (!is_percpu(map)) {
		bh_map_copy_in(slot(map, 0, idx), value, map->def.value_size);
		return 0;
	}
	for (cpu = 0; cpu < map->ncpus; cpu++)
		bh_map_copy_in(slot(map, cpu, idx), (const char *)value + cpu * map->value_stride,
			       map->value_stride);
	return 0;
}

static int array_lookup_user(struct bh_map *map, const void *key, void *value, uint64_t flags)
{
	uint32_t idx;
	unsigned cpu;

	if (!key || !value || flags)
		return -EINVAL;
	idx = key_index(key);
	if (idx >= map->def.max_entries)
		return -ENOENT;
	if (!is_percpu(map)) {
		bh_map_copy_out(value, slot(map, 0, idx), map->def.value_size);
		return 0;
	}
	for (cpu = 0; cpu < map->ncpus; cpu++)
		bh_map_copy_out((char *)value + cpu * map->value_stride, slot(map, cpu, idx),
				map->value_stride);
	return 0;
}

static int array_delete(struct bh_map *map, const void *key)
{
	return -EINVAL;
}

static int array_get_next_key(struct bh_map *map, const void *key, void *next_key)
{
	uint32_t idx = key ? key_index(key) : UINT32_MAX, next;

	if (!next_key)
		return -EINVAL;
	if (idx >= map->def.max_entries) {
		next = 0;
	} else {
		if (idx == map->def.max_entries - 1)
			return -ENOENT;
		next = idx + 1;
	}
	memcpy(next_key, &next, sizeof(next));
	return 0;
}

static long array_for_each(struct bh_map *map,
			   long (*cb)(struct bh_map *map, const void *key, void *value, void *ctx),
			   void *ctx)
{
	unsigned cpu = is_percpu(map) ? bh_map_this_cpu(map) : 0;
	uint32_t idx;
	long n = 0;

	for (idx = 0; idx < map->def.max_entries; idx++) {
		uint32_t k = idx;

		n++;
		if (cb(map, &k, slot(map, cpu, idx), ctx))
			break;
	}
	return n;
}

const struct bh_map_ops bh_array_map_ops = {
	.check_def = array_check_def,
	.region_size = array_region_size,
	.lookup = array_lookup,
	.update = array_update,
	.delete = array_delete,
	.lookup_user = array_lookup_user,
	.update_user = array_update_user,
	.get_next_key = array_get_next_key,
	.for_each = array_for_each,
};

const struct bh_map_ops bh_percpu_array_map_ops = {
	.check_def = array_check_def,
	.region_size = array_region_size,
	.lookup = percpu_array_lookup,
	.update = array_update,
	.delete = array_delete,
	.lookup_user = array_lookup_user,
	.update_user = array_update_user,
	.get_next_key = array_get_next_key,
	.for_each = array_for_each,
};
