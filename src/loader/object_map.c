/* SPDX-License-Identifier: MIT */
/*
 * Maps of an object: creation at load (BTF-defined, legacy, global data,
 * maps of maps), pinning by name, `values` initialisers, and the map
 * accessors and element calls with libbpf's size checks.
 *
 * Pinning: a map with a pin path lives in a file-backed shared region at
 * that path (bh_map_create): the first loader creates the file, later ones
 * (other processes, a later run) attach to it when the definition matches,
 * and are refused with a message naming the differing attribute when it
 * does not. The pin directory is created when missing. A load that fails
 * removes the files it created itself and leaves attached ones alone;
 * closing an object never removes pinned files (that is what pinning is
 * for). Prog arrays and maps of maps hold references to objects of this
 * process, so they cannot be pinned.
 *
 * The runtime's map keeps the first 15 characters of the name, characters
 * other than letters, digits, '_' and '.' replaced by '_' (libbpf does
 * the same for kernel map names); the object keeps the full name.
 *
 * Global data maps get BPF_F_RDONLY_PROG for .rodata* and their initial
 * bytes (replaceable with __set_initial_value before load); the spec's
 * BPF_F_MMAPABLE is dropped (bpfhost regions need no mmap flag).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/object.h"
#include "maps/map.h"
#include "maps/map_in_map.h"
#include "runtime/runtime.h"

void bh_object_map_def(const struct bh_map_spec *ms, struct bh_map_def *def)
{
	size_t n = strlen(ms->name), i;

	memset(def, 0, sizeof(*def));
	def->type = ms->type;
	def->key_size = ms->key_size;
	def->value_size = ms->value_size;
	def->max_entries = ms->max_entries;
	def->map_flags = ms->map_flags;
	if (ms->origin == BH_MAP_ORIGIN_DATA || ms->origin == BH_MAP_ORIGIN_RODATA ||
	    ms->origin == BH_MAP_ORIGIN_BSS)
		def->map_flags &= ~BH_F_MMAPABLE;
	if (n >= BH_MAP_NAME_LEN)
		n = BH_MAP_NAME_LEN - 1;
	memcpy(def->name, ms->name, n);
	/* as libbpf does for kernel names: e.g. "my-obj.rodata" -> "my_obj.rodata" */
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)def->name[i]) && def->name[i] != '_' &&
		    def->name[i] != '.')
			def->name[i] = '_';
}

static const char *map_what(const struct bh_map_spec *ms)
{
	switch (ms->origin) {
	case BH_MAP_ORIGIN_LEGACY:
		return "legacy map";
	case BH_MAP_ORIGIN_DATA:
	case BH_MAP_ORIGIN_RODATA:
	case BH_MAP_ORIGIN_BSS:
		return "global data map";
	default:
		return "map";
	}
}

/* mkdir -p of the directory part of path. */
static int make_parent_dir(const char *path, struct bh_log *log)
{
	char *dir = strdup(path), *p;
	int err = 0;

	if (!dir)
		return -ENOMEM;
	p = strrchr(dir, '/');
	if (!p || p == dir) {
		free(dir);
		return 0;
	}
	*p = '\0';
	for (p = dir + 1; !err; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST) {
			err = -errno;
			bh_logf(log, "cannot create pin directory '%s': %s\n", dir,
				strerror(errno));
		}
		*p = c;
		if (!c)
			break;
	}
	free(dir);
	return err;
}

/* Append a sub-log's text to log, each line prefixed. */
static void log_prefixed(struct bh_log *log, const char *prefix, struct bh_log *sub)
{
	const char *t = bh_log_text(sub), *nl;

	while (*t) {
		nl = strchr(t, '\n');
		if (!nl) {
			bh_logf(log, "%s%s\n", prefix, t);
			break;
		}
		bh_logf(log, "%s%.*s\n", prefix, (int)(nl - t), t);
		t = nl + 1;
	}
	bh_log_free(sub);
}

static int create_region(struct bpfhost_map *m, const struct bh_map_def *def, struct bh_map **out,
			 struct bh_log *log)
{
	const struct bh_map_spec *ms = m->spec;
	bool created = false;
	int err;

