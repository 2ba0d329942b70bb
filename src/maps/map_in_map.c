/* SPDX-License-Identifier: MIT */
/*
 * ARRAY_OF_MAPS (12) and HASH_OF_MAPS (13): maps whose values are other
 * maps, with Linux's semantics.
 *
 * An outer map is created with an inner map *template* (Linux: the map
 * given as inner_map_fd). Its definition is recorded; a map stored later
 * must have the same type, key_size, value_size, map_flags and, unless the
 * template has BPF_F_INNER_MAP, max_entries (-EINVAL otherwise, with a
 * message naming the attribute). Nesting is one level deep, as in Linux:
 * a map-in-map cannot be a template.
 *
 * Views:
 *  - user space stores an inner map *fd* (value_size is 4) and reads back
 *    the inner map's id (bh_mim_map_id), as Linux does;
 *  - programs look up a struct bh_map pointer, usable as the map argument
 *    of further helpers. Programs cannot update or delete elements (Linux's
 *    verifier refuses both): update has no program op, and delete called
 *    from inside an invocation answers -EOPNOTSUPP.
 *
 * Storage: the references are process-local, so they live in map->priv
 * (the region holds only the common header, and the runtime refuses a pin
 * path): an array of map pointers for ARRAY_OF_MAPS; for HASH_OF_MAPS a
 * private HASH map (same key, 8-byte values holding the pointer) that
 * provides Linux's hash semantics (-E2BIG when full, get_next_key order).
 *
 * Concurrency: writers (user updates and deletes) serialise on the outer
 * map's mutex. A pointer is published with a release store and read by
 * programs with an acquire load; a new hash element is inserted holding 0
 * (a lookup meanwhile finds no map) and then receives its pointer. (As
 * with Linux's preallocated hash maps, a program racing with a delete may
 * read the slot of an element just reused for another key: it then gets
 * that key's map, which is just as valid.) A replaced or removed inner
 * map is released only after a grace period (every invocation in flight
 * has returned), so a program that looked it up keeps a valid map for the
 * rest of its run; user lookups read the slot under the mutex.
 *
 * Creation passes the template to check_def/open through a thread-local
 * pointer set only by bh_mim_create for the duration of bh_map_create: any
 * other creation path finds no template and is refused.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "maps/map.h"
#include "maps/map_in_map.h"

#define MIM_MAX_ARRAY (1u << 24)

struct mim {
	pthread_mutex_t lock; /* writers */
	struct bh_map_def tmpl;
	struct bh_map *store;  /* HASH_OF_MAPS: key -> u64 map pointer */
	struct bh_map *slot[]; /* ARRAY_OF_MAPS */
};

static __thread const struct bh_map_def *pending_tmpl;

static struct mim *mim(const struct bh_map *map)
{
	return map->priv;
}

static bool is_hash(const struct bh_map *map)
{
	return map->def.type == BPFHOST_MAP_TYPE_HASH_OF_MAPS;
}

/* ---- map ids ---- */

/*
 * Open-addressing table map pointer -> {id, number of outer slots holding
 * it}; an entry goes when its count drops to 0. Ids count up from 1
 * (skipping 0) and are not reused before the counter wraps.
 */
struct id_ent {
	const struct bh_map *map;
	uint32_t id;
	uint32_t refs;
};

static pthread_mutex_t id_lock = PTHREAD_MUTEX_INITIALIZER;
static struct id_ent *id_tab;
static size_t id_cap, id_cnt;
static uint32_t id_next;

static size_t id_hash(const struct bh_map *map, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)map * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 32) & (cap - 1);
}

/* Slot of map, or of the empty entry where it would go (id_lock held). */
static size_t id_find_locked(const struct bh_map *map)
{
	size_t i = id_hash(map, id_cap);

	while (id_tab[i].map && id_tab[i].map != map)
		i = (i + 1) & (id_cap - 1);
	return i;
}

