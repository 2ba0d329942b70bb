/* SPDX-License-Identifier: MIT */
/*
 * Map API: bpfhost_map_* over the internal map objects (src/maps).
 *
 * Creation checks what only the API knows (name, options, prog arrays not
 * being shareable between processes) and hands the definition to
 * bh_map_create, which checks the rest and writes messages to the log.
 * Element calls resolve the fd (taking a reference for the duration of the
 * call) and use the user view of the map type: values are copied in and
 * out, per-CPU maps transfer one 8-byte-aligned slot per possible CPU.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "maps/map.h"
#include "maps/map_in_map.h"
#include "maps/prog_array.h"
#include "runtime/map_in_map.h"
#include "runtime/runtime.h"

static int check_name(const char *name, struct bh_log *log)
{
	size_t i, n;

	if (!name)
		return 0;
	n = strlen(name);
	if (n >= BH_MAP_NAME_LEN) {
		bh_logf(log, "map name '%s' is longer than %d characters\n", name,
			BH_MAP_NAME_LEN - 1);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' && name[i] != '.') {
			bh_logf(log,
				"map name '%s': character %zu is not a letter, digit, '_' or '.'\n",
				name, i);
			return -EINVAL;
		}
	}
	return 0;
}

int bpfhost_map_create(struct bpfhost *rt, enum bpfhost_map_type type, const char *name,
		       uint32_t key_size, uint32_t value_size, uint32_t max_entries,
		       struct bpfhost_map_create_opts *opts)
{
	struct bh_log log = BH_LOG_INIT;
	struct bh_map_def def = { 0 };
	const char *path;
	struct bh_map *map = NULL;
	int err, lerr, fd = 0;

	if (!BH_OPTS_VALID(opts, bpfhost_map_create_opts, &log)) {
		err = -EINVAL;
		goto out;
	}
	if (!rt) {
		bh_logf(&log, "bpfhost_map_create: no runtime instance\n");
		err = -EINVAL;
		goto out;
	}
	err = check_name(name, &log);
	if (err)
		goto out;
	if (BH_OPTS_GET(opts, inner_map_fd, 0) && !bh_map_type_is_mim(type)) {
		bh_logf(&log, "map '%s': inner_map_fd is only for map-in-map types\n",
			name ? name : "");
		err = -EINVAL;
		goto out;
	}
	path = BH_OPTS_GET(opts, pin_path, NULL);
	if (path && type == BPFHOST_MAP_TYPE_PROG_ARRAY) {
		bh_logf(&log,
			"map '%s' (prog_array): holds programs of this process and cannot live in "
			"a shared region (pin_path %s)\n",
			name ? name : "", path);
		err = -EINVAL;
		goto out;
	}
	def.type = (uint32_t)type;
	def.key_size = key_size;
	def.value_size = value_size;
	def.max_entries = max_entries;
	def.map_flags = BH_OPTS_GET(opts, map_flags, 0);
	if (name)
		memcpy(def.name, name, strlen(name));
	if (bh_map_type_is_mim(def.type)) {
		fd = bh_mim_create_fd(rt, &def, BH_OPTS_GET(opts, inner_map_fd, 0), path, &log);
		err = fd < 0 ? fd : 0;
		goto out;
	}
	err = bh_map_create(&def, path, &map, NULL, &log);
	if (err)
		goto out;
	fd = bh_fd_install(rt, BH_FD_MAP, map);
	if (fd < 0) {
		bh_logf(&log, "map '%s': no free bpfhost fd\n", def.name);
		bh_map_put(map);
		err = fd;
	}
out:
	lerr = bh_rt_log_finish(
		rt, &log, BH_OPTS_GET(opts, log_buf, NULL), BH_OPTS_GET(opts, log_size, 0),
		BH_OPTS_HAS(opts, log_true_size) ? &opts->log_true_size : NULL, BPFHOST_WARN);
	if (err)
		return err;
	if (lerr) {
		bpfhost_close(fd);
		return lerr;
	}
	return fd;
}

/* Resolve fd; check key/value pointers the map needs. */
static struct bh_map *get_map(int fd, const void *key, const void *value, bool need_value, int *err)
{
	struct bh_map *map = bh_fd_map(fd, err);

	if (!map)
		return NULL;
	if ((!key && map->def.key_size) || (need_value && !value)) {
		bh_map_put(map);
		*err = -EINVAL;
		return NULL;
	}
	return map;
}

static bool is_percpu(uint32_t type)
{
	return type == BPFHOST_MAP_TYPE_PERCPU_ARRAY || type == BPFHOST_MAP_TYPE_PERCPU_HASH ||
	       type == BPFHOST_MAP_TYPE_LRU_PERCPU_HASH;
}

int bpfhost_map_lookup_elem_flags(int fd, const void *key, void *value, uint64_t flags)
{
	struct bh_map *map;
	int err;

	map = get_map(fd, key, value, true, &err);
	if (!map)
		return err;
	if (map->ops->lookup_user) {
		err = map->ops->lookup_user(map, key, value, flags);
	} else if (map->ops->lookup && !is_percpu(map->def.type)) {
		void *v = flags ? NULL : map->ops->lookup(map, key);

		err = flags ? -EINVAL : v ? 0 : -ENOENT;
		if (v)
			bh_map_copy_out(value, v, map->def.value_size);
	} else {
		err = -EOPNOTSUPP;
	}
	bh_map_put(map);
	return err;
}

int bpfhost_map_lookup_elem(int fd, const void *key, void *value)
{
	return bpfhost_map_lookup_elem_flags(fd, key, value, 0);
}

int bpfhost_map_update_elem(int fd, const void *key, const void *value, uint64_t flags)
{
	struct bh_map *map;
	int err;

	map = get_map(fd, key, value, true, &err);
	if (!map)
		return err;
	if (map->ops->update_user)
		err = map->ops->update_user(map, key, value, flags);
	else if (map->ops->update && !is_percpu(map->def.type))
		err = map->ops->update(map, key, value, flags);
	else
		err = -EOPNOTSUPP;
	bh_map_put(map);
	return err;
}

int bpfhost_map_delete_elem(int fd, const void *key)
{
	struct bh_map *map;
	int err;

	map = get_map(fd, key, NULL, false, &err);
	if (!map)
		return err;
	if (map->def.type == BPFHOST_MAP_TYPE_PROG_ARRAY)
		err = bh_prog_array_delete_user(map, key);
	else
		err = map->ops->delete ? map->ops->delete (map, key) : -EOPNOTSUPP;
	bh_map_put(map);
	return err;
}

int bpfhost_map_lookup_and_delete_elem(int fd, const void *key, void *value)
{
	struct bh_map *map;
	int err;

	map = get_map(fd, key, value, true, &err);
	if (!map)
		return err;
	err = map->ops->lookup_and_delete_user ? map->ops->lookup_and_delete_user(map, key, value)
					       : -EOPNOTSUPP;
	bh_map_put(map);
	return err;
}

int bpfhost_map_get_next_key(int fd, const void *key, void *next_key)
{
	struct bh_map *map;
	int err;

	map = bh_fd_map(fd, &err);
	if (!map)
		return err;
	if (!next_key)
		err = -EINVAL;
	else
		err = map->ops->get_next_key ? map->ops->get_next_key(map, key, next_key)
					     : -EOPNOTSUPP;
	bh_map_put(map);
	return err;
}