	if (bh_map_type_is_mim(ms->type)) {
		struct bh_map_def tdef;

		if (m->pin_path) {
			bh_logf(log,
				"holds maps of this process and cannot be pinned (pin path %s)\n",
				m->pin_path);
			return -EINVAL;
		}
		if (!ms->inner) {
			bh_logf(log, "map of maps without an inner map definition\n");
			return -EINVAL;
		}
		bh_object_map_def(ms->inner, &tdef);
		return bh_mim_create(def, &tdef, out, log);
	}
	if (m->pin_path && ms->type == BPFHOST_MAP_TYPE_PROG_ARRAY) {
		bh_logf(log, "holds programs of this process and cannot be pinned (pin path %s)\n",
			m->pin_path);
		return -EINVAL;
	}
	if (m->pin_path) {
		err = make_parent_dir(m->pin_path, log);
		if (err)
			return err;
	}
	err = bh_map_create(def, m->pin_path, out, &created, log);
	if (!err && m->pin_path) {
		m->pin_created = created;
		m->pin_attached = !created;
	}
	return err;
}

int bh_object_create_map(struct bpfhost_object *obj, uint32_t i, struct bh_log *log)
{
	struct bpfhost_map *m = &obj->maps[i];
	const struct bh_map_spec *ms = m->spec;
	struct bh_log sub = BH_LOG_INIT;
	struct bh_map_def def;
	struct bh_map *map = NULL;
	char prefix[160];
	uint32_t zero = 0;
	int err, fd;

	snprintf(prefix, sizeof(prefix), "%s '%s' (section '%s'): ", map_what(ms), ms->name,
		 ms->sec_name);
	bh_object_map_def(ms, &def);
	err = create_region(m, &def, &map, &sub);
	if (err) {
		if (!sub.len)
			bh_logf(&sub, "cannot create: %s\n", strerror(-err));
		log_prefixed(log, prefix, &sub);
		return err;
	}
	bh_log_free(&sub);
	bh_map_get(map);
	fd = bh_fd_install(obj->rt, BH_FD_MAP, map);
	if (fd < 0) {
		bh_logf(log, "%sno free bpfhost fd\n", prefix);
		bh_map_put(map);
		m->ref = map;
		bh_object_map_unload(m, true);
		return fd;
	}
	m->ref = map;
	m->fd = fd;
	if (m->init_value && !m->pin_attached) {
		err = bpfhost_map_update_elem(fd, &zero, m->init_value, BPFHOST_ANY);
		if (err) {
			bh_logf(log, "%scannot store the initial value: %s\n", prefix,
				strerror(-err));
			return err;
		}
	}
	return 0;
}

void bh_object_map_unload(struct bpfhost_map *m, bool unpin_created)
{
	struct bh_map *cur;
	int err;

	if (m->fd >= 0) {
		cur = bh_fd_map(m->fd, &err);
		if (cur == m->ref)
			bpfhost_close(m->fd);
		if (cur)
			bh_map_put(cur);
	}
	if (m->ref)
		bh_map_put(m->ref);
	if (unpin_created && m->pin_created && m->pin_path)
		unlink(m->pin_path);
	m->ref = NULL;
	m->fd = -1;
	m->pin_created = m->pin_attached = false;
}

/* Store fd value_fd in slot of map i (prog_array or map of maps). */
static int init_slot(struct bpfhost_object *obj, struct bpfhost_map *m,
		     const struct bh_map_init *in, int value_fd, const char *what,
		     struct bh_log *log)
{
	uint32_t v = (uint32_t)value_fd;
	int err;

	if (m->spec->key_size != 4) {
		bh_logf(log,
			"map '%s' (section '%s'): `values` initialisers need 4-byte keys, the map "
			"has key_size %u\n",
			m->spec->name, m->spec->sec_name, m->spec->key_size);
		return -EINVAL;
	}
	err = bpfhost_map_update_elem(m->fd, &in->slot, &v, BPFHOST_ANY);
	if (err)
		bh_logf(log, "map '%s' (section '%s'): `values` slot %u: cannot store %s: %s\n",
			m->spec->name, m->spec->sec_name, in->slot, what, strerror(-err));
	return err;
}