static int id_grow_locked(void)
{
	size_t ncap = id_cap ? id_cap * 2 : 64, i, j;
	struct id_ent *nt = calloc(ncap, sizeof(*nt)), *old = id_tab;

	if (!nt)
		return -ENOMEM;
	for (i = 0; i < id_cap; i++) {
		if (!old[i].map)
			continue;
		j = id_hash(old[i].map, ncap);
		while (nt[j].map)
			j = (j + 1) & (ncap - 1);
		nt[j] = old[i];
	}
	id_tab = nt;
	id_cap = ncap;
	free(old);
	return 0;
}

/* One more outer slot holds map: assign an id on the first. */
static int id_ref(const struct bh_map *map)
{
	size_t i;
	int err = 0;

	pthread_mutex_lock(&id_lock);
	if ((id_cnt + 1) * 2 > id_cap) {
		err = id_grow_locked();
		if (err)
			goto out;
	}
	i = id_find_locked(map);
	if (!id_tab[i].map) {
		if (++id_next == 0)
			id_next = 1;
		id_tab[i] = (struct id_ent){ map, id_next, 0 };
		id_cnt++;
	}
	id_tab[i].refs++;
out:
	pthread_mutex_unlock(&id_lock);
	return err;
}

/* Remove entry i, moving later entries of its probe run back (id_lock held). */
static void id_remove_locked(size_t i)
{
	size_t j = i, k;

	id_tab[i] = (struct id_ent){ 0 };
	for (;;) {
		j = (j + 1) & (id_cap - 1);
		if (!id_tab[j].map)
			break;
		k = id_hash(id_tab[j].map, id_cap);
		/* can entry j move to the hole at i? (k not cyclically in (i, j]) */
		if (i <= j ? (k <= i || k > j) : (k <= i && k > j)) {
			id_tab[i] = id_tab[j];
			id_tab[j] = (struct id_ent){ 0 };
			i = j;
		}
	}
	id_cnt--;
}

static void id_unref(const struct bh_map *map)
{
	size_t i;

	pthread_mutex_lock(&id_lock);
	if (id_cap) {
		i = id_find_locked(map);
		if (id_tab[i].map && !--id_tab[i].refs)
			id_remove_locked(i);
	}
	pthread_mutex_unlock(&id_lock);
}

uint32_t bh_mim_map_id(const struct bh_map *map)
{
	uint32_t id = 0;
	size_t i;

	pthread_mutex_lock(&id_lock);
	if (id_cap) {
		i = id_find_locked(map);
		id = id_tab[i].map ? id_tab[i].id : 0;
	}
	pthread_mutex_unlock(&id_lock);
	return id;
}

/* ---- templates ---- */

int bh_mim_template_ok(const struct bh_map_def *tmpl, struct bh_log *log)
{
	if (bh_map_type_is_mim(tmpl->type)) {
		bh_map_log(log, tmpl,
			   "cannot be an inner map template: maps of maps nest one level only");
		return -EINVAL;
	}
	return 0;
}

int bh_mim_template_check(const struct bh_map_def *outer, const struct bh_map_def *tmpl,
			  const struct bh_map_def *def, struct bh_log *log)
{
	const char *what = NULL;
	uint32_t have = 0, want = 0;

	if (def->type != tmpl->type) {
		const char *h = bh_map_type_name(def->type), *w = bh_map_type_name(tmpl->type);

		bh_map_log(log, outer,
			   "inner map '%.*s' is of type %s, the inner map template is of type %s",
			   BH_MAP_NAME_LEN, def->name, h ? h : "?", w ? w : "?");
		return -EINVAL;
	}
#define CMP(field)                                \
	if (!what && def->field != tmpl->field) { \
		what = #field;                    \
		have = def->field;                \
		want = tmpl->field;               \
	}
	CMP(key_size);
	CMP(value_size);
	CMP(map_flags);
	if (!(tmpl->map_flags & BH_F_INNER_MAP))
		CMP(max_entries);
#undef CMP
	if (!what)
		return 0;
	bh_map_log(log, outer,
		   strcmp(what, "map_flags")
			   ? "inner map '%.*s' has %s %u, the inner map template has %u"
			   : "inner map '%.*s' has %s 0x%x, the inner map template has 0x%x",
		   BH_MAP_NAME_LEN, def->name, what, have, want);
	return -EINVAL;
}

