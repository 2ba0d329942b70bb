/* SPDX-License-Identifier: MIT */
/*
 * PROG_ARRAY (Linux map type 3): max_entries slots of program references,
 * the targets of bpf_tail_call.
 *
 * Programs are objects of this process, so the slots live in process-local
 * memory (map->priv), not in the region (which holds only the common
 * header); the runtime refuses a pin path for this type. User space stores
 * a program *fd* (u32 value) and the slot takes a reference on the program;
 * user lookups answer the program's id, as Linux does. Programs cannot
 * update, delete or look up slots (Linux's verifier allows a prog array
 * only as the argument of bpf_tail_call); they read a slot through
 * bh_prog_array_get with one acquire load.
 *
 * All programs in one array have the same program type: the first program
 * that is stored in the array or that refers to it (lddw at load) claims it
 * for its type; any other type is refused with -EINVAL.
 *
 * Replacing or removing a program: the slot is exchanged under the array's
 * mutex, then the writer waits for a grace period (rcu.h: every invocation
 * in flight, on any hook or test run, since a tail-call chain of any of
 * them may be running the old program or about to) and only then drops the
 * reference.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "maps/map.h"
#include "maps/prog_array.h"
#include "runtime/runtime.h"

struct prog_array {
	pthread_mutex_t lock; /* writers */
	char *owner;	      /* program type name, NULL until claimed */
	struct bh_prog *slot[];
};

static struct prog_array *pa(struct bh_map *map)
{
	return map->priv;
}

static int pa_check_def(const struct bh_map_def *def, struct bh_log *log)
{
	if (def->key_size != 4 || def->value_size != 4) {
		bh_map_log(log, def, "key_size and value_size must be 4 (got %u and %u)\n",
			   def->key_size, def->value_size);
		return -EINVAL;
	}
	if (def->map_flags) {
		bh_map_log(log, def, "map_flags 0x%x: no flags are supported\n", def->map_flags);
		return -EINVAL;
	}
	if (!def->max_entries) {
		bh_map_log(log, def, "max_entries must not be 0\n");
		return -EINVAL;
	}
	if (def->max_entries > (1u << 24)) {
		bh_map_log(log, def, "max_entries %u is more than %u\n", def->max_entries,
			   1u << 24);
		return -E2BIG;
	}
	return 0;
}

static size_t pa_region_size(const struct bh_map_def *def, unsigned ncpus)
{
	return BH_MAP_HDR_SIZE;
}

static int pa_open(struct bh_map *map)
{
	struct prog_array *a;

	a = calloc(1, sizeof(*a) + (size_t)map->def.max_entries * sizeof(a->slot[0]));
	if (!a)
		return -ENOMEM;
	pthread_mutex_init(&a->lock, NULL);
	map->priv = a;
	return 0;
}

static void pa_release(struct bh_map *map)
{
	struct prog_array *a = pa(map);

	if (!a)
		return;
	bh_prog_array_clear(map);
	pthread_mutex_destroy(&a->lock);
	free(a->owner);
	/* map->priv itself is freed by bh_map_put */
}

const struct bh_prog *bh_prog_array_get(struct bh_map *map, uint32_t index)
{
	if (index >= map->def.max_entries)
		return NULL;
	return __atomic_load_n(&pa(map)->slot[index], __ATOMIC_ACQUIRE);
}

int bh_prog_array_set_owner(struct bh_map *map, const char *type_name, const char **owner)
{
	struct prog_array *a = pa(map);
	int err = 0;

	pthread_mutex_lock(&a->lock);
	if (!a->owner) {
		a->owner = strdup(type_name);
		if (!a->owner)
			err = -ENOMEM;
	} else if (strcmp(a->owner, type_name)) {
		err = -EINVAL;
	}
	if (owner)
		*owner = a->owner;
	pthread_mutex_unlock(&a->lock);
	return err;
}

/* Put what was exchanged out, after every running invocation finished. */
static void drop_after_grace_period(struct bh_prog **old, size_t n)
{
	size_t i;
	bool any = false;

	for (i = 0; i < n; i++)
		any |= old[i] != NULL;
	if (!any)
		return;
	bh_rcu_synchronize();
	for (i = 0; i < n; i++)
		if (old[i])
			bh_prog_put(old[i]);
}