int bh_object_init_map_slots(struct bpfhost_object *obj, uint32_t i, struct bh_log *log)
{
	struct bpfhost_map *m = &obj->maps[i];
	uint32_t k;
	int err;

	if (!bh_map_type_is_mim(m->spec->type))
		return 0;
	for (k = 0; k < m->spec->nr_init; k++) {
		const struct bh_map_init *in = &m->spec->init[k];
		char what[96];

		if (in->is_prog || in->index >= obj->spec->nr_maps || obj->maps[in->index].fd < 0) {
			bh_logf(log,
				"map '%s' (section '%s'): `values` slot %u does not refer to a map "
				"of the object\n",
				m->spec->name, m->spec->sec_name, in->slot);
			return -EINVAL;
		}
		snprintf(what, sizeof(what), "map '%s'", obj->spec->maps[in->index].name);
		err = init_slot(obj, m, in, obj->maps[in->index].fd, what, log);
		if (err)
			return err;
	}
	return 0;
}

int bh_object_init_prog_slots(struct bpfhost_object *obj, uint32_t i, struct bh_log *log)
{
	struct bpfhost_map *m = &obj->maps[i];
	uint32_t k;
	int err;

	if (m->spec->type != BPFHOST_MAP_TYPE_PROG_ARRAY)
		return 0;
	for (k = 0; k < m->spec->nr_init; k++) {
		const struct bh_map_init *in = &m->spec->init[k];
		char what[96];

		if (!in->is_prog || in->index >= obj->spec->nr_progs ||
		    obj->progs[in->index].fd < 0) {
			bh_logf(log,
				"map '%s' (section '%s'): `values` slot %u does not refer to a "
				"loaded program of the object\n",
				m->spec->name, m->spec->sec_name, in->slot);
			return -EINVAL;
		}
		snprintf(what, sizeof(what), "program '%s'", obj->spec->progs[in->index].name);
		err = init_slot(obj, m, in, obj->progs[in->index].fd, what, log);
		if (err)
			return err;
	}
	return 0;
}

/* ---- accessors ---- */

int bpfhost_map__fd(const struct bpfhost_map *map)
{
	if (!map || map->fd < 0)
		return -EINVAL;
	return map->fd;
}

const char *bpfhost_map__name(const struct bpfhost_map *map)
{
	if (!map) {
		errno = EINVAL;
		return NULL;
	}
	return map->spec->name;
}

enum bpfhost_map_type bpfhost_map__type(const struct bpfhost_map *map)
{
	return map ? (enum bpfhost_map_type)map->spec->type : BPFHOST_MAP_TYPE_UNSPEC;
}

uint32_t bpfhost_map__key_size(const struct bpfhost_map *map)
{
	return map ? map->spec->key_size : 0;
}

uint32_t bpfhost_map__value_size(const struct bpfhost_map *map)
{
	return map ? map->spec->value_size : 0;
}

uint32_t bpfhost_map__max_entries(const struct bpfhost_map *map)
{
	return map ? map->spec->max_entries : 0;
}

uint32_t bpfhost_map__map_flags(const struct bpfhost_map *map)
{
	struct bh_map_def def;

	if (!map)
		return 0;
	bh_object_map_def(map->spec, &def);
	return def.map_flags;
}

const char *bpfhost_map__pin_path(const struct bpfhost_map *map)
{
	if (!map || !map->pin_path) {
		errno = map ? ENOENT : EINVAL;
		return NULL;
	}
	return map->pin_path;
}

int bpfhost_map__set_pin_path(struct bpfhost_map *map, const char *path)
{
	char *p = NULL;

	if (!map || (path && !*path))
		return -EINVAL;
	if (map->obj->loaded || map->obj->load_failed)
		return -EBUSY;
	if (path) {
		p = strdup(path);
		if (!p)
			return -ENOMEM;
	}
	free(map->pin_path);
	map->pin_path = p;
	return 0;
}

const void *bpfhost_map__initial_value(const struct bpfhost_map *map, size_t *size)
{
	if (!map || !map->init_value) {
		errno = map ? ENOENT : EINVAL;
		return NULL;
	}
	if (size)
		*size = map->spec->value_size;
	return map->init_value;
}

int bpfhost_map__set_initial_value(struct bpfhost_map *map, const void *data, size_t size)
{
	if (!map || !data)
		return -EINVAL;
	if (!map->init_value) {
		bh_rt_pr(map->obj->rt, BPFHOST_WARN,
			 "map '%s': set_initial_value: only global data maps have one\n",
			 map->spec->name);
		return -EINVAL;
	}
	if (map->obj->loaded || map->obj->load_failed)
		return -EBUSY;
	if (size != map->spec->value_size) {
		bh_rt_pr(map->obj->rt, BPFHOST_WARN,
			 "map '%s': set_initial_value: size %zu, the value is %u bytes\n",
			 map->spec->name, size, map->spec->value_size);
		return -EINVAL;
	}
	memcpy(map->init_value, data, size);
	return 0;
}