const struct bh_map_def *bh_mim_template(const struct bh_map *outer)
{
	return &mim(outer)->tmpl;
}

/* ---- definition, creation, teardown ---- */

static void store_def(const struct bh_map_def *def, struct bh_map_def *sd)
{
	memset(sd, 0, sizeof(*sd));
	sd->type = BPFHOST_MAP_TYPE_HASH;
	sd->key_size = def->key_size;
	sd->value_size = 8;
	sd->max_entries = def->max_entries;
	sd->map_flags = def->map_flags;
	memcpy(sd->name, def->name, sizeof(sd->name));
}

static int mim_check_def(const struct bh_map_def *def, struct bh_log *log)
{
	struct bh_map_def sd;

	if (!pending_tmpl) {
		bh_map_log(log, def, "needs an inner map template (inner_map_fd)");
		return -EINVAL;
	}
	if (def->value_size != 4) {
		bh_map_log(log, def, "value_size %u: must be 4 (an inner map fd)", def->value_size);
		return -EINVAL;
	}
	if (def->type == BPFHOST_MAP_TYPE_ARRAY_OF_MAPS) {
		if (def->key_size != 4) {
			bh_map_log(log, def, "key_size %u: must be 4", def->key_size);
			return -EINVAL;
		}
		if (def->map_flags) {
			bh_map_log(log, def, "map_flags 0x%x: no flags are supported",
				   def->map_flags);
			return -EINVAL;
		}
		if (!def->max_entries) {
			bh_map_log(log, def, "max_entries 0: must be at least 1");
			return -EINVAL;
		}
		if (def->max_entries > MIM_MAX_ARRAY) {
			bh_map_log(log, def, "max_entries %u: larger than the limit of %u",
				   def->max_entries, MIM_MAX_ARRAY);
			return -E2BIG;
		}
		return 0;
	}
	if (def->map_flags & ~BPFHOST_F_NO_PREALLOC) {
		bh_map_log(log, def, "map_flags 0x%x: only F_NO_PREALLOC is supported",
			   def->map_flags);
		return -EINVAL;
	}
	/* the private hash must be creatable: its checks give the messages */
	store_def(def, &sd);
	return bh_htab_map_ops.check_def(&sd, log);
}

static size_t mim_region_size(const struct bh_map_def *def, unsigned ncpus)
{
	return BH_MAP_HDR_SIZE;
}

static int mim_open(struct bh_map *map)
{
	size_t nslots = is_hash(map) ? 0 : map->def.max_entries;
	struct bh_map_def sd;
	struct mim *m;
	int err;

	if (!pending_tmpl)
		return -EINVAL;
	m = calloc(1, sizeof(*m) + nslots * sizeof(m->slot[0]));
	if (!m)
		return -ENOMEM;
	m->tmpl = *pending_tmpl;
	if (is_hash(map)) {
		store_def(&map->def, &sd);
		err = bh_map_create(&sd, NULL, &m->store, NULL, NULL);
		if (err) {
			free(m);
			return err;
		}
	}
	pthread_mutex_init(&m->lock, NULL);
	map->priv = m;
	return 0;
}

/* Release maps taken out of slots, after every invocation in flight returned. */
static void drop_after_grace_period(struct bh_map **old, size_t n)
{
	bool any = false;
	size_t i;

	for (i = 0; i < n; i++)
		any |= old[i] != NULL;
	if (!any)
		return;
	if (!bh_mim_in_invocation())
		bh_mim_synchronize();
	for (i = 0; i < n; i++) {
		if (!old[i])
			continue;
		id_unref(old[i]);
		bh_map_put(old[i]);
	}
}

struct collect {
	struct bh_map **maps;
	size_t n, cap;
	bool oom;
};

