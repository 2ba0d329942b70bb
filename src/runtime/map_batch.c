/* SPDX-License-Identifier: MIT */
/*
 * Batch map operations: bpfhost_map_{lookup,lookup_and_delete,update,
 * delete}_batch, the kernel's generic batch algorithms on bpfhost maps.
 *
 * Each element goes through the public single-element call
 * (bpfhost_map_lookup_elem, ...), so a batch has exactly the semantics,
 * errnos and value layouts of the per-element API for every map type
 * (per-CPU slots, inner map fds and ids, program array fds). The batch
 * holds a map reference for the definition (key and value sizes) and to
 * refuse unsupported maps before touching anything.
 *
 * Lookups walk the map with get_next_key from the cursor (a key, see
 * bpfhost.h) and keep the last key walked as the next cursor. An element
 * that vanishes between get_next_key and its lookup is skipped, as the
 * kernel's generic lookup batch does. With lookup_and_delete the walked key
 * is gone at once, so the next step starts from the first remaining key
 * (get_next_key of a missing key), which is what lets a batch drain a hash
 * map.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "maps/map.h"
#include "runtime/runtime.h"

/* Bytes of one element in a values array. */
static size_t value_stride(const struct bh_map *map)
{
	switch (map->def.type) {
	case BPFHOST_MAP_TYPE_PERCPU_ARRAY:
	case BPFHOST_MAP_TYPE_PERCPU_HASH:
	case BPFHOST_MAP_TYPE_LRU_PERCPU_HASH:
		return (size_t)map->value_stride * map->ncpus;
	default:
		return map->def.value_size;
	}
}

/* Options and flags common to every batch call; messages to the print callback. */
static int check_opts(const char *who, const struct bpfhost_map_batch_opts *opts,
		      const uint32_t *count)
{
	struct bh_log log = BH_LOG_INIT;
	uint64_t elem_flags, flags;
	int err = 0;

	if (!BH_OPTS_VALID(opts, bpfhost_map_batch_opts, &log)) {
		err = -EINVAL;
		goto out;
	}
	elem_flags = BH_OPTS_GET(opts, elem_flags, 0);
	flags = BH_OPTS_GET(opts, flags, 0);
	if (elem_flags == BPFHOST_F_LOCK) {
		bh_logf(&log,
			"%s: elem_flags BPF_F_LOCK needs a bpf_spin_lock in the value, "
			"which bpfhost maps do not have\n",
			who);
		err = -EINVAL;
	} else if (elem_flags) {
		bh_logf(&log, "%s: elem_flags 0x%llx: only BPF_F_LOCK is defined for batches\n",
			who, (unsigned long long)elem_flags);
		err = -EINVAL;
	} else if (flags) {
		bh_logf(&log, "%s: flags 0x%llx: must be 0\n", who, (unsigned long long)flags);
		err = -EINVAL;
	} else if (!count) {
		bh_logf(&log, "%s: count is NULL\n", who);
		err = -EINVAL;
	}
out:
	bh_log_finish(&log, NULL, 0, NULL, BPFHOST_WARN);
	return err;
}