/* ---- element calls ---- */

static bool is_percpu(uint32_t type)
{
	return type == BPFHOST_MAP_TYPE_PERCPU_ARRAY || type == BPFHOST_MAP_TYPE_PERCPU_HASH ||
	       type == BPFHOST_MAP_TYPE_LRU_PERCPU_HASH;
}

/* libbpf's checks: loaded, key size, value size (per-CPU aware). */
static int check_sizes(const struct bpfhost_map *map, const char *op, size_t key_sz,
		       size_t value_sz, bool has_value)
{
	const struct bh_map_spec *ms;
	size_t want;

	if (!map)
		return -EINVAL;
	ms = map->spec;
	if (map->fd < 0) {
		bh_rt_pr(map->obj->rt, BPFHOST_WARN, "map '%s': %s: the map is not loaded\n",
			 ms->name, op);
		return -EINVAL;
	}
	if (key_sz != ms->key_size) {
		bh_rt_pr(map->obj->rt, BPFHOST_WARN,
			 "map '%s': %s: key size %zu, the map's key_size is %u\n", ms->name, op,
			 key_sz, ms->key_size);
		return -EINVAL;
	}
	if (!has_value)
		return 0;
	want = ms->value_size;
	if (is_percpu(ms->type))
		want = (((size_t)ms->value_size + 7) & ~(size_t)7) * bh_map_ncpus();
	if (value_sz != want) {
		bh_rt_pr(map->obj->rt, BPFHOST_WARN,
			 "map '%s': %s: value size %zu, expected %zu%s\n", ms->name, op, value_sz,
			 want,
			 is_percpu(ms->type) ? " (per-CPU: round_up(value_size, 8) * possible CPUs)"
					     : "");
		return -EINVAL;
	}
	return 0;
}

int bpfhost_map__lookup_elem(const struct bpfhost_map *map, const void *key, size_t key_sz,
			     void *value, size_t value_sz, uint64_t flags)
{
	int err = check_sizes(map, "lookup_elem", key_sz, value_sz, true);

	return err ? err : bpfhost_map_lookup_elem_flags(map->fd, key, value, flags);
}

int bpfhost_map__update_elem(const struct bpfhost_map *map, const void *key, size_t key_sz,
			     const void *value, size_t value_sz, uint64_t flags)
{
	int err = check_sizes(map, "update_elem", key_sz, value_sz, true);

	return err ? err : bpfhost_map_update_elem(map->fd, key, value, flags);
}

int bpfhost_map__delete_elem(const struct bpfhost_map *map, const void *key, size_t key_sz,
			     uint64_t flags)
{
	int err = check_sizes(map, "delete_elem", key_sz, 0, false);

	if (err)
		return err;
	if (flags) {
		bh_rt_pr(map->obj->rt, BPFHOST_WARN,
			 "map '%s': delete_elem: flags 0x%llx: no flags are defined\n",
			 map->spec->name, (unsigned long long)flags);
		return -EINVAL;
	}
	return bpfhost_map_delete_elem(map->fd, key);
}

int bpfhost_map__lookup_and_delete_elem(const struct bpfhost_map *map, const void *key,
					size_t key_sz, void *value, size_t value_sz, uint64_t flags)
{
	int err = check_sizes(map, "lookup_and_delete_elem", key_sz, value_sz, true);

	if (err)
		return err;
	if (flags) {
		bh_rt_pr(map->obj->rt, BPFHOST_WARN,
			 "map '%s': lookup_and_delete_elem: flags 0x%llx: no flags are "
			 "supported\n",
			 map->spec->name, (unsigned long long)flags);
		return -EINVAL;
	}
	return bpfhost_map_lookup_and_delete_elem(map->fd, key, value);
}

int bpfhost_map__get_next_key(const struct bpfhost_map *map, const void *cur_key, void *next_key,
			      size_t key_sz)
{
	int err = check_sizes(map, "get_next_key", key_sz, 0, false);

	return err ? err : bpfhost_map_get_next_key(map->fd, cur_key, next_key);
}