static long collect_cb(struct bh_map *store, const void *key, void *value, void *ctx)
{
	struct collect *c = ctx;
	struct bh_map *p = __atomic_exchange_n((struct bh_map **)value, NULL, __ATOMIC_ACQ_REL);

	if (!p)
		return 0;
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;
		struct bh_map **nm = realloc(c->maps, ncap * sizeof(*nm));

		if (!nm) {
			/* keep going: release this one at once (map is unreachable) */
			c->oom = true;
			id_unref(p);
			bh_map_put(p);
			return 0;
		}
		c->maps = nm;
		c->cap = ncap;
	}
	c->maps[c->n++] = p;
	return 0;
}

static void mim_release(struct bh_map *map)
{
	struct mim *m = mim(map);
	struct collect c = { 0 };

	if (!m)
		return;
	if (is_hash(map)) {
		if (m->store) {
			m->store->ops->for_each(m->store, collect_cb, &c);
			drop_after_grace_period(c.maps, c.n);
			free(c.maps);
			bh_map_put(m->store);
		}
	} else {
		/* unreachable now: nobody else reads the slots */
		drop_after_grace_period(m->slot, map->def.max_entries);
	}
	pthread_mutex_destroy(&m->lock);
	/* map->priv itself is freed by bh_map_put */
}

int bh_mim_create(const struct bh_map_def *def, const struct bh_map_def *tmpl, struct bh_map **out,
		  struct bh_log *log)
{
	int err;

	if (out)
		*out = NULL;
	if (!def || !tmpl || !out) {
		bh_logf(log, "map-in-map: no definition, template or result pointer\n");
		return -EINVAL;
	}
	if (!bh_map_type_is_mim(def->type)) {
		bh_map_log(log, def, "an inner map template is only for map-in-map types");
		return -EINVAL;
	}
	err = bh_mim_template_ok(tmpl, log);
	if (err)
		return err;
	pending_tmpl = tmpl;
	err = bh_map_create(def, NULL, out, NULL, log);
	pending_tmpl = NULL;
	return err;
}

/* ---- operations ---- */

static void *mim_lookup(struct bh_map *map, const void *key)
{
	struct mim *m = mim(map);
	uint32_t idx;
	uint64_t *v;

	if (is_hash(map)) {
		v = m->store->ops->lookup(m->store, key);
		return v ? __atomic_load_n((struct bh_map **)v, __ATOMIC_ACQUIRE) : NULL;
	}
	memcpy(&idx, key, 4);
	if (idx >= map->def.max_entries)
		return NULL;
	return __atomic_load_n(&m->slot[idx], __ATOMIC_ACQUIRE);
}

/* Slot of key in the private hash (mutex held), or NULL. */
static struct bh_map **hash_slot_locked(struct mim *m, const void *key)
{
	return m->store->ops->lookup(m->store, key);
}

int bh_mim_update(struct bh_map *outer, const void *key, struct bh_map *inner, uint64_t flags,
		  struct bh_log *log)
{
	struct mim *m = mim(outer);
	struct bh_map *old = NULL, **slot;
	uint64_t zero = 0;
	uint32_t idx = 0;
	int err;

	if (!bh_map_update_flags_ok(flags))
		return -EINVAL;
	if (bh_mim_in_invocation()) {
		bh_map_log(log, &outer->def, "cannot be updated from inside an invocation");
		return -EOPNOTSUPP;
	}
	err = bh_mim_template_check(&outer->def, &m->tmpl, &inner->def, log);
	if (err)
		return err;
	if (!is_hash(outer)) {
		memcpy(&idx, key, 4);
		if (idx >= outer->def.max_entries)
			return -E2BIG;
		if (flags == BPFHOST_NOEXIST)
			return -EEXIST; /* array semantics: every slot exists */
	}
	err = id_ref(inner);
	if (err)
		return err;
	bh_map_get(inner);
	pthread_mutex_lock(&m->lock);
	if (!is_hash(outer)) {
		old = __atomic_exchange_n(&m->slot[idx], inner, __ATOMIC_ACQ_REL);
		goto unlock;
	}
	slot = hash_slot_locked(m, key);
	if (slot && flags == BPFHOST_NOEXIST) {
		err = -EEXIST;
	} else if (!slot && flags == BPFHOST_EXIST) {
		err = -ENOENT;
	} else if (slot) {
		old = __atomic_exchange_n(slot, inner, __ATOMIC_ACQ_REL);
	} else {
		err = m->store->ops->update(m->store, key, &zero, BPFHOST_NOEXIST);
		slot = err ? NULL : hash_slot_locked(m, key);
		if (slot)
			__atomic_store_n(slot, inner, __ATOMIC_RELEASE);
		else if (!err)
			err = -ENOMEM; /* cannot happen: writers hold the mutex */
	}
unlock:
	pthread_mutex_unlock(&m->lock);
	if (err) {
		id_unref(inner);
		bh_map_put(inner);
		return err;
	}
	drop_after_grace_period(&old, 1);
	return 0;
}