static int batch_lookup(const char *who, int fd, void *in_batch, void *out_batch, void *keys,
			void *values, uint32_t *count, const struct bpfhost_map_batch_opts *opts,
			bool del)
{
	unsigned char *k, *kbase = keys, *vbase = values, *prev = NULL;
	uint32_t max, cp = 0;
	struct bh_map *map;
	size_t ks, vs;
	bool walked = false;
	int err;

	err = check_opts(who, opts, count);
	if (err)
		return err;
	max = *count;
	*count = 0;
	map = bh_fd_map(fd, &err);
	if (!map)
		return err;
	ks = map->def.key_size;
	vs = value_stride(map);
	if (!ks || !map->ops->get_next_key ||
	    (del ? !map->ops->lookup_and_delete_user
		 : !map->ops->lookup_user && !map->ops->lookup)) {
		bh_pr(BPFHOST_WARN, "%s: map '%.*s' (%s) does not support it\n", who,
		      BH_MAP_NAME_LEN, map->def.name, bh_map_type_name(map->def.type));
		err = -EOPNOTSUPP;
		goto out;
	}
	if (!max)
		goto out;
	if (!keys || !values || !out_batch) {
		err = -EINVAL;
		goto out;
	}
	prev = malloc(ks);
	if (!prev) {
		err = -ENOMEM;
		goto out;
	}
	if (in_batch) {
		memcpy(prev, in_batch, ks);
		walked = true;
	}
	while (cp < max) {
		k = kbase + (size_t)cp * ks;
		err = bpfhost_map_get_next_key(fd, walked ? prev : NULL, k);
		if (err)
			break;
		memcpy(prev, k, ks);
		walked = true;
		if (del)
			err = bpfhost_map_lookup_and_delete_elem(fd, k, vbase + (size_t)cp * vs);
		else
			err = bpfhost_map_lookup_elem(fd, k, vbase + (size_t)cp * vs);
		if (err == -ENOENT) {
			err = 0; /* deleted meanwhile: skip it */
			continue;
		}
		if (err)
			break;
		cp++;
	}
	*count = cp;
	if (cp)
		memcpy(out_batch, prev, ks);
out:
	free(prev);
	bh_map_put(map);
	return err;
}

int bpfhost_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys, void *values,
			     uint32_t *count, const struct bpfhost_map_batch_opts *opts)
{
	return batch_lookup("map_lookup_batch", fd, in_batch, out_batch, keys, values, count, opts,
			    false);
}

int bpfhost_map_lookup_and_delete_batch(int fd, void *in_batch, void *out_batch, void *keys,
					void *values, uint32_t *count,
					const struct bpfhost_map_batch_opts *opts)
{
	return batch_lookup("map_lookup_and_delete_batch", fd, in_batch, out_batch, keys, values,
			    count, opts, true);
}

int bpfhost_map_update_batch(int fd, const void *keys, const void *values, uint32_t *count,
			     const struct bpfhost_map_batch_opts *opts)
{
	const unsigned char *kbase = keys, *vbase = values;
	struct bh_map *map;
	uint32_t max, cp;
	size_t ks, vs;
	int err;

	err = check_opts("map_update_batch", opts, count);
	if (err)
		return err;
	max = *count;
	*count = 0;
	map = bh_fd_map(fd, &err);
	if (!map)
		return err;
	ks = map->def.key_size;
	vs = value_stride(map);
	bh_map_put(map);
	if (!ks)
		return -EOPNOTSUPP;
	if (!max)
		return 0;
	if (!keys || !values)
		return -EINVAL;
	for (cp = 0; cp < max; cp++) {
		err = bpfhost_map_update_elem(fd, kbase + (size_t)cp * ks, vbase + (size_t)cp * vs,
					      BPFHOST_ANY);
		if (err)
			break;
	}
	*count = cp;
	return err;
}

int bpfhost_map_delete_batch(int fd, const void *keys, uint32_t *count,
			     const struct bpfhost_map_batch_opts *opts)
{
	const unsigned char *kbase = keys;
	struct bh_map *map;
	uint32_t max, cp;
	size_t ks;
	int err;

	err = check_opts("map_delete_batch", opts, count);
	if (err)
		return err;
	max = *count;
	*count = 0;
	map = bh_fd_map(fd, &err);
	if (!map)
		return err;
	ks = map->def.key_size;
	bh_map_put(map);
	if (!ks)
		return -EOPNOTSUPP;
	if (!max)
		return 0;
	if (!keys)
		return -EINVAL;
	for (cp = 0; cp < max; cp++) {
		err = bpfhost_map_delete_elem(fd, kbase + (size_t)cp * ks);
		if (err)
			break;
	}
	*count = cp;
	return err;
}