static int pa_update_user(struct bh_map *map, const void *key, const void *value, uint64_t flags)
{
	struct prog_array *a = pa(map);
	uint32_t idx, fd;
	struct bh_prog *prog, *old;
	const char *owner = NULL;
	int err;

	memcpy(&idx, key, 4);
	memcpy(&fd, value, 4);
	if (flags > BPFHOST_EXIST)
		return -EINVAL;
	if (idx >= map->def.max_entries)
		return -E2BIG;
	if (flags == BPFHOST_NOEXIST)
		return -EEXIST; /* array semantics: every slot exists */
	prog = bh_fd_prog((int)fd, &err);
	if (!prog)
		return err;
	err = bh_prog_array_set_owner(map, prog->type->name, &owner);
	if (err) {
		if (err == -EINVAL)
			bh_rt_pr(prog->rt, BPFHOST_WARN,
				 "prog_array '%s': program '%s' is of type '%s' but the array "
				 "holds programs of type '%s'\n",
				 map->def.name, prog->name, prog->type->name, owner);
		bh_prog_put(prog);
		return err;
	}
	pthread_mutex_lock(&a->lock);
	old = __atomic_exchange_n(&a->slot[idx], prog, __ATOMIC_ACQ_REL);
	pthread_mutex_unlock(&a->lock);
	drop_after_grace_period(&old, 1);
	return 0;
}

int bh_prog_array_delete_user(struct bh_map *map, const void *key)
{
	struct prog_array *a = pa(map);
	struct bh_prog *old;
	uint32_t idx;

	memcpy(&idx, key, 4);
	if (idx >= map->def.max_entries)
		return -E2BIG;
	pthread_mutex_lock(&a->lock);
	old = __atomic_exchange_n(&a->slot[idx], NULL, __ATOMIC_ACQ_REL);
	pthread_mutex_unlock(&a->lock);
	if (!old)
		return -ENOENT;
	drop_after_grace_period(&old, 1);
	return 0;
}

void bh_prog_array_clear(struct bh_map *map)
{
	struct prog_array *a = pa(map);
	struct bh_prog **old;
	uint32_t i, n = map->def.max_entries;

	old = calloc(n ? n : 1, sizeof(*old));
	pthread_mutex_lock(&a->lock);
	for (i = 0; i < n; i++) {
		struct bh_prog *p = __atomic_exchange_n(&a->slot[i], NULL, __ATOMIC_ACQ_REL);

		if (!p)
			continue;
		if (old) {
			old[i] = p;
		} else {
			/* no memory for the batch: one grace period per slot */
			pthread_mutex_unlock(&a->lock);
			drop_after_grace_period(&p, 1);
			pthread_mutex_lock(&a->lock);
		}
	}
	pthread_mutex_unlock(&a->lock);
	if (old)
		drop_after_grace_period(old, n);
	free(old);
}

static int pa_lookup_user(struct bh_map *map, const void *key, void *value, uint64_t flags)
{
	struct prog_array *a = pa(map);
	const struct bh_prog *p;
	uint32_t idx;
	int err = -ENOENT;

	if (flags)
		return -EINVAL;
	memcpy(&idx, key, 4);
	/* under the lock: a writer drops a slot's reference only after it */
	pthread_mutex_lock(&a->lock);
	p = bh_prog_array_get(map, idx);
	if (p) {
		memcpy(value, &p->id, 4);
		err = 0;
	}
	pthread_mutex_unlock(&a->lock);
	return err;
}

static int pa_get_next_key(struct bh_map *map, const void *key, void *next_key)
{
	uint32_t idx = 0, next;

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

const struct bh_map_ops bh_prog_array_map_ops = {
	.check_def = pa_check_def,
	.region_size = pa_region_size,
	.open = pa_open,
	.release = pa_release,
	.update_user = pa_update_user,
	.lookup_user = pa_lookup_user,
	.get_next_key = pa_get_next_key,
};