static int mim_update_user(struct bh_map *map, const void *key, const void *value, uint64_t flags)
{
	struct bh_log log = BH_LOG_INIT;
	struct bh_map *inner;
	uint32_t fd;
	int err;

	memcpy(&fd, value, 4);
	inner = bh_mim_fd_to_map(fd, &err);
	if (!inner)
		return err;
	err = bh_mim_update(map, key, inner, flags, &log);
	bh_map_put(inner);
	bh_log_finish(&log, NULL, 0, NULL, BPFHOST_WARN);
	return err;
}

static int mim_lookup_user(struct bh_map *map, const void *key, void *value, uint64_t flags)
{
	struct mim *m = mim(map);
	struct bh_map *p;
	uint32_t id;

	if (flags)
		return -EINVAL;
	/* under the mutex: a writer takes a map out of a slot only under it */
	pthread_mutex_lock(&m->lock);
	p = mim_lookup(map, key);
	id = p ? bh_mim_map_id(p) : 0;
	pthread_mutex_unlock(&m->lock);
	if (!p)
		return -ENOENT;
	memcpy(value, &id, 4);
	return 0;
}

static int mim_delete(struct bh_map *map, const void *key)
{
	struct mim *m = mim(map);
	struct bh_map *old = NULL, **slot;
	uint32_t idx = 0;
	int err = 0;

	/* Linux's verifier lets no program delete from a map of maps */
	if (bh_mim_in_invocation())
		return -EOPNOTSUPP;
	if (!is_hash(map)) {
		memcpy(&idx, key, 4);
		if (idx >= map->def.max_entries)
			return -E2BIG;
	}
	pthread_mutex_lock(&m->lock);
	if (!is_hash(map)) {
		old = __atomic_exchange_n(&m->slot[idx], NULL, __ATOMIC_ACQ_REL);
	} else {
		slot = hash_slot_locked(m, key);
		if (slot) {
			old = __atomic_exchange_n(slot, NULL, __ATOMIC_ACQ_REL);
			err = m->store->ops->delete (m->store, key);
		}
	}
	pthread_mutex_unlock(&m->lock);
	if (!old)
		return err ? err : -ENOENT;
	drop_after_grace_period(&old, 1);
	return 0;
}

static int mim_get_next_key(struct bh_map *map, const void *key, void *next_key)
{
	struct mim *m = mim(map);
	uint32_t idx = 0, next;

	if (is_hash(map))
		return m->store->ops->get_next_key(m->store, key, next_key);
	if (key)
		memcpy(&idx, key, 4);
	if (!key || idx >= map->def.max_entries)
		next = 0;
	else if (idx + 1 >= map->def.max_entries)
		return -ENOENT;
	else
		next = idx + 1;
	memcpy(next_key, &next, 4);
	return 0;
}

#define MIM_OPS                                                                       \
	.check_def = mim_check_def, .region_size = mim_region_size, .open = mim_open, \
	.release = mim_release, .lookup = mim_lookup, .delete = mim_delete,           \
	.lookup_user = mim_lookup_user, .update_user = mim_update_user,               \
	.get_next_key = mim_get_next_key

const struct bh_map_ops bh_array_of_maps_map_ops = { MIM_OPS };
const struct bh_map_ops bh_hash_of_maps_map_ops = { MIM_OPS };
